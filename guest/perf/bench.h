/* Shared by the CPU benchmarks in guest/perf (bench/cpu_bench.sh): the size
 * argument and a deterministic generator, so vmsim and qemu-riscv64 compute
 * the same checksum. */
#ifndef GUEST_PERF_BENCH_H
#define GUEST_PERF_BENCH_H

#include "guest.h"

/* argv[1] as a positive count, else def. */
static inline long bench_arg(int argc, char **argv, long def)
{
    if (argc < 2)
        return def;
    long v = 0;
    for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (*s - '0');
    return v > 0 ? v : def;
}

/* xorshift64*: cheap, and the same sequence on every machine. */
static inline uint64_t bench_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dULL;
}

#endif
