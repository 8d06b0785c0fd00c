/* Random differential test of the code translator against the interpreter:
 * two machines built alike, one with --engine interp and one with --engine
 * jit, run the same random code (RV64GC: ALU, M, loads and stores of every
 * size at random offsets around page boundaries and into read-only and
 * unmapped pages, branches and jumps within and across pages, AMOs, LR/SC,
 * CSR reads of cycle/instret/fflags, FP, fence.i, ecall, ebreak, compressed
 * instructions, and some random words) from the same random register
 * states with random instruction budgets. After every stop the trap (cause,
 * tval, pc), the registers, instret, the TLB and MMU counters and data
 * memory must be identical. Between runs the test rewrites code (with the
 * riscv_flush_icache flush) and toggles X on a code page (with the
 * sfence.vma flush), identically on both, so translations must be dropped
 * exactly when decoded code is. The interpreter is the reference: it is
 * itself checked against qemu-riscv64 by the guest differential tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "hart_env.h"
#include "machine/decode.h"
#include "machine/jit.h"

#define CODE 0x10000ULL
#define CODE_PAGES 4
#define DATA 0x200000ULL   /* RW, RW, RO, unmapped, RW */
#define DATA_PAGES 5
#define RUNS 200000

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

/* The TLB's shape: small, so that evictions and walks are frequent; the
 * one-set variant also makes the code pages evict each other from the
 * fetch TLB. */
static unsigned tlb_sets = 4, tlb_ways = 2;

static void env_init_engine(struct hart_env *e, int engine)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 8ULL << 20;
    cfg.engine = engine;
    cfg.jit_cache = 256u << 10;   /* small: the cache fills and is flushed */
    cfg.tlb_sets = tlb_sets;
    cfg.tlb_ways = tlb_ways;
    e->m = machine_new(&cfg);
    assert_non_null(e->m);
    e->h = &e->m->harts[0];
    e->next_pfn = e->m->pm.ram_first.n;
    e->root = env_frame(e);
    mmu_set_satp(&e->h->mmu, satp_make(ENV_ASID, e->root));
}

/* A destination register that is not one of the pointers (x10..x16). */
static uint32_t rdr(void)
{
    unsigned r = rnd() & 31;
    return r >= 10 && r <= 16 ? r + 7 : r;
}

static uint32_t r_type(unsigned f7, unsigned f3, unsigned op)
{
    return f7 << 25 | (rnd() & 31) << 20 | (rnd() & 31) << 15 | f3 << 12 | rdr() << 7 | op;
}
static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rdr() << 7 | op;
}
static uint32_t s_type(int imm, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | (rnd() & 31) << 20 | rs1 << 15 | f3 << 12 | (u & 31) << 7 | op;
}
static uint32_t b_type(int off, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 63) << 25 | (rnd() & 31) << 20 |
           (rnd() & 31) << 15 | f3 << 12 | ((u >> 1) & 15) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t j_type(int off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 1023) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 255) << 12 | rd << 7 | 0x6f;
}

static uint32_t gen32(void)
{
    static const uint8_t alu_f3[] = {0, 1, 2, 3, 4, 5, 6, 7};
    unsigned k = rn(100);
    int small = (int)rn(129) - 64;
    unsigned base = 10 + rn(6);   /* x10..x15 hold data pointers */
    if (k < 20)
        return r_type(rn(4) == 0 ? 0x20 : 0, alu_f3[rn(8)], rn(2) ? 0x33 : 0x3b) & ~0u;
    if (k < 28)
        return r_type(1, rn(8), rn(2) ? 0x33 : 0x3b);   /* M */
    if (k < 40) {
        unsigned f3 = rn(8);
        int imm = (int)rn(4096) - 2048;
        if (f3 == 1 || f3 == 5)
            imm = (int)(rn(64) | (f3 == 5 && rn(2) ? 0x400 : 0));
        else if (f3 == 7 && rn(4) == 0)
            imm = 0xff;   /* zext.b, translated on its own */
        return i_type(imm, rnd() & 31, f3, 0x13);
    }
    if (k < 44) {
        unsigned f3 = (unsigned[]){0, 1, 5}[rn(3)];
        int imm = f3 == 0 ? (int)rn(4096) - 2048 : (int)(rn(32) | (f3 == 5 && rn(2) ? 0x400 : 0));
        if (f3 == 0 && rn(4) == 0)
            imm = 0;   /* sext.w, translated on its own */
        return i_type(imm, rnd() & 31, f3, 0x1b);
    }
    if (k < 47)
        return (uint32_t)(rnd() & 0xfffff000) | (rnd() & 31) << 7 | (rn(2) ? 0x37 : 0x17);
    if (k < 60)
        return i_type(small, base, rn(7), 0x03);    /* loads */
    if (k < 70)
        return s_type(small, base, rn(4), 0x23);    /* stores */
    if (k < 72)
        return rn(2) ? i_type(small & ~3, base, 2 + rn(2), 0x07) : s_type(small & ~3, base, 2 + rn(2), 0x27);
    if (k < 82) {
        unsigned f3 = (unsigned[]){0, 1, 4, 5, 6, 7}[rn(6)];
        int off = ((int)rn(512) - 256) * 2;
        if (rn(8) == 0)
            off = ((int)rn(8192) - 4096) * 2;   /* often another page */
        return b_type(off, f3);
    }
    if (k < 85)
        return j_type(((int)rn(1024) - 512) * 2, rnd() & 31);
    if (k < 87)   /* jalr through x16 (a code pointer) */
        return i_type(((int)rn(64) - 32) * 2, 16, 0, 0x67);
    if (k < 91) {   /* AMO / LR / SC, .W or .D, on a data pointer */
        static const unsigned f5[] = {0x02, 0x03, 0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
        unsigned f = f5[rn(11)];
        uint32_t w = f << 27 | (rnd() & 31) << 20 | base << 15 | (2 + rn(2)) << 12 | (rnd() & 31) << 7 | 0x2f;
        if (f == 0x02)
            w &= ~(31u << 20);
        return w;
    }
    if (k < 94) {   /* csrrs rd, {cycle,time,instret,fflags,frm,fcsr}, x0 */
        static const unsigned csr[] = {0xc00, 0xc01, 0xc02, 1, 2, 3};
        return csr[rn(6)] << 20 | 2u << 12 | (rnd() & 31) << 7 | 0x73;
    }
    if (k < 96) {   /* fadd/fmul/fsub/fdiv.d, fsgnj*.d, fmadd/fmsub/fnmsub/fnmadd.d,
                     * fcvt.d.l, fmv.x.d; RNE or the dynamic rounding mode */
        static const uint32_t fp[] = {0x02000053, 0x12000053, 0x0a000053, 0xd2200053,
                                      0xe2000053, 0x1a000053, 0x22000053, 0x02000043,
                                      0x02000047, 0x0200004b, 0x0200004f};
        uint32_t w = fp[rn(11)] | (rnd() & 31) << 15 | (rnd() & 31) << 7;
        bool fma = (w & 0x7f) != 0x53;
        unsigned f7 = w >> 25;
        if (fma || (rn(2) && f7 <= 0x11))
            w |= (rnd() & 31) << 20;
        if (fma)
            w |= (rnd() & 31) << 27;
        if (f7 == 0x11)
            w |= rn(3) << 12;   /* fsgnj, fsgnjn, fsgnjx */
        else if (rn(4) == 0)
            w |= 7u << 12;      /* dyn: fcsr's frm */
        return w;
    }
    if (k < 97)
        return rn(2) ? 0x0000100f : 0x0ff0000f;   /* fence.i, fence */
    if (k < 98)
        return rn(4) ? 0x00000073 : 0x00100073;   /* ecall, ebreak */
    return (uint32_t)rnd() | 3;
}

static uint16_t gen16(void)
{
    for (;;) {
        uint16_t c = (uint16_t)rnd();
        if ((c & 3) != 3 && rvc_expand(c))
            return c;
    }
}

static void fill_code(uint8_t *code, unsigned from, unsigned to)
{
    for (unsigned off = from; off < to;) {
        if (rn(3) == 0) {
            uint16_t c = gen16();
            memcpy(code + off, &c, 2);
            off += 2;
        } else if (off + 4 <= to) {
            uint32_t w = gen32();
            memcpy(code + off, &w, 4);
            off += 4;
        } else {
            uint16_t c = 0x0001;   /* c.nop */
            memcpy(code + off, &c, 2);
            off += 2;
        }
    }
}

struct side {
    struct hart_env e;
    uint8_t *data[DATA_PAGES];
    uint8_t *code[CODE_PAGES];
};

static void setup(struct side *s, int engine, const uint8_t *code_img)
{
    env_init_engine(&s->e, engine);
    for (int i = 0; i < CODE_PAGES; i++) {
        s->code[i] = env_map(&s->e, CODE + i * PAGE_SIZE, PTE_R | PTE_X);
        memcpy(s->code[i], code_img + i * PAGE_SIZE, PAGE_SIZE);
    }
    for (int i = 0; i < DATA_PAGES; i++)
        s->data[i] = i == 3 ? NULL
                   : env_map(&s->e, DATA + i * PAGE_SIZE, i == 2 ? PTE_R : PTE_R | PTE_W);
}

/* A code image of random instructions (the one the tests share). */
static uint8_t *random_code(void)
{
    static uint8_t img[CODE_PAGES * PAGE_SIZE];
    fill_code(img, 0, sizeof img);
    return img;
}

/* The two machines compared: the interpreter's and the translator's. */
static void setup_pair(struct side *sa, struct side *sb, const uint8_t *code_img)
{
    setup(sa, MACHINE_ENGINE_INTERP, code_img);
    setup(sb, MACHINE_ENGINE_JIT, code_img);
}

static void fini_pair(struct side *sa, struct side *sb)
{
    env_fini(&sa->e);
    env_fini(&sb->e);
}

static void compare(struct side *a, struct side *b, const struct trap *ta, const struct trap *tb,
                    unsigned run)
{
    struct hart *x = a->e.h, *y = b->e.h;
    if (ta->cause != tb->cause || ta->tval != tb->tval || ta->pc != tb->pc)
        fail_msg("run %u: trap interp %d tval 0x%llx pc 0x%llx, jit %d tval 0x%llx pc 0x%llx", run,
                 ta->cause, (unsigned long long)ta->tval, (unsigned long long)ta->pc, tb->cause,
                 (unsigned long long)tb->tval, (unsigned long long)tb->pc);
    for (int r = 1; r < 32; r++)
        if (x->x[r] != y->x[r])
            fail_msg("run %u (pc 0x%llx): x%d interp 0x%llx jit 0x%llx", run,
                     (unsigned long long)ta->pc, r, (unsigned long long)x->x[r],
                     (unsigned long long)y->x[r]);
    for (int r = 0; r < 32; r++)
        if (x->f[r] != y->f[r])
            fail_msg("run %u: f%d differs", run, r);
    if (x->pc != y->pc || x->instret != y->instret || x->fcsr != y->fcsr ||
        x->reservation != y->reservation || x->x[0] != 0 || y->x[0] != 0)
        fail_msg("run %u: pc/instret/fcsr/reservation differ (instret %llu vs %llu)", run,
                 (unsigned long long)x->instret, (unsigned long long)y->instret);
    if (memcmp(&x->mmu.tlb.stats, &y->mmu.tlb.stats, sizeof x->mmu.tlb.stats) ||
        memcmp(&x->mmu.stats, &y->mmu.stats, sizeof x->mmu.stats))
        fail_msg("run %u: TLB/MMU counters differ: hits %llu/%llu misses %llu/%llu walks %llu/%llu",
                 run, (unsigned long long)x->mmu.tlb.stats.hits,
                 (unsigned long long)y->mmu.tlb.stats.hits,
                 (unsigned long long)x->mmu.tlb.stats.misses,
                 (unsigned long long)y->mmu.tlb.stats.misses,
                 (unsigned long long)x->mmu.stats.walks, (unsigned long long)y->mmu.stats.walks);
    for (int i = 0; i < DATA_PAGES; i++)
        if (a->data[i] && memcmp(a->data[i], b->data[i], PAGE_SIZE))
            fail_msg("run %u: data page %d differs", run, i);
}

static void randomize(struct side *s[2])
{
    for (int r = 1; r < 32; r++) {
        uint64_t v;
        if (r >= 10 && r <= 15)   /* data pointers around the pages' edges */
            v = DATA + rn(DATA_PAGES) * PAGE_SIZE + (rn(4) ? rn(16) * 8 : rn(64)) +
                (rn(2) ? PAGE_SIZE - 64 : 0);
        else if (r == 16)
            v = CODE + rn(CODE_PAGES * PAGE_SIZE / 2) * 2;
        else
            v = rn(4) ? rnd() : rn(64);
        s[0]->e.h->x[r] = s[1]->e.h->x[r] = v;
    }
    for (int r = 0; r < 32; r++)
        s[0]->e.h->f[r] = s[1]->e.h->f[r] = rn(2) ? 0x3ff8000000000000ULL + rn(1 << 20) : rnd();
    /* NX accrued or not; now and then a frm other than RNE (5..7 reserved) */
    s[0]->e.h->fcsr = s[1]->e.h->fcsr = (uint32_t)rn(2) | (rn(4) ? 0 : rn(8) << 5);
    uint64_t pc = CODE + rn(CODE_PAGES * PAGE_SIZE / 2) * 2;
    s[0]->e.h->pc = s[1]->e.h->pc = pc;
}

static void random_programs(unsigned runs)
{
    if (!jit_available())
        skip();
    uint8_t *img = random_code();
    struct side sa, sb;
    setup_pair(&sa, &sb, img);
    struct side *s[2] = {&sa, &sb};
    randomize(s);
    uint64_t traps = 0, quanta = 0;
    for (unsigned run = 0; run < runs; run++) {
        uint64_t budget = rn(8) == 0 ? 1 + rn(4) : 1 + rn(400);
        struct trap ta, tb;
        hart_run(sa.e.h, budget, &ta);
        hart_run(sb.e.h, budget, &tb);
        compare(&sa, &sb, &ta, &tb, run);
        if (ta.cause == TRAP_QUANTUM && rn(16)) {
            quanta++;
            continue;
        }
        traps++;
        unsigned what = rn(40);
        if (what == 0) {   /* rewrite some code, then the flush a JIT asks for */
            unsigned pg = rn(CODE_PAGES), off = rn(PAGE_SIZE / 4) * 4;
            unsigned len = 4 * (1 + rn(64));
            if (off + len > PAGE_SIZE)
                len = PAGE_SIZE - off;
            fill_code(img + pg * PAGE_SIZE, off, off + len);
            for (int i = 0; i < 2; i++) {
                memcpy(s[i]->code[pg] + off, img + pg * PAGE_SIZE + off, len);
                hart_code_flush_all(s[i]->e.h);
            }
        } else if (what == 1) {   /* toggle X on a code page (mprotect) */
            unsigned pg = rn(CODE_PAGES);
            for (int i = 0; i < 2; i++) {
                pte_t *pte = env_slot(&s[i]->e, CODE + pg * PAGE_SIZE);
                pte->bits ^= PTE_X;
                machine_flush_page(s[i]->e.m, ENV_ASID, va(CODE + pg * PAGE_SIZE));
            }
        }
        randomize(s);
    }
    fprintf(stderr, "%u runs: %llu traps, %llu quanta resumed\n", runs,
            (unsigned long long)traps, (unsigned long long)quanta);
    jit_print_stats(sb.e.h->jit, stderr);
    fini_pair(&sa, &sb);
}

static void test_random_programs(void **state)
{
    (void)state;
    tlb_sets = 4;
    tlb_ways = 2;
    random_programs(RUNS);
}

static void test_random_programs_one_set(void **state)
{
    (void)state;
    tlb_sets = 1;
    tlb_ways = 2;
    random_programs(RUNS / 4);
}

/* Instructions that straddle a page's end (the translator ends a block with
 * one and runs it in C): random instructions, and reads of instret, at the
 * end of code page 0, entered a few instructions before, with page 1
 * executable or not (a fetch fault at its first byte), under budgets that
 * end quanta before, at and after them. */
static void test_straddle(void **state)
{
    (void)state;
    tlb_sets = 4;
    tlb_ways = 2;
    if (!jit_available())
        skip();
    uint8_t *img = random_code();
    struct side sa, sb;
    setup_pair(&sa, &sb, img);
    struct side *s[2] = {&sa, &sb};
    const uint32_t rdinstret = 0xc02u << 20 | 2u << 12 | 10u << 7 | 0x73;   /* csrr a0, instret */
    unsigned run = 0;
    for (unsigned k = 0; k < 4000; k++) {
        uint32_t w = k % 4 == 0 ? rdinstret : gen32();
        if ((w & 3) != 3)
            w = rdinstret;   /* a compressed one would not straddle */
        bool nx = k % 3 == 2;
        for (int i = 0; i < 2; i++) {
            for (unsigned o = PAGE_SIZE - 16; o < PAGE_SIZE - 2; o += 2)
                memcpy(s[i]->code[0] + o, &(uint16_t){0x0001}, 2);   /* c.nop */
            memcpy(s[i]->code[0] + PAGE_SIZE - 2, &w, 2);
            memcpy(s[i]->code[1], (const uint8_t *)&w + 2, 2);
            hart_code_flush_all(s[i]->e.h);
            if (nx) {
                env_slot(&s[i]->e, CODE + PAGE_SIZE)->bits &= ~PTE_X;
                machine_flush_page(s[i]->e.m, ENV_ASID, va(CODE + PAGE_SIZE));
            }
        }
        randomize(s);
        uint64_t pc = CODE + PAGE_SIZE - 16 + rn(8) * 2;
        sa.e.h->pc = sb.e.h->pc = pc;
        for (int leg = 0; leg < 2; leg++) {   /* a quantum, then the rest */
            uint64_t budget = 1 + rn(leg ? 40 : 12);
            struct trap ta, tb;
            hart_run(sa.e.h, budget, &ta);
            hart_run(sb.e.h, budget, &tb);
            compare(&sa, &sb, &ta, &tb, run++);
            if (ta.cause != TRAP_QUANTUM)
                break;
        }
        if (nx)
            for (int i = 0; i < 2; i++) {
                env_slot(&s[i]->e, CODE + PAGE_SIZE)->bits |= PTE_X;
                machine_flush_page(s[i]->e.m, ENV_ASID, va(CODE + PAGE_SIZE));
            }
    }
    fini_pair(&sa, &sb);
}

static uint32_t bnez(unsigned rs1, int off)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 63) << 25 | rs1 << 15 | 1u << 12 |
           ((u >> 1) & 15) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

/* Calls from page 0 into pages 1, 2 and 3 and returns, in a loop, with one
 * fetch-TLB set of two ways: page entries evict each other's entries, and
 * a return that hit once misses the next time round, so a far-jump record
 * must stop holding when its page is evicted (the interpreter walks again
 * there). Whole runs and runs in quanta. */
static void test_far_jumps_evicted(void **state)
{
    (void)state;
    if (!jit_available())
        skip();
    tlb_sets = 1;
    tlb_ways = 2;
    uint8_t *img = random_code();
    const uint32_t ret = 0x00008067, ebreak = 0x00100073;
    const uint32_t loop[] = {
        j_type(PAGE_SIZE, 1),              /* jal ra, page 1 */
        j_type(2 * PAGE_SIZE - 4, 1),      /* jal ra, page 2 */
        j_type(3 * PAGE_SIZE - 8, 1),      /* jal ra, page 3 */
        (0xfffu << 20) | 5u << 15 | 5u << 7 | 0x13,   /* addi t0, t0, -1 */
        bnez(5, -16),
        ebreak,
    };
    const uint32_t callee[3][2] = {{1u << 20 | 10u << 15 | 10u << 7 | 0x13, ret},   /* a0++ */
                                   {1u << 20 | 11u << 15 | 11u << 7 | 0x13, ret},   /* a1++ */
                                   {1u << 20 | 12u << 15 | 12u << 7 | 0x13, ret}};  /* a2++ */
    memcpy(img, loop, sizeof loop);
    for (int k = 0; k < 3; k++)
        memcpy(img + (k + 1) * PAGE_SIZE, callee[k], sizeof callee[k]);
    for (unsigned quantum = 0; quantum <= 9; quantum += 3) {
        struct side sa, sb;
        setup_pair(&sa, &sb, img);
        struct side *s[2] = {&sa, &sb};
        for (int i = 0; i < 2; i++) {
            s[i]->e.h->x[5] = 200;
            s[i]->e.h->pc = CODE;
        }
        struct trap ta, tb;
        unsigned run = 0;
        do {
            uint64_t budget = quantum ? quantum + run % 5 : 100000;
            hart_run(sa.e.h, budget, &ta);
            hart_run(sb.e.h, budget, &tb);
            compare(&sa, &sb, &ta, &tb, run++);
        } while (ta.cause == TRAP_QUANTUM);
        assert_int_equal(ta.cause, CAUSE_BREAKPOINT);
        assert_int_equal(sa.e.h->x[10], 200);
        fini_pair(&sa, &sb);
    }
}

/* Two address spaces with code at the same addresses (each page 0 calls
 * its page 1, which returns): a return's record made in the first must not
 * take the second's return into the first's code. Runs the first, then
 * switches the hart to the second (another ASID, no flush), as a context
 * switch does, and back and forth again, when every fetch hits. */
static void test_far_jumps_two_asids(void **state)
{
    (void)state;
    if (!jit_available())
        skip();
    tlb_sets = 4;
    tlb_ways = 2;
    const uint32_t ret = 0x00008067, ebreak = 0x00100073;
    uint32_t prog[2][6];
    for (int k = 0; k < 2; k++) {
        uint32_t add1 = (uint32_t)(k ? 7 : 1) << 20 | 11u << 15 | 11u << 7 | 0x13;   /* addi a1, a1, 1|7 */
        const uint32_t loop[] = {j_type(PAGE_SIZE, 1), add1,
                                 (0xfffu << 20) | 5u << 15 | 5u << 7 | 0x13, bnez(5, -12), ebreak};
        memcpy(prog[k], loop, sizeof loop);
    }
    struct side sa, sb;
    setup_pair(&sa, &sb, (const uint8_t[CODE_PAGES * PAGE_SIZE]){0});
    struct side *s[2] = {&sa, &sb};
    pfn_t root[2];
    for (int i = 0; i < 2; i++) {
        struct hart_env *e = &s[i]->e;
        root[0] = e->root;
        memcpy(s[i]->code[0], prog[0], sizeof prog[0]);
        memcpy(s[i]->code[1], (const uint32_t[]){1u << 20 | 10u << 15 | 10u << 7 | 0x13, ret}, 8);
        root[1] = e->root = env_frame(e);   /* the second address space */
        uint8_t *c0 = env_map(e, CODE, PTE_R | PTE_X), *c1 = env_map(e, CODE + PAGE_SIZE, PTE_R | PTE_X);
        memcpy(c0, prog[1], sizeof prog[1]);
        memcpy(c1, (const uint32_t[]){100u << 20 | 10u << 15 | 10u << 7 | 0x13, ret}, 8);
    }
    unsigned run = 0;
    for (int turn = 0; turn < 4; turn++) {   /* again once both are in the TLB */
        int as = turn & 1;
        for (int i = 0; i < 2; i++) {
            mmu_set_satp(&s[i]->e.h->mmu, satp_make(ENV_ASID + (uint16_t)as, root[as]));
            s[i]->e.h->x[5] = 50;
            s[i]->e.h->x[10] = s[i]->e.h->x[11] = 0;
            s[i]->e.h->pc = CODE;
        }
        struct trap ta, tb;
        hart_run(sa.e.h, 100000, &ta);
        hart_run(sb.e.h, 100000, &tb);
        compare(&sa, &sb, &ta, &tb, run++);
        assert_int_equal(ta.cause, CAUSE_BREAKPOINT);
        assert_int_equal(sa.e.h->x[11], as ? 350 : 50);
    }
    fini_pair(&sa, &sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs),
        cmocka_unit_test(test_random_programs_one_set),
        cmocka_unit_test(test_straddle),
        cmocka_unit_test(test_far_jumps_evicted),
        cmocka_unit_test(test_far_jumps_two_asids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
