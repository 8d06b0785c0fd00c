/* vmsim demo, scene 3: a static program with a big text (PAGEIN_FUNCS
 * functions of one page each, besides glibc's own code) that calls only the
 * few its arguments name. execve only maps the file: the pages it never
 * touches are never read. */
#include "demo.h"

#define PAGEIN_FUNCS 64

/* One function per page: aligned to a page, and a body that cannot be folded
 * into another's. */
#define F(n)                                                                                       \
    __attribute__((noinline, aligned(4096))) static long func##n(long x)                           \
    {                                                                                              \
        return x * (n + 3) + (x >> (n % 7)) + n;                                                   \
    }
/* clang-format off */
#define F8(a) F(a##0) F(a##1) F(a##2) F(a##3) F(a##4) F(a##5) F(a##6) F(a##7)
F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7) F8(8)

#define P(n) func##n,
#define P8(a) P(a##0) P(a##1) P(a##2) P(a##3) P(a##4) P(a##5) P(a##6) P(a##7)
static long (*const funcs[PAGEIN_FUNCS])(long) = {P8(1) P8(2) P8(3) P8(4) P8(5) P8(6) P8(7) P8(8)};
/* clang-format on */

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    long sum = 0;
    int called = 0;
    for (int i = 1; i < argc; i++) {
        int n = atoi(argv[i]);
        if (n >= 0 && n < PAGEIN_FUNCS) {
            sum += funcs[n](i);
            called++;
        }
    }
    printf("  [pagein, pid %d] has %d one-page functions, called %d of them (sum %ld)\n", getpid(),
           PAGEIN_FUNCS, called, sum);
    demo_mark(DEMO_MARK_PAGEIN, 0, 0);
    demo_ready_and_wait();
    return 0;
}
