/* Bad input to the thread calls, answered as Linux does: clone flag
 * combinations copy_process refuses (EINVAL), futex on an unaligned word
 * (EINVAL) or an unmapped one (EFAULT), an unknown futex op (ENOSYS),
 * FUTEX_WAIT on a changed value (EAGAIN) and with a past timeout
 * (ETIMEDOUT), set_robust_list with a wrong size (EINVAL), tgkill of a
 * thread of another process (ESRCH), membarrier with bad flags (EINVAL). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *err(long r)
{
    if (r >= 0)
        return "ok";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EAGAIN: return "EAGAIN";
    case ENOSYS: return "ENOSYS";
    case ESRCH: return "ESRCH";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EPERM: return "EPERM";
    default: return "other";
    }
}

int main(void)
{
    /* CLONE_THREAD without CLONE_SIGHAND; CLONE_SIGHAND without CLONE_VM;
     * CLONE_NEWNS with CLONE_FS. None of them creates anything. */
    printf("clone THREAD|VM: %s\n", err(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0)));
    printf("clone SIGHAND: %s\n", err(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0)));
    printf("clone NEWNS|FS: %s\n", err(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0)));
    static uint32_t word[2] = {5, 0};
    char *w = (char *)word;
    printf("futex wait unaligned: %s\n", err(syscall(SYS_futex, w + 1, FUTEX_WAIT, 5, 0, 0, 0)));
    printf("futex wake unaligned: %s\n", err(syscall(SYS_futex, w + 2, FUTEX_WAKE, 1, 0, 0, 0)));
    void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 4096);
    printf("futex wait unmapped: %s\n", err(syscall(SYS_futex, gone, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0)));
    printf("futex wait shared unmapped: %s\n", err(syscall(SYS_futex, gone, FUTEX_WAIT, 0, 0, 0, 0)));
    printf("futex wake private unmapped: %s\n", err(syscall(SYS_futex, gone, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0)));
    printf("futex wait changed value: %s\n", err(syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 4, 0, 0, 0)));
    struct timespec t0 = {0, 1000};
    printf("futex wait timeout: %s\n", err(syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, &t0, 0, 0)));
    struct timespec bad = {0, 2000000000};
    printf("futex wait bad timeout: %s\n", err(syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, &bad, 0, 0)));
    printf("futex wait_bitset 0: %s\n", err(syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, 5, 0, 0, 0)));
    printf("futex wake nobody: %ld\n", syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
    printf("futex cmp_requeue mismatch: %s\n",
           err(syscall(SYS_futex, word, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, word + 1, 7)));
    printf("futex op 99: %s\n", err(syscall(SYS_futex, word, 99, 0, 0, 0, 0)));
    printf("set_robust_list size 8: %s\n", err(syscall(SYS_set_robust_list, word, 8)));
    printf("tgkill wrong tgid: %s\n", err(syscall(SYS_tgkill, getpid() + 100000, (pid_t)syscall(SYS_gettid), 0)));
    printf("tgkill tid 0: %s\n", err(syscall(SYS_tgkill, getpid(), 0, 0)));
    printf("membarrier flags: %s\n", err(syscall(SYS_membarrier, 0, 1, 0)));
    printf("membarrier private expedited unregistered: %s\n", err(syscall(SYS_membarrier, 8, 0, 0)));
    return 0;
}
