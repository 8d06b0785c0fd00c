/* A CPU-bound loop for measuring interpreter speed (instructions/second vs
 * qemu-riscv64): a sieve, a hash mix and calls, ROUNDS times (argv[1],
 * default 3). Prints a checksum so a wrong result is noticed. */
#include "guest.h"

#define N 65536
static uint8_t composite[N];

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ULL;
    return h ^ (h >> 29);
}

static uint64_t sieve(void)
{
    uint64_t count = 0;
    memset(composite, 0, sizeof composite);
    for (uint64_t i = 2; i < N; i++) {
        if (composite[i])
            continue;
        count++;
        for (uint64_t j = i * i; j < N; j += i)
            composite[j] = 1;
    }
    return count;
}

static long atol_simple(const char *s)
{
    long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol_simple(argv[1]) : 3;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (long r = 0; r < rounds; r++) {
        h = mix(h, sieve());
        for (uint64_t i = 0; i < 200000; i++)
            h = mix(h, i * (uint64_t)r);
    }
    printf("rounds %ld checksum %lx\n", rounds, h);
    return 0;
}
