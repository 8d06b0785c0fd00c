/* The frame table: allocator, reference counts, reverse map. See frames.h. */
#include "frames.h"

#include "policy.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES_SHUFFLE_SEED 0x5eed5eed12345678ULL

/* splitmix64: a small, good, deterministic generator for the shuffle. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int frames_init(struct frames *ft, struct physmem *pm)
{
    *ft = (struct frames){.pm = pm, .n = pm->nframes, .free_head = FRAME_NONE};
    if (ft->n >= FRAME_NONE)
        return -ENOMEM;
    ft->f = calloc(ft->n ? ft->n : 1, sizeof *ft->f);
    uint32_t *order = malloc((ft->n ? ft->n : 1) * sizeof *order);
    if (!ft->f || !order) {
        free(ft->f);
        free(order);
        ft->f = NULL;
        return -ENOMEM;
    }
    /* Fisher-Yates with a fixed seed: the same machine size always gives the
     * same scattered order. */
    for (uint64_t i = 0; i < ft->n; i++)
        order[i] = (uint32_t)i;
    uint64_t seed = FRAMES_SHUFFLE_SEED;
    for (uint64_t i = ft->n; i > 1; i--) {
        uint64_t j = splitmix64(&seed) % i;
        uint32_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (uint64_t i = ft->n; i-- > 0;) {
        ft->f[order[i]].swap = SWAP_NO_SLOT;
        ft->f[order[i]].next_free = ft->free_head;
        ft->free_head = order[i];
    }
    free(order);
    ft->count[FRAME_FREE] = ft->n;
    return 0;
}

void frames_fini(struct frames *ft)
{
    if (!ft->f)
        return;
    for (uint64_t i = 0; i < ft->n; i++)
        free(ft->f[i].rmap);
    free(ft->f);
    ft->f = NULL;
}

bool frames_is_ram(const struct frames *ft, pfn_t f)
{
    return f.n >= ft->pm->ram_first.n && f.n - ft->pm->ram_first.n < ft->n;
}

struct frame *frame_of(struct frames *ft, pfn_t f)
{
    assert(frames_is_ram(ft, f));
    return &ft->f[f.n - ft->pm->ram_first.n];
}

pfn_t frame_pfn(const struct frames *ft, const struct frame *fr)
{
    return pfn(ft->pm->ram_first.n + (uint64_t)(fr - ft->f));
}

static bool use_is_user(enum frame_use use)
{
    return use == FRAME_ANON || use == FRAME_FILE;
}

int frame_alloc(struct frames *ft, enum frame_use use, pfn_t *out)
{
    assert(use != FRAME_FREE && use < FRAME_NUSES);
    bool user = use_is_user(use);
    bool at_limit = user && ft->limit && frames_user(ft) >= ft->limit;
    if (ft->reclaim && (ft->free_head == FRAME_NONE || ft->count[FRAME_FREE] < ft->low || at_limit))
        ft->reclaim(ft->reclaim_ctx, user);
    if (ft->free_head == FRAME_NONE)
        return -ENOMEM;
    if (user && ft->limit && frames_user(ft) >= ft->limit)
        return -ENOMEM;
    uint32_t i = ft->free_head;
    struct frame *fr = &ft->f[i];
    assert(fr->use == FRAME_FREE && fr->refcount == 0 && fr->mapcount == 0);
    ft->free_head = fr->next_free;
    fr->next_free = FRAME_NONE;
    fr->use = (uint8_t)use;
    fr->refcount = 1;
    fr->dirty = false;
    fr->owner = NULL;
    fr->index = 0;
    fr->swap = SWAP_NO_SLOT;
    ft->count[FRAME_FREE]--;
    ft->count[use]++;
    *out = frame_pfn(ft, fr);
    memset(frame_bytes(ft, *out), 0, PAGE_SIZE);
    if (user && ft->policy)
        ft->policy->ops->on_map(ft->policy, i);
    return 0;
}

void frame_get(struct frames *ft, pfn_t f)
{
    struct frame *fr = frame_of(ft, f);
    assert(fr->use != FRAME_FREE && fr->refcount > 0);
    fr->refcount++;
}

void frame_put(struct frames *ft, pfn_t f)
{
    struct frame *fr = frame_of(ft, f);
    assert(fr->use != FRAME_FREE && fr->refcount > 0);
    if (--fr->refcount > 0)
        return;
    assert(fr->mapcount == 0 && fr->swap == SWAP_NO_SLOT);
    if (use_is_user(fr->use) && ft->policy)
        ft->policy->ops->on_unmap(ft->policy, (uint32_t)(fr - ft->f));
    ft->count[fr->use]--;
    ft->count[FRAME_FREE]++;
    fr->use = FRAME_FREE;
    fr->dirty = false;
    fr->owner = NULL;
    fr->index = 0;
    free(fr->rmap);
    fr->rmap = NULL;
    fr->rmap_cap = 0;
    /* LIFO: a frame just freed is the next one handed out. */
    fr->next_free = ft->free_head;
    ft->free_head = (uint32_t)(fr - ft->f);
}

int frame_map(struct frames *ft, pfn_t f, struct mm *mm, uint64_t va)
{
    struct frame *fr = frame_of(ft, f);
    assert(fr->use != FRAME_FREE && fr->use != FRAME_PAGETABLE);
    if (fr->mapcount == fr->rmap_cap) {
        uint32_t cap = fr->rmap_cap ? fr->rmap_cap * 2 : 2;
        struct rmap_ent *r = realloc(fr->rmap, cap * sizeof *r);
        if (!r)
            return -ENOMEM;
        fr->rmap = r;
        fr->rmap_cap = cap;
    }
    fr->rmap[fr->mapcount++] = (struct rmap_ent){mm, va};
    fr->refcount++;
    return 0;
}

void frame_unmap(struct frames *ft, pfn_t f, struct mm *mm, uint64_t va)
{
    struct frame *fr = frame_of(ft, f);
    for (uint32_t i = 0; i < fr->mapcount; i++)
        if (fr->rmap[i].mm == mm && fr->rmap[i].va == va) {
            fr->rmap[i] = fr->rmap[--fr->mapcount];
            return;
        }
    fprintf(stderr, "vmsim: frame_unmap: pfn 0x%llx has no rmap entry for va 0x%llx\n",
            (unsigned long long)f.n, (unsigned long long)va);
    abort();
}

void frame_rmap_move(struct frames *ft, pfn_t f, struct mm *mm, uint64_t from, uint64_t to)
{
    struct frame *fr = frame_of(ft, f);
    for (uint32_t i = 0; i < fr->mapcount; i++)
        if (fr->rmap[i].mm == mm && fr->rmap[i].va == from) {
            fr->rmap[i].va = to;
            return;
        }
    fprintf(stderr, "vmsim: frame_rmap_move: pfn 0x%llx has no rmap entry for va 0x%llx\n",
            (unsigned long long)f.n, (unsigned long long)from);
    abort();
}

const char *frame_use_name(enum frame_use u)
{
    static const char *const names[FRAME_NUSES] = {"free", "anon", "file", "pagetable", "kernel"};
    return u < FRAME_NUSES ? names[u] : "?";
}
