/* Regions of an address space: a treap ordered by address. See vma.h. */
#include "vma.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"

struct vma_node {
    struct vma v;         /* first: a region's address is its node's */
    struct vma_node *left, *right;
    uint64_t prio;        /* a heap on these keeps the depth O(log n) expected */
    size_t size;          /* regions in this subtree */
    uint64_t lo, hi;      /* the subtree's lowest start and highest end */
    uint64_t gap;         /* the largest hole between two of its regions (0: none) */
};

static size_t size_of(const struct vma_node *n)
{
    return n ? n->size : 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Recomputes n's summary from its children's. */
static void pull(struct vma_node *n)
{
    const struct vma_node *l = n->left, *r = n->right;
    n->size = 1 + size_of(l) + size_of(r);
    n->lo = l ? l->lo : n->v.start;
    n->hi = r ? r->hi : n->v.end;
    uint64_t g = 0;
    if (l)
        g = max_u64(l->gap, n->v.start - l->hi);
    if (r)
        g = max_u64(g, max_u64(r->gap, r->lo - n->v.end));
    n->gap = g;
}

/* Every region of a lies below every region of b. */
static struct vma_node *join(struct vma_node *a, struct vma_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (a->prio > b->prio) {
        a->right = join(a->right, b);
        pull(a);
        return a;
    }
    b->left = join(a, b->left);
    pull(b);
    return b;
}

/* The first k regions of n into *a, the rest into *b. */
static void cut(struct vma_node *n, size_t k, struct vma_node **a, struct vma_node **b)
{
    if (!n) {
        *a = *b = NULL;
        return;
    }
    if (size_of(n->left) >= k) {
        cut(n->left, k, a, &n->left);
        pull(n);
        *b = n;
    } else {
        cut(n->right, k - size_of(n->left) - 1, &n->right, b);
        pull(n);
        *a = n;
    }
}

/* Puts `nn` at index k of n's subtree. */
static struct vma_node *insert_at(struct vma_node *n, size_t k, struct vma_node *nn)
{
    if (!n || nn->prio > n->prio) {
        cut(n, k, &nn->left, &nn->right);
        pull(nn);
        return nn;
    }
    size_t ls = size_of(n->left);
    if (k <= ls)
        n->left = insert_at(n->left, k, nn);
    else
        n->right = insert_at(n->right, k - ls - 1, nn);
    pull(n);
    return n;
}

/* Unlinks index k of n's subtree into *out. */
static struct vma_node *remove_at(struct vma_node *n, size_t k, struct vma_node **out)
{
    size_t ls = size_of(n->left);
    if (k == ls) {
        *out = n;
        return join(n->left, n->right);
    }
    if (k < ls)
        n->left = remove_at(n->left, k, out);
    else
        n->right = remove_at(n->right, k - ls - 1, out);
    pull(n);
    return n;
}

/* Recomputes the summaries on the path to index k (its bounds moved). */
static void repull(struct vma_node *n, size_t k)
{
    size_t ls = size_of(n->left);
    if (k < ls)
        repull(n->left, k);
    else if (k > ls)
        repull(n->right, k - ls - 1);
    pull(n);
}

static void free_tree(struct vma_list *l, struct vma_node *n)
{
    if (!n)
        return;
    free_tree(l, n->left);
    free_tree(l, n->right);
    l->pages -= (n->v.end - n->v.start) >> PAGE_SHIFT;
    free(n);
}

static uint64_t next_prio(struct vma_list *l)
{
    /* splitmix64: any well-mixed sequence will do; the guest cannot see it */
    uint64_t z = (l->seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct vma *vma_at(const struct vma_list *l, size_t i)
{
    assert(i < l->n);
    struct vma_node *n = l->root;
    for (;;) {
        size_t ls = size_of(n->left);
        if (i == ls)
            return &n->v;
        if (i < ls) {
            n = n->left;
        } else {
            i -= ls + 1;
            n = n->right;
        }
    }
}

/* The first region with end > a, and its index. */
static struct vma_node *first_ending_above(const struct vma_list *l, uint64_t a, size_t *idx)
{
    struct vma_node *n = l->root, *best = NULL;
    size_t base = 0, at = l->n;
    while (n) {
        if (n->v.end > a) {
            best = n;
            at = base + size_of(n->left);
            n = n->left;
        } else {
            base += size_of(n->left) + 1;
            n = n->right;
        }
    }
    if (idx)
        *idx = at;
    return best;
}

struct vma *vma_after(const struct vma_list *l, uint64_t a)
{
    struct vma_node *n = first_ending_above(l, a, NULL);
    return n ? &n->v : NULL;
}

struct vma *vma_first(const struct vma_list *l)
{
    return l->n ? vma_at(l, 0) : NULL;
}

struct vma *vma_next(const struct vma_list *l, const struct vma *v)
{
    return vma_after(l, v->end);
}

size_t vma_index(const struct vma_list *l, uint64_t a)
{
    size_t i;
    first_ending_above(l, a, &i);
    return i;
}

struct vma *vma_find(const struct vma_list *l, uint64_t a)
{
    struct vma_node *n = first_ending_above(l, a, NULL);
    return n && n->v.start <= a ? &n->v : NULL;
}

bool vma_range_free(const struct vma_list *l, uint64_t start, uint64_t end)
{
    struct vma_node *n = first_ending_above(l, start, NULL);
    return !n || n->v.start >= end;
}

int vma_insert(struct vma_list *l, const struct vma *v)
{
    assert(v->start < v->end && !(v->start & PAGE_MASK) && !(v->end & PAGE_MASK));
    assert(vma_range_free(l, v->start, v->end));
    if (l->n > VMA_MAX_MAP_COUNT)   /* Linux do_mmap: map_count > max_map_count */
        return -ENOMEM;
    struct vma_node *nn = calloc(1, sizeof *nn);
    if (!nn)
        return -ENOMEM;
    nn->v = *v;
    nn->prio = next_prio(l);
    l->root = insert_at(l->root, vma_index(l, v->start), nn);
    l->n++;
    l->pages += (v->end - v->start) >> PAGE_SHIFT;
    return 0;
}

void vma_remove(struct vma_list *l, size_t i)
{
    assert(i < l->n);
    struct vma_node *gone;
    l->root = remove_at(l->root, i, &gone);
    l->n--;
    l->pages -= (gone->v.end - gone->v.start) >> PAGE_SHIFT;
    free(gone);
}

void vma_remove_range(struct vma_list *l, size_t i, size_t j)
{
    assert(i <= j && j <= l->n);
    struct vma_node *a, *mid, *b;
    cut(l->root, i, &a, &mid);
    cut(mid, j - i, &mid, &b);
    free_tree(l, mid);
    l->root = join(a, b);
    l->n -= j - i;
}

void vma_set_range(struct vma_list *l, size_t i, uint64_t start, uint64_t end)
{
    struct vma *v = vma_at(l, i);
    assert(start < end && !(start & PAGE_MASK) && !(end & PAGE_MASK));
    assert(i == 0 || vma_at(l, i - 1)->end <= start);
    assert(i + 1 == l->n || vma_at(l, i + 1)->start >= end);
    l->pages += (end - start) >> PAGE_SHIFT;
    l->pages -= (v->end - v->start) >> PAGE_SHIFT;
    v->start = start;
    v->end = end;
    repull(l->root, i);
}

int vma_split(struct vma_list *l, size_t i, uint64_t at)
{
    struct vma *lo = vma_at(l, i);
    assert(lo->start < at && at < lo->end && !(at & PAGE_MASK));
    if (l->n >= VMA_MAX_MAP_COUNT)   /* Linux split_vma */
        return -ENOMEM;
    struct vma_node *nn = calloc(1, sizeof *nn);
    if (!nn)
        return -ENOMEM;
    struct vma *hi = &nn->v;
    *hi = *lo;
    hi->start = at;
    lo->end = at;
    repull(l->root, i);
    if (hi->file) {
        hi->pgoff = lo->pgoff + ((at - lo->start) >> PAGE_SHIFT);
        vfile_get(hi->file);
    }
    if (hi->flags & VMA_DEVICE) {
        hi->pgoff = lo->pgoff + ((at - lo->start) >> PAGE_SHIFT);
        hi->dev_pfn = lo->dev_pfn + ((at - lo->start) >> PAGE_SHIFT);
    }
    nn->prio = next_prio(l);
    l->root = insert_at(l->root, i + 1, nn);
    l->n++;   /* pages: the same in total */
    return 0;
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags || a->file != b->file)
        return false;
    if (a->flags & VMA_DEVICE)
        return false; /* Linux: VM_PFNMAP is VM_SPECIAL, never merged */
    return !a->file || a->pgoff + ((a->end - a->start) >> PAGE_SHIFT) == b->pgoff;
}

/* Region i takes in region i + 1 (mergeable). */
static void absorb_next(struct vma_list *l, size_t i)
{
    struct vma *a = vma_at(l, i), *b = vma_at(l, i + 1);
    uint64_t end = b->end;
    if (b->file)
        vfile_put(b->file);
    vma_remove(l, i + 1);
    vma_set_range(l, i, a->start, end);
}

size_t vma_merge(struct vma_list *l, size_t i)
{
    assert(i < l->n);
    if (i + 1 < l->n && vma_mergeable(vma_at(l, i), vma_at(l, i + 1)))
        absorb_next(l, i);
    if (i > 0 && vma_mergeable(vma_at(l, i - 1), vma_at(l, i))) {
        absorb_next(l, i - 1);
        i--;
    }
    return i;
}

/* The highest hole [*gs, *ge) of n's subtree at least len long that ends at
 * or below top; the hole below the subtree's first region begins at
 * prev_end. Subtrees without a long enough hole, or above top, are skipped
 * by their summaries: one path down, plus the one that finds it. */
static bool hole_below(const struct vma_node *n, uint64_t prev_end, uint64_t top, uint64_t len,
                       uint64_t *gs, uint64_t *ge)
{
    if (!n || n->lo > top || (n->lo - prev_end < len && n->gap < len))
        return false;
    if (hole_below(n->right, n->v.end, top, len, gs, ge))
        return true;
    uint64_t s = n->left ? n->left->hi : prev_end;
    if (n->v.start <= top && n->v.start - s >= len) {
        *gs = s;
        *ge = n->v.start;
        return true;
    }
    return hole_below(n->left, prev_end, top, len, gs, ge);
}

int vma_gap_topdown(const struct vma_list *l, uint64_t len, uint64_t low, uint64_t high,
                    uint64_t *out)
{
    if (len == 0 || high < low || high - low < len)
        return -ENOMEM;
    /* The hole that high falls in (cut at high), below region i. */
    size_t i = vma_index(l, high); /* first region ending above high */
    uint64_t gap_end = high;
    if (i < l->n && vma_at(l, i)->start < high)
        gap_end = vma_at(l, i)->start;
    uint64_t below_end = i > 0 ? vma_at(l, i - 1)->end : 0;
    uint64_t gap_start = max_u64(below_end, low);
    if (gap_end > gap_start && gap_end - gap_start >= len) {
        *out = gap_end - len;
        return 0;
    }
    if (i == 0 || below_end <= low)
        return -ENOMEM;
    /* Then the highest hole long enough below region i - 1: if low cuts it
     * too short, every lower hole lies wholly below low. */
    uint64_t gs, ge;
    if (!hole_below(l->root, 0, vma_at(l, i - 1)->start, len, &gs, &ge))
        return -ENOMEM;
    gs = max_u64(gs, low);
    if (ge <= gs || ge - gs < len)
        return -ENOMEM;
    *out = ge - len;
    return 0;
}

void vma_list_free(struct vma_list *l)
{
    free_tree(l, l->root);
    *l = (struct vma_list){0};
}
