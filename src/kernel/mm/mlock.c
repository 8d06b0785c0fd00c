/* mlock(2) and friends, mincore(2), and populating a range (Linux
 * mm/mlock.c, mm/mincore.c, mm/gup.c populate_vma_page_range; issue 14).
 *
 * A locked region (VMA_LOCKED) has its pages made present when it is locked
 * (or, with MLOCK_ONFAULT / MCL_ONFAULT, as they are touched), and reclaim
 * never takes a frame that a locked region maps (frame_mlocked). VmLck is
 * the size of the locked regions (Linux's locked_vm); smaps' Locked the
 * resident pages of a locked region; meminfo's Mlocked and Unevictable the
 * frames mapped by a locked region. mlockall(MCL_FUTURE) makes later
 * mappings locked (mm->def_flags). fork does not pass locks on (Linux
 * clears VM_LOCKED in the child and drops MCL_FUTURE).
 *
 * RLIMIT_MEMLOCK is the caller's (the process layer passes it in bytes):
 * 0 refuses with EPERM; a lock that would take the locked size past it
 * fails with ENOMEM, as for an unprivileged Linux user. */
#include <errno.h>
#include <string.h>

#include "event_impl.h"
#include "internal.h"

static uint64_t page_up(uint64_t x)
{
    return (x + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
}

/* The range as madvise/mlock take it: [*start, *end), page-aligned. */
static int range_of(vaddr_t addr, uint64_t len, bool start_aligned, uint64_t *start, uint64_t *end)
{
    uint64_t s = addr.v;
    if (start_aligned && (s & PAGE_MASK))
        return -EINVAL;
    uint64_t e = s + len;
    if (e < s)
        return -ENOMEM;
    *start = s & ~(uint64_t)PAGE_MASK;
    *end = page_up(e);
    if (*end < e || *end > USER_TOP)
        return -ENOMEM;
    return 0;
}

bool mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t at = start;
    for (const struct vma *v = vma_find(&mm->vmas, start); at < end; v = vma_next(&mm->vmas, v)) {
        if (!v || v->start > at)
            return false;
        at = v->end;
    }
    return true;
}

int mm_vma_set_flags(struct mm *mm, uint64_t start, uint64_t end, unsigned set, unsigned clear)
{
    size_t i = vma_index(&mm->vmas, start);
    while (i < vma_count(&mm->vmas) && vma_at(&mm->vmas, i)->start < end) {
        struct vma *v = vma_at(&mm->vmas, i);
        unsigned nf = (v->flags & ~clear) | set;
        if (nf == v->flags) {
            i++;
            continue;
        }
        if (v->start < start) {
            if (vma_split(&mm->vmas, i, start))
                return -ENOMEM;
            i++;
            continue;
        }
        if (v->end > end && vma_split(&mm->vmas, i, end))
            return -ENOMEM;
        vma_at(&mm->vmas, i)->flags = nf;
        i = vma_merge(&mm->vmas, i) + 1;
    }
    return 0;
}

int mm_populate_range(struct mm *mm, uint64_t start, uint64_t end, int how)
{
    for (uint64_t a = start; a < end; a += PAGE_SIZE) {
        const struct vma *v = vma_find(&mm->vmas, a);
        if (!v)
            return -ENOMEM;
        if (v->flags & VMA_DEVICE)
            continue;
        bool write = how == POPULATE_WRITE ||
                     (how == POPULATE_LOCK && (v->prot & LX_PROT_WRITE) && !(v->flags & VMA_SHARED));
        if (!(v->prot & (write ? LX_PROT_WRITE : (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))))
            return how == POPULATE_LOCK ? 0 : -EINVAL; /* Linux: incompatible permissions */
        pte_t *e = pt_pte(&mm->k->ft, mm->root, va(a), false, NULL, NULL);
        if (e && pte_valid(*e) && (!write || (e->bits & PTE_W)))
            continue;
        struct segv sv;
        int rc = mm_fault(mm, va(a), write ? ACCESS_WRITE : ACCESS_READ, &sv);
        if (rc == -1)
            return -EFAULT;
        if (rc)
            return rc;
    }
    return 0;
}

uint64_t mm_locked_pages(const struct mm *mm)
{
    uint64_t n = 0;
    for (const struct vma *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v))
        if (v->flags & VMA_LOCKED)
            n += (v->end - v->start) >> PAGE_SHIFT;
    return n;
}

/* Pages of [start, end) not locked yet (what a new lock adds to VmLck). */
static uint64_t unlocked_pages(const struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (const struct vma *v = vma_after(&mm->vmas, start); v && v->start < end;
         v = vma_next(&mm->vmas, v)) {
        if (v->flags & VMA_LOCKED)
            continue;
        uint64_t s = v->start > start ? v->start : start, e = v->end < end ? v->end : end;
        n += (e - s) >> PAGE_SHIFT;
    }
    return n;
}

static bool lock_allowed(const struct mm *mm, uint64_t add_pages, uint64_t limit)
{
    return mm_locked_pages(mm) + add_pages <= limit >> PAGE_SHIFT;
}

int mm_mlock(struct mm *mm, vaddr_t addr, uint64_t len, int flags, uint64_t limit)
{
    if (flags & ~LX_MLOCK_ONFAULT)
        return -EINVAL;
    if (!limit)
        return -EPERM;
    uint64_t start, end;
    int rc = range_of(addr, len, false, &start, &end);
    if (rc)
        return rc;
    if (!mm_range_mapped(mm, start, end))
        return -ENOMEM;
    if (!lock_allowed(mm, unlocked_pages(mm, start, end), limit))
        return -ENOMEM;
    unsigned set = VMA_LOCKED | (flags & LX_MLOCK_ONFAULT ? VMA_LOCKONFAULT : 0);
    rc = mm_vma_set_flags(mm, start, end, set, VMA_LOCKONFAULT);
    if (rc || (flags & LX_MLOCK_ONFAULT))
        return rc;
    rc = mm_populate_range(mm, start, end, POPULATE_LOCK);
    return rc == -EFAULT ? 0 : rc;
}

int mm_munlock(struct mm *mm, vaddr_t addr, uint64_t len)
{
    uint64_t start, end;
    int rc = range_of(addr, len, false, &start, &end);
    if (rc)
        return rc;
    if (!mm_range_mapped(mm, start, end))
        return -ENOMEM;
    return mm_vma_set_flags(mm, start, end, 0, VMA_LOCKED | VMA_LOCKONFAULT);
}

int mm_mlockall(struct mm *mm, int flags, uint64_t limit)
{
    if (!flags || (flags & ~(LX_MCL_CURRENT | LX_MCL_FUTURE | LX_MCL_ONFAULT)) ||
        flags == LX_MCL_ONFAULT)
        return -EINVAL;
    if (!limit)
        return -EPERM;
    unsigned set = VMA_LOCKED | (flags & LX_MCL_ONFAULT ? VMA_LOCKONFAULT : 0);
    mm->def_flags = flags & LX_MCL_FUTURE ? set : 0;
    if (!(flags & LX_MCL_CURRENT))
        return 0;
    if (mm->vmas.pages > limit >> PAGE_SHIFT)
        return -ENOMEM;
    int rc = mm_vma_set_flags(mm, 0, USER_TOP, set, VMA_LOCKONFAULT);
    if (rc || (flags & LX_MCL_ONFAULT))
        return rc;
    for (size_t i = 0; i < vma_count(&mm->vmas); i++) {
        struct vma v = *vma_at(&mm->vmas, i);
        if (v.flags & (VMA_DEVICE | VMA_VDSO))
            continue;
        rc = mm_populate_range(mm, v.start, v.end, POPULATE_LOCK);
        if (rc && rc != -EFAULT)
            return rc;
    }
    return 0;
}

int mm_munlockall(struct mm *mm)
{
    mm->def_flags = 0;
    return mm_vma_set_flags(mm, 0, USER_TOP, 0, VMA_LOCKED | VMA_LOCKONFAULT);
}

int mm_new_region_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    if (!mm->def_flags)
        return 0;
    int rc = mm_vma_set_flags(mm, start, end, mm->def_flags, 0);
    if (rc || (mm->def_flags & VMA_LOCKONFAULT))
        return rc;
    rc = mm_populate_range(mm, start, end, POPULATE_LOCK);
    return rc == -EFAULT ? 0 : rc;
}

bool frame_mlocked(struct kernel *k, const struct frame *fr)
{
    (void)k;
    for (uint32_t i = 0; i < fr->mapcount; i++) {
        const struct vma *v = vma_find(&fr->rmap[i].mm->vmas, fr->rmap[i].va);
        if (v && (v->flags & VMA_LOCKED))
            return true;
    }
    return false;
}

uint64_t kernel_mlocked_frames(struct kernel *k)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < k->ft.n; i++) {
        const struct frame *fr = &k->ft.f[i];
        if ((fr->use == FRAME_ANON || fr->use == FRAME_FILE) && fr->mapcount &&
            frame_mlocked(k, fr))
            n++;
    }
    return n;
}

/* ---- mincore ------------------------------------------------------------- */

/* Is the page at a of region v in memory? Present PTEs (the zero page
 * too), page-cache pages of a file or shmem region even when not mapped
 * here, swap entries whose page is still in the swap cache. */
static bool page_in_core(struct mm *mm, const struct vma *v, uint64_t a)
{
    struct kernel *k = mm->k;
    pte_t *e = pt_pte(&k->ft, mm->root, va(a), false, NULL, NULL);
    if (e && pte_valid(*e))
        return true;
    if (e && pte_is_swap(*e)) {
        pfn_t f;
        return swapcache_lookup(&k->swap, pte_swap_slot(*e), &f, &k->ft);
    }
    if (v->file && !(v->flags & VMA_DEVICE)) {
        pfn_t f;
        return pagecache_lookup(v->file->ino, v->pgoff + ((a - v->start) >> PAGE_SHIFT), &f);
    }
    return false;
}

int mm_mincore(struct mm *mm, vaddr_t addr, uint64_t len, uint8_t *vec)
{
    if (addr.v & PAGE_MASK)
        return -EINVAL;
    uint64_t start, end;
    int rc = range_of(addr, len, true, &start, &end);
    if (rc)
        return rc;
    if (!mm_range_mapped(mm, start, end))
        return -ENOMEM;
    for (uint64_t a = start; a < end; a += PAGE_SIZE)
        vec[(a - start) >> PAGE_SHIFT] = page_in_core(mm, vma_find(&mm->vmas, a), a);
    return 0;
}
