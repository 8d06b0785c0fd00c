/* Signals: sending, delivery with Linux riscv64's rt_sigframe, sigreturn,
 * default actions, synchronous faults, and the signal system calls. */
#include "signal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../../machine/hart.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

#define UNBLOCKABLE (SIGBIT(LX_SIGKILL) | SIGBIT(LX_SIGSTOP))

/* struct rt_sigframe of arch/riscv/kernel/signal.c: siginfo (128 bytes),
 * then struct ucontext (arch/riscv/include/uapi/asm/ucontext.h): uc_flags,
 * uc_link, uc_stack (24 bytes), uc_sigmask (8) padded to 128 bytes, then
 * uc_mcontext 16-aligned at 176: sc_regs (pc, x1..x31), the fp union (the
 * Q layout, 528 bytes: f[32] as doubles, fcsr at +256). */
#define FRAME_INFO 0
#define FRAME_UC 128
#define UC_STACK 16
#define UC_SIGMASK 40
#define UC_MCONTEXT 176
#define MC_FP (32 * 8)
#define MC_FCSR (MC_FP + 32 * 8)
#define UC_SIZE (UC_MCONTEXT + MC_FP + 528)
#define FRAME_SIZE (FRAME_UC + UC_SIZE)

#define LX_SS_ONSTACK 1
#define LX_SS_DISABLE 2
#define LX_MINSIGSTKSZ 2048

const char *signal_text(int signo)
{
    static const char *const names[] = {
        [LX_SIGHUP] = "Hangup", [LX_SIGINT] = "Interrupt", [LX_SIGQUIT] = "Quit",
        [LX_SIGILL] = "Illegal instruction", [LX_SIGTRAP] = "Trace/breakpoint trap",
        [LX_SIGABRT] = "Aborted", [LX_SIGBUS] = "Bus error",
        [LX_SIGFPE] = "Floating point exception", [LX_SIGKILL] = "Killed",
        [LX_SIGUSR1] = "User defined signal 1", [LX_SIGSEGV] = "Segmentation fault",
        [LX_SIGUSR2] = "User defined signal 2", [LX_SIGPIPE] = "Broken pipe",
        [LX_SIGALRM] = "Alarm clock", [LX_SIGTERM] = "Terminated",
        [LX_SIGSTKFLT] = "Stack fault", [LX_SIGXCPU] = "CPU time limit exceeded",
        [LX_SIGXFSZ] = "File size limit exceeded", [LX_SIGVTALRM] = "Virtual timer expired",
        [LX_SIGPROF] = "Profiling timer expired", [LX_SIGIO] = "I/O possible",
        [LX_SIGPWR] = "Power failure", [LX_SIGSYS] = "Bad system call",
    };
    if (signo > 0 && signo < (int)(sizeof names / sizeof names[0]) && names[signo])
        return names[signo];
    return "Terminated by signal";
}

/* The default action (signal(7)): ignore, or terminate (with or without a
 * core: we write none). Stop signals are ignored: there is no job control. */
static bool default_ignores(int signo)
{
    switch (signo) {
    case LX_SIGCHLD: case LX_SIGCONT: case LX_SIGURG: case LX_SIGWINCH:
    case LX_SIGSTOP: case LX_SIGTSTP: case LX_SIGTTIN: case LX_SIGTTOU:
        return true;
    default:
        return false;
    }
}

static bool is_ignored(const struct proc *p, int signo)
{
    uint64_t h = p->sig.action[signo].handler;
    return h == LX_SIG_IGN || (h == LX_SIG_DFL && default_ignores(signo));
}

/* Queues si on thread p itself (tkill, tgkill; faults go straight to the
 * faulting thread through signal_fault). */
static void send_thread(struct proc *p, const struct sig_info *si)
{
    int s = si->signo;
    if (p->exited || s < 1 || s > LX_NSIG)
        return;
    /* An ignored signal is dropped at once, unless blocked (it may be
     * handled by the time it is unblocked). */
    if (s != LX_SIGKILL && is_ignored(p, s) && !(p->sig.blocked & SIGBIT(s)))
        return;
    if (p->sig.pending & SIGBIT(s))
        return;   /* standard signals do not queue */
    p->sig.pending |= SIGBIT(s);
    p->sig.info[s] = *si;
}

/* The process's shared pending set: its leader's (which lives, at least
 * as a husk, as long as any of its threads). */
static struct sigstate *shared_of(const struct proc *p)
{
    const struct proc *l = p->group_leader ? p->group_leader : p;
    return (struct sigstate *)&l->sig;
}

/* A process-directed signal goes to one thread that does not block it
 * (Linux complete_signal: the given thread first, then the others in tid
 * order), which takes it on its way back to user mode. When every thread
 * blocks it, it waits in the process's shared pending set, where any
 * thread that unblocks it takes it (and sigpending in every thread, and
 * ShdPnd, show it). A standard signal already pending there does not
 * queue. */
void signal_send_info(struct proc *p, const struct sig_info *si)
{
    int s = si->signo;
    if (!p->os || s < 1 || s > LX_NSIG) {
        send_thread(p, si);
        return;
    }
    struct proc *leader = p->group_leader ? p->group_leader : p;
    struct sigstate *sh = &leader->sig;
    if (leader->exited || (sh->shared_pending & SIGBIT(s)))
        return;
    struct proc *t = NULL;
    if (!p->exited && !p->thread_dead && !(p->sig.blocked & SIGBIT(s)))
        t = p;
    for (struct proc *q = p->os->procs; q && !t; q = q->next)
        if (q->pid == p->pid && !q->exited && !q->thread_dead && !(q->sig.blocked & SIGBIT(s)))
            t = q;
    if (t) {
        send_thread(t, si);
        return;
    }
    sh->shared_pending |= SIGBIT(s);
    sh->shared_info[s] = *si;
}

uint64_t signal_pending_set(const struct proc *p)
{
    return p->sig.pending | shared_of(p)->shared_pending;
}

int signal_dequeue(struct proc *p, uint64_t mask, struct sig_info *out)
{
    struct sigstate *sh = shared_of(p);
    uint64_t own = p->sig.pending & mask, shared = sh->shared_pending & mask;
    if (!own && !shared)
        return 0;
    int s = __builtin_ctzll(own ? own : shared) + 1;
    if (own) {
        p->sig.pending &= ~SIGBIT(s);
        *out = p->sig.info[s];
    } else {
        sh->shared_pending &= ~SIGBIT(s);
        *out = sh->shared_info[s];
    }
    return s;
}

void signal_send(struct proc *p, int signo)
{
    struct sig_info si = {.signo = signo, .code = LX_SI_USER};
    signal_send_info(p, &si);
}

bool signal_pending(const struct proc *p)
{
    return (signal_pending_set(p) & ~p->sig.blocked) != 0;
}

/* Death by signal: the shell's line on stderr for the first process (bash
 * says nothing for SIGPIPE and SIGINT). */
static void die(struct proc *p, int signo)
{
    if (p->pid == p->os->first_pid && signo != LX_SIGPIPE && signo != LX_SIGINT)
        fprintf(stderr, "%s\n", signal_text(signo));
    proc_exit(p, 0, signo);
}

bool signal_same_hand(const struct proc *a, const struct proc *b)
{
    return a->sighand == b->sighand && (a->sighand || a->pid == b->pid);
}

/* Sets the action of signal s in p's table of handlers: p's copy and the
 * copies of every thread and process sharing it. */
static void set_action(struct proc *p, int s, const struct lx_sigaction *act)
{
    struct lx_sigaction a = *act;   /* act may be one of the copies */
    for (struct proc *q = p->os ? p->os->procs : NULL; q; q = q->next)
        if (q != p && signal_same_hand(p, q))
            q->sig.action[s] = a;
    p->sig.action[s] = a;
}

void signal_share_hand(struct proc *p, struct proc *c)
{
    if (!p->sighand) {   /* the thread group's table gets a key, for every thread */
        uint64_t key = ++p->os->sighand_seq;
        for (struct proc *q = p->os->procs; q; q = q->next)
            if (q != p && signal_same_hand(p, q))
                q->sighand = key;
        p->sighand = key;
    }
    c->sighand = p->sighand;
}

void signal_exec_unshare(struct proc *p)
{
    if (!p->sighand || !p->os)
        return;   /* 0: no other process has it */
    for (struct proc *q = p->os->procs; q; q = q->next)
        if (q != p && !q->exited && signal_same_hand(p, q)) {
            p->sighand = ++p->os->sighand_seq;   /* a copy: sig.action is one already */
            return;
        }
}

void signal_force_kill(struct proc *p, int signo)
{
    struct lx_sigaction dfl = p->sig.action[signo];
    dfl.handler = LX_SIG_DFL;
    set_action(p, signo, &dfl);   /* Linux force_sig_info_to_task: in the shared table */
    p->sig.blocked &= ~SIGBIT(signo);
    die(p, signo);
}

static const char *code_text(int signo, int code)
{
    if (signo == LX_SIGSEGV)
        return code == LX_SEGV_MAPERR ? "SEGV_MAPERR" : code == LX_SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (signo == LX_SIGBUS)
        return code == LX_BUS_ADRALN ? "BUS_ADRALN" : code == LX_BUS_ADRERR ? "BUS_ADRERR" : "?";
    return "?";
}

void signal_fault(struct proc *p, struct hart *h, int signo, int code, uint64_t addr,
                  uint64_t insn)
{
    const struct lx_sigaction *sa = &p->sig.action[signo];
    bool handled = sa->handler != LX_SIG_DFL && sa->handler != LX_SIG_IGN &&
                   !(p->sig.blocked & SIGBIT(signo));
    if (handled) {
        struct sig_info si = {.signo = signo, .code = code, .addr = addr};
        p->sig.pending |= SIGBIT(signo);
        p->sig.info[signo] = si;
        signal_deliver(p, h, false);
        return;
    }
    /* Linux's force_sig_fault: blocked or ignored, the fault still kills. */
    char who[32] = "";
    if (p->pid != p->os->first_pid)
        snprintf(who, sizeof who, "vmsim: pid %d: ", p->pid);
    const char *what = signal_text(signo);
    unsigned long long a = addr, pc = h->pc;
    if (signo == LX_SIGSEGV || signo == LX_SIGBUS)
        fprintf(stderr, "%s%s (address 0x%llx, %s at pc 0x%llx)\n", who, what, a,
                code_text(signo, code), pc);
    else if (signo == LX_SIGILL)
        fprintf(stderr, "%s%s (instruction 0x%llx at pc 0x%llx)\n", who, what,
                (unsigned long long)insn, pc);
    else if (signo == LX_SIGTRAP)
        fprintf(stderr, "%s%s (at pc 0x%llx)\n", who, what, pc);
    else
        fprintf(stderr, "%s%s\n", who, what);
    proc_exit(p, 0, signo);
}

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

/* The siginfo of include/uapi/asm-generic/siginfo.h for a 64-bit ABI. */
static void fill_siginfo(uint8_t *b, const struct sig_info *si)
{
    put32(b, 0, (uint32_t)si->signo);
    put32(b, 8, (uint32_t)si->code);
    switch (si->signo) {
    case LX_SIGSEGV: case LX_SIGBUS: case LX_SIGILL: case LX_SIGFPE: case LX_SIGTRAP:
        if (si->code > 0) {   /* a fault: si_addr */
            put64(b, 16, si->addr);
            return;
        }
        break;
    case LX_SIGCHLD:
        put32(b, 16, (uint32_t)si->pid);
        put32(b, 20, (uint32_t)si->uid);
        put32(b, 24, (uint32_t)si->status);
        return;
    default:
        break;
    }
    put32(b, 16, (uint32_t)si->pid);   /* kill: si_pid, si_uid */
    put32(b, 20, (uint32_t)si->uid);
}

static bool on_altstack(const struct proc *p, uint64_t sp)
{
    return p->sig.ss_size && sp > p->sig.ss_sp && sp <= p->sig.ss_sp + p->sig.ss_size;
}

/* Pushes the frame for signal signo's handler and points the hart at it.
 * old_mask is the mask the frame restores. false when the frame cannot be
 * written (the process dies of SIGSEGV then, as on Linux). */
static bool setup_frame(struct proc *p, struct hart *h, int signo, uint64_t old_mask)
{
    const struct lx_sigaction *sa = &p->sig.action[signo];
    uint64_t sp = h->x[2];
    if ((sa->flags & LX_SA_ONSTACK) && p->sig.ss_size && !on_altstack(p, sp))
        sp = p->sig.ss_sp + p->sig.ss_size;
    sp = (sp - FRAME_SIZE) & ~15ULL;
    uint8_t b[FRAME_SIZE];
    memset(b, 0, sizeof b);
    fill_siginfo(b + FRAME_INFO, &p->sig.info[signo]);
    uint8_t *uc = b + FRAME_UC;
    put64(uc, UC_STACK, p->sig.ss_sp);
    put32(uc, UC_STACK + 8, p->sig.ss_size ? (on_altstack(p, h->x[2]) ? LX_SS_ONSTACK : 0)
                                           : LX_SS_DISABLE);
    put64(uc, UC_STACK + 16, p->sig.ss_size);
    put64(uc, UC_SIGMASK, old_mask);
    uint8_t *mc = uc + UC_MCONTEXT;
    put64(mc, 0, h->pc);
    for (int i = 1; i < 32; i++)
        put64(mc, 8 * (size_t)i, h->x[i]);
    for (int i = 0; i < 32; i++)
        put64(mc, MC_FP + 8 * (size_t)i, h->f[i]);
    put32(mc, MC_FCSR, h->fcsr);
    struct segv sv;
    if (copyout(p->mm, va(sp), b, sizeof b, &sv) != 0)
        return false;
    h->x[2] = sp;
    h->x[1] = p->vdso + VDSO_SIGRETURN_OFFSET;
    h->x[10] = (uint64_t)signo;
    h->x[11] = sp + FRAME_INFO;
    h->x[12] = sp + FRAME_UC;
    h->pc = sa->handler;
    h->reservation = UINT64_MAX;
    return true;
}

/* Calls Linux never restarts after a handler ran, SA_RESTART or not
 * (-ERESTARTNOHAND and friends: poll, select, pause, the sleeps,
 * sigsuspend): they return EINTR. */
static bool never_restarted(uint64_t nr)
{
    return nr == LX_SYS_ppoll || nr == LX_SYS_pselect6 || nr == LX_SYS_nanosleep ||
           nr == LX_SYS_clock_nanosleep || nr == LX_SYS_rt_sigsuspend || nr == LX_SYS_epoll_pwait ||
           nr == LX_SYS_epoll_pwait2;
}

/* futex(FUTEX_LOCK_PI or FUTEX_LOCK_PI2): restarted after any handler
 * (Linux's -ERESTARTNOINTR); futex.c has taken the waiter off its queue. */
static bool lock_pi_call(const struct hart *h)
{
    uint64_t cmd = h->x[11] & 0x7f;   /* without FUTEX_PRIVATE_FLAG */
    return h->x[17] == LX_SYS_futex && (cmd == 6 || cmd == 13);
}

bool signal_deliver(struct proc *p, struct hart *h, bool blocked_call)
{
    bool interrupted = false;
    while (!p->exited) {
        uint64_t ready = signal_pending_set(p) & ~p->sig.blocked;
        if (!ready)
            break;
        /* Synchronous faults first, then the lowest number (Linux's order);
         * the thread's own before the process's (dequeue_signal). */
        const uint64_t sync = SIGBIT(LX_SIGSEGV) | SIGBIT(LX_SIGBUS) | SIGBIT(LX_SIGILL) |
                              SIGBIT(LX_SIGTRAP) | SIGBIT(LX_SIGFPE);
        uint64_t pick = (ready & sync) ? (ready & sync) : ready;
        struct sig_info taken;
        int s = signal_dequeue(p, SIGBIT(__builtin_ctzll(pick) + 1), &taken);
        p->sig.info[s] = taken;   /* the frame's siginfo */
        struct lx_sigaction *sa = &p->sig.action[s];
        if (s == LX_SIGKILL || sa->handler == LX_SIG_DFL) {
            if (s != LX_SIGKILL && default_ignores(s))
                continue;
            die(p, s);
            break;
        }
        if (sa->handler == LX_SIG_IGN)
            continue;
        /* A handler: first finish an interrupted wait. */
        uint64_t old_mask = p->sig.blocked;
        bool suspended = p->in_sigsuspend;
        if (suspended) {
            old_mask = p->sigsuspend_saved;
            p->in_sigsuspend = false;
        }
        if (blocked_call && p->partial) {
            /* Bytes already moved: the call returns their count. */
            h->x[10] = p->partial;
            h->x[11] -= p->partial;
            h->x[12] += p->partial;
            h->pc += 4;
            p->partial = 0;
            p->blocked = false;
            blocked_call = false;
            interrupted = true;
        } else if (blocked_call) {
            /* nanosleep and sigsuspend are never restarted (Linux: EINTR). */
            if (lock_pi_call(h) || ((sa->flags & LX_SA_RESTART) && !p->sleep_until &&
                                    !suspended && !never_restarted(h->x[17]))) {
                /* SA_RESTART: pc stays at the ecall, so the handler's return re-runs it. */
            } else {
                h->x[10] = (uint64_t)-EINTR;
                h->pc += 4;
            }
            p->blocked = false;
            p->sleep_until = 0;
            blocked_call = false;
            interrupted = true;
        }
        if (!setup_frame(p, h, s, old_mask)) {
            fprintf(stderr, "vmsim: pid %d: cannot write the frame of signal %d\n", p->pid, s);
            die(p, LX_SIGSEGV);
            break;
        }
        p->sig.blocked |= sa->mask;
        if (!(sa->flags & LX_SA_NODEFER))
            p->sig.blocked |= SIGBIT(s);
        p->sig.blocked &= ~UNBLOCKABLE;
        if (sa->flags & LX_SA_RESETHAND) {
            struct lx_sigaction dfl = *sa;
            dfl.handler = LX_SIG_DFL;
            set_action(p, s, &dfl);
        }
    }
    return interrupted;
}

void signal_exec_reset(struct sigstate *s)
{
    for (int i = 1; i <= LX_NSIG; i++) {
        if (s->action[i].handler != LX_SIG_IGN)
            s->action[i].handler = LX_SIG_DFL;
        s->action[i].flags = 0;
        s->action[i].mask = 0;
    }
    s->ss_sp = s->ss_size = 0;
    s->ss_flags = 0;
}

/* ---- system calls ------------------------------------------------------- */

int64_t sys_rt_sigreturn(struct proc *p, const uint64_t a[6])
{
    struct hart *h = p->hart;
    uint8_t uc[UC_SIZE];
    struct segv sv;
    if (copyin(p->mm, uc, va(h->x[2] + FRAME_UC), sizeof uc, &sv) != 0) {
        signal_fault(p, h, LX_SIGSEGV, LX_SI_KERNEL, 0, 0);
        return -LX_EJUSTRETURN;
    }
    uint64_t mask;
    memcpy(&mask, uc + UC_SIGMASK, 8);
    p->sig.blocked = mask & ~UNBLOCKABLE;
    const uint8_t *mc = uc + UC_MCONTEXT;
    memcpy(&h->pc, mc, 8);
    for (int i = 1; i < 32; i++)
        memcpy(&h->x[i], mc + 8 * i, 8);
    for (int i = 0; i < 32; i++)
        memcpy(&h->f[i], mc + MC_FP + 8 * i, 8);
    uint32_t fcsr;
    memcpy(&fcsr, mc + MC_FCSR, 4);
    h->fcsr = fcsr & 0xff;
    h->reservation = UINT64_MAX;
    return -LX_EJUSTRETURN;
}

/* Signal numbers are C ints in Linux's prototypes: the register's upper
 * half is not looked at. */
static bool valid_signal(uint64_t reg)
{
    int s = (int)reg;
    return s >= 1 && s <= LX_NSIG;
}

int64_t sys_rt_sigaction(struct proc *p, const uint64_t a[6])
{
    uint64_t s = (uint32_t)a[0];
    if (a[3] != 8 || !valid_signal(s))
        return -EINVAL;
    struct lx_sigaction act;
    if (a[1]) {
        if (s == LX_SIGKILL || s == LX_SIGSTOP)
            return -EINVAL;
        int rc = user_copyin(p, &act, a[1], sizeof act);
        if (rc)
            return rc;
    }
    if (a[2]) {
        int rc = user_copyout(p, a[2], &p->sig.action[s], sizeof act);
        if (rc)
            return rc;
    }
    if (a[1]) {
        act.mask &= ~UNBLOCKABLE;
        set_action(p, (int)s, &act);   /* every thread's and CLONE_SIGHAND process's copy */
        if (is_ignored(p, (int)s)) {   /* POSIX: setting SIG_IGN discards a pending one */
            for (struct proc *q = p->os ? p->os->procs : NULL; q; q = q->next)
                if (q->pid == p->pid)
                    q->sig.pending &= ~SIGBIT(s);
            p->sig.pending &= ~SIGBIT(s);
            shared_of(p)->shared_pending &= ~SIGBIT(s);
        }
    }
    return 0;
}

int64_t sys_rt_sigprocmask(struct proc *p, const uint64_t a[6])
{
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = p->sig.blocked, set = 0;
    if (a[1]) {
        int rc = user_copyin(p, &set, a[1], 8);
        if (rc)
            return rc;
        switch (a[0]) {
        case 0: p->sig.blocked |= set; break;    /* SIG_BLOCK */
        case 1: p->sig.blocked &= ~set; break;   /* SIG_UNBLOCK */
        case 2: p->sig.blocked = set; break;     /* SIG_SETMASK */
        default: return -EINVAL;
        }
        p->sig.blocked &= ~UNBLOCKABLE;
    }
    if (a[2])
        return user_copyout(p, a[2], &old, 8);
    return 0;
}

int64_t sys_rt_sigpending(struct proc *p, const uint64_t a[6])
{
    if (a[1] > 8)   /* Linux: larger than its sigset_t; shorter copies that much */
        return -EINVAL;
    uint64_t set = signal_pending_set(p) & p->sig.blocked;
    return user_copyout(p, a[0], &set, a[1]);
}

/* Waits with a temporary mask until a handled signal arrives; always ends
 * with -EINTR (set by signal_deliver). */
int64_t sys_rt_sigsuspend(struct proc *p, const uint64_t a[6])
{
    if (p->in_sigsuspend)
        return -LX_ERESTART_BLOCK;
    if (a[1] != 8)
        return -EINVAL;
    uint64_t set;
    int rc = user_copyin(p, &set, a[0], 8);
    if (rc)
        return rc;
    p->sigsuspend_saved = p->sig.blocked;
    p->sig.blocked = set & ~UNBLOCKABLE;
    p->in_sigsuspend = true;
    return -LX_ERESTART_BLOCK;
}

int64_t sys_sigaltstack(struct proc *p, const uint64_t a[6])
{
    uint64_t sp = p->hart ? p->hart->x[2] : p->ctx.x[2];
    if (a[1]) {
        uint8_t old[24] = {0};
        put64(old, 0, p->sig.ss_sp);
        put32(old, 8, p->sig.ss_size ? (on_altstack(p, sp) ? LX_SS_ONSTACK : 0) : LX_SS_DISABLE);
        put64(old, 16, p->sig.ss_size);
        int rc = user_copyout(p, a[1], old, sizeof old);
        if (rc)
            return rc;
    }
    if (a[0]) {
        uint8_t ss[24];
        int rc = user_copyin(p, ss, a[0], sizeof ss);
        if (rc)
            return rc;
        if (on_altstack(p, sp))
            return -EPERM;
        uint64_t ss_sp, ss_size;
        int32_t flags;
        memcpy(&ss_sp, ss, 8);
        memcpy(&flags, ss + 8, 4);
        memcpy(&ss_size, ss + 16, 8);
        if (flags & ~(LX_SS_DISABLE | LX_SS_ONSTACK | (int32_t)0x80000000))
            return -EINVAL;
        if (flags & LX_SS_DISABLE) {
            p->sig.ss_sp = p->sig.ss_size = 0;
        } else {
            if (ss_size < LX_MINSIGSTKSZ)
                return -ENOMEM;
            p->sig.ss_sp = ss_sp;
            p->sig.ss_size = ss_size;
        }
    }
    return 0;
}

static void send_from(struct proc *from, struct proc *to, int s, int code)
{
    struct sig_info si = {.signo = s, .code = code, .pid = from->pid, .uid = from->os->uid};
    signal_send_info(to, &si);
}

/* kill(2): pid > 0 one process, 0 the caller's group, -1 every process
 * but the caller, < -1 the group -pid (ESRCH when it has no process). */
int64_t sys_kill(struct proc *p, const uint64_t a[6])
{
    int pid = (int)a[0];
    uint64_t s = (uint32_t)a[1];
    if (s != 0 && !valid_signal(s))
        return -EINVAL;
    if (pid == INT_MIN)
        return -ESRCH;   /* Linux: -INT_MIN names nobody */
    if (pid > 0) {
        struct proc *t = os_find(p->os, pid);
        if (!t)
            return -ESRCH;
        if (s)
            send_from(p, t, (int)s, LX_SI_USER);
        return 0;
    }
    if (pid == INT32_MIN)
        return -ESRCH;
    int group = pid == 0 ? p->pgid : -pid;
    int n = 0;
    for (struct proc *t = p->os->procs; t; t = t->next) {
        if (t->tid != t->pid)
            continue;   /* processes, through their leaders */
        if (pid == -1 ? t->pid == p->pid : (t->exited || !proc_in_group(t, group)))
            continue;
        n++;
        if (s)
            send_from(p, t, (int)s, LX_SI_USER);
    }
    return n ? 0 : -ESRCH;
}

int64_t sys_tkill(struct proc *p, const uint64_t a[6])
{
    int tid = (int)a[0];
    int s = (int)a[1];
    if (tid <= 0 || (s != 0 && !valid_signal(a[1])))
        return -EINVAL;
    struct proc *t = os_find_tid(p->os, tid);
    if (!t || t->exited || t->thread_dead)
        return -ESRCH;
    if (s) {
        struct sig_info si = {.signo = s, .code = LX_SI_TKILL, .pid = p->pid, .uid = 1000};
        send_thread(t, &si);
    }
    return 0;
}

int64_t sys_tgkill(struct proc *p, const uint64_t a[6])
{
    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    struct proc *t = os_find_tid(p->os, (int)a[1]);
    if (!t || t->pid != (int)a[0])
        return -ESRCH;
    const uint64_t b[6] = {a[1], a[2]};
    return sys_tkill(p, b);
}
