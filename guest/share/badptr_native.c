/* Bad pointers and garbage to the calls of issue 16: each is refused with
 * Linux's errno and nothing crashes. Compared with a native run
 * (tests/scripts/share_native.sh): qemu-riscv64 itself aborts on some. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>
static const char *e(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }
static void *volatile bad_ptr = (void *)8;   /* never mapped; opaque to the compiler */
#define BAD (bad_ptr)
int main(void){
  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  printf("socketpair bad sv: %s\n", e(socketpair(AF_UNIX, SOCK_STREAM, 0, BAD)));
  printf("bind bad addr: %s\n", e(bind(sv[0], BAD, 20)));
  printf("connect bad: %s\n", e(connect(sv[0], BAD, 20)));
  printf("send bad buf: %s\n", e(send(sv[0], BAD, 10, 0)));
  struct msghdr mh = {0}; mh.msg_iov = BAD; mh.msg_iovlen = 1;
  printf("sendmsg bad iov: %s\n", e(sendmsg(sv[0], &mh, 0)));
  printf("sendmsg bad msghdr: %s\n", e(sendmsg(sv[0], BAD, 0)));
  struct iovec iov = {"x", 1}; mh.msg_iov = &iov; mh.msg_control = BAD; mh.msg_controllen = 32;
  printf("sendmsg bad control: %s\n", e(sendmsg(sv[0], &mh, 0)));
  char cb[64]; memset(cb, 0xff, sizeof cb); mh.msg_control = cb; mh.msg_controllen = sizeof cb;
  printf("sendmsg garbage cmsg: %s\n", e(sendmsg(sv[0], &mh, 0)));
  mh.msg_iovlen = 100000; mh.msg_control = 0; mh.msg_controllen = 0;
  printf("sendmsg huge iovlen: %s\n", e(sendmsg(sv[0], &mh, 0)));
  send(sv[0], "abc", 3, 0);
  printf("recv bad buf: %s\n", e(recv(sv[1], BAD, 3, 0)));
  socklen_t l = 4; int v;
  printf("getsockopt bad len: %s\n", e(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, BAD)));
  printf("getsockopt bad val: %s\n", e(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, BAD, &l)));
  printf("getsockname bad: %s\n", e(getsockname(sv[0], BAD, &l)));
  int ep = epoll_create1(0);
  printf("epoll_ctl bad event: %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], BAD)));
  struct epoll_event ev = {EPOLLIN, {0}}; epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
  send(sv[0], "abc", 3, 0);
  printf("epoll_wait bad events: %s\n", e(epoll_wait(ep, BAD, 4, 0)));
  printf("timerfd_settime bad: %s\n", e(timerfd_settime(timerfd_create(1,0), 0, BAD, 0)));
  printf("memfd bad name: %s\n", e(memfd_create(BAD, 0)));
  printf("shmctl bad buf: %s\n", e(shmctl(shmget(IPC_PRIVATE, 100, 0600), IPC_STAT, BAD)));
  printf("shmat bad id: %s\n", e((long)shmat(12345, 0, 0) == -1 ? -1 : 0));
  return 0;}
