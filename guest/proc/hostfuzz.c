/* Guest-side system-call fuzzer aimed at the host (issue 18): random file,
 * descriptor, memory and signal calls with random and boundary arguments
 * -- paths into the sysroot, /proc, /dev, "..", symlinks and FIFOs,
 * descriptors 0-2 (the user's streams) and whatever the calls returned,
 * lengths and offsets at the edges. One seed per run (argv[1]), a fresh
 * machine each time (tests/scripts/hostfuzz.sh). The guest may die; vmsim
 * may not, and nothing outside the root may change. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char buf[16384];
static char *scratch;
#define SCRATCH_PAGES 32
static int fds[32];
static int nfds;

static const char *const paths[] = {
    "/", ".", "..", "/../..", "f0", "d0", "d0/f1", "d0/../f0", "/lib", "/lib/libc.so.6",
    "/onlysys", "/onlysys/file", "/onlysys/sub", "/proc/self/maps", "/proc/self/fd/0",
    "/proc/self/fd/1", "/proc/self/exe", "/proc/self/mem", "/dev/null", "/dev/zero",
    "/dev/fb0", "/dev", "link_out", "link_abs", "/fifo", "new", "d0/new", "/lib/new",
    "", "//", "/proc/1/cwd/f0", "/proc/self/root/f0", "loop",
};

static const uint64_t edges[] = {
    0, 1, 2, 7, 8, 4095, 4096, 4097, 65536, 65537, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffff000ULL,
    0xffffffffffffffffULL, (uint64_t)-100, (uint64_t)-4096, 1ULL << 47, (1ULL << 47) - 4096,
};

static uint64_t edge(void) { return edges[rnd() % (sizeof edges / sizeof edges[0])]; }

static uint64_t num(void)
{
    switch (rnd() % 4) {
    case 0: return edge();
    case 1: return rnd();
    default: return rnd() % 100;
    }
}

static uint64_t ptr(void)
{
    switch (rnd() % 10) {
    case 0: return 0;
    case 1: return edge();
    case 2: return (uint64_t)(buf + sizeof buf - rnd() % 64);
    case 3: return (uint64_t)scratch + (rnd() % SCRATCH_PAGES) * 4096;
    default: return (uint64_t)(buf + rnd() % 4096);
    }
}

static uint64_t path(void)
{
    if (rnd() % 8 == 0)
        return ptr();
    const char *p = paths[rnd() % (sizeof paths / sizeof paths[0])];
    char *dst = buf + 8192;
    strcpy(dst, p);
    return (uint64_t)dst;
}

static uint64_t fd(void)
{
    switch (rnd() % 6) {
    case 0: return rnd() % 3;
    case 1: return num();
    case 2: return (uint64_t)-100;   /* AT_FDCWD */
    default: return nfds ? (uint64_t)fds[rnd() % nfds] : rnd() % 8;
    }
}

static void keep(long r)
{
    if (r >= 0 && r < 4096 && nfds < 32)
        fds[nfds++] = (int)r;
}

static uint64_t oflags(void)
{
    static const int f[] = {O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
                            O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_CLOEXEC, O_TMPFILE};
    uint64_t v = 0;
    for (int i = 0, n = (int)(rnd() % 4); i < n; i++)
        v |= (uint64_t)f[rnd() % (sizeof f / sizeof f[0])];
    return rnd() % 16 == 0 ? num() : v;
}

static void on_sig(int s) { (void)s; }

int main(int argc, char **argv)
{
    if (argc > 1)
        rng += strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ULL;
    int calls = argc > 2 ? atoi(argv[2]) : 400;
    scratch = mmap(NULL, SCRATCH_PAGES * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED)
        return 1;
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS)
            signal(s, on_sig);
    for (int i = 0; i < calls; i++) {
        long r = 0;
        switch (rnd() % 40) {
        case 0: case 1: case 2:
            r = syscall(SYS_openat, fd(), path(), oflags(), num() & 07777); keep(r); break;
        case 3: r = syscall(SYS_read, fd(), ptr(), rnd() % 9000); break;
        case 4: case 5: r = syscall(SYS_write, fd(), ptr(), rnd() % 9000); break;
        case 6: r = syscall(SYS_pread64, fd(), ptr(), rnd() % 9000, num()); break;
        case 7: r = syscall(SYS_pwrite64, fd(), ptr(), rnd() % 9000, num()); break;
        case 8: r = syscall(SYS_lseek, fd(), num(), rnd() % 6); break;
        case 9: r = syscall(SYS_ftruncate, fd(), num()); break;
        case 10: r = syscall(SYS_truncate, path(), num() % 100000); break;
        case 11: r = syscall(SYS_fchmod, fd(), num()); break;
        case 12: r = syscall(SYS_fchmodat, fd(), path(), num(), 0); break;
        case 13: r = syscall(SYS_fchownat, fd(), path(), num(), num(), rnd() % 2 ? 0x100 : 0x1000); break;
        case 14: r = syscall(SYS_fchown, fd(), num(), num()); break;
        case 15: r = syscall(SYS_utimensat, fd(), rnd() % 3 ? path() : 0, ptr(), rnd() % 2 ? 0 : 0x100); break;
        case 16: r = syscall(SYS_fallocate, fd(), rnd() % 4, num(), num()); break;
        case 17: r = syscall(SYS_mkdirat, fd(), path(), num()); break;
        case 18: r = syscall(SYS_unlinkat, fd(), path(), rnd() % 2 ? 0x200 : 0); break;
        case 19: r = syscall(SYS_renameat2, fd(), path(), fd(), path(), rnd() % 4 ? 0 : num() % 8); break;
        case 20: r = syscall(SYS_symlinkat, path(), fd(), path()); break;
        case 21: r = syscall(SYS_linkat, fd(), path(), fd(), path(), rnd() % 2 ? 0x400 : 0); break;
        case 22: r = syscall(SYS_getdents64, fd(), ptr(), rnd() % 9000); break;
        case 23: r = syscall(SYS_newfstatat, fd(), path(), ptr(), rnd() % 2 ? 0x100 : 0x1000); break;
        case 24: r = syscall(SYS_readlinkat, fd(), path(), ptr(), rnd() % 5000); break;
        case 25: r = syscall(SYS_chdir, path()); break;
        case 26: r = syscall(SYS_fchdir, fd()); break;
        case 27: r = syscall(SYS_dup3, fd(), rnd() % 40, rnd() % 2 ? O_CLOEXEC : 0); keep(r); break;
        case 28: r = syscall(SYS_fcntl, fd(), rnd() % 20, num()); keep(r); break;
        case 29: { int p[2]; r = syscall(SYS_pipe2, rnd() % 2 ? (uint64_t)p : ptr(), O_NONBLOCK);
                   if (r == 0) { keep(p[0]); keep(p[1]); } break; }
        case 30: r = syscall(SYS_close, fd()); break;
        case 31: r = syscall(SYS_mmap, rnd() % 2 ? 0 : (uint64_t)scratch, rnd() % 5 ? 4096 * (1 + rnd() % 4) : num(),
                             rnd() % 8, (rnd() % 2 ? MAP_SHARED : MAP_PRIVATE) | (rnd() % 3 ? 0 : MAP_FIXED),
                             fd(), rnd() % 4 ? 0 : num());
                 if (r > 0 && (r < (long)scratch || r >= (long)(scratch + SCRATCH_PAGES * 4096)))
                     munmap((void *)r, 4096);
                 break;
        case 32: r = syscall(SYS_msync, (uint64_t)scratch, 4096 * (rnd() % 8), rnd() % 8); break;
        case 33: r = syscall(SYS_mremap, rnd() % 2 ? (uint64_t)scratch : edge(), rnd() % 2 ? 4096 : edge(),
                             rnd() % 2 ? 8192 : edge(), rnd() % 4, (uint64_t)scratch);
                 break;
        case 34: r = syscall(SYS_madvise, rnd() % 2 ? (uint64_t)scratch : edge(), rnd() % 2 ? 4096 : edge(),
                             rnd() % 12);
                 break;
        case 35: r = syscall(SYS_statfs, path(), ptr()); break;
        case 36: r = syscall(SYS_faccessat, fd(), path(), rnd() % 8); break;
        case 37: r = syscall(SYS_ioctl, fd(), rnd() % 2 ? 0x5401 : num(), ptr()); break;
        case 38: r = syscall(SYS_rt_sigaction, num(), ptr(), ptr(), rnd() % 2 ? 8 : num());
                 for (int s = 1; s < 32; s++)
                     if (s != SIGKILL && s != SIGSTOP)
                         signal(s, s == SIGSEGV || s == SIGBUS ? SIG_DFL : on_sig);
                 break;
        case 39: r = syscall(SYS_kill, rnd() % 2 ? getpid() : num(), 0); break;
        }
        (void)r;
    }
    return 0;
}
