/* Fused instruction pairs of the interpreter (hart.c, FUSED_PAIRS) against a
 * plain reference model: random programs made mostly of the fused pairs, in
 * 4- and 2-byte encodings, with and without the second instruction reading
 * the first's result, forward branches that land on either half of a pair,
 * and loads that may fault or be misaligned. Each program runs in random
 * budgets of 1-9 instructions (so a quantum ends between the halves of
 * pairs), twice (pairs are fused once both halves are decoded); registers,
 * pc, instret and the trap must be the model's. Plus a hand-written fault
 * in the second half of a pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hart_env.h"

#define CODE 0x10000ULL
#define DATA 0x20000ULL

enum rop { R_XOR, R_AND, R_OR, R_ADD, R_MUL, R_ADDI, R_ANDI, R_SLLI, R_SRLI, R_ADDIW, R_SRLIW,
           R_LW, R_LBU, R_LD, R_BNE, R_EBREAK };

struct rins {
    enum rop op;
    unsigned rd, rs1, rs2, len;
    int64_t imm;       /* for R_BNE: target index */
    uint64_t at;       /* byte offset in the code page */
};

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

static uint32_t enc_r(unsigned f7, unsigned f3, const struct rins *i)
{
    return f7 << 25 | i->rs2 << 20 | i->rs1 << 15 | f3 << 12 | i->rd << 7 | 0x33;
}
static uint32_t enc_i(unsigned opc, unsigned f3, const struct rins *i, int64_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | i->rs1 << 15 | f3 << 12 | i->rd << 7 | opc;
}

/* The encoding of i (len 2 or 4, as chosen by the generator). */
static uint32_t encode(const struct rins *i, const struct rins *prog)
{
    unsigned rd = i->rd, rs2 = i->rs2;
    uint32_t imm = (uint32_t)i->imm;
    if (i->len == 2) {
        switch (i->op) {
        case R_ADD: return 0x9002 | rd << 7 | rs2 << 2;
        case R_XOR: return 0x8c21 | (rd - 8) << 7 | (rs2 - 8) << 2;
        case R_OR: return 0x8c41 | (rd - 8) << 7 | (rs2 - 8) << 2;
        case R_AND: return 0x8c61 | (rd - 8) << 7 | (rs2 - 8) << 2;
        case R_ADDI: return 0x0001 | (imm & 0x20) << 7 | rd << 7 | (imm & 0x1f) << 2;
        case R_ADDIW: return 0x2001 | (imm & 0x20) << 7 | rd << 7 | (imm & 0x1f) << 2;
        case R_SLLI: return 0x0002 | (imm & 0x20) << 7 | rd << 7 | (imm & 0x1f) << 2;
        case R_SRLI: return 0x8001 | (imm & 0x20) << 7 | (rd - 8) << 7 | (imm & 0x1f) << 2;
        case R_ANDI: return 0x8801 | (imm & 0x20) << 7 | (rd - 8) << 7 | (imm & 0x1f) << 2;
        case R_LW:
            return 0x4000 | ((imm >> 3) & 7) << 10 | (i->rs1 - 8) << 7 | ((imm >> 2) & 1) << 6 |
                   ((imm >> 6) & 1) << 5 | (rd - 8) << 2;
        case R_LD:
            return 0x6000 | ((imm >> 3) & 7) << 10 | (i->rs1 - 8) << 7 | ((imm >> 6) & 3) << 5 |
                   (rd - 8) << 2;
        default: fail();
        }
    }
    switch (i->op) {
    case R_XOR: return enc_r(0, 4, i);
    case R_AND: return enc_r(0, 7, i);
    case R_OR: return enc_r(0, 6, i);
    case R_ADD: return enc_r(0, 0, i);
    case R_MUL: return enc_r(1, 0, i);
    case R_ADDI: return enc_i(0x13, 0, i, i->imm);
    case R_ANDI: return enc_i(0x13, 7, i, i->imm);
    case R_SLLI: return enc_i(0x13, 1, i, i->imm);
    case R_SRLI: return enc_i(0x13, 5, i, i->imm);
    case R_ADDIW: return enc_i(0x1b, 0, i, i->imm);
    case R_SRLIW: return enc_i(0x1b, 5, i, i->imm);
    case R_LW: return enc_i(0x03, 2, i, i->imm);
    case R_LD: return enc_i(0x03, 3, i, i->imm);
    case R_LBU: return enc_i(0x03, 4, i, i->imm);
    case R_BNE: {
        uint32_t off = (uint32_t)(prog[i->imm].at - i->at);
        return ((off >> 12) & 1) << 31 | ((off >> 5) & 0x3f) << 25 | rs2 << 20 | i->rs1 << 15 |
               1 << 12 | ((off >> 1) & 0xf) << 8 | ((off >> 11) & 1) << 7 | 0x63;
    }
    case R_EBREAK: return 0x00100073;
    }
    fail();
    return 0;
}

/* The model's state. */
struct mstate {
    uint64_t x[32], pc, instret;
    int cause;   /* -1 while running */
};

static uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* Runs prog (n instructions, the last an ebreak; encoded in code) on the
 * model, until it traps. */
static void model_run(const struct rins *prog, unsigned n, const uint8_t *code, const uint8_t *data,
                      struct mstate *s)
{
    unsigned k = 0;
    (void)n;
    for (;;) {
        const struct rins *i = &prog[k];
        uint64_t a = s->x[i->rs1], b = s->x[i->rs2], r = 0, imm = (uint64_t)i->imm;
        unsigned next = k + 1;
        s->pc = CODE + i->at;
        switch (i->op) {
        case R_XOR: r = a ^ b; break;
        case R_AND: r = a & b; break;
        case R_OR: r = a | b; break;
        case R_ADD: r = a + b; break;
        case R_MUL: r = a * b; break;
        case R_ADDI: r = a + imm; break;
        case R_ANDI: r = a & imm; break;
        case R_SLLI: r = a << imm; break;
        case R_SRLI: r = a >> imm; break;
        case R_ADDIW: r = sx32(a + imm); break;
        case R_SRLIW: r = sx32((uint32_t)a >> imm); break;
        case R_LW:
        case R_LBU:
        case R_LD: {
            uint64_t addr = a + imm, size = i->op == R_LW ? 4 : i->op == R_LD ? 8 : 1;
            if (addr & (size - 1)) {
                s->cause = CAUSE_MISALIGNED_LOAD;
                return;
            }
            uint64_t v = 0;
            if (addr - DATA < PAGE_SIZE) {
                memcpy(&v, data + (addr - DATA), size);
            } else if (addr - CODE < PAGE_SIZE) {   /* the code page is readable too */
                memcpy(&v, code + (addr - CODE), size);
            } else {
                s->cause = CAUSE_LOAD_PAGE_FAULT;
                return;
            }
            r = i->op == R_LW ? sx32(v) : v;
            break;
        }
        case R_BNE:
            if (a != b)
                next = (unsigned)i->imm;
            s->instret++;
            k = next;
            continue;
        case R_EBREAK:
            s->cause = CAUSE_BREAKPOINT;
            return;
        }
        if (i->rd)
            s->x[i->rd] = r;
        s->instret++;
        k = next;
    }
}

/* The fused pairs, as (A, B): kept in step with FUSED_PAIRS by hand; a pair
 * missing there is only tested unfused. */
static const enum rop pairs[][2] = {
    {R_XOR, R_ANDI}, {R_ANDI, R_SLLI}, {R_SLLI, R_ADD}, {R_ADD, R_LW}, {R_LW, R_XOR},
    {R_XOR, R_ADDIW}, {R_MUL, R_SLLI}, {R_SRLI, R_OR}, {R_MUL, R_XOR}, {R_ADD, R_ADD},
    {R_LBU, R_SRLIW}, {R_ADDI, R_XOR}, {R_ADDI, R_ADDIW}, {R_AND, R_ADDIW}, {R_ADD, R_BNE},
    {R_LD, R_ADDI},
};

static bool has_rvc(enum rop op)
{
    return op == R_ADD || op == R_XOR || op == R_OR || op == R_AND || op == R_ADDI ||
           op == R_ADDIW || op == R_SLLI || op == R_SRLI || op == R_ANDI || op == R_LW || op == R_LD;
}

/* Fills in the operands of an instruction of op; fwd_from >= 0: rs1 is that register. */
static void gen_operands(struct rins *i, int fwd_from)
{
    static const unsigned regs[] = {10, 11, 12, 13};
    i->rd = regs[pick(4)];
    i->rs1 = fwd_from >= 0 ? (unsigned)fwd_from : regs[pick(4)];
    i->rs2 = regs[pick(4)];
    i->len = has_rvc(i->op) && pick(2) ? 2 : 4;
    switch (i->op) {
    case R_ADDI:
    case R_ADDIW:
    case R_ANDI: i->imm = (int64_t)pick(64) - 32; break;
    case R_SLLI:
    case R_SRLI: i->imm = 1 + pick(63); break;
    case R_SRLIW: i->imm = pick(32); break;
    case R_LW:
    case R_LD:
    case R_LBU: {
        unsigned size = i->op == R_LW ? 4 : i->op == R_LD ? 8 : 1;
        if (fwd_from < 0 && pick(4))
            i->rs1 = 8;   /* s0 = DATA: mostly a valid address */
        unsigned max = i->len == 2 ? (size == 4 ? 128 : 256) : 2040;   /* imm + 3 < 2^11 */
        i->imm = (int64_t)(pick(max / size) * size);
        if (i->len == 4 && pick(16) == 0)
            i->imm += 1 + pick(3);   /* maybe misaligned */
        if (i->len == 4 && pick(16) == 0)
            i->imm = -(int64_t)pick(2048);
        break;
    }
    default: i->imm = 0;
    }
    if (i->len == 2) {
        /* c.add/c.addi/... write their rs1: rd == rs1 (c.add: rs2 != 0). */
        if (i->op == R_LW || i->op == R_LD) {
            if (i->rs1 < 8 || i->rs1 > 15)
                i->len = 4;
        } else {
            i->rd = i->rs1;
        }
        if (i->len == 2 && (i->op == R_ADDI || i->op == R_ADDIW) && i->imm == 0)
            i->imm = 1;   /* c.addi 0 is a hint, c.addiw 0 fine, keep both nonzero */
        if (i->len == 2 && i->op == R_ANDI && i->rd < 8)
            i->len = 4;
    }
}

#define PROG_MAX 160

/* A random program: pairs (the second reading the first's result half the
 * time), single instructions, forward branches, an ebreak at the end. */
static unsigned gen_program(struct rins *prog)
{
    unsigned n = 0;
    while (n < PROG_MAX - 4) {
        unsigned what = pick(10);
        if (what < 7) {
            const enum rop *p = pairs[pick(sizeof pairs / sizeof pairs[0])];
            prog[n].op = p[0];
            gen_operands(&prog[n], -1);
            prog[n + 1].op = p[1];
            bool fwd = pick(2);
            gen_operands(&prog[n + 1], fwd ? (int)prog[n].rd : -1);
            if (fwd && p[0] == R_ADD && p[1] == R_LW && pick(4)) {
                /* add rd, s0, zero: the forwarded base is a valid address */
                prog[n].rs1 = 8;
                prog[n].rs2 = 0;
                prog[n].len = 4;
                if (prog[n + 1].len == 2)
                    prog[n + 1].rs1 = prog[n].rd;
            }
            n += 2;
        } else {
            prog[n].op = pick(3) ? (enum rop)pick(R_BNE + 1) : R_BNE;
            gen_operands(&prog[n], -1);
            n++;
        }
    }
    prog[n++] = (struct rins){.op = R_EBREAK, .len = 4};
    uint64_t at = 0;
    for (unsigned k = 0; k < n; k++) {
        prog[k].at = at;
        at += prog[k].len;
        if (prog[k].op == R_BNE)
            prog[k].imm = k + 1 + pick(3 < n - k - 1 ? 3 : n - k - 1);
    }
    return n;
}

/* Runs the program on the hart from x_init in random budgets and compares
 * the outcome with the model's (ms). */
static void run_and_compare(struct hart_env *e, const uint64_t *x_init, const struct mstate *ms,
                            const struct rins *prog, unsigned n, unsigned trial)
{
    memcpy(e->h->x, x_init, 32 * sizeof *x_init);
    e->h->instret = 0;
    e->h->pc = CODE;
    struct trap t;
    do
        hart_run(e->h, 1 + pick(9), &t);
    while (t.cause == TRAP_QUANTUM);
    if (t.cause == ms->cause && e->h->pc == ms->pc && e->h->instret == ms->instret &&
        memcmp(e->h->x, ms->x, sizeof ms->x) == 0)
        return;
    print_error("trial %u: cause %d/%d pc %#llx/%#llx instret %llu/%llu\n", trial, t.cause,
                ms->cause, (unsigned long long)e->h->pc, (unsigned long long)ms->pc,
                (unsigned long long)e->h->instret, (unsigned long long)ms->instret);
    for (unsigned r = 0; r < 32; r++)
        if (e->h->x[r] != ms->x[r])
            print_error("x%u: %#llx, model %#llx\n", r, (unsigned long long)e->h->x[r],
                        (unsigned long long)ms->x[r]);
    for (unsigned k = 0; k < n; k++)   /* the code before the model's stop */
        if (prog[k].at + CODE + 24 >= ms->pc && prog[k].at + CODE <= ms->pc)
            print_error("%u: op %d rd %u rs1 %u rs2 %u len %u imm %lld at %llu\n", k, prog[k].op,
                        prog[k].rd, prog[k].rs1, prog[k].rs2, prog[k].len, (long long)prog[k].imm,
                        (unsigned long long)prog[k].at);
    fail();
}

static void test_random_programs_match_model(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    uint8_t *data = env_map(&e, DATA, PTE_R);
    static struct rins prog[PROG_MAX];
    for (unsigned trial = 0; trial < 3000; trial++) {
        unsigned n = gen_program(prog);
        memset(code, 0, PAGE_SIZE);
        for (unsigned k = 0; k < n; k++) {
            uint32_t w = encode(&prog[k], prog);
            memcpy(code + prog[k].at, &w, prog[k].len);
        }
        machine_flush_page(e.m, ENV_ASID, va(CODE));
        for (unsigned k = 0; k < PAGE_SIZE; k++)
            data[k] = (uint8_t)rnd();
        struct mstate ms = {.cause = -1};
        for (unsigned r = 1; r < 32; r++)
            ms.x[r] = pick(4) ? rnd() : pick(8);
        ms.x[8] = DATA;
        uint64_t x_init[32];
        memcpy(x_init, ms.x, sizeof ms.x);
        model_run(prog, n, code, data, &ms);
        /* twice: decoding as it runs, then with the page decoded */
        for (int pass = 0; pass < 2; pass++)
            run_and_compare(&e, x_init, &ms, prog, n, trial);
    }
    env_fini(&e);
}

/* add a1, a1, a2; lw a0, 0(a1) (fused once decoded) with a1 + a2 unmapped:
 * the fault is the lw's, with the add retired and a0 untouched; then the
 * same pair entered at its second half. */
static void test_fault_in_second_half(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    uint32_t add = 0x00c585b3, lw = 0x0005a503, ebreak = 0x00100073;
    memcpy(code, &add, 4);
    memcpy(code + 4, &lw, 4);
    memcpy(code + 8, &ebreak, 4);
    env_map(&e, DATA, PTE_R);
    struct trap t;
    e.h->x[11] = DATA;
    e.h->pc = CODE;
    hart_run(e.h, 100, &t);   /* a first run decodes (and so fuses) the pair */
    assert_int_equal(t.cause, CAUSE_BREAKPOINT);
    e.h->instret = 0;
    e.h->x[10] = 0x77;
    e.h->x[11] = DATA;
    e.h->x[12] = 0x3000;
    e.h->pc = CODE;
    hart_run(e.h, 100, &t);
    assert_int_equal(t.cause, CAUSE_LOAD_PAGE_FAULT);
    assert_int_equal(t.tval, DATA + 0x3000);
    assert_int_equal(t.pc, CODE + 4);
    assert_int_equal(e.h->instret, 1);
    assert_int_equal(e.h->x[11], DATA + 0x3000);
    assert_int_equal(e.h->x[10], 0x77);

    uint8_t *data = env_map(&e, DATA + 0x3000, PTE_R);
    uint32_t v = 0xdeadbeef;
    memcpy(data, &v, 4);
    hart_run(e.h, 100, &t);   /* resumes at the lw */
    assert_int_equal(t.cause, CAUSE_BREAKPOINT);
    assert_int_equal(e.h->instret, 2);
    assert_int_equal(e.h->x[10], 0xffffffffdeadbeefULL);
    assert_int_equal(e.h->x[11], DATA + 0x3000);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_programs_match_model),
        cmocka_unit_test(test_fault_in_second_half),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
