/* Open file descriptions of host objects and virtual devices, and
 * descriptor tables. See file.h; pipes are in pipe.c. */
#include "file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "devfile.h"
#include "lock.h"
#include "../mm/mm.h"
#include "vfs.h"

struct files {
    int refcount;
    uint64_t seq;   /* numbers handed out by files_next_seq */
    struct file *fd[FILES_MAX];
    bool cloexec[FILES_MAX];
};

/* ---- descriptions ------------------------------------------------------- */

struct file *file_new(const struct file_ops *ops, int flags)
{
    struct file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->refcount = 1;
    f->ops = ops;
    f->flags = flags;
    f->host_fd = -1;
    f->floor = -1;
    return f;
}

struct file *file_get(struct file *f)
{
    assert(f->refcount > 0);
    f->refcount++;
    return f;
}

void file_put(struct file *f)
{
    if (!f)
        return;
    assert(f->refcount > 0);
    if (--f->refcount > 0) {
        if (f->ops->unref)
            f->ops->unref(f);
        return;
    }
    lock_file_release(f);
    if (f->ops->release)
        f->ops->release(f);
    if (f->write_access)
        vfile_put_write(f->vf);
    vfile_put(f->vf);
    free(f->path);
    free(f);
}

int file_host_fd(struct file *f)
{
    if (f->host_fd < 0)
        return -1;
    if (f->borrowed)   /* regular files: their vfile's (vfile_host_fd) */
        return vfile_host_fd(f->vf);
    if (f->dirh)
        return hostfd_get(f->dirh);
    return f->host_fd;
}

static void host_release(struct file *f)
{
    if (f->dirh) {
        hostfd_close(f->dirh);
        free(f->dirh);
    } else if (f->host_fd >= 0 && !f->borrowed) {
        close(f->host_fd);
    }
}

static int host_fstat(struct file *f, struct stat *st)
{
    return fstat(file_host_fd(f), st) < 0 ? -errno : 0;
}

static int64_t ret_errno(ssize_t r) { return r < 0 ? -errno : (int64_t)r; }

/* ---- regular host files: through the page cache when there is a vfile -- */

static int64_t reg_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    if ((int64_t)off < 0)
        return -EINVAL;
    if (f->vf)
        return vfile_read(f->vf, buf, len, off);
    return ret_errno(pread(file_host_fd(f), buf, len, (off_t)off));
}

static int64_t reg_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    if ((int64_t)off < 0)
        return -EINVAL;
    if (f->vf && vfile_writable(f->vf))
        return vfile_write(f->vf, buf, len, off);
    return ret_errno(pwrite(file_host_fd(f), buf, len, (off_t)off));
}

static int64_t reg_size(struct file *f)
{
    struct stat st;
    return fstat(file_host_fd(f), &st) < 0 ? -errno : (int64_t)st.st_size;
}

static int64_t reg_read(struct file *f, void *buf, uint64_t len)
{
    int64_t r = reg_pread(f, buf, len, f->pos);
    if (r > 0)
        f->pos += (uint64_t)r;
    return r;
}

static int64_t reg_write(struct file *f, const void *buf, uint64_t len)
{
    if (f->flags & LX_O_APPEND) {
        int64_t size = reg_size(f);
        if (size < 0)
            return size;
        f->pos = (uint64_t)size;
    }
    int64_t w = reg_pwrite(f, buf, len, f->pos);
    if (w > 0)
        f->pos += (uint64_t)w;
    return w;
}

static int64_t reg_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->pos; break;
    case SEEK_END:
        base = reg_size(f);
        if (base < 0)
            return base;
        break;
    case SEEK_DATA:
    case SEEK_HOLE: {
        off_t r = lseek(file_host_fd(f), (off_t)off, whence);
        if (r < 0)
            return -errno;
        f->pos = (uint64_t)r;
        return r;
    }
    default: return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (int64_t)f->pos;
}

static int reg_mmap(struct file *f, struct vfile **out)
{
    if (!f->vf)
        return -EACCES;
    *out = vfile_get(f->vf);
    return 0;
}

static const struct file_ops reg_ops = {
    .read = reg_read, .write = reg_write, .pread = reg_pread, .pwrite = reg_pwrite,
    .lseek = reg_lseek, .fstat = host_fstat, .mmap = reg_mmap, .release = host_release,
};

/* ---- host directories ---------------------------------------------------- */

static int64_t dir_read(struct file *f, void *buf, uint64_t len) { return -EISDIR; }

static int64_t dir_getdents(struct file *f, void *buf, uint64_t len)
{
    /* struct linux_dirent64 has the same layout on every Linux ABI. */
    return ret_errno(syscall(SYS_getdents64, file_host_fd(f), buf, len));
}

static int64_t dir_lseek(struct file *f, int64_t off, int whence)
{
    return ret_errno(lseek(file_host_fd(f), (off_t)off, whence));
}

static const struct file_ops dir_ops = {
    .read = dir_read, .pread = NULL, .lseek = dir_lseek, .fstat = host_fstat,
    .getdents = dir_getdents, .release = host_release,
};

/* ---- other host objects (stdio, FIFOs, devices in the sandbox) ---------- */

static int64_t stream_read(struct file *f, void *buf, uint64_t len)
{
    return ret_errno(read(f->host_fd, buf, len));
}

static int64_t stream_write(struct file *f, const void *buf, uint64_t len)
{
    return ret_errno(write(f->host_fd, buf, len));
}

static int64_t stream_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    return ret_errno(pread(f->host_fd, buf, len, (off_t)off));
}

static int64_t stream_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    return ret_errno(pwrite(f->host_fd, buf, len, (off_t)off));
}

static int stream_ioctl(struct file *f, unsigned cmd, const void *in, void *out, size_t *outlen)
{
    /* The generic ABI's struct termios (36 bytes) and struct winsize have
     * the same layout and flag values as the host's (x86-64, arm64). */
    if (!isatty(f->host_fd))
        return -ENOTTY;
    if (cmd == TCGETS) {
        if (ioctl(f->host_fd, TCGETS, out) < 0)
            return -errno;
        *outlen = 36;
        return 0;
    }
    if (cmd == TIOCGWINSZ) {
        struct winsize ws = {.ws_row = 24, .ws_col = 80};
        ioctl(f->host_fd, TIOCGWINSZ, &ws);
        memcpy(out, &ws, sizeof ws);
        *outlen = sizeof ws;
        return 0;
    }
    return -ENOTTY;
}

static void stdio_release(struct file *f) { /* the host's descriptor stays open */ }

/* The host's answer, without waiting (a terminal or a pipe from outside). */
static int stream_poll(struct file *f)
{
    struct pollfd pfd = {.fd = f->host_fd, .events = POLLIN | POLLOUT};
    if (poll(&pfd, 1, 0) < 0)
        return LX_POLLERR;
    return (pfd.revents & POLLIN ? LX_POLLIN | LX_POLLRDNORM : 0) |
           (pfd.revents & POLLOUT ? LX_POLLOUT | LX_POLLWRNORM : 0) |
           (pfd.revents & POLLHUP ? LX_POLLHUP : 0) | (pfd.revents & POLLERR ? LX_POLLERR : 0);
}

static int64_t stream_lseek(struct file *f, int64_t off, int whence)
{
    return ret_errno(lseek(f->host_fd, (off_t)off, whence));
}

/* Inherited stdio is the user's stream, not a handle on a host object: on a
 * seekable one (a redirected file) the guest may read anywhere and move the
 * offset, but never write below where the file stood when vmsim started
 * (f->floor) -- what was there before is not the guest's. O_APPEND writes go
 * to the end anyway. */
static bool stdio_below_floor(struct file *f, int64_t off)
{
    if (f->floor < 0 || (f->flags & LX_O_APPEND))
        return false;
    if (off < 0)
        off = lseek(f->host_fd, 0, SEEK_CUR);
    return off >= 0 && off < f->floor;
}

static int64_t stdio_write(struct file *f, const void *buf, uint64_t len)
{
    return stdio_below_floor(f, -1) ? -EPERM : stream_write(f, buf, len);
}

static int64_t stdio_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    if (f->floor < 0)
        return -ESPIPE;   /* what the host says for a pipe or tty, without asking it */
    return stdio_below_floor(f, (int64_t)off) ? -EPERM : stream_pwrite(f, buf, len, off);
}

static const struct file_ops stdio_ops = {
    .read = stream_read, .write = stdio_write, .pread = stream_pread, .pwrite = stdio_pwrite,
    .lseek = stream_lseek, .fstat = host_fstat, .ioctl = stream_ioctl, .poll = stream_poll,
    .release = stdio_release,
};

int file_may_modify(const struct file *f)
{
    if (f->ops == &stdio_ops)
        return -EPERM;
    return f->host_fd >= 0 && f->base == VFS_SYSROOT ? -EROFS : 0;
}

static const struct file_ops stream_ops = {
    .read = stream_read, .write = stream_write, .pread = stream_pread, .pwrite = stream_pwrite,
    .lseek = stream_lseek, .fstat = host_fstat, .ioctl = stream_ioctl, .poll = stream_poll,
    .release = host_release,
};

struct file *file_new_host(int host_fd, int flags, const char *path, int base, struct vfile *vf)
{
    struct stat st;
    const struct file_ops *ops = &stream_ops;
    if (fstat(host_fd, &st) == 0) {
        if (S_ISREG(st.st_mode))
            ops = &reg_ops;
        else if (S_ISDIR(st.st_mode))
            ops = &dir_ops;
    }
    struct file *f = file_new(ops, flags);
    if (f && path)
        f->path = strdup(path);
    if (!f || (path && !f->path)) {
        file_put(f);
        if (!(vf && host_fd == vfile_host_fd(vf)))
            close(host_fd);
        vfile_put(vf);
        return NULL;
    }
    f->host_fd = host_fd;
    f->vf = vf;
    f->base = base;
    f->borrowed = vf && host_fd == vfile_host_fd(vf);
    if (ops == &dir_ops && (f->dirh = malloc(sizeof *f->dirh)) != NULL)
        hostfd_init(f->dirh, host_fd, O_RDONLY | O_DIRECTORY);   /* held lazily */
    return f;
}

struct file *file_new_stdio(int host_fd)
{
    int fl = fcntl(host_fd, F_GETFL);
    int acc = fl < 0 ? LX_O_RDWR
              : (fl & O_ACCMODE) == O_RDONLY ? LX_O_RDONLY
              : (fl & O_ACCMODE) == O_WRONLY ? LX_O_WRONLY
                                             : LX_O_RDWR;
    struct file *f = file_new(&stdio_ops, acc | (fl >= 0 && (fl & O_APPEND) ? LX_O_APPEND : 0));
    if (f) {
        struct stat st;
        f->host_fd = host_fd;
        /* Character devices (a tty, the null device) take any offset harmlessly. */
        bool seekable = fstat(host_fd, &st) == 0 && !S_ISCHR(st.st_mode);
        f->floor = seekable ? lseek(host_fd, 0, SEEK_CUR) : -1;
        if (f->floor < 0)
            f->floor = -1;
    }
    return f;
}

/* ---- virtual devices ----------------------------------------------------- */

static int64_t null_read(struct file *f, void *buf, uint64_t len) { return 0; }
static int64_t null_write(struct file *f, const void *buf, uint64_t len) { return (int64_t)len; }
static int64_t null_pread(struct file *f, void *buf, uint64_t len, uint64_t off) { return 0; }
static int64_t null_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    return (int64_t)len;
}
static int64_t dev_lseek(struct file *f, int64_t off, int whence)
{
    f->pos = 0;   /* Linux: character devices without a position accept any seek */
    return 0;
}

static int64_t zero_read(struct file *f, void *buf, uint64_t len)
{
    memset(buf, 0, len);
    return (int64_t)len;
}
static int64_t zero_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    return zero_read(f, buf, len);
}

/* splitmix64: the seed is fixed, so a run's "random" bytes are reproducible
 * (design decision 12). */
#define URANDOM_SEED 0x766d73696d2d7572ULL
static int64_t urandom_read(struct file *f, void *buf, uint64_t len)
{
    uint8_t *b = buf;
    for (uint64_t i = 0; i < len; i += 8) {
        uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        memcpy(b + i, &z, len - i < 8 ? len - i : 8);
    }
    return (int64_t)len;
}

/* /dev/full: reads zeros, every write fails with ENOSPC. */
static int64_t full_write(struct file *f, const void *buf, uint64_t len) { return -ENOSPC; }
static int64_t full_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    return -ENOSPC;
}
static int64_t full_read(struct file *f, void *buf, uint64_t len) { return zero_read(f, buf, len); }

static int dev_fstat(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    unsigned minor = f->ops->read == null_read ? 3 : f->ops->read == zero_read ? 5
                   : f->ops->read == full_read ? 7 : f->ops->read ? 9 : 0;
    st->st_mode = S_IFCHR | 0666;
    /* mem devices are major 1; /dev/tty (no read op: never opened) is 5,0 */
    st->st_rdev = f->ops->read ? makedev(1, minor) : makedev(5, 0);
    st->st_dev = 5;   /* devtmpfs */
    st->st_ino = minor + 1;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static int zero_mmap(struct file *f, struct vfile **out)
{
    *out = NULL;   /* anonymous memory, as Linux's /dev/zero */
    return 0;
}

static const struct file_ops null_ops = {
    .read = null_read, .write = null_write, .pread = null_pread, .pwrite = null_pwrite,
    .lseek = dev_lseek, .fstat = dev_fstat,
};
static const struct file_ops zero_ops = {
    .read = zero_read, .write = null_write, .pread = zero_pread, .pwrite = null_pwrite,
    .lseek = dev_lseek, .fstat = dev_fstat, .mmap = zero_mmap,
};
static const struct file_ops full_ops = {
    .read = full_read, .write = full_write, .pread = zero_pread, .pwrite = full_pwrite,
    .lseek = dev_lseek, .fstat = dev_fstat,
};
/* /dev/tty: stat only; opening it is ENXIO (the guest has no controlling
 * terminal, as a process started without one on Linux). */
static const struct file_ops tty_ops = {.fstat = dev_fstat};
static const struct file_ops urandom_ops = {
    .read = urandom_read, .write = null_write, .lseek = dev_lseek, .fstat = dev_fstat,
};

/* /dev itself: a directory listing the devices (fb0 and vmsim-timer: devfile.c). */
struct dev_ent {
    const char *name;
    unsigned char type;
};
static const struct dev_ent dev_ents[] = {
    {".", 4}, {"..", 4}, {"null", 2}, {"zero", 2}, {"urandom", 2}, {"fb0", 2}, {"vmsim-timer", 2},
    /* /dev/std*: the descriptor's file itself (stat says what it is: no DT_
     * type); /dev/fd/N is reachable but not listed (no directory of its own) */
    {"full", 2}, {"tty", 2}, {"stdin", 0}, {"stdout", 0}, {"stderr", 0},
};

static int64_t devdir_getdents(struct file *f, void *buf, uint64_t len)
{
    uint8_t *b = buf;
    uint64_t used = 0;
    while (f->pos < sizeof dev_ents / sizeof dev_ents[0]) {
        const struct dev_ent *e = &dev_ents[f->pos];
        size_t nl = strlen(e->name);
        uint16_t reclen = (uint16_t)((19 + nl + 1 + 7) & ~7u);
        if (used + reclen > len)
            break;
        uint64_t ino = f->pos + 1;
        int64_t off = (int64_t)f->pos + 1;
        memset(b + used, 0, reclen);
        memcpy(b + used, &ino, 8);
        memcpy(b + used + 8, &off, 8);
        memcpy(b + used + 16, &reclen, 2);
        b[used + 18] = e->type;
        memcpy(b + used + 19, e->name, nl);
        used += reclen;
        f->pos++;
    }
    if (used == 0 && f->pos < sizeof dev_ents / sizeof dev_ents[0])
        return -EINVAL;
    return (int64_t)used;
}

static int64_t devdir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence != SEEK_SET || off < 0)
        return -EINVAL;
    f->pos = (uint64_t)off;
    return off;
}

static int devdir_fstat(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFDIR | 0755;
    st->st_dev = 5;
    st->st_ino = 1;
    st->st_nlink = 2;
    st->st_blksize = 4096;
    return 0;
}

static const struct file_ops devdir_ops = {
    .read = dir_read, .lseek = devdir_lseek, .fstat = devdir_fstat, .getdents = devdir_getdents,
};

struct file *file_new_dev(int virt, int flags, const char *path)
{
    const struct file_ops *ops = virt == VFS_DEV_NULL      ? &null_ops
                                 : virt == VFS_DEV_ZERO    ? &zero_ops
                                 : virt == VFS_DEV_URANDOM ? &urandom_ops
                                 : virt == VFS_DEV_FULL    ? &full_ops
                                 : virt == VFS_DEV_TTY     ? &tty_ops
                                 : virt == VFS_DEV_FB0 || virt == VFS_DEV_TIMER
                                     ? devfile_ops(virt)   /* stat only; open: devfile_open */
                                     : &devdir_ops;
    struct file *f = file_new(ops, flags);
    if (!f)
        return NULL;
    f->rng = URANDOM_SEED;
    f->path = strdup(path);
    if (!f->path) {
        file_put(f);
        return NULL;
    }
    return f;
}

/* ---- descriptor tables --------------------------------------------------- */

struct files *files_new_stdio(void)
{
    struct files *fs = calloc(1, sizeof *fs);
    if (!fs)
        return NULL;
    fs->refcount = 1;
    for (int i = 0; i < 3; i++) {
        fs->fd[i] = file_new_stdio(i);
        if (!fs->fd[i]) {
            files_put(fs);
            return NULL;
        }
    }
    return fs;
}

struct files *files_fork(struct files *fs)
{
    struct files *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refcount = 1;
    c->seq = fs->seq;
    for (int i = 0; i < FILES_MAX; i++)
        if (fs->fd[i]) {
            c->fd[i] = file_get(fs->fd[i]);
            c->cloexec[i] = fs->cloexec[i];
        }
    return c;
}

void files_close_on_exec(struct files *fs)
{
    for (int i = 0; i < FILES_MAX; i++)
        if (fs->fd[i] && fs->cloexec[i])
            files_close(fs, i);
}

struct files *files_get(struct files *fs)
{
    fs->refcount++;
    return fs;
}

int files_unshare(struct files **fsp)
{
    if ((*fsp)->refcount == 1)
        return 0;
    struct files *c = files_fork(*fsp);
    if (!c)
        return -ENOMEM;
    files_put(*fsp);   /* not the last reference: nothing closes */
    *fsp = c;
    return 0;
}

void files_put(struct files *fs)
{
    if (!fs)
        return;
    assert(fs->refcount > 0);
    if (--fs->refcount > 0)
        return;
    for (int i = 0; i < FILES_MAX; i++)
        if (fs->fd[i]) {
            lock_close(fs, fs->fd[i]);
            file_put(fs->fd[i]);
        }
    free(fs);
}

uint64_t files_next_seq(struct files *fs)
{
    return ++fs->seq;
}

struct file *files_lookup(struct files *fs, int fd)
{
    return fd >= 0 && fd < FILES_MAX ? fs->fd[fd] : NULL;
}

int files_install(struct files *fs, struct file *f, int minfd, bool cloexec)
{
    for (int i = minfd < 0 ? 0 : minfd; i < FILES_MAX; i++)
        if (!fs->fd[i]) {
            fs->fd[i] = f;
            fs->cloexec[i] = cloexec;
            return i;
        }
    file_put(f);
    return -EMFILE;
}

int files_install_at(struct files *fs, struct file *f, int newfd, bool cloexec)
{
    if (newfd < 0 || newfd >= FILES_MAX)
        return -EBADF;
    struct file *old = fs->fd[newfd];
    fs->fd[newfd] = file_get(f);
    fs->cloexec[newfd] = cloexec;
    if (old)
        lock_close(fs, old);   /* POSIX: closing any descriptor of a file drops our locks */
    file_put(old);
    return newfd;
}

int files_close(struct files *fs, int fd)
{
    struct file *f = files_lookup(fs, fd);
    if (!f)
        return -EBADF;
    fs->fd[fd] = NULL;
    fs->cloexec[fd] = false;
    lock_close(fs, f);   /* POSIX: closing any descriptor of a file drops our locks */
    file_put(f);
    return 0;
}

bool files_get_cloexec(struct files *fs, int fd)
{
    return files_lookup(fs, fd) && fs->cloexec[fd];
}

void files_set_cloexec(struct files *fs, int fd, bool on)
{
    if (files_lookup(fs, fd))
        fs->cloexec[fd] = on;
}

int file_mmap_vfile(struct files *fs, int fd, struct vfile **out, int *open_mode)
{
    *out = NULL;
    struct file *f = files_lookup(fs, fd);
    if (!f)
        return -EBADF;
    *open_mode = f->flags & LX_O_ACCMODE;
    if (*open_mode == LX_O_WRONLY)
        return -EACCES;
    if (!f->ops->mmap)
        return -ENODEV;
    return f->ops->mmap(f, out);
}
