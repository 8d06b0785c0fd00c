/* Placeholder until the interpreter lands (issue 3): a hart that can hold an
 * MMU, so the VM core and `vmsim script` work without a CPU. */
#include "hart.h"

int hart_init(struct hart *h, struct physmem *pm, unsigned tlb_sets, unsigned tlb_ways)
{
    *h = (struct hart){.reservation = UINT64_MAX};
    return mmu_init(&h->mmu, pm, tlb_sets, tlb_ways);
}

void hart_fini(struct hart *h) { mmu_fini(&h->mmu); }

void hart_run(struct hart *h, uint64_t max_insns, struct trap *out)
{
    *out = (struct trap){.cause = CAUSE_ILLEGAL_INSN, .pc = h->pc};
}

void hart_code_flush_page(struct hart *h, uint16_t asid, vaddr_t a) {}
void hart_code_flush_all(struct hart *h) {}
