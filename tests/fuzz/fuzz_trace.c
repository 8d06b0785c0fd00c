/* libFuzzer target for the trace parser (cli/trace_parse.c) and OPT's
 * future (cli/trace_opt.c): the first byte picks the format (even: lackey,
 * odd: pages), the rest is a trace. The streaming reader (with its fast
 * paths) must give exactly what trace_parse_line gives line by line, every
 * reference must respect the format's limits, and the next-use indices must
 * point at the next access to the same page. Must survive any input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/trace/trace_opt.h"
#include "cli/trace/trace_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next reference of text[*pos..len) parsed line by line: 1, 0 at the
 * end, -1 on a malformed (or too long) line; *line counts lines. */
static int slow_next(enum trace_format fmt, const char *text, size_t len, size_t *pos,
                     uint64_t *line, struct trace_ref *out)
{
    while (*pos < len) {
        const char *s = text + *pos;
        const char *nl = memchr(s, '\n', len - *pos);
        size_t n = nl ? (size_t)(nl - s) : len - *pos;
        *pos += n + (nl != NULL);
        ++*line;
        if (n > TRACE_MAX_LINE)
            return -1;
        const char *why;
        int rc = trace_parse_line(fmt, s, n, out, &why);
        if (rc)
            return rc;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum trace_format fmt = data[0] & 1 ? TRACE_FMT_PAGES : TRACE_FMT_LACKEY;
    const char *text = (const char *)data + 1;
    size_t len = size - 1, spos = 0;
    uint64_t sline = 0;
    struct trace_reader rd;
    trace_reader_init_mem(&rd, fmt, text, len);
    struct trace_future fut;
    trace_future_init(&fut);
    struct trace_ref refs[3], want;
    long n;
    while ((n = trace_read(&rd, refs, 3)) > 0) {
        for (long i = 0; i < n; i++) {
            if (slow_next(fmt, text, len, &spos, &sline, &want) != 1 || want.addr != refs[i].addr ||
                want.size != refs[i].size || want.op != refs[i].op || want.pid != refs[i].pid)
                abort(); /* the reader disagrees with the line parser */
            if (refs[i].size == 0 || refs[i].size > TRACE_MAX_SIZE || refs[i].op > TRACE_OP_FETCH)
                abort();
            if (fmt == TRACE_FMT_PAGES && (refs[i].addr >> 12) > TRACE_MAX_VPN)
                abort();
            if (trace_future_add(&fut, refs[i].addr >> 12, refs[i].op & 3))
                abort();
        }
    }
    int last = slow_next(fmt, text, len, &spos, &sline, &want);
    if (n < 0 && (last != -1 || sline != rd.lineno || rd.err[0] == '\0'))
        abort(); /* an error is the line parser's, on the same line, and says what */
    if (n == 0 && last != 0)
        abort();
    if (n == 0 && trace_future_finish(&fut) == 0) {
        for (uint64_t i = 0; i < fut.n; i++)
            if (fut.next[i] != TRACE_NEVER && (fut.next[i] <= i || fut.next[i] >= fut.n ||
                                               fut.acc[fut.next[i]] >> 2 != fut.acc[i] >> 2))
                abort();
    }
    trace_future_fini(&fut);
    trace_reader_fini(&rd);
    return 0;
}
