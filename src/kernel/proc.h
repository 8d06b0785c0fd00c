/* Processes (minimal, issue 3): an address space, the registers of one
 * thread, and the trap loop that runs it on a hart and answers its traps
 * (page faults -> mm_fault, ecall -> syscall table, misaligned accesses ->
 * emulated, everything else -> a fatal signal printed like a shell would).
 * One process at a time for now; the scheduler and fork are a later issue. */
#ifndef VMSIM_KERNEL_PROC_H
#define VMSIM_KERNEL_PROC_H

#include "kernel.h"

#define PROC_SYSCALL_MAX 512          /* syscall numbers are below this */
#define PROC_QUANTUM (1u << 20)       /* instructions per hart_run call */

/* Registers of a thread while it is off the hart. */
struct hart_context {
    uint64_t x[32], pc, f[32];
    uint32_t fcsr;
};

struct proc {
    struct kernel *k;
    struct mm *mm;
    int pid;
    struct hart_context ctx;          /* valid while not running */
    struct hart *hart;                /* the hart it runs on, or NULL */
    bool exited;
    int exit_status;                  /* exit(2) status & 0xff, or 128 + signal */
    int term_signal;                  /* 0, or the LX_SIG* that killed it */
    uint64_t rng;                     /* getrandom's deterministic generator state */
    uint64_t nosys_warned[PROC_SYSCALL_MAX / 64];   /* -ENOSYS said once per number */
    uint64_t syscalls;                /* ecalls handled */
    uint64_t insn_limit;              /* 0, or kill with SIGXCPU after this many instructions */
};

/* Creates a process running the static ELF program at host path `path` with
 * the given argv and envp (NULL-terminated; argv[0] is what the program
 * sees as its name). Builds the address space, maps the program (lazily)
 * and the stack, writes the initial stack (argc, argv, envp, auxv as Linux's
 * create_elf_tables). Returns NULL with *rc = -errno and a one-line reason in
 * err (-ENOENT/-EACCES: cannot open; -ENOEXEC: not a loadable program). */
struct proc *proc_exec(struct kernel *k, const char *path, char *const argv[],
                       char *const envp[], char *err, size_t errlen, int *rc);

/* Runs p on hart h until it exits or is killed; returns p->exit_status.
 * With p->insn_limit set, a process still running after that many
 * instructions (counted by h->instret) is killed with SIGXCPU, like one over
 * its RLIMIT_CPU. */
int proc_run(struct proc *p, struct hart *h);

/* Ends p: the address space is destroyed, exit_status kept (callers read it
 * before proc_free). Used by exit(2) and by fatal signals. */
void proc_exit(struct proc *p, int status, int signo);

/* Kills p with signal signo, printing the shell's message with the details
 * (address and si_code for faults, the instruction for SIGILL) to stderr. */
void proc_kill(struct proc *p, int signo, int code, uint64_t addr, uint64_t pc,
               uint64_t insn);

void proc_free(struct proc *p);

#endif
