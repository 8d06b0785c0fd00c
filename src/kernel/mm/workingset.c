/* Workingset detection (Linux mm/workingset.c, reduced) and memory
 * pressure stall information (Linux kernel/sched/psi.c, reduced).
 *
 * Shadow entries. When reclaim takes a page out of memory it leaves a shadow
 * entry where the page was: for a page-cache page (file or shmem) under its
 * (object, index), for an anonymous page under its swap slot. The entry
 * holds the eviction time on two clocks: the kernel's eviction counter
 * (Linux's nonresident_age: one tick per eviction) and the global fault
 * count (for --explain), and whether the page was in the working set (it
 * had been referenced since it was loaded: the clock found its A bit set).
 * Linux keeps shadows in the page-cache tree and the swap map; vmsim keeps
 * them in one fixed-size hash table (a newer entry overwrites an older one
 * in its slot, as Linux's shadow shrinker drops old ones).
 *
 * A refault (the page is read back: a major fault from its file or from
 * swap) whose shadow is found counts workingset_refault_{anon,file}. Its
 * refault distance is the evictions since: had memory been larger by that
 * many pages the page would still be resident. When the distance is at most
 * the resident user frames (Linux: the workingset size, active lists) the
 * page is thrashing: workingset_activate_* counts it and the page starts
 * out referenced (working set); workingset_restore_* counts refaults of
 * pages that were in the working set when evicted. Shmem counts as anon,
 * as in Linux (it is swap-backed).
 *
 * PSI. A memory stall is time a process spends waiting for memory instead of
 * running: here a reclaim pass the allocating process runs itself (direct
 * reclaim) and the read of a refaulting working-set page. The kernel has no
 * time of its own (the guest clock counts instructions), so each stall
 * costs virtual time that the process layer adds to the guest clock
 * (kernel_stall_ns): PSI_SCAN_NS per frame scanned, PSI_WRITE_NS per page
 * written to swap or a file during reclaim, PSI_READ_NS per refault read.
 * "some" is the stalled time; "full" the part of it during which no other
 * process was runnable (kernel_psi_set_runnable). avg10/avg60/avg300 are
 * Linux's exponentially decaying averages of the stalled share of each
 * 2-second period (PSI_FREQ), "total" the stalled time in microseconds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SHADOW_MAX (1u << 19)
#define PSI_PERIOD_NS 2000000000ULL /* Linux PSI_FREQ: 2 s */

struct shadow {
    uint64_t key;    /* 0: empty */
    uint64_t faults; /* global pgfault at eviction */
    uint64_t age;    /* nonresident age at eviction */
    bool workingset;
};

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t shadow_key_page(const struct vinode *n, uint64_t index)
{
    uint64_t z = mix(n->dev * 0x9e3779b97f4a7c15ULL ^ mix(n->ino + (n->anon ? 1ULL << 62 : 0)));
    return (mix(z ^ index) | 1) & ~(1ULL << 63);
}

uint64_t shadow_key_slot(uint32_t slot)
{
    return (1ULL << 63) | slot;
}

static struct shadow *shadow_slot(struct workingset *ws, uint64_t key)
{
    return &ws->shadows[mix(key) & (ws->nshadows - 1)];
}

void workingset_evict(struct kernel *k, uint64_t key, const struct frame *fr)
{
    struct workingset *ws = &k->ws;
    ws->age++;
    if (!ws->shadows) {
        uint64_t n = 1024;
        while (n < 2 * k->ft.n && n < SHADOW_MAX)
            n <<= 1;
        ws->shadows = calloc(n, sizeof *ws->shadows);
        if (!ws->shadows)
            return; /* no detection, nothing else lost */
        ws->nshadows = n;
    }
    *shadow_slot(ws, key) = (struct shadow){
        .key = key, .faults = k->c.pgfault, .age = ws->age, .workingset = fr->workingset};
}

void workingset_forget(struct kernel *k, uint64_t key)
{
    struct workingset *ws = &k->ws;
    if (!ws->shadows)
        return;
    struct shadow *s = shadow_slot(ws, key);
    if (s->key == key)
        s->key = 0;
}

bool workingset_refault(struct kernel *k, struct mm *mm, uint64_t key, bool anon, pfn_t f)
{
    struct workingset *ws = &k->ws;
    ws->last_refault_faults = 0;
    if (!ws->shadows)
        return false;
    struct shadow *s = shadow_slot(ws, key);
    if (s->key != key)
        return false;
    struct shadow sh = *s;
    s->key = 0;
    uint64_t distance = ws->age - sh.age;
    ws->last_refault_faults = k->c.pgfault - sh.faults + 1; /* 0 means none */
    if (anon)
        MM_COUNT(mm, workingset_refault_anon);
    else
        MM_COUNT(mm, workingset_refault_file);
    bool active = distance <= frames_user(&k->ft);
    if (active) {
        if (anon)
            MM_COUNT(mm, workingset_activate_anon);
        else
            MM_COUNT(mm, workingset_activate_file);
        frame_of(&k->ft, f)->workingset = true;
    }
    if (sh.workingset) {
        if (anon)
            MM_COUNT(mm, workingset_restore_anon);
        else
            MM_COUNT(mm, workingset_restore_file);
    }
    /* Linux's thrashing stall: waiting for a page of the working set. */
    if (active || sh.workingset)
        psi_stall(k, PSI_READ_NS);
    return true;
}

uint64_t kernel_last_refault_faults(const struct kernel *k)
{
    return k->ws.last_refault_faults;
}

void workingset_fini(struct kernel *k)
{
    free(k->ws.shadows);
    k->ws.shadows = NULL;
}

/* ---- PSI ------------------------------------------------------------------ */

static const double psi_window_s[3] = {10, 60, 300};

static uint64_t psi_clock(const struct kernel *k)
{
    return k->clock_fn ? k->clock_fn(k->clock_ctx) : k->ws.stall_ns;
}

/* Closes the 2-second periods that ended before now. */
static void psi_update(struct kernel *k, uint64_t now)
{
    struct psi *p = &k->ws.psi;
    if (now < p->period_start + PSI_PERIOD_NS)
        return;
    for (int kind = 0; kind < 2; kind++) {
        double pct = 100.0 * (double)p->period_stall[kind] / (double)PSI_PERIOD_NS;
        if (pct > 100)
            pct = 100;
        for (int w = 0; w < 3; w++) {
            double e = exp(-2.0 / psi_window_s[w]);
            p->avg[kind][w] = p->avg[kind][w] * e + pct * (1 - e);
        }
        p->period_stall[kind] = 0;
    }
    p->period_start += PSI_PERIOD_NS;
    /* Idle periods since: the averages decay. */
    uint64_t idle = (now - p->period_start) / PSI_PERIOD_NS;
    if (idle) {
        for (int kind = 0; kind < 2; kind++)
            for (int w = 0; w < 3; w++)
                p->avg[kind][w] *= exp(-2.0 * (double)idle / psi_window_s[w]);
        p->period_start += idle * PSI_PERIOD_NS;
    }
}

void psi_stall(struct kernel *k, uint64_t ns)
{
    if (!ns)
        return;
    struct psi *p = &k->ws.psi;
    psi_update(k, psi_clock(k));
    k->ws.stall_ns += ns;
    p->total[0] += ns;
    p->period_stall[0] += ns;
    if (k->nr_runnable <= 1) {
        p->total[1] += ns;
        p->period_stall[1] += ns;
    }
}

uint64_t kernel_stall_ns(const struct kernel *k)
{
    return k->ws.stall_ns;
}

void kernel_psi_set_runnable(struct kernel *k, unsigned n)
{
    k->nr_runnable = n;
}

void kernel_set_clock(struct kernel *k, uint64_t (*fn)(void *ctx), void *ctx)
{
    k->clock_fn = fn;
    k->clock_ctx = ctx;
}

void kernel_psi_memory(struct kernel *k, struct psi_memory *out)
{
    psi_update(k, psi_clock(k));
    const struct psi *p = &k->ws.psi;
    for (int kind = 0; kind < 2; kind++) {
        for (int w = 0; w < 3; w++)
            out->avg[kind][w] = p->avg[kind][w];
        out->total_us[kind] = p->total[kind] / 1000;
    }
}

void kernel_print_psi_memory(struct kernel *k, FILE *out)
{
    struct psi_memory pm;
    kernel_psi_memory(k, &pm);
    static const char *name[2] = {"some", "full"};
    for (int kind = 0; kind < 2; kind++)
        fprintf(out, "%s avg10=%.2f avg60=%.2f avg300=%.2f total=%llu\n", name[kind],
                pm.avg[kind][0], pm.avg[kind][1], pm.avg[kind][2],
                (unsigned long long)pm.total_us[kind]);
}
