/* The swap area: a sparse host file, a slot allocator, the swap cache.
 * See swap.h. */
#include "swap.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Opens a fresh file in a private directory under $TMPDIR, then unlinks
 * both at once: the open descriptor is all that is left, so the space goes
 * back to the host when the process ends, however it ends (exit, error,
 * Ctrl-C, crash). */
static int swap_open_file(uint64_t bytes)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/vmsim-swap.XXXXXX", tmp) >= (int)sizeof dir)
        return -ENAMETOOLONG;
    if (!mkdtemp(dir))
        return -errno;
    char path[4200];
    snprintf(path, sizeof path, "%s/swap", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int err = fd < 0 ? -errno : 0;
    if (fd >= 0)
        unlink(path);
    rmdir(dir);
    if (err)
        return err;
    /* Sparse: no block is used until a page is written. */
    if (ftruncate(fd, (off_t)bytes) < 0) {
        err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

void swap_teardown(struct swap_area *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->count);
    free(s->cache);
    free(s->free_stack);
    struct swap_area n = {.fd = -1, .fail_writes = s->fail_writes, .fail_reads = s->fail_reads};
    *s = n;
}

int swap_setup(struct swap_area *s, uint32_t nslots)
{
    if (s->fd >= 0 && s->nfree != s->nslots)
        return -EBUSY;
    swap_teardown(s);
    if (nslots == 0)
        return 0;
    if (nslots >= SWAP_NO_SLOT)
        return -EINVAL;
    struct swap_area n = {.fd = -1, .nslots = nslots, .nfree = nslots,
                          .fail_writes = s->fail_writes, .fail_reads = s->fail_reads};
    n.count = calloc(nslots, sizeof *n.count);
    n.cache = malloc(nslots * sizeof *n.cache);
    n.free_stack = malloc(nslots * sizeof *n.free_stack);
    if (!n.count || !n.cache || !n.free_stack) {
        swap_teardown(&n);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < nslots; i++) {
        n.cache[i] = FRAME_NONE;
        n.free_stack[i] = nslots - 1 - i; /* slot 0 is handed out first */
    }
    int fd = swap_open_file((uint64_t)nslots * PAGE_SIZE);
    if (fd < 0) {
        swap_teardown(&n);
        return fd;
    }
    n.fd = fd;
    *s = n;
    return 0;
}

uint32_t swap_slot_alloc(struct swap_area *s)
{
    if (s->fd < 0 || s->nfree == 0)
        return SWAP_NO_SLOT;
    uint32_t slot = s->free_stack[--s->nfree];
    assert(s->count[slot] == 0);
    s->count[slot] = 1;
    return slot;
}

void swap_slot_dup(struct swap_area *s, uint32_t slot)
{
    assert(slot < s->nslots && s->count[slot] > 0);
    s->count[slot]++;
}

void swap_slot_put(struct swap_area *s, uint32_t slot)
{
    assert(slot < s->nslots && s->count[slot] > 0);
    if (--s->count[slot] > 0)
        return;
    assert(s->cache[slot] == FRAME_NONE);
    s->free_stack[s->nfree++] = slot;
}

int swap_write(struct swap_area *s, uint32_t slot, const void *page)
{
    assert(slot < s->nslots);
    if (s->fail_writes) {
        s->fail_writes--;
        return -EIO;
    }
    uint64_t done = 0;
    while (done < PAGE_SIZE) {
        ssize_t w = pwrite(s->fd, (const char *)page + done, PAGE_SIZE - done,
                           (off_t)((uint64_t)slot * PAGE_SIZE + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 && errno == ENOSPC ? -ENOSPC : -EIO;
        done += (uint64_t)w;
    }
    return 0;
}

int swap_read(struct swap_area *s, uint32_t slot, void *page)
{
    assert(slot < s->nslots);
    if (s->fail_reads) {
        s->fail_reads--;
        return -EIO;
    }
    uint64_t done = 0;
    while (done < PAGE_SIZE) {
        ssize_t r = pread(s->fd, (char *)page + done, PAGE_SIZE - done,
                          (off_t)((uint64_t)slot * PAGE_SIZE + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) /* a slot inside the file never reads short */
            return -EIO;
        done += (uint64_t)r;
    }
    return 0;
}

bool swapcache_lookup(struct swap_area *s, uint32_t slot, pfn_t *out, const struct frames *ft)
{
    assert(slot < s->nslots);
    if (s->cache[slot] == FRAME_NONE)
        return false;
    *out = frame_pfn(ft, &ft->f[s->cache[slot]]);
    return true;
}

void swapcache_add(struct swap_area *s, struct frames *ft, pfn_t f, uint32_t slot)
{
    struct frame *fr = frame_of(ft, f);
    assert(fr->use == FRAME_ANON && fr->swap == SWAP_NO_SLOT && s->cache[slot] == FRAME_NONE);
    fr->swap = slot;
    s->cache[slot] = frame_index(ft, f);
    s->cached++;
    frame_get(ft, f);
    swap_slot_dup(s, slot);
}

void swapcache_del(struct swap_area *s, struct frames *ft, pfn_t f)
{
    struct frame *fr = frame_of(ft, f);
    uint32_t slot = fr->swap;
    assert(slot != SWAP_NO_SLOT && s->cache[slot] == frame_index(ft, f));
    s->cache[slot] = FRAME_NONE;
    fr->swap = SWAP_NO_SLOT;
    s->cached--;
    swap_slot_put(s, slot);
    frame_put(ft, f); /* frees it when no PTE maps it */
}

void swap_free_entry(struct kernel *k, struct mm *mm, pte_t e)
{
    assert(pte_is_swap(e));
    assert(mm->swap_pages > 0);
    mm->swap_pages--;
    struct swap_area *s = &k->swap;
    uint32_t slot = pte_swap_slot(e);
    swap_slot_put(s, slot);
    /* No swap PTE left: nobody will look for the page in the cache, and the
     * copy in swap is of no use any more. */
    if (s->count[slot] == 1 && s->cache[slot] != FRAME_NONE)
        swapcache_del(s, &k->ft, frame_pfn(&k->ft, &k->ft.f[s->cache[slot]]));
}
