/* libFuzzer target for the code translator: the input is two pages of code
 * (and the first bytes double as register values). It is mapped RX at
 * CODE in two fresh machines, one interpreting and one translating, next to
 * RW, read-only and unmapped data pages; both run from every 64th offset of
 * the code, with small instruction budgets, until a trap or 2000
 * instructions. Anything that differs between them (trap, pc, registers,
 * instret, TLB and MMU counters, data) aborts, as does any crash of the
 * translator or its generated code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/hart_env.h"
#include "machine/jit.h"

#define CODE 0x10000ULL
#define DATA 0x200000ULL

struct side {
    struct hart_env e;
    uint8_t *data[3];
};

static void make(struct side *s, int engine, const uint8_t *code, size_t n)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 1ULL << 20;
    cfg.engine = engine;
    cfg.jit_cache = 64u << 10;
    cfg.tlb_sets = 2;
    cfg.tlb_ways = 2;
    s->e.m = machine_new(&cfg);
    if (!s->e.m)
        abort();
    s->e.h = &s->e.m->harts[0];
    s->e.next_pfn = s->e.m->pm.ram_first.n;
    s->e.root = env_frame(&s->e);
    mmu_set_satp(&s->e.h->mmu, satp_make(ENV_ASID, s->e.root));
    for (int p = 0; p < 2; p++) {
        uint8_t *c = env_map(&s->e, CODE + p * PAGE_SIZE, PTE_R | PTE_X);
        size_t off = p * PAGE_SIZE;
        if (off < n)
            memcpy(c, code + off, n - off < PAGE_SIZE ? n - off : PAGE_SIZE);
    }
    s->data[0] = env_map(&s->e, DATA, PTE_R | PTE_W);
    s->data[1] = env_map(&s->e, DATA + PAGE_SIZE, PTE_R);
    s->data[2] = env_map(&s->e, DATA + 3 * PAGE_SIZE, PTE_R | PTE_W);   /* DATA + 2 pages: unmapped */
}

static void same(const struct side *a, const struct side *b, const struct trap *ta,
                 const struct trap *tb)
{
    const struct hart *x = a->e.h, *y = b->e.h;
    if (ta->cause != tb->cause || ta->tval != tb->tval || ta->pc != tb->pc || x->pc != y->pc ||
        x->instret != y->instret || x->fcsr != y->fcsr || x->reservation != y->reservation ||
        memcmp(x->x, y->x, 32 * 8) || memcmp(x->f, y->f, sizeof x->f) ||
        memcmp(&x->mmu.tlb.stats, &y->mmu.tlb.stats, sizeof x->mmu.tlb.stats) ||
        memcmp(&x->mmu.stats, &y->mmu.stats, sizeof x->mmu.stats))
        abort();
    for (int i = 0; i < 3; i++)
        if (memcmp(a->data[i], b->data[i], PAGE_SIZE))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!jit_available() || size < 8)
        return 0;
    if (size > 2 * PAGE_SIZE)
        size = 2 * PAGE_SIZE;
    struct side a, b;
    make(&a, MACHINE_ENGINE_INTERP, data, size);
    make(&b, MACHINE_ENGINE_JIT, data, size);
    for (uint64_t start = 0; start < size; start += 64) {
        for (int r = 1; r < 32; r++) {
            uint64_t v;
            memcpy(&v, data + (r * 8) % (size - 7), 8);
            if (r >= 8 && r <= 15)   /* pointers near the data pages */
                v = DATA + (v & 0x3fff);
            a.e.h->x[r] = b.e.h->x[r] = v;
        }
        a.e.h->pc = b.e.h->pc = CODE + start;
        uint64_t done = 0;
        for (int step = 0; step < 100 && done < 2000; step++) {
            uint64_t budget = 1 + (uint64_t)((data[(start + step) % size] * 7 + step) % 97);
            struct trap ta, tb;
            hart_run(a.e.h, budget, &ta);
            hart_run(b.e.h, budget, &tb);
            same(&a, &b, &ta, &tb);
            done += budget;
            if (ta.cause != TRAP_QUANTUM)
                break;
        }
    }
    env_fini(&a.e);
    env_fini(&b.e);
    return 0;
}
