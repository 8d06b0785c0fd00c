/* Unit tests of the page-index radix tree (mm/pindex.c, the page cache's
 * map from page index to frame or swap slot): thousands of random sets,
 * removes, lookups, range counts and in-order walks checked against a
 * plain unsorted array searched linearly, with the tree's own invariant
 * checker run after every step. Indexes are drawn dense (a file's first
 * pages), near the 64^k node boundaries, and anywhere in 64 bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kernel/mm/pindex.h"

#define MAXE 1500

struct model {
    uint64_t idx[MAXE], val[MAXE];
    size_t n;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t pick_index(void)
{
    switch (rnd() % 4) {
    case 0:
        return rnd() % 300; /* dense: a small file */
    case 1: {
        unsigned k = 1 + rnd() % 10; /* around a node boundary 64^k */
        uint64_t b = 1ull << (6 * k);
        return b - 2 + rnd() % 4;
    }
    case 2:
        return UINT64_MAX - rnd() % 3; /* the top of the space */
    default:
        return rnd() >> (rnd() % 64); /* anywhere */
    }
}

static long m_find(const struct model *m, uint64_t i)
{
    for (size_t j = 0; j < m->n; j++)
        if (m->idx[j] == i)
            return (long)j;
    return -1;
}

/* The model's first entry >= from. */
static bool m_next(const struct model *m, uint64_t from, uint64_t *i, uint64_t *v)
{
    bool found = false;
    for (size_t j = 0; j < m->n; j++)
        if (m->idx[j] >= from && (!found || m->idx[j] < *i)) {
            *i = m->idx[j];
            *v = m->val[j];
            found = true;
        }
    return found;
}

static int by_index(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static void check_same(const struct pindex *t, const struct model *m)
{
    assert_null(pindex_check(t));
    assert_int_equal(pindex_count(t), m->n);
    /* the walk visits exactly the model's entries, in increasing order */
    static uint64_t sorted[MAXE][2];
    for (size_t j = 0; j < m->n; j++)
        sorted[j][0] = m->idx[j], sorted[j][1] = m->val[j];
    qsort(sorted, m->n, sizeof sorted[0], by_index);
    size_t seen = 0;
    PINDEX_FOR_RANGE(t, 0, UINT64_MAX, i, v) {
        assert_true(seen < m->n);
        assert_int_equal(i, sorted[seen][0]);
        assert_int_equal(v, sorted[seen][1]);
        seen++;
    }
    /* UINT64_MAX itself lies past the walk's exclusive end */
    assert_int_equal(seen + (m->n && sorted[m->n - 1][0] == UINT64_MAX), m->n);
}

static void test_random_against_model(void **state)
{
    (void)state;
    static struct model m;
    m.n = 0;
    struct pindex t = {0};
    for (int step = 0; step < 40000; step++) {
        uint64_t i = pick_index(), v = rnd(), got = 0, gi = 0;
        long j = m_find(&m, i);
        switch (rnd() % 8) {
        case 0:
        case 1:
        case 2: /* set */
            if (j < 0 && m.n == MAXE)
                break;
            assert_int_equal(pindex_set(&t, i, v), 0);
            if (j < 0)
                j = (long)m.n++;
            m.idx[j] = i;
            m.val[j] = v;
            break;
        case 3: /* reserve then set: the set takes only reserved nodes */
            if (j < 0 && m.n == MAXE)
                break;
            assert_int_equal(pindex_reserve(&t, i), 0);
            unsigned spare = t.nspare;
            assert_int_equal(pindex_reserve(&t, i), 0);
            assert_int_equal(t.nspare, spare); /* nothing more was needed */
            assert_int_equal(pindex_set(&t, i, v), 0);
            assert_true(t.nspare <= spare);
            if (j < 0)
                j = (long)m.n++;
            m.idx[j] = i;
            m.val[j] = v;
            break;
        case 4:
        case 5: /* remove, often of an entry that is there */
            if (m.n && rnd() % 2)
                i = m.idx[rnd() % m.n], j = m_find(&m, i);
            assert_int_equal(pindex_remove(&t, i, &got), j >= 0);
            if (j >= 0) {
                assert_int_equal(got, m.val[j]);
                m.n--;
                m.idx[j] = m.idx[m.n];
                m.val[j] = m.val[m.n];
            }
            break;
        case 6: { /* lookup and next */
            assert_int_equal(pindex_get(&t, i, &got), j >= 0);
            if (j >= 0)
                assert_int_equal(got, m.val[j]);
            uint64_t mi = 0, mv = 0;
            bool has = m_next(&m, i, &mi, &mv);
            assert_int_equal(pindex_next(&t, i, &gi, &got), has);
            if (has) {
                assert_int_equal(gi, mi);
                assert_int_equal(got, mv);
            }
            break;
        }
        default: { /* a range count */
            uint64_t e = rnd() % 2 ? i + rnd() % 5000 : pick_index();
            if (e < i)
                e = i;
            uint64_t want = 0;
            for (size_t k = 0; k < m.n; k++)
                want += m.idx[k] >= i && m.idx[k] < e;
            assert_int_equal(pindex_count_range(&t, i, e), want);
        }
        }
        if (step % 16 == 0)
            assert_null(pindex_check(&t));
        if (step % 500 == 0)
            check_same(&t, &m);
    }
    check_same(&t, &m);
    pindex_free(&t);
    assert_int_equal(pindex_count(&t), 0);
    assert_null(t.root);
}

/* What the page cache does: fill a file's pages in order, evict from the
 * front (reclaim of a streamed file), punch ranges while walking them. */
static void test_stream_evict_and_walk_removal(void **state)
{
    (void)state;
    struct pindex t = {0};
    const uint64_t n = 100000;
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(pindex_set(&t, i, i * 7), 0);
    assert_null(pindex_check(&t));
    assert_int_equal(t.height, 3);         /* 64^2 < 100000 <= 64^3 */
    for (uint64_t i = 0; i < n / 2; i++) { /* evict the front half */
        uint64_t v;
        assert_true(pindex_remove(&t, i, &v));
        assert_int_equal(v, i * 7);
    }
    assert_null(pindex_check(&t));
    assert_int_equal(pindex_count(&t), n / 2);
    uint64_t first, v;
    assert_true(pindex_next(&t, 0, &first, &v));
    assert_int_equal(first, n / 2);
    /* remove every third page of a range while walking it */
    uint64_t removed = 0;
    PINDEX_FOR_RANGE(&t, 60000, 90000, i, val) {
        assert_int_equal(val, i * 7);
        if (i % 3 == 0) {
            assert_true(pindex_remove(&t, i, NULL));
            removed++;
        }
    }
    assert_int_equal(removed, 10000);
    assert_int_equal(pindex_count_range(&t, 60000, 90000), 20000);
    assert_null(pindex_check(&t));
    /* emptying it frees every node and the height goes back to 0 */
    PINDEX_FOR_RANGE(&t, 0, UINT64_MAX, i, val)
        assert_true(pindex_remove(&t, i, NULL));
    assert_null(t.root);
    assert_int_equal(t.height, 0);
    assert_null(pindex_check(&t));
    /* a single high entry, then a low one: the tree grows, then shrinks */
    assert_int_equal(pindex_set(&t, 1ull << 40, 1), 0);
    assert_int_equal(pindex_set(&t, 3, 2), 0);
    assert_true(pindex_remove(&t, 1ull << 40, NULL));
    assert_int_equal(t.height, 1);
    assert_null(pindex_check(&t));
    pindex_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_stream_evict_and_walk_removal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
