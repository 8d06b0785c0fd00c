/* Miss-ratio curves; what each algorithm is and why: mrc.h. */
#include "mrc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace_opt.h"

const char *const mrc_policy_names[MRC_NPOL] = {"lru", "opt", "fifo", "clock", "random"};

#define MRC_MAX_POINTS 48     /* sizes on a default curve */
#define SHARDS_MOD (1u << 24) /* the sampling hash is compared modulo this */
#define NONE UINT32_MAX

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* The stack algorithms' last step. hist[d] counts references at stack
 * distance d (1..depth), hist[depth + 1] those deeper or cold; the misses at
 * size c are the references at distance > c. Sizes are ascending; one above
 * depth (the footprint) has the cold misses only. hist NULL (out of memory):
 * every point is UINT64_MAX, unknown. */
static void misses_from_hist(const uint64_t *hist, uint64_t depth, const uint64_t *sizes,
                             uint64_t nsizes, uint64_t *misses)
{
    if (!hist) {
        for (uint64_t i = 0; i < nsizes; i++)
            misses[i] = UINT64_MAX;
        return;
    }
    uint64_t above = hist[depth + 1];
    uint64_t si = nsizes;
    for (uint64_t i = nsizes; i-- > 0;)
        if (sizes[i] > depth)
            misses[--si] = above;
    for (uint64_t d = depth; si > 0; d--) {
        while (si > 0 && sizes[si - 1] == d)
            misses[--si] = above;
        above += hist[d];
        if (d == 0)
            break;
    }
}

/* ---- LRU: stack distances with a Fenwick tree ------------------------- */

void mrc_lru(const uint32_t *s, uint64_t n, uint32_t npages, const uint64_t *sizes,
             uint64_t nsizes, uint64_t *misses)
{
    uint64_t maxd = nsizes ? sizes[nsizes - 1] : 0;
    uint32_t *bit = calloc(n + 1, sizeof *bit);     /* 1 at each page's last use */
    uint64_t *last = calloc(npages, sizeof *last);  /* position + 1, 0 = never */
    uint64_t *hist = calloc(maxd + 2, sizeof *hist); /* [d]: distance d; [maxd+1]: deeper or cold */
    if (!bit || !last || !hist) {
        misses_from_hist(NULL, 0, sizes, nsizes, misses);
        goto out;
    }
    uint64_t marks = 0; /* marks in the whole tree */
    for (uint64_t t = 0; t < n; t++) {
        uint32_t x = s[t];
        uint64_t d = maxd + 1;
        if (last[x]) {
            /* distinct pages used after x's last use: marks in (last, t) */
            uint64_t before = 0;
            for (uint64_t i = last[x]; i; i -= i & -i)
                before += bit[i];
            uint64_t dist = marks - before + 1;
            if (dist <= maxd)
                d = dist;
            for (uint64_t i = last[x]; i <= n; i += i & -i)
                bit[i]--;
            marks--;
        }
        hist[d]++;
        last[x] = t + 1;
        for (uint64_t i = t + 1; i <= n; i += i & -i)
            bit[i]++;
        marks++;
    }
    misses_from_hist(hist, maxd, sizes, nsizes, misses);
out:
    free(bit);
    free(last);
    free(hist);
}

/* ---- OPT: the priority stack ---------------------------------------------- */

void mrc_opt(const uint32_t *s, uint64_t n, uint32_t npages, const uint64_t *sizes,
             uint64_t nsizes, uint64_t *misses)
{
    uint64_t depth = nsizes ? sizes[nsizes - 1] : 0;
    if (depth > npages)
        depth = npages;
    uint64_t *next = malloc(n * sizeof *next);          /* next use of s[t]'s page */
    uint64_t *seen = malloc(npages * sizeof *seen);     /* backward pass; then each page's next use */
    uint32_t *stk = malloc((depth + 1) * sizeof *stk);
    uint32_t *pos = malloc(npages * sizeof *pos);
    uint64_t *hist = calloc(depth + 2, sizeof *hist);
    if (!next || !seen || !stk || !pos || !hist) {
        misses_from_hist(NULL, 0, sizes, nsizes, misses);
        goto out;
    }
    for (uint32_t p = 0; p < npages; p++) {
        seen[p] = UINT64_MAX;
        pos[p] = NONE;
    }
    for (uint64_t t = n; t-- > 0;) {
        next[t] = seen[s[t]];
        seen[s[t]] = t;
    }
    uint64_t len = 0;
    for (uint64_t t = 0; t < n; t++) {
        uint32_t x = s[t];
        uint32_t d = pos[x];
        hist[d == NONE ? depth + 1 : d + 1]++;
        seen[x] = next[t]; /* x's priority from now on */
        if (d == 0)
            continue;
        if (len == 0) {
            stk[0] = x;
            pos[x] = 0;
            len = 1;
            continue;
        }
        uint32_t carry = stk[0];
        stk[0] = x;
        pos[x] = 0;
        uint64_t limit = d == NONE ? len : d;
        for (uint64_t i = 1; i < limit; i++) {
            /* the page used later goes on down */
            if (seen[stk[i]] > seen[carry]) {
                uint32_t y = stk[i];
                stk[i] = carry;
                pos[carry] = (uint32_t)i;
                carry = y;
            }
        }
        if (d != NONE) {
            stk[d] = carry;
            pos[carry] = d;
        } else if (len < depth) {
            stk[len] = carry;
            pos[carry] = (uint32_t)len;
            len++;
        } else {
            pos[carry] = NONE; /* leaves the largest memory */
        }
    }
    misses_from_hist(hist, depth, sizes, nsizes, misses);
out:
    free(next);
    free(seen);
    free(stk);
    free(pos);
    free(hist);
}

/* ---- FIFO, clock, random: one simulation per size ------------------------- */

uint64_t mrc_sim(enum mrc_policy p, const uint32_t *s, uint64_t n, uint32_t npages,
                 uint64_t size, uint64_t seed)
{
    if (size > npages)
        size = npages ? npages : 1;
    uint32_t *slot = malloc(npages * sizeof *slot); /* index in ring, NONE = not resident */
    uint32_t *ring = malloc(size * sizeof *ring);
    uint8_t *ref = calloc(size, 1);
    uint64_t miss = 0;
    if (!slot || !ring || !ref) {
        miss = UINT64_MAX;
        goto out;
    }
    for (uint32_t i = 0; i < npages; i++)
        slot[i] = NONE;
    uint64_t used = 0, hand = 0, rng = seed * 2 + 1;
    for (uint64_t t = 0; t < n; t++) {
        uint32_t x = s[t];
        if (slot[x] != NONE) {
            ref[slot[x]] = 1;
            continue;
        }
        miss++;
        uint64_t v;
        bool evict = used == size;
        if (!evict) {
            v = used++;
        } else if (p == MRC_FIFO) {
            v = hand;
            hand = hand + 1 == size ? 0 : hand + 1;
        } else if (p == MRC_CLOCK) {
            while (ref[hand]) {
                ref[hand] = 0;
                hand = hand + 1 == size ? 0 : hand + 1;
            }
            v = hand;
            hand = hand + 1 == size ? 0 : hand + 1;
        } else {
            rng ^= rng << 13; /* xorshift64 */
            rng ^= rng >> 7;
            rng ^= rng << 17;
            v = rng % size;
        }
        if (evict)
            slot[ring[v]] = NONE;
        ring[v] = x;
        slot[x] = (uint32_t)v;
        ref[v] = 1;
    }
out:
    free(slot);
    free(ring);
    free(ref);
    return miss;
}

/* ---- reading and sampling -------------------------------------------------- */

struct ids {
    struct page_map map; /* key -> id */
    uint64_t *keys;      /* id -> key */
    uint32_t n, cap;
    uint32_t *seq;       /* the merged string */
    uint64_t len, seqcap;
};

static int push(struct ids *d, uint64_t key)
{
    uint64_t id = page_map_get(&d->map, key, UINT64_MAX);
    if (id == UINT64_MAX) {
        if (d->n == d->cap) {
            uint32_t cap = d->cap ? d->cap * 2 : 4096;
            uint64_t *k = realloc(d->keys, cap * sizeof *k);
            if (!k)
                return -ENOMEM;
            d->keys = k;
            d->cap = cap;
        }
        if (d->n == NONE - 1 || page_map_put(&d->map, key, d->n))
            return -ENOMEM;
        d->keys[d->n] = key;
        id = d->n++;
    }
    if (d->len && d->seq[d->len - 1] == id)
        return 0;
    if (d->len == d->seqcap) {
        uint64_t cap = d->seqcap ? d->seqcap * 2 : 1 << 16;
        uint32_t *q = realloc(d->seq, cap * sizeof *q);
        if (!q)
            return -ENOMEM;
        d->seq = q;
        d->seqcap = cap;
    }
    d->seq[d->len++] = (uint32_t)id;
    return 0;
}

/* Keeps the pages whose hash falls under rate*SHARDS_MOD, renumbered, and
 * merges the repeats the removal made adjacent. */
static void shards(struct ids *d, double rate)
{
    uint32_t *newid = malloc(d->n * sizeof *newid);
    if (!newid)
        return; /* stays exact */
    uint32_t thresh = (uint32_t)(rate * SHARDS_MOD), m = 0;
    for (uint32_t i = 0; i < d->n; i++)
        newid[i] = (mix64(d->keys[i]) % SHARDS_MOD) < thresh ? m++ : NONE;
    uint64_t w = 0;
    for (uint64_t t = 0; t < d->len; t++) {
        uint32_t x = newid[d->seq[t]];
        if (x != NONE && (w == 0 || d->seq[w - 1] != x))
            d->seq[w++] = x;
    }
    d->len = w;
    d->n = m;
    free(newid);
}

/* The default sizes: every size up to MRC_MAX_POINTS of them, else
 * geometrically spaced ones (both ends included). */
static uint64_t pick_sizes(uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (hi - lo + 1 <= MRC_MAX_POINTS) {
        for (uint64_t s = lo; s <= hi; s++)
            out[s - lo] = s;
        return hi - lo + 1;
    }
    uint64_t n = 0;
    double f = pow((double)hi / (double)lo, 1.0 / (MRC_MAX_POINTS - 1));
    double v = (double)lo;
    for (int i = 0; i < MRC_MAX_POINTS; i++, v *= f) {
        uint64_t s = i == MRC_MAX_POINTS - 1 ? hi : (uint64_t)llround(v);
        if (n == 0 || s > out[n - 1])
            out[n++] = s;
    }
    return n;
}

struct mrc_input {
    struct ids d;
    uint64_t refs;
};

struct mrc_input *mrc_input_new(void)
{
    struct mrc_input *in = calloc(1, sizeof *in);
    if (in && page_map_init(&in->d.map)) {
        free(in);
        return NULL;
    }
    return in;
}

void mrc_input_free(struct mrc_input *in)
{
    if (!in)
        return;
    page_map_fini(&in->d.map);
    free(in->d.keys);
    free(in->d.seq);
    free(in);
}

int mrc_input_add(struct mrc_input *in, uint32_t pid, uint64_t vpn)
{
    in->refs++;
    /* (process, page): the process above the 52 bits of a page number */
    return push(&in->d, vpn | (uint64_t)pid << 52);
}

int mrc_input_compute(struct mrc_input *in, const struct mrc_opts *o, struct mrc_result *out)
{
    *out = (struct mrc_result){.rate = 1};
    struct ids *d = &in->d;
    uint64_t *ss = NULL, *miss = NULL;
    int rc = -ENOMEM;
    out->refs = in->refs;
    out->footprint = d->n;
    out->merged = d->len;
    if (o->sample_limit && d->len > o->sample_limit) {
        out->rate = (double)o->sample_limit / (double)d->len;
        shards(d, out->rate);
    }
    /* A sample resolves sizes of a few times 1/rate pages and up: the
     * default curve starts there. */
    uint64_t lo = o->size_lo ? o->size_lo : out->rate < 1 ? (uint64_t)ceil(4 / out->rate) : 1;
    uint64_t hi = o->size_hi ? o->size_hi : out->footprint;
    if (hi < lo)
        hi = lo;
    out->sizes = malloc(MRC_MAX_POINTS * sizeof *out->sizes);
    if (!out->sizes)
        goto out;
    out->nsizes = pick_sizes(lo, hi, out->sizes);
    /* the sizes in the sample's scale */
    uint64_t ns = out->nsizes;
    ss = calloc(ns, sizeof *ss);
    miss = calloc(ns, sizeof *miss);
    for (int p = 0; p < MRC_NPOL; p++)
        out->ratio[p] = malloc(ns * sizeof(double));
    if (!ss || !miss || !out->ratio[0] || !out->ratio[1] || !out->ratio[2] || !out->ratio[3] ||
        !out->ratio[4])
        goto out;
    for (uint64_t i = 0; i < ns; i++) {
        double v = (double)out->sizes[i] * out->rate;
        ss[i] = v < 1 ? 1 : (uint64_t)llround(v);
    }
    /* misses per reference of the merged (sampled) string, scaled to the trace */
    double scale = d->len && out->refs ? (double)out->merged / (double)out->refs / (double)d->len : 0;
    mrc_lru(d->seq, d->len, d->n, ss, ns, miss);
    for (uint64_t i = 0; i < ns; i++)
        out->ratio[MRC_LRU][i] = (double)miss[i] * scale;
    mrc_opt(d->seq, d->len, d->n, ss, ns, miss);
    for (uint64_t i = 0; i < ns; i++)
        out->ratio[MRC_OPT][i] = (double)miss[i] * scale;
    for (int p = MRC_FIFO; p < MRC_NPOL; p++)
        for (uint64_t i = 0; i < ns; i++)
            out->ratio[p][i] =
                (double)mrc_sim((enum mrc_policy)p, d->seq, d->len, d->n, ss[i], o->seed) * scale;
    rc = 0;
out:
    free(ss);
    free(miss);
    if (rc)
        mrc_result_fini(out);
    return rc;
}

int mrc_compute(struct trace_reader *rd, const char *name, const struct mrc_opts *o,
                struct mrc_result *out)
{
    *out = (struct mrc_result){.rate = 1};
    struct mrc_input *in = mrc_input_new();
    if (!in)
        return -ENOMEM;
    struct trace_ref refs[4096];
    int rc = 0;
    for (;;) {
        long n = trace_read(rd, refs, 4096);
        if (n < 0) {
            fprintf(stderr, "vmsim trace: %s:%llu: %s\n", name, (unsigned long long)rd->lineno,
                    rd->err);
            rc = 2;
            goto out;
        }
        if (n == 0)
            break;
        for (long i = 0; i < n; i++) {
            uint64_t first = refs[i].addr >> 12, last = (refs[i].addr + refs[i].size - 1) >> 12;
            if (last < first)
                last = first;
            for (uint64_t p = first; p <= last; p++)
                if ((rc = mrc_input_add(in, refs[i].pid, p)))
                    goto out;
        }
    }
    rc = mrc_input_compute(in, o, out);
out:
    mrc_input_free(in);
    return rc;
}

void mrc_result_fini(struct mrc_result *r)
{
    free(r->sizes);
    for (int p = 0; p < MRC_NPOL; p++)
        free(r->ratio[p]);
    *r = (struct mrc_result){0};
}

void mrc_print(const struct mrc_result *r, const struct mrc_opts *o, FILE *out)
{
    if (o->csv) {
        fprintf(out, "size");
        for (int p = 0; p < MRC_NPOL; p++)
            fprintf(out, ",%s", mrc_policy_names[p]);
        fputc('\n', out);
        for (uint64_t i = 0; i < r->nsizes; i++) {
            fprintf(out, "%llu", (unsigned long long)r->sizes[i]);
            for (int p = 0; p < MRC_NPOL; p++)
                fprintf(out, ",%.6f", r->ratio[p][i]);
            fputc('\n', out);
        }
        return;
    }
    fprintf(out, "# %llu references, %llu after merging repeats, %llu pages; ",
            (unsigned long long)r->refs, (unsigned long long)r->merged,
            (unsigned long long)r->footprint);
    if (r->rate < 1)
        fprintf(out,
                "SHARDS sample at rate %.4f (expect errors of ~0.01 in the ratios; sizes under\n"
                "# %.0f pages are below the sample's resolution)\n",
                r->rate, 4 / r->rate);
    else
        fprintf(out, "exact\n");
    fprintf(out, "%10s", "size");
    for (int p = 0; p < MRC_NPOL; p++)
        fprintf(out, " %9s", mrc_policy_names[p]);
    fputc('\n', out);
    for (uint64_t i = 0; i < r->nsizes; i++) {
        fprintf(out, "%10llu", (unsigned long long)r->sizes[i]);
        for (int p = 0; p < MRC_NPOL; p++)
            fprintf(out, " %9.6f", r->ratio[p][i]);
        fputc('\n', out);
    }
}
