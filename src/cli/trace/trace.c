/* `vmsim trace`: replays a memory-reference trace through an address space
 * per process of the trace (the pages format's PID column; one for lackey).
 *
 * Every page a reference touches is one access through the hart 0 MMU, as a
 * load (L, and each page of the pages format), a store (S), a load then a
 * store (M) or an instruction fetch (I): a TLB hit costs one compare (the
 * hart's fast path), a miss walks the Sv48 tables (mmu_translate), and a
 * page fault goes to the kernel (mm_fault) and is retried, exactly as for a
 * guest program. Reclaim, swap and the replacement policy are the kernel's.
 *
 * Trace addresses are not program addresses of this machine, so the replay
 * maps them: trace address t (below 2^47) is simulated at (t + 1 GiB) mod 2^47
 * (a bijection of the user half, which keeps low trace addresses such as
 * CS:APP's hand-written " L 10,1" clear of the 64 KiB that Linux, and we,
 * never map). Its 1 GiB chunk is mapped anonymous, private, rwx on first use
 * (so few VMAs). Pages the mapping cannot place (t >= 2^47, or landing in the
 * first 64 KiB) are not touched and counted as `skipped`.
 *
 * Memory: constant for every policy but opt, which keeps the whole access
 * sequence (cli/trace_opt.h). */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kernel/mm/mm.h"
#include "../opts.h"
#include "../parse.h"
#include "mrc.h"
#include "trace_opt.h"
#include "trace_parse.h"

#define TRACE_BIAS (1ULL << 30)
#define CHUNK_SHIFT 30
#define NCHUNKS (USER_TOP >> CHUNK_SHIFT)
#define BATCH 4096
/* Swap is a sparse host file, but the kernel keeps a few bytes of host
 * memory per slot, set up at once: the default is 4 x --mem (1 GiB for the
 * default 256 MiB), enough for traces that touch up to 5 x RAM. */
#define TRACE_SWAP_PER_MEM 4
#define TRACE_MAX_SWAP (1ULL << 40)
#define MAX_FAULT_RETRIES 8

#define unlikely(x) __builtin_expect(!!(x), 0)

/* One address space per process of the trace (the pages format's pid). */
#define MAX_SPACES 256
struct space {
    uint32_t pid;
    struct mm *mm;
    uint64_t chunk_mapped[NCHUNKS / 64];
};

struct replay {
    struct kernel *k;
    struct mm *mm;           /* the current space's */
    uint64_t *chunk_mapped;  /* the current space's */
    uint32_t pid;            /* the current space's */
    struct space *spaces[MAX_SPACES];
    unsigned nspaces;
    struct mmu *mmu;
    bool lru; /* report every access to the policy */
    /* counters */
    uint64_t refs, accesses, faults, skipped;
    int err;                    /* -errno that stopped the replay */
    struct trace_future future; /* opt only; outlives the kernel's use of it */
    struct trace_ref batch[BATCH];
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim trace [OPTIONS] FILE|-\n"
            "\n"
            "Replays a memory-reference trace through the kernel, page tables, TLB,\n"
            "swap and a replacement policy; prints `key value` lines.\n"
            "\n"
            "Options:\n"
            "  --format F      lackey (valgrind --tool=lackey --trace-mem=yes; default)\n"
            "                  or pages (one virtual page number a line, decimal or 0x hex,\n"
            "                  or `PID VPN R|W|X` as `vmsim run --page-trace` writes it)\n"
            "  --frames N      at most N resident user pages (page tables not counted)\n"
            "  --policy P      replacement policy: clock (default), fifo, lru, random, opt\n"
            "  --seed N        seed of the random policy\n"
            "  --swap SIZE     swap area (sparse host file; default 4 x --mem; 0 = none)\n"
            "  --stats         print the replay rate on stderr\n"
            "  --mrc           instead of a replay: the miss-ratio curve of every policy\n"
            "                  (lru, opt, fifo, clock, random) at a range of sizes\n"
            "  --sizes A..B    the sizes of --mrc, in pages (default 1..footprint)\n"
            "  --csv           --mrc as CSV\n"
            "  --mrc-html FILE --mrc's curves drawn in a self-contained HTML page\n"
            "  --mrc-sample N  sample (SHARDS) above N references (default 8000000; 0 = exact)\n"
            "%s",
            opts_machine_help);
}

/* ---- the replay --------------------------------------------------------- */

/* Maps the 1 GiB chunk of simulated address s (clipped to the user half). */
static int map_chunk(struct replay *r, uint64_t s)
{
    uint64_t idx = s >> CHUNK_SHIFT;
    if (r->chunk_mapped[idx / 64] & (1ULL << (idx % 64)))
        return 0;
    uint64_t start = idx << CHUNK_SHIFT, end = start + (1ULL << CHUNK_SHIFT);
    if (start < MMAP_MIN_ADDR)
        start = MMAP_MIN_ADDR;
    vaddr_t got;
    int rc = mm_mmap(r->mm, va(start), end - start, LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC,
                     LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0, &got);
    if (rc)
        return rc;
    r->chunk_mapped[idx / 64] |= 1ULL << (idx % 64);
    return 0;
}

/* A TLB miss: walk, and on a page fault let the kernel fix it and retry. */
static __attribute__((noinline)) int touch_slow(struct replay *r, uint64_t s, enum access acc)
{
    for (int tries = 0;; tries++) {
        struct translation tr;
        if (mmu_translate(r->mmu, va(s), acc, &tr, NULL) == 0)
            return 0;
        if (tr.kind == MMU_BAD_PTE || tries == MAX_FAULT_RETRIES) {
            fprintf(stderr, "vmsim trace: translation of 0x%llx failed for good (%s)\n",
                    (unsigned long long)s, mmu_fault_kind_name(tr.kind));
            abort(); /* the kernel broke its tables: an invariant, not input */
        }
        int rc = map_chunk(r, s);
        if (rc)
            return r->err = rc;
        struct segv sv;
        rc = mm_fault(r->mm, va(s), acc, &sv);
        if (rc == -1)
            rc = -EFAULT; /* our own mapping covers s: cannot happen */
        if (rc)
            return r->err = rc;
        r->faults++;
    }
}

static inline int touch(struct replay *r, uint64_t s, enum access acc)
{
    if (unlikely(!mmu_fast(r->mmu, va(s), acc)) && touch_slow(r, s, acc))
        return -1;
    if (r->lru)
        kernel_note_access(r->k, r->mm, va(s));
    r->accesses++;
    return 0;
}

/* Makes the address space of process pid current (a new one on its first
 * reference). 0 or -errno. */
static int switch_space(struct replay *r, uint32_t pid)
{
    struct space *sp = NULL;
    for (unsigned i = 0; i < r->nspaces; i++)
        if (r->spaces[i]->pid == pid)
            sp = r->spaces[i];
    if (!sp) {
        if (r->nspaces == MAX_SPACES)
            return -EMFILE;
        sp = calloc(1, sizeof *sp);
        if (!sp)
            return -ENOMEM;
        sp->pid = pid;
        sp->mm = mm_new(r->k);
        if (!sp->mm) {
            free(sp);
            return -ENOMEM;
        }
        r->spaces[r->nspaces++] = sp;
    }
    r->mm = sp->mm;
    r->chunk_mapped = sp->chunk_mapped;
    r->pid = pid;
    mmu_set_satp(r->mmu, mm_satp(r->mm));
    return 0;
}

/* The simulated address of trace page address t, or 0 if it has none. */
static inline uint64_t sim_page(uint64_t t)
{
    if (t >= USER_TOP)
        return 0;
    uint64_t s = (t + TRACE_BIAS) & (USER_TOP - 1);
    return s < MMAP_MIN_ADDR ? 0 : s;
}

/* One page access: a simulated address and a kind. */
struct page_access {
    uint64_t s;
    enum access acc;
};

/* The page accesses of ref, in order (at most 2 pages x load and store);
 * pages without a simulated address are counted in *skipped. */
static inline int expand(const struct trace_ref *ref, struct page_access out[4], uint64_t *skipped)
{
    uint64_t first = ref->addr & ~PAGE_MASK, last = ref->addr + (ref->size - 1);
    int npages = 1;
    if (last < ref->addr)
        (*skipped)++; /* the second page would be past 2^64 */
    else if ((last & ~PAGE_MASK) != first)
        npages = 2;
    int n = 0;
    for (int p = 0; p < npages; p++) {
        uint64_t s = sim_page(first + (uint64_t)p * PAGE_SIZE);
        if (!s) {
            (*skipped)++;
            continue;
        }
        switch (ref->op) {
        case TRACE_OP_LOAD:
            out[n++] = (struct page_access){s, ACCESS_READ};
            break;
        case TRACE_OP_STORE:
            out[n++] = (struct page_access){s, ACCESS_WRITE};
            break;
        case TRACE_OP_FETCH:
            out[n++] = (struct page_access){s, ACCESS_EXEC};
            break;
        default:
            out[n++] = (struct page_access){s, ACCESS_READ};
            out[n++] = (struct page_access){s, ACCESS_WRITE};
        }
    }
    return n;
}

static void report_read_error(const char *name, const struct trace_reader *rd)
{
    fprintf(stderr, "vmsim trace: %s:%llu: %s\n", name, (unsigned long long)rd->lineno, rd->err);
}

/* Streams the trace. 0, 1 (replay failed) or 2 (malformed input). */
static int replay_stream(struct replay *r, struct trace_reader *rd, const char *name)
{
    struct trace_ref *refs = r->batch;
    for (;;) {
        long n = trace_read(rd, refs, BATCH);
        if (n < 0) {
            report_read_error(name, rd);
            return 2;
        }
        if (n == 0)
            return 0;
        for (long i = 0; i < n; i++) {
            struct page_access pa[4];
            if (unlikely(refs[i].pid != r->pid) && (r->err = switch_space(r, refs[i].pid)))
                return 1;
            int np = expand(&refs[i], pa, &r->skipped);
            for (int j = 0; j < np; j++)
                if (touch(r, pa[j].s, pa[j].acc))
                    return 1;
            r->refs++;
        }
    }
}

/* opt's oracle: the next use of a page, kept current by replay_future. */
/* The future's key of a page: the space's index above the 35 bits of a
 * user-half page number. */
static inline uint64_t future_key(unsigned space, uint64_t vpage)
{
    return (uint64_t)space << 35 | vpage;
}

static uint64_t opt_next_use(void *ctx, struct mm *mm, uint64_t vpage)
{
    const struct replay *r = ctx;
    unsigned i = 0;
    while (i < r->nspaces && r->spaces[i]->mm != mm)
        i++;
    return page_map_get(&r->future.upcoming, future_key(i, vpage), UINT64_MAX);
}

/* Reads the whole trace into f (opt needs the future). 0, 1 or 2. */
static int record_future(struct replay *r, struct trace_reader *rd, const char *name,
                         struct trace_future *f)
{
    struct trace_ref *refs = r->batch;
    for (;;) {
        long n = trace_read(rd, refs, BATCH);
        if (n < 0) {
            report_read_error(name, rd);
            return 2;
        }
        if (n == 0)
            break;
        for (long i = 0; i < n; i++) {
            struct page_access pa[4];
            if (unlikely(refs[i].pid != r->pid) && (r->err = switch_space(r, refs[i].pid)))
                return 1;
            unsigned sp = 0;
            while (r->spaces[sp]->pid != r->pid)
                sp++;
            int np = expand(&refs[i], pa, &r->skipped);
            for (int j = 0; j < np; j++)
                if (trace_future_add(f, future_key(sp, pa[j].s >> PAGE_SHIFT), pa[j].acc)) {
                    r->err = -ENOMEM;
                    return 1;
                }
        }
        r->refs += (uint64_t)n;
    }
    if (trace_future_finish(f)) {
        r->err = -ENOMEM;
        return 1;
    }
    return 0;
}

static int replay_future(struct replay *r, struct trace_future *f)
{
    for (uint64_t i = 0; i < f->n; i++) {
        uint64_t key = f->acc[i] >> 2, vpage = key & ((1ULL << 35) - 1);
        struct space *sp = r->spaces[key >> 35];
        if (sp->pid != r->pid && (r->err = switch_space(r, sp->pid)))
            return 1;
        if (touch(r, vpage << PAGE_SHIFT, (enum access)(f->acc[i] & 3)))
            return 1;
        /* The key exists (the backward pass put every page), so no allocation. */
        page_map_put(&f->upcoming, key, f->next[i]);
    }
    return 0;
}

/* ---- the command -------------------------------------------------------- */

struct trace_opts {
    struct machine_config cfg;
    enum trace_format fmt;
    uint64_t frames, swap, seed;
    bool seed_set, stats, mrc;
    struct mrc_opts mo;
    const char *policy, *path;
};

/* Matches "--name VALUE" or "--name=VALUE"; *val NULL when missing. */
static bool opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n])
        return false;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

/* Parses argv; 0, 1 for --help (exit 0), -1 after a message (exit 2). */
static int parse_opts(int argc, char **argv, struct trace_opts *o)
{
    *o = (struct trace_opts){.fmt = TRACE_FMT_LACKEY, .swap = UINT64_MAX, .policy = POLICY_DEFAULT,
                             .mo = {.sample_limit = 8000000}};
    machine_config_default(&o->cfg);
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i], *val;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0)
            break;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(a, "--stats") == 0) {
            o->stats = true;
        } else if (strcmp(a, "--mrc") == 0) {
            o->mrc = true;
        } else if (strcmp(a, "--csv") == 0) {
            o->mo.csv = true;
        } else if (opt_value(argc, argv, &i, "--mrc-html", &val)) {
            if (!val || !*val) {
                fprintf(stderr, "vmsim trace: --mrc-html needs a file\n");
                return -1;
            }
            o->mo.html = val;
        } else if (opt_value(argc, argv, &i, "--mrc-sample", &val)) {
            if (!val || !parse_u64(val, false, &o->mo.sample_limit)) {
                fprintf(stderr, "vmsim trace: bad --mrc-sample '%s'\n", val ? val : "");
                return -1;
            }
        } else if (opt_value(argc, argv, &i, "--sizes", &val)) {
            const char *dots = val ? strstr(val, "..") : NULL;
            char lo[32];
            if (!dots || dots - val >= (long)sizeof lo ||
                (memcpy(lo, val, (size_t)(dots - val)), lo[dots - val] = 0,
                 !parse_u64(lo, false, &o->mo.size_lo)) ||
                !parse_u64(dots + 2, false, &o->mo.size_hi) || o->mo.size_lo == 0 ||
                o->mo.size_hi < o->mo.size_lo || o->mo.size_hi > (1ULL << 32)) {
                fprintf(stderr, "vmsim trace: bad --sizes '%s' (want A..B, 1 <= A <= B)\n",
                        val ? val : "");
                return -1;
            }
        } else if (opt_value(argc, argv, &i, "--format", &val)) {
            if (!val || !trace_format_parse(val, &o->fmt)) {
                fprintf(stderr, "vmsim trace: bad --format '%s' (want lackey or pages)\n",
                        val ? val : "");
                return -1;
            }
        } else if (opt_value(argc, argv, &i, "--frames", &val)) {
            if (!val || !parse_u64(val, false, &o->frames) || o->frames == 0) {
                fprintf(stderr, "vmsim trace: bad --frames '%s' (want a positive count)\n",
                        val ? val : "");
                return -1;
            }
        } else if (opt_value(argc, argv, &i, "--swap", &val)) {
            if (!val || !parse_size(val, &o->swap) || o->swap > TRACE_MAX_SWAP) {
                fprintf(stderr, "vmsim trace: bad --swap '%s' (want 0..1T, like 4G)\n",
                        val ? val : "");
                return -1;
            }
        } else if (opt_value(argc, argv, &i, "--policy", &val)) {
            if (!val || !kernel_policy_known(val, NULL)) {
                fprintf(stderr,
                        "vmsim trace: bad --policy '%s' (want clock, fifo, lru, random or opt)\n",
                        val ? val : "");
                return -1;
            }
            o->policy = val;
        } else if (opt_value(argc, argv, &i, "--seed", &val)) {
            if (!val || !parse_u64(val, false, &o->seed)) {
                fprintf(stderr, "vmsim trace: bad --seed '%s'\n", val ? val : "");
                return -1;
            }
            o->seed_set = true;
        } else {
            int rc = opts_machine(argc, argv, &i, &o->cfg, "trace");
            if (rc < 0)
                return -1;
            if (rc == 0) {
                fprintf(stderr, "vmsim trace: unknown option '%s'\n", a);
                usage(stderr);
                return -1;
            }
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "vmsim trace: %s\n",
                i >= argc ? "no trace file (FILE or -)" : "one trace file only");
        usage(stderr);
        return -1;
    }
    o->path = argv[i];
    o->mo.seed = o->seed;
    if (o->swap == UINT64_MAX)
        o->swap = o->cfg.mem_bytes * TRACE_SWAP_PER_MEM;
    return 0;
}

/* Sets up the kernel for the replay; 0 or 1 after a message. */
static int setup_kernel(struct kernel *k, const struct trace_opts *o, struct trace_future *f,
                        struct replay *r)
{
    int rc = kernel_set_swap(k, o->swap);
    if (rc) {
        fprintf(stderr, "vmsim trace: cannot create the swap area: %s\n", strerror(-rc));
        return 1;
    }
    if (o->frames)
        kernel_set_frame_limit(k, o->frames);
    if (f)
        kernel_set_next_use(k, opt_next_use, r);
    if (o->seed_set)
        kernel_set_policy_seed(k, o->seed);
    rc = kernel_set_policy(k, o->policy);
    if (rc) {
        fprintf(stderr, "vmsim trace: cannot select policy %s: %s\n", o->policy, strerror(-rc));
        return 1;
    }
    return 0;
}

static void print_results(struct replay *r, const struct trace_opts *o)
{
    struct kernel_info ki;
    kernel_get_info(r->k, &ki);
    printf("policy %s\n", kernel_policy_name(r->k));
    printf("frames %llu\n", (unsigned long long)o->frames);
    const struct {
        const char *key;
        uint64_t v;
    } kv[] = {
        {"references", r->refs},
        {"accesses", r->accesses},
        {"skipped", r->skipped},
        {"faults", r->faults},
        {"evictions", ki.c.pgsteal},
        {"tlb_hits", ki.tlb_hits},
        {"tlb_misses", ki.tlb_misses},
        {"page_walks", ki.page_walks},
        {"minor_faults", ki.c.minor_faults},
        {"major_faults", ki.c.major_faults},
        {"pswpin", ki.c.pswpin},
        {"pswpout", ki.c.pswpout},
        {"pgscan", ki.c.pgscan},
        {"pagetable_frames", ki.pagetable_frames},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        printf("%s %llu\n", kv[i].key, (unsigned long long)kv[i].v);
}

static int replay(const struct trace_opts *o, struct trace_reader *rd, struct replay *r)
{
    const char *name = strcmp(o->path, "-") == 0 ? "<stdin>" : o->path;
    bool opt = strcmp(o->policy, "opt") == 0;
    int status = setup_kernel(r->k, o, opt ? &r->future : NULL, r);
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    if (status == 0) {
        if (opt) {
            status = record_future(r, rd, name, &r->future);
            if (status == 0)
                status = replay_future(r, &r->future);
        } else {
            status = replay_stream(r, rd, name);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    if (status == 1 && r->err)
        fprintf(stderr, "vmsim trace: %s: replay stopped after %llu references: %s%s\n", name,
                (unsigned long long)r->refs, strerror(-r->err),
                r->err == -ENOMEM ? " (memory and swap are full: try a larger --swap or --mem)"
                                  : "");
    if (status == 0) {
        print_results(r, o);
        if (o->stats) {
            /* CPU time too: on a shared host the wall clock also counts
             * the time other processes had the CPU. */
            double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            double cpu = (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
            fprintf(stderr,
                    "vmsim trace: %llu references in %.3f s (%.2f M/s), CPU %.3f s (%.2f M/s)\n",
                    (unsigned long long)r->refs, secs, secs > 0 ? r->refs / secs / 1e6 : 0.0, cpu,
                    cpu > 0 ? r->refs / cpu / 1e6 : 0.0);
        }
    }
    return status;
}

/* `--mrc`: the curves instead of a replay. */
static int run_mrc(const struct trace_opts *o, int fd, bool is_stdin)
{
    struct trace_reader rd;
    int status = 1;
    if (trace_reader_init_fd(&rd, o->fmt, fd)) {
        fprintf(stderr, "vmsim trace: out of memory\n");
        goto out;
    }
    struct mrc_result res;
    int rc = mrc_compute(&rd, is_stdin ? "<stdin>" : o->path, &o->mo, &res);
    trace_reader_fini(&rd);
    if (rc == 2) {
        status = 2;
        goto out;
    }
    if (rc) {
        fprintf(stderr, "vmsim trace: --mrc: %s\n", strerror(-rc));
        goto out;
    }
    mrc_print(&res, &o->mo, stdout);
    status = 0;
    if (o->mo.html && (rc = mrc_write_html(&res, o->mo.html, is_stdin ? "<stdin>" : o->path))) {
        fprintf(stderr, "vmsim trace: %s: %s\n", o->mo.html, strerror(-rc));
        status = 1;
    }
    mrc_result_fini(&res);
out:
    if (!is_stdin)
        close(fd);
    return status;
}

int cmd_trace(int argc, char **argv)
{
    struct trace_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : 2;
    bool is_stdin = strcmp(o.path, "-") == 0;
    int fd = is_stdin ? 0 : open(o.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "vmsim trace: %s: %s\n", o.path, strerror(errno));
        return 1;
    }
    struct trace_reader rd;
    if (o.mrc)
        return run_mrc(&o, fd, is_stdin);
    struct machine *m = NULL;
    struct kernel *k = NULL;
    struct replay *r = calloc(1, sizeof *r);
    int status = 1;
    if (!r || trace_reader_init_fd(&rd, o.fmt, fd)) {
        fprintf(stderr, "vmsim trace: out of memory\n");
        free(r);
        if (!is_stdin)
            close(fd);
        return 1;
    }
    m = machine_new(&o.cfg);
    if (!m) {
        fprintf(stderr, "vmsim trace: cannot create the machine: %s\n", strerror(errno));
        goto out;
    }
    k = kernel_new(m);
    if (!k) {
        fprintf(stderr, "vmsim trace: memory too small for the kernel\n");
        goto out;
    }
    r->k = k;
    /* Textbook demand paging: every first reference, read or write, loads a
     * page into a frame (no shared zero page). */
    kernel_set_zero_page(k, false);
    r->mmu = &m->harts[0].mmu;
    if (switch_space(r, 0)) {
        fprintf(stderr, "vmsim trace: out of simulated memory\n");
        goto out;
    }
    r->lru = strcmp(o.policy, "lru") == 0;
    status = replay(&o, &rd, r);
#ifdef VMSIM_DEBUG
    /* Debug builds check design.md's invariants with the space still alive. */
    if (kernel_check(k) != 0) {
        fprintf(stderr, "vmsim trace: kernel invariants broken after the replay\n");
        status = 70;
    }
#endif
out:
    for (unsigned i = 0; i < r->nspaces; i++) {
        mm_destroy(r->spaces[i]->mm);
        free(r->spaces[i]);
    }
    if (k)
        kernel_free(k);
    if (m)
        machine_free(m);
    trace_reader_fini(&rd);
    if (!is_stdin)
        close(fd);
    trace_future_fini(&r->future); /* after the kernel, which may still ask opt's oracle */
    free(r);
    return status;
}
