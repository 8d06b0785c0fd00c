/* The RV64GC interpreter loop (user mode).
 *
 * Decode cache: a direct-mapped table of decoded pages keyed by (ASID,
 * virtual page), like the TLB's tag, and checked against the host frame the
 * page maps. A page holds one struct dinsn per 2-byte slot, filled lazily the
 * first time pc reaches it, plus two OP_PAGE_END slots past its end. Entering
 * a page always goes through the fetch TLB (mmu_fast, else mmu_translate), so
 * permission changes, A-bit clearing and unmapping are honoured as long as
 * the kernel flushes (machine_flush_* call hart_code_flush_*). Within a page
 * the loop needs only the page's decoded array: straight-line code steps
 * from slot to slot and runs into OP_PAGE_END when it leaves the page; a
 * jump or taken branch compares the target's page with the current one.
 *
 * A 32-bit instruction at offset 0xffe straddles two pages: it is decoded each
 * time it runs (never cached, since its second half belongs to another page)
 * and either page may fault; the fault address is that of the missing half.
 *
 * Dispatch: one indirect jump through a table indexed by d->op at the end of
 * every handler. Loads and stores try the TLB fast path (a compare and an add)
 * before mem_*_slow. A trap leaves pc at the instruction and no architectural
 * state changed; writes to x0 go to the sink register x[32]. */
#include "hart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fpu.h"

#define DCACHE_SLOTS 256
#define DPAGE_SLOTS (PAGE_SIZE / 2)

/* Not an instruction: the two slots past the end of a page hold it, so that
 * straight-line code runs into them and leaves the page without a check of
 * pc on every instruction. */
#define OP_PAGE_END OP_COUNT

struct dpage {
    uint64_t tag;                       /* tlb_tag() of the page, or TLB_TAG_INVALID */
    const uint8_t *host;                /* host address of the frame it was decoded from */
    struct dinsn e[DPAGE_SLOTS + 2];    /* by (offset / 2); OP_UNDECODED when not yet seen;
                                         * e[DPAGE_SLOTS..] are OP_PAGE_END */
};

static void dpage_reset(struct dpage *p, uint64_t tag, const uint8_t *host)
{
    memset(p->e, 0, sizeof p->e);   /* all OP_UNDECODED */
    p->e[DPAGE_SLOTS].op = p->e[DPAGE_SLOTS + 1].op = OP_PAGE_END;
    p->tag = tag;
    p->host = host;
}

struct decode_cache {
    struct dpage *slot[DCACHE_SLOTS];
};

static unsigned dcache_index(uint64_t tag)
{
    uint64_t vpn = tag & ((1ULL << 52) - 1), asid = tag >> 52;
    return (unsigned)((vpn ^ (asid * 0x9e5u)) & (DCACHE_SLOTS - 1));
}

int hart_init(struct hart *h, struct physmem *pm, unsigned tlb_sets, unsigned tlb_ways)
{
    *h = (struct hart){.reservation = UINT64_MAX};
    h->dcache = calloc(1, sizeof *h->dcache);
    if (!h->dcache)
        return -ENOMEM;
    int err = mmu_init(&h->mmu, pm, tlb_sets, tlb_ways);
    if (err) {
        free(h->dcache);
        h->dcache = NULL;
    }
    return err;
}

void hart_fini(struct hart *h)
{
    if (h->dcache)
        for (unsigned i = 0; i < DCACHE_SLOTS; i++)
            free(h->dcache->slot[i]);
    free(h->dcache);
    h->dcache = NULL;
    mmu_fini(&h->mmu);
}

void hart_code_flush_page(struct hart *h, uint16_t asid, vaddr_t a)
{
    uint64_t tag = tlb_tag(a, asid);
    struct dpage *p = h->dcache->slot[dcache_index(tag)];
    if (p && p->tag == tag)
        p->tag = TLB_TAG_INVALID;
}

void hart_code_flush_all(struct hart *h)
{
    for (unsigned i = 0; i < DCACHE_SLOTS; i++)
        if (h->dcache->slot[i])
            h->dcache->slot[i]->tag = TLB_TAG_INVALID;
}

/* The decoded page for the page of pc, after checking that it may be fetched.
 * Returns NULL with *cause on a fetch fault; *host = host address of the page. */
static struct dpage *enter_page(struct hart *h, uint64_t pc, const uint8_t **host, int *cause)
{
    uint8_t *p;
    paddr_t dev;
    int c = mem_translate(h, pc, ACCESS_EXEC, &p, &dev);
    if (c || !p) {
        *cause = c ? c : CAUSE_FETCH_ACCESS;   /* no execution from device memory */
        return NULL;
    }
    *host = p - (pc & PAGE_MASK);
    uint64_t tag = tlb_tag(va(pc), satp_asid(h->mmu.satp));
    struct dpage **slot = &h->dcache->slot[dcache_index(tag)];
    if (!*slot) {
        *slot = malloc(sizeof **slot);
        if (!*slot)
            abort();   /* host out of memory: not a guest condition */
        (*slot)->tag = TLB_TAG_INVALID;
    }
    /* Same virtual page, same frame: the decoded code is still the page's
     * (a remapped page is caught here even if a flush was missed, e.g. for
     * one 4 KiB piece of a superpage). */
    if ((*slot)->tag != tag || (*slot)->host != *host)
        dpage_reset(*slot, tag, *host);
    return *slot;
}

static inline uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/* Decodes the instruction at pc straddling into the next page, into *tmp. */
static int decode_straddling(struct hart *h, uint64_t pc, uint16_t lo, struct dinsn *tmp,
                             uint64_t *tval)
{
    uint8_t *p;
    paddr_t dev;
    int c = mem_translate(h, pc + 2, ACCESS_EXEC, &p, &dev);
    if (c || !p) {
        *tval = pc + 2;
        return c ? c : CAUSE_FETCH_ACCESS;
    }
    decode_insn(lo, rd16(p), tmp);
    return 0;
}

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* The TLB fast path with what hart_run keeps in locals while satp cannot
 * change: the ASID part of the tag, the geometry, and a hit count that is
 * added to the TLB's stats when hart_run returns. Same tags as tlb_lookup(). */
struct fast_tlb {
    struct tlb_entry *e[3];
    uint64_t asid_tag, set_mask;
    unsigned ways;
    uint64_t hits;
};

static inline uint8_t *fast_lookup(struct fast_tlb *f, uint64_t a, enum access acc)
{
    uint64_t tag = (a >> PAGE_SHIFT) | f->asid_tag;
    struct tlb_entry *set = f->e[acc] + (tag & f->set_mask) * f->ways;
    if (__builtin_expect(set[0].tag == tag, 1)) {
        f->hits++;
        return (uint8_t *)(set[0].addend + a);
    }
    for (unsigned w = 1; w < f->ways; w++)
        if (set[w].tag == tag) {
            f->hits++;
            return (uint8_t *)(set[w].addend + a);
        }
    return NULL;
}

/* Aligned load of `type` into dst through the TLB fast path, else the slow path. */
#define LOAD(dst, type)                                                           \
    do {                                                                          \
        uint64_t a_ = x[d->rs1] + (uint64_t)(int64_t)d->imm;                      \
        if (__builtin_expect(a_ & (sizeof(type) - 1), 0)) {                       \
            cause = CAUSE_MISALIGNED_LOAD;                                        \
            tval = a_;                                                            \
            goto trap;                                                            \
        }                                                                         \
        uint8_t *p_ = fast_lookup(&ft, a_, ACCESS_READ);                          \
        type t_;                                                                  \
        if (__builtin_expect(p_ != NULL, 1)) {                                    \
            memcpy(&t_, p_, sizeof(type));                                        \
        } else {                                                                  \
            uint64_t v_;                                                          \
            int c_ = mem_load_slow(h, a_, sizeof(type), &v_);                     \
            if (c_) {                                                             \
                cause = c_;                                                       \
                tval = a_;                                                        \
                goto trap;                                                        \
            }                                                                     \
            memcpy(&t_, &v_, sizeof(type));                                       \
        }                                                                         \
        dst = (uint64_t)(int64_t)t_;                                              \
    } while (0)

#define STORE(src, type)                                                          \
    do {                                                                          \
        uint64_t a_ = x[d->rs1] + (uint64_t)(int64_t)d->imm;                      \
        if (__builtin_expect(a_ & (sizeof(type) - 1), 0)) {                       \
            cause = CAUSE_MISALIGNED_STORE;                                       \
            tval = a_;                                                            \
            goto trap;                                                            \
        }                                                                         \
        uint8_t *p_ = fast_lookup(&ft, a_, ACCESS_WRITE);                         \
        type t_ = (type)(src);                                                    \
        if (__builtin_expect(p_ != NULL, 1)) {                                    \
            memcpy(p_, &t_, sizeof(type));                                        \
        } else {                                                                  \
            int c_ = mem_store_slow(h, a_, sizeof(type), (uint64_t)(src));        \
            if (c_) {                                                             \
                cause = c_;                                                       \
                tval = a_;                                                        \
                goto trap;                                                        \
            }                                                                     \
        }                                                                         \
    } while (0)

/* Where an instruction's integer result goes: writes to x0 go to the sink
 * x[32], so no handler tests rd. FP loads and OP-FP name f registers in rd
 * (fpu_exec never writes x0 itself). */
static void cache_decoded(struct dinsn *d)
{
    if (d->rd == 0 && d->op != OP_FLW && d->op != OP_FLD && d->op != OP_FP)
        d->rd = 32;
}

/* The loop dispatches through a table of label addresses (GNU C "labels as
 * values") rather than a switch: each handler ends with its own indirect
 * jump, which the host predicts per handler, and no range check is needed.
 * It is still one dispatch on d->op. */
/* GCC would merge the handlers' identical dispatch tails into one jump
 * (cross-jumping) and hoist the table loads (GCSE); both cost more in
 * mispredicted jumps than they save. Clang has no such attribute. */
#if defined(__GNUC__) && !defined(__clang__)
#define DISPATCH_OPTIMIZE __attribute__((optimize("no-crossjumping", "no-gcse")))
#else
#define DISPATCH_OPTIMIZE
#endif

DISPATCH_OPTIMIZE
void hart_run(struct hart *h, uint64_t max_insns, struct trap *out)
{
    static const void *const labels[OP_COUNT + 1] = {
        [OP_PAGE_END] = &&L_PAGE_END, [OP_UNDECODED] = &&L_UNDECODED, [OP_ILLEGAL] = &&L_ILLEGAL,
        [OP_LUI] = &&L_LUI, [OP_AUIPC] = &&L_AUIPC, [OP_JAL] = &&L_JAL, [OP_JALR] = &&L_JALR,
        [OP_BEQ] = &&L_BEQ, [OP_BNE] = &&L_BNE, [OP_BLT] = &&L_BLT, [OP_BGE] = &&L_BGE,
        [OP_BLTU] = &&L_BLTU, [OP_BGEU] = &&L_BGEU,
        [OP_LB] = &&L_LB, [OP_LH] = &&L_LH, [OP_LW] = &&L_LW, [OP_LD] = &&L_LD,
        [OP_LBU] = &&L_LBU, [OP_LHU] = &&L_LHU, [OP_LWU] = &&L_LWU,
        [OP_SB] = &&L_SB, [OP_SH] = &&L_SH, [OP_SW] = &&L_SW, [OP_SD] = &&L_SD,
        [OP_ADDI] = &&L_ADDI, [OP_SLTI] = &&L_SLTI, [OP_SLTIU] = &&L_SLTIU, [OP_XORI] = &&L_XORI,
        [OP_ORI] = &&L_ORI, [OP_ANDI] = &&L_ANDI, [OP_SLLI] = &&L_SLLI, [OP_SRLI] = &&L_SRLI,
        [OP_SRAI] = &&L_SRAI,
        [OP_ADD] = &&L_ADD, [OP_SUB] = &&L_SUB, [OP_SLL] = &&L_SLL, [OP_SLT] = &&L_SLT,
        [OP_SLTU] = &&L_SLTU, [OP_XOR] = &&L_XOR, [OP_SRL] = &&L_SRL, [OP_SRA] = &&L_SRA,
        [OP_OR] = &&L_OR, [OP_AND] = &&L_AND,
        [OP_ADDIW] = &&L_ADDIW, [OP_SLLIW] = &&L_SLLIW, [OP_SRLIW] = &&L_SRLIW,
        [OP_SRAIW] = &&L_SRAIW,
        [OP_ADDW] = &&L_ADDW, [OP_SUBW] = &&L_SUBW, [OP_SLLW] = &&L_SLLW, [OP_SRLW] = &&L_SRLW,
        [OP_SRAW] = &&L_SRAW,
        [OP_MUL] = &&L_MUL, [OP_MULH] = &&L_MULH, [OP_MULHSU] = &&L_MULHSU,
        [OP_MULHU] = &&L_MULHU, [OP_DIV] = &&L_DIV, [OP_DIVU] = &&L_DIVU, [OP_REM] = &&L_REM,
        [OP_REMU] = &&L_REMU,
        [OP_MULW] = &&L_MULW, [OP_DIVW] = &&L_DIVW, [OP_DIVUW] = &&L_DIVUW, [OP_REMW] = &&L_REMW,
        [OP_REMUW] = &&L_REMUW,
        [OP_FENCE] = &&L_FENCE, [OP_FENCE_I] = &&L_FENCE_I, [OP_ECALL] = &&L_ECALL,
        [OP_EBREAK] = &&L_EBREAK,
        [OP_CSRRW] = &&L_CSR, [OP_CSRRS] = &&L_CSR, [OP_CSRRC] = &&L_CSR,
        [OP_CSRRWI] = &&L_CSR, [OP_CSRRSI] = &&L_CSR, [OP_CSRRCI] = &&L_CSR,
        [OP_LR_W] = &&L_AMO, [OP_SC_W] = &&L_AMO, [OP_AMOSWAP_W] = &&L_AMO,
        [OP_AMOADD_W] = &&L_AMO, [OP_AMOXOR_W] = &&L_AMO, [OP_AMOAND_W] = &&L_AMO,
        [OP_AMOOR_W] = &&L_AMO, [OP_AMOMIN_W] = &&L_AMO, [OP_AMOMAX_W] = &&L_AMO,
        [OP_AMOMINU_W] = &&L_AMO, [OP_AMOMAXU_W] = &&L_AMO,
        [OP_LR_D] = &&L_AMO, [OP_SC_D] = &&L_AMO, [OP_AMOSWAP_D] = &&L_AMO,
        [OP_AMOADD_D] = &&L_AMO, [OP_AMOXOR_D] = &&L_AMO, [OP_AMOAND_D] = &&L_AMO,
        [OP_AMOOR_D] = &&L_AMO, [OP_AMOMIN_D] = &&L_AMO, [OP_AMOMAX_D] = &&L_AMO,
        [OP_AMOMINU_D] = &&L_AMO, [OP_AMOMAXU_D] = &&L_AMO,
        [OP_FLW] = &&L_FLW, [OP_FLD] = &&L_FLD, [OP_FSW] = &&L_FSW, [OP_FSD] = &&L_FSD,
        [OP_FP] = &&L_FP,
    };
    uint64_t *x = h->x;
    struct tlb *tlb = &h->mmu.tlb;
    struct fast_tlb ft = {.e = {tlb->e[0], tlb->e[1], tlb->e[2]},
                          .asid_tag = (uint64_t)satp_asid(h->mmu.satp) << 52,
                          .set_mask = tlb->sets - 1, .ways = tlb->ways};
    uint64_t pc = h->pc;
    uint64_t left = max_insns;              /* budget; max_insns - left have retired */
    uint64_t page = TLB_TAG_INVALID;        /* va of the page pg decodes */
    struct dpage *pg = NULL;
    const uint8_t *host = NULL;             /* host address of that page */
    const struct dinsn *d;
    struct dinsn tmp[3];                    /* a page-straddling insn, then OP_PAGE_END */
    int cause;
    uint64_t tval = 0;

    x[0] = 0;
    tmp[1].op = tmp[2].op = OP_PAGE_END;

/* Retires the instruction, moves pc to next_pc and runs the next one. */
#define NEXT_AT(next_pc)                                                           \
    do {                                                                           \
        pc = (next_pc);                                                            \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
        if (__builtin_expect((pc & ~PAGE_MASK) != page, 0))                        \
            goto new_page;                                                         \
        d = &pg->e[(pc & PAGE_MASK) >> 1];                                         \
        goto *labels[d->op];                                                       \
    } while (0)
/* The same for the next instruction in memory: its slot follows this one
 * (an OP_PAGE_END slot when the page ends). */
#define NEXT()                                                                     \
    do {                                                                           \
        unsigned len_ = d->len;                                                    \
        pc += len_;                                                                \
        d += len_ >> 1;                                                            \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
        goto *labels[d->op];                                                       \
    } while (0)
#define BRANCH(cond)                                                               \
    do {                                                                           \
        if (cond)                                                                  \
            NEXT_AT(pc + (uint64_t)(int64_t)d->imm);                               \
        NEXT();                                                                    \
    } while (0)
#define RS1 x[d->rs1]
#define RS2 x[d->rs2]
#define IMM ((uint64_t)(int64_t)d->imm)

    if (max_insns == 0)
        goto quantum;
new_page:
    pg = enter_page(h, pc, &host, &cause);
    if (!pg) {
        tval = pc;
        goto trap;
    }
    page = pc & ~PAGE_MASK;
    d = &pg->e[(pc & PAGE_MASK) >> 1];
    goto *labels[d->op];

L_UNDECODED: {
    unsigned off = (unsigned)(pc & PAGE_MASK);
    uint16_t lo = rd16(host + off);
    if (insn_len(lo) == 4 && off == PAGE_SIZE - 2) {
        if ((cause = decode_straddling(h, pc, lo, &tmp[0], &tval)) != 0)
            goto trap;
        cache_decoded(&tmp[0]);
        d = &tmp[0];   /* NEXT() lands on tmp[2]: OP_PAGE_END */
    } else {
        struct dinsn *slot = &pg->e[off >> 1];
        decode_insn(lo, insn_len(lo) == 4 ? rd16(host + off + 2) : 0, slot);
        cache_decoded(slot);
        d = slot;
    }
    goto *labels[d->op];
}

L_PAGE_END:
    goto new_page;   /* pc is already the first address of the next page */

L_LUI: x[d->rd] = IMM; NEXT();
L_AUIPC: x[d->rd] = pc + IMM; NEXT();
L_JAL: x[d->rd] = pc + d->len; NEXT_AT(pc + IMM);
L_JALR: {
    uint64_t target = (RS1 + IMM) & ~1ULL;   /* read rs1 before rd is written */
    x[d->rd] = pc + d->len;
    NEXT_AT(target);
}
L_BEQ: BRANCH(RS1 == RS2);
L_BNE: BRANCH(RS1 != RS2);
L_BLT: BRANCH((int64_t)RS1 < (int64_t)RS2);
L_BGE: BRANCH((int64_t)RS1 >= (int64_t)RS2);
L_BLTU: BRANCH(RS1 < RS2);
L_BGEU: BRANCH(RS1 >= RS2);

L_LB: LOAD(x[d->rd], int8_t); NEXT();
L_LH: LOAD(x[d->rd], int16_t); NEXT();
L_LW: LOAD(x[d->rd], int32_t); NEXT();
L_LD: LOAD(x[d->rd], uint64_t); NEXT();
L_LBU: LOAD(x[d->rd], uint8_t); NEXT();
L_LHU: LOAD(x[d->rd], uint16_t); NEXT();
L_LWU: LOAD(x[d->rd], uint32_t); NEXT();
L_SB: STORE(RS2, uint8_t); NEXT();
L_SH: STORE(RS2, uint16_t); NEXT();
L_SW: STORE(RS2, uint32_t); NEXT();
L_SD: STORE(RS2, uint64_t); NEXT();
L_FLW: {
    uint64_t v;
    LOAD(v, uint32_t);
    h->f[d->rd] = v | 0xffffffff00000000ULL;   /* NaN-boxed single */
    NEXT();
}
L_FLD: LOAD(h->f[d->rd], uint64_t); NEXT();
L_FSW: STORE(h->f[d->rs2], uint32_t); NEXT();
L_FSD: STORE(h->f[d->rs2], uint64_t); NEXT();

L_ADDI: x[d->rd] = RS1 + IMM; NEXT();
L_SLTI: x[d->rd] = (int64_t)RS1 < (int64_t)d->imm; NEXT();
L_SLTIU: x[d->rd] = RS1 < IMM; NEXT();
L_XORI: x[d->rd] = RS1 ^ IMM; NEXT();
L_ORI: x[d->rd] = RS1 | IMM; NEXT();
L_ANDI: x[d->rd] = RS1 & IMM; NEXT();
L_SLLI: x[d->rd] = RS1 << d->imm; NEXT();
L_SRLI: x[d->rd] = RS1 >> d->imm; NEXT();
L_SRAI: x[d->rd] = (uint64_t)((int64_t)RS1 >> d->imm); NEXT();
L_ADD: x[d->rd] = RS1 + RS2; NEXT();
L_SUB: x[d->rd] = RS1 - RS2; NEXT();
L_SLL: x[d->rd] = RS1 << (RS2 & 63); NEXT();
L_SLT: x[d->rd] = (int64_t)RS1 < (int64_t)RS2; NEXT();
L_SLTU: x[d->rd] = RS1 < RS2; NEXT();
L_XOR: x[d->rd] = RS1 ^ RS2; NEXT();
L_SRL: x[d->rd] = RS1 >> (RS2 & 63); NEXT();
L_SRA: x[d->rd] = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT();
L_OR: x[d->rd] = RS1 | RS2; NEXT();
L_AND: x[d->rd] = RS1 & RS2; NEXT();
L_ADDIW: x[d->rd] = sext32(RS1 + IMM); NEXT();
L_SLLIW: x[d->rd] = sext32((uint32_t)RS1 << d->imm); NEXT();
L_SRLIW: x[d->rd] = sext32((uint32_t)RS1 >> d->imm); NEXT();
L_SRAIW: x[d->rd] = (uint64_t)(int64_t)((int32_t)(uint32_t)RS1 >> d->imm); NEXT();
L_ADDW: x[d->rd] = sext32(RS1 + RS2); NEXT();
L_SUBW: x[d->rd] = sext32(RS1 - RS2); NEXT();
L_SLLW: x[d->rd] = sext32((uint32_t)RS1 << (RS2 & 31)); NEXT();
L_SRLW: x[d->rd] = sext32((uint32_t)RS1 >> (RS2 & 31)); NEXT();
L_SRAW: x[d->rd] = (uint64_t)(int64_t)((int32_t)(uint32_t)RS1 >> (RS2 & 31)); NEXT();

L_MUL: x[d->rd] = RS1 * RS2; NEXT();
L_MULH: x[d->rd] = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64); NEXT();
L_MULHSU: x[d->rd] = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64); NEXT();
L_MULHU: x[d->rd] = (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64); NEXT();
L_DIV: {
    /* Division by zero gives all ones; INT64_MIN / -1 overflows to INT64_MIN. */
    uint64_t a = RS1, b = RS2;
    x[d->rd] = b == 0 ? UINT64_MAX
             : (a == (1ULL << 63) && b == UINT64_MAX) ? a
             : (uint64_t)((int64_t)a / (int64_t)b);
    NEXT();
}
L_DIVU: x[d->rd] = RS2 == 0 ? UINT64_MAX : RS1 / RS2; NEXT();
L_REM: {
    /* Remainder by zero is the dividend; INT64_MIN % -1 is 0. */
    uint64_t a = RS1, b = RS2;
    x[d->rd] = b == 0 ? a
             : (a == (1ULL << 63) && b == UINT64_MAX) ? 0
             : (uint64_t)((int64_t)a % (int64_t)b);
    NEXT();
}
L_REMU: x[d->rd] = RS2 == 0 ? RS1 : RS1 % RS2; NEXT();
L_MULW: x[d->rd] = sext32((uint32_t)RS1 * (uint32_t)RS2); NEXT();
L_DIVW: {
    int32_t a = (int32_t)(uint32_t)RS1, b = (int32_t)(uint32_t)RS2;
    x[d->rd] = b == 0 ? UINT64_MAX
             : (a == INT32_MIN && b == -1) ? (uint64_t)(int64_t)a
             : (uint64_t)(int64_t)(a / b);
    NEXT();
}
L_DIVUW:
    x[d->rd] = (uint32_t)RS2 == 0 ? UINT64_MAX : sext32((uint32_t)RS1 / (uint32_t)RS2);
    NEXT();
L_REMW: {
    int32_t a = (int32_t)(uint32_t)RS1, b = (int32_t)(uint32_t)RS2;
    x[d->rd] = b == 0 ? (uint64_t)(int64_t)a
             : (a == INT32_MIN && b == -1) ? 0
             : (uint64_t)(int64_t)(a % b);
    NEXT();
}
L_REMUW:
    x[d->rd] = (uint32_t)RS2 == 0 ? sext32(RS1) : sext32((uint32_t)RS1 % (uint32_t)RS2);
    NEXT();

L_FENCE: NEXT();   /* one hart: memory is sequentially consistent already */
L_FENCE_I: {
    /* Stores may have changed code: decode everything again. */
    uint64_t next = pc + d->len;
    hart_code_flush_all(h);
    page = TLB_TAG_INVALID;
    NEXT_AT(next);
}
L_ECALL:
    cause = CAUSE_ECALL_U;
    tval = 0;
    goto trap;
L_EBREAK:
    cause = CAUSE_BREAKPOINT;
    tval = pc;
    goto trap;
L_CSR: {
    uint64_t v;
    if (exec_csr(h, d, h->instret + (max_insns - left), &v)) {
        cause = CAUSE_ILLEGAL_INSN;
        tval = d->raw;
        goto trap;
    }
    x[d->rd] = v;
    NEXT();
}
L_AMO: {
    uint64_t v;
    if ((cause = exec_amo(h, d, &v, &tval)) != 0)
        goto trap;
    x[d->rd] = v;
    NEXT();
}
L_FP:
    if (fpu_exec(h, d->raw)) {
        cause = CAUSE_ILLEGAL_INSN;
        tval = d->raw;
        goto trap;
    }
    x[0] = 0;
    NEXT();
L_ILLEGAL:
    cause = CAUSE_ILLEGAL_INSN;
    tval = d->raw;
    goto trap;

quantum:
    cause = TRAP_QUANTUM;
    tval = 0;
trap:
    h->pc = pc;
    h->instret += max_insns - left;
    tlb->stats.hits += ft.hits;
    *out = (struct trap){.cause = cause, .tval = tval, .pc = pc};
#undef NEXT_AT
#undef NEXT
#undef BRANCH
#undef RS1
#undef RS2
#undef IMM
}
