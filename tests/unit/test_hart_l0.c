/* The interpreter's first-level data TLB (the L0 in hart.c) must be
 * invisible: an access hits it only when the machine's TLB would hit, so the
 * TLB statistics are those of the modelled TLB, and a translation the kernel
 * revokes (with machine_flush_*) or the TLB evicts is never used again. The
 * expected counts come from the TLB geometry (a plain model), not from a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hart_env.h"

#define CODE 0x10000ULL
#define PAGE_A 0x200000ULL
#define PAGE_B 0x201000ULL    /* same TLB set as A in a 1-set TLB */
#define PAGE_C 0x300000ULL

static uint32_t ld(unsigned rd, unsigned rs1) { return rs1 << 15 | 3u << 12 | rd << 7 | 0x03; }
static uint32_t sd(unsigned rs2, unsigned rs1) { return rs2 << 20 | rs1 << 15 | 3u << 12 | 0x23; }

/* A machine with a TLB of sets x ways (hart_env.h's env_init, other geometry). */
static void env_init_tlb(struct hart_env *e, unsigned sets, unsigned ways)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 16ULL << 20;
    cfg.tlb_sets = sets;
    cfg.tlb_ways = ways;
    e->m = machine_new(&cfg);
    assert_non_null(e->m);
    e->h = &e->m->harts[0];
    e->next_pfn = e->m->pm.ram_first.n;
    e->root = env_frame(e);
    mmu_set_satp(&e->h->mmu, satp_make(ENV_ASID, e->root));
}

/* Runs n instructions from CODE; they must all retire. */
static void run(struct hart_env *e, uint64_t n)
{
    struct trap t;
    e->h->pc = CODE;
    hart_run(e->h, n, &t);
    assert_int_equal(t.cause, TRAP_QUANTUM);
}

/* Loads A, A, B, ... from two pages that share the only TLB entry: the
 * second load of A hits (and puts A in the L0), B evicts A, and the next load
 * of A must miss although A is still where a direct-mapped L0 would keep it. */
static void test_eviction_is_seen(void **state)
{
    (void)state;
    for (unsigned ways = 1; ways <= 2; ways++) {
        struct hart_env e;
        env_init_tlb(&e, 1, ways);
        uint32_t *code = (uint32_t *)env_map(&e, CODE, PTE_R | PTE_X);
        env_map(&e, PAGE_A, PTE_R | PTE_W);
        env_map(&e, PAGE_B, PTE_R | PTE_W);
        for (unsigned i = 0; i < 510; i++)
            code[i] = i % 3 == 2 ? ld(7, 8) : ld(5, 6);
        e.h->x[6] = PAGE_A;
        e.h->x[8] = PAGE_B;
        uint64_t misses0 = e.h->mmu.tlb.stats.misses;
        run(&e, 510);
        /* One way: 2 data misses in each of the 170 groups; two ways: A and B
         * once. Plus one fetch miss (the fetch array is separate). */
        assert_int_equal(e.h->mmu.tlb.stats.misses - misses0, 1 + (ways == 1 ? 340 : 2));
        env_fini(&e);
    }
}

/* A walk outside hart_run (the kernel reading user memory) that evicts the
 * entry of A: the next load from A misses. */
static void test_walk_between_runs(void **state)
{
    (void)state;
    struct hart_env e;
    env_init_tlb(&e, 1, 1);
    uint32_t *code = (uint32_t *)env_map(&e, CODE, PTE_R | PTE_X);
    env_map(&e, PAGE_A, PTE_R | PTE_W);
    env_map(&e, PAGE_B, PTE_R | PTE_W);
    code[0] = ld(5, 6);
    code[1] = ld(5, 6);
    e.h->x[6] = PAGE_A;
    run(&e, 2);   /* A is in the TLB (and the L0) */
    struct translation tr;
    assert_int_equal(mmu_translate(&e.h->mmu, va(PAGE_B), ACCESS_READ, &tr, NULL), 0);
    uint64_t misses0 = e.h->mmu.tlb.stats.misses;
    run(&e, 2);
    assert_int_equal(e.h->mmu.tlb.stats.misses - misses0, 1);   /* A again, then a hit */
    env_fini(&e);
}

/* Remapping a page with the kernel's flush: loads and stores use the new
 * frame at once; a page made read-only faults on the next store. */
static void test_flush_is_seen(void **state)
{
    (void)state;
    struct hart_env e;
    env_init_tlb(&e, 64, 4);
    uint32_t *code = (uint32_t *)env_map(&e, CODE, PTE_R | PTE_X);
    uint8_t *a1 = env_map(&e, PAGE_C, PTE_R | PTE_W);
    code[0] = ld(5, 6);
    code[1] = sd(7, 6);
    e.h->x[6] = PAGE_C;
    e.h->x[7] = 0x1111;
    a1[0] = 42;
    run(&e, 2);
    assert_int_equal(e.h->x[5], 42);
    assert_int_equal(a1[0], 0x11);
    uint8_t *a2 = env_map(&e, PAGE_C, PTE_R | PTE_W);   /* new frame, machine_flush_page */
    a2[0] = 7;
    e.h->x[7] = 0x2222;
    run(&e, 2);
    assert_int_equal(e.h->x[5], 7);
    assert_int_equal(a2[0], 0x22);
    assert_int_equal(a1[0], 0x11);
    /* Read-only now: the load works, the store faults and changes nothing. */
    *env_slot(&e, PAGE_C) = pte_make(pte_pfn(*env_slot(&e, PAGE_C)),
                                     PTE_R | PTE_V | PTE_U | PTE_A | PTE_D);
    machine_flush_page(e.m, ENV_ASID, va(PAGE_C));
    e.h->x[7] = 0x3333;
    struct trap t;
    e.h->pc = CODE;
    hart_run(e.h, 2, &t);
    assert_int_equal(t.cause, CAUSE_STORE_PAGE_FAULT);
    assert_int_equal(t.tval, PAGE_C);
    assert_int_equal(a2[0], 0x22);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eviction_is_seen),
        cmocka_unit_test(test_walk_between_runs),
        cmocka_unit_test(test_flush_is_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
