#include "trace_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BUF (1u << 20) /* bytes read per read(2); a line must fit with it */

/* Hex digit values plus one; 0 for any other byte. A table, not compares:
 * digits and letters alternate at random in addresses, which a branch
 * predictor cannot learn. */
static const uint8_t hex_table[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* Value of a hex digit, or 16 for anything else. */
static inline unsigned hexval(unsigned char c)
{
    return hex_table[c] ? hex_table[c] - 1u : 16u;
}

static inline bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Hex number of 1..16 digits at *p (p < e); advances *p. */
static inline bool hex64(const char **pp, const char *e, uint64_t *out, const char **why)
{
    const char *p = *pp;
    uint64_t v = 0;
    int n = 0;
    unsigned d;
    while (p < e && (d = hexval((unsigned char)*p)) < 16) {
        if (++n > 16) {
            *why = "hex number too long (more than 64 bits)";
            return false;
        }
        v = v << 4 | d;
        p++;
    }
    if (n == 0) {
        *why = "expected a hex number";
        return false;
    }
    *pp = p;
    *out = v;
    return true;
}

/* Decimal number <= max at *p; advances *p. */
static inline bool dec64(const char **pp, const char *e, uint64_t max, uint64_t *out,
                         const char **why)
{
    const char *p = *pp;
    uint64_t v = 0;
    int n = 0;
    while (p < e && (unsigned)(*p - '0') < 10u) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > max) {
            *why = "number too large";
            return false;
        }
        n++;
        p++;
    }
    if (n == 0) {
        *why = "expected a decimal number";
        return false;
    }
    *pp = p;
    *out = v;
    return true;
}

/* Only blanks may follow a reference. */
static inline int finish(const char *p, const char *e, const char **why)
{
    while (p < e && blank(*p))
        p++;
    if (p != e) {
        *why = "unexpected text after the reference";
        return -1;
    }
    return 1;
}

/* The access letter of a lackey line: its TRACE_OP_*, or -1. */
static inline int lackey_op(char c)
{
    switch (c) {
    case 'I':
        return TRACE_OP_FETCH;
    case 'L':
        return TRACE_OP_LOAD;
    case 'S':
        return TRACE_OP_STORE;
    case 'M':
        return TRACE_OP_MODIFY;
    default:
        return -1;
    }
}

static int parse_lackey(const char *p, const char *e, struct trace_ref *out, const char **why)
{
    while (p < e && blank(*p))
        p++;
    if (p == e)
        return 0;
    int op = lackey_op(*p);
    if (op < 0) {
        /* "#", "==pid== message", "--pid-- message": not references */
        if (*p == '#' || ((*p == '=' || *p == '-') && e - p >= 2 && p[1] == *p))
            return 0;
        *why = "expected I, L, S or M (or a ==pid== line)";
        return -1;
    }
    p++;
    if (p == e || !blank(*p)) {
        *why = "expected a blank after the access letter";
        return -1;
    }
    while (p < e && blank(*p))
        p++;
    uint64_t addr, size;
    if (!hex64(&p, e, &addr, why))
        return -1;
    if (p == e || *p != ',') {
        *why = "expected ',' after the address";
        return -1;
    }
    p++;
    if (!dec64(&p, e, TRACE_MAX_SIZE, &size, why))
        return -1;
    if (size == 0) {
        *why = "size 0";
        return -1;
    }
    out->addr = addr;
    out->size = (uint32_t)size;
    out->op = op;
    out->pid = 0;
    return finish(p, e, why);
}

/* A page number at *p: decimal, or hex after 0x. */
static bool page_number(const char **pp, const char *e, uint64_t *vpn, const char **why)
{
    const char *p = *pp;
    if (e - p >= 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
        p += 2;
        if (!hex64(&p, e, vpn, why))
            return false;
        if (*vpn > TRACE_MAX_VPN) {
            *why = "page number too large (max 2^52-1)";
            return false;
        }
    } else if (!dec64(&p, e, TRACE_MAX_VPN, vpn, why)) {
        return false;
    }
    *pp = p;
    return true;
}

/* "[PID ]VPN[ R|W|X]" (what `vmsim run --page-trace` writes). */
static int parse_pages(const char *p, const char *e, struct trace_ref *out, const char **why)
{
    while (p < e && blank(*p))
        p++;
    if (p == e || *p == '#')
        return 0;
    uint64_t vpn, pid = 0;
    if (!page_number(&p, e, &vpn, why))
        return -1;
    const char *q = p;
    while (q < e && blank(*q))
        q++;
    if (q > p && q < e && (unsigned)(*q - '0') < 10u) {
        /* two numbers: the first was the process */
        if (vpn > TRACE_MAX_PID) {
            *why = "process id too large";
            return -1;
        }
        pid = vpn;
        p = q;
        if (!page_number(&p, e, &vpn, why))
            return -1;
        q = p;
        while (q < e && blank(*q))
            q++;
    }
    unsigned op = TRACE_OP_LOAD;
    if (q > p && q < e && (*q == 'R' || *q == 'W' || *q == 'X')) {
        op = *q == 'R' ? TRACE_OP_LOAD : *q == 'W' ? TRACE_OP_STORE : TRACE_OP_FETCH;
        p = q + 1;
    }
    out->addr = vpn << 12;
    out->size = 1;
    out->op = op;
    out->pid = (uint32_t)pid;
    return finish(p, e, why);
}

int trace_parse_line(enum trace_format fmt, const char *s, size_t n, struct trace_ref *out,
                     const char **why)
{
    return fmt == TRACE_FMT_LACKEY ? parse_lackey(s, s + n, out, why)
                                   : parse_pages(s, s + n, out, why);
}

bool trace_format_parse(const char *name, enum trace_format *out)
{
    if (strcmp(name, "lackey") == 0)
        *out = TRACE_FMT_LACKEY;
    else if (strcmp(name, "pages") == 0)
        *out = TRACE_FMT_PAGES;
    else
        return false;
    return true;
}

int trace_reader_init_fd(struct trace_reader *r, enum trace_format fmt, int fd)
{
    *r = (struct trace_reader){.fmt = fmt, .fd = fd};
    r->own = malloc(READ_BUF + TRACE_MAX_LINE);
    if (!r->own)
        return -ENOMEM;
    r->cap = READ_BUF + TRACE_MAX_LINE;
    r->buf = r->own;
    return 0;
}

void trace_reader_init_mem(struct trace_reader *r, enum trace_format fmt, const char *data,
                           size_t len)
{
    *r = (struct trace_reader){.fmt = fmt, .fd = -1, .buf = data, .end = len, .eof = true};
}

void trace_reader_fini(struct trace_reader *r)
{
    free(r->own);
    r->own = NULL;
}

/* The common lackey line, "I  HEX,N\n" or " L HEX,N\n" (also S, M), parsed
 * in one pass without looking for the newline first. Returns the byte after
 * the newline, or NULL if the line has any other shape or is not wholly in
 * [p, e): the general path then handles it (and its errors). */
static inline const char *lackey_fast(const char *p, const char *e, struct trace_ref *out)
{
    if (e - p < 6)
        return NULL;
    int op;
    if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ')
        op = TRACE_OP_FETCH;
    else if (p[0] == ' ' && p[2] == ' ' && p[1] != 'I' && (op = lackey_op(p[1])) >= 0)
        ;
    else
        return NULL;
    const char *q = p + 3;
    uint64_t addr = 0;
    const char *start = q;
    unsigned d;
    while (q < e && (d = hex_table[(unsigned char)*q]) != 0) {
        addr = addr << 4 | (d - 1);
        q++;
    }
    if (q == start || q - start > 16 || q >= e || *q != ',')
        return NULL;
    start = ++q;
    uint32_t size = 0;
    while (q < e && (unsigned)(*q - '0') < 10u && q - start < 5)
        size = size * 10 + (uint32_t)(*q++ - '0');
    if (q == start || size == 0 || size > TRACE_MAX_SIZE || q >= e || *q != '\n')
        return NULL;
    out->addr = addr;
    out->size = size;
    out->op = op;
    out->pid = 0;
    return q + 1;
}

/* The common pages lines, "VPN\n" and "PID VPN K\n" in decimal; as lackey_fast. */
static inline const char *pages_fast(const char *p, const char *e, struct trace_ref *out)
{
    uint64_t vpn = 0, pid = 0;
    const char *q = p;
    while (q < e && (unsigned)(*q - '0') < 10u && q - p < 15)
        vpn = vpn * 10 + (uint64_t)(*q++ - '0');
    if (q == p || q >= e || vpn > TRACE_MAX_VPN)
        return NULL;
    unsigned op = TRACE_OP_LOAD;
    if (*q == ' ') {
        if (vpn > TRACE_MAX_PID)
            return NULL;
        pid = vpn;
        vpn = 0;
        const char *s = ++q;
        while (q < e && (unsigned)(*q - '0') < 10u && q - s < 15)
            vpn = vpn * 10 + (uint64_t)(*q++ - '0');
        if (q == s || e - q < 3 || q[0] != ' ' || q[2] != '\n' || vpn > TRACE_MAX_VPN)
            return NULL;
        if (q[1] == 'R')
            op = TRACE_OP_LOAD;
        else if (q[1] == 'W')
            op = TRACE_OP_STORE;
        else if (q[1] == 'X')
            op = TRACE_OP_FETCH;
        else
            return NULL;
        q += 2;
    } else if (*q != '\n') {
        return NULL;
    }
    out->addr = vpn << 12;
    out->size = 1;
    out->op = op;
    out->pid = (uint32_t)pid;
    return q + 1;
}

/* Moves the unparsed tail to the front and reads more. 0, or -1 with r->err. */
static int refill(struct trace_reader *r)
{
    size_t left = r->end - r->pos;
    memmove(r->own, r->own + r->pos, left);
    r->pos = 0;
    r->end = left;
    while (r->end < READ_BUF && !r->eof) {
        ssize_t got = read(r->fd, r->own + r->end, r->cap - r->end);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            r->lineno++; /* the line being read */
            snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
            return -1;
        }
        if (got == 0)
            r->eof = true;
        r->end += (size_t)got;
    }
    return 0;
}

long trace_read(struct trace_reader *r, struct trace_ref *refs, size_t max)
{
    if (r->failed)
        return -1;
    size_t n = 0;
    const char *why = NULL; /* what is wrong with the line at pos */
    while (n < max) {
        const char *line = r->buf + r->pos, *end = r->buf + r->end;
        const char *next = r->fmt == TRACE_FMT_LACKEY ? lackey_fast(line, end, &refs[n])
                                                      : pages_fast(line, end, &refs[n]);
        if (next) {
            r->lineno++;
            r->pos = (size_t)(next - r->buf);
            n++;
            continue;
        }
        size_t avail = r->end - r->pos;
        const char *nl = avail ? memchr(line, '\n', avail) : NULL;
        size_t len;
        if (nl) {
            len = (size_t)(nl - line);
        } else if (!r->eof) {
            if (avail > TRACE_MAX_LINE) {
                why = "line too long (more than 64 KiB)";
                break;
            }
            if (n > 0)
                break; /* hand these out before reading (which may fail) */
            if (refill(r) < 0) {
                r->failed = true;
                return -1;
            }
            continue;
        } else if (avail == 0) {
            break; /* the end */
        } else {
            len = avail; /* a last line without a newline */
        }
        if (len > TRACE_MAX_LINE) {
            why = "line too long (more than 64 KiB)";
            break;
        }
        int rc = trace_parse_line(r->fmt, line, len, &refs[n], &why);
        if (rc < 0)
            break;
        r->lineno++;
        n += (size_t)rc;
        r->pos += len + (nl != NULL);
    }
    if (why && n == 0) {
        /* The references before a bad line are handed out first; the error
         * comes with the next call, naming the bad line. */
        r->lineno++;
        r->failed = true;
        snprintf(r->err, sizeof r->err, "%s", why);
        return -1;
    }
    return (long)n;
}
