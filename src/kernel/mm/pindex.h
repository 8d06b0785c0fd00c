/* A map from page index (uint64_t) to a 64-bit value, for the page cache's
 * pages and swap slots of one object: a radix tree of 64-slot nodes (Linux's
 * xarray), so lookup, insert and remove cost O(height) — 3 levels for a
 * 1 GiB file — and iteration in index order skips empty slots through each
 * node's bitmap. Nodes with no entry are freed at once, and the tree shrinks
 * when only its first slot is used, so it holds no more than its entries
 * need. */
#ifndef VMSIM_KERNEL_PINDEX_H
#define VMSIM_KERNEL_PINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pindex_node;

struct pindex {
    struct pindex_node *root;
    unsigned height;           /* 0: empty; the root covers 64^height indices */
    size_t count;              /* entries */
    struct pindex_node *spare; /* nodes kept by pindex_reserve */
    unsigned nspare;
};

static inline size_t pindex_count(const struct pindex *t)
{
    return t->count;
}

/* The value at index, or false. */
bool pindex_get(const struct pindex *t, uint64_t index, uint64_t *val);

/* Allocates now the nodes that setting index would need, so that the next
 * pindex_set of index cannot fail (until an entry is removed). 0 or -ENOMEM. */
int pindex_reserve(struct pindex *t, uint64_t index);

/* Sets index to val (insert or replace). 0 or -ENOMEM (t unchanged). */
int pindex_set(struct pindex *t, uint64_t index, uint64_t val);

/* Removes index; its value in *val when not NULL. False if absent. */
bool pindex_remove(struct pindex *t, uint64_t index, uint64_t *val);

/* The first entry with index >= from, or false. Entries may be removed or
 * added between calls: each call starts from the root. */
bool pindex_next(const struct pindex *t, uint64_t from, uint64_t *index, uint64_t *val);

/* How many entries have index in [first, end). */
uint64_t pindex_count_range(const struct pindex *t, uint64_t first, uint64_t end);

/* Frees every node (the values are the caller's) and empties t. */
void pindex_free(struct pindex *t);

/* The tree's own invariants (bitmaps match children, no empty node, count,
 * height minimal); NULL or what is wrong. */
const char *pindex_check(const struct pindex *t);

/* Iterates the entries of t with index in [first, end) in index order; the
 * body may remove the current entry or any other. */
#define PINDEX_FOR_RANGE(t, first, end, idx, val)                                                  \
    for (uint64_t idx = (first), val = 0;                                                          \
         idx < (end) && pindex_next((t), idx, &idx, &val) && idx < (end); idx++)

#endif
