/* System calls of processes, memory and time (issue 4); see syscall.h for
 * the handler convention. Signals are in signal.h, files in sys_file.h. */
#ifndef VMSIM_KERNEL_SYS_PROC_H
#define VMSIM_KERNEL_SYS_PROC_H

#include "syscall.h"

/* processes */
int64_t sys_clone(struct proc *p, const uint64_t a[6]);
int64_t sys_clone3(struct proc *p, const uint64_t a[6]);
int64_t sys_execve(struct proc *p, const uint64_t a[6]);
int64_t sys_exit(struct proc *p, const uint64_t a[6]);
int64_t sys_wait4(struct proc *p, const uint64_t a[6]);
int64_t sys_waitid(struct proc *p, const uint64_t a[6]);
int64_t sys_getpid(struct proc *p, const uint64_t a[6]);
int64_t sys_getppid(struct proc *p, const uint64_t a[6]);
int64_t sys_getpgid(struct proc *p, const uint64_t a[6]);
int64_t sys_setpgid(struct proc *p, const uint64_t a[6]);
int64_t sys_set_tid_address(struct proc *p, const uint64_t a[6]);
int64_t sys_exit_group(struct proc *p, const uint64_t a[6]);
int64_t sys_gettid(struct proc *p, const uint64_t a[6]);
int64_t sys_sched_getaffinity(struct proc *p, const uint64_t a[6]);
int64_t sys_sched_setaffinity(struct proc *p, const uint64_t a[6]);
int64_t sys_membarrier(struct proc *p, const uint64_t a[6]);
int64_t sys_zero(struct proc *p, const uint64_t a[6]);
int64_t sys_prlimit64(struct proc *p, const uint64_t a[6]);
int64_t sys_getrlimit(struct proc *p, const uint64_t a[6]);
int64_t sys_setrlimit(struct proc *p, const uint64_t a[6]);
int64_t sys_getrusage(struct proc *p, const uint64_t a[6]);
int64_t sys_uname(struct proc *p, const uint64_t a[6]);
int64_t sys_getrandom(struct proc *p, const uint64_t a[6]);
int64_t sys_sysinfo(struct proc *p, const uint64_t a[6]);
int64_t sys_prctl(struct proc *p, const uint64_t a[6]);
int64_t sys_riscv_flush_icache(struct proc *p, const uint64_t a[6]);
/* time */
int64_t sys_clock_gettime(struct proc *p, const uint64_t a[6]);
int64_t sys_clock_getres(struct proc *p, const uint64_t a[6]);
int64_t sys_gettimeofday(struct proc *p, const uint64_t a[6]);
int64_t sys_nanosleep(struct proc *p, const uint64_t a[6]);
int64_t sys_clock_nanosleep(struct proc *p, const uint64_t a[6]);
int64_t sys_times(struct proc *p, const uint64_t a[6]);
int64_t sys_sched_yield(struct proc *p, const uint64_t a[6]);
/* memory */
int64_t sys_brk(struct proc *p, const uint64_t a[6]);
int64_t sys_munmap(struct proc *p, const uint64_t a[6]);
int64_t sys_mprotect(struct proc *p, const uint64_t a[6]);
int64_t sys_mremap(struct proc *p, const uint64_t a[6]);
int64_t sys_msync(struct proc *p, const uint64_t a[6]);
int64_t sys_madvise(struct proc *p, const uint64_t a[6]);
/* sys_mlock.c */
int64_t sys_mlock(struct proc *p, const uint64_t a[6]);
int64_t sys_mlock2(struct proc *p, const uint64_t a[6]);
int64_t sys_munlock(struct proc *p, const uint64_t a[6]);
int64_t sys_mlockall(struct proc *p, const uint64_t a[6]);
int64_t sys_munlockall(struct proc *p, const uint64_t a[6]);
int64_t sys_mincore(struct proc *p, const uint64_t a[6]);

/* the interval timer (sys_timer.c) */
int64_t sys_getitimer(struct proc *p, const uint64_t a[6]);
int64_t sys_setitimer(struct proc *p, const uint64_t a[6]);
int64_t sys_timer_create(struct proc *p, const uint64_t a[6]);
int64_t sys_timer_settime(struct proc *p, const uint64_t a[6]);
int64_t sys_timer_gettime(struct proc *p, const uint64_t a[6]);
int64_t sys_timer_getoverrun(struct proc *p, const uint64_t a[6]);
int64_t sys_timer_delete(struct proc *p, const uint64_t a[6]);

/* process groups and sessions (sys_pgrp.c) */
int64_t sys_getsid(struct proc *p, const uint64_t a[6]);
int64_t sys_setsid(struct proc *p, const uint64_t a[6]);

/* credentials (sys_cred.c) */
int64_t sys_getuid(struct proc *p, const uint64_t a[6]);   /* also geteuid */
int64_t sys_getgid(struct proc *p, const uint64_t a[6]);   /* also getegid */
int64_t sys_setuid(struct proc *p, const uint64_t a[6]);
int64_t sys_setgid(struct proc *p, const uint64_t a[6]);
int64_t sys_setreuid(struct proc *p, const uint64_t a[6]);
int64_t sys_setregid(struct proc *p, const uint64_t a[6]);
int64_t sys_setresuid(struct proc *p, const uint64_t a[6]);
int64_t sys_setresgid(struct proc *p, const uint64_t a[6]);
int64_t sys_getresuid(struct proc *p, const uint64_t a[6]);
int64_t sys_getresgid(struct proc *p, const uint64_t a[6]);
int64_t sys_setfsuid(struct proc *p, const uint64_t a[6]);
int64_t sys_setfsgid(struct proc *p, const uint64_t a[6]);
int64_t sys_getgroups(struct proc *p, const uint64_t a[6]);
int64_t sys_setgroups(struct proc *p, const uint64_t a[6]);

#endif
