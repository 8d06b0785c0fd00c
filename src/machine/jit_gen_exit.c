/* How a translated block leaves: exits to jit_run that it may chain, jumps
 * to other pages through far-jump records (jit_int.h, struct jfar), and the
 * instruction that straddles the page's end (run in C, then left as a jump
 * to another page, as the interpreter fetches after it). */
#include "jit_gen.h"

/* To another page: target (direct) or rax (indirect), the block's register
 * swaps undone. The fast path enters the target's page and
 * block through a jfar record (the exit's own, or the indirect table's slot
 * of the target) when it still holds, counting the fetch-TLB hit the
 * interpreter's page entry makes; else jit_far, else jit_run. */
void jg_far_jump(struct gen *g, bool direct, uint64_t target)
{
    struct jbuf *b = g->b;
    uint8_t *miss[4] = {0};
    unsigned nmiss = 0;
    if (direct) {
        struct jit *j = g->j;
        if (j->nfar == j->capfar) {
            b->full = true;
            return;
        }
        struct jfar *rec = &j->far[j->nfar++];
        jfar_clear(rec);
        x_mov_imm(b, RCX, (uint64_t)(uintptr_t)rec);
    } else {
        x_mov_rr(b, RCX, RAX, false);
        x_alu_ri(b, ALU_AND, RCX, (JFAR_HASH - 1) << 1, false);
        x_shift_ri(b, SH_SHL, RCX, 5, false);   /* (target >> 1 & mask) * 64 */
        x_mov_imm(b, RSI, (uint64_t)(uintptr_t)g->j->ftab);
        x_alu_rr(b, ALU_ADD, RCX, RSI, true);
        x_alu_rm(b, ALU_CMP, RAX, RCX, JF(target), true);
        miss[nmiss++] = x_jcc(b, CC_NE);
    }
    x_test_rr(b, LEFT, LEFT);
    miss[nmiss++] = x_jcc(b, CC_E);
    x_load(b, RSI, RCX, JF(gen));
    x_alu_rm(b, ALU_CMP, RSI, RBP, OFF_FETCH_GEN, true);
    miss[nmiss++] = x_jcc(b, CC_NE);
    x_inc(b, HITS);   /* the fetch-TLB hit */
    x_inc_m(b, RBX, OFF_FARHITS);
    x_store(b, RCX, RBX, OFF_ENTERED, 8);   /* jit_run takes the page from it */
    x_jmp_m(b, RCX, JF(entry));
    swap_cold(g);
    b = g->b;
    for (unsigned k = 0; k < nmiss; k++)
        x_patch(miss[k], b, b->p);
    if (direct)
        x_mov_imm(b, RAX, target);
    x_store(b, RAX, RBX, OFF_PC, 8);
    x_store_imm(b, RBX, OFF_CHAIN, 0);
    x_store(b, LEFT, RBX, OFF_LEFT, 8);
    jit_save_gregs(b, false);
    x_mov_rr(b, RDI, RBX, true);
    x_mov_rr(b, RSI, RAX, true);
    x_mov_rr(b, RDX, RCX, true);
    x_call(b, (const void *)jit_far);
    jit_reload_gregs(b, false);
    x_test_rr(b, RAX, RAX);
    uint8_t *none = x_jcc(b, CC_E);
    x_jmp_r(b, RAX);
    x_patch(none, b, b->p);
    x_mov_imm(b, RAX, JX_NEXT);
    x_jmp_to(b, g->j->exit_rx);
    swap_cold(g);
}

/* Points the jump whose rel32 is rel (a jmp or a jcc in the hot code) at
 * a cold stub that leaves for target in this page, making rel the exit
 * jit_run chains (points at target's block) the first time it is taken. */
void jg_chain_exit(struct gen *g, uint8_t *rel, uint64_t target)
{
    swap_cold(g);
    struct jbuf *b = g->b;
    x_patch(rel, b, b->p);
    x_mov_imm(b, RAX, rel ? (uint64_t)(uintptr_t)jb_rx(g->cold, rel) : 0);
    x_store(b, RAX, RBX, OFF_CHAIN, 8);
    x_mov_imm(b, RAX, target);
    x_store(b, RAX, RBX, OFF_PC, 8);
    x_mov_imm(b, RAX, JX_NEXT);
    x_jmp_to(b, g->j->exit_rx);
    swap_cold(g);
}

/* Leaves the block for target; chainable exits (a target in the same page)
 * are a jump jit_run may later point at the target's block. */
void jg_exit_to(struct gen *g, uint64_t target, int status)
{
    struct jbuf *b = g->b;
    bool chain = status == JX_NEXT && (target & ~PAGE_MASK) == g->page;
    g_unremap(g);
    if (status == JX_NEXT && !chain) {
        jg_far_jump(g, true, target);
        return;
    }
    if (chain) {
        jg_chain_exit(g, x_jmp(b), target);
        return;
    } else {
        x_store_imm(b, RBX, OFF_CHAIN, 0);
    }
    x_mov_imm(b, RAX, target);
    x_store(b, RAX, RBX, OFF_PC, 8);
    x_mov_imm(b, RAX, (uint64_t)status);
    x_jmp_to(b, g->j->exit_rx);
}

/* The instruction that straddles the page's end, last in its block: in C
 * (jit_straddle; what it reads and writes is not known here, so every
 * guest register is in h->x around the call), then on to wherever it
 * leads, as a jump to another page (the interpreter looks the next page up
 * in the fetch TLB after it, whatever that page is). */
void jg_straddle(struct gen *g, int i)
{
    struct jbuf *b = g->b;
    for (unsigned r = 1; r < 32; r++)
        if (g->hreg[r] >= 0)
            x_store(b, g->hreg[r], RBP, XR(r), 8);
    x_store(b, LEFT, RBX, OFF_LEFT, 8);
    x_mov_rr(b, RDI, RBX, true);
    x_mov_imm(b, RSI, g->pcs[i]);
    x_mov_imm(b, RDX, g->n - (unsigned)i);
    x_mov_imm(b, RCX, g->straddle_lo);
    x_call(b, (const void *)jit_straddle);
    for (unsigned r = 1; r < 32; r++)
        if (g->hreg[r] >= 0)
            x_load(b, g->hreg[r], RBP, XR(r));
    x_alu_ri(b, ALU_CMP, RAX, 0, false);
    add_fix(g, x_jcc(b, CC_NE), FX_TRAP, i, NULL);
    g_unremap(g);
    x_load(b, RAX, RBX, OFF_PC);
    jg_far_jump(g, false, 0);
}

