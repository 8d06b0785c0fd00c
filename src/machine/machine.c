#include "machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jit.h"

void machine_config_default(struct machine_config *cfg)
{
    cfg->mem_bytes = MACHINE_DEFAULT_MEM;
    cfg->tlb_sets = MACHINE_DEFAULT_TLB_SETS;
    cfg->tlb_ways = MACHINE_DEFAULT_TLB_WAYS;
    cfg->nharts = MACHINE_DEFAULT_HARTS;
    cfg->fb_width = FB_DEFAULT_WIDTH;
    cfg->fb_height = FB_DEFAULT_HEIGHT;
    cfg->engine = machine_default_engine();
    cfg->jit_cache = JIT_DEFAULT_CACHE;
    cfg->jit_stats = false;
    cfg->jit_dump = false;
    cfg->jit_dump_pc = 0;
}

int machine_default_engine(void)
{
    const char *e = getenv("VMSIM_ENGINE");
    if (e && strcmp(e, "interp") == 0)
        return MACHINE_ENGINE_INTERP;
    return jit_available() ? MACHINE_ENGINE_JIT : MACHINE_ENGINE_INTERP;
}

/* The devices of decision 14: the timer reads hart 0's clock. */
static int devices_init(struct machine *m, const struct machine_config *cfg)
{
    int err = timer_attach(&m->timer, &m->pm, &m->harts[0], 1);
    if (err || cfg->fb_width == 0 || cfg->fb_height == 0)
        return err;
    if ((err = fb_init(&m->fb, cfg->fb_width, cfg->fb_height)) != 0)
        return err;
    m->has_fb = true;
    return fb_attach(&m->fb, &m->pm);
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
    if (m->nharts > MACHINE_MAX_HARTS)
        m->nharts = MACHINE_MAX_HARTS;
    for (int i = 0; i < MACHINE_MAX_HARTS; i++)
        m->live_asid[i] = -1;
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
    if (cfg->engine == MACHINE_ENGINE_JIT)
        for (int i = 0; i < m->nharts; i++)
            if (!(m->harts[i].jit = jit_new(&m->harts[i], cfg->jit_cache))) {
                err = errno;
                machine_free(m);
                errno = err;
                return NULL;
            }
    if (cfg->engine == MACHINE_ENGINE_JIT && cfg->jit_dump)
        jit_dump_at(m->harts[0].jit, cfg->jit_dump_pc, stderr);
    if ((err = devices_init(m, cfg)) != 0) {
        machine_free(m);
        errno = -err;
        return NULL;
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
    for (int i = 0; i < m->nharts && m->harts; i++) {
        if (m->cfg.jit_stats && m->harts[i].jit)
            jit_print_stats(m->harts[i].jit, stderr);
        hart_fini(&m->harts[i]);
    }
    free(m->harts);
    if (m->has_fb)
        fb_fini(&m->fb);
    physmem_fini(&m->pm);
    free(m);
}

void machine_set_hart(struct machine *m, int i, uint16_t asid)
{
    m->cur_hart = i;
    m->live_asid[i] = asid;
    m->timer.h = &m->harts[i];
}

/* The other harts with asid live (every other hart with any ASID for ALL),
 * counted as one shootdown; the caller's own flush counted as local. */
static uint64_t shootdown(struct machine *m, int what, uint16_t asid)
{
    uint64_t remote = 0;
    unsigned n = 0;
    for (int i = 0; i < m->nharts; i++) {
        bool live = m->live_asid[i] >= 0 && (what == MACHINE_FLUSH_ALL || m->live_asid[i] == asid);
        if (!live)
            continue;
        if (i == m->cur_hart) {
            if (what == MACHINE_FLUSH_PAGE)
                m->tlbstat.nr_tlb_local_flush_one++;
            else
                m->tlbstat.nr_tlb_local_flush_all++;
            continue;
        }
        remote |= 1ULL << i;
        n++;
    }
    if (n) {
        m->tlbstat.nr_tlb_remote_flush++;
        m->tlbstat.nr_tlb_remote_flush_received += n;
    }
    return remote;
}

void machine_flush_page(struct machine *m, uint16_t asid, vaddr_t a)
{
    uint64_t remote = shootdown(m, MACHINE_FLUSH_PAGE, asid);
    if (m->flush_hook)
        m->flush_hook(m->flush_ctx, MACHINE_FLUSH_PAGE, asid, a, remote);
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_page(&m->harts[i].mmu, asid, a);
        hart_code_flush_page(&m->harts[i], asid, a);
    }
}

void machine_flush_asid(struct machine *m, uint16_t asid)
{
    uint64_t remote = shootdown(m, MACHINE_FLUSH_ASID, asid);
    if (m->flush_hook)
        m->flush_hook(m->flush_ctx, MACHINE_FLUSH_ASID, asid, va(0), remote);
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_asid(&m->harts[i].mmu, asid);
        hart_code_flush_all(&m->harts[i]);
    }
}

void machine_flush_all(struct machine *m)
{
    uint64_t remote = shootdown(m, MACHINE_FLUSH_ALL, 0);
    if (m->flush_hook)
        m->flush_hook(m->flush_ctx, MACHINE_FLUSH_ALL, 0, va(0), remote);
    for (int i = 0; i < m->nharts; i++) {
        mmu_flush_all(&m->harts[i].mmu);
        hart_code_flush_all(&m->harts[i]);
    }
}

void machine_set_page_trace(struct machine *m, struct page_trace *t)
{
    for (int i = 0; i < m->nharts; i++)
        m->harts[i].ptrace = t;
}
