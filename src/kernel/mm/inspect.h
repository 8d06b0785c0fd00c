/* A read-only view of the memory manager for reports (JSON, HTML, stats):
 * the regions of an address space, its page-table tree and leaves, and the
 * frames in use with their mappers. Nothing here changes the kernel; the
 * iterators call back with small structs that are valid only during the
 * call. Front ends name address spaces themselves (a process name, a pid):
 * mappers are given as struct mm pointers for the caller to look up. */
#ifndef VMSIM_KERNEL_INSPECT_H
#define VMSIM_KERNEL_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"

/* What a region is, as /proc/PID/maps would name it. */
enum insp_vma_kind {
    INSP_VMA_ANON,  /* anonymous private memory (bss, mmap(MAP_ANONYMOUS)) */
    INSP_VMA_HEAP,  /* [heap] */
    INSP_VMA_STACK, /* [stack] */
    INSP_VMA_VDSO,  /* [vdso] */
    INSP_VMA_FILE,  /* a mapped host file (program text, libc, data files) */
    INSP_VMA_SHMEM, /* MAP_SHARED|MAP_ANONYMOUS: an anonymous shared object */
    INSP_VMA_DEVICE, /* device memory (/dev/fb0, ...): its pages are not RAM frames */
};

struct insp_vma {
    uint64_t start, end; /* [start, end), page-aligned */
    int prot;            /* LX_PROT_* */
    bool shared;         /* MAP_SHARED */
    enum insp_vma_kind kind;
    const char *name; /* file name, "[heap]", "[stack]", "[vdso]", or NULL */
    uint64_t pgoff;   /* page offset in the file */
    const char *shmem_kind; /* INSP_VMA_SHMEM: "shared anonymous", "tmpfs file", "memfd", "SysV" */
};

/* Calls fn for every region of mm in address order. */
typedef void insp_vma_fn(void *ctx, const struct insp_vma *v);
void inspect_vmas(struct mm *mm, insp_vma_fn *fn, void *ctx);

/* One table of an address space's page-table tree. The root is level 3
 * (parent_pfn = INSP_NO_PARENT). Tables reached through root entries 256..511
 * are the kernel half, shared by every address space (kernel = true). */
struct insp_table {
    uint64_t pfn;
    int level;           /* 3 = root .. 0 = leaf table */
    uint64_t parent_pfn; /* INSP_NO_PARENT for the root */
    unsigned index;      /* entry index in the parent */
    uint64_t base_va;    /* first address the table covers (sign-extended) */
    unsigned entries;    /* non-zero entries in it */
    bool kernel;
};
#define INSP_NO_PARENT UINT64_MAX

/* One non-zero level-0 entry: present (va -> pfn) or not (a swap entry). */
struct insp_pte {
    uint64_t va;
    uint64_t table_pfn; /* the level-0 table holding it */
    unsigned index;
    bool present;
    uint64_t pfn;  /* present only */
    uint64_t bits; /* the raw PTE */
    bool kernel;   /* in the kernel half */
    bool device;   /* present and pfn is a device page, not a RAM frame (issue 7) */
};

/* Walks mm's tree depth-first in address order: table_fn for each table
 * (parents before children), pte_fn for each non-zero level-0 entry. Either
 * callback may be NULL. With kernel_half, also the shared kernel tables and
 * their leaves. */
typedef void insp_table_fn(void *ctx, const struct insp_table *t);
typedef void insp_pte_fn(void *ctx, const struct insp_pte *e);
void inspect_pagetable(struct mm *mm, bool kernel_half, insp_table_fn *table_fn,
                       insp_pte_fn *pte_fn, void *ctx);

/* The kernel-defined role of a frame, beyond its use. */
enum insp_frame_role {
    INSP_ROLE_NONE,
    INSP_ROLE_KERNEL_TEXT,
    INSP_ROLE_KERNEL_DATA,
    INSP_ROLE_VDSO,
    INSP_ROLE_KERNEL_ROOT,  /* the kernel's own root table */
    INSP_ROLE_KERNEL_TABLE, /* a table of the kernel half, shared by every mm */
};

struct insp_mapper {
    struct mm *mm;
    uint64_t va;
    bool vma_shared;   /* the region mapping it is MAP_SHARED */
    int vma_prot;      /* its LX_PROT_* */
    uint64_t pte_bits; /* the PTE (its W bit tells whether COW is pending) */
};

/* Frame uses, the same values as the frame table's (kernel/frames.h). */
enum insp_use { INSP_FREE, INSP_ANON, INSP_FILE, INSP_PAGETABLE, INSP_KERNEL, INSP_NUSES };

struct insp_frame {
    uint64_t pfn;
    enum insp_use use;
    const char *use_name; /* "anon", "file", "pagetable", "kernel" */
    enum insp_frame_role role;
    uint32_t refcount, mapcount;
    bool dirty;
    const char *owner; /* FILE: the cached object's name ("shmem" for anonymous shared) */
    bool owner_anon;   /* FILE: the object is a shmem one (in RAM and swap only) */
    const char *owner_kind; /* FILE of a shmem object: its kind (shmem_kind_name) */
    uint64_t index;    /* FILE: page index in it */
    int64_t swap_slot; /* ANON: its swap slot while in the swap cache, else -1 */
    const struct insp_mapper *mappers; /* mapcount of them, in rmap order */
    uint32_t nmappers;
};

/* Calls fn for every frame in use (not free), in pfn order. Returns how many
 * there were. */
typedef void insp_frame_fn(void *ctx, const struct insp_frame *f);
uint64_t inspect_frames(struct kernel *k, insp_frame_fn *fn, void *ctx);

/* The frame table's per-use counts (the kernel half's tables count as
 * pagetable here; kernel_get_info() counts them as kernel). */
void inspect_frame_counts(struct kernel *k, uint64_t counts[INSP_NUSES]);
const char *insp_use_name(enum insp_use u);

/* The first and last-plus-one RAM pfn. */
void inspect_ram(struct kernel *k, uint64_t *first_pfn, uint64_t *end_pfn);

/* The live address spaces, via the ASID table: calls fn for each (order of
 * ASIDs). For tests and for front ends that do not track their processes. */
typedef void insp_mm_fn(void *ctx, struct mm *mm);
void inspect_each_mm(struct kernel *k, insp_mm_fn *fn, void *ctx);

/* The shmem objects alive (shared anonymous memory, tmpfs files, memfds,
 * System V segments: issue 16), in creation order, newest first. */
struct insp_shmem {
    const char *kind;   /* shmem_kind_name */
    const char *name;   /* as maps names it */
    uint64_t ino, size; /* inode number (SysV: the shmid), bytes */
    uint64_t resident, swapped;   /* pages in frames, in swap */
};
typedef void insp_shmem_fn(void *ctx, const struct insp_shmem *s);
void inspect_shmem(struct kernel *k, insp_shmem_fn *fn, void *ctx);

const char *insp_vma_kind_name(enum insp_vma_kind k);
const char *insp_role_name(enum insp_frame_role r); /* NULL for INSP_ROLE_NONE */

#endif
