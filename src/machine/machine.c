#include "machine.h"

#include <errno.h>
#include <stdlib.h>

void machine_config_default(struct machine_config *cfg)
{
    cfg->mem_bytes = MACHINE_DEFAULT_MEM;
    cfg->tlb_sets = MACHINE_DEFAULT_TLB_SETS;
    cfg->tlb_ways = MACHINE_DEFAULT_TLB_WAYS;
    cfg->nharts = 1;
}

struct machine *machine_new(const struct machine_config *cfg)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    int err = physmem_init(&m->pm, cfg->mem_bytes);
    if (err) {
        free(m);
        errno = -err;
        return NULL;
    }
    m->nharts = cfg->nharts > 0 ? cfg->nharts : 1;
    m->harts = calloc((size_t)m->nharts, sizeof *m->harts);
    if (!m->harts)
        goto fail;
    for (int i = 0; i < m->nharts; i++)
        if ((err = hart_init(&m->harts[i], &m->pm, cfg->tlb_sets, cfg->tlb_ways)) != 0) {
            while (--i >= 0)
                hart_fini(&m->harts[i]);
            free(m->harts);
            m->harts = NULL;
            errno = -err;
            goto fail;
        }
    return m;
fail:
    physmem_fini(&m->pm);
    free(m);
    return NULL;
}

void machine_free(struct machine *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->nharts && m->harts; i++)
        hart_fini(&m->harts[i]);
    free(m->harts);
    physmem_fini(&m->pm);
    free(m);
}

void machine_flush_page(struct machine *m, uint16_t asid, vaddr_t a)
{
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_page(&m->harts[i].mmu, asid, a);
        hart_code_flush_page(&m->harts[i], asid, a);
    }
}

void machine_flush_asid(struct machine *m, uint16_t asid)
{
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_asid(&m->harts[i].mmu, asid);
        hart_code_flush_all(&m->harts[i]);
    }
}

void machine_flush_all(struct machine *m)
{
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_all(&m->harts[i].mmu);
        hart_code_flush_all(&m->harts[i]);
    }
}
