/* The freestanding runtime of the guest test programs: raw system calls,
 * buffered output and a printf subset. No libc: what a program prints is what
 * its instructions computed, so vmsim and qemu-riscv64 can be compared. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stddef.h>
#include <stdint.h>

long syscall6(long n, long a, long b, long c, long d, long e, long f);
#define syscall3(n, a, b, c) syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

enum { SYS_write = 64, SYS_exit_group = 94, SYS_exit = 93, SYS_mmap = 222,
       SYS_munmap = 215, SYS_mprotect = 226, SYS_brk = 214 };

long write(int fd, const void *buf, size_t len);
void exit(int status) __attribute__((noreturn));
void *mmap_anon(size_t len, int prot);   /* MAP_PRIVATE|MAP_ANONYMOUS; (void *)-errno on failure */

/* Output to stdout, buffered until flush(), exit() or a full buffer.
 * printf knows %d %i %u %x %X %s %c %p %% with flags '0' '-', a width and the
 * length modifiers l, ll, z (ignored: every integer argument is read as long). */
void flush(void);
void putstr(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
