/* System V shared memory. See ipc_shm.h. */
#include "ipc_shm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "sys_file.h"
#include "vfs.h"
#include "../mm/mm.h"

#define LX_IPC_PRIVATE 0
#define LX_IPC_CREAT 01000
#define LX_IPC_EXCL 02000
#define LX_IPC_RMID 0
#define LX_IPC_SET 1
#define LX_IPC_STAT 2
#define LX_IPC_INFO 3
#define LX_SHM_LOCK 11
#define LX_SHM_UNLOCK 12
#define LX_SHM_STAT 13
#define LX_SHM_INFO 14
#define LX_SHM_STAT_ANY 15
#define LX_IPC_64 0x100
#define LX_SHM_RDONLY 010000
#define LX_SHM_RND 020000
#define LX_SHM_REMAP 040000
#define LX_SHM_EXEC 0100000
#define LX_SHM_DEST 01000
#define LX_SHM_LOCKED 02000
#define SHMMNI 4096
#define SHMMAX 0x7fffffffffffffffULL   /* Linux's default SHMMAX: ULONG_MAX - 2^24, shown as this */
#define SHM_MAX_SEGS 4096

struct seg {
    int id;                 /* shmid */
    int32_t key;
    unsigned mode;          /* permission bits | SHM_DEST | SHM_LOCKED */
    uint32_t uid, gid, cuid, cgid;
    uint64_t size;
    struct vfile *vf;       /* the table's reference */
    int cpid, lpid;
    int64_t atime, dtime, ctime;
    bool removed;
};

struct sysv_shm {
    struct seg *s;
    size_t n, cap;
    uint32_t seq;
};

struct sysv_shm *sysv_shm_new(void) { return calloc(1, sizeof(struct sysv_shm)); }

void sysv_shm_free(struct sysv_shm *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        vfile_put(t->s[i].vf);
    free(t->s);
    free(t);
}

static int64_t now_s(struct proc *p) { return (int64_t)((OS_EPOCH_NS + os_now_ns(p->os)) / 1000000000ULL); }

static uint64_t nattch(const struct seg *s) { return (uint64_t)vfile_refs(s->vf) - 1; }

/* Drops removed segments nobody maps any more (Linux frees one at its last
 * detach; here at the next look at the table). */
static void reap(struct sysv_shm *t)
{
    for (size_t i = 0; i < t->n;) {
        if (t->s[i].removed && nattch(&t->s[i]) == 0) {
            vfile_put(t->s[i].vf);
            t->s[i] = t->s[--t->n];
        } else {
            i++;
        }
    }
}

static struct sysv_shm *table(struct proc *p)
{
    struct sysv_shm *t = fs_sysv_shm(p->fs);
    if (t)
        reap(t);
    return t;
}

static struct seg *by_id(struct sysv_shm *t, int id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->s[i].id == id)
            return &t->s[i];
    return NULL;
}

/* May the guest's user access s (SHM_RDONLY: read only)? Owner bits for the
 * owner or creator, else the others' bits. */
static bool allowed(const struct proc *p, const struct seg *s, unsigned want)
{
    unsigned bits = (s->uid == p->os->uid || s->cuid == p->os->uid) ? s->mode >> 6
                    : s->gid == p->os->gid ? s->mode >> 3 : s->mode;
    return (bits & want) == want;
}

int64_t sys_shmget(struct proc *p, const uint64_t a[6])
{
    struct sysv_shm *t = table(p);
    if (!t)
        return -ENOMEM;
    int32_t key = (int32_t)a[0];
    uint64_t size = a[1];
    int flags = (int)a[2];
    if (key != LX_IPC_PRIVATE) {
        for (size_t i = 0; i < t->n; i++) {
            struct seg *s = &t->s[i];
            if (s->removed || s->key != key)
                continue;
            if ((flags & LX_IPC_CREAT) && (flags & LX_IPC_EXCL))
                return -EEXIST;
            if (size > s->size)
                return -EINVAL;
            unsigned want = ((unsigned)flags >> 6) & 7;   /* asked as owner bits */
            if (!allowed(p, s, want))
                return -EACCES;
            return s->id;
        }
        if (!(flags & LX_IPC_CREAT))
            return -ENOENT;
    }
    if (size < 1 || size > SHMMAX)
        return -EINVAL;
    if (t->n >= SHM_MAX_SEGS)
        return -ENOSPC;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        struct seg *ns = realloc(t->s, cap * sizeof *ns);
        if (!ns)
            return -ENOMEM;
        t->s = ns;
        t->cap = cap;
    }
    /* Linux: id = index + seq * SHMMNI (here the sequence alone numbers them) */
    int id = (int)(t->seq++ * SHMMNI % 0x7fff0000) + (int)t->n;
    while (by_id(t, id))
        id++;
    char name[32];
    snprintf(name, sizeof name, "/SYSV%08x (deleted)", (uint32_t)key);
    uint64_t bytes = (size + 4095) & ~4095ULL;
    struct vfile *vf = vfile_new_shmem(p->k, bytes, SHMEM_SYSV, name, (uint64_t)id);
    if (!vf)
        return -ENOMEM;
    t->s[t->n++] = (struct seg){.id = id, .key = key, .mode = (unsigned)flags & 0777,
                                .uid = p->os->uid, .gid = p->os->gid,
                                .cuid = p->os->uid, .cgid = p->os->gid,
                                .size = size, .vf = vf, .cpid = p->pid, .ctime = now_s(p)};
    return id;
}

int64_t sys_shmat(struct proc *p, const uint64_t a[6])
{
    struct sysv_shm *t = table(p);
    if (!t)
        return -ENOMEM;
    if ((int)a[0] < 0)
        return -EINVAL;
    struct seg *s = by_id(t, (int)a[0]);
    if (!s)
        return -EINVAL;
    int flags = (int)a[2];
    uint64_t addr = a[1];
    if (addr & 4095) {
        if (!(flags & LX_SHM_RND))
            return -EINVAL;
        addr &= ~4095ULL;   /* SHMLBA is the page size on riscv64 */
    }
    bool ro = flags & LX_SHM_RDONLY;
    if (!allowed(p, s, ro ? 4 : 6))
        return -EACCES;
    int prot = LX_PROT_READ | (ro ? 0 : LX_PROT_WRITE) | ((flags & LX_SHM_EXEC) ? LX_PROT_EXEC : 0);
    int mflags = LX_MAP_SHARED;
    if (addr)
        mflags |= (flags & LX_SHM_REMAP) ? LX_MAP_FIXED : LX_MAP_FIXED_NOREPLACE;
    else if (flags & LX_SHM_REMAP)
        return -EINVAL;
    vaddr_t out;
    int rc = mm_mmap(p->mm, va(addr), (s->size + 4095) & ~4095ULL, prot, mflags, s->vf, 0, &out);
    if (rc)
        return rc == -EEXIST ? -EINVAL : rc;   /* in use without SHM_REMAP: EINVAL */
    s->lpid = p->pid;
    s->atime = now_s(p);
    return (int64_t)out.v;
}

int64_t sys_shmdt(struct proc *p, const uint64_t a[6])
{
    struct sysv_shm *t = table(p);
    if (!t)
        return -ENOMEM;
    if (a[0] & 4095)
        return -EINVAL;
    struct vfile *vf = mm_file_at(p->mm, va(a[0]));
    struct seg *s = NULL;
    for (size_t i = 0; vf && i < t->n; i++)
        if (t->s[i].vf == vf)
            s = &t->s[i];
    if (!s)
        return -EINVAL;
    int rc = mm_munmap(p->mm, va(a[0]), (s->size + 4095) & ~4095ULL);
    if (rc)
        return rc;
    s->lpid = p->pid;
    s->dtime = now_s(p);
    reap(t);
    return 0;
}

/* struct shmid64_ds of the generic 64-bit ABI (asm-generic/shmbuf.h) */
struct lx_shmid_ds {
    int32_t key;
    uint32_t uid, gid, cuid, cgid, mode;
    uint16_t seq, pad2;
    uint64_t unused1, unused2;
    uint64_t segsz;
    int64_t atime, dtime, ctime;
    int32_t cpid, lpid;
    uint64_t nattch, unused4, unused5;
};

static void to_ds(const struct seg *s, struct lx_shmid_ds *d)
{
    memset(d, 0, sizeof *d);
    d->key = s->key;
    d->uid = s->uid;
    d->gid = s->gid;
    d->cuid = s->cuid;
    d->cgid = s->cgid;
    d->mode = s->mode;
    d->seq = (uint16_t)(s->id / SHMMNI);
    d->segsz = s->size;
    d->atime = s->atime;
    d->dtime = s->dtime;
    d->ctime = s->ctime;
    d->cpid = s->cpid;
    d->lpid = s->lpid;
    d->nattch = nattch(s);
}

int64_t sys_shmctl(struct proc *p, const uint64_t a[6])
{
    struct sysv_shm *t = table(p);
    if (!t)
        return -ENOMEM;
    int cmd = (int)a[1] & ~LX_IPC_64;
    if ((int)a[0] < 0)
        return -EINVAL;
    if (cmd == LX_IPC_INFO || cmd == LX_SHM_INFO) {
        uint64_t info[8] = {0};
        if (cmd == LX_IPC_INFO) {   /* struct shminfo64: max, min, mni, seg, all */
            info[0] = SHMMAX;
            info[1] = 1;
            info[2] = SHMMNI;
            info[3] = SHMMNI;
            info[4] = 0xffffffffffffffULL;
        } else {                    /* struct shm_info */
            int32_t used = (int32_t)t->n;
            memcpy(info, &used, 4);
        }
        int rc = user_copyout(p, a[2], info, cmd == LX_IPC_INFO ? 9 * 8 - 8 : 8 * 6);
        return rc ? rc : (int64_t)(t->n ? t->n - 1 : 0);
    }
    struct seg *s = NULL;
    if (cmd == LX_SHM_STAT || cmd == LX_SHM_STAT_ANY)
        s = a[0] < t->n ? &t->s[a[0]] : NULL;   /* by index */
    else
        s = by_id(t, (int)a[0]);
    if (!s)
        return -EINVAL;
    switch (cmd) {
    case LX_IPC_STAT:
    case LX_SHM_STAT:
    case LX_SHM_STAT_ANY: {
        if (cmd != LX_SHM_STAT_ANY && !allowed(p, s, 4))
            return -EACCES;
        struct lx_shmid_ds d;
        to_ds(s, &d);
        int rc = user_copyout(p, a[2], &d, sizeof d);
        return rc ? rc : cmd == LX_IPC_STAT ? 0 : s->id;
    }
    case LX_IPC_SET: {
        struct lx_shmid_ds d;
        int rc = user_copyin(p, &d, a[2], sizeof d);
        if (rc)
            return rc;
        if (s->uid != p->os->uid && s->cuid != p->os->uid)
            return -EPERM;
        s->uid = d.uid;
        s->gid = d.gid;
        s->mode = (s->mode & ~0777u) | (d.mode & 0777);
        s->ctime = now_s(p);
        return 0;
    }
    case LX_IPC_RMID:
        if (s->uid != p->os->uid && s->cuid != p->os->uid)
            return -EPERM;
        /* Linux: the key is freed at once; attached processes keep it, and
         * shmat by id still works until the last detach. */
        s->removed = true;
        s->mode |= LX_SHM_DEST;
        s->key = LX_IPC_PRIVATE;
        s->ctime = now_s(p);
        reap(t);
        return 0;
    case LX_SHM_LOCK:
        s->mode |= LX_SHM_LOCKED;
        return 0;
    case LX_SHM_UNLOCK:
        s->mode &= ~(unsigned)LX_SHM_LOCKED;
        return 0;
    default:
        return -EINVAL;
    }
}

void sysv_shm_show(struct proc *p, FILE *out)
{
    struct sysv_shm *t = table(p);
    fprintf(out, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid"
                 "  cuid  cgid      atime      dtime      ctime                   rss                  swap\n");
    for (size_t i = 0; t && i < t->n; i++) {
        const struct seg *s = &t->s[i];
        uint64_t res, sw;
        shmem_pages(s->vf, &res, &sw);
        fprintf(out,
                "%10d %10d  %4o %21llu %5d %5d  %5llu %5u %5u %5u %5u %10lld %10lld %10lld "
                "%21llu %21llu\n",
                s->key, s->id, s->mode, (unsigned long long)s->size, s->cpid, s->lpid,
                (unsigned long long)nattch(s), s->uid, s->gid, s->cuid, s->cgid,
                (long long)s->atime, (long long)s->dtime, (long long)s->ctime,
                (unsigned long long)res * 4096, (unsigned long long)sw * 4096);
    }
}
