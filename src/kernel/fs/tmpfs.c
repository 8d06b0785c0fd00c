/* tmpfs mounts: flat directories of shmem files. See tmpfs.h. */
#include "tmpfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "shmfile.h"
#include "vfs.h"
#include "../mm/mm.h"

struct tmpfs_ent {
    char name[VFS_NAME_MAX + 1];
    struct shm_node *node;   /* one reference */
};

struct tmpfs_mount {
    char dir[VFS_PATH_MAX];
    uint64_t limit;            /* bytes; 0: half of RAM, fixed at the first open */
    uint64_t ino;              /* of the directory */
    struct tmpfs_ent *ents;
    size_t n, cap;
};

struct tmpfs {
    struct tmpfs_mount m[TMPFS_MAX_MOUNTS];
    int n;
};

struct tmpfs *tmpfs_new(const char *const *paths, int n, uint64_t limit)
{
    struct tmpfs *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    strcpy(t->m[t->n++].dir, "/dev/shm");
    for (int i = 0; i < n && t->n < TMPFS_MAX_MOUNTS; i++)
        if (!tmpfs_mount_at(t, paths[i]))
            snprintf(t->m[t->n++].dir, VFS_PATH_MAX, "%s", paths[i]);
    for (int i = 0; i < t->n; i++) {
        t->m[i].limit = limit;
        t->m[i].ino = 0x7000 + (uint64_t)i;
    }
    return t;
}

void tmpfs_free(struct tmpfs *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->m[i].n; j++)
            shm_node_put(t->m[i].ents[j].node);
        free(t->m[i].ents);
    }
    free(t);
}

struct tmpfs_mount *tmpfs_mount_at(struct tmpfs *t, const char *dir)
{
    for (int i = 0; t && i < t->n; i++)
        if (strcmp(t->m[i].dir, dir) == 0)
            return &t->m[i];
    return NULL;
}

bool tmpfs_room(struct tmpfs_mount *m, uint64_t pages)
{
    uint64_t held = 0;
    for (size_t i = 0; i < m->n; i++)
        held += shm_node_pages(m->ents[i].node);
    return (held + pages) * 4096 <= m->limit;
}

/* Splits path into its mount and file name (NULL name: the directory). */
static struct tmpfs_mount *split(struct tmpfs *t, const char *path, const char **name)
{
    struct tmpfs_mount *m = tmpfs_mount_at(t, path);
    if (m) {
        *name = NULL;
        return m;
    }
    const char *slash = strrchr(path, '/');
    if (!slash)
        return NULL;
    char dir[VFS_PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    *name = slash + 1;
    return tmpfs_mount_at(t, dir);
}

static struct tmpfs_ent *find(struct tmpfs_mount *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->ents[i].name, name) == 0)
            return &m->ents[i];
    return NULL;
}

int tmpfs_stat(struct tmpfs *t, const char *path, struct stat *st)
{
    const char *name;
    struct tmpfs_mount *m = split(t, path, &name);
    if (!m)
        return -ENOENT;
    if (!name) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFDIR | 01777;
        st->st_dev = makedev(0, 0x19);
        st->st_ino = m->ino;
        st->st_nlink = 2;
        st->st_blksize = 4096;
        st->st_size = (off_t)(40 + 20 * m->n);
        return 0;
    }
    struct tmpfs_ent *e = find(m, name);
    return e ? shm_node_stat(e->node, st) : -ENOENT;
}

int tmpfs_open(struct proc *p, struct tmpfs *t, const char *path, int flags, unsigned mode,
               struct file **out)
{
    const char *name;
    struct tmpfs_mount *m = split(t, path, &name);
    if (!m || !name)
        return -ENOENT;
    if (m->limit == 0) {   /* Linux's default: half of RAM */
        struct kernel_info ki;
        kernel_get_info(p->k, &ki);
        m->limit = ki.total_frames * 4096 / 2;
    }
    struct tmpfs_ent *e = find(m, name);
    if (e && (flags & LX_O_CREAT) && (flags & LX_O_EXCL))
        return -EEXIST;
    if (!e) {
        if (!(flags & LX_O_CREAT))
            return -ENOENT;
        if (m->n == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 8;
            struct tmpfs_ent *ne = realloc(m->ents, cap * sizeof *ne);
            if (!ne)
                return -ENOMEM;
            m->ents = ne;
            m->cap = cap;
        }
        struct shm_node *n =
            shm_node_new(p->k, SHMEM_TMPFS, path, mode & ~fs_get_umask(p->fs), m);
        if (!n)
            return -ENOMEM;
        e = &m->ents[m->n++];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->node = n;
    } else {
        struct stat st;
        shm_node_stat(e->node, &st);
        int acc = flags & LX_O_ACCMODE;
        unsigned need = acc == LX_O_RDONLY ? 0400 : acc == LX_O_WRONLY ? 0200 : 0600;
        if ((st.st_mode & need) != need)
            return -EACCES;
    }
    int acc = flags & LX_O_ACCMODE;
    if ((flags & LX_O_TRUNC) && acc != LX_O_RDONLY) {
        int rc = shm_node_truncate(e->node, 0);
        if (rc)
            return rc;
    }
    *out = shm_node_open(e->node, (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC |
                                             LX_O_CLOEXEC)) | LX_O_LARGEFILE,
                         path);
    return *out ? 0 : -ENOMEM;
}

int tmpfs_unlink(struct tmpfs *t, const char *path)
{
    const char *name;
    struct tmpfs_mount *m = split(t, path, &name);
    if (!m)
        return -ENOENT;
    if (!name)
        return -EISDIR;
    struct tmpfs_ent *e = find(m, name);
    if (!e)
        return -ENOENT;
    shm_node_put(e->node);
    size_t i = (size_t)(e - m->ents);
    memmove(&m->ents[i], &m->ents[i + 1], (m->n - i - 1) * sizeof *e);
    m->n--;
    return 0;
}

/* ---- the directory -------------------------------------------------------- */

struct tdir {
    struct tmpfs_mount *m;
};

static int64_t tdir_getdents(struct file *f, void *buf, uint64_t len)
{
    struct tdir *d = f->priv;
    uint8_t *out = buf;
    uint64_t used = 0;
    /* pos: 0 ".", 1 "..", 2 + i the i-th file */
    for (;; f->pos++) {
        const char *name;
        uint64_t ino;
        unsigned char type = 4;   /* DT_DIR */
        if (f->pos == 0) {
            name = ".";
            ino = d->m->ino;
        } else if (f->pos == 1) {
            name = "..";
            ino = 1;
        } else if (f->pos - 2 < d->m->n) {
            struct stat st;
            name = d->m->ents[f->pos - 2].name;
            shm_node_stat(d->m->ents[f->pos - 2].node, &st);
            ino = st.st_ino;
            type = 8;   /* DT_REG */
        } else {
            break;
        }
        size_t nl = strlen(name);
        uint64_t reclen = (19 + nl + 1 + 7) & ~7ULL;
        if (used + reclen > len)
            return used ? (int64_t)used : -EINVAL;
        uint8_t *r = out + used;
        memset(r, 0, reclen);
        memcpy(r, &ino, 8);
        int64_t next = (int64_t)f->pos + 1;
        memcpy(r + 8, &next, 8);
        uint16_t rl = (uint16_t)reclen;
        memcpy(r + 16, &rl, 2);
        r[18] = type;
        memcpy(r + 19, name, nl);
        used += reclen;
    }
    return (int64_t)used;
}

static int tdir_fstat(struct file *f, struct stat *st)
{
    struct tdir *d = f->priv;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFDIR | 01777;
    st->st_dev = makedev(0, 0x19);
    st->st_ino = d->m->ino;
    st->st_nlink = 2;
    st->st_blksize = 4096;
    return 0;
}

static int64_t tdir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence != 0 || off < 0)
        return -EINVAL;
    f->pos = (uint64_t)off;
    return off;
}

static void tdir_release(struct file *f) { free(f->priv); }

static const struct file_ops tdir_ops = {
    .getdents = tdir_getdents, .fstat = tdir_fstat, .lseek = tdir_lseek,
    .release = tdir_release,
};

int tmpfs_open_dir(struct tmpfs *t, const char *path, int flags, struct file **out)
{
    struct tmpfs_mount *m = tmpfs_mount_at(t, path);
    if (!m)
        return -ENOENT;
    if ((flags & LX_O_ACCMODE) != LX_O_RDONLY)
        return -EISDIR;
    struct tdir *d = calloc(1, sizeof *d);
    *out = d ? file_new(&tdir_ops, (flags & ~(LX_O_CREAT | LX_O_CLOEXEC)) | LX_O_LARGEFILE) : NULL;
    if (!*out) {
        free(d);
        return -ENOMEM;
    }
    d->m = m;
    (*out)->priv = d;
    (*out)->path = strdup(path);
    return 0;
}
