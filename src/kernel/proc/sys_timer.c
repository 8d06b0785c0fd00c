/* The real-time interval timer (issue 12): setitimer/getitimer with
 * ITIMER_REAL, which is also how glibc's alarm(2) works on riscv64. The
 * timer runs on the guest's clock (virtual, or the host's with --clock
 * host); the scheduler fires it (os_fire_timers: SIGALRM, then re-armed by
 * its interval) and, when every process waits, lets time jump to it as to a
 * sleeper's wake-up. A fork's child starts with none; exec keeps it.
 * ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are not kept: EINVAL. */
#include <errno.h>

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

uint64_t os_fire_timers(struct os *os, uint64_t now, bool *fired)
{
    uint64_t next = 0;
    for (struct proc *p = os->procs; p; p = p->next) {
        if (p->exited || !p->itimer_at)
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
