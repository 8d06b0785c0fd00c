/* System calls (minimal set, issue 3): what freestanding test programs and
 * static glibc's startup need. Guest pointers are named g_*; they are only
 * touched through copyin/copyout. Each handler returns the value for a0: a
 * result, or -errno. */
#include "syscall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../machine/hart.h"

typedef int64_t (*sys_fn)(struct proc *p, const uint64_t a[6]);

#define IO_CHUNK 65536
#define IOV_MAX_LX 1024

/* Copies user memory; a fault is EFAULT for the caller (no signal). */
static int user_in(struct proc *p, void *dst, uint64_t g_src, uint64_t len)
{
    struct segv sv;
    int rc = copyin(p->mm, dst, va(g_src), len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

static int user_out(struct proc *p, uint64_t g_dst, const void *src, uint64_t len)
{
    struct segv sv;
    int rc = copyout(p->mm, va(g_dst), src, len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

/* The guest's fds 0, 1, 2 are the host's (no file table yet). */
static int host_fd(uint64_t fd) { return fd <= 2 ? (int)fd : -1; }

static int64_t do_write(struct proc *p, uint64_t fd, uint64_t g_buf, uint64_t len)
{
    int hfd = host_fd(fd);
    if (hfd < 0)
        return -EBADF;
    uint8_t *buf = malloc(IO_CHUNK);
    if (!buf)
        return -ENOMEM;
    int64_t done = 0;
    while ((uint64_t)done < len) {
        uint64_t n = len - (uint64_t)done < IO_CHUNK ? len - (uint64_t)done : IO_CHUNK;
        int rc = user_in(p, buf, g_buf + (uint64_t)done, n);
        if (rc) {
            if (!done)
                done = rc;
            break;
        }
        ssize_t w = write(hfd, buf, n);
        if (w < 0) {
            if (!done)
                done = -errno;
            break;
        }
        done += w;
        if ((uint64_t)w < n)
            break;
    }
    free(buf);
    return done;
}

static int64_t sys_write(struct proc *p, const uint64_t a[6]) { return do_write(p, a[0], a[1], a[2]); }

static int64_t sys_writev(struct proc *p, const uint64_t a[6])
{
    if (host_fd(a[0]) < 0)
        return -EBADF;
    if (a[2] > IOV_MAX_LX)
        return -EINVAL;
    int64_t total = 0;
    for (uint64_t i = 0; i < a[2]; i++) {
        uint64_t iov[2];
        int rc = user_in(p, iov, a[1] + 16 * i, sizeof iov);
        if (rc)
            return total ? total : rc;
        int64_t w = do_write(p, a[0], iov[0], iov[1]);
        if (w < 0)
            return total ? total : w;
        total += w;
        if ((uint64_t)w < iov[1])
            break;
    }
    return total;
}

static int64_t sys_read(struct proc *p, const uint64_t a[6])
{
    int hfd = host_fd(a[0]);
    if (hfd < 0)
        return -EBADF;
    uint64_t n = a[2] < IO_CHUNK ? a[2] : IO_CHUNK;
    uint8_t *buf = malloc(IO_CHUNK);
    if (!buf)
        return -ENOMEM;
    ssize_t r = read(hfd, buf, n);
    int64_t rc = r < 0 ? -errno : r;
    if (r > 0) {
        int e = user_out(p, a[1], buf, (uint64_t)r);
        if (e)
            rc = e;
    }
    free(buf);
    return rc;
}

static int64_t sys_exit(struct proc *p, const uint64_t a[6])
{
    proc_exit(p, (int)a[0], 0);
    return 0;
}

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

static int64_t stat_fd(struct proc *p, uint64_t fd, uint64_t g_st)
{
    int hfd = host_fd(fd);
    if (hfd < 0)
        return -EBADF;
    struct stat hs;
    if (fstat(hfd, &hs) < 0)
        return -errno;
    /* Only the kind of file and its size: no host identity leaks in. */
    struct lx_stat st = {.st_dev = 1, .st_ino = fd + 1, .st_mode = hs.st_mode,
                         .st_nlink = 1, .st_uid = 1000, .st_gid = 1000,
                         .st_size = S_ISREG(hs.st_mode) ? hs.st_size : 0,
                         .st_blksize = 4096};
    return user_out(p, g_st, &st, sizeof st);
}

static int64_t sys_fstat(struct proc *p, const uint64_t a[6]) { return stat_fd(p, a[0], a[1]); }

#define LX_AT_EMPTY_PATH 0x1000

static int64_t sys_newfstatat(struct proc *p, const uint64_t a[6])
{
    char c = 1;
    if (a[1] && user_in(p, &c, a[1], 1))
        return -EFAULT;
    if (c == 0 && (a[3] & LX_AT_EMPTY_PATH))
        return stat_fd(p, a[0], a[2]);
    return -ENOENT;   /* no file system yet */
}

static int64_t sys_ioctl(struct proc *p, const uint64_t a[6])
{
    return host_fd(a[0]) < 0 ? -EBADF : -ENOTTY;
}

static int64_t sys_close(struct proc *p, const uint64_t a[6]) { return host_fd(a[0]) < 0 ? -EBADF : 0; }
static int64_t sys_enoent(struct proc *p, const uint64_t a[6]) { return -ENOENT; }
static int64_t sys_zero(struct proc *p, const uint64_t a[6]) { return 0; }
static int64_t sys_getpid(struct proc *p, const uint64_t a[6]) { return p->pid; }
static int64_t sys_getppid(struct proc *p, const uint64_t a[6]) { return 0; }
static int64_t sys_getid(struct proc *p, const uint64_t a[6]) { return 1000; }

static int64_t sys_rt_sigprocmask(struct proc *p, const uint64_t a[6])
{
    uint64_t none = 0;
    if (a[2] && a[3] == 8)
        return user_out(p, a[2], &none, 8);
    return a[3] == 8 ? 0 : -EINVAL;
}

static int64_t sys_rt_sigaction(struct proc *p, const uint64_t a[6])
{
    if (a[2]) {   /* old action: SIG_DFL */
        uint8_t zero[32] = {0};
        return user_out(p, a[2], zero, sizeof zero);
    }
    return 0;
}

/* No handlers yet: a signal sent to oneself kills with its default action. */
static int64_t sys_kill_self(struct proc *p, uint64_t target, uint64_t sig)
{
    if (target != (uint64_t)p->pid)
        return -ESRCH;
    if (sig == 0)
        return 0;
    if (sig >= 64)
        return -EINVAL;
    proc_kill(p, (int)sig, 0, 0, p->hart ? p->hart->pc : 0, 0);
    return 0;
}

static int64_t sys_kill(struct proc *p, const uint64_t a[6]) { return sys_kill_self(p, a[0], a[1]); }
static int64_t sys_tkill(struct proc *p, const uint64_t a[6]) { return sys_kill_self(p, a[0], a[1]); }
static int64_t sys_tgkill(struct proc *p, const uint64_t a[6]) { return sys_kill_self(p, a[1], a[2]); }

/* The clock the guest sees is derived from retired instructions (design
 * decision 12): one instruction = one nanosecond. */
static int64_t sys_clock_gettime(struct proc *p, const uint64_t a[6])
{
    uint64_t ns = p->hart ? p->hart->instret : 0;
    int64_t ts[2] = {(int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u)};
    if (a[0] > 11)
        return -EINVAL;
    return user_out(p, a[1], ts, sizeof ts);
}

static int64_t sys_uname(struct proc *p, const uint64_t a[6])
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "vmsim");
    strcpy(u[2], "6.1.0-vmsim");
    strcpy(u[3], "#1 SMP");
    strcpy(u[4], "riscv64");
    strcpy(u[5], "(none)");
    return user_out(p, a[0], u, sizeof u);
}

static int64_t sys_brk(struct proc *p, const uint64_t a[6]) { return (int64_t)mm_brk(p->mm, va(a[0])).v; }

static int64_t sys_mmap(struct proc *p, const uint64_t a[6])
{
    int flags = (int)a[3];
    if (!(flags & LX_MAP_ANONYMOUS))
        return -EBADF;   /* no file descriptors to map yet */
    vaddr_t out;
    int rc = mm_mmap(p->mm, va(a[0]), a[1], (int)a[2], flags, NULL, 0, &out);
    return rc ? rc : (int64_t)out.v;
}

static int64_t sys_munmap(struct proc *p, const uint64_t a[6]) { return mm_munmap(p->mm, va(a[0]), a[1]); }
static int64_t sys_mprotect(struct proc *p, const uint64_t a[6])
{
    return mm_mprotect(p->mm, va(a[0]), a[1], (int)a[2]);
}
static int64_t sys_msync(struct proc *p, const uint64_t a[6])
{
    return mm_msync(p->mm, va(a[0]), a[1], (int)a[2]);
}

#define LX_RLIMIT_STACK 3
#define LX_RLIM_INFINITY UINT64_MAX

static int64_t sys_prlimit64(struct proc *p, const uint64_t a[6])
{
    if (a[0] != 0 && a[0] != (uint64_t)p->pid)
        return -ESRCH;
    if (a[1] >= 16)
        return -EINVAL;
    if (a[3]) {
        uint64_t old[2] = {LX_RLIM_INFINITY, LX_RLIM_INFINITY};
        if (a[1] == LX_RLIMIT_STACK)
            old[0] = 8ULL << 20;
        return user_out(p, a[3], old, sizeof old);
    }
    return 0;   /* new limits are accepted and ignored */
}

/* Deterministic bytes (design decision 12): same program, same "random" bytes. */
static int64_t sys_getrandom(struct proc *p, const uint64_t a[6])
{
    uint64_t len = a[1] < 256 ? a[1] : 256;
    uint8_t buf[256];
    for (uint64_t i = 0; i < len; i++) {
        p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[i] = (uint8_t)(p->rng >> 56);
    }
    int rc = user_out(p, a[0], buf, len);
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

static int64_t sys_sysinfo(struct proc *p, const uint64_t a[6])
{
    struct kernel_info ki;
    kernel_get_info(p->k, &ki);
    uint64_t ns = p->hart ? p->hart->instret : 0;
    struct lx_sysinfo si = {.uptime = (int64_t)(ns / 1000000000u),
                            .totalram = ki.total_frames * PAGE_SIZE,
                            .freeram = ki.free_frames * PAGE_SIZE,
                            .procs = 1, .mem_unit = 1};
    return user_out(p, a[0], &si, sizeof si);
}

/* The user-space fence.i of Linux (JITs, dynamic loaders): the decoded code
 * of every page is dropped, whatever the range (flags must be 0 or
 * SYS_RISCV_FLUSH_ICACHE_LOCAL = 1). */
static int64_t sys_riscv_flush_icache(struct proc *p, const uint64_t a[6])
{
    if (a[2] & ~1ULL)
        return -EINVAL;
    if (p->hart)
        hart_code_flush_all(p->hart);
    return 0;
}

static int64_t sys_set_tid_address(struct proc *p, const uint64_t a[6]) { return p->pid; }

static const sys_fn sys_table[PROC_SYSCALL_MAX] = {
    [LX_SYS_ioctl] = sys_ioctl,
    [LX_SYS_openat] = sys_enoent,
    [LX_SYS_close] = sys_close,
    [LX_SYS_read] = sys_read,
    [LX_SYS_write] = sys_write,
    [LX_SYS_writev] = sys_writev,
    [LX_SYS_readlinkat] = sys_enoent,
    [LX_SYS_newfstatat] = sys_newfstatat,
    [LX_SYS_fstat] = sys_fstat,
    [LX_SYS_exit] = sys_exit,
    [LX_SYS_exit_group] = sys_exit,
    [LX_SYS_set_tid_address] = sys_set_tid_address,
    [LX_SYS_set_robust_list] = sys_zero,
    [LX_SYS_clock_gettime] = sys_clock_gettime,
    [LX_SYS_sched_yield] = sys_zero,
    [LX_SYS_kill] = sys_kill,
    [LX_SYS_tkill] = sys_tkill,
    [LX_SYS_tgkill] = sys_tgkill,
    [LX_SYS_rt_sigaction] = sys_rt_sigaction,
    [LX_SYS_rt_sigprocmask] = sys_rt_sigprocmask,
    [LX_SYS_uname] = sys_uname,
    [LX_SYS_getpid] = sys_getpid,
    [LX_SYS_getppid] = sys_getppid,
    [LX_SYS_getuid] = sys_getid,
    [LX_SYS_geteuid] = sys_getid,
    [LX_SYS_getgid] = sys_getid,
    [LX_SYS_getegid] = sys_getid,
    [LX_SYS_gettid] = sys_getpid,
    [LX_SYS_sysinfo] = sys_sysinfo,
    [LX_SYS_brk] = sys_brk,
    [LX_SYS_munmap] = sys_munmap,
    [LX_SYS_mmap] = sys_mmap,
    [LX_SYS_mprotect] = sys_mprotect,
    [LX_SYS_msync] = sys_msync,
    [LX_SYS_madvise] = sys_zero,
    [LX_SYS_prlimit64] = sys_prlimit64,
    [LX_SYS_getrandom] = sys_getrandom,
    [LX_SYS_riscv_flush_icache] = sys_riscv_flush_icache,
    /* rseq and everything else: -ENOSYS (glibc copes). */
};

void syscall_dispatch(struct proc *p, struct hart *h)
{
    uint64_t nr = h->x[17];
    const uint64_t args[6] = {h->x[10], h->x[11], h->x[12], h->x[13], h->x[14], h->x[15]};
    int64_t ret;
    if (nr < PROC_SYSCALL_MAX && sys_table[nr]) {
        ret = sys_table[nr](p, args);
    } else {
        ret = -ENOSYS;
        if (nr != LX_SYS_rseq && nr < PROC_SYSCALL_MAX &&
            !(p->nosys_warned[nr / 64] & (1ULL << (nr % 64)))) {
            p->nosys_warned[nr / 64] |= 1ULL << (nr % 64);
            fprintf(stderr, "vmsim: syscall %llu not implemented (-ENOSYS)\n",
                    (unsigned long long)nr);
        }
    }
    if (p->exited)
        return;
    h->x[10] = (uint64_t)ret;
    h->pc += 4;   /* ecall has no compressed form */
}
