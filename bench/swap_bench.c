/* Memory-pressure benchmark (issue 5): what vmsim's reclaim costs per page.
 *
 *   reclaim + swap-out   N anonymous pages written (copyout) under a cap of N/8
 *                        resident frames, so each new page first pushes one
 *                        out to swap; minus the same writes without a cap
 *                        (demand-zero + copy), per page swapped out
 *   swap-in              the cap lifted, every page read back (copyin), per
 *                        page swapped in; the bytes are checked
 *   file read under cap  N pages of a host file read through a private
 *                        mapping under the cap (each read evicts a clean
 *                        page-cache page, no I/O), per page; next to the
 *                        same reads without a cap
 *
 * Each line is the best of REPS runs, each in a fresh machine and kernel
 * whose RAM has been touched once (no host first-touch faults in a run).
 * Usage: swap_bench [--quick]. Output: a table (plain text, also Markdown). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/kernel/mm/mm.h"

#define PG 4096ULL
#define WIN 0x10000000ULL
#define REPS 3

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what, long rc)
{
    fprintf(stderr, "swap_bench: %s failed (%ld%s%s)\n", what, rc, rc < 0 ? ": " : "",
            rc < 0 ? strerror((int)-rc) : "");
    exit(1);
}

struct sim {
    struct machine *m;
    struct kernel *k;
};

/* A machine with room for all n pages, and swap for all of them. */
static void sim_boot(struct sim *s, uint64_t n)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 2 * n * PG + (16ULL << 20);
    s->m = machine_new(&cfg);
    if (!s->m)
        fail("machine_new", 0);
    s->k = kernel_new(s->m);
    if (!s->k)
        fail("kernel_new", 0);
    /* Touch every frame of the simulated RAM once (faulting pages in until
     * RAM is full, before there is swap), so that no run pays the host's
     * first-touch page faults: on a VM host they cost more than vmsim's own
     * work, and a run under pressure cycles through all free frames. */
    struct mm *mm = mm_new(s->k);
    vaddr_t out;
    int rc = mm_mmap(mm, va(WIN), cfg.mem_bytes, LX_PROT_READ | LX_PROT_WRITE,
                     LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0, &out);
    if (rc)
        fail("mm_mmap", rc);
    struct segv sv;
    for (uint64_t a = WIN; a < WIN + cfg.mem_bytes; a += PG)
        if ((rc = mm_fault(mm, va(a), ACCESS_WRITE, &sv)) != 0)
            break;
    if (rc != -ENOMEM)
        fail("filling RAM", rc);
    mm_destroy(mm);
    rc = kernel_set_swap(s->k, 2 * n * PG);
    if (rc)
        fail("kernel_set_swap", rc);
}

static void sim_free(struct sim *s)
{
    kernel_free(s->k);
    machine_free(s->m);
}

static struct vm_counters counters(struct kernel *k)
{
    struct kernel_info ki;
    kernel_get_info(k, &ki);
    return ki.c;
}

/* The bytes of page i: its number in every word, so a page that comes back
 * from the wrong slot (or as zeros) is caught. */
static void fill(uint64_t *buf, uint64_t i)
{
    for (size_t w = 0; w < PG / 8; w++)
        buf[w] = i * 0x9e3779b97f4a7c15ULL + w;
}

static void map(struct mm *mm, uint64_t bytes, struct vfile *f)
{
    vaddr_t out;
    int flags = LX_MAP_PRIVATE | LX_MAP_FIXED | (f ? 0 : LX_MAP_ANONYMOUS);
    int rc = mm_mmap(mm, va(WIN), bytes, LX_PROT_READ | LX_PROT_WRITE, flags, f, 0, &out);
    if (rc)
        fail("mm_mmap", rc);
}

/* Writes n anonymous pages with resident frames capped at cap (0: none).
 * Returns ns; *outs = pages swapped out. With swap_in_ns, then lifts the cap,
 * reads every page back, checks it and stores ns per page swapped in. */
static uint64_t anon_run(uint64_t n, uint64_t cap, uint64_t *outs, double *swap_in_ns)
{
    struct sim s;
    sim_boot(&s, n);
    struct mm *mm = mm_new(s.k);
    map(mm, n * PG, NULL);
    kernel_set_frame_limit(s.k, cap);
    static uint64_t buf[PG / 8], got[PG / 8];
    struct segv sv;
    uint64_t before = counters(s.k).pswpout;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        buf[0] = i; /* checked after swap-in */
        int rc = copyout(mm, va(WIN + i * PG), buf, PG, &sv);
        if (rc)
            fail("copyout", rc);
    }
    uint64_t ns = now_ns() - t0;
    *outs = counters(s.k).pswpout - before;
    if (swap_in_ns) {
        kernel_set_frame_limit(s.k, 0);
        uint64_t in0 = counters(s.k).pswpin;
        t0 = now_ns();
        for (uint64_t i = 0; i < n; i++) {
            int rc = copyin(mm, got, va(WIN + i * PG), PG, &sv);
            if (rc)
                fail("copyin", rc);
            if (got[0] != i)
                fail("page contents after swap-in", (long)i);
        }
        uint64_t ins = counters(s.k).pswpin - in0;
        *swap_in_ns = ins ? (double)(now_ns() - t0) / (double)ins : 0;
        if (ins + cap < n)
            fail("swap-in count", (long)ins);
    }
    mm_destroy(mm);
    sim_free(&s);
    return ns;
}

/* A host file of n pages with fill() contents, in $TMPDIR. */
static char *make_file(uint64_t n)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *path = malloc(strlen(dir) + 32);
    sprintf(path, "%s/swap_bench.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        fail("mkstemp", -errno);
    static uint64_t buf[PG / 8];
    for (uint64_t i = 0; i < n; i++) {
        fill(buf, i);
        if (write(fd, buf, PG) != (ssize_t)PG)
            fail("write", -errno);
    }
    close(fd);
    return path;
}

/* Reads n pages of the file through a private mapping under cap; returns ns
 * and *steals = frames reclaimed. A fresh machine: the page cache is cold. */
static uint64_t file_run(const char *path, uint64_t n, uint64_t cap, uint64_t *steals)
{
    struct sim s;
    sim_boot(&s, n);
    int err = 0;
    struct vfile *f = vfile_open(s.k, path, NULL, false, &err);
    if (!f)
        fail("vfile_open", err);
    struct mm *mm = mm_new(s.k);
    map(mm, n * PG, f);
    kernel_set_frame_limit(s.k, cap);
    static uint64_t got[PG / 8], want[PG / 8];
    struct segv sv;
    struct vm_counters c0 = counters(s.k);
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        int rc = copyin(mm, got, va(WIN + i * PG), PG, &sv);
        if (rc)
            fail("copyin", rc);
    }
    uint64_t ns = now_ns() - t0;
    struct vm_counters c1 = counters(s.k);
    *steals = c1.pgsteal - c0.pgsteal;
    if (c1.pswpout != c0.pswpout)
        fail("clean file pages went to swap", (long)(c1.pswpout - c0.pswpout));
    fill(want, n - 1);
    if (memcmp(got, want, PG) != 0)
        fail("file page contents", 0);
    mm_destroy(mm);
    vfile_put(f);
    sim_free(&s);
    return ns;
}

static void row(const char *op, double ns, uint64_t pages, const char *how)
{
    printf("| %-24s | %10.0f | %8" PRIu64 " | %-44s |\n", op, ns, pages, how);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    uint64_t n = quick ? 2048 : 8192, cap = n / 8;
    printf("vmsim memory-pressure costs, %" PRIu64 " pages (%" PRIu64 " MiB), cap %" PRIu64
           " frames, best of %d\n\n",
           n, (uint64_t)(n * PG >> 20), cap, REPS);
    printf("| %-24s | %10s | %8s | %-44s |\n", "operation", "ns/page", "pages", "measured as");
    printf("|--------------------------|------------|----------|----------------------------------------------|\n");

    double out_best = 1e30, in_best = 1e30, raw_best = 1e30, zero_best = 1e30;
    uint64_t outs = 0, zero_outs = 0;
    for (int r = 0; r < REPS; r++) {
        uint64_t base = anon_run(n, 0, &zero_outs, NULL);
        if (zero_outs)
            fail("swap-out without a cap", (long)zero_outs);
        double in_ns = 0;
        uint64_t press = anon_run(n, cap, &outs, &in_ns);
        if (outs + cap < n)
            fail("swap-out count", (long)outs);
        double per = ((double)press - (double)base) / (double)outs;
        if (per < out_best)
            out_best = per;
        if ((double)press / (double)outs < raw_best)
            raw_best = (double)press / (double)outs;
        if ((double)base / (double)n < zero_best)
            zero_best = (double)base / (double)n;
        if (in_ns < in_best)
            in_best = in_ns;
    }
    row("write, no pressure", zero_best, n, "demand-zero fault + 4 KiB copyout");
    row("write under the cap", raw_best, outs, "time / pswpout");
    row("reclaim + swap-out", out_best, outs, "(time - time without cap) / pswpout");
    row("swap-in", in_best, n - cap, "time / pswpin (copyin of every page)");

    char *p1 = make_file(n), *p2 = make_file(n);
    double drop_best = 1e30, read_best = 1e30;
    uint64_t steals = 0, none = 0;
    for (int r = 0; r < REPS; r++) {
        uint64_t base = file_run(p1, n, 0, &none);
        uint64_t press = file_run(p2, n, cap, &steals);
        if (none || steals + cap < n)
            fail("file reclaim count", (long)steals);
        /* The raw time, not the difference from the run without a cap: the
         * drop itself costs less than the noise of a host pread. */
        double per = (double)press / (double)n;
        if (per < drop_best)
            drop_best = per;
        if ((double)base / (double)n < read_best)
            read_best = (double)base / (double)n;
    }
    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
    row("file read, no pressure", read_best, n, "file fault (host pread) + copyin");
    row("file read under the cap", drop_best, n, "time / pages; clean pages dropped (pgsteal)");
    return 0;
}
