/* procfs internals shared by procfs.c (the tree, files) and procfs_show.c
 * (what the files say). */
#ifndef VMSIM_KERNEL_PROCFS_IMPL_H
#define VMSIM_KERNEL_PROCFS_IMPL_H

#include <stdint.h>
#include <stdio.h>

struct os;
struct proc;
struct mm;

enum pf_kind {
    PF_ROOT,
    PF_SELF,
    PF_MEMINFO,
    PF_VMSTAT, /* /proc and its own entries */
    PF_PID_DIR,
    PF_CMDLINE,
    PF_COMM,
    PF_CWD,
    PF_ENVIRON,
    PF_EXE,
    PF_MAPS,
    PF_PAGEMAP,
    PF_SMAPS,
    PF_SMAPS_ROLLUP,
    PF_STAT,
    PF_STATM,
    PF_STATUS, /* /proc/PID and its entries */
    PF_SYSVIPC,
    PF_SYSVIPC_SHM, /* /proc/sysvipc/shm (issue 16) */
    PF_PRESSURE,
    PF_PRESSURE_MEMORY, /* /proc/pressure, /proc/pressure/memory (PSI) */
    PF_TASK_DIR,    /* /proc/PID/task: one directory per thread */
    PF_TID_DIR,     /* /proc/PID/task/TID: the entries of /proc/PID, for one thread */
    PF_THREAD_SELF, /* /proc/thread-self -> PID/task/TID of the caller */
    PF_SYS_DIR,     /* /sys, down to /sys/devices/system/cpu (sysfs_nodes) */
    PF_SYS_CPUS,    /* /sys/devices/system/cpu/{online,possible,present}: the harts */
};

/* Writes the text of file kind about process t (NULL for /proc's own
 * files) of os to out. 0 or -errno. */
int procfs_show(struct os *os, struct proc *t, enum pf_kind kind, FILE *out);

/* Fills buf with the pagemap entries of mm for [off / 8, (off + len) / 8)
 * (off and len multiples of 8), stopping at the end of the user half.
 * Returns the bytes filled (0 past the end). */
int64_t procfs_pagemap_read(struct mm *mm, void *buf, uint64_t len, uint64_t off);

#endif
