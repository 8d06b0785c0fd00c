/* Memory over time (`vmsim run --timeline`): series sampled on the guest's
 * virtual clock, for the machine and for each process, kept in memory and
 * given to the reports (the JSON report's "timeline", the HTML page's
 * charts, Perfetto counter tracks in the events file, a CSV file).
 *
 * Sampling: after a scheduler turn (os->turn_hook), once the virtual clock
 * has passed the next sample time. The interval starts at 1 ms of guest time
 * (100 000 instructions), taken at the end of the first scheduler turn
 * (PROC_QUANTUM instructions at most) past it; when the machine's series
 * passes TIMELINE_MAX_POINTS points, every two neighbouring points become one (the
 * later one's levels, the sums of their per-interval counts) and the
 * interval doubles, so a run of any length keeps between half and all of
 * TIMELINE_MAX_POINTS points, evenly spaced.
 *
 * Series (levels are as at the sample; counts are per interval):
 *   rss_anon, rss_file, rss_shmem   resident pages (machine: frames by use)
 *   swap                            pages in swap
 *   pagecache, free                 machine only: page-cache pages, free frames
 *   wss                             working set: pages referenced during the
 *                                   interval, from the A bits (mm_sample_young;
 *                                   the machine's is the sum over processes)
 *   minor, major, cow, zero_fill    faults of the interval
 *   swapin, swapout                 pages read from / written to swap
 *   tlb_miss_rate                   machine only: misses / lookups of hart 0
 * Marks: fork, exec, exit and OOM kills with their time and pid. */
#ifndef VMSIM_CLI_TIMELINE_H
#define VMSIM_CLI_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../../kernel/mm/mm.h"

struct os;
struct json_object;
struct events_json;

#define TIMELINE_MAX_POINTS 4000
#define TIMELINE_START_NS 1000000ULL

enum tl_series {
    TL_RSS_ANON, TL_RSS_FILE, TL_RSS_SHMEM, TL_SWAP, TL_PAGECACHE, TL_FREE, TL_WSS, /* levels */
    TL_MINOR, TL_MAJOR, TL_COW, TL_ZERO, TL_SWPIN, TL_SWPOUT, TL_TLB_HITS, TL_TLB_MISSES,
    TL_NSERIES
};
#define TL_NLEVELS (TL_WSS + 1)
extern const char *const tl_series_names[TL_NSERIES];

struct tl_point {
    uint64_t t_ns;
    uint64_t v[TL_NSERIES];
};

struct tl_track {
    int pid;          /* 0: the machine */
    char name[16];
    struct mm *mm;    /* the address space the deltas are taken of */
    struct vm_counters last;
    uint64_t last_seen; /* sample number when last updated */
    struct tl_point *p;
    size_t n, cap;
};

struct tl_mark {
    uint64_t t_ns;
    enum vm_event_kind kind; /* VM_EV_FORK, _EXEC, _EXIT, _OOM_KILL */
    int pid, pid2;
    char name[16];
};

struct timeline {
    uint64_t interval_ns, next_ns, nsamples;
    size_t max_points;            /* TIMELINE_MAX_POINTS unless set (--timeline-points) */
    struct tl_track machine;
    uint64_t last_tlb_hits, last_tlb_misses;
    struct tl_track *procs;
    size_t nprocs, cap;
    struct tl_mark *marks;
    size_t nmarks, capm;
    struct events_json *counters; /* Perfetto counter tracks go here, or NULL */
    bool oom;                     /* host memory ran out: sampling stopped */
};

struct timeline *timeline_new(void);
void timeline_free(struct timeline *tl);

/* Takes a sample if the clock passed the next sample time (force: now). */
void timeline_tick(struct timeline *tl, struct os *os, bool force);
/* A process event (fork, exec, exit, OOM kill; others are ignored). */
void timeline_mark(struct timeline *tl, const struct vm_event *ev, int pid, double ts_us);

/* The "timeline" member of the JSON report (docs/report-schema.md). */
struct json_object *timeline_json(const struct timeline *tl);
/* CSV: t_ms,pid,name,<series...> a line per point, the machine as pid 0. */
int timeline_write_csv(const struct timeline *tl, const char *path, FILE *err);

/* The charts of the HTML report: a script that draws data.timeline into
 * the element #timeline (report_html.c includes both). */
extern const char timeline_js[];
extern const char timeline_css[];

#endif
