/* Signals (issue 4): per-process actions, mask and pending set; delivery on
 * the way back to user mode with Linux riscv64's signal frame; rt_sigreturn;
 * the default actions (terminate, ignore); faults turned into SIGSEGV,
 * SIGBUS, SIGILL, SIGTRAP for a handler or a fatal death.
 *
 * The frame (arch/riscv/kernel/signal.c, struct rt_sigframe) is pushed on the
 * user stack (or the sigaltstack): a 128-byte siginfo, then the ucontext
 * (uc_flags, uc_link, uc_stack, uc_sigmask padded to 128 bytes, and at offset
 * 176 the sigcontext: pc, x1..x31, f0..f31, fcsr in the Q-sized fp union).
 * The handler gets a0 = signo, a1 = &info, a2 = &uc, ra = the vDSO's
 * rt_sigreturn trampoline (riscv has no SA_RESTORER). */
#ifndef VMSIM_KERNEL_SIGNAL_H
#define VMSIM_KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

struct proc;
struct hart;

#define LX_NSIG 64   /* signals 1..64 */

#define LX_SIGHUP 1
#define LX_SIGINT 2
#define LX_SIGQUIT 3
#define LX_SIGUSR1 10
#define LX_SIGUSR2 12
#define LX_SIGPIPE 13
#define LX_SIGALRM 14
#define LX_SIGTERM 15
#define LX_SIGSTKFLT 16
#define LX_SIGCHLD 17
#define LX_SIGCONT 18
#define LX_SIGSTOP 19
#define LX_SIGTSTP 20
#define LX_SIGTTIN 21
#define LX_SIGTTOU 22
#define LX_SIGURG 23
#define LX_SIGXCPU 24
#define LX_SIGXFSZ 25
#define LX_SIGVTALRM 26
#define LX_SIGPROF 27
#define LX_SIGWINCH 28
#define LX_SIGIO 29
#define LX_SIGPWR 30
#define LX_SIGSYS 31

#define LX_SIG_DFL 0
#define LX_SIG_IGN 1

#define LX_SA_NOCLDSTOP 0x00000001
#define LX_SA_NOCLDWAIT 0x00000002
#define LX_SA_SIGINFO   0x00000004
#define LX_SA_ONSTACK   0x08000000
#define LX_SA_RESTART   0x10000000
#define LX_SA_NODEFER   0x40000000
#define LX_SA_RESETHAND 0x80000000

/* si_code values (include/uapi/asm-generic/siginfo.h). */
#define LX_SI_USER   0
#define LX_SI_KERNEL 0x80
#define LX_SI_TKILL  (-6)
#define LX_CLD_EXITED 1
#define LX_CLD_KILLED 2
#define LX_CLD_DUMPED 3
#define LX_TRAP_BRKPT 1

#define SIGBIT(s) (1ULL << ((s) - 1))

/* The kernel's struct sigaction on riscv64 (asm-generic/signal.h without
 * SA_RESTORER): handler, flags, an 8-byte mask. */
struct lx_sigaction {
    uint64_t handler, flags, mask;
};

/* What a pending signal carries into its siginfo. */
struct sig_info {
    int signo, code;
    int pid, uid;        /* sender (kill) or child (SIGCHLD) */
    int status;          /* SIGCHLD: exit code or signal */
    uint64_t addr;       /* faults: si_addr */
};

struct sigstate {
    struct lx_sigaction action[LX_NSIG + 1];   /* index = signal number */
    uint64_t blocked, pending;                 /* bit s-1 for signal s */
    struct sig_info info[LX_NSIG + 1];         /* of the pending instance (standard
                                                * signals do not queue) */
    uint64_t ss_sp, ss_size;                   /* sigaltstack; ss_size 0: none */
    int ss_flags;
    /* The process's shared pending set (Linux signal->shared_pending): a
     * process-directed signal that every thread blocks waits here until
     * one unblocks it. Only the group leader's copy is used. */
    uint64_t shared_pending;
    struct sig_info shared_info[LX_NSIG + 1];
};

/* Queues signal signo for p from the kernel (e.g. SIGPIPE on a write to a
 * pipe without readers). Delivered when p next returns to user mode; an
 * ignored signal is dropped now. Safe on a zombie (ignored). */
void signal_send(struct proc *p, int signo);

/* The same with an explicit siginfo (kill, SIGCHLD). */
void signal_send_info(struct proc *p, const struct sig_info *si);

/* A synchronous fault of the running process (SIGSEGV, SIGBUS, SIGILL,
 * SIGTRAP): delivered to its handler at once, or, when the signal is
 * blocked, ignored or has no handler, fatal (Linux force_sig_fault) with a
 * line on stderr giving the details (addr, si_code, pc, insn). */
/* Linux's force_sigsegv: the guest cannot make progress delivering a fault
 * signal (its handler faults before one instruction retires, e.g. a handler
 * at an unmapped address with SA_NODEFER): the action becomes the default
 * and the process dies of signo, with the shell's usual line. */
void signal_force_kill(struct proc *p, int signo);
void signal_fault(struct proc *p, struct hart *h, int signo, int code, uint64_t addr,
                  uint64_t insn);

/* True when p has a pending signal that is not blocked (it would interrupt a
 * blocking system call): its own or its process's shared one. */
bool signal_pending(const struct proc *p);

/* The signals pending for thread p: its own and its process's shared set. */
uint64_t signal_pending_set(const struct proc *p);

/* Takes the lowest pending signal of p in mask (its own first, then the
 * process's; signalfd's read): its number with *out filled, or 0. */
int signal_dequeue(struct proc *p, uint64_t mask, struct sig_info *out);

/* On the way back to user mode: delivers the pending unblocked signals of p,
 * running on h (default action, or a frame for its handler). blocked_call:
 * p's pc is at an ecall whose call must wait; a signal with a handler
 * interrupts it (-EINTR, or restarted with SA_RESTART). Returns true when a
 * blocked call was interrupted (p is runnable again). May end p. */
bool signal_deliver(struct proc *p, struct hart *h, bool blocked_call);

/* The table of handlers (Linux's sighand_struct): every thread and process
 * that shares one (CLONE_SIGHAND) keeps an equal copy in its sig.action,
 * and sigaction changes them all (struct proc's sighand says which). */
bool signal_same_hand(const struct proc *a, const struct proc *b);
/* clone(CLONE_SIGHAND) without CLONE_THREAD: c, which has a copy of p's
 * handlers, shares p's table from now on. */
void signal_share_hand(struct proc *p, struct proc *c);
/* execve (Linux unshare_sighand): p, the only thread of its process by
 * now, leaves a table that other processes share (taking a copy). */
void signal_exec_unshare(struct proc *p);

/* execve: handled signals go back to SIG_DFL, the altstack is dropped;
 * ignored signals, the mask and pending signals stay (POSIX). */
void signal_exec_reset(struct sigstate *s);

/* The name of a fatal signal as a shell prints it ("Segmentation fault"). */
const char *signal_text(int signo);

/* System calls (see syscall.h for the convention). */
int64_t sys_rt_sigaction(struct proc *p, const uint64_t a[6]);
int64_t sys_rt_sigprocmask(struct proc *p, const uint64_t a[6]);
int64_t sys_rt_sigreturn(struct proc *p, const uint64_t a[6]);
int64_t sys_rt_sigpending(struct proc *p, const uint64_t a[6]);
int64_t sys_rt_sigsuspend(struct proc *p, const uint64_t a[6]);
int64_t sys_sigaltstack(struct proc *p, const uint64_t a[6]);
int64_t sys_kill(struct proc *p, const uint64_t a[6]);
int64_t sys_tkill(struct proc *p, const uint64_t a[6]);
int64_t sys_tgkill(struct proc *p, const uint64_t a[6]);

#endif
