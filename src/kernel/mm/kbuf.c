/* Kernel buffer pages (pipes; sockets may use them too): frames of the
 * simulated RAM held by the kernel for its own data, as Linux's pipe
 * buffers are pages. They count as kernel memory (meminfo, reports), come
 * out of --mem (reclaim runs to find one), and when none is left the
 * caller gets -ENOMEM -- so what a guest buffers never grows host memory
 * beyond the RAM it was given. See mm.h. */
#include <errno.h>

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
    return rc ? -ENOMEM : 0;
}

void kbuf_page_free(struct kernel *k, pfn_t f)
{
    frame_put(&k->ft, f);
}

uint8_t *kbuf_page_bytes(struct kernel *k, pfn_t f)
{
    return frame_bytes(&k->ft, f);
}
