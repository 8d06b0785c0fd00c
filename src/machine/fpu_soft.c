/* Software binary32/binary64 arithmetic, the way RISC-V wants it.
 *
 * Why not the host FPU: x86 has no round-to-nearest-ties-to-max-magnitude
 * (RMM), gcc folds and reorders floating point around fesetround() unless
 * built with -frounding-math (and the Makefile's flags are shared), and host
 * NaN results carry payloads. So everything here is integer arithmetic, the
 * classic SoftFloat scheme:
 *
 *   A finite nonzero operand is unpacked to (sign, exp, sig) with value
 *   sig / 2^62 * 2^exp, sig normalized so its leading one is bit 62. Each
 *   operation computes a result significand of the same shape, exact or with
 *   every discarded bit ORed ("jammed") into bit 0, and round_pack() rounds it
 *   once. A binary64 significand has 53 bits (62..10), so at least 9 guard
 *   bits sit above the sticky bit: enough for every rounding mode.
 *
 * RISC-V detects tininess AFTER rounding: a result is tiny if, rounded to the
 * target precision with an unbounded exponent, it is still below the smallest
 * normal. UF is raised when the result is tiny and inexact. */
#include "fpu_soft.h"

#include <stddef.h>

__extension__ typedef unsigned __int128 u128;

const struct fpfmt FP_S = {.prec = 24, .ebits = 8, .bias = 127, .width = 32};
const struct fpfmt FP_D = {.prec = 53, .ebits = 11, .bias = 1023, .width = 64};

enum fpclass { FC_ZERO, FC_FINITE, FC_INF, FC_QNAN, FC_SNAN };

struct unpacked {
    enum fpclass cls;
    bool sign;
    int exp;       /* FC_FINITE: value = sig / 2^62 * 2^exp */
    uint64_t sig;  /* FC_FINITE: leading one at bit 62 */
};

static uint64_t exp_all_ones(const struct fpfmt *f) { return (1ULL << f->ebits) - 1; }
static uint64_t mant_mask(const struct fpfmt *f) { return (1ULL << (f->prec - 1)) - 1; }

static uint64_t pack(const struct fpfmt *f, bool sign, uint64_t bexp, uint64_t mant)
{
    return ((uint64_t)sign << (f->width - 1)) | (bexp << (f->prec - 1)) | mant;
}

uint64_t sf_canonical_nan(const struct fpfmt *f)
{
    return pack(f, 0, exp_all_ones(f), 1ULL << (f->prec - 2));
}

static uint64_t infinity(const struct fpfmt *f, bool sign) { return pack(f, sign, exp_all_ones(f), 0); }
static uint64_t zero(const struct fpfmt *f, bool sign) { return pack(f, sign, 0, 0); }
static uint64_t negate(const struct fpfmt *f, uint64_t a) { return a ^ (1ULL << (f->width - 1)); }

static struct unpacked unpack(const struct fpfmt *f, uint64_t bits)
{
    struct unpacked u = {.sign = (bits >> (f->width - 1)) & 1};
    uint64_t bexp = (bits >> (f->prec - 1)) & exp_all_ones(f);
    uint64_t mant = bits & mant_mask(f);
    if (bexp == exp_all_ones(f)) {
        if (mant == 0)
            u.cls = FC_INF;
        else
            u.cls = (mant >> (f->prec - 2)) & 1 ? FC_QNAN : FC_SNAN;
    } else if (bexp == 0) {
        if (mant == 0) {
            u.cls = FC_ZERO;
        } else {  /* subnormal: normalize, the exponent goes below emin */
            uint64_t sig = mant << (63 - f->prec);
            int shift = __builtin_clzll(sig) - 1;
            u.cls = FC_FINITE;
            u.sig = sig << shift;
            u.exp = 1 - f->bias - shift;
        }
    } else {
        u.cls = FC_FINITE;
        u.sig = (mant | (1ULL << (f->prec - 1))) << (63 - f->prec);
        u.exp = (int)bexp - f->bias;
    }
    return u;
}

static bool is_nan(const struct unpacked *u) { return u->cls == FC_QNAN || u->cls == FC_SNAN; }

/* x >> n with the bits shifted out ORed into bit 0 (any n). */
static uint64_t shr_jam64(uint64_t x, unsigned n)
{
    if (n == 0)
        return x;
    if (n >= 64)
        return x != 0;
    return (x >> n) | ((x & ((1ULL << n) - 1)) != 0);
}

static u128 shr_jam128(u128 x, unsigned n)
{
    if (n == 0)
        return x;
    if (n >= 128)
        return x != 0;
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/* sig >> n (n >= 1, sig < 2^63) rounded to an integer under rm for a value of
 * the given sign; *inexact tells whether any discarded bit was set. */
static uint64_t round_shift(uint64_t sig, unsigned n, int rm, bool sign, bool *inexact)
{
    uint64_t kept, rem, half;
    if (n >= 64) {  /* everything is below half an ulp */
        kept = 0;
        rem = sig;
        half = UINT64_MAX;
    } else {
        kept = sig >> n;
        rem = sig & ((1ULL << n) - 1);
        half = 1ULL << (n - 1);
    }
    *inexact = rem != 0;
    bool up;
    switch (rm) {
    case RM_RNE: up = rem > half || (rem == half && (kept & 1)); break;
    case RM_RMM: up = rem >= half; break;
    case RM_RDN: up = rem != 0 && sign; break;
    case RM_RUP: up = rem != 0 && !sign; break;
    default: up = false; break;  /* RM_RTZ */
    }
    return kept + up;
}

/* Rounds the nonzero value (-1)^sign * sig / 2^62 * 2^exp (sig any nonzero
 * 64-bit number, sticky in bit 0) to format f; the one place where results
 * are rounded and OF, UF and NX are raised. */
static uint64_t round_pack(const struct fpfmt *f, bool sign, int exp, uint64_t sig, int rm,
                           unsigned *flags)
{
    int lz = __builtin_clzll(sig);
    if (lz == 0) {
        sig = shr_jam64(sig, 1);
        exp += 1;
    } else if (lz > 1) {
        sig <<= lz - 1;
        exp -= lz - 1;
    }
    int bexp = exp + f->bias;
    unsigned shift = 63 - f->prec;  /* bits below the last kept one */
    bool inexact;
    if (bexp >= 1) {
        uint64_t kept = round_shift(sig, shift, rm, sign, &inexact);
        if (kept >> f->prec) {  /* rounded up to the next binade */
            kept >>= 1;
            bexp++;
        }
        if ((uint64_t)bexp >= exp_all_ones(f)) {
            *flags |= FF_OF | FF_NX;
            bool to_inf = rm == RM_RNE || rm == RM_RMM || (rm == RM_RDN && sign) ||
                          (rm == RM_RUP && !sign);
            return to_inf ? infinity(f, sign) : pack(f, sign, exp_all_ones(f) - 1, mant_mask(f));
        }
        if (inexact)
            *flags |= FF_NX;
        /* kept includes the hidden bit, which adds one to the exponent field */
        return pack(f, sign, 0, ((uint64_t)(bexp - 1) << (f->prec - 1)) + kept);
    }
    /* Below the normal range. Tiny unless it is in the binade just below
     * the smallest normal and rounding at full precision carries out of it. */
    bool tiny = true;
    if (bexp == 0) {
        bool unused;
        if (round_shift(sig, shift, rm, sign, &unused) >> f->prec)
            tiny = false;
    }
    uint64_t kept = round_shift(sig, shift + 1 - (unsigned)bexp, rm, sign, &inexact);
    if (inexact) {
        *flags |= FF_NX;
        if (tiny)
            *flags |= FF_UF;
    }
    /* A carry into bit prec-1 makes it the smallest normal: same encoding. */
    return pack(f, sign, 0, kept);
}

/* The NaN result of an operation with a NaN operand: canonical, NV if any
 * operand is signaling. */
static uint64_t nan_result(const struct fpfmt *f, const struct unpacked *a,
                           const struct unpacked *b, unsigned *flags)
{
    if (a->cls == FC_SNAN || (b && b->cls == FC_SNAN))
        *flags |= FF_NV;
    return sf_canonical_nan(f);
}

static uint64_t invalid(const struct fpfmt *f, unsigned *flags)
{
    *flags |= FF_NV;
    return sf_canonical_nan(f);
}

uint64_t sf_add(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b);
    if (is_nan(&ua) || is_nan(&ub))
        return nan_result(f, &ua, &ub, flags);
    if (ua.cls == FC_INF) {
        if (ub.cls == FC_INF && ua.sign != ub.sign)
            return invalid(f, flags);
        return a;
    }
    if (ub.cls == FC_INF)
        return b;
    if (ua.cls == FC_ZERO && ub.cls == FC_ZERO)  /* x + -x is +0 except in RDN */
        return zero(f, ua.sign == ub.sign ? ua.sign : rm == RM_RDN);
    if (ua.cls == FC_ZERO)
        return b;
    if (ub.cls == FC_ZERO)
        return a;
    if (ua.exp < ub.exp || (ua.exp == ub.exp && ua.sig < ub.sig)) {  /* make |a| >= |b| */
        struct unpacked t = ua;
        ua = ub;
        ub = t;
    }
    /* Jamming b loses nothing that matters: if the exponents differ by 2 or
     * more at most one bit cancels, and if by 0 or 1 the shift is exact. */
    uint64_t bsig = shr_jam64(ub.sig, (unsigned)(ua.exp - ub.exp));
    uint64_t sig;
    if (ua.sign == ub.sign) {
        sig = ua.sig + bsig;
    } else {
        sig = ua.sig - bsig;
        if (sig == 0)
            return zero(f, rm == RM_RDN);
    }
    return round_pack(f, ua.sign, ua.exp, sig, rm, flags);
}

uint64_t sf_sub(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    return sf_add(f, a, negate(f, b), rm, flags);
}

/* The exact product of two finite nonzero significands, value p / 2^124. */
static u128 sig_product(const struct unpacked *a, const struct unpacked *b)
{
    return (u128)a->sig * b->sig;
}

static uint64_t jam_high(u128 p, unsigned n) { return (uint64_t)shr_jam128(p, n); }

uint64_t sf_mul(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b);
    if (is_nan(&ua) || is_nan(&ub))
        return nan_result(f, &ua, &ub, flags);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == FC_INF || ub.cls == FC_INF) {
        if (ua.cls == FC_ZERO || ub.cls == FC_ZERO)
            return invalid(f, flags);
        return infinity(f, sign);
    }
    if (ua.cls == FC_ZERO || ub.cls == FC_ZERO)
        return zero(f, sign);
    /* p < 2^126: p >> 62 has its value scaled by 2^62 like any sig */
    return round_pack(f, sign, ua.exp + ub.exp, jam_high(sig_product(&ua, &ub), 62), rm, flags);
}

uint64_t sf_div(const struct fpfmt *f, uint64_t a, uint64_t b, int rm, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b);
    if (is_nan(&ua) || is_nan(&ub))
        return nan_result(f, &ua, &ub, flags);
    bool sign = ua.sign ^ ub.sign;
    if (ua.cls == FC_INF)
        return ub.cls == FC_INF ? invalid(f, flags) : infinity(f, sign);
    if (ub.cls == FC_INF)
        return zero(f, sign);
    if (ub.cls == FC_ZERO) {
        if (ua.cls == FC_ZERO)
            return invalid(f, flags);
        *flags |= FF_DZ;
        return infinity(f, sign);
    }
    if (ua.cls == FC_ZERO)
        return zero(f, sign);
    /* q = sa * 2^62 / sb lies in (2^61, 2^63); the remainder is the sticky */
    u128 n = (u128)ua.sig << 62;
    u128 q = n / ub.sig;
    uint64_t sig = (uint64_t)q | (n % ub.sig != 0);
    return round_pack(f, sign, ua.exp - ub.exp, sig, rm, flags);
}

/* floor(sqrt(n)) by the bit-by-bit method; *exact if n is a perfect square. */
static uint64_t isqrt128(u128 n, bool *exact)
{
    u128 res = 0, bit = (u128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= res + bit) {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    *exact = n == 0;
    return (uint64_t)res;
}

uint64_t sf_sqrt(const struct fpfmt *f, uint64_t a, int rm, unsigned *flags)
{
    struct unpacked ua = unpack(f, a);
    if (is_nan(&ua))
        return nan_result(f, &ua, NULL, flags);
    if (ua.cls == FC_ZERO)  /* sqrt(-0) = -0 */
        return a;
    if (ua.sign)
        return invalid(f, flags);
    if (ua.cls == FC_INF)
        return a;
    int exp = ua.exp;
    uint64_t sig = ua.sig;
    if (exp & 1) {  /* make the exponent even; sig < 2^64 still */
        sig <<= 1;
        exp -= 1;
    }
    /* sqrt(sig / 2^62) = sqrt(sig * 2^62) / 2^62, and the root is in [2^62, 2^63) */
    bool exact;
    uint64_t root = isqrt128((u128)sig << 62, &exact);
    return round_pack(f, 0, exp / 2, root | !exact, rm, flags);
}

uint64_t sf_fma(const struct fpfmt *f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod,
                bool neg_c, int rm, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b), uc = unpack(f, c);
    if (ua.cls == FC_SNAN || ub.cls == FC_SNAN || uc.cls == FC_SNAN)
        *flags |= FF_NV;
    /* inf * 0 is invalid even when the addend is a quiet NaN (spec 11.6) */
    if ((ua.cls == FC_INF && ub.cls == FC_ZERO) || (ua.cls == FC_ZERO && ub.cls == FC_INF))
        return invalid(f, flags);
    if (is_nan(&ua) || is_nan(&ub) || is_nan(&uc))
        return sf_canonical_nan(f);
    bool psign = ua.sign ^ ub.sign ^ neg_prod, csign = uc.sign ^ neg_c;
    if (ua.cls == FC_INF || ub.cls == FC_INF) {
        if (uc.cls == FC_INF && csign != psign)
            return invalid(f, flags);
        return infinity(f, psign);
    }
    if (uc.cls == FC_INF)
        return infinity(f, csign);
    if (ua.cls == FC_ZERO || ub.cls == FC_ZERO) {
        if (uc.cls == FC_ZERO)
            return zero(f, psign == csign ? psign : rm == RM_RDN);
        return neg_c ? negate(f, c) : c;  /* exact */
    }
    u128 p = sig_product(&ua, &ub);  /* value p / 2^124 * 2^pexp, p < 2^126 */
    int pexp = ua.exp + ub.exp;
    if (uc.cls == FC_ZERO)
        return round_pack(f, psign, pexp, jam_high(p, 62), rm, flags);
    u128 cs = (u128)uc.sig << 62;  /* same scale: value cs / 2^124 * 2^cexp */
    int exp;
    /* Aligning with a jam is exact for small shifts (p has at least 20 and cs
     * at least 72 zero low bits) and cancels at most one bit for big ones. */
    if (pexp >= uc.exp) {
        cs = shr_jam128(cs, (unsigned)(pexp - uc.exp));
        exp = pexp;
    } else {
        p = shr_jam128(p, (unsigned)(uc.exp - pexp));
        exp = uc.exp;
    }
    u128 r;
    bool sign;
    if (psign == csign) {
        r = p + cs;
        sign = psign;
    } else if (p >= cs) {
        r = p - cs;
        sign = psign;
    } else {
        r = cs - p;
        sign = csign;
    }
    if (r == 0)
        return zero(f, rm == RM_RDN);
    uint64_t hi = (uint64_t)(r >> 64);
    int msb = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)r);
    uint64_t sig = msb > 62 ? jam_high(r, (unsigned)(msb - 62)) : (uint64_t)r << (62 - msb);
    return round_pack(f, sign, exp + msb - 124, sig, rm, flags);
}

uint64_t sf_to_int(const struct fpfmt *f, uint64_t a, int kind, int rm, unsigned *flags)
{
    static const uint64_t max_pos[] = {0x7fffffffULL, UINT64_MAX, INT64_MAX, UINT64_MAX};
    static const uint64_t max_neg[] = {0xffffffff80000000ULL, 0, (uint64_t)INT64_MIN, 0};
    /* largest magnitude representable, for a positive and a negative value */
    static const uint64_t lim_pos[] = {0x7fffffffULL, 0xffffffffULL, INT64_MAX, UINT64_MAX};
    static const uint64_t lim_neg[] = {0x80000000ULL, 0, 1ULL << 63, 0};
    struct unpacked u = unpack(f, a);
    if (is_nan(&u)) {  /* NaN converts like +inf */
        *flags |= FF_NV;
        return max_pos[kind];
    }
    if (u.cls == FC_ZERO)
        return 0;
    bool inexact = false, too_big = false;
    uint64_t mag = 0;
    if (u.cls == FC_INF || u.exp >= 64)
        too_big = true;
    else if (u.exp == 63)
        mag = u.sig << 1;
    else if (u.exp == 62)
        mag = u.sig;
    else
        mag = round_shift(u.sig, (unsigned)(62 - u.exp), rm, u.sign, &inexact);
    if (too_big || mag > (u.sign ? lim_neg[kind] : lim_pos[kind])) {
        *flags |= FF_NV;
        return u.sign ? max_neg[kind] : max_pos[kind];
    }
    if (inexact)
        *flags |= FF_NX;
    uint64_t r = u.sign ? -mag : mag;
    if (kind == CVT_W || kind == CVT_WU)
        r = (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    return r;
}

uint64_t sf_from_int(const struct fpfmt *f, uint64_t x, int kind, int rm, unsigned *flags)
{
    bool sign = false;
    uint64_t mag;
    switch (kind) {
    case CVT_W: {
        int64_t v = (int32_t)(uint32_t)x;
        sign = v < 0;
        mag = sign ? -(uint64_t)v : (uint64_t)v;
        break;
    }
    case CVT_WU: mag = (uint32_t)x; break;
    case CVT_L:
        sign = (int64_t)x < 0;
        mag = sign ? -x : x;
        break;
    default: mag = x; break;
    }
    if (mag == 0)
        return zero(f, 0);
    return round_pack(f, sign, 62, mag, rm, flags);
}

uint64_t sf_convert(const struct fpfmt *to, const struct fpfmt *from, uint64_t a, int rm,
                    unsigned *flags)
{
    struct unpacked u = unpack(from, a);
    switch (u.cls) {
    case FC_QNAN:
    case FC_SNAN: return nan_result(to, &u, NULL, flags);
    case FC_INF: return infinity(to, u.sign);
    case FC_ZERO: return zero(to, u.sign);
    default: return round_pack(to, u.sign, u.exp, u.sig, rm, flags);
    }
}

/* An integer that orders non-NaN values; zeros_equal makes -0 == +0,
 * otherwise -0 < +0. */
static int64_t order_key(const struct fpfmt *f, uint64_t a, bool zeros_equal)
{
    uint64_t sign = 1ULL << (f->width - 1);
    int64_t mag = (int64_t)(a & (sign - 1));
    if (!(a & sign))
        return mag;
    return zeros_equal ? -mag : -mag - 1;
}

static int compare(const struct fpfmt *f, uint64_t a, uint64_t b, bool quiet, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b);
    if (is_nan(&ua) || is_nan(&ub)) {
        if (!quiet || ua.cls == FC_SNAN || ub.cls == FC_SNAN)
            *flags |= FF_NV;
        return 2;  /* unordered */
    }
    int64_t ka = order_key(f, a, true), kb = order_key(f, b, true);
    return ka < kb ? -1 : ka > kb;
}

int sf_eq(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags)
{
    return compare(f, a, b, true, flags) == 0;
}

int sf_lt(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags)
{
    return compare(f, a, b, false, flags) == -1;
}

int sf_le(const struct fpfmt *f, uint64_t a, uint64_t b, unsigned *flags)
{
    int c = compare(f, a, b, false, flags);
    return c == -1 || c == 0;
}

uint64_t sf_minmax(const struct fpfmt *f, uint64_t a, uint64_t b, bool is_max, unsigned *flags)
{
    struct unpacked ua = unpack(f, a), ub = unpack(f, b);
    if (ua.cls == FC_SNAN || ub.cls == FC_SNAN)
        *flags |= FF_NV;
    if (is_nan(&ua) && is_nan(&ub))
        return sf_canonical_nan(f);
    if (is_nan(&ua))
        return b;
    if (is_nan(&ub))
        return a;
    bool a_less = order_key(f, a, false) < order_key(f, b, false);
    return a_less != is_max ? a : b;
}

uint64_t sf_classify(const struct fpfmt *f, uint64_t a)
{
    bool sign = (a >> (f->width - 1)) & 1;
    uint64_t bexp = (a >> (f->prec - 1)) & exp_all_ones(f), mant = a & mant_mask(f);
    if (bexp == exp_all_ones(f)) {
        if (mant == 0)
            return sign ? 1u << 0 : 1u << 7;
        return (mant >> (f->prec - 2)) & 1 ? 1u << 9 : 1u << 8;
    }
    if (bexp == 0)
        return mant == 0 ? (sign ? 1u << 3 : 1u << 4) : (sign ? 1u << 2 : 1u << 5);
    return sign ? 1u << 1 : 1u << 6;
}
