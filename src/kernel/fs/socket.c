/* Unix sockets: the objects, their names and queues, and their files.
 * See socket.h; the system calls are in sys_socket.c. */
#include "socket_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys_file.h"
#include "vfs.h"

#define LX_AT_FDCWD (-100)

/* ---- the names bound in a run --------------------------------------------- */

struct unix_ns {
    struct usock **bound;
    size_t n, cap;
    uint64_t next_ino;
    uint32_t next_auto;   /* autobind names */
};

struct unix_ns *unix_ns_new(void)
{
    struct unix_ns *ns = calloc(1, sizeof *ns);
    if (ns)
        ns->next_ino = 0x10000;
    return ns;
}

void unix_ns_free(struct unix_ns *ns)
{
    if (!ns)
        return;
    for (size_t i = 0; i < ns->n; i++)
        ns->bound[i]->ns = NULL;
    free(ns->bound);
    free(ns);
}

static void ns_remove(struct usock *s)
{
    struct unix_ns *ns = s->ns;
    for (size_t i = 0; ns && i < ns->n; i++)
        if (ns->bound[i] == s) {
            ns->bound[i] = ns->bound[--ns->n];
            break;
        }
    s->ns = NULL;
}

static int ns_add(struct unix_ns *ns, struct usock *s)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 8;
        struct usock **b = realloc(ns->bound, cap * sizeof *b);
        if (!b)
            return -ENOMEM;
        ns->bound = b;
        ns->cap = cap;
    }
    ns->bound[ns->n++] = s;
    s->ns = ns;
    return 0;
}

static bool is_abstract(const struct lx_sockaddr_un *a, uint32_t len)
{
    return len > 2 && a->path[0] == 0;
}

/* ---- objects ------------------------------------------------------------ */

void umsg_free(struct umsg *m)
{
    if (!m)
        return;
    usock_inflight(m->fds, m->nfds, -1);
    for (int i = 0; i < m->nfds; i++)
        file_put(m->fds[i]);
    free(m->fds);
    free(m);
}

static void usock_put(struct usock *s)
{
    if (--s->refcount > 0)
        return;
    usock_untrack(s);
    kbuf_fifo_free(&s->buf);
    kbuf_fifo_free(&s->hdrs);
    free(s);
}

void usock_drain(struct usock *s)
{
    /* Detach first: putting a passed description may close a socket whose
     * queue holds s (the collector's cycles). */
    struct umsg *m = s->head;
    s->head = s->tail = NULL;
    s->queued = s->nqueued = 0;
    kbuf_fifo_free(&s->buf);
    kbuf_fifo_free(&s->hdrs);
    while (m) {
        struct umsg *next = m->next;
        umsg_free(m);
        m = next;
    }
}

/* The end of s: the peer sees end of file / EPIPE, names and queues go. */
static void usock_close(struct usock *s)
{
    s->closed = true;
    ns_remove(s);
    if (s->peer) {
        s->peer->peer = NULL;
        s->peer->peer_closed = true;
        s->peer = NULL;
    }
    if (s->dest) {
        usock_put(s->dest);
        s->dest = NULL;
    }
    for (int i = 0; i < s->nbacklog; i++) {
        usock_close(s->backlog[i]);
        usock_put(s->backlog[i]);
    }
    free(s->backlog);
    s->backlog = NULL;
    s->nbacklog = 0;
    usock_drain(s);
}

void usock_link(struct usock *a, struct usock *b)
{
    a->peer = b;
    b->peer = a;
    a->state = b->state = US_CONNECTED;
    a->peercred = b->cred;
    b->peercred = a->cred;
}

size_t usock_charged(const struct usock *s)
{
    return s->queued + s->nqueued * USOCK_MSG_TRUESIZE;
}

bool usock_room(const struct usock *s, size_t len)
{
    return s->nqueued == 0 || usock_charged(s) + len + USOCK_MSG_TRUESIZE <= (size_t)s->rcvbuf;
}

size_t usock_stream_room(const struct usock *s, const struct usock *to)
{
    size_t used = usock_charged(to) + USOCK_MSG_TRUESIZE;
    return (size_t)s->sndbuf > used ? (size_t)s->sndbuf - used : 0;
}

void usock_enqueue(struct usock *s, struct umsg *m)
{
    m->next = NULL;
    if (s->tail)
        s->tail->next = m;
    else
        s->head = m;
    s->tail = m;
    s->queued += m->len;
    s->nqueued++;
    usock_inflight(m->fds, m->nfds, 1);
}

/* ---- the file ------------------------------------------------------------- */

static int64_t sock_read(struct file *f, void *buf, uint64_t len);
static int64_t sock_write(struct file *f, const void *buf, uint64_t len);

static int sock_fstat(struct file *f, struct stat *st)
{
    struct usock *s = f->priv;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFSOCK | 0777;
    st->st_dev = makedev(0, 8);   /* sockfs */
    st->st_ino = s->ino;
    st->st_nlink = 1;
    st->st_uid = 1000;
    st->st_gid = 1000;
    st->st_blksize = 4096;
    return 0;
}

static int sock_ioctl(struct file *f, unsigned cmd, const void *in, void *out, size_t *outlen)
{
    struct usock *s = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int n = s->type == LX_SOCK_STREAM ? (int)s->queued
            : s->head                 ? (int)s->head->len
                                      : 0;
    memcpy(out, &n, sizeof n);
    *outlen = sizeof n;
    return 0;
}

static void sock_release(struct file *f)
{
    struct usock *s = f->priv;
    s->file = NULL;
    usock_close(s);
    usock_put(s);
    usock_gc();   /* as Linux's unix_release_sock */
}

static void sock_unref(struct file *f)
{
    usock_gc();   /* the last descriptor of a socket in flight may be gone */
}

/* Readiness, shared by poll/select and epoll. */
int usock_poll(struct file *f)
{
    struct usock *s = f->priv;
    int ev = 0;
    if (s->state == US_LISTENING)
        return s->nbacklog ? LX_POLLIN | LX_POLLRDNORM : 0;
    if (s->head)
        ev |= LX_POLLIN | LX_POLLRDNORM;
    bool conn_type = s->type != LX_SOCK_DGRAM;
    if (s->shut_rd || (conn_type && (s->peer_closed || (s->peer && s->peer->shut_wr))))
        ev |= LX_POLLIN | LX_POLLRDNORM | 0x2000; /* POLLRDHUP */
    if ((s->shut_rd && s->shut_wr) || (conn_type && s->peer_closed) ||
        (s->shut_wr && s->peer && s->peer->shut_wr))
        ev |= LX_POLLHUP;
    struct usock *to = s->peer ? s->peer : s->dest;
    if (conn_type && s->state != US_CONNECTED && !s->peer_closed)
        return ev;   /* not yet connected: not writable */
    bool room = to && (s->type == LX_SOCK_STREAM ? usock_stream_room(s, to) > 0 : usock_room(to, 1));
    if (!s->shut_wr && (!to || to->closed || room))
        ev |= LX_POLLOUT | LX_POLLWRNORM;
    if (s->peer_closed && conn_type)
        ev |= LX_POLLOUT | LX_POLLWRNORM;   /* a write would fail at once (EPIPE) */
    return ev;
}

static const struct file_ops sock_ops = {
    .read = sock_read, .write = sock_write, .fstat = sock_fstat, .ioctl = sock_ioctl,
    .poll = usock_poll, .release = sock_release, .unref = sock_unref,
};

bool file_is_socket(const struct file *f) { return f && f->ops == &sock_ops; }
struct usock *usock_of(struct file *f) { return file_is_socket(f) ? f->priv : NULL; }

int usock_new(struct proc *p, int type, int flags, struct file **out)
{
    struct usock *s = calloc(1, sizeof *s);
    struct file *f = s ? file_new(&sock_ops, LX_O_RDWR | (flags & LX_O_NONBLOCK)) : NULL;
    if (!f) {
        free(s);
        return -ENOMEM;
    }
    struct unix_ns *ns = fs_unix_ns(p->fs);
    s->refcount = 1;
    s->type = type;
    s->ino = ns ? ns->next_ino++ : 1;
    s->sndbuf = s->rcvbuf = USOCK_BUF_DEFAULT;
    s->cred = (struct lx_ucred){p->pid, p->os->uid, p->os->gid};
    s->peercred = (struct lx_ucred){0, (uint32_t)-1, (uint32_t)-1};
    kbuf_fifo_init(&s->buf, p->k);
    kbuf_fifo_init(&s->hdrs, p->k);
    s->file = f;
    usock_track(s);
    f->priv = s;
    *out = f;
    return 0;
}

/* ---- addresses -------------------------------------------------------------- */

int usock_get_addr(struct proc *p, uint64_t g_addr, uint64_t len, struct lx_sockaddr_un *out,
                   uint32_t *outlen)
{
    if (len < 2 || len > sizeof *out)
        return -EINVAL;
    memset(out, 0, sizeof *out);
    int rc = user_copyin(p, out, g_addr, len);
    if (rc)
        return rc;
    if (out->family != LX_AF_UNIX)
        return -EINVAL;
    if (len > 2 && out->path[0] != 0) {   /* a path: up to its NUL */
        size_t n = strnlen(out->path, len - 2);
        len = 2 + n;
    }
    *outlen = (uint32_t)len;
    return 0;
}

int usock_put_addr(struct proc *p, uint64_t g_addr, uint64_t g_lenp,
                   const struct lx_sockaddr_un *addr, uint32_t len)
{
    if (!g_addr)
        return 0;
    int32_t room;
    int rc = user_copyin(p, &room, g_lenp, sizeof room);
    if (rc)
        return rc;
    if (room < 0)
        return -EINVAL;
    struct lx_sockaddr_un a = *addr;
    uint32_t full = len;
    if (len < 2) {   /* unnamed: the family only */
        memset(&a, 0, sizeof a);
        a.family = LX_AF_UNIX;
        full = 2;
    } else if (a.path[0] != 0 && len < sizeof a) {
        full = len + 1;   /* a path is given back with its NUL */
    }
    uint32_t n = full < (uint32_t)room ? full : (uint32_t)room;
    rc = n ? user_copyout(p, g_addr, &a, n) : 0;
    int32_t fl = (int32_t)full;
    return rc ? rc : user_copyout(p, g_lenp, &fl, sizeof fl);
}

/* The path of a for the lookups (NUL-terminated). */
static void addr_path(const struct lx_sockaddr_un *a, uint32_t len, char *out)
{
    size_t n = len - 2;
    memcpy(out, a->path, n);
    out[n] = 0;
}

struct usock *usock_lookup(struct proc *p, const struct lx_sockaddr_un *a, uint32_t len, int *err)
{
    struct unix_ns *ns = fs_unix_ns(p->fs);
    *err = -ECONNREFUSED;
    if (!ns || len <= 2)
        return NULL;
    if (is_abstract(a, len)) {
        for (size_t i = 0; i < ns->n; i++) {
            struct usock *s = ns->bound[i];
            if (s->addrlen == len && memcmp(s->addr.path, a->path, len - 2) == 0)
                return s;
        }
        return NULL;
    }
    char path[LX_SUN_PATH + 1];
    addr_path(a, len, path);
    struct vfs_lookup l;
    int rc = sys_lookup_at(p, LX_AT_FDCWD, path, VFS_FOLLOW, &l);
    if (rc) {
        *err = rc;
        return NULL;
    }
    struct stat st = l.st;
    bool host = l.virt == VFS_HOST;
    vfs_lookup_done(&l);
    if (!host || !S_ISSOCK(st.st_mode))
        return NULL;   /* ECONNREFUSED: not a socket (or not one of this run) */
    for (size_t i = 0; i < ns->n; i++) {
        struct usock *s = ns->bound[i];
        if (!is_abstract(&s->addr, s->addrlen) && s->node_dev == st.st_dev &&
            s->node_ino == st.st_ino)
            return s;
    }
    return NULL;
}

int usock_bind(struct proc *p, struct usock *s, const struct lx_sockaddr_un *a, uint32_t len)
{
    struct unix_ns *ns = fs_unix_ns(p->fs);
    if (!ns)
        return -ENOMEM;
    if (s->addrlen)
        return -EINVAL;   /* already bound */
    struct lx_sockaddr_un addr = *a;
    if (len == 2) {   /* autobind: an abstract name of five hex digits */
        memset(&addr, 0, sizeof addr);
        addr.family = LX_AF_UNIX;
        snprintf(addr.path + 1, sizeof addr.path - 1, "%05x", ns->next_auto++ & 0xfffff);
        len = 2 + 6;
    }
    if (is_abstract(&addr, len)) {
        for (size_t i = 0; i < ns->n; i++)
            if (ns->bound[i]->addrlen == len &&
                memcmp(ns->bound[i]->addr.path, addr.path, len - 2) == 0)
                return -EADDRINUSE;
    } else {
        char path[LX_SUN_PATH + 1];
        addr_path(&addr, len, path);
        struct vfs_lookup l;
        int rc = sys_lookup_at(p, LX_AT_FDCWD, path, VFS_CREATE, &l);
        if (rc)
            return rc;
        if (l.exists)
            rc = -EADDRINUSE;
        else if (l.virt != VFS_HOST || l.trailing_slash)
            rc = -EACCES;
        else if ((rc = kernel_disk_inode_room(p->k)) != 0)   /* --disk-quota */
            ;
        else if (mknodat(l.dirfd, l.name, S_IFSOCK | (0777 & ~fs_get_umask(p->fs)), 0) < 0)
            rc = -errno;
        else
            kernel_disk_account(p->k, KERNEL_DISK_INODE);
        struct stat st;
        if (!rc && fstatat(l.dirfd, l.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            rc = -errno;
        vfs_lookup_done(&l);
        if (rc)
            return rc;
        s->node_dev = st.st_dev;
        s->node_ino = st.st_ino;
    }
    int rc = ns_add(ns, s);
    if (rc)
        return rc;
    s->addr = addr;
    s->addrlen = len;
    return 0;
}

int usock_connect(struct proc *p, struct usock *s, const struct lx_sockaddr_un *a, uint32_t len,
                  bool nonblock)
{
    int err;
    if (s->type != LX_SOCK_DGRAM && s->state == US_CONNECTED)
        return -EISCONN;
    if (s->state == US_LISTENING)
        return -EINVAL;
    struct usock *t = usock_lookup(p, a, len, &err);
    if (!t)
        return err;
    if (t->type != s->type)   /* Linux: a path names the wrong type, no abstract name matches */
        return is_abstract(a, len) ? -ECONNREFUSED : -EPROTOTYPE;
    if (s->type == LX_SOCK_DGRAM) {
        t->refcount++;
        if (s->dest)
            usock_put(s->dest);
        s->dest = t;
        return 0;
    }
    if (t->state != US_LISTENING)
        return -ECONNREFUSED;
    if (t->nbacklog > t->maxbacklog)
        return nonblock ? -EAGAIN : -LX_ERESTART_BLOCK;
    struct usock *e = calloc(1, sizeof *e);
    struct usock **b = e ? realloc(t->backlog, (size_t)(t->nbacklog + 1) * sizeof *b) : NULL;
    if (!b) {
        free(e);
        return -ENOMEM;
    }
    t->backlog = b;
    *e = (struct usock){.refcount = 1, .type = t->type, .ino = t->ino + 0x8000 + (uint64_t)t->nbacklog,
                        .sndbuf = t->sndbuf, .rcvbuf = t->rcvbuf, .cred = t->cred,
                        .addr = t->addr, .addrlen = t->addrlen};
    if (fs_unix_ns(p->fs))
        e->ino = fs_unix_ns(p->fs)->next_ino++;
    kbuf_fifo_init(&e->buf, p->k);
    kbuf_fifo_init(&e->hdrs, p->k);
    usock_track(e);
    s->cred = (struct lx_ucred){p->pid, p->os->uid, p->os->gid};
    usock_link(s, e);
    t->backlog[t->nbacklog++] = e;
    return 0;
}

/* ---- read(2) / write(2) ------------------------------------------------------ */

static int64_t sock_read(struct file *f, void *buf, uint64_t len)
{
    struct usock_rx rx = {0};
    int64_t r = usock_recv(f->priv, buf, len, (f->flags & LX_O_NONBLOCK) ? LX_MSG_DONTWAIT : 0, &rx);
    usock_rx_done(&rx);
    return r;
}

static int64_t sock_write(struct file *f, const void *buf, uint64_t len)
{
    struct usock *s = f->priv;
    struct usock_tx tx = {.data = buf, .len = len, .cred = s->cred,
                          .flags = (f->flags & LX_O_NONBLOCK) ? LX_MSG_DONTWAIT : 0};
    return usock_send(s, &tx);
}
