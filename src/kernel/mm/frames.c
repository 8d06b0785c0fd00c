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

/* The frame index of the k-th fresh frame: a 4-round Feistel network over
 * [0, 2^fresh_bits) keyed by a fixed seed, walked until it lands below n (a
 * permutation of [0, n), so every frame comes out exactly once). The same
 * machine size always gives the same scattered order, like a shuffled free
 * list, without building one. */
static uint32_t fresh_frame(const struct frames *ft, uint64_t k)
{
    unsigned half = ft->fresh_bits / 2;
    uint64_t mask = (1ULL << half) - 1, x = k;
    do {
        uint64_t l = x >> half, r = x & mask;
        for (uint64_t round = 0; round < 4; round++) {
            uint64_t s = FRAMES_SHUFFLE_SEED ^ (round << 32) ^ r;
            uint64_t nl = r;
            r = (l ^ splitmix64(&s)) & mask;
            l = nl;
        }
        x = (l << half) | r;
    } while (x >= ft->n);
    return (uint32_t)x;
}

int frames_init(struct frames *ft, struct physmem *pm)
{
    *ft = (struct frames){.pm = pm, .n = pm->nframes, .free_head = FRAME_NONE};
    if (ft->n >= FRAME_NONE)
        return -ENOMEM;
    /* calloc: the host hands out zero pages lazily; a zeroed entry is a free
     * frame (use FRAME_FREE), fields a fresh frame needs are set when it is
     * first allocated. */
    ft->f = calloc(ft->n ? ft->n : 1, sizeof *ft->f);
    if (!ft->f)
        return -ENOMEM;
    ft->fresh_bits = 2;
    while ((1ULL << ft->fresh_bits) < ft->n)
        ft->fresh_bits += 2;
    ft->count[FRAME_FREE] = ft->n;
    return 0;
}

void frames_fini(struct frames *ft)
{
    if (!ft->f)
        return;
    /* Only frames handed out at some time can hold a reverse map: a walk
     * over all n would touch every page of a large, mostly unused table. */
    for (uint64_t k = 0; k < ft->fresh_next; k++)
        free(ft->f[fresh_frame(ft, k)].rmap);
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
    if (ft->reclaim && (frames_exhausted(ft) || ft->count[FRAME_FREE] < ft->low || at_limit))
        ft->reclaim(ft->reclaim_ctx, user);
    if (ft->fail_alloc) {
        ft->fail_alloc = false;
        return -ENOMEM;
    }
    if (frames_exhausted(ft))
        return -ENOMEM;
    if (user && ft->limit && frames_user(ft) >= ft->limit)
        return -ENOMEM;
    uint32_t i;
    if (ft->free_head != FRAME_NONE) {
        i = ft->free_head;
        ft->free_head = ft->f[i].next_free;
    } else {
        i = fresh_frame(ft, ft->fresh_next++);
    }
    struct frame *fr = &ft->f[i];
    assert(fr->use == FRAME_FREE && fr->refcount == 0 && fr->mapcount == 0);
    fr->next_free = FRAME_NONE;
    fr->use = (uint8_t)use;
    fr->refcount = 1;
    fr->dirty = false;
    fr->quota_res = false;
    fr->owner = NULL;
    fr->index = 0;
    fr->swap = SWAP_NO_SLOT;
    fr->workingset = false;
    fr->lazyfree = false;
    fr->young = false;
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
    fr->quota_res = false;
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
