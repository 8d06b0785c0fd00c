/* The fused multiply-adds over triples of edge operands (special values,
 * exact cancellation, products that overflow or underflow, inf * 0 with a
 * quiet NaN addend), under every static rounding mode, and a dynamic one
 * for a third of them. */
#include "fp_ops.h"

static const uint64_t fma_s[] = {
    BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800001), BOX(0x3f800001), BOX(0x00000001),
    BOX(0x00800000), BOX(0x7f7fffff), BOX(0xff800000), BOX(0x7fc00000), BOX(0x7f800001),
    BOX(0x1f800000), 0x000000003f800000ULL,
};

static const uint64_t fma_d[] = {
    0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000001ULL, 0x3ff0000000000001ULL,
    0x0000000000000001ULL, 0x0010000000000000ULL, 0x7fefffffffffffffULL, 0xfff0000000000000ULL,
    0x7ff8000000000000ULL, 0x7ff0000000000001ULL, 0x1ff0000000000000ULL, 0xbcb0000000000000ULL,
};

int main(void)
{
    for (unsigned t = 0; t < FP_COUNT(fp_table); t++) {
        const struct fp_entry *e = &fp_table[t];
        if (e->kind != K_FF3)
            continue;
        const uint64_t *v = e->dbl ? fma_d : fma_s;
        unsigned n = e->dbl ? FP_COUNT(fma_d) : FP_COUNT(fma_s);
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < n; j++)
                for (unsigned k = 0; k < n; k++) {
                    for (int rmi = 0; rmi < 5; rmi++)
                        fp_run(&e->op, rmi, 0, v[i], v[j], v[k]);
                    if ((i + j + k) % 3 == 0)
                        fp_run(&e->op, 5, (i + j + k) / 3 % 5, v[i], v[j], v[k]);
                }
    }
    fp_flush();
    return 0;
}
