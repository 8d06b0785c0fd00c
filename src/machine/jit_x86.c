/* A small x86-64 emitter for the translator: only the forms jit_gen.c uses,
 * with memory operands [base + disp] (any base register). Writes through the
 * code cache's write view; a full buffer sets b->full and writes nothing
 * more (the caller flushes the cache and translates again).
 *
 * Each instruction (at most 15 bytes) is written through a local pointer
 * after one check for room: through b->p, the compiler would reload b after
 * every byte (a byte store may alias anything), and translation time is
 * mostly spent here. */
#include "jit_int.h"

#include <string.h>

#define MAX_INSN 16

/* Where the next instruction goes, or NULL (b full). */
static inline uint8_t *room(struct jbuf *b)
{
    if (b->end - b->p < MAX_INSN) {
        b->full = true;
        return NULL;
    }
    return b->p;
}

static inline uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);   /* little-endian host */
    return p + 4;
}

static inline uint8_t *put_rex(uint8_t *p, bool w, int reg, int base, bool force)
{
    uint8_t r = (uint8_t)(0x40 | (w << 3) | (((reg >> 3) & 1) << 2) | ((base >> 3) & 1));
    if (r != 0x40 || force)
        *p++ = r;
    return p;
}

static inline uint8_t *put_modrm_mem(uint8_t *p, int reg, int base, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    *p++ = (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7));
    if ((base & 7) == 4)
        *p++ = 0x24;   /* SIB: no index, base */
    if (mod == 1)
        *p++ = (uint8_t)disp;
    else if (mod == 2)
        p = put_u32(p, (uint32_t)disp);
    return p;
}

static inline uint8_t *put_modrm_rr(uint8_t *p, int reg, int rm)
{
    *p++ = (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7));
    return p;
}

/* op reg, [base + disp]: one or two opcode bytes (op1 0: one); returns the
 * end, for an immediate to follow. */
static inline uint8_t *op_rm(uint8_t *p, bool w, uint8_t op0, uint8_t op1, int reg, int base,
                             int32_t disp, bool force)
{
    p = put_rex(p, w, reg, base, force);
    *p++ = op0;
    if (op1)
        *p++ = op1;
    return put_modrm_mem(p, reg, base, disp);
}

/* The common shapes: [rex] op modrm(reg, [base + disp]) and [rex] op modrm(reg, rm). */
static void emit_rm(struct jbuf *b, bool w, uint8_t op0, uint8_t op1, int reg, int base,
                    int32_t disp, bool force)
{
    uint8_t *p = room(b);
    if (p)
        b->p = op_rm(p, w, op0, op1, reg, base, disp, force);
}

static void emit_rr(struct jbuf *b, bool w, uint8_t op0, uint8_t op1, int reg, int rm, bool force)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    p = put_rex(p, w, reg, rm, force);
    *p++ = op0;
    if (op1)
        *p++ = op1;
    b->p = put_modrm_rr(p, reg, rm);
}

void x_load(struct jbuf *b, int reg, int base, int32_t disp)
{
    emit_rm(b, true, 0x8b, 0, reg, base, disp, false);
}

void x_load32(struct jbuf *b, int reg, int base, int32_t disp)
{
    emit_rm(b, false, 0x8b, 0, reg, base, disp, false);
}

void x_store(struct jbuf *b, int reg, int base, int32_t disp, unsigned size)
{
    switch (size) {
    case 1: emit_rm(b, false, 0x88, 0, reg, base, disp, true); break;
    case 2: {
        uint8_t *p = room(b);
        if (p) {
            *p++ = 0x66;
            b->p = op_rm(p, false, 0x89, 0, reg, base, disp, false);
        }
        break;
    }
    case 4: emit_rm(b, false, 0x89, 0, reg, base, disp, false); break;
    default: emit_rm(b, true, 0x89, 0, reg, base, disp, false); break;
    }
}

void x_load_ext(struct jbuf *b, int reg, int base, int32_t disp, unsigned size, bool sign)
{
    switch (size) {
    case 1: emit_rm(b, true, 0x0f, sign ? 0xbe : 0xb6, reg, base, disp, false); break;
    case 2: emit_rm(b, true, 0x0f, sign ? 0xbf : 0xb7, reg, base, disp, false); break;
    case 4:
        if (sign)
            emit_rm(b, true, 0x63, 0, reg, base, disp, false);
        else
            x_load32(b, reg, base, disp);
        break;
    default: x_load(b, reg, base, disp); break;
    }
}

void x_mov_imm(struct jbuf *b, int reg, uint64_t v)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    if (v <= UINT32_MAX) {   /* mov r32, imm32 zero-extends */
        p = put_rex(p, false, 0, reg, false);
        *p++ = (uint8_t)(0xb8 + (reg & 7));
        p = put_u32(p, (uint32_t)v);
    } else if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        p = put_rex(p, true, 0, reg, false);
        *p++ = 0xc7;
        p = put_modrm_rr(p, 0, reg);
        p = put_u32(p, (uint32_t)v);
    } else {
        p = put_rex(p, true, 0, reg, false);
        *p++ = (uint8_t)(0xb8 + (reg & 7));
        memcpy(p, &v, 8);
        p += 8;
    }
    b->p = p;
}

void x_mov_rr(struct jbuf *b, int dst, int src, bool w)
{
    emit_rr(b, w, 0x89, 0, src, dst, false);
}

void x_store_imm(struct jbuf *b, int base, int32_t disp, int32_t v)
{
    uint8_t *p = room(b);
    if (p)
        b->p = put_u32(op_rm(p, true, 0xc7, 0, 0, base, disp, false), (uint32_t)v);
}

void x_alu_rm(struct jbuf *b, int op, int reg, int base, int32_t disp, bool w)
{
    emit_rm(b, w, (uint8_t)(op * 8 + 3), 0, reg, base, disp, false);
}

void x_alu_ri(struct jbuf *b, int op, int reg, int32_t imm, bool w)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    p = put_rex(p, w, 0, reg, false);
    if (imm >= -128 && imm <= 127) {
        *p++ = 0x83;
        p = put_modrm_rr(p, op, reg);
        *p++ = (uint8_t)imm;
    } else {
        *p++ = 0x81;
        p = put_modrm_rr(p, op, reg);
        p = put_u32(p, (uint32_t)imm);
    }
    b->p = p;
}

void x_alu_rr(struct jbuf *b, int op, int dst, int src, bool w)
{
    emit_rr(b, w, (uint8_t)(op * 8 + 1), 0, src, dst, false);
}

void x_alu_mi(struct jbuf *b, int op, int base, int32_t disp, int32_t imm)
{
    uint8_t *p = room(b);
    if (p)
        b->p = put_u32(op_rm(p, true, 0x81, 0, op, base, disp, false), (uint32_t)imm);
}

void x_shift_ri(struct jbuf *b, int op, int reg, unsigned n, bool w)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    p = put_rex(p, w, 0, reg, false);
    *p++ = 0xc1;
    p = put_modrm_rr(p, op, reg);
    *p++ = (uint8_t)n;
    b->p = p;
}

void x_shift_rcl(struct jbuf *b, int op, int reg, bool w)
{
    emit_rr(b, w, 0xd3, 0, op, reg, false);
}

void x_imul_rm(struct jbuf *b, int reg, int base, int32_t disp, bool w)
{
    emit_rm(b, w, 0x0f, 0xaf, reg, base, disp, false);
}

void x_mul1_m(struct jbuf *b, int ext, int base, int32_t disp)
{
    emit_rm(b, true, 0xf7, 0, ext, base, disp, false);
}

void x_movsxd(struct jbuf *b, int dst, int src)
{
    emit_rr(b, true, 0x63, 0, dst, src, false);
}

void x_movzx_rr(struct jbuf *b, int dst, int src, unsigned size)
{
    /* a REX prefix for sil/dil (not dh/bh) */
    emit_rr(b, false, 0x0f, size == 1 ? 0xb6 : 0xb7, dst, src, size == 1 && src >= 4);
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
    uint8_t *p = room(b);
    if (!p)
        return;
    *p++ = 0xc4;
    *p++ = (uint8_t)((((dst >> 3) & 1) ^ 1) << 7 | 1 << 6 | (((src >> 3) & 1) ^ 1) << 5 | 2);
    *p++ = (uint8_t)((w ? 0x80 : 0) | ((~count & 15) << 3) | pp);
    *p++ = 0xf7;
    b->p = put_modrm_rr(p, dst, src);
}

void x_setcc(struct jbuf *b, int cc, int reg)
{
    emit_rr(b, false, 0x0f, (uint8_t)(0x90 + cc), 0, reg, reg >= 4);
}

void x_inc(struct jbuf *b, int reg)
{
    emit_rr(b, true, 0xff, 0, 0, reg, false);
}

void x_call(struct jbuf *b, const void *fn)
{
    x_mov_imm(b, RAX, (uint64_t)(uintptr_t)fn);
    uint8_t *p = room(b);
    if (p) {
        p[0] = 0xff;
        p[1] = 0xd0;   /* call rax */
        b->p = p + 2;
    }
}

/* An instruction of `len` opcode bytes and a rel32 to fill; returns the
 * rel32's address, or NULL. */
static uint8_t *emit_rel32(struct jbuf *b, uint8_t op0, uint8_t op1, int len)
{
    uint8_t *p = room(b);
    if (!p)
        return NULL;
    *p++ = op0;
    if (len == 2)
        *p++ = op1;
    uint8_t *rel = p;
    b->p = put_u32(p, 0);
    return rel;
}

uint8_t *x_jcc(struct jbuf *b, int cc)
{
    return emit_rel32(b, 0x0f, (uint8_t)(0x80 + cc), 2);
}

uint8_t *x_jmp(struct jbuf *b)
{
    return emit_rel32(b, 0xe9, 0, 1);
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

static void emit_op_reg(struct jbuf *b, uint8_t op, int reg)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    p = put_rex(p, false, 0, reg, false);
    *p++ = (uint8_t)(op + (reg & 7));
    b->p = p;
}

void x_push(struct jbuf *b, int reg)
{
    emit_op_reg(b, 0x50, reg);
}

void x_pop(struct jbuf *b, int reg)
{
    emit_op_reg(b, 0x58, reg);
}

void x_imul_rr(struct jbuf *b, int dst, int src, bool w)
{
    emit_rr(b, w, 0x0f, 0xaf, dst, src, false);
}

void x_mul1_r(struct jbuf *b, int ext, int reg)
{
    emit_rr(b, true, 0xf7, 0, ext, reg, false);
}

void x_jmp_r(struct jbuf *b, int reg)
{
    emit_rr(b, false, 0xff, 0, 4, reg, false);
}

void x_test_rr(struct jbuf *b, int a, int c)
{
    emit_rr(b, true, 0x85, 0, c, a, false);
}

void x_inc_m(struct jbuf *b, int base, int32_t disp)
{
    emit_rm(b, true, 0xff, 0, 0, base, disp, false);
}

void x_jmp_m(struct jbuf *b, int base, int32_t disp)
{
    emit_rm(b, false, 0xff, 0, 4, base, disp, false);
}

void x_lea(struct jbuf *b, int dst, int base, int32_t disp)
{
    emit_rm(b, true, 0x8d, 0, dst, base, disp, false);
}

static void op_rmx(struct jbuf *b, uint8_t opc, int reg, int base, int index, int32_t disp)
{
    uint8_t *p = room(b);
    if (!p)
        return;
    *p++ = (uint8_t)(0x48 | (((reg >> 3) & 1) << 2) | (((index >> 3) & 1) << 1) | ((base >> 3) & 1));
    *p++ = opc;
    bool d8 = disp >= -128 && disp <= 127;
    *p++ = (uint8_t)((d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | 4);
    *p++ = (uint8_t)(((index & 7) << 3) | (base & 7));
    if (d8)
        *p++ = (uint8_t)disp;
    else
        p = put_u32(p, (uint32_t)disp);
    b->p = p;
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
    emit_rm(b, false, 0xff, 0, 2, base, disp, false);
}
