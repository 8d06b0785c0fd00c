/* pagemap, smaps, status and vmstat under memory pressure (run by
 * tests/scripts/procfs.sh under vmsim with a small --mem and a --swap
 * area; native Linux has no swap to compare with here). Every line is a
 * consistency fact between four views of the same swapped pages, which
 * Linux's documentation defines: a swapped page's pagemap entry has bit 62
 * and not bit 63, its bits 0-54 are the swap type (5 bits) and offset, it
 * counts in smaps Swap and in status VmSwap; vmstat's pswpout/pswpin count
 * the pages written and read back. */
#include "pfs.h"

static long vmstat(const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\n%s ", key);
    char *p = strstr(slurp("/proc/vmstat"), k);
    return p ? atol(p + strlen(k)) : -1;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 4096; /* pages */
    long out0 = vmstat("pswpout"), in0 = vmstat("pswpin");
    char *r = region(n, MAP_PRIVATE | MAP_ANONYMOUS);
    for (size_t i = 0; i < n; i++)
        memset(r + i * PG, (int)(i & 0xff), 64);
    /* Each view is read in one call, so each is a snapshot of one moment;
     * between the calls the pressure goes on (reading faults pages in), so
     * the views are compared with the region's size, not with each other. */
    long size = smaps_field(0, r, "Size"), rss = smaps_field(0, r, "Rss");
    long sw = smaps_field(0, r, "Swap");
    long vmswap = status_field("/proc/self/status", "VmSwap");
    static uint64_t pm[1 << 16];
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (n > sizeof pm / 8 ||
        pread(fd, pm, n * 8, (off_t)((uintptr_t)r / PG * 8)) != (ssize_t)(n * 8))
        return 1;
    size_t present = 0, swapped = 0, both = 0, bad = 0;
    uint64_t *offs = calloc(n, sizeof *offs);
    for (size_t i = 0; i < n; i++) {
        uint64_t e = pm[i];
        present += PM_PRESENT(e);
        if (PM_SWAP(e)) {
            offs[swapped++] = PM_PFN(e) >> 5;
            bad += (PM_PFN(e) & 31) != 0 || PM_FILE(e) || PM_EXCL(e);
        }
        both += PM_PRESENT(e) && PM_SWAP(e);
    }
    size_t dup = 0;
    for (size_t i = 0; i < swapped; i++)
        for (size_t j = i + 1; j < swapped; j++)
            dup += offs[i] == offs[j];
    printf("some pages swapped (pagemap): %s\n", yesno(swapped > 0));
    printf("pagemap: every page present or swapped: %s\n", yesno(present + swapped == n && !both));
    printf("swap entries: type 0, no file or exclusive bit: %s\n", yesno(bad == 0));
    printf("swap offsets distinct: %s\n", yesno(dup == 0));
    printf("smaps: Rss + Swap = Size: %s\n", yesno(size == (long)n * 4 && rss + sw == size));
    printf("smaps Swap > 0: %s, status VmSwap >= smaps Swap: %s\n", yesno(sw > 0),
           yesno(vmswap >= sw));
    printf("vmstat pswpout grew by >= smaps Swap pages: %s\n",
           yesno(vmstat("pswpout") - out0 >= sw / 4));
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++)
        wrong += r[i * PG] != (char)(i & 0xff);
    printf("contents intact: %s\n", yesno(wrong == 0));
    printf("vmstat pswpin grew after reading back: %s\n", yesno(vmstat("pswpin") > in0));
    uint64_t e0 = 0;
    volatile char touch = r[0];
    (void)touch;
    if (pread(fd, &e0, 8, (off_t)((uintptr_t)r / PG * 8)) != 8)
        return 1;
    printf("first page present after reading it: %s\n", yesno(PM_PRESENT(e0) && !PM_SWAP(e0)));
    return 0;
}
