/* Freestanding runtime for guest programs (see guest.h). */
#include "guest.h"

#include <stdarg.h>

long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long a7 asm("a7") = n;
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a3 asm("a3") = d;
    register long a4 asm("a4") = e;
    register long a5 asm("a5") = f;
    asm volatile("ecall"
                 : "+r"(a0)
                 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
                 : "memory");
    return a0;
}

long write(int fd, const void *buf, size_t len) { return syscall3(SYS_write, fd, buf, len); }

void *mmap_anon(size_t len, int prot)
{
    return (void *)syscall6(SYS_mmap, 0, (long)len, prot, 0x22, -1, 0);
}

static char outbuf[4096];
static size_t outlen;

void flush(void)
{
    size_t done = 0;
    while (done < outlen) {
        long r = write(1, outbuf + done, outlen - done);
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    outlen = 0;
}

void exit(int status)
{
    flush();
    for (;;)
        syscall3(SYS_exit_group, status, 0, 0);
}

static void putch(char c)
{
    if (outlen == sizeof outbuf)
        flush();
    outbuf[outlen++] = c;
}

void putstr(const char *s)
{
    while (*s)
        putch(*s++);
}

static void put_padded(const char *s, int len, int width, int left, char pad)
{
    if (!left)
        for (int i = len; i < width; i++)
            putch(pad);
    for (int i = 0; i < len; i++)
        putch(s[i]);
    if (left)
        for (int i = len; i < width; i++)
            putch(' ');
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            putch(*p);
            continue;
        }
        p++;
        int left = 0, width = 0;
        char pad = ' ';
        for (; *p == '0' || *p == '-'; p++) {
            if (*p == '0')
                pad = '0';
            else
                left = 1;
        }
        for (; *p >= '0' && *p <= '9'; p++)
            width = width * 10 + (*p - '0');
        while (*p == 'l' || *p == 'z')
            p++;
        char buf[24];
        int n = 0;
        switch (*p) {
        case 'd':
        case 'i': {
            long v = va_arg(ap, long);
            unsigned long u = v < 0 ? 0 - (unsigned long)v : (unsigned long)v;
            do {
                buf[sizeof buf - 1 - n++] = (char)('0' + u % 10);
                u /= 10;
            } while (u);
            if (v < 0)
                buf[sizeof buf - 1 - n++] = '-';
            put_padded(buf + sizeof buf - n, n, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'p': {
            unsigned long u = *p == 'p' ? (unsigned long)va_arg(ap, void *) : va_arg(ap, unsigned long);
            unsigned base = *p == 'u' ? 10 : 16;
            const char *digits = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            do {
                buf[sizeof buf - 1 - n++] = digits[u % base];
                u /= base;
            } while (u);
            if (*p == 'p') {
                buf[sizeof buf - 1 - n++] = 'x';
                buf[sizeof buf - 1 - n++] = '0';
            }
            put_padded(buf + sizeof buf - n, n, width, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(s, (int)strlen(s), width, left, ' ');
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            put_padded(buf, 1, width, left, ' ');
            break;
        case '%':
            putch('%');
            break;
        default:   /* unknown conversion: print it as is */
            putch('%');
            if (*p)
                putch(*p);
            else
                p--;
        }
    }
    va_end(ap);
    return 0;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp)
        while (n--)
            *dp++ = *sp++;
    else
        while (n--)
            dp[n] = sp[n];
    return d;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
