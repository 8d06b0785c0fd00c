/* Unit tests of the region list (split, merge, gaps; the tree against a
 * plain sorted array under random operations) and negative tests of
 * kernel_check(): each invariant it guards is broken on purpose and must be
 * reported. */
#include "kernel_test_util.h"

#include "kernel/mm/internal.h"

static struct vma anon(uint64_t s, uint64_t e, int prot)
{
    return (struct vma){.start = s, .end = e, .prot = prot};
}

static void test_insert_find_split_merge(void **state)
{
    (void)state;
    struct vma_list l = {0};
    struct vma v = anon(0x3000, 0x5000, RW);
    assert_int_equal(vma_insert(&l, &v), 0);
    v = anon(0x1000, 0x2000, RW);
    assert_int_equal(vma_insert(&l, &v), 0);
    v = anon(0x8000, 0x9000, LX_PROT_READ);
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_count(&l), 3);
    assert_int_equal(vma_at(&l, 0)->start, 0x1000);
    assert_int_equal(vma_at(&l, 1)->start, 0x3000);
    assert_null(vma_find(&l, 0x2000)); /* end is exclusive */
    assert_null(vma_find(&l, 0x0fff));
    assert_ptr_equal(vma_find(&l, 0x4fff), vma_at(&l, 1));
    assert_true(vma_range_free(&l, 0x2000, 0x3000));
    assert_false(vma_range_free(&l, 0x2000, 0x3001));
    assert_true(vma_range_free(&l, 0x5000, 0x8000));
    assert_true(vma_range_free(&l, 0x9000, 0x10000));
    /* Split in the middle, then merge back. */
    assert_int_equal(vma_split(&l, 1, 0x4000), 0);
    assert_int_equal(vma_count(&l), 4);
    assert_int_equal(vma_at(&l, 1)->end, 0x4000);
    assert_int_equal(vma_at(&l, 2)->start, 0x4000);
    assert_int_equal(vma_at(&l, 2)->end, 0x5000);
    vma_at(&l, 2)->prot = LX_PROT_READ;
    assert_int_equal(vma_merge(&l, 2), 2); /* unlike neighbours: no merge */
    assert_int_equal(vma_count(&l), 4);
    vma_at(&l, 2)->prot = RW;
    assert_int_equal(vma_merge(&l, 2), 1);
    assert_int_equal(vma_count(&l), 3);
    assert_int_equal(vma_at(&l, 1)->start, 0x3000);
    assert_int_equal(vma_at(&l, 1)->end, 0x5000);
    /* Merging needs contiguity. */
    v = anon(0x2000, 0x3000, RW);
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_merge(&l, 1), 0);
    assert_int_equal(vma_count(&l), 2);
    assert_int_equal(vma_at(&l, 0)->start, 0x1000);
    assert_int_equal(vma_at(&l, 0)->end, 0x5000);
    /* Growsdown regions do not merge with plain ones. */
    v = anon(0x5000, 0x6000, RW);
    v.flags = VMA_GROWSDOWN;
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_merge(&l, 1), 1);
    assert_int_equal(vma_count(&l), 3);
    vma_list_free(&l);
}

static void test_gap_topdown(void **state)
{
    (void)state;
    struct vma_list l = {0};
    uint64_t out;
    assert_int_equal(vma_gap_topdown(&l, 0x2000, 0x1000, 0x10000, &out), 0);
    assert_int_equal(out, 0xe000);
    struct vma v = anon(0xe000, 0x20000, RW); /* straddles high */
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_gap_topdown(&l, 0x2000, 0x1000, 0x10000, &out), 0);
    assert_int_equal(out, 0xc000);
    v = anon(0x9000, 0xd000, RW); /* leaves a 1-page gap 0xd000..0xe000 */
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_gap_topdown(&l, 0x1000, 0x1000, 0x10000, &out), 0);
    assert_int_equal(out, 0xd000);
    assert_int_equal(vma_gap_topdown(&l, 0x2000, 0x1000, 0x10000, &out), 0);
    assert_int_equal(out, 0x7000);
    assert_int_equal(vma_gap_topdown(&l, 0x8000, 0x1000, 0x10000, &out), 0);
    assert_int_equal(out, 0x1000);
    assert_int_equal(vma_gap_topdown(&l, 0x9000, 0x1000, 0x10000, &out), -ENOMEM);
    assert_int_equal(vma_gap_topdown(&l, 0, 0x1000, 0x10000, &out), -ENOMEM);
    vma_list_free(&l);
}

static void test_file_region_split_offsets(void **state)
{
    struct kt t;
    kt_setup(&t);
    char path[128];
    kt_make_file(&t, "f", 8 * PAGE_SIZE, path);
    int err;
    struct vfile *f = vfile_open(t.k, path, NULL, false, &err);
    struct mm *mm = mm_new(t.k);
    uint64_t a = kt_mmap(mm, 0x40000000, 8 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE | LX_MAP_FIXED,
                         f, 2 * PAGE_SIZE);
    /* mprotect the middle: three regions whose offsets follow the file. */
    assert_int_equal(mm_mprotect(mm, va(a + 2 * PAGE_SIZE), 3 * PAGE_SIZE, LX_PROT_NONE), 0);
    char *s = NULL;
    size_t sl = 0;
    FILE *mf = open_memstream(&s, &sl);
    mm_print_maps(mm, mf);
    fclose(mf);
    assert_non_null(strstr(s, "40000000-40002000 r--p 00002000 "));
    assert_non_null(strstr(s, "40002000-40005000 ---p 00004000 "));
    assert_non_null(strstr(s, "40005000-40008000 r--p 00007000 "));
    free(s);
    /* The last region's first page is file page 7. */
    assert_int_equal(kt_byte(mm, a + 5 * PAGE_SIZE), kt_pattern(7 * PAGE_SIZE));
    /* Protect back: the three merge again. */
    assert_int_equal(mm_mprotect(mm, va(a), 8 * PAGE_SIZE, LX_PROT_READ), 0);
    assert_int_equal(vma_count(&mm->vmas), 1);
    KT_CHECK(&t);
    mm_destroy(mm);
    vfile_put(f);
    kt_teardown(&t);
}

/* ---- the tree against a plain sorted array -------------------------------- */

/* The reference: regions in a sorted array, every operation a linear scan,
 * written from vma.h's contract alone. */
struct ref {
    struct vma v[4096];
    size_t n;
};

static size_t ref_index(const struct ref *r, uint64_t a)
{
    size_t i = 0;
    while (i < r->n && r->v[i].end <= a)
        i++;
    return i;
}

static bool ref_free(const struct ref *r, uint64_t s, uint64_t e)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].start < e && s < r->v[i].end)
            return false;
    return true;
}

static void ref_insert(struct ref *r, const struct vma *v)
{
    size_t i = ref_index(r, v->start);
    memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof r->v[0]);
    r->v[i] = *v;
    r->n++;
}

static void ref_remove(struct ref *r, size_t i, size_t j)
{
    memmove(&r->v[i], &r->v[j], (r->n - j) * sizeof r->v[0]);
    r->n -= j - i;
}

static void ref_split(struct ref *r, size_t i, uint64_t at)
{
    struct vma hi = r->v[i];
    uint64_t off = (at - hi.start) / PAGE_SIZE;
    hi.start = at;
    if (hi.flags & VMA_DEVICE) {
        hi.pgoff += off;
        hi.dev_pfn += off;
    }
    r->v[i].end = at;
    memmove(&r->v[i + 2], &r->v[i + 1], (r->n - i - 1) * sizeof r->v[0]);
    r->v[i + 1] = hi;
    r->n++;
}

static bool ref_alike(const struct vma *a, const struct vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
           !(a->flags & VMA_DEVICE);
}

static size_t ref_merge(struct ref *r, size_t i)
{
    if (i + 1 < r->n && ref_alike(&r->v[i], &r->v[i + 1])) {
        r->v[i].end = r->v[i + 1].end;
        ref_remove(r, i + 1, i + 2);
    }
    if (i > 0 && ref_alike(&r->v[i - 1], &r->v[i])) {
        r->v[i - 1].end = r->v[i].end;
        ref_remove(r, i, i + 1);
        i--;
    }
    return i;
}

/* Every hole [s, e) between regions (the first from 0, the last to the top
 * of the address space): the highest fit of [low, high) over all of them. */
static int ref_gap(const struct ref *r, uint64_t len, uint64_t low, uint64_t high, uint64_t *out)
{
    if (len == 0 || high < low || high - low < len)
        return -ENOMEM;
    bool found = false;
    for (size_t i = 0; i <= r->n; i++) {
        uint64_t s = i ? r->v[i - 1].end : 0, e = i < r->n ? r->v[i].start : UINT64_MAX;
        if (s < low)
            s = low;
        if (e > high)
            e = high;
        if (e > s && e - s >= len && (!found || e - len > *out)) {
            *out = e - len;
            found = true;
        }
    }
    return found ? 0 : -ENOMEM;
}

static uint64_t rnd_state = 12345;

static uint64_t rnd(uint64_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state % n;
}

/* The tree holds exactly the reference's regions, in order, with its page
 * total; lookups by address agree at a few addresses. */
static void same_as_ref(const struct vma_list *l, const struct ref *r, uint64_t span)
{
    assert_int_equal(vma_count(l), r->n);
    uint64_t pages = 0;
    size_t i = 0;
    for (const struct vma *v = vma_first(l); v; v = vma_next(l, v), i++) {
        assert_true(i < r->n);
        assert_memory_equal(v, &r->v[i], sizeof *v);
        pages += (v->end - v->start) / PAGE_SIZE;
    }
    assert_int_equal(i, r->n);
    assert_int_equal(l->pages, pages);
    for (int k = 0; k < 8 && r->n; k++) {
        size_t j = rnd(r->n);
        assert_memory_equal(vma_at(l, j), &r->v[j], sizeof r->v[j]);
    }
    for (int k = 0; k < 8; k++) {
        uint64_t a = rnd(span + 2 * PAGE_SIZE);
        size_t j = ref_index(r, a);
        assert_int_equal(vma_index(l, a), j);
        const struct vma *f = vma_find(l, a), *after = vma_after(l, a);
        if (j < r->n && r->v[j].start <= a)
            assert_ptr_equal(f, vma_at(l, j));
        else
            assert_null(f);
        assert_ptr_equal(after, j < r->n ? vma_at(l, j) : NULL);
        uint64_t e = a + (rnd(16) + 1) * PAGE_SIZE / 2;
        assert_int_equal(vma_range_free(l, a, e), ref_free(r, a, e));
    }
}

static void test_tree_against_model(void **state)
{
    (void)state;
    static struct ref r;
    struct vma_list l = {0};
    r.n = 0;
    const uint64_t span = 4096 * PAGE_SIZE; /* small: neighbours touch often */
    const int prots[] = {LX_PROT_READ, RW, LX_PROT_NONE};
    const unsigned flags[] = {0, 0, 0, VMA_GROWSDOWN, VMA_DEVICE};
    int ops[9] = {0};
    /* Phases of mostly inserts, then mostly removals: the tree grows to
     * hundreds of regions and shrinks back, again and again. */
    static const int grow[12] = {0, 0, 0, 0, 0, 2, 4, 5, 6, 7, 8, 8};
    static const int shrink[12] = {0, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 8};
    size_t most = 0;
    for (int step = 0; step < 60000; step++) {
        int op = ((step / 6000) % 2 ? shrink : grow)[rnd(12)];
        if (op == 0) { /* insert */
            uint64_t s = rnd(span / PAGE_SIZE) * PAGE_SIZE, e = s + (rnd(8) + 1) * PAGE_SIZE;
            struct vma v = {.start = s, .end = e, .prot = prots[rnd(3)], .flags = flags[rnd(5)]};
            if (v.flags & VMA_DEVICE) {
                v.pgoff = rnd(100);
                v.dev_pfn = 1000 + rnd(1000);
            }
            if (!ref_free(&r, s, e) || r.n == 4096)
                continue;
            assert_int_equal(vma_insert(&l, &v), 0);
            ref_insert(&r, &v);
        } else if (op == 2 && r.n) { /* remove one */
            size_t i = rnd(r.n);
            vma_remove(&l, i);
            ref_remove(&r, i, i + 1);
        } else if (op == 3 && r.n) { /* remove a run */
            size_t i = rnd(r.n), j = i + rnd(r.n - i + 1);
            if (j - i > 6)
                j = i + rnd(7);
            vma_remove_range(&l, i, j);
            ref_remove(&r, i, j);
        } else if (op == 4 && r.n) { /* split */
            size_t i = rnd(r.n);
            uint64_t pages = (r.v[i].end - r.v[i].start) / PAGE_SIZE;
            if (pages < 2)
                continue;
            uint64_t at = r.v[i].start + (1 + rnd(pages - 1)) * PAGE_SIZE;
            assert_int_equal(vma_split(&l, i, at), 0);
            ref_split(&r, i, at);
        } else if (op == 5 && r.n) { /* make a region like its neighbour, merge */
            size_t i = rnd(r.n);
            if (i > 0 && rnd(2)) {
                vma_at(&l, i)->prot = r.v[i].prot = r.v[i - 1].prot;
                vma_at(&l, i)->flags = r.v[i].flags = r.v[i - 1].flags;
            }
            assert_int_equal(vma_merge(&l, i), ref_merge(&r, i));
        } else if (op == 6 && r.n) { /* move bounds within the neighbours */
            size_t i = rnd(r.n);
            uint64_t lo = i ? r.v[i - 1].end : 0;
            uint64_t hi = i + 1 < r.n ? r.v[i + 1].start : span + 64 * PAGE_SIZE;
            uint64_t s = r.v[i].start - rnd((r.v[i].start - lo) / PAGE_SIZE + 1) * PAGE_SIZE;
            uint64_t e = r.v[i].end + rnd((hi - r.v[i].end) / PAGE_SIZE + 1) * PAGE_SIZE;
            if (rnd(2) && e - s > PAGE_SIZE)
                e -= PAGE_SIZE; /* shrink too */
            vma_set_range(&l, i, s, e);
            r.v[i].start = s;
            r.v[i].end = e;
        } else if (op >= 7) { /* hole search, bounds anywhere (or none) */
            uint64_t len = rnd(6) * PAGE_SIZE, low = rnd(span / PAGE_SIZE) * PAGE_SIZE;
            uint64_t high = low + rnd(span / PAGE_SIZE) * PAGE_SIZE;
            if (op == 8 && rnd(2))
                low = 0, high = UINT64_MAX & ~(uint64_t)PAGE_MASK;
            uint64_t a = 1, b = 2;
            int rc = vma_gap_topdown(&l, len, low, high, &a);
            assert_int_equal(rc, ref_gap(&r, len, low, high, &b));
            if (!rc)
                assert_int_equal(a, b);
        } else {
            continue;
        }
        ops[op]++;
        most = r.n > most ? r.n : most;
        same_as_ref(&l, &r, span);
    }
    for (int op = 0; op < 9; op++)
        assert_true(op == 1 || ops[op] > 1000); /* every operation ran, many times */
    assert_true(most > 300);
    vma_list_free(&l);
}

/* Linux's limits: mmap may add the 65,531st region (do_mmap refuses once
 * map_count > 65530), a split may not go past 65,530 (split_vma). */
static void test_map_count_limit(void **state)
{
    (void)state;
    struct vma_list l = {0};
    for (uint64_t i = 0; i <= VMA_MAX_MAP_COUNT; i++) {
        struct vma v = anon(4 * i * PAGE_SIZE, (4 * i + 2) * PAGE_SIZE, RW);
        assert_int_equal(vma_insert(&l, &v), 0);
    }
    struct vma v = anon(0x100000000ULL, 0x100001000ULL, RW);
    assert_int_equal(vma_insert(&l, &v), -ENOMEM);
    assert_int_equal(vma_split(&l, 7, 7 * 4 * PAGE_SIZE + PAGE_SIZE), -ENOMEM);
    vma_remove(&l, 0);
    vma_remove(&l, 0);
    assert_int_equal(vma_split(&l, 7, 9 * 4 * PAGE_SIZE + PAGE_SIZE), 0);
    assert_int_equal(vma_count(&l), VMA_MAX_MAP_COUNT);
    assert_int_equal(l.pages, 2 * (VMA_MAX_MAP_COUNT - 1));
    vma_list_free(&l);
}

/* ---- kernel_check catches what it should ---------------------------------- */

static pte_t *pte_of(struct mm *mm, uint64_t a)
{
    return pt_pte(&mm->k->ft, mm->root, va(a), false, NULL, NULL);
}

static void test_check_catches_breakage(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    struct mm *p = mm_new(t.k);
    uint64_t a = kt_mmap(p, 0, 2 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    unsigned char c = 1;
    kt_write(p, a, &c, 1);
    kt_write(p, a + PAGE_SIZE, &c, 1);
    struct mm *ch = mm_fork(p);
    KT_CHECK(&t);
    fputs("(the next kernel_check errors are expected)\n", stderr);

    /* A writable PTE to a frame another space maps, in a private region. */
    pte_t *e = pte_of(ch, a);
    e->bits |= PTE_W;
    assert_int_equal(kernel_check(t.k), -1);
    e->bits &= ~PTE_W;
    KT_CHECK(&t);

    /* A stale TLB entry: fill it, then take R away without a flush. */
    assert_int_equal(kt_byte(ch, a + PAGE_SIZE), 1);
    e = pte_of(ch, a + PAGE_SIZE);
    uint64_t saved = e->bits;
    e->bits &= ~PTE_R;
    e->bits |= PTE_X; /* still a valid leaf */
    assert_int_equal(kernel_check(t.k), -1);
    e->bits = saved;
    KT_CHECK(&t);

    /* A mapcount that disagrees with the page tables. */
    struct frame *fr = frame_of(&t.k->ft, pte_pfn(*e));
    fr->refcount++;
    assert_int_equal(kernel_check(t.k), -1);
    fr->refcount--;
    KT_CHECK(&t);

    /* A PTE outside every region. */
    pte_t *e2 = pt_pte(&ch->k->ft, ch->root, va(a + 2 * PAGE_SIZE), true, &ch->ntables, NULL);
    e2->bits = e->bits;
    assert_int_equal(kernel_check(t.k), -1);
    e2->bits = 0;
    KT_CHECK(&t);

    /* A PTE granting more than its region. */
    assert_int_equal(mm_mprotect(p, va(a), PAGE_SIZE, LX_PROT_READ), 0);
    e = pte_of(p, a);
    e->bits |= PTE_X;
    assert_int_equal(kernel_check(t.k), -1);
    e->bits &= ~PTE_X;
    KT_CHECK(&t);

    mm_destroy(ch);
    mm_destroy(p);
    KT_CHECK(&t);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_find_split_merge),
        cmocka_unit_test(test_gap_topdown),
        cmocka_unit_test(test_tree_against_model),
        cmocka_unit_test(test_map_count_limit),
        cmocka_unit_test(test_file_region_split_offsets),
        cmocka_unit_test(test_check_catches_breakage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
