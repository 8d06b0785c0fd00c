/* Miss-ratio curves (`vmsim trace --mrc`): the miss ratio of every
 * replacement policy at a range of memory sizes, computed from the page
 * reference string itself (not through the kernel), with the textbook
 * definitions of the policies:
 *
 *   lru     Mattson's stack algorithm, one pass for every size: the stack
 *           distance of each reference (distinct pages since its last use,
 *           counted with a Fenwick tree over time, O(log n)); a reference
 *           misses in every memory smaller than its distance.
 *   opt     Belady's MIN as a stack algorithm (Mattson et al. 1970), one
 *           pass: the stack is kept in priority order (the page used next
 *           ranks first); each reference is brought to the top and the pages
 *           above its old place are pushed down, the later-used of the
 *           carried page and the page at each level going on down. The stack
 *           is kept to the largest size asked for, O(that size) per miss.
 *   fifo    one simulation per size (a ring of the resident pages).
 *   clock   one simulation per size: second chance, a page comes in with its
 *           referenced bit set, a hit sets it, the hand clears it.
 *   random  one simulation per size, a fixed seed (the victim uniform among
 *           resident pages).
 *
 * Pages are (process, virtual page) pairs; consecutive references to the same
 * page are merged first: the second is a hit in every memory of at least one
 * page under every one of these policies and changes no state a later
 * decision reads (LRU's order, clock's bit already set, OPT's next use at the
 * next miss), so no fault count changes; the ratio's denominator is still the
 * trace's own reference count.
 *
 * Long traces are sampled as SHARDS does (Waldspurger et al., FAST'15): a
 * page is kept when a hash of it falls under rate R, and a memory of s pages
 * is estimated by one of s*R pages of the sample. The error is stated with
 * the result (SHARDS measured a mean absolute error of ~0.002 at R = 0.01 on
 * real traces); --mrc-exact turns sampling off. */
#ifndef VMSIM_CLI_TRACE_MRC_H
#define VMSIM_CLI_TRACE_MRC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_parse.h"

enum mrc_policy { MRC_LRU, MRC_OPT, MRC_FIFO, MRC_CLOCK, MRC_RANDOM, MRC_NPOL };
extern const char *const mrc_policy_names[MRC_NPOL];

struct mrc_opts {
    uint64_t size_lo, size_hi; /* 0, 0: 1 .. the footprint */
    uint64_t sample_limit;     /* merged references above which SHARDS samples (0: never) */
    uint64_t seed;             /* random's */
    bool csv;
    const char *html; /* or NULL */
};

struct mrc_result {
    uint64_t refs;       /* references of the trace (page accesses) */
    uint64_t merged;     /* after merging consecutive repeats */
    uint64_t footprint;  /* distinct pages */
    double rate;         /* SHARDS sampling rate, 1 when exact */
    uint64_t nsizes;
    uint64_t *sizes;
    double *ratio[MRC_NPOL]; /* [policy][size index] */
};

/* A page-reference string being collected (for front ends that make one:
 * the demo records its own run). */
struct mrc_input;
struct mrc_input *mrc_input_new(void); /* NULL on OOM */
/* One reference to page vpn of process pid. 0 or -ENOMEM. */
int mrc_input_add(struct mrc_input *in, uint32_t pid, uint64_t vpn);
/* The curves of what was added (in may be sampled on the way). 0 or -ENOMEM. */
int mrc_input_compute(struct mrc_input *in, const struct mrc_opts *o, struct mrc_result *out);
void mrc_input_free(struct mrc_input *in);

/* Reads the whole trace from rd and computes the curves. 0, -ENOMEM, or 2
 * after printing a parse error (name is the trace's name for messages). */
int mrc_compute(struct trace_reader *rd, const char *name, const struct mrc_opts *o,
                struct mrc_result *out);
void mrc_result_fini(struct mrc_result *r);

/* The table (size and one ratio column per policy), or CSV. */
void mrc_print(const struct mrc_result *r, const struct mrc_opts *o, FILE *out);
/* A self-contained HTML page with the curves drawn as inline SVG. 0 or -errno. */
int mrc_write_html(const struct mrc_result *r, const char *path, const char *title);

/* The algorithms on a string of page ids 0..npages-1 (for tests and the
 * demo): misses[i] for memory sizes[i] (sizes ascending), cold misses
 * included. */
void mrc_lru(const uint32_t *s, uint64_t n, uint32_t npages, const uint64_t *sizes,
             uint64_t nsizes, uint64_t *misses);
void mrc_opt(const uint32_t *s, uint64_t n, uint32_t npages, const uint64_t *sizes,
             uint64_t nsizes, uint64_t *misses);
uint64_t mrc_sim(enum mrc_policy p, const uint32_t *s, uint64_t n, uint32_t npages,
                 uint64_t size, uint64_t seed);

#endif
