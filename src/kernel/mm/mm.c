/* Address spaces: create, fork, destroy, and the PTE-level helpers that every
 * other part of the memory manager uses to install and remove mappings.
 * mmap/munmap/mprotect/msync/brk are in mmap.c, the fault handler in fault.c. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- PTE helpers --------------------------------------------------------- */

uint64_t prot_to_pte(int prot)
{
    /* PROT_NONE keeps its frame mapped through a kernel-only leaf (U=0, R=1):
     * every user access faults, the data stays. Write implies read (W without
     * R is reserved in Sv48). */
    if (!(prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
        return PTE_R;
    uint64_t bits = PTE_U;
    if (prot & (LX_PROT_READ | LX_PROT_WRITE))
        bits |= PTE_R;
    if (prot & LX_PROT_WRITE)
        bits |= PTE_W;
    if (prot & LX_PROT_EXEC)
        bits |= PTE_X;
    return bits;
}

bool vma_is_shmem(const struct vma *v)
{
    return v->file && v->file->ino->anon;
}

void mm_rss_account(struct mm *mm, pfn_t f, int delta)
{
    struct frame *fr = frame_of(&mm->k->ft, f);
    uint64_t *ctr = NULL;
    if (fr->use == FRAME_ANON)
        ctr = &mm->rss_anon;
    else if (fr->use == FRAME_FILE)
        ctr = fr->owner->anon ? &mm->rss_shmem : &mm->rss_file;
    if (ctr)
        *ctr += (uint64_t)(int64_t)delta;
    uint64_t rss = mm->rss_anon + mm->rss_file + mm->rss_shmem;
    if (rss > mm->hiwater_rss)
        mm->hiwater_rss = rss;
}

int mm_install_pte(struct mm *mm, uint64_t a, pfn_t f, uint64_t perms)
{
    int err = -ENOMEM;
    pte_t *e = pt_pte(&mm->k->ft, mm->root, va(a), true, &mm->ntables, &err);
    if (!e)
        return err;
    assert(e->bits == 0);
    if (is_zero_pfn(mm->k, f)) {
        *e = pte_make(f, PTE_V | (perms & ~(uint64_t)(PTE_W | PTE_D))); /* never writable */
        return 0;
    }
    int rc = frame_map(&mm->k->ft, f, mm, a);
    if (rc)
        return rc;
    *e = pte_make(f, PTE_V | perms);
    mm_rss_account(mm, f, +1);
    return 0;
}

void mm_zap_pte(struct mm *mm, const struct vma *v, pte_t *e, uint64_t a)
{
    struct kernel *k = mm->k;
    pte_t old = *e;
    assert(pte_valid(old) && pte_leaf(old)); /* swap entries: not yet */
    e->bits = 0;
    machine_flush_page(k->m, mm->asid, va(a));
    pfn_t f = pte_pfn(old);
    if (v->flags & VMA_DEVICE) {
        assert(!frames_is_ram(&k->ft, f));
        return; /* a device page: no frame, no counts */
    }
    if (is_zero_pfn(k, f))
        return; /* the zero page: not counted per mapping */
    struct frame *fr = frame_of(&k->ft, f);
    if (fr->use == FRAME_FILE && (old.bits & PTE_D) && (v->flags & VMA_SHARED))
        fr->dirty = true;
    mm_rss_account(mm, f, -1);
    frame_unmap(&k->ft, f, mm, a);
    /* The last mapper of a dirty shared page writes it back (munmap, exit). */
    if (fr->use == FRAME_FILE && fr->mapcount == 0 && fr->dirty)
        pagecache_writeback(k, f, mm);
    frame_put(&k->ft, f);
}

struct zap_ctx {
    struct mm *mm;
    const struct vma *v;
};

static void zap_one(pte_t *e, uint64_t a, void *ctx)
{
    struct zap_ctx *z = ctx;
    if (pte_is_swap(*e)) {
        pte_t old = *e;
        e->bits = 0;
        swap_free_entry(z->mm->k, z->mm, old);
        return;
    }
    mm_zap_pte(z->mm, z->v, e, a);
}

/* Removes every mapping of region v inside [start, end), swap entries too. */
void mm_zap_range(struct mm *mm, const struct vma *v, uint64_t start, uint64_t end)
{
    struct zap_ctx z = {mm, v};
    pt_for_each(&mm->k->ft, mm->root, start, end, zap_one, &z);
}

/* ---- life cycle ---------------------------------------------------------- */

static int asid_alloc(struct kernel *k, struct mm *mm)
{
    for (unsigned tries = 0; tries < ASID_MAX; tries++) {
        uint16_t a = k->next_asid;
        k->next_asid = (uint16_t)(a + 1u > ASID_MAX ? 1u : a + 1u);
        if (!k->asid_owner[a]) {
            k->asid_owner[a] = mm;
            /* A reused ASID may still tag entries of the space that had it. */
            if (k->asid_used[a])
                machine_flush_asid(k->m, a);
            k->asid_used[a] = true;
            return a;
        }
    }
    return 0;
}

struct mm *mm_new(struct kernel *k)
{
    struct mm *mm = calloc(1, sizeof *mm);
    if (!mm)
        return NULL;
    mm->k = k;
    if (pt_alloc_table(&k->ft, &mm->root)) {
        free(mm);
        return NULL;
    }
    mm->ntables = 1;
    /* The kernel half: the same upper-half root entries in every space, so
     * every space reaches the kernel's pages through the same tables. */
    const pte_t *kr = pt_entries(&k->ft, k->kroot);
    pte_t *r = pt_entries(&k->ft, mm->root);
    memcpy(r + PT_USER_ENTRIES, kr + PT_USER_ENTRIES, PT_USER_ENTRIES * sizeof(pte_t));
    int asid = asid_alloc(k, mm);
    if (!asid) {
        frame_put(&k->ft, mm->root);
        free(mm);
        return NULL;
    }
    mm->asid = (uint16_t)asid;
    k->nr_mm++;
    return mm;
}

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    struct kernel *k = mm->k;
    if (mm->exe_file) {
        vfile_allow_write(mm->exe_file);
        vfile_put(mm->exe_file);
    }
    while (vma_count(&mm->vmas) > 0) {
        struct vma *v = vma_at(&mm->vmas, vma_count(&mm->vmas) - 1);
        mm_zap_range(mm, v, v->start, v->end);
        vfile_put(v->file);
        vma_remove(&mm->vmas, vma_count(&mm->vmas) - 1);
    }
    pt_free_user(&k->ft, mm->root, &mm->ntables);
    memset(pt_entries(&k->ft, mm->root), 0, PAGE_SIZE);
    frame_put(&k->ft, mm->root);
    mm->ntables--;
    assert(mm->ntables == 0);
    assert(mm->rss_anon == 0 && mm->rss_file == 0 && mm->rss_shmem == 0 && mm->swap_pages == 0);
    machine_flush_asid(k->m, mm->asid);
    insn_pin_forget_mm(k, mm);
    k->asid_owner[mm->asid] = NULL;
    k->nr_mm--;
    vma_list_free(&mm->vmas);
    free(mm);
}

struct fork_ctx {
    struct mm *child;
    const struct vma *v;
    bool parent_changed;
    int err;
};

static void fork_one(pte_t *e, uint64_t a, void *ctx)
{
    struct fork_ctx *fc = ctx;
    if (fc->err)
        return;
    struct kernel *k = fc->child->k;
    /* The child's table first: allocating it may reclaim, which can turn
     * *e into a swap entry; so *e is read only afterwards. */
    int err = -ENOMEM;
    pte_t *ce = pt_pte(&k->ft, fc->child->root, va(a), true, &fc->child->ntables, &err);
    if (!ce) {
        fc->err = err;
        return;
    }
    if (e->bits == 0)
        return; /* reclaim dropped a clean file page meanwhile: both refault it */
    if (pte_is_swap(*e)) {
        /* Both share the slot; the first to fault reads it back. */
        swap_slot_dup(&k->swap, pte_swap_slot(*e));
        *ce = *e;
        fc->child->swap_pages++;
        return;
    }
    assert(pte_valid(*e) && pte_leaf(*e));
    if (fc->v->flags & VMA_DEVICE) {
        *ce = *e; /* the same device page: shared, not a frame (no rmap) */
        return;
    }
    /* Linux copy_present_pte: the child's PTE is old (A clear); a private
     * one keeps D, a shared one is clean (the page itself stays dirty). */
    uint64_t perms = e->bits & (PTE_U | PTE_R | PTE_W | PTE_X);
    if (!(fc->v->flags & VMA_SHARED))
        perms |= e->bits & PTE_D;
    if (!(fc->v->flags & VMA_SHARED) && (e->bits & PTE_W)) {
        /* Private and writable: both copies become copy-on-write. */
        e->bits &= ~PTE_W;
        perms &= ~PTE_W;
        fc->parent_changed = true;
    }
    /* The table exists: installing allocates nothing, so cannot reclaim. */
    fc->err = mm_install_pte(fc->child, a, pte_pfn(*e), perms);
}

int mm_set_exe_file(struct mm *mm, struct vfile *f)
{
    int rc = vfile_deny_write(f);
    if (rc)
        return rc;
    if (mm->exe_file) {
        vfile_allow_write(mm->exe_file);
        vfile_put(mm->exe_file);
    }
    mm->exe_file = vfile_get(f);
    return 0;
}

struct mm *mm_fork(struct mm *parent)
{
    struct kernel *k = parent->k;
    struct mm *child = mm_new(k);
    if (!child)
        return NULL;
    child->start_brk = parent->start_brk;
    child->brk = parent->brk;
    if (parent->exe_file && vfile_deny_write(parent->exe_file) == 0)   /* denied already */
        child->exe_file = vfile_get(parent->exe_file);
    struct fork_ctx fc = {.child = child};
    for (const struct vma *pv = vma_first(&parent->vmas); pv && !fc.err;
         pv = vma_next(&parent->vmas, pv)) {
        struct vma v = *pv;
        if (v.flags & VMA_DONTFORK)
            continue;
        /* Linux: locks are not inherited; a wiped region starts empty. */
        v.flags &= ~(unsigned)(VMA_LOCKED | VMA_LOCKONFAULT);
        if (v.file)
            vfile_get(v.file);
        if (vma_insert(&child->vmas, &v)) {
            vfile_put(v.file);
            fc.err = -ENOMEM;
            break;
        }
        fc.v = pv;
        if (v.flags & VMA_WIPEONFORK)
            continue;
        pt_for_each(&k->ft, parent->root, v.start, v.end, fork_one, &fc);
    }
    if (fc.parent_changed)
        machine_flush_asid(k->m, parent->asid);
    if (fc.err) {
        mm_destroy(child);
        return NULL;
    }
    return child;
}

struct kernel *mm_kernel(struct mm *mm)
{
    return mm->k;
}

uint64_t mm_satp(const struct mm *mm)
{
    return satp_make(mm->asid, mm->root);
}

void mm_get_info(struct mm *mm, struct mm_info *out)
{
    *out = (struct mm_info){
        .rss_anon = mm->rss_anon,
        .rss_file = mm->rss_file,
        .rss_shmem = mm->rss_shmem,
        .rss_pages = mm->rss_anon + mm->rss_file + mm->rss_shmem,
        .pagetable_pages = mm->ntables,
        .swap_pages = mm->swap_pages,
        .asid = mm->asid,
        .satp = mm_satp(mm),
        .c = mm->c,
    };
    out->vm_pages = mm->vmas.pages;
}
