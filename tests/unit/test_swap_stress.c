/* Nothing lost under memory pressure: several address spaces (fork and
 * copy-on-write, a shared file mapping, a private one, brk and mmap heaps)
 * write known pages into 4x more memory than RAM, with swap, under each
 * policy; every byte is checked against the model (one stamp per page) after
 * pages went to swap and came back many times, kernel_check() runs after
 * every step, and at the end every frame and swap slot is free and the file
 * holds the last write of each of its pages. */
#include "test_swap_util.h"

/* ---- nothing lost: several spaces, 4x more memory than RAM ------------------- */

#define NL_MEM (512ULL << 10) /* 128 frames */
#define NL_PROCS 4
#define NL_HEAP 48  /* brk heap pages per space */
#define NL_ANON 64  /* mmap'd private pages per space */
#define NL_FILE 48  /* pages of the shared file mapping (one object for all) */
#define NL_PRIVF 16 /* private file mapping of the same file's first pages: shows
                     * the file (shared writes included) until copied on write */
#define NL_HEAP_BASE 0x20000000ULL

struct nl_space {
    struct mm *mm;
    uint64_t anon, privf, shared;
    uint64_t heap[NL_HEAP], an[NL_ANON], pf[NL_PRIVF]; /* stamps; 0 = zero page */
};

struct nl {
    struct kt t;
    struct vfile *vf;
    char path[128];
    uint64_t file[NL_FILE]; /* stamps of the shared file pages */
    struct nl_space p[NL_PROCS];
    uint64_t rng, stamp;
};

static uint64_t nl_rand(struct nl *n, uint64_t below)
{
    n->rng += 0x9e3779b97f4a7c15ULL;
    return mix(n->rng) % below;
}

/* Every byte of every page of every live space, against the model. */
static void nl_check_all(struct nl *n)
{
    for (int i = 0; i < NL_PROCS; i++) {
        struct nl_space *s = &n->p[i];
        if (!s->mm)
            continue;
        for (int j = 0; j < NL_HEAP; j++)
            check_zero_or(s->mm, NL_HEAP_BASE + (uint64_t)j * PAGE_SIZE, s->heap[j], "heap");
        for (int j = 0; j < NL_ANON; j++)
            check_zero_or(s->mm, s->anon + (uint64_t)j * PAGE_SIZE, s->an[j], "anon");
        for (int j = 0; j < NL_FILE; j++)
            page_check(s->mm, s->shared + (uint64_t)j * PAGE_SIZE, n->file[j], "shared file");
        for (int j = 0; j < NL_PRIVF; j++)
            page_check(s->mm, s->privf + (uint64_t)j * PAGE_SIZE, s->pf[j] ? s->pf[j] : n->file[j],
                       "private file");
        KT_CHECK(&n->t);
    }
}

static int nl_live(struct nl *n)
{
    int live = 0;
    for (int i = 0; i < NL_PROCS; i++)
        live += n->p[i].mm != NULL;
    return live;
}

static int nl_pick(struct nl *n)
{
    for (;;) {
        int i = (int)nl_rand(n, NL_PROCS);
        if (n->p[i].mm)
            return i;
    }
}

/* One random step: write or check a page, fork, or exit. */
static void nl_step(struct nl *n)
{
    int i = nl_pick(n);
    struct nl_space *s = &n->p[i];
    uint64_t r = nl_rand(n, 100);
    uint64_t st = ++n->stamp;
    if (r < 3 && nl_live(n) < NL_PROCS) {
        int c = 0;
        while (n->p[c].mm)
            c++;
        n->p[c] = *s;
        n->p[c].mm = mm_fork(s->mm);
        assert_non_null(n->p[c].mm);
    } else if (r < 5 && nl_live(n) > 1) {
        mm_destroy(s->mm);
        s->mm = NULL;
    } else if (r < 20) {
        uint64_t j = nl_rand(n, NL_HEAP);
        page_write(s->mm, NL_HEAP_BASE + j * PAGE_SIZE, st);
        s->heap[j] = st;
    } else if (r < 40) {
        uint64_t j = nl_rand(n, NL_ANON);
        page_write(s->mm, s->anon + j * PAGE_SIZE, st);
        s->an[j] = st;
    } else if (r < 50) {
        uint64_t j = nl_rand(n, NL_FILE);
        page_write(s->mm, s->shared + j * PAGE_SIZE, st);
        n->file[j] = st;
    } else if (r < 55) {
        uint64_t j = nl_rand(n, NL_PRIVF);
        page_write(s->mm, s->privf + j * PAGE_SIZE, st);
        s->pf[j] = st;
    } else if (r < 70) {
        uint64_t j = nl_rand(n, NL_HEAP);
        check_zero_or(s->mm, NL_HEAP_BASE + j * PAGE_SIZE, s->heap[j], "heap");
    } else if (r < 90) {
        uint64_t j = nl_rand(n, NL_ANON);
        check_zero_or(s->mm, s->anon + j * PAGE_SIZE, s->an[j], "anon");
    } else if (r < 96) {
        uint64_t j = nl_rand(n, NL_FILE);
        page_check(s->mm, s->shared + j * PAGE_SIZE, n->file[j], "shared file");
    } else {
        uint64_t j = nl_rand(n, NL_PRIVF);
        page_check(s->mm, s->privf + j * PAGE_SIZE, s->pf[j] ? s->pf[j] : n->file[j],
                   "private file");
    }
    KT_CHECK(&n->t);
}

static void run_nothing_lost(const char *policy, uint64_t seed, long steps)
{
    struct nl *n = calloc(1, sizeof *n);
    assert_non_null(n);
    n->rng = seed;
    kt_setup_mem(&n->t, NL_MEM);
    struct kernel *k = n->t.k;
    assert_int_equal(kernel_set_swap(k, 4ULL << 20), 0);
    assert_int_equal(kernel_set_policy(k, policy), 0);
    assert_string_equal(kernel_policy_name(k), policy);

    /* The file: page j holds stamp 1000000 + j. */
    snprintf(n->path, sizeof n->path, "%s/data", n->t.dir);
    int fd = open(n->path, O_CREAT | O_TRUNC | O_RDWR, 0600);
    assert_true(fd >= 0);
    for (int j = 0; j < NL_FILE; j++) {
        uint64_t w[512];
        n->file[j] = 1000000 + (uint64_t)j;
        page_fill(n->file[j], w);
        assert_int_equal(pwrite(fd, w, PAGE_SIZE, (off_t)j * PAGE_SIZE), PAGE_SIZE);
    }
    close(fd);
    int err;
    n->vf = vfile_open(k, n->path, NULL, true, &err);
    assert_non_null(n->vf);

    struct nl_space *s = &n->p[0];
    s->mm = mm_new(k);
    assert_non_null(s->mm);
    mm_set_brk_base(s->mm, va(NL_HEAP_BASE));
    assert_int_equal(mm_brk(s->mm, va(NL_HEAP_BASE + NL_HEAP * PAGE_SIZE)).v,
                     NL_HEAP_BASE + NL_HEAP * PAGE_SIZE);
    s->anon = kt_mmap(s->mm, 0, NL_ANON * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    s->shared = kt_mmap(s->mm, 0, NL_FILE * PAGE_SIZE, RW, LX_MAP_SHARED, n->vf, 0);
    s->privf = kt_mmap(s->mm, 0, NL_PRIVF * PAGE_SIZE, RW, LX_MAP_PRIVATE, n->vf, 0);
    /* Fill everything once: 176 pages per space in 128 frames of RAM. */
    for (int j = 0; j < NL_HEAP; j++) {
        s->heap[j] = ++n->stamp;
        page_write(s->mm, NL_HEAP_BASE + (uint64_t)j * PAGE_SIZE, s->heap[j]);
    }
    for (int j = 0; j < NL_ANON; j++) {
        s->an[j] = ++n->stamp;
        page_write(s->mm, s->anon + (uint64_t)j * PAGE_SIZE, s->an[j]);
    }
    KT_CHECK(&n->t);
    /* Three children: up to 4 x 128 private pages + the file, in 128 frames. */
    for (int c = 1; c < NL_PROCS; c++) {
        n->p[c] = *s;
        n->p[c].mm = mm_fork(s->mm);
        assert_non_null(n->p[c].mm);
    }
    for (long step = 0; step < steps; step++) {
        nl_step(n);
        if (step % 500 == 499)
            nl_check_all(n);
    }
    nl_check_all(n);
    struct kernel_info ki;
    kernel_get_info(k, &ki);
    fprintf(stderr,
            "%s: pgfault %llu pgmajfault %llu pswpin %llu pswpout %llu pgscan %llu pgsteal %llu "
            "pgactivate %llu writebacks %llu, swap used %llu of %llu\n",
            policy, (unsigned long long)ki.c.pgfault, (unsigned long long)ki.c.pgmajfault,
            (unsigned long long)ki.c.pswpin, (unsigned long long)ki.c.pswpout,
            (unsigned long long)ki.c.pgscan, (unsigned long long)ki.c.pgsteal,
            (unsigned long long)ki.c.pgactivate, (unsigned long long)ki.c.writebacks,
            (unsigned long long)ki.swap_used, (unsigned long long)ki.swap_total);
    /* Pages went out and came back many times over. */
    assert_true(ki.c.pswpout > 4 * ki.total_frames);
    assert_true(ki.c.pswpin > 4 * ki.total_frames);
    assert_true(ki.c.pgsteal >= ki.c.pswpout);
    assert_true(ki.c.writebacks > 0); /* shared dirty file pages were written back */
    assert_int_equal(ki.c.oom_kill, 0);
    for (int i = 0; i < NL_PROCS; i++)
        if (n->p[i].mm) {
            mm_destroy(n->p[i].mm);
            KT_CHECK(&n->t);
        }
    /* The file holds the last write of every page. */
    for (int j = 0; j < NL_FILE; j++) {
        uint64_t want[512], got[512];
        page_fill(n->file[j], want);
        fd = open(n->path, O_RDONLY);
        assert_int_equal(pread(fd, got, PAGE_SIZE, (off_t)j * PAGE_SIZE), PAGE_SIZE);
        close(fd);
        assert_memory_equal(want, got, PAGE_SIZE);
    }
    vfile_put(n->vf);
    kernel_get_info(k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&n->t);
    free(n);
}

static void test_nothing_lost_clock(void **state)
{
    (void)state;
    run_nothing_lost("clock", 1, 3000);
}
static void test_nothing_lost_fifo(void **state)
{
    (void)state;
    run_nothing_lost("fifo", 2, 3000);
}
static void test_nothing_lost_lru(void **state)
{
    (void)state;
    run_nothing_lost("lru", 3, 3000);
}
static void test_nothing_lost_random(void **state)
{
    (void)state;
    run_nothing_lost("random", 4, 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_lost_clock),
        cmocka_unit_test(test_nothing_lost_fifo),
        cmocka_unit_test(test_nothing_lost_lru),
        cmocka_unit_test(test_nothing_lost_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
