/* Software IEEE 754 binary32/binary64 arithmetic with RISC-V's choices
 * (issue 3): canonical NaN results, tininess detected after rounding, the
 * five RISC-V rounding modes including RMM. Internal to the FPU: fpu.c decodes
 * instructions and calls these. Values travel as raw bit patterns in the low
 * bits of a uint64_t (a single in the low 32 bits, already NaN-unboxed). */
#ifndef VMSIM_MACHINE_FPU_SOFT_H
#define VMSIM_MACHINE_FPU_SOFT_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, numbered as in the rm field and frm. */
enum { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4 };

/* Exception flags, as in fflags. */
enum { FF_NX = 0x01, FF_UF = 0x02, FF_OF = 0x04, FF_DZ = 0x08, FF_NV = 0x10 };

/* Integer kinds of fcvt, numbered as the rs2 field of fcvt encodes them. */
enum { CVT_W = 0, CVT_WU = 1, CVT_L = 2, CVT_LU = 3 };

struct fpfmt {
    int prec;   /* significand bits including the hidden one: 24 or 53 */
    int ebits;  /* exponent field width: 8 or 11 */
    int bias;   /* 127 or 1023 */
    int width;  /* 32 or 64 */
};

extern const struct fpfmt FP_S, FP_D;

/* The canonical NaN of f (0x7fc00000, 0x7ff8000000000000). */
uint64_t sf_canonical_nan(const struct fpfmt *f);

/* Arithmetic: each returns the correctly rounded result under rm (RM_*) and
 * ORs the IEEE exceptions it raises into *flags. */
uint64_t sf_add(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t sf_sub(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t sf_mul(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t sf_div(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags);
uint64_t sf_sqrt(const struct fpfmt *f, uint64_t a, int rm, unsigned *flags);

/* (±a*b) ± c with one rounding: neg_prod negates the product, neg_c the
 * addend (fmadd 0,0; fmsub 0,1; fnmsub 1,0; fnmadd 1,1). */
uint64_t sf_fma(const struct fpfmt *f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod,
                bool neg_c, int rm, unsigned *flags);

/* fcvt.{w,wu,l,lu}.fmt: a rounded to an integer of kind (CVT_*), saturated
 * with NV when out of range or NaN; 32-bit results are sign-extended. */
uint64_t sf_to_int(const struct fpfmt *f, uint64_t a, int kind, int rm, unsigned *flags);

/* fcvt.fmt.{w,wu,l,lu}: the integer x (of kind CVT_*; only the low 32 bits
 * count for W/WU) rounded to f. */
uint64_t sf_from_int(const struct fpfmt *f, uint64_t x, int kind, int rm, unsigned *flags);

/* fcvt between formats: a in format from, rounded to format to. */
uint64_t sf_convert(const struct fpfmt *to, const struct fpfmt *from, uint64_t a, int rm,
                    unsigned *flags);

/* feq/flt/fle: 1 or 0. feq raises NV only for a signaling NaN, flt and fle
 * for any NaN. */
int sf_eq(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags);
int sf_lt(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags);
int sf_le(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags);

/* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): -0 < +0, a NaN
 * operand yields the other one, two NaNs the canonical NaN, NV on sNaN. */
uint64_t sf_minmax(const struct fpfmt *f, uint64_t a, uint64_t b, bool is_max, unsigned *flags);

/* fclass: the one-hot 10-bit class mask. */
uint64_t sf_classify(const struct fpfmt *f, uint64_t a);

#endif
