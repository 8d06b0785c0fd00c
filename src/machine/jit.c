/* The translator's code cache and dispatcher (see jit.h, jit_gen.c).
 *
 * Code cache: one memfd mapped twice, read+write for the translator and
 * read+execute for running, so no page is ever writable and executable at
 * once. Allocation is a bump pointer; when it is full everything is dropped
 * (QEMU's policy), which is safe because translation only happens here in
 * jit_run, never while generated code is on the stack.
 *
 * Translations are kept per (ASID, virtual page, frame) in struct jpage,
 * the decode cache's key, and dropped by jit_flush_page / jit_flush_all
 * exactly when hart.c drops decoded pages; so code is translated again
 * after fence.i, riscv_flush_icache, munmap, mprotect, eviction and COW as
 * the interpreter decodes it again.
 *
 * Dispatch mirrors hart_run: a page is entered through the fetch TLB
 * (mem_translate) when pc moves to another page than the current one, after
 * fence.i and after a page-straddling instruction, and at no other time;
 * blocks chain directly only to blocks of the same page (which the
 * interpreter reaches without a fetch lookup either). */
#include "jit_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <sys/mman.h>
#include <unistd.h>
#endif

bool jit_available(void)
{
#if defined(__x86_64__)
    return true;
#else
    return false;
#endif
}

static unsigned jpage_index(uint64_t tag)
{
    uint64_t vpn = tag & ((1ULL << 52) - 1), asid = tag >> 52;
    return (unsigned)((vpn ^ (asid * 0x9e5u)) & (JPAGE_SLOTS - 1));
}

/* A record that matches nothing: fetch_gen never reaches UINT64_MAX. */

void jfar_clear(struct jfar *r)
{
    *r = (struct jfar){.gen = UINT64_MAX};
}

/* Drops every page's translations (the far-jump records through fetch_gen). */
static void drop_all(struct jit *j)
{
    for (unsigned i = 0; i < JPAGE_SLOTS; i++)
        if (j->slot[i])
            j->slot[i]->tag = TLB_TAG_INVALID;
    j->h->mmu.tlb.fetch_gen++;   /* the far-jump records lead nowhere now */
}

static void cache_reset(struct jit *j)
{
    drop_all(j);
    for (unsigned i = 0; i < JFAR_HASH; i++)
        jfar_clear(&j->ftab[i]);
    j->used = j->code_start;
    j->cold_used = j->cold_start;
    j->nblk = 0;
    j->ndins = 0;
    j->nfar = 0;
    j->nsite = 0;
    j->epoch++;
}

#if defined(__x86_64__)
struct jit *jit_new(struct hart *h, size_t cache_bytes)
{
    if (cache_bytes < JIT_MIN_CACHE)
        cache_bytes = JIT_MIN_CACHE;
    cache_bytes = (cache_bytes + PAGE_MASK) & ~(size_t)PAGE_MASK;
    struct jit *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->h = h;
    j->ctx.h = h;
    j->ctx.j = j;
    j->ctx.l0_asid = UINT16_MAX;
    j->ctx.tlb_set[0] = h->mmu.tlb.e[ACCESS_READ];
    j->ctx.tlb_set[1] = h->mmu.tlb.e[ACCESS_WRITE];
    jl0_flush(&j->ctx);
    j->size = cache_bytes;
    j->capblk = cache_bytes / 64;
    j->capdins = cache_bytes / 32;
    j->capfar = cache_bytes / 128;
    j->blk = malloc(j->capblk * sizeof *j->blk);
    j->dins = malloc(j->capdins * sizeof *j->dins);
    j->far = malloc(j->capfar * sizeof *j->far);
    j->ftab = malloc(JFAR_HASH * sizeof *j->ftab);
    int fd = memfd_create("vmsim-jit", MFD_CLOEXEC);
    if (!j->blk || !j->dins || !j->far || !j->ftab || fd < 0 ||
        ftruncate(fd, (off_t)cache_bytes) != 0)
        goto fail;
    for (unsigned i = 0; i < JFAR_HASH; i++)
        jfar_clear(&j->ftab[i]);
    j->rw = mmap(NULL, cache_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    j->rx = mmap(NULL, cache_bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    fd = -1;
    if (j->rw == MAP_FAILED || j->rx == MAP_FAILED)
        goto fail;
    struct jbuf b = {.p = j->rw, .end = j->rw + cache_bytes, .rw = j->rw, .rx = j->rx};
    jit_gen_tramp(j, &b);
    j->code_start = j->used = (size_t)(b.p - j->rw + 63) & ~(size_t)63;
    j->cold_start = j->cold_used = (j->code_start + (cache_bytes - j->code_start) / 2) & ~(size_t)63;
    return j;
fail:
    if (fd >= 0)
        close(fd);
    if (j->rw && j->rw != MAP_FAILED)
        munmap(j->rw, cache_bytes);
    if (j->rx && j->rx != MAP_FAILED)
        munmap(j->rx, cache_bytes);
    free(j->blk);
    free(j->dins);
    free(j->far);
    free(j->ftab);
    free(j);
    errno = ENOMEM;
    return NULL;
}

void jit_free(struct jit *j)
{
    if (!j)
        return;
    for (unsigned i = 0; i < JPAGE_SLOTS; i++)
        free(j->slot[i]);
    munmap(j->rw, j->size);
    munmap(j->rx, j->size);
    free(j->blk);
    free(j->dins);
    free(j->far);
    free(j->ftab);
    free(j);
}
#else
struct jit *jit_new(struct hart *h, size_t cache_bytes)
{
    (void)h;
    (void)cache_bytes;
    errno = ENOSYS;
    return NULL;
}

void jit_free(struct jit *j) { (void)j; }
#endif

void jit_flush_page(struct jit *j, uint16_t asid, vaddr_t a)
{
    uint64_t tag = tlb_tag(a, asid);
    struct jpage *p = j->slot[jpage_index(tag)];
    if (p && p->tag == tag) {
        p->tag = TLB_TAG_INVALID;
        j->h->mmu.tlb.fetch_gen++;   /* records into it lead nowhere now */
        j->st.inval_pages++;
    }
    /* The L0, as hart_code_flush_page does. */
    if (j->h->mmu.tlb.nsuper) {
        jl0_flush(&j->ctx);
    } else {
        uint64_t page = a.v & ~(uint64_t)PAGE_MASK;
        struct jl0 *e = &j->ctx.l0[(a.v >> PAGE_SHIFT) & (JL0_SIZE - 1)];
        if (e[0].page == page)
            e[0].page = JL0_INVALID;
        if (e[JL0_SIZE].page == page)
            e[JL0_SIZE].page = JL0_INVALID;
    }
}

void jit_flush_all(struct jit *j)
{
    drop_all(j);
    j->st.inval_all++;
    jl0_flush(&j->ctx);
}

static struct jpage *jpage_get(struct jit *j, uint64_t tag, const uint8_t *host)
{
    struct jpage **slot = &j->slot[jpage_index(tag)];
    if (!*slot) {
        *slot = calloc(1, sizeof **slot);
        if (!*slot)
            abort();   /* host out of memory: not a guest condition */
        (*slot)->tag = TLB_TAG_INVALID;
    }
    struct jpage *p = *slot;
    if (p->tag != tag || p->host != host) {
        memset(p->b, 0, sizeof p->b);
        p->tag = tag;
        p->host = host;
        j->h->mmu.tlb.fetch_gen++;
    }
    return p;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Translates the block at pc of page pg; may empty the cache first (then
 * *pg is looked up again). */
static struct jblock *translate(struct jit *j, struct jpage **pg, uint64_t pc)
{
    uint64_t t0 = now_ns();
    struct jblock *blk = NULL;
    for (int attempt = 0; attempt < 2 && !blk; attempt++) {
        struct jbuf b = {.p = j->rw + j->used, .end = j->rw + j->cold_start, .rw = j->rw, .rx = j->rx};
        struct jbuf cold = {.p = j->rw + j->cold_used, .end = j->rw + j->size, .rw = j->rw, .rx = j->rx};
        blk = jit_gen_block(j, &b, &cold, *pg, pc);
        if (blk) {
            j->used = (size_t)(b.p - j->rw + 15) & ~(size_t)15;
            j->cold_used = (size_t)(cold.p - j->rw);
        } else if ((b.full || cold.full) && attempt == 0) {
            uint64_t tag = (*pg)->tag;
            const uint8_t *host = (*pg)->host;
            cache_reset(j);
            j->st.cache_flushes++;
            *pg = jpage_get(j, tag, host);
        } else {
            break;
        }
    }
    if (blk)
        (*pg)->b[(pc & PAGE_MASK) >> 1] = blk;
    j->st.translate_ns += now_ns() - t0;
    return blk;
}

/* Points the exit whose rel32 is at chain (exec view) at blk. */
static void chain_to(struct jit *j, uint64_t chain, const struct jblock *blk)
{
    uint8_t *rel = j->rw + ((const uint8_t *)(uintptr_t)chain - j->rx);
    int32_t d = (int32_t)(blk->entry - ((const uint8_t *)(uintptr_t)chain + 4));
    memcpy(rel, &d, 4);
    j->st.chains++;
}

static inline uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/* The page generated code's far jumps last entered, from their record (it
 * still holds: only jit_far rewrites records, and it clears `entered`). */
static void take_entered(struct jit_ctx *c)
{
    const struct jfar *r = c->entered;
    if (r) {
        c->page = r->target & ~PAGE_MASK;
        c->host = r->host;
        c->pg = r->pg;
        c->entered = NULL;
    }
}

const void *jit_far(struct jit_ctx *c, uint64_t target, struct jfar *rec)
{
    if (c->left == 0)
        return NULL;
    struct hart *h = c->h;
    uint8_t *p = mmu_fast(&h->mmu, va(target), ACCESS_EXEC);
    if (!p)
        return NULL;   /* a miss counts nothing: jit_run walks */
    struct jit *j = c->j;
    unsigned off = (unsigned)(target & PAGE_MASK);
    uint16_t asid = satp_asid(h->mmu.satp);
    uint64_t tag = tlb_tag(va(target), asid);
    c->host = p - off;
    c->page = target & ~PAGE_MASK;
    c->pg = jpage_get(j, tag, c->host);
    c->entered = NULL;
    c->chain = 0;
    if (off == PAGE_SIZE - 2 && insn_len(rd16(c->host + off)) == 4)
        return NULL;
    const struct jblock *blk = c->pg->b[off >> 1];
    if (!blk)
        return NULL;
    *rec = (struct jfar){.target = target, .gen = h->mmu.tlb.fetch_gen, .pg = c->pg,
                         .entry = blk->entry, .host = c->host};
    if (c->left < blk->n)
        return NULL;
    j->st.far_jumps++;
    return blk->entry;
}

void jit_run(struct hart *h, uint64_t max_insns, struct trap *out)
{
    struct jit *j = h->jit;
    struct jit_ctx *c = &j->ctx;
    uint16_t asid = satp_asid(h->mmu.satp);
    if (c->l0_asid != asid)
        h->mmu.tlb.fetch_gen++;   /* the far-jump records are of another ASID */
    if (c->l0_asid != asid || c->l0_walks != h->mmu.stats.walks) {
        jl0_flush(c);
        c->l0_asid = asid;
        c->l0_walks = h->mmu.stats.walks;
        c->l0_fills[0] = h->mmu.tlb.fills[0];
        c->l0_fills[1] = h->mmu.tlb.fills[1];
    }
    c->asid_tag = (uint64_t)asid << 52;
    c->left = max_insns;
    c->max = max_insns;
    c->tlb_hits = 0;
    c->chain = 0;
    c->page = TLB_TAG_INVALID;
    c->pg = NULL;
    c->entered = NULL;
    h->x[0] = 0;
    uint64_t pc = h->pc;
    uint64_t epoch = j->epoch;
    int cause;
    uint64_t tval = 0;

    if (max_insns == 0)
        goto quantum;
    for (;;) {
        if ((pc & ~PAGE_MASK) != c->page) {
            uint8_t *p;
            paddr_t dev;
            int cc = mem_translate(h, pc, ACCESS_EXEC, &p, &dev);
            if (cc || !p) {
                cause = cc ? cc : CAUSE_FETCH_ACCESS;
                tval = pc;
                goto trap;
            }
            c->host = p - (pc & PAGE_MASK);
            c->page = pc & ~PAGE_MASK;
            c->pg = jpage_get(j, tlb_tag(va(pc), asid), c->host);
            c->chain = 0;
        }
        const uint8_t *host = c->host;
        unsigned off = (unsigned)(pc & PAGE_MASK);
        uint16_t lo = rd16(host + off);
        bool straddles = insn_len(lo) == 4 && off == PAGE_SIZE - 2;
        if (!straddles) {
            if (c->pg->tag == TLB_TAG_INVALID)   /* flushed (fence.i): made again */
                c->pg = jpage_get(j, tlb_tag(va(pc), asid), host);
            struct jblock *blk = c->pg->b[off >> 1];
            if (!blk) {
                blk = translate(j, &c->pg, pc);
                if (j->epoch != epoch) {
                    epoch = j->epoch;
                    c->chain = 0;
                }
            }
            if (blk && c->left >= blk->n) {
                if (c->chain)
                    chain_to(j, c->chain, blk);
                j->st.block_runs++;
                int rc = j->enter(c, h, blk->entry);
                take_entered(c);
                pc = c->pc;
                if (rc == JX_TRAP) {
                    cause = c->cause;
                    tval = c->tval;
                    goto trap;
                }
                if (rc == JX_NEWPAGE) {
                    c->page = TLB_TAG_INVALID;
                    c->pg = NULL;
                }
                if (c->left == 0)
                    goto quantum;
                continue;
            }
        }
        /* One instruction in C: a short budget, a straddling instruction,
         * or code the translator could not take. */
        c->chain = 0;
        j->st.steps++;
        struct dinsn d;
        if (straddles) {
            uint8_t *p;
            paddr_t dev;
            int cc = mem_translate(h, pc + 2, ACCESS_EXEC, &p, &dev);
            if (cc || !p) {
                cause = cc ? cc : CAUSE_FETCH_ACCESS;
                tval = pc + 2;
                goto trap;
            }
            decode_insn(lo, rd16(p), &d);
        } else {
            decode_insn(lo, insn_len(lo) == 4 ? rd16(host + off + 2) : 0, &d);
        }
        jit_fix_rd(&d);
        uint64_t next;
        if ((cause = jit_exec1(c, &d, pc, 0, &next)) != 0) {
            tval = c->tval;
            goto trap;
        }
        pc = next;
        if (straddles || d.op == OP_FENCE_I) {
            c->page = TLB_TAG_INVALID;
            c->pg = NULL;
        }
        if (--c->left == 0)
            goto quantum;
    }
quantum:
    cause = TRAP_QUANTUM;
    tval = 0;
trap:
    h->pc = pc;
    h->instret += max_insns - c->left;
    h->io_instret = h->instret;
    h->mmu.tlb.stats.hits += c->tlb_hits;
    j->st.far_jumps += c->far_hits;
    c->far_hits = 0;
    c->l0_walks = h->mmu.stats.walks;
    c->l0_fills[0] = h->mmu.tlb.fills[0];
    c->l0_fills[1] = h->mmu.tlb.fills[1];
    *out = (struct trap){.cause = cause, .tval = tval, .pc = pc};
}

const struct jit_stats *jit_get_stats(const struct jit *j) { return &j->st; }

void jit_print_stats(const struct jit *j, FILE *f)
{
    const struct jit_stats *s = &j->st;
    fprintf(f,
            "jit: %llu blocks translated (%llu guest instructions, %llu bytes of x86-64, "
            "cache %zu KiB), %llu cache flushes, %llu page invalidations, %llu full "
            "invalidations, %llu chains, %llu block entries, %llu far jumps, %llu single "
            "steps, %.3f ms translating\n",
            (unsigned long long)s->blocks, (unsigned long long)s->guest_insns,
            (unsigned long long)s->code_bytes, j->size >> 10,
            (unsigned long long)s->cache_flushes, (unsigned long long)s->inval_pages,
            (unsigned long long)s->inval_all, (unsigned long long)s->chains,
            (unsigned long long)s->block_runs, (unsigned long long)s->far_jumps,
            (unsigned long long)s->steps,
            (double)s->translate_ns / 1e6);
}

void jit_dump_at(struct jit *j, uint64_t a, FILE *f)
{
    j->dump_pc = a;
    j->dump_f = f;
}
