/* Forward progress and the out-of-memory rule (issue 14).
 *
 * Forward progress. One instruction may need up to four pages at once: its
 * fetch page, the second page of a 4-byte instruction that straddles a page
 * boundary, and the data page(s) of its access. Faults come one at a time,
 * so reclaim for the second fault could evict what the first one brought
 * in, and the instruction would fault forever (the code pages of a loop
 * evicted in turn: issue 14's hang). The trap handler names the instruction
 * before it calls mm_fault (kernel_fault_insn: address space, pc and retired
 * count); each frame a fault of that instruction maps joins a small pin set
 * that reclaim skips. The set empties when a fault of another instruction
 * arrives (the previous one retired or was abandoned), so it never holds
 * more than INSN_PINS_MAX frames and never outlives its use for long.
 *
 * The OOM rule (Linux mm/page_alloc.c should_reclaim_retry, with vmsim's
 * watermarks: min = low / 2, low = RAM/64, high = 2 low):
 *   1. Below the low watermark an allocation runs a reclaim pass towards
 *      high. A pass that cannot bring free frames back to low has emptied
 *      the reclaimable pool: the next allocations skip reclaim (back-off)
 *      until free frames fall below min, so a nearly full machine does not
 *      rescan every frame per allocation (Linux leaves that to kswapd).
 *   2. Below min every allocation reclaims first (direct reclaim). Then, as
 *      Linux's should_reclaim_retry: with available = free + reclaimable
 *      (page-cache pages, plus anonymous and shmem pages while swap has free
 *      slots; pinned and mlocked frames excluded), the allocation may go on
 *      only if available >= min. Otherwise reclaim cannot restore the
 *      reserve, however often it evicts and refaults the few pages left
 *      (thrashing without progress), and the OOM killer runs.
 *   3. Passes below min that free nothing count as no progress; after
 *      MAX_RECLAIM_RETRIES (16) of them in a row the OOM killer runs.
 *   4. No frame at all after a pass: the OOM killer runs at once.
 * The victim is the address space with the largest resident + swap +
 * page-table footprint (oom_badness). When the victim is the faulting
 * process, its fault fails (-ENOMEM) and the front end ends it.
 * Not for trace replays' --frames cap (a textbook frame count has no reserve).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "event_impl.h"
#include "internal.h"

/* ---- the pages of the instruction in progress ---------------------------- */

void kernel_fault_insn(struct mm *mm, uint64_t pc, uint64_t instret)
{
    struct insn_pins *ip = &mm->k->pins;
    if (ip->active && ip->mm == mm && ip->pc == pc && ip->instret == instret)
        return;
    *ip = (struct insn_pins){.active = true, .mm = mm, .pc = pc, .instret = instret};
}

void insn_pin_forget_mm(struct kernel *k, const struct mm *mm)
{
    if (k->pins.mm == mm)
        k->pins = (struct insn_pins){0};
}

void insn_pin(struct kernel *k, struct mm *mm, uint64_t page)
{
    struct insn_pins *ip = &k->pins;
    if (!ip->active || ip->mm != mm)
        return;
    pte_t *e = pt_pte(&k->ft, mm->root, va(page), false, NULL, NULL);
    if (!e || !pte_valid(*e) || !frames_is_ram(&k->ft, pte_pfn(*e)))
        return;
    uint32_t idx = frame_index(&k->ft, pte_pfn(*e));
    for (uint32_t i = 0; i < ip->n; i++)
        if (ip->frame[i] == idx)
            return;
    if (ip->n < INSN_PINS_MAX)
        ip->frame[ip->n++] = idx;
    else /* cannot happen for one instruction; keep the newest */
        memmove(ip->frame, ip->frame + 1, sizeof ip->frame - sizeof ip->frame[0]),
            ip->frame[INSN_PINS_MAX - 1] = idx;
}

bool insn_pinned(const struct kernel *k, uint32_t idx)
{
    const struct insn_pins *ip = &k->pins;
    for (uint32_t i = 0; i < ip->n; i++)
        if (ip->frame[i] == idx)
            return true;
    return false;
}

/* ---- the rule --------------------------------------------------------- */

uint64_t reclaimable_frames(const struct kernel *k)
{
    const struct frames *ft = &k->ft;
    uint64_t n = ft->count[FRAME_FILE];
    if (k->swap.nfree > 0)
        n += ft->count[FRAME_ANON];
    uint64_t held = k->pins.n;
    return n > held ? n - held : 0;
}

bool oom_watermark_breached(const struct kernel *k)
{
    const struct frames *ft = &k->ft;
    if (ft->limit)
        return false;
    uint64_t free = ft->count[FRAME_FREE];
    if (free >= ft->min)
        return false;
    if (free + reclaimable_frames(k) < ft->min)
        return true;
    return k->no_progress_loops > MAX_RECLAIM_RETRIES;
}

/* ---- the victim ---------------------------------------------------------- */

static uint64_t oom_badness(const struct mm *mm)
{
    return mm->rss_anon + mm->rss_file + mm->rss_shmem + mm->swap_pages + mm->ntables;
}

struct mm *kernel_oom_victim(struct kernel *k)
{
    struct mm *best = NULL;
    uint64_t best_score = 0;
    for (unsigned a = 1; a < ASID_COUNT; a++) {
        struct mm *mm = k->asid_owner[a];
        if (mm && (!best || oom_badness(mm) > best_score)) {
            best = mm;
            best_score = oom_badness(mm);
        }
    }
    return best;
}

void kernel_count_oom_kill(struct kernel *k, struct mm *mm)
{
    k->c.oom_kill++;
    if (mm)
        mm->c.oom_kill++;
    event_oom_kill(k, mm);
}

void kernel_set_oom_handler(struct kernel *k, kernel_oom_fn kill, void *ctx)
{
    k->oom_kill = kill;
    k->oom_ctx = ctx;
}

void kernel_set_stop_flag(struct kernel *k, const volatile int *flag)
{
    k->stop = flag;
}
