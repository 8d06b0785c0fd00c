/* /proc: the tree, lookups, stat, open files and directories. See procfs.h;
 * what the text files say is in procfs_show.c. */
#include "procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file.h"
#include "procfs_impl.h"
#include "../proc/proc.h"
#include "vfs.h"

/* ---- the tree ------------------------------------------------------------ */

struct pf_entry {
    const char *name;
    enum pf_kind kind;
};

/* /proc/PID, in Linux's (alphabetical) listing order. */
static const struct pf_entry pid_entries[] = {
    {"cmdline", PF_CMDLINE},
    {"comm", PF_COMM},
    {"cwd", PF_CWD},
    {"environ", PF_ENVIRON},
    {"exe", PF_EXE},
    {"maps", PF_MAPS},
    {"pagemap", PF_PAGEMAP},
    {"smaps", PF_SMAPS},
    {"smaps_rollup", PF_SMAPS_ROLLUP},
    {"stat", PF_STAT},
    {"statm", PF_STATM},
    {"status", PF_STATUS},
    {"task", PF_TASK_DIR},
};
static const struct pf_entry pressure_entries[] = {
    {"memory", PF_PRESSURE_MEMORY},
};
static const struct pf_entry root_entries[] = {
    {"meminfo", PF_MEMINFO},
    {"pressure", PF_PRESSURE},
    {"self", PF_SELF},
    {"sysvipc", PF_SYSVIPC},
    {"thread-self", PF_THREAD_SELF},
    {"vmstat", PF_VMSTAT},
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The little of sysfs programs read to count CPUs (glibc's get_nprocs,
 * nproc): the directories down to cpu/ and its cpulists. */
static const struct {
    const char *path;
    enum pf_kind kind;
} sysfs_nodes[] = {
    {"/sys", PF_SYS_DIR},
    {"/sys/devices", PF_SYS_DIR},
    {"/sys/devices/system", PF_SYS_DIR},
    {"/sys/devices/system/cpu", PF_SYS_DIR},
    {"/sys/devices/system/cpu/online", PF_SYS_CPUS},
    {"/sys/devices/system/cpu/possible", PF_SYS_CPUS},
    {"/sys/devices/system/cpu/present", PF_SYS_CPUS},
};

static int pf_type(enum pf_kind k)
{
    switch (k) {
    case PF_ROOT:
    case PF_PID_DIR:
    case PF_SYSVIPC:
    case PF_PRESSURE:
    case PF_TASK_DIR:
    case PF_TID_DIR:
    case PF_SYS_DIR:
        return PROCFS_DIR;
    case PF_THREAD_SELF:
    case PF_SELF:
    case PF_CWD:
    case PF_EXE:
        return PROCFS_LNK;
    default:
        return PROCFS_REG;
    }
}

/* A pid in decimal without sign or leading zeros, or -1. */
static int parse_pid(const char *s, size_t n)
{
    if (n == 0 || n > 9 || s[0] == '0')
        return -1;
    int pid = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        pid = pid * 10 + (s[i] - '0');
    }
    return pid;
}

struct pf_node {
    enum pf_kind kind;
    int pid;             /* PF_PID_DIR and below; 0 for the rest */
    int tid;             /* PF_TID_DIR and below: the thread; 0 for the rest */
    int sys;             /* /sys nodes: 1 + index in sysfs_nodes; 0 for the rest */
    struct proc *target; /* the process of pid (borrowed), or NULL */
};

/* What canonical path names, as seen by self. 0 or -ENOENT. */
static int pf_resolve(struct proc *self, const char *path, struct pf_node *n)
{
    memset(n, 0, sizeof *n);
    if (!strncmp(path, "/sys", 4) && (!path[4] || path[4] == '/')) {
        for (size_t i = 0; i < NELEM(sysfs_nodes); i++)
            if (!strcmp(path, sysfs_nodes[i].path)) {
                n->kind = sysfs_nodes[i].kind;
                n->sys = (int)i + 1;
                return 0;
            }
        return -ENOENT;
    }
    if (strncmp(path, "/proc", 5) != 0 || (path[5] && path[5] != '/'))
        return -ENOENT;
    const char *c = path + 5;
    while (*c == '/')
        c++;
    if (!*c) {
        n->kind = PF_ROOT;
        return 0;
    }
    size_t len = strcspn(c, "/");
    const char *rest = c + len;
    while (*rest == '/')
        rest++;
    int pid = parse_pid(c, len);
    if (pid < 0 && len == 7 && !strncmp(c, "sysvipc", 7) && *rest) {
        if (strcmp(rest, "shm") != 0 && strcmp(rest, "shm/") != 0)
            return -ENOENT;
        n->kind = PF_SYSVIPC_SHM;
        return 0;
    }
    if (pid < 0) {
        if (len == 8 && !strncmp(c, "pressure", 8) && *rest) {
            for (size_t i = 0; i < NELEM(pressure_entries); i++)
                if (!strcmp(rest, pressure_entries[i].name)) {
                    n->kind = pressure_entries[i].kind;
                    return 0;
                }
            return -ENOENT;
        }
        if (*rest)
            return -ENOENT;
        for (size_t i = 0; i < NELEM(root_entries); i++)
            if (strlen(root_entries[i].name) == len && !strncmp(c, root_entries[i].name, len)) {
                n->kind = root_entries[i].kind;
                if ((n->kind == PF_SELF || n->kind == PF_THREAD_SELF) && !self)
                    return -ENOENT;
                return 0;
            }
        return -ENOENT;
    }
    n->target = self ? os_find(self->os, pid) : NULL;
    if (!n->target)
        return -ENOENT;
    n->pid = pid;
    if (!*rest) {
        n->kind = PF_PID_DIR;
        return 0;
    }
    /* task, task/TID, task/TID/ENTRY: a thread of this process. */
    if (!strncmp(rest, "task", 4) && (rest[4] == 0 || rest[4] == '/')) {
        const char *r = rest + 4;
        while (*r == '/')
            r++;
        if (!*r) {
            n->kind = PF_TASK_DIR;
            return 0;
        }
        size_t tl = strcspn(r, "/");
        int tid = parse_pid(r, tl);
        struct proc *t = tid > 0 ? os_find_tid(self->os, tid) : NULL;
        if (!t || t->pid != pid)
            return -ENOENT;
        n->target = t;
        n->tid = tid;
        r += tl;
        while (*r == '/')
            r++;
        if (!*r) {
            n->kind = PF_TID_DIR;
            return 0;
        }
        rest = r;
        if (!strcmp(rest, "task"))
            return -ENOENT;   /* no task/TID/task */
    }
    if (strchr(rest, '/'))
        return -ENOENT;
    for (size_t i = 0; i < NELEM(pid_entries); i++)
        if (!strcmp(rest, pid_entries[i].name)) {
            n->kind = pid_entries[i].kind;
            return 0;
        }
    return -ENOENT;
}

/* A symlink's target; -ENOENT when it has none (exe of a zombie). */
static int pf_link(struct proc *self, const struct pf_node *n, char *buf, size_t len)
{
    if (n->kind == PF_SELF) {
        snprintf(buf, len, "%d", self->pid);
        return 0;
    }
    if (n->kind == PF_THREAD_SELF) {   /* the calling thread: the one on the hart */
        const struct proc *c = self->os->current;
        int tid = c && c->pid == self->pid ? c->tid : self->pid;
        snprintf(buf, len, "%d/task/%d", self->pid, tid);
        return 0;
    }
    const char *t;
    if (n->kind == PF_EXE)
        t = n->target->exited ? NULL : n->target->exe;
    else if (n->kind == PF_CWD)
        t = n->target->fs ? fs_cwd(n->target->fs) : NULL;
    else
        return -EINVAL;
    if (!t)
        return -ENOENT;
    if (strlen(t) >= len)
        return -ENAMETOOLONG;
    strcpy(buf, t);
    return 0;
}

int procfs_step(struct proc *self, const char *dir, const char *name, int *type, char *target,
                size_t tlen)
{
    struct pf_node d, n;
    int rc = pf_resolve(self, dir, &d);
    if (rc)
        return rc;
    if (pf_type(d.kind) != PROCFS_DIR)
        return -ENOTDIR;
    char path[VFS_PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return -ENAMETOOLONG;
    if ((rc = pf_resolve(self, path, &n)) != 0)
        return rc;
    *type = pf_type(n.kind);
    if (*type == PROCFS_LNK)
        return pf_link(self, &n, target, tlen);
    return 0;
}

/* ---- stat ---------------------------------------------------------------- */

#define PROCFS_DEV_MINOR 22 /* an anonymous device, as procfs has (0:22) */

static void pf_stat_node(const struct pf_node *n, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = makedev(0, PROCFS_DEV_MINOR);
    /* Stable inode numbers: the root, then 16 per process. */
    st->st_ino = n->sys ? 0x100000000000ULL + (uint64_t)n->sys : n->tid ? ((uint64_t)n->tid << 32) + 32 * (uint64_t)n->pid + (uint64_t)n->kind
                 : n->pid ? (uint64_t)n->pid * 32 + (uint64_t)n->kind : 1 + (uint64_t)n->kind;
    st->st_uid = geteuid(); /* the guest sees the host's euid as itself */
    st->st_gid = getegid();
    st->st_blksize = 1024;
    st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec =
        (time_t)(OS_EPOCH_NS / 1000000000ULL);
    switch (pf_type(n->kind)) {
    case PROCFS_DIR:
        st->st_mode = S_IFDIR | 0555;
        st->st_nlink = 2;
        break;
    case PROCFS_LNK:
        st->st_mode = S_IFLNK | 0777;
        st->st_nlink = 1;
        break;
    default:
        st->st_mode = S_IFREG | (n->kind == PF_PAGEMAP || n->kind == PF_ENVIRON ? 0400
                                  : n->kind == PF_COMM                          ? 0644
                                                                                : 0444);
        st->st_nlink = 1;
        break;
    }
}

int procfs_stat(struct proc *self, const char *path, struct stat *st)
{
    struct pf_node n;
    int rc = pf_resolve(self, path, &n);
    if (rc)
        return rc;
    pf_stat_node(&n, st);
    return 0;
}

int64_t procfs_readlink(struct proc *self, const char *path, char *buf, size_t len)
{
    struct pf_node n;
    int rc = pf_resolve(self, path, &n);
    if (rc)
        return rc;
    if (pf_type(n.kind) != PROCFS_LNK)
        return -EINVAL;
    char target[VFS_PATH_MAX];
    if ((rc = pf_link(self, &n, target, sizeof target)) != 0)
        return rc;
    size_t tl = strlen(target);
    if (tl > len)
        tl = len;
    memcpy(buf, target, tl);
    return (int64_t)tl;
}

/* ---- open files ---------------------------------------------------------- */

struct pf_file {
    struct os *os;
    struct pf_node n; /* n.target is NOT kept: looked up by pid each time */
    char *buf;        /* text files: the snapshot; directories: the listing */
    size_t len;
    bool have;
};

static struct pf_file *pf(struct file *f)
{
    return f->priv;
}

static void pf_release(struct file *f)
{
    struct pf_file *p = pf(f);
    if (p)
        free(p->buf);
    free(p);
}

/* The process a file is about, or NULL with -ESRCH (reaped). */
static struct proc *pf_target(struct pf_file *p)
{
    if (p->n.tid) {
        struct proc *t = os_find_tid(p->os, p->n.tid);
        return t && t->pid == p->n.pid ? t : NULL;
    }
    return os_find(p->os, p->n.pid);
}

/* Closes the memstream `out` (which writes *buf and *len) and, unless rc or
 * the close failed, makes what it wrote the file's snapshot. 0 or -errno. */
static int pf_keep(struct pf_file *p, FILE *out, char **buf, size_t *len, int rc)
{
    if (fclose(out) != 0 && !rc)
        rc = -ENOMEM;
    if (rc) {
        free(*buf);
        return rc;
    }
    free(p->buf);
    p->buf = *buf;
    p->len = *len;
    p->have = true;
    return 0;
}

/* Regenerates a text file's snapshot. 0 or -errno. */
static int pf_fill(struct pf_file *p)
{
    struct proc *t = NULL;
    if (p->n.pid && !(t = pf_target(p)))
        return -ESRCH;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return -ENOMEM;
    int rc = procfs_show(p->os, t, p->n.kind, out);
    return pf_keep(p, out, &buf, &len, rc);
}

static int64_t text_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    struct pf_file *p = pf(f);
    if ((int64_t)off < 0)
        return -EINVAL;
    /* Like seq_file: a read from the start sees the current state. */
    if (off == 0 || !p->have) {
        int rc = pf_fill(p);
        if (rc)
            return rc;
    }
    if (off >= p->len)
        return 0;
    uint64_t n = p->len - off < len ? p->len - off : len;
    memcpy(buf, p->buf + off, n);
    return (int64_t)n;
}

static int64_t text_read(struct file *f, void *buf, uint64_t len)
{
    int64_t r = text_pread(f, buf, len, f->pos);
    if (r > 0)
        f->pos += (uint64_t)r;
    return r;
}

/* seq_lseek and mem_lseek: SEEK_SET and SEEK_CUR only. */
static int64_t pf_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (int64_t)f->pos;
    else
        return -EINVAL;
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (int64_t)f->pos;
}

static int pf_fstat(struct file *f, struct stat *st)
{
    pf_stat_node(&pf(f)->n, st);
    return 0;
}

static const struct file_ops text_ops = {
    .read = text_read,
    .pread = text_pread,
    .lseek = pf_lseek,
    .fstat = pf_fstat,
    .release = pf_release,
};

/* Writing /proc/PID/comm renames the process (Linux's comm_write: the first
 * 15 bytes; only a process's own comm, else EINVAL; the whole write counts). */
static int64_t comm_write(struct file *f, const void *buf, uint64_t len)
{
    struct pf_file *p = pf(f);
    struct proc *t = pf_target(p);
    if (!t)
        return -ESRCH;
    if (t != p->os->current)
        return -EINVAL;
    char name[sizeof t->comm] = {0};
    memcpy(name, buf, len < sizeof name - 1 ? len : sizeof name - 1);
    memcpy(t->comm, name, sizeof name);
    return (int64_t)len;
}

static const struct file_ops comm_ops = {
    .read = text_read,
    .write = comm_write,
    .pread = text_pread,
    .lseek = pf_lseek,
    .fstat = pf_fstat,
    .release = pf_release,
};

/* pagemap: entries made for the range asked, never the whole (huge) file. */
static int64_t pagemap_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    struct pf_file *p = pf(f);
    if ((off % 8) || (len % 8))
        return -EINVAL;
    struct proc *t = pf_target(p);
    if (!t)
        return -ESRCH;
    if (!t->mm)
        return 0;
    return mm_pagemap_read(t->mm, buf, len, off);
}

static int64_t pagemap_read(struct file *f, void *buf, uint64_t len)
{
    int64_t r = pagemap_pread(f, buf, len, f->pos);
    if (r > 0)
        f->pos += (uint64_t)r;
    return r;
}

static const struct file_ops pagemap_ops = {
    .read = pagemap_read,
    .pread = pagemap_pread,
    .lseek = pf_lseek,
    .fstat = pf_fstat,
    .release = pf_release,
};

/* ---- directories --------------------------------------------------------- */

/* Appends one linux_dirent64 (d_ino, d_off, d_reclen, d_type, d_name) to
 * the listing. */
static int dirent_add(FILE *out, uint64_t ino, unsigned char type, const char *name)
{
    size_t nl = strlen(name);
    uint16_t reclen = (uint16_t)((19 + nl + 1 + 7) & ~7u);
    uint8_t rec[19 + VFS_NAME_MAX + 8];
    memset(rec, 0, reclen);
    int64_t doff = 0; /* filled in when served: the index of the next record */
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &doff, 8);
    memcpy(rec + 16, &reclen, 2);
    rec[18] = type;
    memcpy(rec + 19, name, nl);
    return fwrite(rec, 1, reclen, out) == reclen ? 0 : -ENOMEM;
}

static unsigned char dtype(enum pf_kind k)
{
    int t = pf_type(k);
    return t == PROCFS_DIR ? 4 : t == PROCFS_LNK ? 10 : 8; /* DT_DIR, DT_LNK, DT_REG */
}

/* The directory's records, made when it is read from the start. */
static int dir_fill(struct pf_file *p)
{
    struct proc *t = NULL;
    if (p->n.pid && !(t = pf_target(p)))
        return -ENOENT;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return -ENOMEM;
    struct pf_node node = p->n;
    struct stat st;
    pf_stat_node(&node, &st);
    int rc = dirent_add(out, st.st_ino, 4, ".");
    if (!rc)
        rc = dirent_add(out, 1, 4, "..");
    if (p->n.kind == PF_ROOT) {
        for (size_t i = 0; !rc && i < NELEM(root_entries); i++) {
            node = (struct pf_node){.kind = root_entries[i].kind};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, dtype(node.kind), root_entries[i].name);
        }
        for (struct proc *q = p->os->procs; !rc && q; q = q->next) {
            char name[16];
            if (q->tid != q->pid)
                continue;   /* threads are listed under task/ */
            snprintf(name, sizeof name, "%d", q->pid);
            node = (struct pf_node){.kind = PF_PID_DIR, .pid = q->pid};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, 4, name);
        }
    } else if (p->n.kind == PF_SYSVIPC) {
        node = (struct pf_node){.kind = PF_SYSVIPC_SHM};
        pf_stat_node(&node, &st);
        rc = dirent_add(out, st.st_ino, 8, "shm");
    } else if (p->n.kind == PF_PRESSURE) {
        for (size_t i = 0; !rc && i < NELEM(pressure_entries); i++) {
            node = (struct pf_node){.kind = pressure_entries[i].kind};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, dtype(node.kind), pressure_entries[i].name);
        }
    } else if (p->n.kind == PF_SYS_DIR) {   /* the nodes one level below */
        const char *dir = sysfs_nodes[p->n.sys - 1].path;
        size_t dl = strlen(dir);
        for (size_t i = 0; !rc && i < NELEM(sysfs_nodes); i++) {
            const char *c = sysfs_nodes[i].path;
            if (strncmp(c, dir, dl) || c[dl] != '/' || strchr(c + dl + 1, '/'))
                continue;
            node = (struct pf_node){.kind = sysfs_nodes[i].kind, .sys = (int)i + 1};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, dtype(node.kind), c + dl + 1);
        }
    } else if (p->n.kind == PF_TASK_DIR) {
        for (struct proc *q = p->os->procs; !rc && q; q = q->next) {
            char name[16];
            if (q->pid != p->n.pid || q->exited || q->thread_dead)
                continue;
            snprintf(name, sizeof name, "%d", q->tid);
            node = (struct pf_node){.kind = PF_TID_DIR, .pid = q->pid, .tid = q->tid};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, 4, name);
        }
    } else {
        for (size_t i = 0; !rc && i < NELEM(pid_entries); i++) {
            if (p->n.kind == PF_TID_DIR && pid_entries[i].kind == PF_TASK_DIR)
                continue;
            node = (struct pf_node){.kind = pid_entries[i].kind, .pid = p->n.pid, .tid = p->n.tid};
            pf_stat_node(&node, &st);
            rc = dirent_add(out, st.st_ino, dtype(node.kind), pid_entries[i].name);
        }
    }
    return pf_keep(p, out, &buf, &len, rc);
}

/* f->pos is the index of the next record. */
static int64_t dir_getdents(struct file *f, void *buf, uint64_t len)
{
    struct pf_file *p = pf(f);
    if (f->pos == 0 || !p->have) {
        int rc = dir_fill(p);
        if (rc)
            return rc;
    }
    size_t at = 0;
    uint64_t idx = 0;
    while (at < p->len && idx < f->pos) { /* skip to record f->pos */
        uint16_t rl;
        memcpy(&rl, p->buf + at + 16, 2);
        at += rl;
        idx++;
    }
    uint8_t *b = buf;
    uint64_t used = 0;
    while (at < p->len) {
        uint16_t rl;
        memcpy(&rl, p->buf + at + 16, 2);
        if (used + rl > len)
            break;
        memcpy(b + used, p->buf + at, rl);
        int64_t next = (int64_t)idx + 1;
        memcpy(b + used + 8, &next, 8);
        used += rl;
        at += rl;
        idx++;
    }
    if (used == 0 && at < p->len)
        return -EINVAL; /* the buffer cannot hold one record */
    f->pos = idx;
    return (int64_t)used;
}

static int64_t dir_read(struct file *f, void *buf, uint64_t len)
{
    return -EISDIR;
}

static int64_t dir_lseek(struct file *f, int64_t off, int whence)
{
    if (whence != SEEK_SET || off < 0)
        return -EINVAL;
    f->pos = (uint64_t)off;
    return off;
}

static const struct file_ops dir_ops = {
    .read = dir_read,
    .lseek = dir_lseek,
    .fstat = pf_fstat,
    .getdents = dir_getdents,
    .release = pf_release,
};

int procfs_open(struct proc *self, const char *path, int flags, struct file **out)
{
    struct pf_node n;
    *out = NULL;
    int rc = pf_resolve(self, path, &n);
    if (rc)
        return rc;
    int type = pf_type(n.kind);
    int acc = flags & LX_O_ACCMODE;
    if (type == PROCFS_LNK)
        return -ELOOP; /* only reached with O_NOFOLLOW: the walk follows the rest */
    if (type == PROCFS_DIR && (acc != LX_O_RDONLY || (flags & LX_O_CREAT)))
        return -EISDIR;
    if (type != PROCFS_DIR && (flags & LX_O_DIRECTORY))
        return -ENOTDIR;
    if ((acc != LX_O_RDONLY || (flags & LX_O_TRUNC)) && n.kind != PF_COMM)
        return -EACCES; /* mode 0444 (0400), and the guest is not root */
    const struct file_ops *ops = type == PROCFS_DIR     ? &dir_ops
                                 : n.kind == PF_PAGEMAP ? &pagemap_ops
                                 : n.kind == PF_COMM    ? &comm_ops
                                                        : &text_ops;
    struct pf_file *p = calloc(1, sizeof *p);
    struct file *f =
        p ? file_new(ops,
                     (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC)) |
                         LX_O_LARGEFILE)
          : NULL;
    if (f)
        f->path = strdup(path);
    if (!p || !f || !f->path) {
        if (f) {
            f->priv = p; /* released with it */
            file_put(f);
        } else {
            free(p);
        }
        return -ENOMEM;
    }
    p->os = self->os;
    p->n = n;
    p->n.target = NULL;
    f->priv = p;
    f->base = VFS_ROOT;
    *out = f;
    return 0;
}
