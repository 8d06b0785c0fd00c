/* `vmsim run --page-trace`: see page_trace_out.h. */
#include "page_trace_out.h"

#include <errno.h>
#include <string.h>


/* Decimal digits of v at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_hex(char *p, uint64_t v, int min)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n < min)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* The sink: the references of the process on the hart (os->current, the
 * thread whose turn it is: the hart flushes before every return; its
 * process's pid, as threads share one address space). */
static void flush_refs(void *ctx, const uint64_t *refs, unsigned n)
{
    struct page_trace_out *o = ctx;
    static const char kind[3] = {'R', 'W', 'X'};
    static const char *const lk[3] = {" L ", " S ", "I  "};
    char buf[64 * 256];
    char *p = buf;
    uint64_t pid = (uint64_t)(o->os->current ? o->os->current->pid : o->os->last_pid);
    for (unsigned i = 0; i < n; i++) {
        unsigned acc = (unsigned)(refs[i] & 3);
        uint64_t page = refs[i] & ~(uint64_t)0xfff;
        if (o->lackey) {
            memcpy(p, lk[acc], 3);
            p = put_hex(p + 3, page, 8);
            memcpy(p, ",1\n", 3);
            p += 3;
        } else {
            p = put_u64(p, pid);
            *p++ = ' ';
            p = put_u64(p, page >> 12);
            *p++ = ' ';
            *p++ = kind[acc];
            *p++ = '\n';
        }
        if (p - buf > (long)sizeof buf - 64 || i + 1 == n) {
            if (fwrite(buf, 1, (size_t)(p - buf), o->f) != (size_t)(p - buf))
                o->failed = true;
            p = buf;
        }
    }
}

int page_trace_out_start(struct page_trace_out *o, struct os *os)
{
    if (!o->path)
        return 0;
    o->f = fopen(o->path, "w");
    if (!o->f) {
        fprintf(stderr, "vmsim run: --page-trace %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    o->os = os;
    page_trace_init(&o->pt, flush_refs, o);
    machine_set_page_trace(os->m, &o->pt);
    return 0;
}

bool page_trace_out_finish(struct page_trace_out *o)
{
    if (!o->f)
        return true;
    page_trace_flush(&o->pt);
    machine_set_page_trace(o->os->m, NULL);
    if (fclose(o->f) != 0)
        o->failed = true;
    o->f = NULL;
    if (o->failed)
        fprintf(stderr, "vmsim run: --page-trace %s: write failed\n", o->path);
    return !o->failed;
}
