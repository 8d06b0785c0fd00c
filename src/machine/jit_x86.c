/* A small x86-64 emitter for the translator: only the forms jit_gen.c uses,
 * with memory operands [base + disp] (any base register). Writes through the
 * code cache's write view; a full buffer sets b->full and writes nothing
 * more (the caller flushes the cache and translates again). */
#include "jit_int.h"

#include <string.h>


static void rex(struct jbuf *b, bool w, int reg, int base, bool force)
{
    uint8_t r = (uint8_t)(0x40 | (w << 3) | (((reg >> 3) & 1) << 2) | ((base >> 3) & 1));
    if (r != 0x40 || force)
        x_byte(b, r);
}

static void modrm_mem(struct jbuf *b, int reg, int base, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    x_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    if ((base & 7) == 4)
        x_byte(b, 0x24);   /* SIB: no index, base */
    if (mod == 1)
        x_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x_u32(b, (uint32_t)disp);
}

static void modrm_rr(struct jbuf *b, int reg, int rm)
{
    x_byte(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* op reg, [base + disp] */
static void op_rm(struct jbuf *b, bool w, const uint8_t *op, int nop, int reg, int base, int32_t disp,
                  bool force)
{
    rex(b, w, reg, base, force);
    for (int i = 0; i < nop; i++)
        x_byte(b, op[i]);
    modrm_mem(b, reg, base, disp);
}

void x_load(struct jbuf *b, int reg, int base, int32_t disp)
{
    op_rm(b, true, (const uint8_t[]){0x8b}, 1, reg, base, disp, false);
}

void x_load32(struct jbuf *b, int reg, int base, int32_t disp)
{
    op_rm(b, false, (const uint8_t[]){0x8b}, 1, reg, base, disp, false);
}

void x_store(struct jbuf *b, int reg, int base, int32_t disp, unsigned size)
{
    switch (size) {
    case 1: op_rm(b, false, (const uint8_t[]){0x88}, 1, reg, base, disp, true); break;
    case 2:
        x_byte(b, 0x66);
        op_rm(b, false, (const uint8_t[]){0x89}, 1, reg, base, disp, false);
        break;
    case 4: op_rm(b, false, (const uint8_t[]){0x89}, 1, reg, base, disp, false); break;
    default: op_rm(b, true, (const uint8_t[]){0x89}, 1, reg, base, disp, false); break;
    }
}

void x_load_ext(struct jbuf *b, int reg, int base, int32_t disp, unsigned size, bool sign)
{
    switch (size) {
    case 1: op_rm(b, true, (const uint8_t[]){0x0f, sign ? 0xbe : 0xb6}, 2, reg, base, disp, false); break;
    case 2: op_rm(b, true, (const uint8_t[]){0x0f, sign ? 0xbf : 0xb7}, 2, reg, base, disp, false); break;
    case 4:
        if (sign)
            op_rm(b, true, (const uint8_t[]){0x63}, 1, reg, base, disp, false);
        else
            x_load32(b, reg, base, disp);
        break;
    default: x_load(b, reg, base, disp); break;
    }
}

void x_mov_imm(struct jbuf *b, int reg, uint64_t v)
{
    if (v <= UINT32_MAX) {   /* mov r32, imm32 zero-extends */
        rex(b, false, 0, reg, false);
        x_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x_u32(b, (uint32_t)v);
    } else if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        rex(b, true, 0, reg, false);
        x_byte(b, 0xc7);
        modrm_rr(b, 0, reg);
        x_u32(b, (uint32_t)v);
    } else {
        rex(b, true, 0, reg, false);
        x_byte(b, (uint8_t)(0xb8 + (reg & 7)));
        x_u64(b, v);
    }
}

void x_mov_rr(struct jbuf *b, int dst, int src, bool w)
{
    rex(b, w, src, dst, false);
    x_byte(b, 0x89);
    modrm_rr(b, src, dst);
}

void x_store_imm(struct jbuf *b, int base, int32_t disp, int32_t v)
{
    op_rm(b, true, (const uint8_t[]){0xc7}, 1, 0, base, disp, false);
    x_u32(b, (uint32_t)v);
}

void x_alu_rm(struct jbuf *b, int op, int reg, int base, int32_t disp, bool w)
{
    op_rm(b, w, (const uint8_t[]){(uint8_t)(op * 8 + 3)}, 1, reg, base, disp, false);
}

void x_alu_ri(struct jbuf *b, int op, int reg, int32_t imm, bool w)
{
    rex(b, w, 0, reg, false);
    if (imm >= -128 && imm <= 127) {
        x_byte(b, 0x83);
        modrm_rr(b, op, reg);
        x_byte(b, (uint8_t)imm);
    } else {
        x_byte(b, 0x81);
        modrm_rr(b, op, reg);
        x_u32(b, (uint32_t)imm);
    }
}

void x_alu_rr(struct jbuf *b, int op, int dst, int src, bool w)
{
    rex(b, w, src, dst, false);
    x_byte(b, (uint8_t)(op * 8 + 1));
    modrm_rr(b, src, dst);
}

void x_alu_mi(struct jbuf *b, int op, int base, int32_t disp, int32_t imm)
{
    op_rm(b, true, (const uint8_t[]){0x81}, 1, op, base, disp, false);
    x_u32(b, (uint32_t)imm);
}

void x_shift_ri(struct jbuf *b, int op, int reg, unsigned n, bool w)
{
    rex(b, w, 0, reg, false);
    x_byte(b, 0xc1);
    modrm_rr(b, op, reg);
    x_byte(b, (uint8_t)n);
}

void x_shift_rcl(struct jbuf *b, int op, int reg, bool w)
{
    rex(b, w, 0, reg, false);
    x_byte(b, 0xd3);
    modrm_rr(b, op, reg);
}

void x_imul_rm(struct jbuf *b, int reg, int base, int32_t disp, bool w)
{
    op_rm(b, w, (const uint8_t[]){0x0f, 0xaf}, 2, reg, base, disp, false);
}

void x_mul1_m(struct jbuf *b, int ext, int base, int32_t disp)
{
    op_rm(b, true, (const uint8_t[]){0xf7}, 1, ext, base, disp, false);
}

void x_movsxd(struct jbuf *b, int dst, int src)
{
    rex(b, true, dst, src, false);
    x_byte(b, 0x63);
    modrm_rr(b, dst, src);
}

void x_movzx_rr(struct jbuf *b, int dst, int src, unsigned size)
{
    rex(b, false, dst, src, size == 1 && src >= 4);   /* sil/dil, not dh/bh */
    x_byte(b, 0x0f);
    x_byte(b, size == 1 ? 0xb6 : 0xb7);
    modrm_rr(b, dst, src);
}

bool x_have_bmi2(void)
{
    static int v = -1;
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("bmi2") != 0;
    }
    return v;
}

void x_shiftx(struct jbuf *b, int op, int dst, int src, int count, bool w)
{
    /* VEX.LZ.0F38.W F7 /r: pp 66 = shlx, F2 = shrx, F3 = sarx; vvvv = count */
    uint8_t pp = op == SH_SHL ? 1 : op == SH_SHR ? 3 : 2;
    x_byte(b, 0xc4);
    x_byte(b, (uint8_t)((((dst >> 3) & 1) ^ 1) << 7 | 1 << 6 | (((src >> 3) & 1) ^ 1) << 5 | 2));
    x_byte(b, (uint8_t)((w ? 0x80 : 0) | ((~count & 15) << 3) | pp));
    x_byte(b, 0xf7);
    modrm_rr(b, dst, src);
}

void x_setcc(struct jbuf *b, int cc, int reg)
{
    rex(b, false, 0, reg, reg >= 4);
    x_byte(b, 0x0f);
    x_byte(b, (uint8_t)(0x90 + cc));
    modrm_rr(b, 0, reg);
}

void x_inc(struct jbuf *b, int reg)
{
    rex(b, true, 0, reg, false);
    x_byte(b, 0xff);
    modrm_rr(b, 0, reg);
}

void x_call(struct jbuf *b, const void *fn)
{
    x_mov_imm(b, RAX, (uint64_t)(uintptr_t)fn);
    x_byte(b, 0xff);
    x_byte(b, 0xd0);   /* call rax */
}

uint8_t *x_jcc(struct jbuf *b, int cc)
{
    x_byte(b, 0x0f);
    x_byte(b, (uint8_t)(0x80 + cc));
    uint8_t *rel = b->p;
    x_u32(b, 0);
    return b->full ? NULL : rel;
}

uint8_t *x_jmp(struct jbuf *b)
{
    x_byte(b, 0xe9);
    uint8_t *rel = b->p;
    x_u32(b, 0);
    return b->full ? NULL : rel;
}

void x_patch(uint8_t *rel, const struct jbuf *b, const uint8_t *target_w)
{
    (void)b;
    if (!rel)
        return;
    int32_t d = (int32_t)(target_w - (rel + 4));
    memcpy(rel, &d, 4);
}

void x_jmp_to(struct jbuf *b, const uint8_t *target_rx)
{
    uint8_t *rel = x_jmp(b);
    if (rel) {
        int32_t d = (int32_t)(target_rx - (jb_rx(b, rel) + 4));
        memcpy(rel, &d, 4);
    }
}

void x_push(struct jbuf *b, int reg)
{
    rex(b, false, 0, reg, false);
    x_byte(b, (uint8_t)(0x50 + (reg & 7)));
}

void x_pop(struct jbuf *b, int reg)
{
    rex(b, false, 0, reg, false);
    x_byte(b, (uint8_t)(0x58 + (reg & 7)));
}

void x_imul_rr(struct jbuf *b, int dst, int src, bool w)
{
    rex(b, w, dst, src, false);
    x_byte(b, 0x0f);
    x_byte(b, 0xaf);
    modrm_rr(b, dst, src);
}

void x_mul1_r(struct jbuf *b, int ext, int reg)
{
    rex(b, true, 0, reg, false);
    x_byte(b, 0xf7);
    modrm_rr(b, ext, reg);
}

void x_jmp_r(struct jbuf *b, int reg)
{
    rex(b, false, 0, reg, false);
    x_byte(b, 0xff);
    modrm_rr(b, 4, reg);
}

void x_test_rr(struct jbuf *b, int a, int c)
{
    rex(b, true, c, a, false);
    x_byte(b, 0x85);
    modrm_rr(b, c, a);
}

void x_inc_m(struct jbuf *b, int base, int32_t disp)
{
    op_rm(b, true, (const uint8_t[]){0xff}, 1, 0, base, disp, false);
}

void x_jmp_m(struct jbuf *b, int base, int32_t disp)
{
    op_rm(b, false, (const uint8_t[]){0xff}, 1, 4, base, disp, false);
}

void x_lea(struct jbuf *b, int dst, int base, int32_t disp)
{
    op_rm(b, true, (const uint8_t[]){0x8d}, 1, dst, base, disp, false);
}

static void op_rmx(struct jbuf *b, uint8_t opc, int reg, int base, int index, int32_t disp)
{
    x_byte(b, (uint8_t)(0x48 | (((reg >> 3) & 1) << 2) | (((index >> 3) & 1) << 1) | ((base >> 3) & 1)));
    x_byte(b, opc);
    bool d8 = disp >= -128 && disp <= 127;
    x_byte(b, (uint8_t)((d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | 4));
    x_byte(b, (uint8_t)(((index & 7) << 3) | (base & 7)));
    if (d8)
        x_byte(b, (uint8_t)disp);
    else
        x_u32(b, (uint32_t)disp);
}

void x_alu_rmx(struct jbuf *b, int op, int reg, int base, int index, int32_t disp)
{
    op_rmx(b, (uint8_t)(op * 8 + 3), reg, base, index, disp);
}

void x_lea_x(struct jbuf *b, int dst, int base, int index, int32_t disp)
{
    op_rmx(b, 0x8d, dst, base, index, disp);
}

void x_call_m(struct jbuf *b, int base, int32_t disp)
{
    op_rm(b, false, (const uint8_t[]){0xff}, 1, 2, base, disp, false);
}
