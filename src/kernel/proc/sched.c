/* The process table and the scheduler: turns on hart 0, trap handling,
 * virtual time, deadlock detection. See sched.h. */
#include "sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../mm/mm.h"
#include "signal.h"
#include "syscall.h"

/* The kernel's OOM killer chose victim (kernel.h: kernel_oom_fn). Kill the
 * process that owns it, Linux style, and the other processes using it
 * (clone(CLONE_VM) children: Linux's __oom_kill_process kills every user of
 * the mm). The faulting process itself, or an address space a vfork child
 * is borrowing, cannot be released from inside the fault: return 1 and the
 * fault fails (page_fault ends the process). */
static int os_oom_kill(void *ctx, struct mm *victim)
{
    struct os *os = ctx;
    struct proc *owner = NULL;
    for (struct proc *p = os->procs; p; p = p->next) {
        if (p->exited || p->mm != victim || p->tid != p->pid)
            continue;   /* a process is killed through its leader */
        if (p->vfork_parent && p != os->current)
            return 1;
        if (!p->mm_borrowed)
            owner = p;
    }
    bool current = os->current && os->current->mm == victim;
    if (!owner)
        owner = current ? os->current : NULL;
    if (!owner)
        return 1;   /* a child still being forked: the fork fails */
    struct mm_info mi;
    mm_get_info(victim, &mi);
    fflush(stdout);
    /* Linux: "Out of memory: Killed process PID (NAME) total-vm:..kB, ..." */
    fprintf(stderr,
            "vmsim: out of memory: killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, "
            "file-rss:%llukB, shmem-rss:%llukB, swap:%llukB, pgtables:%llukB\n",
            owner->pid, owner->comm, (unsigned long long)mi.vm_pages * 4,
            (unsigned long long)mi.rss_anon * 4, (unsigned long long)mi.rss_file * 4,
            (unsigned long long)mi.rss_shmem * 4, (unsigned long long)mi.swap_pages * 4,
            (unsigned long long)mi.pagetable_pages * 4);
    /* The CLONE_VM processes using it go too (the running one dies of the
     * failed fault). */
    for (struct proc *p = os->procs; p; p = p->next)
        if (proc_mm_sharer(p) && p->mm == victim && !p->exited &&
            (!os->current || p->pid != os->current->pid))
            proc_exit(p, 0, LX_SIGKILL);
    if (current) {
        os->oom_current = true;
        return 1;
    }
    proc_exit(owner, 0, LX_SIGKILL);
    return 0;
}

static uint64_t os_clock(void *ctx)
{
    return os_now_ns(ctx);
}

struct os *os_new(struct kernel *k, struct machine *m)
{
    struct os *os = calloc(1, sizeof *os);
    if (!os)
        return NULL;
    os->k = k;
    os->m = m;
    os->h = &m->harts[0];
    os->max_procs = OS_MAX_PROCS;
    os->next_pid = PROC_FIRST_PID;
    os->first_pid = PROC_FIRST_PID;
    os->uid = os->gid = PROC_GUEST_ID;
    os->epoch_ns = OS_EPOCH_NS;
    kernel_set_oom_handler(k, os_oom_kill, os);
    kernel_set_clock(k, os_clock, os);
    return os;
}

void os_free(struct os *os)
{
    if (!os)
        return;
    kernel_set_oom_handler(os->k, NULL, NULL);
    kernel_set_clock(os->k, NULL, NULL);
    while (os->procs) {
        struct proc *p = os->procs;
        os->procs = p->next;
        proc_free(p);
    }
    free(os);
}

static uint64_t host_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void os_print_nosys(const struct os *os, FILE *out, bool counts)
{
    const char *sep = "vmsim: system calls not implemented (ENOSYS): ";
    for (unsigned nr = 0; nr < PROC_SYSCALL_MAX; nr++) {
        if (!os->nosys[nr] || nr == LX_SYS_rseq || nr == LX_SYS_clone3)
            continue;
        fprintf(out, "%s%s (%u)", sep, syscall_name(nr), nr);
        if (counts)
            fprintf(out, " x%u", os->nosys[nr]);
        sep = ", ";
    }
    if (os->nosys_high)
        fprintf(out, "%snumbers >= %d x%u", sep, PROC_SYSCALL_MAX, os->nosys_high);
    else if (*sep != ',')
        return;
    fputc('\n', out);
}

void os_set_host_clock(struct os *os)
{
    os->clock_host = true;
    os->host_boot_ns = host_ns(CLOCK_MONOTONIC);
    os->epoch_ns = host_ns(CLOCK_REALTIME);
}

uint64_t os_now_ns(const struct os *os)
{
    if (os->clock_host)
        return host_ns(CLOCK_MONOTONIC) - os->host_boot_ns;
    /* Memory stalls (reclaim, refaults: PSI) take virtual time too. */
    return os->h->instret * OS_NS_PER_INSN + os->sleep_skip_ns + kernel_stall_ns(os->k);
}


void os_add_proc(struct os *os, struct proc *p)
{
    p->os = os;
    p->pid = p->tid = os->next_pid++;
    p->group_leader = p;
    os->nprocs_total++;
    os->nprocs++;
    struct proc **pp = &os->procs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = p;
}

struct proc *os_find(struct os *os, int pid)
{
    for (struct proc *p = os->procs; p; p = p->next)
        if (p->pid == pid && p->tid == pid)
            return p;
    return NULL;
}

struct proc *os_find_tid(struct os *os, int tid)
{
    for (struct proc *p = os->procs; p; p = p->next)
        if (p->tid == tid)
            return p;
    return NULL;
}

void os_add_thread(struct os *os, struct proc *t, int pid)
{
    t->os = os;
    t->tid = os->next_pid++;
    t->pid = pid;
    os->nprocs_total++;
    os->nprocs++;
    struct proc **pp = &os->procs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = t;
}

/* The hart for p's turn: its last one if nobody ran there since, else the
 * one idle longest (lowest number first). The clock moves with the turn. */
static struct hart *pick_hart(struct os *os, const struct proc *p)
{
    int best = 0;
    for (int i = 0; i < os->m->nharts; i++) {
        if (os->hart_tid[i] == p->tid) {
            best = i;
            break;
        }
        if (os->hart_turn[i] < os->hart_turn[best])
            best = i;
    }
    os->hart_tid[best] = p->tid;
    os->hart_turn[best] = ++os->switches;
    struct hart *h = &os->m->harts[best];
    h->instret = os->h->instret;
    os->h = h;
    return h;
}

static void context_load(struct hart *h, const struct proc *p)
{
    memcpy(h->x, p->ctx.x, sizeof p->ctx.x);
    memcpy(h->f, p->ctx.f, sizeof h->f);
    h->pc = p->ctx.pc;
    h->fcsr = p->ctx.fcsr;
    h->x[0] = 0;
    h->reservation = UINT64_MAX;   /* a context switch breaks any LR/SC pair */
    mmu_set_satp(&h->mmu, mm_satp(p->mm));
    machine_set_hart(p->os->m, (int)(h - p->os->m->harts), (uint16_t)satp_asid(mm_satp(p->mm)));
}

static void context_save(struct proc *p, const struct hart *h)
{
    memcpy(p->ctx.x, h->x, sizeof p->ctx.x);
    memcpy(p->ctx.f, h->f, sizeof h->f);
    p->ctx.pc = h->pc;
    p->ctx.fcsr = h->fcsr;
}

/* A page fault: mm_fault makes the access possible, or it is a SIGSEGV. */
static void page_fault(struct proc *p, struct hart *h, const struct trap *t)
{
    enum access acc = t->cause == CAUSE_FETCH_PAGE_FAULT ? ACCESS_EXEC
                    : t->cause == CAUSE_STORE_PAGE_FAULT ? ACCESS_WRITE : ACCESS_READ;
    struct segv sv;
    kernel_fault_insn(p->mm, t->pc, h->instret);
    int rc = mm_fault(p->mm, va(t->tval), acc, &sv);
    if (rc == -1) {
        signal_fault(p, h, sv.signo, sv.code, sv.addr.v, 0);
    } else if (rc) {
        if (!p->os->oom_current)   /* else the OOM killer has said why */
            fprintf(stderr, "vmsim: pid %d: out of memory at address 0x%llx\n", p->pid,
                    (unsigned long long)t->tval);
        p->os->oom_current = false;
        proc_exit(p, 0, LX_SIGKILL);
    }
}

/* Answers one trap of p. Returns true when p must wait (a blocked call). */
static bool handle_trap(struct proc *p, struct hart *h, const struct trap *t)
{
    switch (t->cause) {
    case TRAP_QUANTUM:
        return false;
    case CAUSE_ECALL_U: {
        kernel_fault_insn(p->mm, t->pc, h->instret);   /* copyin's pages, as a fault's */
        bool wait = syscall_dispatch(p, h);
        if (p->os->oom_current) {   /* the OOM killer chose p inside a copyin/copyout */
            p->os->oom_current = false;
            proc_exit(p, 0, LX_SIGKILL);
            return false;
        }
        return wait;
    }
    case CAUSE_FETCH_PAGE_FAULT:
    case CAUSE_LOAD_PAGE_FAULT:
    case CAUSE_STORE_PAGE_FAULT:
        page_fault(p, h, t);
        return false;
    case CAUSE_MISALIGNED_LOAD:
    case CAUSE_MISALIGNED_STORE:
        proc_emulate_misaligned(p, h, t->pc, t->tval);
        return false;
    case CAUSE_MISALIGNED_FETCH:
        signal_fault(p, h, LX_SIGBUS, LX_BUS_ADRALN, t->tval, 0);
        return false;
    case CAUSE_LOAD_ACCESS:
    case CAUSE_STORE_ACCESS:
        /* A device refused the access (wrong size, a register it does not
         * have): a bus error, as on hardware that reports one. */
        if (mm_is_device(p->mm, va(t->tval))) {
            signal_fault(p, h, LX_SIGBUS, LX_BUS_ADRERR, t->tval, 0);
            return false;
        }
        signal_fault(p, h, LX_SIGSEGV, LX_SEGV_ACCERR, t->tval, 0);
        return false;
    case CAUSE_FETCH_ACCESS:
        signal_fault(p, h, LX_SIGSEGV, LX_SEGV_ACCERR, t->tval, 0);
        return false;
    case CAUSE_ILLEGAL_INSN:
        signal_fault(p, h, LX_SIGILL, LX_ILL_ILLOPC, t->pc, t->tval);
        return false;
    case CAUSE_BREAKPOINT:
        signal_fault(p, h, LX_SIGTRAP, LX_TRAP_BRKPT, t->pc, 0);
        return false;
    default:
        signal_fault(p, h, LX_SIGSEGV, LX_SEGV_MAPERR, t->tval, 0);
        return false;
    }
}

/* Kills every live process (deadlock, instruction limit). */
static void kill_all(struct os *os, int signo)
{
    for (struct proc *p = os->procs; p; p = p->next) {
        if (p->exited)
            continue;
        if (p->pid == os->first_pid && p->tid == p->pid)
            fprintf(stderr, "%s\n", signal_text(signo));
        p->vfork_parent = NULL;   /* everyone goes: no one to wake */
        proc_exit(p, 0, signo);
    }
}

/* One turn of p on the hart: up to PROC_QUANTUM instructions, or until it
 * blocks, waits for a vfork child or ends. Returns true when it made
 * progress (ran, or finished a system call). */
static bool run_turn(struct os *os, struct proc *p)
{
    struct hart *h = pick_hart(os, p);
    os->current = p;
    p->hart = h;
    context_load(h, p);
    uint64_t start = h->instret;
    os->turn_start = start;
    bool progress = false;
    uint64_t last_pc = 0, last_tval = 0;
    int last_cause = -1, repeats = 0;
    while (!p->exited && !p->thread_dead && p->state == PROC_RUNNABLE) {
        /* Signals are delivered on the way back to user mode. A blocked
         * call is first retried (below): like Linux, a wait whose condition
         * has come true completes, and only one that still has to wait is
         * interrupted. */
        if (!p->blocked && signal_pending(p)) {
            signal_deliver(p, h, false);
            if (p->exited)
                break;
        }
        uint64_t used = h->instret - start;
        if (used >= PROC_QUANTUM) {
            progress = true;
            break;
        }
        uint64_t budget = PROC_QUANTUM - used;
        if (os->stop && *os->stop) {
            if (!os->stopped && os->stop_message)
                fprintf(stderr, "%s\n", os->stop_message);
            os->stopped = true;
            kill_all(os, LX_SIGKILL);
            break;
        }
        if (os->insn_limit) {
            if (h->instret >= os->insn_limit) {
                kill_all(os, LX_SIGXCPU);
                break;
            }
            if (os->insn_limit - h->instret < budget)
                budget = os->insn_limit - h->instret;
        }
        struct trap t;
        uint64_t before = h->instret;
        hart_run(h, budget, &t);
        if (h->instret != before)
            progress = true;
        /* A fault the handler said it fixed must not come back forever. */
        if (t.cause == last_cause && t.pc == last_pc && t.tval == last_tval &&
            t.cause != TRAP_QUANTUM && t.cause != CAUSE_ECALL_U && h->instret == before) {
            if (++repeats > 8) {
                /* A handler that faults before it runs (Linux would push
                 * frames until the stack ran out): force_sigsegv. */
                signal_force_kill(p, LX_SIGSEGV);
                break;
            }
        } else {
            repeats = 0;
        }
        last_cause = t.cause;
        last_pc = t.pc;
        last_tval = t.tval;
        if (handle_trap(p, h, &t)) {
            if (!signal_pending(p))
                break;   /* blocked: the others run */
            if (signal_deliver(p, h, true))
                progress = true;   /* interrupted (EINTR or restart) */
            else if (!p->exited)
                break;   /* the signal changed nothing: still waiting */
            continue;
        }
        if (t.cause != TRAP_QUANTUM)
            progress = true;
        if (p->yield) {
            p->yield = false;
            break;
        }
    }
    p->insns += h->instret - start;
    /* Ending is progress: a signal that kills a blocked process changes
     * what its parent's wait and its pipe's other end see. */
    if (p->exited)
        progress = true;
    if (!p->exited && !p->thread_dead)
        context_save(p, h);
    p->hart = NULL;
    os->current = NULL;
    if (p->exited && !p->parent)
        proc_reap(p);   /* init's child: nobody waits for it */
    return progress;
}

/* Can p use a turn now? Runnable, and not asleep (a sleeper whose time has
 * not come can only be woken by a signal). */
static bool eligible(const struct proc *p, uint64_t now)
{
    if (p->exited || p->thread_dead || p->state != PROC_RUNNABLE)
        return false;
    if (p->futex_waiting && !p->futex_woken && !p->sleep_until && !signal_pending(p))
        return false;   /* on a futex queue: a wake or a signal makes it runnable */
    return !(p->sleep_until > now && !signal_pending(p) && !p->sleep_wakeable);
}

/* The next eligible process after the cursor (round-robin in pid order). */
static struct proc *pick_next(struct os *os, uint64_t now)
{
    struct proc *first = NULL;
    for (struct proc *p = os->procs; p; p = p->next) {
        if (!eligible(p, now))
            continue;
        if (p->tid > os->last_pid)
            return p;
        if (!first)
            first = p;
    }
    return first;
}

/* Nobody can make progress: time jumps to the earliest sleeper's wake-up
 * or interval timer;
 * without sleepers, a process waiting for a file lock gets EDEADLK (the
 * holders all wait too), and failing that it is a deadlock and everyone
 * is killed. */
static void all_waiting(struct os *os)
{
    bool fired = false;
    uint64_t wake = os_fire_timers(os, os_now_ns(os), &fired);   /* an alarm wakes too */
    if (fired)
        return;   /* a SIGALRM is on its way: someone can run */
    for (struct proc *q = os->procs; q; q = q->next)
        if (!q->exited && q->sleep_until && (!wake || q->sleep_until < wake))
            wake = q->sleep_until;
    if (wake) {
        uint64_t now = os_now_ns(os);
        if (wake > now && os->clock_host) {   /* real time: the host sleeps too */
            struct timespec ts = {(time_t)((wake - now) / 1000000000ULL),
                                  (long)((wake - now) % 1000000000ULL)};
            nanosleep(&ts, NULL);
        } else if (wake > now) {
            os->sleep_skip_ns += wake - now;
        }
        return;
    }
    if (os->fs_ops && os->fs_ops->break_deadlock && os->fs_ops->break_deadlock(os))
        return;   /* a lock waiter gets EDEADLK on its retry */
    fprintf(stderr, "vmsim: deadlock: all processes blocked\n");
    kill_all(os, LX_SIGKILL);
}

int os_run(struct os *os)
{
    unsigned idle = 0;
    for (;;) {
        /* Threads that ended off the hart (exit_group, a fatal signal) are
         * reaped here: they have no parent to wait for them. */
        for (struct proc **pp = &os->procs; *pp;) {
            struct proc *q = *pp;
            if (q->exited && q->tid != q->pid && q != os->current) {
                *pp = q->next;
                os->nprocs--;
                proc_free(q);
            } else {
                pp = &q->next;
            }
        }
        uint64_t now = os_now_ns(os);
        os_fire_timers(os, now, NULL);
        unsigned live = 0, ready = 0;
        for (struct proc *p = os->procs; p; p = p->next) {
            live += !p->exited;
            ready += eligible(p, now);
        }
        if (live == 0)
            break;
        if (ready == 0) {   /* all asleep (or a vfork parent without child) */
            all_waiting(os);
            idle = 0;
            continue;
        }
        kernel_psi_set_runnable(os->k, ready);
        struct proc *p = pick_next(os, now);
        os->last_pid = p->tid;
        uint64_t before = os->nexits;
        idle = run_turn(os, p) ? 0 : idle + 1;
        if (os->turn_hook)
            os->turn_hook(os->turn_hook_ctx, os);
#ifdef VMSIM_DEBUG
        /* Debug builds check design.md's invariants whenever an address
         * space has gone (COW sharing, counts, rmap, TLB vs tables); with
         * many processes (the check walks them all) at every 64th exit. */
        bool check = os->nexits != before && (os->nprocs <= 64 || os->nexits % 64 == 0);
        if (check && !os->check_failed && kernel_check(os->k) != 0) {
            fprintf(stderr, "vmsim: kernel invariants broken after a process exit\n");
            os->check_failed = true;
        }
#else
        (void)before;
#endif
        if (idle < ready)
            continue;
        /* A whole round without progress: every ready process retried its
         * blocked call in vain. */
        all_waiting(os);
        idle = 0;
    }
    return os->first_status;
}
