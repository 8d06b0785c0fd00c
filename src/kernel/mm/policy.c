/* The page-replacement policies. See policy.h.
 *
 * Every policy keeps the resident frames in a circular doubly-linked list in
 * load order (head = oldest); they differ in how they walk it:
 *   fifo    from the head, the first evictable frame;
 *   clock   a hand goes round; a referenced frame (A bit set) gets a second
 *           chance (its A bits are cleared), the first unreferenced one goes;
 *           new frames are inserted just behind the hand;
 *   lru     the list is kept in recency order: on_access moves a frame to
 *           the tail. Without reported references (run/script mode) the A
 *           bits are sampled at each scan instead: a referenced frame moves
 *           to the tail (an approximation: the order among pages referenced
 *           between two scans is unknown);
 *   random  a uniformly chosen frame (splitmix64, fixed seed), then the
 *           next evictable one in list order;
 *   opt     the evictable frame whose next use is farthest; ties (pages never
 *           used again) go to the oldest. */
#include "policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct plist {
    uint32_t *prev, *next;   /* meaningful only where in[f] */
    uint8_t *in;             /* f is on the list (calloc: a huge machine's arrays stay untouched) */
    uint32_t *pos;   /* random: index in `arr` */
    uint32_t *arr;   /* random: resident frames */
    uint64_t count;
    uint32_t head;   /* oldest (or least recently used) */
    uint32_t hand;   /* clock */
    bool exact;      /* lru: references are reported */
    uint64_t rng;
};

static struct plist *pl(struct policy *p)
{
    return p->state;
}

static bool pl_in(const struct plist *l, uint32_t f)
{
    return l->in[f];
}

/* Inserts f before `before` (at the tail when before is the head). */
static void pl_insert_before(struct plist *l, uint32_t f, uint32_t before)
{
    l->in[f] = 1;
    if (l->head == POLICY_NO_FRAME) {
        l->head = f;
        l->next[f] = l->prev[f] = f;
        return;
    }
    uint32_t b = before == POLICY_NO_FRAME ? l->head : before;
    uint32_t a = l->prev[b];
    l->next[a] = f;
    l->prev[f] = a;
    l->next[f] = b;
    l->prev[b] = f;
}

static void pl_remove(struct plist *l, uint32_t f)
{
    uint32_t n = l->next[f], pv = l->prev[f];
    if (n == f) {
        l->head = l->hand = POLICY_NO_FRAME;
    } else {
        l->next[pv] = n;
        l->prev[n] = pv;
        if (l->head == f)
            l->head = n;
        if (l->hand == f)
            l->hand = n;
    }
    l->in[f] = 0;
}

static int list_init(struct policy *p)
{
    struct plist *l = calloc(1, sizeof *l);
    uint64_t n = p->nframes ? p->nframes : 1;
    if (!l)
        return -ENOMEM;
    l->prev = malloc(n * sizeof *l->prev);
    l->next = malloc(n * sizeof *l->next);
    l->in = calloc(n, sizeof *l->in);
    l->pos = malloc(n * sizeof *l->pos);
    l->arr = malloc(n * sizeof *l->arr);
    if (!l->prev || !l->next || !l->in || !l->pos || !l->arr) {
        free(l->in);
        free(l->prev);
        free(l->next);
        free(l->pos);
        free(l->arr);
        free(l);
        return -ENOMEM;
    }
    l->head = l->hand = POLICY_NO_FRAME;
    l->rng = p->seed;
    p->state = l;
    return 0;
}

static void list_fini(struct policy *p)
{
    struct plist *l = pl(p);
    if (!l)
        return;
    free(l->prev);
    free(l->next);
    free(l->in);
    free(l->pos);
    free(l->arr);
    free(l);
    p->state = NULL;
}

static void list_map(struct policy *p, uint32_t f)
{
    struct plist *l = pl(p);
    if (pl_in(l, f))
        return;
    /* Clock: behind the hand, so the hand reaches it last. Others: tail. */
    pl_insert_before(l, f, l->hand);
    if (l->hand == POLICY_NO_FRAME && p->ops->name[0] == 'c')
        l->hand = l->head;
    l->pos[f] = (uint32_t)l->count;
    l->arr[l->count++] = f;
}

static void list_unmap(struct policy *p, uint32_t f)
{
    struct plist *l = pl(p);
    if (!pl_in(l, f))
        return;
    pl_remove(l, f);
    uint32_t last = l->arr[--l->count];
    l->arr[l->pos[f]] = last;
    l->pos[last] = l->pos[f];
}

static void ignore_access(struct policy *p, uint32_t f, uint64_t now)
{
    (void)p, (void)f, (void)now;
}

/* ---- fifo ---------------------------------------------------------------- */

static uint32_t fifo_pick(struct policy *p, const struct policy_env *env)
{
    struct plist *l = pl(p);
    uint32_t f = l->head;
    for (uint64_t i = 0; i < l->count; i++, f = l->next[f])
        if (env->evictable(env->ctx, f))
            return f;
    return POLICY_NO_FRAME;
}

/* ---- clock --------------------------------------------------------------- */

static uint32_t clock_pick(struct policy *p, const struct policy_env *env)
{
    struct plist *l = pl(p);
    if (l->hand == POLICY_NO_FRAME)
        l->hand = l->head;
    /* Two turns at most: the first may clear every A bit. */
    for (uint64_t i = 0; l->hand != POLICY_NO_FRAME && i < 2 * l->count + 1; i++) {
        uint32_t f = l->hand;
        l->hand = l->next[f];
        if (!env->evictable(env->ctx, f))
            continue;
        if (env->test_clear_young(env->ctx, f))
            continue; /* second chance */
        return f;
    }
    return POLICY_NO_FRAME;
}

/* ---- lru ----------------------------------------------------------------- */

static void lru_access(struct policy *p, uint32_t f, uint64_t now)
{
    (void)now;
    struct plist *l = pl(p);
    l->exact = true;
    if (!pl_in(l, f))
        return;
    pl_remove(l, f);
    pl_insert_before(l, f, POLICY_NO_FRAME);
}

static uint32_t lru_pick(struct policy *p, const struct policy_env *env)
{
    struct plist *l = pl(p);
    uint32_t f = l->head;
    for (uint64_t i = 0; f != POLICY_NO_FRAME && i < 2 * l->count + 1; i++) {
        uint32_t next = l->next[f];
        if (env->evictable(env->ctx, f)) {
            if (l->exact || !env->test_clear_young(env->ctx, f))
                return f;
            /* Referenced since the last scan: now the most recent. */
            pl_remove(l, f);
            pl_insert_before(l, f, POLICY_NO_FRAME);
        }
        f = next;
    }
    return POLICY_NO_FRAME;
}

/* ---- random -------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t random_pick(struct policy *p, const struct policy_env *env)
{
    struct plist *l = pl(p);
    if (!l->count)
        return POLICY_NO_FRAME;
    uint32_t f = l->arr[splitmix64(&l->rng) % l->count];
    for (uint64_t i = 0; i < l->count; i++, f = l->next[f])
        if (env->evictable(env->ctx, f))
            return f;
    return POLICY_NO_FRAME;
}

/* ---- opt ----------------------------------------------------------------- */

static uint32_t opt_pick(struct policy *p, const struct policy_env *env)
{
    struct plist *l = pl(p);
    uint32_t best = POLICY_NO_FRAME, f = l->head;
    uint64_t best_t = 0;
    for (uint64_t i = 0; i < l->count; i++, f = l->next[f]) {
        if (!env->evictable(env->ctx, f))
            continue;
        uint64_t t = env->next_use ? env->next_use(env->ctx, f) : POLICY_NEVER;
        if (best == POLICY_NO_FRAME || t > best_t) {
            best = f;
            best_t = t;
            if (t == POLICY_NEVER)
                break; /* the oldest page never used again */
        }
    }
    return best;
}

/* ---- the table ------------------------------------------------------------ */

#define LIST_POLICY(nm, hlp, future, acc, pick)                                                    \
    {                                                                                              \
        .name = nm, .help = hlp, .needs_future = future, .init = list_init, .fini = list_fini,     \
        .on_map = list_map, .on_access = acc, .on_unmap = list_unmap, .pick_victim = pick,         \
    }

static const struct policy_ops clock_ops =
    LIST_POLICY("clock", "second chance over the accessed bits (default)", false, ignore_access,
                clock_pick);
static const struct policy_ops fifo_ops =
    LIST_POLICY("fifo", "the page loaded first goes first", false, ignore_access, fifo_pick);
static const struct policy_ops lru_ops =
    LIST_POLICY("lru", "least recently used (exact in trace replays, A-bit sampled otherwise)",
                false, lru_access, lru_pick);
static const struct policy_ops random_ops =
    LIST_POLICY("random", "a random page (fixed seed)", false, ignore_access, random_pick);
static const struct policy_ops opt_ops = LIST_POLICY(
    "opt", "Belady's optimal: the page used farthest in the future (trace replays only)", true,
    ignore_access, opt_pick);

const struct policy_ops *const policy_all[] = {&clock_ops, &fifo_ops, &lru_ops, &random_ops,
                                               &opt_ops, NULL};

const struct policy_ops *policy_find(const char *name)
{
    for (int i = 0; policy_all[i]; i++)
        if (!strcmp(policy_all[i]->name, name))
            return policy_all[i];
    return NULL;
}

int policy_init(struct policy *p, const struct policy_ops *ops, uint64_t nframes, uint64_t seed)
{
    *p = (struct policy){.ops = ops, .nframes = nframes, .seed = seed};
    return ops->init(p);
}

void policy_fini(struct policy *p)
{
    if (p->ops)
        p->ops->fini(p);
    p->ops = NULL;
}

bool kernel_policy_known(const char *name, bool *needs_future)
{
    const struct policy_ops *ops = policy_find(name);
    if (ops && needs_future)
        *needs_future = ops->needs_future;
    return ops != NULL;
}
