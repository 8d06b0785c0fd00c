/* POSIX record locks, OFD locks and flock(2): see lock.h. One list of
 * locks for the whole kernel (few files are ever locked at once), and one
 * of the requests waiting (for the deadlock check). */
#include "lock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#define OFFSET_MAX INT64_MAX
#define MAX_DEADLK_ITERATIONS 10   /* Linux's bound on the owner chain */

enum lock_space { SPACE_RANGE, SPACE_FLOCK };   /* fcntl (POSIX+OFD) or flock */

struct lock {
    struct lock *next;
    uint64_t dev, ino;          /* the file */
    enum lock_space space;
    const void *owner;          /* struct files * (POSIX) or struct file * (OFD, flock) */
    bool ofd;
    int type;                   /* LX_F_RDLCK or LX_F_WRLCK */
    int64_t start, end;         /* inclusive; end OFFSET_MAX: to the end of the file */
    int pid;                    /* who set it (F_GETLK's l_pid) */
};

/* A request waiting in F_SETLKW or flock: valid while its process still
 * waits in that call (a signal may have ended the wait meanwhile). */
struct waiter {
    struct waiter *next;
    struct os *os;
    int pid;
    bool broken;          /* lock_break_deadlock chose it: EDEADLK on the retry */
    struct lock req;
};

static struct lock *locks;
static struct waiter *waiters;

/* The identity of f's file; files that are not host files (pipes) are
 * their own identity. */
static int file_key(struct file *f, uint64_t *dev, uint64_t *ino, int64_t *size)
{
    struct stat st;
    if (f->host_fd >= 0 && fstat(file_host_fd(f), &st) == 0) {
        *dev = st.st_dev;
        *ino = st.st_ino;
        if (size)
            *size = f->vf ? (int64_t)vfile_size(f->vf) : st.st_size;
        return 0;
    }
    *dev = UINT64_MAX;
    *ino = (uint64_t)(uintptr_t)(f->priv ? f->priv : f);
    if (size)
        *size = 0;
    return 0;
}

static bool overlap(const struct lock *a, const struct lock *b)
{
    return a->start <= b->end && b->start <= a->end;
}

static bool conflicts(const struct lock *held, const struct lock *req)
{
    if (held->dev != req->dev || held->ino != req->ino || held->space != req->space ||
        held->owner == req->owner)
        return false;
    if (held->type != LX_F_WRLCK && req->type != LX_F_WRLCK)
        return false;
    return req->space == SPACE_FLOCK || overlap(held, req);
}

static struct lock *find_conflict(const struct lock *req)
{
    for (struct lock *l = locks; l; l = l->next)
        if (conflicts(l, req))
            return l;
    return NULL;
}

/* Is the process pid still waiting in a lock call? */
static bool still_waiting(struct os *os, int pid)
{
    struct proc *q = os_find(os, pid);
    if (!q || q->exited || !q->blocked || q->hart)
        return false;
    uint64_t nr = q->ctx.x[17];
    return nr == LX_SYS_fcntl || nr == LX_SYS_flock;
}

static void waiter_remove(struct os *os, int pid)
{
    for (struct waiter **pw = &waiters; *pw;) {
        struct waiter *w = *pw;
        if (w->os == os && (w->pid == pid || !still_waiting(os, w->pid))) {
            *pw = w->next;
            free(w);
        } else {
            pw = &w->next;
        }
    }
}

/* Did lock_break_deadlock end p's wait? (Then the entry goes.) */
static bool waiter_broken(struct proc *p)
{
    for (struct waiter *w = waiters; w; w = w->next)
        if (w->os == p->os && w->pid == p->pid && w->broken) {
            waiter_remove(p->os, p->pid);
            return true;
        }
    return false;
}

bool lock_break_deadlock(struct os *os)
{
    struct waiter *pick = NULL;
    for (struct waiter *w = waiters; w; w = w->next)
        if (w->os == os && still_waiting(os, w->pid) && (!pick || w->pid > pick->pid))
            pick = w;
    if (pick)
        pick->broken = true;
    return pick != NULL;
}

static int waiter_add(struct proc *p, const struct lock *req)
{
    waiter_remove(p->os, p->pid);
    struct waiter *w = calloc(1, sizeof *w);
    if (!w)
        return -ENOMEM;
    w->os = p->os;
    w->pid = p->pid;
    w->req = *req;
    w->next = waiters;
    waiters = w;
    return 0;
}

/* Linux's posix_locks_deadlock: would p's owner, by waiting for blocker,
 * close a cycle of POSIX owners each waiting for the next? */
static bool would_deadlock(struct proc *p, const void *owner, const struct lock *blocker)
{
    for (int i = 0; i < MAX_DEADLK_ITERATIONS && blocker; i++) {
        if (blocker->ofd)
            return false;
        const struct waiter *w = NULL;
        for (const struct waiter *x = waiters; x; x = x->next)
            if (x->os == p->os && x->req.owner == blocker->owner && !x->req.ofd &&
                x->req.space == SPACE_RANGE && still_waiting(p->os, x->pid)) {
                w = x;
                break;
            }
        if (!w)
            return false;
        blocker = find_conflict(&w->req);
        if (blocker && blocker->owner == owner)
            return true;
    }
    return false;
}

static struct lock *lock_dup(const struct lock *l)
{
    struct lock *n = malloc(sizeof *n);
    if (n)
        *n = *l;
    return n;
}

/* Sets (or with LX_F_UNLCK clears) req's range for its owner: same-type
 * ranges that overlap or touch merge into one, other-type ones are cut
 * (split in two when req lies inside). The caller checked conflicts. */
static int range_set(const struct lock *req)
{
    struct lock n = *req;
    /* Room for the worst case first: one split, one new lock. */
    struct lock *spare = malloc(sizeof *spare), *add = malloc(sizeof *add);
    if (!spare || !add) {
        free(spare);
        free(add);
        return -ENOLCK;
    }
    for (struct lock **pl = &locks; *pl;) {
        struct lock *l = *pl;
        if (l->dev != req->dev || l->ino != req->ino || l->space != SPACE_RANGE ||
            l->owner != req->owner) {
            pl = &l->next;
            continue;
        }
        bool touch = overlap(l, req) || (l->end < OFFSET_MAX && l->end + 1 == req->start) ||
                     (req->end < OFFSET_MAX && req->end + 1 == l->start);
        if (l->type == req->type && touch) {
            if (l->start < n.start)
                n.start = l->start;
            if (l->end > n.end)
                n.end = l->end;
            *pl = l->next;
            free(l);
            continue;
        }
        if (!overlap(l, req)) {
            pl = &l->next;
            continue;
        }
        if (l->start < req->start && l->end > req->end) {   /* req inside: split */
            *spare = *l;
            spare->start = req->end + 1;
            l->end = req->start - 1;
            spare->next = l->next;
            l->next = spare;
            spare = NULL;
            pl = &l->next->next;
        } else if (l->start < req->start) {
            l->end = req->start - 1;
            pl = &l->next;
        } else if (l->end > req->end) {
            l->start = req->end + 1;
            pl = &l->next;
        } else {
            *pl = l->next;
            free(l);
        }
    }
    free(spare);
    if (req->type == LX_F_UNLCK) {
        free(add);
        return 0;
    }
    *add = n;
    add->next = locks;
    locks = add;
    return 0;
}

/* struct flock of the generic 64-bit ABI: 32 bytes. */
struct lx_flock {
    int16_t l_type, l_whence;
    int32_t pad;
    int64_t l_start, l_len;
    int32_t l_pid, pad2;
};

/* Linux's flock64_to_posix_lock. */
static int to_range(struct file *f, const struct lx_flock *fl, struct lock *l, int64_t size)
{
    int64_t base;
    switch (fl->l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->pos; break;
    case SEEK_END: base = size; break;
    default: return -EINVAL;
    }
    if (fl->l_start > OFFSET_MAX - base)
        return -EOVERFLOW;
    l->start = base + fl->l_start;
    if (l->start < 0)
        return -EINVAL;
    if (fl->l_len > 0) {
        if (fl->l_len - 1 > OFFSET_MAX - l->start)
            return -EOVERFLOW;
        l->end = l->start + (fl->l_len - 1);
    } else if (fl->l_len < 0) {
        if (l->start + fl->l_len < 0)
            return -EINVAL;
        l->end = l->start - 1;
        l->start += fl->l_len;
    } else {
        l->end = OFFSET_MAX;
    }
    return 0;
}

int64_t lock_fcntl(struct proc *p, struct file *f, int cmd, uint64_t g_flock)
{
    struct lx_flock fl;
    int rc = user_copyin(p, &fl, g_flock, sizeof fl);
    if (rc)
        return rc;
    bool ofd = cmd >= LX_F_OFD_GETLK;
    bool get = cmd == LX_F_GETLK || cmd == LX_F_OFD_GETLK;
    bool wait = cmd == LX_F_SETLKW || cmd == LX_F_OFD_SETLKW;
    if (fl.l_type != LX_F_RDLCK && fl.l_type != LX_F_WRLCK && fl.l_type != LX_F_UNLCK)
        return -EINVAL;
    if (get && fl.l_type == LX_F_UNLCK)
        return -EINVAL;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    struct lock req = {.space = SPACE_RANGE, .ofd = ofd, .type = fl.l_type, .pid = p->pid};
    req.owner = ofd ? (const void *)f : (const void *)p->files;
    int64_t size;
    file_key(f, &req.dev, &req.ino, &size);
    rc = to_range(f, &fl, &req, size);
    if (rc)
        return rc;
    if (get) {
        struct lock *c = find_conflict(&req);
        if (!c) {
            fl.l_type = LX_F_UNLCK;
        } else {
            fl.l_type = (int16_t)c->type;
            fl.l_whence = SEEK_SET;
            fl.l_start = c->start;
            fl.l_len = c->end == OFFSET_MAX ? 0 : c->end - c->start + 1;
            fl.l_pid = c->ofd ? -1 : c->pid;
        }
        return user_copyout(p, g_flock, &fl, sizeof fl);
    }
    int acc = f->flags & LX_O_ACCMODE;
    if ((fl.l_type == LX_F_RDLCK && acc == LX_O_WRONLY) ||
        (fl.l_type == LX_F_WRLCK && acc == LX_O_RDONLY))
        return -EBADF;
    if (fl.l_type != LX_F_UNLCK) {
        struct lock *c = find_conflict(&req);
        if (c) {
            if (!wait)
                return -EAGAIN;
            if (waiter_broken(p))
                return -EDEADLK;
            if (!ofd && would_deadlock(p, req.owner, c)) {
                waiter_remove(p->os, p->pid);
                return -EDEADLK;
            }
            rc = waiter_add(p, &req);
            return rc ? rc : -LX_ERESTART_BLOCK;
        }
    }
    waiter_remove(p->os, p->pid);
    return range_set(&req);
}

#define LX_LOCK_SH 1
#define LX_LOCK_EX 2
#define LX_LOCK_NB 4
#define LX_LOCK_UN 8

static void drop(bool (*match)(const struct lock *, const void *), const void *arg)
{
    for (struct lock **pl = &locks; *pl;) {
        struct lock *l = *pl;
        if (match(l, arg)) {
            *pl = l->next;
            free(l);
        } else {
            pl = &l->next;
        }
    }
}

static bool match_flock_of(const struct lock *l, const void *f)
{
    return l->space == SPACE_FLOCK && l->owner == f;
}

int64_t sys_flock(struct proc *p, const uint64_t a[6])
{
    struct file *f = files_lookup(p->files, (int)a[0]);
    if (!f)
        return -EBADF;
    int op = (int)a[1] & ~LX_LOCK_NB;
    int type = op == LX_LOCK_SH ? LX_F_RDLCK : op == LX_LOCK_EX ? LX_F_WRLCK
             : op == LX_LOCK_UN ? LX_F_UNLCK : -1;
    if (type < 0)
        return -EINVAL;
    struct lock req = {.space = SPACE_FLOCK, .owner = f, .type = type, .pid = p->pid,
                       .end = OFFSET_MAX};
    file_key(f, &req.dev, &req.ino, NULL);
    /* Linux's flock_lock_inode: the same type again is a no-op; any other
     * request first drops the description's lock (a conversion may lose it). */
    for (struct lock *l = locks; l; l = l->next)
        if (match_flock_of(l, f) && l->dev == req.dev && l->ino == req.ino && l->type == type) {
            waiter_remove(p->os, p->pid);
            return 0;
        }
    drop(match_flock_of, f);
    if (type == LX_F_UNLCK) {
        waiter_remove(p->os, p->pid);
        return 0;
    }
    if (find_conflict(&req)) {
        if (a[1] & LX_LOCK_NB)
            return -EWOULDBLOCK;
        if (waiter_broken(p))
            return -EDEADLK;
        int rc = waiter_add(p, &req);
        return rc ? rc : -LX_ERESTART_BLOCK;
    }
    waiter_remove(p->os, p->pid);
    struct lock *n = lock_dup(&req);
    if (!n)
        return -ENOLCK;
    n->next = locks;
    locks = n;
    return 0;
}

void lock_proc_gone(struct proc *p)
{
    waiter_remove(p->os, p->pid);
}

void lock_close(const struct files *owner, struct file *f)
{
    if (!locks)
        return;
    uint64_t dev, ino;
    file_key(f, &dev, &ino, NULL);
    for (struct lock **pl = &locks; *pl;) {
        struct lock *l = *pl;
        if (l->space == SPACE_RANGE && !l->ofd && l->owner == owner && l->dev == dev &&
            l->ino == ino) {
            *pl = l->next;
            free(l);
        } else {
            pl = &l->next;
        }
    }
}

static bool match_owned_by(const struct lock *l, const void *f)
{
    return l->owner == f;   /* OFD and flock locks: the description owns them */
}

void lock_file_release(struct file *f)
{
    if (locks)
        drop(match_owned_by, f);
}
