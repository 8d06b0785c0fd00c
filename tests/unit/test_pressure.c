/* Issue 14 in the kernel alone: the shared zero page (no frame, not in rss,
 * a write copies, fork and munmap keep the invariants), mlocked pages
 * surviving reclaim, MADV_FREE'd pages dropped without swap, and the OOM
 * rule ending a no-swap allocation loop with -ENOMEM instead of a hang. */
#include "test_swap_util.h"

static void test_zero_page(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 64 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    struct kernel_info before, after;
    kernel_get_info(t.k, &before);
    for (int i = 0; i < 64; i++)
        assert_int_equal(kt_byte(a, x + (uint64_t)i * PAGE_SIZE), 0);
    kernel_get_info(t.k, &after);
    assert_int_equal(after.anon_frames, before.anon_frames); /* nothing allocated */
    assert_int_equal(after.c.zero_page_maps - before.c.zero_page_maps, 64);
    uint64_t zpfn = kt_pfn(a, x, ACCESS_READ);
    assert_int_equal(kt_pfn(a, x + PAGE_SIZE, ACCESS_READ), zpfn); /* one frame for all */
    struct mm_info mi;
    mm_get_info(a, &mi);
    assert_int_equal(mi.rss_pages, 0);
    KT_CHECK(&t);
    struct mm *b = mm_fork(a); /* the zero page's PTEs are copied, uncounted */
    assert_non_null(b);
    KT_CHECK(&t);
    page_write(a, x, 7); /* a write copies */
    assert_int_not_equal(kt_pfn(a, x, ACCESS_READ), zpfn);
    page_check(a, x, 7, "written page");
    assert_int_equal(kt_byte(b, x), 0);
    mm_get_info(a, &mi);
    assert_int_equal(mi.rss_pages, 1);
    assert_int_equal(mi.c.cow_copies, 1);
    KT_CHECK(&t);
    assert_int_equal(mm_munmap(b, va(x), 64 * PAGE_SIZE), 0);
    KT_CHECK(&t);
    mm_destroy(b);
    mm_destroy(a);
    KT_CHECK(&t);
    kt_teardown(&t);
}

/* A lazily freed page reads back as zeros (dropped) or as it was (kept). */
static bool zero_or_stamp(struct mm *mm, uint64_t a, uint64_t stamp)
{
    uint64_t got[512], want[512], zero[512] = {0};
    kt_read(mm, a, got, PAGE_SIZE);
    page_fill(stamp, want);
    return !memcmp(got, zero, PAGE_SIZE) || !memcmp(got, want, PAGE_SIZE);
}

static void test_mlock_survives_and_lazyfree_drops(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 8 << 20), 0);
    struct mm *a = mm_new(t.k);
    uint64_t l = kt_mmap(a, 0, 16 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    uint64_t f = kt_mmap(a, 0, 16 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 16; i++) {
        page_write(a, l + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i);
        page_write(a, f + (uint64_t)i * PAGE_SIZE, 200 + (uint64_t)i);
    }
    assert_int_equal(mm_mlock(a, va(l), 16 * PAGE_SIZE, 0, 8 << 20), 0);
    assert_int_equal(mm_locked_pages(a), 16);
    assert_int_equal(mm_madvise(a, va(f), 16 * PAGE_SIZE, LX_MADV_FREE), 0);
    /* Pressure: 5000 pages through 4096 frames and 8 MiB of swap. */
    uint64_t big = kt_mmap(a, 0, 5000 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (uint64_t i = 0; i < 5000; i++)
        page_write(a, big + i * PAGE_SIZE, i);
    struct mm_info mi;
    mm_get_info(a, &mi);
    assert_true(mi.c.pglazyfreed > 0);
    uint8_t vec[16];
    assert_int_equal(mm_mincore(a, va(l), 16 * PAGE_SIZE, vec), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(vec[i], 1); /* locked: never reclaimed */
    for (int i = 0; i < 16; i++) {
        page_check(a, l + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, "locked page");
        assert_true(zero_or_stamp(a, f + (uint64_t)i * PAGE_SIZE, 200 + (uint64_t)i));
    }
    KT_CHECK(&t);
    assert_int_equal(mm_munlockall(a), 0);
    assert_int_equal(mm_locked_pages(a), 0);
    mm_destroy(a);
    kt_teardown(&t);
}

static void test_mlock_limits(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 64 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    assert_int_equal(mm_mlock(a, va(x), PAGE_SIZE, 0, 0), -EPERM);
    assert_int_equal(mm_mlock(a, va(x), 64 * PAGE_SIZE, 0, 32 * PAGE_SIZE), -ENOMEM);
    assert_int_equal(mm_mlock(a, va(x), 32 * PAGE_SIZE, 2, 32 * PAGE_SIZE), -EINVAL);
    assert_int_equal(mm_mlock(a, va(x), 32 * PAGE_SIZE, LX_MLOCK_ONFAULT, 32 * PAGE_SIZE), 0);
    struct mm_info mi;
    mm_get_info(a, &mi);
    assert_int_equal(mi.rss_pages, 0); /* on fault: nothing populated */
    assert_int_equal(mm_mlockall(a, 0, 8 << 20), -EINVAL);
    assert_int_equal(mm_mincore(a, va(x + 1), PAGE_SIZE, (uint8_t[1]){0}), -EINVAL);
    assert_int_equal(mm_mincore(a, va(x + 64 * PAGE_SIZE), PAGE_SIZE, (uint8_t[1]){0}), -ENOMEM);
    KT_CHECK(&t);
    mm_destroy(a);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_page),
        cmocka_unit_test(test_mlock_survives_and_lazyfree_drops),
        cmocka_unit_test(test_mlock_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
