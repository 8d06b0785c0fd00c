/* The MMU's slow path: the Sv48 page walk (the only one in vmsim; the bit
 * layout is in sv48.h), the U-mode permission check, the hardware A/D update,
 * and the TLB fill. Spec references are to the RISC-V privileged spec,
 * "Virtual Address Translation Process" (steps numbered as there). */
#include "mmu.h"

#include <assert.h>

/* How a walk ended. */
enum walk_status {
    WALK_LEAF,    /* a valid leaf */
    WALK_INVALID, /* a V=0 entry: the kernel's to interpret */
    WALK_BAD,     /* a malformed entry: page fault */
    WALK_OUTSIDE, /* a table outside RAM: access fault */
    WALK_NONCANONICAL,
};

/* Bits that must be zero in every valid PTE: we implement neither Svpbmt nor
 * Svnapot, so PBMT and N are reserved too (step 3). */
#define PTE_MUST_BE_ZERO (PTE_RESERVED_MASK | PTE_PBMT_MASK | PTE_N)
/* In a pointer (non-leaf) PTE, D, A and U are reserved as well (Spike faults). */
#define PTE_POINTER_MUST_BE_ZERO (PTE_MUST_BE_ZERO | PTE_D | PTE_A | PTE_U)

/* Inline into each caller, so that the translate path's (trace NULL) loses
 * its trace stores; the level and read count stay in registers. */
static inline __attribute__((always_inline)) pte_t *
walk(struct physmem *pm, pfn_t root, vaddr_t a, int *level, struct walk_trace *trace,
     uint64_t *reads, enum walk_status *status)
{
    if (trace)
        trace->nsteps = 0;
    *level = SV48_LEVELS - 1;
    /* Step 1: bits 63..48 must equal bit 47. */
    if (!sv48_canonical(a)) {
        *status = WALK_NONCANONICAL;
        return NULL;
    }
    paddr_t table = pfn_to_pa(root);
    uint64_t nreads = 0;
    pte_t *found = NULL;
    enum walk_status st = WALK_BAD;
    int lvl;
    for (lvl = SV48_LEVELS - 1; lvl >= 0; lvl--) {
        /* Step 2: reading a PTE outside RAM violates a PMA: access fault.
         * A table is one aligned page and RAM is whole pages, so checking the
         * table's first byte checks the PTE. */
        uint8_t *host = physmem_host(pm, table);
        if (!host) {
            st = WALK_OUTSIDE;
            break;
        }
        unsigned idx = sv48_index(a, lvl);
        pte_t *p = (pte_t *)(host + (size_t)idx * sizeof(pte_t));
        pte_t e = *p;
        nreads++;
        if (trace)
            trace->step[trace->nsteps++] =
                (struct walk_step){.level = lvl,
                                   .index = idx,
                                   .pte_addr = pa(table.p + idx * sizeof(pte_t)),
                                   .pte = e};
        /* Step 3: V=0 stops the walk; the other bits are the kernel's. */
        if (!pte_valid(e)) {
            st = WALK_INVALID;
            found = p;
            break;
        }
        /* Step 3: W without R, and reserved bits, are malformed. */
        if ((e.bits & PTE_MUST_BE_ZERO) || (e.bits & (PTE_R | PTE_W)) == PTE_W)
            break;
        if (pte_leaf(e)) {
            /* Step 6: a superpage's low PPN fields must be zero. */
            uint64_t low = (1ULL << (9 * lvl)) - 1;
            if (!(pte_pfn(e).n & low)) {
                st = WALK_LEAF;
                found = p;
            }
            break;
        }
        /* Step 4: a pointer; at level 0 there is no next level. */
        if ((e.bits & PTE_POINTER_MUST_BE_ZERO) || lvl == 0)
            break;
        table = pfn_to_pa(pte_pfn(e));
    }
    assert(lvl >= 0 && "the loop ends at level 0 at the latest");
    *level = lvl;
    *reads += nreads;
    *status = st;
    return found;
}

pte_t *sv48_walk(struct physmem *pm, pfn_t root, vaddr_t a, int *level, struct walk_trace *trace)
{
    int lvl;
    uint64_t reads = 0;
    enum walk_status status;
    pte_t *p = walk(pm, root, a, &lvl, trace, &reads, &status);
    if (level)
        *level = lvl;
    return p;
}

int mmu_init(struct mmu *m, struct physmem *pm, unsigned tlb_sets, unsigned tlb_ways)
{
    *m = (struct mmu){.pm = pm};
    return tlb_init(&m->tlb, tlb_sets, tlb_ways);
}

void mmu_fini(struct mmu *m)
{
    tlb_fini(&m->tlb);
}

static const int page_fault_cause[3] = {
    [ACCESS_READ] = CAUSE_LOAD_PAGE_FAULT,
    [ACCESS_WRITE] = CAUSE_STORE_PAGE_FAULT,
    [ACCESS_EXEC] = CAUSE_FETCH_PAGE_FAULT,
};
static const int access_fault_cause[3] = {
    [ACCESS_READ] = CAUSE_LOAD_ACCESS,
    [ACCESS_WRITE] = CAUSE_STORE_ACCESS,
    [ACCESS_EXEC] = CAUSE_FETCH_ACCESS,
};
/* The PTE bit an access of each kind needs (no MXR: X does not grant reads). */
static const uint64_t access_perm[3] = {
    [ACCESS_READ] = PTE_R,
    [ACCESS_WRITE] = PTE_W,
    [ACCESS_EXEC] = PTE_X,
};

static int fail(struct mmu *m, struct translation *out, enum mmu_fault_kind kind, int cause,
                int level, pte_t e)
{
    m->stats.faults++;
    *out = (struct translation){.kind = kind, .cause = cause, .level = level, .leaf = e};
    return cause;
}

/* probe: look in the TLB first (false: the caller has just looked and missed). */
static int translate(struct mmu *m, vaddr_t a, enum access acc, struct translation *out,
                     struct walk_trace *trace, bool probe)
{
    assert(acc == ACCESS_READ || acc == ACCESS_WRITE || acc == ACCESS_EXEC);
    assert(m->satp >> SATP_MODE_SHIFT == SATP_MODE_SV48 && "U-mode runs translated");
    uint16_t asid = satp_asid(m->satp);
    assert(asid != SATP_ASID_MASK && "ASID 4095 is reserved (see tlb.h)");

    const struct tlb_entry *hit = probe ? tlb_probe(&m->tlb, a, asid, acc) : NULL;
    if (hit) {
        m->tlb.stats.hits++;
        if (trace)
            trace->nsteps = 0;
        *out = (struct translation){
            .pa = pa(hit->page_pa.p + va_offset(a)),
            .host = (uint8_t *)(hit->addend + a.v),
            .leaf = {hit->pte_bits},
            .level = hit->level,
            .tlb_hit = true,
        };
        return 0;
    }
    m->tlb.stats.misses++;
    m->stats.walks++;

    int level;
    enum walk_status status;
    pte_t *p = trace ? walk(m->pm, satp_root(m->satp), a, &level, trace, &m->stats.pte_reads, &status)
                     : walk(m->pm, satp_root(m->satp), a, &level, NULL, &m->stats.pte_reads, &status);
    pte_t e = p ? *p : (pte_t){0};
    switch (status) {
    case WALK_LEAF:
        break;
    case WALK_INVALID:
        return fail(m, out, MMU_NOT_PRESENT, page_fault_cause[acc], level, e);
    case WALK_BAD:
        return fail(m, out, MMU_BAD_PTE, page_fault_cause[acc], level, e);
    case WALK_OUTSIDE:
        return fail(m, out, MMU_BAD_PTE, access_fault_cause[acc], level, e);
    case WALK_NONCANONICAL:
        return fail(m, out, MMU_NONCANONICAL, page_fault_cause[acc], level, e);
    }

    /* Step 5: U-mode needs U=1 (SUM is irrelevant here) and the access's own
     * permission bit (MXR=0). */
    if (!(e.bits & PTE_U) || !(e.bits & access_perm[acc]))
        return fail(m, out, MMU_PROTECTION, page_fault_cause[acc], level, e);

    /* Step 8: the superpage's low VPN fields pass through into the address. */
    uint64_t offset_mask = (1ULL << (PAGE_SHIFT + 9 * level)) - 1;
    paddr_t phys = pa((pte_pfn(e).n << PAGE_SHIFT) + (a.v & offset_mask));
    uint8_t *host = physmem_host(m->pm, phys);
    /* The PMA check on the final address; done before the A/D update so a
     * failed translation changes nothing. */
    if (!host && !physmem_device(m->pm, phys))
        return fail(m, out, MMU_BAD_PTE, access_fault_cause[acc], level, e);

    /* Step 7, Svadu: hardware sets A, and D on a store, in memory. */
    uint64_t want = PTE_A | (acc == ACCESS_WRITE ? PTE_D : 0);
    if ((e.bits & want) != want) {
        e.bits |= want;
        *p = e;
    }

    *out = (struct translation){.pa = phys, .host = host, .leaf = e, .level = level};
    if (host) {
        /* The write array only for dirty pages (D is now set); a store also
         * fills the read array, since W implies R. */
        uint8_t *host_page = host - va_offset(a);
        tlb_fill_level(&m->tlb, a, asid, acc, host_page, phys, e, level);
        if (acc == ACCESS_WRITE)
            tlb_fill_level(&m->tlb, a, asid, ACCESS_READ, host_page, phys, e, level);
    }
    return 0;
}

static int translate_observed(struct mmu *m, vaddr_t a, enum access acc, struct translation *out,
                              struct walk_trace *trace, bool probe)
{
    if (!m->observe)
        return translate(m, a, acc, out, trace, probe);
    struct walk_trace local;
    struct walk_trace *t = trace ? trace : &local;
    t->nsteps = 0;
    int rc = translate(m, a, acc, out, t, probe);
    m->observe(m->observe_ctx, m, a, acc, rc, out, t);
    return rc;
}

int mmu_translate(struct mmu *m, vaddr_t a, enum access acc, struct translation *out,
                  struct walk_trace *trace)
{
    return translate_observed(m, a, acc, out, trace, true);
}

int mmu_translate_missed(struct mmu *m, vaddr_t a, enum access acc, struct translation *out)
{
    return translate_observed(m, a, acc, out, NULL, false);
}

bool mmu_tlb_entry_ok(struct physmem *pm, pfn_t root, const struct tlb_entry *e, enum access acc)
{
    if (!tlb_entry_valid(e))
        return true; /* an empty slot grants nothing */
    vaddr_t a = tlb_entry_va(e);
    int level;
    uint64_t reads = 0;
    enum walk_status status;
    pte_t *p = walk(pm, root, a, &level, NULL, &reads, &status);
    if (status != WALK_LEAF)
        return false;
    pte_t leaf = *p;
    if (!(leaf.bits & PTE_U) || !(leaf.bits & access_perm[acc]))
        return false;
    if (acc == ACCESS_WRITE && !(leaf.bits & PTE_D))
        return false; /* a store would bypass the D update */
    uint64_t within = a.v & ((1ULL << (PAGE_SHIFT + 9 * level)) - 1);
    paddr_t page = pa((pte_pfn(leaf).n << PAGE_SHIFT) + within);
    return page.p == e->page_pa.p && physmem_host(pm, page) == (uint8_t *)(e->addend + a.v);
}

const char *mmu_fault_kind_name(enum mmu_fault_kind k)
{
    switch (k) {
    case MMU_OK:
        return "ok";
    case MMU_NOT_PRESENT:
        return "not present";
    case MMU_PROTECTION:
        return "protection";
    case MMU_NONCANONICAL:
        return "non-canonical";
    case MMU_BAD_PTE:
        return "bad pte";
    }
    return "unknown";
}

const char *cause_name(int cause)
{
    switch (cause) {
    case CAUSE_MISALIGNED_FETCH:
        return "misaligned fetch";
    case CAUSE_FETCH_ACCESS:
        return "fetch access fault";
    case CAUSE_ILLEGAL_INSN:
        return "illegal instruction";
    case CAUSE_BREAKPOINT:
        return "breakpoint";
    case CAUSE_MISALIGNED_LOAD:
        return "misaligned load";
    case CAUSE_LOAD_ACCESS:
        return "load access fault";
    case CAUSE_MISALIGNED_STORE:
        return "misaligned store";
    case CAUSE_STORE_ACCESS:
        return "store access fault";
    case CAUSE_ECALL_U:
        return "ecall";
    case CAUSE_FETCH_PAGE_FAULT:
        return "fetch page fault";
    case CAUSE_LOAD_PAGE_FAULT:
        return "load page fault";
    case CAUSE_STORE_PAGE_FAULT:
        return "store page fault";
    }
    return "unknown cause";
}
