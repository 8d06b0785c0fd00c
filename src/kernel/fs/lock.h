/* File locks (issue 12): POSIX record locks, open-file-description (OFD)
 * locks and flock(2), as Linux's fs/locks.c keeps them.
 *
 * Locks are kept per file identity (the host's device and inode), so every
 * open of one file sees every lock on it, whoever opened it. Owners:
 *  - POSIX locks (F_SETLK/F_SETLKW/F_GETLK): the descriptor table (struct
 *    files, Linux's files_struct): a fork's child has its own table, so it
 *    inherits none; closing ANY descriptor of the file releases all the
 *    owner's locks on it; exit closes everything.
 *  - OFD locks (F_OFD_*): the open file description; shared through dup
 *    and fork, released when its last reference goes. They share the byte
 *    ranges of POSIX locks (the two conflict) but report l_pid -1.
 *  - flock(2): the open file description; a space of its own (flock and
 *    fcntl locks never conflict, as on Linux).
 *
 * Waiting (F_SETLKW, flock without LOCK_NB) is the scheduler's deterministic
 * polling: the call returns -LX_ERESTART_BLOCK and is retried on the next
 * turn, so a signal interrupts it (EINTR, or a restart with SA_RESTART).
 * Before a POSIX request waits, the chain "owner waits for a lock whose
 * owner waits for ..." is followed as Linux's posix_locks_deadlock does: if
 * it comes back to the caller, the caller gets EDEADLK instead of waiting. */
#ifndef VMSIM_KERNEL_FS_LOCK_H
#define VMSIM_KERNEL_FS_LOCK_H

#include <stdint.h>

#include "../proc/proc.h"

struct file;
struct files;

/* fcntl(2)'s lock commands on f for p: cmd is F_GETLK, F_SETLK, F_SETLKW
 * or the F_OFD_ ones, g_flock the guest's struct flock. Returns 0 or -errno
 * (EAGAIN conflict, EBADF access mode, EINVAL, EOVERFLOW, EDEADLK, EFAULT),
 * or -LX_ERESTART_BLOCK to wait. */
int64_t lock_fcntl(struct proc *p, struct file *f, int cmd, uint64_t g_flock);

/* flock(2). */
int64_t sys_flock(struct proc *p, const uint64_t a[6]);

/* A descriptor of f is being closed by the table owner: drops owner's
 * POSIX locks on f's file. */
void lock_close(const struct files *owner, struct file *f);

/* Every process waits (proc_fs_ops.break_deadlock): the newest lock
 * waiter will get EDEADLK when it retries. false when none waits for a lock. */
bool lock_break_deadlock(struct os *os);

/* p is ending: forgets the lock request it was waiting in. */
void lock_proc_gone(struct proc *p);

/* f's last reference is going: drops its OFD and flock locks. */
void lock_file_release(struct file *f);

/* fcntl command numbers (asm-generic/fcntl.h). */
#define LX_F_GETLK 5
#define LX_F_SETLK 6
#define LX_F_SETLKW 7
#define LX_F_OFD_GETLK 36
#define LX_F_OFD_SETLK 37
#define LX_F_OFD_SETLKW 38
#define LX_F_RDLCK 0
#define LX_F_WRLCK 1
#define LX_F_UNLCK 2

#endif
