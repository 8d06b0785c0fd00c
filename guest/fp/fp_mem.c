/* FP loads and stores and NaN boxing around them: flw boxes the loaded
 * single, fsw stores the low 32 bits as they are (boxed or not), fld/fsd
 * move 64 bits untouched, compressed forms too; fmv.x.w of a loaded single
 * sign-extends. Prints register and memory patterns in hex. */
#include "fp_common.h"

static uint64_t mem[4];

static void show(const char *what, uint64_t v)
{
    fp_puts(what);
    fp_putc(' ');
    fp_hex(v, 16);
    fp_putc('\n');
}

int main(void)
{
    uint64_t r;
    mem[0] = 0x1122334455667788ULL;
    mem[1] = 0xfedcba9880000001ULL;
    /* flw boxes */
    __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(r) : "r"(mem) : "ft0", "memory");
    show("flw lo", r);
    __asm__ volatile("flw ft0, 4(%1)\n fmv.x.d %0, ft0" : "=r"(r) : "r"(mem) : "ft0", "memory");
    show("flw hi", r);
    /* fsw of a non-boxed register stores its low half */
    __asm__ volatile("fmv.d.x ft1, %0\n fsw ft1, 16(%1)" : : "r"(0x0123456789abcdefULL), "r"(mem)
                     : "ft1", "memory");
    show("fsw unboxed", mem[2]);
    /* fld/fsd round trip of a signaling NaN: no change, no flags */
    __asm__ volatile("fsflags x0\n fld ft2, 8(%1)\n fsd ft2, 24(%1)\n frflags %0"
                     : "=r"(r) : "r"(mem) : "ft2", "memory");
    show("fld/fsd flags", r);
    show("fsd", mem[3]);
    mem[3] = 0x7ff0000000000001ULL;
    __asm__ volatile("fld ft2, 24(%1)\n fmv.x.d %0, ft2" : "=r"(r) : "r"(mem) : "ft2", "memory");
    show("fld snan", r);
    /* compressed: c.fld / c.fsd with registers in the x8..x15 / f8..f15 range */
    {
        register uint64_t *base __asm__("s0") = mem;
        __asm__ volatile(".option push\n .option rvc\n c.fld fs0, 8(s0)\n c.fsd fs0, 16(s0)\n"
                         ".option pop"
                         : : "r"(base) : "fs0", "memory");
    }
    show("c.fld/c.fsd", mem[2]);
    /* fmv.x.w of a loaded negative single sign-extends */
    __asm__ volatile("flw ft0, 8(%1)\n fmv.x.w %0, ft0" : "=r"(r) : "r"(mem) : "ft0", "memory");
    show("fmv.x.w", r);
    /* arithmetic on the loaded single: boxed input works */
    mem[0] = 0x3f8000003f800000ULL;
    __asm__ volatile("flw ft0, 0(%1)\n fadd.s ft0, ft0, ft0\n fmv.x.d %0, ft0"
                     : "=r"(r) : "r"(mem) : "ft0", "memory");
    show("flw+fadd.s", r);
    fp_flush();
    return 0;
}
