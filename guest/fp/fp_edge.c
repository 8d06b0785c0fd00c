/* Every F and D instruction over tables of edge operands (zeros, infinities,
 * quiet and signaling NaNs, subnormals, extreme normals, values next to
 * rounding and conversion boundaries, singles that are not NaN-boxed), each
 * under the five static rounding modes and the five dynamic ones. Prints one
 * line per instruction executed (see fp_common.h); compared with qemu. */
#include "fp_ops.h"

/* Values around the integer conversion limits and the rounding ties. */
static const uint64_t cvt_extra_s[] = {
    BOX(0x3f000000), BOX(0xbf000000), BOX(0x3fc00000), BOX(0xbfc00000), BOX(0x40200000),
    BOX(0xc0200000), BOX(0x4effffff), BOX(0x4f800000), BOX(0x4f7fffff), BOX(0xcf000001),
    BOX(0x5effffff), BOX(0x5f7fffff), BOX(0x5f800000), BOX(0xdf000000), BOX(0xdf000001),
    BOX(0xbf7fffff), BOX(0x3effffff), BOX(0x4b7fffff),
};

static const uint64_t cvt_extra_d[] = {
    0x3fe0000000000000ULL, 0xbfe0000000000000ULL, 0xbff8000000000000ULL, 0x4004000000000000ULL,
    0xc004000000000000ULL, 0x41dfffffffc00000ULL, 0x41dfffffffe00000ULL, 0x41dffffffff00000ULL,
    0x41e0000000100000ULL, 0xc1e0000000100000ULL, 0xc1e0000000200000ULL, 0x41efffffffe00000ULL,
    0x41efffffffe00001ULL, 0x41effffffff00000ULL, 0x41f0000000000000ULL, 0x43dfffffffffffffULL,
    0x43efffffffffffffULL, 0x43f0000000000000ULL, 0xc3e0000000000001ULL, 0xbfefffffffffffffULL,
    0x3fe0000000000001ULL, 0x36a0000000000000ULL, 0x3810000000000000ULL, 0x380fffffffffffffULL,
    0x47efffffe0000000ULL, 0x47effffff0000000ULL, 0xc7effffff0000001ULL, 0x36a0000000000001ULL,
};

static void run_table(const struct fp_op *op, const uint64_t *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        fp_run_all_rm(op, v[i], 0, 0);
}

int main(void)
{
    for (unsigned t = 0; t < FP_COUNT(fp_table); t++) {
        const struct fp_entry *e = &fp_table[t];
        const uint64_t *v = e->dbl ? fp_edge_d : fp_edge_s;
        unsigned n = e->dbl ? FP_COUNT(fp_edge_d) : FP_COUNT(fp_edge_s);
        switch (e->kind) {
        case K_FF1:
        case K_FX1:
            run_table(&e->op, v, n);
            if (e->dbl)
                run_table(&e->op, cvt_extra_d, FP_COUNT(cvt_extra_d));
            else
                run_table(&e->op, cvt_extra_s, FP_COUNT(cvt_extra_s));
            break;
        case K_FF2:
        case K_FX2:
            for (unsigned i = 0; i < n; i++)
                for (unsigned j = 0; j < n; j++)
                    fp_run_all_rm(&e->op, v[i], v[j], 0);
            break;
        case K_XF1:
            run_table(&e->op, fp_edge_int, FP_COUNT(fp_edge_int));
            break;
        case K_FF3:  /* fp_fma.c */
            break;
        }
    }
    fp_flush();
    return 0;
}
