/* The frame table: one struct frame per RAM page (design decision 9).
 *
 * Who holds a reference (refcount):
 *   ANON       one per present PTE mapping it (refcount == mapcount)
 *   FILE       one per present PTE, plus one for the page cache
 *   PAGETABLE  one, the address space (or the kernel) whose table it is
 *   KERNEL     one, the kernel; plus one per user PTE (the vDSO page)
 * A frame goes back on the free list when its refcount reaches zero.
 *
 * The reverse map lists the (address space, virtual page) pairs whose present
 * PTE points at the frame; its length is always mapcount. Reclaim and reports
 * need it, and kernel_check() compares it with the page tables.
 *
 * The free list starts in a fixed-seed shuffled order, so consecutive
 * allocations land on scattered frames (CS:APP 9.3: contiguous virtual pages,
 * scattered physical ones), and the same run always gets the same frames. */
#ifndef VMSIM_KERNEL_FRAMES_H
#define VMSIM_KERNEL_FRAMES_H

#include "../../machine/physmem.h"

struct mm;
struct vinode;
struct policy;

enum frame_use { FRAME_FREE, FRAME_ANON, FRAME_FILE, FRAME_PAGETABLE, FRAME_KERNEL, FRAME_NUSES };

struct rmap_ent {
    struct mm *mm;
    uint64_t va; /* page-aligned */
};

struct frame {
    uint8_t use; /* enum frame_use */
    bool dirty;  /* FILE: newer than the host file */
    bool quota_res; /* FILE: holds a --disk-quota reservation for a hole (quota.c) */
    uint32_t refcount;
    uint32_t mapcount;     /* present PTEs pointing here */
    struct vinode *owner;  /* FILE: the page cache it belongs to */
    uint64_t index;        /* FILE: page index in owner */
    struct rmap_ent *rmap; /* mapcount entries */
    uint32_t rmap_cap;
    uint32_t next_free; /* free-list link (frame index), when FREE */
    uint32_t swap;      /* ANON: its swap slot while in the swap cache, else SWAP_NO_SLOT */
    uint32_t skip_gen;  /* reclaim pass in which evicting it failed (not retried then) */
    bool workingset;    /* referenced since it was loaded (workingset.c's shadow bit) */
    bool lazyfree;      /* ANON: MADV_FREE'd; reclaim drops it unless written since */
    bool young;         /* an A bit of it was cleared by working-set sampling (idle.c) */
};

#define SWAP_NO_SLOT UINT32_MAX

#define FRAME_NONE UINT32_MAX

struct frames {
    struct physmem *pm;
    uint64_t n;
    struct frame *f;
    uint32_t free_head;   /* frames freed since boot (LIFO) */
    /* Frames never handed out yet come next, in a fixed scattered order
     * computed on demand (frames.c fresh_frame), so a machine of many GiB
     * boots without touching its frame table. */
    uint64_t fresh_next;  /* how many fresh frames have been handed out */
    unsigned fresh_bits;  /* the order permutes [0, 2^fresh_bits), fresh_bits even */
    uint64_t count[FRAME_NUSES];
    /* Called by frame_alloc when no frame is free or free frames fall below
     * the low watermark, or (user: an ANON or FILE frame is wanted) when the resident user
     * frames reached the limit: frees what it can (replacement policy, swap,
     * OOM kill). May be NULL. */
    void (*reclaim)(void *ctx, bool user);
    void *reclaim_ctx;
    uint64_t min, low, high; /* watermarks in free frames (reclaim from low up to high;
                              * below min the OOM rule applies: kernel/mm/oom.c) */
    bool fail_alloc;    /* set by the reclaim hook: this allocation must fail (OOM) */
    uint64_t limit;     /* cap on ANON + FILE frames, 0 = none */
    /* Told when a frame starts and stops holding a user page (ANON/FILE). */
    struct policy *policy;
};

/* No frame is free: neither a freed one nor a fresh one. */
static inline bool frames_exhausted(const struct frames *ft)
{
    return ft->free_head == FRAME_NONE && ft->fresh_next == ft->n;
}

/* Resident user frames (anonymous and page cache). */
static inline uint64_t frames_user(const struct frames *ft)
{
    return ft->count[FRAME_ANON] + ft->count[FRAME_FILE];
}

/* Index of frame f in the table (what policies name frames by). */
static inline uint32_t frame_index(const struct frames *ft, pfn_t f)
{
    return (uint32_t)(f.n - ft->pm->ram_first.n);
}

/* Builds the frame table for pm's RAM, every frame free, the free list
 * shuffled with a fixed seed. 0 or -ENOMEM. */
int frames_init(struct frames *ft, struct physmem *pm);
void frames_fini(struct frames *ft);

/* Frame metadata of a RAM pfn (asserts it is RAM). */
struct frame *frame_of(struct frames *ft, pfn_t f);
pfn_t frame_pfn(const struct frames *ft, const struct frame *fr);
bool frames_is_ram(const struct frames *ft, pfn_t f);

/* Allocates a zero-filled frame for `use` with refcount 1. Calls the reclaim
 * hook below the low watermark (or at the user-frame limit). 0 with *out,
 * or -ENOMEM. */
int frame_alloc(struct frames *ft, enum frame_use use, pfn_t *out);

/* Reference counting; frame_put frees the frame when the count reaches zero
 * (it must be unmapped by then). */
void frame_get(struct frames *ft, pfn_t f);
void frame_put(struct frames *ft, pfn_t f);

/* A present PTE of mm at va now points at f: mapcount, rmap and refcount
 * grow. -ENOMEM if the rmap cannot grow (nothing changed then). */
int frame_map(struct frames *ft, pfn_t f, struct mm *mm, uint64_t va);
/* The PTE of (mm, va) no longer points at f: mapcount and rmap shrink; the
 * reference is NOT dropped (the caller calls frame_put when it is done). */
void frame_unmap(struct frames *ft, pfn_t f, struct mm *mm, uint64_t va);

/* The PTE of (mm, from) moved to (mm, to): renames the rmap entry (no
 * allocation, so it cannot fail). */
void frame_rmap_move(struct frames *ft, pfn_t f, struct mm *mm, uint64_t from, uint64_t to);

/* Access to the bytes of a frame. */
static inline uint8_t *frame_bytes(const struct frames *ft, pfn_t f)
{
    return physmem_frame(ft->pm, f);
}

const char *frame_use_name(enum frame_use u);

#endif
