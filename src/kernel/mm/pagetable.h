/* Building and editing Sv48 page tables that live in simulated frames.
 *
 * Every lookup goes through sv48_walk() (machine/mmu.h), the one walk; this
 * file only adds what the kernel needs on top of it: creating missing
 * tables, visiting the present level-0 entries of a range while skipping
 * absent subtrees, and freeing tables that became empty. The kernel maps
 * only 4 KiB pages (level-0 leaves). */
#ifndef VMSIM_KERNEL_PAGETABLE_H
#define VMSIM_KERNEL_PAGETABLE_H

#include "../../machine/mmu.h"
#include "frames.h"

/* Allocates a zeroed table frame (FRAME_PAGETABLE); 0 or -ENOMEM. */
int pt_alloc_table(struct frames *ft, pfn_t *out);

/* The level-0 PTE for va under root. With create, missing tables are
 * allocated (each adds one to *ntables) and the result is never NULL unless
 * memory ran out (*err = -ENOMEM). Without create, NULL when a table on the
 * way is missing. Asserts there is no superpage on the way. */
pte_t *pt_pte(struct frames *ft, pfn_t root, vaddr_t a, bool create, uint64_t *ntables, int *err);

/* Calls fn for every level-0 entry that is not zero (present, or a swap
 * entry) in [start, end), in address order. fn may change or clear the entry.
 * Absent subtrees are skipped in one step. */
typedef void (*pt_visit_fn)(pte_t *e, uint64_t va, void *ctx);
void pt_for_each(struct frames *ft, pfn_t root, uint64_t start, uint64_t end, pt_visit_fn fn,
                 void *ctx);

/* Frees the tables below root (not root itself) that cover any part of
 * [start, end) and hold no entry any more; each frees one from *ntables. */
void pt_free_empty(struct frames *ft, pfn_t root, uint64_t start, uint64_t end, uint64_t *ntables);

/* Frees every table of the user half (root entries 0..255) under root; the
 * tables must hold no leaf any more (asserted). Root itself stays. */
void pt_free_user(struct frames *ft, pfn_t root, uint64_t *ntables);

/* The table entries of the frame `table` (512 of them). */
static inline pte_t *pt_entries(struct frames *ft, pfn_t table)
{
    return (pte_t *)frame_bytes(ft, table);
}

#define PT_USER_ENTRIES (SV48_ENTRIES / 2) /* root indices 0..255: the user half */

#endif
