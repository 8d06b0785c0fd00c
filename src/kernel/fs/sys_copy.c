/* In-kernel copies between descriptors (issue 12): sendfile(2) and
 * copy_file_range(2), through the open files' read/write operations, in
 * chunks, without the guest's memory. */
#include <errno.h>
#include <stdlib.h>

#include "file.h"
#include "pipe.h"
#include "sys_file.h"

#define COPY_CHUNK 65536

static bool readable(const struct file *f)
{
    int acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && acc != LX_O_WRONLY;
}

static bool writable(const struct file *f)
{
    int acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && acc != LX_O_RDONLY;
}

static struct file *fd_of(struct proc *p, uint64_t fd)
{
    return (uint32_t)fd < FILES_MAX ? files_lookup(p->files, (int)(uint32_t)fd) : NULL;
}

/* Copies up to len bytes from in at *in_off (positional: in's offset is not
 * touched) to out at *out_off (or out's file offset when out_off is NULL).
 * Returns bytes copied, or -errno / -LX_ERESTART_BLOCK when none were. */
static int64_t copy(struct proc *p, struct file *in, uint64_t *in_off, struct file *out,
                    uint64_t *out_off, uint64_t len)
{
    uint8_t *buf = malloc(COPY_CHUNK);
    if (!buf)
        return -ENOMEM;
    int64_t done = 0;
    while ((uint64_t)done < len) {
        uint64_t n = len - (uint64_t)done < COPY_CHUNK ? len - (uint64_t)done : COPY_CHUNK;
        int64_t r = in->ops->pread(in, buf, n, *in_off);
        if (r <= 0) {
            if (!done)
                done = r;
            break;
        }
        int64_t w = out_off ? out->ops->pwrite(out, buf, (uint64_t)r, *out_off)
                            : out->ops->write(out, buf, (uint64_t)r);
        if (w < 0) {
            if (!done)
                done = w;
            break;
        }
        *in_off += (uint64_t)w;
        if (out_off)
            *out_off += (uint64_t)w;
        done += w;
        if (w < r)
            break;   /* a full pipe or disk: the rest is for a later call */
    }
    free(buf);
    if (done == -EPIPE && file_is_pipe(out))
        signal_send(p, LX_SIGPIPE);
    return done;
}

/* sendfile(out_fd, in_fd, off_t *offset, count): in must be a file that
 * can be read at an offset (Linux before 5.12 too: EINVAL otherwise). */
int64_t sys_sendfile(struct proc *p, const uint64_t a[6])
{
    struct file *out = fd_of(p, a[0]), *in = fd_of(p, a[1]);
    if (!in || !out || !readable(in) || !writable(out))
        return -EBADF;
    if (!in->ops->pread || !out->ops->write || (out->flags & LX_O_APPEND))
        return -EINVAL;
    uint64_t count = a[3] > 0x7ffff000 ? 0x7ffff000 : a[3];   /* MAX_RW_COUNT */
    uint64_t off = in->pos;
    if (a[2]) {
        int64_t o;
        int rc = user_copyin(p, &o, a[2], sizeof o);
        if (rc)
            return rc;
        if (o < 0)
            return -EINVAL;
        off = (uint64_t)o;
    }
    int64_t r = copy(p, in, &off, out, NULL, count);
    if (r < 0)
        return r;
    if (a[2]) {
        int64_t o = (int64_t)off;
        int rc = user_copyout(p, a[2], &o, sizeof o);
        if (rc)
            return rc;
    } else {
        in->pos = off;
    }
    return r;
}

/* copy_file_range(fd_in, off_in*, fd_out, off_out*, len, flags): regular
 * files only (EINVAL), flags 0. */
int64_t sys_copy_file_range(struct proc *p, const uint64_t a[6])
{
    struct file *in = fd_of(p, a[0]), *out = fd_of(p, a[2]);
    if (a[5])
        return -EINVAL;
    if (!in || !out || !readable(in) || !writable(out) || (out->flags & LX_O_APPEND))
        return -EBADF;
    if (!in->vf || !out->vf || !in->ops->pread || !out->ops->pwrite)
        return -EINVAL;   /* not regular files */
    uint64_t ioff = in->pos, ooff = out->pos;
    int64_t o;
    if (a[1]) {
        int rc = user_copyin(p, &o, a[1], sizeof o);
        if (rc)
            return rc;
        if (o < 0)
            return -EINVAL;
        ioff = (uint64_t)o;
    }
    if (a[3]) {
        int rc = user_copyin(p, &o, a[3], sizeof o);
        if (rc)
            return rc;
        if (o < 0)
            return -EINVAL;
        ooff = (uint64_t)o;
    }
    uint64_t len = a[4] > 0x7ffff000 ? 0x7ffff000 : a[4];
    /* One file, overlapping ranges: EINVAL, as Linux. */
    if (in->vf == out->vf && ioff < ooff + len && ooff < ioff + len)
        return -EINVAL;
    int64_t r = copy(p, in, &ioff, out, &ooff, len);
    if (r < 0)
        return r;
    int rc = 0;
    if (a[1]) {
        o = (int64_t)ioff;
        rc = user_copyout(p, a[1], &o, sizeof o);
    } else {
        in->pos = ioff;
    }
    if (!rc && a[3]) {
        o = (int64_t)ooff;
        rc = user_copyout(p, a[3], &o, sizeof o);
    } else if (!rc) {
        out->pos = ooff;
    }
    return rc ? rc : r;
}
