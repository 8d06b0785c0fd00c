/* A static rounding mode of 5 (reserved) is an illegal instruction even for
 * an exact conversion: the program dies of SIGILL. */
#include "fp_common.h"

int main(void)
{
    fp_puts("fcvt.d.w with rm=5 next\n");
    fp_flush();
    /* fcvt.d.w ft2, a0 with funct3 = 5 */
    __asm__ volatile(".insn r 0x53, 5, 0x69, ft2, a0, x0" : : : "ft2");
    fp_puts("not reached\n");
    fp_flush();
    return 0;
}
