/* A dynamic rounding mode with frm = 5 (reserved) is an illegal instruction:
 * the program dies of SIGILL after printing what the valid modes gave. */
#include "fp_common.h"

int main(void)
{
    struct fp_res res;
    uint64_t a = BOX(0x3f800000), b = BOX(0x33800000), c = 0;
    for (unsigned frm = 0; frm <= 4; frm++) {
        fp_set_frm(frm);
        struct fp_res *out = &res;
        uintptr_t p;
        FP_ASM("fadd.s ft2, ft0, ft1, dyn", FP_OUT_F);
        res.insn = *(const uint32_t *)p;
        fp_report("fadd.s", 5, &res, a, b, c, frm);
    }
    fp_puts("frm=5 next\n");
    fp_flush();
    fp_set_frm(5);
    struct fp_res *out = &res;
    uintptr_t p;
    FP_ASM("fadd.s ft2, ft0, ft1, dyn", FP_OUT_F);
    fp_puts("not reached\n");
    fp_flush();
    return (int)p;
}
