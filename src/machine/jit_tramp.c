/* The translator's entry and exit trampolines, the load and store slow
 * paths' shared entries, and the guest registers held in host registers
 * for the whole run (see jit_gen.c). */
#include "jit_int.h"

#include <stddef.h>

/* Guest registers held in host registers for the whole run (those compiled
 * RISC-V code uses most: a5, a4, sp, a0, a3, a1), so that blocks pass them
 * to each other in registers: the entry trampoline loads them and the exit
 * one stores them, so they are in h->x whenever jit_run or the kernel look.
 * Generated code stores them before a call into C that reads guest
 * registers and reloads them after one that may write them; the last four
 * are caller-saved, so they are also saved around every other call. The
 * other guest registers live in h->x. */
const struct jit_greg jit_gregs[NGREGS] = {
    {15, R12}, {14, R13}, {2, R8}, {10, R9}, {13, R10}, {11, R11}};

/* Stores the host-held guest registers to h->x (only the caller-saved ones
 * unless all), and loads them back. */
void jit_save_gregs(struct jbuf *b, bool all)
{
    for (unsigned k = 0; k < NGREGS; k++)
        if (all || jit_caller_saved(jit_gregs[k].host))
            x_store(b, jit_gregs[k].host, RBP, XR(jit_gregs[k].guest), 8);
}

void jit_reload_gregs(struct jbuf *b, bool all)
{
    for (unsigned k = 0; k < NGREGS; k++)
        if (all || jit_caller_saved(jit_gregs[k].host))
            x_load(b, jit_gregs[k].host, RBP, XR(jit_gregs[k].guest));
}

void jit_gen_tramp(struct jit *j, struct jbuf *b)
{
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
    j->enter = (int (*)(struct jit_ctx *, struct hart *, const void *))(uintptr_t)jb_rx(b, b->p);
    for (int i = 0; i < 6; i++)
        x_push(b, saved[i]);
    x_alu_ri(b, ALU_SUB, RSP, 8, true);   /* 16-byte alignment for calls */
    x_mov_rr(b, RBX, RDI, true);
    x_mov_rr(b, RBP, RSI, true);
    x_load(b, LEFT, RBX, OFF_LEFT);
    x_alu_rr(b, ALU_XOR, HITS, HITS, false);
    jit_reload_gregs(b, true);
    x_byte(b, 0xff);
    x_byte(b, 0xe2);   /* jmp rdx */
    j->exit_rx = jb_rx(b, b->p);
    x_store(b, LEFT, RBX, OFF_LEFT, 8);
    jit_save_gregs(b, true);
    /* add [rbx + hits], r15 */
    x_byte(b, 0x4c);
    x_byte(b, 0x01);
    x_byte(b, (uint8_t)(0x40 | ((HITS & 7) << 3) | RBX));
    x_byte(b, (uint8_t)OFF_HITS);
    x_alu_ri(b, ALU_ADD, RSP, 8, true);
    for (int i = 5; i >= 0; i--)
        x_pop(b, saved[i]);
    x_byte(b, 0xc3);
    /* The L0 refills, called from a site's probe stub when the L0 misses:
     * the TLB set's ways compared inline (jl0_refill without the call into
     * C). An L0 miss that hits the TLB is counted as a hit already (the
     * block counted it); a misaligned address or a TLB miss returns with
     * ZF clear for the C slow path, which does the rest. */
    const struct tlb *t = &j->h->mmu.tlb;
    for (int wr = 0; wr < 2; wr++) {
        *(wr ? &j->ctx.refill_st : &j->ctx.refill_ld) = jb_rx(b, b->p);
        if (t->ways > JIT_REFILL_WAYS) {   /* not unrolled: C scans */
            x_alu_ri(b, ALU_CMP, RSP, 0, true);
            x_byte(b, 0xc3);
            continue;
        }
        x_mov_rr(b, RAX, RDX, false);
        x_alu_ri(b, ALU_AND, RAX, PAGE_MASK, false);
        uint8_t *odd = x_jcc(b, CC_NE);
        x_mov_rr(b, RAX, RSI, true);
        x_shift_ri(b, SH_SHR, RAX, PAGE_SHIFT, true);
        x_mov_rr(b, RDX, RAX, false);
        x_alu_ri(b, ALU_AND, RDX, (int32_t)(t->sets - 1), false);
        x_byte(b, 0x48);   /* imul rdx, rdx, imm32 */
        x_byte(b, 0x69);
        x_byte(b, 0xd2);
        x_u32(b, (uint32_t)(t->ways * sizeof(struct tlb_entry)));
        x_alu_rm(b, ALU_OR, RAX, RBX, (int32_t)offsetof(struct jit_ctx, asid_tag), true);
        x_alu_rm(b, ALU_ADD, RDX, RBX, (int32_t)offsetof(struct jit_ctx, tlb_set[wr]), true);
        uint8_t *hit[JIT_REFILL_WAYS];
        for (unsigned w = 0; w < t->ways; w++) {
            x_alu_rm(b, ALU_CMP, RAX, RDX, (int32_t)(w * sizeof(struct tlb_entry)), true);
            hit[w] = x_jcc(b, CC_E);
        }
        x_patch(odd, b, b->p);
        x_byte(b, 0xc3);   /* ZF clear */
        for (unsigned w = 0; w < t->ways; w++) {
            x_patch(hit[w], b, b->p);
            x_load(b, RDX, RDX, (int32_t)(w * sizeof(struct tlb_entry) +
                                          offsetof(struct tlb_entry, addend)));
            x_mov_rr(b, RAX, RSI, false);
            x_shift_ri(b, SH_SHR, RAX, PAGE_SHIFT - 4, false);
            x_alu_ri(b, ALU_AND, RAX, (JL0_SIZE - 1) << 4, false);
            x_lea_x(b, RAX, RBX, RAX, (int32_t)(offsetof(struct jit_ctx, l0) +
                                                 (wr ? JL0_SIZE * sizeof(struct jl0) : 0)));
            x_store(b, RDX, RAX, (int32_t)offsetof(struct jl0, addend), 8);
            x_mov_rr(b, RDX, RSI, true);
            x_alu_ri(b, ALU_AND, RDX, -(int32_t)PAGE_SIZE, true);
            x_store(b, RDX, RAX, (int32_t)offsetof(struct jl0, page), 8);
            x_alu_rr(b, ALU_CMP, RAX, RAX, true);   /* ZF set */
            x_byte(b, 0xc3);
        }
    }
    /* The slow paths, called from a stub: they keep r8..r11 (guest
     * registers) on the stack, which also aligns it for the call. */
    for (int st = 0; st < 2; st++) {
        *(st ? &j->ctx.slow_st : &j->ctx.slow_ld) = jb_rx(b, b->p);
        x_store(b, LEFT, RBX, OFF_LEFT, 8);
        x_alu_ri(b, ALU_SUB, HITS, 1, true);   /* not an inline hit: C counts */
        for (int r = R8; r <= R11; r++)
            x_push(b, r);
        x_alu_ri(b, ALU_SUB, RSP, 8, true);
        x_mov_rr(b, RDI, RBX, true);
        x_call(b, st ? (const void *)jit_st_slow : (const void *)jit_ld_slow);
        x_alu_ri(b, ALU_ADD, RSP, 8, true);
        for (int r = R11; r >= R8; r--)
            x_pop(b, r);
        x_load32(b, RDX, RBX, OFF_CAUSE);
        x_test_rr(b, RDX, RDX);
        x_byte(b, 0xc3);
    }
}
