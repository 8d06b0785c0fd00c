/* Processes (src/kernel/proc/): the public header of the subsystem.
 *
 * Owns: processes and their lifetime (proc.c: fork, exit, reap; exec, which
 * loads an ELF program by mapping it, elf.c), the process table and the
 * scheduler with the virtual clock (sched.c), signals (signal.c), the
 * system-call dispatcher (syscall.c: numbers, user copies) and the process,
 * memory and time calls (sys_proc.c). The table of every call is the
 * kernel's as a whole (../core/syscalls.c).
 *
 * Calls: memory management (../mm/mm.h) and the machine (its harts). Never
 * files: a process's descriptor table and fs context are opaque here, and
 * fork, exec and exit reach them through struct proc_fs_ops (below), which
 * ../core/ installs.
 *
 * Other folders include this header only; it gathers the subsystem's others
 * (sched.h, signal.h, syscall.h, sys_proc.h, elf.h) at its end.
 *
 * A struct proc is one thread (Linux's task_struct): its tid, registers,
 * signal mask, pending signals and alternate stack. The threads of one
 * process (a thread group; thread.c) share the address space, descriptor
 * table, fs context and signal handlers (processes may share any of them
 * too: clone's CLONE_VM, CLONE_FILES, CLONE_FS, CLONE_SIGHAND), and have
 * the same pid (the tgid, what getpid says); the first thread (tid == pid) is the group leader and
 * carries the process's place in the process tree and its exit status. Created by the first exec (os_spawn, core/kernel.h), by
 * fork/vfork (clone) and replaced by execve; they end as zombies until their
 * parent reaps them with wait4/waitid.
 *
 * Pids: 1 is a virtual init that never runs; it adopts orphans and reaps
 * them at once. The first process is PROC_FIRST_PID; pids grow from there and
 * are not reused. */
#ifndef VMSIM_KERNEL_PROC_H
#define VMSIM_KERNEL_PROC_H

#include "../mm/mm.h"
#include "signal.h"

struct os;
struct files;
struct fs;
struct vfile;

/* What processes need of the files subsystem (fs/), which sits above them:
 * the kernel as a whole (core/boot.c) installs these when it boots a system
 * with files (os->fs_ops). Processes without files (p->files and p->fs NULL,
 * as in unit tests) never call them. */
struct proc_fs_ops {
    /* fork and clone: gives child parent's descriptor table and fs context
     * (child->files, child->fs), each shared (one more reference: share has
     * PROC_SHARE_FILES, PROC_SHARE_FS, clone's CLONE_FILES and CLONE_FS) or
     * else copied. 0, or -ENOMEM with neither set. */
    int (*fork)(struct proc *parent, struct proc *child, unsigned share);
    /* exit and free: drops p's descriptor table and fs context, sets both NULL. */
    void (*release)(struct proc *p);
    /* p became its thread group's leader (execve from a thread): the shared
     * fs context's /proc/self names p now. */
    void (*lead)(struct proc *p);
    /* execve, before its point of no return (Linux unshare_files): a
     * descriptor table that another process shares (CLONE_FILES) is
     * replaced by p's own copy. 0, or -ENOMEM with p unchanged. */
    int (*exec_unshare)(struct proc *p);
    /* execve succeeded: closes p's close-on-exec descriptors. */
    void (*exec)(struct proc *p);
    /* Opens the guest path for execve (for_interp: the ELF interpreter, also
     * looked up in the sysroot). 0 with *out (a reference), or -errno with a
     * reason in err. */
    int (*open_exec)(struct proc *p, const char *guest_path, bool for_interp, struct vfile **out,
                     char *err, size_t errlen);
    /* Every live process waits and none sleeps: ends one wait that can
     * never be satisfied on its own (a file lock: EDEADLK, as Linux).
     * true if one was ended (the run goes on), false: a real deadlock. */
    bool (*break_deadlock)(struct os *os);
};

/* What clone shares rather than copies (proc_fs_ops.fork, proc_fork). */
#define PROC_SHARE_FILES 1u   /* CLONE_FILES: one descriptor table */
#define PROC_SHARE_FS 2u      /* CLONE_FS: one cwd, root and umask */

#define PROC_SYSCALL_MAX 512          /* syscall numbers are below this */
#define PROC_QUANTUM (1u << 16)       /* instructions per scheduling turn */
#define PROC_INIT_PID 1
#define PROC_FIRST_PID 1000

/* Registers of a thread while it is off the hart. */
struct hart_context {
    uint64_t x[32], pc, f[32];
    uint32_t fcsr;
};

enum proc_state {
    PROC_RUNNABLE,      /* may run (also: retrying a blocked system call) */
    PROC_VFORK_WAIT,    /* parent of a vfork child that has not exec'd or exited yet */
    PROC_ZOMBIE,        /* exited, waiting for its parent to reap it */
};

struct proc {
    struct os *os;
    struct kernel *k;
    struct mm *mm;
    struct files *files;              /* managed by fs/file.c, through os->fs_ops */
    struct fs *fs;                    /* managed by fs/vfs.c, through os->fs_ops */
    int pid;                          /* the process (thread-group) id: getpid */
    int tid;                          /* this thread's id: gettid; == pid for the leader */
    struct proc *group_leader;        /* the thread whose tid is pid (itself for a leader) */
    bool thread_dead;                 /* leader: its thread exited, the others run on */
    uint64_t clear_child_tid;         /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list, robust_len; /* set_robust_list */
    unsigned membarrier_reg;          /* leader: membarrier registrations (commands) */
    /* A thread waiting in futex(2) (futex.c): on the os's wait queue under
     * (key_obj, key_off) until a wake sets futex_woken; not scheduled meanwhile. */
    bool futex_waiting, futex_woken;
    const void *futex_key_obj;
    uint64_t futex_key_off;
    uint32_t futex_bitset;
    struct proc *futex_next;          /* the queue, in arrival order */
    /* A FUTEX_LOCK_PI waiter: the tid it waits for (the lock's owner, as
     * Linux's pi_state->owner) and its word's address in its own mm. */
    bool futex_pi;
    int futex_pi_owner;
    uint64_t futex_uaddr;
    struct proc *parent;              /* NULL: the virtual init (threads: NULL) */
    struct proc *next;                /* the os's list, in pid order */
    enum proc_state state;
    struct hart_context ctx;          /* valid while not running */
    struct hart *hart;                /* the hart it runs on, or NULL */
    bool exited;                      /* a zombie (state == PROC_ZOMBIE) */
    int exit_status;                  /* as a shell reports it: code, or 128 + signal */
    int wait_status;                  /* as wait4 reports it: code << 8, or the signal */
    int term_signal;                  /* 0, or the LX_SIG* that killed it */
    /* vfork (CLONE_VFORK): the child borrows the parent's mm until it execs
     * or exits; the parent waits in PROC_VFORK_WAIT meanwhile. */
    struct proc *vfork_parent;        /* child side: whom to wake */
    bool mm_borrowed;                 /* child side: p->mm belongs to vfork_parent;
                                       * a thread: p->mm is its group leader's;
                                       * a CLONE_VM process: another process owns
                                       * p->mm (proc_mm_sharer) */
    /* What the parent gets when this process ends: clone's low byte
     * (SIGCHLD for fork, 0: nothing). A child whose exit_signal is not
     * SIGCHLD is a "clone child" that wait finds only with __WCLONE or
     * __WALL (Linux eligible_child). */
    int exit_signal;
    /* A system call that must wait leaves pc at its ecall and is retried on
     * each turn (deterministic polling); these say what it waits for. */
    bool blocked;                     /* the last ecall returned LX_ERESTART_BLOCK */
    /* A blocked transfer that already moved this many bytes (a pipe write
     * larger than the room in it): a signal ends the call with this count,
     * never EINTR (Linux pipe_write), and gives a1/a2 back, which the call
     * advanced by it to resume. 0: none. */
    uint64_t partial;
    uint64_t sleep_until;             /* nanosleep: wake-up time (virtual ns), 0: none */
    /* sleep_until is the timeout of a wait for files (poll, select, epoll,
     * SO_RCVTIMEO): the call is still retried every turn, so it ends when
     * a descriptor is ready; the deadline only lets time jump. Set by each
     * attempt of the call (cleared before every system call). */
    bool sleep_wakeable;
    struct sigstate sig;
    /* Whose table of handlers p's sig.action is a copy of (Linux's
     * sighand_struct; signal.c keeps the copies equal): 0, its thread
     * group's; else a key that every thread and process sharing one table
     * (CLONE_SIGHAND without CLONE_THREAD) has. */
    uint64_t sighand;
    uint64_t vdso;                    /* where the vDSO page is mapped (signal return) */
    uint64_t sigsuspend_saved;        /* mask to restore after rt_sigsuspend */
    bool in_sigsuspend;
    uint64_t rng;                     /* getrandom's deterministic generator state */
    uint64_t syscalls;                /* ecalls handled */
    uint64_t insns;                   /* instructions retired (CPU time) */
    bool yield;                       /* sched_yield: end the turn after this call */
    uint64_t rlimit_stack;            /* RLIMIT_STACK soft limit reported to the guest */
    uint64_t rlimit_memlock[2];       /* RLIMIT_MEMLOCK soft, hard (bytes; mlock obeys soft) */
    /* RLIMIT_FSIZE soft and hard (bytes; UINT64_MAX: none): writes and
     * truncations past the soft one get SIGXFSZ and EFBIG (fs). */
    uint64_t rlimit_fsize[2];
    char comm[16];                    /* the program's name (basename, truncated) */
    /* For /proc/PID (procfs.c): the program's canonical guest path (exe;
     * NULL before the first exec) and where its argv strings lie on the
     * initial stack (cmdline reads them from memory, as Linux does). */
    char *exe;
    uint64_t arg_start, arg_end, env_end;   /* argv strings, then envp strings, on the stack */
    int pgid, sid;                    /* process group and session (sys_pgrp.c) */
    uint64_t itimer_at;               /* ITIMER_REAL: when SIGALRM is due (os_now_ns), 0: off */
    uint64_t itimer_interval;         /* its period, 0: one-shot (sys_timer.c) */
    struct ptimer *ptimers;           /* timer_create's timers (sys_timer.c) */
};

/* Frees p's POSIX timers (exit, exec). */
void proc_ptimers_free(struct proc *p);

/* Is p in process group pgid? (kill and wait of a group.) */
bool proc_in_group(const struct proc *p, int pgid);

/* Replaces p's program with the ELF file f (a reference the call consumes),
 * like execve: builds the new address space aside (program, interpreter for
 * a dynamic program, vDSO, stack with argv, envp and auxv), and only then
 * drops the old one, closes close-on-exec descriptors and resets handled
 * signals. filename is the guest's name for the program (AT_EXECFN). On
 * failure returns -errno with a one-line reason in err and p unchanged.
 * The registers are set in p->hart if p is running, else in p->ctx. */
int proc_execve(struct proc *p, struct vfile *f, const char *filename, char *const argv[],
                char *const envp[], char *err, size_t errlen);

/* The registers of a new child or thread c of p (running on its hart, or
 * off it): p's at its ecall, returning 0 after it, on stack sp (0: p's). */
void proc_child_regs(struct proc *c, const struct proc *p, uint64_t sp);

/* What a new process does with its parent's address space. */
enum proc_fork_mm {
    PROC_FORK_COPY,    /* fork: a copy-on-write copy of its own */
    PROC_FORK_VFORK,   /* CLONE_VM|CLONE_VFORK: borrowed until it execs or exits */
    PROC_FORK_SHARE,   /* CLONE_VM alone: the same mm, used by both processes
                        * until each execs or exits (Linux mm_users) */
};

/* fork/vfork/clone(CLONE_VM): a child of p (running on its hart) with an
 * address space as mode says, the descriptor table and fs context copied
 * or, as share says (PROC_SHARE_*), shared, the registers of p with a0 = 0
 * and pc past the ecall, exit_signal SIGCHLD. Returns the child, or NULL
 * with *rc = -errno (-EAGAIN past OS_MAX_PROCS processes, -ENOMEM). */
struct proc *proc_fork(struct proc *p, enum proc_fork_mm mode, unsigned share, uint64_t child_sp,
                       int *rc);

/* Is p a process (a group leader) that uses an address space owned by
 * another process, made by clone(CLONE_VM) without CLONE_VFORK? Such a
 * process is one of the mm's users: reports list it with that mm. */
bool proc_mm_sharer(const struct proc *p);

/* Is p a process with an address space of its own for the reports: its
 * owner, or a CLONE_VM sharer (not a thread, not a vfork child)? */
bool proc_mm_user(const struct proc *p);

/* Ends p's process (exit_group or fatal signal; p may be any of its
 * threads): every thread ends, then the leader releases its address space, files and fs
 * context, hands its children to init, wakes a vfork parent, and leaves a
 * zombie for its parent (SIGCHLD), or is reaped by init at once. */
void proc_exit(struct proc *p, int status, int signo);

/* A thread of p's process (clone with CLONE_THREAD|CLONE_VM|CLONE_SIGHAND):
 * shares p's mm and signal handlers, and its files and fs context as share
 * says (PROC_SHARE_*; pthread_create shares both) (thread.c); registers of
 * p with a0 = 0, pc past the ecall, sp = stack. NULL with *rc = -EAGAIN
 * past the thread limit, -ENOMEM. */
struct proc *proc_clone_thread(struct proc *p, unsigned share, uint64_t stack, int *rc);

/* exit(2) of one thread: the process ends with the last one (proc_exit). */
void thread_exit(struct proc *p, int status);

/* execve from a thread (Linux de_thread): the other threads end; a
 * non-leader p takes the leader's place and pid. */
void thread_de_thread(struct proc *p);

/* A thread's own end (exit, or its process's): robust futexes marked
 * FUTEX_OWNER_DIED and woken, clear_child_tid cleared and woken. */
void thread_mm_release(struct proc *p);

/* Ends every thread of p's process but the leader, and the leader's
 * thread_mm_release (proc_exit's first step). */
void thread_group_end(struct proc *p);

/* The threads of p's process that still run (thread_dead leaders excluded). */
unsigned thread_count(const struct proc *p);

/* Reaps zombie p (wait4 by its parent, or init): unlinks and frees it. */
void proc_reap(struct proc *p);

/* Frees a process object (its resources must already be released). */
void proc_free(struct proc *p);

/* Linux emulates misaligned loads and stores for user programs; so do we
 * (byte by byte through copyin/copyout). Misaligned atomics: SIGBUS. */
void proc_emulate_misaligned(struct proc *p, struct hart *h, uint64_t pc, uint64_t addr);

#include "elf.h"
#include "futex.h"
#include "sched.h"
#include "sys_proc.h"
#include "syscall.h"

#endif
