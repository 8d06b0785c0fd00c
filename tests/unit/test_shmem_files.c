/* shmem objects used as files (issue 16: tmpfs files, memfd, SysV
 * segments; mm/shmem.c): read(2)/write(2) go through the pages the
 * mappings use, a hole reads as zeros without a page, shrinking frees what
 * lies past the end, a page wholly past the size is SIGBUS as for a host
 * file, and under pressure the pages written by write(2) alone go to swap
 * and come back. The reference is what Linux's shmem does. */
#include "test_swap_util.h"

#include "kernel/mm/inspect.h"

static void test_rw_and_mapping_agree(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    struct vfile *f = vfile_new_shmem(t.k, 0, SHMEM_MEMFD, "/memfd:t (deleted)", 0);
    assert_non_null(f);
    assert_true(vfile_is_shmem(f));
    assert_int_equal(vfile_shmem_kind(f), SHMEM_MEMFD);
    assert_string_equal(shmem_kind_name(SHMEM_MEMFD), "memfd");
    /* a write past the end grows it; the hole before reads as zeros */
    assert_int_equal(shmem_write(f, "hello", 5, 2 * PAGE_SIZE + 10), 5);
    assert_int_equal(vfile_size(f), 2 * PAGE_SIZE + 15);
    uint64_t res, sw;
    shmem_pages(f, &res, &sw);
    assert_int_equal(res, 1); /* only the written page got a frame */
    char buf[16] = {0};
    assert_int_equal(shmem_read(f, buf, 5, 10), 5);
    assert_memory_equal(buf, "\0\0\0\0\0", 5);
    shmem_pages(f, &res, &sw);
    assert_int_equal(res, 1); /* reading a hole makes no page */
    assert_false(shmem_page_held(f, 0));
    assert_true(shmem_page_held(f, 2));
    /* reads stop at the size */
    assert_int_equal(shmem_read(f, buf, 16, 2 * PAGE_SIZE + 10), 5);
    assert_int_equal(shmem_read(f, buf, 16, 3 * PAGE_SIZE), 0);
    /* a mapping sees write(2)'s bytes and write(2) sees the mapping's */
    struct mm *mm = mm_new(t.k);
    uint64_t x = kt_mmap(mm, 0, 3 * PAGE_SIZE, RW, LX_MAP_SHARED, f, 0);
    kt_read(mm, x + 2 * PAGE_SIZE + 10, buf, 5);
    assert_memory_equal(buf, "hello", 5);
    kt_write(mm, x + 4, "MAP", 3);
    assert_int_equal(shmem_read(f, buf, 3, 4), 3);
    assert_memory_equal(buf, "MAP", 3);
    assert_int_equal(vfile_refs(f), 2); /* ours and the region's */
    assert_true(mm_file_at(mm, va(x)) == f);
    assert_null(mm_file_at(mm, va(x + PAGE_SIZE)));
    assert_true(vfile_mapped_shared_writable(f));
    KT_CHECK(&t);
    /* shrinking: the mapped page keeps its frame but reads zeros past the end */
    assert_int_equal(shmem_set_size(f, 6), 0);
    kt_read(mm, x + 4, buf, 4);
    assert_memory_equal(buf, "MA\0\0", 4);
    struct segv sv;
    assert_int_not_equal(kt_access(mm, x + PAGE_SIZE, ACCESS_READ, &sv), 0);
    assert_int_equal(sv.signo, LX_SIGBUS); /* wholly past the end */
    mm_destroy(mm);
    assert_false(vfile_mapped_shared_writable(f));
    /* unmapped now: shrinking to 0 frees every page */
    assert_int_equal(shmem_set_size(f, 0), 0);
    shmem_pages(f, &res, &sw);
    assert_int_equal(res + sw, 0);
    KT_CHECK(&t);
    vfile_put(f);
    kt_teardown(&t);
}

struct listed {
    int n;
    uint64_t ino;
    char kind[32];
};

static void on_shmem(void *ctx, const struct insp_shmem *s)
{
    struct listed *l = ctx;
    l->n++;
    l->ino = s->ino;
    snprintf(l->kind, sizeof l->kind, "%s", s->kind);
}

/* Pages written only by write(2), never mapped, are swapped like mapped
 * ones, and the inspection lists the object by kind. */
static void test_unmapped_pages_swap(void **state)
{
    (void)state;
    struct kt t;
    kt_setup(&t);
    assert_int_equal(kernel_set_swap(t.k, 1 << 20), 0);
    struct vfile *f = vfile_new_shmem(t.k, 0, SHMEM_SYSV, "/SYSV00000001 (deleted)", 77);
    assert_non_null(f);
    struct listed l = {0};
    inspect_shmem(t.k, on_shmem, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.ino, 77);
    assert_string_equal(l.kind, "SysV");
    enum { N = 40 };
    uint64_t w[512];
    kernel_set_frame_limit(t.k, 8);
    for (uint64_t i = 0; i < N; i++) {
        page_fill(500 + i, w);
        assert_int_equal(shmem_write(f, w, PAGE_SIZE, i * PAGE_SIZE), PAGE_SIZE);
        /* something else needs memory: anonymous pages of a process */
        KT_CHECK(&t);
    }
    struct mm *mm = mm_new(t.k);
    uint64_t x = kt_mmap(mm, 0, 16 * PAGE_SIZE, RW, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, NULL, 0);
    for (uint64_t i = 0; i < 16; i++)
        page_write(mm, x + i * PAGE_SIZE, 9000 + i);
    uint64_t res, sw;
    shmem_pages(f, &res, &sw);
    assert_int_equal(res + sw, N);
    assert_true(sw > 0);
    for (uint64_t i = 0; i < N; i++) {
        uint64_t want[512], got[512];
        page_fill(500 + i, want);
        assert_int_equal(shmem_read(f, got, PAGE_SIZE, i * PAGE_SIZE), PAGE_SIZE);
        if (memcmp(want, got, PAGE_SIZE))
            fail_msg("page %llu changed on its way through swap", (unsigned long long)i);
    }
    KT_CHECK(&t);
    mm_destroy(mm);
    vfile_put(f);
    struct kernel_info ki;
    kernel_get_info(t.k, &ki);
    assert_int_equal(ki.swap_used, 0);
    kt_teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rw_and_mapping_agree),
        cmocka_unit_test(test_unmapped_pages_swap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
