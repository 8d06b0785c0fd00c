/* Working-set sampling (mm_sample_young, kernel/mm/idle.c), as Linux's idle
 * page tracking defines it: a sample counts the pages referenced since the
 * previous one (A bit set) and clears them; a page whose A bit was cleared
 * has no TLB entry left, so its next access walks and sets A again; pages
 * not present, device pages and the vDSO are not counted. */
#include "kernel_test_util.h"

static bool in_tlb(struct kt *t, struct mm *mm, uint64_t a)
{
    struct mmu *mmu = &t->m->harts[0].mmu;
    uint64_t saved = mmu->satp;
    mmu_set_satp(mmu, mm_satp(mm));
    bool hit = tlb_probe(&mmu->tlb, va(a), satp_asid(mmu->satp), ACCESS_READ) != NULL;
    mmu_set_satp(mmu, saved);
    return hit;
}

static void test_young_counts_and_clears(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    assert_non_null(mm);
    uint64_t a = kt_mmap(mm, 0, 64 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    assert_int_equal(mm_sample_young(mm), 0); /* nothing present */
    for (int i = 0; i < 10; i++)
        kt_write(mm, a + (uint64_t)i * PAGE_SIZE, "x", 1);
    assert_true(in_tlb(t, mm, a));
    assert_int_equal(mm_sample_young(mm), 10);
    assert_false(in_tlb(t, mm, a)); /* flushed: the next access must walk */
    assert_int_equal(mm_sample_young(mm), 0); /* nothing referenced since */
    KT_CHECK(t);
    /* Touch three of them, twice each: three referenced pages. */
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 3; i++)
            (void)kt_byte(mm, a + (uint64_t)i * PAGE_SIZE);
    assert_int_equal(mm_sample_young(mm), 3);
    /* More than the per-page flush limit: all of them, flushed by ASID. */
    for (int i = 0; i < 64; i++)
        kt_write(mm, a + (uint64_t)i * PAGE_SIZE, "y", 1);
    assert_int_equal(mm_sample_young(mm), 64);
    for (int i = 0; i < 64; i++)
        assert_false(in_tlb(t, mm, a + (uint64_t)i * PAGE_SIZE));
    (void)kt_byte(mm, a + 63 * PAGE_SIZE);
    assert_int_equal(mm_sample_young(mm), 1);
    KT_CHECK(t);
    mm_destroy(mm);
}

/* The vDSO's kernel page is not a user page of the process. */
static void test_young_skips_vdso(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    vaddr_t v;
    assert_int_equal(mm_map_vdso(mm, &v), 0);
    unsigned char b;
    struct segv sv;
    assert_int_equal(copyin(mm, &b, v, 1, &sv), 0);
    assert_int_equal(mm_sample_young(mm), 0);
    mm_destroy(mm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_young_counts_and_clears, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_young_skips_vdso, kt_fixture_setup,
                                        kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
