/* A program-like page-reference string for the miss-ratio-curve benchmark
 * (bench/memtime_bench.sh), in the `pages` format ("PID VPN K" lines):
 * instruction fetches cycling through 32 code pages, stack reads and writes
 * on 4 pages, and heap references in phases of 5 M references, each phase
 * with its own working set (256 to 16384 pages), 80% of them to a hot tenth
 * of it. Deterministic (xorshift, fixed seed).
 * Usage: pagegen N (references). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 88172645463325252ULL;
static inline uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *put(char *p, uint64_t v)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    static const uint64_t ws[] = {256, 4096, 1024, 16384, 512, 8192, 2048};
    static char buf[1 << 16];
    char *p = buf;
    uint64_t code = 0x10, stack = 0x7fffffff0ULL, heap = 0x100000;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t phase = i / 5000000, w = ws[phase % 7], r = next(), vpn;
        char k;
        switch (r % 10) {
        case 0: case 1: case 2: case 3:
            vpn = code + (i / 64) % 32;
            k = 'X';
            break;
        case 4: case 5:
            vpn = stack - (r >> 8) % 4;
            k = (r >> 20) & 1 ? 'W' : 'R';
            break;
        default:
            vpn = heap + ((r >> 8) % 10 < 8 ? (r >> 16) % (w / 10 + 1) : (r >> 16) % w);
            k = (r >> 40) % 3 ? 'R' : 'W';
        }
        *p++ = '1';
        *p++ = ' ';
        p = put(p, vpn);
        *p++ = ' ';
        *p++ = k;
        *p++ = '\n';
        if (p - buf > (long)sizeof buf - 64) {
            fwrite(buf, 1, (size_t)(p - buf), stdout);
            p = buf;
        }
    }
    fwrite(buf, 1, (size_t)(p - buf), stdout);
    return 0;
}
