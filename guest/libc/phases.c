/* Two phases of memory use, for the timeline's working set (tests/scripts/
 * timeline.sh): first sweeps BIG pages over and over, then only SMALL of
 * them, each phase for a fixed number of passes. The working set of an
 * interval (the pages referenced in it) is about BIG in the first phase and
 * SMALL (plus the program's own code, stack and data pages) in the second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096
#define BIG 2048
#define SMALL 16

int main(int argc, char **argv)
{
    long passes = argc > 1 ? atol(argv[1]) : 200;
    volatile unsigned char *mem = malloc((size_t)BIG * PAGE);
    if (!mem)
        return 1;
    unsigned long sum = 0;
    for (long p = 0; p < passes; p++)
        for (long i = 0; i < BIG; i++)
            mem[i * PAGE + (p & 63)] += (unsigned char)i;
    printf("phase 1 done\n");
    fflush(stdout);
    for (long p = 0; p < passes * (BIG / SMALL); p++)
        for (long i = 0; i < SMALL; i++)
            sum += mem[i * PAGE + (p & 63)]++;
    printf("phase 2 done %lu\n", sum & 0xff);
    return 0;
}
