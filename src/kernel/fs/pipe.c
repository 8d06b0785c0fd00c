/* Pipes. See pipe.h. */
#include "pipe.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

struct pipe {
    int readers, writers;   /* open descriptions of each end */
    uint64_t ino;           /* what fstat shows */
    /* FIFOs (issue 12, fifo.c): the named pipe's identity and stat, and how
     * many ends were ever opened (a blocked open waits for these to move). */
    bool fifo;
    uint64_t fdev;
    struct stat fst;
    uint32_t r_counter, w_counter;
    struct pipe *fnext;
    /* The bytes, in kernel buffer pages of simulated RAM (mm.h kbuf_fifo),
     * present only while they hold bytes: an idle pipe costs no RAM. */
    struct kbuf_fifo buf;
};

static struct pipe *fifos;   /* the FIFOs with an open end */

static int64_t pipe_read(struct file *f, void *dst, uint64_t len)
{
    struct pipe *pp = f->priv;
    if (len == 0)
        return 0;
    if (pp->buf.len == 0) {
        if (pp->writers == 0)
            return 0;
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    }
    uint64_t n = len < pp->buf.len ? len : pp->buf.len;
    kbuf_fifo_peek(&pp->buf, 0, dst, n);
    kbuf_fifo_pop(&pp->buf, n);
    return (int64_t)n;
}

static int64_t pipe_write(struct file *f, const void *src, uint64_t len)
{
    struct pipe *pp = f->priv;
    if (pp->readers == 0)
        return -EPIPE;
    if (len == 0)
        return 0;
    uint64_t space = PIPE_CAPACITY - pp->buf.len;
    /* Up to PIPE_BUF bytes go in at once or not at all. */
    if (space == 0 || (len <= PIPE_BUF_ATOMIC && space < len))
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    uint64_t n = len < space ? len : space;
    uint64_t before = pp->buf.len;
    uint64_t got = kbuf_fifo_push(&pp->buf, src, n);
    if (got < n && len <= PIPE_BUF_ATOMIC) {
        kbuf_fifo_trim(&pp->buf, before);   /* atomic: all or nothing */
        got = 0;
    }
    return got ? (int64_t)got : -ENOMEM;   /* Linux pipe_write: the page allocation failed */
}

static int pipe_fstat(struct file *f, struct stat *st)
{
    struct pipe *pp = f->priv;
    if (pp->fifo) {   /* the named pipe's own inode */
        *st = pp->fst;
        return 0;
    }
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFIFO | 0600;
    st->st_dev = 0xc;   /* pipefs */
    st->st_ino = pp->ino;
    st->st_nlink = 1;
    st->st_uid = 1000;
    st->st_gid = 1000;
    st->st_blksize = 4096;
    return 0;
}

static int pipe_ioctl(struct file *f, unsigned cmd, const void *in, void *out, size_t *outlen)
{
    struct pipe *pp = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int n = (int)pp->buf.len;
    memcpy(out, &n, sizeof n);
    *outlen = sizeof n;
    return 0;
}

static int pipe_poll_rd(struct file *f)
{
    struct pipe *pp = f->priv;
    int ev = pp->buf.len ? LX_POLLIN | LX_POLLRDNORM : 0;
    return pp->writers == 0 ? ev | LX_POLLHUP : ev;
}

static int pipe_poll_wr(struct file *f)
{
    struct pipe *pp = f->priv;
    int ev = PIPE_CAPACITY - pp->buf.len >= PIPE_BUF_ATOMIC ? LX_POLLOUT | LX_POLLWRNORM : 0;
    return pp->readers == 0 ? ev | LX_POLLERR : ev;   /* Linux pipe_poll */
}

static void pipe_drop(struct pipe *pp)
{
    if (pp->readers != 0 || pp->writers != 0)
        return;
    for (struct pipe **pq = &fifos; *pq; pq = &(*pq)->fnext)
        if (*pq == pp) {
            *pq = pp->fnext;
            break;
        }
    kbuf_fifo_free(&pp->buf);
    free(pp);
}

static void pipe_release_rd(struct file *f)
{
    struct pipe *pp = f->priv;
    assert(pp->readers > 0);
    pp->readers--;
    pipe_drop(pp);
}

static void pipe_release_wr(struct file *f)
{
    struct pipe *pp = f->priv;
    assert(pp->writers > 0);
    pp->writers--;
    pipe_drop(pp);
}

static int64_t pipe_bad_read(struct file *f, void *dst, uint64_t len) { return -EBADF; }
static int64_t pipe_bad_write(struct file *f, const void *src, uint64_t len) { return -EBADF; }

static const struct file_ops pipe_rd_ops = {
    .read = pipe_read, .write = pipe_bad_write, .fstat = pipe_fstat, .ioctl = pipe_ioctl,
    .poll = pipe_poll_rd, .release = pipe_release_rd,
};
static const struct file_ops pipe_wr_ops = {
    .read = pipe_bad_read, .write = pipe_write, .fstat = pipe_fstat, .ioctl = pipe_ioctl,
    .poll = pipe_poll_wr, .release = pipe_release_wr,
};

/* A FIFO opened O_RDWR: one description with both ends. */
static int pipe_poll_rdwr(struct file *f) { return pipe_poll_rd(f) | pipe_poll_wr(f); }
static void pipe_release_rdwr(struct file *f)
{
    struct pipe *pp = f->priv;
    pp->readers--;
    pipe_release_wr(f);
}
static const struct file_ops pipe_rdwr_ops = {
    .read = pipe_read, .write = pipe_write, .fstat = pipe_fstat, .ioctl = pipe_ioctl,
    .poll = pipe_poll_rdwr, .release = pipe_release_rdwr,
};

bool file_is_pipe(const struct file *f)
{
    return f->ops == &pipe_rd_ops || f->ops == &pipe_wr_ops || f->ops == &pipe_rdwr_ops;
}

struct pipe *pipe_fifo_find(struct kernel *k, uint64_t dev, const struct stat *st, bool create)
{
    for (struct pipe *pp = fifos; pp; pp = pp->fnext)
        if (pp->fdev == dev && pp->fst.st_ino == st->st_ino)
            return pp;
    if (!create)
        return NULL;
    struct pipe *pp = calloc(1, sizeof *pp);
    if (!pp)
        return NULL;
    pp->fifo = true;
    kbuf_fifo_init(&pp->buf, k);
    pp->fdev = dev;
    pp->fst = *st;
    pp->ino = st->st_ino;
    pp->fnext = fifos;
    fifos = pp;
    return pp;
}

struct file *pipe_fifo_end(struct pipe *pp, int flags)
{
    int acc = flags & LX_O_ACCMODE;
    const struct file_ops *ops = acc == LX_O_RDONLY ? &pipe_rd_ops
                               : acc == LX_O_WRONLY ? &pipe_wr_ops : &pipe_rdwr_ops;
    struct file *f = file_new(ops, flags);
    if (!f)
        return NULL;
    f->priv = pp;
    if (acc != LX_O_WRONLY) {
        pp->readers++;
        pp->r_counter++;
    }
    if (acc != LX_O_RDONLY) {
        pp->writers++;
        pp->w_counter++;
    }
    return f;
}

void pipe_fifo_counts(const struct pipe *pp, int *readers, int *writers, uint32_t *r_counter,
                      uint32_t *w_counter)
{
    *readers = pp->readers;
    *writers = pp->writers;
    *r_counter = pp->r_counter;
    *w_counter = pp->w_counter;
}

void pipe_fifo_unused(struct pipe *pp)
{
    pipe_drop(pp);
}

int pipe_new(struct kernel *k, int flags, uint64_t ino, struct file **rd, struct file **wr)
{
    struct pipe *pp = calloc(1, sizeof *pp);
    *rd = file_new(&pipe_rd_ops, LX_O_RDONLY | (flags & LX_O_NONBLOCK));
    *wr = file_new(&pipe_wr_ops, LX_O_WRONLY | (flags & LX_O_NONBLOCK));
    if (!pp || !*rd || !*wr) {
        free(pp);
        free(*rd);
        free(*wr);
        *rd = *wr = NULL;
        return -ENOMEM;
    }
    pp->ino = ino;
    kbuf_fifo_init(&pp->buf, k);
    pp->readers = pp->writers = 1;
    (*rd)->priv = (*wr)->priv = pp;
    return 0;
}
