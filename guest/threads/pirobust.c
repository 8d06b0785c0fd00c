/* PI futexes, the parts qemu-user cannot show (it has no set_robust_list,
 * and keeps a guest signal for after a host futex call): robust
 * PTHREAD_PRIO_INHERIT mutexes whose owner dies — with nobody waiting
 * (the next pthread_mutex_lock, and pthread_mutex_trylock through
 * FUTEX_TRYLOCK_PI, see EOWNERDEAD) and with a waiter blocked in
 * FUTEX_LOCK_PI (it gets the lock, EOWNERDEAD) — and a signal handled
 * while a thread waits in FUTEX_LOCK_PI: the call goes on after the
 * handler (Linux restarts it, SA_RESTART or not). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t m;
static volatile int holding;
static pid_t main_tid;

/* Waits until thread tid sleeps in the kernel (its /proc stat says S). */
static void wait_sleeping(pid_t tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    for (;;) {
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[n] = 0;
        char *rp = strrchr(buf, ')');
        if (rp && rp[1] == ' ' && rp[2] == 'S')
            return;
        sched_yield();
    }
}

static void *die_holding(void *arg)
{
    pthread_mutex_lock(&m);
    __atomic_store_n(&holding, 1, __ATOMIC_SEQ_CST);
    if (arg)
        wait_sleeping(main_tid);   /* main waits for the lock in the kernel */
    return NULL;                   /* ends holding it */
}

static const char *name(int e)
{
    return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : e == EBUSY ? "EBUSY" : strerror(e);
}

static uint32_t word;
static volatile int handled;
static volatile long b_rc = 1;
static volatile pid_t b_tid;

static void on_usr1(int s) { handled++; }

static void *locker(void *arg)
{
    b_tid = (pid_t)syscall(SYS_gettid);
    long r = syscall(SYS_futex, &word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    b_rc = r < 0 ? -errno : r;
    syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}

int main(void)
{
    main_tid = (pid_t)syscall(SYS_gettid);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m, &a);

    /* 1. The owner ends, nobody waiting. */
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int rc = pthread_mutex_trylock(&m);
    printf("owner died, nobody waiting: trylock %s", name(rc));
    if (rc == EOWNERDEAD || rc == 0) {
        printf(", consistent %d", pthread_mutex_consistent(&m));
        pthread_mutex_unlock(&m);
    }
    rc = pthread_mutex_lock(&m);
    printf(", then lock %s\n", name(rc));
    pthread_mutex_unlock(&m);

    /* 2. The owner ends while we wait in FUTEX_LOCK_PI. */
    holding = 0;
    pthread_create(&t, NULL, die_holding, (void *)1);
    while (!__atomic_load_n(&holding, __ATOMIC_SEQ_CST))
        sched_yield();
    rc = pthread_mutex_lock(&m);
    printf("owner died while we waited: lock %s", name(rc));
    if (rc == EOWNERDEAD)
        printf(", consistent %d", pthread_mutex_consistent(&m));
    printf(", unlock %d\n", pthread_mutex_unlock(&m));
    pthread_join(t, NULL);
    rc = pthread_mutex_trylock(&m);
    printf("afterwards: trylock %s\n", name(rc));
    pthread_mutex_unlock(&m);

    /* 3. A signal while waiting in FUTEX_LOCK_PI (no SA_RESTART). */
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    syscall(SYS_futex, &word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    pthread_create(&t, NULL, locker, NULL);
    while (!(__atomic_load_n(&word, __ATOMIC_SEQ_CST) & FUTEX_WAITERS))
        sched_yield();
    wait_sleeping(b_tid);
    syscall(SYS_tgkill, getpid(), b_tid, SIGUSR1);
    while (!handled)
        sched_yield();
    wait_sleeping(b_tid);   /* back in FUTEX_LOCK_PI after the handler */
    syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0);
    pthread_join(t, NULL);
    printf("LOCK_PI across a signal handler: %s, handler ran %d, word %u\n",
           b_rc == 0 ? "0" : b_rc == -EINTR ? "EINTR" : "other", handled,
           __atomic_load_n(&word, __ATOMIC_SEQ_CST));
    return 0;
}
