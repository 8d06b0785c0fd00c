/* The page-index radix tree. See pindex.h. */
#include "pindex.h"

#include <errno.h>
#include <stdlib.h>

#define PI_SHIFT 6
#define PI_SLOTS (1u << PI_SHIFT)
#define PI_MAXH 11 /* 11 * 6 >= 64 bits */

struct pindex_node {
    uint64_t used; /* bit i: slot i holds a child (inner) or a value (leaf) */
    union {
        struct pindex_node *child[PI_SLOTS];
        uint64_t val[PI_SLOTS];
    };
};

/* The slot of index in a node at height h (leaves are at height 1). */
static unsigned slot_of(uint64_t index, unsigned h)
{
    return (unsigned)(index >> (PI_SHIFT * (h - 1))) & (PI_SLOTS - 1);
}

/* Whether a tree of height h covers index. */
static bool covers(unsigned h, uint64_t index)
{
    return h >= PI_MAXH || (index >> (PI_SHIFT * h)) == 0;
}

static unsigned height_for(uint64_t index)
{
    unsigned h = 1;
    while (!covers(h, index))
        h++;
    return h;
}

/* The leaf holding index, or NULL when index has no entry; path (if not
 * NULL) gets the inner nodes passed, path[h - 1] at height h + 1. */
static struct pindex_node *leaf_of(const struct pindex *t, uint64_t index,
                                   struct pindex_node **path)
{
    if (!t->root || !covers(t->height, index))
        return NULL;
    struct pindex_node *nd = t->root;
    for (unsigned h = t->height; h > 1; h--) {
        if (path)
            path[h - 1] = nd;
        nd = nd->child[slot_of(index, h)];
        if (!nd)
            return NULL;
    }
    return nd->used >> slot_of(index, 1) & 1 ? nd : NULL;
}

bool pindex_get(const struct pindex *t, uint64_t index, uint64_t *val)
{
    const struct pindex_node *nd = leaf_of(t, index, NULL);
    if (nd && val)
        *val = nd->val[slot_of(index, 1)];
    return nd != NULL;
}

/* How many nodes setting index would add. */
static unsigned nodes_missing(const struct pindex *t, uint64_t index)
{
    unsigned want = height_for(index);
    if (!t->root)
        return want;
    if (want > t->height) /* new roots above, then a fresh path beside the old root */
        return (want - t->height) + (want - 1);
    const struct pindex_node *nd = t->root;
    for (unsigned h = t->height; h > 1; h--) {
        nd = nd->child[slot_of(index, h)];
        if (!nd)
            return h - 1;
    }
    return 0;
}

int pindex_reserve(struct pindex *t, uint64_t index)
{
    unsigned need = nodes_missing(t, index);
    while (t->nspare < need) {
        struct pindex_node *nd = malloc(sizeof *nd);
        if (!nd)
            return -ENOMEM;
        nd->child[0] = t->spare;
        t->spare = nd;
        t->nspare++;
    }
    return 0;
}

/* A reserved node, emptied. */
static struct pindex_node *take(struct pindex *t)
{
    struct pindex_node *nd = t->spare;
    t->spare = nd->child[0];
    t->nspare--;
    nd->used = 0;
    for (unsigned i = 0; i < PI_SLOTS; i++)
        nd->child[i] = NULL;
    return nd;
}

int pindex_set(struct pindex *t, uint64_t index, uint64_t val)
{
    if (pindex_reserve(t, index))
        return -ENOMEM;
    unsigned want = height_for(index);
    if (!t->root) {
        t->root = take(t);
        t->height = want;
    }
    while (t->height < want) { /* the old root becomes slot 0 of a new one */
        struct pindex_node *top = take(t);
        top->child[0] = t->root;
        top->used = 1;
        t->root = top;
        t->height++;
    }
    struct pindex_node *nd = t->root;
    for (unsigned h = t->height; h > 1; h--) {
        unsigned s = slot_of(index, h);
        if (!nd->child[s]) {
            nd->child[s] = take(t);
            nd->used |= 1ull << s;
        }
        nd = nd->child[s];
    }
    unsigned s = slot_of(index, 1);
    if (!(nd->used >> s & 1))
        t->count++;
    nd->used |= 1ull << s;
    nd->val[s] = val;
    return 0;
}

bool pindex_remove(struct pindex *t, uint64_t index, uint64_t *val)
{
    struct pindex_node *path[PI_MAXH];
    struct pindex_node *nd = leaf_of(t, index, path);
    if (!nd)
        return false;
    unsigned s = slot_of(index, 1);
    if (val)
        *val = nd->val[s];
    nd->used &= ~(1ull << s);
    t->count--;
    /* Free the nodes left empty, bottom up. */
    for (unsigned h = 1; nd->used == 0; h++) {
        free(nd);
        if (h == t->height) {
            t->root = NULL;
            t->height = 0;
            return true;
        }
        nd = path[h];
        unsigned ps = slot_of(index, h + 1);
        nd->child[ps] = NULL;
        nd->used &= ~(1ull << ps);
    }
    /* A root whose only child is slot 0 adds nothing: drop it. */
    while (t->height > 1 && t->root->used == 1) {
        struct pindex_node *old = t->root;
        t->root = old->child[0];
        t->height--;
        free(old);
    }
    return true;
}

/* The first entry >= from under nd (height h, covering indices from base). */
static bool next_in(const struct pindex_node *nd, unsigned h, uint64_t base, uint64_t from,
                    uint64_t *index, uint64_t *val)
{
    unsigned shift = PI_SHIFT * (h - 1);
    unsigned s = from > base ? (unsigned)((from - base) >> shift) : 0;
    for (uint64_t m = nd->used & (~0ull << s); m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctzll(m);
        uint64_t b = base + ((uint64_t)i << shift);
        if (h == 1) {
            *index = b;
            *val = nd->val[i];
            return true;
        }
        if (next_in(nd->child[i], h - 1, b, from, index, val))
            return true;
    }
    return false;
}

bool pindex_next(const struct pindex *t, uint64_t from, uint64_t *index, uint64_t *val)
{
    if (!t->root || !covers(t->height, from))
        return false;
    return next_in(t->root, t->height, 0, from, index, val);
}

uint64_t pindex_count_range(const struct pindex *t, uint64_t first, uint64_t end)
{
    uint64_t n = 0;
    PINDEX_FOR_RANGE(t, first, end, i, v)
        n++;
    return n;
}

static void free_node(struct pindex_node *nd, unsigned h)
{
    if (h > 1)
        for (uint64_t m = nd->used; m; m &= m - 1)
            free_node(nd->child[__builtin_ctzll(m)], h - 1);
    free(nd);
}

void pindex_free(struct pindex *t)
{
    if (t->root)
        free_node(t->root, t->height);
    while (t->spare) {
        struct pindex_node *nd = t->spare;
        t->spare = nd->child[0];
        free(nd);
    }
    *t = (struct pindex){0};
}

/* Entries under nd, or -1 when a node breaks an invariant. */
static int64_t check_node(const struct pindex_node *nd, unsigned h)
{
    if (nd->used == 0)
        return -1;
    if (h == 1)
        return __builtin_popcountll(nd->used);
    int64_t n = 0;
    for (unsigned i = 0; i < PI_SLOTS; i++) {
        bool used = nd->used >> i & 1;
        if (used != (nd->child[i] != NULL))
            return -1;
        if (used) {
            int64_t c = check_node(nd->child[i], h - 1);
            if (c < 0)
                return -1;
            n += c;
        }
    }
    return n;
}

const char *pindex_check(const struct pindex *t)
{
    if (!t->root)
        return t->height || t->count ? "empty tree with height or count" : NULL;
    if (t->height == 0 || t->height > PI_MAXH)
        return "bad height";
    if (t->height > 1 && t->root->used == 1)
        return "root with only slot 0 (not shrunk)";
    int64_t n = check_node(t->root, t->height);
    if (n < 0)
        return "empty node, or bitmap and children disagree";
    if ((uint64_t)n != t->count)
        return "count differs from the entries";
    return NULL;
}
