/* The trace parser (cli/trace_parse.c) and OPT's future (cli/trace_opt.c):
 * every line shape of both formats, the streaming reader across its buffer
 * boundary, and next-use indices against a brute-force search. The front
 * end is not in libvmsim.a, so its two files are compiled in here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/trace/trace_opt.c"
#include "cli/trace/trace_parse.c"

static int parse(enum trace_format fmt, const char *line, struct trace_ref *r)
{
    const char *why = NULL;
    int rc = trace_parse_line(fmt, line, strlen(line), r, &why);
    if (rc < 0)
        assert_non_null(why);
    return rc;
}

static void test_lackey_lines(void **state)
{
    (void)state;
    struct trace_ref r;
    assert_int_equal(parse(TRACE_FMT_LACKEY, "I  04016f0,3", &r), 1);
    assert_int_equal(r.op, TRACE_OP_FETCH);
    assert_int_equal(r.addr, 0x4016f0);
    assert_int_equal(r.size, 3);
    assert_int_equal(parse(TRACE_FMT_LACKEY, " L 04222cac,8", &r), 1);
    assert_int_equal(r.op, TRACE_OP_LOAD);
    assert_int_equal(r.addr, 0x4222cac);
    assert_int_equal(parse(TRACE_FMT_LACKEY, " S 7ff000398,8", &r), 1);
    assert_int_equal(r.op, TRACE_OP_STORE);
    assert_int_equal(r.addr, 0x7ff000398);
    assert_int_equal(parse(TRACE_FMT_LACKEY, " M 0421f9b8,4\r", &r), 1);
    assert_int_equal(r.op, TRACE_OP_MODIFY);
    assert_int_equal(r.size, 4);
    assert_int_equal(parse(TRACE_FMT_LACKEY, "\tL\tFFFFFFFFFFFFFFFF,4096  ", &r), 1);
    assert_int_equal(r.addr, UINT64_MAX);
    assert_int_equal(r.size, 4096);
    assert_int_equal(parse(TRACE_FMT_LACKEY, " L 10,1", &r), 1); /* CS:APP's traces */
    assert_int_equal(r.addr, 0x10);
    /* ignored */
    assert_int_equal(parse(TRACE_FMT_LACKEY, "==123== Lackey, an example Valgrind tool", &r), 0);
    assert_int_equal(parse(TRACE_FMT_LACKEY, "--123-- debug message", &r), 0);
    assert_int_equal(parse(TRACE_FMT_LACKEY, "", &r), 0);
    assert_int_equal(parse(TRACE_FMT_LACKEY, "   \r", &r), 0);
    assert_int_equal(parse(TRACE_FMT_LACKEY, "# comment", &r), 0);
    /* malformed */
    const char *bad[] = {
        "X 1000,4",
        "L1000,4",
        " L 1000",
        " L 1000,",
        " L ,4",
        " L 1000,0",
        " L 1000,4097",
        " L 1000,99999999999999999999",
        " L 10000000000000000,4",
        " L 1000,4 x",
        " L 0x1000,4",
        " L 1000;4",
        "=",
        "=1 x",
        "-",
        " L -1,4",
        " L 1000,+4",
        "I",
        "I  ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(TRACE_FMT_LACKEY, bad[i], &r) != -1)
            fail_msg("accepted '%s'", bad[i]);
    }
}

static void test_pages_lines(void **state)
{
    (void)state;
    struct trace_ref r;
    assert_int_equal(parse(TRACE_FMT_PAGES, "7", &r), 1);
    assert_int_equal(r.addr, 7ULL << 12);
    assert_int_equal(r.op, TRACE_OP_LOAD);
    assert_int_equal(r.size, 1);
    assert_int_equal(parse(TRACE_FMT_PAGES, "  0x1F \r", &r), 1);
    assert_int_equal(r.addr, 0x1fULL << 12);
    assert_int_equal(parse(TRACE_FMT_PAGES, "0XfffffffffffFf", &r), 1);
    assert_int_equal(r.addr, TRACE_MAX_VPN << 12);
    assert_int_equal(parse(TRACE_FMT_PAGES, "4503599627370495", &r), 1); /* 2^52 - 1 */
    assert_int_equal(parse(TRACE_FMT_PAGES, "# comment", &r), 0);
    assert_int_equal(parse(TRACE_FMT_PAGES, "   ", &r), 0);
    /* vmsim run --page-trace's lines: PID VPN K */
    assert_int_equal(parse(TRACE_FMT_PAGES, "1000 34359738366 W", &r), 1);
    assert_int_equal(r.pid, 1000);
    assert_int_equal(r.addr, 34359738366ULL << 12);
    assert_int_equal(r.op, TRACE_OP_STORE);
    assert_int_equal(parse(TRACE_FMT_PAGES, "3 0x10 X", &r), 1);
    assert_int_equal(r.pid, 3);
    assert_int_equal(r.op, TRACE_OP_FETCH);
    assert_int_equal(parse(TRACE_FMT_PAGES, "1 2", &r), 1);
    assert_int_equal(r.pid, 1);
    assert_int_equal(r.addr, 2ULL << 12);
    assert_int_equal(r.op, TRACE_OP_LOAD);
    assert_int_equal(parse(TRACE_FMT_PAGES, "9 R", &r), 1);
    assert_int_equal(r.pid, 0);
    assert_int_equal(r.addr, 9ULL << 12);
    const char *bad[] = {
        "4503599627370496", "0x10000000000000", "-1", "+1", "1 2 3", "0x", "x1", "1.5",
        "7 # late comment", "18446744073709551616", "1 2 Q", "1 W X", "4194304 1 R", "1 2 RW"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(TRACE_FMT_PAGES, bad[i], &r) != -1)
            fail_msg("accepted '%s'", bad[i]);
    }
}

/* The reader's fast path and the slow parser agree on PID VPN K lines. */
static void test_pages_reader_kinds(void **state)
{
    (void)state;
    const char *text = "12 5 R\n12 6 W\n13 7 X\n8\n 14 0x9 W\n";
    struct trace_reader rd;
    struct trace_ref refs[8];
    trace_reader_init_mem(&rd, TRACE_FMT_PAGES, text, strlen(text));
    assert_int_equal(trace_read(&rd, refs, 8), 5);
    const uint32_t pid[] = {12, 12, 13, 0, 14};
    const uint64_t vpn[] = {5, 6, 7, 8, 9};
    const uint32_t op[] = {TRACE_OP_LOAD, TRACE_OP_STORE, TRACE_OP_FETCH, TRACE_OP_LOAD,
                           TRACE_OP_STORE};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(refs[i].pid, pid[i]);
        assert_int_equal(refs[i].addr, vpn[i] << 12);
        assert_int_equal(refs[i].op, op[i]);
    }
    trace_reader_fini(&rd);
}

static void test_reader_mem(void **state)
{
    (void)state;
    const char text[] = "==1== hi\nI  1000,4\n\n L 2000,8\n S 3000,1"; /* no final newline */
    struct trace_reader rd;
    struct trace_ref refs[2];
    trace_reader_init_mem(&rd, TRACE_FMT_LACKEY, text, strlen(text));
    assert_int_equal(trace_read(&rd, refs, 2), 2);
    assert_int_equal(refs[1].addr, 0x2000);
    assert_int_equal(trace_read(&rd, refs, 2), 1);
    assert_int_equal(refs[0].addr, 0x3000);
    assert_int_equal(refs[0].op, TRACE_OP_STORE);
    assert_int_equal(trace_read(&rd, refs, 2), 0);
    assert_int_equal(rd.lineno, 5);
    trace_reader_fini(&rd);

    const char bad[] = "1\n2\n\nthree\n4\n";
    trace_reader_init_mem(&rd, TRACE_FMT_PAGES, bad, strlen(bad));
    assert_int_equal(trace_read(&rd, refs, 2), 2);
    assert_int_equal(trace_read(&rd, refs, 2), -1);
    assert_int_equal(rd.lineno, 4); /* the line of "three" */
    assert_true(strlen(rd.err) > 0);
    assert_int_equal(trace_read(&rd, refs, 2), -1); /* and stays failed */
    trace_reader_fini(&rd);

    /* The references before a bad line come first, then the error. */
    struct trace_ref many[8];
    trace_reader_init_mem(&rd, TRACE_FMT_PAGES, bad, strlen(bad));
    assert_int_equal(trace_read(&rd, many, 8), 2);
    assert_int_equal(many[1].addr, 2 << 12);
    assert_int_equal(trace_read(&rd, many, 8), -1);
    assert_int_equal(rd.lineno, 4);
    trace_reader_fini(&rd);
}

/* A file much larger than the read buffer: lines cut at every boundary. */
static void test_reader_fd(void **state)
{
    (void)state;
    char path[] = "/tmp/vmsim_test_trace_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    FILE *f = fdopen(dup(fd), "w");
    assert_non_null(f);
    const uint64_t n = 300000;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = i * 2654435761ULL % (1ULL << 40);
        sum += a + (i % 8 + 1);
        fprintf(f, i % 3 ? " L %llx,%llu\n" : "I  %09llx,%llu\n", (unsigned long long)a,
                (unsigned long long)(i % 8 + 1));
    }
    fclose(f);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    struct trace_reader rd;
    assert_int_equal(trace_reader_init_fd(&rd, TRACE_FMT_LACKEY, fd), 0);
    struct trace_ref refs[777];
    uint64_t got = 0, gotsum = 0;
    long k;
    while ((k = trace_read(&rd, refs, 777)) > 0) {
        for (long i = 0; i < k; i++) {
            gotsum += refs[i].addr + refs[i].size;
            assert_int_equal(refs[i].op, (got + (uint64_t)i) % 3 ? TRACE_OP_LOAD : TRACE_OP_FETCH);
        }
        got += (uint64_t)k;
    }
    assert_int_equal(k, 0);
    assert_int_equal(got, n);
    assert_int_equal(gotsum, sum);
    trace_reader_fini(&rd);
    close(fd);
}

static void test_reader_long_line(void **state)
{
    (void)state;
    size_t len = TRACE_MAX_LINE + 10;
    char *text = malloc(len + 3);
    assert_non_null(text);
    memcpy(text, "1\n", 2);
    memset(text + 2, ' ', len);
    text[len + 2] = '\0';
    struct trace_reader rd;
    struct trace_ref refs[4];
    trace_reader_init_mem(&rd, TRACE_FMT_PAGES, text, len + 2);
    assert_int_equal(trace_read(&rd, refs, 4), 1);
    assert_int_equal(trace_read(&rd, refs, 4), -1);
    assert_int_equal(rd.lineno, 2);
    trace_reader_fini(&rd);
    free(text);
}

static void test_page_map(void **state)
{
    (void)state;
    struct page_map m;
    assert_int_equal(page_map_init(&m), 0);
    for (uint64_t i = 0; i < 100000; i++)
        assert_int_equal(page_map_put(&m, i * 7919, i), 0);
    assert_int_equal(page_map_put(&m, 0, 42), 0); /* update in place */
    assert_int_equal(m.used, 100000);
    assert_int_equal(page_map_get(&m, 0, 9), 42);
    for (uint64_t i = 1; i < 100000; i++)
        assert_int_equal(page_map_get(&m, i * 7919, 0), i);
    assert_int_equal(page_map_get(&m, 5, 77), 77);
    page_map_fini(&m);
}

static void test_future(void **state)
{
    (void)state;
    struct trace_future f;
    trace_future_init(&f);
    uint64_t seq[2000];
    srand(7);
    for (int i = 0; i < 2000; i++) {
        seq[i] = (uint64_t)(rand() % 50) * 1000003;
        assert_int_equal(trace_future_add(&f, seq[i], (unsigned)(i % 3)), 0);
    }
    assert_int_equal(trace_future_finish(&f), 0);
    for (int i = 0; i < 2000; i++) {
        uint64_t want = TRACE_NEVER;
        for (int j = i + 1; j < 2000; j++)
            if (seq[j] == seq[i]) {
                want = (uint64_t)j;
                break;
            }
        assert_int_equal(f.next[i], want);
        assert_int_equal(f.acc[i] >> 2, seq[i]);
        assert_int_equal(f.acc[i] & 3, i % 3);
    }
    /* Before the replay: each page's first access. */
    for (int i = 0; i < 2000; i++) {
        int first = 0;
        while (seq[first] != seq[i])
            first++;
        assert_int_equal(page_map_get(&f.upcoming, seq[i], TRACE_NEVER), first);
    }
    trace_future_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lackey_lines),     cmocka_unit_test(test_pages_lines),
        cmocka_unit_test(test_pages_reader_kinds),
        cmocka_unit_test(test_reader_mem),       cmocka_unit_test(test_reader_fd),
        cmocka_unit_test(test_reader_long_line), cmocka_unit_test(test_page_map),
        cmocka_unit_test(test_future),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
