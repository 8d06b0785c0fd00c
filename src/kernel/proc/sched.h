/* The operating system's process table and scheduler (issue 4): every
 * process of one `vmsim run`, one hart, one physical memory.
 *
 * Round-robin over the threads in tid order, each turn on one of the harts, PROC_QUANTUM
 * instructions a turn; a blocking system call (LX_ERESTART_BLOCK) ends the
 * turn and is retried on the next one. When every live process waits and a
 * whole round changes nothing, the virtual clock jumps to the earliest
 * nanosleep deadline, or, if none, it is a deadlock: all are killed.
 *
 * Time: the guest's clock is virtual (design decision 12): OS_NS_PER_INSN
 * nanoseconds per retired instruction (a 100 MIPS machine) plus the time
 * skipped while everyone slept. No host time is read, unless the run asks
 * for the host's clock (os_set_host_clock: `vmsim run --clock host`). */
#ifndef VMSIM_KERNEL_SCHED_H
#define VMSIM_KERNEL_SCHED_H

#include "proc.h"

#define OS_NS_PER_INSN 10
#define PROC_GUEST_ID 1000   /* the guest's uid and gid unless --uid/--gid say */
#define OS_MAX_PROCS 1024   /* processes incl. zombies (RLIMIT_NPROC): fork gets EAGAIN */
#define OS_EPOCH_NS (1700000000ULL * 1000000000ULL)   /* CLOCK_REALTIME at boot (Nov 2023) */

struct os {
    struct kernel *k;
    struct machine *m;
    struct hart *h;                   /* the hart of the current (or last) turn; its
                                       * instret is the virtual clock */
    /* Harts (issue 13): each turn runs on one hart; a thread goes back to the
     * hart it last ran on if nobody ran there since, else to the hart idle
     * longest. Turns are taken one after another in tid order whatever the
     * number of harts, so the guest sees the same run for any --harts. */
    int hart_tid[MACHINE_MAX_HARTS];          /* who ran last on each hart (0: nobody) */
    uint64_t hart_turn[MACHINE_MAX_HARTS];    /* when (os->switches) */
    struct proc *futex_queue;         /* threads waiting in futex(2), arrival order */
    unsigned max_procs;               /* processes + threads (OS_MAX_PROCS; --max-threads) */
    struct proc *procs;               /* all processes incl. zombies, pid order */
    struct proc *current;             /* the process on the hart, or NULL */
    const struct proc_fs_ops *fs_ops; /* the files subsystem's part in fork/exec/exit (proc.h) */
    uint64_t turn_start;              /* h->instret when current's turn began */
    int next_pid;
    uint64_t sighand_seq;             /* the last key of a shared table of handlers */
    int last_pid;                     /* the round-robin cursor */
    int first_pid;
    bool first_done;
    int first_status;                 /* the first process's status, shell style */
    uint64_t sleep_skip_ns;           /* virtual time skipped while all slept */
    uint64_t insn_limit;              /* 0, or SIGXCPU for all after this many instructions */
    /* Set (nonzero) by the front end, e.g. from a SIGALRM handler (--timeout):
     * every process is killed at the next trap or quantum end. NULL: none. */
    const volatile int *stop;
    const char *stop_message;         /* printed when stop ends the run */
    bool stopped;                     /* the run was ended by *stop */
    /* Called as each process exits, before its address space goes (reports
     * take its counters then). NULL: none. */
    void (*exit_hook)(void *ctx, struct os *os, struct proc *p);
    void *exit_hook_ctx;
    /* Called after every turn (the progress line). NULL: none. */
    void (*turn_hook)(void *ctx, struct os *os);
    void *turn_hook_ctx;
    /* Called before a guest writes to one of the host's streams (its
     * terminal: the progress line steps aside). NULL: none. */
    void (*output_hook)(void *ctx);
    void *output_hook_ctx;
    FILE *exit_smaps;                 /* non-NULL: each process's smaps is printed here
                                       * as it exits (before its memory goes) */
    bool check_failed;                /* debug builds: kernel_check failed after an exit */
    bool oom_current;                 /* the OOM killer chose the faulting process */
    uint64_t syscalls;
    uint64_t switches;                /* context switches */
    uint64_t nprocs_total;            /* processes created */
    uint64_t nexits;                  /* processes ended */
    unsigned nprocs;                  /* in the table now (zombies included) */
    uint32_t uid, gid;                /* the guest's one user (sys_cred.c); PROC_GUEST_ID */
    /* The clock (issue 12): virtual (default: instructions plus skipped
     * sleep, reproducible) or the host's (os_set_host_clock: real time,
     * sleeps take real time). epoch_ns: CLOCK_REALTIME at boot. */
    /* Calls answered -ENOSYS, by number (and above the table), for the
     * summary at exit (os_print_nosys). */
    uint32_t nosys[PROC_SYSCALL_MAX];
    uint32_t nosys_high;
    bool clock_host;
    uint64_t host_boot_ns;            /* host CLOCK_MONOTONIC at boot (host clock) */
    uint64_t epoch_ns;                /* OS_EPOCH_NS unless --clock-start or the host clock */
};

/* Sends SIGALRM to each process whose ITIMER_REAL is due at now (and
 * re-arms it; *fired set when one was, if fired is not NULL); returns the
 * earliest deadline still armed, or 0. */
uint64_t os_fire_timers(struct os *os, uint64_t now, bool *fired);

/* Prints one line naming the system calls that were not implemented in
 * this run (nothing if none), with their counts when counts is set. */
void os_print_nosys(const struct os *os, FILE *out, bool counts);

/* Switches os to the host's clock: monotonic time counts from now, the
 * realtime clock reads the host's. */
void os_set_host_clock(struct os *os);

/* A new, empty OS for kernel k on machine m (hart 0). NULL on OOM. */
struct os *os_new(struct kernel *k, struct machine *m);

/* Frees the OS; every process must be gone (os_run returned). */
void os_free(struct os *os);

/* Runs until every process has ended; returns the first process's status as
 * a shell reports it (exit code, or 128 + N for signal N). */
int os_run(struct os *os);

/* Virtual time since boot, in nanoseconds. */
uint64_t os_now_ns(const struct os *os);

/* Allocates a pid and links p into the table (pid order). */
void os_add_proc(struct os *os, struct proc *p);

/* The process with this pid (its leader thread; zombies included), or NULL. */
struct proc *os_find(struct os *os, int pid);

/* The thread with this tid, or NULL. */
struct proc *os_find_tid(struct os *os, int tid);

/* Links thread t of process pid into the table with a new tid. */
void os_add_thread(struct os *os, struct proc *t, int pid);

#endif
