/* malloc-heavy benchmark (bench/proc_bench.sh): OPS random malloc/free
 * operations over a table of live blocks, sizes 16 B..64 KiB, each block
 * filled at allocation and summed at free. A fixed xorshift sequence makes
 * the printed checksum the same everywhere.
 * Usage: malloc [OPS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? atol(argv[1]) : 300000;
    static unsigned char *block[SLOTS];
    static size_t len[SLOTS];
    uint64_t seed = 0x9e3779b97f4a7c15ull, sum = 0;
    for (long i = 0; i < ops; i++) {
        uint64_t r = next_rand(&seed);
        size_t slot = r % SLOTS;
        if (block[slot]) {
            /* touch the ends and the middle only: the allocator is the point */
            sum += block[slot][0] + block[slot][len[slot] / 2] + block[slot][len[slot] - 1];
            free(block[slot]);
            block[slot] = NULL;
        } else {
            /* log-uniform size in [16, 65536] */
            size_t size = (size_t)16 << ((r >> 16) % 13);
            size += (r >> 32) % size;
            if (size > 65536)
                size = 65536;
            block[slot] = malloc(size);
            if (!block[slot]) {
                perror("malloc");
                return 1;
            }
            len[slot] = size;
            memset(block[slot], (int)(r >> 40) & 0xff, size < 256 ? size : 256);
            block[slot][size / 2] = (unsigned char)(r >> 48);
            block[slot][size - 1] = (unsigned char)(r >> 56);
        }
        sum = sum * 31 + (r & 0xffff);
    }
    for (size_t s = 0; s < SLOTS; s++)
        free(block[s]);
    printf("malloc ops %ld, checksum %016llx\n", ops, (unsigned long long)sum);
    return 0;
}
