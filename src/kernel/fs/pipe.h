/* Pipes (issue 4): a 64 KiB buffer in pages of simulated RAM (a kbuf_fifo) with a read end and a write end,
 * each an open file description. Linux semantics: a read returns what is
 * there, 0 at end of file (no writers left), and waits while the pipe is
 * empty and has writers; a write of at most PIPE_BUF bytes is atomic (waits
 * until all of it fits), a larger one writes what fits; a write with no
 * reader left is -EPIPE (the caller sends SIGPIPE). Waiting is
 * -LX_ERESTART_BLOCK (the scheduler retries the ecall later), or -EAGAIN
 * with O_NONBLOCK. */
#ifndef VMSIM_KERNEL_PIPE_H
#define VMSIM_KERNEL_PIPE_H

#include "file.h"
#include "../proc/proc.h"

#ifndef LX_ERESTART_BLOCK
#define LX_ERESTART_BLOCK 512   /* the processes side defines it in syscall.h */
#endif

#define PIPE_CAPACITY (64 * 1024)
#define PIPE_BUF_ATOMIC 4096

/* A new pipe of kernel k (its buffer pages come from k's RAM, taken as bytes
 * arrive and given back as they are read: mm.h kbuf): *rd and *wr (one
 * reference each), with status flags (LX_O_NONBLOCK) applied to both, and
 * inode number ino (what fstat shows). 0 or -ENOMEM. A write that finds no
 * RAM for its bytes is -ENOMEM (nothing written). */
int pipe_new(struct kernel *k, int flags, uint64_t ino, struct file **rd, struct file **wr);

/* True when f is a pipe end. */
bool file_is_pipe(const struct file *f);

/* FIFOs (named pipes, fifo.c): one pipe per FIFO inode while any end of it
 * is open; its data goes when the last end closes, as Linux.
 * pipe_fifo_find: the pipe of the FIFO (host dev, st->st_ino), created
 * with no ends when create is set (NULL on OOM or when absent).
 * pipe_fifo_end: a new end (flags' access mode: read, write or both),
 * counted at once. pipe_fifo_counts: the open ends and the ends ever
 * opened. pipe_fifo_unused: frees a pipe that got no end. */
struct pipe;
struct stat;
struct pipe *pipe_fifo_find(struct kernel *k, uint64_t dev, const struct stat *st, bool create);
struct file *pipe_fifo_end(struct pipe *pp, int flags);
void pipe_fifo_counts(const struct pipe *pp, int *readers, int *writers, uint32_t *r_counter,
                      uint32_t *w_counter);
void pipe_fifo_unused(struct pipe *pp);

#endif
