/* For tests/scripts/events.sh and explain.sh: provable memory events.
 * Maps a fresh anonymous region of N+4 pages (argv[1], default 8), writes
 * one byte to each of its first N pages (N demand-zero faults there), prints
 * the region's address, forks, and the child writes to pages 0..2 (three
 * copy-on-write copies there: the parent still maps them) and exits; the
 * parent waits for it. */
#include "guest.h"

enum { SYS_clone = 220, SYS_wait4 = 260, SIGCHLD = 17, PAGE = 4096, COW_PAGES = 3 };

static long number(const char *s)
{
    long n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? number(argv[1]) : 8;
    volatile char *p = mmap_anon((size_t)(n + 4) * PAGE, 3 /* PROT_READ|PROT_WRITE */);
    if ((long)p < 0 && (long)p > -4096) {
        printf("mmap failed: %ld\n", (long)p);
        return 1;
    }
    for (long i = 0; i < n; i++)
        p[i * PAGE] = 1;
    printf("region %p pages %ld\n", (void *)p, n);
    flush();
    long pid = syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
    if (pid == 0) {
        for (long i = 0; i < COW_PAGES && i < n; i++)
            p[i * PAGE] = 2;
        exit(0);
    }
    syscall6(SYS_wait4, pid, 0, 0, 0, 0, 0);
    printf("child %ld done\n", pid);
    return 0;
}
