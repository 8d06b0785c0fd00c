/* The kernel's side of event.h: helpers its files call where things happen.
 * Each returns at once when nobody listens. */
#ifndef VMSIM_KERNEL_EVENT_IMPL_H
#define VMSIM_KERNEL_EVENT_IMPL_H

#include "event.h"

struct vinode;

/* mm_fault (fault.c) wraps the handler: begin before, end after; end
 * classifies the fault and emits VM_EV_FAULT (and VM_EV_SWAP_IN). */
struct fault_watch {
    struct vm_counters c;
    pte_t before;
};
void event_fault_begin(struct mm *mm, vaddr_t a, struct fault_watch *w);
void event_fault_end(struct mm *mm, vaddr_t a, enum access acc, const struct fault_watch *w,
                     int rc, const struct segv *sv);

/* fault.c: the write to page copied frame old into copy. */
void event_cow_copy(struct mm *mm, uint64_t page, pfn_t old, pfn_t copy);
/* pagecache.c: page index of n was read from its file into frame f. */
void event_page_in(struct kernel *k, struct mm *mm, const struct vinode *n, uint64_t index,
                   pfn_t f);
/* reclaim.c: f was written to swap slot (call while its mappings exist). */
void event_swap_out(struct kernel *k, pfn_t f, uint32_t slot);
/* pagecache.c: page index of the anonymous shared object n was read back
 * from swap slot into frame f (a major VM_EV_SWAP_IN; va is not known). */
void event_shmem_swap_in(struct kernel *k, struct mm *mm, const struct vinode *n, uint64_t index,
                         pfn_t f, uint32_t slot);
/* reclaim.c: file page f, once mapped by mm at page (NULL: unmapped), leaves
 * memory (written: written back first). Call before pagecache_evict. */
void event_evict(struct kernel *k, pfn_t f, struct mm *mm, uint64_t page, bool written);
/* reclaim.c: the OOM killer chose mm. */
void event_oom_kill(struct kernel *k, struct mm *mm);
/* mmap.c: kind VM_EV_MMAP, MUNMAP, MPROTECT, MADVISE (flags = advice) or BRK (start = new break,
 * len = old break) of [start, start+len); f the mapped file or NULL. */
/* mremap of [old, old + old_len) to new_len at new_addr (0 when it failed with outcome). */
void event_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_addr,
                 uint64_t new_len, int outcome);
void event_map(struct mm *mm, enum vm_event_kind kind, uint64_t start, uint64_t len, int prot,
               int flags, const struct vfile *f, int outcome);

#endif
