/* The translator's C half of execution: instructions it runs one at a time
 * (those it does not translate, and any instruction when the budget left is
 * smaller than a block), and the slow paths of the loads and stores it
 * translates. Semantics and counters are the interpreter's (hart_ops.inc,
 * and the L0 TLB of hart.c, mirrored here on the translator's own L0). */
#include "jit_int.h"

#include <string.h>


void jl0_flush(struct jit_ctx *c)
{
    for (unsigned i = 0; i < 2 * JL0_SIZE; i++)
        c->l0[i].page = JL0_INVALID;
}

/* After a slow-path access to a: what its walk evicted from the TLB leaves
 * the L0 too. When the walk filled each array at most once, that is the
 * one evicted entry per array (the TLB says which); otherwise, as
 * l0_after_slow in hart.c, every L0 entry of a's TLB set. */
static void jl0_after_slow(struct jit_ctx *c, uint64_t a)
{
    struct hart *h = c->h;
    if (h->mmu.stats.walks == c->l0_walks)
        return;
    c->l0_walks = h->mmu.stats.walks;
    const struct tlb *t = &h->mmu.tlb;
    bool exact = t->fills[0] - c->l0_fills[0] <= 1 && t->fills[1] - c->l0_fills[1] <= 1;
    c->l0_fills[0] = t->fills[0];
    c->l0_fills[1] = t->fills[1];
    if (exact) {
        for (int acc = ACCESS_READ; acc <= ACCESS_WRITE; acc++) {
            uint64_t tag = t->evicted[acc];
            if (tag == TLB_TAG_INVALID)
                continue;
            uint64_t page = (tag & ((1ULL << 52) - 1)) << PAGE_SHIFT;
            struct jl0 *e = &c->l0[acc * JL0_SIZE + (tag & (JL0_SIZE - 1))];
            if (e->page == page)
                e->page = JL0_INVALID;
        }
        return;
    }
    unsigned sets = t->sets;
    uint64_t set = (a >> PAGE_SHIFT) & (sets - 1);
    unsigned step = sets < JL0_SIZE ? sets : JL0_SIZE;
    for (unsigned i = (unsigned)(set & (JL0_SIZE - 1)); i < JL0_SIZE; i += step) {
        c->l0[i].page = JL0_INVALID;
        c->l0[JL0_SIZE + i].page = JL0_INVALID;
    }
}

/* As l0_refill in hart.c. */
static uint8_t *jl0_refill(struct jit_ctx *c, uint64_t a, enum access acc)
{
    const struct tlb *t = &c->h->mmu.tlb;
    uint64_t tag = (a >> PAGE_SHIFT) | (uint64_t)satp_asid(c->h->mmu.satp) << 52;
    const struct tlb_entry *set = t->e[acc] + (tag & (t->sets - 1)) * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].tag == tag) {
            struct jl0 *e = &c->l0[(acc == ACCESS_WRITE ? JL0_SIZE : 0) +
                                   ((a >> PAGE_SHIFT) & (JL0_SIZE - 1))];
            e->page = a & ~(uint64_t)PAGE_MASK;
            e->addend = set[w].addend;
            return (uint8_t *)(set[w].addend + a);
        }
    return NULL;
}

static inline uint64_t retired(const struct jit_ctx *c, uint64_t rem)
{
    return c->max - (c->left + rem);
}

/* An aligned access of size bytes: the L0, the TLB, then the slow path.
 * Returns 0 or the cause (c->tval = a). *v zero-extended. */
static int load(struct jit_ctx *c, uint64_t a, unsigned size, uint64_t rem, uint64_t *v,
                bool probed)
{
    const struct jl0 *e = &c->l0[(a >> PAGE_SHIFT) & (JL0_SIZE - 1)];
    const uint8_t *p;
    if (!probed && e->page == (a & ~(uint64_t)(PAGE_MASK ^ (size - 1)))) {
        p = (const uint8_t *)(e->addend + a);
    } else if (a & (size - 1)) {
        c->tval = a;
        return CAUSE_MISALIGNED_LOAD;
    } else if (probed || (p = jl0_refill(c, a, ACCESS_READ)) == NULL) {
        struct hart *h = c->h;
        h->io_instret = h->instret + retired(c, rem);
        int cause = mem_load_slow(h, a, size, v);
        jl0_after_slow(c, a);
        c->tval = a;
        return cause;
    }
    c->tlb_hits++;
    *v = rd_n(p, size);
    return 0;
}

static int store(struct jit_ctx *c, uint64_t a, unsigned size, uint64_t rem, uint64_t v,
                 bool probed)
{
    const struct jl0 *e = &c->l0[JL0_SIZE + ((a >> PAGE_SHIFT) & (JL0_SIZE - 1))];
    uint8_t *p;
    if (!probed && e->page == (a & ~(uint64_t)(PAGE_MASK ^ (size - 1)))) {
        p = (uint8_t *)(e->addend + a);
    } else if (a & (size - 1)) {
        c->tval = a;
        return CAUSE_MISALIGNED_STORE;
    } else if (probed || (p = jl0_refill(c, a, ACCESS_WRITE)) == NULL) {
        struct hart *h = c->h;
        h->io_instret = h->instret + retired(c, rem);
        int cause = mem_store_slow(h, a, size, v);
        jl0_after_slow(c, a);
        c->tval = a;
        return cause;
    }
    c->tlb_hits++;
    wr_n(p, size, v);
    return 0;
}

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

static uint64_t ext(uint64_t v, unsigned size, bool sign)
{
    if (!sign)
        return v;
    switch (size) {
    case 1: return (uint64_t)(int64_t)(int8_t)v;
    case 2: return (uint64_t)(int64_t)(int16_t)v;
    case 4: return (uint64_t)(int64_t)(int32_t)v;
    default: return v;
    }
}

/* From generated code, after its L0 probes and (ways <= JIT_REFILL_WAYS) its refill
 * from the TLB's set missed: neither is repeated here. */
uint64_t jit_ld_slow(struct jit_ctx *c, uint64_t a, uint64_t info)
{
    unsigned size = info & 15;
    uint64_t v = 0;
    c->cause = load(c, a, size, info >> 8, &v, c->h->mmu.tlb.ways <= JIT_REFILL_WAYS);
    return ext(v, size, (info >> 4) & 1);
}

int jit_st_slow(struct jit_ctx *c, uint64_t a, uint64_t val, uint64_t info)
{
    int cause = store(c, a, info & 15, info >> 8, val, c->h->mmu.tlb.ways <= JIT_REFILL_WAYS);
    c->cause = cause;
    return cause;
}

void jit_fix_rd(struct dinsn *d)
{
    bool f_dest = d->op == OP_FLW || d->op == OP_FLD || d->op == OP_FP ||
                  (d->op >= OP_FADD_D && d->op <= OP_FMV_D_X);
    if (d->rd == 0 && !f_dest)
        d->rd = 32;
}

int jit_help(struct jit_ctx *c, const struct dinsn *d, uint64_t pc, uint64_t rem)
{
    uint64_t next;
    int cause = jit_exec1(c, d, pc, rem, &next);
    c->cause = cause;
    return cause != 0;
}

int jit_straddle(struct jit_ctx *c, uint64_t pc, uint64_t rem, uint64_t lo)
{
    struct hart *h = c->h;
    uint8_t *p;
    paddr_t dev;
    int cause = mem_translate(h, pc + 2, ACCESS_EXEC, &p, &dev);
    if (cause || !p) {
        c->tval = pc + 2;
        c->cause = cause ? cause : CAUSE_FETCH_ACCESS;
        return 1;
    }
    uint16_t hi;
    memcpy(&hi, p, 2);
    struct dinsn d;
    decode_insn((uint16_t)lo, hi, &d);
    jit_fix_rd(&d);
    cause = jit_exec1(c, &d, pc, rem, &c->pc);
    c->cause = cause;
    return cause != 0;
}

static int ld_op(struct jit_ctx *c, const struct dinsn *d, uint64_t rem, unsigned size, bool sign)
{
    uint64_t v;
    int cause = load(c, c->h->x[d->rs1] + (uint64_t)(int64_t)d->imm, size, rem, &v, false);
    if (!cause)
        c->h->x[d->rd] = ext(v, size, sign);
    return cause;
}

int jit_exec1(struct jit_ctx *c, const struct dinsn *d, uint64_t pc, uint64_t rem, uint64_t *next)
{
    struct hart *h = c->h;
    uint64_t *x = h->x;
    uint64_t r1 = x[d->rs1], r2 = x[d->rs2], imm = (uint64_t)(int64_t)d->imm;
    uint64_t addr = r1 + imm;
    unsigned sh = d->imm & 63;
    uint64_t v;
    int cause = 0;
    *next = pc + d->len;
    switch ((enum op)d->op) {
    case OP_LUI: x[d->rd] = imm; break;
    case OP_AUIPC: x[d->rd] = pc + imm; break;
    case OP_JAL: x[d->rd] = pc + d->len; *next = pc + imm; break;
    case OP_JALR: *next = (r1 + imm) & ~1ULL; x[d->rd] = pc + d->len; break;
    case OP_BEQ: if (r1 == r2) *next = pc + imm; break;
    case OP_BNE: if (r1 != r2) *next = pc + imm; break;
    case OP_BLT: if ((int64_t)r1 < (int64_t)r2) *next = pc + imm; break;
    case OP_BGE: if ((int64_t)r1 >= (int64_t)r2) *next = pc + imm; break;
    case OP_BLTU: if (r1 < r2) *next = pc + imm; break;
    case OP_BGEU: if (r1 >= r2) *next = pc + imm; break;
    case OP_LB: return ld_op(c, d, rem, 1, true);
    case OP_LH: return ld_op(c, d, rem, 2, true);
    case OP_LW: return ld_op(c, d, rem, 4, true);
    case OP_LD: return ld_op(c, d, rem, 8, false);
    case OP_LBU: return ld_op(c, d, rem, 1, false);
    case OP_LHU: return ld_op(c, d, rem, 2, false);
    case OP_LWU: return ld_op(c, d, rem, 4, false);
    case OP_SB: return store(c, addr, 1, rem, r2, false);
    case OP_SH: return store(c, addr, 2, rem, r2, false);
    case OP_SW: return store(c, addr, 4, rem, r2, false);
    case OP_SD: return store(c, addr, 8, rem, r2, false);
    case OP_FLW:
        if ((cause = load(c, addr, 4, rem, &v, false)) == 0)
            h->f[d->rd] = v | 0xffffffff00000000ULL;
        return cause;
    case OP_FLD:
        if ((cause = load(c, addr, 8, rem, &v, false)) == 0)
            h->f[d->rd] = v;
        return cause;
    case OP_FSW: return store(c, addr, 4, rem, h->f[d->rs2], false);
    case OP_FSD: return store(c, addr, 8, rem, h->f[d->rs2], false);
    case OP_ADDI: x[d->rd] = r1 + imm; break;
    case OP_SLTI: x[d->rd] = (int64_t)r1 < (int64_t)imm; break;
    case OP_SLTIU: x[d->rd] = r1 < imm; break;
    case OP_XORI: x[d->rd] = r1 ^ imm; break;
    case OP_ORI: x[d->rd] = r1 | imm; break;
    case OP_ANDI: x[d->rd] = r1 & imm; break;
    case OP_SLLI: x[d->rd] = r1 << sh; break;
    case OP_SRLI: x[d->rd] = r1 >> sh; break;
    case OP_SRAI: x[d->rd] = (uint64_t)((int64_t)r1 >> sh); break;
    case OP_ADD: x[d->rd] = r1 + r2; break;
    case OP_SUB: x[d->rd] = r1 - r2; break;
    case OP_SLL: x[d->rd] = r1 << (r2 & 63); break;
    case OP_SLT: x[d->rd] = (int64_t)r1 < (int64_t)r2; break;
    case OP_SLTU: x[d->rd] = r1 < r2; break;
    case OP_XOR: x[d->rd] = r1 ^ r2; break;
    case OP_SRL: x[d->rd] = r1 >> (r2 & 63); break;
    case OP_SRA: x[d->rd] = (uint64_t)((int64_t)r1 >> (r2 & 63)); break;
    case OP_OR: x[d->rd] = r1 | r2; break;
    case OP_AND: x[d->rd] = r1 & r2; break;
    case OP_ADDIW: x[d->rd] = sext32(r1 + imm); break;
    case OP_SLLIW: x[d->rd] = sext32((uint32_t)r1 << (sh & 31)); break;
    case OP_SRLIW: x[d->rd] = sext32((uint32_t)r1 >> (sh & 31)); break;
    case OP_SRAIW: x[d->rd] = (uint64_t)(int64_t)((int32_t)(uint32_t)r1 >> (sh & 31)); break;
    case OP_ADDW: x[d->rd] = sext32(r1 + r2); break;
    case OP_SUBW: x[d->rd] = sext32(r1 - r2); break;
    case OP_SLLW: x[d->rd] = sext32((uint32_t)r1 << (r2 & 31)); break;
    case OP_SRLW: x[d->rd] = sext32((uint32_t)r1 >> (r2 & 31)); break;
    case OP_SRAW: x[d->rd] = (uint64_t)(int64_t)((int32_t)(uint32_t)r1 >> (r2 & 31)); break;
    case OP_MUL: x[d->rd] = r1 * r2; break;
    case OP_MULH: x[d->rd] = (uint64_t)(((__int128)(int64_t)r1 * (__int128)(int64_t)r2) >> 64); break;
    case OP_MULHSU: x[d->rd] = (uint64_t)(((__int128)(int64_t)r1 * (__int128)r2) >> 64); break;
    case OP_MULHU: x[d->rd] = (uint64_t)(((unsigned __int128)r1 * r2) >> 64); break;
    case OP_DIV:
        x[d->rd] = r2 == 0 ? UINT64_MAX
                 : (r1 == (1ULL << 63) && r2 == UINT64_MAX) ? r1
                 : (uint64_t)((int64_t)r1 / (int64_t)r2);
        break;
    case OP_DIVU: x[d->rd] = r2 == 0 ? UINT64_MAX : r1 / r2; break;
    case OP_REM:
        x[d->rd] = r2 == 0 ? r1
                 : (r1 == (1ULL << 63) && r2 == UINT64_MAX) ? 0
                 : (uint64_t)((int64_t)r1 % (int64_t)r2);
        break;
    case OP_REMU: x[d->rd] = r2 == 0 ? r1 : r1 % r2; break;
    case OP_MULW: x[d->rd] = sext32((uint32_t)r1 * (uint32_t)r2); break;
    case OP_DIVW: {
        int32_t a = (int32_t)(uint32_t)r1, b = (int32_t)(uint32_t)r2;
        x[d->rd] = b == 0 ? UINT64_MAX
                 : (a == INT32_MIN && b == -1) ? (uint64_t)(int64_t)a
                 : (uint64_t)(int64_t)(a / b);
        break;
    }
    case OP_DIVUW: x[d->rd] = (uint32_t)r2 == 0 ? UINT64_MAX : sext32((uint32_t)r1 / (uint32_t)r2); break;
    case OP_REMW: {
        int32_t a = (int32_t)(uint32_t)r1, b = (int32_t)(uint32_t)r2;
        x[d->rd] = b == 0 ? (uint64_t)(int64_t)a
                 : (a == INT32_MIN && b == -1) ? 0
                 : (uint64_t)(int64_t)(a % b);
        break;
    }
    case OP_REMUW: x[d->rd] = (uint32_t)r2 == 0 ? sext32(r1) : sext32((uint32_t)r1 % (uint32_t)r2); break;
    case OP_FENCE: break;
    case OP_FENCE_I: hart_code_flush_all(h); break;
    case OP_ECALL: c->tval = 0; return CAUSE_ECALL_U;
    case OP_EBREAK: c->tval = pc; return CAUSE_BREAKPOINT;
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC: case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
        if (exec_csr(h, d, h->instret + retired(c, rem), &v)) {
            c->tval = d->raw;
            return CAUSE_ILLEGAL_INSN;
        }
        x[d->rd] = v;
        break;
    case OP_LR_W: case OP_SC_W: case OP_AMOSWAP_W: case OP_AMOADD_W: case OP_AMOXOR_W:
    case OP_AMOAND_W: case OP_AMOOR_W: case OP_AMOMIN_W: case OP_AMOMAX_W: case OP_AMOMINU_W:
    case OP_AMOMAXU_W: case OP_LR_D: case OP_SC_D: case OP_AMOSWAP_D: case OP_AMOADD_D:
    case OP_AMOXOR_D: case OP_AMOAND_D: case OP_AMOOR_D: case OP_AMOMIN_D: case OP_AMOMAX_D:
    case OP_AMOMINU_D: case OP_AMOMAXU_D: {
        uint64_t tval = 0;
        cause = exec_amo(h, d, &v, &tval);
        jl0_after_slow(c, r1);
        if (cause) {
            c->tval = tval;
            return cause;
        }
        x[d->rd] = v;
        break;
    }
    case OP_ILLEGAL:
    case OP_UNDECODED:
    case OP_COUNT:
        c->tval = d->raw;
        return CAUSE_ILLEGAL_INSN;
    default:   /* OP_FP and the double-precision ops: the general FPU path */
        if (jit_fp(h, d)) {
            c->tval = d->raw;
            return CAUSE_ILLEGAL_INSN;
        }
        break;
    }
    return 0;
}
