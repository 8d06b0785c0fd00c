/* File system calls on paths. See sys_file.h. Every path goes through
 * vfs_lookup (the sandbox); the host object is then reached with *at()
 * calls relative to the directory the lookup returned, never following a
 * symlink (the lookup already followed what was to be followed). */
#include "sys_file.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devfile.h"
#include "file.h"
#include "procfs.h"
#include "tmpfs.h"
#include "fifo.h"
#include "vfs.h"

#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EACCESS 0x200
#define LX_AT_SYMLINK_FOLLOW 0x400
#define LX_AT_NO_AUTOMOUNT 0x800
#define LX_AT_EMPTY_PATH 0x1000
#define LX_AT_STATX_SYNC_TYPE 0x6000

/* Copies a path in from the guest: 0, -EFAULT, -ENAMETOOLONG. */
int sys_get_path(struct proc *p, uint64_t g_path, char *buf)
{
    struct segv sv;
    int rc = copyin_str(p->mm, buf, va(g_path), VFS_PATH_MAX, &sv);
    return rc == -1 ? -EFAULT : rc;
}

/* The lookup of path relative to dirfd (AT_FDCWD: the cwd). */
int sys_lookup_at(struct proc *p, int dirfd, const char *path, int flags, struct vfs_lookup *l)
{
    if (path[0] == '/' || dirfd == LX_AT_FDCWD)
        return vfs_lookup(p->fs, VFS_ROOT, NULL, path, flags, l);
    struct file *f = files_lookup(p->files, dirfd);
    if (!f) {
        memset(l, 0, sizeof *l);
        l->dirfd = -1;
        return -EBADF;
    }
    if (!f->ops->getdents || !f->path) {
        memset(l, 0, sizeof *l);
        l->dirfd = -1;
        return -ENOTDIR;
    }
    return vfs_lookup(p->fs, f->base, f->path, path, flags, l);
}

int sys_lookup_user(struct proc *p, int dirfd, uint64_t g_path, int flags, struct vfs_lookup *l)
{
    char path[VFS_PATH_MAX];
    int rc = sys_get_path(p, g_path, path);
    return rc ? rc : sys_lookup_at(p, dirfd, path, flags, l);
}

/* Sets a just-created object's permission bits to mode exactly (the host's
 * own umask also applied when it was created). */
static void fix_mode(int fd, unsigned mode)
{
    if (fd >= 0)
        (void)fchmod(fd, mode);
}

/* Host open(2) flags for the guest's (the values are the same on the
 * generic ABI and x86-64/arm64, but say which ones pass). */
static int host_open_flags(int lx)
{
    int acc = lx & LX_O_ACCMODE;
    int h = acc == LX_O_RDONLY ? O_RDONLY : acc == LX_O_WRONLY ? O_WRONLY : O_RDWR;
    if (lx & LX_O_TRUNC)
        h |= O_TRUNC;
    if (lx & LX_O_APPEND)
        h |= O_APPEND;
    if (lx & LX_O_NONBLOCK)
        h |= O_NONBLOCK;
    if (lx & LX_O_DIRECTORY)
        h |= O_DIRECTORY;
    if ((lx & LX_O_SYNC) == LX_O_SYNC)
        h |= O_SYNC;
    else if (lx & LX_O_DSYNC)
        h |= O_DSYNC;
    if (lx & LX_O_PATH)
        h = O_PATH | (lx & LX_O_DIRECTORY ? O_DIRECTORY : 0);
    return h | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
}

/* openat(2) on the host that never waits: a FIFO (or a device) in the tree
 * would stop the whole simulator in open(2) until a peer came, so every
 * open is non-blocking; regular files and directories get the guest's
 * blocking mode back (it means nothing for them), other objects stay
 * non-blocking on the host (a FIFO opened for writing without a reader is
 * ENXIO, as O_NONBLOCK on Linux). */
static int host_open_nonblock(int dirfd, const char *name, int hflags, ...)
{
    unsigned mode = 0;
    if (hflags & O_CREAT) {
        va_list ap;
        va_start(ap, hflags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    int fd = openat(dirfd, name, hflags | O_NONBLOCK, mode);
    struct stat st;
    if (fd >= 0 && !(hflags & (O_NONBLOCK | O_PATH)) && fstat(fd, &st) == 0 &&
        (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/* EROFS for an open that would change the sysroot: a new name there, a
 * non-directory opened for writing, O_TRUNC (O_EXCL on an existing name is
 * EEXIST first, a directory opened for writing EISDIR, as Linux). */
static int open_may_modify(const struct vfs_lookup *l, int flags)
{
    int acc = flags & LX_O_ACCMODE;
    if (!vfs_may_modify(l) || (flags & LX_O_PATH))
        return 0;
    if (!l->exists)
        return -EROFS;
    if ((flags & LX_O_CREAT) && (flags & LX_O_EXCL))
        return 0;
    if (S_ISDIR(l->st.st_mode))
        return 0;
    return acc != LX_O_RDONLY || (flags & LX_O_TRUNC) ? -EROFS : 0;
}

int64_t sys_openat(struct proc *p, const uint64_t a[6])
{
    char path[VFS_PATH_MAX];
    int flags = (int)a[2];
    unsigned mode = (unsigned)a[3] & 07777;
    int rc = sys_get_path(p, a[1], path);
    if (rc)
        return rc;
    if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
        return -EOPNOTSUPP;
    bool creat = flags & LX_O_CREAT, excl = creat && (flags & LX_O_EXCL);
    int lf = (flags & LX_O_NOFOLLOW) || excl ? 0 : VFS_FOLLOW;
    if (creat)
        lf |= VFS_CREATE;
    struct vfs_lookup l;
    struct file *f = NULL;
    for (int attempt = 0;; attempt++) {
        rc = sys_lookup_at(p, (int)a[0], path, lf, &l);
        if (rc)
            return rc;
        if (l.virt == VFS_PROC) {
            rc = excl ? -EEXIST : procfs_open(p, l.path, flags, &f);
            break;
        }
        if (l.virt == VFS_TMPFS) {   /* issue 16 */
            rc = (flags & LX_O_DIRECTORY) && l.exists ? -ENOTDIR
                 : l.trailing_slash                  ? -EISDIR
                     : tmpfs_open(p, fs_tmpfs(p->fs), l.path, flags, mode, &f);
            break;
        }
        if (l.virt == VFS_TMPFS_DIR) {
            rc = creat ? -EISDIR : tmpfs_open_dir(fs_tmpfs(p->fs), l.path, flags, &f);
            break;
        }
        if (l.virt == VFS_DEV_FD) {
            /* /dev/fd/N, /dev/stdin...: the same open file (Linux reopens
             * regular files with an offset of their own; we share it). */
            struct file *t = files_lookup(p->files, l.fdnum);
            rc = !t ? -ENOENT : excl ? -EEXIST : 0;
            if (t && !rc)
                f = file_get(t);
            break;
        }
        if (l.virt != VFS_HOST) {
            int acc = flags & LX_O_ACCMODE;
            if (excl)
                rc = -EEXIST;
            else if (l.virt == VFS_DEV_TTY)
                rc = -ENXIO;
            else if (l.virt == VFS_DEV_DIR && (acc != LX_O_RDONLY || creat))
                rc = -EISDIR;
            else if (l.virt != VFS_DEV_DIR && (flags & LX_O_DIRECTORY))
                rc = -ENOTDIR;
            else if (l.virt == VFS_DEV_FB0 || l.virt == VFS_DEV_TIMER)   /* issue 7 */
                rc = devfile_open(p, l.virt,
                                  (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC |
                                             LX_O_CLOEXEC)) | LX_O_LARGEFILE,
                                  l.path, &f);
            else if (!(f = file_new_dev(l.virt, (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY |
                                                             LX_O_TRUNC | LX_O_CLOEXEC)) |
                                                    LX_O_LARGEFILE,
                                        l.path)))
                rc = -ENOMEM;
            else if (l.virt == VFS_DEV_URANDOM)   /* each open its own reproducible stream */
                f->rng ^= (((uint64_t)p->pid << 32) + files_next_seq(p->files)) *
                          0x9e3779b97f4a7c15ULL;
            break;
        }
        if (l.exists && S_ISFIFO(l.st.st_mode) && !(flags & LX_O_PATH)) {
            /* Never opened on the host (it would block vmsim): fifo.c. */
            rc = excl ? -EEXIST
                      : fifo_open(p, &l.st,
                                  (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC |
                                             LX_O_CLOEXEC)) | LX_O_LARGEFILE,
                                  &f);
            break;
        }
        int hfd;
        if ((rc = open_may_modify(&l, flags)) != 0)
            break;
        if (!l.exists) {
            if (l.trailing_slash) {
                rc = -EISDIR;
                break;
            }
            if ((rc = kernel_disk_inode_room(p->k)) != 0)   /* --disk-quota */
                break;
            unsigned m = mode & ~fs_get_umask(p->fs);
            hfd = host_open_nonblock(l.dirfd, l.name, host_open_flags(flags) | O_CREAT | O_EXCL, m);
            if (hfd >= 0)
                kernel_disk_account(p->k, KERNEL_DISK_INODE);
            if (hfd < 0 && errno == EEXIST && !excl && attempt == 0) {
                vfs_lookup_done(&l);   /* created meanwhile: look again */
                continue;
            }
            if (hfd >= 0)
                fix_mode(hfd, m);
        } else if (excl) {
            rc = -EEXIST;
            break;
        } else {
            /* Truncated only once the file is known not to be running. */
            int hf = host_open_flags(flags);
            if ((flags & LX_O_ACCMODE) != LX_O_RDONLY)
                hf &= ~O_TRUNC;
            hfd = host_open_nonblock(l.dirfd, l.name, hf);
        }
        if (hfd < 0) {
            rc = -errno;
            break;
        }
        struct stat st;
        struct vfile *vf = NULL;
        if (!(flags & LX_O_PATH) && fstat(hfd, &st) == 0 && S_ISREG(st.st_mode)) {
            int e;
            /* The page-cache identity, so read/write stay coherent with
             * mappings; without one the host descriptor serves alone. */
            bool wr = (flags & LX_O_ACCMODE) != LX_O_RDONLY;
            vf = vfs_vfile_from_fd(p->k, hfd, l.path, wr, &e);
            if (vf && wr && (rc = vfile_get_write(vf)) != 0) {
                vfile_put(vf);   /* a process runs it: ETXTBSY, nothing truncated */
                close(hfd);
                break;
            }
            if (wr && (flags & LX_O_TRUNC) && l.exists && ftruncate(hfd, 0) < 0) {
                rc = -errno;
                if (vf)
                    vfile_put_write(vf);
                vfile_put(vf);
                close(hfd);
                break;
            }
            if (vf && wr && (flags & LX_O_TRUNC))
                vfile_truncated(vf, 0);
            if (vf) {   /* one host descriptor per file, not per open (file.h) */
                close(hfd);
                hfd = vfile_host_fd(vf);
            }
        }
        bool wa = vf && (flags & LX_O_ACCMODE) != LX_O_RDONLY;
        struct vfile *hold = wa ? vfile_get(vf) : NULL;   /* for the write access */
        f = file_new_host(hfd,
                          (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC |
                                     LX_O_CLOEXEC)) | LX_O_LARGEFILE,
                          l.path, l.base, vf);
        if (!f) {
            if (hold)
                vfile_put_write(hold);
            rc = -ENOMEM;
        } else {
            f->write_access = wa;
        }
        vfile_put(hold);
        break;
    }
    vfs_lookup_done(&l);
    if (rc)
        return rc;
    return files_install(p->files, f, 0, flags & LX_O_CLOEXEC);
}

/* stat of (dirfd, path) with AT_* flags, into host layout. */
int sys_stat_at(struct proc *p, int dirfd, uint64_t g_path, int flags, struct stat *st)
{
    char path[VFS_PATH_MAX];
    int rc = sys_get_path(p, g_path, path);
    if (rc)
        return rc;
    if (!path[0]) {
        if (!(flags & LX_AT_EMPTY_PATH))
            return -ENOENT;
        if (dirfd != LX_AT_FDCWD) {
            struct file *f = files_lookup(p->files, dirfd);
            if (!f)
                return -EBADF;
            return f->ops->fstat ? f->ops->fstat(f, st) : -EINVAL;
        }
        strcpy(path, ".");
    }
    struct vfs_lookup l;
    rc = sys_lookup_at(p, dirfd, path, flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : VFS_FOLLOW, &l);
    if (rc)
        return rc;
    if (l.virt == VFS_PROC || l.virt == VFS_TMPFS || l.virt == VFS_TMPFS_DIR) {
        *st = l.st;   /* the walk asked procfs / tmpfs */
    } else if (l.virt == VFS_DEV_FD) {
        struct file *f = files_lookup(p->files, l.fdnum);
        rc = !f ? -ENOENT : f->ops->fstat ? f->ops->fstat(f, st) : -EINVAL;
    } else if (l.virt != VFS_HOST) {
        struct file *f = file_new_dev(l.virt, 0, l.path);
        rc = f ? f->ops->fstat(f, st) : -ENOMEM;
        file_put(f);
    } else {
        *st = l.st;
    }
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_newfstatat(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[3];
    if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct stat st;
    int rc = sys_stat_at(p, (int)a[0], a[1], flags, &st);
    return rc ? rc : sys_put_stat(p, a[2], &st);
}

/* struct statx (include/uapi/linux/stat.h), 256 bytes. */
struct lx_statx_ts {
    int64_t sec;
    uint32_t nsec;
    int32_t pad;
};
struct lx_statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad1;
    uint64_t ino, size, blocks, attributes_mask;
    struct lx_statx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx is 256 bytes");
#define LX_STATX_BASIC_STATS 0x7ffu

int64_t sys_statx(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[2];
    if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT |
                  LX_AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & LX_AT_STATX_SYNC_TYPE) == LX_AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if (a[3] & 0x80000000u)   /* STATX__RESERVED */
        return -EINVAL;
    struct stat st;
    int rc = sys_stat_at(p, (int)a[0], a[1], flags, &st);
    if (rc)
        return rc;
    struct lx_statx sx = {
        .mask = LX_STATX_BASIC_STATS, .blksize = (uint32_t)st.st_blksize,
        .nlink = (uint32_t)st.st_nlink, .uid = sys_file_guest_id(p, st.st_uid, false),
        .gid = sys_file_guest_id(p, st.st_gid, true),
        .mode = (uint16_t)st.st_mode, .ino = st.st_ino, .size = (uint64_t)st.st_size,
        .blocks = (uint64_t)st.st_blocks,
        .atime = {st.st_atim.tv_sec, (uint32_t)st.st_atim.tv_nsec, 0},
        .ctime = {st.st_ctim.tv_sec, (uint32_t)st.st_ctim.tv_nsec, 0},
        .mtime = {st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec, 0},
        .rdev_major = major(st.st_rdev), .rdev_minor = minor(st.st_rdev),
        .dev_major = major(st.st_dev), .dev_minor = minor(st.st_dev),
    };
    return user_copyout(p, a[4], &sx, sizeof sx);
}

int64_t sys_readlinkat(struct proc *p, const uint64_t a[6])
{
    char path[VFS_PATH_MAX];
    if ((int64_t)a[3] <= 0 || a[3] > INT32_MAX)
        return -EINVAL;
    int rc = sys_get_path(p, a[1], path);
    if (rc)
        return rc;
    struct vfs_lookup l;
    rc = sys_lookup_at(p, (int)a[0], path, 0, &l);
    if (rc)
        return rc;
    int64_t ret;
    if (l.virt == VFS_PROC) {
        char target[VFS_PATH_MAX];
        ret = procfs_readlink(p, l.path, target, sizeof target);
        if (ret > (int64_t)a[3])
            ret = (int64_t)a[3];
        if (ret >= 0) {
            int crc = user_copyout(p, a[2], target, (uint64_t)ret);
            if (crc)
                ret = crc;
        }
    } else if (l.virt != VFS_HOST || !S_ISLNK(l.st.st_mode)) {
        ret = -EINVAL;
    } else {
        char target[VFS_PATH_MAX];
        ssize_t n = readlinkat(l.dirfd, l.name, target, sizeof target);
        if (n < 0) {
            ret = -errno;
        } else {
            if ((uint64_t)n > a[3])
                n = (ssize_t)a[3];
            ret = user_copyout(p, a[2], target, (uint64_t)n);
            if (!ret)
                ret = n;
        }
    }
    vfs_lookup_done(&l);
    return ret;
}

static int64_t access_at(struct proc *p, int dirfd, uint64_t g_path, int mode, int flags)
{
    if (mode & ~7)
        return -EINVAL;
    if (flags & ~(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -EINVAL;
    char path[VFS_PATH_MAX];
    int rc = sys_get_path(p, g_path, path);
    if (rc)
        return rc;
    if (!path[0]) {
        if (!(flags & LX_AT_EMPTY_PATH))
            return -ENOENT;
        strcpy(path, ".");
    }
    struct vfs_lookup l;
    rc = sys_lookup_at(p, dirfd, path, flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : VFS_FOLLOW, &l);
    if (rc)
        return rc;
    if (l.virt == VFS_PROC)   /* read-only for the unprivileged guest */
        rc = (mode & W_OK) || ((mode & X_OK) && !S_ISDIR(l.st.st_mode)) ? -EACCES : 0;
    else if (l.virt != VFS_HOST)
        rc = l.virt != VFS_DEV_DIR && l.virt != VFS_TMPFS_DIR && (mode & X_OK) ? -EACCES : 0;
    else if (faccessat(l.dirfd, l.name, mode, AT_SYMLINK_NOFOLLOW) < 0)
        rc = -errno;
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_faccessat(struct proc *p, const uint64_t a[6])
{
    return access_at(p, (int)a[0], a[1], (int)a[2], 0);
}

int64_t sys_faccessat2(struct proc *p, const uint64_t a[6])
{
    return access_at(p, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

/* Looks up a name to create: 0 with l (the name free), or -EEXIST, ...;
 * for a new inode, -ENOSPC past --disk-quota. */
static int lookup_new(struct proc *p, int dirfd, uint64_t g_path, bool inode, struct vfs_lookup *l)
{
    int rc = sys_lookup_user(p, dirfd, g_path, VFS_CREATE, l);
    if (rc)
        return rc;
    if (l->exists || l->virt != VFS_HOST) {
        vfs_lookup_done(l);
        return -EEXIST;
    }
    if ((rc = vfs_may_modify(l)) != 0 || (inode && (rc = kernel_disk_inode_room(p->k)) != 0))
        vfs_lookup_done(l);
    return rc;
}

int64_t sys_mkdirat(struct proc *p, const uint64_t a[6])
{
    struct vfs_lookup l;
    int rc = lookup_new(p, (int)a[0], a[1], true, &l);
    if (rc)
        return rc;
    unsigned m = (unsigned)a[2] & 01777 & ~fs_get_umask(p->fs);
    if (mkdirat(l.dirfd, l.name, m) < 0) {
        rc = -errno;
    } else {
        kernel_disk_account(p->k, KERNEL_DISK_INODE);
        int fd = openat(l.dirfd, l.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        fix_mode(fd, m);
        if (fd >= 0)
            close(fd);
    }
    vfs_lookup_done(&l);
    return rc;
}

/* mknodat(2) for an unprivileged user: regular files, FIFOs (host FIFO
 * nodes: fifo.h) and sockets; device nodes are EPERM. */
int64_t sys_mknodat(struct proc *p, const uint64_t a[6])
{
    unsigned mode = (unsigned)a[2], type = mode & S_IFMT;
    if (type == S_IFCHR || type == S_IFBLK)
        return -EPERM;
    if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
        return -EINVAL;
    struct vfs_lookup l;
    int rc = lookup_new(p, (int)a[0], a[1], true, &l);
    if (rc)
        return rc;
    unsigned m = mode & 07777 & ~fs_get_umask(p->fs);
    if (type == 0 || type == S_IFREG) {
        int fd = openat(l.dirfd, l.name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m);
        rc = fd < 0 ? -errno : 0;
        fix_mode(fd, m);
        if (fd >= 0)
            close(fd);
    } else if (mknodat(l.dirfd, l.name, type | m, 0) < 0) {
        rc = -errno;
    } else if (fchmodat(l.dirfd, l.name, m, 0) < 0) {
        rc = 0;   /* the node is there; its mode is the umask's */
    }
    if (!rc)
        kernel_disk_account(p->k, KERNEL_DISK_INODE);
    vfs_lookup_done(&l);
    return rc;
}

/* --disk-quota: the room a removed name gives back (its inode and blocks
 * when it was the last name; a directory's entries are gone already). */
static void disk_unlinked(struct kernel *k, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        kernel_disk_account(k, -KERNEL_DISK_INODE);
    else if (st->st_nlink == 1)
        kernel_disk_account(k, -KERNEL_DISK_INODE - (S_ISREG(st->st_mode) ? (int64_t)st->st_blocks * 512 : 0));
}

/* A name about to go may be its inode's last: open descriptors of it are
 * then kept open on the host (a file handle cannot reopen it: mm.h hostfd). */
static void pin_last_name(const struct stat *st)
{
    if (S_ISDIR(st->st_mode) || st->st_nlink <= 1)
        hostfd_pin_inode((uint64_t)st->st_dev, (uint64_t)st->st_ino);
}

static int unlink_host(const struct vfs_lookup *l, int hflags)
{
    pin_last_name(&l->st);
    return unlinkat(l->dirfd, l->name, hflags);
}

/* renameat2 on the host; a name it replaces may be its inode's last. */
static int rename_host(const struct vfs_lookup *lo, const struct vfs_lookup *ln, unsigned flags)
{
    if (ln->exists)
        pin_last_name(&ln->st);
    return (int)syscall(SYS_renameat2, lo->dirfd, lo->name, ln->dirfd, ln->name, flags);
}

int64_t sys_unlinkat(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[2];
    if (flags & ~LX_AT_REMOVEDIR)
        return -EINVAL;
    struct vfs_lookup l;
    int rc = sys_lookup_user(p, (int)a[0], a[1], 0, &l);
    if (rc)
        return rc;
    if (l.virt == VFS_TMPFS)   /* issue 16 */
        rc = (flags & LX_AT_REMOVEDIR) ? -ENOTDIR : tmpfs_unlink(fs_tmpfs(p->fs), l.path);
    else if (l.virt == VFS_TMPFS_DIR)
        rc = (flags & LX_AT_REMOVEDIR) ? -EBUSY : -EISDIR;
    else if (l.virt != VFS_HOST)
        rc = -EACCES;
    else if ((rc = vfs_may_modify(&l)) != 0)
        ;
    else if (strcmp(l.name, ".") == 0)
        rc = (flags & LX_AT_REMOVEDIR) ? -EBUSY : -EISDIR;
    else if (unlink_host(&l, flags & LX_AT_REMOVEDIR ? AT_REMOVEDIR : 0) < 0)
        rc = -errno;
    else
        disk_unlinked(p->k, &l.st);
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_renameat2(struct proc *p, const uint64_t a[6])
{
    char oldp[VFS_PATH_MAX], newp[VFS_PATH_MAX];
    int rc = sys_get_path(p, a[1], oldp);
    if (!rc)
        rc = sys_get_path(p, a[3], newp);
    if (rc)
        return rc;
    unsigned flags = (unsigned)a[4];
    if (flags & ~7u)
        return -EINVAL;
    struct vfs_lookup lo, ln;
    rc = sys_lookup_at(p, (int)a[0], oldp, 0, &lo);
    if (rc)
        return rc;
    rc = sys_lookup_at(p, (int)a[2], newp, VFS_CREATE, &ln);
    if (rc) {
        vfs_lookup_done(&lo);
        return rc;
    }
    if (lo.virt != VFS_HOST || ln.virt != VFS_HOST)
        rc = -EXDEV;
    else if (lo.base != ln.base)
        rc = -EXDEV;
    else if ((rc = vfs_may_modify(&lo)) != 0)
        ;
    else if (strcmp(lo.name, ".") == 0 || strcmp(ln.name, ".") == 0)
        rc = -EBUSY;
    else if (ln.trailing_slash && !S_ISDIR(lo.st.st_mode))
        rc = -ENOTDIR;
    else if (rename_host(&lo, &ln, flags) < 0)
        rc = -errno;
    else if (ln.exists && !(flags & 2 /* RENAME_EXCHANGE */) &&
             !(ln.st.st_dev == lo.st.st_dev && ln.st.st_ino == lo.st.st_ino))
        disk_unlinked(p->k, &ln.st);   /* the name replaced */
    vfs_lookup_done(&lo);
    vfs_lookup_done(&ln);
    return rc;
}

int64_t sys_symlinkat(struct proc *p, const uint64_t a[6])
{
    char target[VFS_PATH_MAX];
    int rc = sys_get_path(p, a[0], target);
    if (rc)
        return rc;
    if (!target[0])
        return -ENOENT;
    struct vfs_lookup l;
    rc = lookup_new(p, (int)a[1], a[2], true, &l);
    if (rc)
        return rc;
    /* The target is stored as given: lookups re-resolve it inside the sandbox. */
    if (symlinkat(target, l.dirfd, l.name) < 0)
        rc = -errno;
    else
        kernel_disk_account(p->k, KERNEL_DISK_INODE);
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_linkat(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[4];
    if (flags & ~(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
        return -EINVAL;
    struct vfs_lookup lo, ln;
    int rc = sys_lookup_user(p, (int)a[0], a[1], flags & LX_AT_SYMLINK_FOLLOW ? VFS_FOLLOW : 0,
                             &lo);
    if (rc)
        return rc;
    rc = lookup_new(p, (int)a[2], a[3], false, &ln);
    if (rc) {
        vfs_lookup_done(&lo);
        return rc;
    }
    if (lo.virt != VFS_HOST || lo.base != ln.base)
        rc = -EXDEV;
    else if (S_ISDIR(lo.st.st_mode))
        rc = -EPERM;
    else if (linkat(lo.dirfd, lo.name, ln.dirfd, ln.name, 0) < 0)
        rc = -errno;
    vfs_lookup_done(&lo);
    vfs_lookup_done(&ln);
    return rc;
}

int64_t sys_fchmodat(struct proc *p, const uint64_t a[6])
{
    struct vfs_lookup l;
    int rc = sys_lookup_user(p, (int)a[0], a[1], VFS_FOLLOW, &l);
    if (rc)
        return rc;
    if (l.virt != VFS_HOST) {
        rc = -EPERM;
    } else if ((rc = vfs_may_modify(&l)) != 0) {
    } else {
        /* chmod through the O_PATH descriptor's magic link: the object we
         * looked up, even if a symlink replaced it meanwhile. */
        int fd = openat(l.dirfd, l.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
            rc = -errno;
        else if (S_ISLNK(st.st_mode))
            rc = -ELOOP;   /* replaced by a symlink since the lookup */
        else if (chmod(link, (mode_t)(a[2] & 07777)) < 0)
            rc = -errno;
        if (fd >= 0)
            close(fd);
    }
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_truncate(struct proc *p, const uint64_t a[6])
{
    if ((int64_t)a[1] < 0)
        return -EINVAL;
    struct vfs_lookup l;
    int rc = sys_lookup_user(p, LX_AT_FDCWD, a[0], VFS_FOLLOW, &l);
    if (rc)
        return rc;
    if (l.virt != VFS_HOST) {
        rc = l.virt == VFS_DEV_DIR || (l.virt == VFS_PROC && S_ISDIR(l.st.st_mode)) ? -EISDIR
             : l.virt == VFS_PROC                                                   ? -EACCES
                                                                                    : -EINVAL;
    } else if (S_ISDIR(l.st.st_mode)) {
        rc = -EISDIR;
    } else if ((rc = vfs_may_modify(&l)) != 0) {
    } else if (a[1] > p->rlimit_fsize[0]) {   /* inode_newsize_ok */
        signal_send(p, LX_SIGXFSZ);
        rc = -EFBIG;
    } else {
        int fd = openat(l.dirfd, l.name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        int e;
        struct vfile *vf = fd >= 0 ? vfs_vfile_from_fd(p->k, fd, l.path, false, &e) : NULL;
        if (fd < 0) {
            rc = -errno;
        } else if (vf && (rc = vfile_get_write(vf)) != 0) {
            /* a process runs it: ETXTBSY */
        } else {
            struct stat before, after;
            bool measured = fstat(fd, &before) == 0;
            if (ftruncate(fd, (off_t)a[1]) < 0)
                rc = -errno;
            else if (vf)
                vfile_truncated(vf, a[1]);
            if (!rc && measured && fstat(fd, &after) == 0)   /* --disk-quota */
                kernel_disk_account(p->k,
                                    ((int64_t)after.st_blocks - (int64_t)before.st_blocks) * 512);
            if (vf)
                vfile_put_write(vf);
        }
        vfile_put(vf);
        if (fd >= 0)
            close(fd);
    }
    vfs_lookup_done(&l);
    return rc;
}

int64_t sys_umask(struct proc *p, const uint64_t a[6])
{
    return fs_umask(p->fs, (unsigned)a[0] & 0777);
}

int64_t sys_getcwd(struct proc *p, const uint64_t a[6])
{
    const char *cwd = fs_cwd(p->fs);
    uint64_t len = strlen(cwd) + 1;
    if (a[1] < len)
        return -ERANGE;
    int rc = user_copyout(p, a[0], cwd, len);
    return rc ? rc : (int64_t)len;
}

int64_t sys_chdir(struct proc *p, const uint64_t a[6])
{
    struct vfs_lookup l;
    int rc = sys_lookup_user(p, LX_AT_FDCWD, a[0], VFS_FOLLOW, &l);
    if (rc)
        return rc;
    rc = fs_chdir(p->fs, &l);
    vfs_lookup_done(&l);
    return rc;
}

