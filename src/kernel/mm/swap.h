/* Swap: the area, its slot allocator, the swap cache, swap entries.
 *
 * Swap entry (design decision 7: a non-present PTE is empty or this). The
 * hardware ignores every bit of a PTE with V=0 (machine/sv48.h), so the
 * kernel may keep its own data there:
 *
 *    63      54 53                      10 9          2   1   0
 *   +----------+--------------------------+------------+---+---+
 *   |    0     |   slot (in the PPN field) |     0      | 1 | 0 |
 *   +----------+--------------------------+------------+---+---+
 *                                                        S   V
 *   V = 0 (not present), S (bit 1, R's place) = 1: a swap entry.
 *
 * Permissions are not kept: the region (VMA) says them at swap-in.
 *
 * Slot reference count = the swap PTEs holding the slot + 1 while a frame
 * holding its page is in the swap cache. A slot is free at count 0.
 *
 * The swap cache maps slot -> frame for pages that are resident and also
 * have a valid copy in swap: a page shared by several address spaces (after
 * fork, COW not yet broken) is written once; each mapper's PTE gets the same
 * entry; the first swap-in puts the frame in the cache so that the other
 * mappers' faults find the same frame. A page stays in the cache only
 * while some swap PTE still holds its slot. A frame in the swap cache is never
 * mapped writable (its swap copy must stay valid); the cache holds one frame
 * reference and one slot reference. */
#ifndef VMSIM_KERNEL_SWAP_H
#define VMSIM_KERNEL_SWAP_H

#include "../../machine/sv48.h"
#include "frames.h"

#define PTE_SWAP (1ULL << 1)

static inline bool pte_is_swap(pte_t e)
{
    return !(e.bits & PTE_V) && (e.bits & PTE_SWAP);
}
static inline pte_t pte_swap_make(uint32_t slot)
{
    return (pte_t){((uint64_t)slot << PTE_PPN_SHIFT) | PTE_SWAP};
}
static inline uint32_t pte_swap_slot(pte_t e)
{
    return (uint32_t)(e.bits >> PTE_PPN_SHIFT);
}

struct swap_area {
    int fd;               /* -1: no swap */
    uint32_t nslots;
    uint32_t *count;      /* per slot: references (swap PTEs + swap cache) */
    uint32_t *cache;      /* per slot: frame index in the swap cache, or FRAME_NONE */
    uint32_t *free_stack; /* free slots */
    uint32_t nfree;
    uint64_t cached;      /* frames in the swap cache */
    uint64_t fail_writes; /* fault injection: this many next writes fail */
    uint64_t fail_reads;  /* ... and reads */
};

struct kernel;

/* Creates the area (nslots pages) in a private temporary host file; an
 * existing area must be unused. 0 or -errno. nslots 0 removes the area. */
int swap_setup(struct swap_area *s, uint32_t nslots);
void swap_teardown(struct swap_area *s);

/* A free slot with count 1, or SWAP_NO_SLOT when swap is full or absent. */
uint32_t swap_slot_alloc(struct swap_area *s);
/* One more reference to a used slot (fork copies a swap PTE). */
void swap_slot_dup(struct swap_area *s, uint32_t slot);
/* Drops a reference; the slot is free at zero. */
void swap_slot_put(struct swap_area *s, uint32_t slot);

/* Page I/O by slot. 0, or -EIO (-ENOSPC for a full disk). */
int swap_write(struct swap_area *s, uint32_t slot, const void *page);
int swap_read(struct swap_area *s, uint32_t slot, void *page);

/* The swap cache. add: f gets the slot, the cache takes a frame reference
 * and a slot reference. del: undoes that (the frame may be freed). */
bool swapcache_lookup(struct swap_area *s, uint32_t slot, pfn_t *out, const struct frames *ft);
void swapcache_add(struct swap_area *s, struct frames *ft, pfn_t f, uint32_t slot);
void swapcache_del(struct swap_area *s, struct frames *ft, pfn_t f);

/* Frees the swap entry e held by a PTE of mm that is being cleared. When
 * only the swap cache still holds the slot, the page leaves the cache (and
 * the frame is freed if nothing maps it). */
void swap_free_entry(struct kernel *k, struct mm *mm, pte_t e);

#endif
