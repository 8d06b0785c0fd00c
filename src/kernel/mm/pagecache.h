/* The page cache (design decision 8) and the objects it caches.
 *
 * A vinode is one cached object: a host file, identified by (device, inode),
 * or an anonymous shared object (MAP_SHARED|MAP_ANONYMOUS), which has no
 * backing file: reclaim moves its pages to swap slots instead of dropping
 * them (Linux shmem), and pagecache_get reads them back. A vfile is
 * one opening of a vinode (its name and whether it was opened writable);
 * several vfiles of the same host file share the vinode and its pages.
 *
 * A cache page is a FILE frame with owner = vinode and index; the cache
 * holds one reference. It stays cached while its vinode lives, even unmapped,
 * unless reclaim evicts it (reclaim.c). A vinode lives while a vfile
 * of it is open; mappings hold vfile references. */
#ifndef VMSIM_KERNEL_PAGECACHE_H
#define VMSIM_KERNEL_PAGECACHE_H

#include <errno.h>
#include "frames.h"
#include "mm.h"
#include "pindex.h"

struct kernel;
struct mm;

struct vinode {
    struct kernel *k;
    struct vinode *next; /* kernel's list */
    int refcount;        /* vfiles */
    int writecount;      /* > 0: writers, < 0: running images (Linux i_writecount) */
    bool anon;           /* shmem object (shared anonymous, tmpfs, memfd, SysV): no fd */
    int shmem_kind;      /* enum shmem_kind (mm.h) when anon */
    struct hostfd hfd;   /* host file (lazily open: vinode_fd); fd -1 for anon */
    bool fd_writable;
    uint64_t dev, ino;
    char *name;            /* of the first opening, for reports */
    uint64_t size;         /* bytes, refreshed by fstat (fixed for anon) */
    struct pindex pages;   /* index -> pfn of each cached page */
    struct pindex swapped; /* anon only: index -> swap slot (holding a reference) */
                           /* an index is in pages or swapped, not both */
};

/* The host descriptor of a file vinode, valid until the next hostfd call
 * (or -errno: its inode is gone). */
static inline int vinode_fd(struct vinode *n)
{
    return n->anon ? -EBADF : hostfd_get(&n->hfd);
}

struct vfile {
    struct vinode *ino;
    char *name;
    bool writable;
    int refcount;
};

/* An anonymous shared object of size bytes (for MAP_SHARED|MAP_ANONYMOUS),
 * with refcount 1. NULL on OOM. */
struct vfile *vfile_new_anon(struct kernel *k, uint64_t size);

/* Drops the unmapped pages of shmem object n from index first on, and its
 * swap slots there (truncation). */
void pagecache_drop_from(struct kernel *k, struct vinode *n, uint64_t first);

/* Current size of the object in bytes (fstat for host files). */
uint64_t vinode_size(struct vinode *n);

/* The cache page (n, index), reading it from the file, or from its swap
 * slot for an anonymous object, if it is not cached (*major = true then; a
 * swap-in counts pswpin and frees the slot). 0 with *out (no extra
 * reference: the cache's own), -ENOMEM, or -EIO when the read fails. */
int pagecache_get(struct kernel *k, struct vinode *n, uint64_t index, struct mm *mm, pfn_t *out,
                  bool *major);
/* The cached page, or false. Iterate the cache in index order with
 * PINDEX_FOR_RANGE(&n->pages, ...) (pindex.h): values are pfn numbers. */
bool pagecache_lookup(struct vinode *n, uint64_t index, pfn_t *out);

/* Writes a dirty cache page back to its file (pwrite), clears dirty; counted
 * in writebacks (of mm too, when not NULL). 0 or -EIO. */
int pagecache_writeback(struct kernel *k, pfn_t f, struct mm *mm);

/* Write-protects every PTE mapping f (after a writeback) so that the next
 * write faults and marks the page dirty again. */
void pagecache_mkclean(struct kernel *k, pfn_t f);

/* Drops the unmapped cache page f (a page of a host file; written back
 * first if it is dirty): reclaim's last step for a file page. */
void pagecache_evict(struct kernel *k, pfn_t f);

/* Room for the swapped entry of page index of n (call before
 * pagecache_swap_out, so that it cannot fail after the page was unmapped).
 * 0 or -ENOMEM. */
int pagecache_swap_reserve(struct vinode *n, uint64_t index);

/* Replaces the unmapped page f of an anonymous object by slot (already
 * written, its reference passes to the entry) and frees the frame:
 * reclaim's last step for a shmem page. */
void pagecache_swap_out(struct kernel *k, pfn_t f, uint32_t slot);

/* The swap slot holding page index of n, or SWAP_NO_SLOT. */
uint32_t pagecache_swap_slot(const struct vinode *n, uint64_t index);
/* How many pages of n in [first, first + count) are in swap. */
uint64_t pagecache_swapped_pages(const struct vinode *n, uint64_t first, uint64_t count);

/* Drops every page and swap slot of every vinode (kernel teardown). */
void pagecache_drop_all(struct kernel *k);

#endif
