/* mremap(2), after Linux mm/mremap.c: shrink, grow in place, or move the
 * page-table entries of a region to a new place (no page is copied). */
#include <assert.h>
#include <errno.h>

#include "event_impl.h"
#include "internal.h"

static uint64_t page_up(uint64_t x)
{
    return (x + PAGE_MASK) & ~PAGE_MASK;
}

struct move_ctx {
    struct mm *mm;
    uint64_t delta; /* new - old, modulo 2^64 */
    int err;
};

/* Pass 1: makes sure every destination PTE slot exists, so that pass 2
 * cannot fail half-way. */
static void prepare_one(pte_t *e, uint64_t a, void *ctx)
{
    struct move_ctx *mc = ctx;
    if (mc->err)
        return;
    int err = -ENOMEM;
    if (!pt_pte(&mc->mm->k->ft, mc->mm->root, va(a + mc->delta), true, &mc->mm->ntables, &err))
        mc->err = err;
}

/* Pass 2: moves one entry; the frame's mapping moves with it. */
static void move_one(pte_t *e, uint64_t a, void *ctx)
{
    struct move_ctx *mc = ctx;
    struct mm *mm = mc->mm;
    pte_t *dst = pt_pte(&mm->k->ft, mm->root, va(a + mc->delta), false, NULL, NULL);
    assert(dst && dst->bits == 0);
    *dst = *e;
    e->bits = 0;
    if (pte_is_swap(*dst))
        return; /* a swap entry names a slot, not a place: it just moves */
    assert(pte_valid(*dst) && pte_leaf(*dst));
    machine_flush_page(mm->k->m, mm->asid, va(a));
    if (!frames_is_ram(&mm->k->ft, pte_pfn(*dst)) || is_zero_pfn(mm->k, pte_pfn(*dst)))
        return; /* a device page (VMA_DEVICE): no frame to tell */
    frame_rmap_move(&mm->k->ft, pte_pfn(*dst), mm, a, a + mc->delta);
}

/* Removes [start, end) from the region list without touching its pages
 * (they were moved away). */
static int drop_regions(struct mm *mm, uint64_t start, uint64_t end)
{
    size_t i = vma_index(&mm->vmas, start);
    while (i < vma_count(&mm->vmas) && vma_at(&mm->vmas, i)->start < end) {
        struct vma *v = vma_at(&mm->vmas, i);
        if (v->start < start) {
            if (vma_split(&mm->vmas, i, start))
                return -ENOMEM;
            i++;
            continue;
        }
        if (v->end > end && vma_split(&mm->vmas, i, end))
            return -ENOMEM;
        vfile_put(vma_at(&mm->vmas, i)->file);
        vma_remove(&mm->vmas, i);
    }
    return 0;
}

/* Moves [old, old+old_len) of region *v to [dst, dst+new_len) (free). */
static int move_region(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t dst,
                       uint64_t new_len)
{
    const struct vma *v = vma_find(&mm->vmas, old);
    struct vma nv = *v;
    nv.start = dst;
    nv.end = dst + new_len;
    if (nv.file) {
        nv.pgoff = v->pgoff + ((old - v->start) >> PAGE_SHIFT);
        vfile_get(nv.file);
    }
    if (nv.flags & VMA_DEVICE) {
        nv.pgoff = v->pgoff + ((old - v->start) >> PAGE_SHIFT);
        nv.dev_pfn = v->dev_pfn + ((old - v->start) >> PAGE_SHIFT);
    }
    struct move_ctx mc = {.mm = mm, .delta = dst - old};
    pt_for_each(&mm->k->ft, mm->root, old, old + old_len, prepare_one, &mc);
    if (mc.err || vma_insert(&mm->vmas, &nv)) {
        vfile_put(nv.file);
        return -ENOMEM;
    }
    /* From here on nothing allocates but the region split below, which
     * only fails when the host is out of memory. */
    pt_for_each(&mm->k->ft, mm->root, old, old + old_len, move_one, &mc);
    int rc = drop_regions(mm, old, old + old_len);
    assert(rc == 0);
    pt_free_empty(&mm->k->ft, mm->root, old, old + old_len, &mm->ntables);
    vma_merge(&mm->vmas, vma_index(&mm->vmas, dst));
    return rc;
}

static int mremap_do(struct mm *mm, vaddr_t old_addr, uint64_t old_len, uint64_t new_len,
                     int flags, vaddr_t new_addr, vaddr_t *out)
{
    uint64_t old = old_addr.v;
    if (old & PAGE_MASK)
        return -EINVAL;
    if (flags & ~(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED))
        return -EINVAL; /* DONTUNMAP is not supported */
    if ((flags & LX_MREMAP_FIXED) && !(flags & LX_MREMAP_MAYMOVE))
        return -EINVAL;
    old_len = page_up(old_len);
    uint64_t nlen = page_up(new_len);
    if (nlen == 0 || nlen < new_len || nlen > USER_TOP || old_len == 0)
        return -EINVAL;
    if (old_len > USER_TOP)   /* Linux: the shrink's munmap refuses such a range */
        return nlen < old_len ? -EINVAL : -ENOMEM;
    if (old > USER_TOP - old_len)
        return -EFAULT;
    /* The old range must be one region. */
    const struct vma *v = vma_find(&mm->vmas, old);
    if (!v || v->end < old + old_len)
        return -EFAULT;
    /* Linux vma_to_resize: a VM_PFNMAP (VM_DONTEXPAND) region cannot grow. */
    if ((v->flags & VMA_DEVICE) && nlen > old_len)
        return -EFAULT;

    if (flags & LX_MREMAP_FIXED) {
        uint64_t dst = new_addr.v;
        if ((dst & PAGE_MASK) || dst > USER_TOP - nlen || dst < MMAP_MIN_ADDR)
            return -EINVAL;
        if (dst < old + old_len && old < dst + nlen)
            return -EINVAL; /* overlapping ranges */
        int rc = mm_unmap_range(mm, dst, dst + nlen);
        if (!rc && nlen < old_len)
            rc = mm_unmap_range(mm, old + nlen, old + old_len);
        if (!rc)
            rc = move_region(mm, old, nlen < old_len ? nlen : old_len, dst, nlen);
        if (!rc)
            *out = va(dst);
        return rc;
    }
    if (nlen <= old_len) {
        int rc = mm_unmap_range(mm, old + nlen, old + old_len);
        if (!rc)
            *out = old_addr;
        return rc;
    }
    /* Grow in place when the region ends here and the pages after it are free. */
    if (v->end == old + old_len && old + nlen <= USER_TOP &&
        vma_range_free(&mm->vmas, old + old_len, old + nlen)) {
        size_t i = vma_index(&mm->vmas, old);
        vma_set_range(&mm->vmas, i, v->start, old + nlen);
        vma_merge(&mm->vmas, i);
        *out = old_addr;
        return 0;
    }
    if (!(flags & LX_MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t dst;
    if (vma_gap_topdown(&mm->vmas, nlen, MMAP_MIN_ADDR, MMAP_BASE, &dst))
        return -ENOMEM;
    int rc = move_region(mm, old, old_len, dst, nlen);
    if (!rc)
        *out = va(dst);
    return rc;
}

int mm_mremap(struct mm *mm, vaddr_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
              vaddr_t new_addr, vaddr_t *out)
{
    int rc = mremap_do(mm, old_addr, old_len, new_len, flags, new_addr, out);
    event_remap(mm, old_addr.v, old_len, rc ? 0 : out->v, new_len, rc);
    return rc;
}
