/* Memory-management benchmark: fork. The parent dirties 8 MiB, then ROUNDS
 * times (argv[1]) forks a child that writes one word in every 16th page
 * (copy-on-write faults) and exits, and waits for it; the parent then writes
 * to every 16th page too (its pages are shared until then). The time is the
 * kernel's: copying page tables, COW faults, tearing the child down. */
#include "bench.h"

#define BYTES (8ul << 20)
#define PAGE 4096ul
enum { SYS_clone = 220, SYS_wait4 = 260, SIGCHLD = 17 };

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 200);
    uint8_t *p = mmap_anon(BYTES, 3);
    if ((long)p < 0) {
        printf("fork: mmap failed\n");
        return 1;
    }
    for (unsigned long off = 0; off < BYTES; off += PAGE)
        p[off] = 1;
    uint64_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        long pid = syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
        if (pid < 0) {
            printf("fork: clone failed (%ld)\n", pid);
            return 1;
        }
        if (pid == 0) {
            uint64_t s = 0;
            for (unsigned long off = 0; off < BYTES; off += 16 * PAGE)
                s += ++p[off];
            syscall3(SYS_exit_group, (long)(s & 0x7f), 0, 0);   /* checked by the parent */
        }
        int status = -1;
        if (syscall6(SYS_wait4, pid, (long)&status, 0, 0, 0, 0) != pid || (status & 0x7f)) {
            printf("fork: child failed (status %x)\n", status);
            return 1;
        }
        sum += (unsigned)status >> 8;   /* the child's exit code: what it read */
        for (unsigned long off = (unsigned long)(r % 16) * PAGE; off < BYTES; off += 16 * PAGE)
            sum += ++p[off];
    }
    printf("fork: rounds %ld checksum %lx\n", rounds, sum);
    return 0;
}
