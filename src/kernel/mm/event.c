/* Memory events (event.h): the listener, the TLB-flush bridge from the
 * machine, and the helpers the kernel's files call where things happen. A
 * page fault is classified here, after the handler ran, from what changed:
 * the PTE before and after and the counters the handler bumped, so the
 * handler itself needs no event code. */
#include "event.h"

#include <string.h>

#include "internal.h"
#include "event_impl.h"

static void on_flush(void *ctx, int what, uint16_t asid, vaddr_t a, uint64_t remote)
{
    struct kernel *k = ctx;
    struct vm_event ev = {.kind = VM_EV_TLB_FLUSH,
                          .va = what == MACHINE_FLUSH_PAGE ? a.v : 0,
                          .aux = asid,
                          .pfn = VM_EV_NO_PFN,
                          .pfn2 = VM_EV_NO_PFN,
                          .harts = remote,
                          .scope = what == MACHINE_FLUSH_PAGE   ? VM_FLUSH_PAGE
                                   : what == MACHINE_FLUSH_ASID ? VM_FLUSH_ASID
                                                                : VM_FLUSH_ALL};
    if (what != MACHINE_FLUSH_ALL && asid < ASID_COUNT)
        ev.mm = k->asid_owner[asid];
    kernel_emit(k, &ev);
}

void kernel_set_event_sink(struct kernel *k, kernel_event_fn *fn, void *ctx)
{
    k->event_fn = fn;
    k->event_ctx = ctx;
    k->m->flush_hook = fn ? on_flush : NULL;
    k->m->flush_ctx = fn ? k : NULL;
}

bool kernel_events_on(const struct kernel *k)
{
    return k->event_fn != NULL;
}

void kernel_emit(struct kernel *k, const struct vm_event *ev)
{
    if (k->event_fn)
        k->event_fn(k->event_ctx, ev);
}

/* An event of kind with no frame yet. */
static struct vm_event event_init(enum vm_event_kind kind, struct mm *mm)
{
    return (struct vm_event){.kind = kind, .mm = mm, .pfn = VM_EV_NO_PFN, .pfn2 = VM_EV_NO_PFN};
}

/* ---- page faults ---------------------------------------------------------- */

static pte_t pte_now(struct mm *mm, vaddr_t a)
{
    if (!sv48_canonical(a) || a.v >= USER_TOP)
        return (pte_t){0};
    pte_t *e = pt_pte(&mm->k->ft, mm->root, va(a.v & ~PAGE_MASK), false, NULL, NULL);
    return e ? *e : (pte_t){0};
}

void event_fault_begin(struct mm *mm, vaddr_t a, struct fault_watch *w)
{
    w->c = mm->c;
    w->before = pte_now(mm, a);
}

static void describe_vma(struct mm *mm, vaddr_t a, struct vm_event *ev)
{
    if (!sv48_canonical(a) || a.v >= USER_TOP)
        return;
    const struct vma *v = vma_find(&mm->vmas, a.v);
    if (!v)
        return;
    char buf[64];
    ev->vma_start = v->start;
    ev->vma_end = v->end;
    ev->vma_prot = v->prot;
    ev->vma_pgoff = v->pgoff;
    ev->vma_name = vma_name(mm, v, buf, sizeof buf);
    if (v->flags & VMA_SHARED)
        ev->vma_flags |= VM_EV_VMA_SHARED;
    if (vma_is_shmem(v))
        ev->vma_flags |= VM_EV_VMA_SHMEM;
    else if (v->file)
        ev->vma_flags |= VM_EV_VMA_FILE;
    if (v->flags & VMA_GROWSDOWN)
        ev->vma_flags |= VM_EV_VMA_STACK;
    if (v->flags & VMA_VDSO)
        ev->vma_flags |= VM_EV_VMA_VDSO;
    if (v->flags & VMA_DEVICE)
        ev->vma_flags |= VM_EV_VMA_DEVICE;
    if (mm->start_brk && v->start < mm->brk && v->end > mm->start_brk)
        ev->vma_flags |= VM_EV_VMA_HEAP;
}

static enum vm_fault_type classify(const struct fault_watch *w, const struct vm_counters *c,
                                   const struct vm_event *ev, int rc, const struct segv *sv)
{
    const struct vm_counters *b = &w->c;
    if (rc == -1 && sv->signo == LX_SIGSEGV)
        return VM_FAULT_SEGV;
    if (pte_is_swap(w->before))
        return VM_FAULT_SWAP_IN;
    if (c->cow_copies != b->cow_copies)
        return VM_FAULT_COW_COPY;
    if (c->cow_faults != b->cow_faults)
        return VM_FAULT_COW_REUSE;
    if (c->zero_fills != b->zero_fills)
        return VM_FAULT_DEMAND_ZERO;
    if (c->zero_page_maps != b->zero_page_maps)
        return VM_FAULT_ZERO_PAGE;
    if (pte_valid(w->before)) {
        if (ev->access == ACCESS_WRITE && (ev->vma_flags & VM_EV_VMA_SHARED) &&
            !(w->before.bits & PTE_W))
            return VM_FAULT_SHARED_WRITE;
        return VM_FAULT_SPURIOUS;
    }
    if (ev->vma_flags & VM_EV_VMA_VDSO)
        return VM_FAULT_VDSO;
    if (ev->vma_flags & VM_EV_VMA_DEVICE)
        return VM_FAULT_DEVICE;
    if (ev->vma_flags & (VM_EV_VMA_FILE | VM_EV_VMA_SHMEM))
        return VM_FAULT_FILE;
    return VM_FAULT_DEMAND_ZERO; /* one that failed (-ENOMEM) before zero-filling */
}

void event_fault_end(struct mm *mm, vaddr_t a, enum access acc, const struct fault_watch *w,
                     int rc, const struct segv *sv)
{
    struct vm_event ev = event_init(VM_EV_FAULT, mm);
    ev.va = a.v;
    ev.access = acc;
    ev.pte_before = w->before.bits;
    pte_t after = pte_now(mm, a);
    ev.pte_after = after.bits;
    if (pte_valid(after))
        ev.pfn = pte_pfn(after).n;
    ev.major = mm->c.pgmajfault != w->c.pgmajfault;
    ev.outcome = rc;
    if (rc == -1) {
        ev.signo = sv->signo;
        ev.si_code = sv->code;
    }
    describe_vma(mm, a, &ev);
    ev.fault = classify(w, &mm->c, &ev, rc, sv);
    if (mm->c.workingset_refault_anon != w->c.workingset_refault_anon ||
        mm->c.workingset_refault_file != w->c.workingset_refault_file)
        ev.refault_faults = kernel_last_refault_faults(mm->k);
    if (ev.fault == VM_FAULT_SWAP_IN)
        ev.aux = pte_swap_slot(w->before);
    kernel_emit(mm->k, &ev);
    if (ev.fault == VM_FAULT_SWAP_IN && rc == 0) {
        struct vm_event s = event_init(VM_EV_SWAP_IN, mm);
        s.va = a.v & ~PAGE_MASK;
        s.aux = pte_swap_slot(w->before);
        s.pfn = ev.pfn;
        s.major = mm->c.pswpin != w->c.pswpin;
        kernel_emit(mm->k, &s);
    }
}

/* ---- the other events ------------------------------------------------------ */

void event_cow_copy(struct mm *mm, uint64_t page, pfn_t old, pfn_t copy)
{
    if (!mm->k->event_fn)
        return;
    struct vm_event ev = event_init(VM_EV_COW_COPY, mm);
    ev.va = page;
    ev.pfn = old.n;
    ev.pfn2 = copy.n;
    kernel_emit(mm->k, &ev);
}

void event_page_in(struct kernel *k, struct mm *mm, const struct vinode *n, uint64_t index,
                   pfn_t f)
{
    if (!k->event_fn)
        return;
    struct vm_event ev = event_init(VM_EV_PAGE_IN, mm);
    ev.pfn = f.n;
    ev.aux = index;
    ev.name = n->name;
    kernel_emit(k, &ev);
}

void event_shmem_swap_in(struct kernel *k, struct mm *mm, const struct vinode *n, uint64_t index,
                         pfn_t f, uint32_t slot)
{
    (void)index;
    if (!k->event_fn)
        return;
    struct vm_event ev = event_init(VM_EV_SWAP_IN, mm);
    ev.pfn = f.n;
    ev.aux = slot;
    ev.major = true;
    ev.name = n->name;
    kernel_emit(k, &ev);
}

/* The first mapper of f, as the address space the event is shown in. */
static void first_mapper(struct kernel *k, pfn_t f, struct vm_event *ev)
{
    const struct frame *fr = frame_of(&k->ft, f);
    if (fr->mapcount) {
        ev->mm = fr->rmap[0].mm;
        ev->va = fr->rmap[0].va;
    }
}

void event_swap_out(struct kernel *k, pfn_t f, uint32_t slot)
{
    if (!k->event_fn)
        return;
    struct vm_event ev = event_init(VM_EV_SWAP_OUT, NULL);
    ev.pfn = f.n;
    ev.aux = slot;
    ev.len = frame_of(&k->ft, f)->mapcount;
    first_mapper(k, f, &ev);
    kernel_emit(k, &ev);
}

void event_evict(struct kernel *k, pfn_t f, struct mm *mm, uint64_t page, bool written)
{
    if (!k->event_fn)
        return;
    const struct frame *fr = frame_of(&k->ft, f);
    struct vm_event ev = event_init(VM_EV_EVICT, mm);
    ev.va = page;
    ev.pfn = f.n;
    ev.aux = fr->index;
    ev.major = written;
    ev.name = fr->owner ? fr->owner->name : NULL;
    kernel_emit(k, &ev);
}

void event_oom_kill(struct kernel *k, struct mm *mm)
{
    struct vm_event ev = event_init(VM_EV_OOM_KILL, mm);
    kernel_emit(k, &ev);
}

void event_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_addr,
                 uint64_t new_len, int outcome)
{
    if (!mm->k->event_fn)
        return;
    struct vm_event ev = event_init(VM_EV_MREMAP, mm);
    ev.va = old;
    ev.len = old_len;
    ev.aux = new_addr;
    ev.pfn2 = new_len;
    ev.outcome = outcome;
    kernel_emit(mm->k, &ev);
}

void event_map(struct mm *mm, enum vm_event_kind kind, uint64_t start, uint64_t len, int prot,
               int flags, const struct vfile *f, int outcome)
{
    if (!mm->k->event_fn)
        return;
    struct vm_event ev = event_init(kind, mm);
    ev.va = start;
    ev.len = len;
    ev.prot = prot;
    ev.flags = flags;
    ev.outcome = outcome;
    ev.name = f ? f->name : NULL;
    kernel_emit(mm->k, &ev);
}

void event_proc(struct kernel *k, enum vm_event_kind kind, struct mm *mm, int pid, int pid2,
                const char *comm, uint64_t aux)
{
    if (!k->event_fn)
        return;
    struct vm_event ev = event_init(kind, mm);
    ev.pid = pid;
    ev.pid2 = pid2;
    ev.name = comm;
    ev.aux = aux;
    kernel_emit(k, &ev);
}

/* ---- names ------------------------------------------------------------------ */

const char *vm_event_name(enum vm_event_kind k)
{
    static const char *const names[VM_EV_KINDS] = {
        [VM_EV_FAULT] = "fault",        [VM_EV_PAGE_IN] = "page-in",
        [VM_EV_COW_COPY] = "cow-copy",  [VM_EV_SWAP_OUT] = "swap-out",
        [VM_EV_SWAP_IN] = "swap-in",    [VM_EV_EVICT] = "evict",
        [VM_EV_TLB_FLUSH] = "tlb-flush", [VM_EV_MMAP] = "mmap",
        [VM_EV_MUNMAP] = "munmap",      [VM_EV_MPROTECT] = "mprotect",
        [VM_EV_BRK] = "brk",            [VM_EV_MREMAP] = "mremap",
        [VM_EV_MADVISE] = "madvise",    [VM_EV_FORK] = "fork",
        [VM_EV_EXEC] = "exec",          [VM_EV_EXIT] = "exit",
        [VM_EV_OOM_KILL] = "oom-kill",
    };
    return (unsigned)k < VM_EV_KINDS ? names[k] : "?";
}

const char *vm_fault_type_name(enum vm_fault_type t)
{
    static const char *const names[VM_FAULT_TYPES] = {
        [VM_FAULT_DEMAND_ZERO] = "demand-zero", [VM_FAULT_FILE] = "file",
        [VM_FAULT_COW_COPY] = "cow-copy",       [VM_FAULT_COW_REUSE] = "cow-reuse",
        [VM_FAULT_SWAP_IN] = "swap-in",         [VM_FAULT_SHARED_WRITE] = "shared-write",
        [VM_FAULT_SPURIOUS] = "spurious",       [VM_FAULT_VDSO] = "vdso", [VM_FAULT_ZERO_PAGE] = "zero-page",
        [VM_FAULT_SEGV] = "segv",               [VM_FAULT_DEVICE] = "device",
    };
    return (unsigned)t < VM_FAULT_TYPES ? names[t] : "?";
}

const char *vm_flush_scope_name(enum vm_flush_scope s)
{
    return s == VM_FLUSH_PAGE ? "page" : s == VM_FLUSH_ASID ? "asid" : "all";
}
