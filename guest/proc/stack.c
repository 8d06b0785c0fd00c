/* Stack growth: deep recursion and a big frame grow the stack on demand
 * (one page fault at a time, below the initial mapping), up to the 8 MiB
 * limit; beyond it, SIGSEGV (checked by the test with argv[1] = "overflow"). */
#include <stdio.h>
#include <string.h>

static unsigned long rec(unsigned long n)
{
    volatile char pad[192];   /* about 256 bytes a frame */
    pad[0] = (char)n;
    if (n == 0)
        return 0;
    return rec(n - 1) + pad[0] % 7 + 1;
}

static unsigned long big(void)
{
    char buf[3 << 20];   /* 3 MiB in one frame */
    memset(buf, 1, sizeof buf);
    unsigned long s = 0;
    for (size_t i = 0; i < sizeof buf; i += 4096)
        s += (unsigned char)buf[i];
    return s;
}

static volatile unsigned long limit = ~0UL;

/* Recurses until the stack limit stops it (limit is never reached). */
static unsigned long forever(unsigned long n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    if (n == limit)
        return 0;
    return forever(n + 1) + pad[0];
}

int main(int argc, char **argv)
{
    printf("recursion 20000: %lu\n", rec(20000));
    printf("big frame: %lu\n", big());
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "overflow") == 0)
        printf("%lu\n", forever(0));
    return 0;
}
