/* Unix sockets' internals, shared by socket.c (the objects, names and
 * queues) and sys_socket.c (the system calls). See socket.h. */
#ifndef VMSIM_KERNEL_SOCKET_IMPL_H
#define VMSIM_KERNEL_SOCKET_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "socket.h"

#define LX_AF_UNIX 1
#define LX_SOCK_STREAM 1
#define LX_SOCK_DGRAM 2
#define LX_SOCK_SEQPACKET 5
#define LX_SOCK_NONBLOCK 04000
#define LX_SOCK_CLOEXEC 02000000
#define LX_SUN_PATH 108
#define USOCK_BUF_DEFAULT 212992   /* net.core.rmem_default / wmem_default */
#define USOCK_MAX_FDS 253          /* SCM_MAX_FD */
/* What a queued message costs its receive buffer besides its bytes, as a
 * small skb's truesize on 64-bit Linux: a socketpair(SOCK_DGRAM) takes
 * about 277 one-byte messages before a send must wait. It also bounds
 * the host memory of the message headers. */
#define USOCK_MSG_TRUESIZE 768

struct lx_ucred {
    int32_t pid;
    uint32_t uid, gid;
};

struct lx_sockaddr_un {
    uint16_t family;
    char path[LX_SUN_PATH];
};

/* One message in a receive queue; its bytes are the next len - off of the
 * socket's kbuf_fifo. */
struct umsg {
    struct umsg *next;
    size_t len, off;          /* bytes, and how many a stream read took */
    size_t hdr;               /* what it holds of its socket's hdrs */
    struct file **fds;        /* SCM_RIGHTS: references */
    int nfds;
    struct lx_ucred cred;     /* the sender's */
    struct lx_sockaddr_un from;
    uint32_t fromlen;         /* 0: unnamed sender */
};

enum usock_state { US_UNCONNECTED, US_LISTENING, US_CONNECTED };

struct usock {
    int refcount;             /* its file, datagram senders naming it as destination */
    int type;                 /* LX_SOCK_* */
    enum usock_state state;
    bool closed;              /* its file is gone */
    struct unix_ns *ns;
    struct usock *peer;       /* connected: the other end (links cleared on close) */
    struct usock *dest;       /* connected datagram socket: its destination (a reference) */
    bool peer_closed;         /* was connected, the other end is gone */
    bool shut_rd, shut_wr;    /* shutdown(2) of this end */
    bool passcred;            /* SO_PASSCRED */
    uint64_t rcvtimeo, sndtimeo; /* SO_RCVTIMEO / SO_SNDTIMEO in ns, 0: none */
    int wait_pid;             /* a timed wait in progress: whose, and until when */
    uint64_t wait_deadline;
    int error;                /* SO_ERROR, pending */
    uint64_t ino;
    int sndbuf, rcvbuf;
    struct lx_ucred cred;     /* of the process that made / connected / listened it */
    struct lx_ucred peercred; /* SO_PEERCRED */
    struct lx_sockaddr_un addr;
    uint32_t addrlen;         /* 0: not bound */
    dev_t node_dev;           /* a path name: the host node's identity */
    ino_t node_ino;
    struct umsg *head, *tail; /* receive queue */
    struct kbuf_fifo buf;     /* its bytes, in kernel pages of simulated RAM */
    /* The messages' headers are host memory: as many bytes of simulated
     * RAM are held here (zeros), so --mem bounds them too. */
    struct kbuf_fifo hdrs;
    size_t queued;            /* bytes in it */
    size_t nqueued;           /* messages in it */
    struct usock **backlog;   /* listening: connected sockets not yet accepted */
    int nbacklog, maxbacklog;
    /* The garbage collector of sockets in flight (socket_gc.c). */
    struct file *file;        /* its open file, NULL before accept and after close */
    int inflight;             /* references to file held by queued messages */
    struct usock *gnext, *gprev; /* every socket of the run */
    int gc_refs;
    bool gc_candidate, gc_reached;
};

/* The socket behind f (or NULL when f is not one). */
struct usock *usock_of(struct file *f);
/* A new socket of type with its file (flags: O_NONBLOCK). */
int usock_new(struct proc *p, int type, int flags, struct file **out);
/* Connects a and b to each other (socketpair, accept). */
void usock_link(struct usock *a, struct usock *b);

/* Reads the guest's sockaddr (addr, len) as a Unix address: 0 with *out and
 * *outlen (normalised: a path ends at its NUL), -EINVAL, -EAFNOSUPPORT. */
int usock_get_addr(struct proc *p, uint64_t g_addr, uint64_t len, struct lx_sockaddr_un *out,
                   uint32_t *outlen);
/* Writes addr (len bytes) to the guest's (g_addr, g_lenp) as accept(2) and
 * getsockname(2) do (truncated to the room, the full length stored). */
int usock_put_addr(struct proc *p, uint64_t g_addr, uint64_t g_lenp,
                   const struct lx_sockaddr_un *addr, uint32_t len);

int usock_bind(struct proc *p, struct usock *s, const struct lx_sockaddr_un *a, uint32_t len);
int usock_connect(struct proc *p, struct usock *s, const struct lx_sockaddr_un *a, uint32_t len,
                  bool nonblock);
/* The bound socket with this address, or NULL. */
struct usock *usock_lookup(struct proc *p, const struct lx_sockaddr_un *a, uint32_t len, int *err);

/* Counts the sockets among fds as in flight (delta 1) or no longer (-1). */
void usock_inflight(struct file **fds, int nfds, int delta);
/* Adds s to / removes it from the list of every socket (the collector's). */
void usock_track(struct usock *s);
void usock_untrack(struct usock *s);
/* Frees the sockets that only messages in flight keep alive, as Linux's
 * unix_gc: a socket passed over itself, or a cycle of such, once no
 * descriptor of a process names it. Runs when a socket reference goes. */
void usock_gc(void);
/* Empties s's receive queue (its messages' descriptions are put). */
void usock_drain(struct usock *s);

/* Queues message m (taking it over) on s; updates counts. */
void usock_enqueue(struct usock *s, struct umsg *m);
void umsg_free(struct umsg *m);
/* Unlinks s's first message (its bytes and header charge) and frees it. */
void usock_dequeue_head(struct usock *s);
/* What s's receive queue holds against SO_RCVBUF: its bytes and each
 * message's USOCK_MSG_TRUESIZE. */
size_t usock_charged(const struct usock *s);
/* Room for a message of len more bytes in s's receive queue? (An empty
 * queue takes any one message, as before.) */
bool usock_room(const struct usock *s, size_t len);
/* The bytes stream socket s may queue at its peer to now (Linux
 * unix_stream_sendmsg): what waits unread there is charged to s's send
 * buffer (SO_SNDBUF), which a write fills at most, empty queue or not. */
size_t usock_stream_room(const struct usock *s, const struct usock *to);

int usock_poll(struct file *f);

#define LX_MSG_PEEK 2
#define LX_MSG_CTRUNC 8
#define LX_MSG_TRUNC 0x20
#define LX_MSG_DONTWAIT 0x40
#define LX_MSG_EOR 0x80
#define LX_MSG_WAITALL 0x100
#define LX_MSG_NOSIGNAL 0x4000
#define LX_MSG_CMSG_CLOEXEC 0x40000000

/* One send: the bytes, the descriptions to pass (references the message
 * takes over on success), the sender's credentials, the destination
 * (datagram sendto) and MSG_* flags. */
struct usock_tx {
    const uint8_t *data;
    size_t len;
    struct file **fds;
    int nfds;
    struct lx_ucred cred;
    struct usock *to;   /* sendto's destination, or NULL */
    int flags;
};
/* What one receive got besides the bytes. */
struct usock_rx {
    struct file **fds;   /* references, until installed */
    int nfds;
    bool has_cred;
    struct lx_ucred cred;
    struct lx_sockaddr_un from;
    uint32_t fromlen;
    int msg_flags;       /* MSG_TRUNC */
};
/* Bytes sent or -errno (-EPIPE: the caller sends SIGPIPE), -EAGAIN /
 * -LX_ERESTART_BLOCK when it must wait. */
int64_t usock_send(struct usock *s, struct usock_tx *tx);
/* Bytes received (0: end of file) or -errno / -EAGAIN / -LX_ERESTART_BLOCK. */
int64_t usock_recv(struct usock *s, void *buf, size_t len, int flags, struct usock_rx *rx);
/* Drops what rx still holds. */
void usock_rx_done(struct usock_rx *rx);

#endif
