/* Every F and D instruction (except loads and stores) as a runnable fp_op,
 * in one table that the guest programs filter by kind and format. Operand
 * registers: ft0/ft1/ft3 in, ft2 out; x operands are compiler-chosen. */
#ifndef GUEST_FP_OPS_H
#define GUEST_FP_OPS_H

#include "fp_common.h"

enum fp_kind {
    K_FF1,  /* f -> f */
    K_FF2,  /* f, f -> f */
    K_FF3,  /* f, f, f -> f (fused multiply-add) */
    K_FX1,  /* f -> x (fcvt to integer, fmv.x, fclass) */
    K_FX2,  /* f, f -> x (comparisons) */
    K_XF1,  /* x -> f (fcvt from integer, fmv to f) */
};

#define OPS_FF1 "ft2, ft0"
#define OPS_FF2 "ft2, ft0, ft1"
#define OPS_FF3 "ft2, ft0, ft1, ft3"
#define OPS_FX1 "%[r], ft0"
#define OPS_FX2 "%[r], ft0, ft1"
#define OPS_XF1 "ft2, %[a]"

#define ARITH(sfx)                                                   \
    FP_DEF(t_fadd_##sfx, "fadd." #sfx, OPS_FF2, FP_OUT_F)            \
    FP_DEF(t_fsub_##sfx, "fsub." #sfx, OPS_FF2, FP_OUT_F)            \
    FP_DEF(t_fmul_##sfx, "fmul." #sfx, OPS_FF2, FP_OUT_F)            \
    FP_DEF(t_fdiv_##sfx, "fdiv." #sfx, OPS_FF2, FP_OUT_F)            \
    FP_DEF(t_fsqrt_##sfx, "fsqrt." #sfx, OPS_FF1, FP_OUT_F)          \
    FP_DEF(t_fmadd_##sfx, "fmadd." #sfx, OPS_FF3, FP_OUT_F)          \
    FP_DEF(t_fmsub_##sfx, "fmsub." #sfx, OPS_FF3, FP_OUT_F)          \
    FP_DEF(t_fnmadd_##sfx, "fnmadd." #sfx, OPS_FF3, FP_OUT_F)        \
    FP_DEF(t_fnmsub_##sfx, "fnmsub." #sfx, OPS_FF3, FP_OUT_F)        \
    FP_DEF_NORM(t_fsgnj_##sfx, "fsgnj." #sfx, OPS_FF2, FP_OUT_F)     \
    FP_DEF_NORM(t_fsgnjn_##sfx, "fsgnjn." #sfx, OPS_FF2, FP_OUT_F)   \
    FP_DEF_NORM(t_fsgnjx_##sfx, "fsgnjx." #sfx, OPS_FF2, FP_OUT_F)   \
    FP_DEF_NORM(t_fmin_##sfx, "fmin." #sfx, OPS_FF2, FP_OUT_F)       \
    FP_DEF_NORM(t_fmax_##sfx, "fmax." #sfx, OPS_FF2, FP_OUT_F)       \
    FP_DEF_NORM(t_feq_##sfx, "feq." #sfx, OPS_FX2, FP_OUT_X)         \
    FP_DEF_NORM(t_flt_##sfx, "flt." #sfx, OPS_FX2, FP_OUT_X)         \
    FP_DEF_NORM(t_fle_##sfx, "fle." #sfx, OPS_FX2, FP_OUT_X)         \
    FP_DEF_NORM(t_fclass_##sfx, "fclass." #sfx, OPS_FX1, FP_OUT_X)   \
    FP_DEF(t_fcvt_w_##sfx, "fcvt.w." #sfx, OPS_FX1, FP_OUT_X)        \
    FP_DEF(t_fcvt_wu_##sfx, "fcvt.wu." #sfx, OPS_FX1, FP_OUT_X)      \
    FP_DEF(t_fcvt_l_##sfx, "fcvt.l." #sfx, OPS_FX1, FP_OUT_X)        \
    FP_DEF(t_fcvt_lu_##sfx, "fcvt.lu." #sfx, OPS_FX1, FP_OUT_X)      \
    FP_DEF(t_fcvt_##sfx##_l, "fcvt." #sfx ".l", OPS_XF1, FP_OUT_F)   \
    FP_DEF(t_fcvt_##sfx##_lu, "fcvt." #sfx ".lu", OPS_XF1, FP_OUT_F)

ARITH(s)
ARITH(d)
FP_DEF(t_fcvt_s_w, "fcvt.s.w", OPS_XF1, FP_OUT_F)
FP_DEF(t_fcvt_s_wu, "fcvt.s.wu", OPS_XF1, FP_OUT_F)
/* exact, so the assembler takes no rounding mode: funct7 1101001, rs2 0/1 */
FP_DEF_INSN(t_fcvt_d_w, "0x69", "ft2, %[a], x0", FP_OUT_F)
FP_DEF_INSN(t_fcvt_d_wu, "0x69", "ft2, %[a], x1", FP_OUT_F)
FP_DEF(t_fcvt_s_d, "fcvt.s.d", OPS_FF1, FP_OUT_F)
FP_DEF_INSN(t_fcvt_d_s, "0x21", "ft2, ft0, f0", FP_OUT_F)
FP_DEF_NORM(t_fmv_x_w, "fmv.x.w", OPS_FX1, FP_OUT_X)
FP_DEF_NORM(t_fmv_x_d, "fmv.x.d", OPS_FX1, FP_OUT_X)
FP_DEF_NORM(t_fmv_w_x, "fmv.w.x", OPS_XF1, FP_OUT_F)
FP_DEF_NORM(t_fmv_d_x, "fmv.d.x", OPS_XF1, FP_OUT_F)

struct fp_entry {
    struct fp_op op;
    enum fp_kind kind;
    int dbl;  /* operates on doubles (for fcvt.s.d: the source is double) */
};

#define E_RM(fn, mn, kind, dbl) {{mn, fn, 1}, kind, dbl}
#define E_NORM(fn, mn, kind, dbl) {{mn, fn, 0}, kind, dbl}
#define ENTRIES(sfx, dbl)                                                  \
    E_RM(t_fadd_##sfx, "fadd." #sfx, K_FF2, dbl),                          \
    E_RM(t_fsub_##sfx, "fsub." #sfx, K_FF2, dbl),                          \
    E_RM(t_fmul_##sfx, "fmul." #sfx, K_FF2, dbl),                          \
    E_RM(t_fdiv_##sfx, "fdiv." #sfx, K_FF2, dbl),                          \
    E_RM(t_fsqrt_##sfx, "fsqrt." #sfx, K_FF1, dbl),                        \
    E_RM(t_fmadd_##sfx, "fmadd." #sfx, K_FF3, dbl),                        \
    E_RM(t_fmsub_##sfx, "fmsub." #sfx, K_FF3, dbl),                        \
    E_RM(t_fnmadd_##sfx, "fnmadd." #sfx, K_FF3, dbl),                      \
    E_RM(t_fnmsub_##sfx, "fnmsub." #sfx, K_FF3, dbl),                      \
    E_NORM(t_fsgnj_##sfx, "fsgnj." #sfx, K_FF2, dbl),                      \
    E_NORM(t_fsgnjn_##sfx, "fsgnjn." #sfx, K_FF2, dbl),                    \
    E_NORM(t_fsgnjx_##sfx, "fsgnjx." #sfx, K_FF2, dbl),                    \
    E_NORM(t_fmin_##sfx, "fmin." #sfx, K_FF2, dbl),                        \
    E_NORM(t_fmax_##sfx, "fmax." #sfx, K_FF2, dbl),                        \
    E_NORM(t_feq_##sfx, "feq." #sfx, K_FX2, dbl),                          \
    E_NORM(t_flt_##sfx, "flt." #sfx, K_FX2, dbl),                          \
    E_NORM(t_fle_##sfx, "fle." #sfx, K_FX2, dbl),                          \
    E_NORM(t_fclass_##sfx, "fclass." #sfx, K_FX1, dbl),                    \
    E_RM(t_fcvt_w_##sfx, "fcvt.w." #sfx, K_FX1, dbl),                      \
    E_RM(t_fcvt_wu_##sfx, "fcvt.wu." #sfx, K_FX1, dbl),                    \
    E_RM(t_fcvt_l_##sfx, "fcvt.l." #sfx, K_FX1, dbl),                      \
    E_RM(t_fcvt_lu_##sfx, "fcvt.lu." #sfx, K_FX1, dbl),                    \
    E_RM(t_fcvt_##sfx##_w, "fcvt." #sfx ".w", K_XF1, dbl),                 \
    E_RM(t_fcvt_##sfx##_wu, "fcvt." #sfx ".wu", K_XF1, dbl),               \
    E_RM(t_fcvt_##sfx##_l, "fcvt." #sfx ".l", K_XF1, dbl),                 \
    E_RM(t_fcvt_##sfx##_lu, "fcvt." #sfx ".lu", K_XF1, dbl)

static const struct fp_entry fp_table[] = {
    ENTRIES(s, 0),
    ENTRIES(d, 1),
    E_RM(t_fcvt_s_d, "fcvt.s.d", K_FF1, 1),
    E_RM(t_fcvt_d_s, "fcvt.d.s", K_FF1, 0),
    E_NORM(t_fmv_x_w, "fmv.x.w", K_FX1, 0),
    E_NORM(t_fmv_x_d, "fmv.x.d", K_FX1, 1),
    E_NORM(t_fmv_w_x, "fmv.w.x", K_XF1, 0),
    E_NORM(t_fmv_d_x, "fmv.d.x", K_XF1, 1),
};

/* Integers at and around the conversion limits, for fcvt.fmt.{w,wu,l,lu}. */
static const uint64_t fp_edge_int[] = {
    0, 1, 2, 3, 0xffffffffffffffffULL, 0xfffffffffffffffeULL, 0x7fffffff, 0x80000000,
    0xffffffff80000000ULL, 0xffffffff, 0x100000000ULL, 0x1000001, 0x1000003, 0x20000000000001ULL,
    0x20000000000003ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
    0x7fffff8000000000ULL, 0x7fffffc000000000ULL, 0xfffffffffffff800ULL, 0x123456789abcdef1ULL,
};

#endif
