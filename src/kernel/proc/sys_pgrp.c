/* Process groups and sessions (issue 12): enough for shells and timeout(1)
 * to signal and wait for a group. A fork's child inherits its parent's
 * group and session; the first process leads both (as a program started
 * by a shell with job control). kill(0)/kill(-pgrp) and wait4(0)/wait4(-pgrp)
 * use them (signal.c, sys_proc.c: proc_in_group). No job control: there
 * is no terminal, so no foreground group, SIGTTIN/SIGTTOU or orphaned-group
 * SIGHUP. */
#include <errno.h>

#include "proc.h"

bool proc_in_group(const struct proc *p, int pgid)
{
    return p->pgid == pgid;
}

/* pid 0: p itself; else the process, or NULL. */
static struct proc *target(struct proc *p, int pid)
{
    return pid == 0 ? p : os_find(p->os, pid);
}

int64_t sys_getpgid(struct proc *p, const uint64_t a[6])
{
    if ((int)a[0] < 0)
        return -EINVAL;
    struct proc *t = target(p, (int)a[0]);
    return t ? t->pgid : -ESRCH;
}

int64_t sys_getsid(struct proc *p, const uint64_t a[6])
{
    if ((int)a[0] < 0)
        return -EINVAL;
    struct proc *t = target(p, (int)a[0]);
    return t ? t->sid : -ESRCH;
}

/* setpgid(2) as Linux: the caller or a child of it in the same session,
 * not a session leader, into a group of that session (or a new one named
 * by its pid). */
int64_t sys_setpgid(struct proc *p, const uint64_t a[6])
{
    int pid = (int)a[0], pgid = (int)a[1];
    if (pgid < 0)
        return -EINVAL;
    struct proc *t = target(p, pid);
    if (!t || t->exited || (t != p && t->parent != p))
        return -ESRCH;
    if (t != p && t->sid != p->sid)
        return -EPERM;
    if (t->sid == t->pid)
        return -EPERM;   /* a session leader keeps its group */
    if (pgid == 0)
        pgid = t->pid;
    if (pgid != t->pid) {
        bool found = false;
        for (struct proc *q = p->os->procs; q && !found; q = q->next)
            found = !q->exited && q->pgid == pgid && q->sid == p->sid;
        if (!found)
            return -EPERM;
    }
    t->pgid = pgid;
    return 0;
}

/* setsid(2): a new session and group led by the caller, unless it already
 * leads a group (EPERM). */
int64_t sys_setsid(struct proc *p, const uint64_t a[6])
{
    for (struct proc *q = p->os->procs; q; q = q->next)
        if (!q->exited && q->pgid == p->pid)
            return -EPERM;
    p->pgid = p->sid = p->pid;
    return p->pid;
}
