/* Unix-domain sockets (issue 16), inside the machine only: socketpair,
 * AF_UNIX SOCK_STREAM / SOCK_DGRAM / SOCK_SEQPACKET, bind/listen/accept4/
 * connect on paths of the guest's tree (bind makes a socket node in the
 * host directory, as Linux does; connect finds the socket bound there in
 * this run's table, never a host socket) and on abstract names, send/recv/
 * sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS, shutdown,
 * getsockname/getpeername, SO_TYPE/SO_ERROR/SO_PEERCRED/SO_SNDBUF/
 * SO_RCVBUF/SO_PASSCRED. Every other address family is EAFNOSUPPORT (with
 * one line on stderr): vmsim never reaches the host's network.
 *
 * A socket's receive queue is a list of message headers in host memory (the
 * descriptions passed, the sender's credentials and address) whose bytes
 * are a kbuf_fifo of kernel pages of the simulated RAM (mm.h; as pipes),
 * bounded by SO_RCVBUF and --mem; sockets that only queued messages keep
 * alive are collected (socket_gc.c);
 * a stream socket reads across messages (not past one carrying
 * descriptors), a datagram or seqpacket socket one message per call.
 * Waiting is -LX_ERESTART_BLOCK (the scheduler retries), or -EAGAIN with
 * O_NONBLOCK / MSG_DONTWAIT. The table of bound names belongs to the
 * sandbox (vfs.c) and ends with the run. */
#ifndef VMSIM_KERNEL_SOCKET_H
#define VMSIM_KERNEL_SOCKET_H

#include "file.h"
#include "../proc/proc.h"

struct unix_ns;   /* the bound names of a run */
struct unix_ns *unix_ns_new(void);
void unix_ns_free(struct unix_ns *ns);

bool file_is_socket(const struct file *f);

/* the system calls */
int64_t sys_socket(struct proc *p, const uint64_t a[6]);
int64_t sys_socketpair(struct proc *p, const uint64_t a[6]);
int64_t sys_bind(struct proc *p, const uint64_t a[6]);
int64_t sys_listen(struct proc *p, const uint64_t a[6]);
int64_t sys_accept(struct proc *p, const uint64_t a[6]);
int64_t sys_accept4(struct proc *p, const uint64_t a[6]);
int64_t sys_connect(struct proc *p, const uint64_t a[6]);
int64_t sys_getsockname(struct proc *p, const uint64_t a[6]);
int64_t sys_getpeername(struct proc *p, const uint64_t a[6]);
int64_t sys_sendto(struct proc *p, const uint64_t a[6]);
int64_t sys_recvfrom(struct proc *p, const uint64_t a[6]);
int64_t sys_sendmsg(struct proc *p, const uint64_t a[6]);
int64_t sys_recvmsg(struct proc *p, const uint64_t a[6]);
int64_t sys_setsockopt(struct proc *p, const uint64_t a[6]);
int64_t sys_getsockopt(struct proc *p, const uint64_t a[6]);
int64_t sys_shutdown(struct proc *p, const uint64_t a[6]);

#endif
