/* File attributes: times, owners, file-system statistics. See sys_file.h. */
#include "sys_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file.h"
#include "vfs.h"

#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_EMPTY_PATH 0x1000

/* utimensat(dirfd, path, times[2], flags); path NULL: the file dirfd. */
int64_t sys_utimensat(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[3];
    if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -EINVAL;
    struct timespec ts[2], *tsp = NULL;
    if (a[2]) {
        int64_t raw[4];
        int rc = user_copyin(p, raw, a[2], sizeof raw);
        if (rc)
            return rc;
        for (int i = 0; i < 2; i++) {
            ts[i].tv_sec = raw[2 * i];
            ts[i].tv_nsec = raw[2 * i + 1];   /* UTIME_NOW/UTIME_OMIT: the same values */
        }
        tsp = ts;
    }
    char path[VFS_PATH_MAX];
    if (!a[1]) {
        strcpy(path, ".");
        struct file *f = files_lookup(p->files, (int)a[0]);
        if (!f)
            return -EBADF;
        if (f->host_fd < 0)
            return f->ops->fstat ? -EPERM : -EBADF;
        int mrc = file_may_modify(f);
        if (mrc)
            return mrc;
        return futimens(file_host_fd(f), tsp) < 0 ? -errno : 0;
    }
    int rc = sys_get_path(p, a[1], path);
    if (rc)
        return rc;
    struct vfs_lookup l;
    rc = sys_lookup_at(p, (int)a[0], path, flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : VFS_FOLLOW, &l);
    if (rc)
        return rc;
    if (l.virt != VFS_HOST)
        rc = 0;   /* devices: accepted, nothing to keep */
    else if ((rc = vfs_may_modify(&l)) != 0)
        ;
    else if (utimensat(l.dirfd, l.name, tsp, AT_SYMLINK_NOFOLLOW) < 0)
        rc = -errno;
    vfs_lookup_done(&l);
    return rc;
}

/* The guest is one unprivileged user (p->os->uid and gid): it may
 * "change" the owner of its own files to itself (-1 or its own ids), nothing
 * else (EPERM, as Linux for a non-root user). */
static int64_t chown_check(const struct proc *p, const struct stat *st, uint64_t uid, uint64_t gid)
{
    uint32_t u = (uint32_t)uid, g = (uint32_t)gid, me = p->os->uid, mg = p->os->gid;
    if (sys_file_guest_id(p, st->st_uid, false) != me)
        return -EPERM;
    if ((u != UINT32_MAX && u != me) || (g != UINT32_MAX && g != mg))
        return -EPERM;
    return 0;
}

int64_t sys_fchownat(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[4];
    if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -EINVAL;
    struct stat st;
    int rc = sys_stat_at(p, (int)a[0], a[1], flags, &st);
    if (rc)
        return rc;
    char path[VFS_PATH_MAX];
    struct vfs_lookup l;
    if (sys_get_path(p, a[1], path) == 0 && path[0] &&
        sys_lookup_at(p, (int)a[0], path, flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : VFS_FOLLOW,
                      &l) == 0) {
        rc = vfs_may_modify(&l);   /* Linux asks for write access to the mount first */
        vfs_lookup_done(&l);
    }
    return rc ? rc : chown_check(p, &st, a[2], a[3]);
}

int64_t sys_fchown(struct proc *p, const uint64_t a[6])
{
    struct file *f = files_lookup(p->files, (int)a[0]);
    if (!f)
        return -EBADF;
    struct stat st;
    int rc = f->ops->fstat ? f->ops->fstat(f, &st) : -EBADF;
    if (!rc)
        rc = file_may_modify(f);
    return rc ? rc : chown_check(p, &st, a[1], a[2]);
}

/* struct statfs of the 64-bit generic ABI (asm-generic/statfs.h), 120 bytes. */
struct lx_statfs {
    int64_t type, bsize;
    uint64_t blocks, bfree, bavail, files, ffree;
    int32_t fsid[2];
    int64_t namelen, frsize, flags, spare[4];
};
_Static_assert(sizeof(struct lx_statfs) == 120, "struct statfs is 120 bytes");

static int64_t put_statfs(struct proc *p, uint64_t g_buf, const struct statfs *h)
{
    struct lx_statfs s = {
        .type = (int64_t)h->f_type, .bsize = (int64_t)h->f_bsize, .blocks = h->f_blocks,
        .bfree = h->f_bfree, .bavail = h->f_bavail, .files = h->f_files, .ffree = h->f_ffree,
        .namelen = (int64_t)h->f_namelen, .frsize = (int64_t)h->f_frsize,
        .flags = (int64_t)h->f_flags,
    };
    memcpy(s.fsid, &h->f_fsid, sizeof s.fsid);
    return user_copyout(p, g_buf, &s, sizeof s);
}

int64_t sys_statfs(struct proc *p, const uint64_t a[6])
{
    struct vfs_lookup l;
    int rc = sys_lookup_user(p, LX_AT_FDCWD, a[0], VFS_FOLLOW, &l);
    if (rc)
        return rc;
    struct statfs h;
    int64_t ret;
    if (l.virt != VFS_HOST) {
        memset(&h, 0, sizeof h);
        h.f_type = 0x1021994;   /* TMPFS_MAGIC: what /dev is */
        h.f_bsize = h.f_frsize = 4096;
        h.f_namelen = 255;
        ret = put_statfs(p, a[1], &h);
    } else {
        ret = fstatfs(l.dirfd, &h) < 0 ? -errno : put_statfs(p, a[1], &h);
    }
    vfs_lookup_done(&l);
    return ret;
}

int64_t sys_fstatfs(struct proc *p, const uint64_t a[6])
{
    struct file *f = files_lookup(p->files, (int)a[0]);
    if (!f)
        return -EBADF;
    struct statfs h;
    memset(&h, 0, sizeof h);
    if (f->host_fd >= 0) {
        if (fstatfs(file_host_fd(f), &h) < 0)
            return -errno;
    } else {
        h.f_type = 0x50495045;   /* PIPEFS_MAGIC (devices: close enough) */
        h.f_bsize = h.f_frsize = 4096;
        h.f_namelen = 255;
    }
    return put_statfs(p, a[1], &h);
}
