/* Scenario tests of file mappings and the page cache: sharing one frame
 * between address spaces, private copy-on-write leaving the file alone,
 * shared writes reaching the host file (checked with read(2)) on msync,
 * munmap and exit, SIGBUS past EOF, Linux's EACCES/EINVAL checks. */
#include "kernel_test_util.h"

static struct vfile *open_file(struct kt *t, const char *path, bool writable)
{
    int err = 0;
    struct vfile *f = vfile_open(t->k, path, NULL, writable, &err);
    assert_non_null(f);
    return f;
}

static void test_two_spaces_share_then_private_write(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "data", 3 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, false);
    assert_int_equal(vfile_size(f), 3 * PAGE_SIZE);
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    uint64_t va_a =
        kt_mmap(a, 0, 3 * PAGE_SIZE, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_PRIVATE, f, 0);
    uint64_t va_b =
        kt_mmap(b, 0x30000000, 2 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, f, PAGE_SIZE);
    KT_CHECK(t);
    /* Same file page, same frame, read once. */
    assert_int_equal(kt_byte(a, va_a + PAGE_SIZE + 5), kt_pattern(PAGE_SIZE + 5));
    assert_int_equal(kt_byte(b, va_b + 5), kt_pattern(PAGE_SIZE + 5));
    uint64_t pa = kt_pfn(a, va_a + PAGE_SIZE, ACCESS_READ), pb = kt_pfn(b, va_b, ACCESS_READ);
    assert_int_equal(pa, pb);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.c.file_reads, 1);
    assert_int_equal(ki.c.major_faults, 1);
    assert_int_equal(ki.pagecache_pages, 1);
    struct mm_info mi;
    mm_get_info(b, &mi);
    assert_int_equal(mi.c.minor_faults, 1); /* b found it cached */
    assert_int_equal(mi.rss_file, 1);
    KT_CHECK(t);
    /* A private write copies: a gets its own frame, b and the file keep theirs. */
    unsigned char z = 'z';
    kt_write(a, va_a + PAGE_SIZE + 5, &z, 1);
    KT_CHECK(t);
    assert_int_equal(kt_byte(a, va_a + PAGE_SIZE + 5), 'z');
    assert_int_equal(kt_byte(b, va_b + 5), kt_pattern(PAGE_SIZE + 5));
    assert_true(kt_pfn(a, va_a + PAGE_SIZE, ACCESS_READ) != pb);
    assert_int_equal(kt_pfn(b, va_b, ACCESS_READ), pb);
    mm_get_info(a, &mi);
    assert_int_equal(mi.c.cow_faults, 1);
    assert_int_equal(mi.c.cow_copies, 1);
    assert_int_equal(mi.rss_anon, 1);
    assert_int_equal(mi.rss_file, 0);
    /* A write fault on a page not yet present copies at once. */
    kt_write(a, va_a + 2 * PAGE_SIZE, &z, 1);
    mm_get_info(a, &mi);
    assert_int_equal(mi.rss_anon, 2);
    assert_int_equal(mi.c.cow_copies, 2);
    KT_CHECK(t);
    mm_destroy(a);
    mm_destroy(b);
    KT_CHECK(t);
    assert_int_equal(kt_file_byte(path, PAGE_SIZE + 5), kt_pattern(PAGE_SIZE + 5));
    assert_int_equal(kt_file_byte(path, 2 * PAGE_SIZE), kt_pattern(2 * PAGE_SIZE));
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.c.writebacks, 0);
    vfile_put(f);
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.file_frames, 0);
    assert_int_equal(ki.pagecache_pages, 0);
}

static void test_same_file_opened_twice_is_one_cache(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "twice", PAGE_SIZE, path);
    struct vfile *f1 = open_file(t, path, false), *f2 = open_file(t, path, true);
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    uint64_t x = kt_mmap(a, 0, PAGE_SIZE, LX_PROT_READ, LX_MAP_SHARED, f1, 0);
    uint64_t y = kt_mmap(b, 0, PAGE_SIZE, RW, LX_MAP_SHARED, f2, 0);
    assert_int_equal(kt_pfn(a, x, ACCESS_READ), kt_pfn(b, y, ACCESS_READ));
    /* b's shared write is seen by a at once (same frame). */
    unsigned char c = '#';
    kt_write(b, y + 10, &c, 1);
    assert_int_equal(kt_byte(a, x + 10), '#');
    KT_CHECK(t);
    mm_destroy(a);
    mm_destroy(b);
    assert_int_equal(kt_file_byte(path, 10), '#');
    vfile_put(f1);
    vfile_put(f2);
}

static void test_shared_write_msync(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "shared", 2 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, true);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 2 * PAGE_SIZE, RW, LX_MAP_SHARED, f, 0);
    assert_int_equal(kt_byte(mm, a + 1), kt_pattern(1)); /* read: W withheld */
    unsigned char c = '!';
    kt_write(mm, a + 1, &c, 1); /* write fault dirties the page */
    KT_CHECK(t);
    assert_int_equal(kt_file_byte(path, 1), kt_pattern(1)); /* not yet */
    assert_int_equal(mm_msync(mm, va(a), 2 * PAGE_SIZE, LX_MS_SYNC), 0);
    assert_int_equal(kt_file_byte(path, 1), '!');
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.c.writebacks, 1);
    KT_CHECK(t);
    /* Clean again: msync writes nothing; the next write dirties again. */
    assert_int_equal(mm_msync(mm, va(a), PAGE_SIZE, LX_MS_SYNC), 0);
    mm_get_info(mm, &mi);
    assert_int_equal(mi.c.writebacks, 1);
    c = '?';
    kt_write(mm, a + 2, &c, 1);
    KT_CHECK(t);
    assert_int_equal(mm_msync(mm, va(a), PAGE_SIZE, LX_MS_ASYNC), 0);
    assert_int_equal(kt_file_byte(path, 2), '?');
    /* msync argument checks (Linux). */
    assert_int_equal(mm_msync(mm, va(a + 1), PAGE_SIZE, LX_MS_SYNC), -EINVAL);
    assert_int_equal(mm_msync(mm, va(a), PAGE_SIZE, LX_MS_SYNC | LX_MS_ASYNC), -EINVAL);
    assert_int_equal(mm_msync(mm, va(a), 3 * PAGE_SIZE, LX_MS_SYNC), -ENOMEM);
    mm_destroy(mm);
    vfile_put(f);
}

static void test_shared_write_munmap_and_exit(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "wb", 2 * PAGE_SIZE + 100, path);
    struct vfile *f = open_file(t, path, true);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 3 * PAGE_SIZE, RW, LX_MAP_SHARED, f, 0);
    unsigned char c = '1';
    kt_write(mm, a + 7, &c, 1);
    c = '2';
    kt_write(mm, a + 2 * PAGE_SIZE + 50, &c, 1); /* the page that holds EOF */
    KT_CHECK(t);
    assert_int_equal(mm_munmap(mm, va(a), PAGE_SIZE), 0);
    assert_int_equal(kt_file_byte(path, 7), '1');
    assert_int_equal(kt_file_byte(path, 2 * PAGE_SIZE + 50), kt_pattern(2 * PAGE_SIZE + 50));
    KT_CHECK(t);
    mm_destroy(mm); /* exit writes back the rest */
    assert_int_equal(kt_file_byte(path, 2 * PAGE_SIZE + 50), '2');
    /* Writeback never extends the file. */
    int fd = open(path, O_RDONLY);
    assert_int_equal(lseek(fd, 0, SEEK_END), 2 * PAGE_SIZE + 100);
    close(fd);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.c.writebacks, 2);
    vfile_put(f);
}

static void test_sigbus_past_eof(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "short", 100, path);
    struct vfile *f = open_file(t, path, false);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 3 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, f, 0);
    /* Inside the last page: the rest of the page reads as zero. */
    assert_int_equal(kt_byte(mm, a + 99), kt_pattern(99));
    assert_int_equal(kt_byte(mm, a + 100), 0);
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE - 1), 0);
    struct segv sv;
    assert_int_equal(kt_access(mm, a + PAGE_SIZE + 8, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGBUS);
    assert_int_equal(sv.code, LX_BUS_ADRERR);
    assert_int_equal(sv.addr.v, a + PAGE_SIZE + 8);
    KT_CHECK(t);
    mm_destroy(mm);
    vfile_put(f);
}

static void test_file_mmap_checks(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "ro", PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, false);
    struct mm *mm = mm_new(t->k);
    vaddr_t out;
    assert_int_equal(mm_mmap(mm, va(0), PAGE_SIZE, RW, LX_MAP_SHARED, f, 0, &out), -EACCES);
    assert_int_equal(mm_mmap(mm, va(0), PAGE_SIZE, RW, LX_MAP_PRIVATE, f, 1, &out), -EINVAL);
    uint64_t a = kt_mmap(mm, 0, PAGE_SIZE, LX_PROT_READ, LX_MAP_SHARED, f, 0);
    assert_int_equal(mm_mprotect(mm, va(a), PAGE_SIZE, RW), -EACCES);
    /* A private mapping may become writable; the write copies. */
    uint64_t b = kt_mmap(mm, 0, PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, f, 0);
    assert_int_equal(kt_byte(mm, b), kt_pattern(0));
    assert_int_equal(mm_mprotect(mm, va(b), PAGE_SIZE, RW), 0);
    KT_CHECK(t);
    unsigned char c = 'q';
    kt_write(mm, b, &c, 1);
    KT_CHECK(t);
    assert_int_equal(kt_byte(mm, a), kt_pattern(0));
    assert_int_equal(kt_file_byte(path, 0), kt_pattern(0));
    int err = 0;
    assert_null(vfile_open(t->k, "/nonexistent/x", NULL, false, &err));
    assert_int_equal(err, -ENOENT);
    char buf[4];
    assert_int_equal(vfile_pread(f, buf, 4, 1), 4);
    assert_int_equal(buf[0], kt_pattern(1));
    char *s = NULL;
    size_t sl = 0;
    FILE *mf = open_memstream(&s, &sl);
    mm_print_maps(mm, mf);
    fclose(mf);
    assert_non_null(strstr(s, path));
    assert_non_null(strstr(s, " r--s 00000000 "));
    free(s);
    mm_destroy(mm);
    vfile_put(f);
}

/* Memory pressure: unmapped cache pages are dropped to make room. */
static void test_cache_reclaimed_under_pressure(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "big", 64 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, false);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 64 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, f, 0);
    for (int i = 0; i < 64; i++)
        assert_int_equal(kt_byte(mm, a + (uint64_t)i * PAGE_SIZE),
                         kt_pattern((uint64_t)i * PAGE_SIZE));
    assert_int_equal(mm_munmap(mm, va(a), 64 * PAGE_SIZE), 0);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.pagecache_pages, 64); /* kept while memory allows */
    uint64_t n = ki.free_frames + 32;
    uint64_t b = kt_mmap(mm, 0, n * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    struct segv sv;
    uint64_t got = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct translation tr;
        if (mm_translate(mm, va(b + i * PAGE_SIZE), ACCESS_WRITE, &tr, NULL, &sv))
            break;
        got++;
    }
    kernel_get_info(t->k, &ki);
    assert_true(got > n - 32); /* cache pages were reclaimed for anon */
    assert_true(ki.pagecache_pages < 64);
    KT_CHECK(t);
    mm_destroy(mm);
    vfile_put(f);
}

/* read(2)/write(2) and mappings see each other's bytes, as on Linux. */
static void test_file_io_coherent_with_mappings(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "coh", 2 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, true);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 2 * PAGE_SIZE, RW, LX_MAP_SHARED, f, 0);
    unsigned char c = '@';
    kt_write(mm, a + PAGE_SIZE - 1, &c, 1);
    char buf[4];
    assert_int_equal(vfile_read(f, buf, 2, PAGE_SIZE - 1), 2);
    assert_int_equal(buf[0], '@');
    assert_int_equal((unsigned char)buf[1], kt_pattern(PAGE_SIZE));
    assert_int_equal(vfile_write(f, "xyz", 3, PAGE_SIZE - 2), 3);
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE - 2), 'x');
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE - 1), 'y');
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE), 'z');
    assert_int_equal(kt_file_byte(path, PAGE_SIZE), 'z');
    struct vfile *ro = open_file(t, path, false);
    assert_int_equal(vfile_write(ro, "x", 1, 0), -EBADF);
    vfile_put(ro);
    KT_CHECK(t);
    mm_destroy(mm);
    assert_int_equal(kt_file_byte(path, PAGE_SIZE - 1), 'y');
    vfile_put(f);
}

static void test_madvise_dontneed(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "madv", 2 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, true);
    struct mm *mm = mm_new(t->k);
    uint64_t an = kt_mmap(mm, 0, PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    uint64_t pr = kt_mmap(mm, 0, PAGE_SIZE, RW, LX_MAP_PRIVATE, f, 0);
    uint64_t sh = kt_mmap(mm, 0, PAGE_SIZE, RW, LX_MAP_SHARED, f, PAGE_SIZE);
    unsigned char c = '*';
    kt_write(mm, an, &c, 1);
    kt_write(mm, pr, &c, 1);
    kt_write(mm, sh, &c, 1);
    assert_int_equal(mm_madvise(mm, va(an), PAGE_SIZE, LX_MADV_DONTNEED), 0);
    assert_int_equal(mm_madvise(mm, va(pr), PAGE_SIZE, LX_MADV_DONTNEED), 0);
    assert_int_equal(mm_madvise(mm, va(sh), PAGE_SIZE, LX_MADV_DONTNEED), 0);
    KT_CHECK(t);
    assert_int_equal(kt_byte(mm, an), 0);             /* anonymous: zero again */
    assert_int_equal(kt_byte(mm, pr), kt_pattern(0)); /* private file: the file again */
    assert_int_equal(kt_byte(mm, sh), '*');           /* shared: kept */
    assert_int_equal(mm_madvise(mm, va(an + 1), PAGE_SIZE, LX_MADV_DONTNEED), -EINVAL);
    assert_int_equal(mm_madvise(mm, va(an), PAGE_SIZE, 1000), -EINVAL);
    assert_int_equal(mm_madvise(mm, va(0x10000), PAGE_SIZE, LX_MADV_DONTNEED), -ENOMEM);
    assert_int_equal(mm_madvise(mm, va(an), PAGE_SIZE, LX_MADV_WILLNEED), 0);
    KT_CHECK(t);
    mm_destroy(mm);
    vfile_put(f);
}

/* WILLNEED reads at most the readahead window per region (Linux's
 * force_page_cache_ra: 32 pages with the default ra_pages), not the whole
 * range: a WILLNEED over a mapping of a big file was minutes of reclaim. */
static void test_madvise_willneed_window(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "wn", 64 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, false);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 64 * PAGE_SIZE, LX_PROT_READ, LX_MAP_SHARED, f, 0);
    struct kernel_info before, after;
    kernel_get_info(t->k, &before);
    assert_int_equal(mm_madvise(mm, va(a), 64 * PAGE_SIZE, LX_MADV_WILLNEED), 0);
    kernel_get_info(t->k, &after);
    assert_int_equal(after.file_frames - before.file_frames, 32);
    /* the window starts where the range does */
    assert_int_equal(mm_madvise(mm, va(a + 40 * PAGE_SIZE), 24 * PAGE_SIZE, LX_MADV_WILLNEED), 0);
    kernel_get_info(t->k, &after);
    assert_int_equal(after.file_frames - before.file_frames, 32 + 24);
    KT_CHECK(t);
    mm_destroy(mm);
    vfile_put(f);
}

/* mremap of a file mapping keeps the file offsets and the cache pages. */
static void test_mremap_file(void **state)
{
    struct kt *t = *state;
    char path[128];
    kt_make_file(t, "mr", 8 * PAGE_SIZE, path);
    struct vfile *f = open_file(t, path, false);
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0x40000000, 2 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE | LX_MAP_FIXED,
                         f, 2 * PAGE_SIZE);
    kt_mmap(mm, a + 2 * PAGE_SIZE, PAGE_SIZE, LX_PROT_READ, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE + 3), kt_pattern(3 * PAGE_SIZE + 3));
    uint64_t p = kt_pfn(mm, a + PAGE_SIZE, ACCESS_READ);
    vaddr_t out;
    assert_int_equal(
        mm_mremap(mm, va(a), 2 * PAGE_SIZE, 3 * PAGE_SIZE, LX_MREMAP_MAYMOVE, va(0), &out), 0);
    assert_int_equal(kt_pfn(mm, out.v + PAGE_SIZE, ACCESS_READ), p);
    assert_int_equal(kt_byte(mm, out.v + 2 * PAGE_SIZE + 1), kt_pattern(4 * PAGE_SIZE + 1));
    char *s = NULL;
    size_t sl = 0;
    FILE *mf = open_memstream(&s, &sl);
    mm_print_maps(mm, mf);
    fclose(mf);
    assert_non_null(strstr(s, " r--p 00002000 "));
    free(s);
    KT_CHECK(t);
    mm_destroy(mm);
    vfile_put(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_spaces_share_then_private_write, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_same_file_opened_twice_is_one_cache, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shared_write_msync, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shared_write_munmap_and_exit, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_sigbus_past_eof, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_file_mmap_checks, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cache_reclaimed_under_pressure, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_file_io_coherent_with_mappings, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_madvise_dontneed, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_madvise_willneed_window, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_mremap_file, kt_fixture_setup, kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
