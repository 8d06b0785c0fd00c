/* The translator proper: a basic block of guest code (straight-line code
 * within one page, ending at a jump, a branch, ecall/ebreak/fence.i, the end
 * of the page or JIT_MAX_INSNS) becomes one stretch of x86-64, its slow
 * paths another in the cold half of the cache.
 *
 * Registers: rbx = struct jit_ctx, rbp = the hart (x[] at offset 0), r14 =
 * the budget (ctx->left), r15 = L0 and fetch-TLB hits not yet added to
 * ctx->tlb_hits; six guest registers live in host registers for the whole
 * run (jit_gregs, jit_tramp.c), the others in h->x; every guest register is
 * in h->x whenever C can read it, so a trap needs only pc and the budget
 * fixed. A block begins by taking its length from the budget (exiting at
 * once when the budget is smaller, so jit_run runs the rest one instruction
 * at a time and a quantum ends where the interpreter's does); an exit gives
 * back what did not run. Integer ALU ops, loads, stores, branches, jumps
 * and the common double-precision ops (jit_gen_fp.c) are translated;
 * everything else calls jit_help (the C semantics). A load or store probes
 * the L0 inline (a compare and an add, as hart.c) and calls jit_ld_slow /
 * jit_st_slow on a miss, which take the interpreter's path (TLB, walk,
 * fault). */
#include "jit_gen.h"

#include <stddef.h>
#include <string.h>

_Static_assert(offsetof(struct hart, x) == 0, "generated code addresses x[] from the hart");
_Static_assert(sizeof(struct jl0) == 16, "L0 index scaling");
_Static_assert(sizeof(struct jfar) == 64, "far record index scaling");

static void g_ld(struct gen *g, int dst, unsigned r, bool w)
{
    if (r == 0)
        x_alu_rr(g->b, ALU_XOR, dst, dst, false);
    else if (g->hreg[r] == dst)
        return;
    else if (g->hreg[r] >= 0)
        x_mov_rr(g->b, dst, g->hreg[r], w);
    else if (w)
        x_load(g->b, dst, RBP, XR(r));
    else
        x_load32(g->b, dst, RBP, XR(r));
}

static void g_op(struct gen *g, int op, int dst, unsigned r, bool w)
{
    if (r == 0)
        x_alu_ri(g->b, op, dst, 0, w);
    else if (g->hreg[r] >= 0)
        x_alu_rr(g->b, op, dst, g->hreg[r], w);
    else
        x_alu_rm(g->b, op, dst, RBP, XR(r), w);
}

/* Where to compute a result for guest register rd: its host register, or
 * rax; g_done then stores rax. */
static int g_dst(const struct gen *g, unsigned rd)
{
    return g->hreg[rd] >= 0 ? g->hreg[rd] : RAX;
}

static void g_st(struct gen *g, unsigned r, int src);

static void g_done(struct gen *g, unsigned rd, int reg)
{
    if (g->hreg[rd] != reg)
        g_st(g, rd, reg);
}

static void g_st(struct gen *g, unsigned r, int src)
{
    if (r == 32)
        return;   /* x0: nothing reads the sink */
    if (g->hreg[r] >= 0) {
        x_mov_rr(g->b, g->hreg[r], src, true);
    } else {
        x_store(g->b, src, RBP, XR(r), 8);
    }
}

static bool ends_block(enum op op)
{
    return (op >= OP_JAL && op <= OP_BGEU) || op == OP_ECALL || op == OP_EBREAK ||
           op == OP_FENCE_I || op == OP_ILLEGAL || op == OP_UNDECODED;
}

static void emit_helper(struct gen *g, int i, const struct dinsn *stored)
{
    struct jbuf *b = g->b;
    /* The C semantics read x[rs1] and x[rs2] and write x[rd] (or f[...]);
     * r8..r11 are clobbered by the call. */
    const struct dinsn *d = stored;
    for (unsigned r = 1; r < 32; r++)
        if (g->hreg[r] >= 0 &&
            (jit_caller_saved(g->hreg[r]) || r == d->rs1 || r == d->rs2 || r == d->rd))
            x_store(b, g->hreg[r], RBP, XR(r), 8);
    x_store(b, LEFT, RBX, OFF_LEFT, 8);
    x_mov_rr(b, RDI, RBX, true);
    x_mov_imm(b, RSI, (uint64_t)(uintptr_t)stored);
    if (stored->op == OP_FP || (stored->op >= OP_FADD_D && stored->op < OP_COUNT)) {
        x_call(b, (const void *)jit_fp_help);
    } else {
        x_mov_imm(b, RDX, g->pcs[i]);
        x_mov_imm(b, RCX, g->n - (unsigned)i);
        x_call(b, (const void *)jit_help);
    }
    for (unsigned r = 1; r < 32; r++)
        if (g->hreg[r] >= 0 && (jit_caller_saved(g->hreg[r]) || r == d->rd))
            x_load(b, g->hreg[r], RBP, XR(r));
    x_alu_ri(b, ALU_CMP, RAX, 0, false);
    add_fix(g, x_jcc(b, CC_NE), FX_TRAP, i, NULL);
}

/* rsi = effective address, rdx = it masked as the L0 compares it (so a
 * misaligned access misses), rax = the site's last L0 entry; compares.
 * On a mismatch the FX_PROBE stub tries the entry of the address's index
 * (and makes it the site's), then the slow path. */
static int32_t l0_probe(struct gen *g, const struct dinsn *d, unsigned size, bool wr)
{
    struct jbuf *b = g->b;
    struct jit *j = g->j;
    if (j->nsite == JSITES) {
        b->full = true;
        return OFF_SITE;
    }
    size_t k = j->nsite++;
    j->ctx.site[k] = &j->ctx.l0[wr ? JL0_SIZE : 0];
    int32_t site = OFF_SITE + (int32_t)(k * sizeof(j->ctx.site[0]));
    if (d->imm && d->rs1 != 0 && g->hreg[d->rs1] >= 0) {
        x_lea(b, RSI, g->hreg[d->rs1], d->imm);
    } else {
        g_ld(g, RSI, d->rs1, true);
        if (d->imm)
            x_alu_ri(b, ALU_ADD, RSI, d->imm, true);
    }
    x_load(b, RAX, RBX, site);
    x_mov_rr(b, RDX, RSI, true);
    x_alu_ri(b, ALU_AND, RDX, (int32_t)~(uint32_t)(PAGE_MASK ^ (size - 1)), true);
    x_alu_rm(b, ALU_CMP, RDX, RAX, (int32_t)offsetof(struct jl0, page), true);
    return site;
}

static void add_probe(struct gen *g, uint8_t *rel, int i, uint8_t *hit, int32_t site, bool wr,
                      uint8_t *back, int reg)
{
    add_fix(g, rel, FX_PROBE, i, hit);
    if (!g->b->full) {
        struct fix *f = &g->fx[g->nfx - 1];
        f->site = site;
        f->wr = wr;
        f->slow = wr ? FX_ST : FX_LD;
        f->reg = reg;
        /* the slow path resumes after the access */
        f->rel2back = back;
    }
}

static void emit_load(struct gen *g, int i, const struct dinsn *d, unsigned size, bool sign)
{
    struct jbuf *b = g->b;
    int32_t site = l0_probe(g, d, size, false);
    bool fp = d->op == OP_FLW || d->op == OP_FLD;
    int dst = fp || g->hreg[d->rd] < 0 ? RCX : g->hreg[d->rd];
    uint8_t *miss = x_jcc(b, CC_NE);
    uint8_t *hit = b->p;
    x_alu_rm(b, ALU_ADD, RSI, RAX, (int32_t)offsetof(struct jl0, addend), true);
    x_load_ext(b, dst, RSI, 0, size, sign);
    add_probe(g, miss, i, hit, site, false, b->p, dst);
    if (d->op == OP_FLW) {   /* NaN-boxed single */
        x_mov_imm(b, RDX, 0xffffffff00000000ULL);
        x_alu_rr(b, ALU_OR, RCX, RDX, true);
    }
    if (fp)
        x_store(b, RCX, RBP, FR(d->rd), 8);
    else
        g_done(g, d->rd, dst);
}

static void emit_store(struct gen *g, int i, const struct dinsn *d, unsigned size)
{
    struct jbuf *b = g->b;
    if (d->op == OP_FSW || d->op == OP_FSD)
        x_load(b, RCX, RBP, FR(d->rs2));
    else
        g_ld(g, RCX, d->rs2, true);
    int32_t site = l0_probe(g, d, size, true);
    uint8_t *miss = x_jcc(b, CC_NE);
    uint8_t *hit = b->p;
    x_alu_rm(b, ALU_ADD, RSI, RAX, (int32_t)offsetof(struct jl0, addend), true);
    x_store(b, RCX, RSI, 0, size);
    add_probe(g, miss, i, hit, site, true, b->p, RCX);
}

static const struct { uint8_t size, sign; } ld_kind[] = {
    [OP_LB] = {1, 1}, [OP_LH] = {2, 1}, [OP_LW] = {4, 1}, [OP_LD] = {8, 0},
    [OP_LBU] = {1, 0}, [OP_LHU] = {2, 0}, [OP_LWU] = {4, 0}, [OP_FLW] = {4, 0}, [OP_FLD] = {8, 0},
};

/* One instruction; returns false if it must go through jit_help. */
static bool emit_native(struct gen *g, int i)
{
    struct jbuf *b = g->b;
    const struct dinsn *d = &g->d[i];
    uint64_t pc = g->pcs[i], link = pc + d->len;
    unsigned rd = d->rd, r1 = d->rs1, r2 = d->rs2;
    int alu = -1, cc = -1, sh = -1;
    bool w = true;
    switch ((enum op)d->op) {
    case OP_LUI: case OP_AUIPC: {
        int dst = g_dst(g, rd);
        x_mov_imm(b, dst, (d->op == OP_AUIPC ? pc : 0) + (uint64_t)(int64_t)d->imm);
        g_done(g, rd, dst);
        return true;
    }
    case OP_ADDI: alu = ALU_ADD; goto alu_imm;
    case OP_XORI: alu = ALU_XOR; goto alu_imm;
    case OP_ORI: alu = ALU_OR; goto alu_imm;
    case OP_ANDI: alu = ALU_AND; goto alu_imm;
    case OP_ADDIW: alu = ALU_ADD; w = false; goto alu_imm;
    alu_imm: {
        int dst = g_dst(g, rd);
        if (alu == ALU_AND && d->imm == 0xff && r1 != 0) {   /* zext.b */
            if (g->hreg[r1] >= 0)
                x_movzx_rr(b, dst, g->hreg[r1], 1);
            else
                x_load_ext(b, dst, RBP, XR(r1), 1, false);
            g_done(g, rd, dst);
            return true;
        }
        if (alu == ALU_ADD && w && d->imm && r1 != 0 && g->hreg[r1] >= 0 && g->hreg[r1] != dst) {
            x_lea(b, dst, g->hreg[r1], d->imm);
            g_done(g, rd, dst);
            return true;
        }
        if (alu == ALU_ADD && !w && !d->imm && r1 != 0) {   /* sext.w: one movsxd */
            if (g->hreg[r1] >= 0)
                x_movsxd(b, dst, g->hreg[r1]);
            else
                x_load_ext(b, dst, RBP, XR(r1), 4, true);
            g_done(g, rd, dst);
            return true;
        }
        g_ld(g, dst, r1, w);
        if (d->imm || alu == ALU_AND)
            x_alu_ri(b, alu, dst, d->imm, w);
        if (!w) x_movsxd(b, dst, dst);
        g_done(g, rd, dst);
        return true;
    }
    case OP_ADD: alu = ALU_ADD; goto alu_reg;
    case OP_SUB: alu = ALU_SUB; goto alu_reg;
    case OP_XOR: alu = ALU_XOR; goto alu_reg;
    case OP_OR: alu = ALU_OR; goto alu_reg;
    case OP_AND: alu = ALU_AND; goto alu_reg;
    case OP_ADDW: alu = ALU_ADD; w = false; goto alu_reg;
    case OP_SUBW: alu = ALU_SUB; w = false; goto alu_reg;
    alu_reg: {
        int dst = g_dst(g, rd);
        if (r2 != r1 && g->hreg[r2] == dst) {   /* rd is rs2 */
            if (alu == ALU_SUB)
                dst = RAX;
            else {
                unsigned t = r1;
                r1 = r2;
                r2 = t;
            }
        }
        g_ld(g, dst, r1, w);
        g_op(g, alu, dst, r2, w);
        if (!w) x_movsxd(b, dst, dst);
        g_done(g, rd, dst);
        return true;
    }
    case OP_MUL: case OP_MULW: {
        w = d->op == OP_MUL;
        int dst = g_dst(g, rd);
        if (r2 != r1 && g->hreg[r2] == dst) {
            unsigned t = r1;
            r1 = r2;
            r2 = t;
        }
        g_ld(g, dst, r1, w);
        if (r2 == 0)
            x_alu_rr(b, ALU_XOR, dst, dst, false);
        else if (g->hreg[r2] >= 0)
            x_imul_rr(b, dst, g->hreg[r2], w);
        else
            x_imul_rm(b, dst, RBP, XR(r2), w);
        if (!w) x_movsxd(b, dst, dst);
        g_done(g, rd, dst);
        return true;
    }
    case OP_MULH: case OP_MULHU:
        g_ld(g, RAX, r1, true);
        if (g->hreg[r2] >= 0)
            x_mul1_r(b, d->op == OP_MULH ? 5 : 4, g->hreg[r2]);
        else
            x_mul1_m(b, d->op == OP_MULH ? 5 : 4, RBP, XR(r2));
        g_st(g, rd, RDX);
        return true;
    case OP_SLT: cc = CC_L; goto set_reg;
    case OP_SLTU: cc = CC_B; goto set_reg;
    case OP_SLTI: cc = CC_L; goto set_imm;
    case OP_SLTIU: cc = CC_B; goto set_imm;
    set_reg:
    set_imm:
        x_alu_rr(b, ALU_XOR, RCX, RCX, false);
        g_ld(g, RAX, r1, true);
        if (d->op == OP_SLT || d->op == OP_SLTU)
            g_op(g, ALU_CMP, RAX, r2, true);
        else
            x_alu_ri(b, ALU_CMP, RAX, d->imm, true);
        x_setcc(b, cc, RCX);
        g_st(g, rd, RCX);
        return true;
    case OP_SLLI: sh = SH_SHL; goto sh_imm;
    case OP_SRLI: sh = SH_SHR; goto sh_imm;
    case OP_SRAI: sh = SH_SAR; goto sh_imm;
    case OP_SLLIW: sh = SH_SHL; w = false; goto sh_imm;
    case OP_SRLIW: sh = SH_SHR; w = false; goto sh_imm;
    case OP_SRAIW: sh = SH_SAR; w = false; goto sh_imm;
    sh_imm: {
        int dst = g_dst(g, rd);
        g_ld(g, dst, r1, w);
        x_shift_ri(b, sh, dst, (unsigned)d->imm & (w ? 63 : 31), w);
        if (!w) x_movsxd(b, dst, dst);
        g_done(g, rd, dst);
        return true;
    }
    case OP_SLL: sh = SH_SHL; goto sh_reg;
    case OP_SRL: sh = SH_SHR; goto sh_reg;
    case OP_SRA: sh = SH_SAR; goto sh_reg;
    case OP_SLLW: sh = SH_SHL; w = false; goto sh_reg;
    case OP_SRLW: sh = SH_SHR; w = false; goto sh_reg;
    case OP_SRAW: sh = SH_SAR; w = false; goto sh_reg;
    sh_reg:
        if (r1 != 0 && r2 != 0 && x_have_bmi2()) {
            int dst = g_dst(g, rd);
            int cnt = g->hreg[r2] >= 0 ? g->hreg[r2] : RCX;
            int src = g->hreg[r1] >= 0 ? g->hreg[r1] : RAX;
            if (cnt == RCX)
                g_ld(g, RCX, r2, true);
            if (src == RAX)
                g_ld(g, RAX, r1, true);
            x_shiftx(b, sh, dst, src, cnt, w);
            if (!w) x_movsxd(b, dst, dst);
            g_done(g, rd, dst);
            return true;
        }
        g_ld(g, RCX, r2, true);
        g_ld(g, RAX, r1, w);
        x_shift_rcl(b, sh, RAX, w);   /* x86 masks the count as RISC-V does */
        if (!w) x_movsxd(b, RAX, RAX);
        g_st(g, rd, RAX);
        return true;
    case OP_LB: case OP_LH: case OP_LW: case OP_LD: case OP_LBU: case OP_LHU: case OP_LWU:
    case OP_FLW: case OP_FLD:
        emit_load(g, i, d, ld_kind[d->op].size, ld_kind[d->op].sign);
        return true;
    case OP_SB: emit_store(g, i, d, 1); return true;
    case OP_SH: emit_store(g, i, d, 2); return true;
    case OP_SW: emit_store(g, i, d, 4); return true;
    case OP_SD: case OP_FSD: emit_store(g, i, d, 8); return true;
    case OP_FSW: emit_store(g, i, d, 4); return true;
    case OP_BEQ: cc = CC_E; goto branch;
    case OP_BNE: cc = CC_NE; goto branch;
    case OP_BLT: cc = CC_L; goto branch;
    case OP_BGE: cc = CC_GE; goto branch;
    case OP_BLTU: cc = CC_B; goto branch;
    case OP_BGEU: cc = CC_AE; goto branch;
    branch: {
        int lhs = r1 != 0 && g->hreg[r1] >= 0 ? g->hreg[r1] : RAX;
        if (lhs == RAX)
            g_ld(g, RAX, r1, true);
        if (r2 == 0)
            x_test_rr(b, lhs, lhs);   /* the flags of cmp lhs, 0 */
        else
            g_op(g, ALU_CMP, lhs, r2, true);
        uint64_t target = pc + (uint64_t)(int64_t)d->imm;
        if (target == g->pc0) {
            /* A loop on itself: only the budget is taken again, and the
             * jump back is the one taken branch of an iteration. */
            uint8_t *leave = x_jcc(b, cc ^ 1);   /* x86 pairs a condition with its inverse */
            x_alu_ri(b, ALU_SUB, LEFT, (int32_t)g->n, true);
            x_patch(x_jcc(b, CC_AE), b, g->body);
            x_alu_ri(b, ALU_ADD, LEFT, (int32_t)g->n, true);
            jg_exit_to(g, target, JX_NEXT);
            x_patch(leave, b, b->p);
            jg_exit_to(g, link, JX_NEXT);
            return true;
        }
        uint8_t *taken = x_jcc(b, cc);
        if (!g->nremap && (target & ~PAGE_MASK) == g->page) {
            /* The branch itself is the chained exit: one jump to the target. */
            jg_chain_exit(g, taken, target);
            jg_exit_to(g, link, JX_NEXT);
            return true;
        }
        jg_exit_to(g, link, JX_NEXT);
        x_patch(taken, b, b->p);
        jg_exit_to(g, target, JX_NEXT);
        return true;
    }
    case OP_JAL:
        x_mov_imm(b, RAX, link);
        g_st(g, rd, RAX);
        jg_exit_to(g, pc + (uint64_t)(int64_t)d->imm, JX_NEXT);
        return true;
    case OP_JALR: {
        g_ld(g, RAX, r1, true);
        if (d->imm)
            x_alu_ri(b, ALU_ADD, RAX, d->imm, true);
        x_alu_ri(b, ALU_AND, RAX, -2, true);
        if (rd != 32) {
            x_mov_imm(b, RCX, link);
            g_st(g, rd, RCX);
        }
        g_unremap(g);
        /* A target in this page: its block straight from the page's table
         * (no fetch lookup: the interpreter makes none either). */
        x_mov_rr(b, RDX, RAX, true);
        x_alu_ri(b, ALU_AND, RDX, -(int32_t)PAGE_SIZE, true);
        x_mov_imm(b, RCX, g->page);
        x_alu_rr(b, ALU_CMP, RDX, RCX, true);
        uint8_t *far = x_jcc(b, CC_NE);
        x_mov_rr(b, RDX, RAX, false);
        x_alu_ri(b, ALU_AND, RDX, (int32_t)PAGE_MASK & ~1, false);
        x_shift_ri(b, SH_SHL, RDX, 2, false);   /* (off / 2) * 8 */
        x_mov_imm(b, RCX, (uint64_t)(uintptr_t)&g->pg->b[0]);
        x_alu_rr(b, ALU_ADD, RCX, RDX, true);
        x_load(b, RCX, RCX, 0);
        x_test_rr(b, RCX, RCX);
        uint8_t *none = x_jcc(b, CC_E);
        x_load(b, RCX, RCX, (int32_t)offsetof(struct jblock, entry));
        x_jmp_r(b, RCX);
        x_patch(none, b, b->p);
        x_store(b, RAX, RBX, OFF_PC, 8);
        x_store_imm(b, RBX, OFF_CHAIN, 0);
        x_mov_imm(b, RAX, JX_NEXT);
        x_jmp_to(b, g->j->exit_rx);
        x_patch(far, b, b->p);
        jg_far_jump(g, false, 0);
        return true;
    }
    default: {
        uint8_t *slow[8];
        unsigned nslow;
        if (d->op < OP_FADD_D || d->op >= OP_COUNT || !jit_emit_fp(b, d, slow, &nslow))
            return false;
        if (nslow) {   /* the conditions failed: C decides (jit_fp_help) */
            uint8_t *done = b->p;
            swap_cold(g);
            for (unsigned k = 0; k < nslow; k++)
                x_patch(slow[k], g->b, g->b->p);
            struct dinsn *stored = &g->j->dins[g->j->ndins++];
            *stored = *d;
            emit_helper(g, i, stored);
            x_patch(x_jmp(g->b), g->b, done);
            swap_cold(g);
        }
        return true;
    }
    }
}

static void emit_stubs(struct gen *g)
{
    struct jbuf *b = g->b;
    uint8_t *trap_at[JIT_MAX_INSNS] = {0};
    /* The L0 lookups by index, for sites whose last entry did not match. */
    unsigned nprobe = g->nfx;
    for (unsigned k = 0; k < nprobe; k++) {
        struct fix *f = &g->fx[k];
        if (f->kind != FX_PROBE)
            continue;
        x_patch(f->rel, b, b->p);
        int32_t l0 = f->wr ? OFF_L0W : OFF_L0;
        x_mov_rr(b, RAX, RSI, false);
        x_shift_ri(b, SH_SHR, RAX, PAGE_SHIFT - 4, false);
        x_alu_ri(b, ALU_AND, RAX, (JL0_SIZE - 1) << 4, false);
        x_alu_rmx(b, ALU_CMP, RDX, RBX, RAX, l0);
        uint8_t *refill = x_jcc(b, CC_NE);
        x_lea_x(b, RAX, RBX, RAX, l0);
        uint8_t *found = b->p;
        x_store(b, RAX, RBX, f->site, 8);
        x_patch(x_jmp(b), b, f->back);
        /* not in the L0: from the TLB's set if there, else the slow path */
        x_patch(refill, b, b->p);
        x_call_m(b, RBX, f->wr ? OFF_REFILL_ST : OFF_REFILL_LD);
        uint8_t *miss = x_jcc(b, CC_NE);
        x_patch(x_jmp(b), b, found);
        int slow = f->slow, i = f->i, reg = f->reg;
        uint8_t *resume = f->rel2back;
        add_fix(g, miss, slow, i, resume);
        if (!b->full)
            g->fx[g->nfx - 1].reg = reg;
    }
    /* Slow paths next: they jump to the trap stubs, made on demand below. */
    unsigned nfx = g->nfx;
    for (unsigned k = 0; k < nfx; k++) {
        struct fix *f = &g->fx[k];
        if (f->kind != FX_LD && f->kind != FX_ST)
            continue;
        const struct dinsn *d = &g->d[f->i];
        x_patch(f->rel, b, b->p);
        uint64_t rem = g->n - (unsigned)f->i;
        if (f->kind == FX_LD) {
            uint64_t info = ld_kind[d->op].size | (uint64_t)ld_kind[d->op].sign << 4 | rem << 8;
            x_mov_imm(b, RDX, info);
            x_call_m(b, RBX, OFF_SLOW_LD);
            int reg = f->reg;
            add_fix(g, x_jcc(b, CC_NE), FX_TRAP, f->i, NULL);
            x_mov_rr(b, reg, RAX, true);
        } else {
            unsigned size = d->op == OP_SB ? 1 : d->op == OP_SH ? 2 : d->op == OP_SW || d->op == OP_FSW ? 4 : 8;
            x_mov_rr(b, RDX, RCX, true);
            x_mov_imm(b, RCX, size | rem << 8);
            x_call_m(b, RBX, OFF_SLOW_ST);
            add_fix(g, x_jcc(b, CC_NE), FX_TRAP, f->i, NULL);
        }
        uint8_t *rel = x_jmp(b);
        x_patch(rel, b, f->back);
    }
    for (unsigned k = 0; k < g->nfx; k++) {
        struct fix *f = &g->fx[k];
        if (f->kind == FX_TRAP) {
            if (!trap_at[f->i]) {
                trap_at[f->i] = b->p;
                g_unremap(g);
                x_alu_ri(b, ALU_ADD, LEFT, (int32_t)(g->n - (unsigned)f->i), true);
                if (g->mem_after[f->i])
                    x_alu_ri(b, ALU_SUB, HITS, g->mem_after[f->i], true);
                x_mov_imm(b, RAX, g->pcs[f->i]);
                x_store(b, RAX, RBX, OFF_PC, 8);
                x_store_imm(b, RBX, OFF_CHAIN, 0);
                x_mov_imm(b, RAX, JX_TRAP);
                x_jmp_to(b, g->j->exit_rx);
            }
            x_patch(f->rel, b, trap_at[f->i]);
        } else if (f->kind == FX_UNDER) {
            x_patch(f->rel, b, b->p);
            x_alu_ri(b, ALU_ADD, LEFT, (int32_t)g->n, true);
            x_mov_imm(b, RAX, g->pc0);
            x_store(b, RAX, RBX, OFF_PC, 8);
            x_store_imm(b, RBX, OFF_CHAIN, 0);
            x_mov_imm(b, RAX, JX_NEXT);
            x_jmp_to(b, g->j->exit_rx);
        }
    }
}

/* The global mapping, and for this block the globals it does not use
 * swapped for the other registers it uses most (three times, or twice in a
 * loop on itself: the swap costs four moves to and from h->x). */
static void choose_cached(struct gen *g)
{
    unsigned cnt[33] = {0};
    bool loop = false;
    for (unsigned i = 0; i < g->n; i++) {
        const struct dinsn *d = &g->d[i];
        bool fp = d->op == OP_FP || d->op >= OP_FADD_D;
        cnt[d->rs1]++;
        if (!fp) {
            cnt[d->rs2]++;
            if (d->op != OP_FLW && d->op != OP_FLD)
                cnt[d->rd]++;
        }
        if (d->op >= OP_BEQ && d->op <= OP_BGEU && g->pcs[i] + (uint64_t)(int64_t)d->imm == g->pc0)
            loop = true;
    }
    memset(g->hreg, -1, sizeof g->hreg);
    g->nremap = 0;
    for (unsigned k = 0; k < NGREGS; k++)
        g->hreg[jit_gregs[k].guest] = jit_gregs[k].host;
    for (unsigned k = 0; k < NGREGS; k++) {
        if (cnt[jit_gregs[k].guest])
            continue;
        unsigned best = 0;
        for (unsigned r = 1; r < 32; r++)
            if (g->hreg[r] < 0 && cnt[r] >= (loop ? 2u : 3u) && (best == 0 || cnt[r] > cnt[best]))
                best = r;
        if (!best)
            break;
        g->hreg[jit_gregs[k].guest] = -1;
        g->hreg[best] = jit_gregs[k].host;
        g->remap[g->nremap].guest = (uint8_t)best;
        g->remap[g->nremap].displaced = jit_gregs[k].guest;
        g->remap[g->nremap++].host = jit_gregs[k].host;
    }
}

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

struct jblock *jit_gen_block(struct jit *j, struct jbuf *b, struct jbuf *cold, struct jpage *pg,
                             uint64_t pc)
{
    static __thread struct gen gs;   /* large: not on the stack */
    struct gen *g = &gs;
    g->j = j;
    g->b = b;
    g->cold = cold;
    uint8_t *cold_start = cold->p;
    g->page = pc & ~PAGE_MASK;
    g->pc0 = pc;
    g->n = 0;
    g->nfx = 0;
    g->straddle = false;
    unsigned off = (unsigned)(pc & PAGE_MASK);
    while (g->n < JIT_MAX_INSNS && off < PAGE_SIZE) {
        uint16_t lo = rd16(pg->host + off);
        unsigned len = insn_len(lo);
        if (off + len > PAGE_SIZE) {
            /* Straddles: the block ends with it, run in C (emit_straddle). */
            g->straddle = true;
            g->straddle_lo = lo;
            g->d[g->n] = (struct dinsn){.op = OP_ECALL, .len = 4};   /* accesses nothing */
            g->pcs[g->n++] = g->page + off;
            break;
        }
        struct dinsn *d = &g->d[g->n];
        decode_insn(lo, len == 4 ? rd16(pg->host + off + 2) : 0, d);
        jit_fix_rd(d);
        g->pcs[g->n++] = g->page + off;
        off += len;
        if (ends_block((enum op)d->op))
            break;
    }
    if (g->n == 0)
        return NULL;
    if (j->nblk == j->capblk || j->ndins + g->n > j->capdins) {
        b->full = true;
        return NULL;
    }
    choose_cached(g);
    g->pg = pg;
    g->nmem = 0;
    for (unsigned i = g->n; i-- > 0;) {
        enum op op = (enum op)g->d[i].op;
        g->mem_after[i] = (uint8_t)g->nmem;
        if ((op >= OP_LB && op <= OP_SD) || (op >= OP_FLW && op <= OP_FSD))
            g->nmem++;
    }
    uint8_t *start = b->p;
    x_alu_ri(b, ALU_SUB, LEFT, (int32_t)g->n, true);
    add_fix(g, x_jcc(b, CC_B), FX_UNDER, 0, NULL);
    g_remap(g);
    g->body = b->p;
    if (g->nmem)
        x_alu_ri(b, ALU_ADD, HITS, (int32_t)g->nmem, true);
    bool ended = false;
    for (unsigned i = 0; i < g->n && !b->full; i++) {
        const struct dinsn *d = &g->d[i];
        if (g->straddle && i == g->n - 1) {
            jg_straddle(g, (int)i);
            ended = true;
            continue;
        }
        if (emit_native(g, (int)i)) {
            ended = ends_block((enum op)d->op);
            continue;
        }
        struct dinsn *stored = &j->dins[j->ndins++];
        *stored = *d;
        emit_helper(g, (int)i, stored);
        if (d->op == OP_FENCE_I) {
            jg_exit_to(g, g->pcs[i] + d->len, JX_NEWPAGE);
            ended = true;
        }
    }
    if (!ended)
        jg_exit_to(g, g->pcs[g->n - 1] + g->d[g->n - 1].len, JX_NEXT);
    swap_cold(g);
    emit_stubs(g);
    swap_cold(g);
    if (b->full || cold->full)
        return NULL;
    struct jblock *blk = &j->blk[j->nblk++];
    *blk = (struct jblock){.pc = pc, .entry = jb_rx(b, start), .n = g->n, .pg = pg};
    j->st.blocks++;
    j->st.guest_insns += g->n;
    j->st.code_bytes += (uint64_t)(b->p - start) + (uint64_t)(cold->p - cold_start);
    if (j->dump_f && j->dump_pc == pc) {
        fprintf(j->dump_f, "jit: block at 0x%llx: %u guest instructions, %zu bytes of x86-64 at %p, "
                "then %zu bytes of slow paths at %p\n",
                (unsigned long long)pc, g->n, (size_t)(b->p - start), (const void *)blk->entry,
                (size_t)(cold->p - cold_start), (const void *)jb_rx(cold, cold_start));
        for (int part = 0; part < 2; part++) {
            const uint8_t *p0 = part ? cold_start : start, *p1 = part ? cold->p : b->p;
            for (const uint8_t *q = p0; q < p1; q++)
                fprintf(j->dump_f, "%02x%s", *q, (q - p0) % 32 == 31 || q + 1 == p1 ? "\n" : "");
        }
        fflush(j->dump_f);
    }
    return blk;
}
