/* kernel_check(): the invariants of design.md, recomputed from scratch.
 *
 *   - every frame is free, or its counts equal the mappings and holders
 *     pointing at it: mapcount == present PTEs == rmap length; refcount ==
 *     mapcount (+1 for the page cache, the table's or the kernel's own ref);
 *   - every present PTE lies in a region and grants no more than it allows;
 *   - a writable PTE maps a frame mapped elsewhere only in a MAP_SHARED region,
 *     and a writable private PTE maps an anonymous frame;
 *   - no TLB entry grants an access that the page table no longer grants;
 *   - the per-use, rss, table and page-cache counts match;
 *   - swap: every swap entry lies in a private region and names a used
 *     slot; every slot's count == its swap PTEs + 1 if a frame holding it
 *     is in the swap cache + 1 if a page-cache entry of a shared anonymous
 *     object holds it (a swapped-out shmem page, not also resident,
 *     entries sorted); the free-slot stack holds exactly the slots at
 *     count 0; a swap-cache frame is anonymous, knows its slot, and no PTE
 *     maps it writable. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct checker {
    struct kernel *k;
    uint32_t *seen;   /* present user PTEs per frame */
    uint32_t *tables; /* times a frame is reached as a table */
    uint32_t *slots;  /* swap PTEs per slot */
    int errors;
    /* per mm, while its PTEs are visited */
    struct mm *mm;
    uint64_t rss_anon, rss_file, rss_shmem, swap;
};

static void bad(struct checker *c, const char *fmt, ...)
{
    if (c->errors++ >= 20)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("kernel_check: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool rmap_has(const struct frame *fr, const struct mm *mm, uint64_t a)
{
    for (uint32_t i = 0; i < fr->mapcount; i++)
        if (fr->rmap[i].mm == mm && fr->rmap[i].va == a)
            return true;
    return false;
}

static void check_pte(pte_t *e, uint64_t a, void *ctx)
{
    struct checker *c = ctx;
    struct mm *mm = c->mm;
    struct frames *ft = &c->k->ft;
    if (pte_is_swap(*e)) {
        uint32_t slot = pte_swap_slot(*e);
        const struct vma *v = vma_find(&mm->vmas, a);
        if (!v || (v->flags & VMA_SHARED))
            bad(c, "asid %u va 0x%llx: swap entry outside a private region", mm->asid,
                (unsigned long long)a);
        if (slot >= c->k->swap.nslots || (e->bits & ~(((uint64_t)PTE_PPN_MASK << PTE_PPN_SHIFT) |
                                                      PTE_SWAP))) {
            bad(c, "asid %u va 0x%llx: malformed swap entry 0x%llx", mm->asid,
                (unsigned long long)a, (unsigned long long)e->bits);
            return;
        }
        c->slots[slot]++;
        c->swap++;
        return;
    }
    if (!pte_valid(*e) || !pte_leaf(*e)) {
        bad(c, "asid %u va 0x%llx: non-present entry 0x%llx", mm->asid, (unsigned long long)a,
            (unsigned long long)e->bits);
        return;
    }
    pfn_t f = pte_pfn(*e);
    const struct vma *dv = vma_find(&mm->vmas, a);
    if (dv && (dv->flags & VMA_DEVICE)) {
        /* Device memory (issue 7): no frame to count; the PTE must name the
         * region's own device page, and that must not be RAM. */
        if (f.n != dv->dev_pfn + ((a - dv->start) >> PAGE_SHIFT) || frames_is_ram(ft, f) ||
            !physmem_device(ft->pm, pfn_to_pa(f)))
            bad(c, "asid %u va 0x%llx: device region maps pfn 0x%llx", mm->asid,
                (unsigned long long)a, (unsigned long long)f.n);
        return;
    }
    if (!frames_is_ram(ft, f)) {
        bad(c, "asid %u va 0x%llx: pfn 0x%llx outside RAM", mm->asid, (unsigned long long)a,
            (unsigned long long)f.n);
        return;
    }
    if (is_zero_pfn(mm->k, f)) {
        /* The zero page: no rmap or count per mapping; never writable, and
         * only in private regions without a file behind them. */
        const struct vma *zv = vma_find(&mm->vmas, a);
        if ((e->bits & PTE_W) || !zv || zv->file || (zv->flags & VMA_SHARED))
            bad(c, "asid %u va 0x%llx: bad mapping of the zero page", mm->asid,
                (unsigned long long)a);
        return;
    }
    struct frame *fr = frame_of(ft, f);
    c->seen[f.n - ft->pm->ram_first.n]++;
    const struct vma *v = vma_find(&mm->vmas, a);
    if (!v) {
        bad(c, "asid %u va 0x%llx: present PTE outside every region", mm->asid,
            (unsigned long long)a);
        return;
    }
    if (fr->use != FRAME_ANON && fr->use != FRAME_FILE && fr->use != FRAME_KERNEL)
        bad(c, "asid %u va 0x%llx: maps a %s frame", mm->asid, (unsigned long long)a,
            frame_use_name(fr->use));
    if (!rmap_has(fr, mm, a))
        bad(c, "asid %u va 0x%llx: pfn 0x%llx has no rmap entry for it", mm->asid,
            (unsigned long long)a, (unsigned long long)f.n);
    uint64_t perms = e->bits & (PTE_U | PTE_R | PTE_W | PTE_X);
    uint64_t allowed = prot_to_pte(v->prot);
    if (perms & ~allowed)
        bad(c, "asid %u va 0x%llx: PTE grants 0x%llx, region allows 0x%llx", mm->asid,
            (unsigned long long)a, (unsigned long long)perms, (unsigned long long)allowed);
    if (perms & PTE_W) {
        if (fr->use == FRAME_ANON && fr->swap != SWAP_NO_SLOT)
            bad(c, "asid %u va 0x%llx: writable PTE to a swap-cache page", mm->asid,
                (unsigned long long)a);
        if (fr->mapcount > 1 && !(v->flags & VMA_SHARED))
            bad(c, "asid %u va 0x%llx: writable PTE to pfn 0x%llx mapped %u times, private",
                mm->asid, (unsigned long long)a, (unsigned long long)f.n, fr->mapcount);
        if (!(v->flags & VMA_SHARED) && fr->use != FRAME_ANON)
            bad(c, "asid %u va 0x%llx: writable private PTE to a %s frame", mm->asid,
                (unsigned long long)a, frame_use_name(fr->use));
        if ((v->flags & VMA_SHARED) && fr->use == FRAME_FILE && !fr->owner->anon && !fr->dirty)
            bad(c, "asid %u va 0x%llx: writable shared file page not marked dirty", mm->asid,
                (unsigned long long)a);
    }
    if (fr->use == FRAME_FILE) {
        uint64_t index = v->pgoff + ((a - v->start) >> PAGE_SHIFT);
        if (!v->file || fr->owner != v->file->ino || fr->index != index)
            bad(c, "asid %u va 0x%llx: file page (index %llu) is not the region's page %llu",
                mm->asid, (unsigned long long)a, (unsigned long long)fr->index,
                (unsigned long long)index);
        if (fr->owner && fr->owner->anon)
            c->rss_shmem++;
        else
            c->rss_file++;
    } else if (fr->use == FRAME_ANON) {
        if (v->flags & VMA_SHARED)
            bad(c, "asid %u va 0x%llx: anonymous frame in a shared region", mm->asid,
                (unsigned long long)a);
        c->rss_anon++;
    }
}

/* Counts the table frames under t (level `level`), marking each reached. */
static uint64_t count_tables(struct checker *c, pfn_t t, int level, unsigned nentries)
{
    struct frames *ft = &c->k->ft;
    if (!frames_is_ram(ft, t) || frame_of(ft, t)->use != FRAME_PAGETABLE) {
        bad(c, "pfn 0x%llx used as a table is not a table frame", (unsigned long long)t.n);
        return 0;
    }
    c->tables[t.n - ft->pm->ram_first.n]++;
    uint64_t n = 1;
    const pte_t *e = pt_entries(ft, t);
    for (unsigned i = 0; i < nentries && level > 0; i++)
        if (pte_valid(e[i]) && !pte_leaf(e[i]))
            n += count_tables(c, pte_pfn(e[i]), level - 1, SV48_ENTRIES);
    return n;
}

static void check_mm(struct checker *c, struct mm *mm)
{
    struct frames *ft = &c->k->ft;
    c->mm = mm;
    c->rss_anon = c->rss_file = c->rss_shmem = c->swap = 0;
    pt_for_each(ft, mm->root, 0, USER_TOP, check_pte, c);
    if (c->swap != mm->swap_pages)
        bad(c, "asid %u: %llu swap pages, counted %llu", mm->asid,
            (unsigned long long)mm->swap_pages, (unsigned long long)c->swap);
    if (c->rss_anon != mm->rss_anon || c->rss_file != mm->rss_file || c->rss_shmem != mm->rss_shmem)
        bad(c, "asid %u: rss anon/file/shmem %llu/%llu/%llu, counted %llu/%llu/%llu", mm->asid,
            (unsigned long long)mm->rss_anon, (unsigned long long)mm->rss_file,
            (unsigned long long)mm->rss_shmem, (unsigned long long)c->rss_anon,
            (unsigned long long)c->rss_file, (unsigned long long)c->rss_shmem);
    uint64_t nt = count_tables(c, mm->root, 3, PT_USER_ENTRIES);
    if (nt != mm->ntables)
        bad(c, "asid %u: %llu user tables, counted %llu", mm->asid, (unsigned long long)mm->ntables,
            (unsigned long long)nt);
    const pte_t *kr = pt_entries(ft, c->k->kroot), *r = pt_entries(ft, mm->root);
    if (memcmp(kr + PT_USER_ENTRIES, r + PT_USER_ENTRIES, PT_USER_ENTRIES * sizeof(pte_t)))
        bad(c, "asid %u: kernel half differs from the kernel's", mm->asid);
    size_t i = 0;
    uint64_t prev_end = 0, pages = 0;
    for (const struct vma *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v), i++) {
        if (v->start >= v->end || (v->start & PAGE_MASK) || (v->end & PAGE_MASK) ||
            v->end > USER_TOP || prev_end > v->start)
            bad(c, "asid %u: region %zu [0x%llx, 0x%llx) malformed or overlapping", mm->asid, i,
                (unsigned long long)v->start, (unsigned long long)v->end);
        else
            pages += (v->end - v->start) >> PAGE_SHIFT;
        prev_end = v->end;
    }
    if (i != vma_count(&mm->vmas) || pages != mm->vmas.pages)
        bad(c, "asid %u: %zu regions of %llu pages walked, the list says %zu of %llu", mm->asid, i,
            (unsigned long long)pages, vma_count(&mm->vmas), (unsigned long long)mm->vmas.pages);
}

static void check_frames(struct checker *c)
{
    struct frames *ft = &c->k->ft;
    uint64_t count[FRAME_NUSES] = {0};
    for (uint64_t i = 0; i < ft->n; i++) {
        const struct frame *fr = &ft->f[i];
        unsigned long long p = (unsigned long long)frame_pfn(ft, fr).n;
        count[fr->use < FRAME_NUSES ? fr->use : 0]++;
        uint32_t expect_ref = 0;
        switch (fr->use) {
        case FRAME_FREE:
            expect_ref = 0;
            break;
        case FRAME_ANON:
            expect_ref = fr->mapcount + (fr->swap != SWAP_NO_SLOT);
            if (fr->mapcount == 0 && fr->swap == SWAP_NO_SLOT)
                bad(c, "pfn 0x%llx: anonymous frame mapped nowhere (leak)", p);
            if (fr->swap != SWAP_NO_SLOT && c->k->swap.count[fr->swap] < 2)
                bad(c, "pfn 0x%llx: in the swap cache, but no swap PTE holds slot %u", p,
                    fr->swap);
            if (fr->swap != SWAP_NO_SLOT &&
                (fr->swap >= c->k->swap.nslots || c->k->swap.cache[fr->swap] != i))
                bad(c, "pfn 0x%llx: swap slot %u does not cache it", p, fr->swap);
            break;
        case FRAME_FILE: {
            expect_ref = fr->mapcount + 1;
            pfn_t cached;
            if (!fr->owner || !pagecache_lookup(fr->owner, fr->index, &cached) || cached.n != p)
                bad(c, "pfn 0x%llx: file frame not in its page cache", p);
            break;
        }
        case FRAME_PAGETABLE:
            expect_ref = 1;
            if (c->tables[i] != 1)
                bad(c, "pfn 0x%llx: table frame reached %u times", p, c->tables[i]);
            break;
        case FRAME_KERNEL:
            expect_ref = 1 + fr->mapcount;
            break;
        default:
            bad(c, "pfn 0x%llx: bad use %u", p, fr->use);
        }
        if (fr->refcount != expect_ref)
            bad(c, "pfn 0x%llx (%s): refcount %u, expected %u", p, frame_use_name(fr->use),
                fr->refcount, expect_ref);
        if (fr->mapcount != c->seen[i])
            bad(c, "pfn 0x%llx (%s): mapcount %u but %u present PTEs", p, frame_use_name(fr->use),
                fr->mapcount, c->seen[i]);
        /* (A free frame's slot field is not kept: fresh ones are zeroed.) */
        if (fr->use != FRAME_ANON && fr->use != FRAME_FREE && fr->swap != SWAP_NO_SLOT)
            bad(c, "pfn 0x%llx (%s): has swap slot %u", p, frame_use_name(fr->use), fr->swap);
        if (fr->use == FRAME_FREE && (fr->rmap || fr->owner || fr->dirty))
            bad(c, "pfn 0x%llx: free frame with metadata", p);
    }
    for (int u = 0; u < FRAME_NUSES; u++)
        if (count[u] != ft->count[u])
            bad(c, "%s frames: count %llu, counted %llu", frame_use_name(u),
                (unsigned long long)ft->count[u], (unsigned long long)count[u]);
    uint64_t cached = 0;
    for (struct vinode *n = c->k->inodes; n; n = n->next) {
        const char *why = pindex_check(&n->pages);
        if (!why)
            why = pindex_check(&n->swapped);
        if (why)
            bad(c, "page cache of ino %llu: index tree: %s", (unsigned long long)n->ino, why);
        uint64_t seen = 0, prev = 0;
        PINDEX_FOR_RANGE(&n->pages, 0, UINT64_MAX, i, pfn) {
            const struct frame *fr = frame_of(ft, (pfn_t){pfn});
            if (fr->use != FRAME_FILE || fr->owner != n || fr->index != i || (seen && prev >= i))
                bad(c, "page cache of ino %llu: page %llu inconsistent",
                    (unsigned long long)n->ino, (unsigned long long)i);
            seen++;
            prev = i;
        }
        if (seen != pindex_count(&n->pages))
            bad(c, "page cache of ino %llu: %zu pages, iterated %llu", (unsigned long long)n->ino,
                pindex_count(&n->pages), (unsigned long long)seen);
        cached += seen;
        PINDEX_FOR_RANGE(&n->swapped, 0, UINT64_MAX, i, slot) {
            pfn_t res;
            if (!n->anon || slot >= c->k->swap.nslots || pagecache_lookup(n, i, &res)) {
                bad(c, "page cache of ino %llu: swapped page %llu inconsistent",
                    (unsigned long long)n->ino, (unsigned long long)i);
                continue;
            }
            c->slots[slot]++;
        }
    }
    if (cached != c->k->pagecache_pages)
        bad(c, "page cache: %llu pages, counted %llu", (unsigned long long)c->k->pagecache_pages,
            (unsigned long long)cached);
}

static void check_swap(struct checker *c)
{
    const struct swap_area *s = &c->k->swap;
    uint64_t nfree = 0, cached = 0;
    for (uint32_t i = 0; i < s->nslots; i++) {
        uint32_t cref = s->cache[i] != FRAME_NONE;
        if (cref) {
            cached++;
            if (s->cache[i] >= c->k->ft.n || c->k->ft.f[s->cache[i]].swap != i ||
                c->k->ft.f[s->cache[i]].use != FRAME_ANON)
                bad(c, "swap slot %u: cached frame %u does not hold it", i, s->cache[i]);
        }
        if (s->count[i] != c->slots[i] + cref)
            bad(c, "swap slot %u: count %u, expected %u swap PTEs/shmem + %u cache", i, s->count[i],
                c->slots[i], cref);
        nfree += s->count[i] == 0;
    }
    if (nfree != s->nfree || cached != s->cached)
        bad(c, "swap: %u free slots and %llu cached, counted %llu and %llu", s->nfree,
            (unsigned long long)s->cached, (unsigned long long)nfree, (unsigned long long)cached);
    for (uint32_t i = 0; i < s->nfree && i < s->nslots; i++)
        if (s->count[s->free_stack[i]] != 0)
            bad(c, "swap: slot %u on the free stack is in use", s->free_stack[i]);
}

/* A TLB entry may only grant what the current PTE grants. */
static void check_tlbs(struct checker *c)
{
    static const uint64_t need[3] = {PTE_R, PTE_W | PTE_D, PTE_X};
    struct kernel *k = c->k;
    for (int h = 0; h < k->m->nharts; h++) {
        const struct tlb *t = &k->m->harts[h].mmu.tlb;
        for (int acc = 0; acc < 3; acc++)
            for (unsigned i = 0; i < t->sets * t->ways; i++) {
                const struct tlb_entry *te = &t->e[acc][i];
                if (te->tag == TLB_TAG_INVALID)
                    continue;
                uint16_t asid = (uint16_t)(te->tag >> 52);
                uint64_t a = (te->tag & ((1ULL << 52) - 1)) << PAGE_SHIFT;
                if (a & (1ULL << 47))
                    a |= 0xffff000000000000ULL;
                struct mm *mm = asid < ASID_COUNT ? k->asid_owner[asid] : NULL;
                if (!mm) {
                    bad(c, "hart %d: TLB entry for va 0x%llx of dead ASID %u", h,
                        (unsigned long long)a, asid);
                    continue;
                }
                int level;
                pte_t *e = sv48_walk(&k->m->pm, mm->root, va(a), &level, NULL);
                bool ok = e && pte_valid(*e) && pte_leaf(*e) && (e->bits & PTE_U) &&
                          (e->bits & need[acc]) == need[acc];
                if (ok) {
                    uint64_t span = PAGE_SIZE << (9 * level);
                    uint64_t ppa = (pte_pfn(*e).n << PAGE_SHIFT) + (a & (span - 1));
                    ok = ppa == te->page_pa.p &&
                         te->addend + a == (uintptr_t)physmem_host(&k->m->pm, pa(ppa));
                }
                if (!ok)
                    bad(c,
                        "hart %d: TLB %s entry asid %u va 0x%llx grants more than its PTE "
                        "0x%llx",
                        h,
                        acc == 0   ? "read"
                        : acc == 1 ? "write"
                                   : "fetch",
                        asid, (unsigned long long)a, e ? (unsigned long long)e->bits : 0ULL);
            }
    }
}

int kernel_check(struct kernel *k)
{
    struct checker c = {.k = k};
    c.seen = calloc(k->ft.n ? k->ft.n : 1, sizeof *c.seen);
    c.tables = calloc(k->ft.n ? k->ft.n : 1, sizeof *c.tables);
    c.slots = calloc(k->swap.nslots ? k->swap.nslots : 1, sizeof *c.slots);
    if (!c.seen || !c.tables || !c.slots) {
        free(c.seen);
        free(c.tables);
        free(c.slots);
        fputs("kernel_check: out of host memory\n", stderr);
        return -1;
    }
    count_tables(&c, k->kroot, 3, SV48_ENTRIES);
    uint64_t nr = 0;
    for (unsigned a = 1; a < ASID_COUNT; a++)
        if (k->asid_owner[a]) {
            nr++;
            if (k->asid_owner[a]->asid != a)
                bad(&c, "ASID %u owned by a space with ASID %u", a, k->asid_owner[a]->asid);
            check_mm(&c, k->asid_owner[a]);
        }
    if (nr != k->nr_mm)
        bad(&c, "%llu address spaces, counted %llu", (unsigned long long)k->nr_mm,
            (unsigned long long)nr);
    check_frames(&c);
    check_swap(&c);
    check_tlbs(&c);
    if (c.errors > 20)
        fprintf(stderr, "kernel_check: ... %d errors in all\n", c.errors);
    free(c.seen);
    free(c.tables);
    free(c.slots);
    return c.errors ? -1 : 0;
}

int kernel_check_no_buffers(struct kernel *k)
{
    if (!k->kbuf_pages)
        return 0;
    fprintf(stderr, "kernel_check: %llu kernel buffer pages held with no process left\n",
            (unsigned long long)k->kbuf_pages);
    return -1;
}
