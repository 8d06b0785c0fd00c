/* Page-reference tracing: what is recorded and why, pagetrace.h. */
#include "pagetrace.h"

void page_trace_init(struct page_trace *t, void (*flush)(void *, const uint64_t *, unsigned),
                     void *ctx)
{
    t->flush = flush;
    t->ctx = ctx;
    t->last = UINT64_MAX;
    t->data_end = UINT64_MAX;
    t->count = 0;
    t->n = 0;
}

void page_trace_flush(struct page_trace *t)
{
    if (t->n && t->flush)
        t->flush(t->ctx, t->buf, t->n);
    t->n = 0;
}

void page_trace_data(struct page_trace *t, uint64_t pc, unsigned len, uint64_t a,
                     enum access acc)
{
    page_trace_ref(t, pc, ACCESS_EXEC); /* the instruction's own fetch */
    page_trace_ref(t, a, acc);
    t->data_end = pc + len;
}

void page_trace_enter(struct page_trace *t, uint64_t old_page, uint64_t pc, bool fell)
{
    /* Instructions ran on the old page since its last data access unless
     * the hart fell off the page right after that access. */
    if (old_page != UINT64_MAX && !(fell && t->data_end == pc))
        page_trace_ref(t, old_page, ACCESS_EXEC);
    page_trace_ref(t, pc, ACCESS_EXEC);
}

void page_trace_stop(struct page_trace *t, uint64_t page, uint64_t pc, bool quantum, bool fault)
{
    if (page != UINT64_MAX && !fault && !(quantum && t->data_end == pc))
        page_trace_ref(t, page, ACCESS_EXEC);
    page_trace_flush(t);
}
