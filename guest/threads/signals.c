/* Signals and threads: a SIGSEGV is handled in the thread that faulted; a
 * process-directed signal (kill) while every thread waits in a futex is
 * handled once, by a thread that does not block it; tgkill reaches one
 * thread; each thread has its own mask. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread sigjmp_buf jb;
static __thread int my_tid;
static volatile int segv_tid, usr1_count, usr1_tid, usr2_tid;

static int gettid_(void) { return (int)syscall(SYS_gettid); }

static void on_segv(int s, siginfo_t *si, void *uc)
{
    segv_tid = gettid_();
    siglongjmp(jb, 1);
}

static void on_usr1(int s)
{
    usr1_count++;
    usr1_tid = gettid_();
}

static void on_usr2(int s) { usr2_tid = gettid_(); }

static volatile int *volatile nowhere;   /* NULL: the access faults */

static void *faulter(void *arg)
{
    my_tid = gettid_();
    if (sigsetjmp(jb, 1) == 0)
        *nowhere = 1;
    return (void *)(long)(segv_tid == my_tid);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go, waiting;
static int waiter_tid[3];

static void *waiter(void *arg)
{
    long i = (long)arg;
    waiter_tid[i] = gettid_();
    if (i == 2) {   /* only waiter 2 takes SIGUSR1 (the others keep main's mask) */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    }
    pthread_mutex_lock(&mu);
    waiting++;
    while (!go)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, on_usr2);

    pthread_t t;
    void *r;
    pthread_create(&t, NULL, faulter, NULL);
    pthread_join(t, &r);
    printf("SIGSEGV handled in the faulting thread: %s\n", r ? "yes" : "no");

    /* The main thread blocks SIGUSR1 too: only waiter 2 may take it. */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_t w[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&w[i], NULL, waiter, (void *)i);
    for (;;) {
        pthread_mutex_lock(&mu);
        int n = waiting;
        pthread_mutex_unlock(&mu);
        if (n == 3)
            break;
        usleep(1000);
    }
    usleep(5000);
    kill(getpid(), SIGUSR1);
    while (usr1_count == 0)
        usleep(1000);
    printf("process-directed SIGUSR1 handled %d time(s), by the unblocked waiter: %s\n", usr1_count,
           usr1_tid == waiter_tid[2] ? "yes" : "no");
    syscall(SYS_tgkill, getpid(), waiter_tid[1], SIGUSR2);
    while (usr2_tid == 0)
        usleep(1000);
    printf("tgkill reached its thread: %s\n", usr2_tid == waiter_tid[1] ? "yes" : "no");
    pthread_mutex_lock(&mu);
    go = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 3; i++)
        pthread_join(w[i], NULL);
    printf("all joined\n");
    return 0;
}
