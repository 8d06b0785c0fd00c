/* The sandbox: guest paths to host objects. See vfs.h.
 *
 * A lookup walks the guest path one component at a time, holding an O_PATH
 * descriptor of the directory reached so far and the canonical guest path of
 * that directory. Every host step is an *at() call relative to that
 * descriptor with O_NOFOLLOW, so the host kernel never follows a symlink or
 * ".." for us: we read symlinks and apply ".." in guest path space, and the
 * walk can only descend from the tree's root descriptor. */
#include "vfs.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "../proc/proc.h"
#include "procfs.h"
#include "ipc_shm.h"
#include "socket.h"
#include "tmpfs.h"

/* The two host trees, shared by every fs of a run. */
struct vfs_tree {
    int refcount;
    int fd[2];   /* O_PATH descriptors of root and sysroot (-1: none) */
    struct tmpfs *tmpfs;   /* /dev/shm and --tmpfs mounts (tmpfs.h) */
    struct unix_ns *unix_ns;   /* bound socket names (socket.h), made on first use */
    struct sysv_shm *sysv_shm; /* System V segments (ipc_shm.h), made on first use */
};

struct fs {
    int refcount;
    struct vfs_tree *t;
    struct proc *proc;   /* whose /proc/self this is (not a reference) */
    int cwd_base;
    unsigned umask;
    char cwd[VFS_PATH_MAX];
};

/* ---- configuration ------------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void vfs_config_default(struct vfs_config *cfg)
{
    /* All of it: cmd_run's copy lives on the stack (no tmpfs, no --cwd). */
    *cfg = (struct vfs_config){0};
    cfg->root = ".";
    cfg->sysroot = is_dir(VFS_DEFAULT_SYSROOT) ? VFS_DEFAULT_SYSROOT : NULL;
}

int vfs_parse_option(int argc, char **argv, int *i, struct vfs_config *cfg)
{
    const char *a = argv[*i];
    const char *val = NULL;
    bool root;
    if (strcmp(a, "--tmpfs") == 0 || strcmp(a, "--tmpfs-size") == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "vmsim run: %s needs a value\n", a);
            return -1;
        }
        val = argv[++*i];
        if (strcmp(a, "--tmpfs-size") == 0) {
            char *end;
            unsigned long long v = strtoull(val, &end, 10);
            int sh = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
                   : *end == 'G' || *end == 'g' ? 30 : 0;
            if (end == val || (sh && end[1]) || (!sh && *end) || v == 0) {
                fprintf(stderr, "vmsim run: --tmpfs-size '%s': not a size\n", val);
                return -1;
            }
            cfg->tmpfs_size = (uint64_t)v << sh;
            return 1;
        }
        if (val[0] != '/' || strlen(val) >= VFS_PATH_MAX || strstr(val, "//") ||
            strstr(val, "/.") || (strlen(val) > 1 && val[strlen(val) - 1] == '/') ||
            cfg->ntmpfs >= 7) {
            fprintf(stderr, "vmsim run: --tmpfs '%s': need a canonical absolute guest path "
                            "(at most 7 mounts)\n", val);
            return -1;
        }
        cfg->tmpfs[cfg->ntmpfs++] = val;
        return 1;
    }
    if (strcmp(a, "--cwd") == 0 || strncmp(a, "--cwd=", 6) == 0) {
        if (a[5] == '=') {
            cfg->cwd = a + 6;
        } else if (*i + 1 < argc) {
            cfg->cwd = argv[++*i];
        } else {
            fprintf(stderr, "vmsim run: --cwd needs a directory (a guest path)\n");
            return -1;
        }
        return 1;
    }
    if (strcmp(a, "--root") == 0 || strcmp(a, "-L") == 0 || strcmp(a, "--sysroot") == 0) {
        root = strcmp(a, "--root") == 0;
        if (*i + 1 >= argc) {
            fprintf(stderr, "vmsim run: %s needs a directory\n", a);
            return -1;
        }
        val = argv[++*i];
    } else if (strncmp(a, "--root=", 7) == 0) {
        root = true;
        val = a + 7;
    } else if (strncmp(a, "--sysroot=", 10) == 0) {
        root = false;
        val = a + 10;
    } else {
        return 0;
    }
    if (!is_dir(val)) {
        fprintf(stderr, "vmsim run: %s '%s': not a directory\n", root ? "--root" : "--sysroot", val);
        return -1;
    }
    if (root)
        cfg->root = val;
    else
        cfg->sysroot = val;
    return 1;
}

/* If host path `real` (canonical) lies in host directory dir, writes the
 * guest path it has when dir is "/" and returns true. */
static bool guest_path_under(const char *dir, const char *real, char *out, size_t outlen)
{
    char *d = dir ? realpath(dir, NULL) : NULL;
    if (!d)
        return false;
    size_t n = strcmp(d, "/") == 0 ? 0 : strlen(d);
    bool in = strncmp(real, d, n) == 0 && real[n] == '/';
    free(d);
    return in && snprintf(out, outlen, "%s", real + n) < (int)outlen;
}

bool vfs_guest_name(const struct vfs_config *cfg, const char *host_path, char *out, size_t outlen)
{
    char *real = realpath(host_path, NULL);
    if (real && (guest_path_under(cfg->root ? cfg->root : ".", real, out, outlen) ||
                 guest_path_under(cfg->sysroot, real, out, outlen))) {
        free(real);
        return true;
    }
    free(real);
    const char *base = strrchr(host_path, '/');
    snprintf(out, outlen, "/%s", base ? base + 1 : host_path);
    return false;
}

void vfs_default_cwd(const struct vfs_config *cfg, char *out, size_t outlen)
{
    char *real = realpath(".", NULL);
    const char *root = cfg->root ? cfg->root : ".";
    char *rr = realpath(root, NULL);
    if (real && rr && strcmp(real, rr) == 0)
        snprintf(out, outlen, "/");
    else if (!real || !guest_path_under(root, real, out, outlen))
        snprintf(out, outlen, "/");
    free(real);
    free(rr);
}

/* ---- fs contexts --------------------------------------------------------- */

struct fs *fs_new(const struct vfs_config *cfg)
{
    struct fs *fs = calloc(1, sizeof *fs);
    struct vfs_tree *t = calloc(1, sizeof *t);
    if (!fs || !t) {
        free(fs);
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    t->refcount = 1;
    t->fd[VFS_ROOT] = open(cfg->root ? cfg->root : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    t->fd[VFS_SYSROOT] = -1;
    if (t->fd[VFS_ROOT] < 0) {
        free(fs);
        free(t);
        return NULL;
    }
    if (cfg->sysroot) {
        t->fd[VFS_SYSROOT] = open(cfg->sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (t->fd[VFS_SYSROOT] < 0) {
            int e = errno;
            close(t->fd[VFS_ROOT]);
            free(fs);
            free(t);
            errno = e;
            return NULL;
        }
    }
    t->tmpfs = tmpfs_new(cfg->tmpfs, cfg->ntmpfs, cfg->tmpfs_size);
    if (!t->tmpfs) {
        close(t->fd[VFS_ROOT]);
        if (t->fd[VFS_SYSROOT] >= 0)
            close(t->fd[VFS_SYSROOT]);
        free(fs);
        free(t);
        errno = ENOMEM;
        return NULL;
    }
    fs->refcount = 1;
    fs->t = t;
    fs->cwd_base = VFS_ROOT;
    fs->umask = 022;
    strcpy(fs->cwd, "/");
    return fs;
}

struct fs *fs_fork(struct fs *fs)
{
    struct fs *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *fs;
    c->refcount = 1;
    c->t->refcount++;
    return c;
}

void fs_put(struct fs *fs)
{
    if (!fs)
        return;
    assert(fs->refcount > 0);
    if (--fs->refcount > 0)
        return;
    if (--fs->t->refcount == 0) {
        close(fs->t->fd[VFS_ROOT]);
        if (fs->t->fd[VFS_SYSROOT] >= 0)
            close(fs->t->fd[VFS_SYSROOT]);
        tmpfs_free(fs->t->tmpfs);
        unix_ns_free(fs->t->unix_ns);
        sysv_shm_free(fs->t->sysv_shm);
        free(fs->t);
    }
    free(fs);
}

void fs_set_proc(struct fs *fs, struct proc *p) { fs->proc = p; }
struct proc *fs_proc(const struct fs *fs) { return fs->proc; }

/* Whose /proc/self a lookup in fs sees: the calling process if it uses fs
 * (CLONE_FS shares one context between processes), else the holder. */
static struct proc *fs_self(const struct fs *fs)
{
    struct proc *c = fs->proc && fs->proc->os ? fs->proc->os->current : NULL;
    if (c && c->fs == fs)
        return c->group_leader ? c->group_leader : c;
    return fs->proc;
}

struct fs *fs_get(struct fs *fs)
{
    fs->refcount++;
    return fs;
}
const char *fs_cwd(const struct fs *fs) { return fs->cwd; }
struct tmpfs *fs_tmpfs(struct fs *fs) { return fs->t->tmpfs; }

struct sysv_shm *fs_sysv_shm(struct fs *fs)
{
    if (!fs->t->sysv_shm)
        fs->t->sysv_shm = sysv_shm_new();
    return fs->t->sysv_shm;
}

struct unix_ns *fs_unix_ns(struct fs *fs)
{
    if (!fs->t->unix_ns)
        fs->t->unix_ns = unix_ns_new();
    return fs->t->unix_ns;
}
int fs_cwd_base(const struct fs *fs) { return fs->cwd_base; }
unsigned fs_get_umask(const struct fs *fs) { return fs->umask; }

unsigned fs_umask(struct fs *fs, unsigned mask)
{
    unsigned old = fs->umask;
    fs->umask = mask & 0777;
    return old;
}

int fs_chdir(struct fs *fs, const struct vfs_lookup *l)
{
    if (!l->exists)
        return -ENOENT;
    if (l->virt == VFS_PROC && S_ISDIR(l->st.st_mode)) {
        fs->cwd_base = VFS_ROOT;   /* relative lookups walk /proc again from "/" */
        strcpy(fs->cwd, l->path);
        return 0;
    }
    if (l->virt != VFS_HOST)
        return l->virt == VFS_DEV_DIR ? -EACCES : -ENOTDIR;
    if (!S_ISDIR(l->st.st_mode))
        return -ENOTDIR;
    if (faccessat(l->dirfd, l->name, X_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == EACCES)
        return -EACCES;
    fs->cwd_base = l->base;
    strcpy(fs->cwd, l->path);
    return 0;
}

/* ---- the walk ------------------------------------------------------------ */

struct walk {
    struct fs *fs;
    int base;
    int dirfd;                  /* of canon (owned unless it is the tree's root fd) */
    int virt;                   /* VFS_DEV_DIR while in /dev */
    char canon[VFS_PATH_MAX];   /* guest path of dirfd */
};

static void walk_setfd(struct walk *w, int fd)
{
    if (w->dirfd >= 0 && w->dirfd != w->fs->t->fd[w->base])
        close(w->dirfd);
    w->dirfd = fd;
}

static void walk_to_root(struct walk *w)
{
    walk_setfd(w, w->fs->t->fd[w->base]);
    w->virt = VFS_HOST;
    strcpy(w->canon, "/");
}

/* Opens the directory at canonical path canon from the tree's root (every
 * component was a directory when it was walked; O_NOFOLLOW keeps it safe
 * if one was replaced since). */
static int walk_reopen(struct walk *w, const char *canon)
{
    walk_to_root(w);
    char tmp[VFS_PATH_MAX];
    strcpy(tmp, canon);
    char *save = NULL;
    for (char *c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        int fd = openat(w->dirfd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return errno == ELOOP ? -ENOENT : -errno;
        walk_setfd(w, fd);
    }
    strcpy(w->canon, canon);
    return 0;
}

static int dev_virt(const char *name)
{
    if (strcmp(name, "fb0") == 0)
        return VFS_DEV_FB0;
    if (strcmp(name, "vmsim-timer") == 0)
        return VFS_DEV_TIMER;
    if (strcmp(name, "null") == 0)
        return VFS_DEV_NULL;
    if (strcmp(name, "zero") == 0)
        return VFS_DEV_ZERO;
    if (strcmp(name, "urandom") == 0 || strcmp(name, "random") == 0)
        return VFS_DEV_URANDOM;
    if (strcmp(name, "full") == 0)
        return VFS_DEV_FULL;
    if (strcmp(name, "tty") == 0)
        return VFS_DEV_TTY;
    if (strcmp(name, "stdin") == 0 || strcmp(name, "stdout") == 0 || strcmp(name, "stderr") == 0)
        return VFS_DEV_FD;
    return -1;
}

/* Fills out's name and canonical path for name in w's directory;
 * -ENAMETOOLONG if the path does not fit. */
static int set_name(struct vfs_lookup *out, const struct walk *w, const char *name)
{
    size_t nl = strlen(name), cl = strlen(w->canon);
    if (nl > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(out->name, name, nl + 1);
    bool dot = strcmp(name, ".") == 0, root = strcmp(w->canon, "/") == 0;
    if (dot) {
        memcpy(out->path, w->canon, cl + 1);
        return 0;
    }
    if (cl + 1 + nl >= sizeof out->path)
        return -ENAMETOOLONG;
    memcpy(out->path, w->canon, cl);
    size_t at = cl;
    if (!root)
        out->path[at++] = '/';
    memcpy(out->path + at, name, nl + 1);
    return 0;
}

/* A symlink with this target was met: the path left to walk becomes the
 * target, then the rest after the link (*p, written back into rest, which
 * *p may point into). An absolute target starts again at the sandbox root
 * (chroot semantics). 0 or -ENAMETOOLONG. */
static int follow_link(struct walk *w, const char *target, bool slash, char *rest, char **p)
{
    char next[VFS_PATH_MAX];
    int len = snprintf(next, sizeof next, "%s%s%s", target, slash ? "/" : "", *p);
    if (len >= (int)sizeof next)
        return -ENAMETOOLONG;
    strcpy(rest, next);
    *p = rest;
    if (target[0] == '/')
        walk_to_root(w);
    return 0;
}

/* The rest of a lookup inside tmpfs mount mnt: rest is what follows the
 * mount's directory (flat: a file name at most). */
static int tmpfs_walk(struct tmpfs *t, const char *mnt, const char *rest, int flags,
                      struct vfs_lookup *out)
{
    char name[VFS_PATH_MAX];
    snprintf(name, sizeof name, "%s", rest);
    size_t n = strlen(name);
    bool slash = false;
    while (n > 0 && name[n - 1] == '/') {
        name[--n] = 0;
        slash = true;
    }
    out->dirfd = -1;
    out->trailing_slash = slash;
    if (n == 0 || strcmp(name, ".") == 0) {
        out->virt = VFS_TMPFS_DIR;
        out->exists = true;
        snprintf(out->path, sizeof out->path, "%s", mnt);
        snprintf(out->name, sizeof out->name, ".");
        return tmpfs_stat(t, mnt, &out->st);
    }
    if (strchr(name, '/') || strcmp(name, "..") == 0)
        return -ENOENT;   /* no subdirectories in a mount */
    if (n > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (strlen(mnt) + 1 + n >= sizeof out->path)
        return -ENAMETOOLONG;
    out->virt = VFS_TMPFS;
    size_t ml = strlen(mnt);
    memcpy(out->path, mnt, ml);
    out->path[ml] = '/';
    memcpy(out->path + ml + 1, name, n + 1);
    memcpy(out->name, name, n + 1);
    int rc = tmpfs_stat(t, out->path, &out->st);
    if (rc == 0 && slash)
        return -ENOTDIR;
    out->exists = rc == 0;
    if (rc == -ENOENT && (flags & VFS_CREATE))
        return 0;
    return rc;
}

/* Walks full (an absolute guest path) in tree base. */
static int walk_path(struct fs *fs, int base, const char *full, int flags, struct vfs_lookup *out)
{
    struct walk w = {.fs = fs, .base = base, .dirfd = -1};
    walk_to_root(&w);
    char rest[VFS_PATH_MAX];
    snprintf(rest, sizeof rest, "%s", full);
    int hops = 0, rc = 0;
    bool slash = false;
    char *p = rest;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char comp[VFS_PATH_MAX];
        size_t n = strcspn(p, "/");
        if (n > VFS_NAME_MAX) {
            rc = -ENAMETOOLONG;
            goto fail;
        }
        memcpy(comp, p, n);
        comp[n] = 0;
        p += n;
        slash = *p == '/';
        while (*p == '/')
            p++;
        bool is_last = *p == 0;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            char *cut = strrchr(w.canon, '/');
            if (cut == w.canon) {
                if (w.virt != VFS_HOST || strcmp(w.canon, "/") != 0) {
                    walk_to_root(&w);
                }
                continue;
            }
            if (w.virt == VFS_PROC) {   /* no host directory to reopen */
                *cut = 0;
                continue;
            }
            char up[VFS_PATH_MAX];
            memcpy(up, w.canon, (size_t)(cut - w.canon));
            up[cut - w.canon] = 0;
            if ((rc = walk_reopen(&w, up)) != 0)
                goto fail;
            continue;
        }
        if (w.virt != VFS_PROC) {   /* a tmpfs mount (issue 16) */
            char mnt[VFS_PATH_MAX];
            if (snprintf(mnt, sizeof mnt, "%s/%s", strcmp(w.canon, "/") ? w.canon : "", comp) <
                    (int)sizeof mnt &&
                tmpfs_mount_at(fs->t->tmpfs, mnt)) {
                walk_setfd(&w, -1);
                rc = tmpfs_walk(fs->t->tmpfs, mnt, p, flags, out);
                if (rc == 0)
                    out->base = base;
                return rc;
            }
        }
        if (w.virt == VFS_PROC) {
            int type;
            char target[VFS_PATH_MAX];
            rc = procfs_step(fs_self(fs), w.canon, comp, &type, target, sizeof target);
            if (rc)
                goto fail;
            if (type == PROCFS_LNK && (!is_last || slash || (flags & VFS_FOLLOW))) {
                if (++hops > VFS_MAX_HOPS) {
                    rc = -ELOOP;
                    goto fail;
                }
                /* exe: the program, in the sandbox; self: "PID", relative to /proc */
                if ((rc = follow_link(&w, target, slash, rest, &p)) != 0)
                    goto fail;
                continue;
            }
            if (!is_last || (slash && type != PROCFS_LNK)) {
                if (type != PROCFS_DIR) {
                    rc = -ENOTDIR;
                    goto fail;
                }
                if (is_last)
                    goto proc_found;
                if (strlen(w.canon) + 1 + strlen(comp) >= VFS_PATH_MAX) {
                    rc = -ENAMETOOLONG;
                    goto fail;
                }
                strcat(w.canon, "/");
                strcat(w.canon, comp);
                continue;
            }
        proc_found:
            if ((rc = set_name(out, &w, comp)) != 0)
                goto fail;
            out->trailing_slash = slash;
            goto proc_out;
        }
        if (w.virt == VFS_DEV_DIR && strcmp(comp, "fd") == 0 && !is_last) {
            w.virt = VFS_DEV_FDDIR;   /* /dev/fd/N: the descriptors (Linux: /proc/self/fd) */
            strcpy(w.canon, "/dev/fd");
            continue;
        }
        if (w.virt == VFS_DEV_FDDIR) {
            char *end;
            long fdn = strtol(comp, &end, 10);
            if (!is_last || !*comp || *end || fdn < 0 || fdn >= LX_NOFILE_MAX) {
                rc = -ENOENT;
                goto fail;
            }
            if ((rc = set_name(out, &w, comp)) != 0)
                goto fail;
            out->virt = VFS_DEV_FD;
            out->fdnum = (int)fdn;
            out->exists = true;
            out->base = base;
            out->dirfd = -1;
            walk_setfd(&w, -1);
            return 0;
        }
        if (w.virt == VFS_DEV_DIR) {
            int v = dev_virt(comp);
            if (v == VFS_DEV_FD)
                out->fdnum = comp[3] == 'i' ? 0 : comp[3] == 'o' ? 1 : 2;   /* std{in,out,err} */
            if (v < 0) {
                rc = (flags & VFS_CREATE) && is_last ? -EACCES : -ENOENT;
                goto fail;
            }
            if (!is_last) {
                rc = -ENOTDIR;
                goto fail;
            }
            if ((rc = set_name(out, &w, comp)) != 0)
                goto fail;
            out->virt = v;
            out->exists = true;
            out->base = base;
            out->dirfd = -1;
            walk_setfd(&w, -1);
            return 0;
        }
        if (strcmp(w.canon, "/") == 0 && strcmp(comp, "dev") == 0) {
            walk_setfd(&w, -1);
            w.virt = VFS_DEV_DIR;
            strcpy(w.canon, "/dev");
            continue;
        }
        if (strcmp(w.canon, "/") == 0 && (strcmp(comp, "proc") == 0 || strcmp(comp, "sys") == 0)) {
            walk_setfd(&w, -1);   /* our own /proc and /sys, whatever the host tree has there */
            w.virt = VFS_PROC;
            strcpy(w.canon, comp[0] == 'p' ? "/proc" : "/sys");
            continue;
        }
        struct stat st;
        if (fstatat(w.dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = -errno;
            if (rc == -ENOENT && is_last && (flags & VFS_CREATE)) {
                if ((rc = set_name(out, &w, comp)) != 0)
                    goto fail;
                out->exists = false;
                out->trailing_slash = slash;
                goto found;
            }
            goto fail;
        }
        if (S_ISLNK(st.st_mode) && (!is_last || slash || (flags & VFS_FOLLOW))) {
            if (++hops > VFS_MAX_HOPS) {
                rc = -ELOOP;
                goto fail;
            }
            char target[VFS_PATH_MAX];
            ssize_t tl = readlinkat(w.dirfd, comp, target, sizeof target - 1);
            if (tl < 0) {
                rc = -errno;
                goto fail;
            }
            if (tl == 0) {
                rc = -ENOENT;
                goto fail;
            }
            target[tl] = 0;
            if ((rc = follow_link(&w, target, slash, rest, &p)) != 0)
                goto fail;
            continue;
        }
        if (is_last) {
            if (slash && !S_ISDIR(st.st_mode)) {
                rc = -ENOTDIR;
                goto fail;
            }
            if ((rc = set_name(out, &w, comp)) != 0)
                goto fail;
            out->exists = true;
            out->st = st;
            out->trailing_slash = slash;
            goto found;
        }
        if (!S_ISDIR(st.st_mode)) {
            rc = -ENOTDIR;
            goto fail;
        }
        if (strlen(w.canon) + 1 + strlen(comp) >= VFS_PATH_MAX) {
            rc = -ENAMETOOLONG;
            goto fail;
        }
        int fd = openat(w.dirfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            rc = errno == ELOOP ? -ENOENT : -errno;
            goto fail;
        }
        walk_setfd(&w, fd);
        if (strcmp(w.canon, "/") != 0)
            strcat(w.canon, "/");
        strcat(w.canon, comp);
    }
    /* The path ends on the directory we are in (or on /dev). */
    if ((rc = set_name(out, &w, ".")) != 0)
        goto fail;
    out->exists = true;
    out->trailing_slash = slash;
    if (w.virt == VFS_DEV_DIR) {
        out->virt = VFS_DEV_DIR;
        out->dirfd = -1;
        out->base = base;
        return 0;
    }
    if (w.virt == VFS_PROC) {
    proc_out:
        out->virt = VFS_PROC;
        out->exists = true;
        out->dirfd = -1;
        out->base = base;
        walk_setfd(&w, -1);
        return procfs_stat(fs_self(fs), out->path, &out->st);
    }
    if (fstat(w.dirfd, &out->st) < 0) {
        rc = -errno;
        goto fail;
    }
found:
    out->base = base;
    out->virt = VFS_HOST;
    /* The caller owns dirfd: duplicate the tree's root rather than lend it. */
    if (w.dirfd == fs->t->fd[base]) {
        out->dirfd = fcntl(w.dirfd, F_DUPFD_CLOEXEC, 0);
        if (out->dirfd < 0)
            return -errno;
    } else {
        out->dirfd = w.dirfd;
    }
    return 0;
fail:
    walk_setfd(&w, -1);
    return rc;
}

int vfs_lookup(struct fs *fs, int start_base, const char *start_dir, const char *path, int flags,
               struct vfs_lookup *out)
{
    memset(out, 0, sizeof *out);
    out->dirfd = -1;
    size_t len = strlen(path);
    if (len == 0)
        return -ENOENT;
    if (len >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (path[0] != '/') {
        char full[VFS_PATH_MAX];
        if (!start_dir) {
            start_dir = fs->cwd;
            start_base = fs->cwd_base;
        }
        if (snprintf(full, sizeof full, "%s/%s", start_dir, path) >= (int)sizeof full)
            return -ENAMETOOLONG;
        return walk_path(fs, start_base, full, flags, out);
    }
    if (fs->t->fd[VFS_SYSROOT] >= 0) {
        /* qemu -L: an absolute path that exists in the sysroot is the
         * sysroot's -- except a directory that root has too ("/" first of
         * all), which stays root's, so that "/" and the cwd are the guest's. */
        int rc = walk_path(fs, VFS_SYSROOT, path, flags & ~VFS_CREATE, out);
        if (rc == 0 && !(out->virt == VFS_HOST && S_ISDIR(out->st.st_mode)))
            return 0;
        if (rc == 0) {
            struct vfs_lookup sys = *out;
            memset(out, 0, sizeof *out);   /* a failed walk leaves out's dirfd alone */
            out->dirfd = -1;
            rc = walk_path(fs, VFS_ROOT, path, flags, out);
            if (rc == 0 && out->exists && S_ISDIR(out->st.st_mode)) {
                vfs_lookup_done(&sys);
                return 0;
            }
            vfs_lookup_done(out);
            *out = sys;
            return 0;
        }
        memset(out, 0, sizeof *out);
        out->dirfd = -1;
        rc = walk_path(fs, VFS_ROOT, path, flags, out);
        if (rc == 0 || !(flags & VFS_CREATE))
            return rc;
        /* A new name whose directory exists only in the sysroot: that
         * directory it is (the caller answers EROFS, vfs_may_modify). */
        struct vfs_lookup sys;
        memset(&sys, 0, sizeof sys);
        sys.dirfd = -1;
        if (walk_path(fs, VFS_SYSROOT, path, flags, &sys) != 0)
            return rc;
        *out = sys;
        return 0;
    }
    return walk_path(fs, VFS_ROOT, path, flags, out);
}

int vfs_may_modify(const struct vfs_lookup *l)
{
    return l->virt == VFS_HOST && l->base == VFS_SYSROOT ? -EROFS : 0;
}

void vfs_lookup_done(struct vfs_lookup *l)
{
    if (l->dirfd >= 0)
        close(l->dirfd);
    l->dirfd = -1;
}

/* ---- files for mapping --------------------------------------------------- */

struct vfile *vfs_vfile_from_fd(struct kernel *k, int fd, const char *name, bool writable,
                                int *err)
{
    /* vfile_open takes a host path: the descriptor's magic link names exactly
     * the inode we opened, whatever happens to the path meanwhile. */
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    return vfile_open(k, link, name, writable, err);
}

int vfs_open_vfile(struct proc *p, const char *guest_path, bool for_interp, struct vfile **out,
                   char *err, size_t errlen)
{
    struct vfs_lookup l;
    *out = NULL;
    int rc = vfs_lookup(p->fs, VFS_ROOT, NULL, guest_path, VFS_FOLLOW, &l);
    if (rc) {
        snprintf(err, errlen, "%s", strerror(-rc));
        return rc;
    }
    if (l.virt != VFS_HOST || !S_ISREG(l.st.st_mode) || !(l.st.st_mode & 0111)) {
        snprintf(err, errlen, "%s",
                 l.virt == VFS_HOST && S_ISDIR(l.st.st_mode) ? "is a directory"
                                                             : "not an executable regular file");
        vfs_lookup_done(&l);
        return -EACCES;
    }
    /* O_NONBLOCK: should a FIFO have replaced the file since the lookup. */
    int fd = openat(l.dirfd, l.name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s", strerror(-rc));
        vfs_lookup_done(&l);
        return rc;
    }
    int e = 0;
    *out = vfs_vfile_from_fd(p->k, fd, l.path, false, &e);
    close(fd);
    vfs_lookup_done(&l);
    if (!*out) {
        snprintf(err, errlen, "%s", strerror(-e));
        return e;
    }
    return 0;
}
