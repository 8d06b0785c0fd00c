/* The MMU of one hart: satp, a TLB, and the Sv48 walker, for user-mode accesses.
 *
 * mmu_translate() is the slow path: TLB probe, then the page walk, permission
 * check (U-mode: U must be 1; R for loads, W for stores, X for fetches; MXR and
 * SUM are 0), hardware update of A (and D on stores) written back into the PTE
 * in simulated memory, then a TLB fill. A failure is a precise page fault: it
 * changes nothing but the counters. */
#ifndef VMSIM_MACHINE_MMU_H
#define VMSIM_MACHINE_MMU_H

#include "physmem.h"
#include "sv48.h"
#include "tlb.h"

/* RISC-V exception codes (scause), as the hart reports them to the kernel. */
enum {
    CAUSE_MISALIGNED_FETCH = 0,
    CAUSE_FETCH_ACCESS = 1,
    CAUSE_ILLEGAL_INSN = 2,
    CAUSE_BREAKPOINT = 3,
    CAUSE_MISALIGNED_LOAD = 4,
    CAUSE_LOAD_ACCESS = 5,
    CAUSE_MISALIGNED_STORE = 6,
    CAUSE_STORE_ACCESS = 7,
    CAUSE_ECALL_U = 8,
    CAUSE_FETCH_PAGE_FAULT = 12,
    CAUSE_LOAD_PAGE_FAULT = 13,
    CAUSE_STORE_PAGE_FAULT = 15,
};

/* Why a translation failed, beyond the architectural cause. */
enum mmu_fault_kind {
    MMU_OK = 0,
    MMU_NOT_PRESENT,    /* a V=0 entry on the way (the kernel may page in) */
    MMU_PROTECTION,     /* leaf present but U/R/W/X forbid the access */
    MMU_NONCANONICAL,   /* bits 63..48 are not copies of bit 47 */
    MMU_BAD_PTE,        /* reserved bits, W without R, misaligned superpage, table outside RAM */
};

/* One level of a walk, for `translate` and --explain. */
struct walk_step {
    int level;          /* 3 = root .. 0 */
    unsigned index;     /* VPN[level] */
    paddr_t pte_addr;
    pte_t pte;          /* as read (before A/D update) */
};

struct walk_trace {
    int nsteps;
    struct walk_step step[SV48_LEVELS];
};

struct translation {
    paddr_t pa;             /* physical address of the byte */
    uint8_t *host;          /* host pointer of that byte, NULL for device memory */
    pte_t leaf;             /* leaf PTE after the A/D update */
    int level;              /* leaf level: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB */
    bool tlb_hit;
    enum mmu_fault_kind kind;   /* MMU_OK on success */
    int cause;              /* CAUSE_*_PAGE_FAULT or CAUSE_*_ACCESS on failure */
};

struct mmu_stats {
    uint64_t walks;         /* page walks (= TLB misses that walked) */
    uint64_t pte_reads;     /* PTEs read by walks */
    uint64_t faults;        /* translations that raised a page fault */
};

struct mmu;
/* An observer of every mmu_translate (--explain): the result (rc 0 or the
 * CAUSE_* code), *tr, and the PTEs the walk read (nsteps 0 on a TLB hit). */
typedef void mmu_observe_fn(void *ctx, const struct mmu *m, vaddr_t a, enum access acc, int rc,
                            const struct translation *tr, const struct walk_trace *trace);

struct mmu {
    struct physmem *pm;
    uint64_t satp;          /* MODE=Sv48 | ASID | root PPN; MODE=Bare is not used for U-mode */
    struct tlb tlb;
    struct mmu_stats stats;
    mmu_observe_fn *observe;    /* NULL: none (the fast path never calls it) */
    void *observe_ctx;
};

int mmu_init(struct mmu *m, struct physmem *pm, unsigned tlb_sets, unsigned tlb_ways);
void mmu_fini(struct mmu *m);

/* Switches address space (a write of satp); the TLB is ASID-tagged, no flush. */
static inline void mmu_set_satp(struct mmu *m, uint64_t satp) { m->satp = satp; }

/* The page walk, the only one: follows the tables from `root` for va. Returns
 * a host pointer to the entry where the walk stopped (a leaf, or an invalid
 * entry), its level in *level, and each PTE read in *trace (may be NULL).
 * Returns NULL if a table pointer leaves RAM or a PTE is malformed. Checks no
 * permission and changes nothing. The kernel uses it to find and edit PTEs. */
pte_t *sv48_walk(struct physmem *pm, pfn_t root, vaddr_t a, int *level, struct walk_trace *trace);

/* Translates va for a user-mode access of kind acc. Returns 0 and fills *out,
 * or returns the CAUSE_* code and sets out->kind and out->cause. trace may be
 * NULL. Sets A/D, fills the TLB (RAM pages only; write TLB only if D is set). */
int mmu_translate(struct mmu *m, vaddr_t a, enum access acc, struct translation *out,
                  struct walk_trace *trace);
/* mmu_translate for a caller that has just looked va up in the TLB (the
 * set of its access kind) and missed: the walk without looking again. */
int mmu_translate_missed(struct mmu *m, vaddr_t a, enum access acc, struct translation *out);

/* Fast path for the hart: a host pointer for an access that does not cross a
 * page, or NULL when the slow path (mmu_translate) must run. */
static inline uint8_t *mmu_fast(struct mmu *m, vaddr_t a, enum access acc)
{
    return tlb_lookup(&m->tlb, a, satp_asid(m->satp), acc);
}

/* sfence.vma for this hart's TLB. */
static inline void mmu_flush_page(struct mmu *m, uint16_t asid, vaddr_t a) { tlb_flush_page(&m->tlb, asid, a); }
static inline void mmu_flush_asid(struct mmu *m, uint16_t asid) { tlb_flush_asid(&m->tlb, asid); }
static inline void mmu_flush_all(struct mmu *m) { tlb_flush_all(&m->tlb); }

/* Does TLB entry e, from the array of access kind acc, still agree with the
 * page table at root (the table of the entry's ASID)? True if the walk for its
 * page reaches a valid leaf that grants acc to U-mode, maps the same physical
 * page at the same host address, and is dirty if acc is a write. Reads the
 * tables only; counts nothing. For the kernel's invariant check. */
bool mmu_tlb_entry_ok(struct physmem *pm, pfn_t root, const struct tlb_entry *e, enum access acc);

const char *mmu_fault_kind_name(enum mmu_fault_kind k);
const char *cause_name(int cause);

#endif
