/* Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, Linux shmem) under
 * memory pressure: reclaim writes its pages to swap slots kept by the page
 * cache, and either sharer's next touch reads them back.
 *
 * The reference is a plain model: one 64-bit stamp per page (every byte
 * follows from it), the same for both processes because the memory is
 * shared; and, as Linux, every slot is free once the object is gone. */
#include "test_swap_util.h"

#include "kernel/mm/event.h"

#define NPAGES 48 /* far more than the frame limit below */
#define LIMIT 8

struct swapin_count {
    uint64_t major_swapins, swapouts;
};

static void count_events(void *ctx, const struct vm_event *ev)
{
    struct swapin_count *c = ctx;
    if (ev->kind == VM_EV_SWAP_IN && ev->major)
        c->major_swapins++;
    if (ev->kind == VM_EV_SWAP_OUT)
        c->swapouts++;
}

/* Parent and child write alternate pages of one shared object larger than
 * memory; each then reads every page: the other's writes included. */
static void test_shmem_swaps_and_stays_shared(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    struct swapin_count ev = {0};
    kernel_set_event_sink(t.k, count_events, &ev);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, NPAGES * PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, NULL, 0);
    struct mm *b = mm_fork(a);
    assert_non_null(b);
    kernel_set_frame_limit(t.k, LIMIT);
    for (uint64_t i = 0; i < NPAGES; i++) {
        page_write(i % 2 ? b : a, x + i * PAGE_SIZE, 1000 + i);
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_true(ki.c.pswpout >= NPAGES - LIMIT); /* cannot all be resident */
    assert_true(ki.swap_used >= NPAGES - LIMIT);
    assert_true(ki.file_frames <= LIMIT);
    uint64_t out_before = ki.c.pswpout, maj_before = ki.c.pgmajfault;
    /* Shmem PTEs are emptied, not made swap entries. */
    struct mm_info ia;
    mm_get_info(a, &ia);
    assert_int_equal(ia.swap_pages, 0);
    /* smaps, as Linux (smap_gather_stats): the region's Swap is its object's
     * swapped pages, here every used slot; SwapPss stays 0. */
    char want[96];
    snprintf(want, sizeof want, "\nSwap:           %8llu kB\nSwapPss:               0 kB\n",
             (unsigned long long)ki.swap_used * 4);
    for (int who = 0; who < 2; who++) {
        char *buf = NULL;
        size_t blen = 0;
        FILE *f = open_memstream(&buf, &blen);
        mm_print_smaps(who ? b : a, f);
        fclose(f);
        if (!strstr(buf, want))
            fail_msg("smaps lacks \"%s\":\n%s", want, buf);
        free(buf);
    }
    for (uint64_t i = 0; i < NPAGES; i++) {
        page_check(a, x + i * PAGE_SIZE, 1000 + i, "parent");
        KT_CHECK(&t);
    }
    for (uint64_t i = 0; i < NPAGES; i++) {
        page_check(b, x + i * PAGE_SIZE, 1000 + i, "child");
        KT_CHECK(&t);
    }
    kernel_get_info(t.k, &ki);
    assert_true(ki.c.pswpin >= NPAGES - LIMIT);
    assert_true(ki.c.pgmajfault >= maj_before + (NPAGES - LIMIT));
    assert_true(ki.c.pswpout > out_before);
    /* The second pass writes the other way round. */
    for (uint64_t i = 0; i < NPAGES; i++)
        page_write(i % 2 ? a : b, x + i * PAGE_SIZE, 5000 + i);
    KT_CHECK(&t);
    /* The parent leaves; the child still sees everything. */
    mm_destroy(a);
    KT_CHECK(&t);
    for (uint64_t i = 0; i < NPAGES; i++)
        page_check(b, x + i * PAGE_SIZE, 5000 + i, "child after parent's exit");
    KT_CHECK(&t);
    kernel_get_info(t.k, &ki);
    assert_true(ki.swap_used > 0); /* part of it is in swap still */
    assert_int_equal(ev.swapouts, ki.c.pswpout);
    assert_int_equal(ev.major_swapins, ki.c.pswpin);
    mm_destroy(b);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0); /* the object's slots went with it */
    kernel_set_event_sink(t.k, NULL, NULL);
    kt_teardown(&t);
}

/* Without free slots shmem pages stay resident; a page never written is
 * zero after being pushed out and read back. */
static void test_shmem_swap_full_and_zero(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 4 * PAGE_SIZE), 0);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 8 * PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, NULL, 0);
    /* Touch page 0 by reading: a zero page of the object. */
    assert_int_equal(kt_byte(a, x), 0);
    kernel_set_frame_limit(t.k, 6);
    for (uint64_t i = 1; i < 8; i++) {
        page_write(a, x + i * PAGE_SIZE, 70 + i);
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_true(ki.swap_used <= 4);
    assert_true(ki.c.pswpout > 0);
    check_zero_or(a, x, 0, "zero page");
    for (uint64_t i = 1; i < 8; i++) {
        page_check(a, x + i * PAGE_SIZE, 70 + i, "page");
        KT_CHECK(&t);
    }
    mm_destroy(a);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&t);
}

/* A failing swap write leaves the shmem page resident and intact; the next
 * victims go to swap instead. */
static void test_shmem_swap_write_failure(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    struct mm *a = mm_new(t.k);
    uint64_t x = kt_mmap(a, 0, 16 * PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, NULL, 0);
    kernel_set_frame_limit(t.k, 6);
    kernel_debug_fail_swap_writes(t.k, 2);
    for (uint64_t i = 0; i < 16; i++) {
        page_write(a, x + i * PAGE_SIZE, 300 + i);
        KT_CHECK(&t);
    }
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_true(ki.c.pswpout >= 10);
    assert_int_equal(ki.swap_used, ki.c.pswpout - ki.c.pswpin); /* no slot leaked by failures */
    for (uint64_t i = 0; i < 16; i++)
        page_check(a, x + i * PAGE_SIZE, 300 + i, "after failed writes");
    KT_CHECK(&t);
    mm_destroy(a);
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shmem_swaps_and_stays_shared),
        cmocka_unit_test(test_shmem_swap_full_and_zero),
        cmocka_unit_test(test_shmem_swap_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
