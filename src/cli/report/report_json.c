/* The JSON report (docs/report-schema.md), built from the kernel's
 * read-only inspection API (kernel/inspect.h) with json-c. */
#include "report_json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../kernel/mm/mm.h"

#define REPORT_SCHEMA "vmsim-report/1"

/* Addresses and satp are hex strings: a kernel address does not fit in a
 * JavaScript number (2^53). Frame numbers, counts and sizes are numbers. */
static struct json_object *hex(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return json_object_new_string(buf);
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
    json_object_object_add(o, key, v);
}

static void add_u(struct json_object *o, const char *key, uint64_t v)
{
    json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static struct json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *counters_json(const struct vm_counters *c)
{
    struct json_object *o = json_object_new_object();
    add_u(o, "minor_faults", c->minor_faults);
    add_u(o, "major_faults", c->major_faults);
    add_u(o, "cow_faults", c->cow_faults);
    add_u(o, "cow_copies", c->cow_copies);
    add_u(o, "zero_fills", c->zero_fills);
    add_u(o, "zero_page_maps", c->zero_page_maps);
    add_u(o, "file_reads", c->file_reads);
    add_u(o, "writebacks", c->writebacks);
    add_u(o, "segv", c->segv);
    add_u(o, "pgfault", c->pgfault);
    add_u(o, "pgmajfault", c->pgmajfault);
    add_u(o, "pswpin", c->pswpin);
    add_u(o, "pswpout", c->pswpout);
    add_u(o, "pgscan", c->pgscan);
    add_u(o, "pgsteal", c->pgsteal);
    add_u(o, "pgactivate", c->pgactivate);
    add_u(o, "oom_kill", c->oom_kill);
    add_u(o, "workingset_refault_anon", c->workingset_refault_anon);
    add_u(o, "workingset_refault_file", c->workingset_refault_file);
    add_u(o, "workingset_activate_anon", c->workingset_activate_anon);
    add_u(o, "workingset_activate_file", c->workingset_activate_file);
    add_u(o, "workingset_restore_anon", c->workingset_restore_anon);
    add_u(o, "workingset_restore_file", c->workingset_restore_file);
    return o;
}

static void prot_string(int prot, bool shared, char s[5])
{
    s[0] = prot & LX_PROT_READ ? 'r' : '-';
    s[1] = prot & LX_PROT_WRITE ? 'w' : '-';
    s[2] = prot & LX_PROT_EXEC ? 'x' : '-';
    s[3] = shared ? 's' : 'p';
    s[4] = '\0';
}

/* "VRWXUGAD" with dashes for clear bits, as `translate` prints them. */
static struct json_object *pte_flags(uint64_t bits)
{
    static const char names[] = "VRWXUGAD";
    char s[9];
    for (int b = 0; b < 8; b++)
        s[b] = (bits >> b) & 1 ? names[b] : '-';
    s[8] = '\0';
    return json_object_new_string(s);
}

/* ---- processes ---------------------------------------------------------- */

struct leaf {
    uint64_t va, pfn, bits, table_pfn;
    unsigned index;
    bool present, kernel, device;
};

struct proc_walk {
    struct json_object *tables;
    struct leaf *leaves;
    size_t nleaves, cap;
    bool oom;
    /* The user tables of every process, for the frames' table_of. */
    struct table_owner *owners;
    size_t nowners, owners_cap;
    int proc_index;
};

struct table_owner {
    uint64_t pfn;
    int proc;
};

static void on_table(void *ctx, const struct insp_table *t)
{
    struct proc_walk *w = ctx;
    struct json_object *o = json_object_new_object();
    add_u(o, "pfn", t->pfn);
    add_u(o, "level", (uint64_t)t->level);
    add(o, "parent_pfn",
        t->parent_pfn == INSP_NO_PARENT ? NULL : json_object_new_int64((int64_t)t->parent_pfn));
    add_u(o, "index", t->index);
    add(o, "base", hex(t->base_va));
    add_u(o, "entries", t->entries);
    add(o, "kernel", json_object_new_boolean(t->kernel));
    json_object_array_add(w->tables, o);
    if (t->kernel)
        return;
    if (w->nowners == w->owners_cap) {
        size_t cap = w->owners_cap ? 2 * w->owners_cap : 64;
        struct table_owner *p = realloc(w->owners, cap * sizeof *p);
        if (!p) {
            w->oom = true;
            return;
        }
        w->owners = p;
        w->owners_cap = cap;
    }
    w->owners[w->nowners++] = (struct table_owner){t->pfn, w->proc_index};
}

static void on_pte(void *ctx, const struct insp_pte *e)
{
    struct proc_walk *w = ctx;
    if (w->nleaves == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        struct leaf *p = realloc(w->leaves, cap * sizeof *p);
        if (!p) {
            w->oom = true;
            return;
        }
        w->leaves = p;
        w->cap = cap;
    }
    w->leaves[w->nleaves++] = (struct leaf){.va = e->va,
                                            .pfn = e->pfn,
                                            .bits = e->bits,
                                            .table_pfn = e->table_pfn,
                                            .index = e->index,
                                            .present = e->present,
                                            .kernel = e->kernel,
                                            .device = e->device};
}

struct vma_ctx {
    struct json_object *arr;
    const struct proc_walk *w;
};

/* Present user pages in [start, end): the leaves are in address order. */
static uint64_t present_in(const struct proc_walk *w, uint64_t start, uint64_t end)
{
    size_t lo = 0, hi = w->nleaves;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->leaves[mid].va < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t n = 0;
    for (size_t i = lo; i < w->nleaves && w->leaves[i].va < end; i++)
        n += w->leaves[i].present;
    return n;
}

static void on_vma(void *ctx, const struct insp_vma *v)
{
    struct vma_ctx *c = ctx;
    struct json_object *o = json_object_new_object();
    char prot[5];
    prot_string(v->prot, v->shared, prot);
    add(o, "start", hex(v->start));
    add(o, "end", hex(v->end));
    add_u(o, "pages", (v->end - v->start) / PAGE_SIZE);
    add(o, "perms", json_object_new_string(prot));
    add(o, "shared", json_object_new_boolean(v->shared));
    add(o, "kind", json_object_new_string(insp_vma_kind_name(v->kind)));
    add(o, "name", str_or_null(v->name));
    if (v->shmem_kind)   /* issue 16: which kind of shared object */
        add(o, "shmem_kind", json_object_new_string(v->shmem_kind));
    add_u(o, "pgoff", v->pgoff);
    add_u(o, "present", present_in(c->w, v->start, v->end));
    json_object_array_add(c->arr, o);
}

static struct json_object *proc_json(const struct report_proc *p, int index, struct proc_walk *w,
                                     const struct report_limits *lim)
{
    struct json_object *o = json_object_new_object();
    struct mm_info mi;
    report_proc_info(p, &mi);
    add(o, "name", json_object_new_string(p->name ? p->name : "?"));
    add_u(o, "pid", (uint64_t)p->pid);
    add(o, "alive", json_object_new_boolean(p->mm != NULL));
    add_u(o, "asid", mi.asid);
    add(o, "satp", hex(mi.satp));
    add_u(o, "root_pfn", mi.satp & SATP_PPN_MASK);
    if (p->nthreads) {   /* threads share this one page table (asid, root_pfn) */
        struct json_object *th = json_object_new_array();
        for (int i = 0; i < p->nthreads; i++) {
            struct json_object *t = json_object_new_object();
            add_u(t, "tid", (uint64_t)p->tid[i]);
            add(t, "hart", p->hart[i] >= 0 ? json_object_new_int(p->hart[i]) : NULL);
            json_object_array_add(th, t);
        }
        add(o, "threads", th);
    }
    struct json_object *rss = json_object_new_object();
    add_u(rss, "pages", mi.rss_pages);
    add_u(rss, "anon", mi.rss_anon);
    add_u(rss, "file", mi.rss_file);
    add_u(rss, "shmem", mi.rss_shmem);
    add(o, "rss", rss);
    add_u(o, "pagetable_pages", mi.pagetable_pages);
    add_u(o, "vm_pages", mi.vm_pages);
    add_u(o, "swap_pages", mi.swap_pages);
    add(o, "counters", counters_json(&mi.c));
    if (!p->mm) {
        /* Gone: its counters are what it ended with; it has no map. */
        add(o, "vmas", json_object_new_array());
        add(o, "pagetable", NULL);
        return o;
    }
    w->tables = json_object_new_array();
    w->nleaves = 0;
    w->proc_index = index;
    inspect_pagetable(p->mm, true, on_table, on_pte, w);
    struct json_object *vmas = json_object_new_array();
    struct vma_ctx vc = {.arr = vmas, .w = w};
    inspect_vmas(p->mm, on_vma, &vc);
    add(o, "vmas", vmas);

    struct json_object *pt = json_object_new_object();
    add(pt, "tables", w->tables);
    struct json_object *leaves = json_object_new_array();
    uint64_t listed = 0;
    for (size_t i = 0; i < w->nleaves; i++) {
        const struct leaf *l = &w->leaves[i];
        if (lim && lim->max_leaves && listed >= lim->max_leaves && !l->kernel)
            continue;
        struct json_object *e = json_object_new_object();
        add(e, "va", hex(l->va));
        add(e, "present", json_object_new_boolean(l->present));
        add(e, "pfn", l->present ? json_object_new_int64((int64_t)l->pfn) : NULL);
        add(e, "flags", pte_flags(l->bits));
        add(e, "pte", hex(l->bits));
        add(e, "kernel", json_object_new_boolean(l->kernel));
        add_u(e, "table_pfn", l->table_pfn);
        add_u(e, "index", l->index);
        if (l->device)   /* a device page (issue 7): not in "frames" */
            add(e, "device", json_object_new_boolean(true));
        json_object_array_add(leaves, e);
        listed++;
    }
    add(pt, "leaves", leaves);
    add_u(pt, "leaves_total", w->nleaves);
    add_u(pt, "leaves_listed", listed);
    add(o, "pagetable", pt);
    return o;
}

/* ---- frames ------------------------------------------------------------- */

struct frames_ctx {
    struct json_object *arr;
    const struct report_proc *procs;
    int n;
    const struct table_owner *owners; /* sorted by pfn */
    size_t nowners;
    uint64_t max_frames, listed, shared;
};

static const struct report_proc *proc_of_mm(const struct frames_ctx *c, const struct mm *mm)
{
    for (int i = 0; i < c->n; i++)
        if (c->procs[i].mm == mm)
            return &c->procs[i];
    return NULL;
}

/* How a frame is shared (see docs/report-schema.md), or NULL if it is not. */
static const char *sharing(const struct insp_frame *f)
{
    if (f->use == INSP_KERNEL || f->role != INSP_ROLE_NONE)
        return "kernel";
    bool any_shared_vma = false, any_writable = false;
    for (uint32_t i = 0; i < f->nmappers; i++) {
        any_shared_vma |= f->mappers[i].vma_shared;
        any_writable |= (f->mappers[i].vma_prot & LX_PROT_WRITE) != 0;
    }
    if (f->nmappers < 2)
        return NULL;
    if (any_shared_vma)
        return "shared";
    if (f->use == INSP_ANON || any_writable)
        return "cow";
    return "file";
}

static int owner_cmp(const void *a, const void *b)
{
    const struct table_owner *x = a, *y = b;
    return x->pfn < y->pfn ? -1 : x->pfn > y->pfn ? 1 : x->proc - y->proc;
}

/* One shmem object: shared anonymous memory, tmpfs file, memfd, SysV. */
static void on_shmem(void *ctx, const struct insp_shmem *s)
{
    struct json_object *o = json_object_new_object();
    add(o, "kind", json_object_new_string(s->kind));
    add(o, "name", json_object_new_string(s->name));
    add_u(o, "ino", s->ino);
    add_u(o, "size", s->size);
    add_u(o, "resident_pages", s->resident);
    add_u(o, "swapped_pages", s->swapped);
    json_object_array_add(ctx, o);
}

static void on_frame(void *ctx, const struct insp_frame *f)
{
    struct frames_ctx *c = ctx;
    const char *sh = sharing(f);
    if (sh)
        c->shared++;
    if (c->max_frames && c->listed >= c->max_frames && !sh)
        return;
    c->listed++;
    struct json_object *o = json_object_new_object();
    add_u(o, "pfn", f->pfn);
    add(o, "use", json_object_new_string(f->use_name));
    add(o, "role", str_or_null(insp_role_name(f->role)));
    add_u(o, "refcount", f->refcount);
    add_u(o, "mapcount", f->mapcount);
    add(o, "dirty", json_object_new_boolean(f->dirty));
    if (f->use == INSP_FILE && f->owner) {
        struct json_object *ow = json_object_new_object();
        add(ow, "name", json_object_new_string(f->owner));
        add(ow, "anon", json_object_new_boolean(f->owner_anon));
        if (f->owner_kind)
            add(ow, "kind", json_object_new_string(f->owner_kind));
        add_u(ow, "index", f->index);
        add(o, "owner", ow);
    } else {
        add(o, "owner", NULL);
    }
    add(o, "sharing", str_or_null(sh));
    add(o, "swap_slot", f->swap_slot >= 0 ? json_object_new_int64(f->swap_slot) : NULL);
    struct json_object *mappers = json_object_new_array();
    for (uint32_t i = 0; i < f->nmappers; i++) {
        const struct insp_mapper *m = &f->mappers[i];
        const struct report_proc *p = proc_of_mm(c, m->mm);
        struct json_object *mo = json_object_new_object();
        add(mo, "proc", p && p->name ? json_object_new_string(p->name) : NULL);
        add_u(mo, "pid", p ? (uint64_t)p->pid : 0);
        add(mo, "va", hex(m->va));
        add(mo, "writable", json_object_new_boolean(m->pte_bits & PTE_W));
        add(mo, "vma_shared", json_object_new_boolean(m->vma_shared));
        json_object_array_add(mappers, mo);
    }
    add(o, "mappers", mappers);
    if (f->use == INSP_PAGETABLE && f->role == INSP_ROLE_NONE) {
        struct json_object *tof = json_object_new_array();
        struct table_owner key = {.pfn = f->pfn, .proc = -1};
        size_t lo = 0, hi = c->nowners;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (owner_cmp(&c->owners[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < c->nowners && c->owners[i].pfn == f->pfn; i++)
            json_object_array_add(tof, json_object_new_string(c->procs[c->owners[i].proc].name
                                                                  ? c->procs[c->owners[i].proc].name
                                                                  : "?"));
        add(o, "table_of", tof);
    }
    json_object_array_add(c->arr, o);
}

/* ---- the document ------------------------------------------------------- */

static void (*extra_fn)(void *ctx, struct json_object *doc);
static void *extra_ctx;

void report_json_set_extra(void (*fn)(void *ctx, struct json_object *doc), void *ctx)
{
    extra_fn = fn;
    extra_ctx = ctx;
}

struct json_object *report_json_build(struct kernel *k, const struct report_proc *procs, int n,
                                      const struct report_limits *lim)
{
    struct json_object *doc = json_object_new_object();
    if (!doc)
        return NULL;
    struct kernel_info ki;
    kernel_get_info(k, &ki);
    uint64_t first_pfn, end_pfn;
    inspect_ram(k, &first_pfn, &end_pfn);
    add(doc, "schema", json_object_new_string(REPORT_SCHEMA));
    add_u(doc, "page_size", PAGE_SIZE);

    struct json_object *mach = json_object_new_object();
    add_u(mach, "total_frames", ki.total_frames);
    add_u(mach, "first_pfn", first_pfn);
    add_u(mach, "free_frames", ki.free_frames);
    add_u(mach, "nr_mm", ki.nr_mm);
    add(doc, "machine", mach);

    struct json_object *use = json_object_new_object();
    add_u(use, "free", ki.free_frames);
    add_u(use, "anon", ki.anon_frames);
    add_u(use, "file", ki.file_frames);
    add_u(use, "pagetable", ki.pagetable_frames);
    add_u(use, "kernel", ki.kernel_frames);
    add(doc, "frames_by_use", use);
    add_u(doc, "pagecache_pages", ki.pagecache_pages);
    struct json_object *swap = json_object_new_object();
    add_u(swap, "total_pages", ki.swap_total);
    add_u(swap, "used_pages", ki.swap_used);
    add_u(swap, "swapcache_pages", ki.swapcache_pages);
    add_u(swap, "pswpin", ki.c.pswpin);
    add_u(swap, "pswpout", ki.c.pswpout);
    add(doc, "swap", swap);
    add(doc, "policy", str_or_null(ki.policy));
    add_u(doc, "frame_limit", ki.frame_limit);
    add(doc, "counters", counters_json(&ki.c));
    /* /proc/pressure/memory's numbers */
    struct psi_memory pm;
    kernel_psi_memory(k, &pm);
    struct json_object *psi = json_object_new_object();
    static const char *const psi_kind[2] = {"some", "full"};
    for (int i = 0; i < 2; i++) {
        struct json_object *o = json_object_new_object();
        add(o, "avg10", json_object_new_double(pm.avg[i][0]));
        add(o, "avg60", json_object_new_double(pm.avg[i][1]));
        add(o, "avg300", json_object_new_double(pm.avg[i][2]));
        add_u(o, "total_us", pm.total_us[i]);
        add(psi, psi_kind[i], o);
    }
    add(doc, "pressure_memory", psi);

    struct json_object *tlb = json_object_new_object();
    uint64_t lookups = ki.tlb_hits + ki.tlb_misses;
    add_u(tlb, "hits", ki.tlb_hits);
    add_u(tlb, "misses", ki.tlb_misses);
    add(tlb, "hit_rate",
        json_object_new_double(lookups ? (double)ki.tlb_hits / (double)lookups : 0.0));
    add_u(tlb, "page_walks", ki.page_walks);
    add_u(tlb, "harts", (uint64_t)ki.nharts);
    add_u(tlb, "nr_tlb_remote_flush", ki.tlbstat.nr_tlb_remote_flush);
    add_u(tlb, "nr_tlb_remote_flush_received", ki.tlbstat.nr_tlb_remote_flush_received);
    add_u(tlb, "nr_tlb_local_flush_all", ki.tlbstat.nr_tlb_local_flush_all);
    add_u(tlb, "nr_tlb_local_flush_one", ki.tlbstat.nr_tlb_local_flush_one);
    add(doc, "tlb", tlb);

    struct proc_walk w = {0};
    struct json_object *parr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(parr, proc_json(&procs[i], i, &w, lim));
    add(doc, "processes", parr);
    free(w.leaves);

    if (w.owners)
        qsort(w.owners, w.nowners, sizeof *w.owners, owner_cmp);
    struct frames_ctx fc = {.arr = json_object_new_array(),
                            .procs = procs,
                            .n = n,
                            .owners = w.owners,
                            .nowners = w.nowners,
                            .max_frames = lim ? lim->max_frames : 0};
    uint64_t in_use = inspect_frames(k, on_frame, &fc);
    free(w.owners);
    add(doc, "frames", fc.arr);
    struct json_object *sh = json_object_new_array();
    inspect_shmem(k, on_shmem, sh);
    add(doc, "shared_objects", sh);   /* issue 16: their frames are in "frames" (owner) */
    add_u(doc, "frames_in_use", in_use);
    add_u(doc, "frames_listed", fc.listed);
    add_u(doc, "frames_shared", fc.shared);
    if (w.oom) {
        json_object_put(doc);
        return NULL;
    }
    if (extra_fn)
        extra_fn(extra_ctx, doc);
    return doc;
}

int report_json_write(const char *path, struct kernel *k, const struct report_proc *procs, int n,
                      FILE *err)
{
    struct json_object *doc = report_json_build(k, procs, n, NULL);
    if (!doc) {
        fprintf(err, "vmsim: cannot write %s: out of memory\n", path);
        return -1;
    }
    int rc = json_object_to_file_ext(path, doc,
                                     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                         JSON_C_TO_STRING_NOSLASHESCAPE);
    if (rc != 0)
        fprintf(err, "vmsim: cannot write %s: %s\n", path, json_util_get_last_err());
    json_object_put(doc);
    return rc == 0 ? 0 : -1;
}
