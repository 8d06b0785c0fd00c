/* The socket system calls (Unix domain only). See socket.h. */
#include "socket_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys_file.h"

#define LX_SOL_SOCKET 1
#define LX_SCM_RIGHTS 1
#define LX_SCM_CREDENTIALS 2
#define LX_SO_TYPE 3
#define LX_SO_ERROR 4
#define LX_SO_SNDBUF 7
#define LX_SO_RCVBUF 8
#define LX_SO_PASSCRED 16
#define LX_SO_PEERCRED 17
#define LX_SO_ACCEPTCONN 30
#define LX_SO_PROTOCOL 38
#define LX_SO_DOMAIN 39
#define LX_SO_RCVTIMEO 20   /* _OLD: the same struct timeval on a 64-bit ABI */
#define LX_SO_SNDTIMEO 21
#define LX_SO_RCVTIMEO_NEW 66
#define LX_SO_SNDTIMEO_NEW 67
#define SOCK_IO_MAX (1u << 20)   /* bytes moved by one call at most */

/* SO_RCVTIMEO / SO_SNDTIMEO (send, recv, accept; not read/write): a wait
 * that outlasts the timeout ends with EAGAIN. r is the call's result; the
 * deadline is kept across the retries of one wait. */
static int64_t timed(struct proc *p, struct usock *s, bool rcv, int64_t r)
{
    uint64_t t = rcv ? s->rcvtimeo : s->sndtimeo;
    if (r != -LX_ERESTART_BLOCK || !t) {
        if (s->wait_pid == p->pid && r != -LX_ERESTART_BLOCK) {
            s->wait_pid = 0;
            p->sleep_until = 0;
        }
        return r;
    }
    uint64_t now = os_now_ns(p->os);
    if (!p->blocked || s->wait_pid != p->pid) {
        s->wait_pid = p->pid;
        s->wait_deadline = now + t;
    }
    if (now >= s->wait_deadline) {
        s->wait_pid = 0;
        p->sleep_until = 0;
        return -EAGAIN;
    }
    p->sleep_until = s->wait_deadline;   /* time may jump there */
    p->sleep_wakeable = true;            /* and data may come sooner */
    return r;
}

/* The socket behind fd: -EBADF, -ENOTSOCK. */
static int sock_fd(struct proc *p, uint64_t fd, struct file **fp, struct usock **sp)
{
    struct file *f = (uint32_t)fd < FILES_MAX ? files_lookup(p->files, (int)fd) : NULL;
    if (!f)
        return -EBADF;
    if (!file_is_socket(f))
        return -ENOTSOCK;
    *fp = f;
    *sp = usock_of(f);
    return 0;
}

static const char *family_name(int d)
{
    switch (d) {
    case 2: return "AF_INET";
    case 10: return "AF_INET6";
    case 16: return "AF_NETLINK";
    case 17: return "AF_PACKET";
    default: return "this family";
    }
}

/* type argument of socket/socketpair: 0 with *type, *flags, or -errno. */
static int sock_type(struct proc *p, uint64_t domain, uint64_t type, uint64_t proto, int *t, int *fl)
{
    if ((int)domain != LX_AF_UNIX) {
        fprintf(stderr, "vmsim: socket(%s, ...) by pid %d: EAFNOSUPPORT (only Unix-domain "
                        "sockets inside the machine; no host networking)\n",
                family_name((int)domain), p->pid);
        return -EAFNOSUPPORT;
    }
    int ty = (int)type & 0xf, flags = (int)type & ~0xf;
    if (flags & ~(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
        return -EINVAL;
    if (ty != LX_SOCK_STREAM && ty != LX_SOCK_DGRAM && ty != LX_SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    if (proto != 0 && proto != LX_AF_UNIX)
        return -EPROTONOSUPPORT;
    *t = ty;
    *fl = flags;
    return 0;
}

int64_t sys_socket(struct proc *p, const uint64_t a[6])
{
    int type, flags;
    int rc = sock_type(p, a[0], a[1], a[2], &type, &flags);
    if (rc)
        return rc;
    struct file *f;
    rc = usock_new(p, type, (flags & LX_SOCK_NONBLOCK) ? LX_O_NONBLOCK : 0, &f);
    return rc ? rc : files_install(p->files, f, 0, flags & LX_SOCK_CLOEXEC);
}

int64_t sys_socketpair(struct proc *p, const uint64_t a[6])
{
    int type, flags;
    int rc = sock_type(p, a[0], a[1], a[2], &type, &flags);
    if (rc)
        return rc;
    struct file *f[2] = {NULL, NULL};
    int nb = (flags & LX_SOCK_NONBLOCK) ? LX_O_NONBLOCK : 0;
    if ((rc = usock_new(p, type, nb, &f[0])) != 0)
        return rc;
    if ((rc = usock_new(p, type, nb, &f[1])) != 0) {
        file_put(f[0]);
        return rc;
    }
    usock_link(usock_of(f[0]), usock_of(f[1]));
    int fd0 = files_install(p->files, f[0], 0, flags & LX_SOCK_CLOEXEC);
    if (fd0 < 0) {
        file_put(f[1]);
        return fd0;
    }
    int fd1 = files_install(p->files, f[1], 0, flags & LX_SOCK_CLOEXEC);
    if (fd1 < 0) {
        files_close(p->files, fd0);
        return fd1;
    }
    int32_t sv[2] = {fd0, fd1};
    rc = user_copyout(p, a[3], sv, sizeof sv);
    if (rc) {
        files_close(p->files, fd0);
        files_close(p->files, fd1);
    }
    return rc;
}

int64_t sys_bind(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    struct lx_sockaddr_un addr;
    uint32_t len;
    rc = usock_get_addr(p, a[1], a[2], &addr, &len);
    return rc ? rc : usock_bind(p, s, &addr, len);
}

int64_t sys_listen(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    if (s->type == LX_SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (s->state == US_CONNECTED || !s->addrlen)
        return -EINVAL;
    int backlog = (int)a[1];
    s->maxbacklog = backlog < 0 ? 4096 : backlog > 4096 ? 4096 : backlog;
    s->state = US_LISTENING;
    s->cred = (struct lx_ucred){p->pid, p->os->uid, p->os->gid};
    return 0;
}

static int64_t do_accept(struct proc *p, const uint64_t a[6], int flags)
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    if (flags & ~(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
        return -EINVAL;
    if (s->type == LX_SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (s->state != US_LISTENING)
        return -EINVAL;
    if (!s->nbacklog)
        return timed(p, s, true, (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK);
    timed(p, s, true, 0);
    struct file *nf = file_new(f->ops, LX_O_RDWR | ((flags & LX_SOCK_NONBLOCK) ? LX_O_NONBLOCK : 0));
    if (!nf)
        return -ENOMEM;
    struct usock *e = s->backlog[0];
    memmove(&s->backlog[0], &s->backlog[1], (size_t)(s->nbacklog - 1) * sizeof *s->backlog);
    s->nbacklog--;
    nf->priv = e;   /* the backlog's reference passes to the file */
    e->file = nf;
    /* The client's address, if it bound one. */
    struct lx_sockaddr_un none = {.family = LX_AF_UNIX};
    rc = e->peer ? usock_put_addr(p, a[1], a[2], &e->peer->addr, e->peer->addrlen)
                 : usock_put_addr(p, a[1], a[2], &none, 0);
    if (rc) {
        file_put(nf);
        return rc;
    }
    return files_install(p->files, nf, 0, flags & LX_SOCK_CLOEXEC);
}

int64_t sys_accept(struct proc *p, const uint64_t a[6]) { return do_accept(p, a, 0); }
int64_t sys_accept4(struct proc *p, const uint64_t a[6]) { return do_accept(p, a, (int)a[3]); }

int64_t sys_connect(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    struct lx_sockaddr_un addr;
    uint32_t len;
    rc = usock_get_addr(p, a[1], a[2], &addr, &len);
    return rc ? rc : usock_connect(p, s, &addr, len, f->flags & LX_O_NONBLOCK);
}

int64_t sys_getsockname(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    return rc ? rc : usock_put_addr(p, a[1], a[2], &s->addr, s->addrlen);
}

int64_t sys_getpeername(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    struct usock *o = s->peer ? s->peer : s->dest;
    if (!o)
        return -ENOTCONN;
    return usock_put_addr(p, a[1], a[2], &o->addr, o->addrlen);
}

int64_t sys_shutdown(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    int how = (int)a[1];
    if (how < 0 || how > 2)
        return -EINVAL;
    if (how != 1)
        s->shut_rd = true;
    if (how != 0)
        s->shut_wr = true;
    return 0;
}

/* ---- send and receive ------------------------------------------------------ */

struct lx_iovec {
    uint64_t base, len;
};
struct lx_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen, control, controllen;
    int32_t flags, pad1;
};
struct lx_cmsghdr {
    uint64_t len;
    int32_t level, type;
};
#define CMSG_ALIGN8(n) (((n) + 7) & ~(uint64_t)7)

/* Gathers (or measures) the guest's iovec array into one host buffer. */
static int get_iov(struct proc *p, uint64_t g_iov, uint64_t cnt, struct lx_iovec **out,
                   size_t *total)
{
    if (cnt > 1024)
        return -EMSGSIZE;
    struct lx_iovec *v = calloc(cnt ? cnt : 1, sizeof *v);
    if (!v)
        return -ENOMEM;
    int rc = cnt ? user_copyin(p, v, g_iov, cnt * sizeof *v) : 0;
    size_t t = 0;
    for (uint64_t i = 0; !rc && i < cnt; i++) {
        if ((int64_t)v[i].len < 0)
            rc = -EINVAL;
        else if (t + v[i].len > SOCK_IO_MAX)
            v[i].len = SOCK_IO_MAX - t;   /* one call moves at most this much */
        t += v[i].len;
    }
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *total = t;
    return 0;
}

/* SCM_RIGHTS / SCM_CREDENTIALS from the guest's control buffer. */
static int get_control(struct proc *p, struct usock *s, const struct lx_msghdr *mh,
                       struct usock_tx *tx)
{
    if (!mh->control || mh->controllen == 0)
        return 0;
    if (mh->controllen > 65536)
        return -ENOBUFS;
    uint8_t *c = malloc(mh->controllen);
    if (!c)
        return -ENOMEM;
    int rc = user_copyin(p, c, mh->control, mh->controllen);
    for (uint64_t off = 0; !rc && off + sizeof(struct lx_cmsghdr) <= mh->controllen;) {
        struct lx_cmsghdr h;
        memcpy(&h, c + off, sizeof h);
        if (h.len < sizeof h || h.len > mh->controllen - off) {
            rc = -EINVAL;
            break;
        }
        size_t dlen = h.len - sizeof h;
        const uint8_t *d = c + off + sizeof h;
        if (h.level != LX_SOL_SOCKET) {
            rc = -EINVAL;
        } else if (h.type == LX_SCM_RIGHTS) {
            int n = (int)(dlen / 4);
            if (n <= 0 || n > USOCK_MAX_FDS || tx->nfds) {
                rc = -EINVAL;
                break;
            }
            tx->fds = calloc((size_t)n, sizeof *tx->fds);
            if (!tx->fds) {
                rc = -ENOMEM;
                break;
            }
            for (int i = 0; i < n; i++) {
                int32_t fd;
                memcpy(&fd, d + 4 * i, 4);
                struct file *f = fd >= 0 && fd < FILES_MAX ? files_lookup(p->files, fd) : NULL;
                if (!f) {
                    rc = -EBADF;
                    break;
                }
                tx->fds[tx->nfds++] = file_get(f);
            }
        } else if (h.type == LX_SCM_CREDENTIALS) {
            struct lx_ucred cr;
            if (dlen < sizeof cr) {
                rc = -EINVAL;
                break;
            }
            memcpy(&cr, d, sizeof cr);
            /* An unprivileged sender may only name itself. */
            if (cr.pid != p->pid || cr.uid != p->os->uid || cr.gid != p->os->gid)
                rc = -EPERM;
            tx->cred = cr;
        } else {
            rc = -EINVAL;
        }
        off += CMSG_ALIGN8(h.len);
    }
    free(c);
    return rc;
}

static void tx_drop(struct usock_tx *tx)
{
    for (int i = 0; i < tx->nfds; i++)
        file_put(tx->fds[i]);
    free(tx->fds);
    tx->fds = NULL;
    tx->nfds = 0;
}

/* One send: data from the iovecs, control, destination. */
/* The address a sendmsg or sendto names: a datagram socket's destination;
 * a connected stream -EISCONN, anything else -EOPNOTSUPP, as Linux. */
static int send_dest(struct proc *p, struct usock *s, const struct lx_msghdr *mh,
                     struct usock_tx *tx)
{
    struct lx_sockaddr_un addr;
    uint32_t len;
    int rc = usock_get_addr(p, mh->name, mh->namelen, &addr, &len);
    if (rc)
        return rc;
    if (s->type == LX_SOCK_DGRAM) {
        tx->to = usock_lookup(p, &addr, len, &rc);
        return tx->to ? 0 : rc;
    }
    return s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
}

static int64_t do_send(struct proc *p, uint64_t fd, const struct lx_msghdr *mh, int flags)
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, fd, &f, &s);
    if (rc)
        return rc;
    struct lx_iovec *v;
    size_t total;
    if ((rc = get_iov(p, mh->iov, mh->iovlen, &v, &total)) != 0)
        return rc;
    uint8_t *buf = malloc(total ? total : 1);
    struct usock_tx tx = {.data = buf, .len = total, .flags = flags,
                          .cred = {p->pid, p->os->uid, p->os->gid}};
    if (f->flags & LX_O_NONBLOCK)
        tx.flags |= LX_MSG_DONTWAIT;
    rc = buf ? 0 : -ENOMEM;
    size_t at = 0;
    for (uint64_t i = 0; !rc && i < mh->iovlen; i++) {
        rc = user_copyin(p, buf + at, v[i].base, v[i].len);
        at += v[i].len;
    }
    free(v);
    if (!rc)
        rc = get_control(p, s, mh, &tx);
    if (!rc && mh->name && mh->namelen)
        rc = send_dest(p, s, mh, &tx);
    int64_t r = rc ? rc : timed(p, s, false, usock_send(s, &tx));
    tx_drop(&tx);
    free(buf);
    if (r == -EPIPE && !(flags & LX_MSG_NOSIGNAL))
        signal_send(p, LX_SIGPIPE);
    return r;
}

int64_t sys_sendmsg(struct proc *p, const uint64_t a[6])
{
    struct lx_msghdr mh;
    int rc = user_copyin(p, &mh, a[1], sizeof mh);
    return rc ? rc : do_send(p, a[0], &mh, (int)a[2]);
}

/* One attempt of send/sendto (ctx: the call's arguments) of len bytes at g_buf. */
static int64_t sendto_once(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len, void *ctx)
{
    const uint64_t *a = ctx;
    struct lx_msghdr mh = {.name = a[4], .namelen = (uint32_t)a[5]};
    struct usock *s = f->priv;
    if (len > SOCK_IO_MAX)
        len = SOCK_IO_MAX;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    struct usock_tx tx = {.data = buf, .len = len, .flags = (int)a[3],
                          .cred = {p->pid, p->os->uid, p->os->gid}};
    if (f->flags & LX_O_NONBLOCK)
        tx.flags |= LX_MSG_DONTWAIT;
    int rc = user_copyin(p, buf, g_buf, len);
    if (!rc && mh.name && mh.namelen)
        rc = send_dest(p, s, &mh, &tx);
    int64_t r = rc ? rc : timed(p, s, false, usock_send(s, &tx));
    free(buf);
    if (r == -EPIPE && !(a[3] & LX_MSG_NOSIGNAL))
        signal_send(p, LX_SIGPIPE);
    return r;
}

int64_t sys_sendto(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    uint64_t args[6];
    memcpy(args, a, sizeof args);
    /* A blocking stream socket takes all of it, waiting for the reader
     * when the send buffer is full (Linux unix_stream_sendmsg), as write(2). */
    if (s->type == LX_SOCK_STREAM && !(f->flags & LX_O_NONBLOCK) && !(a[3] & LX_MSG_DONTWAIT) &&
        !(a[4] && a[5]) && a[2])
        return sys_write_all(p, f, a[1], a[2], sendto_once, args);
    return sendto_once(p, f, a[1], a[2], args);
}

/* Writes rx's credentials and descriptors as control messages: the bytes
 * used, MSG_CTRUNC in *mflags when they do not all fit. */
static int put_control(struct proc *p, struct usock *s, struct usock_rx *rx,
                       const struct lx_msghdr *mh, int flags, uint64_t *used, int *mflags)
{
    *used = 0;
    uint64_t room = mh->control ? mh->controllen : 0;
    uint8_t out[16 + 16 + 4 * USOCK_MAX_FDS + 64];
    size_t n = 0;
    if (s->passcred && rx->has_cred) {
        if (room >= 16 + sizeof rx->cred) {
            struct lx_cmsghdr h = {16 + sizeof rx->cred, LX_SOL_SOCKET, LX_SCM_CREDENTIALS};
            memcpy(out, &h, sizeof h);
            memcpy(out + 16, &rx->cred, sizeof rx->cred);
            n = CMSG_ALIGN8(h.len);
            if (n > room)
                n = room;
        } else {
            *mflags |= LX_MSG_CTRUNC;
        }
    }
    if (rx->nfds) {
        int fit = room > n + 16 ? (int)((room - n - 16) / 4) : 0;
        if (fit > rx->nfds)
            fit = rx->nfds;
        if (fit < rx->nfds)
            *mflags |= LX_MSG_CTRUNC;
        if (fit > 0) {
            int32_t fds[USOCK_MAX_FDS];
            int got = 0;
            for (; got < fit; got++) {
                int fd = files_install(p->files, rx->fds[got], 0, flags & LX_MSG_CMSG_CLOEXEC);
                rx->fds[got] = NULL;   /* taken (or put on failure) */
                if (fd < 0) {
                    *mflags |= LX_MSG_CTRUNC;
                    break;
                }
                fds[got] = fd;
            }
            if (got > 0) {
                struct lx_cmsghdr h = {16 + 4 * (uint64_t)got, LX_SOL_SOCKET, LX_SCM_RIGHTS};
                memcpy(out + n, &h, sizeof h);
                memcpy(out + n + 16, fds, 4 * (size_t)got);
                n += h.len;
            }
        }
    }
    *used = n;
    return n ? user_copyout(p, mh->control, out, n) : 0;
}

/* One receive into the iovecs of mh; updates the guest's msghdr at g_mh
 * (0 for recvfrom, which has no control). */
static int64_t do_recv(struct proc *p, uint64_t fd, struct lx_msghdr *mh, uint64_t g_mh,
                       int flags, uint64_t g_from, uint64_t g_fromlen)
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, fd, &f, &s);
    if (rc)
        return rc;
    if (f->flags & LX_O_NONBLOCK)
        flags |= LX_MSG_DONTWAIT;
    struct lx_iovec *v;
    size_t total;
    if ((rc = get_iov(p, mh->iov, mh->iovlen, &v, &total)) != 0)
        return rc;
    uint8_t *buf = malloc(total ? total : 1);
    if (!buf) {
        free(v);
        return -ENOMEM;
    }
    struct usock_rx rx = {0};
    int64_t r = timed(p, s, true, usock_recv(s, buf, total, flags, &rx));
    if (r >= 0) {
        size_t have = (size_t)r < total ? (size_t)r : total, at = 0;
        for (uint64_t i = 0; !rc && i < mh->iovlen && at < have; i++) {
            size_t n = v[i].len < have - at ? v[i].len : have - at;
            rc = user_copyout(p, v[i].base, buf + at, n);
            at += n;
        }
        int mflags = rx.msg_flags;
        uint64_t used = 0;
        if (!rc && g_mh)
            rc = put_control(p, s, &rx, mh, flags, &used, &mflags);
        if (!rc && g_mh) {
            mh->controllen = used;
            mh->flags = mflags;
            uint32_t nl = 0;
            if (mh->name && rx.fromlen) {
                struct lx_sockaddr_un a = rx.from;
                nl = rx.fromlen < mh->namelen ? rx.fromlen : mh->namelen;
                rc = user_copyout(p, mh->name, &a, nl);
                nl = rx.fromlen;
            }
            mh->namelen = nl;
            if (!rc)
                rc = user_copyout(p, g_mh, mh, sizeof *mh);
        } else if (!rc && g_from) {
            rc = usock_put_addr(p, g_from, g_fromlen, &rx.from, rx.fromlen);
        }
        if (rc)
            r = rc;
    }
    usock_rx_done(&rx);
    free(buf);
    free(v);
    return r;
}

int64_t sys_recvmsg(struct proc *p, const uint64_t a[6])
{
    struct lx_msghdr mh;
    int rc = user_copyin(p, &mh, a[1], sizeof mh);
    return rc ? rc : do_recv(p, a[0], &mh, a[1], (int)a[2], 0, 0);
}

int64_t sys_recvfrom(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    int flags = (int)a[3];
    if (f->flags & LX_O_NONBLOCK)
        flags |= LX_MSG_DONTWAIT;
    size_t len = a[2] > SOCK_IO_MAX ? SOCK_IO_MAX : a[2];
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    struct usock_rx rx = {0};
    int64_t r = timed(p, s, true, usock_recv(s, buf, len, flags, &rx));
    if (r >= 0) {
        size_t have = (size_t)r < len ? (size_t)r : len;
        rc = have ? user_copyout(p, a[1], buf, have) : 0;
        if (!rc && a[4])
            rc = usock_put_addr(p, a[4], a[5], &rx.from, rx.fromlen);
        if (rc)
            r = rc;
    }
    usock_rx_done(&rx);
    free(buf);
    return r;
}

/* ---- options ------------------------------------------------------------------ */

int64_t sys_setsockopt(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    if ((int)a[1] != LX_SOL_SOCKET)
        return -ENOPROTOOPT;
    int32_t val = 0;
    if (a[4] < sizeof val)
        return -EINVAL;
    if ((rc = user_copyin(p, &val, a[3], sizeof val)) != 0)
        return rc;
    switch ((int)a[2]) {
    case LX_SO_SNDBUF:
    case LX_SO_RCVBUF: {
        /* Linux doubles the value (bookkeeping room) and clamps it. */
        int64_t v = (int64_t)val * 2;
        int64_t min = (int)a[2] == LX_SO_SNDBUF ? 4608 : 2304;
        v = v < min ? min : v > 212992 * 2 ? 212992 * 2 : v;
        if ((int)a[2] == LX_SO_SNDBUF)
            s->sndbuf = (int)v;
        else
            s->rcvbuf = (int)v;
        return 0;
    }
    case LX_SO_PASSCRED:
        s->passcred = val != 0;
        return 0;
    case LX_SO_RCVTIMEO:
    case LX_SO_SNDTIMEO:
    case LX_SO_RCVTIMEO_NEW:
    case LX_SO_SNDTIMEO_NEW: {
        int64_t tv[2];   /* struct timeval of the 64-bit ABI */
        if (a[4] < sizeof tv)
            return -EINVAL;
        if ((rc = user_copyin(p, tv, a[3], sizeof tv)) != 0)
            return rc;
        if (tv[1] < 0 || tv[1] >= 1000000)
            return -EDOM;
        /* Linux keeps it in jiffies (sock_set_timeout, rounding up; HZ 250
         * as Debian's kernels): getsockopt gives the rounded value back. */
        uint64_t jiffies = tv[0] < 0 ? 0 : (uint64_t)tv[0] * 250 + ((uint64_t)tv[1] + 3999) / 4000;
        uint64_t ns = jiffies * 4000000ULL;
        if ((int)a[2] == LX_SO_RCVTIMEO || (int)a[2] == LX_SO_RCVTIMEO_NEW)
            s->rcvtimeo = ns;
        else
            s->sndtimeo = ns;
        return 0;
    }
    case 2:    /* SO_REUSEADDR */
    case 9:    /* SO_KEEPALIVE */
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int64_t sys_getsockopt(struct proc *p, const uint64_t a[6])
{
    struct file *f;
    struct usock *s;
    int rc = sock_fd(p, a[0], &f, &s);
    if (rc)
        return rc;
    if ((int)a[1] != LX_SOL_SOCKET)
        return -ENOPROTOOPT;
    int32_t room;
    if ((rc = user_copyin(p, &room, a[4], sizeof room)) != 0)
        return rc;
    if (room < 0)
        return -EINVAL;
    uint8_t out[16];
    int32_t v = 0;
    uint32_t n = 4;
    switch ((int)a[2]) {
    case LX_SO_TYPE: v = s->type; break;
    case LX_SO_ERROR: v = s->error; s->error = 0; break;
    case LX_SO_SNDBUF: v = s->sndbuf; break;
    case LX_SO_RCVBUF: v = s->rcvbuf; break;
    case LX_SO_PASSCRED: v = s->passcred; break;
    case LX_SO_ACCEPTCONN: v = s->state == US_LISTENING; break;
    case LX_SO_DOMAIN: v = LX_AF_UNIX; break;
    case LX_SO_PROTOCOL: v = 0; break;
    case LX_SO_PEERCRED:
        memcpy(out, &s->peercred, sizeof s->peercred);
        n = sizeof s->peercred;
        break;
    case LX_SO_RCVTIMEO:
    case LX_SO_SNDTIMEO:
    case LX_SO_RCVTIMEO_NEW:
    case LX_SO_SNDTIMEO_NEW: {
        uint64_t ns = (int)a[2] == LX_SO_RCVTIMEO || (int)a[2] == LX_SO_RCVTIMEO_NEW ? s->rcvtimeo
                                                                                    : s->sndtimeo;
        int64_t tv[2] = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
        memcpy(out, tv, sizeof tv);
        n = sizeof tv;
        break;
    }
    default: return -ENOPROTOOPT;
    }
    if (n == 4)
        memcpy(out, &v, 4);
    uint32_t w = n < (uint32_t)room ? n : (uint32_t)room;
    rc = w ? user_copyout(p, a[3], out, w) : 0;
    int32_t wl = (int32_t)w;
    return rc ? rc : user_copyout(p, a[4], &wl, sizeof wl);
}
