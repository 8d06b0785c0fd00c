/* A plain reference model of Linux address-space semantics, for the
 * model-based random test (test_model.c). It knows nothing of page tables,
 * frames or TLBs: per process a sorted array of pages, each with its
 * protection, what backs it, and (for private pages) its own bytes. Shared
 * pages refer to a shared object: a file's page-cache view or a shared
 * anonymous object. Header-only (static functions) because the Makefile builds
 * each tests/unit/test_*.c alone.
 *
 * Semantics modelled (Linux, page granular):
 *   - private anonymous pages read zero until written;
 *   - private file pages show the file's current (page-cache) bytes until the
 *     first write fault, which gives the process its own copy;
 *   - shared pages (file or anonymous) are one object seen by every mapper;
 *   - fork copies private pages by value and shares shared objects;
 *   - an access needs a mapped page (else SEGV_MAPERR) with the right
 *     permission (else SEGV_ACCERR); a file page wholly past EOF is SIGBUS;
 *   - a shared write to a file dirties its page-cache page; MS_SYNC writes
 *     back every dirty page of the range, whoever dirtied it (Linux
 *     vfs_fsync_range), and the last mapping of a page to go (munmap, exit,
 *     a private copy replacing it) writes it back (design: "written back on
 *     msync, munmap or exit"). A page that is not dirty must read the same in
 *     the host file as in the model. */
#ifndef VMSIM_TESTS_MODEL_REF_H
#define VMSIM_TESTS_MODEL_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MD_PAGE 4096u
#define MD_MAX_PROCS 8
#define MD_MAX_FILES 4

#define MD_PROT_R 1
#define MD_PROT_W 2
#define MD_PROT_X 4

enum md_kind { MD_ANON, MD_ANON_SHARED, MD_FILE_PRIV, MD_FILE_SHARED };
enum md_acc { MD_READ = 0, MD_WRITE = 1, MD_EXEC = 2 };

/* What an access to one page does. */
enum md_fault { MD_OK = 0, MD_MAPERR, MD_ACCERR, MD_BUSERR };

struct md_page {
    uint64_t vpn;
    uint8_t prot;  /* MD_PROT_* */
    uint8_t kind;  /* enum md_kind */
    bool cowed;    /* MD_FILE_PRIV: has its own copy in data */
    int obj;       /* file index or shared-object index */
    uint64_t idx;  /* page index inside the file / object */
    uint8_t *data; /* private bytes (MD_ANON: NULL = all zero; MD_FILE_PRIV once cowed) */
};

struct md_proc {
    bool live;
    struct md_page *pg; /* sorted by vpn */
    size_t n, cap;
    uint64_t brk_base, brk;
    int64_t vm_extra; /* kernel's vm_pages minus ours (e.g. a vDSO VMA), fixed at creation */
};

struct md_shobj {
    uint64_t npages;
    uint8_t **page; /* NULL = zero page */
    long refs;      /* model pages referring to it */
};

struct md_file {
    uint64_t size;   /* bytes (never changes) */
    uint64_t npages; /* pages of the cache view: ceil(size / page) */
    uint8_t *data;   /* npages * page: what every mapper sees */
    bool *dirty;     /* per page: a shared write may not have reached the file yet */
    bool *check;     /* per page: was just written back; compare with the host file */
    uint32_t *maps;  /* per page: model pages that show this page-cache page */
};

struct model {
    struct md_proc proc[MD_MAX_PROCS];
    int nfiles;
    struct md_file file[MD_MAX_FILES];
    struct md_shobj *shobj;
    size_t nshobj, capshobj;
};

static void *md_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static void *md_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static void md_init(struct model *md)
{
    memset(md, 0, sizeof *md);
}

/* Adds a file whose current host content is `bytes` (size bytes). Returns its index. */
static int md_add_file(struct model *md, const uint8_t *bytes, uint64_t size)
{
    int i = md->nfiles++;
    struct md_file *f = &md->file[i];
    f->size = size;
    f->npages = (size + MD_PAGE - 1) / MD_PAGE;
    f->data = calloc(f->npages ? f->npages : 1, MD_PAGE);
    f->check = calloc(f->npages ? f->npages : 1, sizeof(bool));
    f->dirty = calloc(f->npages ? f->npages : 1, sizeof(bool));
    f->maps = calloc(f->npages ? f->npages : 1, sizeof(uint32_t));
    if (!f->data || !f->check || !f->dirty || !f->maps)
        abort();
    memcpy(f->data, bytes, size);
    return i;
}

/* ---- dirty file pages ------------------------------------------------------ */

static void md_writeback(struct model *md, int file, uint64_t idx)
{
    if (md->file[file].dirty[idx])
        md->file[file].check[idx] = true;
    md->file[file].dirty[idx] = false;
}

/* Whether page g shows the page-cache page of its file. */
static bool md_shows_file_page(const struct model *md, const struct md_page *g)
{
    bool file_view = g->kind == MD_FILE_SHARED || (g->kind == MD_FILE_PRIV && !g->cowed);
    return file_view && g->idx < md->file[g->obj].npages;
}

/* Page g stops showing its file page: the last one to go writes it back. */
static void md_file_page_unmapped(struct model *md, const struct md_page *g)
{
    if (!md_shows_file_page(md, g))
        return;
    if (--md->file[g->obj].maps[g->idx] == 0)
        md_writeback(md, g->obj, g->idx);
}

static void md_file_page_mapped(struct model *md, const struct md_page *g)
{
    if (md_shows_file_page(md, g))
        md->file[g->obj].maps[g->idx]++;
}

/* ---- shared anonymous objects --------------------------------------------- */

static int md_shobj_new(struct model *md, uint64_t npages)
{
    if (md->nshobj == md->capshobj) {
        md->capshobj = md->capshobj ? 2 * md->capshobj : 16;
        md->shobj = md_xrealloc(md->shobj, md->capshobj * sizeof *md->shobj);
    }
    struct md_shobj *o = &md->shobj[md->nshobj];
    o->npages = npages;
    o->page = calloc(npages, sizeof *o->page);
    if (!o->page)
        abort();
    o->refs = 0;
    return (int)md->nshobj++;
}

static void md_shobj_unref(struct model *md, int obj)
{
    struct md_shobj *o = &md->shobj[obj];
    if (--o->refs > 0)
        return;
    for (uint64_t i = 0; i < o->npages; i++)
        free(o->page[i]);
    free(o->page);
    o->page = NULL;
    o->npages = 0;
}

/* ---- the page map of one process ------------------------------------------ */

/* Index of the first page with vpn >= v. */
static size_t md_lower(const struct md_proc *p, uint64_t v)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->pg[mid].vpn < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct md_page *md_find(struct model *md, int proc, uint64_t vpn)
{
    struct md_proc *p = &md->proc[proc];
    size_t i = md_lower(p, vpn);
    return i < p->n && p->pg[i].vpn == vpn ? &p->pg[i] : NULL;
}

/* Releases what one page holds. */
static void md_page_release(struct model *md, int proc, struct md_page *g)
{
    free(g->data);
    g->data = NULL;
    if (g->kind == MD_ANON_SHARED)
        md_shobj_unref(md, g->obj);
    md_file_page_unmapped(md, g);
}

/* Removes pages [lo, hi). Returns how many were mapped. */
static uint64_t md_unmap(struct model *md, int proc, uint64_t lo, uint64_t hi)
{
    struct md_proc *p = &md->proc[proc];
    size_t a = md_lower(p, lo), b = md_lower(p, hi);
    if (a == b)
        return 0;
    for (size_t i = a; i < b; i++)
        md_page_release(md, proc, &p->pg[i]);
    memmove(p->pg + a, p->pg + b, (p->n - b) * sizeof *p->pg);
    p->n -= b - a;
    return b - a;
}

/* Maps pages [lo, lo+n) (which must be unmapped) with one kind; obj/idx0 as
 * for struct md_page. */
static void md_map(struct model *md, int proc, uint64_t lo, uint64_t n, int prot, int kind, int obj,
                   uint64_t idx0)
{
    struct md_proc *p = &md->proc[proc];
    size_t a = md_lower(p, lo);
    if (p->n + n > p->cap) {
        while (p->n + n > p->cap)
            p->cap = p->cap ? 2 * p->cap : 64;
        p->pg = md_xrealloc(p->pg, p->cap * sizeof *p->pg);
    }
    memmove(p->pg + a + n, p->pg + a, (p->n - a) * sizeof *p->pg);
    for (uint64_t i = 0; i < n; i++) {
        p->pg[a + i] = (struct md_page){.vpn = lo + i,
                                        .prot = (uint8_t)prot,
                                        .kind = (uint8_t)kind,
                                        .obj = obj,
                                        .idx = idx0 + i};
        if (kind == MD_ANON_SHARED)
            md->shobj[obj].refs++;
        md_file_page_mapped(md, &p->pg[a + i]);
    }
    p->n += n;
}

/* Number of mapped pages in [lo, hi). */
static uint64_t md_count(const struct model *md, int proc, uint64_t lo, uint64_t hi)
{
    const struct md_proc *p = &md->proc[proc];
    return md_lower(p, hi) - md_lower(p, lo);
}

/* ---- processes ------------------------------------------------------------ */

static void md_proc_new(struct model *md, int proc, uint64_t brk_base)
{
    struct md_proc *p = &md->proc[proc];
    memset(p, 0, sizeof *p);
    p->live = true;
    p->brk_base = p->brk = brk_base;
}

static void md_proc_destroy(struct model *md, int proc)
{
    struct md_proc *p = &md->proc[proc];
    md_unmap(md, proc, 0, UINT64_MAX);
    free(p->pg);
    memset(p, 0, sizeof *p);
}

static void md_fork(struct model *md, int parent, int child)
{
    struct md_proc *pp = &md->proc[parent], *c = &md->proc[child];
    memset(c, 0, sizeof *c);
    c->live = true;
    c->brk_base = pp->brk_base;
    c->brk = pp->brk;
    c->vm_extra = pp->vm_extra;
    c->cap = c->n = pp->n;
    c->pg = md_xmalloc((c->cap ? c->cap : 1) * sizeof *c->pg);
    for (size_t i = 0; i < pp->n; i++) {
        struct md_page g = pp->pg[i];
        if (g.data) {
            uint8_t *copy = md_xmalloc(MD_PAGE);
            memcpy(copy, g.data, MD_PAGE);
            g.data = copy;
        }
        if (g.kind == MD_ANON_SHARED)
            md->shobj[g.obj].refs++;
        md_file_page_mapped(md, &g);
        c->pg[i] = g;
    }
}

/* ---- accesses ------------------------------------------------------------- */

/* What an access of kind acc to page vpn does (Linux order: no VMA ->
 * MAPERR; VMA without the permission -> ACCERR; file page past EOF -> SIGBUS). */
static enum md_fault md_access(struct model *md, int proc, uint64_t vpn, int acc)
{
    const struct md_page *g = md_find(md, proc, vpn);
    if (!g)
        return MD_MAPERR;
    static const uint8_t need[3] = {MD_PROT_R, MD_PROT_W, MD_PROT_X};
    if (!(g->prot & need[acc]))
        return MD_ACCERR;
    /* A private copy exists only for pages that were inside the file. */
    bool file_backed = g->kind == MD_FILE_SHARED || (g->kind == MD_FILE_PRIV && !g->cowed);
    if (file_backed && g->idx >= md->file[g->obj].npages)
        return MD_BUSERR;
    return MD_OK;
}

/* The bytes of a readable page as the process sees them now (never NULL;
 * zero pages come from a static buffer). */
static const uint8_t *md_page_bytes(struct model *md, const struct md_page *g)
{
    static const uint8_t zero[MD_PAGE];
    switch (g->kind) {
    case MD_ANON:
        return g->data ? g->data : zero;
    case MD_ANON_SHARED: {
        const uint8_t *b = md->shobj[g->obj].page[g->idx];
        return b ? b : zero;
    }
    case MD_FILE_PRIV:
        if (g->cowed)
            return g->data;
        /* fall through */
    default:
        return md->file[g->obj].data + g->idx * MD_PAGE;
    }
}

/* A write fault on a permitted page: a private file page gets its own copy
 * (even when nothing is written yet), an anonymous page its bytes. Returns the
 * page's writable bytes. */
static uint8_t *md_write_fault(struct model *md, int proc, struct md_page *g)
{
    switch (g->kind) {
    case MD_ANON:
        if (!g->data)
            g->data = calloc(1, MD_PAGE);
        if (!g->data)
            abort();
        return g->data;
    case MD_FILE_PRIV:
        if (!g->cowed) {
            g->data = md_xmalloc(MD_PAGE);
            memcpy(g->data, md->file[g->obj].data + g->idx * MD_PAGE, MD_PAGE);
            md_file_page_unmapped(md, g);
            g->cowed = true;
        }
        return g->data;
    case MD_ANON_SHARED: {
        uint8_t **b = &md->shobj[g->obj].page[g->idx];
        if (!*b)
            *b = calloc(1, MD_PAGE);
        if (!*b)
            abort();
        return *b;
    }
    default:
        md->file[g->obj].dirty[g->idx] = true;
        md->file[g->obj].check[g->idx] = false;
        return md->file[g->obj].data + g->idx * MD_PAGE;
    }
}

/* First page of [va, va+len) whose access fails; returns its fault and sets
 * *bad_vpn, or MD_OK. */
static enum md_fault md_range_access(struct model *md, int proc, uint64_t va, uint64_t len, int acc,
                                     uint64_t *bad_vpn)
{
    for (uint64_t v = va / MD_PAGE; v <= (va + len - 1) / MD_PAGE; v++) {
        enum md_fault f = md_access(md, proc, v, acc);
        if (f != MD_OK) {
            *bad_vpn = v;
            return f;
        }
    }
    return MD_OK;
}

/* Applies a copyout of len bytes at va, page by page, up to (not including)
 * page stop_vpn (UINT64_MAX: all of it). Every page written must be accessible. */
static void md_write(struct model *md, int proc, uint64_t va, const uint8_t *src, uint64_t len,
                     uint64_t stop_vpn)
{
    while (len) {
        uint64_t vpn = va / MD_PAGE, off = va % MD_PAGE;
        if (vpn >= stop_vpn)
            return;
        uint64_t n = MD_PAGE - off < len ? MD_PAGE - off : len;
        struct md_page *g = md_find(md, proc, vpn);
        memcpy(md_write_fault(md, proc, g) + off, src, n);
        va += n;
        src += n;
        len -= n;
    }
}

/* Reads len accessible bytes at va. */
static void md_read(struct model *md, int proc, uint64_t va, uint8_t *dst, uint64_t len)
{
    while (len) {
        uint64_t vpn = va / MD_PAGE, off = va % MD_PAGE;
        uint64_t n = MD_PAGE - off < len ? MD_PAGE - off : len;
        memcpy(dst, md_page_bytes(md, md_find(md, proc, vpn)) + off, n);
        va += n;
        dst += n;
        len -= n;
    }
}

/* ---- protection, msync, brk ----------------------------------------------- */

/* mprotect of pages [lo, hi), Linux style: -ENOMEM (nothing changed) if lo is
 * unmapped; otherwise changes pages up to the first hole and returns -ENOMEM
 * if there is one, else 0. Returns 0 or a negative errno value. */
static int md_mprotect(struct model *md, int proc, uint64_t lo, uint64_t hi, int prot)
{
    for (uint64_t v = lo; v < hi; v++) {
        struct md_page *g = md_find(md, proc, v);
        if (!g)
            return -12; /* ENOMEM */
        g->prot = (uint8_t)prot;
    }
    return 0;
}

/* msync of pages [lo, hi): -ENOMEM if any page is unmapped, else 0; with
 * MS_SYNC (sync=true) the shared file pages of the range are written back
 * (also around holes, as Linux does). */
static int md_msync(struct model *md, int proc, uint64_t lo, uint64_t hi, bool sync)
{
    int rc = 0;
    for (uint64_t v = lo; v < hi; v++) {
        struct md_page *g = md_find(md, proc, v);
        if (!g) {
            rc = -12;
            continue;
        }
        if (sync && g->kind == MD_FILE_SHARED && g->idx < md->file[g->obj].npages)
            md_writeback(md, g->obj, g->idx);
    }
    return rc;
}

/* MADV_DONTNEED of pages [lo, hi): private pages lose what they hold (an
 * anonymous page reads zero again, a private file page shows the file again);
 * shared pages keep their object's bytes. -ENOMEM if any page is unmapped
 * (the mapped ones are still done, as in Linux), else 0. */
static int md_dontneed(struct model *md, int proc, uint64_t lo, uint64_t hi)
{
    int rc = 0;
    for (uint64_t v = lo; v < hi; v++) {
        struct md_page *g = md_find(md, proc, v);
        if (!g) {
            rc = -12;
            continue;
        }
        if (g->kind == MD_ANON || (g->kind == MD_FILE_PRIV && g->cowed)) {
            free(g->data);
            g->data = NULL;
        }
        if (g->kind == MD_FILE_PRIV && g->cowed) {
            g->cowed = false;
            md_file_page_mapped(md, g);
        }
    }
    return rc;
}

static void md_free(struct model *md)
{
    for (int i = 0; i < MD_MAX_PROCS; i++)
        if (md->proc[i].live)
            md_proc_destroy(md, i);
    for (size_t i = 0; i < md->nshobj; i++) {
        for (uint64_t j = 0; j < md->shobj[i].npages; j++)
            free(md->shobj[i].page[j]);
        free(md->shobj[i].page);
    }
    free(md->shobj);
    for (int i = 0; i < md->nfiles; i++) {
        free(md->file[i].data);
        free(md->file[i].check);
        free(md->file[i].dirty);
        free(md->file[i].maps);
    }
    memset(md, 0, sizeof *md);
}

#endif
