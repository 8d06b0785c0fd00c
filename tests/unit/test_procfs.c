/* /proc/PID/pagemap entries (kernel/procfs.h) against the definition in
 * Linux's Documentation/admin-guide/mm/pagemap.rst and the state the
 * kernel's own interfaces report (mm_translate's frame, swap counters):
 * present pages give pfn | bit 63, exclusively mapped ones bit 56, file
 * and shared-anonymous pages bit 61, swapped pages bit 62 with the swap
 * offset above a 5-bit type, empty ones 0. Also the smaps_rollup sums. */
#include "kernel_test_util.h"

#include "kernel/mm/internal.h"
#include "kernel/fs/procfs.h"
#include "kernel/fs/procfs_impl.h"
#include "kernel/mm/swap.h"

static uint64_t pm(struct mm *mm, uint64_t a)
{
    uint64_t e = 0xdeadbeef;
    assert_int_equal(mm_pagemap_read(mm, &e, 8, a / PAGE_SIZE * 8), 8);
    return e;
}

static void test_entry_encoding(void **state)
{
    struct kt *t = *state;
    struct vma v = {.start = 0x10000, .end = 0x20000, .prot = RW};
    assert_int_equal(mm_pagemap_entry(t->k, &v, (pte_t){0}), 0);
    assert_int_equal(mm_pagemap_entry(t->k, NULL, pte_swap_make(3)), 0);
    /* swap: type 0 in bits 0-4, offset (the slot) above, bit 62 */
    uint64_t e = mm_pagemap_entry(t->k, &v, pte_swap_make(37));
    assert_int_equal(e, PM_SWAP | (37ULL << PM_SWAP_TYPE_BITS));
    assert_false(e & (PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE));
}

static void test_anon_fork_cow(void **state)
{
    struct kt *t = *state;
    struct mm *a = mm_new(t->k);
    uint64_t x = kt_mmap(a, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    assert_int_equal(pm(a, x), 0);             /* mapped, never touched */
    assert_int_equal(pm(a, x - PAGE_SIZE), 0); /* not mapped at all */
    kt_write(a, x, "p", 1);
    uint64_t f = kt_pfn(a, x, ACCESS_READ);
    assert_int_equal(pm(a, x), PM_PRESENT | PM_MMAP_EXCLUSIVE | f);
    struct mm *b = mm_fork(a);
    assert_non_null(b);
    /* shared after fork: the same frame, exclusive in neither */
    assert_int_equal(pm(a, x), PM_PRESENT | f);
    assert_int_equal(pm(b, x), PM_PRESENT | f);
    kt_write(b, x, "c", 1); /* copy-on-write */
    uint64_t g = kt_pfn(b, x, ACCESS_READ);
    assert_true(g != f);
    assert_int_equal(pm(b, x), PM_PRESENT | PM_MMAP_EXCLUSIVE | g);
    assert_int_equal(pm(a, x), PM_PRESENT | PM_MMAP_EXCLUSIVE | f);
    /* a bulk read equals single reads, and stops at the end of the user half */
    uint64_t bulk[4];
    assert_int_equal(mm_pagemap_read(a, bulk, sizeof bulk, x / PAGE_SIZE * 8), 32);
    for (int i = 0; i < 4; i++)
        assert_int_equal(bulk[i], pm(a, x + (uint64_t)i * PAGE_SIZE));
    uint64_t last = USER_TOP / PAGE_SIZE * 8;
    assert_int_equal(mm_pagemap_read(a, bulk, sizeof bulk, last - 16), 16);
    assert_int_equal(mm_pagemap_read(a, bulk, sizeof bulk, last), 0);
    mm_destroy(b);
    mm_destroy(a);
}

static void test_shared_anon_is_file(void **state)
{
    struct kt *t = *state;
    struct mm *a = mm_new(t->k);
    uint64_t x = kt_mmap(a, 0, 2 * PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, NULL, 0);
    kt_write(a, x, "s", 1);
    uint64_t f = kt_pfn(a, x, ACCESS_READ);
    assert_int_equal(pm(a, x), PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE | f);
    struct mm *b = mm_fork(a);
    assert_int_equal(kt_byte(b, x), 's');
    assert_int_equal(pm(b, x), PM_PRESENT | PM_FILE | f);
    mm_destroy(b);
    mm_destroy(a);
}

static void test_swapped(void **state)
{
    struct kt *t = *state;
    assert_int_equal(kernel_set_swap(t->k, 1 << 20), 0);
    assert_int_equal(kernel_set_policy(t->k, "fifo"), 0);
    struct mm *a = mm_new(t->k);
    uint64_t x = kt_mmap(a, 0, 16 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    kernel_set_frame_limit(t->k, 4);
    for (int i = 0; i < 16; i++)
        kt_write(a, x + (uint64_t)i * PAGE_SIZE, "w", 1);
    int swapped = 0, present = 0;
    for (int i = 0; i < 16; i++) {
        uint64_t va_ = x + (uint64_t)i * PAGE_SIZE;
        uint64_t e = pm(a, va_);
        pte_t *p = pt_pte(&t->k->ft, a->root, va(va_), false, NULL, NULL);
        assert_non_null(p);
        if (e & PM_SWAP) {
            swapped++;
            assert_false(e & PM_PRESENT);
            assert_true(pte_is_swap(*p));
            assert_int_equal(e & PM_PFN_MASK, (uint64_t)pte_swap_slot(*p) << PM_SWAP_TYPE_BITS);
        } else {
            present++;
            assert_true(e & PM_PRESENT);
            assert_int_equal(e & PM_PFN_MASK, pte_pfn(*p).n);
        }
    }
    struct mm_info mi;
    mm_get_info(a, &mi);
    assert_int_equal(swapped, (int)mi.swap_pages);
    assert_int_equal(present + swapped, 16);
    assert_true(swapped >= 12);
    /* smaps_rollup sums what smaps says per region */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    mm_print_smaps_rollup(a, out);
    fclose(out);
    char want[64];
    snprintf(want, sizeof want, "\nSwap:           %8d kB\n", swapped * 4);
    assert_non_null(strstr(buf, want));
    snprintf(want, sizeof want, "\nPss_Anon:       %8d kB\n", present * 4);
    assert_non_null(strstr(buf, want));
    assert_non_null(strstr(buf, "[rollup]\nRss:"));
    free(buf);
    kernel_set_frame_limit(t->k, 0);
    mm_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entry_encoding, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_anon_fork_cow, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shared_anon_is_file, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_swapped, kt_fixture_setup, kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
