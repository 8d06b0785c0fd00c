/* Reclaim (Linux mm/vmscan.c, much reduced) and the OOM killer.
 *
 * frame_alloc calls reclaim() when free frames fall below the low watermark
 * (or the resident user frames reach the limit set for trace replays). It
 * asks the replacement policy for victims until free frames are back at the
 * high watermark. A victim is evicted through the reverse map: every PTE that
 * maps it is changed (and its TLB entry flushed), then
 *   anonymous page      -> written to a swap slot (once, even when several
 *                          address spaces share it after fork); each PTE
 *                          becomes a swap entry;
 *   shared dirty file   -> written back to its file; PTEs emptied;
 *   clean file page     -> dropped; PTEs emptied (re-read on the next touch);
 *   shared anonymous    -> (MAP_SHARED|MAP_ANONYMOUS, Linux shmem) written to
 *                          a fresh swap slot that its page-cache entry keeps
 *                          in place of the frame; PTEs emptied (the next
 *                          touch finds the slot through the page cache).
 * A page whose eviction fails (swap full, a failing write) stays resident
 * and is not tried again in this pass; the frames of the faulting
 * instruction are never taken (oom.c). When reclaim cannot keep the min
 * reserve (the rule is in oom.c), the OOM killer picks the address space
 * with the largest resident + swap + page-table footprint (Linux
 * oom_badness) and asks the front end to kill its process.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_impl.h"
#include "internal.h"

#define RECLAIM_WMARK_MIN 4

/* ---- the policy's view of a frame ---------------------------------------- */

static pte_t *rmap_pte(struct kernel *k, const struct rmap_ent *r)
{
    pte_t *e = pt_pte(&k->ft, r->mm->root, va(r->va), false, NULL, NULL);
    assert(e && pte_valid(*e));
    return e;
}

static bool env_young(void *ctx, uint32_t idx)
{
    struct kernel *k = ctx;
    struct frame *fr = &k->ft.f[idx];
    bool young = fr->young; /* referenced, but sampling took the A bit (idle.c) */
    fr->young = false;
    for (uint32_t i = 0; i < fr->mapcount; i++) {
        pte_t *e = rmap_pte(k, &fr->rmap[i]);
        if (e->bits & PTE_A) {
            e->bits &= ~PTE_A;
            /* The next access must walk again to set A. */
            machine_flush_page(k->m, fr->rmap[i].mm->asid, va(fr->rmap[i].va));
            young = true;
        }
    }
    if (young) {
        fr->workingset = true;
        k->c.pgactivate++;
        for (uint32_t i = 0; i < fr->mapcount; i++)
            fr->rmap[i].mm->c.pgactivate++;
    }
    return young;
}

/* No transient reference (a fault or fork in progress holds one), and a
 * place to put it. */
static bool frame_evictable(struct kernel *k, const struct frame *fr)
{
    switch (fr->use) {
    case FRAME_ANON:
        /* A swap-cache page may be mapped nowhere (its mappers copied it). */
        if (fr->refcount != fr->mapcount + (fr->swap != SWAP_NO_SLOT))
            return false;
        if (fr->mapcount == 0 && fr->swap == SWAP_NO_SLOT)
            return false;
        return fr->swap != SWAP_NO_SLOT || k->swap.nfree > 0 || fr->lazyfree;
    case FRAME_FILE:
        if (!fr->owner || fr->refcount != fr->mapcount + 1)
            return false;
        return !fr->owner->anon || k->swap.nfree > 0;
    default:
        return false;
    }
}

static bool env_evictable(void *ctx, uint32_t idx)
{
    struct kernel *k = ctx;
    struct frame *fr = &k->ft.f[idx];
    if (fr->skip_gen == k->reclaim_gen || insn_pinned(k, idx))
        return false;
    k->c.pgscan++;
    for (uint32_t i = 0; i < fr->mapcount; i++)
        fr->rmap[i].mm->c.pgscan++;
    return frame_evictable(k, fr) && !frame_mlocked(k, fr);
}

static uint64_t env_next_use(void *ctx, uint32_t idx)
{
    struct kernel *k = ctx;
    struct frame *fr = &k->ft.f[idx];
    uint64_t best = POLICY_NEVER;
    if (!k->next_use)
        return best;
    for (uint32_t i = 0; i < fr->mapcount; i++) {
        uint64_t t = k->next_use(k->next_use_ctx, fr->rmap[i].mm, fr->rmap[i].va >> PAGE_SHIFT);
        if (t < best)
            best = t;
    }
    return best;
}

/* ---- eviction ------------------------------------------------------------- */

/* unmap_all's slot for a shmem page on its way to swap (the PTEs are
 * emptied; the object keeps the slot). */
#define SHMEM_SWAP_OUT (SWAP_NO_SLOT - 1)

/* Removes every mapping of f. Anonymous: each PTE becomes the swap entry of
 * slot. File: each PTE is emptied, its D bit moved to the page. */
static void unmap_all(struct kernel *k, pfn_t f, uint32_t slot)
{
    struct frame *fr = frame_of(&k->ft, f);
    while (fr->mapcount > 0) {
        struct rmap_ent r = fr->rmap[fr->mapcount - 1];
        pte_t *e = rmap_pte(k, &r);
        assert(pte_pfn(*e).n == f.n);
        if (fr->use == FRAME_FILE) {
            if (e->bits & PTE_D)
                fr->dirty = true;
            e->bits = 0;
            mm_note_emptied(r.mm, r.va);
            /* Shared anonymous memory going to swap: each mapper's pswpout
             * counts it, as for a private page shared after fork. */
            if (fr->owner && fr->owner->anon && slot == SHMEM_SWAP_OUT)
                r.mm->c.pswpout++;
        } else {
            assert(!(e->bits & PTE_W) || fr->swap == SWAP_NO_SLOT || fr->mapcount == 1);
            swap_slot_dup(&k->swap, slot);
            *e = pte_swap_make(slot);
            r.mm->swap_pages++;
            r.mm->c.pswpout++;
        }
        machine_flush_page(k->m, r.mm->asid, va(r.va));
        mm_rss_account(r.mm, f, -1);
        frame_unmap(&k->ft, f, r.mm, r.va);
        frame_put(&k->ft, f);
        r.mm->c.pgsteal++;
    }
}

/* A lazily freed page (MADV_FREE) not written since: dropped, no swap
 * (each PTE emptied: the next access sees a zero page). True if it went. */
static bool drop_lazyfree(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    for (uint32_t i = 0; i < fr->mapcount; i++)
        if (rmap_pte(k, &fr->rmap[i])->bits & PTE_D) {
            fr->lazyfree = false; /* written again: an ordinary page */
            return false;
        }
    if (fr->swap != SWAP_NO_SLOT)
        return false;
    while (fr->mapcount > 0) {
        struct rmap_ent r = fr->rmap[fr->mapcount - 1];
        rmap_pte(k, &r)->bits = 0;
        mm_note_emptied(r.mm, r.va);
        machine_flush_page(k->m, r.mm->asid, va(r.va));
        mm_rss_account(r.mm, f, -1);
        frame_unmap(&k->ft, f, r.mm, r.va);
        r.mm->c.pgsteal++;
        r.mm->c.pglazyfreed++;
        frame_put(&k->ft, f);
    }
    k->c.pglazyfreed++;
    return true;
}

static int evict_anon(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    if (fr->lazyfree && drop_lazyfree(k, f))
        return 0;
    if (fr->swap == SWAP_NO_SLOT) {
        if (!k->swap.nfree)
            return -ENOSPC; /* a lazily freed page written again, no swap */
        uint32_t slot = swap_slot_alloc(&k->swap);
        if (slot == SWAP_NO_SLOT)
            return -ENOSPC;
        int rc = swap_write(&k->swap, slot, frame_bytes(&k->ft, f));
        if (rc) {
            swap_slot_put(&k->swap, slot);
            return rc; /* the page stays resident: nothing is lost */
        }
        swapcache_add(&k->swap, &k->ft, f, slot);
        swap_slot_put(&k->swap, slot); /* the cache's reference now holds it */
        k->c.pswpout++;
        event_swap_out(k, f, slot);
    }
    /* In the swap cache, no PTE is writable: the slot holds the data. */
    unmap_all(k, f, fr->swap);
    workingset_evict(k, shadow_key_slot(fr->swap), fr);
    swapcache_del(&k->swap, &k->ft, f); /* frees the frame */
    return 0;
}

static int evict_file(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    struct rmap_ent who = fr->mapcount ? fr->rmap[0] : (struct rmap_ent){0};
    unmap_all(k, f, SWAP_NO_SLOT);
    bool written = fr->dirty;
    if (fr->dirty) {
        int rc = pagecache_writeback(k, f, NULL);
        if (rc)
            return rc; /* stays cached, dirty; its mappings refault it */
    }
    event_evict(k, f, who.mm, who.va, written);
    workingset_evict(k, shadow_key_page(fr->owner, fr->index), fr);
    pagecache_evict(k, f);
    return 0;
}

/* A shared anonymous page: to a fresh slot, kept by its page-cache entry. */
static int evict_shmem(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    int rc = pagecache_swap_reserve(fr->owner, fr->index);
    if (rc)
        return rc;
    uint32_t slot = swap_slot_alloc(&k->swap);
    if (slot == SWAP_NO_SLOT)
        return -ENOSPC;
    rc = swap_write(&k->swap, slot, frame_bytes(&k->ft, f));
    if (rc) {
        swap_slot_put(&k->swap, slot);
        return rc; /* the page stays resident: nothing is lost */
    }
    k->c.pswpout++;
    event_swap_out(k, f, slot);
    unmap_all(k, f, SHMEM_SWAP_OUT);
    fr->dirty = false; /* the slot holds the data now */
    workingset_evict(k, shadow_key_page(fr->owner, fr->index), fr);
    pagecache_swap_out(k, f, slot);
    return 0;
}

static int evict_frame(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    return fr->use == FRAME_ANON ? evict_anon(k, f)
           : fr->owner->anon     ? evict_shmem(k, f)
                                 : evict_file(k, f);
}

int reclaim_one(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    if ((fr->use != FRAME_ANON && fr->use != FRAME_FILE) || !frame_evictable(k, fr) ||
        frame_mlocked(k, fr) || insn_pinned(k, frame_index(&k->ft, f)))
        return -EBUSY;
    uint64_t before = k->c.pgsteal;
    int rc = evict_frame(k, f);
    if (!rc && k->c.pgsteal == before)
        k->c.pgsteal++;
    return rc;
}

void reclaim_unmap_file_page(struct kernel *k, pfn_t f)
{
    unmap_all(k, f, SWAP_NO_SLOT);
}

/* Enough room: the high watermark, and below the user-frame limit. */
static bool reclaim_done(const struct kernel *k, bool user)
{
    const struct frames *ft = &k->ft;
    if (ft->count[FRAME_FREE] < ft->high && ft->count[FRAME_FREE] < ft->n)
        return false;
    return !user || !ft->limit || frames_user(ft) < ft->limit;
}

static bool alloc_would_fail(const struct kernel *k, bool user)
{
    const struct frames *ft = &k->ft;
    return frames_exhausted(ft) || (user && ft->limit && frames_user(ft) >= ft->limit);
}

/* Returns how many frames it freed. */
static uint64_t reclaim_pass(struct kernel *k, bool user)
{
    uint64_t freed = 0;
    struct policy_env env = {.ctx = k,
                             .test_clear_young = env_young,
                             .evictable = env_evictable,
                             .next_use = k->next_use ? env_next_use : NULL};
    if (++k->reclaim_gen == 0)
        k->reclaim_gen = 1; /* 0 is every fresh frame's skip_gen */
    uint64_t tries = 0, max_tries = k->ft.n + 16;
    while (!reclaim_done(k, user) && tries++ < max_tries && !reclaim_stopped(k)) {
        uint32_t idx = k->policy.ops->pick_victim(&k->policy, &env);
        if (idx == POLICY_NO_FRAME)
            break;
        struct frame *fr = &k->ft.f[idx];
        pfn_t f = frame_pfn(&k->ft, fr);
        assert(frame_evictable(k, fr));
        int rc = evict_frame(k, f);
        if (rc) {
            fr->skip_gen = k->reclaim_gen;
        } else {
            k->c.pgsteal++;
            freed++;
        }
    }
    return freed;
}

static void reclaim(void *ctx, bool user)
{
    struct kernel *k = ctx;
    struct frames *ft = &k->ft;
    if (k->in_reclaim)
        return;
    /* The rule is written out in oom.c. Between low and min after a pass
     * that emptied the pool: back off (no rescan of every frame per
     * allocation); below min or with nothing free: reclaim now. */
    bool direct = alloc_would_fail(k, user) || (!ft->limit && ft->count[FRAME_FREE] < ft->min);
    if (k->reclaim_backoff && !direct) {
        k->reclaim_backoff--;
        return;
    }
    k->in_reclaim = true;
    uint64_t scanned = k->c.pgscan, written = k->c.pswpout + k->c.writebacks;
    uint64_t freed = reclaim_pass(k, user);
    /* The allocating process waited for this pass: a memory stall (PSI). */
    psi_stall(k, (k->c.pgscan - scanned) * PSI_SCAN_NS +
                     (k->c.pswpout + k->c.writebacks - written) * PSI_WRITE_NS);
    if (ft->count[FRAME_FREE] < ft->low && !alloc_would_fail(k, user))
        k->reclaim_backoff = ft->low;
    if (direct && !alloc_would_fail(k, user) && !reclaim_stopped(k))
        k->no_progress_loops = freed ? 0 : k->no_progress_loops + 1;
    /* Out of memory: kill, free, and try once more, while kills help. */
    for (uint64_t kills = 0, max = k->nr_mm;
         k->oom_kill && !reclaim_stopped(k) &&
         (alloc_would_fail(k, user) || oom_watermark_breached(k));) {
        struct mm *victim = kernel_oom_victim(k);
        if (!victim || kills++ >= max) /* a handler that freed nothing: give up */
            break;
        kernel_count_oom_kill(k, victim);
        k->no_progress_loops = 0;
        if (k->oom_kill(k->oom_ctx, victim) != 0) {
            ft->fail_alloc = true; /* the victim is the allocating process */
            break;
        }
        reclaim_pass(k, user);
    }
    k->in_reclaim = false;
}

/* ---- set-up --------------------------------------------------------------- */

int reclaim_init(struct kernel *k)
{
    struct frames *ft = &k->ft;
    ft->low = ft->n / 64 < RECLAIM_WMARK_MIN ? RECLAIM_WMARK_MIN : ft->n / 64;
    ft->high = 2 * ft->low;
    ft->min = ft->low / 2;
    k->swap.fd = -1;
    k->policy_seed = 0x9e3779b97f4a7c15ULL;
    int rc = policy_init(&k->policy, policy_find(POLICY_DEFAULT), ft->n, k->policy_seed);
    if (rc)
        return rc;
    ft->policy = &k->policy;
    ft->reclaim = reclaim;
    ft->reclaim_ctx = k;
    return 0;
}

void reclaim_fini(struct kernel *k)
{
    workingset_fini(k);
    k->ft.policy = NULL;
    policy_fini(&k->policy);
    swap_teardown(&k->swap);
}

int kernel_set_swap(struct kernel *k, uint64_t bytes)
{
    uint64_t n = bytes >> PAGE_SHIFT;
    if (n >= SWAP_NO_SLOT)
        return -EINVAL;
    return swap_setup(&k->swap, (uint32_t)n);
}

int kernel_set_policy(struct kernel *k, const char *name)
{
    const struct policy_ops *ops = policy_find(name);
    if (!ops)
        return -EINVAL;
    if (ops->needs_future && !k->next_use)
        return -ENOTSUP;
    struct policy np;
    int rc = policy_init(&np, ops, k->ft.n, k->policy_seed);
    if (rc)
        return rc;
    /* The new policy learns the resident frames in frame order (their load
     * order is the old policy's secret). */
    for (uint64_t i = 0; i < k->ft.n; i++)
        if (k->ft.f[i].use == FRAME_ANON || k->ft.f[i].use == FRAME_FILE)
            ops->on_map(&np, (uint32_t)i);
    policy_fini(&k->policy);
    k->policy = np;
    return 0;
}

const char *kernel_policy_name(const struct kernel *k)
{
    return k->policy.ops->name;
}

void kernel_set_policy_seed(struct kernel *k, uint64_t seed)
{
    k->policy_seed = seed;
    kernel_set_policy(k, k->policy.ops->name);
}

void kernel_set_frame_limit(struct kernel *k, uint64_t n)
{
    k->ft.limit = n;
}

void kernel_set_next_use(struct kernel *k, kernel_next_use_fn fn, void *ctx)
{
    k->next_use = fn;
    k->next_use_ctx = ctx;
}

void kernel_note_access(struct kernel *k, struct mm *mm, vaddr_t a)
{
    k->ref_clock++;
    pte_t *e = pt_pte(&k->ft, mm->root, va(a.v & ~PAGE_MASK), false, NULL, NULL);
    if (!e || !pte_valid(*e) || !frames_is_ram(&k->ft, pte_pfn(*e)))
        return;
    struct frame *fr = frame_of(&k->ft, pte_pfn(*e));
    if (fr->use == FRAME_ANON || fr->use == FRAME_FILE)
        k->policy.ops->on_access(&k->policy, frame_index(&k->ft, pte_pfn(*e)), k->ref_clock);
}

void kernel_debug_fail_swap_writes(struct kernel *k, uint64_t n)
{
    k->swap.fail_writes = n;
}

void kernel_debug_fail_swap_reads(struct kernel *k, uint64_t n)
{
    k->swap.fail_reads = n;
}
