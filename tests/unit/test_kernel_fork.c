/* fork: page tables copied, no page copied until a write, exact COW counts,
 * shared mappings stay shared, everything freed after both exit. */
#include "test_swap_util.h"

/* Every byte of page a of mm: page `stamp` (test_swap_util.h), except the
 * byte at off, which is `byte` (off < 0: none). */
static void page_check_but(struct mm *mm, uint64_t a, uint64_t stamp, int off, uint8_t byte,
                           const char *what)
{
    uint64_t w[PAGE_SIZE / 8];
    uint8_t *want = (uint8_t *)w, got[PAGE_SIZE];
    page_fill(stamp, w);
    if (off >= 0)
        want[off] = byte;
    kt_read(mm, a, got, PAGE_SIZE);
    for (int i = 0; i < (int)PAGE_SIZE; i++)
        if (got[i] != want[i])
            fail_msg("%s: byte %d of page 0x%llx is 0x%02x, expected 0x%02x", what, i,
                     (unsigned long long)a, got[i], want[i]);
}

/* All 8 pages of a in mm: page i is stamp 100 + i, but for one changed byte
 * in page cp (cp < 0: none). */
static void pages_check(struct mm *mm, uint64_t a, int cp, int off, uint8_t byte, const char *what)
{
    for (int i = 0; i < 8; i++)
        page_check_but(mm, a + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, i == cp ? off : -1,
                       byte, what);
}

/* Every page is a distinct pattern and every byte of every page is checked
 * in both spaces after each COW break: a copy must carry the whole page,
 * and must not touch the other side's copy or the neighbours. */
static void test_fork_cow(void **state)
{
    struct kt *t = *state;
    struct mm *p = mm_new(t->k);
    uint64_t a = kt_mmap(p, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    for (int i = 0; i < 8; i++)
        page_write(p, a + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i);
    struct kernel_info before;
    kernel_get_info(t->k, &before);
    struct mm *c = mm_fork(p);
    assert_non_null(c);
    KT_CHECK(t);
    struct kernel_info after;
    kernel_get_info(t->k, &after);
    assert_int_equal(after.anon_frames, before.anon_frames); /* no page copied */
    for (int i = 0; i < 8; i++)
        assert_int_equal(kt_pfn(p, a + (uint64_t)i * PAGE_SIZE, ACCESS_READ),
                         kt_pfn(c, a + (uint64_t)i * PAGE_SIZE, ACCESS_READ));
    pages_check(c, a, -1, 0, 0, "child after fork");
    /* The child writes one byte in the middle of page 3: it copies the
     * page; the parent keeps its page whole. */
    unsigned char x = 'X';
    kt_write(c, a + 3 * PAGE_SIZE + 1234, &x, 1);
    KT_CHECK(t);
    pages_check(c, a, 3, 1234, 'X', "child after its COW write");
    pages_check(p, a, -1, 0, 0, "parent after the child's COW write");
    assert_int_not_equal(kt_pfn(p, a + 3 * PAGE_SIZE, ACCESS_READ),
                         kt_pfn(c, a + 3 * PAGE_SIZE, ACCESS_READ));
    struct mm_info mc, mp;
    mm_get_info(c, &mc);
    assert_int_equal(mc.c.cow_faults, 1);
    assert_int_equal(mc.c.cow_copies, 1);
    /* The parent writes page 3: it is the sole mapper now, no copy. */
    x = 'P';
    kt_write(p, a + 3 * PAGE_SIZE + 4095, &x, 1);
    mm_get_info(p, &mp);
    assert_int_equal(mp.c.cow_faults, 1);
    assert_int_equal(mp.c.cow_copies, 0);
    pages_check(p, a, 3, 4095, 'P', "parent after taking page 3");
    pages_check(c, a, 3, 1234, 'X', "child after the parent took page 3");
    /* The parent writes page 5 (shared): copy. */
    kt_write(p, a + 5 * PAGE_SIZE, &x, 1);
    mm_get_info(p, &mp);
    assert_int_equal(mp.c.cow_faults, 2);
    assert_int_equal(mp.c.cow_copies, 1);
    page_check_but(p, a + 5 * PAGE_SIZE, 105, 0, 'P', "parent's copy of page 5");
    page_check_but(c, a + 5 * PAGE_SIZE, 105, -1, 0, "child's page 5");
    for (int i = 4; i <= 6; i += 2) {
        page_check_but(p, a + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, -1, 0, "parent");
        page_check_but(c, a + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, -1, 0, "child");
    }
    KT_CHECK(t);
    kernel_get_info(t->k, &after);
    assert_int_equal(after.anon_frames, before.anon_frames + 2);
    /* The parent exits first; the child's remaining shared pages become its own. */
    mm_destroy(p);
    KT_CHECK(t);
    x = 'C';
    kt_write(c, a + 17, &x, 1);
    mm_get_info(c, &mc);
    assert_int_equal(mc.c.cow_faults, 2);
    assert_int_equal(mc.c.cow_copies, 1);
    page_check_but(c, a, 100, 17, 'C', "child's page 0 taken over");
    for (int i = 1; i < 8; i++)
        page_check_but(c, a + (uint64_t)i * PAGE_SIZE, 100 + (uint64_t)i, i == 3 ? 1234 : -1,
                       'X', "child after the parent exited");
    mm_destroy(c);
    KT_CHECK(t);
}

static void test_fork_shared_anon_and_file(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "sh", PAGE_SIZE, path);
    int err;
    struct vfile *f = vfile_open(t->k, path, "sh", true, &err);
    assert_non_null(f);
    struct mm *p = mm_new(t->k);
    uint64_t s = kt_mmap(p, 0, 2 * PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, NULL, 0);
    uint64_t fa = kt_mmap(p, 0, PAGE_SIZE, RW, LX_MAP_SHARED, f, 0);
    unsigned char v = 1;
    kt_write(p, s, &v, 1);
    kt_write(p, fa, &v, 1);
    struct mm *c = mm_fork(p);
    KT_CHECK(t);
    /* Writes on either side are seen on the other: no COW for shared. */
    v = 2;
    kt_write(c, s, &v, 1);
    assert_int_equal(kt_byte(p, s), 2);
    v = 3;
    kt_write(p, s + PAGE_SIZE, &v, 1); /* page not present before the fork */
    assert_int_equal(kt_byte(c, s + PAGE_SIZE), 3);
    v = 4;
    kt_write(c, fa, &v, 1);
    assert_int_equal(kt_byte(p, fa), 4);
    struct mm_info mi;
    mm_get_info(c, &mi);
    assert_int_equal(mi.c.cow_faults, 0);
    assert_int_equal(mi.rss_shmem, 2);
    assert_int_equal(mi.rss_file, 1);
    KT_CHECK(t);
    char *out = NULL;
    size_t ol = 0;
    FILE *mf = open_memstream(&out, &ol);
    mm_print_maps(c, mf);
    fclose(mf);
    assert_non_null(strstr(out, "rw-s 00000000 00:01 "));
    assert_non_null(strstr(out, "/dev/zero (deleted)\n"));
    assert_non_null(strstr(out, " sh\n"));
    free(out);
    mm_destroy(p);
    assert_int_equal(kt_byte(c, s), 2);
    mm_destroy(c);
    KT_CHECK(t);
    assert_int_equal(kt_file_byte(path, 0), 4);
    vfile_put(f);
}

static void test_fork_then_mprotect_never_grants_cow_write(void **state)
{
    struct kt *t = *state;
    struct mm *p = mm_new(t->k);
    uint64_t a = kt_mmap(p, 0, PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    unsigned char v = 5;
    kt_write(p, a, &v, 1);
    struct mm *c = mm_fork(p);
    assert_int_equal(mm_mprotect(c, va(a), PAGE_SIZE, LX_PROT_READ), 0);
    assert_int_equal(mm_mprotect(c, va(a), PAGE_SIZE, RW), 0);
    KT_CHECK(t); /* would fail if the shared frame were writable */
    v = 6;
    kt_write(c, a, &v, 1);
    assert_int_equal(kt_byte(p, a), 5);
    mm_destroy(c);
    mm_destroy(p);
}

static void test_many_spaces_reuse_asids(void **state)
{
    struct kt *t = *state;
    struct mm *keep = mm_new(t->k);
    uint64_t a = kt_mmap(keep, 0, PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    unsigned char v = 1;
    kt_write(keep, a, &v, 1);
    /* More spaces than ASIDs over time: each one is flushed before reuse. */
    for (int i = 0; i < 5000; i++) {
        struct mm *mm = mm_fork(keep);
        assert_non_null(mm);
        assert_int_equal(kt_byte(mm, a), 1);
        mm_destroy(mm);
    }
    KT_CHECK(t);
    mm_destroy(keep);
}

/* smaps after fork: a page mapped by two spaces is Shared with Pss half a
 * page; one written after the fork is Private_Dirty (Linux's accounting). */
static void test_smaps_after_fork(void **state)
{
    struct kt *t = *state;
    struct mm *p = mm_new(t->k);
    uint64_t a = kt_mmap(p, 0x40000000, 2 * PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    unsigned char v = 1;
    kt_write(p, a, &v, 1);
    kt_write(p, a + PAGE_SIZE, &v, 1);
    struct mm *c = mm_fork(p);
    kt_write(c, a + PAGE_SIZE, &v, 1);
    char *s = NULL;
    size_t sl = 0;
    FILE *f = open_memstream(&s, &sl);
    mm_print_smaps(c, f);
    fclose(f);
    assert_non_null(strstr(s, "40000000-40002000 rw-p 00000000 00:00 0 \n"
                              "Size:                  8 kB\n"
                              "KernelPageSize:        4 kB\n"
                              "MMUPageSize:           4 kB\n"
                              "Rss:                   8 kB\n"
                              "Pss:                   6 kB\n"
                              "Pss_Dirty:             6 kB\n"
                              "Shared_Clean:          0 kB\n"
                              "Shared_Dirty:          4 kB\n"
                              "Private_Clean:         0 kB\n"
                              "Private_Dirty:         4 kB\n"
                              "Referenced:            4 kB\n"
                              "Anonymous:             8 kB\n"));
    assert_non_null(strstr(s, "THPeligible:           0\nVmFlags: rd wr mr mw me ac \n"));
    free(s);
    mm_destroy(c);
    mm_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fork_cow, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_fork_shared_anon_and_file, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_fork_then_mprotect_never_grants_cow_write,
                                        kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_many_spaces_reuse_asids, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_smaps_after_fork, kt_fixture_setup,
                                        kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
