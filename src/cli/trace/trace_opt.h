/* The future of a trace, for Belady's OPT: the whole access sequence is kept
 * in memory (16 bytes per page access: the page and kind, and the index of
 * the next access to the same page), so OPT costs memory proportional to the
 * trace; every other policy replays in constant memory. */
#ifndef VMSIM_CLI_TRACE_OPT_H
#define VMSIM_CLI_TRACE_OPT_H

#include <stdint.h>

#define TRACE_NEVER UINT64_MAX

/* A map from virtual page number to a 64-bit value (open addressing). */
struct page_map {
    uint64_t *keys; /* vpage + 1; 0 = empty slot */
    uint64_t *vals;
    uint64_t cap, used; /* cap a power of two */
};

int page_map_init(struct page_map *m); /* 0 or -ENOMEM */
void page_map_fini(struct page_map *m);
int page_map_put(struct page_map *m, uint64_t vpage, uint64_t val); /* 0 or -ENOMEM */
/* The value for vpage, or dflt if it has none. */
uint64_t page_map_get(const struct page_map *m, uint64_t vpage, uint64_t dflt);

/* The recorded accesses of a trace and, after trace_future_finish, each
 * one's next use. */
struct trace_future {
    uint64_t *acc;  /* vpage << 2 | enum access */
    uint64_t *next; /* index of the next access to the same page, or TRACE_NEVER */
    uint64_t n, cap;
    struct page_map upcoming; /* during replay: vpage -> its next access */
};

void trace_future_init(struct trace_future *f);
void trace_future_fini(struct trace_future *f);
/* Appends one access. 0 or -ENOMEM. */
int trace_future_add(struct trace_future *f, uint64_t vpage, unsigned access);
/* Computes next[] (a backward pass) and prepares `upcoming`. 0 or -ENOMEM. */
int trace_future_finish(struct trace_future *f);

#endif
