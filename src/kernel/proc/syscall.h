/* The Linux riscv64 system-call interface: one table indexed by the generic
 * syscall numbers below; unknown numbers return -ENOSYS, are named once per
 * run on stderr and counted (os->nosys, summed up at exit). Arguments in a0..a5, number in a7, result in a0 (a -errno on
 * failure). Handlers live by concern: proc/sys_proc.c (processes, memory,
 * time), proc/signal.c (signals), fs/sys_*.c (files); the table naming them
 * all is core/syscalls.c, the dispatcher syscall.c. */
#ifndef VMSIM_KERNEL_SYSCALL_H
#define VMSIM_KERNEL_SYSCALL_H

#include "proc.h"

enum {
    LX_SYS_getcwd = 17,
    LX_SYS_dup = 23,
    LX_SYS_dup3 = 24,
    LX_SYS_fcntl = 25,
    LX_SYS_ioctl = 29,
    LX_SYS_mkdirat = 34,
    LX_SYS_unlinkat = 35,
    LX_SYS_renameat = 38,
    LX_SYS_ftruncate = 46,
    LX_SYS_fallocate = 47,
    LX_SYS_faccessat = 48,
    LX_SYS_chdir = 49,
    LX_SYS_fchdir = 50,
    LX_SYS_openat = 56,
    LX_SYS_close = 57,
    LX_SYS_pipe2 = 59,
    LX_SYS_getdents64 = 61,
    LX_SYS_lseek = 62,
    LX_SYS_read = 63,
    LX_SYS_write = 64,
    LX_SYS_readv = 65,
    LX_SYS_writev = 66,
    LX_SYS_pread64 = 67,
    LX_SYS_pwrite64 = 68,
    LX_SYS_ppoll = 73,
    LX_SYS_readlinkat = 78,
    LX_SYS_newfstatat = 79,
    LX_SYS_fstat = 80,
    LX_SYS_exit = 93,
    LX_SYS_exit_group = 94,
    LX_SYS_waitid = 95,
    LX_SYS_set_tid_address = 96,
    LX_SYS_futex = 98,
    LX_SYS_set_robust_list = 99,
    LX_SYS_get_robust_list = 100,
    LX_SYS_nanosleep = 101,
    LX_SYS_clock_gettime = 113,
    LX_SYS_clock_getres = 114,
    LX_SYS_clock_nanosleep = 115,
    LX_SYS_sched_setaffinity = 122,
    LX_SYS_sched_getaffinity = 123,
    LX_SYS_sched_yield = 124,
    LX_SYS_kill = 129,
    LX_SYS_tkill = 130,
    LX_SYS_tgkill = 131,
    LX_SYS_sigaltstack = 132,
    LX_SYS_rt_sigsuspend = 133,
    LX_SYS_rt_sigaction = 134,
    LX_SYS_rt_sigprocmask = 135,
    LX_SYS_rt_sigpending = 136,
    LX_SYS_rt_sigreturn = 139,
    LX_SYS_times = 153,
    LX_SYS_setpgid = 154,
    LX_SYS_getpgid = 155,
    LX_SYS_getsid = 156,
    LX_SYS_setsid = 157,
    LX_SYS_uname = 160,
    LX_SYS_getrlimit = 163,
    LX_SYS_setrlimit = 164,
    LX_SYS_getrusage = 165,
    LX_SYS_umask = 166,
    LX_SYS_prctl = 167,
    LX_SYS_gettimeofday = 169,
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
    LX_SYS_mremap = 216,
    LX_SYS_clone = 220,
    LX_SYS_execve = 221,
    LX_SYS_mmap = 222,
    LX_SYS_mprotect = 226,
    LX_SYS_msync = 227,
    LX_SYS_mlock = 228,
    LX_SYS_munlock = 229,
    LX_SYS_mlockall = 230,
    LX_SYS_munlockall = 231,
    LX_SYS_mincore = 232,
    LX_SYS_madvise = 233,
    LX_SYS_mlock2 = 284,
    LX_SYS_wait4 = 260,
    LX_SYS_prlimit64 = 261,
    LX_SYS_riscv_flush_icache = 259,   /* arch-specific: __NR_arch_specific_syscall + 15 */
    LX_SYS_getrandom = 278,
    LX_SYS_membarrier = 283,
    LX_SYS_rseq = 293,
    LX_SYS_clone3 = 435,
    LX_SYS_symlinkat = 36,   /* files */
    LX_SYS_linkat = 37,   /* files */
    LX_SYS_truncate = 45,   /* files */
    LX_SYS_fchmod = 52,   /* files */
    LX_SYS_fchmodat = 53,   /* files */
    LX_SYS_preadv = 69,   /* files */
    LX_SYS_pwritev = 70,   /* files */
    LX_SYS_fsync = 82,   /* files */
    LX_SYS_fdatasync = 83,   /* files */
    LX_SYS_renameat2 = 276,   /* files */
    LX_SYS_statx = 291,   /* files */
    LX_SYS_faccessat2 = 439,   /* files */
    LX_SYS_pselect6 = 72,   /* files */
    LX_SYS_statfs = 43,   /* files */
    LX_SYS_fstatfs = 44,   /* files */
    LX_SYS_fchownat = 54,   /* files */
    LX_SYS_fchown = 55,   /* files */
    LX_SYS_utimensat = 88,   /* files */
    /* issue 16: sharing between processes */
    LX_SYS_memfd_create = 279,
    LX_SYS_eventfd2 = 19,
    LX_SYS_epoll_create1 = 20,
    LX_SYS_epoll_ctl = 21,
    LX_SYS_epoll_pwait = 22,
    LX_SYS_epoll_pwait2 = 441,
    LX_SYS_signalfd4 = 74,
    LX_SYS_timerfd_create = 85,
    LX_SYS_timerfd_settime = 86,
    LX_SYS_timerfd_gettime = 87,
    LX_SYS_shmget = 194,
    LX_SYS_shmctl = 195,
    LX_SYS_shmat = 196,
    LX_SYS_shmdt = 197,
    LX_SYS_socket = 198,
    LX_SYS_socketpair = 199,
    LX_SYS_bind = 200,
    LX_SYS_listen = 201,
    LX_SYS_accept = 202,
    LX_SYS_connect = 203,
    LX_SYS_getsockname = 204,
    LX_SYS_getpeername = 205,
    LX_SYS_sendto = 206,
    LX_SYS_recvfrom = 207,
    LX_SYS_setsockopt = 208,
    LX_SYS_getsockopt = 209,
    LX_SYS_shutdown = 210,
    LX_SYS_sendmsg = 211,
    LX_SYS_recvmsg = 212,
    LX_SYS_accept4 = 242,
    LX_SYS_timer_create = 107,
    LX_SYS_timer_gettime = 108,
    LX_SYS_timer_getoverrun = 109,
    LX_SYS_timer_settime = 110,
    LX_SYS_timer_delete = 111,
    LX_SYS_getitimer = 102,
    LX_SYS_setitimer = 103,
    LX_SYS_flock = 32,   /* files: locks */
    LX_SYS_mknodat = 33,   /* files */
    LX_SYS_sendfile = 71,   /* files */
    LX_SYS_copy_file_range = 285,   /* files */
    LX_SYS_setgid = 144,   /* credentials */
    LX_SYS_setuid = 146,
    LX_SYS_setreuid = 145,
    LX_SYS_setregid = 143,
    LX_SYS_setresuid = 147,
    LX_SYS_getresuid = 148,
    LX_SYS_setresgid = 149,
    LX_SYS_getresgid = 150,
    LX_SYS_setfsuid = 151,
    LX_SYS_setfsgid = 152,
    LX_SYS_getgroups = 158,
    LX_SYS_setgroups = 159,
};

/* Kernel-internal results, never seen by the guest. */
/* The call must wait: the dispatcher leaves pc at the ecall, the process
 * ends its turn and retries the call on its next one. */
#define LX_ERESTART_BLOCK 512
/* The handler has set every register itself (rt_sigreturn, execve): the
 * dispatcher writes no a0 and does not advance pc. */
#define LX_EJUSTRETURN 513

/* A system-call handler: a[] = a0..a5; returns a0 (a result or -errno) or
 * one of the internal codes above. p->hart is the hart p runs on. */
typedef int64_t (*sys_fn)(struct proc *p, const uint64_t a[6]);

/* Copy user memory for a system call: 0, -EFAULT when the guest pointer is
 * bad (no signal, as Linux), or -ENOMEM. */
int user_copyin(struct proc *p, void *dst, uint64_t g_src, uint64_t len);
int user_copyout(struct proc *p, uint64_t g_dst, const void *src, uint64_t len);

/* Handles the ecall at h->pc for p: reads the arguments from h, runs the
 * call, writes a0 and advances pc past the ecall (unless p exited or the
 * handler set the registers itself). Returns true when the call must wait
 * (pc stays at the ecall, p->blocked is set). */
bool syscall_dispatch(struct proc *p, struct hart *h);

/* The Linux name of riscv64 call number nr ("?" when it has none). */
const char *syscall_name(unsigned nr);

/* The table (core/syscalls.c): the handler of each call number, or NULL. */
extern const sys_fn syscall_table[PROC_SYSCALL_MAX];

#endif
