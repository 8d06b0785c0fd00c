/* File system calls on descriptors. See sys_file.h. Guest pointers are named
 * g_*; they are only touched through user_copyin/user_copyout, in chunks of
 * IO_CHUNK bytes through a kernel buffer. */
#include "sys_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devfile.h"
#include "file.h"
#include "evfd.h"
#include "shmfile.h"
#include "socket.h"
#include "lock.h"
#include "pipe.h"
#include "../proc/proc.h"
#include "../../machine/hart.h"
#include "vfs.h"

#define IO_CHUNK 65536
#define IOV_MAX_LX 1024
#define GETDENTS_MAX (1u << 20)

/* struct stat of the generic ABI (asm-generic/stat.h), 128 bytes. */
struct lx_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
    uint32_t unused[2];
};
_Static_assert(sizeof(struct lx_stat) == 128, "struct stat of riscv64 is 128 bytes");

/* Device numbers in the kernel's new_encode_dev() form, which the generic
 * ABI's 64-bit st_dev carries. */
static uint64_t lx_dev(dev_t d)
{
    uint64_t maj = major(d), min = minor(d);
    return (min & 0xff) | (maj << 8) | ((min & ~0xffULL) << 12);
}

uint32_t sys_file_guest_id(const struct proc *p, uint32_t host_id, bool gid)
{
    uint32_t self = gid ? (uint32_t)getegid() : (uint32_t)geteuid();
    return host_id == self ? (gid ? p->os->gid : p->os->uid) : host_id;
}

int sys_put_stat(struct proc *p, uint64_t g_st, const struct stat *hs)
{
    struct lx_stat st = {
        .st_dev = lx_dev(hs->st_dev), .st_ino = hs->st_ino, .st_mode = hs->st_mode,
        .st_nlink = (uint32_t)hs->st_nlink, .st_uid = sys_file_guest_id(p, hs->st_uid, false),
        .st_gid = sys_file_guest_id(p, hs->st_gid, true),
        .st_rdev = lx_dev(hs->st_rdev), .st_size = hs->st_size,
        .st_blksize = (int32_t)hs->st_blksize, .st_blocks = hs->st_blocks,
        .st_atime_sec = hs->st_atim.tv_sec, .st_atime_nsec = hs->st_atim.tv_nsec,
        .st_mtime_sec = hs->st_mtim.tv_sec, .st_mtime_nsec = hs->st_mtim.tv_nsec,
        .st_ctime_sec = hs->st_ctim.tv_sec, .st_ctime_nsec = hs->st_ctim.tv_nsec,
    };
    return user_copyout(p, g_st, &st, sizeof st);
}

/* fd arguments are C ints (unsigned int in Linux's prototypes): the upper
 * half of the register is ignored. */
static struct file *fd_file(struct proc *p, uint64_t fd)
{
    return (uint32_t)fd < FILES_MAX ? files_lookup(p->files, (int)(uint32_t)fd) : NULL;
}

static bool can_read(const struct file *f)
{
    int acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && (acc == LX_O_RDONLY || acc == LX_O_RDWR);
}

static bool can_write(const struct file *f)
{
    int acc = f->flags & LX_O_ACCMODE;
    return !(f->flags & LX_O_PATH) && (acc == LX_O_WRONLY || acc == LX_O_RDWR);
}

/* ---- read and write ------------------------------------------------------ */

int sys_fsize_check(struct proc *p, uint64_t at, uint64_t *len)
{
    uint64_t lim = p->rlimit_fsize[0];
    if (lim == UINT64_MAX || *len == 0)
        return 0;
    if (at >= lim) {
        signal_send(p, LX_SIGXFSZ);
        return -EFBIG;
    }
    if (*len > lim - at)
        *len = lim - at;
    return 0;
}

/* One transfer of up to len bytes between guest memory at g_buf and f, at
 * off (positional) or the file offset (off < 0). Returns bytes done, or an
 * error / -LX_ERESTART_BLOCK when nothing was done. */
static int64_t xfer(struct proc *p, struct file *f, bool wr, uint64_t g_buf, uint64_t len,
                    int64_t off)
{
    if (wr ? !can_write(f) : !can_read(f))
        return -EBADF;
    if (off >= 0 && !(wr ? f->ops->pwrite != NULL : f->ops->pread != NULL))
        return -ESPIPE;
    if (off < 0 && !(wr ? f->ops->write != NULL : f->ops->read != NULL))
        return -EINVAL;
    if (len > INT64_MAX)
        len = INT64_MAX;
    if (wr && f->vf) {
        int64_t at = off >= 0 ? off : (f->flags & LX_O_APPEND) ? (int64_t)vfile_size(f->vf)
                                                               : (int64_t)f->pos;
        int rc = sys_fsize_check(p, (uint64_t)at, &len);
        if (rc)
            return rc;
    }
    uint8_t *buf = malloc(len < IO_CHUNK ? (len ? len : 1) : IO_CHUNK);
    if (!buf)
        return -ENOMEM;
    int64_t done = 0;
    /* Pipes, ttys and other host streams: one transfer (a second would wait). */
    bool stream = file_is_pipe(f) || file_is_socket(f) || (f->host_fd >= 0 && !f->vf);
    if (wr && f->host_fd >= 0 && !f->vf && p->os->output_hook)
        p->os->output_hook(p->os->output_hook_ctx);
    while ((uint64_t)done < len) {
        uint64_t n = len - (uint64_t)done < IO_CHUNK ? len - (uint64_t)done : IO_CHUNK;
        int64_t r;
        if (wr) {
            int rc = user_copyin(p, buf, g_buf + (uint64_t)done, n);
            if (rc) {
                r = rc;
            } else {
                r = off >= 0 ? f->ops->pwrite(f, buf, n, (uint64_t)off + (uint64_t)done)
                             : f->ops->write(f, buf, n);
            }
        } else {
            r = off >= 0 ? f->ops->pread(f, buf, n, (uint64_t)off + (uint64_t)done)
                         : f->ops->read(f, buf, n);
            if (r > 0) {
                int rc = user_copyout(p, g_buf + (uint64_t)done, buf, (uint64_t)r);
                if (rc) {
                    /* Nothing reached the guest: a file offset stays where it was. */
                    if (off < 0 && f->vf)
                        f->pos -= (uint64_t)r;
                    r = rc;
                }
            }
        }
        if (r < 0) {
            if (!done)
                done = r;
            break;
        }
        done += r;
        if ((uint64_t)r < n || stream)
            break;
    }
    free(buf);
    if (done == -EPIPE && wr && (file_is_pipe(f) || file_is_socket(f)))
        signal_send(p, LX_SIGPIPE);
    return done;
}

int64_t sys_read(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    int64_t r;
    if (f && evfd_read(p, f, a[1], a[2], &r))   /* signalfd, timerfd (issue 16) */
        return r;
    return f ? xfer(p, f, false, a[1], a[2], -1) : -EBADF;
}

int64_t sys_write_all(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len,
                      int64_t (*once)(struct proc *, struct file *, uint64_t, uint64_t, void *),
                      void *ctx)
{
    uint64_t prior = 0;
    /* p->partial: this is the resumed call (a signal in between would have
     * ended it with the count, see proc.h). */
    if (p->partial && f->wr_pending.pid == p->pid && f->wr_pending.buf == g_buf &&
        f->wr_pending.len == len)
        prior = f->wr_pending.done;
    f->wr_pending.pid = 0;
    p->partial = 0;
    uint64_t done = 0;
    int64_t ret = 0;
    while (done < len) {
        int64_t w = once(p, f, g_buf + done, len - done, ctx);
        if (w == -LX_ERESTART_BLOCK && (prior || done) && p->hart) {
            f->wr_pending.pid = p->pid;
            f->wr_pending.buf = g_buf + done;
            f->wr_pending.len = len - done;
            f->wr_pending.done = prior + done;
            p->partial = prior + done;
            p->hart->x[11] = g_buf + done;
            p->hart->x[12] = len - done;
            return w;
        }
        if (w < 0) {
            ret = w;
            break;
        }
        done += (uint64_t)w;
    }
    if (prior && p->hart) {   /* the registers as the caller gave them */
        p->hart->x[11] = g_buf - prior;
        p->hart->x[12] = len + prior;
    }
    return prior + done ? (int64_t)(prior + done) : ret;
}

static int64_t write_once(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len, void *ctx)
{
    return xfer(p, f, true, g_buf, len, -1);
}

int64_t sys_write(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    /* (a blocking stream socket, too, takes all of a write: issue 16) */
    if ((file_is_pipe(f) || file_is_socket(f)) && !(f->flags & LX_O_NONBLOCK) &&
        a[2] > PIPE_BUF_ATOMIC)
        return sys_write_all(p, f, a[1], a[2], write_once, NULL);
    return xfer(p, f, true, a[1], a[2], -1);
}

int64_t sys_pread64(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    return xfer(p, f, false, a[1], a[2], (int64_t)a[3]);
}

int64_t sys_pwrite64(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)a[3] < 0)
        return -EINVAL;
    return xfer(p, f, true, a[1], a[2], (int64_t)a[3]);
}

/* readv/writev/preadv/pwritev: the vectors in order, stopping at the first
 * short transfer. */
static int64_t xferv(struct proc *p, uint64_t fd, bool wr, uint64_t g_iov, uint64_t cnt,
                     int64_t off)
{
    struct file *f = fd_file(p, fd);
    if (!f)
        return -EBADF;
    if (cnt > IOV_MAX_LX)
        return -EINVAL;
    uint64_t (*iov)[2] = malloc((cnt ? cnt : 1) * sizeof *iov);
    if (!iov)
        return -ENOMEM;
    int rc = user_copyin(p, iov, g_iov, cnt * sizeof *iov);
    if (rc) {
        free(iov);
        return rc;
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if (iov[i][1] > INT64_MAX - sum) {
            free(iov);
            return -EINVAL;
        }
        sum += iov[i][1];
    }
    int64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if (iov[i][1] == 0)
            continue;
        int64_t r = xfer(p, f, wr, iov[i][0], iov[i][1], off < 0 ? -1 : off + total);
        if (r < 0) {
            if (!total)
                total = r;
            break;
        }
        total += r;
        if ((uint64_t)r < iov[i][1])
            break;
    }
    free(iov);
    return total;
}

int64_t sys_readv(struct proc *p, const uint64_t a[6]) { return xferv(p, a[0], false, a[1], a[2], -1); }
int64_t sys_writev(struct proc *p, const uint64_t a[6]) { return xferv(p, a[0], true, a[1], a[2], -1); }

int64_t sys_preadv(struct proc *p, const uint64_t a[6])
{
    return (int64_t)a[3] < 0 ? -EINVAL : xferv(p, a[0], false, a[1], a[2], (int64_t)a[3]);
}

int64_t sys_pwritev(struct proc *p, const uint64_t a[6])
{
    return (int64_t)a[3] < 0 ? -EINVAL : xferv(p, a[0], true, a[1], a[2], (int64_t)a[3]);
}

/* ---- descriptors --------------------------------------------------------- */

int64_t sys_close(struct proc *p, const uint64_t a[6])
{
    return (uint32_t)a[0] < FILES_MAX ? files_close(p->files, (int)(uint32_t)a[0]) : -EBADF;
}

int64_t sys_lseek(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->lseek)
        return -ESPIPE;
    if (a[2] > SEEK_HOLE)
        return -EINVAL;
    return f->ops->lseek(f, (int64_t)a[1], (int)a[2]);
}

int64_t sys_fstat(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    struct stat st;
    int rc = f->ops->fstat ? f->ops->fstat(f, &st) : -EINVAL;
    return rc ? rc : sys_put_stat(p, a[1], &st);
}

/* Copies out the records getdents produced in buf[0, n) as Linux's filldir64
 * writes them: each record's header, name and NUL, but not the padding up
 * to d_reclen, which keeps what the guest's buffer held there. */
static int put_dirents(struct proc *p, uint64_t g_dst, const uint8_t *buf, uint64_t n)
{
    enum { NAME_AT = 19 };   /* d_ino, d_off, d_reclen, d_type */
    uint64_t off = 0;
    while (off < n) {
        uint16_t reclen = 0;
        if (n - off >= NAME_AT + 1)
            memcpy(&reclen, buf + off + 16, sizeof reclen);
        if (reclen < NAME_AT + 1 || reclen > n - off)
            return user_copyout(p, g_dst + off, buf + off, n - off);   /* not records */
        size_t used = NAME_AT + strnlen((const char *)buf + off + NAME_AT, reclen - NAME_AT) + 1;
        int rc = user_copyout(p, g_dst + off, buf + off, used < reclen ? used : reclen);
        if (rc)
            return rc;
        off += reclen;
    }
    return 0;
}

int64_t sys_getdents64(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->getdents)
        return -ENOTDIR;
    uint64_t len = a[2] < GETDENTS_MAX ? a[2] : GETDENTS_MAX;
    /* Zeroed: the host's getdents64 leaves the padding of each record as
     * it was, and no byte of vmsim's own heap may reach the guest. */
    uint8_t *buf = calloc(1, len ? len : 1);
    if (!buf)
        return -ENOMEM;
    int64_t r = f->ops->getdents(f, buf, len);
    if (r > 0) {
        int rc = put_dirents(p, a[1], buf, (uint64_t)r);
        if (rc)
            r = rc;
    }
    free(buf);
    return r;
}

int64_t sys_ftruncate(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)a[1] < 0)
        return -EINVAL;
    if (file_is_shm(f))   /* tmpfs file, memfd (issue 16) */
        return can_write(f) ? shm_file_truncate(f, a[1]) : -EINVAL;
    int rc = file_may_modify(f);
    if (rc && (f->vf || f->ops->lseek) && can_write(f))
        return rc;
    if (!f->vf || !can_write(f))
        return -EINVAL;   /* Linux: not a regular file open for writing */
    if (a[1] > p->rlimit_fsize[0]) {   /* inode_newsize_ok */
        signal_send(p, LX_SIGXFSZ);
        return -EFBIG;
    }
    struct stat before, after;
    bool measured = fstat(file_host_fd(f), &before) == 0;
    if (ftruncate(file_host_fd(f), (off_t)a[1]) < 0)
        return -errno;
    if (measured && fstat(file_host_fd(f), &after) == 0)   /* --disk-quota: what it freed */
        kernel_disk_account(p->k, ((int64_t)after.st_blocks - (int64_t)before.st_blocks) * 512);
    vfile_truncated(f->vf, a[1]);
    return 0;
}

/* fallocate(fd, mode, off, len): shmem files (shmfile.c); EPERM on
 * inherited stdio, EROFS in the sysroot; host files are not punched or
 * preallocated here (EOPNOTSUPP, as a file system without the operation
 * says: posix_fallocate then writes the blocks itself). */
int64_t sys_fallocate(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)a[2] < 0 || (int64_t)a[3] <= 0)
        return -EINVAL;
    if ((int64_t)a[2] > INT64_MAX - (int64_t)a[3])
        return -EFBIG;
    if (!can_write(f))
        return -EBADF;
    int rc = file_may_modify(f);
    if (rc)
        return rc;
    if (file_is_pipe(f))
        return -ESPIPE;
    if (file_is_shm(f))
        return shm_file_fallocate(f, (int)a[1], a[2], a[3]);
    if (!f->vf)
        return f->ops->getdents ? -EISDIR : -ENODEV;
    return -EOPNOTSUPP;
}

int64_t sys_fsync(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if (file_is_pipe(f))
        return -EINVAL;
    /* Dirty mapped pages are seen by read(2) through the page cache already;
     * msync/munmap write them to the host file. */
    return 0;
}

int64_t sys_fchmod(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if (f->host_fd < 0)
        return f->ops->fstat ? -EPERM : -EBADF;
    int rc = file_may_modify(f);
    if (rc)
        return rc;
    return fchmod(file_host_fd(f), (mode_t)(a[1] & 07777)) < 0 ? -errno : 0;
}

int64_t sys_dup(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    return f ? files_install(p->files, file_get(f), 0, false) : -EBADF;
}

int64_t sys_dup3(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (a[2] & ~(uint64_t)LX_O_CLOEXEC)
        return -EINVAL;
    if (!f)
        return -EBADF;
    if ((uint32_t)a[0] == (uint32_t)a[1])
        return -EINVAL;
    if ((uint32_t)a[1] >= FILES_MAX)
        return -EBADF;
    return files_install_at(p->files, f, (int)a[1], a[2] & LX_O_CLOEXEC);
}

#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_F_SETPIPE_SZ 1031
#define LX_F_GETPIPE_SZ 1032
#define LX_FD_CLOEXEC 1
/* The flags F_SETFL may change (fs/fcntl.c SETFL_MASK, without O_ASYNC). */
#define LX_SETFL_MASK (LX_O_APPEND | LX_O_NONBLOCK | LX_O_DIRECT | LX_O_NOATIME)

int64_t sys_fcntl(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    int fd = (int)a[0];
    switch (a[1]) {
    case LX_F_DUPFD:
    case LX_F_DUPFD_CLOEXEC:
        if (a[2] >= FILES_MAX)
            return -EINVAL;
        return files_install(p->files, file_get(f), (int)a[2], a[1] == LX_F_DUPFD_CLOEXEC);
    case LX_F_GETFD:
        return files_get_cloexec(p->files, fd) ? LX_FD_CLOEXEC : 0;
    case LX_F_SETFD:
        files_set_cloexec(p->files, fd, a[2] & LX_FD_CLOEXEC);
        return 0;
    case LX_F_GETFL:
        return f->flags;
    case LX_F_SETFL:
        f->flags = (f->flags & ~LX_SETFL_MASK) | ((int)a[2] & LX_SETFL_MASK);
        return 0;
    case LX_F_GETLK:
    case LX_F_OFD_GETLK:
    case LX_F_SETLK:
    case LX_F_SETLKW:
    case LX_F_OFD_SETLK:
    case LX_F_OFD_SETLKW:
        return lock_fcntl(p, f, (int)a[1], a[2]);
    case LX_F_GETPIPE_SZ:
    case LX_F_SETPIPE_SZ:
        return file_is_pipe(f) ? PIPE_CAPACITY : -EBADF;
    case LX_F_ADD_SEALS:
    case LX_F_GET_SEALS:
        return shm_fcntl_seals(f, (int)a[1], a[2]);
    default:
        return -EINVAL;
    }
}

#define LX_TCGETS 0x5401
#define LX_TIOCGWINSZ 0x5413
#define LX_FIONREAD 0x541b
#define LX_FIONBIO 0x5421
#define LX_FIONCLEX 0x5450
#define LX_FIOCLEX 0x5451

int64_t sys_ioctl(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    unsigned cmd = (unsigned)a[1];
    switch (cmd) {
    case LX_FIOCLEX:
    case LX_FIONCLEX:
        files_set_cloexec(p->files, (int)a[0], cmd == LX_FIOCLEX);
        return 0;
    case LX_FIONBIO: {
        int on;
        int rc = user_copyin(p, &on, a[2], sizeof on);
        if (rc)
            return rc;
        f->flags = on ? f->flags | LX_O_NONBLOCK : f->flags & ~LX_O_NONBLOCK;
        return 0;
    }
    }
    if (devfile_is(f))   /* fbdev: structures larger than out[] below */
        return devfile_ioctl(p, f, cmd, a[2]);
    if (!f->ops->ioctl)
        return -ENOTTY;
    uint8_t out[64] = {0};
    size_t outlen = 0;
    int rc = f->ops->ioctl(f, cmd == LX_TCGETS ? TCGETS : cmd == LX_TIOCGWINSZ ? TIOCGWINSZ
                                                : cmd == LX_FIONREAD        ? FIONREAD
                                                                            : cmd,
                           NULL, out, &outlen);
    if (rc)
        return rc;
    return outlen ? user_copyout(p, a[2], out, outlen) : 0;
}

int64_t sys_pipe2(struct proc *p, const uint64_t a[6])
{
    if (a[1] & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
        return -EINVAL;
    struct file *rd, *wr;
    uint64_t ino = ((uint64_t)p->pid << 24) + files_next_seq(p->files);
    int rc = pipe_new(p->k, (int)a[1], ino, &rd, &wr);
    if (rc)
        return rc;
    bool cloexec = a[1] & LX_O_CLOEXEC;
    int fds[2];
    fds[0] = files_install(p->files, rd, 0, cloexec);
    if (fds[0] < 0) {
        file_put(wr);
        return fds[0];
    }
    fds[1] = files_install(p->files, wr, 0, cloexec);
    if (fds[1] < 0) {
        files_close(p->files, fds[0]);
        return fds[1];
    }
    rc = user_copyout(p, a[0], fds, sizeof fds);
    if (rc) {
        files_close(p->files, fds[0]);
        files_close(p->files, fds[1]);
    }
    return rc;
}

int64_t sys_fchdir(struct proc *p, const uint64_t a[6])
{
    struct file *f = fd_file(p, a[0]);
    if (!f)
        return -EBADF;
    if (!f->ops->getdents || !f->path)
        return -ENOTDIR;
    struct vfs_lookup l;
    int rc = vfs_lookup(p->fs, f->base, f->path, ".", VFS_FOLLOW, &l);
    if (rc)
        return rc;
    rc = fs_chdir(p->fs, &l);
    vfs_lookup_done(&l);
    return rc;
}
