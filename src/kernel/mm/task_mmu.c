/* What /proc reads of memory (Linux fs/proc/task_mmu.c, fs/proc/meminfo.c):
 * a process's sizes as status and statm count them, the page cache's dirty,
 * mapped and shmem pages, and pagemap entries. fs/procfs_show.c prints them. */
#include <errno.h>
#include <string.h>

#include "internal.h"

void mm_task_mem(struct mm *mm, const char *exe, struct mm_task_mem *v)
{
    memset(v, 0, sizeof *v);
    for (const struct vma *r = vma_first(&mm->vmas); r; r = vma_next(&mm->vmas, r)) {
        uint64_t pages = (r->end - r->start) >> PAGE_SHIFT;
        bool wr = r->prot & LX_PROT_WRITE, sh = r->flags & VMA_SHARED,
             stack = r->flags & VMA_GROWSDOWN, ex = r->prot & LX_PROT_EXEC;
        v->total += pages;
        if (stack)
            v->stack += pages;
        else if (wr && !sh)
            v->data += pages;
        if (ex && !wr && !stack) {
            v->exec += pages;
            /* end_code - start_code: the program's executable segment(s) */
            if (r->file && exe && !strcmp(vfile_name(r->file), exe))
                v->text += pages;
        }
    }
    v->peak = mm->hiwater_vm > v->total ? mm->hiwater_vm : v->total;
    v->locked = mm_locked_pages(mm);
    v->anon = mm->rss_anon;
    v->file = mm->rss_file;
    v->shmem = mm->rss_shmem;
    v->rss = v->anon + v->file + v->shmem;
    v->hwm = mm->hiwater_rss > v->rss ? mm->hiwater_rss : v->rss;
    v->swap = mm->swap_pages;
    /* mm_pgtables_bytes: every level below the root (pgd) */
    v->ptes_kb = mm->ntables ? (mm->ntables - 1) * (PAGE_SIZE >> 10) : 0;
}

void kernel_file_pages(struct kernel *k, struct kernel_file_pages *c)
{
    memset(c, 0, sizeof *c);
    for (uint64_t i = 0; i < k->ft.n; i++) {
        const struct frame *fr = &k->ft.f[i];
        if (fr->use != FRAME_FILE)
            continue;
        c->dirty += fr->dirty;
        c->mapped += fr->mapcount > 0;
        c->shmem += fr->owner && fr->owner->anon;
    }
}

uint64_t mm_pagemap_entry(struct kernel *k, const struct vma *v, pte_t e)
{
    if (!v || !e.bits)
        return 0;
    if (pte_is_swap(e)) {
        /* swap type 0 (one area), offset = slot; no page: neither FILE
         * nor EXCLUSIVE (Linux 6.x pte_to_pagemap_entry) */
        return PM_SWAP | (((uint64_t)pte_swap_slot(e) << PM_SWAP_TYPE_BITS) & PM_PFN_MASK);
    }
    if (!pte_valid(e))
        return 0;
    pfn_t f = pte_pfn(e);
    uint64_t pm = PM_PRESENT | (f.n & PM_PFN_MASK);
    if (!frames_is_ram(&k->ft, f) || is_zero_pfn(k, f))
        return pm; /* a device page or the zero page: vm_normal_page NULL */
    const struct frame *fr = frame_of(&k->ft, f);
    if (fr->use != FRAME_ANON)
        pm |= PM_FILE; /* page cache, shmem, the vDSO */
    if (fr->mapcount == 1)
        pm |= PM_MMAP_EXCLUSIVE;
    return pm;
}

int64_t mm_pagemap_read(struct mm *mm, void *buf, uint64_t len, uint64_t off)
{
    uint64_t end_vpn = USER_TOP >> PAGE_SHIFT, vpn = off / 8;
    uint64_t n = len / 8;
    if (vpn >= end_vpn)
        return 0;
    if (n > end_vpn - vpn)
        n = end_vpn - vpn;
    uint64_t *out = buf;
    const struct vma *nv = vma_after(&mm->vmas, vpn << PAGE_SHIFT);   /* next region */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = (vpn + i) << PAGE_SHIFT;
        while (nv && nv->end <= a)
            nv = vma_next(&mm->vmas, nv);
        const struct vma *v = nv && nv->start <= a ? nv : NULL;
        pte_t e = {0};
        if (v) {
            int err = 0;
            pte_t *p = pt_pte(&mm->k->ft, mm->root, va(a), false, NULL, &err);
            if (p)
                e = *p;
        }
        out[i] = mm_pagemap_entry(mm->k, v, e);
    }
    return (int64_t)(n * 8);
}

/* Linux get_futex_key: a word in a shared region is named by the object
 * behind it (the page-cache inode: a host file or a shared anonymous object)
 * and its byte offset there, so every process mapping it finds the same
 * waiters, and swap-out (which keeps the object) changes nothing; any other
 * word, or a private futex, by (mm, address). */
int mm_futex_key(struct mm *mm, vaddr_t a, bool shared, const void **obj, uint64_t *off)
{
    const struct vma *v = vma_find(&mm->vmas, a.v);
    if (!v)
        return -EFAULT;
    if (shared && (v->flags & VMA_SHARED) && v->file && !(v->flags & VMA_DEVICE)) {
        *obj = v->file->ino;
        *off = (v->pgoff << PAGE_SHIFT) + (a.v - v->start);
        return 0;
    }
    *obj = mm;
    *off = a.v;
    return 0;
}
