/* Read-only iteration over the memory manager for reports. See inspect.h. */
#include "inspect.h"

#include <assert.h>
#include <stdlib.h>

#include "internal.h"

static_assert((int)INSP_FREE == (int)FRAME_FREE && (int)INSP_ANON == (int)FRAME_ANON &&
                  (int)INSP_FILE == (int)FRAME_FILE &&
                  (int)INSP_PAGETABLE == (int)FRAME_PAGETABLE &&
                  (int)INSP_KERNEL == (int)FRAME_KERNEL,
              "inspect.h mirrors enum frame_use");

const char *insp_vma_kind_name(enum insp_vma_kind k)
{
    switch (k) {
    case INSP_VMA_ANON:
        return "anon";
    case INSP_VMA_HEAP:
        return "heap";
    case INSP_VMA_STACK:
        return "stack";
    case INSP_VMA_VDSO:
        return "vdso";
    case INSP_VMA_FILE:
        return "file";
    case INSP_VMA_SHMEM:
        return "shmem";
    case INSP_VMA_DEVICE:
        return "device";
    }
    return "?";
}

const char *insp_role_name(enum insp_frame_role r)
{
    switch (r) {
    case INSP_ROLE_NONE:
        return NULL;
    case INSP_ROLE_KERNEL_TEXT:
        return "kernel text";
    case INSP_ROLE_KERNEL_DATA:
        return "kernel data";
    case INSP_ROLE_VDSO:
        return "vdso";
    case INSP_ROLE_KERNEL_ROOT:
        return "kernel root table";
    case INSP_ROLE_KERNEL_TABLE:
        return "kernel table";
    }
    return NULL;
}

const char *insp_use_name(enum insp_use u)
{
    return frame_use_name((enum frame_use)u);
}

void inspect_vmas(struct mm *mm, insp_vma_fn *fn, void *ctx)
{
    for (const struct vma *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v)) {
        char buf[64];
        const char *name = vma_name(mm, v, buf, sizeof buf);
        struct insp_vma iv = {
            .start = v->start,
            .end = v->end,
            .prot = v->prot,
            .shared = v->flags & VMA_SHARED,
            .name = name,
            .pgoff = v->pgoff,
        };
        if (v->flags & VMA_VDSO)
            iv.kind = INSP_VMA_VDSO;
        else if (v->flags & VMA_DEVICE)
            iv.kind = INSP_VMA_DEVICE;
        else if (vma_is_shmem(v))
            iv.kind = INSP_VMA_SHMEM;
        else if (v->file)
            iv.kind = INSP_VMA_FILE;
        else if (name && name[0] == '[' && name[1] == 'h')
            iv.kind = INSP_VMA_HEAP;
        else if (name && name[0] == '[' && name[1] == 's')
            iv.kind = INSP_VMA_STACK;
        else
            iv.kind = INSP_VMA_ANON;
        if (iv.kind == INSP_VMA_SHMEM) {
            iv.shmem_kind = shmem_kind_name(v->file->ino->shmem_kind);
            if (v->file->ino->shmem_kind == SHMEM_ANON)
                iv.name = NULL; /* Linux shows "/dev/zero (deleted)"; we show none */
        }
        fn(ctx, &iv);
    }
}

/* Sign-extends an Sv48 address (bit 47 into 63..48). */
static uint64_t sext48(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16);
}

struct walk_ctx {
    struct frames *ft;
    insp_table_fn *table_fn;
    insp_pte_fn *pte_fn;
    void *ctx;
};

static unsigned count_entries(const pte_t *e)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SV48_ENTRIES; i++)
        n += e[i].bits != 0;
    return n;
}

static void walk_table(const struct walk_ctx *w, pfn_t t, int level, uint64_t parent,
                       unsigned index, uint64_t base, bool kernel)
{
    const pte_t *e = pt_entries(w->ft, t);
    if (w->table_fn) {
        struct insp_table it = {.pfn = t.n,
                                .level = level,
                                .parent_pfn = parent,
                                .index = index,
                                .base_va = sext48(base),
                                .entries = count_entries(e),
                                .kernel = kernel};
        w->table_fn(w->ctx, &it);
    }
    for (unsigned i = 0; i < SV48_ENTRIES; i++) {
        if (!e[i].bits)
            continue;
        uint64_t a = base + ((uint64_t)i << (PAGE_SHIFT + 9 * level));
        if (level == 0) {
            if (w->pte_fn) {
                struct insp_pte ip = {.va = sext48(a),
                                      .table_pfn = t.n,
                                      .index = i,
                                      .present = pte_valid(e[i]),
                                      .pfn = pte_valid(e[i]) ? pte_pfn(e[i]).n : 0,
                                      .bits = e[i].bits,
                                      .kernel = kernel,
                                      .device = pte_valid(e[i]) &&
                                                !frames_is_ram(w->ft, pte_pfn(e[i]))};
                w->pte_fn(w->ctx, &ip);
            }
            continue;
        }
        /* Kernel-built tables have no superpages and nothing non-present
         * above level 0. */
        if (!pte_valid(e[i]) || pte_leaf(e[i]) || !frames_is_ram(w->ft, pte_pfn(e[i])))
            continue;
        walk_table(w, pte_pfn(e[i]), level - 1, t.n, i, a, kernel);
    }
}

void inspect_pagetable(struct mm *mm, bool kernel_half, insp_table_fn *table_fn,
                       insp_pte_fn *pte_fn, void *ctx)
{
    struct walk_ctx w = {.ft = &mm->k->ft, .table_fn = table_fn, .pte_fn = pte_fn, .ctx = ctx};
    /* The root is the address space's own; `kernel` below marks the subtrees
     * of entries 256..511, which every root shares. */
    const pte_t *e = pt_entries(w.ft, mm->root);
    if (table_fn) {
        struct insp_table it = {.pfn = mm->root.n,
                                .level = 3,
                                .parent_pfn = INSP_NO_PARENT,
                                .entries = count_entries(e)};
        table_fn(ctx, &it);
    }
    unsigned end = kernel_half ? SV48_ENTRIES : PT_USER_ENTRIES;
    for (unsigned i = 0; i < end; i++) {
        if (!pte_valid(e[i]) || pte_leaf(e[i]))
            continue;
        uint64_t a = (uint64_t)i << (PAGE_SHIFT + 27);
        walk_table(&w, pte_pfn(e[i]), 2, mm->root.n, i, a, i >= PT_USER_ENTRIES);
    }
}

static enum insp_frame_role frame_role(const struct kernel *k, pfn_t f)
{
    if (f.n == k->ktext.n)
        return INSP_ROLE_KERNEL_TEXT;
    if (f.n == k->kdata.n)
        return INSP_ROLE_KERNEL_DATA;
    if (f.n == k->vdso.n)
        return INSP_ROLE_VDSO;
    if (f.n == k->kroot.n)
        return INSP_ROLE_KERNEL_ROOT;
    return INSP_ROLE_NONE;
}

/* Marks the kernel half's tables (below kroot) in the role array. */
static void mark_kernel_tables(struct kernel *k, pfn_t t, int level, uint8_t *roles)
{
    const pte_t *e = pt_entries(&k->ft, t);
    unsigned first = level == 3 ? PT_USER_ENTRIES : 0;
    for (unsigned i = first; i < SV48_ENTRIES; i++) {
        if (!pte_valid(e[i]) || pte_leaf(e[i]) || level == 0)
            continue;
        pfn_t c = pte_pfn(e[i]);
        if (!frames_is_ram(&k->ft, c))
            continue;
        roles[c.n - k->ft.pm->ram_first.n] = INSP_ROLE_KERNEL_TABLE;
        mark_kernel_tables(k, c, level - 1, roles);
    }
}

uint64_t inspect_frames(struct kernel *k, insp_frame_fn *fn, void *ctx)
{
    struct frames *ft = &k->ft;
    uint8_t *roles = calloc(ft->n ? ft->n : 1, 1);
    if (roles)
        mark_kernel_tables(k, k->kroot, 3, roles);
    struct insp_mapper *m = NULL;
    uint32_t mcap = 0;
    uint64_t n = 0;
    for (uint64_t i = 0; i < ft->n; i++) {
        const struct frame *fr = &ft->f[i];
        if (fr->use == FRAME_FREE)
            continue;
        n++;
        if (!fn)
            continue;
        pfn_t f = frame_pfn(ft, fr);
        if (fr->mapcount > mcap) {
            uint32_t cap = fr->mapcount * 2;
            struct insp_mapper *nm = realloc(m, cap * sizeof *nm);
            if (!nm)
                abort(); /* host out of memory while reporting */
            m = nm;
            mcap = cap;
        }
        for (uint32_t j = 0; j < fr->mapcount; j++) {
            struct mm *mm = fr->rmap[j].mm;
            const struct vma *v = vma_find(&mm->vmas, fr->rmap[j].va);
            pte_t *e = pt_pte(ft, mm->root, va(fr->rmap[j].va), false, NULL, NULL);
            m[j] = (struct insp_mapper){
                .mm = mm,
                .va = fr->rmap[j].va,
                .vma_shared = v && (v->flags & VMA_SHARED),
                .vma_prot = v ? v->prot : 0,
                .pte_bits = e ? e->bits : 0,
            };
        }
        struct insp_frame info = {
            .pfn = f.n,
            .use = (enum insp_use)fr->use,
            .use_name = frame_use_name(fr->use),
            .role = frame_role(k, f),
            .refcount = fr->refcount,
            .mapcount = fr->mapcount,
            .dirty = fr->dirty,
            .swap_slot = fr->swap == SWAP_NO_SLOT ? -1 : (int64_t)fr->swap,
            .mappers = m,
            .nmappers = fr->mapcount,
        };
        if (info.role == INSP_ROLE_NONE && roles && roles[i])
            info.role = (enum insp_frame_role)roles[i];
        if (fr->use == FRAME_FILE && fr->owner) {
            info.owner_anon = fr->owner->anon;
            info.owner = fr->owner->anon && fr->owner->shmem_kind == SHMEM_ANON ? "shmem"
                                                                                 : fr->owner->name;
            if (fr->owner->anon)
                info.owner_kind = shmem_kind_name(fr->owner->shmem_kind);
            info.index = fr->index;
        }
        fn(ctx, &info);
    }
    free(m);
    free(roles);
    return n;
}

void inspect_frame_counts(struct kernel *k, uint64_t counts[INSP_NUSES])
{
    for (int u = 0; u < INSP_NUSES; u++)
        counts[u] = k->ft.count[u];
}

void inspect_ram(struct kernel *k, uint64_t *first_pfn, uint64_t *end_pfn)
{
    *first_pfn = k->ft.pm->ram_first.n;
    *end_pfn = k->ft.pm->ram_first.n + k->ft.n;
}

void inspect_each_mm(struct kernel *k, insp_mm_fn *fn, void *ctx)
{
    for (unsigned a = 0; a < ASID_COUNT; a++)
        if (k->asid_owner[a])
            fn(ctx, k->asid_owner[a]);
}

void inspect_shmem(struct kernel *k, insp_shmem_fn *fn, void *ctx)
{
    for (struct vinode *n = k->inodes; n; n = n->next) {
        if (!n->anon)
            continue;
        struct insp_shmem s = {.kind = shmem_kind_name(n->shmem_kind), .name = n->name,
                               .ino = n->ino, .size = n->size, .resident = pindex_count(&n->pages),
                               .swapped = pindex_count(&n->swapped)};
        fn(ctx, &s);
    }
}
