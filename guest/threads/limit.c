/* The thread limit: under `vmsim run --max-threads 8` (or RLIMIT_NPROC on
 * Linux for a non-root user) pthread_create fails with EAGAIN once the
 * limit is reached, and the threads created so far work and join. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int release;

static void *hold(void *arg)
{
    pthread_mutex_lock(&mu);
    while (!release)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return arg;
}

int main(void)
{
    pthread_t t[64];
    int n = 0, rc = 0;
    while (n < 64 && (rc = pthread_create(&t[n], NULL, hold, (void *)(long)n)) == 0)
        n++;
    printf("created %d threads, then: %s\n", n, rc == EAGAIN ? "EAGAIN" : rc ? strerror(rc) : "none");
    pthread_mutex_lock(&mu);
    release = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    long sum = 0;
    for (int i = 0; i < n; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("joined %d, sum %ld\n", n, sum);
    return 0;
}
