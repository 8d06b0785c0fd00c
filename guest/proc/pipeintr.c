/* A pipe write interrupted by a signal handler (no SA_RESTART) after part of
 * it was written returns the count written (Linux pipe_write), never EINTR;
 * a writer that retries with the rest delivers every byte exactly once. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (2u << 20)
static volatile int hits;
static void on_usr1(int s) { hits++; }
static unsigned char pat(size_t i) { return (unsigned char)(i * 7 + (i >> 9)); }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;   /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    unsigned char *buf = malloc(TOTAL);
    for (size_t i = 0; i < TOTAL; i++)
        buf[i] = pat(i);

    /* 1. Nobody reads: the write fills the pipe (64 KiB) and waits; a
     * signal from the child ends it with the count. */
    int p[2];
    pipe(p);
    pid_t me = getpid(), c = fork();
    if (c == 0) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(me, SIGUSR1);
        _exit(0);
    }
    errno = 0;
    long w = write(p[1], buf, 1 << 20);
    printf("interrupted write = %ld%s\n", w, w < 0 ? " (error)" : "");
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);

    /* 2. A slow reader that signals the writer after each read; the writer
     * retries with the rest after short writes and EINTR. */
    pipe(p);
    c = fork();
    if (c == 0) {
        close(p[1]);
        static unsigned char rb[3000];
        size_t got = 0, bad = 0;
        long n;
        while ((n = read(p[0], rb, sizeof rb)) > 0) {
            for (long i = 0; i < n; i++)
                bad += rb[i] != pat(got + (size_t)i);
            got += (size_t)n;
            kill(me, SIGUSR1);
        }
        printf("reader: %zu bytes, %zu wrong\n", got, bad);
        _exit(0);
    }
    close(p[0]);
    size_t off = 0, eintr = 0;
    while (off < TOTAL) {
        long n = write(p[1], buf + off, TOTAL - off);
        if (n < 0 && errno == EINTR) {
            eintr++;
            continue;
        }
        if (n < 0) {
            perror("write");
            return 1;
        }
        off += (size_t)n;
    }
    close(p[1]);
    int st;
    while (waitpid(c, &st, 0) < 0 && errno == EINTR)
        ;
    printf("writer: %zu bytes, signals seen: %s\n", off, hits > 1 ? "yes" : "no");
    return 0;
}
