/* Memory over time: sampling and the series (timeline.h). */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include "../../kernel/core/kernel.h"
#include "events_json.h"

const char *const tl_series_names[TL_NSERIES] = {
    "rss_anon", "rss_file", "rss_shmem", "swap", "pagecache", "free", "wss",
    "minor", "major", "cow", "zero_fill", "swapin", "swapout", "tlb_hits", "tlb_misses",
};

struct timeline *timeline_new(void)
{
    struct timeline *tl = calloc(1, sizeof *tl);
    if (tl) {
        tl->interval_ns = TIMELINE_START_NS;
        tl->max_points = TIMELINE_MAX_POINTS;
    }
    return tl;
}

void timeline_free(struct timeline *tl)
{
    if (!tl)
        return;
    free(tl->machine.p);
    for (size_t i = 0; i < tl->nprocs; i++)
        free(tl->procs[i].p);
    free(tl->procs);
    free(tl->marks);
    free(tl);
}

static struct tl_point *add_point(struct timeline *tl, struct tl_track *t, uint64_t now)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct tl_point *p = realloc(t->p, cap * sizeof *p);
        if (!p) {
            tl->oom = true;
            return NULL;
        }
        t->p = p;
        t->cap = cap;
    }
    struct tl_point *pt = &t->p[t->n++];
    memset(pt, 0, sizeof *pt);
    pt->t_ns = now;
    return pt;
}

/* Every two neighbours become one: the later levels, the summed counts. */
static void halve(struct tl_track *t)
{
    size_t w = 0;
    for (size_t i = 0; i < t->n; i += 2, w++) {
        struct tl_point m = t->p[i];
        if (i + 1 < t->n) {
            const struct tl_point *b = &t->p[i + 1];
            m.t_ns = b->t_ns;
            for (int s = 0; s < TL_NSERIES; s++)
                m.v[s] = s < TL_NLEVELS ? b->v[s] : m.v[s] + b->v[s];
        }
        t->p[w] = m;
    }
    t->n = w;
}

static uint64_t delta(uint64_t now, uint64_t before)
{
    return now >= before ? now - before : now;
}

/* The interval's counts from counters c (the track's last ones before). */
static void counts(struct tl_point *pt, struct tl_track *t, const struct vm_counters *c)
{
    pt->v[TL_MINOR] = delta(c->minor_faults, t->last.minor_faults);
    pt->v[TL_MAJOR] = delta(c->major_faults, t->last.major_faults);
    pt->v[TL_COW] = delta(c->cow_faults, t->last.cow_faults);
    pt->v[TL_ZERO] = delta(c->zero_fills, t->last.zero_fills);
    pt->v[TL_SWPIN] = delta(c->pswpin, t->last.pswpin);
    pt->v[TL_SWPOUT] = delta(c->pswpout, t->last.pswpout);
    t->last = *c;
}

static struct tl_track *track_of(struct timeline *tl, int pid)
{
    for (size_t i = tl->nprocs; i-- > 0;)
        if (tl->procs[i].pid == pid)
            return &tl->procs[i];
    if (tl->nprocs == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 16;
        struct tl_track *v = realloc(tl->procs, cap * sizeof *v);
        if (!v) {
            tl->oom = true;
            return NULL;
        }
        tl->procs = v;
        tl->cap = cap;
    }
    struct tl_track *t = &tl->procs[tl->nprocs++];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    return t;
}

static void counter_tracks(struct timeline *tl, int pid, const struct tl_point *pt, bool machine)
{
    if (!tl->counters)
        return;
    double ts = (double)pt->t_ns / 1000.0;
    const char *mem[] = {"anon", "file", "shmem", "swap"};
    uint64_t memv[] = {pt->v[TL_RSS_ANON], pt->v[TL_RSS_FILE], pt->v[TL_RSS_SHMEM], pt->v[TL_SWAP]};
    events_json_counter(tl->counters, pid, "rss (pages)", ts, 4, mem, memv);
    const char *ws[] = {"wss"};
    events_json_counter(tl->counters, pid, "working set (pages)", ts, 1, ws, &pt->v[TL_WSS]);
    const char *fl[] = {"minor", "major", "cow", "zero_fill", "swapin", "swapout"};
    events_json_counter(tl->counters, pid, "faults per interval", ts, 6, fl, &pt->v[TL_MINOR]);
    if (machine) {
        const char *mc[] = {"pagecache", "free"};
        events_json_counter(tl->counters, pid, "page cache and free (pages)", ts, 2, mc,
                            &pt->v[TL_PAGECACHE]);
        const char *tn[] = {"misses_per_1000"};
        uint64_t look = pt->v[TL_TLB_HITS] + pt->v[TL_TLB_MISSES];
        uint64_t rate = look ? pt->v[TL_TLB_MISSES] * 1000 / look : 0;
        events_json_counter(tl->counters, pid, "tlb misses per 1000 lookups", ts, 1, tn, &rate);
    }
}

static void sample(struct timeline *tl, struct os *os, uint64_t now)
{
    tl->nsamples++;
    uint64_t wss_sum = 0;
    for (struct proc *p = os->procs; p; p = p->next) {
        if (p->exited || !p->mm || p->mm_borrowed)
            continue;
        struct tl_track *t = track_of(tl, p->pid);
        if (!t)
            return;
        memcpy(t->name, p->comm, sizeof t->name);
        t->name[sizeof t->name - 1] = 0;
        if (t->mm != p->mm) { /* new, or exec gave it a new address space */
            t->mm = p->mm;
            memset(&t->last, 0, sizeof t->last);
        }
        struct mm_info mi;
        mm_get_info(p->mm, &mi);
        struct tl_point *pt = add_point(tl, t, now);
        if (!pt)
            return;
        pt->v[TL_RSS_ANON] = mi.rss_anon;
        pt->v[TL_RSS_FILE] = mi.rss_file;
        pt->v[TL_RSS_SHMEM] = mi.rss_shmem;
        pt->v[TL_SWAP] = mi.swap_pages;
        pt->v[TL_WSS] = mm_sample_young(p->mm);
        wss_sum += pt->v[TL_WSS];
        counts(pt, t, &mi.c);
        t->last_seen = tl->nsamples;
        counter_tracks(tl, p->pid, pt, false);
    }
    struct kernel_info ki;
    kernel_get_info(os->k, &ki);
    struct kernel_file_pages fp;
    kernel_file_pages(os->k, &fp);
    struct tl_track *m = &tl->machine;
    struct tl_point *pt = add_point(tl, m, now);
    if (!pt)
        return;
    pt->v[TL_RSS_ANON] = ki.anon_frames;
    pt->v[TL_RSS_FILE] = ki.file_frames - (fp.shmem < ki.file_frames ? fp.shmem : ki.file_frames);
    pt->v[TL_RSS_SHMEM] = fp.shmem;
    pt->v[TL_SWAP] = ki.swap_used;
    pt->v[TL_PAGECACHE] = ki.pagecache_pages;
    pt->v[TL_FREE] = ki.free_frames;
    pt->v[TL_WSS] = wss_sum;
    counts(pt, m, &ki.c);
    /* The A-bit flushes above cost misses of the next interval, not this one. */
    pt->v[TL_TLB_HITS] = delta(ki.tlb_hits, tl->last_tlb_hits);
    pt->v[TL_TLB_MISSES] = delta(ki.tlb_misses, tl->last_tlb_misses);
    tl->last_tlb_hits = ki.tlb_hits;
    tl->last_tlb_misses = ki.tlb_misses;
    counter_tracks(tl, 0, pt, true);
    if (m->n > tl->max_points) {
        halve(m);
        for (size_t i = 0; i < tl->nprocs; i++)
            halve(&tl->procs[i]);
        tl->interval_ns *= 2;
    }
}

void timeline_tick(struct timeline *tl, struct os *os, bool force)
{
    if (tl->oom)
        return;
    uint64_t now = os_now_ns(os);
    if (!force && now < tl->next_ns)
        return;
    if (force && tl->machine.n && tl->machine.p[tl->machine.n - 1].t_ns == now)
        return; /* already sampled at this moment */
    sample(tl, os, now);
    tl->next_ns = (now / tl->interval_ns + 1) * tl->interval_ns;
}

void timeline_mark(struct timeline *tl, const struct vm_event *ev, int pid, double ts_us)
{
    if (ev->kind != VM_EV_FORK && ev->kind != VM_EV_EXEC && ev->kind != VM_EV_EXIT &&
        ev->kind != VM_EV_OOM_KILL)
        return;
    if (tl->nmarks == tl->capm) {
        size_t cap = tl->capm ? tl->capm * 2 : 32;
        struct tl_mark *v = realloc(tl->marks, cap * sizeof *v);
        if (!v)
            return;
        tl->marks = v;
        tl->capm = cap;
    }
    struct tl_mark *mk = &tl->marks[tl->nmarks++];
    memset(mk, 0, sizeof *mk);
    mk->t_ns = (uint64_t)(ts_us * 1000.0 + 0.5);
    mk->kind = ev->kind;
    mk->pid = pid;
    mk->pid2 = ev->pid2;
    if (ev->name)
        snprintf(mk->name, sizeof mk->name, "%s", ev->name);
}
