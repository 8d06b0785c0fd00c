/* exit_group with threads alive: main exits while 3 threads wait in a
 * futex; every thread ends with the process (exit status 3). The JSON report
 * taken at that exit lists the 4 threads on the process's one page table. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t b;

static void *w(void *a)
{
    pthread_barrier_wait(&b);
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&m);
    for (;;)
        pthread_cond_wait(&c, &m);
    return NULL;
}

int main(void)
{
    pthread_barrier_init(&b, 0, 4);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], 0, w, 0);
    pthread_barrier_wait(&b);
    usleep(1000);
    printf("exiting with 3 threads waiting\n");
    exit(3);
}
