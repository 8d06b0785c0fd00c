/* The threads scene of `vmsim demo` (issue 13): the threads of one process
 * share one page table (one root, one ASID) while they run on different
 * harts, each caching translations of it in its own TLB; so when one thread
 * unmaps memory, the kernel must flush the other harts' TLBs before munmap
 * returns (a TLB shootdown), and the counters say how many it sent. */
#include <stdio.h>
#include <string.h>

#include "../../kernel/core/kernel.h"
#include "demo_int.h"

typedef unsigned long long ull;

/* The hart tid last ran on, or -1. */
static int hart_of(const struct os *os, int tid)
{
    for (int i = 0; i < os->m->nharts; i++)
        if (os->hart_tid[i] == tid)
            return i;
    return -1;
}

/* Harts other than `self` that have asid live (the shootdown's targets). */
static int others_live(const struct machine *m, uint16_t asid, int self)
{
    int n = 0;
    for (int i = 0; i < m->nharts; i++)
        n += i != self && m->live_asid[i] == asid;
    return n;
}

void demo_scene_threads(struct demo *d, int id, struct proc *who, uint64_t va, uint64_t len)
{
    struct os *os = d->os;
    struct machine *m = d->m;
    uint64_t satp = mm_satp(who->mm);
    uint16_t asid = (uint16_t)satp_asid(satp);
    int main_hart = hart_of(os, who->tid);
    if (id == DEMO_MARK_THREADS) {
        fprintf(d->out, "\n8. Threads: one address space, several harts\n"
                        "   %s (pid %d) has these threads (clone with CLONE_VM|CLONE_THREAD):\n",
                who->comm, who->pid);
        int n = 0, same = 0;
        for (struct proc *q = os->procs; q; q = q->next) {
            if (q->pid != who->pid || q->exited)
                continue;
            struct demo_pte e;
            bool mapped = demo_walk(d, q->mm, va + (uint64_t)(n % DEMO_THREAD_PAGES) * PAGE_SIZE, &e);
            int h = hart_of(os, q->tid);
            char where[48];
            if (h >= 0)
                snprintf(where, sizeof where, "last ran on hart %d", h);
            else
                snprintf(where, sizeof where, "its last hart has run another since");
            fprintf(d->out, "   tid %d: page-table root pfn 0x%llx, ASID %u, %s%s\n", q->tid,
                    (ull)(mm_satp(q->mm) & ((1ULL << 44) - 1)), (unsigned)satp_asid(mm_satp(q->mm)),
                    where, mapped ? "" : " (page not mapped)");
            same += mm_satp(q->mm) == satp;
            n++;
        }
        demo_claim(d, n == DEMO_THREADS + 1 && same == n,
                   "%d threads, one page table: every thread's satp names the same root and ASID", n);
        fprintf(d->out, "   the harts now (%d; --harts): ", m->nharts);
        for (int i = 0; i < m->nharts; i++)
            fprintf(d->out, "%shart %d ASID %d", i ? ", " : "", i, m->live_asid[i]);
        fputc('\n', d->out);
        d->tlb_before = m->tlbstat;
        return;
    }
    uint64_t pages = len / PAGE_SIZE;
    const struct machine_tlb_vmstat *a = &d->tlb_before, *b = &m->tlbstat;
    ull remote = b->nr_tlb_remote_flush - a->nr_tlb_remote_flush;
    ull received = b->nr_tlb_remote_flush_received - a->nr_tlb_remote_flush_received;
    ull local = b->nr_tlb_local_flush_one - a->nr_tlb_local_flush_one;
    int targets = others_live(m, asid, main_hart);
    fprintf(d->out,
            "   The main thread (tid %d, hart %d) unmapped %llu pages. Before munmap returned,\n"
            "   every hart that may cache the old translations had to drop them: %d other\n"
            "   hart(s) have ASID %u loaded (the other threads ran there).\n"
            "   nr_tlb_local_flush_one +%llu, nr_tlb_remote_flush +%llu, "
            "nr_tlb_remote_flush_received +%llu\n",
            who->tid, main_hart, (ull)pages, targets, (unsigned)asid, local, remote, received);
    bool gone = true;
    for (uint64_t i = 0; i < pages; i++) {
        struct demo_pte e;
        gone &= !demo_walk(d, who->mm, va + i * PAGE_SIZE, &e);
    }
    demo_claim(d, gone, "the %llu pages are gone from the one page table all threads use", (ull)pages);
    if (targets > 0)
        demo_claim(d, remote >= pages && received >= remote * (ull)targets,
                   "one shootdown per unmapped page, received by each of the %d other harts",
                   targets);
    else
        demo_claim(d, remote == 0, "with no other hart holding the ASID, no remote flush");
}
