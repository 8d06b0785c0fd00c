/* madvise and mlock under memory pressure (issue 14; vmsim only: run with
 * --mem 8M and some swap). Prints yes/no facts:
 *   MADV_FREE'd pages are dropped when memory is short (pglazyfreed grows,
 *   they read back as zeros), a page written after MADV_FREE keeps its data;
 *   MADV_PAGEOUT sends anonymous pages to swap (mincore 0, pswpout grows);
 *   an mlocked region stays resident through the pressure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1UL << 20)

static unsigned long vmstat(const char *name)
{
    FILE *f = fopen("/proc/vmstat", "r");
    char key[64];
    unsigned long v, r = 0;
    while (f && fscanf(f, "%63s %lu", key, &v) == 2)
        if (!strcmp(key, name))
            r = v;
    if (f)
        fclose(f);
    return r;
}

static int resident(void *p, size_t len)
{
    unsigned char vec[1024];
    size_t n = len / 4096, in = 0;
    if (n > sizeof vec || mincore(p, len, vec))
        return -1;
    for (size_t i = 0; i < n; i++)
        in += vec[i] & 1;
    return (int)in;
}

static char *map(size_t len)
{
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        exit(1);
    return p;
}

int main(void)
{
    char *locked = map(MIB), *lazy = map(2 * MIB), *out = map(MIB);
    memset(locked, 7, MIB);
    memset(lazy, 9, 2 * MIB);
    memset(out, 5, MIB);
    printf("mlock: %d\n", mlock(locked, MIB));
    unsigned long lf0 = vmstat("pglazyfreed"), so0 = vmstat("pswpout");
    madvise(lazy, 2 * MIB, MADV_FREE);
    lazy[0] = 1; /* written again: kept */
    printf("MADV_PAGEOUT: %d\n", madvise(out, MIB, MADV_PAGEOUT));
    printf("paged out: %s\n", resident(out, MIB) == 0 ? "yes" : "no");
    printf("pswpout grew by the region: %s\n", vmstat("pswpout") - so0 >= 256 ? "yes" : "no");
    /* Pressure: 12 MiB more than an 8 MiB machine holds, touched twice. */
    char *big = map(12 * MIB);
    for (int r = 0; r < 2; r++)
        for (size_t i = 0; i < 12 * MIB; i += 4096)
            big[i] = (char)r;
    printf("pglazyfreed grew: %s\n", vmstat("pglazyfreed") > lf0 ? "yes" : "no");
    int zeros = 1;
    for (size_t i = 4096; i < 2 * MIB; i += 4096)
        zeros &= lazy[i] == 0 || lazy[i] == 9;
    printf("lazily freed pages read as zeros or their data: %s\n", zeros ? "yes" : "no");
    int dropped = 0;
    for (size_t i = 4096; i < 2 * MIB; i += 4096)
        dropped += lazy[i] == 0;
    printf("some were dropped: %s\n", dropped > 0 ? "yes" : "no");
    printf("the page written again kept its data: %s\n", lazy[0] == 1 ? "yes" : "no");
    printf("mlocked region all resident: %s\n", resident(locked, MIB) == 256 ? "yes" : "no");
    int same = 1;
    for (size_t i = 0; i < MIB; i++)
        same &= locked[i] == 7 && out[i] == 5;
    printf("locked and paged-out data intact: %s\n", same ? "yes" : "no");
    return 0;
}
