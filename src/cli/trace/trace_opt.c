#include "trace_opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static int map_alloc(struct page_map *m, uint64_t cap)
{
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    if (!m->keys || !m->vals) {
        free(m->keys);
        free(m->vals);
        m->keys = m->vals = NULL;
        return -ENOMEM;
    }
    m->cap = cap;
    m->used = 0;
    return 0;
}

int page_map_init(struct page_map *m)
{
    return map_alloc(m, 1024);
}

void page_map_fini(struct page_map *m)
{
    free(m->keys);
    free(m->vals);
    *m = (struct page_map){0};
}

static uint64_t *slot(const struct page_map *m, uint64_t key)
{
    uint64_t i = hash64(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return &m->keys[i];
}

int page_map_put(struct page_map *m, uint64_t vpage, uint64_t val)
{
    uint64_t key = vpage + 1;
    uint64_t *k = slot(m, key);
    if (!*k) {
        if ((m->used + 1) * 2 > m->cap) { /* keep the load under one half */
            struct page_map old = *m;
            if (map_alloc(m, old.cap * 2) < 0) {
                *m = old;
                return -ENOMEM;
            }
            for (uint64_t i = 0; i < old.cap; i++)
                if (old.keys[i]) {
                    uint64_t *s = slot(m, old.keys[i]);
                    *s = old.keys[i];
                    m->vals[s - m->keys] = old.vals[i];
                    m->used++;
                }
            page_map_fini(&old);
            k = slot(m, key);
        }
        *k = key;
        m->used++;
    }
    m->vals[k - m->keys] = val;
    return 0;
}

uint64_t page_map_get(const struct page_map *m, uint64_t vpage, uint64_t dflt)
{
    const uint64_t *k = slot(m, vpage + 1);
    return *k ? m->vals[k - m->keys] : dflt;
}

void trace_future_init(struct trace_future *f)
{
    *f = (struct trace_future){0};
}

void trace_future_fini(struct trace_future *f)
{
    free(f->acc);
    free(f->next);
    page_map_fini(&f->upcoming);
    *f = (struct trace_future){0};
}

int trace_future_add(struct trace_future *f, uint64_t vpage, unsigned access)
{
    if (f->n == f->cap) {
        uint64_t cap = f->cap ? f->cap * 2 : 4096;
        uint64_t *a = realloc(f->acc, cap * sizeof *a);
        if (!a)
            return -ENOMEM;
        f->acc = a;
        f->cap = cap;
    }
    f->acc[f->n++] = vpage << 2 | access;
    return 0;
}

int trace_future_finish(struct trace_future *f)
{
    f->next = malloc((f->n ? f->n : 1) * sizeof *f->next);
    if (!f->next)
        return -ENOMEM;
    struct page_map last; /* vpage -> the earliest access seen so far (going backward) */
    if (page_map_init(&last) < 0)
        return -ENOMEM;
    for (uint64_t i = f->n; i-- > 0;) {
        uint64_t vpage = f->acc[i] >> 2;
        f->next[i] = page_map_get(&last, vpage, TRACE_NEVER);
        if (page_map_put(&last, vpage, i) < 0) {
            page_map_fini(&last);
            return -ENOMEM;
        }
    }
    /* Before the replay, every page's next use is its first access: `last`
     * holds exactly that now. */
    f->upcoming = last;
    return 0;
}
