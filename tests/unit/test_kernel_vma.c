/* Unit tests of the region list (split, merge, gaps) and negative tests of
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
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].start, 0x1000);
    assert_int_equal(l.v[1].start, 0x3000);
    assert_null(vma_find(&l, 0x2000)); /* end is exclusive */
    assert_null(vma_find(&l, 0x0fff));
    assert_ptr_equal(vma_find(&l, 0x4fff), &l.v[1]);
    assert_true(vma_range_free(&l, 0x2000, 0x3000));
    assert_false(vma_range_free(&l, 0x2000, 0x3001));
    assert_true(vma_range_free(&l, 0x5000, 0x8000));
    assert_true(vma_range_free(&l, 0x9000, 0x10000));
    /* Split in the middle, then merge back. */
    assert_int_equal(vma_split(&l, 1, 0x4000), 0);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[1].end, 0x4000);
    assert_int_equal(l.v[2].start, 0x4000);
    assert_int_equal(l.v[2].end, 0x5000);
    l.v[2].prot = LX_PROT_READ;
    assert_int_equal(vma_merge(&l, 2), 2); /* unlike neighbours: no merge */
    assert_int_equal(l.n, 4);
    l.v[2].prot = RW;
    assert_int_equal(vma_merge(&l, 2), 1);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[1].start, 0x3000);
    assert_int_equal(l.v[1].end, 0x5000);
    /* Merging needs contiguity. */
    v = anon(0x2000, 0x3000, RW);
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_merge(&l, 1), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].start, 0x1000);
    assert_int_equal(l.v[0].end, 0x5000);
    /* Growsdown regions do not merge with plain ones. */
    v = anon(0x5000, 0x6000, RW);
    v.flags = VMA_GROWSDOWN;
    assert_int_equal(vma_insert(&l, &v), 0);
    assert_int_equal(vma_merge(&l, 1), 1);
    assert_int_equal(l.n, 3);
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
    assert_int_equal(mm->vmas.n, 1);
    KT_CHECK(&t);
    mm_destroy(mm);
    vfile_put(f);
    kt_teardown(&t);
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
        cmocka_unit_test(test_file_region_split_offsets),
        cmocka_unit_test(test_check_catches_breakage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
