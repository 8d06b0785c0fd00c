/* Waiting and dying by signal (issue 12): a child kills its parent with
 * SIGTERM while the grandparent waits for that parent; the grandparent must
 * see WIFSIGNALED with signal 15, whoever sent it. Also a parent blocked in
 * a pipe read killed from outside, and a sleeping child killed by its
 * parent. The native build is the reference (coord_native.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got_usr1, alrm_count, usr2_count;
static void on_usr2(int s) { usr2_count += s == SIGUSR2; }
static void on_alrm(int s) { alrm_count += s == SIGALRM; }
static void on_usr1(int s) { got_usr1 = s == SIGUSR1; }

static void report(const char *what, int st)
{
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else
        printf("%s: status 0x%x\n", what, st);
    fflush(stdout);
}

int main(void)
{
    int st;
    /* 1. The grandchild kills its parent, which waits for it. */
    pid_t mid = fork();
    if (mid == 0) {
        pid_t c = fork();
        if (c == 0) {
            kill(getppid(), SIGTERM);
            _exit(3);
        }
        waitpid(c, &st, 0);
        pause();
        _exit(0);
    }
    waitpid(mid, &st, 0);
    report("parent killed by its child", st);

    /* 2. A process blocked reading a pipe, killed by its sibling. */
    int p[2];
    pipe(p);
    pid_t reader = fork();
    if (reader == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);
        _exit(0);
    }
    pid_t killer = fork();
    if (killer == 0) {
        usleep(50000);
        kill(reader, SIGKILL);
        _exit(0);
    }
    waitpid(reader, &st, 0);
    report("reader killed by a sibling", st);
    waitpid(killer, &st, 0);
    report("killer", st);
    close(p[0]);
    close(p[1]);

    /* 3. A sleeping child killed by its parent with SIGINT. */
    pid_t sl = fork();
    if (sl == 0) {
        sleep(5);
        _exit(0);
    }
    usleep(50000);
    kill(sl, SIGINT);
    waitpid(sl, &st, 0);
    report("sleeper", st);

    /* 4. A child that kills itself with SIGTERM blocked then unblocked. */
    pid_t self = fork();
    if (self == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGTERM);
        sigprocmask(SIG_BLOCK, &s, NULL);
        kill(getpid(), SIGTERM);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        _exit(0);
    }
    waitpid(self, &st, 0);
    report("self", st);

    /* 5. Process groups: the first process leads its group and session
     * (run by setsid natively). */
    printf("leader: pgid==pid %d sid==pid %d\n", getpgid(0) == getpid(), getsid(0) == getpid());
    printf("setsid as a group leader: %s\n", setsid() < 0 ? strerrorname_np(errno) : "ok");
    printf("setpgid of a stranger: %s\n", setpgid(1, 0) < 0 ? strerrorname_np(errno) : "ok");
    printf("getpgid of nobody: %s\n", getpgid(999999) < 0 ? strerrorname_np(errno) : "ok");
    int sync[2];
    pipe(sync);
    fflush(stdout);
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        for (int i = 0; i < 2; i++)
            if (fork() == 0) {
                pause();
                _exit(0);
            }
        write(sync[1], "r", 1);
        pause();
        _exit(0);
    }
    setpgid(g, g);
    char b;
    read(sync[0], &b, 1);
    printf("child leads a new group: %d\n", getpgid(g) == g);
    printf("setpgid into a missing group: %s\n",
           setpgid(g, 999999) < 0 ? strerrorname_np(errno) : "ok");
    kill(-g, SIGTERM);
    waitpid(g, &st, 0);
    report("group leader after kill(-pgrp)", st);
    printf("wait for a group with no child: %s\n",
           waitpid(-g, &st, WNOHANG) < 0 ? strerrorname_np(errno) : "a child");

    /* kill(0): the caller's group, the caller included. */
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    fflush(stdout);
    pid_t k = fork();
    if (k == 0) {
        signal(SIGUSR1, SIG_DFL);
        write(sync[1], "r", 1);
        pause();
        _exit(0);
    }
    read(sync[0], &b, 1);
    kill(0, SIGUSR1);
    waitpid(0, &st, 0);
    report("child after kill(0)", st);
    printf("the caller got it too: %d\n", got_usr1);

    /* 6. alarm and setitimer (ITIMER_REAL): a handler interrupts pause()
     * (never restarted, SA_RESTART or not); an interval timer ticks; the
     * default action kills. */
    signal(SIGALRM, on_alrm);
    alarm(1);
    pause();
    printf("alarm: handler ran %d time(s)\n", alrm_count);
    alarm(5);
    printf("alarm(0) returns what was left: %u\n", alarm(0));
    struct itimerval it = {{0, 50000}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (alrm_count < 4)
        pause();
    struct itimerval z = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &z, &old);
    printf("interval timer: %d ticks, interval %ld us\n", alrm_count, (long)old.it_interval.tv_usec);
    printf("setitimer(7): %s\n", setitimer(7, &z, NULL) < 0 ? strerrorname_np(errno) : "ok");
    struct itimerval bad = {{0, 0}, {0, 2000000}};
    printf("setitimer usec 2000000: %s\n",
           setitimer(ITIMER_REAL, &bad, NULL) < 0 ? strerrorname_np(errno) : "ok");
    fflush(stdout);
    pid_t a = fork();
    if (a == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;)
            pause();
    }
    waitpid(a, &st, 0);
    report("a child without a SIGALRM handler", st);

    /* 7. POSIX timers: a periodic one with its own signal, an absolute
     * one on CLOCK_REALTIME. */
    got_usr1 = 0;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR2;
    signal(SIGUSR2, on_usr2);
    timer_t t;
    printf("timer_create: %d\n", timer_create(CLOCK_MONOTONIC, &ev, &t));
    struct itimerspec its = {{0, 20000000}, {0, 50000000}};
    printf("timer_settime: %d\n", timer_settime(t, 0, &its, NULL));
    while (usr2_count < 3)
        pause();
    struct itimerspec cur;
    timer_gettime(t, &cur);
    printf("timer: %d ticks, interval %ld ns\n", usr2_count, cur.it_interval.tv_nsec);
    int d1 = timer_delete(t);
    int d2 = timer_delete(t) < 0 ? errno : 0;
    printf("timer_delete: %d, again: %s\n", d1, d2 ? strerrorname_np(d2) : "ok");
    timer_t t2;
    timer_create(CLOCK_REALTIME, NULL, &t2);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec abs_ = {{0, 0}, {now.tv_sec + 1, now.tv_nsec}};
    int before = alrm_count;
    timer_settime(t2, TIMER_ABSTIME, &abs_, NULL);
    pause();
    printf("absolute timer: SIGALRM %d\n", alrm_count - before);
    printf("timer_create on a bad clock: %s\n",
           timer_create(99, NULL, &t) < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}
