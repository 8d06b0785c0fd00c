/* The memory manager's internal structures, shared by its files (frames,
 * pagetable, vma, pagecache, mm, fault, uaccess, check, report, kernel).
 * Other parts of the kernel use kernel.h. */
#ifndef VMSIM_KERNEL_KERNEL_IMPL_H
#define VMSIM_KERNEL_KERNEL_IMPL_H

#include "frames.h"
#include "mm.h"
#include "pagecache.h"
#include "pagetable.h"
#include "policy.h"
#include "swap.h"
#include "vma.h"

/* ASIDs handed out: 1..ASID_MAX. 0 is never used; 4095 is reserved by the
 * TLB (its tag could equal TLB_TAG_INVALID, see machine/tlb.h). */
#define ASID_COUNT (1u << SATP_ASID_BITS)
#define ASID_MAX (ASID_COUNT - 2)

/* The kernel half (design decision 5): a few kernel pages in the upper half,
 * U=0 G=1, reached through tables every address space shares. */
#define KERNEL_BASE 0xffffffc000000000ULL
#define KERNEL_TEXT_VA (KERNEL_BASE + 0 * PAGE_SIZE)
#define KERNEL_DATA_VA (KERNEL_BASE + 1 * PAGE_SIZE)
#define KERNEL_VDSO_VA (KERNEL_BASE + 2 * PAGE_SIZE)

/* The default stack limit (RLIMIT_STACK): a growsdown region grows on a fault
 * no further than this below its top. */
#define STACK_RLIMIT (8ULL << 20)

struct vm_event;

/* oom.c: the frames the faulting instruction has mapped (never reclaimed
 * for that instruction's own faults). */
#define INSN_PINS_MAX 4
struct insn_pins {
    bool active;
    struct mm *mm;
    uint64_t pc, instret;
    uint32_t n;
    uint32_t frame[INSN_PINS_MAX]; /* frame indices */
};

/* workingset.c: shadow entries and PSI; the virtual cost of memory stalls. */
#define PSI_SCAN_NS 100ULL     /* per frame scanned by a reclaim pass */
#define PSI_WRITE_NS 20000ULL  /* per page written out by it (swap or file) */
#define PSI_READ_NS 100000ULL  /* per refault read of a working-set page */
struct shadow;
struct psi {
    uint64_t period_start;    /* ns on the kernel's clock */
    uint64_t period_stall[2]; /* some, full: stalled ns in the current period */
    uint64_t total[2];        /* ns */
    double avg[2][3];
};
struct workingset {
    struct shadow *shadows;
    uint64_t nshadows; /* a power of two */
    uint64_t age;      /* evictions so far (Linux nonresident_age) */
    uint64_t last_refault_faults; /* the last refault: faults since its eviction, 0 none */
    uint64_t stall_ns;
    struct psi psi;
};

/* oom.c: Linux's MAX_RECLAIM_RETRIES. */
#define MAX_RECLAIM_RETRIES 16

struct kernel {
    struct machine *m;
    uint64_t disk_quota;      /* --disk-quota bytes, 0: none (quota.c) */
    int64_t disk_used;        /* blocks the guest added since (bytes; < 0: it freed more) */
    struct frames ft;
    pfn_t kroot;              /* kernel root table; its upper half is copied to every mm */
    uint64_t ktables;         /* table frames of the kernel half (incl. kroot) */
    uint64_t kbuf_pages;      /* kernel buffer pages held (kbuf.c) */
    pfn_t ktext, kdata, vdso; /* FRAME_KERNEL pages */
    /* Linux's ZERO_PAGE (zeropage.c): mapped read-only for read faults on
     * untouched private anonymous memory. A FRAME_KERNEL page that, as in
     * Linux (vm_normal_page is NULL for it), has no rmap, no per-mapping
     * reference and no rss: mappings of it are not counted anywhere. */
    pfn_t zero_page;
    bool zero_page_off;       /* kernel_set_zero_page(k, false): trace replays */
    struct mm *asid_owner[ASID_COUNT];
    uint16_t next_asid;         /* where the search for a free ASID starts */
    bool asid_used[ASID_COUNT]; /* ever handed out: a reuse needs a flush */
    uint64_t nr_mm;
    struct vinode *inodes; /* every live page-cache object */
    uint64_t next_anon_ino;
    uint64_t pagecache_pages;
    struct vm_counters c;
    /* memory pressure (reclaim.c, swap.c) */
    struct swap_area swap;
    struct policy policy;
    uint64_t policy_seed;
    uint64_t ref_clock;         /* logical time of reported references */
    kernel_next_use_fn next_use;
    void *next_use_ctx;
    kernel_oom_fn oom_kill;
    void *oom_ctx;
    bool in_reclaim;
    uint64_t reclaim_backoff;   /* allocations to skip reclaim after a futile pass */
    uint32_t reclaim_gen;       /* current reclaim pass (frame.skip_gen) */
    uint64_t no_progress_loops; /* direct reclaim passes in a row that freed nothing */
    struct insn_pins pins;      /* oom.c */
    const volatile int *stop;   /* the front end's stop flag (--timeout), or NULL */
    struct workingset ws;       /* workingset.c */
    unsigned nr_runnable;       /* processes runnable (PSI full), as the process layer says */
    uint64_t (*clock_fn)(void *ctx);
    void *clock_ctx;
    /* the event listener (event.h), NULL: none */
    void (*event_fn)(void *ctx, const struct vm_event *ev);
    void *event_ctx;
};

#define MM_EMPTIED_MAX 8
#define LEAF_TABLE_SPAN (PAGE_SIZE * SV48_ENTRIES)   /* what one leaf table maps: 2 MiB */

struct mm {
    struct kernel *k;
    pfn_t root;
    uint16_t asid;
    struct vma_list vmas;
    uint64_t start_brk, brk;
    uint64_t ntables; /* user-half table frames incl. root */
    uint64_t rss_anon, rss_file, rss_shmem;
    uint64_t hiwater_rss, hiwater_vm; /* peaks in pages, for /proc status VmHWM and VmPeak */
    uint64_t swap_pages;  /* swap PTEs */
    /* Reclaim emptied PTEs (clean file pages dropped): the leaf tables that
     * may now be empty, by the 2 MiB region they map, freed at the next fault
     * (no one holds a pointer into the tables then). More regions than fit:
     * the whole user half is swept. */
    uint64_t emptied[MM_EMPTIED_MAX];
    unsigned nemptied;    /* MM_EMPTIED_MAX + 1: sweep everything */
    struct vm_counters c;
    unsigned def_flags;   /* mlockall(MCL_FUTURE): VMA_LOCKED[|VMA_LOCKONFAULT] for new regions */
    struct vfile *exe_file;   /* writes denied while held (mm_set_exe_file) */
};

/* The shared zero page (see struct kernel). */
static inline bool is_zero_pfn(const struct kernel *k, pfn_t f)
{
    return f.n == k->zero_page.n;
}

/* quota.c: before a write of *len bytes at off to host fd: -ENOSPC when no
 * new block fits, else 0 with *len shortened to what fits and *blocks the
 * file's st_blocks now (-1: no quota); quota_after_write charges the
 * difference. */
int quota_limit_write(struct kernel *k, int fd, uint64_t off, uint64_t *len, int64_t *blocks);
void quota_after_write(struct kernel *k, int fd, int64_t blocks_before);
/* A write fault is about to dirty the shared file page fr: when its range
 * of the host file holds a hole, a page's worth of room is reserved (kept
 * in fr until writeback or until the page goes); -ENOSPC when there is
 * none (the fault is SIGBUS, as Linux's page_mkwrite on a full disk). */
int quota_page_mkwrite(struct kernel *k, struct frame *fr);
/* The page was written back or dropped: its reservation goes. */
void quota_page_settled(struct kernel *k, struct frame *fr);

/* Counts an event for an address space and for the whole kernel. */
#define MM_COUNT(mm, field) ((mm)->c.field++, (mm)->k->c.field++)

/* ---- mm.c: PTE-level helpers used by fault.c and the rest --------------- */

/* fault.c: reclaim emptied the PTE at va; its table may be freed at the next fault. */
void mm_note_emptied(struct mm *mm, uint64_t va);

/* Leaf permission bits (R/W/X) that a region's protection allows. */
uint64_t prot_to_pte(int prot);

/* Installs a present PTE at va (which must be empty) for frame f with perms
 * (R/W/X/D), taking a mapping reference. 0 or -ENOMEM. */
int mm_install_pte(struct mm *mm, uint64_t va, pfn_t f, uint64_t perms);

/* Removes the present PTE e (at va, in region v): writes D back into the
 * frame's dirty flag, flushes the TLB, drops the mapping and, for the last
 * mapper of a dirty shared file page, writes it back. */
void mm_zap_pte(struct mm *mm, const struct vma *v, pte_t *e, uint64_t va);

/* Removes every mapping of region v inside [start, end) (tables stay). */
void mm_zap_range(struct mm *mm, const struct vma *v, uint64_t start, uint64_t end);

/* Unmaps [start, end) (page-aligned): splits regions at the ends, removes
 * their mappings and the regions, frees tables that became empty. 0 or
 * -ENOMEM (a split failed; nothing was removed then). */
int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end);

/* mmap.c: where a new mapping of plen bytes goes (mmap's addr and its
 * MAP_FIXED / MAP_FIXED_NOREPLACE flags). 0 with *out, or -EINVAL,
 * -ENOMEM, -EPERM, -EEXIST. */
int mm_mmap_place(struct mm *mm, vaddr_t addr, uint64_t plen, int flags, uint64_t *out);

/* devmap.c: the fault of a device region: maps the device page for page
 * (pages of a VMA_DEVICE region are mapped on first touch). 0 or -ENOMEM. */
int mm_fault_device(struct mm *mm, const struct vma *v, uint64_t page);

/* rss bookkeeping of one mapping of frame f (+1 or -1). */
void mm_rss_account(struct mm *mm, pfn_t f, int delta);

/* True when region v is backed by an anonymous shared object. */
bool vma_is_shmem(const struct vma *v);

/* ---- reclaim.c ------------------------------------------------------------ */

/* Watermarks, the default policy, no swap; hooks reclaim into the frame
 * allocator. 0 or -ENOMEM. */
int reclaim_init(struct kernel *k);
void reclaim_fini(struct kernel *k);

/* ---- oom.c ---------------------------------------------------------------- */

/* The frame mapped at page of mm joins the faulting instruction's pin set
 * (if mm is the address space of that instruction). */
void insn_pin(struct kernel *k, struct mm *mm, uint64_t page);
bool insn_pinned(const struct kernel *k, uint32_t frame_idx);
/* mm is going away: its pins go too. */
void insn_pin_forget_mm(struct kernel *k, const struct mm *mm);
/* Frames reclaim could still take (Linux zone_reclaimable_pages). */
uint64_t reclaimable_frames(const struct kernel *k);
/* Below min and reclaim cannot restore it (oom.c's rule, points 2 and 3). */
bool oom_watermark_breached(const struct kernel *k);
/* The front end asked to stop (--timeout): reclaim gives up at once. */
static inline bool reclaim_stopped(const struct kernel *k)
{
    return k->stop && *k->stop;
}

/* ---- workingset.c ---------------------------------------------------------- */

/* Shadow keys: a page-cache page (file or shmem), an anonymous page's slot. */
uint64_t shadow_key_page(const struct vinode *n, uint64_t index);
uint64_t shadow_key_slot(uint32_t slot);
/* Reclaim takes fr out of memory: leave its shadow under key. */
void workingset_evict(struct kernel *k, uint64_t key, const struct frame *fr);
/* The page under key was read back into f by a fault of mm: counts a
 * refault if its shadow is there (true), activates f if it is within the
 * working-set distance. */
bool workingset_refault(struct kernel *k, struct mm *mm, uint64_t key, bool anon, pfn_t f);
uint64_t kernel_last_refault_faults(const struct kernel *k);
void workingset_fini(struct kernel *k);
/* A memory stall of ns nanoseconds (PSI some, and full when nobody else is
 * runnable); the guest clock moves on by ns. */
void psi_stall(struct kernel *k, uint64_t ns);

/* ---- mlock.c -------------------------------------------------------------- */

/* Every page of [start, end) lies in some region. */
bool mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end);
/* Sets and clears VMA_* flags over [start, end) (page-aligned), splitting
 * regions at the ends and merging alike neighbours. 0 or -ENOMEM. */
int mm_vma_set_flags(struct mm *mm, uint64_t start, uint64_t end, unsigned set, unsigned clear);
/* Makes the pages of [start, end) present: POPULATE_READ/WRITE as madvise's
 * advice (a write fault breaks COW), POPULATE_LOCK as mlock (a write fault
 * for private writable regions, else read). 0, -EINVAL (an access the
 * region forbids), -EFAULT (a fault that is a signal), -ENOMEM. */
enum { POPULATE_READ, POPULATE_WRITE, POPULATE_LOCK };
int mm_populate_range(struct mm *mm, uint64_t start, uint64_t end, int how);
/* A new region [start, end) under mlockall(MCL_FUTURE): locked (populated). */
int mm_new_region_locked(struct mm *mm, uint64_t start, uint64_t end);
/* True when a locked region maps fr (reclaim skips it). */
bool frame_mlocked(struct kernel *k, const struct frame *fr);

/* ---- reclaim.c, madvise.c, pagecache.c (advice) ------------------------------ */

/* Evicts frame f now if reclaim could (MADV_PAGEOUT). 0 or -errno. */
int reclaim_one(struct kernel *k, pfn_t f);
/* Empties every PTE that maps the cache page f. */
void reclaim_unmap_file_page(struct kernel *k, pfn_t f);
/* madvise's advice of madvise.c over [start, end) (page-aligned). */
int madvise_advice(struct mm *mm, uint64_t start, uint64_t end, int advice);
bool madvise_handled_here(int advice);
/* Frees pages [first, last) of the shmem object n, cached or in swap; their
 * mappings are emptied (fallocate PUNCH_HOLE, MADV_REMOVE). */
void pagecache_punch(struct kernel *k, struct vinode *n, uint64_t first, uint64_t last);

/* ---- report helpers ----------------------------------------------------- */
const char *vma_name(struct mm *mm, const struct vma *v, char *buf, size_t len);

/* ---- task_mmu.c ----------------------------------------------------------- */

/* The pagemap entry of PTE e (level 0) in region v of kernel k, as Linux's
 * pte_to_pagemap_entry computes it: present -> pfn | PRESENT, FILE unless
 * the frame is anonymous, EXCLUSIVE when its mapcount is 1; swap entry ->
 * (type 0 | slot << 5) | SWAP; empty -> 0. v may be NULL (no region: 0). */
uint64_t mm_pagemap_entry(struct kernel *k, const struct vma *v, pte_t e);

#endif
