/* Integer benchmark: table-driven CRC-32 over a 64 KiB buffer, a 64-bit hash
 * mix (multiply, shift, rotate) and a bit-counting loop, ROUNDS times
 * (argv[1]). Loads from a small table, ALU work, few branches. */
#include "bench.h"

#define BUF 65536
static uint8_t buf[BUF];
static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, unsigned long n, uint32_t crc)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint64_t rotl(uint64_t v, unsigned r) { return (v << r) | (v >> (64 - r)); }

static uint64_t hash_words(const uint64_t *w, unsigned long n, uint64_t h)
{
    for (unsigned long i = 0; i < n; i++) {
        uint64_t k = w[i] * 0x87c37b91114253d5ULL;
        k = rotl(k, 31) * 0x4cf5ad432745937fULL;
        h ^= k;
        h = rotl(h, 27) * 5 + 0x52dce729;
    }
    return h ^ (h >> 33);
}

static unsigned popcount_loop(uint64_t v)
{
    unsigned c = 0;
    while (v) {
        v &= v - 1;
        c++;
    }
    return c;
}

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 60);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (unsigned i = 0; i < BUF; i += 8) {
        uint64_t r = bench_rand(&seed);
        memcpy(buf + i, &r, 8);
    }
    crc_init();
    uint32_t crc = 0;
    uint64_t h = 0, bits = 0;
    for (long r = 0; r < rounds; r++) {
        buf[r % BUF] ^= (uint8_t)r;
        crc = crc32(buf, BUF, crc);
        h = hash_words((const uint64_t *)buf, BUF / 8, h + crc);
        for (unsigned i = 0; i < 4096; i++)
            bits += popcount_loop(h ^ (i * 0x9e3779b97f4a7c15ULL));
    }
    printf("int: rounds %ld crc %x hash %lx bits %lu\n", rounds, crc, h, bits);
    return 0;
}
