/* ppoll(2) and pselect6(2) on the files of file.h. Waiting is the
 * scheduler's deterministic polling: a call with nothing ready returns
 * -LX_ERESTART_BLOCK and is retried on the process's next turn; a finite
 * timeout is a deadline in p->sleep_until (virtual time, as nanosleep), so
 * the scheduler lets time jump to it when everyone waits. The signal mask
 * argument is not applied (signals interrupt the wait as any blocking call). */
#include "sys_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evfd.h"
#include "file.h"
#include "../proc/proc.h"

#define NS_PER_SEC 1000000000ULL
#define POLL_MAX FILES_MAX

/* The events of fd that are ready, among want (POLLERR/POLLHUP always). */
static int fd_ready(struct proc *p, int fd, int want)
{
    struct file *f = fd >= 0 ? files_lookup(p->files, fd) : NULL;
    if (!f)
        return LX_POLLNVAL;
    return file_ready(p, f) & (want | LX_POLLERR | LX_POLLHUP);   /* as epoll */
}

/* Reads a timespec timeout: *ns, or *infinite when g_ts is 0. */
static int get_timeout(struct proc *p, uint64_t g_ts, uint64_t *ns, bool *infinite)
{
    *infinite = g_ts == 0;
    *ns = 0;
    if (!g_ts)
        return 0;
    int64_t ts[2];
    int rc = user_copyin(p, ts, g_ts, sizeof ts);
    if (rc)
        return rc;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS_PER_SEC)
        return -EINVAL;
    *ns = (uint64_t)ts[0] * NS_PER_SEC + (uint64_t)ts[1];
    return 0;
}

/* Nothing is ready: 0 when the timeout has passed (or is zero), else wait.
 * wake: the earliest expiry of a watched timerfd (0: none), so that virtual
 * time may jump there when everyone waits (issue 16). */
static int64_t wait_or_timeout(struct proc *p, uint64_t g_ts, uint64_t wake)
{
    uint64_t now = os_now_ns(p->os);
    if (p->blocked && p->sleep_until) {   /* a retry with a deadline */
        if (now >= p->sleep_until) {
            p->sleep_until = 0;
            return 0;
        }
        p->sleep_wakeable = true;
        return -LX_ERESTART_BLOCK;
    }
    uint64_t ns;
    bool infinite;
    int rc = get_timeout(p, g_ts, &ns, &infinite);
    if (rc)
        return rc;
    /* Retried every turn: the deadline only lets time jump (sched.c). */
    p->sleep_wakeable = true;
    if (infinite) {
        p->sleep_until = wake;
        return -LX_ERESTART_BLOCK;
    }
    if (ns == 0)
        return 0;
    p->sleep_until = wake && wake < now + ns ? wake : now + ns;
    return -LX_ERESTART_BLOCK;
}

/* ppoll's and pselect6's signal mask: installed while the call waits, as
 * rt_sigsuspend does (the same fields, so a signal that interrupts the wait
 * finds the mask to restore in sigsuspend_saved: signal_deliver). make's
 * jobserver waits so, with SIGCHLD unblocked only inside pselect. */
static int64_t wait_masked(struct proc *p, uint64_t g_mask, uint64_t size)
{
    if (!g_mask || p->in_sigsuspend)
        return -LX_ERESTART_BLOCK;
    if (size != 8)
        return -EINVAL;
    uint64_t m;
    int rc = user_copyin(p, &m, g_mask, sizeof m);
    if (rc)
        return rc;
    p->sigsuspend_saved = p->sig.blocked;
    p->sig.blocked = m & ~(SIGBIT(LX_SIGKILL) | SIGBIT(LX_SIGSTOP));
    p->in_sigsuspend = true;
    return -LX_ERESTART_BLOCK;
}

/* ready: the call completes now; a deadline of a wait is forgotten, and a
 * mask of the wait is undone. */
static int64_t done(struct proc *p, int64_t rc)
{
    if (rc != -LX_ERESTART_BLOCK && p->blocked)
        p->sleep_until = 0;
    if (rc != -LX_ERESTART_BLOCK && p->in_sigsuspend) {
        p->sig.blocked = p->sigsuspend_saved;
        p->in_sigsuspend = false;
    }
    return rc;
}

struct lx_pollfd {
    int32_t fd;
    int16_t events, revents;
};

int64_t sys_ppoll(struct proc *p, const uint64_t a[6])
{
    uint64_t nfds = a[1];
    if (nfds > POLL_MAX)
        return -EINVAL;
    if (a[3] && a[4] != 8)
        return -EINVAL;
    struct lx_pollfd *pf = calloc(nfds ? nfds : 1, sizeof *pf);
    if (!pf)
        return -ENOMEM;
    int rc = user_copyin(p, pf, a[0], nfds * sizeof *pf);
    int64_t n = 0;
    uint64_t wake = 0;
    for (uint64_t i = 0; !rc && i < nfds; i++) {
        pf[i].revents = 0;
        if (pf[i].fd < 0)
            continue;
        uint64_t tn = timerfd_next(files_lookup(p->files, pf[i].fd));
        if (tn && (!wake || tn < wake))
            wake = tn;
        pf[i].revents = (int16_t)fd_ready(p, pf[i].fd, (uint16_t)pf[i].events);
        if (pf[i].revents)
            n++;
    }
    int64_t ret = rc;
    if (!rc && n > 0) {
        rc = user_copyout(p, a[0], pf, nfds * sizeof *pf);
        ret = rc ? rc : n;
    } else if (!rc) {
        ret = wait_or_timeout(p, a[2], wake);
        if (ret == -LX_ERESTART_BLOCK)
            ret = wait_masked(p, a[3], a[4]);
        if (ret == 0)   /* timed out: the revents are all 0 */
            ret = user_copyout(p, a[0], pf, nfds * sizeof *pf);
    }
    free(pf);
    return done(p, ret);
}

int64_t sys_pselect6(struct proc *p, const uint64_t a[6])
{
    int64_t nfds = (int64_t)(int32_t)a[0];
    if (nfds < 0)
        return -EINVAL;
    if (nfds > POLL_MAX)
        nfds = POLL_MAX;
    size_t words = (size_t)(nfds + 63) / 64;
    uint64_t in[3][POLL_MAX / 64], out[3][POLL_MAX / 64];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    for (int s = 0; s < 3; s++)
        if (a[1 + s]) {
            int rc = user_copyin(p, in[s], a[1 + s], words * 8);
            if (rc)
                return done(p, rc);
        }
    static const int want[3] = {LX_POLLIN | LX_POLLRDNORM | LX_POLLHUP | LX_POLLERR,
                                LX_POLLOUT | LX_POLLWRNORM | LX_POLLERR, LX_POLLPRI};
    int64_t n = 0;
    uint64_t wake = 0;
    for (int64_t fd = 0; fd < nfds; fd++) {
        uint64_t bit = 1ULL << (fd % 64);
        bool asked = (in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) & bit;
        if (!asked)
            continue;
        uint64_t tn = timerfd_next(files_lookup(p->files, (int)fd));
        if (tn && (!wake || tn < wake))
            wake = tn;
        int ev = fd_ready(p, (int)fd, LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM |
                                          LX_POLLPRI);
        if (ev & LX_POLLNVAL)
            return done(p, -EBADF);
        for (int s = 0; s < 3; s++)
            if ((in[s][fd / 64] & bit) && (ev & want[s])) {
                out[s][fd / 64] |= bit;
                n++;
            }
    }
    int64_t ret = n;
    if (n == 0)
        ret = wait_or_timeout(p, a[4], wake);
    if (ret == -LX_ERESTART_BLOCK && a[5]) {
        uint64_t sm[2];   /* { const sigset_t *ss; size_t ss_len; } */
        int rc = user_copyin(p, sm, a[5], sizeof sm);
        ret = rc ? rc : wait_masked(p, sm[0], sm[1]);
    }
    if (ret >= 0)
        for (int s = 0; s < 3; s++)
            if (a[1 + s]) {
                int rc = user_copyout(p, a[1 + s], out[s], words * 8);
                if (rc)
                    return done(p, rc);
            }
    return done(p, ret);
}
