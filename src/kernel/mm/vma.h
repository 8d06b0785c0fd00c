/* Regions of an address space (Linux's vm_area_struct): non-overlapping
 * [start, end) ranges in address order with their protection and what backs
 * them. Kept in a treap (a binary search tree balanced by random priorities)
 * where each node counts its subtree's regions and knows its lowest start,
 * highest end and largest hole, so that lookup by address or by index,
 * insert, remove, split and the top-down hole search are all O(log n)
 * expected, as with Linux's maple tree: a space of 65,530 regions changes
 * about as fast as one of a few. Indexes are positions in address order
 * (0 .. vma_count - 1). */
#ifndef VMSIM_KERNEL_VMA_H
#define VMSIM_KERNEL_VMA_H

#include <stddef.h>

#include "../../machine/types.h"

struct vfile;

enum {
    VMA_SHARED = 1 << 0,    /* MAP_SHARED: writes reach the object, fork shares */
    VMA_GROWSDOWN = 1 << 1, /* the stack: grows down on a fault just below it */
    VMA_VDSO = 1 << 2,      /* the kernel's vDSO page */
    VMA_HEAP = 1 << 3,      /* made by brk: merges with heap, not with the bss below */
    /* Device memory (Linux VM_IO | VM_PFNMAP, issue 7): PTEs point at device
     * physical pages (dev_pfn onwards), which have no struct frame: never
     * counted as RAM, never swapped, never copied (always VMA_SHARED too),
     * never merged with a neighbour. */
    VMA_DEVICE = 1 << 4,
    VMA_LOCKED = 1 << 5,      /* mlock: pages present, never reclaimed (mlock.c) */
    VMA_LOCKONFAULT = 1 << 6, /* ... made present as they are touched */
    VMA_DONTFORK = 1 << 7,    /* madvise(MADV_DONTFORK): not in a fork child */
    VMA_WIPEONFORK = 1 << 8,  /* madvise(MADV_WIPEONFORK): empty in a fork child */
};


struct vma {
    uint64_t start, end; /* page-aligned, start < end */
    int prot;            /* LX_PROT_* */
    unsigned flags;      /* VMA_* */
    struct vfile *file;  /* NULL: anonymous private; holds a reference */
    uint64_t pgoff;      /* page index in file of start (device: in the device file) */
    const struct vma_device *dev;   /* VMA_DEVICE: the device file, else NULL */
    uint64_t dev_pfn;    /* VMA_DEVICE: physical page mapped at start */
};

/* vm.max_map_count (Linux's default): more regions than this and mmap,
 * mprotect, munmap and mremap that would add one get ENOMEM, as on Linux. */
#define VMA_MAX_MAP_COUNT 65530

struct vma_node;

struct vma_list {
    struct vma_node *root;
    size_t n;         /* regions; read it through vma_count */
    uint64_t pages;   /* sum of the regions' sizes (total_vm), kept by vma.c */
    uint64_t seed;    /* the priorities' generator (deterministic per list) */
};

static inline size_t vma_count(const struct vma_list *l)
{
    return l->n;
}

/* The region at index i (< vma_count). A region's pointer stays valid until
 * that region is removed or merged away; its start and end change only
 * through vma.c (vma_set_range), which keeps the tree's summaries. */
struct vma *vma_at(const struct vma_list *l, size_t i);
/* The first region, or the one after v in address order; NULL at the end.
 * O(log n) a step. */
struct vma *vma_first(const struct vma_list *l);
struct vma *vma_next(const struct vma_list *l, const struct vma *v);
/* The first region ending above a (the one containing a, or the next), or
 * NULL. */
struct vma *vma_after(const struct vma_list *l, uint64_t a);

/* Index of the first region with end > a (vma_count if none). */
size_t vma_index(const struct vma_list *l, uint64_t a);
/* The region containing a, or NULL. */
struct vma *vma_find(const struct vma_list *l, uint64_t a);
/* True when no region intersects [start, end). */
bool vma_range_free(const struct vma_list *l, uint64_t start, uint64_t end);

/* Inserts a copy of *v (which must not overlap anything) in order; takes
 * over its file reference. 0 or -ENOMEM. */
int vma_insert(struct vma_list *l, const struct vma *v);
/* Removes region i (its file reference is the caller's to drop). */
void vma_remove(struct vma_list *l, size_t i);
/* Removes regions [i, j) at once, O(j - i + log n). Their file references
 * are the caller's. */
void vma_remove_range(struct vma_list *l, size_t i, size_t j);
/* Moves region i's bounds (growing a stack down, mremap growing in place):
 * [start, end) must stay page-aligned and clear of the neighbours. */
void vma_set_range(struct vma_list *l, size_t i, uint64_t start, uint64_t end);
/* Splits region i at `at` (start < at < end, page-aligned) into two regions;
 * the upper one gets a new file reference. 0 or -ENOMEM. */
int vma_split(struct vma_list *l, size_t i, uint64_t at);
/* Merges region i with its neighbours when they are contiguous and alike
 * (same protection, flags, file and matching offsets). Returns the index of
 * the merged region. */
size_t vma_merge(struct vma_list *l, size_t i);

/* Highest page-aligned start s with [s, s+len) free, low <= s and s+len <=
 * high. 0 with *out, or -ENOMEM. O(log n): the tree's largest holes guide
 * the search. */
int vma_gap_topdown(const struct vma_list *l, uint64_t len, uint64_t low, uint64_t high,
                    uint64_t *out);

void vma_list_free(struct vma_list *l); /* the nodes only; no file references */

#endif
