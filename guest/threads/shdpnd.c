/* The process's shared pending set (Linux signal->shared_pending). Every
 * thread blocks SIGUSR1 and SIGTERM; a kill to the process stays pending
 * on the process: sigpending in every thread shows it, /proc's status
 * shows it in ShdPnd (not SigPnd); the thread that unblocks it first takes
 * it (its handler runs there), and a second kill while it waits does not
 * queue. A tgkill to one blocking thread is pending on that thread only
 * (SigPnd of that task). Last, a pending SIGTERM kills the process when a
 * thread unblocks it (exit status 143). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 3

static pthread_barrier_t bar;
static pid_t tids[N];
static volatile pid_t handled_by[65];
static volatile int handled_count[65];
static int step;   /* what the workers do next, set by main between barriers */

static void handler(int s)
{
    handled_by[s] = (pid_t)syscall(SYS_gettid);
    handled_count[s]++;
}

static int pending(int s)
{
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, s);
}

/* Our ShdPnd and SigPnd lines of /proc/self/task/TID/status. */
static void show_status(const char *who, pid_t tid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "SigPnd:", 7) || !strncmp(line, "ShdPnd:", 7))
            printf("  %s %s", who, line);
    if (f)
        fclose(f);
}

static void unblock(int s)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, s);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static int seen[N][4];

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    tids[i] = (pid_t)syscall(SYS_gettid);
    pthread_barrier_wait(&bar);   /* started */
    for (;;) {
        pthread_barrier_wait(&bar);   /* main set step */
        int s = step;
        if (s == 1)
            seen[i][0] = pending(SIGUSR1);
        else if (s == 2 && i == 1)
            unblock(SIGUSR1);   /* this thread takes it */
        else if (s == 3)
            seen[i][1] = pending(SIGUSR1);
        else if (s == 4)
            seen[i][2] = pending(SIGUSR2);
        else if (s == 5 && i == 2)
            unblock(SIGUSR2);
        else if (s == 6 && i == 0) {
            fflush(stdout);
            unblock(SIGTERM);   /* the default action: the process ends */
            printf("not reached\n");
        }
        pthread_barrier_wait(&bar);   /* done */
    }
    return NULL;
}

static void run_step(int s)
{
    step = s;
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
}

int main(void)
{
    struct sigaction sa = {.sa_handler = handler};
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);   /* the threads inherit it */
    pthread_barrier_init(&bar, NULL, N + 1);
    pthread_t th[N];
    for (int i = 0; i < N; i++)
        pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    pthread_barrier_wait(&bar);

    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);   /* a standard signal: does not queue */
    printf("after kill, all blocking: main sees it pending: %d\n", pending(SIGUSR1));
    run_step(1);
    for (int i = 0; i < N; i++)
        printf("  thread %d sees it pending: %d\n", i, seen[i][0]);
    show_status("main", getpid());
    show_status("thread 1", tids[1]);

    run_step(2);
    printf("thread 1 unblocked it: handled %d time(s), by thread 1: %s\n",
           handled_count[SIGUSR1], handled_by[SIGUSR1] == tids[1] ? "yes" : "no");
    run_step(3);
    printf("then pending: main %d, threads %d %d %d\n", pending(SIGUSR1), seen[0][1],
           seen[1][1], seen[2][1]);
    show_status("main", getpid());

    syscall(SYS_tgkill, getpid(), tids[2], SIGUSR2);
    run_step(4);
    printf("tgkill to thread 2: pending in main %d, threads %d %d %d\n", pending(SIGUSR2),
           seen[0][2], seen[1][2], seen[2][2]);
    show_status("main", getpid());
    show_status("thread 2", tids[2]);
    run_step(5);
    printf("thread 2 unblocked it: handled by thread 2: %s\n",
           handled_by[SIGUSR2] == tids[2] ? "yes" : "no");

    kill(getpid(), SIGTERM);
    printf("SIGTERM pending, all blocking: %d\n", pending(SIGTERM));
    fflush(stdout);
    run_step(6);
    printf("not reached either\n");
    return 0;
}
