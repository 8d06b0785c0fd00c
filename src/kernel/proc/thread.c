/* Threads (issue 13): clone of a thread, the end of one thread, of all of a
 * process's threads, and execve's de_thread. See proc.h.
 *
 * A thread is a struct proc with its group's pid and its own tid. It holds
 * a reference to the shared descriptor table and fs context (a copy of
 * either if clone did not say CLONE_FILES or CLONE_FS), and uses its
 * leader's mm without owning it (mm_borrowed): the leader lives, at least as
 * a thread_dead husk, until the last thread has gone, and the process's end
 * (proc_exit) then releases the mm as before. Ended non-leader threads are
 * reaped by the scheduler once they are off the hart. */
#include "proc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../machine/hart.h"
#include "sched.h"

unsigned thread_count(const struct proc *p)
{
    unsigned n = 0;
    for (const struct proc *q = p->os->procs; q; q = q->next)
        n += q->pid == p->pid && !q->exited && !q->thread_dead;
    return n;
}

struct proc *proc_clone_thread(struct proc *p, unsigned share, uint64_t stack, int *rc)
{
    struct os *os = p->os;
    if (os->nprocs >= os->max_procs) {
        *rc = -EAGAIN;
        return NULL;
    }
    struct proc *c = calloc(1, sizeof *c);
    if (!c || (p->exe && !(c->exe = strdup(p->exe)))) {
        free(c);
        *rc = -ENOMEM;
        return NULL;
    }
    c->os = os;
    c->k = p->k;
    c->rng = p->rng ^ 0x7f4a7c159e3779b9ULL ^ (uint64_t)os->next_pid;
    c->sig = p->sig;
    c->sig.pending = 0;
    c->sig.shared_pending = 0;   /* the process's is the leader's */
    c->sig.ss_sp = c->sig.ss_size = 0;   /* CLONE_VM without CLONE_VFORK: no altstack */
    c->sig.ss_flags = 0;
    c->rlimit_stack = p->rlimit_stack;
    c->rlimit_memlock[0] = p->rlimit_memlock[0];
    c->rlimit_memlock[1] = p->rlimit_memlock[1];
    c->rlimit_fsize[0] = p->rlimit_fsize[0];
    c->rlimit_fsize[1] = p->rlimit_fsize[1];
    c->pgid = p->pgid;   /* process-wide in Linux (signal_struct) */
    c->sid = p->sid;
    c->vdso = p->vdso;
    memcpy(c->comm, p->comm, sizeof c->comm);
    c->arg_start = p->arg_start;
    c->arg_end = p->arg_end;
    c->env_end = p->env_end;
    c->sighand = p->sighand;   /* the same handlers (CLONE_SIGHAND) */
    c->group_leader = p->group_leader;
    if ((p->files || p->fs) && os->fs_ops->fork(p, c, share)) {
        free(c->exe);
        free(c);
        *rc = -ENOMEM;
        return NULL;
    }
    c->mm = p->mm;
    c->mm_borrowed = true;   /* the leader's */
    c->exit_signal = -1;     /* a thread tells no parent (Linux) */
    proc_child_regs(c, p, stack);
    c->state = PROC_RUNNABLE;
    os_add_thread(os, c, p->pid);
    *rc = 0;
    return c;
}

/* One non-leader thread ends (its process goes on, or is ending). */
static void thread_end(struct proc *q)
{
    struct os *os = q->os;
    thread_mm_release(q);
    q->exited = true;
    q->state = PROC_ZOMBIE;
    q->blocked = false;
    os->nexits++;
    if (q->files || q->fs)
        os->fs_ops->release(q);
    q->mm = NULL;
    q->mm_borrowed = false;
}

void thread_group_end(struct proc *p)
{
    struct proc *leader = p->group_leader;
    for (struct proc *q = p->os->procs; q; q = q->next)
        if (q->pid == p->pid && q != leader && !q->exited)
            thread_end(q);
    if (leader)
        thread_mm_release(leader);   /* a no-op if it already ran (thread_exit) */
}

void thread_exit(struct proc *p, int status)
{
    if (thread_count(p) <= 1) {
        proc_exit(p, status, 0);   /* the last thread: the process ends */
        return;
    }
    if (p == p->group_leader) {   /* the leader waits, a husk, for the others */
        thread_mm_release(p);
        p->thread_dead = true;
        p->blocked = false;
        return;
    }
    thread_end(p);
}

void thread_de_thread(struct proc *p)
{
    struct proc *leader = p->group_leader;
    for (struct proc *q = p->os->procs; q; q = q->next)
        if (q->pid == p->pid && q != p && q != leader && !q->exited)
            thread_end(q);
    if (p == leader) {
        p->thread_dead = false;
        return;
    }
    /* p takes the leader's place: its tid, parent, children, mm and list
     * position (Linux exchanges the two tasks' pids). */
    struct os *os = p->os;
    if (!leader->thread_dead)
        thread_mm_release(leader);
    for (struct proc *c = os->procs; c; c = c->next)
        if (c->parent == leader)
            c->parent = p;
    p->parent = leader->parent;
    p->mm_borrowed = leader->mm_borrowed;
    p->vfork_parent = leader->vfork_parent;
    p->mm = leader->mm;
    leader->mm = NULL;
    leader->mm_borrowed = false;
    leader->vfork_parent = NULL;
    if (leader->files || leader->fs)
        os->fs_ops->release(leader);
    p->tid = leader->tid;
    p->group_leader = p;
    p->sig.shared_pending = leader->sig.shared_pending;   /* the process's, kept */
    memcpy(p->sig.shared_info, leader->sig.shared_info, sizeof p->sig.shared_info);
    p->exit_signal = LX_SIGCHLD;   /* as Linux's de_thread sets it */
    for (struct proc **pp = &os->procs; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    for (struct proc **pp = &os->procs; *pp; pp = &(*pp)->next)
        if (*pp == leader) {
            p->next = leader->next;
            *pp = p;
            break;
        }
    os->nprocs--;
    free(leader->exe);
    free(leader);
    if (p->files || p->fs)
        os->fs_ops->lead(p);
}
