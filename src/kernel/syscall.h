/* The Linux riscv64 system-call interface (minimal, issue 3): one table
 * indexed by the generic syscall numbers below; unknown numbers return
 * -ENOSYS and are named once on stderr. Arguments in a0..a5, number in a7,
 * result in a0 (a -errno on failure). */
#ifndef VMSIM_KERNEL_SYSCALL_H
#define VMSIM_KERNEL_SYSCALL_H

#include "proc.h"

enum {
    LX_SYS_getcwd = 17,
    LX_SYS_ioctl = 29,
    LX_SYS_openat = 56,
    LX_SYS_close = 57,
    LX_SYS_read = 63,
    LX_SYS_write = 64,
    LX_SYS_readv = 65,
    LX_SYS_writev = 66,
    LX_SYS_readlinkat = 78,
    LX_SYS_newfstatat = 79,
    LX_SYS_fstat = 80,
    LX_SYS_exit = 93,
    LX_SYS_exit_group = 94,
    LX_SYS_set_tid_address = 96,
    LX_SYS_futex = 98,
    LX_SYS_set_robust_list = 99,
    LX_SYS_clock_gettime = 113,
    LX_SYS_sched_yield = 124,
    LX_SYS_kill = 129,
    LX_SYS_tkill = 130,
    LX_SYS_tgkill = 131,
    LX_SYS_rt_sigaction = 134,
    LX_SYS_rt_sigprocmask = 135,
    LX_SYS_uname = 160,
    LX_SYS_getpid = 172,
    LX_SYS_getppid = 173,
    LX_SYS_getuid = 174,
    LX_SYS_geteuid = 175,
    LX_SYS_getgid = 176,
    LX_SYS_getegid = 177,
    LX_SYS_gettid = 178,
    LX_SYS_sysinfo = 179,
    LX_SYS_brk = 214,
    LX_SYS_munmap = 215,
    LX_SYS_mmap = 222,
    LX_SYS_mprotect = 226,
    LX_SYS_msync = 227,
    LX_SYS_madvise = 233,
    LX_SYS_prlimit64 = 261,
    LX_SYS_riscv_flush_icache = 259,   /* arch-specific: __NR_arch_specific_syscall + 15 */
    LX_SYS_getrandom = 278,
    LX_SYS_rseq = 293,
};

/* Handles the ecall at h->pc for p: reads the arguments from h, runs the
 * call, writes a0 and advances pc past the ecall (unless p exited). */
void syscall_dispatch(struct proc *p, struct hart *h);

#endif
