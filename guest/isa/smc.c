/* Self-modifying code: write a function into an executable page, run it,
 * rewrite it, fence.i, run it again (the second result must be the new
 * code's). Also code that straddles into a page written later. */
#include "guest.h"

#define PROT_RWX 7

/* addi a0, a0, imm ; ret (jalr x0, 0(ra)) */
static uint32_t addi_a0(int imm) { return ((uint32_t)imm & 0xfff) << 20 | 10 << 15 | 10 << 7 | 0x13; }
#define RET 0x00008067u

int main(void)
{
    uint32_t *code = mmap_anon(8192, PROT_RWX);
    if ((long)code < 0 && (long)code > -4096) {
        printf("mmap failed %ld\n", (long)code);
        return 1;
    }
    long (*fn)(long) = (long (*)(long))(void *)code;
    for (int round = 0; round < 4; round++) {
        code[0] = addi_a0(round * 100 + 7);
        code[1] = RET;
        asm volatile("fence.i" ::: "memory");
        printf("round %d: fn(1000) = %ld\n", round, fn(1000));
    }
    /* Linux's riscv_flush_icache system call does what fence.i does. */
    code[0] = addi_a0(-3);
    long rc = syscall3(259, code, code + 2, 0);
    printf("riscv_flush_icache = %ld: fn(1000) = %ld\n", rc, fn(1000));
    /* A 32-bit instruction at the last two bytes of the first page:
     * c.nop ... ; addi a0,a0,5 straddling ; ret on the next page. */
    uint16_t *h = (uint16_t *)code;
    for (int i = 0; i < 2047; i++)
        h[i] = 0x0001;                     /* c.nop */
    uint32_t insn = addi_a0(5);
    h[2047] = (uint16_t)insn;              /* offset 0xffe */
    h[2048] = (uint16_t)(insn >> 16);
    h[2049] = (uint16_t)RET;
    h[2050] = (uint16_t)(RET >> 16);
    asm volatile("fence.i" ::: "memory");
    printf("straddle: fn(1) = %ld\n", fn(1));
    h[2048] = (uint16_t)(addi_a0(-9) >> 16);   /* change the upper half only */
    asm volatile("fence.i" ::: "memory");
    printf("straddle rewritten: fn(1) = %ld\n", fn(1));
    return 0;
}
