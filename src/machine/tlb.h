/* Translation lookaside buffer, shaped like TinyEMU's: three arrays (one per
 * access kind: read, write, fetch) of {tag, host addend}. A hit is one compare
 * and one add: host pointer = va + addend.
 *
 * tag = (va >> 12) | (asid << 52): ASID-tagged, so a context switch needs no
 * flush. Entries are filled only for RAM pages, and the write array only for
 * pages that are writable and already dirty, so the first store to a clean or
 * copy-on-write page always reaches the slow path (and the kernel).
 *
 * Geometry: `sets` (power of two) x `ways`; set index = vpn & (sets-1);
 * replacement within a set is round-robin.
 *
 * An entry caches one 4 KiB page even when its leaf is a superpage; `level`
 * remembers the leaf's level so that flushing any page of a superpage drops
 * every entry made from it (sfence.vma flushes the leaf, not just one page).
 *
 * ASID 4095 is reserved: the tag of its top virtual page (0xffff_ffff_ffff_f000)
 * would equal TLB_TAG_INVALID. The kernel hands out ASIDs 0..4094; mmu_translate
 * asserts it. */
#ifndef VMSIM_MACHINE_TLB_H
#define VMSIM_MACHINE_TLB_H

#include "types.h"

#define TLB_TAG_INVALID UINT64_MAX

struct tlb_entry {
    uint64_t tag;        /* (va >> 12) | asid << 52, or TLB_TAG_INVALID */
    uintptr_t addend;    /* host pointer of the page minus its virtual page address */
    uint64_t pte_bits;   /* the leaf PTE as it was when filled (for reports) */
    paddr_t page_pa;     /* physical address of the page */
    uint8_t level;       /* level of the leaf: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB */
};

struct tlb_stats {
    uint64_t hits, misses, flushes_all, flushes_asid, flushes_page;
};

struct tlb {
    unsigned sets, ways;            /* sets is a power of two */
    struct tlb_entry *e[3];         /* [enum access][set * ways + way] */
    unsigned *next_way[3];          /* round-robin victim per set */
    unsigned nsuper;                /* valid entries made from superpage leaves */
    /* Bumped whenever an entry of the fetch array is filled or dropped, so
     * that whoever remembered a fetch hit (the translator's far-jump
     * records) knows by one compare that it would still hit, and where.
     * The translator bumps it too when it drops translations. */
    uint64_t fetch_gen;
    /* Fills of the read and write arrays, and the tag each last evicted
     * (TLB_TAG_INVALID: an empty way), so that a cache of their entries
     * (the translator's L0) can drop exactly the copy of what went. */
    uint64_t fills[2];
    uint64_t evicted[2];
    struct tlb_stats stats;
};

static inline uint64_t tlb_tag(vaddr_t a, uint16_t asid)
{
    return (a.v >> PAGE_SHIFT) | ((uint64_t)asid << 52);
}

static inline bool tlb_entry_valid(const struct tlb_entry *e) { return e->tag != TLB_TAG_INVALID; }
static inline uint16_t tlb_entry_asid(const struct tlb_entry *e) { return (uint16_t)(e->tag >> 52); }
/* The virtual page of a valid entry (the tag's VPN field is va bits 63..12). */
static inline vaddr_t tlb_entry_va(const struct tlb_entry *e) { return va(e->tag << PAGE_SHIFT); }

/* Allocates a TLB of sets x ways entries per access kind (at most 1 << 22
 * entries each). 0, -EINVAL for a bad geometry, or -ENOMEM. */
int tlb_init(struct tlb *t, unsigned sets, unsigned ways);
void tlb_fini(struct tlb *t);

/* Host pointer for va on a hit (and counts it), NULL on a miss (not counted:
 * the caller counts the miss when it walks). */
static inline uint8_t *tlb_lookup(struct tlb *t, vaddr_t a, uint16_t asid, enum access acc)
{
    uint64_t tag = tlb_tag(a, asid);
    struct tlb_entry *set = t->e[acc] + (tag & (t->sets - 1)) * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].tag == tag) {
            t->stats.hits++;
            return (uint8_t *)(set[w].addend + a.v);
        }
    return NULL;
}

/* The entry that would hit, or NULL; counts nothing (for reports and `translate`). */
const struct tlb_entry *tlb_probe(const struct tlb *t, vaddr_t a, uint16_t asid, enum access acc);

/* Inserts a translation of va's page to host page `host_page` (RAM only).
 * An entry with the same tag is replaced in place, else the set's
 * round-robin victim. tlb_fill is tlb_fill_level with level 0 (a 4 KiB leaf). */
void tlb_fill(struct tlb *t, vaddr_t a, uint16_t asid, enum access acc, uint8_t *host_page,
              paddr_t page_pa, pte_t leaf);
void tlb_fill_level(struct tlb *t, vaddr_t a, uint16_t asid, enum access acc, uint8_t *host_page,
                    paddr_t page_pa, pte_t leaf, int level);

/* sfence.vma semantics, in all three arrays. flush_asid drops every entry of
 * that ASID (global ones too: entries are per ASID here). flush_page drops the
 * entries of `asid` made from the leaf that maps va (all pages of a superpage),
 * and those made from a global (G=1) leaf for va in any ASID. */
void tlb_flush_all(struct tlb *t);
void tlb_flush_asid(struct tlb *t, uint16_t asid);
void tlb_flush_page(struct tlb *t, uint16_t asid, vaddr_t a);

#endif
