/* The real-time interval timer (issue 12): setitimer/getitimer with
 * ITIMER_REAL, which is also how glibc's alarm(2) works on riscv64. The
 * timer runs on the guest's clock (virtual, or the host's with --clock
 * host); the scheduler fires it (os_fire_timers: SIGALRM, then re-armed by
 * its interval) and, when every process waits, lets time jump to it as to a
 * sleeper's wake-up. A fork's child starts with none; exec keeps it.
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are not kept: EINVAL.
 * POSIX timers (timer_create on CLOCK_REALTIME/MONOTONIC/BOOTTIME, with
 * SIGEV_SIGNAL or SIGEV_NONE) are kept per process the same way; a fork's
 * child has none. */
#include <errno.h>
#include <stdlib.h>

#include "proc.h"

#define NS_PER_S 1000000000ULL
#define LX_ITIMER_REAL 0

/* struct itimerval: {it_interval, it_value}, each {tv_sec, tv_usec}. */
static int read_itimerval(struct proc *p, uint64_t g, uint64_t *interval, uint64_t *value)
{
    int64_t v[4];
    int rc = user_copyin(p, v, g, sizeof v);
    if (rc)
        return rc;
    for (int i = 0; i < 4; i++)
        if (v[i] < 0 || (i % 2 == 1 && v[i] >= 1000000))
            return -EINVAL;
    *interval = (uint64_t)v[0] * NS_PER_S + (uint64_t)v[1] * 1000;
    *value = (uint64_t)v[2] * NS_PER_S + (uint64_t)v[3] * 1000;
    return 0;
}

static int write_itimerval(struct proc *p, uint64_t g)
{
    uint64_t now = os_now_ns(p->os);
    uint64_t left = p->itimer_at > now ? p->itimer_at - now : p->itimer_at ? 1000 : 0;
    /* A running timer never reads 0: Linux rounds what is left up to 1 us. */
    int64_t v[4] = {(int64_t)(p->itimer_interval / NS_PER_S),
                    (int64_t)(p->itimer_interval % NS_PER_S / 1000), (int64_t)(left / NS_PER_S),
                    (int64_t)((left % NS_PER_S + 999) / 1000)};
    if (v[3] == 1000000) {
        v[2]++;
        v[3] = 0;
    }
    return user_copyout(p, g, v, sizeof v);
}

int64_t sys_getitimer(struct proc *p, const uint64_t a[6])
{
    if (a[0] != LX_ITIMER_REAL)
        return -EINVAL;
    return write_itimerval(p, a[1]);
}

int64_t sys_setitimer(struct proc *p, const uint64_t a[6])
{
    if (a[0] != LX_ITIMER_REAL)
        return -EINVAL;
    uint64_t interval = 0, value = 0;
    if (a[1]) {
        int rc = read_itimerval(p, a[1], &interval, &value);
        if (rc)
            return rc;
    }
    if (a[2]) {
        int rc = write_itimerval(p, a[2]);
        if (rc)
            return rc;
    }
    p->itimer_interval = interval;
    p->itimer_at = value ? os_now_ns(p->os) + value : 0;
    return 0;
}

uint64_t proc_ptimers_fire(struct proc *p, uint64_t now, bool *fired);

uint64_t os_fire_timers(struct os *os, uint64_t now, bool *fired)
{
    uint64_t next = 0;
    for (struct proc *p = os->procs; p; p = p->next) {
        if (p->exited)
            continue;
        if (p->ptimers) {
            uint64_t t = proc_ptimers_fire(p, now, fired);
            if (t && (!next || t < next))
                next = t;
        }
        if (!p->itimer_at)
            continue;
        if (p->itimer_at <= now) {
            signal_send(p, LX_SIGALRM);
            if (fired)
                *fired = true;
            p->itimer_at = p->itimer_interval ? now + p->itimer_interval : 0;
        }
        if (p->itimer_at && (!next || p->itimer_at < next))
            next = p->itimer_at;
    }
    return next;
}

/* ---- POSIX per-process timers (timer_create & co.) ----------------------- */

struct ptimer {
    struct ptimer *next;
    int id;
    int signo;            /* 0: SIGEV_NONE */
    bool realtime;        /* CLOCK_REALTIME (TIMER_ABSTIME is on that clock) */
    uint64_t at, interval;   /* os_now_ns deadline (0: disarmed) and period */
};

#define LX_SIGEV_SIGNAL 0
#define LX_SIGEV_NONE 1
#define LX_SIGEV_THREAD_ID 4
#define LX_TIMER_ABSTIME 1
#define PTIMER_MAX 64

static struct ptimer *ptimer_find(struct proc *p, int id)
{
    for (struct ptimer *t = p->ptimers; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

void proc_ptimers_free(struct proc *p)
{
    while (p->ptimers) {
        struct ptimer *t = p->ptimers;
        p->ptimers = t->next;
        free(t);
    }
}

int64_t sys_timer_create(struct proc *p, const uint64_t a[6])
{
    uint64_t clk = a[0];
    if (clk != 0 && clk != 1 && clk != 7)   /* REALTIME, MONOTONIC, BOOTTIME */
        return -EINVAL;
    int signo = LX_SIGALRM, notify = LX_SIGEV_SIGNAL;
    if (a[1]) {   /* struct sigevent: sigev_value (8), sigev_signo, sigev_notify */
        int32_t ev[2];
        int rc = user_copyin(p, ev, a[1] + 8, sizeof ev);
        if (rc)
            return rc;
        signo = ev[0];
        notify = ev[1];
        if (notify != LX_SIGEV_SIGNAL && notify != LX_SIGEV_NONE && notify != LX_SIGEV_THREAD_ID)
            return -EINVAL;
        if (notify != LX_SIGEV_NONE && (signo < 1 || signo > LX_NSIG))
            return -EINVAL;
    }
    int id = 0, n = 0;
    for (struct ptimer *t = p->ptimers; t; t = t->next, n++)
        if (t->id >= id)
            id = t->id + 1;
    if (n >= PTIMER_MAX)
        return -EAGAIN;
    struct ptimer *t = calloc(1, sizeof *t);
    if (!t)
        return -EAGAIN;
    t->id = id;
    t->signo = notify == LX_SIGEV_NONE ? 0 : signo;
    t->realtime = clk == 0;
    int32_t out = id;
    int rc = user_copyout(p, a[2], &out, sizeof out);
    if (rc) {
        free(t);
        return rc;
    }
    t->next = p->ptimers;
    p->ptimers = t;
    return 0;
}

static int put_itimerspec(struct proc *p, uint64_t g, const struct ptimer *t)
{
    uint64_t now = os_now_ns(p->os);
    uint64_t left = t->at > now ? t->at - now : t->at ? 1 : 0;
    int64_t v[4] = {(int64_t)(t->interval / NS_PER_S), (int64_t)(t->interval % NS_PER_S),
                    (int64_t)(left / NS_PER_S), (int64_t)(left % NS_PER_S)};
    return user_copyout(p, g, v, sizeof v);
}

int64_t sys_timer_settime(struct proc *p, const uint64_t a[6])
{
    struct ptimer *t = ptimer_find(p, (int)a[0]);
    if (!t)
        return -EINVAL;
    int64_t v[4];
    int rc = user_copyin(p, v, a[2], sizeof v);
    if (rc)
        return rc;
    for (int i = 0; i < 4; i++)
        if (v[i] < 0 || (i % 2 == 1 && v[i] >= (int64_t)NS_PER_S))
            return -EINVAL;
    if (a[3] && (rc = put_itimerspec(p, a[3], t)) != 0)
        return rc;
    uint64_t now = os_now_ns(p->os);
    uint64_t value = (uint64_t)v[2] * NS_PER_S + (uint64_t)v[3];
    t->interval = (uint64_t)v[0] * NS_PER_S + (uint64_t)v[1];
    if (!value) {
        t->at = 0;
    } else if (a[1] & LX_TIMER_ABSTIME) {   /* a time on the timer's clock */
        uint64_t clock_now = t->realtime ? p->os->epoch_ns + now : now;
        t->at = value > clock_now ? now + (value - clock_now) : now;
    } else {
        t->at = now + value;
    }
    return 0;
}

int64_t sys_timer_gettime(struct proc *p, const uint64_t a[6])
{
    struct ptimer *t = ptimer_find(p, (int)a[0]);
    return t ? put_itimerspec(p, a[1], t) : -EINVAL;
}

int64_t sys_timer_getoverrun(struct proc *p, const uint64_t a[6])
{
    return ptimer_find(p, (int)a[0]) ? 0 : -EINVAL;
}

int64_t sys_timer_delete(struct proc *p, const uint64_t a[6])
{
    for (struct ptimer **pt = &p->ptimers; *pt; pt = &(*pt)->next)
        if ((*pt)->id == (int)a[0]) {
            struct ptimer *t = *pt;
            *pt = t->next;
            free(t);
            return 0;
        }
    return -EINVAL;
}

uint64_t proc_ptimers_fire(struct proc *p, uint64_t now, bool *fired)
{
    uint64_t next = 0;
    for (struct ptimer *t = p->ptimers; t; t = t->next) {
        if (t->at && t->at <= now) {
            if (t->signo) {
                signal_send(p, t->signo);
                if (fired)
                    *fired = true;
            }
            t->at = t->interval ? now + t->interval : 0;
        }
        if (t->at && (!next || t->at < next))
            next = t->at;
    }
    return next;
}
