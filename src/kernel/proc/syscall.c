/* The system-call dispatcher and THE TABLE. Handlers live by concern
 * (sys_proc.c, signal.c, sys_file.c); the file handlers below are the
 * minimal ones of issue 3, until sys_file.c replaces them. Guest pointers
 * are named g_* and only touched through copyin/copyout. */
#include "syscall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../machine/hart.h"
#include "sched.h"
#include "signal.h"
#include "../fs/sys_file.h"
#include "sys_proc.h"


int user_copyin(struct proc *p, void *dst, uint64_t g_src, uint64_t len)
{
    struct segv sv;
    int rc = copyin(p->mm, dst, va(g_src), len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

int user_copyout(struct proc *p, uint64_t g_dst, const void *src, uint64_t len)
{
    struct segv sv;
    int rc = copyout(p->mm, va(g_dst), src, len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

/* ---- the table ---------------------------------------------------------- */

static const sys_fn sys_table[PROC_SYSCALL_MAX] = {
    /* files (sys_file.c, sys_path.c) */
    [LX_SYS_read] = sys_read,
    [LX_SYS_write] = sys_write,
    [LX_SYS_readv] = sys_readv,
    [LX_SYS_writev] = sys_writev,
    [LX_SYS_pread64] = sys_pread64,
    [LX_SYS_pwrite64] = sys_pwrite64,
    [LX_SYS_preadv] = sys_preadv,
    [LX_SYS_pwritev] = sys_pwritev,
    [LX_SYS_openat] = sys_openat,
    [LX_SYS_close] = sys_close,
    [LX_SYS_lseek] = sys_lseek,
    [LX_SYS_fstat] = sys_fstat,
    [LX_SYS_newfstatat] = sys_newfstatat,
    [LX_SYS_statx] = sys_statx,
    [LX_SYS_getdents64] = sys_getdents64,
    [LX_SYS_readlinkat] = sys_readlinkat,
    [LX_SYS_faccessat] = sys_faccessat,
    [LX_SYS_faccessat2] = sys_faccessat2,
    [LX_SYS_mkdirat] = sys_mkdirat,
    [LX_SYS_unlinkat] = sys_unlinkat,
    [LX_SYS_renameat2] = sys_renameat2,
    [LX_SYS_symlinkat] = sys_symlinkat,
    [LX_SYS_linkat] = sys_linkat,
    [LX_SYS_fchmod] = sys_fchmod,
    [LX_SYS_fchmodat] = sys_fchmodat,
    [LX_SYS_truncate] = sys_truncate,
    [LX_SYS_ftruncate] = sys_ftruncate,
    [LX_SYS_fsync] = sys_fsync,
    [LX_SYS_fdatasync] = sys_fsync,
    [LX_SYS_dup] = sys_dup,
    [LX_SYS_dup3] = sys_dup3,
    [LX_SYS_fcntl] = sys_fcntl,
    [LX_SYS_ioctl] = sys_ioctl,
    [LX_SYS_pipe2] = sys_pipe2,
    [LX_SYS_umask] = sys_umask,
    [LX_SYS_getcwd] = sys_getcwd,
    [LX_SYS_chdir] = sys_chdir,
    [LX_SYS_fchdir] = sys_fchdir,
    [LX_SYS_ppoll] = sys_ppoll,
    [LX_SYS_pselect6] = sys_pselect6,
    [LX_SYS_utimensat] = sys_utimensat,
    [LX_SYS_fchownat] = sys_fchownat,
    [LX_SYS_fchown] = sys_fchown,
    [LX_SYS_statfs] = sys_statfs,
    [LX_SYS_fstatfs] = sys_fstatfs,
    /* processes (sys_proc.c) */
    [LX_SYS_clone] = sys_clone,
    [LX_SYS_clone3] = sys_clone3,
    [LX_SYS_execve] = sys_execve,
    [LX_SYS_exit] = sys_exit,
    [LX_SYS_exit_group] = sys_exit,
    [LX_SYS_wait4] = sys_wait4,
    [LX_SYS_waitid] = sys_waitid,
    [LX_SYS_getpid] = sys_getpid,
    [LX_SYS_gettid] = sys_getpid,
    [LX_SYS_getppid] = sys_getppid,
    [LX_SYS_getuid] = sys_getid,
    [LX_SYS_geteuid] = sys_getid,
    [LX_SYS_getgid] = sys_getid,
    [LX_SYS_getegid] = sys_getid,
    [LX_SYS_getpgid] = sys_getpgid,
    [LX_SYS_getsid] = sys_getpgid,
    [LX_SYS_setpgid] = sys_setpgid,
    [LX_SYS_setsid] = sys_getpid,
    [LX_SYS_set_tid_address] = sys_set_tid_address,
    [LX_SYS_set_robust_list] = sys_zero,
    [LX_SYS_prlimit64] = sys_prlimit64,
    [LX_SYS_getrlimit] = sys_getrlimit,
    [LX_SYS_setrlimit] = sys_setrlimit,
    [LX_SYS_getrusage] = sys_getrusage,
    [LX_SYS_uname] = sys_uname,
    [LX_SYS_getrandom] = sys_getrandom,
    [LX_SYS_sysinfo] = sys_sysinfo,
    [LX_SYS_futex] = sys_futex,
    [LX_SYS_prctl] = sys_prctl,
    [LX_SYS_riscv_flush_icache] = sys_riscv_flush_icache,
    /* time (sys_proc.c) */
    [LX_SYS_clock_gettime] = sys_clock_gettime,
    [LX_SYS_clock_getres] = sys_clock_getres,
    [LX_SYS_gettimeofday] = sys_gettimeofday,
    [LX_SYS_nanosleep] = sys_nanosleep,
    [LX_SYS_clock_nanosleep] = sys_clock_nanosleep,
    [LX_SYS_times] = sys_times,
    [LX_SYS_sched_yield] = sys_sched_yield,
    /* memory (sys_proc.c) */
    [LX_SYS_brk] = sys_brk,
    [LX_SYS_mmap] = sys_mmap,
    [LX_SYS_munmap] = sys_munmap,
    [LX_SYS_mprotect] = sys_mprotect,
    [LX_SYS_mremap] = sys_mremap,
    [LX_SYS_msync] = sys_msync,
    [LX_SYS_madvise] = sys_madvise,
    /* signals (signal.c) */
    [LX_SYS_rt_sigaction] = sys_rt_sigaction,
    [LX_SYS_rt_sigprocmask] = sys_rt_sigprocmask,
    [LX_SYS_rt_sigreturn] = sys_rt_sigreturn,
    [LX_SYS_rt_sigpending] = sys_rt_sigpending,
    [LX_SYS_rt_sigsuspend] = sys_rt_sigsuspend,
    [LX_SYS_sigaltstack] = sys_sigaltstack,
    [LX_SYS_kill] = sys_kill,
    [LX_SYS_tkill] = sys_tkill,
    [LX_SYS_tgkill] = sys_tgkill,
    /* rseq and everything else: -ENOSYS (glibc copes). */
};

bool syscall_dispatch(struct proc *p, struct hart *h)
{
    uint64_t nr = h->x[17];
    const uint64_t args[6] = {h->x[10], h->x[11], h->x[12], h->x[13], h->x[14], h->x[15]};
    int64_t ret;
    p->syscalls++;
    p->os->syscalls++;
    if (nr < PROC_SYSCALL_MAX && sys_table[nr]) {
        ret = sys_table[nr](p, args);
    } else {
        ret = -ENOSYS;
        /* rseq and clone3 are optional: glibc falls back without them. */
        if (nr != LX_SYS_rseq && nr != LX_SYS_clone3 && nr < PROC_SYSCALL_MAX &&
            !(p->nosys_warned[nr / 64] & (1ULL << (nr % 64)))) {
            p->nosys_warned[nr / 64] |= 1ULL << (nr % 64);
            fprintf(stderr, "vmsim: syscall %llu not implemented (-ENOSYS)\n",
                    (unsigned long long)nr);
        }
    }
    if (p->exited)
        return false;
    if (ret == -LX_ERESTART_BLOCK) {
        p->blocked = true;
        return true;   /* pc stays at the ecall: retried on the next turn */
    }
    p->blocked = false;
    if (ret == -LX_EJUSTRETURN)
        return false;
    h->x[10] = (uint64_t)ret;
    h->pc += 4;   /* ecall has no compressed form */
    return false;
}
