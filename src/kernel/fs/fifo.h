/* FIFOs (issue 12): named pipes made by mknod/mkfifo as host FIFO nodes
 * in the sandbox (so stat and `ls -l` show a `p`), but never opened on the
 * host: an open of one finds the kernel's pipe for that inode
 * (pipe_fifo_find), so the host process never blocks in open(2).
 *
 * Linux's fifo_open: O_RDWR opens at once; O_RDONLY waits until a writer
 * has opened (or at once with O_NONBLOCK); O_WRONLY waits until a reader has
 * (O_NONBLOCK: ENXIO when there is none). A waiting open already counts as
 * an end (so the other side's open completes) and waits by the scheduler's
 * polling (-LX_ERESTART_BLOCK), interruptible by signals. */
#ifndef VMSIM_KERNEL_FS_FIFO_H
#define VMSIM_KERNEL_FS_FIFO_H

#include <sys/stat.h>

#include "../proc/proc.h"

struct file;

/* open(2) of the FIFO whose host stat is st, for p: 0 with *out (a new
 * reference), -ENXIO, -ENOMEM, or -LX_ERESTART_BLOCK to wait. flags: the
 * open flags the description keeps. */
int fifo_open(struct proc *p, const struct stat *st, int flags, struct file **out);

/* p is ending: drops the end its interrupted or unfinished open held. */
void fifo_proc_gone(struct proc *p);

#endif
