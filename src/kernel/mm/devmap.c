/* Device regions of an address space (issue 7; Linux VM_IO | VM_PFNMAP).
 *
 * A VMA_DEVICE region maps device physical pages: its PTEs point into a
 * device region of the machine (physmem.h), so the MMU sends every access to
 * the device. Those pages have no struct frame: no refcount, no rmap, no rss;
 * reclaim never sees them (it works from frames), fork copies the PTEs
 * (mm.c), zapping just clears them (mm.c), and kernel_check accepts them
 * (check.c). Pages are mapped on first touch, like a driver's fault handler
 * calling vmf_insert_pfn, so mprotect, madvise and mremap need nothing
 * special either. */
#include <assert.h>
#include <errno.h>

#include "internal.h"

int mm_mmap_device(struct mm *mm, vaddr_t addr, uint64_t len, int prot, int flags,
                   const struct vma_device *dev, uint64_t off, pfn_t dev_pfn, vaddr_t *out)
{
    if (len == 0 || (off & PAGE_MASK))
        return -EINVAL;
    uint64_t plen = (len + PAGE_MASK) & ~PAGE_MASK;
    if (plen < len || plen > USER_TOP)
        return -ENOMEM;
    assert(!frames_is_ram(&mm->k->ft, dev_pfn));
    uint64_t start;
    int rc = mm_mmap_place(mm, addr, plen, flags, &start);
    if (rc)
        return rc;
    struct vma v = {.start = start,
                    .end = start + plen,
                    .prot = prot & 7,
                    .flags = VMA_SHARED | VMA_DEVICE,
                    .pgoff = off >> PAGE_SHIFT,
                    .dev = dev,
                    .dev_pfn = dev_pfn.n};
    rc = mm_unmap_range(mm, start, start + plen); /* MAP_FIXED replaces */
    if (!rc)
        rc = vma_insert(&mm->vmas, &v);
    if (rc)
        return rc;
    *out = va(start);
    return 0;
}

bool mm_is_device(struct mm *mm, vaddr_t a)
{
    const struct vma *v = vma_find(&mm->vmas, a.v);
    return v && (v->flags & VMA_DEVICE);
}

int mm_fault_device(struct mm *mm, const struct vma *v, uint64_t page)
{
    struct kernel *k = mm->k;
    int err = -ENOMEM;
    pte_t *e = pt_pte(&k->ft, mm->root, va(page), true, &mm->ntables, &err);
    if (!e)
        return err;
    /* The region's protection as it is now (mprotect rewrites present PTEs
     * the same way); A and D preset: nothing tracks use of device pages. */
    uint64_t perms = prot_to_pte(v->prot) | PTE_A | PTE_D;
    pfn_t f = pfn(v->dev_pfn + ((page - v->start) >> PAGE_SHIFT));
    if (pte_valid(*e)) {
        /* Present and allowing the access (the caller checked the region):
         * a stale TLB entry, or another process's fault raced us. */
        machine_flush_page(k->m, mm->asid, va(page));
        return 0;
    }
    assert(e->bits == 0);
    *e = pte_make(f, PTE_V | perms);
    MM_COUNT(mm, minor_faults);
    return 0;
}
