/* VM-core benchmark: the cost of vmsim's memory-management operations, each
 * next to the same operation done natively by the Linux kernel this program
 * runs on, in the same run.
 *
 *   demand-zero fault    mm_fault(write) on fresh anonymous pages | mmap + write a byte per page
 *   COW fault            child writes each page after mm_fork     | fork(); child writes each page
 *   file fault (cached)  second mapper reads each page of a file  | mmap of a cached file, read
 * each page fork, 256 MiB        mm_fork of a space with 256 MiB resident | fork() with 256 MiB
 * resident munmap, 256 MiB      mm_munmap of 256 MiB resident            | munmap of 256 MiB
 * resident TLB-hit translation  mmu_fast on hart 0 after warm-up         | a native load (L1 hit)
 *
 * Then host memory: RSS per simulated GiB touched, and for 1,000 address
 * spaces each touching one page. Usage: vm_bench [--quick]. Output: a table
 * (plain text, also valid Markdown). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/kernel/mm/mm.h"

#define PG 4096ULL
#define WIN 0x10000000ULL

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "vm_bench: %s failed (%s)\n", what, strerror(errno));
    exit(1);
}

static void row(const char *op, const char *unit, double sim, double lin)
{
    char l[32] = "n/a", r[32] = "n/a";
    if (lin > 0) {
        snprintf(l, sizeof l, "%.1f", lin);
        snprintf(r, sizeof r, "%.2g", sim / lin);
    }
    printf("| %-34s | %-9s | %12.1f | %12s | %11s |\n", op, unit, sim, l, r);
    fflush(stdout);
}

/* ---- vmsim ------------------------------------------------------------------ */

struct sim {
    struct machine *m;
    struct kernel *k;
};

static void sim_boot(struct sim *s, uint64_t mem)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = mem;
    s->m = machine_new(&cfg);
    if (!s->m)
        die("machine_new");
    s->k = kernel_new(s->m);
    if (!s->k)
        die("kernel_new");
}

static void sim_free(struct sim *s)
{
    kernel_free(s->k);
    machine_free(s->m);
}

static void must(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "vm_bench: %s returned %d\n", what, rc);
        exit(1);
    }
}

static void sim_map_anon(struct mm *mm, uint64_t bytes)
{
    vaddr_t out;
    must(mm_mmap(mm, va(WIN), bytes, LX_PROT_READ | LX_PROT_WRITE,
                 LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0, &out),
         "mm_mmap");
}

/* Faults every page of [WIN, WIN + bytes) for acc; returns ns per page. */
static double sim_touch(struct mm *mm, uint64_t bytes, enum access acc)
{
    struct segv sv;
    uint64_t t0 = now_ns();
    for (uint64_t a = WIN; a < WIN + bytes; a += PG)
        must(mm_fault(mm, va(a), acc, &sv), "mm_fault");
    return (double)(now_ns() - t0) / (double)(bytes / PG);
}

static double sim_demand_zero(struct sim *s, uint64_t bytes)
{
    struct mm *mm = mm_new(s->k);
    sim_map_anon(mm, bytes);
    double ns = sim_touch(mm, bytes, ACCESS_WRITE);
    mm_destroy(mm);
    return ns;
}

static double sim_cow(struct sim *s, uint64_t bytes)
{
    struct mm *parent = mm_new(s->k);
    sim_map_anon(parent, bytes);
    sim_touch(parent, bytes, ACCESS_WRITE);
    struct mm *child = mm_fork(parent);
    if (!child)
        die("mm_fork");
    double ns = sim_touch(child, bytes, ACCESS_WRITE);
    mm_destroy(child);
    mm_destroy(parent);
    return ns;
}

static double sim_file(struct sim *s, const char *path, uint64_t bytes)
{
    int err = 0;
    struct vfile *f = vfile_open(s->k, path, NULL, false, &err);
    if (!f) {
        errno = -err;
        die("vfile_open");
    }
    struct mm *first = mm_new(s->k), *second = mm_new(s->k);
    vaddr_t out;
    must(mm_mmap(first, va(WIN), bytes, LX_PROT_READ, LX_MAP_PRIVATE | LX_MAP_FIXED, f, 0, &out),
         "mm_mmap file");
    must(mm_mmap(second, va(WIN), bytes, LX_PROT_READ, LX_MAP_PRIVATE | LX_MAP_FIXED, f, 0, &out),
         "mm_mmap file");
    sim_touch(first, bytes, ACCESS_READ);              /* reads the file into the page cache */
    double ns = sim_touch(second, bytes, ACCESS_READ); /* page-cache hits */
    mm_destroy(second);
    mm_destroy(first);
    vfile_put(f);
    return ns;
}

/* fork and munmap of a space with `bytes` resident. */
static void sim_big(struct sim *s, uint64_t bytes, double *fork_ns, double *munmap_ns)
{
    struct mm *mm = mm_new(s->k);
    sim_map_anon(mm, bytes);
    sim_touch(mm, bytes, ACCESS_WRITE);
    uint64_t t0 = now_ns();
    struct mm *child = mm_fork(mm);
    *fork_ns = (double)(now_ns() - t0);
    if (!child)
        die("mm_fork");
    mm_destroy(child);
    t0 = now_ns();
    must(mm_munmap(mm, va(WIN), bytes), "mm_munmap");
    *munmap_ns = (double)(now_ns() - t0);
    mm_destroy(mm);
}

/* ns per mmu_fast() hit over 32 pages that are all in hart 0's TLB. */
static double sim_tlb_hit(struct sim *s, uint64_t iters)
{
    enum { NPAGES = 32 };
    struct mm *mm = mm_new(s->k);
    sim_map_anon(mm, NPAGES * PG);
    sim_touch(mm, NPAGES * PG, ACCESS_WRITE);
    struct mmu *mmu = &s->m->harts[0].mmu;
    mmu_set_satp(mmu, mm_satp(mm));
    struct translation tr;
    for (uint64_t i = 0; i < NPAGES; i++)
        if (mmu_translate(mmu, va(WIN + i * PG), ACCESS_READ, &tr, NULL) != 0)
            die("mmu_translate");
    volatile uint8_t sink = 0;
    uint64_t misses = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        uint8_t *p = mmu_fast(mmu, va(WIN + (i % NPAGES) * PG + (i & 0xff8)), ACCESS_READ);
        if (p)
            sink = *p;
        else
            misses++;
    }
    double ns = (double)(now_ns() - t0) / (double)iters;
    (void)sink;
    if (misses)
        fprintf(stderr, "vm_bench: %" PRIu64 " TLB misses in the hit loop\n", misses);
    mm_destroy(mm);
    return ns;
}

/* ---- native Linux ---------------------------------------------------------- */

static uint8_t *lin_map(uint64_t bytes)
{
    uint8_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    madvise(p, bytes, MADV_NOHUGEPAGE); /* 4 KiB pages, as vmsim uses */
    return p;
}

static double lin_touch(volatile uint8_t *p, uint64_t bytes, bool write)
{
    uint8_t sink = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < bytes; i += PG) {
        if (write)
            p[i] = 1;
        else
            sink ^= p[i];
    }
    double ns = (double)(now_ns() - t0) / (double)(bytes / PG);
    *(volatile uint8_t *)&sink;
    return ns;
}

static double lin_demand_zero(uint64_t bytes)
{
    uint8_t *p = lin_map(bytes);
    double ns = lin_touch(p, bytes, true);
    munmap(p, bytes);
    return ns;
}

static double lin_cow(uint64_t bytes)
{
    uint8_t *p = lin_map(bytes);
    lin_touch(p, bytes, true);
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        double ns = lin_touch(p, bytes, true);
        if (write(fds[1], &ns, sizeof ns) != sizeof ns)
            _exit(1);
        _exit(0);
    }
    double ns = -1;
    if (read(fds[0], &ns, sizeof ns) != sizeof ns)
        die("read from child");
    waitpid(pid, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    munmap(p, bytes);
    return ns;
}

static double lin_file(const char *path, uint64_t bytes)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open");
    uint8_t *first = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    if (first == MAP_FAILED)
        die("mmap file");
    lin_touch(first, bytes, false); /* the file is in the page cache now */
    uint8_t *p = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        die("mmap file");
    madvise(p, bytes, MADV_RANDOM); /* no fault-around: one page per fault, as vmsim */
    double ns = lin_touch(p, bytes, false);
    munmap(p, bytes);
    munmap(first, bytes);
    close(fd);
    return ns;
}

static void lin_big(uint64_t bytes, double *fork_ns, double *munmap_ns)
{
    uint8_t *p = lin_map(bytes);
    lin_touch(p, bytes, true);
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    *fork_ns = (double)(now_ns() - t0);
    if (pid < 0)
        die("fork");
    waitpid(pid, NULL, 0);
    t0 = now_ns();
    munmap(p, bytes);
    *munmap_ns = (double)(now_ns() - t0);
}

static double lin_load(uint64_t iters)
{
    enum { NPAGES = 32 };
    uint8_t *p = lin_map(NPAGES * PG);
    lin_touch(p, NPAGES * PG, true);
    volatile uint8_t sink = 0;
    volatile uint8_t *vp = p;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < iters; i++)
        sink = vp[(i % NPAGES) * PG + (i & 0xff8)];
    double ns = (double)(now_ns() - t0) / (double)iters;
    (void)sink;
    munmap(p, NPAGES * PG);
    return ns;
}

/* A native system call round trip: what a trap into this machine's kernel
 * costs, the floor under every native fault above. */
static double lin_syscall(void)
{
    uint64_t t0 = now_ns();
    for (int i = 0; i < 100000; i++)
        syscall(SYS_getppid);
    return (double)(now_ns() - t0) / 100000;
}

/* ---- host memory ------------------------------------------------------------ */

static uint64_t rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    uint64_t kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %" SCNu64, &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

/* Host RSS growth per simulated GiB touched (a fresh machine, so no RAM of an
 * earlier test is already resident). */
static double mem_per_gib(uint64_t bytes)
{
    struct sim s;
    sim_boot(&s, bytes + (64ULL << 20));
    uint64_t before = rss_kib();
    struct mm *mm = mm_new(s.k);
    sim_map_anon(mm, bytes);
    sim_touch(mm, bytes, ACCESS_WRITE);
    uint64_t after = rss_kib();
    mm_destroy(mm);
    sim_free(&s);
    return (double)(after - before) / 1024.0 / ((double)bytes / (1 << 30));
}

/* n address spaces, each with one touched page: host KiB per space, and ns
 * per (mm_new + mmap + fault) on a fresh machine (cold: every frame is new
 * host memory) and again after they were destroyed (warm). */
static void many_spaces(int n, double *kib_each, double *cold_ns, double *warm_ns,
                        uint64_t *frames_each)
{
    struct sim s;
    sim_boot(&s, 256ULL << 20);
    struct mm **mms = calloc((size_t)n, sizeof *mms);
    struct kernel_info k0, k1;
    kernel_get_info(s.k, &k0);
    uint64_t before = rss_kib();
    for (int round = 0; round < 2; round++) {
        uint64_t t0 = now_ns();
        for (int i = 0; i < n; i++) {
            mms[i] = mm_new(s.k);
            if (!mms[i])
                die("mm_new");
            sim_map_anon(mms[i], PG);
            sim_touch(mms[i], PG, ACCESS_WRITE);
        }
        *(round ? warm_ns : cold_ns) = (double)(now_ns() - t0) / n;
        if (round == 0) {
            *kib_each = (double)(rss_kib() - before) / n;
            kernel_get_info(s.k, &k1);
            *frames_each = (k0.free_frames - k1.free_frames) / (uint64_t)n;
        }
        for (int i = 0; i < n; i++)
            mm_destroy(mms[i]);
    }
    free(mms);
    sim_free(&s);
}

static void make_file(const char *path, uint64_t bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        die("create file");
    static uint8_t buf[1 << 16];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7);
    for (uint64_t done = 0; done < bytes; done += sizeof buf)
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            die("write file");
    close(fd);
}

static double best(double a, double b)
{
    return a < b ? a : b;
}

int main(int argc, char **argv)
{
    bool quick = false, sim_only = false; /* --sim-only: no native runs (for profiling) */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--sim-only") == 0)
            sim_only = true;
        else {
            fprintf(stderr, "usage: vm_bench [--quick] [--sim-only]\n");
            return 2;
        }
    }
    uint64_t small = (quick ? 16ULL : 64ULL) << 20, big = (quick ? 64ULL : 256ULL) << 20;
    uint64_t iters = quick ? 10000000 : 100000000;

    char dir[] = "/tmp/vm_bench-XXXXXX", path[64];
    if (!mkdtemp(dir))
        die("mkdtemp");
    snprintf(path, sizeof path, "%s/file", dir);
    make_file(path, small);

    struct sim s;
    sim_boot(&s, big + small + (128ULL << 20));

    printf("| %-34s | %-9s | %12s | %12s | %11s |\n", "operation", "unit", "vmsim", "linux",
           "vmsim/linux");
    printf("|%s|%s|%s|%s|%s|\n", "------------------------------------", "-----------",
           "-------------:", "-------------:", "------------:");
    /* Best of two runs each: the machine is shared, the minimum is the cost. */
    double a = best(sim_demand_zero(&s, small), sim_demand_zero(&s, small));
    double b = sim_only ? 0 : best(lin_demand_zero(small), lin_demand_zero(small));
    row("demand-zero fault", "ns/page", a, b);
    a = best(sim_cow(&s, small), sim_cow(&s, small));
    b = sim_only ? 0 : best(lin_cow(small), lin_cow(small));
    row("COW fault after fork", "ns/page", a, b);
    a = best(sim_file(&s, path, small), sim_file(&s, path, small));
    b = sim_only ? 0 : best(lin_file(path, small), lin_file(path, small));
    row("file fault, page-cache hit", "ns/page", a, b);
    double sf, sm, lf = 0, lm = 0, f2, m2;
    sim_big(&s, big, &sf, &sm);
    sim_big(&s, big, &f2, &m2);
    sf = best(sf, f2), sm = best(sm, m2);
    if (!sim_only) {
        lin_big(big, &lf, &lm);
        lin_big(big, &f2, &m2);
        lf = best(lf, f2), lm = best(lm, m2);
    }
    char name[64];
    snprintf(name, sizeof name, "fork, %" PRIu64 " MiB resident", big >> 20);
    row(name, "us", sf / 1000, lf / 1000);
    snprintf(name, sizeof name, "munmap, %" PRIu64 " MiB resident", big >> 20);
    row(name, "us", sm / 1000, lm / 1000);
    a = best(sim_tlb_hit(&s, iters), sim_tlb_hit(&s, iters));
    b = sim_only ? 0 : best(lin_load(iters), lin_load(iters));
    row("TLB-hit translation (mmu_fast)", "ns", a, b);
    sim_free(&s);
    unlink(path);
    rmdir(dir);

    double per_gib = mem_per_gib(big);
    double kib_each, cold_ns, warm_ns;
    uint64_t frames_each;
    many_spaces(1000, &kib_each, &cold_ns, &warm_ns, &frames_each);
    if (!sim_only)
        printf("\nnative getppid() round trip on this machine: %.0f ns\n", lin_syscall());
    printf("\nhost memory: %.0f MiB RSS per simulated GiB touched\n", per_gib);
    printf("1,000 address spaces (mm_new + mmap + one touched page each): %.1f KiB host RSS and "
           "%" PRIu64 " simulated frames each;\n  %.1f us each on fresh host memory, %.1f us when "
           "the frames were used before\n",
           kib_each, frames_each, cold_ns / 1000, warm_ns / 1000);
    return 0;
}
