/* Every RV64C instruction, written as its compressed mnemonic so the
 * assembler emits the 16-bit form, on edge immediates and values. Registers
 * are pinned to a0..a5 (x10..x15) because most compressed forms only reach
 * x8..x15. Prints each result. */
#include "guest.h"

static const uint64_t vals[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
                                0x8000000000000000, 0xffffffffffffffff, 0x123456789abcdef0};
#define NV (sizeof vals / sizeof vals[0])

/* One-operand forms: rd = a0 is both source and destination. */
#define UNARY(insn)                                                           \
    {                                                                         \
        register uint64_t a0 asm("a0") = v;                                   \
        asm volatile(insn : "+r"(a0));                                        \
        printf("%-22s %lx -> %lx\n", insn, v, a0);                            \
    }
#define BINARY(insn)                                                          \
    {                                                                         \
        register uint64_t a0 asm("a0") = v;                                   \
        register uint64_t a1 asm("a1") = w;                                   \
        asm volatile(insn : "+r"(a0) : "r"(a1));                              \
        printf("%-22s %lx %lx -> %lx\n", insn, v, w, a0);                     \
    }

static void alu(uint64_t v, uint64_t w)
{
    UNARY("c.addi a0, 1") UNARY("c.addi a0, -1") UNARY("c.addi a0, 31") UNARY("c.addi a0, -32")
    UNARY("c.addiw a0, 0") UNARY("c.addiw a0, 1") UNARY("c.addiw a0, -32") UNARY("c.addiw a0, 31")
    UNARY("c.li a0, 0") UNARY("c.li a0, 31") UNARY("c.li a0, -32") UNARY("c.li a0, -1")
    UNARY("c.lui a0, 1") UNARY("c.lui a0, 31") UNARY("c.lui a0, 0xfffe0") UNARY("c.lui a0, 0xfffff")
    UNARY("c.srli a0, 1") UNARY("c.srli a0, 31") UNARY("c.srli a0, 32") UNARY("c.srli a0, 63")
    UNARY("c.srai a0, 1") UNARY("c.srai a0, 31") UNARY("c.srai a0, 32") UNARY("c.srai a0, 63")
    UNARY("c.andi a0, 0") UNARY("c.andi a0, 31") UNARY("c.andi a0, -32") UNARY("c.andi a0, -1")
    UNARY("c.slli a0, 1") UNARY("c.slli a0, 31") UNARY("c.slli a0, 32") UNARY("c.slli a0, 63")
    UNARY("c.nop")
    BINARY("c.sub a0, a1") BINARY("c.xor a0, a1") BINARY("c.or a0, a1") BINARY("c.and a0, a1")
    BINARY("c.subw a0, a1") BINARY("c.addw a0, a1") BINARY("c.mv a0, a1") BINARY("c.add a0, a1")
}

static void branches(uint64_t v)
{
    register uint64_t a0 asm("a0") = v;
    uint64_t r = 0;
    asm volatile("c.beqz a0, 1f\n\tori %0, %0, 1\n1:\t"
                 "c.bnez a0, 2f\n\tori %0, %0, 2\n2:\t"
                 "c.j 3f\n\tori %0, %0, 4\n3:"
                 : "+r"(r) : "r"(a0));
    printf("c.beqz/c.bnez/c.j %lx -> %lx\n", v, r);
}

static void jumps(void)
{
    uint64_t r, t;
    /* c.jr: jump through a0; c.jalr: link in ra (distance from the target label). */
    asm volatile("lla a0, 1f\n\t"
                 "c.jr a0\n\t"
                 "li %0, 99\n\t"
                 "j 2f\n"
                 "1:\tli %0, 7\n"
                 "2:"
                 : "=r"(r) : : "a0");
    printf("c.jr -> %ld\n", (long)r);
    asm volatile("lla a0, 1f\n\t"
                 "mv %1, ra\n\t"
                 "c.jalr a0\n"
                 "1:\tlla %0, 1b\n\t"
                 "sub %0, %0, ra\n\t"
                 "mv ra, %1\n"
                 : "=&r"(r), "=&r"(t) : : "a0", "ra");
    printf("c.jalr link distance = %ld\n", (long)r);
}

static uint64_t buf[8] __attribute__((aligned(16)));

/* Register variables are set right before each asm: a call in between
 * (printf) may clobber a0..a3. */
#define REGS                                                                   \
    register uint64_t *a0 asm("a0") = buf;                                     \
    register uint64_t a1 asm("a1") = v;                                        \
    register uint64_t a2 asm("a2");
static void memory(uint64_t v)
{
    buf[0] = buf[1] = buf[2] = buf[3] = 0x5555555555555555;
    uint64_t r;
    {
        REGS
        asm volatile("c.sd a1, 8(a0)\n\tc.ld a2, 8(a0)" : "=r"(a2) : "r"(a0), "r"(a1) : "memory");
        r = a2;
    }
    printf("c.sd/c.ld %lx -> %lx\n", v, r);
    {
        REGS
        asm volatile("c.sw a1, 16(a0)\n\tc.lw a2, 16(a0)" : "=r"(a2) : "r"(a0), "r"(a1) : "memory");
        r = a2;
    }
    printf("c.sw/c.lw %lx -> %lx [%lx]\n", v, r, buf[2]);
    {
        REGS
        asm volatile("c.lw a2, 4(a0)" : "=r"(a2) : "r"(a0), "r"(a1) : "memory");
        r = a2;
    }
    printf("c.lw 4 -> %lx\n", r);
    /* FP: c.fsd/c.fld round trip through fa0 (a double's bits, unchanged). */
    {
        REGS
        asm volatile("fmv.d.x fa0, a1\n\tc.fsd fa0, 24(a0)\n\tc.fld fa1, 24(a0)\n\tfmv.x.d a2, fa1"
                     : "=r"(a2) : "r"(a0), "r"(a1) : "memory", "fa0", "fa1");
        r = a2;
    }
    printf("c.fsd/c.fld %lx -> %lx\n", v, r);
    /* Stack-pointer forms, inside a frame this asm makes and removes. */
    {
        REGS
        asm volatile("c.addi16sp sp, -64\n\t"
                     "c.sdsp a1, 56(sp)\n\t"
                     "c.ldsp a2, 56(sp)\n\t"
                     "c.swsp a1, 8(sp)\n\t"
                     "c.lwsp a3, 8(sp)\n\t"
                     "add a2, a2, a3\n\t"
                     "fmv.d.x fa0, a1\n\t"
                     "c.fsdsp fa0, 16(sp)\n\t"
                     "c.fldsp fa1, 16(sp)\n\t"
                     "fmv.x.d a3, fa1\n\t"
                     "xor a2, a2, a3\n\t"
                     "c.addi4spn a3, sp, 16\n\t"
                     "sub a3, a3, sp\n\t"
                     "add a2, a2, a3\n\t"
                     "c.addi16sp sp, 64\n\t"
                     : "=r"(a2) : "r"(a1), "r"(a0) : "a3", "fa0", "fa1", "memory");
        r = a2;
    }
    printf("sp forms %lx -> %lx\n", v, r);
    uint64_t s1, s2;
    asm volatile("mv %0, sp\n\tc.addi16sp sp, 496\n\tmv %1, sp\n\tc.addi16sp sp, -496"
                 : "=r"(s1), "=r"(s2));
    printf("c.addi16sp 496 delta %ld\n", (long)(s2 - s1));
    asm volatile("c.addi4spn a3, sp, 1020\n\tsub %0, a3, sp" : "=r"(s1) : : "a3");
    printf("c.addi4spn 1020 delta %ld\n", (long)s1);
}

int main(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j += 3)
            alu(vals[i], vals[j]);
    for (unsigned i = 0; i < NV; i++) {
        branches(vals[i]);
        memory(vals[i]);
    }
    jumps();
    return 0;
}
