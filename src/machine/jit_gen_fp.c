/* Double-precision operations in generated code: the host-FPU fast path
 * of jit_fp.c (the interpreter's, fp_fast.h) with its conditions checked
 * inline, so that the bits and flags are those of the software FPU; when a
 * condition fails the code jumps to the caller's slow path (jit_fp_help,
 * which decides again in C). Only f[] and fcsr are touched, through rbp
 * (the hart); rax, rcx, rdx, rsi, rdi and xmm0-1 are scratch. */
#include "jit_int.h"

#include <stddef.h>

#include "fp_fast.h"

#define OFF_FCSR ((int32_t)offsetof(struct hart, fcsr))

static bool have_fma(void)
{
    static int v = -1;
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("fma") != 0;
    }
    return v;
}

/* An SSE op xmm, qword [rbp + disp]: prefix 0f opc /r. */
static void sse_m(struct jbuf *b, uint8_t prefix, uint8_t opc, int xmm, int32_t disp)
{
    x_byte(b, prefix);
    x_byte(b, 0x0f);
    x_byte(b, opc);
    x_byte(b, (uint8_t)(0x80 | (xmm << 3) | RBP));   /* [rbp + disp32] */
    x_u32(b, (uint32_t)disp);
}

/* vfm*213sd xmm0, xmm1, qword [rbp + disp]: xmm0 = +-(xmm1 * xmm0) +- m. */
static void fma213(struct jbuf *b, uint8_t opc, int32_t disp)
{
    x_byte(b, 0xc4);
    x_byte(b, 0xe2);                 /* R X B set (no extension), map 0f38 */
    x_byte(b, (uint8_t)(0x80 | ((~1u & 15) << 3) | 1));   /* W1, vvvv = ~xmm1, L0, pp 66 */
    x_byte(b, opc);
    x_byte(b, (uint8_t)(0x80 | (0 << 3) | RBP));
    x_u32(b, (uint32_t)disp);
}

static void slow_if(struct jbuf *b, int cc, uint8_t **slow, unsigned *nslow)
{
    slow[(*nslow)++] = x_jcc(b, cc);
}

/* rdx = 2 * |f[r]| (the sign shifted out); then to slow unless zero or
 * normal (normal only, if !zero_ok). rcx = 2 * F64_MIN_NORMAL, rdi =
 * 2 * (F64_INF - F64_MIN_NORMAL). */
static void check_operand(struct jbuf *b, unsigned r, bool zero_ok, uint8_t **slow, unsigned *nslow)
{
    x_load(b, RDX, RBP, FR(r));
    x_alu_rr(b, ALU_ADD, RDX, RDX, true);
    uint8_t *zero = zero_ok ? x_jcc(b, CC_E) : NULL;
    x_alu_rr(b, ALU_SUB, RDX, RCX, true);
    x_alu_rr(b, ALU_CMP, RDX, RDI, true);
    slow_if(b, CC_AE, slow, nslow);
    if (zero)
        x_patch(zero, b, b->p);
}

/* f[rd] = fsgnj*(f[rs1], f[rs2]): no flags, no conditions. */
static void sgnj(struct jbuf *b, const struct dinsn *d)
{
    x_load(b, RAX, RBP, FR(d->rs1));
    x_load(b, RDX, RBP, FR(d->rs2));
    x_mov_imm(b, RCX, F64_SIGN);
    if (d->op == OP_FSGNJX_D) {
        x_alu_rr(b, ALU_AND, RDX, RCX, true);
        x_alu_rr(b, ALU_XOR, RAX, RDX, true);
    } else {
        if (d->op == OP_FSGNJN_D)
            x_alu_rr(b, ALU_XOR, RDX, RCX, true);
        x_alu_rr(b, ALU_AND, RDX, RCX, true);
        x_mov_imm(b, RCX, ~F64_SIGN);
        x_alu_rr(b, ALU_AND, RAX, RCX, true);
        x_alu_rr(b, ALU_OR, RAX, RDX, true);
    }
    x_store(b, RAX, RBP, FR(d->rd), 8);
}

bool jit_emit_fp(struct jbuf *b, const struct dinsn *d, uint8_t **slow, unsigned *nslow)
{
    *nslow = 0;
    unsigned rm = (d->raw >> 12) & 7, rs3 = (d->raw >> 27) & 31;
    uint8_t sse = 0, fma = 0;
    switch ((enum op)d->op) {
    case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D: sgnj(b, d); return true;
    case OP_FADD_D: sse = 0x58; break;
    case OP_FSUB_D: sse = 0x5c; break;
    case OP_FMUL_D: sse = 0x59; break;
    case OP_FDIV_D: sse = 0x5e; break;
    case OP_FMADD_D: fma = 0xa9; break;    /* a * b + c */
    case OP_FMSUB_D: fma = 0xab; break;    /* a * b - c */
    case OP_FNMSUB_D: fma = 0xad; break;   /* -(a * b) + c */
    case OP_FNMADD_D: fma = 0xaf; break;   /* -(a * b) - c */
    default: return false;
    }
    if ((rm != 0 && rm != 7) || (fma && !have_fma()))
        return false;   /* the fast path never applies (or no host FMA): C */
    /* fp_fast_ok: RNE with NX accrued */
    x_load32(b, RAX, RBP, OFF_FCSR);
    x_alu_ri(b, ALU_AND, RAX, rm == 0 ? 1 : 0xe1, false);
    x_alu_ri(b, ALU_CMP, RAX, 1, false);
    slow_if(b, CC_NE, slow, nslow);
    x_mov_imm(b, RCX, 2 * F64_MIN_NORMAL);
    x_mov_imm(b, RDI, 2 * (F64_INF - F64_MIN_NORMAL));
    check_operand(b, d->rs1, true, slow, nslow);
    check_operand(b, d->rs2, d->op != OP_FDIV_D, slow, nslow);
    if (fma)
        check_operand(b, rs3, true, slow, nslow);
    sse_m(b, 0xf3, 0x7e, 0, FR(d->rs1));   /* movq xmm0, f[rs1] */
    if (fma) {
        sse_m(b, 0xf3, 0x7e, 1, FR(d->rs2));
        fma213(b, fma, FR(rs3));
    } else {
        sse_m(b, 0xf2, sse, 0, FR(d->rs2));
    }
    /* movq rax, xmm0 */
    x_byte(b, 0x66);
    x_byte(b, 0x48);
    x_byte(b, 0x0f);
    x_byte(b, 0x7e);
    x_byte(b, 0xc0);
    /* f64_result_ok: 2|r| in [2 MIN + 2, 2 INF) */
    x_mov_rr(b, RDX, RAX, true);
    x_alu_rr(b, ALU_ADD, RDX, RDX, true);
    x_alu_rr(b, ALU_SUB, RDX, RCX, true);
    x_alu_ri(b, ALU_SUB, RDX, 2, true);
    x_mov_imm(b, RSI, 2 * (F64_INF - F64_MIN_NORMAL) - 2);
    x_alu_rr(b, ALU_CMP, RDX, RSI, true);
    slow_if(b, CC_AE, slow, nslow);
    x_store(b, RAX, RBP, FR(d->rd), 8);
    return true;
}
