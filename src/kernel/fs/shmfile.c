/* tmpfs files and memfd: descriptions over a shmem object. See shmfile.h. */
#include "shmfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "sys_file.h"
#include "tmpfs.h"
#include "vfs.h"
#include "../mm/mm.h"

struct shm_node {
    int refcount;              /* descriptions, a directory entry */
    struct vfile *vf;          /* the shmem object */
    int seals;                 /* LX_F_SEAL_* */
    unsigned mode;             /* permission bits */
    struct tmpfs_mount *mnt;   /* tmpfs: whose size limit it counts against */
};

struct shm_node *shm_node_new(struct kernel *k, int kind, const char *mapname, unsigned mode,
                              struct tmpfs_mount *mnt)
{
    struct shm_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->vf = vfile_new_shmem(k, 0, kind, mapname, 0);
    if (!n->vf) {
        free(n);
        return NULL;
    }
    n->refcount = 1;
    n->mode = mode & 07777;
    n->mnt = mnt;
    /* Linux: a memfd without MFD_ALLOW_SEALING (and every tmpfs file) is
     * sealed against sealing. */
    n->seals = LX_F_SEAL_SEAL;
    return n;
}

struct shm_node *shm_node_get(struct shm_node *n)
{
    n->refcount++;
    return n;
}

void shm_node_put(struct shm_node *n)
{
    if (!n || --n->refcount > 0)
        return;
    vfile_put(n->vf);
    free(n);
}

uint64_t shm_node_pages(const struct shm_node *n)
{
    uint64_t res, sw;
    shmem_pages(n->vf, &res, &sw);
    return res + sw;
}

int shm_node_stat(const struct shm_node *n, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | n->mode;
    st->st_dev = makedev(0, 1);
    st->st_ino = vfile_ino(n->vf);
    st->st_nlink = 1;
    st->st_uid = 1000;
    st->st_gid = 1000;
    st->st_size = (off_t)vfile_size(n->vf);
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)(shm_node_pages(n) * 8);
    return 0;
}

/* The mount's limit allows len more bytes at off? (pages not yet held) */
static bool room_for(const struct shm_node *n, uint64_t off, uint64_t len)
{
    if (!n->mnt || len == 0)
        return true;
    uint64_t need = 0;
    for (uint64_t i = off / 4096; i <= (off + len - 1) / 4096; i++)
        need += !shmem_page_held(n->vf, i);
    return tmpfs_room(n->mnt, need);
}

int shm_node_truncate(struct shm_node *n, uint64_t size)
{
    uint64_t old = vfile_size(n->vf);
    if (size < old && (n->seals & LX_F_SEAL_SHRINK))
        return -EPERM;
    if (size > old && (n->seals & LX_F_SEAL_GROW))
        return -EPERM;
    if ((int64_t)size < 0)
        return -EFBIG;
    return shmem_set_size(n->vf, size);
}

/* ---- descriptions -------------------------------------------------------- */

static int64_t shm_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    if ((int64_t)off < 0)
        return -EINVAL;
    return shmem_read(f->vf, buf, len, off);
}

static int64_t shm_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    struct shm_node *n = f->priv;
    if ((int64_t)off < 0)
        return -EINVAL;
    if (n->seals & (LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE))
        return -EPERM;
    uint64_t size = vfile_size(f->vf);
    if (off + len > size && (n->seals & LX_F_SEAL_GROW)) {
        if (off >= size)
            return -EPERM;
        len = size - off;
    }
    if (!room_for(n, off, len))
        return -ENOSPC;
    return shmem_write(f->vf, buf, len, off);
}

static int64_t shm_read(struct file *f, void *buf, uint64_t len)
{
    int64_t r = shm_pread(f, buf, len, f->pos);
    if (r > 0)
        f->pos += (uint64_t)r;
    return r;
}

static int64_t shm_write(struct file *f, const void *buf, uint64_t len)
{
    if (f->flags & LX_O_APPEND)
        f->pos = vfile_size(f->vf);
    int64_t w = shm_pwrite(f, buf, len, f->pos);
    if (w > 0)
        f->pos += (uint64_t)w;
    return w;
}

static int64_t shm_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->pos
                 : whence == 2 ? (int64_t)vfile_size(f->vf) : -1;
    if (base < 0)
        return -EINVAL;
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (int64_t)f->pos;
}

static int shm_fstat(struct file *f, struct stat *st) { return shm_node_stat(f->priv, st); }

static int shm_mmap(struct file *f, struct vfile **out)
{
    *out = vfile_get(f->vf);
    return 0;
}

static void shm_release(struct file *f) { shm_node_put(f->priv); }

static const struct file_ops shm_ops = {
    .read = shm_read, .write = shm_write, .pread = shm_pread, .pwrite = shm_pwrite,
    .lseek = shm_lseek, .fstat = shm_fstat, .mmap = shm_mmap, .release = shm_release,
};

bool file_is_shm(const struct file *f) { return f && f->ops == &shm_ops; }

struct file *shm_node_open(struct shm_node *n, int flags, const char *path)
{
    struct file *f = file_new(&shm_ops, flags);
    if (!f)
        return NULL;
    f->priv = shm_node_get(n);
    f->vf = vfile_get(n->vf);
    f->path = path ? strdup(path) : NULL;
    return f;
}

int shm_file_truncate(struct file *f, uint64_t size)
{
    struct shm_node *n = f->priv;
    if (size > vfile_size(f->vf) && !room_for(n, vfile_size(f->vf), 0))
        return -ENOSPC;
    return shm_node_truncate(n, size);
}

int shm_fcntl_seals(struct file *f, int cmd, uint64_t arg)
{
    if (!file_is_shm(f))
        return -EINVAL;
    struct shm_node *n = f->priv;
    if (cmd == LX_F_GET_SEALS)
        return n->seals;
    unsigned add = (unsigned)arg;
    if (add & ~(unsigned)(LX_F_SEAL_SEAL | LX_F_SEAL_SHRINK | LX_F_SEAL_GROW | LX_F_SEAL_WRITE |
                          LX_F_SEAL_FUTURE_WRITE))
        return -EINVAL;
    int acc = f->flags & LX_O_ACCMODE;
    if (acc != LX_O_WRONLY && acc != LX_O_RDWR)
        return -EPERM;
    if (n->seals & LX_F_SEAL_SEAL)
        return -EPERM;
    if ((add & LX_F_SEAL_WRITE) && !(n->seals & LX_F_SEAL_WRITE) &&
        vfile_mapped_shared_writable(n->vf))
        return -EBUSY;   /* Linux: a writable shared mapping exists */
    n->seals |= (int)add;
    return 0;
}

int shm_mmap_check(struct file *f, int prot, int flags)
{
    if (!file_is_shm(f))
        return 0;
    struct shm_node *n = f->priv;
    if ((n->seals & (LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE)) &&
        (flags & LX_MAP_TYPE) == LX_MAP_SHARED && (prot & LX_PROT_WRITE))
        return -EPERM;
    return 0;
}

/* ---- memfd_create ------------------------------------------------------- */

#define LX_MFD_CLOEXEC 1u
#define LX_MFD_ALLOW_SEALING 2u
#define LX_MFD_HUGETLB 4u
#define LX_MFD_NOEXEC_SEAL 8u
#define LX_MFD_EXEC 0x10u
#define MFD_NAME_MAX 249   /* NAME_MAX - strlen("memfd:") */

int64_t sys_memfd_create(struct proc *p, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[1];
    if (flags & ~(LX_MFD_CLOEXEC | LX_MFD_ALLOW_SEALING | LX_MFD_NOEXEC_SEAL | LX_MFD_EXEC |
                  LX_MFD_HUGETLB))
        return -EINVAL;
    if (flags & LX_MFD_HUGETLB)
        return -EINVAL;   /* no huge pages on this machine */
    char name[VFS_PATH_MAX];
    int rc = sys_get_path(p, a[0], name);
    if (rc == -ENAMETOOLONG || (rc == 0 && strlen(name) > MFD_NAME_MAX))
        return -EINVAL;   /* Linux: a name over 249 bytes is EINVAL */
    if (rc)
        return rc;
    char mapname[MFD_NAME_MAX + 32];
    snprintf(mapname, sizeof mapname, "/memfd:%.249s (deleted)", name);
    struct shm_node *n = shm_node_new(p->k, SHMEM_MEMFD, mapname, 0777, NULL);
    if (!n)
        return -ENOMEM;
    if (flags & (LX_MFD_ALLOW_SEALING | LX_MFD_NOEXEC_SEAL))
        n->seals = 0;
    struct file *f = shm_node_open(n, LX_O_RDWR | LX_O_LARGEFILE, mapname + 1);
    shm_node_put(n);
    if (!f)
        return -ENOMEM;
    return files_install(p->files, f, 0, flags & LX_MFD_CLOEXEC);
}

#define LX_FALLOC_FL_KEEP_SIZE 0x01
#define LX_FALLOC_FL_PUNCH_HOLE 0x02

int shm_file_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    struct shm_node *n = f->priv;
    int acc = f->flags & LX_O_ACCMODE;
    if (acc != LX_O_WRONLY && acc != LX_O_RDWR)
        return -EBADF;
    if (mode == (LX_FALLOC_FL_PUNCH_HOLE | LX_FALLOC_FL_KEEP_SIZE)) {
        if (n->seals & (LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE))
            return -EPERM;
        return vfile_punch_hole(n->vf, off, len);
    }
    if (mode == 0 || mode == LX_FALLOC_FL_KEEP_SIZE) {
        if (mode == 0 && off + len > vfile_size(f->vf))
            return shm_file_truncate(f, off + len);
        return 0;
    }
    return -EOPNOTSUPP;
}
