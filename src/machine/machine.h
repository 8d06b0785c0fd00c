/* The simulated machine: physical memory and its harts. Knows nothing of
 * processes or files; the kernel drives it. No globals: several machines can
 * live in one host process. */
#ifndef VMSIM_MACHINE_MACHINE_H
#define VMSIM_MACHINE_MACHINE_H

#include "hart.h"

#define MACHINE_DEFAULT_MEM (256ULL << 20)
#define MACHINE_DEFAULT_TLB_SETS 64
/* Set-associative by default: processes share one layout (no randomization),
 * so in a direct-mapped TLB the same page of two ASIDs would evict each other. */
#define MACHINE_DEFAULT_TLB_WAYS 4

struct machine_config {
    uint64_t mem_bytes;     /* RAM size */
    unsigned tlb_sets, tlb_ways;
    int nharts;             /* 1 for now */
};

struct machine {
    struct machine_config cfg;
    struct physmem pm;
    int nharts;
    struct hart *harts;
};

/* Fills *cfg with the defaults. */
void machine_config_default(struct machine_config *cfg);

/* Builds a machine; NULL (with errno) on failure. */
struct machine *machine_new(const struct machine_config *cfg);
void machine_free(struct machine *m);

/* sfence.vma on every hart: the kernel calls these after changing or removing
 * a PTE that may be cached. They also drop decoded code of the page. */
void machine_flush_page(struct machine *m, uint16_t asid, vaddr_t a);
void machine_flush_asid(struct machine *m, uint16_t asid);
void machine_flush_all(struct machine *m);

#endif
