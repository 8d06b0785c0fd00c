/* Threads: mutexes (normal, recursive, error-checking), condition
 * variables, rwlocks, barriers, semaphores, timed waits. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#define NT 6
#define ITER 2000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *inc(void *arg)
{
    for (int i = 0; i < ITER; i++) {
        pthread_mutex_lock(&mu);
        long v = counter;
        if (i % 97 == 0)
            sched_yield();
        counter = v + 1;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

/* A bounded queue: producers and consumers on two condition variables. */
#define QCAP 4
static int q[QCAP], qh, qn;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static long consumed;

static void *producer(void *arg)
{
    for (int i = 1; i <= 500; i++) {
        pthread_mutex_lock(&qm);
        while (qn == QCAP)
            pthread_cond_wait(&notfull, &qm);
        q[(qh + qn++) % QCAP] = i;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qm);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long sum = 0;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&qm);
        while (qn == 0)
            pthread_cond_wait(&notempty, &qm);
        sum += q[qh];
        qh = (qh + 1) % QCAP;
        qn--;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    consumed += sum;
    pthread_mutex_unlock(&qm);
    return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_a, shared_b, torn;

static void *rw_writer(void *arg)
{
    for (int i = 0; i < 300; i++) {
        pthread_rwlock_wrlock(&rw);
        shared_a++;
        sched_yield();
        shared_b++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *arg)
{
    for (int i = 0; i < 300; i++) {
        pthread_rwlock_rdlock(&rw);
        if (shared_a != shared_b)
            __atomic_add_fetch(&torn, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static pthread_barrier_t bar;
static int phase_seen[NT];
static int phase;

static void *barrier_worker(void *arg)
{
    long id = (long)arg;
    for (int r = 0; r < 5; r++) {
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
            phase++;
        pthread_barrier_wait(&bar);
        phase_seen[id] += phase;
    }
    return NULL;
}

static sem_t sem;
static int in_section, max_in_section;
static pthread_mutex_t sm = PTHREAD_MUTEX_INITIALIZER;

static void *sem_worker(void *arg)
{
    for (int i = 0; i < 50; i++) {
        sem_wait(&sem);
        pthread_mutex_lock(&sm);
        if (++in_section > max_in_section)
            max_in_section = in_section;
        pthread_mutex_unlock(&sm);
        sched_yield();
        pthread_mutex_lock(&sm);
        in_section--;
        pthread_mutex_unlock(&sm);
        sem_post(&sem);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NT];
    for (int i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, inc, NULL);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    printf("mutex counter %ld (want %d)\n", counter, NT * ITER);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rm;
    pthread_mutex_init(&rm, &ma);
    int r1 = pthread_mutex_lock(&rm), r2 = pthread_mutex_lock(&rm);
    int r3 = pthread_mutex_unlock(&rm), r4 = pthread_mutex_unlock(&rm);
    int r5 = pthread_mutex_unlock(&rm);
    printf("recursive: %d %d %d %d, extra unlock %s\n", r1, r2, r3, r4, r5 == EPERM ? "EPERM" : "?");
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t em;
    pthread_mutex_init(&em, &ma);
    pthread_mutex_lock(&em);
    int e1 = pthread_mutex_lock(&em);
    int e2 = pthread_mutex_trylock(&em);
    pthread_mutex_unlock(&em);
    int e3 = pthread_mutex_unlock(&em);
    printf("errorcheck: relock %s, trylock %s, unlock unowned %s\n", e1 == EDEADLK ? "EDEADLK" : "?",
           e2 == EBUSY ? "EBUSY" : "?", e3 == EPERM ? "EPERM" : "?");

    pthread_t p[2], c[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, producer, NULL);
        pthread_create(&c[i], NULL, consumer, NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
    }
    printf("condvar queue: consumed %ld (want %d)\n", consumed, 2 * 500 * 501 / 2);

    for (int i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, i < 2 ? rw_writer : rw_reader, NULL);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    printf("rwlock: a %d b %d torn reads %d\n", shared_a, shared_b, torn);

    pthread_barrier_init(&bar, NULL, NT);
    for (long i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, barrier_worker, (void *)i);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    int ok = 1;
    for (int i = 0; i < NT; i++)
        ok &= phase_seen[i] == 1 + 2 + 3 + 4 + 5;
    printf("barrier: phases %d, every thread saw each: %s\n", phase, ok ? "yes" : "no");

    sem_init(&sem, 0, 2);
    for (int i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, sem_worker, NULL);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    int v;
    sem_getvalue(&sem, &v);
    printf("semaphore: at most %d inside, value %d\n", max_in_section, v);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&qm);
    int tw = pthread_cond_timedwait(&notempty, &qm, &ts);
    pthread_mutex_unlock(&qm);
    printf("cond_timedwait: %s\n", tw == ETIMEDOUT ? "ETIMEDOUT" : "?");
    struct timespec rel = {0, 0};
    clock_gettime(CLOCK_REALTIME, &rel);
    rel.tv_sec += 0;
    sem_t empty;
    sem_init(&empty, 0, 0);
    rel.tv_nsec = (rel.tv_nsec + 10000000) % 1000000000;
    if (rel.tv_nsec < 10000000)
        rel.tv_sec++;
    printf("sem_timedwait: %s\n", sem_timedwait(&empty, &rel) == -1 && errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
    return 0;
}
