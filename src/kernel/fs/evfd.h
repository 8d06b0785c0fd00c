/* Event files (issue 16): eventfd (a counter), timerfd (a timer on the
 * guest's virtual clock: the scheduler's, so a blocked read lets time jump
 * to the expiry as nanosleep does), signalfd (reads the caller's pending
 * signals of a mask), and epoll (epoll.c). Their readiness is their
 * file_ops.poll, the one function poll, select and epoll all ask. */
#ifndef VMSIM_KERNEL_EVFD_H
#define VMSIM_KERNEL_EVFD_H

#include "file.h"
#include "../proc/proc.h"

int64_t sys_eventfd2(struct proc *p, const uint64_t a[6]);
int64_t sys_timerfd_create(struct proc *p, const uint64_t a[6]);
int64_t sys_timerfd_settime(struct proc *p, const uint64_t a[6]);
int64_t sys_timerfd_gettime(struct proc *p, const uint64_t a[6]);
int64_t sys_signalfd4(struct proc *p, const uint64_t a[6]);
int64_t sys_epoll_create1(struct proc *p, const uint64_t a[6]);
int64_t sys_epoll_ctl(struct proc *p, const uint64_t a[6]);
int64_t sys_epoll_pwait(struct proc *p, const uint64_t a[6]);
int64_t sys_epoll_pwait2(struct proc *p, const uint64_t a[6]);

/* The readiness of f for the caller p (LX_POLL* bits): f's poll op (a
 * signalfd asks p's pending signals; no op: always readable and writable).
 * poll, select and epoll all ask this. */
int file_ready(struct proc *p, struct file *f);

/* The virtual time (scheduler clock, ns) at which timerfd f next expires,
 * or 0 (not a timerfd, or disarmed): what a wait on it sleeps until. */
uint64_t timerfd_next(struct file *f);
/* read(2) of a signalfd or timerfd needs the caller (its signals, its
 * sleep): true when f is one, with the result in *r. */
bool evfd_read(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len, int64_t *r);

#endif
