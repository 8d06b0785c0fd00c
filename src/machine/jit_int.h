/* Internal to the translator (jit*.c): the state generated code reaches
 * through a host register, the code cache's bookkeeping, and the emitter. */
#ifndef VMSIM_MACHINE_JIT_INT_H
#define VMSIM_MACHINE_JIT_INT_H

#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "exec.h"
#include "jit.h"

/* The translator's L0 TLB: the interpreter's design (hart.c, struct
 * l0_entry) with the same invariant, an entry only ever a copy of an entry
 * the machine's TLB holds, so that an L0 hit is exactly a TLB hit. */
#define JL0_SIZE 256
#define JL0_INVALID UINT64_MAX
#define JSITES 65536
/* TLB ways the L0 refill compares in generated code (more: C does it). */
#define JIT_REFILL_WAYS 16
struct jl0 {
    uint64_t page;
    uintptr_t addend;
};

/* What generated code sees (rbx points here; rbp points to the hart, whose
 * x[] comes first). Offsets are taken with offsetof by the emitter. */
struct jit_ctx {
    uint64_t left;          /* instruction budget left (a block subtracts its
                             * length on entry and gives back what it did not run) */
    uint64_t tlb_hits;      /* L0 and TLB hits not yet added to the TLB's stats */
    uint64_t pc;            /* where a block left off */
    /* The slow paths' shared entries (jit_gen_tramp): rsi = address,
     * rdx = info (load) or rdx = value, rcx = info (store); they return
     * with ZF set unless the access traps, and the value in rax. */
    const void *slow_ld, *slow_st;
    /* The L0 refills' shared entries (before the slow paths): rsi =
     * address, rdx = it masked as the L0 compares it; on a hit in the
     * TLB's set they fill the address's L0 entry as jl0_refill does and
     * return with ZF set and rax = the entry; rax and rdx clobbered. */
    const void *refill_ld, *refill_st;
    uint64_t asid_tag;      /* the running ASID << 52, as in TLB tags */
    const struct tlb_entry *tlb_set[2];   /* the TLB's read and write arrays */
    uint64_t tval;          /* of a trap */
    int32_t cause;          /* of a trap; 0 after a successful slow access */
    int32_t pad;
    uint64_t chain;         /* exec address of the rel32 of the chainable exit
                             * just taken, or 0 */
    uint64_t max;           /* max_insns of this run */
    struct hart *h;
    uint64_t l0_walks;      /* mmu.stats.walks when the L0 was last in step */
    uint64_t l0_fills[2];   /* the TLB's read and write fills then */
    uint16_t l0_asid;
    /* The page jit_run is in (entered through the fetch TLB), as hart_run's
     * `page`; jit_far moves it. A far jump in generated code only sets
     * `entered` to its record, which jit_run reads these from (take_entered)
     * when the block returns: a store instead of three. */
    uint64_t page;          /* va, or TLB_TAG_INVALID */
    const uint8_t *host;    /* host address of its frame */
    struct jpage *pg;       /* its translations */
    const struct jfar *entered;
    struct jit *j;
    uint64_t far_hits;      /* far jumps taken through a jfar record */
    struct jl0 l0[2 * JL0_SIZE];   /* reads, then writes */
    /* For each translated load and store, the L0 entry its last access
     * hit: tried first, so the address does not wait for the index (a
     * hit there is exactly a hit of the L0 lookup: an entry only ever
     * holds a page of its own index). */
    const struct jl0 *site[JSITES];
};

/* A far-jump record: where a jump to another page went last time, so that
 * generated code can enter that page and its block without calling C. It
 * holds while the TLB's fetch_gen is what it was when the record was
 * filled: no fetch entry has changed since (so the target's page still
 * hits, in the same way, on the same frame: exactly the hit mmu_fast would
 * count), no translation has been dropped and the ASID has not changed (the
 * translator bumps it for those too).
 * Direct exits each own one; indirect jumps share a table indexed by the
 * target. */
struct jfar {
    uint64_t target;                /* in the ASID jit_run last ran */
    uint64_t gen;                   /* the TLB's fetch_gen when filled; UINT64_MAX: never */
    struct jpage *pg;               /* the target's page */
    const void *entry;              /* the target's block */
    const uint8_t *host;            /* host address of the target's frame */
    uint64_t spare[3];              /* to 64 bytes: the table is indexed by a shift */
};
#define JFAR_HASH 2048

/* Block exits (what the generated code returns to jit_run). */
enum { JX_NEXT = 0, JX_TRAP = 1, JX_NEWPAGE = 2 };

struct jpage;
struct jblock {
    uint64_t pc;
    const uint8_t *entry;   /* exec address */
    uint32_t n;             /* guest instructions */
    struct jpage *pg;
};

/* The translations of one virtual page of one ASID made from one frame: the
 * decode cache's key (hart.c), so it is dropped exactly when the decoded
 * page is. Chains only link blocks of one jpage, so dropping one needs no
 * unlinking. */
struct jpage {
    uint64_t tag;               /* tlb_tag() or TLB_TAG_INVALID */
    const uint8_t *host;        /* host address of the frame */
    struct jblock *b[PAGE_SIZE / 2];
};
#define JPAGE_SLOTS 512

struct jit {
    struct jit_ctx ctx;
    struct hart *h;
    uint8_t *rw, *rx;           /* two views of one memfd: write, execute */
    size_t size, used;
    size_t code_start;          /* after the trampolines */
    size_t cold_start, cold_used;   /* the second half: slow paths, out of the way */
    int (*enter)(struct jit_ctx *c, struct hart *h, const void *code);
    const uint8_t *exit_rx;     /* common epilogue */
    struct jpage *slot[JPAGE_SLOTS];
    struct jblock *blk;         /* block records, reset with the cache */
    struct dinsn *dins;         /* decoded instructions helpers read */
    struct jfar *far;           /* the direct exits' records, reset with the cache */
    struct jfar *ftab;          /* the indirect jumps' records [JFAR_HASH] */
    size_t nblk, capblk, ndins, capdins, nfar, capfar, nsite;
    uint64_t epoch;             /* bumped by every cache flush */
    struct jit_stats st;
    FILE *dump_f;
    uint64_t dump_pc;
};

/* ---- emitter (jit_x86.c) ---- */
struct jbuf {
    uint8_t *p, *end;       /* write position and end, in the write view */
    uint8_t *rw, *rx;       /* the views' bases, to convert addresses */
    bool full;
};
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE,
       CC_LE, CC_G };
/* x86 group-1 ALU ops (the /digit of 81 /n, and op = n * 8 + 1 / + 3). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
enum { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

static inline const uint8_t *jb_rx(const struct jbuf *b, const uint8_t *p)
{
    return b->rx + (p - b->rw);
}
/* Inline: translation time is mostly spent here. */
static inline void x_byte(struct jbuf *b, uint8_t v)
{
    if (b->p >= b->end) {
        b->full = true;
        return;
    }
    *b->p++ = v;
}

static inline void x_u32(struct jbuf *b, uint32_t v)
{
    if (b->end - b->p < 4) {
        b->full = true;
        return;
    }
    memcpy(b->p, &v, 4);   /* little-endian host */
    b->p += 4;
}

static inline void x_u64(struct jbuf *b, uint64_t v)
{
    if (b->end - b->p < 8) {
        b->full = true;
        return;
    }
    memcpy(b->p, &v, 8);
    b->p += 8;
}
/* reg <- [base + disp] (w: 64-bit), and the other forms; size 1/2/4/8. */
void x_load(struct jbuf *b, int reg, int base, int32_t disp);
void x_load32(struct jbuf *b, int reg, int base, int32_t disp);
void x_store(struct jbuf *b, int reg, int base, int32_t disp, unsigned size);
void x_load_ext(struct jbuf *b, int reg, int base, int32_t disp, unsigned size, bool sign);
void x_mov_imm(struct jbuf *b, int reg, uint64_t v);
void x_mov_rr(struct jbuf *b, int dst, int src, bool w);
void x_store_imm(struct jbuf *b, int base, int32_t disp, int32_t v);   /* qword */
void x_alu_rm(struct jbuf *b, int op, int reg, int base, int32_t disp, bool w);   /* reg op= [m] */
/* qword reg op= [base + index + disp] (index not rsp) */
void x_alu_rmx(struct jbuf *b, int op, int reg, int base, int index, int32_t disp);
void x_lea(struct jbuf *b, int dst, int base, int32_t disp);   /* dst = base + disp */
void x_lea_x(struct jbuf *b, int dst, int base, int index, int32_t disp);
void x_alu_ri(struct jbuf *b, int op, int reg, int32_t imm, bool w);
void x_alu_rr(struct jbuf *b, int op, int dst, int src, bool w);
void x_alu_mi(struct jbuf *b, int op, int base, int32_t disp, int32_t imm);   /* qword [m] op= imm */
void x_shift_ri(struct jbuf *b, int op, int reg, unsigned n, bool w);
void x_shift_rcl(struct jbuf *b, int op, int reg, bool w);
void x_imul_rm(struct jbuf *b, int reg, int base, int32_t disp, bool w);
void x_mul1_m(struct jbuf *b, int ext, int base, int32_t disp);   /* F7 /ext qword [m] */
void x_imul_rr(struct jbuf *b, int dst, int src, bool w);
void x_mul1_r(struct jbuf *b, int ext, int reg);   /* F7 /ext reg */
void x_jmp_r(struct jbuf *b, int reg);
void x_test_rr(struct jbuf *b, int a, int c);
void x_movsxd(struct jbuf *b, int dst, int src);
void x_setcc(struct jbuf *b, int cc, int reg);   /* reg8 <- cc (reg < 4) */
void x_movzx_rr(struct jbuf *b, int dst, int src, unsigned size);   /* dst32 <- src8/16 */
/* shlx/shrx/sarx dst, src, count (BMI2: the count masked as RISC-V does, no
 * rcx, flags untouched); only where x_have_bmi2(). */
bool x_have_bmi2(void);
void x_shiftx(struct jbuf *b, int op, int dst, int src, int count, bool w);
void x_inc(struct jbuf *b, int reg);
void x_inc_m(struct jbuf *b, int base, int32_t disp);   /* qword [m] += 1 */
void x_jmp_m(struct jbuf *b, int base, int32_t disp);   /* jmp qword [m] */
void x_call_m(struct jbuf *b, int base, int32_t disp);  /* call qword [m] */
void x_call(struct jbuf *b, const void *fn);     /* via rax */
/* Jumps with a rel32 to fill: return the rel32's address (write view). */
uint8_t *x_jcc(struct jbuf *b, int cc);
uint8_t *x_jmp(struct jbuf *b);
void x_patch(uint8_t *rel, const struct jbuf *b, const uint8_t *target_w);   /* target in write view */
void x_jmp_to(struct jbuf *b, const uint8_t *target_rx);
void x_push(struct jbuf *b, int reg);
void x_pop(struct jbuf *b, int reg);

/* ---- execution in C (jit_exec.c) ---- */
void jl0_flush(struct jit_ctx *c);
/* One instruction with the interpreter's semantics (x0 writes to the sink:
 * d as cache_decoded leaves it). rem: instructions of the running block
 * counted in c->left but not retired before this one (0 outside blocks).
 * Returns 0 with *next, or a CAUSE_* with c->tval. */
int jit_exec1(struct jit_ctx *c, const struct dinsn *d, uint64_t pc, uint64_t rem,
              uint64_t *next);
/* Called by generated code: */
int jit_help(struct jit_ctx *c, const struct dinsn *d, uint64_t pc, uint64_t rem);
/* The instruction at pc whose first half, lo, ends the page: fetches its
 * second half through the fetch TLB (as hart_run does), runs it, and sets
 * c->pc to the next pc; or 1 with c->cause and c->tval. */
int jit_straddle(struct jit_ctx *c, uint64_t pc, uint64_t rem, uint64_t lo);
uint64_t jit_ld_slow(struct jit_ctx *c, uint64_t a, uint64_t info);
int jit_st_slow(struct jit_ctx *c, uint64_t a, uint64_t val, uint64_t info);
/* Double precision and OP-FP (jit_fp.c): 0 or CAUSE_ILLEGAL_INSN. */
int jit_fp(struct hart *h, const struct dinsn *d);
int jit_fp_help(struct jit_ctx *c, const struct dinsn *d);   /* from generated code */
/* info of the slow paths: size | signed << 4 | rem << 8 */
void jit_fix_rd(struct dinsn *d);

/* Called by generated code leaving for target in another page: when the
 * fetch TLB hits for it (counted, as hart_run's page entry counts it), it
 * enters the page; when the target's block is translated and fits the
 * budget, returns its entry and fills the record rec for the next time;
 * else NULL and jit_run takes over (a budget of 0 or a miss counts nothing:
 * jit_run stops or walks). */
const void *jit_far(struct jit_ctx *c, uint64_t target, struct jfar *rec);
/* A record that matches nothing (its tlbe is an entry that is never valid). */
void jfar_clear(struct jfar *r);

/* ---- translation (jit_gen.c) ---- */
/* Emits the inline form of the double-precision op d (jit_gen_fp.c): the
 * host-FPU fast path with its conditions checked, jumping through the
 * rel32s it adds to slow[] (at most 8) when they fail. False if d has none. */
bool jit_emit_fp(struct jbuf *b, const struct dinsn *d, uint8_t **slow, unsigned *nslow);
/* ---- trampolines and run-wide registers (jit_tramp.c) ---- */
#define OFF_LEFT ((int32_t)offsetof(struct jit_ctx, left))
#define OFF_HITS ((int32_t)offsetof(struct jit_ctx, tlb_hits))
#define OFF_CAUSE ((int32_t)offsetof(struct jit_ctx, cause))
#define XR(r) ((int32_t)((r) * 8))   /* h->x[r] from rbp */
#define FR(r) ((int32_t)(offsetof(struct hart, f) + (r) * 8))   /* h->f[r] from rbp */
/* Host registers for the whole run: the budget (ctx->left while generated
 * code runs; stored before every call into C, which reads it) and the L0
 * and fetch-TLB hits not yet added to ctx->tlb_hits. */
#define LEFT R14
#define HITS R15
/* The guest registers held in host registers for the whole run. */
#define NGREGS 6
struct jit_greg {
    uint8_t guest;
    int8_t host;
};
extern const struct jit_greg jit_gregs[NGREGS];
static inline bool jit_caller_saved(int r) { return r >= R8 && r <= R11; }
/* Stores them to h->x (only the caller-saved ones unless all); loads them. */
void jit_save_gregs(struct jbuf *b, bool all);
void jit_reload_gregs(struct jbuf *b, bool all);
/* Emits the trampolines at the start of the cache. */
void jit_gen_tramp(struct jit *j, struct jbuf *b);
/* Translates the block at pc (in the page at host): its code into b, its
 * slow paths into cold. NULL when nothing can be translated there or the
 * cache is full (b->full or cold->full). */
struct jblock *jit_gen_block(struct jit *j, struct jbuf *b, struct jbuf *cold, struct jpage *pg,
                             uint64_t pc);

#endif
