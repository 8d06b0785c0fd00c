/* Unit tests of kbuf_fifo (mm.h), the FIFO of kernel buffer pages behind
 * pipes and Unix sockets: random pushes, peeks, pops and trims against a
 * plain byte array as the model; the pages it holds are counted as kernel
 * frames, never more than its bytes need, none once it is empty; when the
 * RAM runs out a push is short and a trim gives every page back. */
#include "kernel_test_util.h"

static uint64_t kframes(struct kt *t)
{
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    return ki.kernel_frames;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_fifo_matches_model(void **state)
{
    struct kt *t = *state;
    uint64_t base = kframes(t);
    struct kbuf_fifo q = {0};
    kbuf_fifo_init(&q, t->k);
    enum { CAP = 300000 };
    uint8_t *model = malloc(CAP), *buf = malloc(CAP), *src = malloc(CAP);
    size_t mlen = 0;
    uint64_t seed = 0x9e3779b97f4a7c15ULL, stamp = 0;
    for (int step = 0; step < 4000; step++) {
        uint64_t r = xorshift(&seed);
        size_t n = (size_t)(xorshift(&seed) % (r & 1 ? 9000 : 300));
        switch (r % 4) {
        case 0:
        case 1:   /* push */
            if (mlen + n > CAP)
                n = CAP - mlen;
            for (size_t i = 0; i < n; i++)
                src[i] = (uint8_t)(stamp++ * 2654435761u >> 24);
            assert_int_equal(kbuf_fifo_push(&q, src, n), n);
            memcpy(model + mlen, src, n);
            mlen += n;
            break;
        case 2: {   /* peek somewhere, then pop */
            size_t at = mlen ? (size_t)(xorshift(&seed) % mlen) : 0;
            size_t k = n < mlen - at ? n : mlen - at;
            kbuf_fifo_peek(&q, at, buf, k);
            assert_memory_equal(buf, model + at, k);
            k = n < mlen ? n : mlen;
            kbuf_fifo_pop(&q, k);
            memmove(model, model + k, mlen - k);
            mlen -= k;
            break;
        }
        default: {   /* drop some of the newest bytes */
            size_t keep = mlen - (n < mlen ? n : mlen);
            kbuf_fifo_trim(&q, keep);
            mlen = keep;
        }
        }
        assert_int_equal(q.len, mlen);
        /* no more pages than the bytes need (one partly used at each end) */
        uint64_t held = kframes(t) - base;
        assert_true(held <= mlen / PAGE_SIZE + 2);
        assert_int_equal(held, q.npages);
        if (mlen == 0)
            assert_int_equal(held, 0);
        KT_CHECK(t);
    }
    if (mlen) {
        kbuf_fifo_peek(&q, 0, buf, mlen);
        assert_memory_equal(buf, model, mlen);
    }
    kbuf_fifo_free(&q);
    assert_int_equal(kframes(t), base);
    free(model);
    free(buf);
    free(src);
}

static void test_fifo_out_of_ram(void **state)
{
    struct kt t;
    kt_setup_mem(&t, 1ULL << 20);   /* 256 frames */
    uint64_t base = kframes(&t);
    struct kbuf_fifo q = {0};
    kbuf_fifo_init(&q, t.k);
    static uint8_t chunk[65536];
    uint64_t total = 0, got;
    while ((got = kbuf_fifo_push(&q, chunk, sizeof chunk)) == sizeof chunk)
        total += got;
    total += got;
    /* Short once the RAM is spent, but never eating the reserve. */
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_true(total > 0 && total < (1 << 20));
    assert_true(ki.free_frames > 0);
    assert_int_equal(q.len, total);
    kbuf_fifo_trim(&q, 0);
    assert_int_equal(kframes(&t), base);
    assert_int_equal(kbuf_fifo_push(&q, chunk, 100), 100);   /* room again */
    kbuf_fifo_free(&q);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fifo_matches_model, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test(test_fifo_out_of_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
