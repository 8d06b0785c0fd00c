/* Event loops (issue 16): epoll level/edge/oneshot over a pipe, a socket
 * pair and an eventfd; eventfd counter and semaphore modes; timerfd
 * expirations; signalfd; poll(2) agreeing with epoll. Compared with
 * qemu-riscv64 (the host kernel's answers). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))
static const char *e(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }

static int wait_n(int ep, int ms, uint64_t *tags)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, ms);
    for (int i = 0; i < n; i++)
        tags[i] = ev[i].data.u64 * 1000 + ev[i].events;
    return n;
}

static void pipes(void)
{
    int pp[2];
    pipe(pp);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    SAY("ctl add: %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev)));
    SAY("ctl add again: %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev)));
    uint64_t t[8];
    SAY("level, empty: %d\n", wait_n(ep, 0, t));
    write(pp[1], "abcdef", 6);
    int n = wait_n(ep, 0, t);
    SAY("level, data: %d tag %llu\n", n, (unsigned long long)t[0]);
    SAY("level, again: %d\n", wait_n(ep, 0, t));
    char buf[8];
    read(pp[0], buf, 6);
    SAY("level, drained: %d\n", wait_n(ep, 0, t));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 2;
    SAY("ctl mod to edge: %s\n", e(epoll_ctl(ep, EPOLL_CTL_MOD, pp[0], &ev)));
    write(pp[1], "abc", 3);
    SAY("edge, data: %d\n", wait_n(ep, 0, t));
    SAY("edge, no new data: %d\n", wait_n(ep, 0, t));
    read(pp[0], buf, 1);
    SAY("edge, partial read: %d\n", wait_n(ep, 0, t));
    write(pp[1], "d", 1);
    SAY("edge, more data: %d tag %llu\n", (n = wait_n(ep, 0, t)), (unsigned long long)t[0]);
    read(pp[0], buf, 8);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 3;
    epoll_ctl(ep, EPOLL_CTL_MOD, pp[0], &ev);
    write(pp[1], "x", 1);
    SAY("oneshot: %d, then %d\n", wait_n(ep, 0, t), wait_n(ep, 0, t));
    epoll_ctl(ep, EPOLL_CTL_MOD, pp[0], &ev);
    SAY("oneshot re-armed: %d\n", wait_n(ep, 0, t));
    ev.events = EPOLLOUT;
    ev.data.u64 = 4;
    epoll_ctl(ep, EPOLL_CTL_ADD, pp[1], &ev);
    close(pp[0]);
    n = wait_n(ep, 0, t);
    SAY("reader closed: %d events, tag %llu\n", n, (unsigned long long)t[0]);
    SAY("ctl del: %s, del again: %s\n", e(epoll_ctl(ep, EPOLL_CTL_DEL, pp[1], NULL)),
        e(epoll_ctl(ep, EPOLL_CTL_DEL, pp[1], NULL)));
    SAY("add a regular file: %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, open("evloop.tmp", O_CREAT | O_RDWR, 0600), &ev)));
    unlink("evloop.tmp");
    SAY("epoll on itself: %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev)));
    SAY("bad maxevents: %s\n", e(epoll_wait(ep, &ev, 0, 0)));
    SAY("not an epoll: %s\n", e(epoll_wait(pp[1], &ev, 1, 0)));
    close(pp[1]);
    close(ep);
}

static void sockets_and_poll(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int ev_fd = eventfd(0, EFD_NONBLOCK);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u64 = 5};
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
    ev.events = EPOLLIN;
    ev.data.u64 = 6;
    epoll_ctl(ep, EPOLL_CTL_ADD, ev_fd, &ev);
    uint64_t t[8];
    int n = wait_n(ep, 0, t);
    SAY("socket writable only: %d tag %llu\n", n, (unsigned long long)t[0]);
    write(sv[1], "hi", 2);
    uint64_t one = 1;
    write(ev_fd, &one, 8);
    n = wait_n(ep, 0, t);
    SAY("socket + eventfd: %d: %llu %llu\n", n, (unsigned long long)t[0], (unsigned long long)t[1]);
    struct pollfd pf[2] = {{sv[0], POLLIN | POLLOUT | POLLRDHUP, 0}, {ev_fd, POLLIN, 0}};
    SAY("poll agrees: %d: %x %x\n", poll(pf, 2, 0), pf[0].revents, pf[1].revents);
    shutdown(sv[1], SHUT_WR);
    char buf[4];
    read(sv[0], buf, 2);
    n = wait_n(ep, 0, t);
    SAY("peer shut down writing: %d: %llu %llu\n", n, (unsigned long long)t[0], (unsigned long long)t[1]);
    poll(pf, 2, 0);
    SAY("poll agrees: %x %x\n", pf[0].revents, pf[1].revents);
    close(sv[1]);
    n = wait_n(ep, 0, t);
    SAY("peer closed: %d: %llu\n", n, (unsigned long long)t[0]);
    close(sv[0]);
    SAY("closed fd forgotten: %d\n", wait_n(ep, 0, t));
    close(ep);
    close(ev_fd);
}

static void eventfds(void)
{
    int fd = eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE);
    uint64_t v = 0;
    SAY("semaphore reads: %zd %llu", read(fd, &v, 8), (unsigned long long)v);
    read(fd, &v, 8);
    read(fd, &v, 8);
    SAY(", then %s\n", e(read(fd, &v, 8)));
    close(fd);
    fd = eventfd(0, EFD_NONBLOCK);
    v = 5;
    write(fd, &v, 8);
    v = 7;
    write(fd, &v, 8);
    SAY("counter: %zd ", read(fd, &v, 8));
    SAY("%llu\n", (unsigned long long)v);
    v = UINT64_MAX;
    SAY("write max: %s\n", e(write(fd, &v, 8)));
    v = 0xfffffffffffffffeULL;
    SAY("write to the top: %s, one more: ", e(write(fd, &v, 8)));
    v = 1;
    SAY("%s\n", e(write(fd, &v, 8)));
    SAY("short read: %s\n", e(read(fd, &v, 4)));
    SAY("bad flags: %s\n", e(eventfd(0, 0x10)));
    close(fd);
}

static void timers(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {.it_interval = {0, 50000000}, .it_value = {0, 50000000}};
    SAY("settime: %s\n", e(timerfd_settime(fd, 0, &its, NULL)));
    uint64_t n = 0;
    SAY("blocking read: %zd ticks %llu\n", read(fd, &n, 8), (unsigned long long)n);
    struct timespec ts = {0, 175000000};
    nanosleep(&ts, NULL);
    read(fd, &n, 8);
    SAY("after 175 ms: %llu ticks\n", (unsigned long long)n);
    struct itimerspec cur;
    timerfd_gettime(fd, &cur);
    SAY("interval %ld ns, next within it: %d\n", cur.it_interval.tv_nsec,
        cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 50000000);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 9};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    SAY("epoll waits for the timer: %d\n", epoll_wait(ep, &ev, 1, 1000));
    struct pollfd pf = {fd, POLLIN, 0};
    SAY("poll waits for the timer (no timeout): %d\n", poll(&pf, 1, -1));
    read(fd, &n, 8);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    SAY("select waits for the timer: %d\n", select(fd + 1, &rs, NULL, NULL, NULL));
    memset(&its, 0, sizeof its);
    timerfd_settime(fd, 0, &its, NULL);
    SAY("disarmed: epoll %d", epoll_wait(ep, &ev, 1, 120));
    timerfd_gettime(fd, &cur);
    SAY(", gettime %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    /* absolute, one shot */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int rfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    its.it_value = now;
    its.it_value.tv_sec += 0;
    its.it_value.tv_nsec = now.tv_nsec;
    SAY("abstime in the past fires at once: %s", e(timerfd_settime(rfd, TFD_TIMER_ABSTIME, &its, NULL)));
    SAY(" read %zd\n", read(rfd, &n, 8));
    SAY("nonblocking, nothing: %s\n", e(read(rfd, &n, 8)));
    SAY("bad clock: %s, not a timerfd: %s\n", e(timerfd_create(99, 0)),
        e(timerfd_settime(ep, 0, &its, NULL)));
    close(fd);
    close(rfd);
    close(ep);
}

static void signalfds(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int fd = signalfd(-1, &m, SFD_NONBLOCK);
    struct signalfd_siginfo si;
    SAY("signalfd, nothing pending: %s\n", e(read(fd, &si, sizeof si)));
    struct pollfd pf = {fd, POLLIN, 0};
    poll(&pf, 1, 0);
    SAY("poll before: %x", pf.revents);
    raise(SIGUSR1);
    poll(&pf, 1, 0);
    SAY(", after raise: %x\n", pf.revents);
    SAY("read: %zd signo %u is SIGUSR1 %d, from us %d\n", read(fd, &si, sizeof si), si.ssi_signo,
        si.ssi_signo == SIGUSR1, si.ssi_pid == (uint32_t)getpid());
    SAY("consumed: %s\n", e(read(fd, &si, sizeof si)));
    close(fd);
}

int main(void)
{
    pipes();
    sockets_and_poll();
    eventfds();
    timers();
    signalfds();
    return 0;
}
