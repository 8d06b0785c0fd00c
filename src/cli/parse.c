#include "parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool parse_u64(const char *s, bool allow_suffix, uint64_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    uint64_t v = 0;
    const char *start = s;
    for (; *s; s++) {
        int d = hex_digit((unsigned char)*s);
        if (d < 0 || (unsigned)d >= base)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return false; /* overflow */
        v = v * base + (uint64_t)d;
    }
    if (s == start)
        return false;
    if (*s && allow_suffix) {
        unsigned shift;
        switch (*s) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            return false;
        }
        if (v > (UINT64_MAX >> shift))
            return false;
        v <<= shift;
        s++;
    }
    if (*s)
        return false;
    *out = v;
    return true;
}

/* Decodes one escape after the backslash at *p (p < end). Returns the byte,
 * or -1 for an unknown or incomplete escape. Advances *p past it. */
static int decode_escape(const char **p, const char *end)
{
    const char *s = *p;
    int c = (unsigned char)*s++;
    int v;
    switch (c) {
    case 'n':
        v = '\n';
        break;
    case 't':
        v = '\t';
        break;
    case 'r':
        v = '\r';
        break;
    case 'a':
        v = '\a';
        break;
    case 'b':
        v = '\b';
        break;
    case 'f':
        v = '\f';
        break;
    case 'v':
        v = '\v';
        break;
    case 'e':
        v = 0x1b;
        break;
    case '\\':
    case '"':
    case '\'':
    case '?':
        v = c;
        break;
    case 'x': {
        int n = 0;
        v = 0;
        while (s < end && n < 2 && hex_digit((unsigned char)*s) >= 0) {
            v = v * 16 + hex_digit((unsigned char)*s++);
            n++;
        }
        if (n == 0)
            return -1;
        break;
    }
    default:
        if (c < '0' || c > '7')
            return -1;
        v = c - '0';
        for (int n = 1; n < 3 && s < end && *s >= '0' && *s <= '7'; n++)
            v = v * 8 + (*s++ - '0');
        if (v > 255)
            return -1;
        break;
    }
    *p = s;
    return v;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

const char *tokenize(const char *line, size_t len, struct token_line *tl)
{
    tl->ntok = 0;
    /* Decoded text never grows past the source, plus a NUL per token. */
    tl->buf = malloc(2 * len + 2);
    if (!tl->buf)
        return "out of memory";
    if (memchr(line, '\0', len))
        return "NUL byte in the line";
    char *w = tl->buf;
    const char *p = line, *end = line + len;
    for (;;) {
        while (p < end && is_blank(*p))
            p++;
        if (p == end || *p == '#' || *p == '\n')
            return NULL;
        if (tl->ntok == TOKENS_MAX)
            return "too many words";
        struct token *t = &tl->tok[tl->ntok++];
        t->s = w;
        t->quoted = *p == '"';
        if (t->quoted) {
            p++;
            for (;;) {
                if (p == end || *p == '\n')
                    return "unterminated string";
                if (*p == '"') {
                    p++;
                    break;
                }
                if (*p == '\\') {
                    p++;
                    if (p == end)
                        return "unterminated string";
                    int c = decode_escape(&p, end);
                    if (c < 0)
                        return "bad escape in string";
                    *w++ = (char)c;
                } else {
                    *w++ = *p++;
                }
            }
            if (p < end && !is_blank(*p) && *p != '#' && *p != '\n')
                return "junk after string";
        } else {
            while (p < end && !is_blank(*p) && *p != '#' && *p != '\n') {
                if (*p == '"')
                    return "quote inside a word";
                *w++ = *p++;
            }
        }
        t->len = (size_t)(w - t->s);
        *w++ = '\0';
    }
}

void token_line_free(struct token_line *tl)
{
    free(tl->buf);
    tl->buf = NULL;
    tl->ntok = 0;
}

void print_c_string(FILE *out, const uint8_t *buf, size_t len)
{
    putc('"', out);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        switch (c) {
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '"':
            fputs("\\\"", out);
            break;
        default:
            if (c >= 0x20 && c < 0x7f)
                putc(c, out);
            else
                fprintf(out, "\\%03o", c);
        }
    }
    putc('"', out);
}

bool parse_hex_bytes(const char *s, uint8_t **out, size_t *len)
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    s += 2;
    size_t n = strlen(s);
    if (n == 0 || n % 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (hex_digit((unsigned char)s[i]) < 0)
            return false;
    uint8_t *b = malloc(n / 2);
    if (!b)
        return false;
    for (size_t i = 0; i < n / 2; i++)
        b[i] = (uint8_t)(hex_digit((unsigned char)s[2 * i]) * 16 +
                         hex_digit((unsigned char)s[2 * i + 1]));
    *out = b;
    *len = n / 2;
    return true;
}

const char *errno_name(int err)
{
    static const struct {
        int err;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {EIO, "EIO"},
        {ENXIO, "ENXIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {ENODEV, "ENODEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"},
        {ETXTBSY, "ETXTBSY"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"},
        {ERANGE, "ERANGE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
        {ELOOP, "ELOOP"},
        {EOVERFLOW, "EOVERFLOW"},
        {ENOTSUP, "ENOTSUP"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].err == err)
            return names[i].name;
    return "E?";
}
