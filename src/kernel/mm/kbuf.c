/* Kernel buffer pages (pipes and sockets): frames of the
 * simulated RAM held by the kernel for its own data, as Linux's pipe
 * buffers are pages. They count as kernel memory (meminfo, reports), come
 * out of --mem (reclaim runs to find one), and when none is left the
 * caller gets -ENOMEM -- so what a guest buffers never grows host memory
 * beyond the RAM it was given. See mm.h. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int kbuf_page_alloc(struct kernel *k, pfn_t *out)
{
    /* Reclaim may run, the OOM killer may not: the caller is in the middle
     * of a system call of a process the killer could pick (and free the
     * very pipe being written). The writer gets -ENOMEM instead. */
    /* Nor may buffers eat the reserve that page faults need: below the
     * high watermark the writer gets -ENOMEM, and processes keep running
     * (no OOM kill of bystanders for memory that no process's RSS shows). */
    if (k->ft.count[FRAME_FREE] <= k->ft.high)
        return -ENOMEM;
    kernel_oom_fn kill = k->oom_kill;
    k->oom_kill = NULL;
    int rc = frame_alloc(&k->ft, FRAME_KERNEL, out);
    k->oom_kill = kill;
    if (rc)
        return -ENOMEM;
    k->kbuf_pages++;
    return 0;
}

void kbuf_page_free(struct kernel *k, pfn_t f)
{
    assert(k->kbuf_pages > 0);
    k->kbuf_pages--;
    frame_put(&k->ft, f);
}

uint8_t *kbuf_page_bytes(struct kernel *k, pfn_t f)
{
    return frame_bytes(&k->ft, f);
}

/* ---- a FIFO of bytes in kernel buffer pages ---------------------------- */

void kbuf_fifo_init(struct kbuf_fifo *q, struct kernel *k)
{
    *q = (struct kbuf_fifo){.k = k};
}

/* Bytes the pages can hold after the newest one. */
static uint64_t fifo_room(const struct kbuf_fifo *q)
{
    return (uint64_t)q->npages * PAGE_SIZE - q->head - q->len;
}

uint64_t kbuf_fifo_push(struct kbuf_fifo *q, const void *src, uint64_t n)
{
    const uint8_t *in = src;
    uint64_t done = 0;
    while (done < n) {
        if (fifo_room(q) == 0) {
            if (q->npages == q->cap) {
                uint32_t cap = q->cap ? q->cap * 2 : 4;
                pfn_t *pg = realloc(q->page, cap * sizeof *pg);
                if (!pg)
                    break;
                q->page = pg;
                q->cap = cap;
            }
            if (kbuf_page_alloc(q->k, &q->page[q->npages]) != 0)
                break;
            q->npages++;
        }
        uint64_t end = q->head + q->len;   /* where the next byte goes */
        uint64_t po = end % PAGE_SIZE;
        uint64_t chunk = PAGE_SIZE - po < n - done ? PAGE_SIZE - po : n - done;
        uint8_t *to = kbuf_page_bytes(q->k, q->page[end / PAGE_SIZE]) + po;
        if (in)
            memcpy(to, in + done, chunk);
        else
            memset(to, 0, chunk);
        q->len += chunk;
        done += chunk;
    }
    return done;
}

void kbuf_fifo_peek(const struct kbuf_fifo *q, uint64_t at, void *dst, uint64_t n)
{
    assert(at + n <= q->len);
    uint8_t *out = dst;
    for (uint64_t done = 0; done < n;) {
        uint64_t pos = q->head + at + done;
        uint64_t po = pos % PAGE_SIZE;
        uint64_t chunk = PAGE_SIZE - po < n - done ? PAGE_SIZE - po : n - done;
        memcpy(out + done, kbuf_page_bytes(q->k, q->page[pos / PAGE_SIZE]) + po, chunk);
        done += chunk;
    }
}

void kbuf_fifo_pop(struct kbuf_fifo *q, uint64_t n)
{
    assert(n <= q->len);
    q->len -= n;
    uint64_t head = q->head + n;
    uint32_t gone = (uint32_t)(head / PAGE_SIZE);
    if (q->len == 0)   /* an empty queue keeps no page */
        gone = q->npages, head = 0;
    for (uint32_t i = 0; i < gone; i++)
        kbuf_page_free(q->k, q->page[i]);
    if (gone && gone < q->npages)
        memmove(q->page, q->page + gone, (q->npages - gone) * sizeof *q->page);
    q->npages -= gone;
    q->head = (uint32_t)(head % PAGE_SIZE);
}

void kbuf_fifo_trim(struct kbuf_fifo *q, uint64_t len)
{
    assert(len <= q->len);
    q->len = len;
    if (len == 0) {
        kbuf_fifo_pop(q, 0);
        return;
    }
    uint32_t keep = (uint32_t)((q->head + len + PAGE_SIZE - 1) / PAGE_SIZE);
    while (q->npages > keep)
        kbuf_page_free(q->k, q->page[--q->npages]);
}

void kbuf_fifo_free(struct kbuf_fifo *q)
{
    q->len = 0;
    kbuf_fifo_pop(q, 0);
    free(q->page);
    q->page = NULL;
    q->cap = 0;
}
