/* Pipes. See pipe.h. */
#include "pipe.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

struct pipe {
    int readers, writers;   /* open descriptions of each end */
    uint64_t ino;           /* what fstat shows */
    uint32_t head, len;     /* ring: bytes [head, head+len) mod capacity */
    uint8_t buf[PIPE_CAPACITY];
};

static int64_t pipe_read(struct file *f, void *dst, uint64_t len)
{
    struct pipe *pp = f->priv;
    if (len == 0)
        return 0;
    if (pp->len == 0) {
        if (pp->writers == 0)
            return 0;
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    }
    uint64_t n = len < pp->len ? len : pp->len;
    uint64_t first = PIPE_CAPACITY - pp->head < n ? PIPE_CAPACITY - pp->head : n;
    memcpy(dst, pp->buf + pp->head, first);
    memcpy((uint8_t *)dst + first, pp->buf, n - first);
    pp->head = (uint32_t)((pp->head + n) % PIPE_CAPACITY);
    pp->len -= (uint32_t)n;
    if (pp->len == 0)
        pp->head = 0;
    return (int64_t)n;
}

static int64_t pipe_write(struct file *f, const void *src, uint64_t len)
{
    struct pipe *pp = f->priv;
    if (pp->readers == 0)
        return -EPIPE;
    if (len == 0)
        return 0;
    uint64_t space = PIPE_CAPACITY - pp->len;
    /* Up to PIPE_BUF bytes go in at once or not at all. */
    if (space == 0 || (len <= PIPE_BUF_ATOMIC && space < len))
        return (f->flags & LX_O_NONBLOCK) ? -EAGAIN : -LX_ERESTART_BLOCK;
    uint64_t n = len < space ? len : space;
    uint32_t tail = (pp->head + pp->len) % PIPE_CAPACITY;
    uint64_t first = PIPE_CAPACITY - tail < n ? PIPE_CAPACITY - tail : n;
    memcpy(pp->buf + tail, src, first);
    memcpy(pp->buf, (const uint8_t *)src + first, n - first);
    pp->len += (uint32_t)n;
    return (int64_t)n;
}

static int pipe_fstat(struct file *f, struct stat *st)
{
    struct pipe *pp = f->priv;
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
    int n = (int)pp->len;
    memcpy(out, &n, sizeof n);
    *outlen = sizeof n;
    return 0;
}

static int pipe_poll_rd(struct file *f)
{
    struct pipe *pp = f->priv;
    int ev = pp->len ? LX_POLLIN | LX_POLLRDNORM : 0;
    return pp->writers == 0 ? ev | LX_POLLHUP : ev;
}

static int pipe_poll_wr(struct file *f)
{
    struct pipe *pp = f->priv;
    int ev = PIPE_CAPACITY - pp->len >= PIPE_BUF_ATOMIC ? LX_POLLOUT | LX_POLLWRNORM : 0;
    return pp->readers == 0 ? ev | LX_POLLERR : ev;   /* Linux pipe_poll */
}

static void pipe_drop(struct pipe *pp)
{
    if (pp->readers == 0 && pp->writers == 0)
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

bool file_is_pipe(const struct file *f)
{
    return f->ops == &pipe_rd_ops || f->ops == &pipe_wr_ops;
}

int pipe_new(int flags, uint64_t ino, struct file **rd, struct file **wr)
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
    pp->readers = pp->writers = 1;
    (*rd)->priv = (*wr)->priv = pp;
    return 0;
}
