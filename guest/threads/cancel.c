/* pthread_cancel of threads blocked in a condition wait, in sleep, and of
 * one polling pthread_testcancel; cleanup handlers run. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cleanups;
static volatile int started;

static void cleanup(void *arg)
{
    cleanups += (int)(long)arg;
    if ((long)arg == 1)
        pthread_mutex_unlock(&mu);
}

static void *cond_waiter(void *arg)
{
    pthread_mutex_lock(&mu);
    pthread_cleanup_push(cleanup, (void *)1);
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        pthread_cond_wait(&cv, &mu);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *sleeper(void *arg)
{
    pthread_cleanup_push(cleanup, (void *)10);
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        sleep(100);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *spinner(void *arg)
{
    pthread_cleanup_push(cleanup, (void *)100);
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;)
        pthread_testcancel();
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    pthread_create(&t[0], NULL, cond_waiter, NULL);
    pthread_create(&t[1], NULL, sleeper, NULL);
    pthread_create(&t[2], NULL, spinner, NULL);
    while (started < 3)
        usleep(1000);
    usleep(10000);
    for (int i = 0; i < 3; i++)
        pthread_cancel(t[i]);
    int canceled = 0;
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        canceled += r == PTHREAD_CANCELED;
    }
    printf("canceled %d threads, cleanups %d\n", canceled, cleanups);
    /* The mutex is free again (the cond waiter's cleanup unlocked it). */
    printf("trylock after cancel: %d\n", pthread_mutex_trylock(&mu));
    return 0;
}
