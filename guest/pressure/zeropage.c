/* The shared zero page (issue 14): reading 64 MiB of fresh private anonymous
 * memory leaves VmRSS where it was (every page maps Linux's ZERO_PAGE), and
 * writing it then raises VmRSS by 64 MiB. Prints facts, not numbers that
 * differ between machines, so the native run and the vmsim run print the
 * same lines: VmRSS deltas, the region's smaps Rss, and the pagemap flags
 * of its first page (present, file/shared-anon, exclusively mapped). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prockb.h"

#define SIZE (64UL << 20)

static long region_rss_kb(void *start)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    unsigned long lo, hi;
    int in = 0;
    long v = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            in = lo == (unsigned long)start;
        else if (in && !strncmp(line, "Rss:", 4))
            v = strtol(line + 4, NULL, 10);
    }
    if (f)
        fclose(f);
    return v;
}

static void pagemap(const char *when, void *p)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t e = 0;
    if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8)
        printf("%s: pagemap unreadable\n", when);
    else
        printf("%s: pagemap present %d file %d exclusive %d\n", when, (int)(e >> 63 & 1),
               (int)(e >> 61 & 1), (int)(e >> 56 & 1));
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    unsigned char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    madvise(p, SIZE, MADV_NOHUGEPAGE); /* natively: 4 KiB zero pages, not the huge one */
    long rss0 = status_kb("VmRSS");
    unsigned long sum = 0;
    for (unsigned long i = 0; i < SIZE; i += 4096)
        sum += ((volatile unsigned char *)p)[i];
    long rss1 = status_kb("VmRSS");
    printf("read 64 MiB, sum %lu\n", sum);
    printf("VmRSS grew by less than 1 MiB: %s\n", rss1 - rss0 < 1024 ? "yes" : "no");
    printf("region Rss after reading: %ld kB\n", region_rss_kb(p));
    pagemap("after reading", p);
    for (unsigned long i = 0; i < SIZE; i += 4096)
        p[i] = 1;
    long rss2 = status_kb("VmRSS");
    printf("VmRSS grew by 64 MiB after writing: %s\n",
           rss2 - rss1 >= 65536 && rss2 - rss1 < 65536 + 1024 ? "yes" : "no");
    printf("region Rss after writing: %ld kB\n", region_rss_kb(p));
    pagemap("after writing", p);
    return 0;
}
