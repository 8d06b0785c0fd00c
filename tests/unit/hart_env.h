/* Test helper: a machine whose hart 0 runs on hand-built Sv48 page tables,
 * without the kernel, so hart tests depend only on the machine layer. Frames
 * come from a bump allocator at the start of RAM. Header-only (each unit test
 * is one binary). */
#ifndef VMSIM_TESTS_HART_ENV_H
#define VMSIM_TESTS_HART_ENV_H

#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

#define ENV_ASID 5

struct hart_env {
    struct machine *m;
    struct hart *h;
    pfn_t root;
    uint64_t next_pfn;
};

static inline pfn_t env_frame(struct hart_env *e)
{
    if (e->next_pfn >= e->m->pm.ram_first.n + e->m->pm.nframes)
        abort();
    pfn_t f = pfn(e->next_pfn++);
    memset(physmem_frame(&e->m->pm, f), 0, PAGE_SIZE);
    return f;
}

static inline void env_init(struct hart_env *e, uint64_t mem)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = mem;
    e->m = machine_new(&cfg);
    if (!e->m)
        abort();
    e->h = &e->m->harts[0];
    e->next_pfn = e->m->pm.ram_first.n;
    e->root = env_frame(e);
    mmu_set_satp(&e->h->mmu, satp_make(ENV_ASID, e->root));
}

static inline void env_fini(struct hart_env *e) { machine_free(e->m); }

/* The level-0 PTE slot for va, creating the tables on the way. */
static inline pte_t *env_slot(struct hart_env *e, uint64_t a)
{
    pfn_t t = e->root;
    for (int level = 3; level > 0; level--) {
        pte_t *tab = (pte_t *)physmem_frame(&e->m->pm, t);
        pte_t *pe = &tab[sv48_index(va(a), level)];
        if (!pte_valid(*pe))
            *pe = pte_make(env_frame(e), PTE_V);
        t = pte_pfn(*pe);
    }
    return &((pte_t *)physmem_frame(&e->m->pm, t))[sv48_index(va(a), 0)];
}

/* Maps the page of va to a fresh zeroed frame with flags (PTE_R/W/X; U, V, A
 * and D are added) and returns its host address. */
static inline uint8_t *env_map(struct hart_env *e, uint64_t a, uint64_t flags)
{
    pfn_t f = env_frame(e);
    *env_slot(e, a) = pte_make(f, flags | PTE_V | PTE_U | PTE_A | PTE_D);
    machine_flush_page(e->m, ENV_ASID, va(a));
    return physmem_frame(&e->m->pm, f);
}

/* Maps the page of va to physical address p (a device page). */
static inline void env_map_pa(struct hart_env *e, uint64_t a, paddr_t p, uint64_t flags)
{
    *env_slot(e, a) = pte_make(pa_to_pfn(p), flags | PTE_V | PTE_U | PTE_A | PTE_D);
    machine_flush_page(e->m, ENV_ASID, va(a));
}

static inline void env_unmap(struct hart_env *e, uint64_t a)
{
    *env_slot(e, a) = (pte_t){0};
    machine_flush_page(e->m, ENV_ASID, va(a));
}

#endif
