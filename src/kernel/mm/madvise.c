/* madvise(2)'s advice beyond DONTNEED (Linux mm/madvise.c; issue 14).
 *
 *   FREE        private anonymous pages become lazily free: their PTEs lose
 *               D and the frame is marked; reclaim then drops such a page
 *               (no swap needed, next access sees zeros) unless it was
 *               written again (D set), which makes it an ordinary page.
 *               Swap entries in the range are freed at once. Shared
 *               (COW) pages are left alone, as Linux does.
 *   COLD        clears the A bits: the pages look old to the policy.
 *   PAGEOUT     reclaims the range's pages now (anonymous ones to swap,
 *               when there is swap; clean file pages dropped, dirty ones
 *               written back), those mapped only here, as Linux does.
 *   WILLNEED    reads the file pages of the range into the page cache,
 *               at most the readahead window (32 pages) per region.
 *   POPULATE_READ / POPULATE_WRITE   faults every page in (a write breaks
 *               COW); -EFAULT where the region forbids the access.
 *   DONTFORK / DOFORK, WIPEONFORK / KEEPONFORK   region flags fork obeys
 *               (WIPEONFORK: private anonymous regions only, else EINVAL).
 *   REMOVE      shared anonymous memory: the pages are freed from the
 *               object (a later touch sees zeros), like
 *               fallocate(FALLOC_FL_PUNCH_HOLE) on shmem; EACCES for a
 *               private region, EOPNOTSUPP for a host file.
 * Each is visible in the counters: pglazyfree/pglazyfreed, pgdeactivate,
 * pgsteal and pswpout, file_reads, the fault counts. */
#include <errno.h>
#include <string.h>

#include "event_impl.h"
#include "internal.h"

/* Applies fn to each region part of [start, end); -ENOMEM for a gap (the
 * mapped parts are still done), else the first error of fn. */
typedef int (*range_fn)(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e);

static int each_region(struct mm *mm, uint64_t start, uint64_t end, range_fn fn)
{
    int rc = 0;
    uint64_t at = start;
    while (at < end) {
        const struct vma *v = vma_after(&mm->vmas, at);
        if (!v || v->start >= end)
            return -ENOMEM;
        if (v->start > at)
            rc = -ENOMEM;
        uint64_t s = v->start > at ? v->start : at, e = v->end < end ? v->end : end;
        at = v->end;
        int r = fn(mm, v, s, e);
        if (r && !rc)
            rc = r;
    }
    return rc;
}

static pte_t *present_pte(struct mm *mm, uint64_t a)
{
    pte_t *e = pt_pte(&mm->k->ft, mm->root, va(a), false, NULL, NULL);
    if (!e || !pte_valid(*e) || !frames_is_ram(&mm->k->ft, pte_pfn(*e)) ||
        is_zero_pfn(mm->k, pte_pfn(*e)))
        return NULL;
    return e;
}

static int do_free(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    struct kernel *k = mm->k;
    if (v->file || (v->flags & (VMA_SHARED | VMA_LOCKED | VMA_DEVICE | VMA_VDSO)))
        return -EINVAL;
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        pte_t *pe = pt_pte(&k->ft, mm->root, va(a), false, NULL, NULL);
        if (pe && pte_is_swap(*pe)) {
            pte_t old = *pe;
            pe->bits = 0;
            swap_free_entry(k, mm, old);
            continue;
        }
        if (!(pe = present_pte(mm, a)))
            continue;
        struct frame *fr = frame_of(&k->ft, pte_pfn(*pe));
        if (fr->use != FRAME_ANON || fr->mapcount != 1 || fr->refcount != 1)
            continue; /* shared with a fork child, or in the swap cache */
        if (!fr->lazyfree)
            MM_COUNT(mm, pglazyfree);
        fr->lazyfree = true;
        pe->bits &= ~(uint64_t)(PTE_D | PTE_A);
        machine_flush_page(k->m, mm->asid, va(a));
    }
    return 0;
}

static int do_cold(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    if (v->flags & VMA_LOCKED)
        return -EINVAL;
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        pte_t *pe = present_pte(mm, a);
        if (!pe || !(pe->bits & PTE_A))
            continue;
        pe->bits &= ~(uint64_t)PTE_A;
        frame_of(&mm->k->ft, pte_pfn(*pe))->workingset = false;
        machine_flush_page(mm->k->m, mm->asid, va(a));
        MM_COUNT(mm, pgdeactivate);
    }
    return 0;
}

static int do_pageout(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    if (v->flags & (VMA_LOCKED | VMA_DEVICE))
        return -EINVAL;
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        pte_t *pe = present_pte(mm, a);
        if (!pe)
            continue;
        struct frame *fr = frame_of(&mm->k->ft, pte_pfn(*pe));
        /* Linux reclaims only pages this process alone maps (or clean cache). */
        if (fr->mapcount != 1)
            continue;
        reclaim_one(mm->k, pte_pfn(*pe));
    }
    return 0;
}

/* Linux's force_page_cache_ra reads at most the readahead window per
 * region (max(io_pages, ra_pages): VM_READAHEAD_PAGES, 128 KiB, here): a
 * WILLNEED over a 1 GiB mapping read all of it, for minutes of reclaim. */
#define WILLNEED_MAX_PAGES 32

static int do_willneed(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    if (!v->file || (v->flags & VMA_DEVICE))
        return 0;
    if (e - s > WILLNEED_MAX_PAGES * PAGE_SIZE)
        e = s + WILLNEED_MAX_PAGES * PAGE_SIZE;
    struct vinode *n = v->file->ino;
    uint64_t size_pages = (vinode_size(n) + PAGE_MASK) >> PAGE_SHIFT;
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        uint64_t index = v->pgoff + ((a - v->start) >> PAGE_SHIFT);
        pfn_t f;
        bool major = false;
        if ((!n->anon && index >= size_pages) || pagecache_lookup(n, index, &f))
            continue;
        if (n->anon)
            continue; /* shmem in swap: read at the touch */
        int rc = pagecache_get(mm->k, n, index, mm, &f, &major);
        if (rc)
            return rc == -ENOMEM ? -ENOMEM : -EIO;
    }
    return 0;
}

static int do_populate_read(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    if (v->flags & VMA_DEVICE)
        return -EINVAL;
    return mm_populate_range(mm, s, e, POPULATE_READ);
}

static int do_populate_write(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    if (v->flags & VMA_DEVICE)
        return -EINVAL;
    return mm_populate_range(mm, s, e, POPULATE_WRITE);
}

static int check_wipe(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    (void)mm, (void)s, (void)e;
    return v->file || (v->flags & (VMA_SHARED | VMA_DEVICE | VMA_VDSO)) ? -EINVAL : 0;
}

static int check_remove(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    (void)mm, (void)s, (void)e;
    if ((v->flags & VMA_LOCKED) || !v->file)
        return -EINVAL;
    if (!(v->flags & VMA_SHARED) || !(v->prot & LX_PROT_WRITE))
        return -EACCES;
    if (!v->file->ino->anon)
        return -EOPNOTSUPP;
    return 0;
}

static int do_remove(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
    struct vinode *n = v->file->ino;
    uint64_t first = v->pgoff + ((s - v->start) >> PAGE_SHIFT);
    pagecache_punch(mm->k, n, first, first + ((e - s) >> PAGE_SHIFT));
    return 0;
}

static int flag_range(struct mm *mm, uint64_t start, uint64_t end, unsigned set, unsigned clear)
{
    if (!mm_range_mapped(mm, start, end)) {
        /* Linux applies the flags to the mapped parts and says ENOMEM. */
        for (size_t i = vma_index(&mm->vmas, start);
             i < vma_count(&mm->vmas) && vma_at(&mm->vmas, i)->start < end;) {
            struct vma *v = vma_at(&mm->vmas, i);
            uint64_t s = v->start > start ? v->start : start, e = v->end < end ? v->end : end;
            uint64_t next = v->end;
            if (mm_vma_set_flags(mm, s, e, set, clear))
                return -ENOMEM;
            i = vma_index(&mm->vmas, next);
        }
        return -ENOMEM;
    }
    return mm_vma_set_flags(mm, start, end, set, clear);
}

int madvise_advice(struct mm *mm, uint64_t start, uint64_t end, int advice)
{
    int rc;
    switch (advice) {
    case LX_MADV_FREE:
        rc = each_region(mm, start, end, do_free);
        pt_free_empty(&mm->k->ft, mm->root, start, end, &mm->ntables);
        return rc;
    case LX_MADV_COLD:
        return each_region(mm, start, end, do_cold);
    case LX_MADV_PAGEOUT:
        return each_region(mm, start, end, do_pageout);
    case LX_MADV_WILLNEED:
        return each_region(mm, start, end, do_willneed);
    case LX_MADV_POPULATE_READ:
        return each_region(mm, start, end, do_populate_read);
    case LX_MADV_POPULATE_WRITE:
        return each_region(mm, start, end, do_populate_write);
    case LX_MADV_DONTFORK:
        return flag_range(mm, start, end, VMA_DONTFORK, 0);
    case LX_MADV_DOFORK:
        return flag_range(mm, start, end, 0, VMA_DONTFORK);
    case LX_MADV_WIPEONFORK:
        if ((rc = each_region(mm, start, end, check_wipe)) != 0)
            return rc;
        return flag_range(mm, start, end, VMA_WIPEONFORK, 0);
    case LX_MADV_KEEPONFORK:
        return flag_range(mm, start, end, 0, VMA_WIPEONFORK);
    case LX_MADV_REMOVE:
        if ((rc = each_region(mm, start, end, check_remove)) != 0)
            return rc;
        return each_region(mm, start, end, do_remove);
    default:
        return -EINVAL;
    }
}

bool madvise_handled_here(int advice)
{
    switch (advice) {
    case LX_MADV_FREE:
    case LX_MADV_COLD:
    case LX_MADV_PAGEOUT:
    case LX_MADV_WILLNEED:
    case LX_MADV_POPULATE_READ:
    case LX_MADV_POPULATE_WRITE:
    case LX_MADV_DONTFORK:
    case LX_MADV_DOFORK:
    case LX_MADV_WIPEONFORK:
    case LX_MADV_KEEPONFORK:
    case LX_MADV_REMOVE:
        return true;
    default:
        return false;
    }
}

int vfile_punch_hole(struct vfile *vf, uint64_t off, uint64_t len)
{
    struct vinode *n = vf->ino;
    if (!n->anon)
        return -EOPNOTSUPP;
    struct kernel *k = n->k;
    uint64_t end = off + len < off ? UINT64_MAX : off + len;
    uint64_t first = (off + PAGE_MASK) >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    /* Partial pages at the edges: zeroed where they are resident (a page in
     * swap is read back first, as Linux's shmem does). */
    uint64_t edges[2] = {off >> PAGE_SHIFT, end >> PAGE_SHIFT};
    for (int i = 0; i < 2; i++) {
        uint64_t idx = edges[i];
        if (idx >= first && idx < last)
            continue;
        uint64_t ps = idx << PAGE_SHIFT, from = off > ps ? off - ps : 0;
        uint64_t to = end < ps + PAGE_SIZE ? end - ps : PAGE_SIZE;
        if (from >= to || (i == 1 && edges[0] == edges[1]))
            continue;
        pfn_t f;
        bool major;
        if (!pagecache_lookup(n, idx, &f) && pagecache_swap_slot(n, idx) != SWAP_NO_SLOT &&
            pagecache_get(k, n, idx, NULL, &f, &major))
            return -ENOMEM;
        if (pagecache_lookup(n, idx, &f))
            memset(frame_bytes(&k->ft, f) + from, 0, to - from);
    }
    if (first < last)
        pagecache_punch(k, n, first, last);
    return 0;
}
