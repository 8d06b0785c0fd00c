/* futex(2): wait queues, wake, requeue, wake-op, robust lists. See futex.h.
 *
 * A waiter's call returns -LX_ERESTART_BLOCK with the thread on os's queue
 * (futex_waiting); the scheduler does not run it until a wake sets
 * futex_woken, a signal arrives or the timeout (sleep_until) passes, and
 * then the retried call reports which. */
#include "futex.h"

#include <errno.h>
#include <string.h>

#include "proc.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define MAX_LOCK_DEPTH 1024   /* Linux's max_lock_depth: a longer PI chain is EDEADLK */

struct fkey {
    const void *obj;
    uint64_t off;
};

/* The key of the word; a private futex needs no mapping (Linux checks only
 * the address range), a shared one does. */
static int key_of(struct proc *p, uint64_t g_uaddr, bool shared, struct fkey *k)
{
    if (g_uaddr & 3)
        return -EINVAL;
    int rc = mm_futex_key(p->mm, va(g_uaddr), shared, &k->obj, &k->off);
    if (rc && !shared) {
        k->obj = p->mm;
        k->off = g_uaddr;
        return 0;
    }
    return rc;
}

static void enqueue(struct os *os, struct proc *p)
{
    struct proc **pp = &os->futex_queue;
    while (*pp)
        pp = &(*pp)->futex_next;
    p->futex_next = NULL;
    *pp = p;
}

static void unlink_waiter(struct os *os, struct proc *p)
{
    for (struct proc **pp = &os->futex_queue; *pp; pp = &(*pp)->futex_next)
        if (*pp == p) {
            *pp = p->futex_next;
            break;
        }
    p->futex_next = NULL;
}

void futex_forget(struct proc *p)
{
    if (!p->futex_waiting)
        return;
    unlink_waiter(p->os, p);
    p->futex_waiting = false;
    p->futex_pi = false;
    p->futex_woken = false;
    p->sleep_until = 0;
}

/* Wakes up to n waiters on k (bitset), then moves up to nreq more to k2.
 * Returns woken + moved. */
static int wake_key(struct os *os, const struct fkey *k, int n, uint32_t bitset,
                    const struct fkey *k2, int nreq)
{
    int woken = 0, moved = 0;
    for (struct proc **pp = &os->futex_queue; *pp;) {
        struct proc *w = *pp;
        if (w->futex_woken || w->futex_pi || w->futex_key_obj != k->obj ||
            w->futex_key_off != k->off || !(w->futex_bitset & bitset)) {
            pp = &w->futex_next;
            continue;
        }
        if (woken < n) {
            *pp = w->futex_next;   /* off the queue; its retried call returns 0 */
            w->futex_next = NULL;
            w->futex_woken = true;
            woken++;
            continue;
        }
        if (k2 && moved < nreq) {
            w->futex_key_obj = k2->obj;
            w->futex_key_off = k2->off;
            moved++;
        } else if (!k2) {
            break;
        }
        pp = &w->futex_next;
    }
    return woken + moved;
}

int futex_wake(struct proc *p, uint64_t g_uaddr, bool shared, int n, uint32_t bitset)
{
    struct fkey k;
    int rc = key_of(p, g_uaddr, shared, &k);
    return rc ? rc : wake_key(p->os, &k, n, bitset, NULL, 0);
}

/* The retried wait: woken, timed out, interrupted, or still waiting. */
static int64_t wait_again(struct proc *p)
{
    if (p->futex_woken) {
        p->futex_waiting = p->futex_woken = false;
        p->sleep_until = 0;
        return 0;
    }
    if (p->sleep_until && os_now_ns(p->os) >= p->sleep_until) {
        futex_forget(p);
        return -ETIMEDOUT;
    }
    if (signal_pending(p)) {
        futex_forget(p);
        return -EINTR;
    }
    return -LX_ERESTART_BLOCK;
}

/* A struct timespec at g_ts in nanoseconds: 0, -EFAULT or -EINVAL. */
static int timeout_ns(struct proc *p, uint64_t g_ts, uint64_t *ns)
{
    int64_t ts[2];
    int rc = user_copyin(p, ts, g_ts, sizeof ts);
    if (rc)
        return rc;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
        return -EINVAL;
    *ns = (uint64_t)ts[0] * 1000000000u + (uint64_t)ts[1];
    return 0;
}

/* Puts p on k's queue until a wake, a signal or the deadline (0: none);
 * the call, retried when p runs next, finds p->futex_waiting set. */
static int64_t futex_block(struct proc *p, const struct fkey *k, uint32_t bitset,
                           uint64_t deadline)
{
    p->futex_waiting = true;
    p->futex_woken = false;
    p->futex_key_obj = k->obj;
    p->futex_key_off = k->off;
    p->futex_bitset = bitset;
    p->sleep_until = deadline;
    enqueue(p->os, p);
    return -LX_ERESTART_BLOCK;
}

/* FUTEX_WAIT (relative timeout) and FUTEX_WAIT_BITSET (absolute, on
 * CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME, CLOCK_REALTIME). */
static int64_t futex_wait(struct proc *p, int cmd, int op, uint64_t g_uaddr, uint32_t val,
                          uint64_t g_timeout, uint32_t bitset)
{
    if (p->futex_waiting)
        return wait_again(p);
    if (!bitset)
        return -EINVAL;
    struct fkey k;
    int rc = key_of(p, g_uaddr, !(op & FUTEX_PRIVATE_FLAG), &k);
    if (rc)
        return rc;
    uint64_t deadline = 0, now = os_now_ns(p->os);
    if (g_timeout) {
        uint64_t t;
        if ((rc = timeout_ns(p, g_timeout, &t)) != 0)
            return rc;
        if (cmd == FUTEX_WAIT)
            deadline = now + t;
        else if (op & FUTEX_CLOCK_REALTIME)
            deadline = t > OS_EPOCH_NS ? t - OS_EPOCH_NS : 0;
        else
            deadline = t;
        if (deadline <= now)
            deadline = now + 1;   /* times out at its next turn, after the value check */
    }
    uint32_t cur;
    if ((rc = user_copyin(p, &cur, g_uaddr, 4)) != 0)
        return rc;
    if (cur != val)
        return -EAGAIN;
    return futex_block(p, &k, bitset, deadline);
}

/* FUTEX_WAKE_OP's operation on *uaddr2 and its comparison (futex_atomic_op_inuser). */
static int wake_op(struct proc *p, bool shared, uint64_t g_uaddr, int n, uint64_t g_uaddr2,
                   int n2, uint32_t encoded)
{
    struct fkey k, k2;
    int rc = key_of(p, g_uaddr, shared, &k);
    if (!rc)
        rc = key_of(p, g_uaddr2, shared, &k2);
    if (rc)
        return rc;
    unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
    if (encoded & (8u << 28))   /* FUTEX_OP_OPARG_SHIFT */
        oparg = oparg < 32 ? 1u << oparg : 0;
    else
        oparg = (uint32_t)((int32_t)(oparg << 20) >> 20);   /* sign-extended 12 bits */
    cmparg = (uint32_t)((int32_t)(cmparg << 20) >> 20);
    uint32_t old, nv;
    if ((rc = user_copyin(p, &old, g_uaddr2, 4)) != 0)
        return rc;
    switch (op) {
    case 0: nv = oparg; break;            /* SET */
    case 1: nv = old + oparg; break;      /* ADD */
    case 2: nv = old | oparg; break;      /* OR */
    case 3: nv = old & ~oparg; break;     /* ANDN */
    case 4: nv = old ^ oparg; break;      /* XOR */
    default: return -ENOSYS;
    }
    bool hit;
    int32_t so = (int32_t)old, sc = (int32_t)cmparg;
    switch (cmp) {
    case 0: hit = so == sc; break;
    case 1: hit = so != sc; break;
    case 2: hit = so < sc; break;
    case 3: hit = so <= sc; break;
    case 4: hit = so > sc; break;
    case 5: hit = so >= sc; break;
    default: return -ENOSYS;
    }
    if ((rc = user_copyout(p, g_uaddr2, &nv, 4)) != 0)
        return rc;
    int woken = wake_key(p->os, &k, n, FUTEX_BITSET_MATCH_ANY, NULL, 0);
    if (hit)
        woken += wake_key(p->os, &k2, n2, FUTEX_BITSET_MATCH_ANY, NULL, 0);
    return woken;
}

/* ---- PI futexes ----------------------------------------------------------
 * Linux's protocol on the word (futex_lock_pi, futex_unlock_pi): 0 is free,
 * else the owner's tid; the kernel sets FUTEX_WAITERS when it blocks a
 * waiter, so that the owner's unlock comes to it, and hands the lock to the
 * first waiter at unlock (the word becomes its tid | FUTEX_WAITERS). There
 * is no priority to inherit: the scheduler has no priorities, so waiters
 * are served in arrival order (an rt_mutex's order for equal priorities). */

static bool same_key(const struct proc *w, const struct fkey *k)
{
    return w->futex_key_obj == k->obj && w->futex_key_off == k->off;
}

/* The first PI waiter on k, or NULL. */
static struct proc *pi_top(struct os *os, const struct fkey *k)
{
    for (struct proc *w = os->futex_queue; w; w = w->futex_next)
        if (w->futex_pi && !w->futex_woken && same_key(w, k))
            return w;
    return NULL;
}

static void pi_set_owner(struct os *os, const struct fkey *k, int tid)
{
    for (struct proc *w = os->futex_queue; w; w = w->futex_next)
        if (w->futex_pi && !w->futex_woken && same_key(w, k))
            w->futex_pi_owner = tid;
}

/* Would p waiting for owner close a cycle of PI waits? (Linux's rt_mutex
 * chain walk, which FUTEX_LOCK_PI asks to detect deadlocks.) */
static bool pi_deadlock(const struct proc *p, int owner)
{
    for (int depth = 0; depth < MAX_LOCK_DEPTH; depth++) {
        if (owner == p->tid)
            return true;
        const struct proc *o = os_find_tid(p->os, owner);
        if (!o || !o->futex_waiting || !o->futex_pi || o->futex_woken)
            return false;
        owner = o->futex_pi_owner;
    }
    return true;
}

/* top (the first waiter on k) owns the lock now: writer writes the word at
 * g_uaddr of its mm (keep: FUTEX_OWNER_DIED or 0), and top's retried call
 * returns 0 (wake_futex_pi). */
static int pi_hand_over(struct proc *writer, uint64_t g_uaddr, const struct fkey *k,
                        struct proc *top, uint32_t keep)
{
    uint32_t nv = keep | FUTEX_WAITERS | (uint32_t)top->tid;
    int rc = user_copyout(writer, g_uaddr, &nv, 4);
    if (rc)
        return rc;
    unlink_waiter(writer->os, top);
    top->futex_woken = true;
    pi_set_owner(writer->os, k, top->tid);
    return 0;
}

/* FUTEX_LOCK_PI (timeout absolute on CLOCK_REALTIME), FUTEX_LOCK_PI2 (on
 * CLOCK_MONOTONIC, or CLOCK_REALTIME with the flag) and FUTEX_TRYLOCK_PI. */
static int64_t futex_lock_pi(struct proc *p, int cmd, int op, uint64_t g_uaddr,
                             uint64_t g_timeout, bool trylock)
{
    uint64_t now = os_now_ns(p->os);
    if (p->futex_waiting) {   /* the retried call */
        if (p->futex_woken) {
            futex_forget(p);
            return 0;   /* handed over: the word names us */
        }
        if (p->sleep_until && now >= p->sleep_until) {
            futex_forget(p);
            return -ETIMEDOUT;
        }
        /* A signal: off the queue, and the call starts again after the
         * handler (Linux: -ERESTARTNOINTR, whatever SA_RESTART says). */
        if (signal_pending(p))
            futex_forget(p);
        return -LX_ERESTART_BLOCK;
    }
    struct fkey k;
    int rc = key_of(p, g_uaddr, !(op & FUTEX_PRIVATE_FLAG), &k);
    if (rc)
        return rc;
    uint64_t deadline = 0;
    if (g_timeout && !trylock) {
        uint64_t t;
        if ((rc = timeout_ns(p, g_timeout, &t)) != 0)
            return rc;
        if (cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME))
            t = t > OS_EPOCH_NS ? t - OS_EPOCH_NS : 0;
        deadline = t > now ? t : now + 1;   /* past: times out at its next turn */
    }
    uint32_t v;
    if ((rc = user_copyin(p, &v, g_uaddr, 4)) != 0)
        return rc;
    int owner = (int)(v & FUTEX_TID_MASK);
    if (owner == p->tid)
        return -EDEADLK;
    struct proc *top = pi_top(p->os, &k);
    if (!owner) {   /* free, or its robust owner died: ours, FUTEX_OWNER_DIED kept */
        uint32_t nv = (v & FUTEX_OWNER_DIED) | (uint32_t)p->tid | (top ? FUTEX_WAITERS : 0);
        if ((rc = user_copyout(p, g_uaddr, &nv, 4)) != 0)
            return rc;
        pi_set_owner(p->os, &k, p->tid);
        return 0;
    }
    const struct proc *o = os_find_tid(p->os, owner);
    if (!o || o->exited || o->thread_dead)
        return -ESRCH;   /* an owner that is gone without a robust list (handle_exit_race) */
    if (!(v & FUTEX_WAITERS)) {   /* set before the wait, even by a trylock (as Linux) */
        v |= FUTEX_WAITERS;
        if ((rc = user_copyout(p, g_uaddr, &v, 4)) != 0)
            return rc;
    }
    if (trylock)
        return -EAGAIN;   /* EWOULDBLOCK */
    if (pi_deadlock(p, owner))
        return -EDEADLK;
    p->futex_pi = true;
    p->futex_pi_owner = owner;
    p->futex_uaddr = g_uaddr;
    return futex_block(p, &k, FUTEX_BITSET_MATCH_ANY, deadline);
}

static int64_t futex_unlock_pi(struct proc *p, int op, uint64_t g_uaddr)
{
    struct fkey k;
    int rc = key_of(p, g_uaddr, !(op & FUTEX_PRIVATE_FLAG), &k);
    if (rc)
        return rc;
    uint32_t v;
    if ((rc = user_copyin(p, &v, g_uaddr, 4)) != 0)
        return rc;
    if ((v & FUTEX_TID_MASK) != (uint32_t)p->tid)
        return -EPERM;
    struct proc *top = pi_top(p->os, &k);
    if (top)
        return pi_hand_over(p, g_uaddr, &k, top, 0);
    uint32_t zero = 0;   /* no waiter: free (FUTEX_OWNER_DIED goes too) */
    return user_copyout(p, g_uaddr, &zero, 4);
}

/* exit_pi_state_list: every PI lock p still owns that has waiters goes to
 * its first waiter (FUTEX_OWNER_DIED kept: set by the robust list before). */
static void pi_exit(struct proc *p)
{
    for (;;) {
        struct proc *top = NULL;
        for (struct proc *w = p->os->futex_queue; w && !top; w = w->futex_next)
            if (w->futex_pi && !w->futex_woken && w->futex_pi_owner == p->tid)
                top = w;
        if (!top)
            return;
        struct fkey k = {top->futex_key_obj, top->futex_key_off};
        uint32_t v;
        if (user_copyin(top, &v, top->futex_uaddr, 4) ||
            pi_hand_over(top, top->futex_uaddr, &k, top, v & FUTEX_OWNER_DIED))
            pi_set_owner(p->os, &k, 0);   /* an unreadable word: they wait for a signal or timeout */
    }
}

int64_t sys_futex(struct proc *p, const uint64_t a[6])
{
    uint64_t g_uaddr = a[0], g_uaddr2 = a[4];
    int op = (int)a[1], cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    bool shared = !(op & FUTEX_PRIVATE_FLAG);
    if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT &&
        cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    if (g_uaddr & 3)
        return -EINVAL;
    int n = (int)val < 0 ? 0x7fffffff : (int)val;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(p, cmd, op, g_uaddr, val, a[3], FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(p, cmd, op, g_uaddr, val, a[3], val3);
    case FUTEX_WAKE:
        return futex_wake(p, g_uaddr, shared, n, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return val3 ? futex_wake(p, g_uaddr, shared, n, val3) : -EINVAL;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        int nreq = (int)a[3];
        if (nreq < 0 || (g_uaddr2 & 3))
            return -EINVAL;
        struct fkey k, k2;
        int rc = key_of(p, g_uaddr, shared, &k);
        if (!rc)
            rc = key_of(p, g_uaddr2, shared, &k2);
        if (rc)
            return rc;
        if (cmd == FUTEX_CMP_REQUEUE) {
            uint32_t cur;
            if ((rc = user_copyin(p, &cur, g_uaddr, 4)) != 0)
                return rc;
            if (cur != val3)
                return -EAGAIN;
        }
        return wake_key(p->os, &k, n, FUTEX_BITSET_MATCH_ANY, &k2, nreq);
    }
    case FUTEX_WAKE_OP:
        if (g_uaddr2 & 3)
            return -EINVAL;
        return wake_op(p, shared, g_uaddr, n, g_uaddr2, (int)a[3], val3);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        return futex_lock_pi(p, cmd, op, g_uaddr, a[3], false);
    case FUTEX_TRYLOCK_PI:
        return futex_lock_pi(p, cmd, op, g_uaddr, 0, true);
    case FUTEX_UNLOCK_PI:
        return futex_unlock_pi(p, op, g_uaddr);
    default:
        return -ENOSYS;   /* FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI */
    }
}

/* ---- robust futexes ------------------------------------------------------ */

#define ROBUST_HEAD_SIZE 24   /* struct robust_list_head: next, futex_offset, pending */
#define ROBUST_LIST_LIMIT 2048

int64_t sys_set_robust_list(struct proc *p, const uint64_t a[6])
{
    if (a[1] != ROBUST_HEAD_SIZE)
        return -EINVAL;
    p->robust_list = a[0];
    p->robust_len = a[1];
    return 0;
}

int64_t sys_get_robust_list(struct proc *p, const uint64_t a[6])
{
    struct proc *t = (int)a[0] ? os_find_tid(p->os, (int)a[0]) : p;
    if (!t || t->exited)
        return -ESRCH;
    uint64_t head = t->robust_list, len = ROBUST_HEAD_SIZE;
    int rc = user_copyout(p, a[1], &head, 8);
    return rc ? rc : user_copyout(p, a[2], &len, 8);
}

/* Linux handle_futex_death: a lock word still naming the dying owner gets
 * FUTEX_OWNER_DIED, and one waiter is woken to take it over (a PI lock's
 * waiters get it from pi_exit instead). */
static void futex_death(struct proc *p, uint64_t g_word, bool pi)
{
    uint32_t v;
    if ((g_word & 3) || user_copyin(p, &v, g_word, 4))
        return;
    if ((v & FUTEX_TID_MASK) != (uint32_t)p->tid)
        return;
    uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (user_copyout(p, g_word, &nv, 4))
        return;
    if ((v & FUTEX_WAITERS) && !pi)
        futex_wake(p, g_word, true, 1, FUTEX_BITSET_MATCH_ANY);
}

void thread_mm_release(struct proc *p)
{
    futex_forget(p);
    if (!p->mm)
        return;
    if (p->robust_list) {   /* exit_robust_list: entries, then the one pending */
        uint64_t head[3];
        if (!user_copyin(p, head, p->robust_list, sizeof head)) {
            int64_t off = (int64_t)head[1];
            uint64_t e = head[0], pending = head[2];
            for (int i = 0; e && e != p->robust_list && i < ROBUST_LIST_LIMIT; i++) {
                uint64_t next;
                if (user_copyin(p, &next, e & ~1ULL, 8))
                    break;
                if (e != pending)   /* bit 0 of an entry: a PI lock */
                    futex_death(p, (e & ~1ULL) + (uint64_t)off, e & 1);
                e = next;
            }
            if (pending)
                futex_death(p, (pending & ~1ULL) + (uint64_t)off, pending & 1);
        }
        p->robust_list = 0;
    }
    pi_exit(p);
    if (p->clear_child_tid) {   /* pthread_join waits for this word to become 0 */
        uint32_t zero = 0;
        if (!user_copyout(p, p->clear_child_tid, &zero, 4))
            futex_wake(p, p->clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
        p->clear_child_tid = 0;
    }
}
