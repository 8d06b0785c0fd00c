/* Sv48 page tables in simulated memory. See pagetable.h; the bit layout is
 * explained in machine/sv48.h, the walk in machine/mmu.c. */
#include "pagetable.h"

#include <assert.h>
#include <errno.h>

/* Bytes of address space one entry at `level` covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static uint64_t level_span(int level)
{
    return PAGE_SIZE << (9 * level);
}

int pt_alloc_table(struct frames *ft, pfn_t *out)
{
    return frame_alloc(ft, FRAME_PAGETABLE, out);
}

pte_t *pt_pte(struct frames *ft, pfn_t root, vaddr_t a, bool create, uint64_t *ntables, int *err)
{
    for (;;) {
        int level;
        pte_t *e = sv48_walk(ft->pm, root, a, &level, NULL);
        assert(e != NULL); /* our own tables are never malformed */
        if (level == 0)
            return e;
        assert(!pte_valid(*e)); /* no superpages in kernel-built tables */
        if (!create)
            return NULL;
        pfn_t t;
        int rc = pt_alloc_table(ft, &t);
        if (rc) {
            if (err)
                *err = rc;
            return NULL;
        }
        if (ntables)
            (*ntables)++;
        *e = pte_make(t, PTE_V); /* pointer to the next level: R=W=X=0 */
    }
}

void pt_for_each(struct frames *ft, pfn_t root, uint64_t start, uint64_t end, pt_visit_fn fn,
                 void *ctx)
{
    uint64_t a = start & ~PAGE_MASK;
    while (a < end) {
        int level;
        pte_t *e = sv48_walk(ft->pm, root, va(a), &level, NULL);
        assert(e != NULL);
        if (level > 0) {
            assert(!pte_valid(*e));
            /* An absent subtree: skip to the next entry of that level. */
            uint64_t span = level_span(level);
            uint64_t next = (a & ~(span - 1)) + span;
            if (next <= a)
                break; /* wrapped past the top */
            a = next;
            continue;
        }
        /* A whole level-0 table: visit its entries from a up to end. */
        uint64_t table_end = (a & ~(level_span(1) - 1)) + level_span(1);
        for (; a < end && a < table_end; a += PAGE_SIZE, e++)
            if (e->bits)
                fn(e, a, ctx);
        if (table_end == 0)
            break;
    }
}

static bool table_empty(struct frames *ft, pfn_t t)
{
    const pte_t *e = pt_entries(ft, t);
    for (unsigned i = 0; i < SV48_ENTRIES; i++)
        if (e[i].bits)
            return false;
    return true;
}

void pt_free_empty(struct frames *ft, pfn_t root, uint64_t start, uint64_t end, uint64_t *ntables)
{
    /* Only the user half has tables of ours to free (the kernel half holds
     * shared superpages): a guest's range may run past it (madvise). */
    const uint64_t user_top = (uint64_t)PT_USER_ENTRIES * level_span(3);
    if (end > user_top)
        end = user_top;
    uint64_t a = start & ~PAGE_MASK;
    while (a < end) {
        int level;
        struct walk_trace tr;
        pte_t *e = sv48_walk(ft->pm, root, va(a), &level, &tr);
        assert(e != NULL && tr.nsteps == SV48_LEVELS - level);
        /* tr.step[i] is the entry read at level 3 - i; the table holding it is
         * the frame of its address. Free bottom-up while tables are empty. */
        for (int i = tr.nsteps - 1; i >= 1; i--) {
            pfn_t table = pa_to_pfn(tr.step[i].pte_addr);
            if (!table_empty(ft, table))
                break;
            pte_t *parent = (pte_t *)physmem_host(ft->pm, tr.step[i - 1].pte_addr);
            assert(parent && pte_valid(*parent) && pte_pfn(*parent).n == table.n);
            parent->bits = 0;
            frame_put(ft, table);
            if (ntables)
                (*ntables)--;
        }
        uint64_t span = level_span(level > 0 ? level : 1);
        uint64_t next = (a & ~(span - 1)) + span;
        if (next <= a)
            break;
        a = next;
    }
}

static void free_subtree(struct frames *ft, pfn_t table, int level, uint64_t *ntables)
{
    pte_t *e = pt_entries(ft, table);
    for (unsigned i = 0; i < SV48_ENTRIES; i++) {
        if (!e[i].bits)
            continue;
        /* Leaves or swap entries left here would leak their pages. */
        assert(level > 0 && pte_valid(e[i]) && !pte_leaf(e[i]));
        free_subtree(ft, pte_pfn(e[i]), level - 1, ntables);
        e[i].bits = 0;
    }
    frame_put(ft, table);
    if (ntables)
        (*ntables)--;
}

void pt_free_user(struct frames *ft, pfn_t root, uint64_t *ntables)
{
    pte_t *e = pt_entries(ft, root);
    for (unsigned i = 0; i < PT_USER_ENTRIES; i++)
        if (e[i].bits) {
            assert(pte_valid(e[i]) && !pte_leaf(e[i]));
            free_subtree(ft, pte_pfn(e[i]), 2, ntables);
            e[i].bits = 0;
        }
}
