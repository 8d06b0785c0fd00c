/* Unit tests of the Sv48 walk and mmu_translate. Page tables are built by hand
 * in a physmem (the test computes indices and addresses itself, from the
 * privileged spec, not with the code under test), then translated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/mmu.h"

#define MEM (16ULL << 20)
#define KIB4 0x1000ULL
#define MIB2 0x200000ULL
#define GIB1 0x40000000ULL
#define URW (PTE_V | PTE_R | PTE_W | PTE_U)
#define DEV_BASE 0x10000000ULL

struct fx {
    struct physmem pm;
    struct mmu m;
    uint64_t next; /* bump allocator: next free pfn */
    pfn_t root1, root2;
    /* the test device: a 4 KiB register file */
    uint64_t dev_regs[512];
    int dev_reads, dev_writes;
};

/* A zeroed frame from RAM. Frames below 2 MiB into RAM are handed out, so
 * 2 MiB-aligned frames further up stay free for superpage tests. */
static pfn_t frame(struct fx *f)
{
    pfn_t p = pfn(f->next++);
    assert_true(f->next < (RAM_BASE + MIB2) >> 12);
    memset(physmem_frame(&f->pm, p), 0, PAGE_SIZE);
    return p;
}

static uint64_t *pte_at(struct fx *f, pfn_t table, unsigned idx)
{
    return (uint64_t *)(physmem_frame(&f->pm, table) + idx * 8);
}

/* VPN[level] of va, straight from the spec's address layout. */
static unsigned vpn(uint64_t v, int level)
{
    return (v >> (12 + 9 * level)) & 0x1ff;
}

/* Installs a leaf for va at `level` pointing at frame `target`, creating
 * pointer tables (PTE = V only) on the way. Returns the leaf's host address. */
static uint64_t *map_at(struct fx *f, pfn_t root, uint64_t v, uint64_t target, uint64_t flags,
                        int level)
{
    pfn_t table = root;
    for (int l = 3; l > level; l--) {
        uint64_t *e = pte_at(f, table, vpn(v, l));
        if (!(*e & PTE_V))
            *e = (frame(f).n << 10) | PTE_V;
        table = pfn((*e >> 10) & ((1ULL << 44) - 1));
    }
    uint64_t *leaf = pte_at(f, table, vpn(v, level));
    *leaf = (target << 10) | flags;
    return leaf;
}

static uint64_t *map4k(struct fx *f, pfn_t root, uint64_t v, uint64_t target, uint64_t flags)
{
    return map_at(f, root, v, target, flags, 0);
}

static int dev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct fx *f = opaque;
    f->dev_reads++;
    *val = f->dev_regs[off / 8];
    return 0;
}

static int dev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct fx *f = opaque;
    f->dev_writes++;
    f->dev_regs[off / 8] = val;
    return 0;
}

static int setup_geom(void **state, unsigned sets, unsigned ways)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(physmem_init(&f->pm, MEM), 0);
    assert_int_equal(mmu_init(&f->m, &f->pm, sets, ways), 0);
    f->next = RAM_BASE >> 12;
    f->root1 = frame(f);
    f->root2 = frame(f);
    struct mmio_device dev = {.name = "regs",
                              .base = pa(DEV_BASE),
                              .size = 4096,
                              .opaque = f,
                              .read = dev_read,
                              .write = dev_write};
    assert_int_equal(physmem_add_device(&f->pm, &dev), 0);
    mmu_set_satp(&f->m, satp_make(1, f->root1));
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_geom(state, 64, 1);
}
static int setup_2way(void **state)
{
    return setup_geom(state, 4, 2);
}
/* Enough ways that one page of two ASIDs (same set: the index is the vpn) coexist. */
static int setup_4way(void **state)
{
    return setup_geom(state, 16, 4);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mmu_fini(&f->m);
    physmem_fini(&f->pm);
    free(f);
    return 0;
}

/* Translates and expects success. */
static struct translation ok(struct fx *f, uint64_t v, enum access acc)
{
    struct translation t;
    int rc = mmu_translate(&f->m, va(v), acc, &t, NULL);
    if (rc != 0)
        fail_msg("translate %#llx: %s (%s)", (unsigned long long)v, cause_name(rc),
                 mmu_fault_kind_name(t.kind));
    assert_int_equal(t.kind, MMU_OK);
    return t;
}

/* Translates and expects a fault of this cause and kind. */
static struct translation bad(struct fx *f, uint64_t v, enum access acc, int cause,
                              enum mmu_fault_kind kind)
{
    struct translation t;
    int rc = mmu_translate(&f->m, va(v), acc, &t, NULL);
    assert_int_equal(rc, cause);
    assert_int_equal(t.cause, cause);
    assert_int_equal(t.kind, kind);
    return t;
}

/* ---- successful translations --------------------------------------------- */

static void test_4k_leaf(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x12345678000ULL;
    map4k(f, f->root1, v, data.n, URW | PTE_A | PTE_D);
    struct translation t = ok(f, v + 0x9ab, ACCESS_READ);
    assert_int_equal(t.pa.p, (data.n << 12) + 0x9ab);
    assert_ptr_equal(t.host, f->pm.ram + ((data.n << 12) - RAM_BASE) + 0x9ab);
    assert_int_equal(t.level, 0);
    assert_false(t.tlb_hit);
    /* The host pointer is the simulated byte. */
    physmem_frame(&f->pm, data)[0x9ab] = 0x5a;
    assert_int_equal(*t.host, 0x5a);
}

static void test_2m_leaf(void **state)
{
    struct fx *f = *state;
    uint64_t target = (RAM_BASE + 4 * MIB2) >> 12; /* 2 MiB aligned */
    uint64_t v = 0x7f0000000000ULL + 3 * MIB2;
    map_at(f, f->root1, v, target, URW | PTE_A | PTE_D, 1);
    uint64_t off = 0x1f2345; /* low VPN bits and page offset pass through */
    struct translation t = ok(f, v + off, ACCESS_WRITE);
    assert_int_equal(t.pa.p, (target << 12) + off);
    assert_int_equal(t.level, 1);
    assert_ptr_equal(t.host, f->pm.ram + 4 * MIB2 + off);
}

static void test_1g_leaf(void **state)
{
    struct fx *f = *state;
    uint64_t target = RAM_BASE >> 12; /* RAM_BASE is 1 GiB aligned */
    uint64_t v = 5 * GIB1;
    map_at(f, f->root1, v, target, PTE_V | PTE_R | PTE_X | PTE_U, 2);
    struct translation t = ok(f, v + 0xabcdef, ACCESS_EXEC);
    assert_int_equal(t.pa.p, RAM_BASE + 0xabcdef);
    assert_int_equal(t.level, 2);
    assert_ptr_equal(t.host, f->pm.ram + 0xabcdef);
    /* The same leaf beyond the end of RAM (16 MiB): neither RAM nor a device. */
    bad(f, v + 0x2000000, ACCESS_EXEC, CAUSE_FETCH_ACCESS, MMU_BAD_PTE);
    bad(f, v + 0x2000000, ACCESS_READ, CAUSE_LOAD_ACCESS, MMU_BAD_PTE);
}

static void test_upper_half_canonical(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0xffffffc000001000ULL; /* canonical, upper half */
    map4k(f, f->root1, v, data.n, URW);
    assert_int_equal(ok(f, v + 8, ACCESS_READ).pa.p, (data.n << 12) + 8);
}

/* ---- faults --------------------------------------------------------------- */

static void test_not_present_each_level(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x0000123456789000ULL;
    uint64_t *leaf = map4k(f, f->root1, v, data.n, URW);
    for (int level = 0; level <= 3; level++) {
        /* Clear the entry at `level` on the path of v. */
        pfn_t table = f->root1;
        uint64_t *e = NULL;
        for (int l = 3; l >= level; l--) {
            e = pte_at(f, table, vpn(v, l));
            table = pfn((*e >> 10) & ((1ULL << 44) - 1));
        }
        uint64_t saved = *e;
        *e = 0x1234ULL << 12; /* V=0: the other bits are the kernel's, ignored */
        struct translation t = bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_NOT_PRESENT);
        assert_int_equal(t.level, level);
        bad(f, v, ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_NOT_PRESENT);
        bad(f, v, ACCESS_EXEC, CAUSE_FETCH_PAGE_FAULT, MMU_NOT_PRESENT);
        /* sv48_walk stops at that entry and says where. */
        int wl = -1;
        assert_ptr_equal(sv48_walk(&f->pm, f->root1, va(v), &wl, NULL), (pte_t *)e);
        assert_int_equal(wl, level);
        *e = saved;
    }
    ok(f, v, ACCESS_READ);
    int wl = -1;
    assert_ptr_equal(sv48_walk(&f->pm, f->root1, va(v), &wl, NULL), (pte_t *)leaf);
    assert_int_equal(wl, 0);
}

static void test_protection(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x400000;
    uint64_t *leaf = map4k(f, f->root1, v, data.n, PTE_V | PTE_R | PTE_W | PTE_X); /* U=0 */
    bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_PROTECTION);
    bad(f, v, ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_PROTECTION);
    bad(f, v, ACCESS_EXEC, CAUSE_FETCH_PAGE_FAULT, MMU_PROTECTION);
    assert_int_equal(*leaf & (PTE_A | PTE_D), 0); /* a fault changes nothing */

    *leaf = (data.n << 10) | PTE_V | PTE_U | PTE_X; /* execute-only: MXR=0, no load */
    mmu_flush_page(&f->m, 1, va(v));
    bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_PROTECTION);
    bad(f, v, ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_PROTECTION);
    ok(f, v, ACCESS_EXEC);

    *leaf = (data.n << 10) | PTE_V | PTE_U | PTE_R; /* read-only */
    mmu_flush_page(&f->m, 1, va(v));
    bad(f, v + 4, ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_PROTECTION);
    bad(f, v + 4, ACCESS_EXEC, CAUSE_FETCH_PAGE_FAULT, MMU_PROTECTION);
    ok(f, v + 4, ACCESS_READ);
    assert_int_equal(*leaf & PTE_D, 0);
}

static void test_malformed(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x800000;
    uint64_t *leaf = map4k(f, f->root1, v, data.n, URW);
    const uint64_t good = *leaf;
    const uint64_t bits[] = {
        PTE_V | PTE_W | PTE_U,                     /* W without R: reserved encoding */
        URW | (1ULL << 54),                        /* reserved bits 60..54 */
        URW | (1ULL << 60),    URW | (1ULL << 61), /* PBMT without Svpbmt */
        URW | (1ULL << 63),                        /* N without Svnapot */
    };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        *leaf = (data.n << 10) | bits[i];
        bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_BAD_PTE);
        bad(f, v, ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_BAD_PTE);
        assert_null(sv48_walk(&f->pm, f->root1, va(v), NULL, NULL));
    }
    *leaf = good;
    ok(f, v, ACCESS_READ);

    /* A pointer PTE with A, D or U set: those bits are reserved in non-leaf PTEs. */
    uint64_t *l1 = pte_at(f, f->root1, vpn(v, 3));
    uint64_t saved = *l1;
    *l1 |= PTE_A;
    mmu_flush_all(&f->m);
    bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_BAD_PTE);
    *l1 = saved;
    ok(f, v, ACCESS_READ);
}

static void test_misaligned_superpage(void **state)
{
    struct fx *f = *state;
    uint64_t v = 0x40000000ULL;
    /* A 2 MiB leaf whose PPN is only 4 KiB aligned. */
    map_at(f, f->root1, v, (RAM_BASE + 4 * MIB2 + KIB4) >> 12, URW, 1);
    bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_BAD_PTE);
    /* A 1 GiB leaf whose PPN is only 2 MiB aligned. */
    map_at(f, f->root1, 7 * GIB1, (RAM_BASE + MIB2) >> 12, URW, 2);
    bad(f, 7 * GIB1 + 8, ACCESS_EXEC, CAUSE_FETCH_PAGE_FAULT, MMU_BAD_PTE);
}

static void test_pointer_at_level0(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0xa00000;
    map4k(f, f->root1, v, data.n, PTE_V); /* R=W=X=0 at level 0: no next level */
    bad(f, v, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_BAD_PTE);
    assert_null(sv48_walk(&f->pm, f->root1, va(v), NULL, NULL));
}

static void test_noncanonical(void **state)
{
    struct fx *f = *state;
    const uint64_t addrs[] = {0x0000800000000000ULL, 0x0001000000000000ULL, 0xffff7fffffffffffULL,
                              0x8000000000000000ULL};
    for (size_t i = 0; i < 4; i++) {
        bad(f, addrs[i], ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_NONCANONICAL);
        bad(f, addrs[i], ACCESS_WRITE, CAUSE_STORE_PAGE_FAULT, MMU_NONCANONICAL);
        bad(f, addrs[i], ACCESS_EXEC, CAUSE_FETCH_PAGE_FAULT, MMU_NONCANONICAL);
        assert_null(sv48_walk(&f->pm, f->root1, va(addrs[i]), NULL, NULL));
    }
    assert_int_equal(f->m.stats.pte_reads, 0);
}

static void test_table_outside_ram(void **state)
{
    struct fx *f = *state;
    uint64_t v = 0xc00000;
    /* A root table in the unmapped low region. */
    mmu_set_satp(&f->m, satp_make(1, pfn(0x100)));
    bad(f, v, ACCESS_READ, CAUSE_LOAD_ACCESS, MMU_BAD_PTE);
    bad(f, v, ACCESS_WRITE, CAUSE_STORE_ACCESS, MMU_BAD_PTE);
    bad(f, v, ACCESS_EXEC, CAUSE_FETCH_ACCESS, MMU_BAD_PTE);
    mmu_set_satp(&f->m, satp_make(1, f->root1));
    /* A level-2 pointer to the device region: page tables live in RAM only. */
    map4k(f, f->root1, v, frame(f).n, URW);
    uint64_t *l2 = pte_at(f, pfn((*pte_at(f, f->root1, vpn(v, 3)) >> 10)), vpn(v, 2));
    *l2 = ((DEV_BASE >> 12) << 10) | PTE_V;
    bad(f, v, ACCESS_READ, CAUSE_LOAD_ACCESS, MMU_BAD_PTE);
    assert_null(sv48_walk(&f->pm, f->root1, va(v), NULL, NULL));
    /* ... and past the end of RAM. */
    *l2 = (((RAM_BASE + MEM) >> 12) << 10) | PTE_V;
    bad(f, v, ACCESS_READ, CAUSE_LOAD_ACCESS, MMU_BAD_PTE);
    assert_int_equal(f->dev_reads, 0);
}

/* ---- A/D and the TLB ------------------------------------------------------ */

static void test_accessed_dirty(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x10000;
    uint64_t *leaf = map4k(f, f->root1, v, data.n, URW);
    ok(f, v, ACCESS_READ);
    assert_int_equal(*leaf & (PTE_A | PTE_D), PTE_A); /* written back to memory */
    struct translation t = ok(f, v + 16, ACCESS_WRITE);
    assert_int_equal(*leaf & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert_int_equal(t.leaf.bits, *leaf);
    assert_int_equal(*leaf >> 10, data.n); /* nothing else changed */
    assert_int_equal(*leaf & 0x3ff, URW | PTE_A | PTE_D);
}

static void test_clean_page_first_store(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x20000;
    uint64_t *leaf = map4k(f, f->root1, v, data.n, URW | PTE_A); /* writable, clean */
    ok(f, v, ACCESS_READ);
    /* The read filled the read TLB only: a store must reach the slow path. */
    assert_non_null(mmu_fast(&f->m, va(v), ACCESS_READ));
    assert_null(mmu_fast(&f->m, va(v), ACCESS_WRITE));
    assert_null(tlb_probe(&f->m.tlb, va(v), 1, ACCESS_WRITE));
    struct translation t = ok(f, v + 8, ACCESS_WRITE);
    assert_false(t.tlb_hit);
    assert_true(*leaf & PTE_D);
    /* Now dirty: the write TLB holds it. */
    assert_ptr_equal(mmu_fast(&f->m, va(v + 8), ACCESS_WRITE), t.host);
    assert_null(mmu_fast(&f->m, va(v), ACCESS_EXEC));
}

static void test_tlb_hit_after_fill(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x30000;
    map4k(f, f->root1, v, data.n, URW);
    struct translation t1 = ok(f, v + 1, ACCESS_READ);
    assert_int_equal(f->m.stats.walks, 1);
    assert_int_equal(f->m.tlb.stats.misses, 1);
    struct translation t2 = ok(f, v + 2, ACCESS_READ);
    assert_true(t2.tlb_hit);
    assert_int_equal(t2.pa.p, t1.pa.p + 1);
    assert_ptr_equal(t2.host, t1.host + 1);
    assert_int_equal(t2.level, 0);
    assert_int_equal(f->m.stats.walks, 1);
    assert_int_equal(f->m.tlb.stats.hits, 1);
    uint8_t *h = mmu_fast(&f->m, va(v + 0xfff), ACCESS_READ);
    assert_ptr_equal(h, t1.host + 0xffe);
    assert_int_equal(f->m.tlb.stats.hits, 2);
    /* A hit reports the superpage level too. */
    map_at(f, f->root1, 0x40000000ULL, (RAM_BASE + 4 * MIB2) >> 12, URW, 1);
    ok(f, 0x40001000ULL, ACCESS_READ);
    t2 = ok(f, 0x40001008ULL, ACCESS_READ);
    assert_true(t2.tlb_hit);
    assert_int_equal(t2.level, 1);
    assert_int_equal(t2.pa.p, RAM_BASE + 4 * MIB2 + 0x1008);
}

static void test_asid_tagging(void **state)
{
    struct fx *f = *state;
    pfn_t d1 = frame(f), d2 = frame(f);
    uint64_t v = 0x555000;
    map4k(f, f->root1, v, d1.n, URW);
    map4k(f, f->root2, v, d2.n, URW);
    uint64_t satp1 = satp_make(1, f->root1), satp2 = satp_make(2, f->root2);
    mmu_set_satp(&f->m, satp1);
    assert_int_equal(ok(f, v, ACCESS_READ).pa.p, d1.n << 12);
    mmu_set_satp(&f->m, satp2);
    struct translation t = ok(f, v, ACCESS_READ);
    assert_false(t.tlb_hit); /* the entry of ASID 1 does not serve ASID 2 */
    assert_int_equal(t.pa.p, d2.n << 12);
    mmu_set_satp(&f->m, satp1); /* no flush between */
    t = ok(f, v, ACCESS_READ);
    assert_true(t.tlb_hit);
    assert_int_equal(t.pa.p, d1.n << 12);
    mmu_set_satp(&f->m, satp2);
    t = ok(f, v, ACCESS_READ);
    assert_true(t.tlb_hit);
    assert_int_equal(t.pa.p, d2.n << 12);
    assert_int_equal(f->m.stats.walks, 2);
}

/* In a direct-mapped TLB the same page of two ASIDs shares one slot: each
 * switch back misses again (set index = vpn, as tlb.h says). */
static void test_asid_direct_mapped_conflict(void **state)
{
    struct fx *f = *state; /* 64 sets x 1 way */
    uint64_t v = 0x555000;
    map4k(f, f->root1, v, frame(f).n, URW);
    map4k(f, f->root2, v, frame(f).n, URW);
    for (int i = 0; i < 3; i++) {
        mmu_set_satp(&f->m, satp_make(1, f->root1));
        assert_false(ok(f, v, ACCESS_READ).tlb_hit);
        mmu_set_satp(&f->m, satp_make(2, f->root2));
        assert_false(ok(f, v, ACCESS_READ).tlb_hit);
    }
    assert_int_equal(f->m.stats.walks, 6);
}

static void test_flushes(void **state)
{
    struct fx *f = *state;
    uint64_t a = 0x1000000, b = 0x1001000;
    map4k(f, f->root1, a, frame(f).n, URW);
    map4k(f, f->root1, b, frame(f).n, URW);
    map4k(f, f->root2, a, frame(f).n, URW);
    mmu_set_satp(&f->m, satp_make(1, f->root1));
    ok(f, a, ACCESS_WRITE); /* fills write and read */
    ok(f, b, ACCESS_READ);
    mmu_set_satp(&f->m, satp_make(2, f->root2));
    ok(f, a, ACCESS_READ);
    struct tlb *t = &f->m.tlb;
    assert_non_null(tlb_probe(t, va(a), 1, ACCESS_WRITE));
    assert_non_null(tlb_probe(t, va(a), 1, ACCESS_READ));

    mmu_flush_page(&f->m, 1, va(a + 0x123)); /* any address in the page */
    assert_null(tlb_probe(t, va(a), 1, ACCESS_READ));
    assert_null(tlb_probe(t, va(a), 1, ACCESS_WRITE));
    assert_non_null(tlb_probe(t, va(b), 1, ACCESS_READ));
    assert_non_null(tlb_probe(t, va(a), 2, ACCESS_READ));

    mmu_flush_asid(&f->m, 2);
    assert_null(tlb_probe(t, va(a), 2, ACCESS_READ));
    assert_non_null(tlb_probe(t, va(b), 1, ACCESS_READ));

    mmu_flush_all(&f->m);
    assert_null(tlb_probe(t, va(b), 1, ACCESS_READ));
    assert_int_equal(t->stats.flushes_page, 1);
    assert_int_equal(t->stats.flushes_asid, 1);
    assert_int_equal(t->stats.flushes_all, 1);
}

static void test_flush_superpage_and_global(void **state)
{
    struct fx *f = *state;
    uint64_t sp = 0x40000000ULL, other = 0x2000000;
    map_at(f, f->root1, sp, (RAM_BASE + 4 * MIB2) >> 12, URW, 1);
    map4k(f, f->root1, other, frame(f).n, URW);
    ok(f, sp + 0x3000, ACCESS_READ);
    ok(f, sp + 0x1ff000, ACCESS_READ);
    ok(f, other, ACCESS_READ);
    /* sfence.vma on one page of the superpage drops entries made from its leaf. */
    mmu_flush_page(&f->m, 1, va(sp));
    assert_null(tlb_probe(&f->m.tlb, va(sp + 0x3000), 1, ACCESS_READ));
    assert_null(tlb_probe(&f->m.tlb, va(sp + 0x1ff000), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&f->m.tlb, va(other), 1, ACCESS_READ));

    /* A global leaf cached under ASID 1 is dropped by a flush naming ASID 2. */
    uint64_t g = 0x3000000;
    map4k(f, f->root1, g, frame(f).n, URW | PTE_G);
    ok(f, g, ACCESS_READ);
    mmu_flush_page(&f->m, 2, va(g));
    assert_null(tlb_probe(&f->m.tlb, va(g), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&f->m.tlb, va(other), 1, ACCESS_READ));
    /* A non-global one is not. */
    mmu_flush_page(&f->m, 2, va(other));
    assert_non_null(tlb_probe(&f->m.tlb, va(other), 1, ACCESS_READ));
}

static void test_stats(void **state)
{
    struct fx *f = *state;
    map4k(f, f->root1, 0x10000, frame(f).n, URW);
    map_at(f, f->root1, 0x40000000ULL, (RAM_BASE + 4 * MIB2) >> 12, URW, 1);
    map_at(f, f->root1, 5 * GIB1, RAM_BASE >> 12, URW, 2);
    ok(f, 0x10000, ACCESS_READ);
    assert_int_equal(f->m.stats.pte_reads, 4);
    ok(f, 0x40000000ULL, ACCESS_READ);
    assert_int_equal(f->m.stats.pte_reads, 4 + 3);
    ok(f, 5 * GIB1, ACCESS_READ);
    assert_int_equal(f->m.stats.pte_reads, 4 + 3 + 2);
    bad(f, 0x50000000ULL, ACCESS_READ, CAUSE_LOAD_PAGE_FAULT, MMU_NOT_PRESENT);
    ok(f, 0x10008, ACCESS_READ);
    assert_int_equal(f->m.stats.walks, 4);
    assert_int_equal(f->m.stats.faults, 1);
    assert_int_equal(f->m.tlb.stats.misses, 4);
    assert_int_equal(f->m.tlb.stats.hits, 1);
}

static void test_trace(void **state)
{
    struct fx *f = *state;
    pfn_t data = frame(f);
    uint64_t v = 0x0000765432101000ULL;
    map4k(f, f->root1, v, data.n, URW);
    struct walk_trace tr;
    struct translation t;
    assert_int_equal(mmu_translate(&f->m, va(v), ACCESS_READ, &t, &tr), 0);
    assert_int_equal(tr.nsteps, 4);
    pfn_t table = f->root1;
    for (int i = 0; i < 4; i++) {
        int level = 3 - i;
        assert_int_equal(tr.step[i].level, level);
        assert_int_equal(tr.step[i].index, vpn(v, level));
        assert_int_equal(tr.step[i].pte_addr.p, (table.n << 12) + 8 * vpn(v, level));
        table = pfn(tr.step[i].pte.bits >> 10);
    }
    assert_int_equal(table.n, data.n);
    assert_int_equal(tr.step[3].pte.bits & PTE_A, 0); /* as read, before the update */
}

static void test_device_page(void **state)
{
    struct fx *f = *state;
    uint64_t v = 0x7000000;
    map4k(f, f->root1, v, DEV_BASE >> 12, URW);
    struct translation t = ok(f, v + 0x18, ACCESS_WRITE);
    assert_null(t.host);
    assert_int_equal(t.pa.p, DEV_BASE + 0x18);
    /* No fast path for device pages: every access walks. */
    assert_null(tlb_probe(&f->m.tlb, va(v), 1, ACCESS_WRITE));
    assert_null(tlb_probe(&f->m.tlb, va(v), 1, ACCESS_READ));
    assert_null(mmu_fast(&f->m, va(v), ACCESS_READ));
    t = ok(f, v + 0x18, ACCESS_READ);
    assert_false(t.tlb_hit);
    assert_int_equal(f->m.stats.walks, 2);
    /* The hart would now send the access to the device. */
    assert_int_equal(physmem_io_write(&f->pm, t.pa, 8, 0xfeed), 0);
    uint64_t val = 0;
    assert_int_equal(physmem_io_read(&f->pm, t.pa, 8, &val), 0);
    assert_int_equal(val, 0xfeed);
    assert_int_equal(f->dev_regs[3], 0xfeed);
    /* A page past the device's 4 KiB is neither RAM nor device. */
    map4k(f, f->root1, v + KIB4, (DEV_BASE >> 12) + 1, URW);
    bad(f, v + KIB4, ACCESS_READ, CAUSE_LOAD_ACCESS, MMU_BAD_PTE);
}

/* ---- geometry -------------------------------------------------------------- */

static void test_two_way_round_robin(void **state)
{
    struct fx *f = *state; /* 4 sets x 2 ways */
    /* Pages 4 apart share a set. */
    uint64_t p[3] = {0x100000, 0x104000, 0x108000};
    for (int i = 0; i < 3; i++)
        map4k(f, f->root1, p[i], frame(f).n, URW);
    ok(f, p[0], ACCESS_READ);
    ok(f, p[1], ACCESS_READ);
    assert_true(ok(f, p[0], ACCESS_READ).tlb_hit); /* both fit */
    assert_true(ok(f, p[1], ACCESS_READ).tlb_hit);
    ok(f, p[2], ACCESS_READ); /* evicts the oldest: way 0, p[0] */
    assert_null(tlb_probe(&f->m.tlb, va(p[0]), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&f->m.tlb, va(p[1]), 1, ACCESS_READ));
    ok(f, p[0], ACCESS_READ); /* evicts way 1: p[1] */
    assert_null(tlb_probe(&f->m.tlb, va(p[1]), 1, ACCESS_READ));
    assert_non_null(tlb_probe(&f->m.tlb, va(p[2]), 1, ACCESS_READ));
    assert_int_equal(f->m.stats.walks, 4);
}

/* Every entry of every array of f's TLB agrees with root1 (all of ASID 1). */
static bool tlb_consistent(struct fx *f)
{
    const struct tlb *t = &f->m.tlb;
    for (int acc = 0; acc < 3; acc++)
        for (unsigned i = 0; i < t->sets * t->ways; i++) {
            const struct tlb_entry *e = &t->e[acc][i];
            if (tlb_entry_valid(e))
                assert_int_equal(tlb_entry_asid(e), 1);
            if (!mmu_tlb_entry_ok(&f->pm, f->root1, e, acc))
                return false;
        }
    return true;
}

static void test_tlb_entry_check(void **state)
{
    struct fx *f = *state;
    pfn_t d1 = frame(f), d2 = frame(f);
    uint64_t v = 0xffffffc000001000ULL, w = 0x5000;
    uint64_t *lv = map4k(f, f->root1, v, d1.n, URW | PTE_X);
    uint64_t *lw = map4k(f, f->root1, w, d2.n, URW);
    map_at(f, f->root1, 0x40000000ULL, (RAM_BASE + 4 * MIB2) >> 12, URW, 1);
    ok(f, v, ACCESS_WRITE);
    ok(f, v, ACCESS_EXEC);
    ok(f, w, ACCESS_READ);
    ok(f, 0x40005000ULL, ACCESS_WRITE);
    const struct tlb_entry *e = tlb_probe(&f->m.tlb, va(v), 1, ACCESS_EXEC);
    assert_non_null(e);
    assert_int_equal(tlb_entry_va(e).v, v);
    assert_true(tlb_consistent(f));
    const uint64_t saved = *lv;

    *lv &= ~PTE_D; /* cleaned without a flush: the write entry is stale */
    assert_false(tlb_consistent(f));
    *lv = saved & ~PTE_X; /* exec revoked */
    assert_false(tlb_consistent(f));
    *lv = (d2.n << 10) | (saved & 0x3ff); /* remapped to another frame */
    assert_false(tlb_consistent(f));
    *lv = saved & ~PTE_V; /* unmapped */
    assert_false(tlb_consistent(f));
    *lv = saved & ~PTE_A; /* A is not a grant: clearing it is fine */
    assert_true(tlb_consistent(f));
    *lv = saved & ~PTE_X;
    mmu_flush_page(&f->m, 1, va(v)); /* the kernel's duty after a change */
    assert_true(tlb_consistent(f));

    *lw |= PTE_W; /* more rights than cached is fine */
    assert_true(tlb_consistent(f));
    *lw &= ~PTE_U;
    assert_false(tlb_consistent(f));
    mmu_flush_all(&f->m);
    assert_true(tlb_consistent(f));
}

static void test_names(void **state)
{
    assert_string_equal(cause_name(CAUSE_LOAD_PAGE_FAULT), "load page fault");
    assert_string_equal(cause_name(CAUSE_STORE_PAGE_FAULT), "store page fault");
    assert_string_equal(cause_name(CAUSE_FETCH_ACCESS), "fetch access fault");
    assert_string_equal(mmu_fault_kind_name(MMU_NOT_PRESENT), "not present");
    assert_string_equal(mmu_fault_kind_name(MMU_PROTECTION), "protection");
    assert_non_null(cause_name(99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4k_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_2m_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1g_leaf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upper_half_canonical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_present_each_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misaligned_superpage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pointer_at_level0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_noncanonical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_outside_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accessed_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_page_first_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlb_hit_after_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_asid_tagging, setup_4way, teardown),
        cmocka_unit_test_setup_teardown(test_asid_direct_mapped_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flushes, setup_4way, teardown),
        cmocka_unit_test_setup_teardown(test_flush_superpage_and_global, setup_4way, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_way_round_robin, setup_2way, teardown),
        cmocka_unit_test_setup_teardown(test_tlb_entry_check, setup_4way, teardown),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
