/* Robust mutexes (the owner thread dies holding it: EOWNERDEAD, then
 * pthread_mutex_consistent), and a process-shared mutex and condition
 * variable in MAP_SHARED anonymous memory used by a parent and its forked
 * child; a robust process-shared mutex whose owner process dies. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t rmu;

static void *die_holding(void *arg)
{
    pthread_mutex_lock(&rmu);
    return NULL;   /* ends with the lock held */
}

struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_mutex_t robust;
    long counter;
    int ready;
};

int main(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&rmu, &a);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(&rmu);
    printf("robust lock after owner thread died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "?");
    printf("consistent: %d\n", pthread_mutex_consistent(&rmu));
    pthread_mutex_unlock(&rmu);
    printf("relock: %d\n", pthread_mutex_lock(&rmu));
    pthread_mutex_unlock(&rmu);

    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t pa;
    pthread_mutexattr_init(&pa);
    pthread_mutexattr_setpshared(&pa, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->mu, &pa);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&s->cv, &ca);
    pthread_mutexattr_setrobust(&pa, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&s->robust, &pa);

    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3000; i++) {
            pthread_mutex_lock(&s->mu);
            long v = s->counter;
            if (i % 50 == 0)
                sched_yield();
            s->counter = v + 1;
            pthread_mutex_unlock(&s->mu);
        }
        pthread_mutex_lock(&s->mu);
        s->ready = 1;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_mutex_lock(&s->robust);
        _exit(0);   /* dies holding the robust mutex */
    }
    for (int i = 0; i < 3000; i++) {
        pthread_mutex_lock(&s->mu);
        long v = s->counter;
        if (i % 70 == 0)
            sched_yield();
        s->counter = v + 1;
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_lock(&s->mu);
    while (!s->ready)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    int st;
    waitpid(pid, &st, 0);
    printf("process-shared counter %ld (want 6000), child exit %d\n", s->counter, WEXITSTATUS(st));
    r = pthread_mutex_lock(&s->robust);
    printf("robust shared lock after owner process died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "?");
    return 0;
}
