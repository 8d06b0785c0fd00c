/* The RV64GC interpreter loop (user mode).
 *
 * Decode cache: a direct-mapped table of decoded pages keyed by (ASID,
 * virtual page), like the TLB's tag, and checked against the host frame the
 * page maps. A page holds one struct dinsn per 2-byte slot, filled lazily the
 * first time pc reaches it, plus two DISP_PAGE_END slots past its end. Entering
 * a page always goes through the fetch TLB (mmu_fast, else mmu_translate), so
 * permission changes, A-bit clearing and unmapping are honoured as long as
 * the kernel flushes (machine_flush_* call hart_code_flush_*). Within a page
 * the loop needs only the page's decoded array: straight-line code steps
 * from slot to slot and runs into DISP_PAGE_END when it leaves the page; a
 * jump or taken branch compares the target's page with the current one (and
 * within the page steps to the target's slot by the offset, NEXT_REL).
 *
 * A 32-bit instruction at offset 0xffe straddles two pages: it is decoded each
 * time it runs (never cached, since its second half belongs to another page)
 * and either page may fault; the fault address is that of the missing half.
 *
 * Dispatch: one indirect jump through a table indexed by d->disp at the end
 * of every handler. Each op has two handlers, for 4- and 2-byte encodings
 * (hart_ops.inc is included twice), so stepping to the next instruction adds
 * constants to pc and d rather than a length loaded from d: that load used to
 * chain every instruction to the one before (measured: 1.5-2.5x on integer
 * code). Some hot pairs of integer instructions are fused into one handler
 * (FUSED_PAIRS), which also passes the first's result to the second in a
 * host register. Loads and stores try a small direct-mapped L0 TLB in front of the
 * machine's TLB (a compare and an add; see struct l0_entry for why it never
 * changes what the TLB statistics say), then the TLB, then mem_*_slow.
 * Double-precision arithmetic uses the host FPU when the result is certain to
 * be the software FPU's (f64_* below), else fpu_exec. A trap leaves pc at the
 * instruction and no architectural state changed; writes to x0 go to the sink
 * register x[32]. */
#include "hart.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "fp_fast.h"
#include "fpu.h"
#include "jit.h"

#define DCACHE_SLOTS 256
#define DPAGE_SLOTS (PAGE_SIZE / 2)

/* Handler indexes (struct dinsn.disp): op * 2 + (len == 4) for a decoded
 * instruction; 0 for a slot not decoded yet; DISP_PAGE_END, not an
 * instruction, in the two slots past the end of a page, so that straight-line
 * code runs into them and leaves the page without a check of pc on every
 * instruction. */
#define DISP_UNDECODED 0
#define DISP_PAGE_END (OP_COUNT * 2)

/* Fused pairs (superinstructions): when an instruction A and the one that
 * follows it in memory, B, are a pair of FUSED_PAIRS, A's slot gets a handler
 * that runs A, retires it exactly as NEXT does (pc, d, budget), then runs B
 * without a dispatch. B's slot keeps its own handler, so a jump to B still
 * runs B alone, and a trap in B finds pc, instret and the registers as after
 * A. A slot is fused once both halves have been decoded (fuse_around), that
 * is from the pair's second run on: nothing is decoded ahead of pc.
 * When B reads A's result as rs1 (the "forwarding" variant), B takes it
 * from the host register A computed it in: registers live in memory, and a
 * dependent chain of guest instructions is otherwise a chain of
 * store-to-load forwards. Only pairs within one page are fused, A never
 * writes memory, and both entries never change once decoded (a page's
 * entries are only ever reset together), so the choice stays valid. The
 * pairs are the hot ones of integer loops (CRC, hashing, bit counting:
 * guest/perf/int.c); X(a, b) fuses OP_a followed by OP_b. */
#define FUSED_PAIRS(X)                                                             \
    X(XOR, ANDI) X(ANDI, SLLI) X(SLLI, ADD) X(ADD, LW) X(LW, XOR) X(XOR, ADDIW)     \
    X(MUL, SLLI) X(SRLI, OR) X(MUL, XOR) X(ADD, ADD) X(LBU, SRLIW) X(ADDI, XOR)     \
    X(ADDI, ADDIW) X(AND, ADDIW) X(ADD, BNE) X(LD, ADDI)
enum fuse_kind {
#define X(a, b) FK_##a##_##b,
    FUSED_PAIRS(X)
#undef X
    FK_COUNT
};
static const uint8_t fuse_ops[FK_COUNT][2] = {
#define X(a, b) {OP_##a, OP_##b},
    FUSED_PAIRS(X)
#undef X
};
/* The handler of pair k: fwd if B's rs1 is A's rd; la4, lb4: A, B 4 bytes long. */
#define DISP_FUSED (OP_COUNT * 2 + 1)
#define DISP_F(k, fwd, la4, lb4) (DISP_FUSED + ((((k) * 2 + (fwd)) * 2 + (la4)) * 2 + (lb4)))
#define DISP_COUNT DISP_F(FK_COUNT, 0, 0, 0)
_Static_assert(DISP_COUNT <= 65536, "struct dinsn.disp is 16 bits");

struct dpage {
    uint64_t tag;                       /* tlb_tag() of the page, or TLB_TAG_INVALID */
    const uint8_t *host;                /* host address of the frame it was decoded from */
    struct dinsn e[DPAGE_SLOTS + 2];    /* by (offset / 2); all zero (DISP_UNDECODED) when
                                         * not yet seen; e[DPAGE_SLOTS..] are DISP_PAGE_END */
};

static void dpage_reset(struct dpage *p, uint64_t tag, const uint8_t *host)
{
    memset(p->e, 0, sizeof p->e);   /* all OP_UNDECODED */
    p->e[DPAGE_SLOTS].disp = p->e[DPAGE_SLOTS + 1].disp = DISP_PAGE_END;
    p->tag = tag;
    p->host = host;
}

/* The data accesses' first-level TLB: direct-mapped, one entry per virtual
 * page, of one ASID (l0_asid; hart_run empties it when it starts with another
 * one). It holds copies of hits in the machine's TLB (so only RAM pages, and
 * for writes only dirty writable ones) and never an entry the TLB has lost,
 * so that an L0 hit is exactly a TLB hit and the TLB statistics stay those of
 * the modelled TLB: it is emptied whenever the TLB is flushed through
 * machine_flush_* (which call hart_code_flush_*); after a page walk in
 * hart_run (the only time the TLB fills, and may evict), the entries that
 * share the filled TLB set are dropped; and hart_run starts with an empty L0
 * if the TLB walked since it last ran (the kernel's uaccess). `page` is the page's
 * virtual address, or L0_INVALID; a lookup compares it with the address
 * masked so that a misaligned access misses too. */
#define L0_SIZE 256
#define L0_INVALID UINT64_MAX
struct l0_entry {
    uint64_t page;
    uintptr_t addend;   /* host address - virtual address */
};

struct decode_cache {
    struct dpage *slot[DCACHE_SLOTS];
    struct l0_entry l0[2 * L0_SIZE];   /* reads, then writes */
    uint16_t l0_asid;
    uint64_t l0_walks;                 /* mmu.stats.walks when the L0 was last in step */
};

static void l0_flush(struct decode_cache *c)
{
    for (unsigned i = 0; i < 2 * L0_SIZE; i++)
        c->l0[i].page = L0_INVALID;
}

/* After a slow-path access to a: if it walked (and so may have filled the
 * TLB set of a, evicting an entry), drops the L0 entries whose pages fall in
 * that set (both halves: a store fills the read array too). */
static __attribute__((noinline)) void l0_after_slow(struct hart *h, uint64_t a)
{
    struct decode_cache *c = h->dcache;
    if (h->mmu.stats.walks == c->l0_walks)
        return;
    c->l0_walks = h->mmu.stats.walks;
    unsigned sets = h->mmu.tlb.sets;
    uint64_t set = (a >> PAGE_SHIFT) & (sets - 1);
    unsigned step = sets < L0_SIZE ? sets : L0_SIZE;
    for (unsigned i = (unsigned)(set & (L0_SIZE - 1)); i < L0_SIZE; i += step) {
        c->l0[i].page = L0_INVALID;
        c->l0[L0_SIZE + i].page = L0_INVALID;
    }
}

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
    l0_flush(h->dcache);
    int err = mmu_init(&h->mmu, pm, tlb_sets, tlb_ways);
    if (err) {
        free(h->dcache);
        h->dcache = NULL;
    }
    return err;
}

void hart_fini(struct hart *h)
{
    jit_free(h->jit);
    h->jit = NULL;
    if (h->dcache)
        for (unsigned i = 0; i < DCACHE_SLOTS; i++)
            free(h->dcache->slot[i]);
    free(h->dcache);
    h->dcache = NULL;
    mmu_fini(&h->mmu);
}

void hart_code_flush_page(struct hart *h, uint16_t asid, vaddr_t a)
{
    if (h->jit)
        jit_flush_page(h->jit, asid, a);
    uint64_t tag = tlb_tag(a, asid);
    struct dpage *p = h->dcache->slot[dcache_index(tag)];
    if (p && p->tag == tag)
        p->tag = TLB_TAG_INVALID;
    /* Like tlb_flush_page: every page of a superpage, and global entries of
     * any ASID; so drop the page whatever the ASID, and everything if the
     * TLB holds superpage entries. */
    if (h->mmu.tlb.nsuper) {
        l0_flush(h->dcache);
    } else {
        uint64_t page = a.v & ~(uint64_t)PAGE_MASK;
        struct l0_entry *e = &h->dcache->l0[(a.v >> PAGE_SHIFT) & (L0_SIZE - 1)];
        if (e[0].page == page)
            e[0].page = L0_INVALID;
        if (e[L0_SIZE].page == page)
            e[L0_SIZE].page = L0_INVALID;
    }
}

void hart_code_flush_all(struct hart *h)
{
    if (h->jit)
        jit_flush_all(h->jit);
    for (unsigned i = 0; i < DCACHE_SLOTS; i++)
        if (h->dcache->slot[i])
            h->dcache->slot[i]->tag = TLB_TAG_INVALID;
    l0_flush(h->dcache);
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

/* A lookup in the machine's TLB that, on a hit, copies the entry into the L0
 * TLB (the caller counts the hit); NULL on a miss. Same tags as tlb_lookup().
 * Out of line: the L0 hit is the fast path. */
static __attribute__((noinline)) uint8_t *l0_refill(struct hart *h, struct l0_entry *l0,
                                                     uint64_t a, enum access acc, uint64_t pc,
                                                     unsigned len)
{
    const struct tlb *t = &h->mmu.tlb;
    uint64_t tag = (a >> PAGE_SHIFT) | (uint64_t)satp_asid(h->mmu.satp) << 52;
    const struct tlb_entry *set = t->e[acc] + (tag & (t->sets - 1)) * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].tag == tag) {
            if (h->ptrace) { /* tracing: every access comes here, the L0 stays empty */
                page_trace_data(h->ptrace, pc, len, a, acc);
                return (uint8_t *)(set[w].addend + a);
            }
            struct l0_entry *e = &l0[(acc == ACCESS_WRITE ? L0_SIZE : 0) +
                                     ((a >> PAGE_SHIFT) & (L0_SIZE - 1))];
            e->page = a & ~(uint64_t)PAGE_MASK;
            e->addend = set[w].addend;
            return (uint8_t *)(set[w].addend + a);
        }
    return NULL;
}

/* The L0 entry for an access of `size` bytes at a, of the read or write half
 * (l0 points to the right one): a hit compares the entry's page with a masked
 * to its page and its low bits, so that a misaligned access misses. */
#define L0_HIT(l0, a, size)                                                       \
    ((l0)[((a) >> PAGE_SHIFT) & (L0_SIZE - 1)].page == ((a) & ~(uint64_t)(PAGE_MASK ^ ((size) - 1))))

/* Aligned load of `type` into dst: the L0 TLB (a compare and an add), then
 * the machine's TLB, then the slow path (walk, fault, device). */
#define LOAD(dst, type) LOAD_FROM(dst, type, x[d->rs1])
/* The same with the base register's value given (a fused pair forwards it). */
#define LOAD_FROM(dst, type, base)                                                \
    do {                                                                          \
        uint64_t a_ = (base) + (uint64_t)(int64_t)d->imm;                         \
        const uint8_t *p_;                                                        \
        type t_;                                                                  \
        if (__builtin_expect(L0_HIT(l0, a_, sizeof(type)), 1)) {                  \
            tlb_hits++;                                                            \
            p_ = (const uint8_t *)(l0[(a_ >> PAGE_SHIFT) & (L0_SIZE - 1)].addend + a_); \
        } else if (__builtin_expect(a_ & (sizeof(type) - 1), 0)) {                \
            cause = CAUSE_MISALIGNED_LOAD;                                        \
            tval = a_;                                                            \
            goto trap;                                                            \
        } else if ((p_ = l0_refill(h, l0, a_, ACCESS_READ, pc, ILEN)) != NULL) {            \
            tlb_hits++;                                                           \
        } else {                                                                  \
            uint64_t v_;                                                          \
            h->io_instret = h->instret + (max_insns - left);                      \
            int c_ = mem_load_slow(h, a_, sizeof(type), &v_);                     \
            l0_after_slow(h, a_);                                                 \
            if (c_) {                                                             \
                cause = c_;                                                       \
                tval = a_;                                                        \
                goto trap;                                                        \
            }                                                                     \
            if (h->ptrace)                                                        \
                page_trace_data(h->ptrace, pc, ILEN, a_, ACCESS_READ);            \
            t_ = (type)v_;                                                        \
            dst = (uint64_t)(int64_t)t_;                                          \
            break;                                                                \
        }                                                                         \
        memcpy(&t_, p_, sizeof(type));                                            \
        dst = (uint64_t)(int64_t)t_;                                              \
    } while (0)

#define STORE(src, type)                                                          \
    do {                                                                          \
        uint64_t a_ = x[d->rs1] + (uint64_t)(int64_t)d->imm;                      \
        uint8_t *p_;                                                              \
        type t_ = (type)(src);                                                    \
        if (__builtin_expect(L0_HIT(l0 + L0_SIZE, a_, sizeof(type)), 1)) {       \
            tlb_hits++;                                                            \
            p_ = (uint8_t *)(l0[L0_SIZE + ((a_ >> PAGE_SHIFT) & (L0_SIZE - 1))].addend + a_); \
        } else if (__builtin_expect(a_ & (sizeof(type) - 1), 0)) {                \
            cause = CAUSE_MISALIGNED_STORE;                                       \
            tval = a_;                                                            \
            goto trap;                                                            \
        } else if ((p_ = l0_refill(h, l0, a_, ACCESS_WRITE, pc, ILEN)) != NULL) {           \
            tlb_hits++;                                                           \
        } else {                                                                  \
            h->io_instret = h->instret + (max_insns - left);                      \
            int c_ = mem_store_slow(h, a_, sizeof(type), (uint64_t)(src));        \
            l0_after_slow(h, a_);                                                 \
            if (c_) {                                                             \
                cause = c_;                                                       \
                tval = a_;                                                        \
                goto trap;                                                        \
            }                                                                     \
            if (h->ptrace)                                                        \
                page_trace_data(h->ptrace, pc, ILEN, a_, ACCESS_WRITE);           \
            break;                                                                \
        }                                                                         \
        memcpy(p_, &t_, sizeof(type));                                            \
    } while (0)

/* Where an instruction's integer result goes: writes to x0 go to the sink
 * x[32], so no handler tests rd. FP loads and OP-FP name f registers in rd
 * (fpu_exec never writes x0 itself). */
static void cache_decoded(struct dinsn *d)
{
    bool f_dest = d->op == OP_FLW || d->op == OP_FLD || d->op == OP_FP ||
                  (d->op >= OP_FADD_D && d->op <= OP_FMV_D_X);
    if (d->rd == 0 && !f_dest)
        d->rd = 32;
    d->disp = (uint16_t)(d->op * 2 + (d->len == 4));
}

/* If a (decoded, not fused yet) and b, the instruction after it in the same
 * page (decoded), form a pair of FUSED_PAIRS, gives a the pair's handler. */
static void try_fuse(struct dinsn *a, const struct dinsn *b)
{
    if (a->disp != a->op * 2 + (a->len == 4) || b->disp == DISP_UNDECODED)
        return;
    for (unsigned k = 0; k < FK_COUNT; k++)
        if (fuse_ops[k][0] == a->op && fuse_ops[k][1] == b->op) {
            bool fwd = a->rd != 32 && b->rs1 == a->rd;
            a->disp = (uint16_t)DISP_F(k, fwd, a->len == 4, b->len == 4);
            return;
        }
}

/* After the slot at offset off of pg is decoded: fuses it with the
 * instruction after it, and with either possible instruction before it
 * (2 bytes before if compressed, 4 bytes before if not). */
static void fuse_around(struct dpage *pg, unsigned off)
{
    struct dinsn *s = &pg->e[off >> 1];
    if (off + s->len < PAGE_SIZE)
        try_fuse(s, &pg->e[(off + s->len) >> 1]);
    if (off >= 2 && pg->e[(off - 2) >> 1].len == 2)
        try_fuse(&pg->e[(off - 2) >> 1], s);
    if (off >= 4 && pg->e[(off - 4) >> 1].len == 4)
        try_fuse(&pg->e[(off - 4) >> 1], s);
}

/* The loop dispatches through a table of label addresses (GNU C "labels as
 * values") rather than a switch: each handler ends with its own indirect
 * jump, which the host predicts per handler, and no range check is needed.
 * (Storing the handler's offset in the entry instead, to skip the table
 * load, measured 8% slower on branchy code and was dropped.) */
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
    /* disp = op * 2 + (len == 4): each op has a handler per length. */
#define H(op, name) [OP_##op * 2] = &&L_##name##_2, [OP_##op * 2 + 1] = &&L_##name##_4,
    static const void *const labels[DISP_COUNT] = {
        [DISP_UNDECODED] = &&L_UNDECODED, [DISP_PAGE_END] = &&L_PAGE_END,
        H(LUI, LUI) H(AUIPC, AUIPC) H(JAL, JAL) H(JALR, JALR) H(BEQ, BEQ) H(BNE, BNE)
        H(BLT, BLT) H(BGE, BGE) H(BLTU, BLTU) H(BGEU, BGEU) H(LB, LB) H(LH, LH) H(LW, LW)
        H(LD, LD) H(LBU, LBU) H(LHU, LHU) H(LWU, LWU) H(SB, SB) H(SH, SH) H(SW, SW) H(SD, SD)
        H(ADDI, ADDI) H(SLTI, SLTI) H(SLTIU, SLTIU) H(XORI, XORI) H(ORI, ORI) H(ANDI, ANDI)
        H(SLLI, SLLI) H(SRLI, SRLI) H(SRAI, SRAI) H(ADD, ADD) H(SUB, SUB) H(SLL, SLL)
        H(SLT, SLT) H(SLTU, SLTU) H(XOR, XOR) H(SRL, SRL) H(SRA, SRA) H(OR, OR) H(AND, AND)
        H(ADDIW, ADDIW) H(SLLIW, SLLIW) H(SRLIW, SRLIW) H(SRAIW, SRAIW) H(ADDW, ADDW)
        H(SUBW, SUBW) H(SLLW, SLLW) H(SRLW, SRLW) H(SRAW, SRAW) H(MUL, MUL) H(MULH, MULH)
        H(MULHSU, MULHSU) H(MULHU, MULHU) H(DIV, DIV) H(DIVU, DIVU) H(REM, REM) H(REMU, REMU)
        H(MULW, MULW) H(DIVW, DIVW) H(DIVUW, DIVUW) H(REMW, REMW) H(REMUW, REMUW)
        H(FENCE, FENCE) H(FENCE_I, FENCE_I) H(ECALL, ECALL) H(EBREAK, EBREAK) H(FLW, FLW)
        H(FLD, FLD) H(FSW, FSW) H(FSD, FSD) H(FP, FP) H(ILLEGAL, ILLEGAL) H(CSRRW, CSR)
        H(CSRRS, CSR) H(CSRRC, CSR) H(CSRRWI, CSR) H(CSRRSI, CSR) H(CSRRCI, CSR) H(LR_W, AMO)
        H(SC_W, AMO) H(AMOSWAP_W, AMO) H(AMOADD_W, AMO) H(AMOXOR_W, AMO) H(AMOAND_W, AMO)
        H(AMOOR_W, AMO) H(AMOMIN_W, AMO) H(AMOMAX_W, AMO) H(AMOMINU_W, AMO) H(AMOMAXU_W, AMO)
        H(LR_D, AMO) H(SC_D, AMO) H(AMOSWAP_D, AMO) H(AMOADD_D, AMO) H(AMOXOR_D, AMO)
        H(AMOAND_D, AMO) H(AMOOR_D, AMO) H(AMOMIN_D, AMO) H(AMOMAX_D, AMO) H(AMOMINU_D, AMO)
        H(AMOMAXU_D, AMO) H(FADD_D, FADD_D) H(FSUB_D, FSUB_D) H(FMUL_D, FMUL_D)
        H(FDIV_D, FDIV_D) H(FSQRT_D, FSQRT_D) H(FMADD_D, FMADD_D) H(FMSUB_D, FMSUB_D)
        H(FNMSUB_D, FNMSUB_D) H(FNMADD_D, FNMADD_D) H(FSGNJ_D, FSGNJ_D) H(FSGNJN_D, FSGNJN_D)
        H(FSGNJX_D, FSGNJX_D) H(FCVT_D_W, FCVT_D_W) H(FCVT_D_L, FCVT_D_L) H(FMV_D_X, FMV_D_X)
        H(FEQ_D, FEQ_D) H(FLT_D, FLT_D) H(FLE_D, FLE_D) H(FMV_X_D, FMV_X_D)
#define HF(n, fw)                                                                  \
        [DISP_F(FK_##n, fw, 0, 0)] = &&L_F_##n##_##fw##_2_2,                        \
        [DISP_F(FK_##n, fw, 0, 1)] = &&L_F_##n##_##fw##_2_4,                        \
        [DISP_F(FK_##n, fw, 1, 0)] = &&L_F_##n##_##fw##_4_2,                        \
        [DISP_F(FK_##n, fw, 1, 1)] = &&L_F_##n##_##fw##_4_4,
#define X(a, b) HF(a##_##b, 0) HF(a##_##b, 1)
        FUSED_PAIRS(X)
#undef X
#undef HF
    };
#undef H
    if (h->jit && !h->ptrace) {   /* the translator instead (jit.h); page tracing interprets */
        jit_run(h, max_insns, out);
        return;
    }
    uint64_t *x = h->x;
    struct tlb *tlb = &h->mmu.tlb;
    uint64_t tlb_hits = 0;                  /* added to the TLB's stats at the end */
    uint16_t asid = satp_asid(h->mmu.satp);
    if (h->dcache->l0_asid != asid || h->dcache->l0_walks != h->mmu.stats.walks || h->ptrace) {
        l0_flush(h->dcache);
        h->dcache->l0_asid = asid;
        h->dcache->l0_walks = h->mmu.stats.walks;
    }
    struct l0_entry *l0 = h->dcache->l0;
    uint64_t pc = h->pc;
    uint64_t left = max_insns;              /* budget; max_insns - left have retired */
    uint64_t page = TLB_TAG_INVALID;        /* va of the page pg decodes */
    struct dpage *pg = NULL;
    const uint8_t *host = NULL;             /* host address of that page */
    const struct dinsn *d;
    struct dinsn tmp[3];                    /* a page-straddling insn, then DISP_PAGE_END */
    int cause;
    uint64_t tval = 0;
    bool fell = false;                      /* new_page: ran past the end of a page */

    x[0] = 0;
    tmp[1].disp = tmp[2].disp = DISP_PAGE_END;

/* Retires the instruction, moves pc to next_pc and runs the next one. */
#define NEXT_AT(next_pc)                                                           \
    do {                                                                           \
        pc = (next_pc);                                                            \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
        if (__builtin_expect((pc & ~PAGE_MASK) != page, 0))                        \
            goto new_page;                                                         \
        d = &pg->e[(pc & PAGE_MASK) >> 1];                                         \
        goto *labels[d->disp];                                                       \
    } while (0)
/* The same for the next instruction in memory, this one being n bytes long:
 * its slot follows this one (an OP_PAGE_END slot when the page ends). */
#define NEXT_N(n)                                                                  \
    do {                                                                           \
        pc += (n);                                                                 \
        d += (n) / 2;                                                              \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
        goto *labels[d->disp];                                                     \
    } while (0)
#define NEXT() NEXT_N(ILEN)
/* Retires the first instruction of a fused pair: on to the second's slot. */
#define STEP_A()                                                                   \
    do {                                                                           \
        pc += ILEN;                                                                \
        d += ILEN / 2;                                                             \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
    } while (0)
/* The same for a pc-relative jump by d->imm: within the page, the target's
 * slot is at the same distance from this one (page is invalid while d is
 * not in pg, for a page-straddling instruction). */
#define NEXT_REL()                                                                 \
    do {                                                                           \
        int64_t off_ = d->imm;                                                     \
        uint64_t to_ = pc + (uint64_t)off_;                                        \
        if (__builtin_expect((to_ & ~PAGE_MASK) != page, 0))                       \
            NEXT_AT(to_);                                                          \
        pc = to_;                                                                  \
        d = (const struct dinsn *)((const char *)d + off_ * (int64_t)(sizeof *d / 2)); \
        if (__builtin_expect(--left == 0, 0))                                      \
            goto quantum;                                                          \
        goto *labels[d->disp];                                                     \
    } while (0)
#define BRANCH(cond)                                                               \
    do {                                                                           \
        if (cond)                                                                  \
            NEXT_REL();                                                            \
        NEXT();                                                                    \
    } while (0)
/* LBL(ADD) is L_ADD_4 or L_ADD_2, after the ILEN of the inclusion. */
#define LBL(name) LBL_(name, ILEN)
#define LBL_(name, len) LBL__(name, len)
#define LBL__(name, len) L_##name##_##len
#define RS1 x[d->rs1]
#define RS2 x[d->rs2]
#define IMM ((uint64_t)(int64_t)d->imm)
/* Fused pairs (FUSED_PAIRS): A_op(v) computes the first's result into v;
 * B_op(bl, r1) runs the second (bl bytes long) with r1 as its rs1 value. */
#define A_XOR(v) v = RS1 ^ RS2
#define A_AND(v) v = RS1 & RS2
#define A_ADD(v) v = RS1 + RS2
#define A_MUL(v) v = RS1 * RS2
#define A_ADDI(v) v = RS1 + IMM
#define A_ANDI(v) v = RS1 & IMM
#define A_SLLI(v) v = RS1 << d->imm
#define A_SRLI(v) v = RS1 >> d->imm
#define A_LW(v) LOAD(v, int32_t)
#define A_LBU(v) LOAD(v, uint8_t)
#define A_LD(v) LOAD(v, uint64_t)
#define B_ADDI(bl, r1) x[d->rd] = (r1) + IMM; NEXT_N(bl)
#define B_BNE(bl, r1)                                                              \
    if ((r1) != RS2)                                                               \
        NEXT_REL();                                                                \
    NEXT_N(bl)
#define B_XOR(bl, r1) x[d->rd] = (r1) ^ RS2; NEXT_N(bl)
#define B_OR(bl, r1) x[d->rd] = (r1) | RS2; NEXT_N(bl)
#define B_ADD(bl, r1) x[d->rd] = (r1) + RS2; NEXT_N(bl)
#define B_ANDI(bl, r1) x[d->rd] = (r1) & IMM; NEXT_N(bl)
#define B_SLLI(bl, r1) x[d->rd] = (r1) << d->imm; NEXT_N(bl)
#define B_ADDIW(bl, r1) x[d->rd] = sext32((r1) + IMM); NEXT_N(bl)
#define B_SRLIW(bl, r1) x[d->rd] = sext32((uint32_t)(r1) >> d->imm); NEXT_N(bl)
#define B_LW(bl, r1) LOAD_FROM(x[d->rd], int32_t, r1); NEXT_N(bl)
/* The pair's four handlers of one fwd variant, A being ILEN bytes long. */
#define FUSE_FW(n, fw, AM, BM, r1)                                                 \
    LBLF(n, fw, 2) : { uint64_t fv_; AM(fv_); x[d->rd] = fv_; STEP_A(); BM(2, r1); } \
    LBLF(n, fw, 4) : { uint64_t fv_; AM(fv_); x[d->rd] = fv_; STEP_A(); BM(4, r1); }
#define FUSE(n, AM, BM) FUSE_FW(n, 1, AM, BM, fv_) FUSE_FW(n, 0, AM, BM, RS1)
#define LBLF(n, fw, lb) LBLF_(n, fw, ILEN, lb)
#define LBLF_(n, fw, la, lb) LBLF__(n, fw, la, lb)
#define LBLF__(n, fw, la, lb) L_F_##n##_##fw##_##la##_##lb

    if (max_insns == 0)
        goto quantum;
new_page:
    pg = enter_page(h, pc, &host, &cause);
    if (!pg) {
        tval = pc;
        goto trap;
    }
    if (h->ptrace)
        page_trace_enter(h->ptrace, page, pc, fell);
    fell = false;
    page = pc & ~PAGE_MASK;
    d = &pg->e[(pc & PAGE_MASK) >> 1];
    goto *labels[d->disp];

L_UNDECODED: {
    unsigned off = (unsigned)(pc & PAGE_MASK);
    uint16_t lo = rd16(host + off);
    if (insn_len(lo) == 4 && off == PAGE_SIZE - 2) {
        if ((cause = decode_straddling(h, pc, lo, &tmp[0], &tval)) != 0)
            goto trap;
        cache_decoded(&tmp[0]);
        page = TLB_TAG_INVALID;   /* no NEXT_REL from tmp: it is not in pg */
        d = &tmp[0];   /* NEXT() lands on tmp[2]: DISP_PAGE_END */
    } else {
        struct dinsn *slot = &pg->e[off >> 1];
        decode_insn(lo, insn_len(lo) == 4 ? rd16(host + off + 2) : 0, slot);
        cache_decoded(slot);
        /* Only slots already decoded are fused (nothing is decoded ahead of
         * pc, which code that writes the next instructions may rely on), so
         * a pair is fused from its second run on. */
        fuse_around(pg, off);
        d = slot;
    }
    goto *labels[d->disp];
}

L_PAGE_END:
    fell = true;
    goto new_page;   /* pc is already the first address of the next page */

#define ILEN 4
#include "hart_ops.inc"
#undef ILEN
#define ILEN 2
#include "hart_ops.inc"
#undef ILEN

quantum:
    cause = TRAP_QUANTUM;
    tval = 0;
trap:
    h->pc = pc;
    h->instret += max_insns - left;
    h->io_instret = h->instret;
    tlb->stats.hits += tlb_hits;
    /* Every data walk above was followed by l0_after_slow; fetch walks fill
     * only the fetch array, which the L0 does not mirror. */
    h->dcache->l0_walks = h->mmu.stats.walks;
    if (h->ptrace)
        page_trace_stop(h->ptrace, page, pc, cause == TRAP_QUANTUM,
                        cause != TRAP_QUANTUM && cause != CAUSE_ECALL_U &&
                            cause != CAUSE_BREAKPOINT && cause != CAUSE_ILLEGAL_INSN);
    *out = (struct trap){.cause = cause, .tval = tval, .pc = pc};
#undef NEXT_AT
#undef NEXT
#undef BRANCH
#undef RS1
#undef LBL
#undef LBL_
#undef LBL__
#undef RS2
#undef IMM
}
