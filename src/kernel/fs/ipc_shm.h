/* System V shared memory (issue 16): shmget, shmat, shmdt, shmctl and
 * /proc/sysvipc/shm. A segment is a shmem object of the page cache (kind
 * SysV, shown as /SYSV<key> (deleted) in maps with the shmid as inode); an
 * attach is an ordinary shared mapping of it (mm_mmap), so fork inherits
 * it and exit detaches it, and shm_nattch is the object's mapping count.
 * The table belongs to the sandbox (vfs.c, Linux's IPC namespace): a
 * segment removed with IPC_RMID goes when its last mapping does, and every
 * segment goes when the run ends. */
#ifndef VMSIM_KERNEL_IPC_SHM_H
#define VMSIM_KERNEL_IPC_SHM_H

#include <stdio.h>

#include "../proc/proc.h"

struct sysv_shm;
struct sysv_shm *sysv_shm_new(void);
void sysv_shm_free(struct sysv_shm *t);

int64_t sys_shmget(struct proc *p, const uint64_t a[6]);
int64_t sys_shmat(struct proc *p, const uint64_t a[6]);
int64_t sys_shmdt(struct proc *p, const uint64_t a[6]);
int64_t sys_shmctl(struct proc *p, const uint64_t a[6]);

/* /proc/sysvipc/shm of the table of p's sandbox, in Linux's format. */
void sysv_shm_show(struct proc *p, FILE *out);

#endif
