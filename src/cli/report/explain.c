/* --explain: translations and faults in words (see explain.h).
 *
 * The events of one access arrive in this order: the failed translation
 * (mmu observer), then, from inside the fault handler, a page-in and a COW
 * copy if there were any, the fault itself, a swap-in, and finally the
 * retried translation. A narration is opened by the translation and stays
 * open ("pending") until the retry succeeds or another access begins. */
#include "explain.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/uapi/abi.h"

struct explain {
    FILE *out;
    unsigned long long limit, n, dropped;
    bool hits;
    /* the access whose fault is being handled */
    bool pending, shown;
    uint64_t page;
    int pid;
    /* told by the handler before the fault event */
    bool cow, pagein;
    uint64_t cow_old, cow_new, pagein_pfn;
};

struct explain *explain_new(FILE *out, unsigned long long limit, bool hits)
{
    struct explain *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->out = out;
    x->limit = limit;
    x->hits = hits;
    return x;
}

static const char *access_word(enum access acc)
{
    return acc == ACCESS_WRITE ? "write" : acc == ACCESS_EXEC ? "instruction fetch" : "read";
}

/* "V R W - U - A D": the bits of a PTE, a letter where set. */
static void pte_bits(char out[16], uint64_t bits)
{
    static const char names[] = "VRWXUGAD";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = (bits >> i) & 1 ? names[i] : '-';
        out[2 * i + 1] = i == 7 ? '\0' : ' ';
    }
}

static uint64_t ppn_of(uint64_t pte)
{
    return (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
}

static void print_pte(FILE *o, const struct walk_step *s)
{
    char bits[16];
    uint64_t e = s->pte.bits;
    pte_bits(bits, e);
    fprintf(o, "    level %d: VPN[%d] = 0x%03x, PTE at PA 0x%" PRIx64 " = 0x%016" PRIx64 " [%s]",
            s->level, s->level, s->index, s->pte_addr.p, e, bits);
    if (!(e & PTE_V))
        fprintf(o, e ? ": V=0, not present (the rest is the kernel's: a swap entry)\n"
                     : ": V=0, not present (empty)\n");
    else if (!(e & (PTE_R | PTE_W | PTE_X)))
        fprintf(o, ": valid, R=W=X=0: points to the next table at PPN 0x%" PRIx64 "\n", ppn_of(e));
    else
        fprintf(o, ": a leaf: PPN 0x%" PRIx64 "%s\n", ppn_of(e),
                s->level == 0   ? ""
                : s->level == 1 ? " (a 2 MiB superpage)"
                                : " (a 1 GiB superpage)");
}

/* The VA split and the TLB's view of it. */
static void print_split(FILE *o, const struct mmu *m, vaddr_t a, bool hit)
{
    uint64_t vpn = a.v >> PAGE_SHIFT, vpo = a.v & PAGE_MASK;
    unsigned sets = m->tlb.sets, t = (unsigned)__builtin_ctz(sets);
    fprintf(o, "  VA 0x%" PRIx64 ": VPN 0x%" PRIx64 " (VA >> 12), VPO 0x%03" PRIx64 " (VA & 0xfff)\n",
            a.v, vpn, vpo);
    fprintf(o,
            "  TLB %u sets x %u ways: TLBI 0x%" PRIx64 " (VPN mod %u), TLBT 0x%" PRIx64
            " (VPN >> %u), ASID %u: %s\n",
            sets, m->tlb.ways, vpn & (sets - 1), sets, vpn >> t, t, satp_asid(m->satp),
            hit ? "hit" : "miss");
}

static void print_walk(FILE *o, const struct mmu *m, const struct walk_trace *trace)
{
    fprintf(o, "  page walk from the root table at PPN 0x%" PRIx64 " (satp; PTEs as read, before the "
               "MMU sets A/D):\n",
            satp_root(m->satp).n);
    for (int i = 0; i < trace->nsteps; i++)
        print_pte(o, &trace->step[i]);
}

static void print_result(FILE *o, vaddr_t a, int rc, const struct translation *tr)
{
    if (rc != 0) {
        fprintf(o, "  => %s (%s): the kernel's fault handler runs\n", cause_name(rc),
                mmu_fault_kind_name(tr->kind));
        return;
    }
    uint64_t span = 1ULL << (PAGE_SHIFT + 9 * tr->level);
    uint64_t ppn = tr->pa.p >> PAGE_SHIFT;
    if (tr->level == 0)
        fprintf(o, "  PA = PPN 0x%" PRIx64 " << 12 | VPO 0x%03" PRIx64 " = 0x%" PRIx64 "\n", ppn,
                (uint64_t)(a.v & PAGE_MASK), tr->pa.p);
    else
        fprintf(o, "  PA = superpage base 0x%" PRIx64 " + (VA mod 0x%" PRIx64 ") = 0x%" PRIx64 "\n",
                tr->pa.p & ~(span - 1), span, tr->pa.p);
}

/* Starts a narration; false when it is beyond the limit (counted). */
static bool open_narration(struct explain *x)
{
    x->n++;
    if (x->limit && x->n > x->limit) {
        x->dropped++;
        return false;
    }
    return true;
}

void explain_translation(struct explain *x, int pid, const char *when, const struct mmu *m,
                         vaddr_t a, enum access acc, int rc, const struct translation *tr,
                         const struct walk_trace *trace)
{
    FILE *o = x->out;
    uint64_t page = a.v & ~(uint64_t)PAGE_MASK;
    bool retry = x->pending && x->page == page && x->pid == pid;
    if (retry) {
        if (x->shown) {
            fprintf(o, "  retry of the %s: TLB %s\n", access_word(acc),
                    tr->tlb_hit ? "hit" : "miss");
            if (!tr->tlb_hit)
                print_walk(o, m, trace);
            print_result(o, a, rc, tr);
        }
        if (rc == 0)
            x->pending = false;
        x->cow = x->pagein = false;
        return;
    }
    x->pending = false;
    x->cow = x->pagein = false;
    if (tr->tlb_hit && !x->hits)
        return;
    x->shown = open_narration(x);
    if (rc != 0) {
        x->pending = true;
        x->page = page;
        x->pid = pid;
    }
    if (!x->shown)
        return;
    fprintf(o, "[explain %llu] pid %d, %s: %s at VA 0x%" PRIx64 "\n", x->n, pid, when,
            access_word(acc), a.v);
    if (!sv48_canonical(a)) {
        fprintf(o, "  VA 0x%" PRIx64 " is not canonical (bits 63..48 are not copies of bit 47)\n",
                a.v);
        print_result(o, a, rc, tr);
        return;
    }
    print_split(o, m, a, tr->tlb_hit);
    if (tr->tlb_hit) {
        /* What a miss would read (reads only; counts nothing). */
        struct walk_trace t = {0};
        int level;
        sv48_walk(m->pm, satp_root(m->satp), a, &level, &t);
        fprintf(o, "  the TLB entry gives the PPN at once; the page table says the same:\n");
        print_walk(o, m, &t);
    } else {
        print_walk(o, m, trace);
    }
    print_result(o, a, rc, tr);
}

/* "0x1000-0x3000 rw-p [heap]" and what backs it. */
static void region_words(char *buf, size_t len, const struct vm_event *ev)
{
    const char *what = ev->vma_flags & VM_EV_VMA_SHMEM   ? "shared anonymous memory"
                       : ev->vma_flags & VM_EV_VMA_FILE  ? "a file mapping"
                       : ev->vma_flags & VM_EV_VMA_VDSO  ? "the vDSO"
                       : ev->vma_flags & VM_EV_VMA_DEVICE ? "device memory"
                       : ev->vma_flags & VM_EV_VMA_SHARED ? "anonymous shared"
                                                          : "anonymous private";
    snprintf(buf, len, "[0x%" PRIx64 "-0x%" PRIx64 " %c%c%c%c%s%s] (%s)", ev->vma_start,
             ev->vma_end, ev->vma_prot & LX_PROT_READ ? 'r' : '-',
             ev->vma_prot & LX_PROT_WRITE ? 'w' : '-', ev->vma_prot & LX_PROT_EXEC ? 'x' : '-',
             ev->vma_flags & VM_EV_VMA_SHARED ? 's' : 'p', ev->vma_name ? " " : "",
             ev->vma_name ? ev->vma_name : "", what);
}

static const char *mapped_as(uint64_t pte)
{
    if (!(pte & PTE_V))
        return "not mapped";
    return pte & PTE_W ? "mapped read-write" : "mapped read-only";
}

static void tell_fault(struct explain *x, const struct vm_event *ev)
{
    FILE *o = x->out;
    char region[200];
    region_words(region, sizeof region, ev);
    uint64_t page = ev->va & ~(uint64_t)PAGE_MASK;
    fputs("  kernel: ", o);
    if (ev->outcome == -1 && ev->signo == LX_SIGSEGV) {
        if (!ev->vma_end)
            fprintf(o, "no region contains 0x%" PRIx64 ": SIGSEGV (SEGV_MAPERR)\n", ev->va);
        else
            fprintf(o, "the region %s does not allow a %s: SIGSEGV (SEGV_ACCERR)\n", region,
                    access_word(ev->access));
        return;
    }
    switch (ev->fault) {
    case VM_FAULT_DEMAND_ZERO:
        fprintf(o, "not present; the region %s has %s: ", region,
                ev->vma_flags & VM_EV_VMA_SHMEM ? "no page here yet"
                                                : "no file behind it, nothing to read");
        if (ev->outcome == 0)
            fprintf(o, "allocated frame 0x%" PRIx64 ", zero-filled, %s (demand-zero, minor fault)",
                    ev->pfn, mapped_as(ev->pte_after));
        break;
    case VM_FAULT_FILE:
        fprintf(o, "not present; the region %s maps page %" PRIu64 " of its file: ", region,
                ev->vma_pgoff + ((page - ev->vma_start) >> PAGE_SHIFT));
        if (ev->outcome == -1)
            break;
        if (x->pagein)
            fprintf(o, "read it from the file into frame 0x%" PRIx64 " (major fault)",
                    x->pagein_pfn);
        else
            fprintf(o, "found it in the page cache, frame 0x%" PRIx64 " (minor fault)", ev->pfn);
        fprintf(o, ", %s%s", mapped_as(ev->pte_after),
                !(ev->vma_flags & VM_EV_VMA_SHARED) && (ev->vma_prot & LX_PROT_WRITE)
                    ? " (private: the first write will copy it)"
                : (ev->vma_flags & VM_EV_VMA_SHARED) && !(ev->pte_after & PTE_W) &&
                        (ev->vma_prot & LX_PROT_WRITE)
                    ? " (shared: the first write marks it dirty)"
                    : "");
        break;
    case VM_FAULT_COW_COPY:
        if (ev->pte_before & PTE_V)
            fprintf(o, "the PTE is read-only but the region %s is writable and private: the "
                       "page is shared copy-on-write",
                    region);
        else
            fprintf(o, "not present, and a write to the private file mapping %s: %s", region,
                    x->pagein ? "read the page from the file" : "took the page-cache page");
        if (x->cow)
            fprintf(o, "%s copied frame 0x%" PRIx64 " into the new frame 0x%" PRIx64,
                    (ev->pte_before & PTE_V) ? ";" : ", then", x->cow_old, x->cow_new);
        fprintf(o, ", %s (COW copy)", mapped_as(ev->pte_after));
        break;
    case VM_FAULT_COW_REUSE:
        fprintf(o, "the PTE is read-only but the region %s is writable and private, and this "
                   "process is the last mapper of frame 0x%" PRIx64
                   ": made it writable without copying (COW reuse)",
                region, ev->pfn);
        break;
    case VM_FAULT_SWAP_IN:
        fprintf(o, "the PTE is a swap entry (slot %" PRIu64 ") in the region %s: ", ev->aux, region);
        if (ev->outcome != 0)
            break;
        if (ev->major)
            fprintf(o, "read the page back from swap into frame 0x%" PRIx64 " (major fault)",
                    x->cow ? x->cow_old : ev->pfn);
        else
            fprintf(o, "it was still in memory, in the swap cache (minor fault)");
        if (x->cow)
            fprintf(o, "; others share it, so the write copied it into frame 0x%" PRIx64,
                    x->cow_new);
        fprintf(o, "; %s", mapped_as(ev->pte_after));
        break;
    case VM_FAULT_SHARED_WRITE:
        fprintf(o, "first write to a clean page of the shared region %s: marked frame 0x%" PRIx64
                   " dirty and set W (it is written back on msync, munmap or exit)",
                region, ev->pfn);
        break;
    case VM_FAULT_SPURIOUS:
        fprintf(o, "the PTE already allows this access (a stale TLB entry): flushed it");
        break;
    case VM_FAULT_VDSO:
        fprintf(o, "the vDSO page (the kernel's frame 0x%" PRIx64 ", shared by every process)",
                ev->pfn);
        break;
    case VM_FAULT_ZERO_PAGE:
        fprintf(o, "not present; a read of the anonymous region %s: mapped the shared zero page "
                   "(frame 0x%" PRIx64 ") read-only, nothing allocated (the first write copies it)",
                region, ev->pfn);
        break;
    case VM_FAULT_DEVICE:
        fprintf(o, "device memory %s: mapped the device's physical page 0x%" PRIx64, region,
                ev->pfn);
        break;
    default:
        fprintf(o, "%s", vm_fault_type_name(ev->fault));
    }
    if (ev->outcome == -1)
        fprintf(o, "SIGBUS (%s)", ev->fault == VM_FAULT_FILE ? "the page lies beyond the end of "
                                                                "the file"
                                                              : "the page could not be read");
    else if (ev->outcome < 0)
        fprintf(o, "no frame could be found: out of memory");
    if (ev->refault_faults)
        fprintf(o, "; refault: evicted %" PRIu64 " faults ago", ev->refault_faults);
    fputc('\n', o);
}

void explain_event(struct explain *x, int pid, const char *when, const struct vm_event *ev)
{
    switch (ev->kind) {
    case VM_EV_PAGE_IN:
        x->pagein = true;
        x->pagein_pfn = ev->pfn;
        return;
    case VM_EV_COW_COPY:
        x->cow = true;
        x->cow_old = ev->pfn;
        x->cow_new = ev->pfn2;
        return;
    case VM_EV_FAULT:
        break;
    case VM_EV_TLB_FLUSH:
        if (ev->harts && open_narration(x)) {   /* a shootdown: the part other harts pay */
            fprintf(x->out, "[explain %llu] pid %d, %s: TLB shootdown: ", x->n, pid, when);
            if (ev->scope == VM_FLUSH_PAGE)
                fprintf(x->out, "the translation of VA 0x%" PRIx64, ev->va);
            else
                fprintf(x->out, "every translation");
            fprintf(x->out, " of ASID %" PRIu64 " changed while hart(s)", ev->aux);
            for (int i = 0; i < 64; i++)
                if (ev->harts >> i & 1)
                    fprintf(x->out, " %d", i);
            fprintf(x->out, " have that address space loaded:\n    they drop it from their TLBs "
                            "before the call returns (an IPI each on real hardware;\n"
                            "    nr_tlb_remote_flush +1), so no thread can use the old mapping\n");
        }
        return;
    default:
        return;
    }
    uint64_t page = ev->va & ~(uint64_t)PAGE_MASK;
    if (!(x->pending && x->page == page)) {
        /* A fault no translation announced (the kernel called the handler
         * itself): a narration of its own. */
        x->pending = ev->outcome == 0;
        x->page = page;
        x->pid = pid;
        x->shown = open_narration(x);
        if (x->shown)
            fprintf(x->out, "[explain %llu] pid %d, %s: page fault on a %s at VA 0x%" PRIx64 "\n",
                    x->n, pid, when, access_word(ev->access), ev->va);
    }
    if (x->shown)
        tell_fault(x, ev);
    if (ev->outcome != 0)
        x->pending = false;
    x->cow = x->pagein = false;
}

void explain_finish(struct explain *x)
{
    if (!x)
        return;
    if (x->dropped)
        fprintf(x->out, "explain: limit reached, %llu more not shown\n", x->dropped);
    fflush(x->out);
    free(x);
}
