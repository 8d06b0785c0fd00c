/* The page-fault handler (Linux's handle_mm_fault, much reduced).
 *
 *   no region, or the address is not user space   -> SIGSEGV SEGV_MAPERR
 *   the region's protection forbids the access     -> SIGSEGV SEGV_ACCERR
 *   not present, anonymous                         -> zero-filled frame (minor); a read
 *                                                     maps the shared zero page instead
 *                                                     (a write to it copies: COW)
 *   not present, file or shared anonymous          -> page-cache page (major if read)
 *       page wholly past the end of the file       -> SIGBUS BUS_ADRERR
 *       private: mapped read-only; a write fault copies at once
 *       shared file: W only on a write fault, which dirties the page
 *   swap entry                                     -> the swap-cache frame, or
 *                                                     read back (major); see below
 *   present, write to a read-only PTE in a writable region:
 *       shared                                     -> set W, dirty the page
 *       private, sole mapper of an anonymous frame -> set W (COW without copy)
 *       private otherwise                          -> copy to a new anonymous frame
 *
 * Write implies read: PROT_WRITE maps R and W (W without R is reserved).
 *
 * Swap-in: the frame goes into the swap cache so that the other holders of
 * the slot (fork) find it. When this PTE was the slot's last user, the slot
 * is freed at once and the page is an ordinary anonymous page again;
 * otherwise it is mapped read-only, and a write is a copy-on-write fault
 * (the last mapper of a swap-cache page whose slot nobody else holds takes
 * it, dropping the slot). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "event_impl.h"
#include "internal.h"

static int segv(struct mm *mm, struct segv *out, int signo, int code, vaddr_t a, enum access acc)
{
    MM_COUNT(mm, segv);
    if (out)
        *out = (struct segv){.signo = signo, .code = code, .addr = a, .acc = acc};
    return -1;
}

/* Pages needed to hold `bytes`. */
static uint64_t page_up_pages(uint64_t bytes)
{
    return (bytes >> PAGE_SHIFT) + !!(bytes & PAGE_MASK);
}

static bool vma_allows(const struct vma *v, enum access acc)
{
    switch (acc) {
    case ACCESS_READ:
        return v->prot & (LX_PROT_READ | LX_PROT_WRITE);
    case ACCESS_WRITE:
        return v->prot & LX_PROT_WRITE;
    case ACCESS_EXEC:
        return v->prot & LX_PROT_EXEC;
    }
    return false;
}

static uint64_t access_bit(enum access acc)
{
    return acc == ACCESS_READ ? PTE_R : acc == ACCESS_WRITE ? PTE_W : PTE_X;
}

/* The region for a, growing a stack region down to it when that is allowed
 * (Linux expand_stack: within RLIMIT_STACK of the stack's top, and not into
 * the region below). */
static struct vma *find_or_grow(struct mm *mm, uint64_t a)
{
    struct vma *v = vma_find(&mm->vmas, a);
    if (v)
        return v;
    size_t i = vma_index(&mm->vmas, a);
    if (i >= vma_count(&mm->vmas))
        return NULL;
    v = vma_at(&mm->vmas, i);
    uint64_t page = a & ~PAGE_MASK;
    if (!(v->flags & VMA_GROWSDOWN) || v->file || v->end - page > STACK_RLIMIT)
        return NULL;
    if (i > 0 && vma_at(&mm->vmas, i - 1)->end > page)
        return NULL;
    vma_set_range(&mm->vmas, i, page, v->end);
    return v;
}

/* Replaces the mapping e -> old frame by a private anonymous copy. */
static int cow_copy(struct mm *mm, const struct vma *v, pte_t *e, uint64_t page, pfn_t old)
{
    struct frames *ft = &mm->k->ft;
    pfn_t nf;
    frame_get(ft, old); /* keep it while we copy, whatever reclaim does */
    int rc = frame_alloc(ft, FRAME_ANON, &nf);
    if (rc) {
        frame_put(ft, old);
        return rc;
    }
    memcpy(frame_bytes(ft, nf), frame_bytes(ft, old), PAGE_SIZE);
    if (pte_valid(*e))
        mm_zap_pte(mm, v, e, page);
    frame_put(ft, old);
    rc = mm_install_pte(mm, page, nf, prot_to_pte(v->prot) | PTE_D);
    frame_put(ft, nf); /* the mapping holds it now (or it is freed) */
    if (rc)
        return rc;
    MM_COUNT(mm, cow_faults);
    MM_COUNT(mm, cow_copies);
    event_cow_copy(mm, page, old, nf);
    return 0;
}

static int fault_present(struct mm *mm, const struct vma *v, pte_t *e, uint64_t page,
                         enum access acc, vaddr_t a, struct segv *out)
{
    struct kernel *k = mm->k;
    if ((e->bits & PTE_U) && (e->bits & access_bit(acc))) {
        /* The PTE already allows it: a stale TLB entry. */
        machine_flush_page(k->m, mm->asid, va(page));
        return 0;
    }
    MM_COUNT(mm, minor_faults);
    uint64_t want = prot_to_pte(v->prot);
    if (acc != ACCESS_WRITE) {
        /* R or X the region allows but the PTE lacks (not expected: mprotect
         * rewrites them); restore them, never W. */
        e->bits = (e->bits & ~(PTE_U | PTE_R | PTE_X)) | (want & (PTE_U | PTE_R | PTE_X));
        machine_flush_page(k->m, mm->asid, va(page));
        return 0;
    }
    pfn_t f = pte_pfn(*e);
    struct frame *fr = frame_of(&k->ft, f);
    if (v->flags & VMA_SHARED) {
        if (fr->use == FRAME_FILE && quota_page_mkwrite(k, fr) != 0)
            return segv(mm, out, LX_SIGBUS, LX_BUS_ADRERR, a, acc);   /* --disk-quota full */
        if (fr->use == FRAME_FILE)
            fr->dirty = !fr->owner->anon;
        e->bits |= want | PTE_D;
        machine_flush_page(k->m, mm->asid, va(page));
        return 0;
    }
    /* A swap-cache page (refcount has the cache's reference) is copied: a
     * swap PTE elsewhere still expects the slot's contents. */
    if (fr->use == FRAME_ANON && fr->mapcount == 1 && fr->refcount == 1) {
        /* The last mapper of a copy-on-write page takes it. */
        e->bits |= want | PTE_D;
        machine_flush_page(k->m, mm->asid, va(page));
        MM_COUNT(mm, cow_faults);
        return 0;
    }
    return cow_copy(mm, v, e, page, f);
}

static int fault_file(struct mm *mm, const struct vma *v, pte_t *e, uint64_t page, enum access acc,
                      vaddr_t a, struct segv *out)
{
    struct kernel *k = mm->k;
    struct vinode *n = v->file->ino;
    uint64_t index = v->pgoff + ((page - v->start) >> PAGE_SHIFT);
    pfn_t f;
    bool cached = pagecache_lookup(n, index, &f);
    /* Linux: SIGBUS for a page that lies wholly past the end of the file
     * (shared anonymous memory too: its object keeps the size it was
     * created with, whatever mremap makes of the region). */
    if (!cached && index >= page_up_pages(vinode_size(n)))
        return segv(mm, out, LX_SIGBUS, LX_BUS_ADRERR, a, acc);
    bool major = false;
    if (!cached) {
        int rc = pagecache_get(k, n, index, mm, &f, &major);
        if (rc == -ENOMEM)
            return rc;
        if (rc)
            return segv(mm, out, LX_SIGBUS, LX_BUS_ADRERR, a, acc);
        if (n->anon && !major) /* else read back from swap */
            MM_COUNT(mm, zero_fills);
    }
    if (major) {
        workingset_refault(k, mm, shadow_key_page(n, index), n->anon, f);
        MM_COUNT(mm, major_faults);
        MM_COUNT(mm, pgmajfault);
    }
    else
        MM_COUNT(mm, minor_faults);
    uint64_t perms = prot_to_pte(v->prot);
    struct frame *fr = frame_of(&k->ft, f);
    if (!(v->flags & VMA_SHARED)) {
        if (acc == ACCESS_WRITE)
            return cow_copy(mm, v, e, page, f); /* e is empty: nothing to zap */
        perms &= ~PTE_W;                        /* copy on the first write */
    } else if (!n->anon) {
        if (acc == ACCESS_WRITE) {
            if (quota_page_mkwrite(k, fr) != 0)
                return segv(mm, out, LX_SIGBUS, LX_BUS_ADRERR, a, acc);   /* --disk-quota full */
            fr->dirty = true;
            perms |= PTE_D;
        } else {
            perms &= ~PTE_W; /* the first write must fault to dirty the page */
        }
    }
    frame_get(&k->ft, f);
    int rc = mm_install_pte(mm, page, f, perms);
    frame_put(&k->ft, f);
    return rc;
}

static int fault_swap(struct mm *mm, const struct vma *v, pte_t *e, uint64_t page,
                      enum access acc, vaddr_t a, struct segv *out)
{
    struct kernel *k = mm->k;
    struct frames *ft = &k->ft;
    uint32_t slot = pte_swap_slot(*e);
    pfn_t f;
    if (swapcache_lookup(&k->swap, slot, &f, ft)) {
        frame_get(ft, f);
        MM_COUNT(mm, minor_faults);
    } else {
        /* e stays a swap entry meanwhile: reclaim never touches those, and
         * our reference keeps the slot. */
        int rc = frame_alloc(ft, FRAME_ANON, &f);
        if (rc)
            return rc;
        if (swap_read(&k->swap, slot, frame_bytes(ft, f))) {
            frame_put(ft, f);
            fprintf(stderr, "vmsim: swap read of slot %u failed\n", slot);
            return segv(mm, out, LX_SIGBUS, LX_BUS_ADRERR, a, acc);
        }
        swapcache_add(&k->swap, ft, f, slot);
        workingset_refault(k, mm, shadow_key_slot(slot), true, f);
        MM_COUNT(mm, major_faults);
        MM_COUNT(mm, pgmajfault);
        MM_COUNT(mm, pswpin);
    }
    e->bits = 0;
    swap_free_entry(k, mm, pte_swap_make(slot)); /* may take f out of the cache */
    struct frame *fr = frame_of(ft, f);
    bool exclusive = fr->swap == SWAP_NO_SLOT && fr->mapcount == 0;
    uint64_t perms = prot_to_pte(v->prot);
    if (!exclusive)
        perms &= ~PTE_W;
    else if (acc == ACCESS_WRITE)
        perms |= PTE_D;
    int rc = mm_install_pte(mm, page, f, perms);
    frame_put(ft, f);
    if (rc || exclusive || acc != ACCESS_WRITE || !(v->prot & LX_PROT_WRITE))
        return rc;
    /* A write to a page others still share: copy-on-write now. */
    e = pt_pte(ft, mm->root, va(page), false, NULL, NULL);
    return fault_present(mm, v, e, page, acc, a, out);
}

void mm_note_emptied(struct mm *mm, uint64_t va)
{
    uint64_t region = va & ~(LEAF_TABLE_SPAN - 1);
    for (unsigned i = 0; i < mm->nemptied && i < MM_EMPTIED_MAX; i++)
        if (mm->emptied[i] == region)
            return;
    if (mm->nemptied < MM_EMPTIED_MAX)
        mm->emptied[mm->nemptied] = region;
    if (mm->nemptied <= MM_EMPTIED_MAX)
        mm->nemptied++;
}

/* Frees the page tables that reclaim left empty (mm_note_emptied): only the
 * noted regions, so a fault after reclaim costs a leaf-table scan, not a
 * sweep of the user half. */
static void free_emptied_tables(struct mm *mm)
{
    if (mm->nemptied > MM_EMPTIED_MAX) {
        pt_free_empty(&mm->k->ft, mm->root, 0, USER_TOP, &mm->ntables);
    } else {
        for (unsigned i = 0; i < mm->nemptied; i++)
            pt_free_empty(&mm->k->ft, mm->root, mm->emptied[i],
                          mm->emptied[i] + LEAF_TABLE_SPAN, &mm->ntables);
    }
    mm->nemptied = 0;
}

static int handle_fault(struct mm *mm, vaddr_t a, enum access acc, struct segv *out)
{
    MM_COUNT(mm, pgfault);
    if (!sv48_canonical(a) || a.v >= USER_TOP)
        return segv(mm, out, LX_SIGSEGV, LX_SEGV_MAPERR, a, acc);
    struct vma *v = find_or_grow(mm, a.v);
    if (!v)
        return segv(mm, out, LX_SIGSEGV, LX_SEGV_MAPERR, a, acc);
    if (!vma_allows(v, acc))
        return segv(mm, out, LX_SIGSEGV, LX_SEGV_ACCERR, a, acc);
    uint64_t page = a.v & ~PAGE_MASK;
    if (v->flags & VMA_DEVICE)
        return mm_fault_device(mm, v, page);
    if (mm->nemptied)
        free_emptied_tables(mm);
    int err = -ENOMEM;
    /* Tables first: allocating them later could reclaim the page we found. */
    pte_t *e = pt_pte(&mm->k->ft, mm->root, va(page), true, &mm->ntables, &err);
    if (!e)
        return err;
    if (pte_valid(*e))
        return fault_present(mm, v, e, page, acc, a, out);
    if (pte_is_swap(*e))
        return fault_swap(mm, v, e, page, acc, a, out);
    assert(e->bits == 0);
    if (v->file)
        return fault_file(mm, v, e, page, acc, a, out);
    if (v->flags & VMA_VDSO) {
        MM_COUNT(mm, minor_faults);
        return mm_install_pte(mm, page, mm->k->vdso, prot_to_pte(v->prot));
    }
    if (acc != ACCESS_WRITE && !(v->flags & VMA_SHARED) && !mm->k->zero_page_off) {
        /* Linux do_anonymous_page: a read maps the zero page, read-only. */
        int zr = mm_install_pte(mm, page, mm->k->zero_page, prot_to_pte(v->prot) & ~PTE_W);
        if (zr)
            return zr;
        MM_COUNT(mm, minor_faults);
        MM_COUNT(mm, zero_page_maps);
        return 0;
    }
    pfn_t f;
    int rc = frame_alloc(&mm->k->ft, FRAME_ANON, &f);
    if (rc)
        return rc;
    rc = mm_install_pte(mm, page, f, prot_to_pte(v->prot) | (acc == ACCESS_WRITE ? PTE_D : 0));
    frame_put(&mm->k->ft, f);
    if (rc)
        return rc;
    MM_COUNT(mm, minor_faults);
    MM_COUNT(mm, zero_fills);
    return 0;
}

int mm_fault(struct mm *mm, vaddr_t a, enum access acc, struct segv *out)
{
    if (!kernel_events_on(mm->k)) {
        int rc = handle_fault(mm, a, acc, out);
        if (rc == 0)
            insn_pin(mm->k, mm, a.v & ~PAGE_MASK);
        return rc;
    }
    /* --events/--explain: what the handler did, told afterwards (event.c). */
    struct fault_watch w;
    struct segv sv = {0};
    event_fault_begin(mm, a, &w);
    int rc = handle_fault(mm, a, acc, &sv);
    if (rc == 0)
        insn_pin(mm->k, mm, a.v & ~PAGE_MASK);
    if (rc == -1 && out)
        *out = sv;
    event_fault_end(mm, a, acc, &w, rc, &sv);
    return rc;
}
