/* Swap, reclaim and the OOM killer, at the kernel's API.
 *
 * The reference is a plain model kept by the test: the bytes each page must
 * hold (a 64-bit stamp per page from which every byte follows) and, for the
 * swap cache, the numbers that follow from its definition (a page shared by
 * two address spaces takes one slot and is read back once). */
#include "test_swap_util.h"

#include "kernel/mm/swap.h"

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
    kernel_set_zero_page(t.k, false); /* reads must load pages (textbook paging) */
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
 * exact LRU (every reference reported), 9 under OPT, 14 under textbook
 * clock (second chance, a page's bit set when loaded and when referenced:
 * worked by hand, and tests/scripts/policy_ref.py agrees). */
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
    assert_int_equal(faults_for("clock"), 14);
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

/* A failing swap read is a SIGBUS, never wrong data; the page stays in
 * swap and a later access reads it. */
static void test_swap_read_failure(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t.k, "fifo"), 0);
    kernel_set_frame_limit(t.k, 2);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 4; i++)
        page_write(a, x + (uint64_t)i * PAGE_SIZE, 60 + (uint64_t)i);
    kernel_debug_fail_swap_reads(t.k, 1);
    struct segv sv;
    assert_int_equal(kt_access(a, x + 8, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGBUS);
    assert_int_equal(sv.code, LX_BUS_ADRERR);
    assert_int_equal(sv.addr.v, x + 8);
    KT_CHECK(&t);
    struct mm_info mi;
    mm_get_info(a, &mi);
    /* Still in swap; the frame taken for the read pushed one more out. */
    assert_int_equal(mi.swap_pages, 3);
    for (int i = 0; i < 4; i++)
        page_check(a, x + (uint64_t)i * PAGE_SIZE, 60 + (uint64_t)i, "after a failed read");
    KT_CHECK(&t);
    mm_destroy(a);
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
        cmocka_unit_test(test_swap_read_failure),
        cmocka_unit_test(test_oom_kills_largest),
        cmocka_unit_test(test_reclaim_file_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
