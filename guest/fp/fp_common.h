/* Shared by the F/D guest programs (guest/fp/): raw-syscall output, and
 * macros that run one FP instruction on 64-bit register patterns under a
 * chosen rounding mode and report result and fflags.
 *
 * Every report line is
 *     <mnemonic> <rm> <insn> <a> <b> <c> <frm> -> <result> <fflags>
 * all in hex: the instruction word (read back from the code), the three
 * operand registers as 64-bit patterns (a single that is not NaN-boxed stays
 * as given), frm during the instruction, the full 64-bit destination (so the
 * NaN-boxing of single results shows) and the accrued fflags. The output must
 * be byte for byte the same under qemu-riscv64 and vmsim.
 *
 * Self-contained on purpose (raw ecalls, no libc), so that it builds both
 * freestanding and against a libc; it only needs something to call main. */
#ifndef GUEST_FP_COMMON_H
#define GUEST_FP_COMMON_H

#include <stdint.h>

static char fp_out[8192];
static unsigned fp_out_len;

static long fp_syscall3(long n, long a0, long a1, long a2)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
    return r_a0;
}

static void fp_flush(void)
{
    unsigned done = 0;
    while (done < fp_out_len) {
        long n = fp_syscall3(64 /* write */, 1, (long)(fp_out + done), fp_out_len - done);
        if (n <= 0)
            break;
        done += (unsigned)n;
    }
    fp_out_len = 0;
}

static void fp_putc(char c)
{
    if (fp_out_len == sizeof fp_out)
        fp_flush();
    fp_out[fp_out_len++] = c;
}

static void fp_puts(const char *s)
{
    while (*s)
        fp_putc(*s++);
}

static void fp_hex(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        fp_putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

/* The rounding modes as the assembler spells them; index 5 = dynamic. */
static const char *const fp_rm_names[6] = {"rne", "rtz", "rdn", "rup", "rmm", "dyn"};

struct fp_res {
    uint32_t insn;
    uint64_t r;
    uint64_t fflags;
};

static void fp_set_frm(unsigned frm)
{
    __asm__ volatile("fsrm %0" : : "r"((uint64_t)frm));
}

static void fp_report(const char *mn, int rmi, const struct fp_res *res, uint64_t a, uint64_t b,
                      uint64_t c, unsigned frm)
{
    fp_puts(mn);
    fp_putc(' ');
    fp_puts(rmi >= 0 ? fp_rm_names[rmi] : "-");
    fp_putc(' ');
    fp_hex(res->insn, 8);
    fp_putc(' ');
    fp_hex(a, 16);
    fp_putc(' ');
    fp_hex(b, 16);
    fp_putc(' ');
    fp_hex(c, 16);
    fp_putc(' ');
    fp_hex(frm, 1);
    fp_puts(" -> ");
    fp_hex(res->r, 16);
    fp_putc(' ');
    fp_hex(res->fflags, 2);
    fp_putc('\n');
}

/* One instruction: operands from a/b/c moved in with fmv.d.x (or in an x
 * register: "r"), result out through fmv.x.d (or directly), fflags cleared
 * before and read after, the instruction word read back through label 1. */
#define FP_ASM(text, rout)                                                  \
    __asm__ volatile("fsflags x0\n"                                              \
                     "fmv.d.x ft0, %[a]\n"                                       \
                     "fmv.d.x ft1, %[b]\n"                                       \
                     "fmv.d.x ft3, %[c]\n"                                       \
                     "1: " text "\n" rout "frflags %[fl]\n"                      \
                     "lla %[p], 1b\n"                                            \
                     : [r] "=&r"(out->r), [fl] "=&r"(out->fflags), [p] "=&r"(p) \
                     : [a] "r"(a), [b] "r"(b), [c] "r"(c)                   \
                     : "ft0", "ft1", "ft2", "ft3", "memory")

#define FP_OUT_F "fmv.x.d %[r], ft2\n"
#define FP_OUT_X ""

/* Defines static void name(a, b, c, rmi, out) running "mn <operands>, <rm>"
 * for rmi 0..5 (5 = dyn). ops is the operand text, e.g. "ft2, ft0, ft1". */
#define FP_DEF(name, mn, ops, rout)                                                      \
    static void name(uint64_t a, uint64_t b, uint64_t c, int rmi, struct fp_res *out)  \
    {                                                                                   \
        uintptr_t p;                                                                    \
        switch (rmi) {                                                                  \
        case 0: FP_ASM(mn " " ops ", rne", rout); break;                              \
        case 1: FP_ASM(mn " " ops ", rtz", rout); break;                              \
        case 2: FP_ASM(mn " " ops ", rdn", rout); break;                              \
        case 3: FP_ASM(mn " " ops ", rup", rout); break;                              \
        case 4: FP_ASM(mn " " ops ", rmm", rout); break;                              \
        default: FP_ASM(mn " " ops ", dyn", rout); break;                             \
        }                                                                               \
        out->insn = *(const uint32_t *)p;                                               \
    }

/* The same for instructions without a rounding-mode operand. */
#define FP_DEF_NORM(name, mn, ops, rout)                                                \
    static void name(uint64_t a, uint64_t b, uint64_t c, int rmi, struct fp_res *out)  \
    {                                                                                   \
        uintptr_t p;                                                                    \
        (void)rmi;                                                                      \
        FP_ASM(mn " " ops, rout);                                                     \
        out->insn = *(const uint32_t *)p;                                               \
    }

/* For the exact conversions, whose rounding-mode operand the assembler
 * refuses: the instruction as ".insn r 0x53, <rm>, <funct7>, <regs>". */
#define FP_DEF_INSN(name, funct7, regs, rout)                                          \
    static void name(uint64_t a, uint64_t b, uint64_t c, int rmi, struct fp_res *out)  \
    {                                                                                   \
        uintptr_t p;                                                                    \
        switch (rmi) {                                                                  \
        case 0: FP_ASM(".insn r 0x53, 0, " funct7 ", " regs, rout); break;              \
        case 1: FP_ASM(".insn r 0x53, 1, " funct7 ", " regs, rout); break;              \
        case 2: FP_ASM(".insn r 0x53, 2, " funct7 ", " regs, rout); break;              \
        case 3: FP_ASM(".insn r 0x53, 3, " funct7 ", " regs, rout); break;              \
        case 4: FP_ASM(".insn r 0x53, 4, " funct7 ", " regs, rout); break;              \
        default: FP_ASM(".insn r 0x53, 7, " funct7 ", " regs, rout); break;             \
        }                                                                               \
        out->insn = *(const uint32_t *)p;                                               \
    }

typedef void (*fp_fn)(uint64_t a, uint64_t b, uint64_t c, int rmi, struct fp_res *out);

struct fp_op {
    const char *mn;
    fp_fn fn;
    int has_rm;
};

/* Runs op once: static rm rmi (0..4) with frm 0, or dynamic (rmi 5) with frm. */
static void fp_run(const struct fp_op *op, int rmi, unsigned frm, uint64_t a, uint64_t b, uint64_t c)
{
    struct fp_res res;
    fp_set_frm(rmi == 5 ? frm : 0);
    op->fn(a, b, c, rmi, &res);
    fp_report(op->mn, op->has_rm ? rmi : -1, &res, a, b, c, rmi == 5 ? frm : 0);
}

/* Runs op under all five static modes and all five dynamic ones. */
__attribute__((unused)) static void fp_run_all_rm(const struct fp_op *op, uint64_t a, uint64_t b, uint64_t c)
{
    if (!op->has_rm) {
        fp_run(op, 0, 0, a, b, c);
        return;
    }
    for (int rmi = 0; rmi < 5; rmi++)
        fp_run(op, rmi, 0, a, b, c);
    for (unsigned frm = 0; frm < 5; frm++)
        fp_run(op, 5, frm, a, b, c);
}

#define BOX(x) (0xffffffff00000000ULL | (uint32_t)(x))

/* Edge operands, singles (NaN-boxed unless marked) and doubles. */
static const uint64_t fp_edge_s[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x3fc00000),
    BOX(0x40400000), BOX(0x3dcccccd), BOX(0x00000001), BOX(0x807fffff), BOX(0x00800000),
    BOX(0x80800000), BOX(0x7f7fffff), BOX(0xff7fffff), BOX(0x7f800000), BOX(0xff800000),
    BOX(0x7fc00000), BOX(0xffc12345), BOX(0x7f800001), BOX(0xff812345), BOX(0x3f800001),
    BOX(0x3f7fffff), BOX(0x4f000000), BOX(0xcf000000), BOX(0x5f000000), BOX(0x34000000),
    BOX(0x3f7ffffe), BOX(0x00800001), /* product 2^-126 (1 - 2^-46): tiny only before rounding */
    0x000000003f800000ULL, /* not NaN-boxed: reads as the canonical NaN */
    0x7fffffff3f800000ULL, /* not NaN-boxed */
};

static const uint64_t fp_edge_d[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x3ff8000000000000ULL, 0x4008000000000000ULL, 0x3fb999999999999aULL, 0x0000000000000001ULL,
    0x800fffffffffffffULL, 0x0010000000000000ULL, 0x8010000000000000ULL, 0x7fefffffffffffffULL,
    0xffefffffffffffffULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
    0xfff8000000012345ULL, 0x7ff0000000000001ULL, 0xfff4000000012345ULL, 0x3ff0000000000001ULL,
    0x3fefffffffffffffULL, 0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x43e0000000000000ULL,
    0x3ca0000000000000ULL, 0xffffffff3f800000ULL, /* a boxed single, as a double */
    0x3feffffffffffffeULL, 0x0010000000000001ULL, /* product 2^-1022 (1 - 2^-104) */
};

#define FP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64*: a deterministic stream of test operands. */
#ifndef FP_SEED
#define FP_SEED 0x9e3779b97f4a7c15ULL
#endif
static uint64_t fp_rand_state = FP_SEED;

__attribute__((unused)) static uint64_t fp_rand(void)
{
    fp_rand_state ^= fp_rand_state >> 12;
    fp_rand_state ^= fp_rand_state << 25;
    fp_rand_state ^= fp_rand_state >> 27;
    return fp_rand_state * 0x2545f4914f6cdd1dULL;
}

#endif
