/* Unit tests of the TLB on its own: geometry, hits, round-robin replacement,
 * ASID tags and flushes. The reference is a plain reading of tlb.h: a lookup
 * hits exactly the (page, ASID, access kind) triples filled and not since
 * evicted or flushed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <cmocka.h>

#include "machine/sv48.h"
#include "machine/tlb.h"

static uint8_t pages[8][4096]; /* host pages the entries point at */

static pte_t leaf(uint64_t flags)
{
    return pte_make(pfn(0x80000), PTE_V | PTE_R | PTE_U | flags);
}

static void fill(struct tlb *t, uint64_t v, uint16_t asid, enum access acc, int page)
{
    tlb_fill(t, va(v), asid, acc, pages[page], pa(0x80000000ULL + page * 4096ULL), leaf(0));
}

static void test_init_geometry(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 0, 1), -EINVAL);
    assert_int_equal(tlb_init(&t, 3, 1), -EINVAL);
    assert_int_equal(tlb_init(&t, 48, 2), -EINVAL);
    assert_int_equal(tlb_init(&t, 64, 0), -EINVAL);
    assert_int_equal(tlb_init(&t, 1u << 31, 4), -EINVAL); /* absurdly large */
    tlb_fini(&t);                                         /* harmless after a failed init */
    assert_int_equal(tlb_init(&t, 1, 8), 0);              /* fully associative */
    for (int i = 0; i < 8; i++)
        fill(&t, 0x1000ULL * (i + 1), 1, ACCESS_READ, i);
    for (int i = 0; i < 8; i++)
        assert_ptr_equal(tlb_lookup(&t, va(0x1000ULL * (i + 1) + 5), 1, ACCESS_READ), pages[i] + 5);
    tlb_fini(&t);
}

static void test_lookup_hit_and_miss(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 64, 1), 0);
    assert_null(tlb_lookup(&t, va(0x10000), 1, ACCESS_READ));
    assert_int_equal(t.stats.hits, 0);
    assert_int_equal(t.stats.misses, 0);  /* the walker counts misses */
    fill(&t, 0x10abc, 1, ACCESS_READ, 2); /* any address in the page */
    assert_ptr_equal(tlb_lookup(&t, va(0x10000), 1, ACCESS_READ), pages[2]);
    assert_ptr_equal(tlb_lookup(&t, va(0x10fff), 1, ACCESS_READ), pages[2] + 0xfff);
    assert_int_equal(t.stats.hits, 2);
    /* Other access kinds, pages and ASIDs miss. */
    assert_null(tlb_lookup(&t, va(0x10000), 1, ACCESS_WRITE));
    assert_null(tlb_lookup(&t, va(0x10000), 1, ACCESS_EXEC));
    assert_null(tlb_lookup(&t, va(0x11000), 1, ACCESS_READ));
    assert_null(tlb_lookup(&t, va(0x10000), 2, ACCESS_READ));
    /* Same set, different page (64 sets apart). */
    assert_null(tlb_lookup(&t, va(0x10000 + 64 * 4096), 1, ACCESS_READ));
    /* A non-canonical alias of the page does not hit. */
    assert_null(tlb_lookup(&t, va(0x0001000000010000ULL), 1, ACCESS_READ));
    /* probe sees the entry but counts nothing. */
    const struct tlb_entry *e = tlb_probe(&t, va(0x10123), 1, ACCESS_READ);
    assert_non_null(e);
    assert_int_equal(e->page_pa.p, 0x80002000ULL);
    assert_int_equal(e->pte_bits, leaf(0).bits);
    assert_int_equal(t.stats.hits, 2);
    tlb_fini(&t);
}

static void test_upper_half_and_max_asid(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 8, 2), 0);
    /* The top page with the largest usable ASID: an empty TLB must miss. */
    assert_null(tlb_lookup(&t, va(0xfffffffffffff000ULL), 4094, ACCESS_READ));
    fill(&t, 0xfffffffffffff000ULL, 4094, ACCESS_EXEC, 1);
    assert_ptr_equal(tlb_lookup(&t, va(0xffffffffffffff00ULL), 4094, ACCESS_EXEC),
                     pages[1] + 0xf00);
    assert_null(tlb_lookup(&t, va(0xfffffffffffff000ULL), 4093, ACCESS_EXEC));
    assert_null(tlb_lookup(&t, va(0x0000fffffffff000ULL), 4094, ACCESS_EXEC));
    tlb_fini(&t);
}

static void test_round_robin(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 4, 3), 0);
    /* Pages 0x4, 0x8, 0xc, 0x10 all map to set 0 of 4. */
    fill(&t, 0x4000, 1, ACCESS_READ, 0);
    fill(&t, 0x8000, 1, ACCESS_READ, 1);
    fill(&t, 0xc000, 1, ACCESS_READ, 2);
    /* Refilling a present page replaces it in place: no eviction. */
    fill(&t, 0x8000, 1, ACCESS_READ, 5);
    assert_ptr_equal(tlb_lookup(&t, va(0x8000), 1, ACCESS_READ), pages[5]);
    assert_non_null(tlb_probe(&t, va(0x4000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0xc000), 1, ACCESS_READ));
    /* A fourth page evicts way 0 (the first filled), the next one way 1. */
    fill(&t, 0x10000, 1, ACCESS_READ, 3);
    assert_null(tlb_probe(&t, va(0x4000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0x8000), 1, ACCESS_READ));
    fill(&t, 0x4000, 1, ACCESS_READ, 0);
    assert_null(tlb_probe(&t, va(0x8000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0xc000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0x10000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0x4000), 1, ACCESS_READ));
    /* Other sets and other arrays were untouched. */
    fill(&t, 0x5000, 1, ACCESS_READ, 4);
    assert_non_null(tlb_probe(&t, va(0x5000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0xc000), 1, ACCESS_READ));
    tlb_fini(&t);
}

static void test_flush_asid_and_all(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 16, 4), 0);
    for (int acc = 0; acc < 3; acc++) {
        fill(&t, 0x1000, 1, acc, 0);
        fill(&t, 0x2000, 1, acc, 1);
        fill(&t, 0x1000, 2, acc, 2);
        fill(&t, 0x1000, 3, acc, 3);
    }
    tlb_flush_asid(&t, 2);
    for (int acc = 0; acc < 3; acc++) {
        assert_null(tlb_probe(&t, va(0x1000), 2, acc));
        assert_non_null(tlb_probe(&t, va(0x1000), 1, acc));
        assert_non_null(tlb_probe(&t, va(0x2000), 1, acc));
        assert_non_null(tlb_probe(&t, va(0x1000), 3, acc));
    }
    tlb_flush_page(&t, 1, va(0x2fff));
    for (int acc = 0; acc < 3; acc++) {
        assert_null(tlb_probe(&t, va(0x2000), 1, acc));
        assert_non_null(tlb_probe(&t, va(0x1000), 1, acc));
    }
    tlb_flush_page(&t, 3, va(0x1000));
    assert_null(tlb_probe(&t, va(0x1000), 3, ACCESS_EXEC));
    assert_non_null(tlb_probe(&t, va(0x1000), 1, ACCESS_EXEC));
    tlb_flush_all(&t);
    for (int acc = 0; acc < 3; acc++)
        assert_null(tlb_probe(&t, va(0x1000), 1, acc));
    assert_int_equal(t.stats.flushes_asid, 1);
    assert_int_equal(t.stats.flushes_page, 2);
    assert_int_equal(t.stats.flushes_all, 1);
    tlb_fini(&t);
}

static void test_flush_superpage_entries(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 64, 2), 0);
    pte_t sp = leaf(0);
    /* Two pages of one 2 MiB leaf at 0x200000, in two different sets. */
    tlb_fill_level(&t, va(0x200000), 1, ACCESS_READ, pages[0], pa(0x80200000), sp, 1);
    tlb_fill_level(&t, va(0x3ff000), 1, ACCESS_READ, pages[1], pa(0x803ff000), sp, 1);
    /* A 4 KiB page just outside it, and one of another ASID inside it. */
    fill(&t, 0x400000, 1, ACCESS_READ, 2);
    fill(&t, 0x201000, 2, ACCESS_READ, 3);
    assert_int_equal(t.nsuper, 2);
    tlb_flush_page(&t, 1, va(0x234000));
    assert_null(tlb_probe(&t, va(0x200000), 1, ACCESS_READ));
    assert_null(tlb_probe(&t, va(0x3ff000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0x400000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&t, va(0x201000), 2, ACCESS_READ));
    assert_int_equal(t.nsuper, 0);
    /* 1 GiB leaf entries go the same way. */
    tlb_fill_level(&t, va(0x40000000), 1, ACCESS_EXEC, pages[4], pa(0x80000000), sp, 2);
    tlb_fill_level(&t, va(0x7ffff000), 1, ACCESS_EXEC, pages[5], pa(0xbffff000), sp, 2);
    tlb_flush_page(&t, 1, va(0x40000000));
    assert_null(tlb_probe(&t, va(0x7ffff000), 1, ACCESS_EXEC));
    /* An eviction keeps the superpage count right. */
    tlb_fill_level(&t, va(0x200000), 1, ACCESS_WRITE, pages[0], pa(0x80200000), sp, 1);
    fill(&t, 0x200000 + 64 * 4096, 1, ACCESS_WRITE, 1);
    fill(&t, 0x200000 + 128 * 4096, 1, ACCESS_WRITE, 2); /* evicts way 0 */
    assert_null(tlb_probe(&t, va(0x200000), 1, ACCESS_WRITE));
    assert_int_equal(t.nsuper, 0);
    tlb_fini(&t);
}

static void test_flush_global(void **state)
{
    struct tlb t;
    assert_int_equal(tlb_init(&t, 16, 2), 0);
    tlb_fill(&t, va(0x9000), 5, ACCESS_READ, pages[0], pa(0x80000000), leaf(PTE_G));
    tlb_fill(&t, va(0x9000), 6, ACCESS_READ, pages[1], pa(0x80001000), leaf(0));
    tlb_flush_page(&t, 7, va(0x9000));
    assert_null(tlb_probe(&t, va(0x9000), 5, ACCESS_READ));     /* global: any ASID */
    assert_non_null(tlb_probe(&t, va(0x9000), 6, ACCESS_READ)); /* not global */
    tlb_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_geometry),
        cmocka_unit_test(test_lookup_hit_and_miss),
        cmocka_unit_test(test_upper_half_and_max_asid),
        cmocka_unit_test(test_round_robin),
        cmocka_unit_test(test_flush_asid_and_all),
        cmocka_unit_test(test_flush_superpage_entries),
        cmocka_unit_test(test_flush_global),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
