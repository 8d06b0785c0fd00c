#define _GNU_SOURCE
/* Robustness: thousands of process, signal, time and memory system calls
 * with random arguments (bad pointers into unmapped memory, the kernel half,
 * odd sizes and flags; memory calls confined to a scratch area so the
 * program itself survives). Nothing may crash the simulator: the test runs
 * it under the ASan/UBSan build and wants "done" and exit status 0. Calls
 * that would end or stall the program (exit, sigsuspend, pause-like waits,
 * signals other than 0) are left out. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char buf[8192];
static char *scratch;
#define SCRATCH_PAGES 64

static uint64_t ptr_arg(void)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return rnd();                          /* anywhere */
    case 2: return 0xffffffc000000000ULL + rnd() % 65536;   /* kernel half */
    case 3: return 8 + rnd() % 4096;               /* near NULL */
    case 4: return (uint64_t)(buf + sizeof buf - rnd() % 64);   /* runs off the end */
    default: return (uint64_t)(buf + rnd() % 4096);
    }
}

static uint64_t int_arg(void)
{
    switch (rnd() % 6) {
    case 0: return 0;
    case 1: return rnd();
    case 2: return (uint64_t)-(int64_t)(rnd() % 5);
    default: return rnd() % 70;
    }
}

static uint64_t scratch_addr(void)
{
    return (uint64_t)scratch + (rnd() % SCRATCH_PAGES) * 4096 + (rnd() % 8 == 0 ? rnd() % 4096 : 0);
}

static uint64_t scratch_len(void)
{
    return rnd() % 4 == 0 ? rnd() % 10000 : (1 + rnd() % 8) * 4096;
}

static void sig_handler(int s) { (void)s; }

int main(int argc, char **argv)
{
    if (argc > 1)
        rng += strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ULL;
    /* The scratch area: memory calls only ever touch [scratch, +64 pages). */
    scratch = mmap(NULL, SCRATCH_PAGES * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED)
        return 1;
    /* Signals that random masks could leave pending get a harmless handler. */
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS)
            signal(s, sig_handler);
    long results = 0;
    for (int i = 0; i < 20000; i++) {
        long r = 0;
        switch (rnd() % 26) {
        case 0: r = syscall(SYS_rt_sigaction, int_arg() % 70,
                            rnd() % 2 ? ptr_arg() : 0, rnd() % 2 ? ptr_arg() : 0,
                            rnd() % 4 ? 8 : int_arg());
                /* A random action may name a random handler: reset them. */
                for (int s = 1; s < 32; s++)
                    if (s != SIGKILL && s != SIGSTOP)
                        signal(s, s == SIGSEGV || s == SIGBUS ? SIG_DFL : sig_handler);
                break;
        case 1: { uint64_t m = rnd() & ~((1ULL << (SIGSEGV - 1)) | (1ULL << (SIGBUS - 1)));
                  r = syscall(SYS_rt_sigprocmask, int_arg() % 4, rnd() % 2 ? (uint64_t)&m : ptr_arg(),
                              ptr_arg(), rnd() % 4 ? 8 : int_arg());
                  sigset_t none;
                  sigemptyset(&none);
                  sigprocmask(SIG_SETMASK, &none, NULL);   /* deliver what is pending */
                  break; }
        case 2: r = syscall(SYS_rt_sigpending, ptr_arg(), rnd() % 4 ? 8 : int_arg()); break;
        case 3: r = syscall(SYS_sigaltstack, ptr_arg(), ptr_arg());
                syscall(SYS_sigaltstack, &(stack_t){.ss_flags = SS_DISABLE}, 0);
                break;
        case 4: r = syscall(SYS_kill, rnd() % 2 ? getpid() : int_arg(), 0); break;
        case 5: r = syscall(SYS_tgkill, int_arg(), int_arg(), 0); break;
        case 6: r = syscall(SYS_clock_gettime, int_arg() % 16, ptr_arg()); break;
        case 7: r = syscall(SYS_clock_getres, int_arg() % 16, ptr_arg()); break;
        case 8: r = syscall(SYS_gettimeofday, ptr_arg(), ptr_arg()); break;
        case 9: { struct timespec ts = {0, (long)(rnd() % 2000000)};
                  r = syscall(SYS_nanosleep, rnd() % 2 ? (uint64_t)&ts : ptr_arg(), ptr_arg());
                  break; }
        case 10: { struct timespec ts = {0, (long)(rnd() % 2000000)};
                   r = syscall(SYS_clock_nanosleep, int_arg() % 12, rnd() % 2 ? 0 : 1,
                               rnd() % 2 ? (uint64_t)&ts : ptr_arg(), ptr_arg());
                   break; }
        case 11: r = syscall(SYS_uname, ptr_arg()); break;
        case 12: r = syscall(SYS_getrandom, ptr_arg(), rnd() % 600, int_arg()); break;
        case 13: r = syscall(SYS_sysinfo, ptr_arg()); break;
        case 14: r = syscall(SYS_prlimit64, rnd() % 2 ? 0 : int_arg(), int_arg() % 20,
                             rnd() % 8 == 0 ? ptr_arg() : 0, ptr_arg());
                 break;
        case 15: r = syscall(SYS_getrusage, int_arg(), ptr_arg()); break;
        case 16: r = syscall(SYS_times, ptr_arg()); break;
        case 17: r = syscall(SYS_futex, ptr_arg(), int_arg() % 12, 0xdeadbeef, 0, 0, 0); break;
        case 18: r = syscall(SYS_wait4, int_arg(), ptr_arg(), int_arg() | WNOHANG, ptr_arg()); break;
        case 19: r = syscall(SYS_waitid, int_arg() % 4, int_arg(), ptr_arg(),
                             int_arg() | WNOHANG, ptr_arg());
                 break;
        case 20: r = syscall(SYS_mmap, rnd() % 2 ? scratch_addr() : 0, scratch_len(), int_arg() % 8,
                             (rnd() % 2 ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS |
                                 (rnd() % 2 ? MAP_FIXED : 0),
                             -1, rnd() % 4 ? 0 : int_arg());
                 if (r > 0 && (r < (long)scratch || r >= (long)(scratch + SCRATCH_PAGES * 4096)))
                     munmap((void *)r, 4096);   /* (never used) */
                 break;
        case 21: r = syscall(SYS_mprotect, scratch_addr(), scratch_len(), int_arg() % 8); break;
        case 22: r = syscall(SYS_madvise, scratch_addr(), scratch_len(), int_arg() % 12); break;
        case 23: r = syscall(SYS_msync, scratch_addr(), scratch_len(), int_arg() % 8); break;
        case 24: r = syscall(SYS_mremap, scratch_addr(), scratch_len(), scratch_len(),
                             rnd() % 2 ? MREMAP_FIXED | MREMAP_MAYMOVE : 0, scratch_addr());
                 break;
        case 25: r = syscall(SYS_execve, ptr_arg(), ptr_arg(), ptr_arg()); break;
        }
        results += r < 0;
        /* Keep the scratch area ours whatever happened to it. */
        if (i % 64 == 0)
            mmap(scratch, SCRATCH_PAGES * 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    }
    printf("done (%ld calls failed)\n", results);
    return 0;
}
