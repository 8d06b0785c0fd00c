/* Every RV64IM register-register and register-immediate instruction on edge
 * values (0, 1, -1, INT32/INT64 extremes, shift amounts past 31 and 63),
 * through inline asm so the compiler cannot fold them. */
#include "guest.h"

static const uint64_t vals[] = {
    0, 1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x123456789abcdef0, 0xfedcba9876543210,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffff80000000,
    0xffffffff7fffffff, 0xfffffffffffffffe, 0xffffffffffffffff, 0x00000000deadbeef,
};
#define NV (sizeof vals / sizeof vals[0])

#define RR(name)                                                              \
    static uint64_t op_##name(uint64_t a, uint64_t b)                         \
    {                                                                         \
        uint64_t r;                                                           \
        asm volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));          \
        return r;                                                             \
    }
RR(add) RR(sub) RR(sll) RR(slt) RR(sltu) RR(xor) RR(srl) RR(sra) RR(or) RR(and)
RR(addw) RR(subw) RR(sllw) RR(srlw) RR(sraw)
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(div) RR(divu) RR(rem) RR(remu)
RR(mulw) RR(divw) RR(divuw) RR(remw) RR(remuw)

struct rr { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct rr rrs[] = {
#define E(n) {#n, op_##n},
    E(add) E(sub) E(sll) E(slt) E(sltu) E(xor) E(srl) E(sra) E(or) E(and)
    E(addw) E(subw) E(sllw) E(srlw) E(sraw)
    E(mul) E(mulh) E(mulhsu) E(mulhu) E(div) E(divu) E(rem) E(remu)
    E(mulw) E(divw) E(divuw) E(remw) E(remuw)
#undef E
};

/* Register-immediate forms, each with a handful of immediates. */
#define RI(name, imm)                                                          \
    {                                                                         \
        uint64_t r;                                                           \
        asm volatile(#name " %0, %1, " #imm : "=r"(r) : "r"(a));               \
        printf(#name " %lx " #imm " = %lx\n", a, r);                           \
    }

static void imm_ops(uint64_t a)
{
    RI(addi, 0) RI(addi, 1) RI(addi, -1) RI(addi, 2047) RI(addi, -2048)
    RI(slti, 0) RI(slti, -1) RI(slti, 2047) RI(slti, -2048)
    RI(sltiu, 0) RI(sltiu, 1) RI(sltiu, -1) RI(sltiu, 2047) RI(sltiu, -2048)
    RI(xori, -1) RI(xori, 0x555) RI(xori, -0x556)
    RI(ori, -1) RI(ori, 0x555) RI(ori, -2048)
    RI(andi, -1) RI(andi, 0x555) RI(andi, -2048) RI(andi, 0)
    RI(slli, 0) RI(slli, 1) RI(slli, 31) RI(slli, 32) RI(slli, 63)
    RI(srli, 0) RI(srli, 1) RI(srli, 31) RI(srli, 32) RI(srli, 63)
    RI(srai, 0) RI(srai, 1) RI(srai, 31) RI(srai, 32) RI(srai, 63)
    RI(addiw, 0) RI(addiw, 1) RI(addiw, -1) RI(addiw, 2047) RI(addiw, -2048)
    RI(slliw, 0) RI(slliw, 1) RI(slliw, 31)
    RI(srliw, 0) RI(srliw, 1) RI(srliw, 31)
    RI(sraiw, 0) RI(sraiw, 1) RI(sraiw, 31)
}

static void upper_ops(void)
{
    uint64_t r;
#define U(insn)                                                               \
    asm volatile(insn : "=r"(r));                                             \
    printf("%s = %lx\n", insn, r);
    U("lui %0, 0") U("lui %0, 1") U("lui %0, 0x7ffff") U("lui %0, 0x80000") U("lui %0, 0xfffff")
#undef U
    /* auipc: print the distance between two auipc results, not an address. */
    uint64_t p1, p2;
    asm volatile("auipc %0, 0\n\tauipc %1, 0x80000" : "=r"(p1), "=r"(p2));
    printf("auipc delta = %lx\n", p2 - p1);
    asm volatile("auipc %0, 0x7ffff\n\tauipc %1, 0" : "=r"(p1), "=r"(p2));
    printf("auipc delta = %lx\n", p1 - p2);
}

static void branches(uint64_t a, uint64_t b)
{
    int r = 0;
#define BR(insn, bit)                                                          \
    asm volatile(insn " %1, %2, 1f\n\tj 2f\n1:\tori %0, %0, " #bit "\n2:"      \
                 : "+r"(r) : "r"(a), "r"(b));
    BR("beq", 1) BR("bne", 2) BR("blt", 4) BR("bge", 8) BR("bltu", 16) BR("bgeu", 32)
#undef BR
    printf("br %lx %lx = %x\n", a, b, r);
}

static void jumps(void)
{
    uint64_t link, target, ret;
    /* jalr clears bit 0 of the target; the link is the next instruction. */
    asm volatile("lla %1, 1f\n\t"
                 "addi %1, %1, 1\n\t"
                 "jalr %0, 0(%1)\n\t"
                 "nop\n"
                 "1:\tlla %2, 1b\n\t"
                 "sub %0, %2, %0\n"
                 : "=&r"(link), "=&r"(target), "=&r"(ret));
    printf("jalr link distance = %ld\n", (long)link);
    asm volatile("jal %0, 1f\n\t"
                 "nop\n"
                 "1:\tlla %1, 1b\n\t"
                 "sub %0, %1, %0\n"
                 : "=&r"(link), "=&r"(target));
    printf("jal link distance = %ld\n", (long)link);
    /* jalr with rd == rs1 uses the old value. */
    asm volatile("lla %0, 1f\n\t"
                 "jalr %0, 0(%0)\n"
                 "1:\tlla %1, 1b\n\t"
                 "sub %0, %1, %0\n"
                 : "=&r"(link), "=&r"(target));
    printf("jalr rd=rs1 distance = %ld\n", (long)link);
}

static uint64_t mem[4] __attribute__((aligned(16)));

static void loads_stores(uint64_t v)
{
    mem[0] = v;
    mem[1] = ~v;
    uint64_t r;
#define L(insn, off)                                                          \
    asm volatile(insn " %0, " #off "(%1)" : "=r"(r) : "r"(mem) : "memory");    \
    printf(insn " " #off " = %lx\n", r);
    L("lb", 0) L("lb", 7) L("lbu", 0) L("lbu", 7) L("lh", 0) L("lh", 6) L("lhu", 0) L("lhu", 6)
    L("lw", 0) L("lw", 4) L("lwu", 0) L("lwu", 4) L("ld", 0) L("ld", 8)
#undef L
#define S(insn, off)                                                          \
    mem[2] = 0x1111111111111111;                                              \
    asm volatile(insn " %0, " #off "(%1)" : : "r"(v), "r"(mem + 2) : "memory"); \
    printf(insn " " #off " -> %lx\n", mem[2]);
    S("sb", 0) S("sb", 5) S("sh", 0) S("sh", 6) S("sw", 0) S("sw", 4) S("sd", 0)
#undef S
}

int main(void)
{
    for (unsigned k = 0; k < sizeof rrs / sizeof rrs[0]; k++)
        for (unsigned i = 0; i < NV; i++)
            for (unsigned j = 0; j < NV; j++)
                printf("%s %lx %lx = %lx\n", rrs[k].name, vals[i], vals[j],
                       rrs[k].fn(vals[i], vals[j]));
    for (unsigned i = 0; i < NV; i++)
        imm_ops(vals[i]);
    upper_ops();
    for (unsigned i = 0; i < NV; i += 3)
        for (unsigned j = 0; j < NV; j += 2)
            branches(vals[i], vals[j]);
    jumps();
    for (unsigned i = 0; i < NV; i++)
        loads_stores(vals[i]);
    /* x0 stays zero whatever is written to it. */
    uint64_t z;
    asm volatile("addi x0, x0, 5\n\tlui x0, 0x12345\n\tmv %0, x0" : "=r"(z));
    printf("x0 = %lx\n", z);
    return 0;
}
