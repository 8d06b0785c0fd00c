/* TLB shootdowns at the machine level (issue 13): a flush of an ASID that
 * other harts have loaded counts one remote flush and one received flush per
 * such hart; the caller's hart counts a local one; harts with another ASID
 * are flushed too (no stale entry of the ASID survives anywhere) but are not
 * targets; and every hart's TLB loses the translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine/machine.h"

static struct machine *new_machine(int harts)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 1 << 20;
    cfg.nharts = harts;
    cfg.fb_width = cfg.fb_height = 0;
    struct machine *m = machine_new(&cfg);
    assert_non_null(m);
    return m;
}

struct seen {
    int calls;
    uint64_t remote;
};

static void hook(void *ctx, int what, uint16_t asid, vaddr_t a, uint64_t remote)
{
    struct seen *s = ctx;
    s->calls++;
    s->remote = remote;
}

static void test_counts(void **state)
{
    struct machine *m = new_machine(4);
    struct seen s = {0};
    m->flush_hook = hook;
    m->flush_ctx = &s;
    /* harts 0, 1, 3 run ASID 7; hart 2 runs ASID 9; the kernel is on hart 1 */
    machine_set_hart(m, 0, 7);
    machine_set_hart(m, 2, 9);
    machine_set_hart(m, 3, 7);
    machine_set_hart(m, 1, 7);
    static uint8_t page[4096];
    for (int i = 0; i < 4; i++) {   /* every hart caches va 0x1000 of ASID 7 */
        tlb_fill(&m->harts[i].mmu.tlb, va(0x1000), 7, ACCESS_READ, page, pa(0x80000000ULL),
                 (pte_t){0});
        assert_non_null(tlb_lookup(&m->harts[i].mmu.tlb, va(0x1000), 7, ACCESS_READ));
    }
    machine_flush_page(m, 7, va(0x1000));
    for (int i = 0; i < 4; i++)   /* hart 2 (another ASID loaded) too */
        assert_null(tlb_lookup(&m->harts[i].mmu.tlb, va(0x1000), 7, ACCESS_READ));
    assert_int_equal(m->tlbstat.nr_tlb_local_flush_one, 1);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush, 1);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush_received, 2);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.remote, (1u << 0) | (1u << 3));
    /* ASID 9 is only on hart 2: a remote flush to it alone, nothing local */
    machine_flush_asid(m, 9);
    assert_int_equal(m->tlbstat.nr_tlb_local_flush_all, 0);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush, 2);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush_received, 3);
    assert_int_equal(s.remote, 1u << 2);
    /* an ASID nobody has loaded: no shootdown */
    machine_flush_page(m, 5, va(0x2000));
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush, 2);
    assert_int_equal(s.remote, 0);
    /* everything: local all, and every other hart with an ASID */
    machine_flush_all(m);
    assert_int_equal(m->tlbstat.nr_tlb_local_flush_all, 1);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush_received, 6);
    machine_free(m);
}

static void test_one_hart(void **state)
{
    struct machine *m = new_machine(1);
    machine_set_hart(m, 0, 3);
    machine_flush_page(m, 3, va(0x1000));
    machine_flush_asid(m, 3);
    assert_int_equal(m->tlbstat.nr_tlb_remote_flush, 0);
    assert_int_equal(m->tlbstat.nr_tlb_local_flush_one, 1);
    assert_int_equal(m->tlbstat.nr_tlb_local_flush_all, 1);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_one_hart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
