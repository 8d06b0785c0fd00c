/* Thread benchmark (bench/thread_bench.sh):
 *   threads create N   creates and joins N threads, one at a time
 *   threads pingpong N two threads hand a token back and forth N times
 *                      through a futex each (wake-to-run latency)
 * Prints a count and a checksum, the same everywhere. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *body(void *arg) { return (void *)((long)arg * 3 + 1); }

static int turn;   /* 0: ping's move, 1: pong's */
static long rounds;

static void wait_for(int want)
{
    int v;
    while ((v = __atomic_load_n(&turn, __ATOMIC_ACQUIRE)) != want)
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void pass(int to)
{
    __atomic_store_n(&turn, to, __ATOMIC_RELEASE);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *pong(void *arg)
{
    for (long i = 0; i < rounds; i++) {
        wait_for(1);
        pass(0);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long n = atol(argv[2]);
    if (!strcmp(argv[1], "create")) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            pthread_t t;
            void *r;
            if (pthread_create(&t, NULL, body, (void *)i) != 0)
                return 1;
            pthread_join(t, &r);
            sum += (long)r;
        }
        printf("created %ld threads, sum %ld\n", n, sum);
        return 0;
    }
    rounds = n;
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    for (long i = 0; i < n; i++) {
        pass(1);
        wait_for(0);
    }
    pthread_join(t, NULL);
    printf("ping-pong %ld rounds\n", n);
    return 0;
}
