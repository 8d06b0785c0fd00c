/* Page-reference tracing of the hart (`vmsim run --page-trace`): the string
 * of (virtual page, kind) the running program references, in order, with
 * consecutive identical references merged.
 *
 * What is recorded, per instruction: the fetch of its page, then its data
 * access (loads, stores, FP loads/stores, AMOs as a read then a write),
 * once the access succeeded (a faulting access is recorded when its retry
 * succeeds, so the string holds each reference once). Merging repeats keeps
 * every fault count of demand paging at any size >= 1 page, for every
 * policy vmsim has (mrc.h says why), and makes the string short: straight-
 * line code on one page is one X reference until a data access to another
 * page intervenes. The hart does not look at every instruction fetch: it
 * records the fetch of a page when it enters the page, before each data
 * access of an instruction on it, and when it leaves the page (a jump, a
 * fall-through, a trap) after instructions that ran there since the last
 * data access. That is the merged string exactly, but for two corners:
 * an instruction that straddles two pages records only its first, and an
 * LW fused as the second of a pair (hart.c FUSED_PAIRS) at a page's end may
 * add one extra fetch of that page.
 *
 * Cost when off: nothing on the fast path. When on, the hart's L0 TLB stays
 * empty so every data access reaches its (out-of-line) machine-TLB lookup,
 * where it is recorded; the TLB itself and its statistics are unchanged.
 * Kernel accesses to user memory (copyin/copyout) are not in the string. */
#ifndef VMSIM_MACHINE_PAGETRACE_H
#define VMSIM_MACHINE_PAGETRACE_H

#include "types.h"

#define PAGE_TRACE_BUF 4096

/* A reference: the page's virtual address | enum access. */
struct page_trace {
    /* Takes n references; called when the buffer is full and whenever the
     * hart stops (hart_run returns), so that every reference reaches the
     * sink before another process runs. */
    void (*flush)(void *ctx, const uint64_t *refs, unsigned n);
    void *ctx;
    uint64_t last;     /* last reference recorded, UINT64_MAX: none */
    uint64_t data_end; /* pc after the last instruction that accessed data */
    uint64_t count;    /* references recorded */
    unsigned n;
    uint64_t buf[PAGE_TRACE_BUF];
};

void page_trace_init(struct page_trace *t, void (*flush)(void *, const uint64_t *, unsigned),
                     void *ctx);
/* Hands what is buffered to the sink. */
void page_trace_flush(struct page_trace *t);

/* For the hart. */
static inline void page_trace_ref(struct page_trace *t, uint64_t page, enum access acc)
{
    uint64_t r = (page & ~(uint64_t)PAGE_MASK) | (uint64_t)acc;
    if (r == t->last)
        return;
    t->last = r;
    t->count++;
    t->buf[t->n++] = r;
    if (t->n == PAGE_TRACE_BUF)
        page_trace_flush(t);
}
/* A data access of kind acc at a by the instruction at pc (len bytes long). */
void page_trace_data(struct page_trace *t, uint64_t pc, unsigned len, uint64_t a,
                     enum access acc);
/* The hart enters the page of pc; old_page is the page it leaves (UINT64_MAX:
 * none, the hart just started), fell: by running past its end. */
void page_trace_enter(struct page_trace *t, uint64_t old_page, uint64_t pc, bool fell);
/* The hart stops at pc on page (a quantum's end when quantum, else a trap of
 * the instruction at pc: a fault is not recorded, its retry will be). */
void page_trace_stop(struct page_trace *t, uint64_t page, uint64_t pc, bool quantum, bool fault);

#endif
