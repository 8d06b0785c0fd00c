/* Memory events: one small interface through which the kernel tells a
 * listener (the front end's --events and --explain) what it does, as it does
 * it: page faults with their kind and outcome, page-ins, copy-on-write
 * copies, swap traffic, evictions, TLB flushes, mapping changes and process
 * lifetimes.
 *
 * One listener per kernel (kernel_set_event_sink); with none installed,
 * emitting costs one NULL check. Events are delivered synchronously, from
 * inside the kernel: the listener must not call back into the kernel to
 * change anything (reading is fine: mm_get_info, sv48_walk, ...).
 *
 * Counting contract (tests rely on it): over a run,
 *   VM_EV_FAULT events            == pgfault
 *   ... of kind VM_FAULT_DEMAND_ZERO == zero_fills
 *   VM_EV_COW_COPY events         == cow_copies
 *   VM_EV_PAGE_IN events          == file_reads
 *   VM_EV_SWAP_OUT events         == pswpout (global: once per page written)
 *   VM_EV_SWAP_IN events with major == pswpin
 * of struct vm_counters (kernel.h). */
#ifndef VMSIM_KERNEL_EVENT_H
#define VMSIM_KERNEL_EVENT_H

#include "mm.h"

enum vm_event_kind {
    VM_EV_FAULT,     /* a page fault handled (fault, outcome, major, va, pfn) */
    VM_EV_PAGE_IN,   /* a file page read into the page cache (pfn, aux = file page index, name) */
    VM_EV_COW_COPY,  /* a private copy made on write (pfn = old frame, pfn2 = new) */
    VM_EV_SWAP_OUT,  /* a page written to swap (pfn, aux = slot; va/mm = one of its mappers) */
    VM_EV_SWAP_IN,   /* a page brought back from swap (pfn, aux = slot; major: read from disk) */
    VM_EV_EVICT,     /* a file page dropped from memory (pfn, aux = index, major: written back) */
    VM_EV_TLB_FLUSH, /* sfence.vma (scope, aux = asid, va for a page flush; harts:
                        the other harts it was shot down on, a mask) */
    VM_EV_MMAP,      /* a region mapped (va, len, prot, flags = LX_MAP_*, name = file) */
    VM_EV_MUNMAP,    /* a range unmapped (va, len, outcome) */
    VM_EV_MPROTECT,  /* a range reprotected (va, len, prot, outcome) */
    VM_EV_BRK,       /* the break moved (va = new break, len = old break) */
    VM_EV_MREMAP,    /* a region resized or moved (va, len = old range; aux = new address,
                        pfn2 = new length; outcome) */
    VM_EV_MADVISE,   /* advice on a range (va, len, flags = advice, outcome; DONTNEED/FREE drop pages) */
    VM_EV_FORK,      /* process pid forked child2 (name = comm) */
    VM_EV_EXEC,      /* process pid runs a new program (name = its comm) */
    VM_EV_EXIT,      /* process pid ended (aux = exit status as a shell says it) */
    VM_EV_OOM_KILL,  /* the OOM killer chose mm */
    VM_EV_KINDS
};

/* What a fault turned out to be. */
enum vm_fault_type {
    VM_FAULT_DEMAND_ZERO, /* not present, anonymous: a zero-filled frame */
    VM_FAULT_FILE,        /* not present, file-backed: page-cache page (read first if major) */
    VM_FAULT_COW_COPY,    /* write to a shared private page: copied */
    VM_FAULT_COW_REUSE,   /* write to a private page nobody else maps: W given back */
    VM_FAULT_SWAP_IN,     /* swap entry: the page comes back from swap (or the swap cache) */
    VM_FAULT_SHARED_WRITE,/* first write to a clean shared page: dirtied, W set */
    VM_FAULT_SPURIOUS,    /* the PTE already allowed it (stale TLB entry) or a fix-up */
    VM_FAULT_VDSO,        /* the vDSO page mapped again */
    VM_FAULT_SEGV,        /* no region, or the region forbids the access */
    VM_FAULT_DEVICE,      /* device memory mapped (MMIO) */
    VM_FAULT_ZERO_PAGE,   /* read of untouched anonymous memory: the shared zero page */
    VM_FAULT_TYPES
};

enum vm_flush_scope { VM_FLUSH_PAGE, VM_FLUSH_ASID, VM_FLUSH_ALL };

/* Region kinds in vm_event.vma_flags. */
enum {
    VM_EV_VMA_SHARED = 1 << 0,
    VM_EV_VMA_FILE = 1 << 1, /* backed by a host file (name) */
    VM_EV_VMA_SHMEM = 1 << 2,/* shared anonymous object */
    VM_EV_VMA_STACK = 1 << 3,
    VM_EV_VMA_HEAP = 1 << 4,
    VM_EV_VMA_VDSO = 1 << 5,
    VM_EV_VMA_DEVICE = 1 << 6,
};

#define VM_EV_NO_PFN UINT64_MAX

struct vm_event {
    enum vm_event_kind kind;
    struct mm *mm;   /* the address space concerned, or NULL */
    int pid;         /* guest pid when the kernel knows it (process events), else 0 */
    int pid2;        /* fork: the child */
    uint64_t va;     /* the address (fault: as faulted, not page-aligned) */
    uint64_t len;
    uint64_t pfn, pfn2;
    uint64_t aux;
    int access;      /* fault: enum access */
    int fault;       /* fault: enum vm_fault_type */
    int prot, flags; /* mmap, mprotect */
    int scope;       /* flush: enum vm_flush_scope */
    uint64_t harts;  /* flush: the remote harts that received it (bit i: hart i) */
    int outcome;     /* 0 ok; -1 signal (signo, si_code); else -errno */
    int signo, si_code;
    bool major;
    const char *name;  /* comm or file name (valid during the call), or NULL */
    /* fault: the PTE before and after, and the region (when there is one) */
    uint64_t pte_before, pte_after;
    uint64_t vma_start, vma_end;
    int vma_prot;
    unsigned vma_flags; /* VM_EV_VMA_* */
    uint64_t vma_pgoff; /* file page index of vma_start */
    const char *vma_name; /* [heap], [stack], the file, or NULL */
    /* fault: a refault (workingset.c: the page's shadow entry was found):
     * faults since its eviction, counting this one; 0 when not a refault */
    uint64_t refault_faults;
};

typedef void kernel_event_fn(void *ctx, const struct vm_event *ev);

/* Installs fn as k's event listener (NULL removes it). Also watches the TLB
 * flushes of k's machine (machine.h flush_hook) while installed. */
void kernel_set_event_sink(struct kernel *k, kernel_event_fn *fn, void *ctx);

/* Delivers ev to the listener, if any (ev->kind names the event). */
void kernel_emit(struct kernel *k, const struct vm_event *ev);
/* True when a listener is installed (to skip preparing an event). */
bool kernel_events_on(const struct kernel *k);

/* Short names for reports: "fault", "page-in", ...; "demand-zero", ...;
 * "page", "asid", "all". */
const char *vm_event_name(enum vm_event_kind k);
const char *vm_fault_type_name(enum vm_fault_type t);
const char *vm_flush_scope_name(enum vm_flush_scope s);

/* Process lifetimes, emitted by the process layer (proc/): VM_EV_FORK
 * (pid2 = child), VM_EV_EXEC, VM_EV_EXIT (aux = status). */
void event_proc(struct kernel *k, enum vm_event_kind kind, struct mm *mm, int pid, int pid2,
                const char *comm, uint64_t aux);

#endif
