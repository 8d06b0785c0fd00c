/* Bounded decoder fuzz test: a million pseudo-random words (fixed seed), each
 * executed as one instruction by a hart on hand-built page tables. The hart
 * must never crash or hang; a word is illegal exactly when an independent
 * reference says so (the mask/match table of riscv-opcodes for RV64GC +
 * Zicsr + Zifencei, plus the reserved-encoding rules of the C chapter and of
 * the rounding-mode field), and then the trap carries the word in tval, pc
 * stays and no register changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "hart_env.h"

#define NWORDS 1000000
#define CODE 0x100000ULL                   /* words at CODE + 4 * i */
#define CODE_PAGES ((NWORDS * 4 + PAGE_SIZE - 1) / PAGE_SIZE)
#define DATA 0x40000000ULL                 /* registers point into this page */

/* riscv-opcodes, 32-bit RV64GC instructions. has_rm: bits 14..12 are a
 * rounding mode, legal only if not 5 or 6 (7 = dynamic; frm is 0 here). */
static const struct { uint32_t mask, match; bool has_rm; } ref[] = {
    {0x7f, 0x37, 0}, {0x7f, 0x17, 0}, {0x7f, 0x6f, 0}, {0x707f, 0x67, 0},
    {0x707f, 0x63, 0}, {0x707f, 0x1063, 0}, {0x707f, 0x4063, 0}, {0x707f, 0x5063, 0},
    {0x707f, 0x6063, 0}, {0x707f, 0x7063, 0},
    {0x707f, 0x03, 0}, {0x707f, 0x1003, 0}, {0x707f, 0x2003, 0}, {0x707f, 0x3003, 0},
    {0x707f, 0x4003, 0}, {0x707f, 0x5003, 0}, {0x707f, 0x6003, 0},
    {0x707f, 0x23, 0}, {0x707f, 0x1023, 0}, {0x707f, 0x2023, 0}, {0x707f, 0x3023, 0},
    {0x707f, 0x13, 0}, {0x707f, 0x2013, 0}, {0x707f, 0x3013, 0}, {0x707f, 0x4013, 0},
    {0x707f, 0x6013, 0}, {0x707f, 0x7013, 0},
    {0xfc00707f, 0x1013, 0}, {0xfc00707f, 0x5013, 0}, {0xfc00707f, 0x40005013, 0},
    {0xfe00707f, 0x33, 0}, {0xfe00707f, 0x40000033, 0}, {0xfe00707f, 0x1033, 0},
    {0xfe00707f, 0x2033, 0}, {0xfe00707f, 0x3033, 0}, {0xfe00707f, 0x4033, 0},
    {0xfe00707f, 0x5033, 0}, {0xfe00707f, 0x40005033, 0}, {0xfe00707f, 0x6033, 0},
    {0xfe00707f, 0x7033, 0},
    {0x707f, 0x1b, 0}, {0xfe00707f, 0x101b, 0}, {0xfe00707f, 0x501b, 0},
    {0xfe00707f, 0x4000501b, 0},
    {0xfe00707f, 0x3b, 0}, {0xfe00707f, 0x4000003b, 0}, {0xfe00707f, 0x103b, 0},
    {0xfe00707f, 0x503b, 0}, {0xfe00707f, 0x4000503b, 0},
    {0x707f, 0x0f, 0}, {0x707f, 0x100f, 0},
    {0xffffffff, 0x73, 0}, {0xffffffff, 0x100073, 0},
    /* M */
    {0xfe00707f, 0x02000033, 0}, {0xfe00707f, 0x02001033, 0}, {0xfe00707f, 0x02002033, 0},
    {0xfe00707f, 0x02003033, 0}, {0xfe00707f, 0x02004033, 0}, {0xfe00707f, 0x02005033, 0},
    {0xfe00707f, 0x02006033, 0}, {0xfe00707f, 0x02007033, 0},
    {0xfe00707f, 0x0200003b, 0}, {0xfe00707f, 0x0200403b, 0}, {0xfe00707f, 0x0200503b, 0},
    {0xfe00707f, 0x0200603b, 0}, {0xfe00707f, 0x0200703b, 0},
    /* A (.w; .d below by adding 0x1000) */
    {0xf9f0707f, 0x1000202f, 0}, {0xf800707f, 0x1800202f, 0}, {0xf800707f, 0x0800202f, 0},
    {0xf800707f, 0x0000202f, 0}, {0xf800707f, 0x2000202f, 0}, {0xf800707f, 0x6000202f, 0},
    {0xf800707f, 0x4000202f, 0}, {0xf800707f, 0x8000202f, 0}, {0xf800707f, 0xa000202f, 0},
    {0xf800707f, 0xc000202f, 0}, {0xf800707f, 0xe000202f, 0},
    {0xf9f0707f, 0x1000302f, 0}, {0xf800707f, 0x1800302f, 0}, {0xf800707f, 0x0800302f, 0},
    {0xf800707f, 0x0000302f, 0}, {0xf800707f, 0x2000302f, 0}, {0xf800707f, 0x6000302f, 0},
    {0xf800707f, 0x4000302f, 0}, {0xf800707f, 0x8000302f, 0}, {0xf800707f, 0xa000302f, 0},
    {0xf800707f, 0xc000302f, 0}, {0xf800707f, 0xe000302f, 0},
    /* F and D loads/stores */
    {0x707f, 0x2007, 0}, {0x707f, 0x2027, 0}, {0x707f, 0x3007, 0}, {0x707f, 0x3027, 0},
    /* fused multiply-add .s (fmt 00) and .d (fmt 01) */
    {0x0600007f, 0x43, 1}, {0x0600007f, 0x47, 1}, {0x0600007f, 0x4b, 1}, {0x0600007f, 0x4f, 1},
    {0x0600007f, 0x02000043, 1}, {0x0600007f, 0x02000047, 1}, {0x0600007f, 0x0200004b, 1},
    {0x0600007f, 0x0200004f, 1},
    /* OP-FP single */
    {0xfe00007f, 0x00000053, 1}, {0xfe00007f, 0x08000053, 1}, {0xfe00007f, 0x10000053, 1},
    {0xfe00007f, 0x18000053, 1}, {0xfff0007f, 0x58000053, 1},
    {0xfe00707f, 0x20000053, 0}, {0xfe00707f, 0x20001053, 0}, {0xfe00707f, 0x20002053, 0},
    {0xfe00707f, 0x28000053, 0}, {0xfe00707f, 0x28001053, 0},
    {0xfff0007f, 0xc0000053, 1}, {0xfff0007f, 0xc0100053, 1}, {0xfff0007f, 0xc0200053, 1},
    {0xfff0007f, 0xc0300053, 1}, {0xfff0707f, 0xe0000053, 0},
    {0xfe00707f, 0xa0002053, 0}, {0xfe00707f, 0xa0001053, 0}, {0xfe00707f, 0xa0000053, 0},
    {0xfff0707f, 0xe0001053, 0},
    {0xfff0007f, 0xd0000053, 1}, {0xfff0007f, 0xd0100053, 1}, {0xfff0007f, 0xd0200053, 1},
    {0xfff0007f, 0xd0300053, 1}, {0xfff0707f, 0xf0000053, 0},
    /* OP-FP double */
    {0xfe00007f, 0x02000053, 1}, {0xfe00007f, 0x0a000053, 1}, {0xfe00007f, 0x12000053, 1},
    {0xfe00007f, 0x1a000053, 1}, {0xfff0007f, 0x5a000053, 1},
    {0xfe00707f, 0x22000053, 0}, {0xfe00707f, 0x22001053, 0}, {0xfe00707f, 0x22002053, 0},
    {0xfe00707f, 0x2a000053, 0}, {0xfe00707f, 0x2a001053, 0},
    {0xfff0007f, 0x40100053, 1}, {0xfff0007f, 0x42000053, 1},
    {0xfe00707f, 0xa2002053, 0}, {0xfe00707f, 0xa2001053, 0}, {0xfe00707f, 0xa2000053, 0},
    {0xfff0707f, 0xe2001053, 0},
    {0xfff0007f, 0xc2000053, 1}, {0xfff0007f, 0xc2100053, 1}, {0xfff0007f, 0xc2200053, 1},
    {0xfff0007f, 0xc2300053, 1},
    {0xfff0007f, 0xd2000053, 1}, {0xfff0007f, 0xd2100053, 1}, {0xfff0007f, 0xd2200053, 1},
    {0xfff0007f, 0xd2300053, 1},
    {0xfff0707f, 0xe2000053, 0}, {0xfff0707f, 0xf2000053, 0},
};

static bool csr_legal(uint32_t w)
{
    unsigned csr = w >> 20, f3 = (w >> 12) & 7, rs1 = (w >> 15) & 31;
    bool known = csr == 1 || csr == 2 || csr == 3 || csr == 0xc00 || csr == 0xc01 || csr == 0xc02;
    bool writes = (f3 & 3) == 1 || rs1 != 0;   /* csrrw(i) always; csrrs/c(i) unless x0/0 */
    return known && !(csr >= 0xc00 && writes);
}

static bool ref_legal32(uint32_t w)
{
    if ((w & 0x7f) == 0x73 && ((w >> 12) & 7) != 0 && ((w >> 12) & 7) != 4)
        return csr_legal(w);
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++)
        if ((w & ref[i].mask) == ref[i].match) {
            unsigned rm = (w >> 12) & 7;
            return !(ref[i].has_rm && (rm == 5 || rm == 6));
        }
    return false;
}

/* The C chapter's reserved code points for RV64 (everything else is an
 * instruction or a HINT). */
static bool ref_legal16(uint16_t c)
{
    unsigned q = c & 3, f3 = c >> 13, rd = (c >> 7) & 31, rs2 = (c >> 2) & 31, b12 = (c >> 12) & 1;
    switch (q) {
    case 0:
        if (f3 == 4)
            return false;
        if (f3 == 0)
            return ((c >> 5) & 0xff) != 0;   /* c.addi4spn nzuimm != 0 */
        return true;
    case 1:
        if (f3 == 1)
            return rd != 0;                  /* c.addiw */
        if (f3 == 3)
            return b12 || rs2;               /* c.addi16sp / c.lui: nonzero imm */
        if (f3 == 4 && ((c >> 10) & 3) == 3 && b12)
            return ((c >> 5) & 3) < 2;       /* c.subw, c.addw; 10 and 11 reserved */
        return true;
    default: /* 2 */
        if (f3 == 2 || f3 == 3)
            return rd != 0;                  /* c.lwsp, c.ldsp */
        if (f3 == 4 && !b12 && rs2 == 0)
            return rd != 0;                  /* c.jr */
        return true;
    }
}

static void test_random_words(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 64 << 20);
    for (uint64_t pg = 0; pg < CODE_PAGES; pg++)
        env_map(&e, CODE + pg * PAGE_SIZE, PTE_R | PTE_X);
    env_map(&e, DATA, PTE_R | PTE_W);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    uint32_t *words = malloc(NWORDS * sizeof *words);
    assert_non_null(words);
    for (uint64_t i = 0; i < NWORDS; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        uint32_t w = (uint32_t)(seed >> 16);
        if (i % 2 == 0)
            w |= 3;   /* half of them 32-bit, the rest 3/4 compressed */
        words[i] = w;
        struct translation tr;
        assert_int_equal(mmu_translate(&e.h->mmu, va(CODE + 4 * i), ACCESS_READ, &tr, NULL), 0);
        memcpy(tr.host, &w, 4);
    }
    uint64_t illegal = 0, legal = 0, mismatches = 0;
    struct hart *h = e.h;
    for (uint64_t i = 0; i < NWORDS; i++) {
        uint32_t w = words[i];
        bool is32 = (w & 3) == 3;
        bool want_legal = is32 ? ref_legal32(w) : ref_legal16((uint16_t)w);
        for (int r = 1; r < 32; r++) {
            h->x[r] = DATA + 2048;
            h->f[r] = 0xffffffff3f800000ULL;   /* 1.0f, NaN-boxed */
        }
        h->fcsr = 0;
        h->pc = CODE + 4 * i;
        struct trap t;
        hart_run(h, 1, &t);
        bool got_illegal = t.cause == CAUSE_ILLEGAL_INSN;
        if (got_illegal) {
            illegal++;
            uint64_t want_tval = is32 ? w : (w & 0xffff);
            if (t.tval != want_tval || t.pc != CODE + 4 * i || h->pc != CODE + 4 * i)
                fail_msg("word 0x%08x: illegal trap with tval 0x%llx pc 0x%llx", w,
                         (unsigned long long)t.tval, (unsigned long long)t.pc);
            for (int r = 1; r < 32; r++)
                if (h->x[r] != DATA + 2048)
                    fail_msg("word 0x%08x: illegal but x%d changed", w, r);
        } else {
            legal++;
        }
        if (got_illegal == want_legal) {
            if (mismatches++ < 20)
                fprintf(stderr, "word 0x%08x (%s): hart says %s, reference says %s\n", w,
                        is32 ? "32-bit" : "16-bit", got_illegal ? "illegal" : "legal",
                        want_legal ? "legal" : "illegal");
        }
    }
    fprintf(stderr, "%llu words: %llu legal, %llu illegal, %llu mismatches\n",
            (unsigned long long)NWORDS, (unsigned long long)legal,
            (unsigned long long)illegal, (unsigned long long)mismatches);
    assert_int_equal(mismatches, 0);
    free(words);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
