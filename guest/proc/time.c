/* Virtual time: clocks advance, sleeps last at least what was asked, and
 * the whole run is deterministic under vmsim (the test runs it twice and
 * compares the raw numbers it prints to stderr). */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static long long ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 30 * 1000 * 1000};
    int r = nanosleep(&req, NULL);
    long long t1 = ns(CLOCK_MONOTONIC);
    printf("nanosleep: %d slept enough: %d\n", r, t1 - t0 >= 30000000LL);
    usleep(20000);
    long long t2 = ns(CLOCK_MONOTONIC);
    printf("usleep enough: %d\n", t2 - t1 >= 20000000LL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("realtime after 2020: %d\n", tv.tv_sec > 1577836800L);
    long long c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    for (volatile int i = 0; i < 100000; i++)
        ;
    printf("cpu time advances: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) > c0);
    /* Two processes sleeping at once. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct timespec q = {0, 50 * 1000 * 1000};
        nanosleep(&q, NULL);
        _exit(1);
    }
    struct timespec q = {0, 10 * 1000 * 1000};
    nanosleep(&q, NULL);
    int st;
    waitpid(c, &st, 0);
    printf("both slept: %d\n", ns(CLOCK_MONOTONIC) - t2 >= 50000000LL);
    fprintf(stderr, "raw: %lld %lld %lld %lld\n", t0, t1, t2, ns(CLOCK_MONOTONIC));
    return 0;
}
