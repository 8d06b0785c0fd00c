/* Regions of an address space. See vma.h. */
#include "vma.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"

size_t vma_index(const struct vma_list *l, uint64_t a)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid].end > a)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct vma *vma_find(const struct vma_list *l, uint64_t a)
{
    size_t i = vma_index(l, a);
    return i < l->n && l->v[i].start <= a ? &l->v[i] : NULL;
}

bool vma_range_free(const struct vma_list *l, uint64_t start, uint64_t end)
{
    size_t i = vma_index(l, start);
    return i == l->n || l->v[i].start >= end;
}

static int vma_reserve(struct vma_list *l, size_t extra)
{
    if (l->n + extra <= l->cap)
        return 0;
    size_t cap = l->cap ? l->cap * 2 : 16;
    while (cap < l->n + extra)
        cap *= 2;
    struct vma *v = realloc(l->v, cap * sizeof *v);
    if (!v)
        return -ENOMEM;
    l->v = v;
    l->cap = cap;
    return 0;
}

int vma_insert(struct vma_list *l, const struct vma *v)
{
    assert(v->start < v->end && !(v->start & PAGE_MASK) && !(v->end & PAGE_MASK));
    assert(vma_range_free(l, v->start, v->end));
    if (l->n > VMA_MAX_MAP_COUNT)   /* Linux do_mmap: map_count > max_map_count */
        return -ENOMEM;
    if (vma_reserve(l, 1))
        return -ENOMEM;
    size_t i = vma_index(l, v->start);
    memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *v);
    l->v[i] = *v;
    l->n++;
    l->pages += (v->end - v->start) >> PAGE_SHIFT;
    return 0;
}

void vma_remove(struct vma_list *l, size_t i)
{
    assert(i < l->n);
    l->pages -= (l->v[i].end - l->v[i].start) >> PAGE_SHIFT;
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof l->v[0]);
    l->n--;
}

void vma_remove_range(struct vma_list *l, size_t i, size_t j)
{
    assert(i <= j && j <= l->n);
    for (size_t k = i; k < j; k++)
        l->pages -= (l->v[k].end - l->v[k].start) >> PAGE_SHIFT;
    memmove(&l->v[i], &l->v[j], (l->n - j) * sizeof l->v[0]);
    l->n -= j - i;
}

int vma_split(struct vma_list *l, size_t i, uint64_t at)
{
    assert(i < l->n && l->v[i].start < at && at < l->v[i].end && !(at & PAGE_MASK));
    if (l->n >= VMA_MAX_MAP_COUNT)   /* Linux split_vma */
        return -ENOMEM;
    if (vma_reserve(l, 1))
        return -ENOMEM;
    memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof l->v[0]);
    l->n++;
    struct vma *lo = &l->v[i], *hi = &l->v[i + 1];
    lo->end = at;
    hi->start = at;
    if (hi->file) {
        hi->pgoff = lo->pgoff + ((at - lo->start) >> PAGE_SHIFT);
        vfile_get(hi->file);
    }
    if (hi->flags & VMA_DEVICE) {
        hi->pgoff = lo->pgoff + ((at - lo->start) >> PAGE_SHIFT);
        hi->dev_pfn = lo->dev_pfn + ((at - lo->start) >> PAGE_SHIFT);
    }
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

size_t vma_merge(struct vma_list *l, size_t i)
{
    assert(i < l->n);
    if (i + 1 < l->n && vma_mergeable(&l->v[i], &l->v[i + 1])) {
        l->pages += (l->v[i + 1].end - l->v[i].end) >> PAGE_SHIFT;   /* vma_remove takes it off */
        l->v[i].end = l->v[i + 1].end;
        if (l->v[i + 1].file)
            vfile_put(l->v[i + 1].file);
        vma_remove(l, i + 1);
    }
    if (i > 0 && vma_mergeable(&l->v[i - 1], &l->v[i])) {
        l->pages += (l->v[i].end - l->v[i - 1].end) >> PAGE_SHIFT;
        l->v[i - 1].end = l->v[i].end;
        if (l->v[i].file)
            vfile_put(l->v[i].file);
        vma_remove(l, i);
        i--;
    }
    return i;
}

int vma_gap_topdown(const struct vma_list *l, uint64_t len, uint64_t low, uint64_t high,
                    uint64_t *out)
{
    if (len == 0 || high < low || high - low < len)
        return -ENOMEM;
    /* Walk the gaps from the top: the gap below region i ends at its start. */
    size_t i = vma_index(l, high); /* first region ending above high */
    uint64_t gap_end = high;
    if (i < l->n && l->v[i].start < high)
        gap_end = l->v[i].start;
    for (;;) {
        uint64_t gap_start = i > 0 ? l->v[i - 1].end : 0;
        if (gap_start < low)
            gap_start = low;
        if (gap_end > gap_start && gap_end - gap_start >= len) {
            *out = gap_end - len;
            return 0;
        }
        if (i == 0 || l->v[i - 1].end <= low)
            return -ENOMEM;
        i--;
        gap_end = l->v[i].start;
    }
}

void vma_list_free(struct vma_list *l)
{
    free(l->v);
    *l = (struct vma_list){0};
}
