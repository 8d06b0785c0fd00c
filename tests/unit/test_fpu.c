/* Unit tests of the F and D extensions (src/machine/fpu.c): hand-encoded
 * instructions run by fpu_exec on a bare hart, results and fflags checked
 * against values worked out from the RISC-V unprivileged spec and IEEE 754
 * (the spec's conversion table, canonical NaN, NaN boxing, minimumNumber,
 * tininess after rounding, ties-to-max-magnitude). The broad differential
 * check against qemu is tests/scripts/guest_fp.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/fpu.h"

enum { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7 };
enum { NX = 0x01, UF = 0x02, OF = 0x04, DZ = 0x08, NV = 0x10 };
enum { S = 0, D = 1, H = 2 };

/* funct5 of OP-FP */
enum {
    ADD = 0x00, SUB = 0x01, MUL = 0x02, DIV = 0x03, SGNJ = 0x04, MINMAX = 0x05, CVT_FF = 0x08,
    SQRT = 0x0b, CMP = 0x14, CVT_IF = 0x18, CVT_FI = 0x1a, MVX_CLASS = 0x1c, MVF = 0x1e,
};
enum { MADD = 0x43, MSUB = 0x47, NMSUB = 0x4b, NMADD = 0x4f };

#define BOX(x) (0xffffffff00000000ULL | (uint32_t)(x))
#define CNAN_S BOX(0x7fc00000)
#define CNAN_D 0x7ff8000000000000ULL

static uint32_t op_fp(unsigned funct5, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                      unsigned rm)
{
    return funct5 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | 0x53;
}

static uint32_t op_fma(unsigned opcode, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                       unsigned rs3, unsigned rm)
{
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opcode;
}

static int setup(void **state)
{
    *state = calloc(1, sizeof(struct hart));
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static struct hart *fresh(void **state)
{
    struct hart *h = *state;
    memset(h, 0, sizeof *h);
    return h;
}

/* Runs insn with fflags cleared and frm as given; returns the new fflags. */
static unsigned run(struct hart *h, uint32_t insn, unsigned frm)
{
    h->fcsr = frm << 5;
    assert_int_equal(fpu_exec(h, insn), 0);
    assert_int_equal(h->fcsr >> 5, frm);
    return h->fcsr & 0x1f;
}

/* f3 = op(f1, f2) under rm: result in *r, fflags returned. */
static unsigned binop(struct hart *h, unsigned funct5, unsigned fmt, unsigned rm, uint64_t a,
                      uint64_t b, uint64_t *r)
{
    h->f[1] = a;
    h->f[2] = b;
    unsigned fl = run(h, op_fp(funct5, fmt, 3, 1, 2, rm), 0);
    *r = h->f[3];
    return fl;
}

/* x5 = fcvt.<kind>.<fmt>(f1) */
static unsigned to_int(struct hart *h, unsigned fmt, unsigned kind, unsigned rm, uint64_t a,
                       uint64_t *r)
{
    h->f[1] = a;
    unsigned fl = run(h, op_fp(CVT_IF, fmt, 5, 1, kind, rm), 0);
    *r = h->x[5];
    return fl;
}

static void test_cvt_to_int_limits(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    /* the spec's table: NaN and +inf give the largest value, -inf the smallest */
    assert_int_equal(to_int(h, S, 0, RNE, BOX(0x7fc00000), &r), NV);
    assert_int_equal(r, 0x7fffffff);
    assert_int_equal(to_int(h, S, 0, RNE, BOX(0xff800000), &r), NV);
    assert_int_equal(r, 0xffffffff80000000ULL);
    assert_int_equal(to_int(h, S, 0, RNE, BOX(0x7f800000), &r), NV);
    assert_int_equal(r, 0x7fffffff);
    assert_int_equal(to_int(h, S, 1, RNE, BOX(0x7fc00000), &r), NV);  /* wu: 2^32-1, sign-extended */
    assert_int_equal(r, UINT64_MAX);
    assert_int_equal(to_int(h, D, 2, RNE, CNAN_D, &r), NV);
    assert_int_equal(r, INT64_MAX);
    assert_int_equal(to_int(h, D, 3, RNE, 0xfff0000000000000ULL, &r), NV);  /* lu(-inf) = 0 */
    assert_int_equal(r, 0);
    /* -2^31 fits exactly; -2^31 - 1 does not */
    assert_int_equal(to_int(h, S, 0, RNE, BOX(0xcf000000), &r), 0);
    assert_int_equal(r, 0xffffffff80000000ULL);
    assert_int_equal(to_int(h, D, 0, RNE, 0xc1e0000000200000ULL, &r), NV);
    assert_int_equal(r, 0xffffffff80000000ULL);
    /* 2^31 - 0.5 rounds to 2^31 (out of range) in RNE, to 2^31 - 1 in RTZ */
    assert_int_equal(to_int(h, D, 0, RNE, 0x41dfffffffe00000ULL, &r), NV);
    assert_int_equal(r, 0x7fffffff);
    assert_int_equal(to_int(h, D, 0, RTZ, 0x41dfffffffe00000ULL, &r), NX);
    assert_int_equal(r, 0x7fffffff);
    /* unsigned: -0.3 rounds to 0 (only inexact), -1 is invalid */
    assert_int_equal(to_int(h, S, 1, RTZ, BOX(0xbe99999a), &r), NX);
    assert_int_equal(r, 0);
    assert_int_equal(to_int(h, S, 1, RTZ, BOX(0xbf800000), &r), NV);
    assert_int_equal(r, 0);
    /* fcvt.wu.s of 3e9 sign-extends bit 31 */
    assert_int_equal(to_int(h, S, 1, RNE, BOX(0x4f32d05e), &r), 0);
    assert_int_equal(r, 0xffffffffb2d05e00ULL);
    /* 64-bit limits: 2^63 is out of range for l, -2^63 is not; 2^64 for lu */
    assert_int_equal(to_int(h, D, 2, RNE, 0x43e0000000000000ULL, &r), NV);
    assert_int_equal(r, INT64_MAX);
    assert_int_equal(to_int(h, D, 2, RNE, 0xc3e0000000000000ULL, &r), 0);
    assert_int_equal(r, 0x8000000000000000ULL);
    assert_int_equal(to_int(h, D, 3, RNE, 0x43f0000000000000ULL, &r), NV);
    assert_int_equal(r, UINT64_MAX);
    assert_int_equal(to_int(h, D, 3, RNE, 0x43efffffffffffffULL, &r), 0);
    assert_int_equal(r, 0xfffffffffffff800ULL);
}

static void test_rounding_modes_and_rmm(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    /* 2.5: RNE 2, RMM 3, RUP 3, RDN 2, RTZ 2; -2.5: RMM -3, RDN -3, RUP -2 */
    static const struct { unsigned rm; uint32_t in; int64_t out; } cases[] = {
        {RNE, 0x40200000, 2}, {RMM, 0x40200000, 3}, {RUP, 0x40200000, 3},
        {RDN, 0x40200000, 2}, {RTZ, 0x40200000, 2}, {RMM, 0xc0200000, -3},
        {RDN, 0xc0200000, -3}, {RUP, 0xc0200000, -2}, {RNE, 0x3fc00000, 2},
        {RNE, 0x3f000000, 0}, {RMM, 0x3f000000, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(to_int(h, S, 2, cases[i].rm, BOX(cases[i].in), &r), NX);
        assert_int_equal((int64_t)r, cases[i].out);
    }
    /* 1 + 2^-24 is a tie between 1 and 1 + 2^-23: even is 1, max magnitude the other */
    assert_int_equal(binop(h, ADD, S, RNE, BOX(0x3f800000), BOX(0x33800000), &r), NX);
    assert_int_equal(r, BOX(0x3f800000));
    assert_int_equal(binop(h, ADD, S, RMM, BOX(0x3f800000), BOX(0x33800000), &r), NX);
    assert_int_equal(r, BOX(0x3f800001));
    assert_int_equal(binop(h, SUB, S, RMM, BOX(0xbf800000), BOX(0x33800000), &r), NX);
    assert_int_equal(r, BOX(0xbf800001));
    /* 1/3 in double: RDN and RTZ truncate, RUP rounds up */
    assert_int_equal(binop(h, DIV, D, RTZ, 0x3ff0000000000000ULL, 0x4008000000000000ULL, &r), NX);
    assert_int_equal(r, 0x3fd5555555555555ULL);
    assert_int_equal(binop(h, DIV, D, RUP, 0x3ff0000000000000ULL, 0x4008000000000000ULL, &r), NX);
    assert_int_equal(r, 0x3fd5555555555556ULL);
    /* dynamic: rm=7 takes frm */
    h->f[1] = BOX(0x40200000);
    assert_int_equal(run(h, op_fp(CVT_IF, S, 5, 1, 2, DYN), RMM), NX);
    assert_int_equal(h->x[5], 3);
    assert_int_equal(run(h, op_fp(CVT_IF, S, 5, 1, 2, DYN), RTZ), NX);
    assert_int_equal(h->x[5], 2);
}

static void test_reserved_rounding_mode_is_illegal(void **state)
{
    struct hart *h = fresh(state);
    h->f[1] = BOX(0x3f800000);
    h->f[2] = BOX(0x3f800000);
    h->f[3] = 0x1234;
    for (unsigned rm = 5; rm <= 6; rm++) {
        h->fcsr = 0x0f;
        assert_int_equal(fpu_exec(h, op_fp(ADD, S, 3, 1, 2, rm)), CAUSE_ILLEGAL_INSN);
        assert_int_equal(fpu_exec(h, op_fma(MADD, D, 3, 1, 2, 1, rm)), CAUSE_ILLEGAL_INSN);
        assert_int_equal(fpu_exec(h, op_fp(CVT_FF, D, 3, 1, 0, rm)), CAUSE_ILLEGAL_INSN);
    }
    for (unsigned frm = 5; frm <= 7; frm++) {
        h->fcsr = frm << 5 | 0x0f;
        h->x[5] = 77;
        assert_int_equal(fpu_exec(h, op_fp(ADD, S, 3, 1, 2, DYN)), CAUSE_ILLEGAL_INSN);
        assert_int_equal(fpu_exec(h, op_fp(CVT_IF, S, 5, 1, 0, DYN)), CAUSE_ILLEGAL_INSN);
        assert_int_equal(h->fcsr, frm << 5 | 0x0f);
        assert_int_equal(h->x[5], 77);
    }
    assert_int_equal(h->f[3], 0x1234);
    /* instructions whose funct3 is not a rounding mode do not care about frm */
    h->fcsr = 7 << 5;
    assert_int_equal(fpu_exec(h, op_fp(SGNJ, S, 3, 1, 2, 0)), 0);
    assert_int_equal(h->f[3], BOX(0x3f800000));
}

static void test_invalid_encodings(void **state)
{
    struct hart *h = fresh(state);
    h->f[3] = 0x55;
    assert_int_equal(fpu_exec(h, op_fp(ADD, H, 3, 1, 2, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(ADD, 3, 3, 1, 2, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fma(MADD, H, 3, 1, 2, 1, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(SQRT, S, 3, 1, 1, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(SGNJ, S, 3, 1, 2, 3)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(MINMAX, D, 3, 1, 2, 2)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(CMP, S, 3, 1, 2, 3)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(CVT_IF, S, 3, 1, 4, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(CVT_FF, S, 3, 1, 0, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(CVT_FF, D, 3, 1, 1, RNE)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(MVX_CLASS, S, 3, 1, 0, 2)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(MVF, D, 3, 1, 0, 1)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, op_fp(0x1f, S, 3, 1, 0, 0)), CAUSE_ILLEGAL_INSN);
    assert_int_equal(fpu_exec(h, 0x00000013), CAUSE_ILLEGAL_INSN);  /* not an FP opcode */
    assert_int_equal(h->f[3], 0x55);
    assert_int_equal(h->fcsr, 0);
}

static void test_min_max(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    assert_int_equal(binop(h, MINMAX, S, 0, BOX(0x00000000), BOX(0x80000000), &r), 0);
    assert_int_equal(r, BOX(0x80000000));  /* fmin(+0, -0) = -0 */
    assert_int_equal(binop(h, MINMAX, S, 1, BOX(0x80000000), BOX(0x00000000), &r), 0);
    assert_int_equal(r, BOX(0x00000000));  /* fmax(-0, +0) = +0 */
    assert_int_equal(binop(h, MINMAX, D, 0, 0x8000000000000000ULL, 0, &r), 0);
    assert_int_equal(r, 0x8000000000000000ULL);
    /* one quiet NaN: the other operand, no flag; signaling: the other, NV */
    assert_int_equal(binop(h, MINMAX, S, 0, BOX(0x7fc00000), BOX(0x3f800000), &r), 0);
    assert_int_equal(r, BOX(0x3f800000));
    assert_int_equal(binop(h, MINMAX, S, 1, BOX(0x3f800000), BOX(0x7f800001), &r), NV);
    assert_int_equal(r, BOX(0x3f800000));
    /* two NaNs: the canonical NaN, not either payload */
    assert_int_equal(binop(h, MINMAX, D, 1, 0x7ff8000000000123ULL, 0xfff8000000000456ULL, &r), 0);
    assert_int_equal(r, CNAN_D);
    assert_int_equal(binop(h, MINMAX, D, 0, 0x7ff0000000000001ULL, 0xfff8000000000456ULL, &r), NV);
    assert_int_equal(r, CNAN_D);
    /* ordinary ordering, negatives */
    assert_int_equal(binop(h, MINMAX, S, 0, BOX(0xc0000000), BOX(0xbf800000), &r), 0);
    assert_int_equal(r, BOX(0xc0000000));
    assert_int_equal(binop(h, MINMAX, S, 1, BOX(0xff800000), BOX(0xff7fffff), &r), 0);
    assert_int_equal(r, BOX(0xff7fffff));
}

static void test_canonical_nan_and_boxing(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    assert_int_equal(binop(h, ADD, S, RNE, BOX(0x7f800000), BOX(0xff800000), &r), NV);
    assert_int_equal(r, CNAN_S);
    /* NaN payloads and signs are not propagated */
    assert_int_equal(binop(h, MUL, S, RNE, BOX(0xffc12345), BOX(0x3f800000), &r), 0);
    assert_int_equal(r, CNAN_S);
    assert_int_equal(binop(h, SUB, D, RNE, 0x3ff0000000000000ULL, 0x7ff4000000000001ULL, &r), NV);
    assert_int_equal(r, CNAN_D);
    /* a single whose upper half is not all ones reads as the canonical NaN */
    assert_int_equal(binop(h, ADD, S, RNE, 0x000000003f800000ULL, BOX(0x3f800000), &r), 0);
    assert_int_equal(r, CNAN_S);
    assert_int_equal(binop(h, ADD, S, RNE, BOX(0x3f800000), 0x7fffffff3f800000ULL, &r), 0);
    assert_int_equal(r, CNAN_S);
    /* ... also for sign injection, which then works on 0x7fc00000 */
    assert_int_equal(binop(h, SGNJ, S, 1, 0x000000003f800000ULL, BOX(0x3f800000), &r), 0);
    assert_int_equal(r, BOX(0xffc00000));
    /* ... and for fclass (quiet NaN, bit 9) */
    h->f[1] = 0x12345678bf800000ULL;
    assert_int_equal(run(h, op_fp(MVX_CLASS, S, 5, 1, 0, 1), 0), 0);
    assert_int_equal(h->x[5], 1u << 9);
    /* but fmv.x.w moves the raw low bits, sign-extended */
    assert_int_equal(run(h, op_fp(MVX_CLASS, S, 5, 1, 0, 0), 0), 0);
    assert_int_equal(h->x[5], 0xffffffffbf800000ULL);
    /* fmv.w.x boxes; fmv.x.d / fmv.d.x are raw */
    h->x[6] = 0xdeadbeef00000001ULL;
    assert_int_equal(run(h, op_fp(MVF, S, 4, 6, 0, 0), 0), 0);
    assert_int_equal(h->f[4], BOX(0x00000001));
    assert_int_equal(run(h, op_fp(MVF, D, 4, 6, 0, 0), 0), 0);
    assert_int_equal(h->f[4], 0xdeadbeef00000001ULL);
    assert_int_equal(run(h, op_fp(MVX_CLASS, D, 7, 4, 0, 0), 0), 0);
    assert_int_equal(h->x[7], 0xdeadbeef00000001ULL);
    /* a single result is boxed */
    assert_int_equal(binop(h, ADD, S, RNE, BOX(0x3f800000), BOX(0x3f800000), &r), 0);
    assert_int_equal(r, BOX(0x40000000));
}

static void test_divide_flags(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    assert_int_equal(binop(h, DIV, S, RNE, BOX(0x3f800000), BOX(0x00000000), &r), DZ);
    assert_int_equal(r, BOX(0x7f800000));
    assert_int_equal(binop(h, DIV, D, RNE, 0xbff0000000000000ULL, 0, &r), DZ);
    assert_int_equal(r, 0xfff0000000000000ULL);
    assert_int_equal(binop(h, DIV, S, RNE, BOX(0x00000000), BOX(0x80000000), &r), NV);
    assert_int_equal(r, CNAN_S);
    assert_int_equal(binop(h, DIV, S, RNE, BOX(0x7f800000), BOX(0x00000000), &r), 0);
    assert_int_equal(r, BOX(0x7f800000));  /* inf / 0 is exact, no DZ */
    assert_int_equal(binop(h, DIV, S, RNE, BOX(0x3f800000), BOX(0xff800000), &r), 0);
    assert_int_equal(r, BOX(0x80000000));
}

static void test_underflow_after_rounding(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    /* (1 - 2^-23) * 2^-126 (1 + 2^-23) = 2^-126 (1 - 2^-46): rounded to 24
     * bits with unbounded exponent it is 2^-126 in RNE, so not tiny: NX only */
    assert_int_equal(binop(h, MUL, S, RNE, BOX(0x3f7ffffe), BOX(0x00800001), &r), NX);
    assert_int_equal(r, BOX(0x00800000));
    assert_int_equal(binop(h, MUL, S, RUP, BOX(0x3f7ffffe), BOX(0x00800001), &r), NX);
    assert_int_equal(r, BOX(0x00800000));
    /* in RTZ it stays below 2^-126: tiny and inexact */
    assert_int_equal(binop(h, MUL, S, RTZ, BOX(0x3f7ffffe), BOX(0x00800001), &r), UF | NX);
    assert_int_equal(r, BOX(0x007fffff));
    /* the same in double: 2^-1022 (1 - 2^-104) */
    assert_int_equal(binop(h, MUL, D, RNE, 0x3feffffffffffffeULL, 0x0010000000000001ULL, &r), NX);
    assert_int_equal(r, 0x0010000000000000ULL);
    assert_int_equal(binop(h, MUL, D, RDN, 0x3feffffffffffffeULL, 0x0010000000000001ULL, &r),
                     UF | NX);
    assert_int_equal(r, 0x000fffffffffffffULL);
    /* an exact subnormal result raises nothing */
    assert_int_equal(binop(h, MUL, S, RNE, BOX(0x00800000), BOX(0x3f000000), &r), 0);
    assert_int_equal(r, BOX(0x00400000));
    /* the smallest subnormal halved: a tie, RNE to 0, RMM and RUP away */
    assert_int_equal(binop(h, MUL, S, RNE, BOX(0x00000001), BOX(0x3f000000), &r), UF | NX);
    assert_int_equal(r, BOX(0x00000000));
    assert_int_equal(binop(h, MUL, S, RMM, BOX(0x00000001), BOX(0x3f000000), &r), UF | NX);
    assert_int_equal(r, BOX(0x00000001));
    assert_int_equal(binop(h, MUL, D, RUP, 0x8000000000000001ULL, 0x3fd0000000000000ULL, &r),
                     UF | NX);
    assert_int_equal(r, 0x8000000000000000ULL);
    /* fcvt.s.d just below 2^-126 by 2^-53 relative: not tiny after rounding */
    h->f[1] = 0x380fffffffffffffULL;
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RNE), 0), NX);
    assert_int_equal(h->f[3], BOX(0x00800000));
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RTZ), 0), UF | NX);
    assert_int_equal(h->f[3], BOX(0x007fffff));
}

static void test_overflow(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    assert_int_equal(binop(h, MUL, S, RNE, BOX(0x7f7fffff), BOX(0x40000000), &r), OF | NX);
    assert_int_equal(r, BOX(0x7f800000));
    assert_int_equal(binop(h, MUL, S, RTZ, BOX(0x7f7fffff), BOX(0x40000000), &r), OF | NX);
    assert_int_equal(r, BOX(0x7f7fffff));
    assert_int_equal(binop(h, MUL, S, RDN, BOX(0x7f7fffff), BOX(0x40000000), &r), OF | NX);
    assert_int_equal(r, BOX(0x7f7fffff));
    assert_int_equal(binop(h, MUL, S, RDN, BOX(0xff7fffff), BOX(0x40000000), &r), OF | NX);
    assert_int_equal(r, BOX(0xff800000));
    assert_int_equal(binop(h, ADD, D, RUP, 0xffefffffffffffffULL, 0xffefffffffffffffULL, &r),
                     OF | NX);
    assert_int_equal(r, 0xffefffffffffffffULL);
    assert_int_equal(binop(h, ADD, D, RMM, 0x7fefffffffffffffULL, 0x7c90000000000000ULL, &r),
                     OF | NX);  /* max + half an ulp: a tie, away from zero overflows */
    assert_int_equal(r, 0x7ff0000000000000ULL);
    assert_int_equal(binop(h, ADD, D, RNE, 0x7fefffffffffffffULL, 0x7c90000000000000ULL, &r),
                     OF | NX);  /* and to even (the next binade) too */
    assert_int_equal(r, 0x7ff0000000000000ULL);
    h->f[1] = 0x47f0000000000000ULL;  /* 2^128 as double -> single */
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RNE), 0), OF | NX);
    assert_int_equal(h->f[3], BOX(0x7f800000));
}

static void test_compare_flags(void **state)
{
    struct hart *h = fresh(state);
    h->f[1] = BOX(0x7fc00000);
    h->f[2] = BOX(0x3f800000);
    h->x[5] = 9;
    assert_int_equal(run(h, op_fp(CMP, S, 5, 1, 2, 2), 0), 0);  /* feq quiet */
    assert_int_equal(h->x[5], 0);
    assert_int_equal(run(h, op_fp(CMP, S, 5, 1, 2, 1), 0), NV);  /* flt signals */
    assert_int_equal(run(h, op_fp(CMP, S, 5, 2, 1, 0), 0), NV);  /* fle signals */
    h->f[1] = BOX(0x7f800001);
    assert_int_equal(run(h, op_fp(CMP, S, 5, 1, 2, 2), 0), NV);  /* feq on sNaN */
    /* -0 == +0, and neither is less */
    h->f[1] = 0x8000000000000000ULL;
    h->f[2] = 0;
    assert_int_equal(run(h, op_fp(CMP, D, 5, 1, 2, 2), 0), 0);
    assert_int_equal(h->x[5], 1);
    assert_int_equal(run(h, op_fp(CMP, D, 5, 1, 2, 1), 0), 0);
    assert_int_equal(h->x[5], 0);
    assert_int_equal(run(h, op_fp(CMP, D, 5, 1, 2, 0), 0), 0);
    assert_int_equal(h->x[5], 1);
    h->f[1] = 0xbff0000000000000ULL;
    h->f[2] = 0xbfe0000000000000ULL;
    assert_int_equal(run(h, op_fp(CMP, D, 5, 1, 2, 1), 0), 0);
    assert_int_equal(h->x[5], 1);  /* -1 < -0.5 */
    /* x0 as destination stays zero */
    assert_int_equal(run(h, op_fp(CMP, D, 0, 1, 2, 1), 0), 0);
    assert_int_equal(h->x[0], 0);
}

static void test_fclass(void **state)
{
    struct hart *h = fresh(state);
    static const struct { uint64_t in; unsigned fmt; unsigned bit; } cases[] = {
        {BOX(0xff800000), S, 0}, {BOX(0xbf800000), S, 1}, {BOX(0x807fffff), S, 2},
        {BOX(0x80000000), S, 3}, {BOX(0x00000000), S, 4}, {BOX(0x00000001), S, 5},
        {BOX(0x7f7fffff), S, 6}, {BOX(0x7f800000), S, 7}, {BOX(0x7fbfffff), S, 8},
        {BOX(0xffc00000), S, 9}, {0xfff0000000000000ULL, D, 0}, {0x800fffffffffffffULL, D, 2},
        {0x0010000000000000ULL, D, 6}, {0x7ff0000000000001ULL, D, 8},
        {0x7ff8000000000000ULL, D, 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h->f[1] = cases[i].in;
        assert_int_equal(run(h, op_fp(MVX_CLASS, cases[i].fmt, 5, 1, 0, 1), 0), 0);
        assert_int_equal(h->x[5], 1u << cases[i].bit);
    }
}

static void test_fma(void **state)
{
    struct hart *h = fresh(state);
    /* inf * 0 + qNaN: invalid even though the addend is a quiet NaN */
    h->f[1] = BOX(0x7f800000);
    h->f[2] = BOX(0x00000000);
    h->f[3] = BOX(0x7fc00000);
    assert_int_equal(run(h, op_fma(MADD, S, 4, 1, 2, 3, RNE), 0), NV);
    assert_int_equal(h->f[4], CNAN_S);
    /* 1*1 - 1 is an exact zero: +0, but -0 when rounding down */
    h->f[1] = 0x3ff0000000000000ULL;
    h->f[2] = 0x3ff0000000000000ULL;
    h->f[3] = 0x3ff0000000000000ULL;
    assert_int_equal(run(h, op_fma(MSUB, D, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], 0);
    assert_int_equal(run(h, op_fma(MSUB, D, 4, 1, 2, 3, RDN), 0), 0);
    assert_int_equal(h->f[4], 0x8000000000000000ULL);
    /* fnmadd: -(1*1) - 1 = -2; fnmsub: -(1*1) + 1 = +0 */
    assert_int_equal(run(h, op_fma(NMADD, D, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], 0xc000000000000000ULL);
    assert_int_equal(run(h, op_fma(NMSUB, D, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], 0);
    /* one rounding: (1 + 2^-52)(1 + 2^-51) - 1 = 2^-51 (1.5 + 2^-52) exactly;
     * a separate multiply would have dropped the 2^-103 term first */
    h->f[1] = 0x3ff0000000000001ULL;
    h->f[2] = 0x3ff0000000000002ULL;
    h->f[3] = 0xbff0000000000000ULL;
    assert_int_equal(run(h, op_fma(MADD, D, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], 0x3cc8000000000001ULL);
    /* -0 * x + -0 = -0; +0 * x + -0 = +0 */
    h->f[1] = BOX(0x80000000);
    h->f[2] = BOX(0x3f800000);
    h->f[3] = BOX(0x80000000);
    assert_int_equal(run(h, op_fma(MADD, S, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], BOX(0x80000000));
    h->f[1] = BOX(0x00000000);
    assert_int_equal(run(h, op_fma(MADD, S, 4, 1, 2, 3, RNE), 0), 0);
    assert_int_equal(h->f[4], BOX(0x00000000));
    /* inf - inf from the product and the addend is invalid */
    h->f[1] = BOX(0x7f800000);
    h->f[2] = BOX(0x3f800000);
    h->f[3] = BOX(0x7f800000);
    assert_int_equal(run(h, op_fma(MSUB, S, 4, 1, 2, 3, RNE), 0), NV);
    assert_int_equal(h->f[4], CNAN_S);
}

static void test_sqrt_and_convert_formats(void **state)
{
    struct hart *h = fresh(state);
    h->f[1] = 0x8000000000000000ULL;
    assert_int_equal(run(h, op_fp(SQRT, D, 3, 1, 0, RNE), 0), 0);
    assert_int_equal(h->f[3], 0x8000000000000000ULL);  /* sqrt(-0) = -0 */
    h->f[1] = 0xbff0000000000000ULL;
    assert_int_equal(run(h, op_fp(SQRT, D, 3, 1, 0, RNE), 0), NV);
    assert_int_equal(h->f[3], CNAN_D);
    h->f[1] = 0x4000000000000000ULL;
    assert_int_equal(run(h, op_fp(SQRT, D, 3, 1, 0, RNE), 0), NX);
    assert_int_equal(h->f[3], 0x3ff6a09e667f3bcdULL);  /* sqrt(2) */
    assert_int_equal(run(h, op_fp(SQRT, D, 3, 1, 0, RTZ), 0), NX);
    assert_int_equal(h->f[3], 0x3ff6a09e667f3bccULL);
    h->f[1] = BOX(0x41100000);
    assert_int_equal(run(h, op_fp(SQRT, S, 3, 1, 0, RNE), 0), 0);
    assert_int_equal(h->f[3], BOX(0x40400000));  /* sqrt(9) = 3 exactly */
    /* fcvt.s.d: NaN becomes the canonical single NaN; fcvt.d.s of sNaN: NV */
    h->f[1] = 0xfff8000000012345ULL;
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RNE), 0), 0);
    assert_int_equal(h->f[3], CNAN_S);
    h->f[1] = BOX(0x7f800001);
    assert_int_equal(run(h, op_fp(CVT_FF, D, 3, 1, 0, RNE), 0), NV);
    assert_int_equal(h->f[3], CNAN_D);
    h->f[1] = BOX(0x00000001);  /* smallest subnormal single is a normal double */
    assert_int_equal(run(h, op_fp(CVT_FF, D, 3, 1, 0, RNE), 0), 0);
    assert_int_equal(h->f[3], 0x36a0000000000000ULL);
    h->f[1] = 0x3fb999999999999aULL;  /* 0.1 */
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RNE), 0), NX);
    assert_int_equal(h->f[3], BOX(0x3dcccccd));
    assert_int_equal(run(h, op_fp(CVT_FF, S, 3, 1, 1, RTZ), 0), NX);
    assert_int_equal(h->f[3], BOX(0x3dcccccc));
}

static void test_cvt_from_int(void **state)
{
    struct hart *h = fresh(state);
    h->x[6] = 0xffffffff;  /* fcvt.s.w reads -1 from the low 32 bits */
    assert_int_equal(run(h, op_fp(CVT_FI, S, 3, 6, 0, RNE), 0), 0);
    assert_int_equal(h->f[3], BOX(0xbf800000));
    assert_int_equal(run(h, op_fp(CVT_FI, S, 3, 6, 1, RNE), 0), NX);  /* wu: 2^32-1 */
    assert_int_equal(h->f[3], BOX(0x4f800000));
    assert_int_equal(run(h, op_fp(CVT_FI, D, 3, 6, 1, RNE), 0), 0);
    assert_int_equal(h->f[3], 0x41efffffffe00000ULL);
    h->x[6] = UINT64_MAX;
    assert_int_equal(run(h, op_fp(CVT_FI, D, 3, 6, 3, RTZ), 0), NX);
    assert_int_equal(h->f[3], 0x43efffffffffffffULL);
    assert_int_equal(run(h, op_fp(CVT_FI, D, 3, 6, 2, RTZ), 0), 0);
    assert_int_equal(h->f[3], 0xbff0000000000000ULL);
    h->x[6] = 0x1000001;  /* 2^24 + 1: a tie in single */
    assert_int_equal(run(h, op_fp(CVT_FI, S, 3, 6, 2, RNE), 0), NX);
    assert_int_equal(h->f[3], BOX(0x4b800000));
    assert_int_equal(run(h, op_fp(CVT_FI, S, 3, 6, 2, RMM), 0), NX);
    assert_int_equal(h->f[3], BOX(0x4b800001));
    h->x[6] = 0;
    assert_int_equal(run(h, op_fp(CVT_FI, D, 3, 6, 2, RDN), 0), 0);
    assert_int_equal(h->f[3], 0);  /* +0 even rounding down */
}

static void test_sign_injection_is_raw(void **state)
{
    struct hart *h = fresh(state);
    uint64_t r;
    /* sign injection copies bits: a NaN keeps its payload, nothing is raised */
    assert_int_equal(binop(h, SGNJ, D, 1, 0x7ff0000000000001ULL, 0x7ff0000000000001ULL, &r), 0);
    assert_int_equal(r, 0xfff0000000000001ULL);  /* fsgnjn: fneg */
    assert_int_equal(binop(h, SGNJ, D, 2, 0xfff0000000000001ULL, 0xbff0000000000000ULL, &r), 0);
    assert_int_equal(r, 0x7ff0000000000001ULL);  /* fsgnjx: sign xor */
    assert_int_equal(binop(h, SGNJ, S, 0, BOX(0x3f800000), BOX(0x80000000), &r), 0);
    assert_int_equal(r, BOX(0xbf800000));  /* fsgnj */
    assert_int_equal(binop(h, SGNJ, S, 2, BOX(0xbf800000), BOX(0xbf800000), &r), 0);
    assert_int_equal(r, BOX(0x3f800000));  /* fsgnjx: fabs of a negative */
    /* a non-boxed rs2 reads as +canonical NaN: its sign is 0 */
    assert_int_equal(binop(h, SGNJ, S, 0, BOX(0xbf800000), 0x80000000bf800000ULL, &r), 0);
    assert_int_equal(r, BOX(0x3f800000));
}

static void test_flags_accrue(void **state)
{
    struct hart *h = fresh(state);
    h->f[1] = BOX(0x3f800000);
    h->f[2] = BOX(0x00000000);
    h->fcsr = 2 << 5 | NX;
    assert_int_equal(fpu_exec(h, op_fp(DIV, S, 3, 1, 2, DYN)), 0);
    assert_int_equal(h->fcsr, 2u << 5 | NX | DZ);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cvt_to_int_limits),
        cmocka_unit_test(test_rounding_modes_and_rmm),
        cmocka_unit_test(test_reserved_rounding_mode_is_illegal),
        cmocka_unit_test(test_invalid_encodings),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_canonical_nan_and_boxing),
        cmocka_unit_test(test_divide_flags),
        cmocka_unit_test(test_underflow_after_rounding),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_compare_flags),
        cmocka_unit_test(test_fclass),
        cmocka_unit_test(test_fma),
        cmocka_unit_test(test_sqrt_and_convert_formats),
        cmocka_unit_test(test_cvt_from_int),
        cmocka_unit_test(test_sign_injection_is_raw),
        cmocka_unit_test(test_flags_accrue),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
