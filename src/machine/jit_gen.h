/* Internal to the block translator (jit_gen*.c): the state of the block
 * being translated, and what its parts share. */
#ifndef VMSIM_MACHINE_JIT_GEN_H
#define VMSIM_MACHINE_JIT_GEN_H

#include <stddef.h>

#include "jit_int.h"

#define JIT_MAX_INSNS 64
#define OFF_PC ((int32_t)offsetof(struct jit_ctx, pc))
#define OFF_CHAIN ((int32_t)offsetof(struct jit_ctx, chain))
#define OFF_ENTERED ((int32_t)offsetof(struct jit_ctx, entered))
#define OFF_FARHITS ((int32_t)offsetof(struct jit_ctx, far_hits))
#define OFF_FETCH_GEN ((int32_t)offsetof(struct hart, mmu.tlb.fetch_gen))
#define JF(f) ((int32_t)offsetof(struct jfar, f))
#define OFF_L0 ((int32_t)offsetof(struct jit_ctx, l0))
#define OFF_SLOW_LD ((int32_t)offsetof(struct jit_ctx, slow_ld))
#define OFF_SLOW_ST ((int32_t)offsetof(struct jit_ctx, slow_st))
#define OFF_REFILL_LD ((int32_t)offsetof(struct jit_ctx, refill_ld))
#define OFF_REFILL_ST ((int32_t)offsetof(struct jit_ctx, refill_st))
#define OFF_SITE ((int32_t)offsetof(struct jit_ctx, site))
#define OFF_L0W (OFF_L0 + (int32_t)(JL0_SIZE * sizeof(struct jl0)))

/* A fixup: a rel32 that must point at an out-of-line stub. */
struct fix {
    uint8_t *rel;
    int kind;           /* FX_TRAP, FX_LD, FX_ST, FX_UNDER */
    int i;              /* instruction index */
    uint8_t *back;      /* where the slow path resumes (write view) */
    int reg;            /* FX_LD: where the value goes */
    int32_t site;       /* FX_PROBE: ctx offset of the site's entry pointer */
    bool wr;            /* FX_PROBE: a store */
    int slow;           /* FX_PROBE: FX_LD or FX_ST, for a miss */
    uint8_t *rel2back;  /* FX_PROBE: where that slow path resumes */
};
enum { FX_TRAP, FX_LD, FX_ST, FX_UNDER, FX_PROBE };

struct gen {
    struct jit *j;
    struct jbuf *b;
    struct jbuf *cold;      /* slow paths and stubs, apart from the hot code */
    uint64_t page;          /* va of the block's page */
    uint64_t pc0;
    unsigned n;
    struct dinsn d[JIT_MAX_INSNS];
    uint64_t pcs[JIT_MAX_INSNS];
    struct fix fx[4 * JIT_MAX_INSNS + 1];
    unsigned nfx;
    uint8_t *body;          /* after the budget check and the swaps (write view) */
    int8_t hreg[33];        /* host register holding guest x[r], or -1 */
    /* Remapped for this block: host register remap[k].host holds guest
     * remap[k].guest instead of the global remap[k].displaced. */
    struct { uint8_t guest, displaced; int8_t host; } remap[NGREGS];
    unsigned nremap;
    /* Inline loads and stores after instruction i: the block adds all of
     * its own to the hit count on entry (a slow path takes one back, a
     * trap at i those after i), rather than an increment per access. */
    uint8_t mem_after[JIT_MAX_INSNS];
    unsigned nmem;
    struct jpage *pg;
    bool straddle;          /* the last instruction straddles the page's end */
    uint16_t straddle_lo;   /* its first half */
};

/* Switches emission between the hot and the cold buffer. */
static inline void swap_cold(struct gen *g)
{
    struct jbuf *t = g->b;
    g->b = g->cold;
    g->cold = t;
}

static inline void add_fix(struct gen *g, uint8_t *rel, int kind, int i, uint8_t *back)
{
    if (rel && g->nfx < sizeof g->fx / sizeof g->fx[0])
        g->fx[g->nfx++] = (struct fix){.rel = rel, .kind = kind, .i = i, .back = back, .reg = RCX};
    else
        g->b->full = true;   /* cannot happen for a block of JIT_MAX_INSNS; refuse */
}

/* Before the body: the block's remapped registers in place of the globals
 * they displace; and back before every exit. */
static inline void g_remap(struct gen *g)
{
    for (unsigned k = 0; k < g->nremap; k++) {
        x_store(g->b, g->remap[k].host, RBP, XR(g->remap[k].displaced), 8);
        x_load(g->b, g->remap[k].host, RBP, XR(g->remap[k].guest));
    }
}

static inline void g_unremap(struct gen *g)
{
    for (unsigned k = 0; k < g->nremap; k++) {
        x_store(g->b, g->remap[k].host, RBP, XR(g->remap[k].guest), 8);
        x_load(g->b, g->remap[k].host, RBP, XR(g->remap[k].displaced));
    }
}

/* How a block leaves (jit_gen_exit.c). jg_far_jump: to another page, target
 * (direct) or rax (indirect). jg_chain_exit: the jump at rel (hot code) to a
 * stub leaving for target in this page, which jit_run may point at target's
 * block. jg_exit_to: leaves for target with status (JX_*). jg_straddle: the
 * instruction straddling the page's end, last in the block. */
void jg_far_jump(struct gen *g, bool direct, uint64_t target);
void jg_chain_exit(struct gen *g, uint8_t *rel, uint64_t target);
void jg_exit_to(struct gen *g, uint64_t target, int status);
void jg_straddle(struct gen *g, int i);

#endif
