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
