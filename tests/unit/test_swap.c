/* Swap, reclaim and the OOM killer, at the kernel's API.
 *
 * The reference is a plain model kept by the test: the bytes each page must
 * hold (a 64-bit stamp per page from which every byte follows) and, for the
 * swap cache, the numbers that follow from its definition (a page shared by
 * two address spaces takes one slot and is read back once). */
#include "kernel_test_util.h"

#include "kernel/swap.h"

/* ---- the swap entry and the slot allocator --------------------------------- */

static void test_swap_entry_encoding(void **state)
{
    (void)state;
    uint32_t slots[] = {0, 1, 2, 12345, (1u << 31) + 7, SWAP_NO_SLOT - 1};
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        pte_t e = pte_swap_make(slots[i]);
        assert_false(pte_valid(e)); /* the hardware must see "not present" */
        assert_true(pte_is_swap(e));
        assert_int_equal(pte_swap_slot(e), slots[i]);
        assert_true(e.bits != 0); /* never confused with an empty PTE */
    }
    assert_false(pte_is_swap((pte_t){0}));
    /* A present PTE whose R bit is set is not a swap entry. */
    assert_false(pte_is_swap(pte_make(pfn(5), PTE_V | PTE_R)));
}

static void test_swap_slot_allocator(void **state)
{
    (void)state;
    struct swap_area s = {.fd = -1};
    assert_int_equal(swap_setup(&s, 8), 0);
    assert_true(s.fd >= 0);
    bool used[8] = {0};
    uint32_t got[8];
    for (int i = 0; i < 8; i++) {
        got[i] = swap_slot_alloc(&s);
        assert_true(got[i] < 8);
        assert_false(used[got[i]]);
        used[got[i]] = true;
    }
    assert_int_equal(swap_slot_alloc(&s), SWAP_NO_SLOT); /* full */
    /* A slot with two references is free only after both are dropped. */
    swap_slot_dup(&s, got[3]);
    swap_slot_put(&s, got[3]);
    assert_int_equal(swap_slot_alloc(&s), SWAP_NO_SLOT);
    swap_slot_put(&s, got[3]);
    assert_int_equal(swap_slot_alloc(&s), got[3]);
    /* Page I/O round trip, and a setup while a slot is in use is refused. */
    uint8_t page[4096], back[4096];
    for (int i = 0; i < 4096; i++)
        page[i] = (uint8_t)(i * 13 + 1);
    assert_int_equal(swap_write(&s, got[5], page), 0);
    assert_int_equal(swap_read(&s, got[5], back), 0);
    assert_memory_equal(page, back, 4096);
    s.fail_writes = 1;
    assert_int_not_equal(swap_write(&s, got[5], page), 0);
    assert_int_equal(swap_write(&s, got[5], page), 0);
    assert_int_equal(swap_setup(&s, 4), -EBUSY);
    for (int i = 0; i < 8; i++)
        swap_slot_put(&s, got[i]);
    assert_int_equal(s.nfree, 8);
    assert_int_equal(swap_setup(&s, 4), 0);
    assert_int_equal(s.nslots, 4);
    swap_teardown(&s);
}

/* The swap file is unlinked at once: nothing named vmsim-swap.* is left in
 * $TMPDIR while the area exists. */
static void test_swap_file_is_anonymous(void **state)
{
    (void)state;
    char dir[] = "/tmp/vmsim-tmpdir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", dir, 1);
    struct swap_area s = {.fd = -1};
    assert_int_equal(swap_setup(&s, 16), 0);
    if (saved) {
        setenv("TMPDIR", saved, 1);
        free(saved);
    } else {
        unsetenv("TMPDIR");
    }
    assert_int_equal(rmdir(dir), 0); /* empty: the private dir and file are gone */
    uint8_t page[4096] = {42};
    assert_int_equal(swap_write(&s, 15, page), 0);
    swap_teardown(&s);
}

/* ---- the page model -------------------------------------------------------- */

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The page whose content is determined by stamp. */
static void page_fill(uint64_t stamp, uint64_t *w)
{
    for (int i = 0; i < 512; i++)
        w[i] = mix(stamp * 1021 + (uint64_t)i);
}

static void page_check(struct mm *mm, uint64_t a, uint64_t stamp, const char *what)
{
    uint64_t want[512], got[512];
    page_fill(stamp, want);
    struct segv sv;
    int rc = copyin(mm, got, va(a), PAGE_SIZE, &sv);
    if (rc)
        fail_msg("%s: read of 0x%llx failed: %d", what, (unsigned long long)a, rc);
    if (memcmp(want, got, PAGE_SIZE)) {
        int i = 0;
        while (want[i] == got[i])
            i++;
        fail_msg("%s: page 0x%llx word %d is 0x%llx, expected 0x%llx (stamp %llu)", what,
                 (unsigned long long)a, i, (unsigned long long)got[i],
                 (unsigned long long)want[i], (unsigned long long)stamp);
    }
}

static void page_write(struct mm *mm, uint64_t a, uint64_t stamp)
{
    uint64_t w[512];
    page_fill(stamp, w);
    kt_write(mm, a, w, PAGE_SIZE);
}

/* ---- the swap cache: one slot, one read for a page two spaces share --------- */

static void test_swap_cache_shared_after_fork(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t.k, "fifo"), 0);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 4; i++)
        page_write(a, x + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i);
    struct mm *b = mm_fork(a);
    assert_non_null(b);
    /* Four resident user frames at most: touching four new pages pushes the
     * four shared ones out (FIFO: they are the oldest). */
    kernel_set_frame_limit(t.k, 4);
    uint64_t y = kt_mmap(a, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(kt_byte(a, y + (uint64_t)i * PAGE_SIZE), 0);
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.c.pswpout, 4);  /* each shared page written once */
    assert_int_equal(ki.swap_used, 4);  /* and holds one slot */
    /* smaps, as Linux: Swap counts the page, SwapPss divides it among the
     * two holders of its slot. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    mm_print_smaps(a, f);
    fclose(f);
    assert_non_null(strstr(buf, "\nSwap:                 16 kB\nSwapPss:               8 kB\n"));
    free(buf);
    struct mm_info ia, ib;
    mm_get_info(a, &ia);
    mm_get_info(b, &ib);
    assert_int_equal(ia.swap_pages, 4);
    assert_int_equal(ib.swap_pages, 4);
    /* b reads page 0 back (major); a then finds the same frame (minor). */
    uint64_t pb = kt_pfn(b, x, ACCESS_READ);
    uint64_t pa = kt_pfn(a, x, ACCESS_READ);
    assert_int_equal(pa, pb);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.c.pswpin, 1);
    assert_int_equal(ki.swapcache_pages, 0); /* both PTEs present: the slot is gone */
    KT_CHECK(&t);
    /* Copy-on-write still holds: a's write is a's alone. */
    page_write(a, x, 999);
    KT_CHECK(&t);
    page_check(a, x, 999, "a after its write");
    page_check(b, x, 100, "b after a's write");
    /* One mapper back in: the page stays in the swap cache, read-only. */
    page_check(b, x + PAGE_SIZE, 101, "b page 1");
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swapcache_pages, 1);
    KT_CHECK(&t);
    page_write(b, x + PAGE_SIZE, 555); /* copies: a's swap PTE still needs the slot */
    KT_CHECK(&t);
    page_check(a, x + PAGE_SIZE, 101, "a page 1");
    page_check(b, x + PAGE_SIZE, 555, "b page 1 after its write");
    for (int i = 2; i < 4; i++) {
        page_check(a, x + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, "a");
        page_check(b, x + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, "b");
        KT_CHECK(&t);
    }
    mm_destroy(a);
    KT_CHECK(&t);
    mm_destroy(b);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&t);
}

/* A page whose slot nobody else holds comes back as an ordinary private
 * page: the slot is freed at once, and a write needs no copy. */
static void test_swap_exclusive_swapin(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t.k, "fifo"), 0);
    kernel_set_frame_limit(t.k, 2);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 8; i++) {
        page_write(a, x + (uint64_t)i * PAGE_SIZE, 7 + (uint64_t)i);
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 6);
    assert_int_equal(ki.anon_frames, 2);
    page_check(a, x, 7, "page 0");
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 6); /* page 0's slot freed, page 2's taken */
    assert_int_equal(ki.swapcache_pages, 0);
    struct mm_info mi;
    mm_get_info(a, &mi);
    uint64_t cow = mi.c.cow_copies;
    page_write(a, x, 77);
    mm_get_info(a, &mi);
    assert_int_equal(mi.c.cow_copies, cow);
    for (int i = 1; i < 8; i++)
        page_check(a, x + (uint64_t)i * PAGE_SIZE, 7 + (uint64_t)i, "pages 1..7");
    page_check(a, x, 77, "page 0 rewritten");
    mm_get_info(a, &mi);
    assert_true(mi.c.pswpin >= 8 && mi.c.pgmajfault >= 8 && mi.c.pswpout >= 8);
    KT_CHECK(&t);
    mm_destroy(a);
    kt_teardown(&t);
}

static void check_zero_or(struct mm *mm, uint64_t a, uint64_t stamp, const char *what);

/* Swap entries follow the region operations: mremap moves them, mprotect
 * applies at swap-in, madvise(DONTNEED) and munmap free their slots. */
static void test_swap_entries_follow_vm_ops(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t.k, "fifo"), 0);
    kernel_set_frame_limit(t.k, 2);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0x40000000ULL, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 8; i++)
        page_write(a, x + (uint64_t)i * PAGE_SIZE, 40 + (uint64_t)i);
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 6);
    /* A neighbour, so that growing must move the region. */
    kt_mmap(a, x + 8 * PAGE_SIZE, PAGE_SIZE, LX_PROT_READ, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    vaddr_t nx;
    assert_int_equal(mm_mremap(a, va(x), 8 * PAGE_SIZE, 16 * PAGE_SIZE, LX_MREMAP_MAYMOVE,
                               va(0), &nx),
                     0);
    assert_true(nx.v != x);
    KT_CHECK(&t);
    assert_int_equal(mm_mprotect(a, nx, 8 * PAGE_SIZE, LX_PROT_READ), 0);
    KT_CHECK(&t);
    for (int i = 0; i < 8; i++)
        page_check(a, nx.v + (uint64_t)i * PAGE_SIZE, 40 + (uint64_t)i, "after mremap");
    struct segv sv;
    assert_int_equal(kt_access(a, nx.v, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(mm_mprotect(a, nx, 8 * PAGE_SIZE, RW), 0);
    assert_int_equal(mm_madvise(a, nx, 4 * PAGE_SIZE, LX_MADV_DONTNEED), 0);
    KT_CHECK(&t);
    for (int i = 0; i < 4; i++)
        check_zero_or(a, nx.v + (uint64_t)i * PAGE_SIZE, 0, "after DONTNEED");
    for (int i = 4; i < 8; i++)
        page_check(a, nx.v + (uint64_t)i * PAGE_SIZE, 40 + (uint64_t)i, "kept");
    assert_int_equal(mm_munmap(a, nx, 16 * PAGE_SIZE), 0);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    assert_int_equal(ki.anon_frames, 0);
    KT_CHECK(&t);
    mm_destroy(a);
    kt_teardown(&t);
}

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

static void check_zero_or(struct mm *mm, uint64_t a, uint64_t stamp, const char *what)
{
    if (stamp) {
        page_check(mm, a, stamp, what);
        return;
    }
    uint8_t got[PAGE_SIZE], zero[PAGE_SIZE] = {0};
    kt_read(mm, a, got, PAGE_SIZE);
    if (memcmp(got, zero, PAGE_SIZE))
        fail_msg("%s: page 0x%llx should be zero", what, (unsigned long long)a);
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

/* ---- policies --------------------------------------------------------------- */

static void test_policy_names(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_string_equal(kernel_policy_name(t.k), "clock");
    assert_int_equal(kernel_set_policy(t.k, "nonsense"), -EINVAL);
    assert_int_equal(kernel_set_policy(t.k, "opt"), -ENOTSUP); /* no future known */
    assert_string_equal(kernel_policy_name(t.k), "clock");
    assert_int_equal(kernel_set_policy(t.k, "lru"), 0);
    assert_string_equal(kernel_policy_name(t.k), "lru");
    kt_teardown(&t);
}

/* The textbook trace (Silberschatz, 3 frames, reference string
 * 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1): 15 faults under FIFO, 12 under
 * exact LRU (every reference reported), 9 under OPT. */
static const int book_refs[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
#define BOOK_N (sizeof book_refs / sizeof book_refs[0])

struct book {
    uint64_t base;
    size_t now;
};

static uint64_t book_next_use(void *ctx, struct mm *mm, uint64_t vpage)
{
    (void)mm;
    struct book *b = ctx;
    for (size_t j = b->now + 1; j < BOOK_N; j++)
        if (b->base / PAGE_SIZE + (uint64_t)book_refs[j] == vpage)
            return j;
    return UINT64_MAX;
}

static uint64_t faults_for(const char *policy)
{
    struct kt t;
    kt_setup(&t);
    struct book b = {0};
    kernel_set_next_use(t.k, book_next_use, &b);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t.k, policy), 0);
    kernel_set_frame_limit(t.k, 3);
    struct mm *mm = mm_new(t.k);
    b.base = kt_mmap(mm, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    struct mm_info mi;
    for (b.now = 0; b.now < BOOK_N; b.now++) {
        uint64_t a = b.base + (uint64_t)book_refs[b.now] * PAGE_SIZE;
        unsigned char c = (unsigned char)book_refs[b.now];
        kt_write(mm, a, &c, 1);
        kernel_note_access(t.k, mm, va(a));
        KT_CHECK(&t);
    }
    mm_get_info(mm, &mi);
    for (int p = 0; p < 8; p++)
        if (p != 5 && p != 6)
            assert_int_equal(kt_byte(mm, b.base + (uint64_t)p * PAGE_SIZE), p);
    mm_destroy(mm);
    kt_teardown(&t);
    /* A write to a page that is not resident faults exactly once. */
    return mi.c.pgfault;
}

static void test_policy_textbook_counts(void **state)
{
    (void)state;
    assert_int_equal(faults_for("fifo"), 15);
    assert_int_equal(faults_for("lru"), 12);
    assert_int_equal(faults_for("opt"), 9);
    uint64_t clock = faults_for("clock");
    assert_true(clock >= 9 && clock <= 15);
}

/* ---- failing swap writes, full swap, OOM ------------------------------------- */

/* Writes to swap fail for a while: pages stay resident, nothing is lost;
 * when nothing at all can be freed the fault fails cleanly with -ENOMEM. */
static void test_swap_write_failures(void **state)
{
    (void)state;
    struct kt t;
    kt_setup_mem(&t, 256ULL << 10); /* 64 frames */
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    struct mm *mm = mm_new(t.k);
    uint64_t x = kt_mmap(mm, 0, 128 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    kernel_debug_fail_swap_writes(t.k, 5);
    for (int i = 0; i < 128; i++) {
        page_write(mm, x + (uint64_t)i * PAGE_SIZE, 50 + (uint64_t)i);
        KT_CHECK(&t);
    }
    for (int i = 0; i < 128; i++)
        page_check(mm, x + (uint64_t)i * PAGE_SIZE, 50 + (uint64_t)i, "after failed writes");
    /* Every write fails: memory fills, then -ENOMEM, with earlier data intact. */
    kernel_debug_fail_swap_writes(t.k, UINT64_MAX);
    uint64_t y = kt_mmap(mm, 0, 128 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    int rc = 0, i;
    for (i = 0; i < 128 && rc == 0; i++) {
        uint64_t w[512];
        page_fill(7000 + (uint64_t)i, w);
        struct segv sv;
        rc = copyout(mm, va(y + (uint64_t)i * PAGE_SIZE), w, PAGE_SIZE, &sv);
        KT_CHECK(&t);
    }
    assert_int_equal(rc, -ENOMEM);
    kernel_debug_fail_swap_writes(t.k, 0);
    for (int j = 0; j < 128; j++)
        page_check(mm, x + (uint64_t)j * PAGE_SIZE, 50 + (uint64_t)j, "after ENOMEM");
    for (int j = 0; j < i - 1; j++)
        page_check(mm, y + (uint64_t)j * PAGE_SIZE, 7000 + (uint64_t)j, "second region");
    KT_CHECK(&t);
    mm_destroy(mm);
    kt_teardown(&t);
}

struct oom_rec {
    struct mm *faulting; /* cannot be released now */
    struct mm *victim;
    int calls;
};

static int oom_handler(void *ctx, struct mm *victim)
{
    struct oom_rec *r = ctx;
    r->calls++;
    r->victim = victim;
    if (victim == r->faulting)
        return 1;
    mm_destroy(victim);
    return 0;
}

/* Swap full: the largest space is chosen. When it is the one faulting, the
 * fault fails (its process would be killed); otherwise it is released and
 * the smaller one's fault succeeds. The sibling's bytes are untouched. */
static void test_oom_kills_largest(void **state)
{
    (void)state;
    struct kt t;
    kt_setup_mem(&t, 256ULL << 10);
    assert_int_equal(kernel_set_swap(t.k, 16 * PAGE_SIZE), 0);
    struct oom_rec rec = {0};
    kernel_set_oom_handler(t.k, oom_handler, &rec);
    struct mm *small = mm_new(t.k), *hog = mm_new(t.k);
    uint64_t s = kt_mmap(small, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 4; i++)
        page_write(small, s + (uint64_t)i * PAGE_SIZE, 300 + (uint64_t)i);
    uint64_t h = kt_mmap(hog, 0, 512 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    rec.faulting = hog;
    int rc = 0;
    for (int i = 0; i < 512 && rc == 0; i++) {
        struct segv sv;
        uint64_t w = 1;
        rc = copyout(hog, va(h + (uint64_t)i * PAGE_SIZE), &w, sizeof w, &sv);
        KT_CHECK(&t);
    }
    assert_int_equal(rc, -ENOMEM);
    assert_int_equal(rec.calls, 1);
    assert_ptr_equal(rec.victim, hog);
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.c.oom_kill, 1);
    /* Now the small one faults while the hog is still there: the hog goes. */
    rec.faulting = small;
    for (int i = 4; i < 8; i++) {
        page_write(small, s + (uint64_t)i * PAGE_SIZE, 300 + (uint64_t)i);
        KT_CHECK(&t);
    }
    assert_int_equal(rec.calls, 2);
    assert_ptr_equal(rec.victim, hog); /* destroyed by the handler */
    for (int i = 0; i < 8; i++)
        page_check(small, s + (uint64_t)i * PAGE_SIZE, 300 + (uint64_t)i, "sibling");
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.c.oom_kill, 2);
    assert_int_equal(ki.nr_mm, 1);
    mm_destroy(small);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&t);
}

/* Without a handler the failing fault returns -ENOMEM (script mode kills). */
static void test_swap_full_enomem(void **state)
{
    (void)state;
    struct kt t;
    kt_setup_mem(&t, 256ULL << 10);
    assert_int_equal(kernel_set_swap(t.k, 8 * PAGE_SIZE), 0);
    struct mm *mm = mm_new(t.k);
    uint64_t x = kt_mmap(mm, 0, 256 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    int rc = 0, i;
    for (i = 0; i < 256 && rc == 0; i++) {
        uint64_t w[512];
        page_fill(9 + (uint64_t)i, w);
        struct segv sv;
        rc = copyout(mm, va(x + (uint64_t)i * PAGE_SIZE), w, PAGE_SIZE, &sv);
    }
    assert_int_equal(rc, -ENOMEM);
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 8);
    assert_ptr_equal(kernel_oom_victim(t.k), mm);
    /* Reading swapped pages back needs frames: free some first. */
    assert_int_equal(mm_munmap(mm, va(x + (uint64_t)(i - 30) * PAGE_SIZE),
                               (uint64_t)(256 - (i - 30)) * PAGE_SIZE),
                     0);
    KT_CHECK(&t);
    for (int j = 0; j < i - 30; j++)
        page_check(mm, x + (uint64_t)j * PAGE_SIZE, 9 + (uint64_t)j, "before ENOMEM");
    KT_CHECK(&t);
    mm_destroy(mm);
    kt_teardown(&t);
}

/* Clean file pages are dropped and re-read; shared dirty ones written back
 * first; page tables emptied by reclaim are freed at the next fault. */
static void test_reclaim_file_pages(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    char path[128];
    kt_make_file(&t, "f", 32 * PAGE_SIZE, path);
    int err;
    struct vfile *vf = vfile_open(t.k, path, NULL, true, &err);
    assert_non_null(vf);
    assert_int_equal(kernel_set_policy(t.k, "fifo"), 0);
    struct mm *mm = mm_new(t.k);
    uint64_t ro = kt_mmap(mm, 0x100000000ULL, 16 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, vf, 0);
    uint64_t sh = kt_mmap(mm, 0x200000000ULL, 16 * PAGE_SIZE, RW, LX_MAP_SHARED, vf,
                          16 * PAGE_SIZE);
    for (int i = 0; i < 16; i++)
        assert_int_equal(kt_byte(mm, ro + (uint64_t)i * PAGE_SIZE), kt_pattern((uint64_t)i * PAGE_SIZE));
    struct mm_info before;
    mm_get_info(mm, &before);
    kernel_set_frame_limit(t.k, 4);
    for (int i = 0; i < 16; i++) {
        unsigned char c = (unsigned char)('a' + i);
        kt_write(mm, sh + (uint64_t)i * PAGE_SIZE, &c, 1);
        KT_CHECK(&t);
    }
    /* The read-only pages were dropped: their table is empty and freed. */
    unsigned char c = kt_byte(mm, sh);
    assert_int_equal(c, 'a');
    struct mm_info after;
    mm_get_info(mm, &after);
    assert_true(after.pagetable_pages < before.pagetable_pages + 3);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(kt_file_byte(path, (16 + (uint64_t)i) * PAGE_SIZE) == 'a' + i ||
                             i >= 12, 1); /* written back when evicted (the last few may still be resident) */
        assert_int_equal(kt_byte(mm, ro + (uint64_t)i * PAGE_SIZE), kt_pattern((uint64_t)i * PAGE_SIZE));
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_true(ki.c.writebacks >= 12);
    assert_int_equal(ki.c.pswpout, 0); /* no anonymous page involved */
    mm_destroy(mm);
    vfile_put(vf);
    for (int i = 0; i < 16; i++)
        assert_int_equal(kt_file_byte(path, (16 + (uint64_t)i) * PAGE_SIZE), 'a' + i);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swap_entry_encoding),
        cmocka_unit_test(test_swap_slot_allocator),
        cmocka_unit_test(test_swap_file_is_anonymous),
        cmocka_unit_test(test_swap_cache_shared_after_fork),
        cmocka_unit_test(test_swap_exclusive_swapin),
        cmocka_unit_test(test_swap_entries_follow_vm_ops),
        cmocka_unit_test(test_policy_names),
        cmocka_unit_test(test_policy_textbook_counts),
        cmocka_unit_test(test_swap_write_failures),
        cmocka_unit_test(test_swap_full_enomem),
        cmocka_unit_test(test_oom_kills_largest),
        cmocka_unit_test(test_reclaim_file_pages),
        cmocka_unit_test(test_nothing_lost_clock),
        cmocka_unit_test(test_nothing_lost_fifo),
        cmocka_unit_test(test_nothing_lost_lru),
        cmocka_unit_test(test_nothing_lost_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
