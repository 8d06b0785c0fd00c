/* Guest programs that aborted vmsim itself (issue 18). One case per run:
 *   hostile nodefer   SIGSEGV handler at an unmapped address, SA_NODEFER:
 *                     Linux kills the process with SIGSEGV (force_sigsegv)
 *   hostile mremap    mremap with a length that wraps the address space
 *   hostile madvise   madvise over a range that leaves the user half
 *   hostile sigargs   rt_sigaction/rt_sigpending/kill with odd arguments */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *label, long rc)
{
    if (rc < 0)
        printf("%s = %ld (%s)\n", label, rc, strerrorname_np(errno));
    else
        printf("%s = %ld\n", label, rc);
}
#define SHOW(label, expr) do { errno = 0; show(label, (long)(expr)); } while (0)

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *c = argc > 1 ? argv[1] : "";
    if (strcmp(c, "nodefer") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = (void (*)(int))0x10;   /* nothing mapped there */
        sa.sa_flags = SA_NODEFER;
        SHOW("sigaction", sigaction(SIGSEGV, &sa, NULL));
        volatile int *bad = (volatile int *)(argc > 99 ? 0x1000UL : 8UL);
        *bad = 1;
        printf("survived\n");
        return 0;
    }
    if (strcmp(c, "mremap") == 0) {
        char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        SHOW("mremap huge old", (long)mremap(a, 0xfffffffffffff000UL, 4096, MREMAP_MAYMOVE));
        (void)syscall(SYS_mremap, a, 4096UL, 0xfffffffffffff000UL, MREMAP_MAYMOVE);
        (void)syscall(SYS_mremap, 0xfffffffffffff000UL, 8192UL, 4096UL, 0UL);
        (void)syscall(SYS_mremap, 0x7ffffffff000UL, 1UL << 47, 4096UL, 0UL);
        a[0] = 1;
        printf("alive %d\n", a[0]);
        return 0;
    }
    if (strcmp(c, "madvise") == 0) {
        /* Nothing mapped from the last user page on: ENOMEM (a range over
         * mapped regions would drop their pages, this program's too). */
        SHOW("madvise dontneed", madvise((void *)0x7ffffffff000UL, 1UL << 47, MADV_DONTNEED));
        SHOW("madvise wrap", madvise((void *)0xfffffffffffff000UL, 8192, MADV_DONTNEED));
        SHOW("madvise kernel half", madvise((void *)0xffffffc000000000UL, 8192, MADV_DONTNEED));
        SHOW("munmap half", munmap((void *)0x40000000, 1UL << 47));
        printf("alive\n");
        return 0;
    }
    if (strcmp(c, "shmgrow") == 0) {
        char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        a[0] = 1;
        char *b = mremap(a, 4096, 8192, MREMAP_MAYMOVE);
        SHOW("mremap grow", b != MAP_FAILED);
        b[0] = 2;
        printf("first page ok\n");
        b[4096] = 3;   /* past the object: SIGBUS */
        printf("second page written\n");
        return 0;
    }
    if (strcmp(c, "sigargs") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        SHOW("rt_sigaction high", syscall(SYS_rt_sigaction, 0x100000000L | SIGUSR1, &sa, NULL, 8));
        SHOW("rt_sigaction neg", syscall(SYS_rt_sigaction, -1L, &sa, NULL, 8));
        sigset_t set;
        SHOW("rt_sigpending 7", syscall(SYS_rt_sigpending, &set, 7));
        SHOW("rt_sigpending 8", syscall(SYS_rt_sigpending, &set, 8));
        SHOW("kill INT_MIN", kill(INT_MIN, 0));
        SHOW("kill high bits", syscall(SYS_kill, 0x100000000L | getpid(), 0));
        return 0;
    }
    return 2;
}
