/* fork, wait4/waitpid/waitid, exit codes, zombies, orphans, death by
 * signal: everything printed is decided by the program, not the scheduler
 * (a parent prints only after it has waited). */
#include <errno.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: status 0x%x\n", what, st);
}

/* Each level forks the next and exits with its child's status + 1. */
static int chain(int depth)
{
    if (depth == 0)
        return 10;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(chain(depth - 1));
    int st;
    if (waitpid(c, &st, 0) != c)
        return 100;
    return WEXITSTATUS(st) + 1;
}

/* Kept in a variable so the compiler cannot see the bad access. */
static volatile uintptr_t bad_addr = 8;

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Several children with distinct exit codes, reaped in a chosen order. */
    pid_t kids[5];
    const int codes[5] = {0, 1, 42, 255, 256};
    for (int i = 0; i < 5; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            exit(codes[i]);
    }
    for (int i = 4; i >= 0; i--) {
        int st;
        pid_t r = waitpid(kids[i], &st, 0);
        char what[32];
        snprintf(what, sizeof what, "child %d", i);
        printf("waitpid matches: %d\n", r == kids[i]);
        show(what, st);
    }
    printf("wait with no children: %d %s\n", wait(NULL), strerror(errno));

    /* A chain of 6 processes. */
    int st;
    pid_t c = fork();
    if (c == 0)
        _exit(chain(6));
    waitpid(c, &st, 0);
    show("chain", st);

    /* A zombie stays until reaped: kill(pid, 0) still finds it; WNOHANG. */
    c = fork();
    if (c == 0)
        _exit(7);
    /* Wait until the child is gone without reaping it: waitid WNOWAIT. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: %d code=%s status=%d pid_ok=%d\n", r,
           si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_status, si.si_pid == c);
    printf("zombie still there: kill=%d\n", kill(c, 0));
    r = waitpid(c, &st, WNOHANG);
    printf("WNOHANG on zombie reaps it: %d\n", r == c);
    show("zombie", st);
    printf("gone: kill=%d %s\n", kill(c, 0), strerror(errno));

    /* WNOHANG on a running child returns 0. */
    c = fork();
    if (c == 0) {
        for (volatile int i = 0; i < 2000000; i++)
            ;
        _exit(3);
    }
    printf("WNOHANG running: %d\n", waitpid(c, &st, WNOHANG));
    waitpid(c, &st, 0);
    show("slow child", st);

    /* An orphan is not adopted by us: after its parent is reaped, wait()
     * says ECHILD; the orphan sees a new parent. */
    c = fork();
    if (c == 0) {
        pid_t me = getpid();
        if (fork() == 0) {
            while (getppid() == me)
                sched_yield();
            _exit(0);
        }
        _exit(5);
    }
    waitpid(c, &st, 0);
    show("orphan's parent", st);
    errno = 0;
    printf("orphan not ours: %d %s\n", wait(NULL), strerror(errno));

    /* Death by signals, seen through wait. */
    const int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGABRT, SIGSEGV};
    for (int i = 0; i < 5; i++) {
        c = fork();
        if (c == 0) {
            if (sigs[i] == SIGSEGV)
                *(volatile int *)(uintptr_t)bad_addr = 1;
            else if (sigs[i] == SIGABRT)
                abort();
            else
                kill(getpid(), sigs[i]);
            _exit(99);
        }
        waitpid(c, &st, 0);
        show("signalled child", st);
    }

    /* The parent kills a child that spins. */
    c = fork();
    if (c == 0)
        for (;;)
            ;
    kill(c, SIGTERM);
    waitpid(c, &st, 0);
    show("spinner", st);

    /* wait4 fills a rusage. */
    c = fork();
    if (c == 0)
        _exit(9);
    struct rusage ru;
    printf("wait4: %d\n", wait4(c, &st, 0, &ru) == c);
    show("wait4 child", st);
    return 3;
}
