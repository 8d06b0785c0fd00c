/* The host-FPU fast path's conditions, in one place for the interpreter
 * (hart.c, hart_ops.inc) and the translator (jit_fp.c), so both take it in
 * exactly the same cases. */
#ifndef VMSIM_MACHINE_FP_FAST_H
#define VMSIM_MACHINE_FP_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hart.h"

/* Double-precision arithmetic on the host FPU, when that is certain to give
 * the bits and flags fpu_soft.c would (QEMU's "hardfloat" conditions): the
 * rounding mode is RNE (the host's, which nothing changes), the inexact flag
 * is already set (so whether this operation is inexact does not matter),
 * every operand is zero or normal, and the result is normal and larger in
 * magnitude than the smallest normal (so no overflow, underflow or tininess
 * question arises; NaN and invalid cases cannot occur with such operands).
 * Anything else takes fpu_exec, which also handles reserved rounding modes. */
#define F64_SIGN (1ULL << 63)
#define F64_MIN_NORMAL 0x0010000000000000ULL
#define F64_INF 0x7ff0000000000000ULL

static inline double f64_of(uint64_t b)
{
    double v;
    memcpy(&v, &b, 8);
    return v;
}

static inline uint64_t f64_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}

/* RNE, and NX already accrued in fcsr. */
static inline bool fp_fast_ok(const struct hart *h, uint32_t raw)
{
    unsigned rm = (raw >> 12) & 7;
    return rm == 0 ? (h->fcsr & 1) != 0 : rm == 7 && (h->fcsr & 0xe1) == 1;
}

/* The rounding-mode field is not reserved (for exact conversions). */
static inline bool fp_rm_valid(const struct hart *h, uint32_t raw)
{
    unsigned rm = (raw >> 12) & 7;
    return rm == 7 ? ((h->fcsr >> 5) & 7) <= 4 : rm <= 4;
}

static inline bool f64_zero_or_normal(uint64_t b)
{
    uint64_t m = b & ~F64_SIGN;
    return m == 0 || m - F64_MIN_NORMAL < F64_INF - F64_MIN_NORMAL;
}

static inline bool f64_normal(uint64_t b) { return (b & ~F64_SIGN) - F64_MIN_NORMAL < F64_INF - F64_MIN_NORMAL; }
static inline bool f64_nan(uint64_t b) { return (b & ~F64_SIGN) > F64_INF; }
/* Normal and above the smallest normal: no flag but NX can have been raised. */
static inline bool f64_result_ok(uint64_t b)
{
    uint64_t m = b & ~F64_SIGN;
    return m > F64_MIN_NORMAL && m < F64_INF;
}

#endif
