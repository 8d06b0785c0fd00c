/* epoll (issue 16): an interest list of (fd, description) with events and
 * data, asked on every wait through file_ready (evfd.h), the readiness
 * poll and select use too. Waiting is the scheduler's polling: nothing
 * ready is -LX_ERESTART_BLOCK, retried on the next turn; a timeout is a
 * deadline, and a watched timerfd's expiry is a wake-up time, so that
 * virtual time can jump to whichever comes first.
 *
 * Linux drops an item when its open file description is released. Here the
 * item remembers the description and its fd, and is dropped by the first
 * wait that finds the caller's fd no longer naming that description (the
 * description is never held: closing it works as on Linux).
 *
 * Edge-triggered items are reported when their readiness gains a bit or
 * the readable byte count (FIONREAD) grows since the last report: new data
 * on a pipe or socket reports again, a partial read does not. */
#include "evfd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define LX_EPOLL_CTL_ADD 1
#define LX_EPOLL_CTL_DEL 2
#define LX_EPOLL_CTL_MOD 3
#define LX_EPOLLEXCLUSIVE (1u << 28)
#define LX_EPOLLWAKEUP (1u << 29)
#define LX_EPOLLONESHOT (1u << 30)
#define LX_EPOLLET (1u << 31)
#define EP_MAX_EVENTS (INT32_MAX / 16)
#define NS_PER_MS 1000000ULL

struct epitem {
    int fd;
    struct file *f;      /* not a reference: checked against the fd table */
    uint32_t events;
    uint64_t data;
    bool disabled;       /* EPOLLONESHOT fired */
    int last;            /* edge-triggered: readiness at the last report */
    int64_t last_avail;
};

struct epoll {
    struct epitem *it;
    size_t n, cap;
    int wait_pid;           /* a wait in progress: whose, and its deadline */
    uint64_t wait_deadline; /* 0: none (infinite) */
};

static int ep_fstat(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = 0600;
    st->st_dev = makedev(0, 14);
    st->st_nlink = 1;
    st->st_uid = st->st_gid = 1000;
    st->st_blksize = 4096;
    return 0;
}

static void ep_release(struct file *f)
{
    struct epoll *ep = f->priv;
    free(ep->it);
    free(ep);
}

static const struct file_ops ep_ops = {.fstat = ep_fstat, .release = ep_release};

int64_t sys_epoll_create1(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[0];
    if (flags & ~LX_O_CLOEXEC)
        return -EINVAL;
    struct epoll *ep = calloc(1, sizeof *ep);
    struct file *f = ep ? file_new(&ep_ops, LX_O_RDWR) : NULL;
    if (!f) {
        free(ep);
        return -ENOMEM;
    }
    f->priv = ep;
    return files_install(p->files, f, 0, flags & LX_O_CLOEXEC);
}

static struct file *fd_get(struct proc *p, uint64_t fd)
{
    return (uint32_t)fd < FILES_MAX ? files_lookup(p->files, (int)fd) : NULL;
}

static struct epitem *ep_find(struct epoll *ep, int fd, struct file *f)
{
    for (size_t i = 0; i < ep->n; i++)
        if (ep->it[i].fd == fd && ep->it[i].f == f)
            return &ep->it[i];
    return NULL;
}

/* Bytes readable (FIONREAD) or -1: what an edge is measured by. */
static int64_t avail(struct file *f)
{
    if (!f->ops->ioctl)
        return -1;
    uint8_t out[64];
    size_t outlen = 0;
    int n;
    if (f->ops->ioctl(f, FIONREAD, NULL, out, &outlen) != 0 || outlen != sizeof n)
        return -1;
    memcpy(&n, out, sizeof n);
    return n;
}

int64_t sys_epoll_ctl(struct proc *p, const uint64_t a[6])
{
    struct file *epf = fd_get(p, a[0]);
    struct file *f = fd_get(p, a[2]);
    if (!epf || !f)
        return -EBADF;
    if (epf->ops != &ep_ops || epf == f)
        return -EINVAL;
    int op = (int)a[1];
    struct lx_epoll_event {
        uint32_t events;
        uint32_t pad;
        uint64_t data;
    } ev = {0};
    if (op != LX_EPOLL_CTL_DEL) {
        int rc = user_copyin(p, &ev, a[3], sizeof ev);
        if (rc)
            return rc;
    }
    if (!f->ops->poll)
        return -EPERM;   /* regular files, directories: always ready, not pollable */
    if (f->ops == &ep_ops)
        return -EINVAL;  /* (nested epoll is not offered) */
    struct epoll *ep = epf->priv;
    struct epitem *it = ep_find(ep, (int)a[2], f);
    switch (op) {
    case LX_EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        if (ep->n == ep->cap) {
            size_t cap = ep->cap ? ep->cap * 2 : 8;
            struct epitem *n = realloc(ep->it, cap * sizeof *n);
            if (!n)
                return -ENOMEM;
            ep->it = n;
            ep->cap = cap;
        }
        ep->it[ep->n++] = (struct epitem){.fd = (int)a[2], .f = f, .events = ev.events,
                                          .data = ev.data, .last_avail = -1};
        return 0;
    case LX_EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (ev.events & LX_EPOLLEXCLUSIVE)
            return -EINVAL;
        it->events = ev.events;
        it->data = ev.data;
        it->disabled = false;
        it->last = 0;
        it->last_avail = -1;
        return 0;
    case LX_EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        *it = ep->it[--ep->n];
        return 0;
    default:
        return -EINVAL;
    }
}

/* The wait: up to max events into g_ev; timeout_ns < 0: infinite. */
static int64_t ep_wait(struct proc *p, uint64_t epfd, uint64_t g_ev, int max, int64_t timeout_ns)
{
    struct file *epf = fd_get(p, epfd);
    if (!epf)
        return -EBADF;
    if (epf->ops != &ep_ops)
        return -EINVAL;
    if (max <= 0 || max > EP_MAX_EVENTS)
        return -EINVAL;
    struct epoll *ep = epf->priv;
    uint64_t now = os_now_ns(p->os);
    if (!p->blocked || ep->wait_pid != p->pid) {   /* a new wait */
        ep->wait_pid = p->pid;
        ep->wait_deadline = timeout_ns < 0 ? 0 : now + (uint64_t)timeout_ns;
        if (timeout_ns == 0)
            ep->wait_deadline = now;
    }
    struct { uint32_t events, pad; uint64_t data; } out[64];
    int n = 0;
    uint64_t wake = ep->wait_deadline;
    for (size_t i = 0; i < ep->n && n < max && n < 64;) {
        struct epitem *it = &ep->it[i];
        if (files_lookup(p->files, it->fd) != it->f) {   /* closed: Linux forgets it */
            *it = ep->it[--ep->n];
            continue;
        }
        i++;
        uint64_t tn = timerfd_next(it->f);
        if (tn && (!wake || tn < wake))
            wake = tn;
        if (it->disabled)
            continue;
        int r = file_ready(p, it->f) & (int)(it->events | LX_POLLERR | LX_POLLHUP);
        if (it->events & LX_EPOLLET) {
            int64_t av = avail(it->f);
            bool edge = (r & ~it->last) || (av > it->last_avail && (r & LX_POLLIN));
            it->last = r;
            it->last_avail = av;
            if (!edge)
                continue;
        }
        if (!r)
            continue;
        out[n].events = (uint32_t)r;
        out[n].pad = 0;
        out[n].data = it->data;
        n++;
        if (it->events & LX_EPOLLONESHOT)
            it->disabled = true;
    }
    if (n > 0 || (ep->wait_deadline && now >= ep->wait_deadline)) {
        ep->wait_pid = 0;
        if (p->blocked)
            p->sleep_until = 0;
        if (n == 0)
            return 0;
        /* riscv64's struct epoll_event is not packed: 16 bytes */
        int rc = user_copyout(p, g_ev, out, (uint64_t)n * sizeof out[0]);
        return rc ? rc : n;
    }
    p->sleep_until = wake;   /* 0: woken only by the others' progress */
    p->sleep_wakeable = true;   /* retried every turn all the same */
    return -LX_ERESTART_BLOCK;
}

int64_t sys_epoll_pwait(struct proc *p, const uint64_t a[6])
{
    int ms = (int)a[3];
    return ep_wait(p, a[0], a[1], (int)a[2], ms < 0 ? -1 : (int64_t)ms * (int64_t)NS_PER_MS);
}

int64_t sys_epoll_pwait2(struct proc *p, const uint64_t a[6])
{
    int64_t ns = -1;
    if (a[3]) {
        int64_t ts[2];
        int rc = user_copyin(p, ts, a[3], sizeof ts);
        if (rc)
            return rc;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -EINVAL;
        ns = ts[0] * 1000000000 + ts[1];
    }
    return ep_wait(p, a[0], a[1], (int)a[2], ns);
}
