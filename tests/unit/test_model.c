/* Model-based random test of the VM core: thousands of random address-space
 * operations (new, fork, exit, mmap, munmap, mprotect, brk, msync, madvise,
 * copyin, copyout, copyin_str, faults) on several address spaces, each
 * checked against the plain reference model of tests/unit/model_ref.h (Linux
 * semantics): return codes, every byte read, every fault (SEGV_MAPERR /
 * SEGV_ACCERR / SIGBUS and its address), the host files after write-back,
 * kernel_check() after every step, and at the end that every user frame and
 * swap slot is free again. Cases: plenty of memory (three TLB shapes); 512 KiB
 * of RAM without swap (-ENOMEM accepted); with swap under each replacement
 * policy; a frame limit; and ASID reuse. The operations are in
 * test_model_ops.h.
 *
 * MODEL_SEED=n runs every case with that seed; MODEL_OPS=n sets the number of
 * operations per case; MODEL_FILTER=name runs only that case; MODEL_TRACE=1
 * prints every operation. A failure prints the seed, the step and the last ops. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/mm/mm.h"
#include "model_ref.h"

#define PG 4096ULL
#define WIN_BASE 0x10000000ULL /* fixed mappings collide inside this window */
#define WIN_PAGES 64
#define HEAP_BASE 0x20000000ULL /* brk heap (a few mmaps and munmaps land in its way) */
#define HEAP_MAX_PAGES 48
#define MAX_LIVE 6
#define LOG_N 24
#define NFILES 3

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t below(struct rng *r, uint64_t n)
{
    return n ? rnd(r) % n : 0;
}
static bool chance(struct rng *r, unsigned pct)
{
    return below(r, 100) < pct;
}

/* Outcomes seen, so a run that exercised nothing interesting fails. */
struct coverage {
    long maperr, accerr, buserr, reads_ok, writes_ok, cow_writes, shared_writes, forks, enomem,
        disk_checks, einval;
    uint64_t min_free; /* fewest free frames seen */
};

struct world {
    struct rng r;
    uint64_t seed;
    long step;
    bool small; /* 512 KiB of RAM: -ENOMEM from faults and fork is allowed */
    struct machine *m;
    struct kernel *k;
    struct mm *mm[MD_MAX_PROCS];
    struct model md;
    char dir[64];
    char path[NFILES][128];
    int fd[NFILES];
    struct vfile *vf[NFILES];
    char log[LOG_N][240];
    long nlog;
    struct coverage cov;
    bool trace;
};

static const char *prot_str(int prot)
{
    static const char *s[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
    return s[prot & 7];
}

static void logop(struct world *w, const char *fmt, ...)
{
    if (w->trace && w->nlog) /* MODEL_TRACE=1: every op, as it completes */
        fprintf(stderr, "  %s\n", w->log[(w->nlog - 1) % LOG_N]);
    char *line = w->log[w->nlog++ % LOG_N];
    int n = snprintf(line, 240, "#%ld ", w->step);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, 240 - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Appends the outcome to the current log line. */
static void logres(struct world *w, const char *fmt, ...)
{
    char *line = w->log[(w->nlog - 1) % LOG_N];
    size_t n = strlen(line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, 240 - n, fmt, ap);
    va_end(ap);
}

static void die(struct world *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nMODEL MISMATCH seed=%" PRIu64 " step=%ld%s: %s\nlast ops:\n", w->seed,
            w->step, w->small ? " (small memory)" : "", msg);
    long first = w->nlog > LOG_N ? w->nlog - LOG_N : 0;
    for (long i = first; i < w->nlog; i++)
        fprintf(stderr, "  %s\n", w->log[i % LOG_N]);
    fprintf(stderr, "reproduce: MODEL_SEED=%" PRIu64 " MODEL_OPS=%ld\n", w->seed, w->step + 1);
    fail_msg("%s", msg);
}

#define CHECK(w, cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            die((w), __VA_ARGS__);                                                                 \
    } while (0)

/* ---- choosing things ------------------------------------------------------ */

static int pick_live(struct world *w)
{
    int live[MD_MAX_PROCS], n = 0;
    for (int i = 0; i < MD_MAX_PROCS; i++)
        if (w->md.proc[i].live)
            live[n++] = i;
    return n ? live[below(&w->r, (uint64_t)n)] : -1;
}

static int nlive(struct world *w)
{
    int n = 0;
    for (int i = 0; i < MD_MAX_PROCS; i++)
        n += w->md.proc[i].live;
    return n;
}

static int free_slot(struct world *w)
{
    if (nlive(w) >= MAX_LIVE)
        return -1;
    for (int i = 0; i < MD_MAX_PROCS; i++)
        if (!w->md.proc[i].live)
            return i;
    return -1;
}

static bool in_heap(uint64_t vpn)
{
    return vpn >= HEAP_BASE / PG && vpn < HEAP_BASE / PG + 2 * HEAP_MAX_PAGES;
}

/* A page range [*lo, *lo + *n): mostly in the window, sometimes around a
 * mapped page of p (which reaches mmap(NULL) areas and the heap). */
static void pick_range(struct world *w, int p, bool heap_ok, unsigned mapped_pct, uint64_t maxn,
                       uint64_t *lo, uint64_t *n)
{
    const struct md_proc *mp = &w->md.proc[p];
    *n = 1 + below(&w->r, maxn);
    if (mp->n && chance(&w->r, mapped_pct)) {
        uint64_t v = mp->pg[below(&w->r, mp->n)].vpn;
        if (heap_ok || !in_heap(v)) {
            *lo = v - below(&w->r, 3);
            return;
        }
    }
    *lo = WIN_BASE / PG + below(&w->r, WIN_PAGES + 2) - 1;
}

/* A byte address for an access. */
static uint64_t pick_addr(struct world *w, int p)
{
    uint64_t lo, n;
    if (chance(&w->r, 3)) {
        /* Outside every mapping (SEGV_MAPERR in Linux): the NULL page, the
         * top of the user half, a non-canonical address, the kernel half. */
        static const uint64_t odd[4] = {0, USER_TOP - PG, USER_TOP, 0xffffffc000000000ULL};
        return odd[below(&w->r, 4)] + below(&w->r, PG);
    }
    if (chance(&w->r, 10) && w->md.proc[p].brk > HEAP_BASE)
        lo = (HEAP_BASE + below(&w->r, w->md.proc[p].brk - HEAP_BASE + 2 * PG)) / PG;
    else
        pick_range(w, p, true, 75, 1, &lo, &n);
    return lo * PG + (chance(&w->r, 50) ? PG - 1 - below(&w->r, 64) : below(&w->r, PG));
}

static int pick_prot(struct world *w)
{
    static const int prots[10] = {0, 1, 1, 3, 3, 3, 3, 5, 7, 7}; /* --- r-- rw- r-x rwx */
    return prots[below(&w->r, 10)];
}

static void fill_random(struct world *w, uint8_t *buf, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        buf[i] = (uint8_t)rnd(&w->r);
}

/* ---- checks --------------------------------------------------------------- */

static int expect_signo(enum md_fault f)
{
    return f == MD_BUSERR ? LX_SIGBUS : LX_SIGSEGV;
}
static int expect_code(enum md_fault f)
{
    return f == MD_MAPERR ? LX_SEGV_MAPERR : f == MD_ACCERR ? LX_SEGV_ACCERR : LX_BUS_ADRERR;
}

static void count_fault(struct world *w, enum md_fault f)
{
    if (f == MD_MAPERR)
        w->cov.maperr++;
    else if (f == MD_ACCERR)
        w->cov.accerr++;
    else if (f == MD_BUSERR)
        w->cov.buserr++;
}

/* A failed access: the signal and address the model predicts. */
static void check_segv(struct world *w, const struct segv *sv, enum md_fault f, uint64_t addr,
                       enum access acc)
{
    CHECK(w, sv->signo == expect_signo(f) && sv->code == expect_code(f) && sv->addr.v == addr,
          "segv: got signo %d code %d addr 0x%" PRIx64
          ", model says signo %d code %d addr 0x%" PRIx64,
          sv->signo, sv->code, sv->addr.v, expect_signo(f), expect_code(f), addr);
    CHECK(w, sv->acc == acc, "segv.acc %d, expected %d", sv->acc, acc);
    count_fault(w, f);
}

/* The host file page must hold the model's bytes (only bytes before EOF). */
static void check_disk_page(struct world *w, int f, uint64_t idx)
{
    const struct md_file *mf = &w->md.file[f];
    uint8_t buf[PG];
    uint64_t n = mf->size - idx * PG < PG ? mf->size - idx * PG : PG;
    ssize_t got = pread(w->fd[f], buf, n, (off_t)(idx * PG));
    CHECK(w, got == (ssize_t)n, "pread file%d page %" PRIu64 ": %zd", f, idx, got);
    const uint8_t *want = mf->data + idx * PG;
    for (uint64_t i = 0; i < n; i++)
        CHECK(w, buf[i] == want[i],
              "file%d byte 0x%" PRIx64 " on disk is 0x%02x, model 0x%02x (page not dirty)", f,
              idx * PG + i, buf[i], want[i]);
    w->cov.disk_checks++;
}

/* File pages just written back; all = every page that is not dirty. */
static void check_files(struct world *w, bool all)
{
    for (int f = 0; f < w->md.nfiles; f++) {
        /* Write-back never changes the size: the tail of the last page stays out. */
        struct stat st;
        CHECK(w, fstat(w->fd[f], &st) == 0 && (uint64_t)st.st_size == w->md.file[f].size,
              "file%d is %lld bytes, was %" PRIu64, f, (long long)st.st_size, w->md.file[f].size);
        for (uint64_t i = 0; i < w->md.file[f].npages; i++)
            if (w->md.file[f].check[i] || (all && !w->md.file[f].dirty[i])) {
                w->md.file[f].check[i] = false;
                check_disk_page(w, f, i);
            }
    }
}

static void check_vm_pages(struct world *w, int p)
{
    struct mm_info info;
    mm_get_info(w->mm[p], &info);
    int64_t want = (int64_t)w->md.proc[p].n + w->md.proc[p].vm_extra;
    CHECK(w, (int64_t)info.vm_pages == want, "p%d vm_pages %" PRIu64 ", model %" PRId64, p,
          info.vm_pages, want);
    CHECK(w, info.rss_pages <= info.vm_pages + (uint64_t)w->md.proc[p].vm_extra,
          "p%d rss %" PRIu64 " > vm %" PRIu64, p, info.rss_pages, info.vm_pages);
}

static void check_step(struct world *w)
{
    CHECK(w, kernel_check(w->k) == 0, "kernel_check failed (see stderr)");
    struct kernel_info ki;
    kernel_get_info(w->k, &ki);
    if (ki.free_frames < w->cov.min_free)
        w->cov.min_free = ki.free_frames;
    CHECK(w, ki.nr_mm == (uint64_t)nlive(w), "nr_mm %" PRIu64 ", model %d", ki.nr_mm, nlive(w));
    for (int p = 0; p < MD_MAX_PROCS; p++)
        if (w->md.proc[p].live)
            check_vm_pages(w, p);
    check_files(w, false);
}

/* Reads every readable page of every process and compares it with the model. */
static void check_all_memory(struct world *w)
{
    static uint8_t got[PG];
    for (int p = 0; p < MD_MAX_PROCS; p++) {
        if (!w->md.proc[p].live)
            continue;
        for (size_t i = 0; i < w->md.proc[p].n; i++) {
            const struct md_page *g = &w->md.proc[p].pg[i];
            if (md_access(&w->md, p, g->vpn, MD_READ) != MD_OK)
                continue;
            struct segv sv;
            int rc = copyin(w->mm[p], got, va(g->vpn * PG), PG, &sv);
            if (rc == -ENOMEM && w->small)
                continue;
            CHECK(w, rc == 0, "scan p%d page 0x%" PRIx64 ": copyin %d", p, g->vpn * PG, rc);
            const uint8_t *want = md_page_bytes(&w->md, g);
            for (uint64_t j = 0; j < PG; j++)
                CHECK(w, got[j] == want[j], "scan p%d byte 0x%" PRIx64 " is 0x%02x, model 0x%02x",
                      p, g->vpn * PG + j, got[j], want[j]);
        }
    }
    CHECK(w, kernel_check(w->k) == 0, "kernel_check after scan failed");
    check_files(w, true);
}

#include "test_model_ops.h"

/* ---- set-up and the run ---------------------------------------------------- */

static void make_files(struct world *w)
{
    snprintf(w->dir, sizeof w->dir, "/tmp/vmsim-model-XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    /* Page multiples, except one with a partial last page (not under memory
     * pressure, where the tail of a cached page may be dropped and re-read). */
    uint64_t sizes[NFILES] = {4 * PG, 12 * PG, w->small ? 6 * PG : 5 * PG + 1000};
    for (int f = 0; f < NFILES; f++) {
        snprintf(w->path[f], sizeof w->path[f], "%s/file%d", w->dir, f);
        w->fd[f] = open(w->path[f], O_RDWR | O_CREAT | O_TRUNC, 0600);
        assert_true(w->fd[f] >= 0);
        uint8_t *bytes = malloc(sizes[f]);
        assert_non_null(bytes);
        fill_random(w, bytes, sizes[f]);
        assert_int_equal(pwrite(w->fd[f], bytes, sizes[f], 0), (ssize_t)sizes[f]);
        md_add_file(&w->md, bytes, sizes[f]);
        free(bytes);
        int err = 0;
        w->vf[f] = vfile_open(w->k, w->path[f], NULL, true, &err);
        assert_non_null(w->vf[f]);
    }
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, NULL, 0) : dflt;
}

/* A TLB shape per case: flush bugs hide in one geometry and show in another. */
/* One configuration of the machine and kernel. small: 512 KiB of RAM (128
 * frames), where -ENOMEM is an accepted outcome of faults and fork; swap and
 * a replacement policy put reclaim under test; a TLB shape of its own
 * because flush bugs hide in one geometry and show in another. */
struct variant {
    bool small;
    uint64_t swap_bytes;         /* 0: no swap */
    const char *policy;          /* NULL: the default */
    uint64_t frame_limit;        /* 0: none */
    unsigned tlb_sets, tlb_ways; /* 0: the default */
};

static void run_model(uint64_t seed, long nops, struct variant v)
{
    bool small = v.small;
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->seed = env_u64("MODEL_SEED", seed);
    nops = (long)env_u64("MODEL_OPS", (uint64_t)nops);
    w->r.s = w->seed * 2654435761u + (small ? 7 : 0);
    w->small = small;
    w->trace = env_u64("MODEL_TRACE", 0) != 0;
    md_init(&w->md);
    w->cov.min_free = UINT64_MAX;

    struct machine_config cfg;
    machine_config_default(&cfg);
    /* Pressure: 128 frames of RAM, or a cap on resident user frames. */
    cfg.mem_bytes = small && !v.frame_limit ? (512ULL << 10) : (16ULL << 20);
    if (v.tlb_sets)
        cfg.tlb_sets = v.tlb_sets, cfg.tlb_ways = v.tlb_ways;
    w->m = machine_new(&cfg);
    assert_non_null(w->m);
    w->k = kernel_new(w->m);
    assert_non_null(w->k);
    if (v.swap_bytes)
        assert_int_equal(kernel_set_swap(w->k, v.swap_bytes), 0);
    if (v.policy)
        assert_int_equal(kernel_set_policy(w->k, v.policy), 0);
    if (v.frame_limit)
        kernel_set_frame_limit(w->k, v.frame_limit);
    struct kernel_info ki0;
    kernel_get_info(w->k, &ki0);
    make_files(w);

    for (w->step = 0; w->step < nops; w->step++) {
        do_random_op(w);
        check_step(w);
        if (w->step % 256 == 255)
            check_all_memory(w);
    }
    w->step = nops;
    check_all_memory(w);

    /* Every process exits: shared writes reach the files, frames come back. */
    for (int p = 0; p < MD_MAX_PROCS; p++)
        if (w->md.proc[p].live) {
            logop(w, "p%d exit (final)", p);
            mm_destroy(w->mm[p]);
            md_proc_destroy(&w->md, p);
            check_step(w);
        }
    check_files(w, true);
    for (int f = 0; f < NFILES; f++)
        vfile_put(w->vf[f]);
    struct kernel_info ki;
    kernel_get_info(w->k, &ki);
    CHECK(w, kernel_check(w->k) == 0, "kernel_check at the end failed");
    /* All user frames and swap slots free: only the kernel's own pages and
     * the kernel half's tables (counted in kernel_frames) stay in use. */
    CHECK(w,
          ki.anon_frames == 0 && ki.file_frames == 0 && ki.pagecache_pages == 0 &&
              ki.pagetable_frames == 0 && ki.swap_used == 0 && ki.swapcache_pages == 0,
          "after every exit: anon %" PRIu64 " file %" PRIu64 " cache %" PRIu64
          " page tables %" PRIu64 " swap %" PRIu64 " swapcache %" PRIu64,
          ki.anon_frames, ki.file_frames, ki.pagecache_pages, ki.pagetable_frames, ki.swap_used,
          ki.swapcache_pages);
    CHECK(w, ki.free_frames == ki.total_frames - ki.kernel_frames,
          "after every exit: free %" PRIu64 ", total %" PRIu64 ", kernel %" PRIu64, ki.free_frames,
          ki.total_frames, ki.kernel_frames);
    CHECK(w, ki.free_frames == ki0.free_frames,
          "free frames %" PRIu64 " at the end, %" PRIu64 " at boot", ki.free_frames,
          ki0.free_frames);

    const struct coverage *c = &w->cov;
    fprintf(stderr,
            "seed %" PRIu64
            "%s: %ld ops; reads %ld writes %ld (cow %ld shared %ld) maperr %ld accerr %ld "
            "sigbus %ld forks %ld enomem %ld einval %ld disk-checks %ld min-free %" PRIu64
            "; faults minor %" PRIu64 " major %" PRIu64 " cow %" PRIu64 " writebacks %" PRIu64
            " swap out %" PRIu64 " in %" PRIu64 "\n",
            w->seed, small ? " small" : "", nops, c->reads_ok, c->writes_ok, c->cow_writes,
            c->shared_writes, c->maperr, c->accerr, c->buserr, c->forks, c->enomem, c->einval,
            c->disk_checks, c->min_free, ki.c.minor_faults, ki.c.major_faults, ki.c.cow_faults,
            ki.c.writebacks, ki.c.pswpout, ki.c.pswpin);
    if (nops >= 2000) {
        CHECK(w,
              c->maperr && c->accerr && c->buserr && c->cow_writes && c->shared_writes &&
                  c->forks && c->disk_checks && c->einval,
              "the run did not exercise every outcome");
        if (small && v.swap_bytes)
            CHECK(w, ki.c.pswpout > 0 && ki.c.pswpin > 0, "no page went to swap and came back");
        else if (small)
            CHECK(w, c->enomem > 0, "the small-memory run never ran out of memory");
    }

    kernel_free(w->k);
    machine_free(w->m);
    for (int f = 0; f < NFILES; f++) {
        close(w->fd[f]);
        unlink(w->path[f]);
    }
    rmdir(w->dir);
    md_free(&w->md);
    free(w);
}

/* ASIDs are 12 bits: after 4095 address spaces they are reused, and a TLB
 * entry of an earlier owner must never serve the new one. 6,000 address
 * spaces, 8 alive at a time, each with its own value at the same address;
 * every live one must read its own value (the model: one value per space). */
static void test_model_asid_reuse(void **state)
{
    (void)state;
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 4ULL << 20;
    struct machine *m = machine_new(&cfg);
    assert_non_null(m);
    struct kernel *k = kernel_new(m);
    assert_non_null(k);
    enum { LIVE = 8, TOTAL = 6000 };
    struct mm *mm[LIVE] = {0};
    uint64_t val[LIVE] = {0};
    for (uint64_t i = 0; i < TOTAL; i++) {
        int slot = (int)(i % LIVE);
        if (mm[slot])
            mm_destroy(mm[slot]);
        mm[slot] = mm_new(k);
        assert_non_null(mm[slot]);
        vaddr_t out;
        assert_int_equal(mm_mmap(mm[slot], va(WIN_BASE), PG, LX_PROT_READ | LX_PROT_WRITE,
                                 LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0, &out),
                         0);
        struct segv sv;
        uint64_t got = 1;
        assert_int_equal(copyin(mm[slot], &got, va(WIN_BASE), sizeof got, &sv), 0);
        assert_int_equal(got, 0); /* a fresh page reads zero, whoever had the ASID before */
        val[slot] = 0x5eed0000 + i;
        assert_int_equal(copyout(mm[slot], va(WIN_BASE), &val[slot], sizeof val[slot], &sv), 0);
        for (int j = 0; j < LIVE; j++)
            if (mm[j]) {
                assert_int_equal(copyin(mm[j], &got, va(WIN_BASE), sizeof got, &sv), 0);
                assert_int_equal(got, val[j]);
            }
        if (i % 512 == 0)
            assert_int_equal(kernel_check(k), 0);
    }
    for (int j = 0; j < LIVE; j++)
        mm_destroy(mm[j]);
    assert_int_equal(kernel_check(k), 0);
    kernel_free(k);
    machine_free(m);
}

static void test_model_seed1(void **state)
{
    (void)state;
    run_model(1, 4000, (struct variant){0});
}
static void test_model_seed2(void **state)
{
    (void)state;
    run_model(2, 4000, (struct variant){.tlb_sets = 1, .tlb_ways = 8});
}
static void test_model_seed3(void **state)
{
    (void)state;
    run_model(3, 4000, (struct variant){.tlb_sets = 256, .tlb_ways = 4});
}
static void test_model_small1(void **state)
{
    (void)state;
    run_model(11, 3000, (struct variant){.small = true});
}
static void test_model_small2(void **state)
{
    (void)state;
    run_model(12, 3000, (struct variant){.small = true, .tlb_sets = 256, .tlb_ways = 4});
}
/* Under memory pressure with swap: pages go out and come back (content,
 * COW and sharing must survive), with each replacement policy. */
static void test_model_swap_clock(void **state)
{
    (void)state;
    run_model(21, 3000, (struct variant){.small = true, .swap_bytes = 2 << 20, .policy = "clock"});
}
static void test_model_swap_lru(void **state)
{
    (void)state;
    run_model(22, 3000, (struct variant){.small = true, .swap_bytes = 2 << 20, .policy = "lru"});
}
static void test_model_swap_fifo(void **state)
{
    (void)state;
    run_model(23, 3000, (struct variant){.small = true, .swap_bytes = 1 << 20, .policy = "fifo"});
}
static void test_model_swap_random(void **state)
{
    (void)state;
    run_model(24, 3000, (struct variant){.small = true, .swap_bytes = 2 << 20, .policy = "random"});
}
/* Plenty of RAM but a cap on resident user frames (trace replays' --frames). */
static void test_model_frame_limit(void **state)
{
    (void)state;
    run_model(25, 3000, (struct variant){.small = true, .swap_bytes = 4 << 20, .frame_limit = 48});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_seed1),       cmocka_unit_test(test_model_seed2),
        cmocka_unit_test(test_model_seed3),       cmocka_unit_test(test_model_small1),
        cmocka_unit_test(test_model_small2),      cmocka_unit_test(test_model_swap_clock),
        cmocka_unit_test(test_model_swap_lru),    cmocka_unit_test(test_model_swap_fifo),
        cmocka_unit_test(test_model_swap_random), cmocka_unit_test(test_model_frame_limit),
        cmocka_unit_test(test_model_asid_reuse),
    };
    const char *filter = getenv("MODEL_FILTER"); /* e.g. MODEL_FILTER=test_model_swap_lru */
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
