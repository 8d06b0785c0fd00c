/* Read-only looks at a stopped machine for `vmsim demo`: the Sv48 walk of a
 * virtual address, the frame table, an address space's regions and present
 * pages, the kernel half's tables, and smaps as the kernel prints it. Nothing
 * here changes the kernel. See demo_int.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/core/kernel.h"
#include "demo_int.h"

/* ---- frames ------------------------------------------------------------- */

static void take_frame(void *ctx, const struct insp_frame *f)
{
    struct demo *d = ctx;
    if (d->nframes == d->frames_cap) {
        uint64_t cap = d->frames_cap ? d->frames_cap * 2 : 4096;
        struct demo_frame *v = realloc(d->frames, cap * sizeof *v);
        if (!v)
            return; /* the snapshot stays short; demo_snapshot_frames says so */
        d->frames = v;
        d->frames_cap = cap;
    }
    struct demo_frame *o = &d->frames[d->nframes++];
    *o = (struct demo_frame){.pfn = f->pfn,
                             .use = f->use,
                             .mapcount = f->mapcount,
                             .dirty = f->dirty,
                             .index = f->index};
    if (f->use == INSP_FILE && f->owner)
        snprintf(o->owner, sizeof o->owner, "%s", f->owner);
}

bool demo_snapshot_frames(struct demo *d)
{
    d->nframes = 0;
    uint64_t n = inspect_frames(d->k, take_frame, d);
    return n == d->nframes;
}

const struct demo_frame *demo_frame(const struct demo *d, uint64_t pfn)
{
    uint64_t lo = 0, hi = d->nframes;
    while (lo < hi) { /* inspect_frames gives them in pfn order */
        uint64_t mid = lo + (hi - lo) / 2;
        if (d->frames[mid].pfn < pfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nframes && d->frames[lo].pfn == pfn ? &d->frames[lo] : NULL;
}

void demo_frame_text(struct demo *d, uint64_t pfn, uint64_t off, char *buf, size_t max)
{
    const uint8_t *p = physmem_frame(&d->m->pm, (pfn_t){pfn});
    size_t n = 0;
    while (p && n + 1 < max && off + n < PAGE_SIZE && p[off + n] && p[off + n] != '\n') {
        uint8_t c = p[off + n];
        buf[n++] = c >= 32 && c < 127 ? (char)c : '?';
    }
    buf[n] = 0;
}

/* ---- page tables -------------------------------------------------------- */

bool demo_walk(struct demo *d, struct mm *mm, uint64_t a, struct demo_pte *out)
{
    memset(out, 0, sizeof *out);
    struct walk_trace tr = {0};
    int level = -1;
    pte_t *e = sv48_walk(&d->m->pm, satp_root(mm_satp(mm)), va(a), &level, &tr);
    uint64_t table = satp_root(mm_satp(mm)).n;
    for (int i = 0; i < tr.nsteps; i++) {
        int lv = tr.step[i].level;
        out->table[SV48_LEVELS - 1 - lv] = table;
        out->index[SV48_LEVELS - 1 - lv] = tr.step[i].index;
        table = pte_pfn(tr.step[i].pte).n;
    }
    if (!e || level != 0 || !pte_valid(*e) || !pte_leaf(*e))
        return false;
    out->present = true;
    out->bits = e->bits;
    out->pfn = pte_pfn(*e).n;
    return true;
}

struct present_ctx {
    uint64_t start, end, n;
    uint64_t *pfns;
};

static void present_pte(void *ctx, const struct insp_pte *e)
{
    struct present_ctx *c = ctx;
    if (e->kernel || !e->present || e->va < c->start || e->va >= c->end)
        return;
    c->n++;
    if (c->pfns)
        c->pfns[(e->va - c->start) >> PAGE_SHIFT] = e->pfn;
}

uint64_t demo_present(struct mm *mm, uint64_t start, uint64_t end, uint64_t *pfns)
{
    struct present_ctx c = {start, end, 0, pfns};
    if (pfns)
        memset(pfns, 0, ((end - start) >> PAGE_SHIFT) * sizeof *pfns);
    inspect_pagetable(mm, false, NULL, present_pte, &c);
    return c.n;
}

struct ktables_ctx {
    uint64_t *pfns;
    int n, max;
};

static void ktable(void *ctx, const struct insp_table *t)
{
    struct ktables_ctx *c = ctx;
    if (t->kernel && t->level < SV48_LEVELS - 1 && c->n < c->max)
        c->pfns[c->n++] = t->pfn;
}

int demo_kernel_tables(struct mm *mm, uint64_t *pfns, int max)
{
    struct ktables_ctx c = {pfns, 0, max};
    inspect_pagetable(mm, true, ktable, NULL, &c);
    return c.n;
}

/* ---- regions ------------------------------------------------------------ */

struct vmas_ctx {
    struct demo_vma *v;
    int n, max;
};

static void take_vma(void *ctx, const struct insp_vma *x)
{
    struct vmas_ctx *c = ctx;
    if (c->n >= c->max)
        return;
    struct demo_vma *o = &c->v[c->n++];
    *o = (struct demo_vma){.start = x->start,
                           .end = x->end,
                           .pgoff = x->pgoff,
                           .prot = x->prot,
                           .shared = x->shared,
                           .kind = x->kind};
    snprintf(o->name, sizeof o->name, "%s", x->name ? x->name : "");
}

int demo_vmas(struct mm *mm, struct demo_vma *v, int max)
{
    struct vmas_ctx c = {v, 0, max};
    inspect_vmas(mm, take_vma, &c);
    return c.n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool demo_find_vma(struct mm *mm, const char *suffix, int prot, struct demo_vma *out)
{
    struct demo_vma v[128];
    int n = demo_vmas(mm, v, 128);
    for (int i = 0; i < n; i++) {
        if (ends_with(v[i].name, suffix) && (v[i].prot & prot) == prot) {
            *out = v[i];
            return true;
        }
    }
    return false;
}

bool demo_smaps(struct mm *mm, const char *perms, const char *suffix, uint64_t *rss_kb,
                uint64_t *pss_kb)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return false;
    mm_print_smaps(mm, f);
    fclose(f);
    bool in = false, found = false, got_rss = false;
    for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
        unsigned long long lo, hi, v;
        char p[8];
        if (sscanf(line, "%llx-%llx %7s", &lo, &hi, p) == 3) { /* a region's maps line */
            in = strcmp(p, perms) == 0 && ends_with(line, suffix);
            got_rss = false;
        } else if (in && sscanf(line, "Rss: %llu kB", &v) == 1) {
            *rss_kb = v;
            got_rss = true;
        } else if (in && got_rss && sscanf(line, "Pss: %llu kB", &v) == 1) {
            *pss_kb = v;
            found = true;
        }
    }
    free(text);
    return found;
}

/* ---- processes and notes ------------------------------------------------ */

int demo_live(struct demo *d, struct proc **v, int max)
{
    int n = 0;
    for (struct proc *p = d->os->procs; p && n < max; p = p->next)
        if (!p->exited && p->mm && !p->mm_borrowed)
            v[n++] = p;
    return n;
}

const struct demo_note *demo_find_note(const struct demo *d, int id, const char *comm, int nth)
{
    for (int i = 0; i < d->nnotes; i++) {
        const struct demo_note *n = &d->notes[i];
        if (n->id != id)
            continue;
        struct proc *p = os_find(d->os, n->pid);
        if (comm && (!p || strcmp(p->comm, comm) != 0))
            continue;
        if (nth-- == 0)
            return n;
    }
    return NULL;
}

void demo_claim(struct demo *d, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(ok ? "   => " : "   !! NOT SO: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
    if (!ok)
        d->claims_failed++;
}
