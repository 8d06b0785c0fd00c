/* Threads: create and join 64, __thread variables and errno per thread,
 * detached threads, thread-specific data with destructors, gettid/getpid. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 64

static __thread int tls_counter = 7;
static __thread char tls_name[16];
static pid_t main_pid;
static int tid_differs[N];

static void *worker(void *arg)
{
    long i = (long)arg;
    tls_counter += (int)i;
    snprintf(tls_name, sizeof tls_name, "w%ld", i);
    errno = (int)i + 1;
    sched_yield();
    long sum = 0;
    for (long k = 0; k <= i * 1000; k++)
        sum += k;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    tid_differs[i] = tid != main_pid && getpid() == main_pid;
    if (errno != (int)i + 1 || tls_counter != 7 + (int)i || strcmp(tls_name + 1, "") == 0)
        return (void *)-1L;
    return (void *)(sum ^ i);
}

static sem_t detached_done;
static int detached_count;
static pthread_mutex_t dmu = PTHREAD_MUTEX_INITIALIZER;

static void *detached(void *arg)
{
    pthread_mutex_lock(&dmu);
    detached_count++;
    pthread_mutex_unlock(&dmu);
    sem_post(&detached_done);
    return NULL;
}

static pthread_key_t key;
static int destructed;
static void destroy(void *v)
{
    __atomic_add_fetch(&destructed, (int)(long)v, __ATOMIC_SEQ_CST);
}

static void *tsd_worker(void *arg)
{
    pthread_setspecific(key, arg);
    return pthread_getspecific(key);
}

int main(void)
{
    main_pid = getpid();
    pthread_t t[N];
    for (long i = 0; i < N; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
            printf("create %ld failed\n", i);
            return 1;
        }
    int bad = 0, differs = 0;
    long total = 0;
    for (long i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        if ((long)r == -1)
            bad++;
        total += (long)r;
        differs += tid_differs[i];
    }
    printf("64 threads joined: bad %d, tid differs in %d, total %ld\n", bad, differs, total);
    printf("main tls_counter %d errno-free\n", tls_counter);

    sem_init(&detached_done, 0, 0);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 8; i++) {
        pthread_t d;
        pthread_create(&d, &a, detached, NULL);
    }
    for (int i = 0; i < 8; i++)
        sem_wait(&detached_done);
    printf("detached threads ran: %d\n", detached_count);

    pthread_key_create(&key, destroy);
    pthread_t k[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&k[i], NULL, tsd_worker, (void *)(i + 1));
    long tsd = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(k[i], &r);
        tsd += (long)r;
    }
    printf("tsd values %ld, destructors saw %d\n", tsd, destructed);
    return 0;
}
