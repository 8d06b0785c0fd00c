/* F and D extensions: decoding of OP-FP and the fused multiply-adds, NaN
 * boxing, rounding-mode selection and fflags. The arithmetic itself is in
 * fpu_soft.c, done in software with integers (see the comment there for why
 * the host FPU and <fenv.h> are not used: no RMM on x86, gcc folds across
 * fesetround without -frounding-math, host NaNs keep payloads).
 *
 * An instruction that turns out illegal (H/Q format, unused funct/rs2 values,
 * reserved static rm 5/6, or rm=7 with frm >= 5) changes nothing: every check
 * happens before the first register or fcsr write. */
#include "fpu.h"

#include "fpu_soft.h"

enum { OP_MADD = 0x43, OP_MSUB = 0x47, OP_NMSUB = 0x4b, OP_NMADD = 0x4f, OP_FP = 0x53 };

/* funct5 (insn[31:27]) of OP-FP */
enum {
    F5_ADD = 0x00, F5_SUB = 0x01, F5_MUL = 0x02, F5_DIV = 0x03, F5_SGNJ = 0x04,
    F5_MINMAX = 0x05, F5_CVT_FF = 0x08, F5_SQRT = 0x0b, F5_CMP = 0x14, F5_CVT_IF = 0x18,
    F5_CVT_FI = 0x1a, F5_MV_X_CLASS = 0x1c, F5_MV_F = 0x1e,
};

#define BOX_HI 0xffffffff00000000ULL

/* Reads f[r] as an operand of format d: a single whose upper 32 bits are not
 * all ones is not a properly NaN-boxed value and reads as the canonical NaN. */
static uint64_t read_f(const struct hart *h, bool d, unsigned r)
{
    uint64_t v = h->f[r];
    if (d)
        return v;
    return (v & BOX_HI) == BOX_HI ? (uint32_t)v : sf_canonical_nan(&FP_S);
}

static void write_f(struct hart *h, bool d, unsigned r, uint64_t v)
{
    h->f[r] = d ? v : BOX_HI | (uint32_t)v;
}

static void write_x(struct hart *h, unsigned r, uint64_t v)
{
    if (r != 0)
        h->x[r] = v;
}

/* The effective rounding mode for the rm field, or -1 if reserved. */
static int rounding_mode(const struct hart *h, unsigned rm)
{
    if (rm == 7)
        rm = (h->fcsr >> 5) & 7;
    return rm <= RM_RMM ? (int)rm : -1;
}

static int exec_fma(struct hart *h, uint32_t insn, bool d, int rm)
{
    unsigned opcode = insn & 0x7f, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
    unsigned rs2 = (insn >> 20) & 31, rs3 = insn >> 27;
    bool neg_prod = opcode == OP_NMSUB || opcode == OP_NMADD;
    bool neg_c = opcode == OP_MSUB || opcode == OP_NMADD;
    unsigned flags = 0;
    uint64_t r = sf_fma(d ? &FP_D : &FP_S, read_f(h, d, rs1), read_f(h, d, rs2), read_f(h, d, rs3),
                        neg_prod, neg_c, rm, &flags);
    write_f(h, d, rd, r);
    h->fcsr |= flags;
    return 0;
}

/* Whether an OP-FP encoding (fmt S or D) is a valid instruction, and whether
 * it has a rounding-mode field (else funct3 selects the operation). */
static bool op_fp_valid(unsigned funct5, unsigned funct3, unsigned rs2, bool d, bool *has_rm)
{
    *has_rm = false;
    switch (funct5) {
    case F5_ADD:
    case F5_SUB:
    case F5_MUL:
    case F5_DIV: *has_rm = true; return true;
    case F5_SQRT: *has_rm = true; return rs2 == 0;
    case F5_SGNJ: return funct3 <= 2;
    case F5_MINMAX: return funct3 <= 1;
    case F5_CVT_FF: *has_rm = true; return rs2 == (d ? 0u : 1u);  /* fcvt.d.s / fcvt.s.d */
    case F5_CMP: return funct3 <= 2;
    case F5_CVT_IF:
    case F5_CVT_FI: *has_rm = true; return rs2 <= 3;
    case F5_MV_X_CLASS: return rs2 == 0 && funct3 <= 1;
    case F5_MV_F: return rs2 == 0 && funct3 == 0;
    default: return false;
    }
}

static uint64_t sign_inject(bool d, unsigned funct3, uint64_t a, uint64_t b)
{
    uint64_t sign = d ? 1ULL << 63 : 1ULL << 31;
    uint64_t s;
    switch (funct3) {
    case 0: s = b & sign; break;           /* fsgnj */
    case 1: s = ~b & sign; break;          /* fsgnjn */
    default: s = (a ^ b) & sign; break;    /* fsgnjx */
    }
    return (a & ~sign) | s;
}

static int exec_op_fp(struct hart *h, uint32_t insn, bool d)
{
    unsigned rd = (insn >> 7) & 31, funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31;
    unsigned rs2 = (insn >> 20) & 31, funct5 = insn >> 27;
    bool has_rm;
    if (!op_fp_valid(funct5, funct3, rs2, d, &has_rm))
        return CAUSE_ILLEGAL_INSN;
    int rm = RM_RNE;
    if (has_rm && (rm = rounding_mode(h, funct3)) < 0)
        return CAUSE_ILLEGAL_INSN;
    const struct fpfmt *f = d ? &FP_D : &FP_S;
    unsigned flags = 0;
    switch (funct5) {
    case F5_ADD: write_f(h, d, rd, sf_add(f, read_f(h, d, rs1), read_f(h, d, rs2), rm, &flags)); break;
    case F5_SUB: write_f(h, d, rd, sf_sub(f, read_f(h, d, rs1), read_f(h, d, rs2), rm, &flags)); break;
    case F5_MUL: write_f(h, d, rd, sf_mul(f, read_f(h, d, rs1), read_f(h, d, rs2), rm, &flags)); break;
    case F5_DIV: write_f(h, d, rd, sf_div(f, read_f(h, d, rs1), read_f(h, d, rs2), rm, &flags)); break;
    case F5_SQRT: write_f(h, d, rd, sf_sqrt(f, read_f(h, d, rs1), rm, &flags)); break;
    case F5_SGNJ:
        write_f(h, d, rd, sign_inject(d, funct3, read_f(h, d, rs1), read_f(h, d, rs2)));
        break;
    case F5_MINMAX:
        write_f(h, d, rd, sf_minmax(f, read_f(h, d, rs1), read_f(h, d, rs2), funct3 == 1, &flags));
        break;
    case F5_CVT_FF:  /* the source is the other format */
        write_f(h, d, rd, sf_convert(f, d ? &FP_S : &FP_D, read_f(h, !d, rs1), rm, &flags));
        break;
    case F5_CMP: {
        uint64_t a = read_f(h, d, rs1), b = read_f(h, d, rs2);
        int r = funct3 == 2 ? sf_eq(f, a, b, &flags)
                : funct3 == 1 ? sf_lt(f, a, b, &flags) : sf_le(f, a, b, &flags);
        write_x(h, rd, (uint64_t)r);
        break;
    }
    case F5_CVT_IF: write_x(h, rd, sf_to_int(f, read_f(h, d, rs1), (int)rs2, rm, &flags)); break;
    case F5_CVT_FI: write_f(h, d, rd, sf_from_int(f, h->x[rs1], (int)rs2, rm, &flags)); break;
    case F5_MV_X_CLASS:
        if (funct3 == 1)  /* fclass reads an unboxed single as the canonical NaN */
            write_x(h, rd, sf_classify(f, read_f(h, d, rs1)));
        else  /* fmv.x.w copies the raw low 32 bits, sign-extended */
            write_x(h, rd, d ? h->f[rs1] : (uint64_t)(int64_t)(int32_t)(uint32_t)h->f[rs1]);
        break;
    case F5_MV_F: write_f(h, d, rd, d ? h->x[rs1] : (uint32_t)h->x[rs1]); break;
    }
    h->fcsr |= flags;
    return 0;
}

int fpu_exec(struct hart *h, uint32_t insn)
{
    unsigned opcode = insn & 0x7f, fmt = (insn >> 25) & 3;
    if (fmt > 1)  /* H and Q formats are not implemented */
        return CAUSE_ILLEGAL_INSN;
    bool d = fmt == 1;
    switch (opcode) {
    case OP_MADD:
    case OP_MSUB:
    case OP_NMSUB:
    case OP_NMADD: {
        int rm = rounding_mode(h, (insn >> 12) & 7);
        if (rm < 0)
            return CAUSE_ILLEGAL_INSN;
        return exec_fma(h, insn, d, rm);
    }
    case OP_FP: return exec_op_fp(h, insn, d);
    default: return CAUSE_ILLEGAL_INSN;
    }
}
