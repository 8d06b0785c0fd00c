/* A wait with a finite timeout ends when the descriptor becomes ready, not
 * at the deadline (issue 18): poll, select, epoll_wait and recv with
 * SO_RCVTIMEO, each with a 4 s timeout, while a child writes after 20 ms.
 * Each must return the ready descriptor well before 2 s (compared with
 * qemu running the same binary: files_diff.sh). */
#include "ftest.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A child that writes one byte to fd after 20 ms. */
static void writer(int fd)
{
    if (fork() == 0) {
        struct timespec d = {0, 20 * 1000 * 1000};
        nanosleep(&d, NULL);
        write(fd, "x", 1);
        _exit(0);
    }
}

static void report(const char *what, long rc, double t0)
{
    double took = now() - t0;
    printf("%s: returned %ld, %s\n", what, rc, took < 2.0 ? "before the deadline" : "at the deadline");
    wait(NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    char c;

    pipe(p);
    double t0 = now();
    writer(p[1]);
    struct pollfd pfd = {p[0], POLLIN, 0};
    report("poll", poll(&pfd, 1, 4000), t0);
    read(p[0], &c, 1);

    t0 = now();
    writer(p[1]);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {4, 0};
    report("select", select(p[0] + 1, &rd, NULL, NULL, &tv), t0);
    read(p[0], &c, 1);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    t0 = now();
    writer(p[1]);
    report("epoll_wait", epoll_wait(ep, &out, 1, 4000), t0);
    read(p[0], &c, 1);

    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval rt = {4, 0};
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt);
    t0 = now();
    writer(sv[1]);
    report("recv with SO_RCVTIMEO", (long)recv(sv[0], &c, 1, 0), t0);
    return 0;
}
