/* Memory-management benchmark: maps 16 MiB of fresh anonymous memory, writes
 * one word in each page (a demand-zero fault per page), reads them back and
 * unmaps it, ROUNDS times (argv[1]); then grows and shrinks the heap with brk
 * the same way. The time is the kernel's: faults, zeroing, unmapping. */
#include "bench.h"

#define MAP_BYTES (16ul << 20)
#define PAGE 4096ul

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 12);
    uint64_t sum = 0, faults = 0;
    for (long r = 0; r < rounds; r++) {
        uint8_t *p = mmap_anon(MAP_BYTES, 3);
        if ((long)p < 0) {
            printf("pagefault: mmap failed (%ld)\n", (long)p);
            return 1;
        }
        for (unsigned long off = 0; off < MAP_BYTES; off += PAGE) {
            *(uint64_t *)(p + off) = off + (uint64_t)r;
            faults++;
        }
        for (unsigned long off = 0; off < MAP_BYTES; off += PAGE)
            sum += *(uint64_t *)(p + off);
        syscall3(SYS_munmap, p, MAP_BYTES, 0);
    }
    /* brk: grow by 4 MiB, touch, shrink back. */
    long base = syscall3(SYS_brk, 0, 0, 0);
    for (long r = 0; r < rounds; r++) {
        long top = syscall3(SYS_brk, base + (4l << 20), 0, 0);
        if (top != base + (4l << 20)) {
            printf("pagefault: brk failed\n");
            return 1;
        }
        for (unsigned long off = 0; off < (4ul << 20); off += PAGE) {
            *(uint64_t *)(base + off) = off ^ (uint64_t)r;
            sum += *(uint64_t *)(base + off);
            faults++;
        }
        syscall3(SYS_brk, base, 0, 0);
    }
    printf("pagefault: rounds %ld pages %lu checksum %lx\n", rounds, faults, sum);
    return 0;
}
