/* Many separate mappings (issue 18): N one-page anonymous mappings without
 * an address hint (each one a top-down search for a hole), protections
 * alternating so that neighbours never merge; then every one is unmapped,
 * one munmap each, in a random order (a fixed-seed shuffle: the same order
 * everywhere). Prints what Linux semantics fix: the mappings sit top-down
 * next to each other, /proc/self/maps lists them all, every munmap succeeds
 * and the regions are as before at the end.
 * Usage: mapmany [N] (default 65000, below vm.max_map_count's 65530 with the
 * program's own regions). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096

static long regions(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    long n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, "[vsyscall]") == NULL; /* x86-64's gate page, not a region */
    if (f)
        fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 65000;
    char **p = malloc((size_t)n * sizeof *p);
    if (!p || n < 2)
        return 1;
    printf("mapmany %ld\n", n);
    fflush(stdout);
    regions();   /* stdio's and malloc's own memory exists from now on */
    long before = regions();
    for (long i = 0; i < n; i++) {
        int prot = i & 1 ? PROT_READ | PROT_WRITE : PROT_READ;
        p[i] = mmap(NULL, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p[i] == MAP_FAILED) {
            printf("mmap %ld failed: %m\n", i);
            return 1;
        }
        if (i % 32 == 1)
            p[i][i % PAGE] = 1; /* usable, and some with a page behind them */
    }
    /* Top-down (Linux's mmap_base layout): each below the one before, except
     * where an early one filled a hole between the program's own regions. */
    long below = 0;
    for (long i = 1; i < n; i++)
        below += p[i] + PAGE == p[i - 1];
    long during = regions() - before;
    printf("each right below the one before: %s\n", below >= n - 16 ? "nearly all" : "no");
    printf("regions added: %s\n", during > n - 16 && during <= n ? "about n" : "other");
    unsigned long long x = 88172645463325252ULL;
    for (long i = n - 1; i > 0; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        long j = (long)(x % (unsigned long long)(i + 1));
        char *t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    long failed = 0;
    for (long i = 0; i < n; i++)
        failed += munmap(p[i], PAGE) != 0;
    printf("munmap in a random order: %ld failed\n", failed);
    printf("regions after: %s\n", regions() == before ? "as before" : "other");
    return 0;
}
