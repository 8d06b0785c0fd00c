/* mlock and friends as an unprivileged Linux user sees them (issue 14):
 * VmLck, smaps' Locked and Rss, mincore after locking, RLIMIT_MEMLOCK (8 MiB:
 * ENOMEM beyond it, EPERM at 0), MLOCK_ONFAULT, mlockall(MCL_FUTURE), bad
 * flags, and a fork child that does not inherit the locks. Natively, root
 * first becomes an ordinary user (locks are not limited for root). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prockb.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static const char *err(int rc)
{
    if (rc == 0)
        return "ok";
    return errno == ENOMEM ? "ENOMEM" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL"
                                                                   : strerror(errno);
}

static void show(const char *when, void *p)
{
    printf("%s: VmLck %ld kB, region Rss %ld kB, Locked %ld kB\n", when, status_kb("VmLck"),
           smaps_kb(p, "Rss"), smaps_kb(p, "Locked"));
}

/* A mapping with an inaccessible guard page after it, so that it never
 * merges with the next one (Linux would not merge them either: different
 * anon_vma; vmsim's merge does not look at that). */
static void *map(size_t len)
{
    char *p = mmap(NULL, len + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        exit(1);
    mprotect(p + len, 4096, PROT_NONE);
    madvise(p, len, MADV_NOHUGEPAGE);
    return p;
}

int main(void)
{
    if (geteuid() == 0) {
        if (setgid(65534) || setuid(65534))
            return 1;
        prctl(PR_SET_DUMPABLE, 1);
    }
    struct rlimit rl;
    getrlimit(RLIMIT_MEMLOCK, &rl);
    printf("RLIMIT_MEMLOCK %llu kB, hard %llu kB\n", (unsigned long long)rl.rlim_cur >> 10,
           (unsigned long long)rl.rlim_max >> 10);

    char *p = map(4 << 20);
    show("fresh 4 MiB", p);
    printf("mlock 4 MiB: %s\n", err(mlock(p, 4 << 20)));
    show("locked", p);
    unsigned char vec[1024];
    int all = mincore(p, 4 << 20, vec) == 0;
    for (int i = 0; i < 1024; i++)
        all &= vec[i] & 1;
    printf("mincore: all resident %s\n", all ? "yes" : "no");
    printf("mlock 4 MiB again: %s\n", err(mlock(p, 4 << 20)));
    char *q = map(8 << 20);
    printf("mlock 8 MiB more (over the limit): %s\n", err(mlock(q, 8 << 20)));
    printf("munlock half: %s\n", err(munlock(p, 2 << 20)));
    show("half unlocked", p);
    printf("munlock all: %s\n", err(munlock(p, 4 << 20)));
    show("unlocked", p);

    printf("mlock2 ONFAULT 1 MiB: %s\n", err(mlock2(q, 1 << 20, MLOCK_ONFAULT)));
    show("on fault, untouched", q);
    q[0] = 1;
    q[4096] = 1;
    show("on fault, two pages touched", q);
    printf("mlock2 bad flags: %s\n", err(mlock2(q, 4096, 2)));
    printf("munlock: %s\n", err(munlock(q, 1 << 20)));

    printf("mlockall(0): %s\n", err(mlockall(0)));
    printf("mlockall(MCL_ONFAULT): %s\n", err(mlockall(MCL_ONFAULT)));
    printf("mlockall(MCL_FUTURE): %s\n", err(mlockall(MCL_FUTURE)));
    char *r = map(64 << 10);
    show("new 64 KiB mapping", r);
    printf("munlockall: %s\n", err(munlockall()));
    show("after munlockall", r);

    printf("mlock 64 KiB: %s\n", err(mlock(r, 64 << 10)));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child: VmLck %ld kB\n", status_kb("VmLck"));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("parent: VmLck %ld kB\n", status_kb("VmLck"));
    munlockall();
    rl.rlim_cur = 0;
    printf("setrlimit MEMLOCK 0: %s\n", err(setrlimit(RLIMIT_MEMLOCK, &rl)));
    printf("mlock with limit 0: %s\n", err(mlock(r, 4096)));
    rl.rlim_cur = rl.rlim_max = 16 << 20;
    printf("raise the hard limit: %s\n", err(setrlimit(RLIMIT_MEMLOCK, &rl)));
    return 0;
}
