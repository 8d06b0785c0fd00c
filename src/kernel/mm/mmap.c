/* mmap, munmap, mprotect, msync and brk, with Linux's argument checks and
 * semantics (mm/mmap.c, mm/mprotect.c, mm/msync.c). */
#include <assert.h>
#include <errno.h>

#include "event_impl.h"
#include "internal.h"

static uint64_t page_up(uint64_t x)
{
    return (x + PAGE_MASK) & ~PAGE_MASK;
}

/* Length rounded up to pages; 0 when it overflows or leaves the user half. */
static uint64_t page_len(uint64_t len)
{
    uint64_t p = page_up(len);
    return p < len || p > USER_TOP ? 0 : p;
}

/* Splits the region containing `at` so that a region boundary falls on at. */
static int split_at(struct mm *mm, uint64_t at)
{
    size_t i = vma_index(&mm->vmas, at);
    const struct vma *v = i < vma_count(&mm->vmas) ? vma_at(&mm->vmas, i) : NULL;
    if (v && v->start < at && at < v->end)
        return vma_split(&mm->vmas, i, at);
    return 0;
}

int mm_unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
    assert(!(start & PAGE_MASK) && !(end & PAGE_MASK) && start <= end);
    if (start == end || vma_range_free(&mm->vmas, start, end))
        return 0;
    /* VmPeak: the size before it shrinks (Linux update_hiwater_vm) */
    if (mm->vmas.pages > mm->hiwater_vm)
        mm->hiwater_vm = mm->vmas.pages;
    int rc = split_at(mm, start);
    if (!rc)
        rc = split_at(mm, end);
    if (rc)
        return rc;
    size_t i = vma_index(&mm->vmas, start), j = i;
    for (; j < vma_count(&mm->vmas) && vma_at(&mm->vmas, j)->start < end; j++) {
        struct vma *v = vma_at(&mm->vmas, j);
        assert(v->start >= start && v->end <= end);
        mm_zap_range(mm, v, v->start, v->end);
        vfile_put(v->file);
    }
    vma_remove_range(&mm->vmas, i, j);
    pt_free_empty(&mm->k->ft, mm->root, start, end, &mm->ntables);
    return 0;
}

int mm_mmap_place(struct mm *mm, vaddr_t addr, uint64_t plen, int flags, uint64_t *out)
{
    if (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
        if (addr.v & PAGE_MASK)
            return -EINVAL;
        if (addr.v > USER_TOP - plen)
            return -ENOMEM;
        if (addr.v < MMAP_MIN_ADDR)
            return -EPERM;
        /* NOREPLACE wins over FIXED when both are given (Linux do_mmap). */
        if ((flags & LX_MAP_FIXED_NOREPLACE) && !vma_range_free(&mm->vmas, addr.v, addr.v + plen))
            return -EEXIST;
        *out = addr.v;
        return 0;
    }
    /* A hint is taken when the range is free, else top-down below MMAP_BASE. */
    uint64_t hint = page_up(addr.v);
    if (hint && hint >= addr.v && hint >= MMAP_MIN_ADDR && hint <= USER_TOP - plen &&
        vma_range_free(&mm->vmas, hint, hint + plen)) {
        *out = hint;
        return 0;
    }
    return vma_gap_topdown(&mm->vmas, plen, MMAP_MIN_ADDR, MMAP_BASE, out);
}

int mm_mmap(struct mm *mm, vaddr_t addr, uint64_t len, int prot, int flags, struct vfile *f,
            uint64_t off, vaddr_t *out)
{
    if (len == 0)
        return -EINVAL;
    if (off & PAGE_MASK)
        return -EINVAL;
    int type = flags & LX_MAP_TYPE;
    if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != LX_MAP_SHARED_VALIDATE)
        return -EINVAL;
    /* MAP_SHARED_VALIDATE refuses flags it does not know (Linux: the legacy
     * mask plus MAP_SYNC, which needs DAX: refused too). */
    const int known = LX_MAP_TYPE | LX_MAP_FIXED | LX_MAP_ANONYMOUS | LX_MAP_GROWSDOWN |
                      LX_MAP_DENYWRITE | LX_MAP_EXECUTABLE | LX_MAP_LOCKED | LX_MAP_NORESERVE |
                      LX_MAP_POPULATE | LX_MAP_NONBLOCK | LX_MAP_STACK | LX_MAP_FIXED_NOREPLACE;
    if (type == LX_MAP_SHARED_VALIDATE && (flags & ~known))
        return -EOPNOTSUPP;
    bool shared = type != LX_MAP_PRIVATE;
    bool anon = flags & LX_MAP_ANONYMOUS;
    uint64_t plen = page_len(len);
    if (!plen)
        return -ENOMEM;
    if (!anon) {
        if (!f)
            return -EBADF;
        if ((off >> PAGE_SHIFT) + (plen >> PAGE_SHIFT) < (off >> PAGE_SHIFT))
            return -EOVERFLOW;
        if (shared && (prot & LX_PROT_WRITE) && !f->writable)
            return -EACCES;
    }

    uint64_t start;
    int rc = mm_mmap_place(mm, addr, plen, flags, &start);
    if (rc)
        return rc;

    struct vma v = {.start = start,
                    .end = start + plen,
                    .prot = prot & 7,
                    .flags =
                        (shared ? VMA_SHARED : 0) | (flags & LX_MAP_GROWSDOWN ? VMA_GROWSDOWN : 0)};
    if (anon && shared) {
        /* Shared anonymous memory must stay shared across fork: an unnamed
         * object, like Linux's shmem file. */
        v.file = vfile_new_anon(mm->k, plen);
        if (!v.file)
            return -ENOMEM;
    } else if (!anon) {
        v.file = vfile_get(f);
        v.pgoff = off >> PAGE_SHIFT;
    }
    rc = mm_unmap_range(mm, start, start + plen); /* MAP_FIXED replaces */
    if (!rc)
        rc = vma_insert(&mm->vmas, &v);
    if (rc) {
        vfile_put(v.file);
        return rc;
    }
    vma_merge(&mm->vmas, vma_index(&mm->vmas, start));
    *out = va(start);
    event_map(mm, VM_EV_MMAP, start, plen, prot, flags, anon ? NULL : f, 0);
    /* MAP_LOCKED, mlockall(MCL_FUTURE), MAP_POPULATE (failures ignored, as Linux's mm_populate) */
    if (flags & LX_MAP_LOCKED)
        mm_vma_set_flags(mm, start, start + plen, VMA_LOCKED, 0);
    mm_new_region_locked(mm, start, start + plen);
    if ((flags & (LX_MAP_POPULATE | LX_MAP_LOCKED)) && !(flags & LX_MAP_NONBLOCK))
        mm_populate_range(mm, start, start + plen, POPULATE_LOCK);
    return 0;
}

int mm_map_vdso(struct mm *mm, vaddr_t *out)
{
    uint64_t start;
    if (vma_gap_topdown(&mm->vmas, PAGE_SIZE, MMAP_MIN_ADDR, MMAP_BASE, &start))
        return -ENOMEM;
    struct vma v = {.start = start,
                    .end = start + PAGE_SIZE,
                    .prot = LX_PROT_READ | LX_PROT_EXEC,
                    .flags = VMA_VDSO};
    if (vma_insert(&mm->vmas, &v))
        return -ENOMEM;
    /* Mapped at once: there is nothing to fault in. */
    int rc = mm_install_pte(mm, start, mm->k->vdso, prot_to_pte(v.prot));
    if (rc) {
        vma_remove(&mm->vmas, vma_index(&mm->vmas, start));
        return rc;
    }
    *out = va(start);
    return 0;
}

int mm_munmap(struct mm *mm, vaddr_t addr, uint64_t len)
{
    if ((addr.v & PAGE_MASK) || len == 0 || addr.v > USER_TOP)
        return -EINVAL;
    uint64_t plen = page_len(len);
    if (!plen || plen > USER_TOP - addr.v)
        return -EINVAL;
    int rc = mm_unmap_range(mm, addr.v, addr.v + plen);
    event_map(mm, VM_EV_MUNMAP, addr.v, plen, 0, 0, NULL, rc);
    return rc;
}

/* ---- mprotect ------------------------------------------------------------ */

struct prot_ctx {
    struct mm *mm;
    const struct vma *v;
};

/* May a present page of region v get W without a fault first? Only when no
 * copy-on-write or dirty tracking is pending for it. */
static bool can_write_now(struct mm *mm, const struct vma *v, pfn_t f)
{
    if (!(v->prot & LX_PROT_WRITE))
        return false;
    struct frame *fr = frame_of(&mm->k->ft, f);
    if (v->flags & VMA_SHARED)
        return fr->use == FRAME_FILE && (fr->owner->anon || fr->dirty);
    return fr->use == FRAME_ANON && fr->mapcount == 1 && fr->refcount == 1;
}

static void reprotect_one(pte_t *e, uint64_t a, void *ctx)
{
    struct prot_ctx *pc = ctx;
    if (pte_is_swap(*e))
        return; /* swap-in takes the region's protection */
    assert(pte_valid(*e) && pte_leaf(*e));
    uint64_t want = prot_to_pte(pc->v->prot);
    uint64_t perms = want & ~PTE_W;
    if (pc->v->flags & VMA_DEVICE)
        perms = want; /* device pages: no COW, no dirty tracking */
    else if ((want & PTE_W) && ((e->bits & PTE_W) || can_write_now(pc->mm, pc->v, pte_pfn(*e))))
        perms |= PTE_W;
    uint64_t bits = (e->bits & ~(PTE_U | PTE_R | PTE_W | PTE_X)) | perms;
    if (bits != e->bits) {
        e->bits = bits;
        machine_flush_page(pc->mm->k->m, pc->mm->asid, va(a));
    }
}

int mm_mprotect(struct mm *mm, vaddr_t addr, uint64_t len, int prot)
{
    if (addr.v & PAGE_MASK)
        return -EINVAL;
    if (prot & ~(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
        return -EINVAL;
    if (len == 0)
        return 0;
    uint64_t plen = page_len(len);
    if (!plen || addr.v > USER_TOP - plen)
        return -ENOMEM;
    uint64_t start = addr.v, end = start + plen;
    /* Linux: -ENOMEM at once if start is unmapped; otherwise the regions are
     * changed one by one up to the first hole (-ENOMEM) or the first region
     * that may not become writable (-EACCES). */
    if (!vma_find(&mm->vmas, start))
        return -ENOMEM;
    int rc = split_at(mm, start);
    if (rc)
        return rc;
    uint64_t at = start;
    for (size_t i = vma_index(&mm->vmas, start); at < end; i++) {
        struct vma *v = i < vma_count(&mm->vmas) ? vma_at(&mm->vmas, i) : NULL;
        if (!v || v->start > at) {
            rc = -ENOMEM;
            break;
        }
        if ((prot & LX_PROT_WRITE) && (v->flags & VMA_SHARED) && v->file && !v->file->writable) {
            rc = -EACCES;
            break;
        }
        if (v->end > end && (rc = split_at(mm, end)) != 0)
            break;   /* v stays the lower part of a split */
        v->prot = prot;
        struct prot_ctx pc = {mm, v};
        pt_for_each(&mm->k->ft, mm->root, v->start, v->end, reprotect_one, &pc);
        at = v->end;
    }
    /* Merge what became alike again, from the top so indices stay valid. */
    size_t first = vma_index(&mm->vmas, start);
    size_t last = vma_index(&mm->vmas, at > start ? at - 1 : start);
    for (size_t j = last + 1; j-- > first;)
        if (j < vma_count(&mm->vmas))
            vma_merge(&mm->vmas, j);
    event_map(mm, VM_EV_MPROTECT, start, plen, prot, 0, NULL, rc);
    return rc;
}

/* ---- msync --------------------------------------------------------------- */

int mm_msync(struct mm *mm, vaddr_t addr, uint64_t len, int flags)
{
    if (flags & ~(LX_MS_ASYNC | LX_MS_INVALIDATE | LX_MS_SYNC))
        return -EINVAL;
    if ((flags & LX_MS_ASYNC) && (flags & LX_MS_SYNC))
        return -EINVAL;
    if (addr.v & PAGE_MASK)
        return -EINVAL;
    uint64_t plen = page_up(len);
    if (plen < len || addr.v + plen < addr.v)
        return -ENOMEM;
    uint64_t start = addr.v, end = start + plen;
    int rc = 0;
    uint64_t at = start;
    for (size_t i = vma_index(&mm->vmas, start); at < end; i++) {
        if (i >= vma_count(&mm->vmas) || vma_at(&mm->vmas, i)->start >= end) {
            rc = -ENOMEM; /* a hole at the end */
            break;
        }
        const struct vma *v = vma_at(&mm->vmas, i);
        if (v->start > at)
            rc = -ENOMEM; /* a hole: Linux goes on and reports it */
        uint64_t s = v->start > start ? v->start : start;
        uint64_t e = v->end < end ? v->end : end;
        at = v->end;
        if (!(v->flags & VMA_SHARED) || !v->file || v->file->ino->anon)
            continue;
        /* Even MS_ASYNC writes back here: the host file should show what a
         * Linux reader of the file would see. */
        struct vinode *n = v->file->ino;
        uint64_t first = v->pgoff + ((s - v->start) >> PAGE_SHIFT);
        uint64_t last = v->pgoff + ((e - v->start) >> PAGE_SHIFT); /* exclusive */
        PINDEX_FOR_RANGE(&n->pages, first, last, p, pfn) {
            pfn_t f = {pfn};
            if (!frame_of(&mm->k->ft, f)->dirty)
                continue;
            /* Write-protect first, so a write racing in later dirties again. */
            pagecache_mkclean(mm->k, f);
            if (pagecache_writeback(mm->k, f, mm) && !rc)
                rc = -EIO;
        }
    }
    return rc;
}

/* ---- madvise ------------------------------------------------------------- */

static int madvise_do(struct mm *mm, vaddr_t addr, uint64_t len, int advice)
{
    if (addr.v & PAGE_MASK)
        return -EINVAL;
    if (madvise_handled_here(advice)) { /* madvise.c */
        uint64_t plen = page_up(len);
        if (plen < len || addr.v + plen < addr.v)
            return -EINVAL;
        return madvise_advice(mm, addr.v, addr.v + plen, advice);
    }
    bool drop;
    switch (advice) {
    case LX_MADV_DONTNEED:
        drop = true;
        break;
    case LX_MADV_NORMAL:
    case LX_MADV_RANDOM:
    case LX_MADV_SEQUENTIAL:
        drop = false;
        break;
    default:
        /* 9..17: REMOVE, DONTFORK, DOFORK, MERGEABLE, ..., DODUMP: no-ops here. */
        if (advice < 9 || advice > 17)
            return -EINVAL;
        drop = false;
    }
    uint64_t plen = page_up(len);
    if (plen < len || addr.v + plen < addr.v)
        return -EINVAL;
    uint64_t start = addr.v, end = start + plen;
    int rc = 0;
    uint64_t at = start;
    for (size_t i = vma_index(&mm->vmas, start); at < end; i++) {
        if (i >= vma_count(&mm->vmas) || vma_at(&mm->vmas, i)->start >= end) {
            rc = -ENOMEM;
            break;
        }
        const struct vma *v = vma_at(&mm->vmas, i);
        if (v->start > at)
            rc = -ENOMEM;
        uint64_t s = v->start > start ? v->start : start;
        uint64_t e = v->end < end ? v->end : end;
        at = v->end;
        if (drop)
            mm_zap_range(mm, v, s, e);
    }
    if (drop)
        pt_free_empty(&mm->k->ft, mm->root, start, end, &mm->ntables);
    return rc;
}

int mm_madvise(struct mm *mm, vaddr_t addr, uint64_t len, int advice)
{
    int rc = madvise_do(mm, addr, len, advice);
    event_map(mm, VM_EV_MADVISE, addr.v, len, 0, advice, NULL, rc);
    return rc;
}

/* ---- brk ----------------------------------------------------------------- */

void mm_set_brk_base(struct mm *mm, vaddr_t base)
{
    mm->start_brk = mm->brk = page_up(base.v);
}

static vaddr_t brk_move(struct mm *mm, vaddr_t newbrk)
{
    uint64_t nb = newbrk.v;
    /* Linux: a break below the heap's start (brk(0) included) changes nothing. */
    if (!mm->start_brk || nb < mm->start_brk || nb > USER_TOP)
        return va(mm->brk);
    uint64_t oldpg = page_up(mm->brk), newpg = page_up(nb);
    if (newpg == oldpg) {
        mm->brk = nb;
        return va(mm->brk);
    }
    if (newpg < oldpg) {
        /* Linux 6.x brk(): the shrink fails when nothing is mapped in
         * [new, old) any more (someone unmapped the heap). */
        if (vma_range_free(&mm->vmas, newpg, oldpg))
            return va(mm->brk);
        if (mm_unmap_range(mm, newpg, oldpg) == 0)
            mm->brk = nb;
        return va(mm->brk);
    }
    /* Growing: the new part and a guard page above it must be free. */
    if (newpg > USER_TOP - PAGE_SIZE || !vma_range_free(&mm->vmas, oldpg, newpg + PAGE_SIZE))
        return va(mm->brk);
    struct vma v = {
        .start = oldpg, .end = newpg, .prot = LX_PROT_READ | LX_PROT_WRITE, .flags = VMA_HEAP};
    if (vma_insert(&mm->vmas, &v))
        return va(mm->brk);
    vma_merge(&mm->vmas, vma_index(&mm->vmas, oldpg));
    mm->brk = nb;
    return va(mm->brk);
}

vaddr_t mm_brk(struct mm *mm, vaddr_t newbrk)
{
    uint64_t old = mm->brk;
    vaddr_t now = brk_move(mm, newbrk);
    if (now.v != old)
        event_map(mm, VM_EV_BRK, now.v, old, LX_PROT_READ | LX_PROT_WRITE, 0, NULL, 0);
    return now;
}
