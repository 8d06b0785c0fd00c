/* PI futexes: pthread mutexes with PTHREAD_PRIO_INHERIT (glibc takes them
 * with FUTEX_LOCK_PI when contended and gives them back with
 * FUTEX_UNLOCK_PI), then the protocol on a raw futex word: the owner's tid
 * in it, EDEADLK when the owner locks again, EPERM when another unlocks,
 * EAGAIN from FUTEX_TRYLOCK_PI (which leaves FUTEX_WAITERS set, as Linux
 * does), FUTEX_WAITERS set by the kernel when a waiter blocks, the lock
 * handed to that waiter at unlock (its tid | FUTEX_WAITERS), ETIMEDOUT,
 * ESRCH for an owner that does not exist, and EDEADLK for a lock cycle
 * between two threads (the kernel's chain walk). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 300

static pthread_mutex_t m;
static long counter;

static void *adder(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&m);
        long c = counter;
        if (i % 7 == 0)
            sched_yield();   /* others find it locked: FUTEX_LOCK_PI */
        counter = c + 1;
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static long fx(uint32_t *w, int op, const struct timespec *ts)
{
    long r = syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, 0, ts, NULL, 0);
    return r < 0 ? -errno : r;
}

static const char *err(long r)
{
    switch (r) {
    case 0: return "0";
    case -EDEADLK: return "EDEADLK";
    case -EPERM: return "EPERM";
    case -EAGAIN: return "EAGAIN";
    case -ETIMEDOUT: return "ETIMEDOUT";
    case -ESRCH: return "ESRCH";
    case -EINVAL: return "EINVAL";
    case -ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

static uint32_t word, word2;
static pid_t main_tid;
static volatile long b_lock, b_unlock, b_try, b_bad_unlock;
static volatile uint32_t b_saw;
static pid_t b_tid;

static uint32_t load(uint32_t *w) { return __atomic_load_n(w, __ATOMIC_SEQ_CST); }

static void wait_waiters(uint32_t *w)
{
    while (!(load(w) & FUTEX_WAITERS))
        sched_yield();
}

static void *contender(void *arg)
{
    b_tid = (pid_t)syscall(SYS_gettid);
    b_try = fx(&word, FUTEX_TRYLOCK_PI, NULL);
    b_bad_unlock = fx(&word, FUTEX_UNLOCK_PI, NULL);
    return NULL;
}

static void *waiter(void *arg)
{
    b_tid = (pid_t)syscall(SYS_gettid);
    b_lock = fx(&word, FUTEX_LOCK_PI, NULL);   /* blocks: main holds it */
    b_saw = load(&word);
    b_unlock = fx(&word, FUTEX_UNLOCK_PI, NULL);
    return NULL;
}

static volatile long a_l2, c_timed;
static uint32_t word3;

static volatile pid_t a_tid;

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

static void *cycle_a(void *arg)
{
    a_tid = (pid_t)syscall(SYS_gettid);
    fx(&word, FUTEX_LOCK_PI, NULL);           /* A holds L1 */
    a_l2 = fx(&word2, FUTEX_LOCK_PI, NULL);   /* waits for L2, held by main */
    fx(&word2, FUTEX_UNLOCK_PI, NULL);
    fx(&word, FUTEX_UNLOCK_PI, NULL);
    return NULL;
}

static void *timed(void *arg)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    c_timed = fx(&word3, FUTEX_LOCK_PI, &ts);   /* absolute, CLOCK_REALTIME */
    return NULL;
}

int main(void)
{
    main_tid = (pid_t)syscall(SYS_gettid);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    int rc = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    int rc2 = pthread_mutex_init(&m, &a);
    printf("PTHREAD_PRIO_INHERIT: setprotocol %d, init %d\n", rc, rc2);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, adder, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter %ld (want %d), mutex free: %s\n", counter, THREADS * ROUNDS,
           pthread_mutex_trylock(&m) == 0 ? "yes" : "no");
    pthread_mutex_unlock(&m);

    /* An error-checking PI mutex: the owner locking again is EDEADLK. */
    pthread_mutex_t e;
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&e, &a);
    pthread_mutex_lock(&e);
    printf("errorcheck PI relock: %s\n", strerror(pthread_mutex_lock(&e)));
    pthread_mutex_unlock(&e);

    /* The raw protocol. */
    long r = fx(&word, FUTEX_LOCK_PI, NULL);
    printf("LOCK_PI on a free word: %s, word is our tid: %s\n", err(r),
           load(&word) == (uint32_t)main_tid ? "yes" : "no");
    printf("LOCK_PI again by the owner: %s\n", err(fx(&word, FUTEX_LOCK_PI, NULL)));
    printf("TRYLOCK_PI by the owner: %s\n", err(fx(&word, FUTEX_TRYLOCK_PI, NULL)));
    pthread_t th;
    pthread_create(&th, NULL, contender, NULL);
    pthread_join(th, NULL);
    printf("another thread: TRYLOCK_PI %s, UNLOCK_PI %s; word: owner ours %s, FUTEX_WAITERS %d\n",
           err(b_try), err(b_bad_unlock), (load(&word) & FUTEX_TID_MASK) == (uint32_t)main_tid ? "yes" : "no",
           !!(load(&word) & FUTEX_WAITERS));
    r = fx(&word, FUTEX_UNLOCK_PI, NULL);
    printf("UNLOCK_PI with no waiter: %s, word %u\n", err(r), load(&word));

    fx(&word, FUTEX_LOCK_PI, NULL);
    pthread_create(&th, NULL, waiter, NULL);
    wait_waiters(&word);   /* the kernel set it when the waiter blocked */
    printf("a waiter blocked: FUTEX_WAITERS set, owner still us: %s\n",
           (load(&word) & FUTEX_TID_MASK) == (uint32_t)main_tid ? "yes" : "no");
    r = fx(&word, FUTEX_UNLOCK_PI, NULL);
    pthread_join(th, NULL);
    printf("UNLOCK_PI: %s; the waiter's LOCK_PI %s with word = its tid | FUTEX_WAITERS: %s; "
           "its UNLOCK_PI %s, word %u\n",
           err(r), err(b_lock), b_saw == ((uint32_t)b_tid | FUTEX_WAITERS) ? "yes" : "no",
           err(b_unlock), load(&word));

    /* ETIMEDOUT: another thread waits with a deadline for a word we hold. */
    fx(&word3, FUTEX_LOCK_PI, NULL);
    pthread_create(&th, NULL, timed, NULL);
    pthread_join(th, NULL);
    printf("LOCK_PI with a deadline, held by another: %s\n", err(c_timed));
    fx(&word3, FUTEX_UNLOCK_PI, NULL);

    /* A cycle: A holds L1 and waits for L2, which we hold; our LOCK_PI on
     * L1 would never end: EDEADLK. Then we let go of L2 and A finishes. */
    fx(&word2, FUTEX_LOCK_PI, NULL);
    pthread_create(&th, NULL, cycle_a, NULL);
    wait_waiters(&word2);
    wait_sleeping(a_tid);   /* A is queued on L2, not only about to be */
    printf("lock cycle: LOCK_PI %s\n", err(fx(&word, FUTEX_LOCK_PI, NULL)));
    fx(&word2, FUTEX_UNLOCK_PI, NULL);
    pthread_join(th, NULL);
    printf("then A got L2: %s; both free: %s\n", err(a_l2),
           load(&word) == 0 && load(&word2) == 0 ? "yes" : "no");

    uint32_t ghost = 0x3ffffff0;   /* no such thread */
    printf("LOCK_PI for an owner that does not exist: %s\n", err(fx(&ghost, FUTEX_LOCK_PI, NULL)));
    return 0;
}
