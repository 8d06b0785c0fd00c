/* Misaligned loads and stores of every size (integer, FP, compressed),
 * inside a page and across a page boundary: Linux emulates them for user
 * programs, so they must give the bytes an aligned machine would. */
#include "guest.h"

static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));

#define LD(insn, off)                                                          \
    {                                                                          \
        uint64_t r;                                                            \
        asm volatile(insn " %0, 0(%1)" : "=r"(r) : "r"(buf + (off)) : "memory"); \
        printf("%-4s @%5d = %lx\n", insn, off, r);                             \
    }
#define ST(insn, off, val)                                                     \
    {                                                                          \
        asm volatile(insn " %0, 0(%1)" : : "r"(val), "r"(buf + (off)) : "memory"); \
        uint64_t a = 0;                                                        \
        for (int k = 9; k >= -1; k--)                                          \
            a = a << 8 | buf[(off) + k] ;                                      \
        printf("%-4s @%5d -> %lx %x\n", insn, off, a, buf[(off) - 1]);        \
    }

static void fill(void)
{
    for (int i = 0; i < (int)sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + 0x81);
}

static void at(int off)
{
    fill();
    LD("lh", off) LD("lhu", off) LD("lw", off) LD("lwu", off) LD("ld", off)
    uint64_t v = 0xf1e2d3c4b5a69788;
    ST("sh", off, v) ST("sw", off, v) ST("sd", off, v)
    fill();
    uint64_t r;
    asm volatile("flw fa0, 0(%1)\n\tfmv.x.d %0, fa0" : "=r"(r) : "r"(buf + off) : "fa0", "memory");
    printf("flw @%d = %lx\n", off, r);
    asm volatile("fld fa0, 0(%1)\n\tfmv.x.d %0, fa0" : "=r"(r) : "r"(buf + off) : "fa0", "memory");
    printf("fld @%d = %lx\n", off, r);
    asm volatile("fmv.d.x fa0, %0\n\tfsw fa0, 0(%1)" : : "r"(v), "r"(buf + off) : "fa0", "memory");
    asm volatile("fmv.d.x fa0, %0\n\tfsd fa0, 8(%1)" : : "r"(~v), "r"(buf + off) : "fa0", "memory");
    uint64_t lo = 0, hi = 0;
    for (int k = 7; k >= 0; k--) {
        lo = lo << 8 | buf[off + k];
        hi = hi << 8 | buf[off + 8 + k];
    }
    printf("fsw/fsd @%d -> %lx %lx\n", off, lo, hi);
    /* Compressed forms. */
    fill();
    {
        register uint8_t *a0 asm("a0") = buf + off;
        register uint64_t a1 asm("a1");
        asm volatile("c.lw a1, 0(a0)" : "=r"(a1) : "r"(a0) : "memory");
        r = a1;
    }
    printf("c.lw @%d = %lx\n", off, r);
    {
        register uint8_t *a0 asm("a0") = buf + off;
        register uint64_t a1 asm("a1");
        asm volatile("c.ld a1, 0(a0)" : "=r"(a1) : "r"(a0) : "memory");
        r = a1;
    }
    printf("c.ld @%d = %lx\n", off, r);
    {
        register uint8_t *a0 asm("a0") = buf + off;
        register uint64_t a1 asm("a1") = v;
        asm volatile("c.sd a1, 0(a0)\n\tc.sw a1, 8(a0)" : : "r"(a0), "r"(a1) : "memory");
    }
    lo = hi = 0;
    for (int k = 7; k >= 0; k--) {
        lo = lo << 8 | buf[off + k];
        hi = hi << 8 | buf[off + 8 + k];
    }
    printf("c.sd/c.sw @%d -> %lx %lx\n", off, lo, hi);
}

int main(void)
{
    static const int offs[] = {1, 2, 3, 5, 6, 7, 4093, 4094, 4095, 4097, 8190, 8191};
    for (unsigned i = 0; i < sizeof offs / sizeof offs[0]; i++)
        at(offs[i]);
    /* A misaligned access in a loop: the kernel's emulation must advance pc
     * by the right length and keep every other register. */
    uint64_t sum = 0;
    fill();
    for (int i = 1; i < 200; i += 3) {
        uint64_t r;
        asm volatile("ld %0, 0(%1)" : "=r"(r) : "r"(buf + i) : "memory");
        sum += r;
    }
    printf("sum = %lx\n", sum);
    return 0;
}
