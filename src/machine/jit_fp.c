/* Double precision for the translator with the host FPU exactly where the
 * interpreter uses it (hart.c, FP_ARITH and friends in hart_ops.inc: RNE,
 * NX already accrued, zero-or-normal operands, a normal result), else the
 * software FPU (fpu_exec). The bits and flags are those of fpu_exec either
 * way; only the speed differs. */
#include "jit_int.h"

#include <string.h>

#include "fp_fast.h"
#include "fpu.h"

/* The host-FPU cases; false when the general path must run. */
static bool fast(struct hart *h, const struct dinsn *d)
{
    uint64_t ab = h->f[d->rs1], bb = h->f[d->rs2], cb = h->f[(d->raw >> 27) & 31];
    double a = f64_of(ab), b = f64_of(bb), c = f64_of(cb), r;
    switch ((enum op)d->op) {
    case OP_FSGNJ_D: h->f[d->rd] = (ab & ~F64_SIGN) | (bb & F64_SIGN); return true;
    case OP_FSGNJN_D: h->f[d->rd] = (ab & ~F64_SIGN) | (~bb & F64_SIGN); return true;
    case OP_FSGNJX_D: h->f[d->rd] = ab ^ (bb & F64_SIGN); return true;
    case OP_FMV_D_X: h->f[d->rd] = h->x[d->rs1]; return true;
    case OP_FMV_X_D: h->x[d->rd] = ab; return true;
    case OP_FCVT_D_W:
        if (!fp_rm_valid(h, d->raw))
            return false;
        h->f[d->rd] = f64_bits((double)(int32_t)(uint32_t)h->x[d->rs1]);
        return true;
    case OP_FCVT_D_L: {
        int64_t v = (int64_t)h->x[d->rs1];
        if (!fp_rm_valid(h, d->raw) || v > (1LL << 53) || v < -(1LL << 53))
            return false;
        h->f[d->rd] = f64_bits((double)v);
        return true;
    }
    case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D:
        if (f64_nan(ab) || f64_nan(bb))
            return false;
        h->x[d->rd] = d->op == OP_FEQ_D ? a == b : d->op == OP_FLT_D ? a < b : a <= b;
        return true;
    default: break;
    }
    if (!fp_fast_ok(h, d->raw))
        return false;
    switch ((enum op)d->op) {
    case OP_FADD_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb)) return false; r = a + b; break;
    case OP_FSUB_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb)) return false; r = a - b; break;
    case OP_FMUL_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb)) return false; r = a * b; break;
    case OP_FDIV_D: if (!f64_zero_or_normal(ab) || !f64_normal(bb)) return false; r = a / b; break;
    case OP_FSQRT_D: if (!f64_zero_or_normal(ab) || (ab & F64_SIGN)) return false; r = __builtin_sqrt(a); break;
    case OP_FMADD_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb) || !f64_zero_or_normal(cb)) return false; r = __builtin_fma(a, b, c); break;
    case OP_FMSUB_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb) || !f64_zero_or_normal(cb)) return false; r = __builtin_fma(a, b, -c); break;
    case OP_FNMSUB_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb) || !f64_zero_or_normal(cb)) return false; r = __builtin_fma(-a, b, c); break;
    case OP_FNMADD_D: if (!f64_zero_or_normal(ab) || !f64_zero_or_normal(bb) || !f64_zero_or_normal(cb)) return false; r = __builtin_fma(-a, b, -c); break;
    default: return false;
    }
    uint64_t rb = f64_bits(r);
    if (!f64_result_ok(rb))
        return false;
    h->f[d->rd] = rb;
    return true;
}

int jit_fp(struct hart *h, const struct dinsn *d)
{
    if (d->op != OP_FP && fast(h, d))
        return 0;
    if (fpu_exec(h, d->raw))
        return CAUSE_ILLEGAL_INSN;
    h->x[0] = 0;
    return 0;
}

int jit_fp_help(struct jit_ctx *c, const struct dinsn *d)
{
    int cause = jit_fp(c->h, d);
    if (cause) {
        c->cause = cause;
        c->tval = d->raw;
    }
    return cause;
}
