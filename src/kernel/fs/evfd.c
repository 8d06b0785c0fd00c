/* eventfd, timerfd and signalfd. See evfd.h. */
#include "evfd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define EVFD_MAX 0xfffffffffffffffeULL
#define LX_EFD_SEMAPHORE 1
#define NS_PER_S 1000000000ULL

/* anon_inode files: one device, an inode number each */
static int anon_fstat(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = 0600;   /* anon_inode: no file type bits */
    st->st_dev = makedev(0, 14);
    st->st_ino = 1;
    st->st_nlink = 1;
    st->st_uid = 1000;
    st->st_gid = 1000;
    st->st_blksize = 4096;
    return 0;
}

static void free_priv(struct file *f) { free(f->priv); }

/* ---- eventfd ---------------------------------------------------------------- */

struct evfd {
    uint64_t count;
    bool semaphore;
};

static int64_t evfd_read_op(struct file *f, void *buf, uint64_t len)
{
    struct evfd *e = f->priv;
    if (len < 8)
        return -EINVAL;
    if (e->count == 0)
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    uint64_t v = e->semaphore ? 1 : e->count;
    e->count -= v;
    memcpy(buf, &v, 8);
    return 8;
}

static int64_t evfd_write_op(struct file *f, const void *buf, uint64_t len)
{
    struct evfd *e = f->priv;
    if (len < 8)
        return -EINVAL;
    uint64_t v;
    memcpy(&v, buf, 8);
    if (v == UINT64_MAX)
        return -EINVAL;
    if (v > EVFD_MAX - e->count)
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    e->count += v;
    return 8;
}

static int evfd_poll(struct file *f)
{
    struct evfd *e = f->priv;
    int ev = 0;
    if (e->count > 0)
        ev |= LX_POLLIN | LX_POLLRDNORM;
    if (e->count < EVFD_MAX)
        ev |= LX_POLLOUT | LX_POLLWRNORM;
    return ev;
}

static const struct file_ops evfd_ops = {
    .read = evfd_read_op, .write = evfd_write_op, .fstat = anon_fstat, .poll = evfd_poll,
    .release = free_priv,
};

int64_t sys_eventfd2(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[1];
    if (flags & ~(LX_EFD_SEMAPHORE | LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -EINVAL;
    struct evfd *e = calloc(1, sizeof *e);
    struct file *f = e ? file_new(&evfd_ops, LX_O_RDWR | (flags & LX_O_NONBLOCK)) : NULL;
    if (!f) {
        free(e);
        return -ENOMEM;
    }
    e->count = (uint32_t)a[0];
    e->semaphore = flags & LX_EFD_SEMAPHORE;
    f->priv = e;
    return files_install(p->files, f, 0, flags & LX_O_CLOEXEC);
}

/* ---- timerfd ----------------------------------------------------------------- */

struct tfd {
    struct os *os;
    int clock;
    uint64_t next;       /* virtual ns of the next expiry, 0: disarmed */
    uint64_t interval;
    uint64_t ticks;      /* expirations not yet read */
};

static void tfd_update(struct tfd *t)
{
    uint64_t now = os_now_ns(t->os);
    if (!t->next || now < t->next)
        return;
    if (t->interval) {
        uint64_t k = (now - t->next) / t->interval + 1;
        t->ticks += k;
        t->next += k * t->interval;
    } else {
        t->ticks++;
        t->next = 0;
    }
}

static int tfd_poll(struct file *f)
{
    struct tfd *t = f->priv;
    tfd_update(t);
    return t->ticks ? LX_POLLIN | LX_POLLRDNORM : 0;
}

static int64_t tfd_read_op(struct file *f, void *buf, uint64_t len)
{
    struct tfd *t = f->priv;
    if (len < 8)
        return -EINVAL;
    tfd_update(t);
    if (!t->ticks)
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    memcpy(buf, &t->ticks, 8);
    t->ticks = 0;
    return 8;
}

static const struct file_ops tfd_ops = {
    .read = tfd_read_op, .fstat = anon_fstat, .poll = tfd_poll, .release = free_priv,
};

uint64_t timerfd_next(struct file *f)
{
    return f && f->ops == &tfd_ops ? ((struct tfd *)f->priv)->next : 0;
}

int64_t sys_timerfd_create(struct proc *p, const uint64_t a[6])
{
    int clock = (int)a[0], flags = (int)a[1];
    if (clock != 0 && clock != 1 && clock != 7 && clock != 8 && clock != 9)
        return -EINVAL;
    if (flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -EINVAL;
    struct tfd *t = calloc(1, sizeof *t);
    struct file *f = t ? file_new(&tfd_ops, LX_O_RDWR | (flags & LX_O_NONBLOCK)) : NULL;
    if (!f) {
        free(t);
        return -ENOMEM;
    }
    t->os = p->os;
    t->clock = clock;
    f->priv = t;
    return files_install(p->files, f, 0, flags & LX_O_CLOEXEC);
}

static struct tfd *tfd_of(struct proc *p, uint64_t fd, int *rc)
{
    struct file *f = (uint32_t)fd < FILES_MAX ? files_lookup(p->files, (int)fd) : NULL;
    *rc = !f ? -EBADF : f->ops != &tfd_ops ? -EINVAL : 0;
    return *rc ? NULL : f->priv;
}

/* The timer's setting as an itimerspec {interval, value}. */
static void tfd_get(struct tfd *t, int64_t its[4])
{
    tfd_update(t);
    uint64_t now = os_now_ns(t->os);
    uint64_t left = t->next ? (t->next > now ? t->next - now : 1) : 0;
    its[0] = (int64_t)(t->interval / NS_PER_S);
    its[1] = (int64_t)(t->interval % NS_PER_S);
    its[2] = (int64_t)(left / NS_PER_S);
    its[3] = (int64_t)(left % NS_PER_S);
}

int64_t sys_timerfd_settime(struct proc *p, const uint64_t a[6])
{
    int rc;
    struct tfd *t = tfd_of(p, a[0], &rc);
    if (!t)
        return rc;
    int flags = (int)a[1];
    if (flags & ~3)   /* TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET */
        return -EINVAL;
    int64_t its[4];
    if ((rc = user_copyin(p, its, a[2], sizeof its)) != 0)
        return rc;
    for (int i = 0; i < 4; i++)
        if (its[i] < 0 || (i % 2 == 1 && its[i] >= (int64_t)NS_PER_S))
            return -EINVAL;
    if (a[3]) {
        int64_t old[4];
        tfd_get(t, old);
        if ((rc = user_copyout(p, a[3], old, sizeof old)) != 0)
            return rc;
    }
    uint64_t value = (uint64_t)its[2] * NS_PER_S + (uint64_t)its[3];
    uint64_t now = os_now_ns(t->os);
    t->interval = (uint64_t)its[0] * NS_PER_S + (uint64_t)its[1];
    t->ticks = 0;
    if (value == 0) {
        t->next = 0;
    } else if (flags & 1) {   /* absolute, on the timer's clock */
        bool realtime = t->clock == 0 || t->clock == 8;
        uint64_t at = realtime ? (value > OS_EPOCH_NS ? value - OS_EPOCH_NS : 0) : value;
        t->next = at > now ? at : now;
        if (t->next == 0)
            t->next = 1;
    } else {
        t->next = now + value;
    }
    return 0;
}

int64_t sys_timerfd_gettime(struct proc *p, const uint64_t a[6])
{
    int rc;
    struct tfd *t = tfd_of(p, a[0], &rc);
    if (!t)
        return rc;
    int64_t its[4];
    tfd_get(t, its);
    return user_copyout(p, a[1], its, sizeof its);
}

/* ---- signalfd ------------------------------------------------------------------ */

struct sfd {
    uint64_t mask;   /* bit s-1 for signal s */
};

static int sfd_poll(struct file *f)
{
    (void)f;
    return 0;   /* the reader's pending signals decide: evfd_read; poll asks the caller */
}

static const struct file_ops sfd_ops = {
    .fstat = anon_fstat, .poll = sfd_poll, .release = free_priv,
};

int64_t sys_signalfd4(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[3];
    if (flags & ~(LX_O_NONBLOCK | LX_O_CLOEXEC))
        return -EINVAL;
    if (a[2] != 8)
        return -EINVAL;
    uint64_t mask;
    int rc = user_copyin(p, &mask, a[1], sizeof mask);
    if (rc)
        return rc;
    mask &= ~((1ULL << (LX_SIGKILL - 1)) | (1ULL << (LX_SIGSTOP - 1)));
    if ((int)a[0] != -1) {
        struct file *f = (uint32_t)a[0] < FILES_MAX ? files_lookup(p->files, (int)a[0]) : NULL;
        if (!f)
            return -EBADF;
        if (f->ops != &sfd_ops)
            return -EINVAL;
        ((struct sfd *)f->priv)->mask = mask;
        return (int)a[0];
    }
    struct sfd *s = calloc(1, sizeof *s);
    struct file *f = s ? file_new(&sfd_ops, LX_O_RDWR | (flags & LX_O_NONBLOCK)) : NULL;
    if (!f) {
        free(s);
        return -ENOMEM;
    }
    s->mask = mask;
    f->priv = s;
    return files_install(p->files, f, 0, flags & LX_O_CLOEXEC);
}

/* struct signalfd_siginfo (128 bytes) */
struct lx_sfd_info {
    uint32_t signo;
    int32_t errno_, code;
    uint32_t pid, uid;
    int32_t fd;
    uint32_t tid, band, overrun, trapno;
    int32_t status, int_;
    uint64_t ptr, utime, stime, addr;
    uint16_t addr_lsb;
    uint8_t pad[46];
};

static int64_t sfd_read(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len)
{
    struct sfd *s = f->priv;
    if (len < sizeof(struct lx_sfd_info))
        return -EINVAL;
    uint64_t done = 0;
    while (done + sizeof(struct lx_sfd_info) <= len) {
        struct sig_info si;
        int sig = signal_dequeue(p, s->mask, &si);
        if (!sig)
            break;
        struct lx_sfd_info out = {.signo = (uint32_t)sig, .code = si.code,
                                  .pid = (uint32_t)si.pid, .uid = (uint32_t)si.uid,
                                  .status = si.status, .addr = si.addr};
        int rc = user_copyout(p, g_buf + done, &out, sizeof out);
        if (rc) {   /* not read: pending again (on the thread) */
            p->sig.pending |= 1ULL << (sig - 1);
            p->sig.info[sig] = si;
            return done ? (int64_t)done : rc;
        }
        done += sizeof out;
    }
    if (done)
        return (int64_t)done;
    return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
}

int file_ready(struct proc *p, struct file *f)
{
    if (f->ops == &sfd_ops)
        return (signal_pending_set(p) & ((struct sfd *)f->priv)->mask) ? LX_POLLIN | LX_POLLRDNORM
                                                                        : 0;
    return f->ops->poll ? f->ops->poll(f) : LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM;
}

bool evfd_read(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len, int64_t *r)
{
    if (f->ops == &sfd_ops) {
        *r = sfd_read(p, f, g_buf, len);
        return true;
    }
    if (f->ops != &tfd_ops)
        return false;
    uint8_t v[8];
    *r = tfd_read_op(f, v, len);
    if (*r == 8) {
        int rc = user_copyout(p, g_buf, v, 8);
        if (rc)
            *r = rc;
    }
    if (*r == -LX_ERESTART_BLOCK)
        p->sleep_until = ((struct tfd *)f->priv)->next;   /* time may jump to the expiry */
    else if (p->blocked)
        p->sleep_until = 0;
    return true;
}
