/* `--explain[=N]`: a narration, in the terms of CS:APP §9.6, of address
 * translations and page faults: the VA split into VPN and VPO, the TLB set
 * index (TLBI) and tag (TLBT) for the machine's TLB geometry, hit or miss,
 * the four Sv48 levels (VPN[3..0], the PTE address and value at each level
 * and its bits), the PPN and the PA, and for a fault what the kernel did and
 * why. One narration per translation that missed the TLB (with `hits`,
 * every translation: `vmsim script`), a fault and its retry belonging to the
 * narration of the access that faulted. After `limit` narrations (0: no
 * limit) the rest are counted, and explain_finish() says how many. */
#ifndef VMSIM_CLI_EXPLAIN_H
#define VMSIM_CLI_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "../../kernel/mm/mm.h"
#include "../../machine/mmu.h"

#define EXPLAIN_DEFAULT_LIMIT 50

struct explain;

/* A narrator writing to out. NULL on OOM. */
struct explain *explain_new(FILE *out, unsigned long long limit, bool hits);

/* One mmu_translate (an mmu_observe_fn's arguments), by process pid at
 * time `when` (a label: "t=123 insns", "line 4"). */
void explain_translation(struct explain *x, int pid, const char *when, const struct mmu *m,
                         vaddr_t a, enum access acc, int rc, const struct translation *tr,
                         const struct walk_trace *trace);

/* A kernel event: faults (and COW copies, page-ins, swap-ins that belong to
 * one) are told within the narration of the access that faulted. */
void explain_event(struct explain *x, int pid, const char *when, const struct vm_event *ev);

/* Prints "explain: limit reached, N more not shown" if narrations were
 * dropped, and frees x. */
void explain_finish(struct explain *x);

#endif
