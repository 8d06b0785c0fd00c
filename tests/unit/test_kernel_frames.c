/* Unit tests of the frame table and of page-table building, against a bare
 * physmem (no kernel). Table contents are checked by computing indices from
 * the Sv48 layout in the test itself. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/mm/frames.h"
#include "kernel/mm/pagetable.h"

#define MEM (1ULL << 20) /* 256 frames */

struct fx {
    struct physmem pm;
    struct frames ft;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_int_equal(physmem_init(&f->pm, MEM), 0);
    assert_int_equal(frames_init(&f->ft, &f->pm), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    frames_fini(&f->ft);
    physmem_fini(&f->pm);
    free(f);
    return 0;
}

static void test_alloc_all_scattered_deterministic(void **state)
{
    struct fx *f = *state;
    uint64_t n = f->ft.n;
    assert_int_equal(n, 256);
    pfn_t *got = calloc(n, sizeof *got);
    int consecutive = 0;
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &got[i]), 0);
        assert_true(got[i].n >= RAM_BASE >> 12 && got[i].n < (RAM_BASE + MEM) >> 12);
        /* zero-filled even after earlier use */
        uint8_t *b = frame_bytes(&f->ft, got[i]);
        for (int j = 0; j < 4096; j += 512)
            assert_int_equal(b[j], 0);
        memset(b, 0xab, 4096);
        if (i > 0 && got[i].n == got[i - 1].n + 1)
            consecutive++;
    }
    assert_true(consecutive < 16); /* a shuffled order, not 0, 1, 2, ... */
    /* every frame exactly once */
    uint8_t *seen = calloc(n, 1);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t idx = got[i].n - (RAM_BASE >> 12);
        assert_int_equal(seen[idx], 0);
        seen[idx] = 1;
    }
    pfn_t x;
    assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &x), -ENOMEM);
    assert_int_equal(f->ft.count[FRAME_FREE], 0);
    assert_int_equal(f->ft.count[FRAME_ANON], n);
    for (uint64_t i = 0; i < n; i++)
        frame_put(&f->ft, got[i]);
    assert_int_equal(f->ft.count[FRAME_FREE], n);
    /* LIFO reuse: the last freed comes back first, zeroed. */
    assert_int_equal(frame_alloc(&f->ft, FRAME_FILE, &x), 0);
    assert_int_equal(x.n, got[n - 1].n);
    assert_int_equal(frame_bytes(&f->ft, x)[100], 0);
    frame_put(&f->ft, x);

    /* The same size of machine gives the same order. */
    struct physmem pm2;
    struct frames ft2;
    assert_int_equal(physmem_init(&pm2, MEM), 0);
    assert_int_equal(frames_init(&ft2, &pm2), 0);
    struct frames ft3;
    assert_int_equal(frames_init(&ft3, &f->pm), 0);
    for (int i = 0; i < 10; i++) {
        pfn_t a, b;
        assert_int_equal(frame_alloc(&ft2, FRAME_ANON, &a), 0);
        assert_int_equal(frame_alloc(&ft3, FRAME_ANON, &b), 0);
        assert_int_equal(a.n, b.n);
    }
    frames_fini(&ft3);
    frames_fini(&ft2);
    physmem_fini(&pm2);
    free(seen);
    free(got);
}

/* Sizes that are not a power of four: the fresh order (a permutation of
 * [0, 2^k) walked until it lands below n) must still give every frame once. */
static void test_alloc_all_odd_sizes(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {1, 3, 5, 300, 1000, 4097};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint64_t n = sizes[s];
        struct physmem pm;
        struct frames ft;
        assert_int_equal(physmem_init(&pm, n * 4096), 0);
        assert_int_equal(frames_init(&ft, &pm), 0);
        assert_int_equal(ft.n, n);
        uint8_t *seen = calloc(n, 1);
        pfn_t x;
        for (uint64_t i = 0; i < n; i++) {
            assert_int_equal(frame_alloc(&ft, FRAME_ANON, &x), 0);
            uint64_t idx = x.n - (RAM_BASE >> 12);
            assert_true(idx < n);
            assert_int_equal(seen[idx], 0);
            seen[idx] = 1;
        }
        assert_int_equal(frame_alloc(&ft, FRAME_ANON, &x), -ENOMEM);
        free(seen);
        frames_fini(&ft);   /* ASan: every frame's (empty) rmap released */
        physmem_fini(&pm);
    }
}

static void test_refcount_and_rmap(void **state)
{
    struct fx *f = *state;
    pfn_t p;
    assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &p), 0);
    struct frame *fr = frame_of(&f->ft, p);
    assert_int_equal(fr->refcount, 1);
    struct mm *m1 = (struct mm *)0x1000, *m2 = (struct mm *)0x2000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(frame_map(&f->ft, p, i % 2 ? m2 : m1, 0x10000 + (uint64_t)i * 4096), 0);
    assert_int_equal(fr->mapcount, 5);
    assert_int_equal(fr->refcount, 6);
    frame_unmap(&f->ft, p, m2, 0x10000 + 4096);
    frame_put(&f->ft, p);
    assert_int_equal(fr->mapcount, 4);
    for (uint32_t i = 0; i < fr->mapcount; i++)
        assert_false(fr->rmap[i].mm == m2 && fr->rmap[i].va == 0x10000 + 4096);
    frame_put(&f->ft, p);                  /* the allocation's reference */
    assert_int_equal(fr->use, FRAME_ANON); /* still mapped */
    for (int i = 0; i < 5; i++)
        if (i != 1) {
            frame_unmap(&f->ft, p, i % 2 ? m2 : m1, 0x10000 + (uint64_t)i * 4096);
            frame_put(&f->ft, p);
        }
    assert_int_equal(fr->use, FRAME_FREE);
    assert_int_equal(f->ft.count[FRAME_FREE], f->ft.n);
}

static uint64_t reclaim_calls;
static void fake_reclaim(void *ctx, bool user)
{
    struct fx *f = ctx;
    assert_true(user); /* an ANON frame is wanted */
    reclaim_calls++;
    frame_put(&f->ft, pfn((RAM_BASE >> 12) + 0)); /* whatever frame 0 is: give it back */
}

static void test_reclaim_hook(void **state)
{
    struct fx *f = *state;
    pfn_t p;
    while (frame_alloc(&f->ft, FRAME_ANON, &p) == 0)
        ;
    f->ft.reclaim = fake_reclaim;
    f->ft.reclaim_ctx = f;
    assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &p), 0);
    assert_int_equal(reclaim_calls, 1);
    assert_int_equal(p.n, RAM_BASE >> 12);
    for (uint64_t i = 0; i < f->ft.n; i++)
        frame_put(&f->ft, pfn((RAM_BASE >> 12) + i));
}

static void test_pagetable_build_walk_free(void **state)
{
    struct fx *f = *state;
    pfn_t root;
    assert_int_equal(pt_alloc_table(&f->ft, &root), 0);
    uint64_t nt = 1;
    uint64_t a = 0x00007f1234567000ULL;
    int err = 0;
    assert_null(pt_pte(&f->ft, root, va(a), false, &nt, &err));
    pte_t *e = pt_pte(&f->ft, root, va(a), true, &nt, &err);
    assert_non_null(e);
    assert_int_equal(nt, 4);
    /* The leaf slot is where the spec says: root[VPN3] -> [VPN2] -> [VPN1] -> [VPN0]. */
    uint64_t *t = (uint64_t *)frame_bytes(&f->ft, root);
    for (int lvl = 3; lvl > 0; lvl--) {
        uint64_t ent = t[(a >> (12 + 9 * lvl)) & 511];
        assert_int_equal(ent & 0x3ff, PTE_V); /* pointer: V only */
        t = (uint64_t *)physmem_frame(&f->pm, pfn(ent >> 10));
    }
    assert_ptr_equal((void *)&t[(a >> 12) & 511], (void *)e);
    /* A second page in the same 2 MiB shares the tables; one far away needs three. */
    assert_non_null(pt_pte(&f->ft, root, va(a + 4096), true, &nt, &err));
    assert_int_equal(nt, 4);
    assert_non_null(pt_pte(&f->ft, root, va(0x10000), true, &nt, &err));
    assert_int_equal(nt, 7);
    pfn_t leaf;
    assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &leaf), 0);
    *e = pte_make(leaf, PTE_V | PTE_R | PTE_U);
    *pt_pte(&f->ft, root, va(0x10000), false, NULL, NULL) = pte_make(leaf, PTE_V | PTE_R | PTE_U);
    pt_free_empty(&f->ft, root, 0, 0x0000800000000000ULL, &nt);
    assert_int_equal(nt, 7); /* nothing empty yet */
    pt_pte(&f->ft, root, va(0x10000), false, NULL, NULL)->bits = 0;
    pt_free_empty(&f->ft, root, 0x10000, 0x11000, &nt);
    assert_int_equal(nt, 4); /* the three tables of 0x10000 went */
    assert_null(pt_pte(&f->ft, root, va(0x10000), false, NULL, NULL));
    e->bits = 0;
    pt_free_user(&f->ft, root, &nt);
    assert_int_equal(nt, 1);
    frame_put(&f->ft, leaf);
    frame_put(&f->ft, root);
    assert_int_equal(f->ft.count[FRAME_FREE], f->ft.n);
}

struct visits {
    uint64_t va[8];
    int n;
};

static void record(pte_t *e, uint64_t a, void *ctx)
{
    struct visits *v = ctx;
    assert_true(v->n < 8);
    v->va[v->n++] = a;
    assert_true(e->bits != 0);
}

static void test_pt_for_each_skips_holes(void **state)
{
    struct fx *f = *state;
    pfn_t root, leaf;
    assert_int_equal(pt_alloc_table(&f->ft, &root), 0);
    assert_int_equal(frame_alloc(&f->ft, FRAME_ANON, &leaf), 0);
    uint64_t nt = 1;
    const uint64_t where[] = {0x10000, 0x1ff000, 0x200000, 0x40000000, 0x7ffffffff000ULL};
    for (int i = 0; i < 5; i++)
        *pt_pte(&f->ft, root, va(where[i]), true, &nt, NULL) =
            pte_make(leaf, PTE_V | PTE_R | PTE_U);
    struct visits v = {.n = 0};
    pt_for_each(&f->ft, root, 0, 0x0000800000000000ULL, record, &v);
    assert_int_equal(v.n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(v.va[i], where[i]);
    v.n = 0;
    pt_for_each(&f->ft, root, 0x1ff000, 0x40000000, record, &v); /* end exclusive */
    assert_int_equal(v.n, 2);
    for (int i = 0; i < 5; i++)
        pt_pte(&f->ft, root, va(where[i]), false, NULL, NULL)->bits = 0;
    pt_free_empty(&f->ft, root, 0, 0x0000800000000000ULL, &nt);
    assert_int_equal(nt, 1);
    frame_put(&f->ft, leaf);
    frame_put(&f->ft, root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alloc_all_scattered_deterministic, setup, teardown),
        cmocka_unit_test(test_alloc_all_odd_sizes),
        cmocka_unit_test_setup_teardown(test_refcount_and_rmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pagetable_build_walk_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pt_for_each_skips_holes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
