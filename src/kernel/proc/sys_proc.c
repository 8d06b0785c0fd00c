/* System calls of processes (clone, execve, exit, wait), memory (brk,
 * munmap, mprotect, mremap, msync, madvise; mmap, which takes a descriptor,
 * is fs/sys_mmap.c) and time. Time is virtual (sched.h): no host clock is read. */
#include "sys_proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../machine/hart.h"
#include "sched.h"

#define LX_CLONE_VM             0x00000100
#define LX_CLONE_FS             0x00000200
#define LX_CLONE_FILES          0x00000400
#define LX_CLONE_SIGHAND        0x00000800
#define LX_CLONE_VFORK          0x00004000
#define LX_CLONE_PARENT         0x00008000
#define LX_CLONE_THREAD         0x00010000
#define LX_CLONE_SETTLS         0x00080000
#define LX_CLONE_PARENT_SETTID  0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_CHILD_SETTID   0x01000000

#define LX_WNOHANG    0x00000001
#define LX_WUNTRACED  0x00000002
#define LX_WEXITED    0x00000004
#define LX_WCONTINUED 0x00000008
#define LX_WNOWAIT    0x01000000
#define LX_WNOTHREAD  0x20000000
#define LX_WALL       0x40000000
#define LX_WCLONE     0x80000000u

#define ARG_STRLEN_MAX (128u << 10)   /* MAX_ARG_STRLEN */
#define ARG_COUNT_MAX 65536
#define ARG_BYTES_MAX (2u << 20)

/* ---- processes ---------------------------------------------------------- */

#define LX_CSIGNAL 0xff
#define LX_CLONE_NEWNS 0x00020000
#define LX_CLONE_SYSVSEM 0x00040000
#define LX_CLONE_UNTRACED 0x00800000
#define LX_CLONE_IO 0x80000000u
#define LX_CLONE_PIDFD 0x00001000
#define LX_CLONE_PTRACE 0x00002000
#define LX_CLONE_DETACHED 0x00400000
/* The flags we know how to honour (namespaces, pidfd and ptrace are not). */
#define CLONE_KNOWN (LX_CSIGNAL | LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | \
                     LX_CLONE_VFORK | LX_CLONE_PARENT | LX_CLONE_THREAD | LX_CLONE_SYSVSEM |  \
                     LX_CLONE_SETTLS | LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID |      \
                     LX_CLONE_CHILD_SETTID | LX_CLONE_UNTRACED | LX_CLONE_IO |                \
                     LX_CLONE_DETACHED | LX_CLONE_PTRACE)

/* clone and clone3 alike (Linux kernel_clone): fork, vfork (CLONE_VM|
 * CLONE_VFORK, as posix_spawn and vfork use: the child borrows the address
 * space until it execs or exits), a process sharing the address space
 * (CLONE_VM alone: both use it until each execs or exits) and threads
 * (CLONE_THREAD with CLONE_VM and CLONE_SIGHAND, what pthread_create
 * passes). The low byte is the signal the parent gets at the child's end
 * (exit_signal). The combinations Linux's copy_process refuses are EINVAL.
 * CLONE_FILES, CLONE_FS and CLONE_SIGHAND share the descriptor table, the
 * fs context (cwd, root, umask) and the signal handlers, between threads
 * or between processes alike; without them the child has copies. */
static int64_t do_clone(struct proc *p, uint64_t flags, uint64_t stack, uint64_t g_ptid,
                        uint64_t tls, uint64_t g_ctid)
{
    if ((flags & (LX_CLONE_NEWNS | LX_CLONE_FS)) == (LX_CLONE_NEWNS | LX_CLONE_FS))
        return -EINVAL;
    if ((flags & LX_CLONE_THREAD) && !(flags & LX_CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & LX_CLONE_SIGHAND) && !(flags & LX_CLONE_VM))
        return -EINVAL;
    if (flags & ~(uint64_t)CLONE_KNOWN)
        return -EINVAL;   /* namespaces need privileges we do not model */
    bool thread = flags & LX_CLONE_THREAD;
    bool vfork = !thread && (flags & (LX_CLONE_VM | LX_CLONE_VFORK)) == (LX_CLONE_VM | LX_CLONE_VFORK);
    enum proc_fork_mm mode = vfork                    ? PROC_FORK_VFORK
                             : (flags & LX_CLONE_VM) ? PROC_FORK_SHARE
                                                     : PROC_FORK_COPY;
    unsigned share = (flags & LX_CLONE_FILES ? PROC_SHARE_FILES : 0) |
                     (flags & LX_CLONE_FS ? PROC_SHARE_FS : 0);
    int rc = 0;
    struct proc *c = thread ? proc_clone_thread(p, share, stack, &rc)
                            : proc_fork(p, mode, share, stack, &rc);
    if (!c)
        return rc;
    if (!thread)
        c->exit_signal = (int)(flags & LX_CSIGNAL);
    if ((flags & LX_CLONE_SIGHAND) && !thread)
        signal_share_hand(p, c);
    if (flags & LX_CLONE_SETTLS)
        c->ctx.x[4] = tls;
    int32_t tid = c->tid;
    if (flags & LX_CLONE_PARENT_SETTID)
        user_copyout(p, g_ptid, &tid, 4);
    if (flags & LX_CLONE_CHILD_SETTID) {
        struct segv sv;
        copyout(c->mm, va(g_ctid), &tid, 4, &sv);
    }
    if (flags & LX_CLONE_CHILD_CLEARTID)
        c->clear_child_tid = g_ctid;
    if (vfork)
        p->state = PROC_VFORK_WAIT;   /* its turn ends after this call */
    return tid;
}

/* clone(flags, stack, ptid, tls, ctid): riscv64 passes tls before ctid
 * (CLONE_BACKWARDS order; glibc's _Fork puts ctid in a4). */
int64_t sys_clone(struct proc *p, const uint64_t a[6])
{
    return do_clone(p, a[0], a[1], a[2], a[3], a[4]);
}

/* clone3(struct clone_args *, size): the same with the arguments in a
 * structure; the stack is given as base and size. */
int64_t sys_clone3(struct proc *p, const uint64_t a[6])
{
    uint64_t ca[11] = {0};   /* flags, pidfd, child_tid, parent_tid, exit_signal, stack,
                              * stack_size, tls, set_tid, set_tid_size, cgroup */
    if (a[1] < 64 || a[1] > 4096)
        return -EINVAL;
    int rc = user_copyin(p, ca, a[0], a[1] < sizeof ca ? a[1] : sizeof ca);
    if (rc)
        return rc;
    uint64_t flags = ca[0], sig = ca[4], stack = ca[5], size = ca[6];
    if ((flags & LX_CSIGNAL) || sig > 64 || ((flags & LX_CLONE_THREAD) && sig))
        return -EINVAL;
    if ((stack == 0) != (size == 0) || ca[8] || ca[9])
        return -EINVAL;
    return do_clone(p, flags | sig, stack ? stack + size : 0, ca[3], ca[7], ca[2]);
}

/* Copies a NULL-terminated vector of guest strings into host memory:
 * *out is one allocation holding the pointer array and the strings. */
static int copy_strv(struct proc *p, uint64_t g_vec, char ***out, uint64_t *bytes)
{
    size_t n = 0, cap = 16;
    char **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return -ENOMEM;
    int rc = 0;
    char *buf = malloc(ARG_STRLEN_MAX);
    if (!buf) {
        free(v);
        return -ENOMEM;
    }
    for (; g_vec; n++) {
        uint64_t g_s;
        if ((rc = user_copyin(p, &g_s, g_vec + 8 * n, 8)) != 0)
            break;
        if (!g_s)
            break;
        if (n >= ARG_COUNT_MAX) {
            rc = -E2BIG;
            break;
        }
        struct segv sv;
        int r = copyin_str(p->mm, buf, va(g_s), ARG_STRLEN_MAX, &sv);
        if (r) {
            rc = r == -1 ? -EFAULT : r == -ENAMETOOLONG ? -E2BIG : r;
            break;
        }
        size_t len = strlen(buf) + 1;
        *bytes += len + 8;
        if (*bytes > ARG_BYTES_MAX) {
            rc = -E2BIG;
            break;
        }
        if (n == cap) {
            cap *= 2;
            char **nv = realloc(v, (cap + 1) * sizeof *v);
            if (!nv) {
                rc = -ENOMEM;
                break;
            }
            v = nv;
        }
        v[n] = malloc(len);
        if (!v[n]) {
            rc = -ENOMEM;
            break;
        }
        memcpy(v[n], buf, len);
        v[n + 1] = NULL;
    }
    free(buf);
    if (rc) {
        for (size_t i = 0; i < n && v[i]; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    v[n] = NULL;
    *out = v;
    return 0;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

int64_t sys_execve(struct proc *p, const uint64_t a[6])
{
    char path[LX_PATH_MAX];
    struct segv sv;
    int rc = copyin_str(p->mm, path, va(a[0]), sizeof path, &sv);
    if (rc)
        return rc == -1 ? -EFAULT : rc;
    char **argv = NULL, **envp = NULL;
    uint64_t bytes = 0;
    if ((rc = copy_strv(p, a[1], &argv, &bytes)) != 0)
        return rc;
    if ((rc = copy_strv(p, a[2], &envp, &bytes)) != 0) {
        free_strv(argv);
        return rc;
    }
    struct vfile *f = NULL;
    char err[256] = "";
    rc = p->os->fs_ops ? p->os->fs_ops->open_exec(p, path, false, &f, err, sizeof err) : -ENOENT;
    if (!rc && (p != p->group_leader || thread_count(p) > 1))
        thread_de_thread(p);   /* the other threads end first */
    if (!rc)
        rc = proc_execve(p, f, path, argv, envp, err, sizeof err);
    free_strv(argv);
    free_strv(envp);
    return rc ? rc : -LX_EJUSTRETURN;
}

int64_t sys_exit(struct proc *p, const uint64_t a[6])
{
    thread_exit(p, (int)a[0]);
    return p->thread_dead ? -LX_EJUSTRETURN : 0;
}

int64_t sys_exit_group(struct proc *p, const uint64_t a[6])
{
    proc_exit(p, (int)a[0], 0);
    return 0;
}

/* Does child c of p match wait4's pid argument? -1: any child, 0: one in
 * p's group, < -1: one in group -pid. */
static bool wait_match(const struct proc *p, const struct proc *c, int pid)
{
    if (pid == -1)
        return true;
    if (pid == 0)
        return proc_in_group(c, p->pgid);
    return pid < 0 ? proc_in_group(c, -pid) : c->pid == pid;
}

/* Linux eligible_child: __WALL waits for every child, __WCLONE only for
 * "clone children" (exit_signal other than SIGCHLD), neither only for the
 * others. */
static bool wait_kind(const struct proc *c, uint64_t options)
{
    if (options & LX_WALL)
        return true;
    return (c->exit_signal != LX_SIGCHLD) == !!(options & LX_WCLONE);
}

/* The first zombie child matching pid and options (Linux scans oldest
 * first), or NULL; *any says whether there is a matching child at all. */
static struct proc *find_zombie(struct proc *p, int pid, uint64_t options, bool *any)
{
    *any = false;
    for (struct proc *c = p->os->procs; c; c = c->next) {
        if (c->parent != p->group_leader || !wait_match(p, c, pid) || !wait_kind(c, options))
            continue;
        *any = true;
        if (c->exited)
            return c;
    }
    return NULL;
}

int64_t sys_wait4(struct proc *p, const uint64_t a[6])
{
    int pid = (int)a[0];
    uint64_t options = (uint32_t)a[2];   /* an int: __WCLONE comes sign-extended */
    if (options & ~(uint64_t)(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WNOTHREAD |
                              LX_WALL | LX_WCLONE))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;   /* Linux: there is no group -INT_MIN */
    bool any;
    struct proc *c = find_zombie(p, pid, options, &any);
    if (!any)
        return -ECHILD;
    if (!c)
        return (options & LX_WNOHANG) ? 0 : -LX_ERESTART_BLOCK;
    int rc = 0;
    int32_t status = c->wait_status;
    if (a[1])
        rc = user_copyout(p, a[1], &status, 4);
    if (!rc && a[3]) {
        uint8_t ru[144] = {0};   /* struct rusage: no accounting yet */
        rc = user_copyout(p, a[3], ru, sizeof ru);
    }
    if (rc)
        return rc;
    int cpid = c->pid;
    proc_reap(c);
    return cpid;
}

int64_t sys_waitid(struct proc *p, const uint64_t a[6])
{
    int idtype = (int)a[0], id = (int)a[1];
    uint64_t options = (uint32_t)a[3];
    if (options & ~(uint64_t)(LX_WNOHANG | LX_WUNTRACED | LX_WEXITED | LX_WCONTINUED |
                              LX_WNOWAIT | LX_WNOTHREAD | LX_WALL | LX_WCLONE))
        return -EINVAL;
    if (!(options & (LX_WEXITED | LX_WUNTRACED | LX_WCONTINUED)))
        return -EINVAL;
    int pid;
    switch (idtype) {
    case 0: pid = -1; break;                  /* P_ALL */
    case 1: if (id <= 0) return -EINVAL;      /* P_PID */
            pid = id; break;
    case 2: if (id < 0) return -EINVAL;       /* P_PGID: 0 is the caller's */
            pid = id ? -id : 0;
            if (pid == -1) return -ECHILD;    /* group 1 (init's): none of ours */
            break;
    default: return -EINVAL;
    }
    bool any;
    struct proc *c = (options & LX_WEXITED) ? find_zombie(p, pid, options, &any) : NULL;
    if (!(options & LX_WEXITED))
        find_zombie(p, pid, options, &any);
    if (!any)
        return -ECHILD;
    if (!c && !(options & LX_WNOHANG))
        return -LX_ERESTART_BLOCK;
    uint8_t info[128] = {0};
    if (c) {
        int32_t v[6] = {LX_SIGCHLD, 0, c->term_signal ? LX_CLD_KILLED : LX_CLD_EXITED, 0,
                        c->pid, (int32_t)p->os->uid};
        memcpy(info, v, sizeof v);
        int32_t st = c->term_signal ? c->term_signal : (c->wait_status >> 8) & 0xff;
        memcpy(info + 24, &st, 4);
    }
    if (a[2]) {
        int rc = user_copyout(p, a[2], info, sizeof info);
        if (rc)
            return rc;
    }
    if (a[4]) {
        uint8_t ru[144] = {0};
        int rc = user_copyout(p, a[4], ru, sizeof ru);
        if (rc)
            return rc;
    }
    if (c && !(options & LX_WNOWAIT))
        proc_reap(c);
    return 0;
}

int64_t sys_getpid(struct proc *p, const uint64_t a[6]) { return p->pid; }
int64_t sys_gettid(struct proc *p, const uint64_t a[6]) { return p->tid; }
int64_t sys_getppid(struct proc *p, const uint64_t a[6])
{
    const struct proc *l = p->group_leader;
    return l->parent ? l->parent->pid : PROC_INIT_PID;
}
int64_t sys_set_tid_address(struct proc *p, const uint64_t a[6])
{
    p->clear_child_tid = a[0];
    return p->tid;
}
int64_t sys_zero(struct proc *p, const uint64_t a[6]) { return 0; }

#define LX_RLIMIT_FSIZE 1
#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_NOFILE 7
#define LX_RLIMIT_MEMLOCK 8
#define LX_RLIM_NLIMITS 16
#define LX_RLIM_INFINITY UINT64_MAX

static void get_rlimit(struct proc *p, unsigned res, uint64_t lim[2])
{
    lim[0] = lim[1] = LX_RLIM_INFINITY;
    if (res == LX_RLIMIT_STACK)
        lim[0] = p->rlimit_stack;
    else if (res == LX_RLIMIT_FSIZE)
        lim[0] = p->rlimit_fsize[0], lim[1] = p->rlimit_fsize[1];
    else if (res == LX_RLIMIT_NOFILE)
        lim[0] = lim[1] = LX_NOFILE_MAX;
    else if (res == LX_RLIMIT_MEMLOCK)
        lim[0] = p->rlimit_memlock[0], lim[1] = p->rlimit_memlock[1];
}

/* Limits are reported; a new stack limit is remembered (and reported) but
 * growth stays bounded by the kernel's STACK_RLIMIT; the others are accepted. */
static int64_t do_rlimit(struct proc *p, uint64_t res, uint64_t g_new, uint64_t g_old)
{
    if (res >= LX_RLIM_NLIMITS)
        return -EINVAL;
    uint64_t old[2], nw[2];
    get_rlimit(p, (unsigned)res, old);
    if (g_new) {
        int rc = user_copyin(p, nw, g_new, sizeof nw);
        if (rc)
            return rc;
        if (nw[0] > nw[1])
            return -EINVAL;
        if (nw[1] > old[1])
            return -EPERM;   /* an unprivileged process cannot raise a hard limit */
    }
    if (g_old) {
        int rc = user_copyout(p, g_old, old, sizeof old);
        if (rc)
            return rc;
    }
    if (g_new && res == LX_RLIMIT_STACK)
        p->rlimit_stack = nw[0];
    if (g_new && res == LX_RLIMIT_MEMLOCK)
        p->rlimit_memlock[0] = nw[0], p->rlimit_memlock[1] = nw[1];
    if (g_new && res == LX_RLIMIT_FSIZE) {
        p->rlimit_fsize[0] = nw[0];
        p->rlimit_fsize[1] = nw[1];
    }
    return 0;
}

int64_t sys_prlimit64(struct proc *p, const uint64_t a[6])
{
    struct proc *t = p;
    if (a[0] && a[0] != (uint64_t)p->pid) {
        t = os_find(p->os, (int)a[0]);
        if (!t || t->exited)
            return -ESRCH;
    }
    if (t != p) {   /* another process: read its limits, copy through ours */
        if (a[1] >= LX_RLIM_NLIMITS)
            return -EINVAL;
        uint64_t old[2];
        get_rlimit(t, (unsigned)a[1], old);
        return a[3] ? user_copyout(p, a[3], old, sizeof old) : 0;
    }
    return do_rlimit(p, a[1], a[2], a[3]);
}
int64_t sys_getrlimit(struct proc *p, const uint64_t a[6]) { return do_rlimit(p, a[0], 0, a[1]); }
int64_t sys_setrlimit(struct proc *p, const uint64_t a[6]) { return do_rlimit(p, a[0], a[1], 0); }

int64_t sys_getrusage(struct proc *p, const uint64_t a[6])
{
    if ((int64_t)a[0] != 0 && (int64_t)a[0] != -1 && a[0] != 1)
        return -EINVAL;
    uint64_t ru[18] = {0};
    if ((int64_t)a[0] == 0 || a[0] == 1) {   /* RUSAGE_SELF, RUSAGE_THREAD: user time */
        uint64_t us = p->insns * OS_NS_PER_INSN / 1000;
        ru[0] = us / 1000000;
        ru[1] = us % 1000000;
    }
    return user_copyout(p, a[1], ru, sizeof ru);
}

int64_t sys_uname(struct proc *p, const uint64_t a[6])
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "vmsim");
    strcpy(u[2], "6.1.0-vmsim");
    strcpy(u[3], "#1 SMP");
    strcpy(u[4], "riscv64");
    strcpy(u[5], "(none)");
    return user_copyout(p, a[0], u, sizeof u);
}

/* Deterministic bytes (design decision 12): same program, same "random" bytes. */
int64_t sys_getrandom(struct proc *p, const uint64_t a[6])
{
    uint64_t len = a[1] < 256 ? a[1] : 256;
    uint8_t buf[256];
    for (uint64_t i = 0; i < len; i++) {
        p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (uint8_t)(p->rng >> 56);
    }
    int rc = user_copyout(p, a[0], buf, len);
    return rc ? rc : (int64_t)len;
}

/* struct sysinfo (include/uapi/linux/sysinfo.h on a 64-bit ABI), 112 bytes. */
struct lx_sysinfo {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};

int64_t sys_sysinfo(struct proc *p, const uint64_t a[6])
{
    struct kernel_info ki;
    kernel_get_info(p->k, &ki);
    unsigned n = 0;
    for (struct proc *q = p->os->procs; q; q = q->next)
        n++;
    struct lx_sysinfo si = {.uptime = (int64_t)(os_now_ns(p->os) / 1000000000u),
                            .totalram = ki.total_frames * PAGE_SIZE,
                            .freeram = ki.free_frames * PAGE_SIZE,
                            .procs = (uint16_t)n, .mem_unit = 1};
    return user_copyout(p, a[0], &si, sizeof si);
}

int64_t sys_prctl(struct proc *p, const uint64_t a[6])
{
    switch (a[0]) {
    case 15: {   /* PR_SET_NAME */
        char name[16];
        struct segv sv;
        int rc = copyin(p->mm, name, va(a[1]), sizeof name, &sv);
        if (rc)
            return -EFAULT;
        name[15] = 0;
        memcpy(p->comm, name, sizeof name);
        return 0;
    }
    case 16:     /* PR_GET_NAME */
        return user_copyout(p, a[1], p->comm, sizeof p->comm);
    default:
        return -EINVAL;
    }
}

/* The user-space fence.i of Linux (JITs, dynamic loaders): the decoded code
 * of every page is dropped, whatever the range (flags must be 0 or
 * SYS_RISCV_FLUSH_ICACHE_LOCAL = 1). */
int64_t sys_riscv_flush_icache(struct proc *p, const uint64_t a[6])
{
    if (a[2] & ~1ULL)
        return -EINVAL;
    if (p->hart)
        hart_code_flush_all(p->hart);
    return 0;
}

/* ---- time --------------------------------------------------------------- */

#define NS_PER_S 1000000000ULL

/* The clock clk now, in ns; -EINVAL for an unknown clock. */
static int clock_now(struct proc *p, uint64_t clk, uint64_t *ns)
{
    uint64_t now = os_now_ns(p->os);
    switch (clk) {
    case 0: case 5: case 8:            /* REALTIME, REALTIME_COARSE, REALTIME_ALARM */
    case 11:                           /* TAI */
        *ns = p->os->epoch_ns + now;
        return 0;
    case 1: case 4: case 6: case 7: case 9:   /* MONOTONIC(_RAW/_COARSE), BOOTTIME(_ALARM) */
        *ns = now;
        return 0;
    case 2: case 3: {                  /* PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID */
        uint64_t mine = p->insns;
        if (p->os->current == p)   /* plus this turn's, counted when it ends */
            mine += p->os->h->instret - p->os->turn_start;
        *ns = mine * OS_NS_PER_INSN;
        return 0;
    }
    default:
        return -EINVAL;
    }
}

int64_t sys_clock_gettime(struct proc *p, const uint64_t a[6])
{
    uint64_t ns;
    int rc = clock_now(p, a[0], &ns);
    if (rc)
        return rc;
    int64_t ts[2] = {(int64_t)(ns / NS_PER_S), (int64_t)(ns % NS_PER_S)};
    return user_copyout(p, a[1], ts, sizeof ts);
}

int64_t sys_clock_getres(struct proc *p, const uint64_t a[6])
{
    uint64_t ns;
    int rc = clock_now(p, a[0], &ns);
    if (rc)
        return rc;
    int64_t ts[2] = {0, 1};
    return a[1] ? user_copyout(p, a[1], ts, sizeof ts) : 0;
}

int64_t sys_gettimeofday(struct proc *p, const uint64_t a[6])
{
    uint64_t ns = p->os->epoch_ns + os_now_ns(p->os);
    if (a[0]) {
        int64_t tv[2] = {(int64_t)(ns / NS_PER_S), (int64_t)(ns % NS_PER_S / 1000)};
        int rc = user_copyout(p, a[0], tv, sizeof tv);
        if (rc)
            return rc;
    }
    if (a[1]) {
        int32_t tz[2] = {0, 0};
        return user_copyout(p, a[1], tz, sizeof tz);
    }
    return 0;
}

/* Sleeps until the virtual monotonic time `until`: blocks (the scheduler
 * lets time jump when everyone waits) and returns 0 once it has passed. */
static int64_t sleep_until(struct proc *p, uint64_t until)
{
    if (os_now_ns(p->os) >= until) {
        p->sleep_until = 0;
        return 0;
    }
    p->sleep_until = until;
    return -LX_ERESTART_BLOCK;
}

static int read_timespec(struct proc *p, uint64_t g_ts, uint64_t *ns)
{
    int64_t ts[2];
    int rc = user_copyin(p, ts, g_ts, sizeof ts);
    if (rc)
        return rc;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS_PER_S)
        return -EINVAL;
    *ns = (uint64_t)ts[0] * NS_PER_S + (uint64_t)ts[1];
    return 0;
}

int64_t sys_nanosleep(struct proc *p, const uint64_t a[6])
{
    if (p->sleep_until)   /* a retry of the blocked call */
        return sleep_until(p, p->sleep_until);
    uint64_t ns;
    int rc = read_timespec(p, a[0], &ns);
    if (rc)
        return rc;
    return sleep_until(p, os_now_ns(p->os) + ns);
}

int64_t sys_clock_nanosleep(struct proc *p, const uint64_t a[6])
{
    if (p->sleep_until)
        return sleep_until(p, p->sleep_until);
    uint64_t clk = a[0], ns, now;
    if (clk == 2 || clk == 3)
        return -EINVAL;   /* not supported on CPU clocks by glibc callers either */
    int rc = clock_now(p, clk, &now);
    if (rc)
        return rc;
    if ((rc = read_timespec(p, a[2], &ns)) != 0)
        return rc;
    uint64_t mono = os_now_ns(p->os);
    if (a[1] & 1) {   /* TIMER_ABSTIME: a time on clk, converted to monotonic */
        if (ns <= now)
            return 0;
        return sleep_until(p, mono + (ns - now));
    }
    return sleep_until(p, mono + ns);
}

int64_t sys_times(struct proc *p, const uint64_t a[6])
{
    const uint64_t tick = 10000000ULL;   /* USER_HZ = 100 */
    if (a[0]) {
        int64_t t[4] = {(int64_t)(p->insns * OS_NS_PER_INSN / tick), 0, 0, 0};
        int rc = user_copyout(p, a[0], t, sizeof t);
        if (rc)
            return rc;
    }
    return (int64_t)(os_now_ns(p->os) / tick);
}

int64_t sys_sched_yield(struct proc *p, const uint64_t a[6])
{
    p->yield = true;
    return 0;
}

/* ---- memory ------------------------------------------------------------- */

int64_t sys_brk(struct proc *p, const uint64_t a[6]) { return (int64_t)mm_brk(p->mm, va(a[0])).v; }

int64_t sys_munmap(struct proc *p, const uint64_t a[6]) { return mm_munmap(p->mm, va(a[0]), a[1]); }
int64_t sys_mprotect(struct proc *p, const uint64_t a[6])
{
    return mm_mprotect(p->mm, va(a[0]), a[1], (int)a[2]);
}
int64_t sys_mremap(struct proc *p, const uint64_t a[6])
{
    vaddr_t out;
    int rc = mm_mremap(p->mm, va(a[0]), a[1], a[2], (int)a[3], va(a[4]), &out);
    return rc ? rc : (int64_t)out.v;
}
int64_t sys_msync(struct proc *p, const uint64_t a[6])
{
    return mm_msync(p->mm, va(a[0]), a[1], (int)a[2]);
}
int64_t sys_madvise(struct proc *p, const uint64_t a[6])
{
    return mm_madvise(p->mm, va(a[0]), a[1], (int)a[2]);
}

/* ---- harts ---------------------------------------------------------------- */

/* sched_getaffinity(pid, len, mask): every hart (Linux returns the bytes
 * written: the mask's size rounded to longs). */
int64_t sys_sched_getaffinity(struct proc *p, const uint64_t a[6])
{
    int n = p->os->m->nharts;
    uint64_t bytes = ((uint64_t)n + 63) / 64 * 8;
    if ((int)a[0] < 0)
        return -EINVAL;
    if (a[0] && !os_find_tid(p->os, (int)a[0]))
        return -ESRCH;
    if (a[1] < bytes || (a[1] & 7))
        return -EINVAL;
    uint64_t mask = n >= 64 ? UINT64_MAX : (1ULL << n) - 1;
    int rc = user_copyout(p, a[2], &mask, 8);
    return rc ? rc : (int64_t)bytes;
}

/* sched_setaffinity: accepted when the mask names a hart we have; where a
 * thread runs stays the scheduler's choice (same output for any --harts). */
int64_t sys_sched_setaffinity(struct proc *p, const uint64_t a[6])
{
    if ((int)a[0] < 0)
        return -EINVAL;
    if (a[0] && !os_find_tid(p->os, (int)a[0]))
        return -ESRCH;
    uint64_t mask = 0;
    int rc = user_copyin(p, &mask, a[2], a[1] < 8 ? a[1] : 8);
    if (rc)
        return rc;
    int n = p->os->m->nharts;
    if (!(mask & (n >= 64 ? UINT64_MAX : (1ULL << n) - 1)))
        return -EINVAL;
    return 0;
}

/* membarrier(cmd, flags, cpu_id): one machine whose harts run one after
 * another, so every barrier is already complete when asked. QUERY lists
 * what Linux 6.1 offers without registration trouble. */
int64_t sys_membarrier(struct proc *p, const uint64_t a[6])
{
    enum { QUERY = 0, GLOBAL = 1, GLOBAL_EXPEDITED = 2, REG_GLOBAL_EXPEDITED = 4,
           PRIVATE_EXPEDITED = 8, REG_PRIVATE_EXPEDITED = 16, PRIVATE_EXPEDITED_SYNC_CORE = 32,
           REG_PRIVATE_EXPEDITED_SYNC_CORE = 64 };
    const uint64_t supported = GLOBAL | GLOBAL_EXPEDITED | REG_GLOBAL_EXPEDITED |
                               PRIVATE_EXPEDITED | REG_PRIVATE_EXPEDITED |
                               PRIVATE_EXPEDITED_SYNC_CORE | REG_PRIVATE_EXPEDITED_SYNC_CORE;
    if (a[1] != 0)
        return -EINVAL;
    if (a[0] == QUERY)
        return (int64_t)supported;
    if (!(a[0] & supported) || (a[0] & (a[0] - 1)))
        return -EINVAL;
    struct proc *l = p->group_leader;
    if (a[0] == REG_PRIVATE_EXPEDITED || a[0] == REG_PRIVATE_EXPEDITED_SYNC_CORE ||
        a[0] == REG_GLOBAL_EXPEDITED)
        l->membarrier_reg |= (unsigned)a[0];
    else if ((a[0] == PRIVATE_EXPEDITED || a[0] == PRIVATE_EXPEDITED_SYNC_CORE) &&
             !(l->membarrier_reg & (unsigned)(a[0] << 1)))
        return -EPERM;   /* not registered: Linux refuses */
    return 0;
}
