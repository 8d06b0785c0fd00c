/* Working-set sampling, as Linux's idle page tracking does it
 * (Documentation/admin-guide/mm/idle_page_tracking.rst): each sample counts
 * the user pages whose accessed (A) bit the MMU set since the last one, and
 * clears those bits. A cleared bit is set again only by a page walk, so the
 * TLB entries of each cleared page are flushed (machine_flush_page, as
 * reclaim's clock does): the next access misses the TLB, walks and sets A.
 * That is what makes the count exact, and what it costs: one TLB miss (and,
 * for a code page, one re-decode) per page per sample the page is used in,
 * plus the walk over the space's page tables.
 *
 * Reclaim reads the same bits. So that sampling does not make pages look
 * unreferenced to the clock, a cleared page's frame is marked young, as
 * Linux sets PG_young; the policy's test-and-clear of A counts a young
 * frame as referenced (reclaim.c env_young). */
#include "internal.h"

/* Up to this many cleared pages are flushed one by one; more, and the whole
 * ASID is flushed once: every TLB entry of the space was made by a walk
 * that set its PTE's A bit, so the entries dropped are (but for device and
 * vDSO pages) the ones a page-by-page flush would drop, code pages' decoded
 * instructions included. */
#define YOUNG_FLUSH_PAGES 32

struct young_ctx {
    struct kernel *k;
    struct mm *mm;
    uint64_t n;
    uint64_t va[YOUNG_FLUSH_PAGES];
};

static void young_one(pte_t *e, uint64_t va_, void *ctx)
{
    struct young_ctx *c = ctx;
    if (!pte_valid(*e) || !(e->bits & PTE_U) || !(e->bits & PTE_A))
        return;
    pfn_t f = pte_pfn(*e);
    if (!frames_is_ram(&c->k->ft, f))
        return; /* device memory: not RAM, never reclaimed */
    struct frame *fr = frame_of(&c->k->ft, f);
    if (fr->use != FRAME_ANON && fr->use != FRAME_FILE)
        return; /* the vDSO's kernel page */
    if (c->n < YOUNG_FLUSH_PAGES)
        c->va[c->n] = va_;
    c->n++;
    e->bits &= ~PTE_A;
    fr->young = true;
}

uint64_t mm_sample_young(struct mm *mm)
{
    struct young_ctx c = {.k = mm->k, .mm = mm};
    pt_for_each(&mm->k->ft, mm->root, 0, USER_TOP, young_one, &c);
    if (c.n > YOUNG_FLUSH_PAGES)
        machine_flush_asid(mm->k->m, mm->asid);
    else
        for (uint64_t i = 0; i < c.n; i++)
            machine_flush_page(mm->k->m, mm->asid, va(c.va[i]));
    return c.n;
}
