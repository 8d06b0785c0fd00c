/* Every F and D instruction on pseudo-random operands shaped to reach the
 * hard cases: exponents near the overflow and underflow thresholds, near 1.0
 * and near the integer conversion limits, significands of all ones, all
 * zeros or a few low bits, operand pairs that nearly cancel, addends of the
 * size of the product. Random rounding mode, static or dynamic. Deterministic
 * (fixed seed), so vmsim's output can be compared with qemu's. */
#include "fp_ops.h"

#ifndef ROUNDS
#define ROUNDS 300
#endif

enum shape { SH_ANY, SH_CVT };

static uint64_t make_float(int dbl, int sign, uint64_t bexp, uint64_t mant)
{
    int mbits = dbl ? 52 : 23;
    uint64_t bits = (uint64_t)sign << (mbits + (dbl ? 11 : 8)) | bexp << mbits |
                    (mant & ((1ULL << mbits) - 1));
    return dbl ? bits : BOX(bits);
}

static uint64_t rand_mant(void)
{
    uint64_t r = fp_rand();
    switch (fp_rand() & 7) {
    case 0: return 0;
    case 1: return ~0ULL;
    case 2: return r & 0xff;
    case 3: return ~(r & 0xf);
    case 4: return r << (r & 63);
    default: return r;
    }
}

static uint64_t rand_float(int dbl, enum shape sh)
{
    uint64_t r = fp_rand();
    int bias = dbl ? 1023 : 127;
    uint64_t emax = dbl ? 2047 : 255;
    int sign = r & 1;
    uint64_t e;
    if (sh == SH_CVT) {
        e = bias - 2 + (r >> 8) % 70;
        if (((r >> 4) & 15) == 0)
            return fp_edge_s[0] ^ (dbl ? 0 : 0);  /* +0 now and then */
        return make_float(dbl, sign, e, rand_mant());
    }
    switch ((r >> 1) & 15) {
    case 0: e = 0; break;
    case 1: e = 1 + ((r >> 8) & 1); break;
    case 2: e = emax - 1 - ((r >> 8) & 1); break;
    case 3: e = (r >> 8) & 1 ? emax : (uint64_t)(bias / 2 + ((r >> 9) & 3)); break;
    case 4: e = (uint64_t)(dbl ? 1023 + 512 : 127 + 64) + ((r >> 8) & 3); break;
    case 5: e = (uint64_t)(dbl ? 1023 - 512 : 127 - 63) + ((r >> 8) & 3); break;
    case 6:
    case 7:
    case 8: e = 1 + (r >> 8) % (emax - 1); break;
    default: e = bias - 32 + (r >> 8) % 64; break;
    }
    return make_float(dbl, sign, e, rand_mant());
}

static uint64_t bexp_of(int dbl, uint64_t v) { return dbl ? (v >> 52) & 2047 : (v >> 23) & 255; }

/* An operand close to a in magnitude (cancellation), either sign. */
static uint64_t near(int dbl, uint64_t a)
{
    uint64_t r = fp_rand();
    int mbits = dbl ? 52 : 23;
    uint64_t e = bexp_of(dbl, a);
    if (e > 3 && e < (dbl ? 2044u : 252u))
        e = e - 1 + ((r >> 2) % 3);
    uint64_t mant = (a ^ (r >> 8 & (r >> 20) & 0xff)) & ((1ULL << mbits) - 1);
    return make_float(dbl, r & 1, e, mant);
}

/* An addend about as large as a * b. */
static uint64_t addend_for(int dbl, uint64_t a, uint64_t b)
{
    uint64_t r = fp_rand();
    int bias = dbl ? 1023 : 127;
    int64_t e = (int64_t)bexp_of(dbl, a) + (int64_t)bexp_of(dbl, b) - bias + (int64_t)(r % 5) - 2;
    int64_t emax = dbl ? 2047 : 255;
    if (e <= 0 || e >= emax)
        return rand_float(dbl, SH_ANY);
    uint64_t mant = (r >> 8) & 1 ? fp_rand() : (a ^ b) >> ((r >> 9) & 7);
    return make_float(dbl, (r >> 16) & 1, (uint64_t)e, mant);
}

static uint64_t rand_int(void)
{
    uint64_t r = fp_rand(), x = fp_rand();
    x >>= r & 63;
    if ((r >> 6) & 1)
        x = -x;
    if (((r >> 7) & 7) == 0)
        x |= 0xff;  /* sticky bits below a long run */
    return x;
}

int main(void)
{
    for (unsigned t = 0; t < FP_COUNT(fp_table); t++) {
        const struct fp_entry *e = &fp_table[t];
        int dbl = e->dbl;
        for (int i = 0; i < ROUNDS; i++) {
            uint64_t a, b = 0, c = 0, r = fp_rand();
            int rmi = (int)(r % 6);
            unsigned frm = (unsigned)((r >> 8) % 5);
            switch (e->kind) {
            case K_FX1:
                a = rand_float(dbl, (r >> 12) & 1 ? SH_CVT : SH_ANY);
                break;
            case K_XF1:
                a = rand_int();
                break;
            case K_FF3:
                a = rand_float(dbl, SH_ANY);
                b = rand_float(dbl, SH_ANY);
                c = (r >> 12) & 3 ? addend_for(dbl, a, b) : rand_float(dbl, SH_ANY);
                break;
            default:
                a = rand_float(dbl, SH_ANY);
                b = (r >> 12) & 1 ? near(dbl, a) : rand_float(dbl, SH_ANY);
                break;
            }
            fp_run(&e->op, e->op.has_rm ? rmi : 0, frm, a, b, c);
        }
    }
    fp_flush();
    return 0;
}
