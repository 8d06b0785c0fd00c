/* Host files, anonymous shared objects, and the page cache. See pagecache.h. */
#include "pagecache.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event_impl.h"
#include "internal.h"
#include "swap.h"

/* ---- vinodes and vfiles -------------------------------------------------- */

/* Drops the unmapped cache page f of n (its entry at fr->index). */
static void vinode_drop_page(struct kernel *k, struct vinode *n, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    assert(fr->mapcount == 0 && fr->refcount == 1 && fr->owner == n);
    if (fr->dirty && !n->anon)
        pagecache_writeback(k, f, NULL);
    quota_page_settled(k, fr);
    bool had = pindex_remove(&n->pages, fr->index, NULL);
    assert(had);
    (void)had;
    frame_put(&k->ft, f);
    k->pagecache_pages--;
}

/* Frees the swap slots of n's swapped-out pages in [first, end). */
static void vinode_drop_swapped(struct kernel *k, struct vinode *n, uint64_t first, uint64_t end)
{
    PINDEX_FOR_RANGE(&n->swapped, first, end, i, slot) {
        swap_slot_put(&k->swap, (uint32_t)slot);
        pindex_remove(&n->swapped, i, NULL);
    }
}

/* Drops every page and swap slot of n (all unmapped). */
static void vinode_drop_all(struct kernel *k, struct vinode *n)
{
    PINDEX_FOR_RANGE(&n->pages, 0, UINT64_MAX, i, f)
        vinode_drop_page(k, n, (pfn_t){f});
    vinode_drop_swapped(k, n, 0, UINT64_MAX);
    pindex_free(&n->pages);
    pindex_free(&n->swapped);
}

static void vinode_put(struct vinode *n)
{
    assert(n->refcount > 0);
    if (--n->refcount > 0)
        return;
    struct kernel *k = n->k;
    vinode_drop_all(k, n);
    for (struct vinode **p = &k->inodes; *p; p = &(*p)->next)
        if (*p == n) {
            *p = n->next;
            break;
        }
    if (!n->anon)
        hostfd_close(&n->hfd);
    free(n->name);
    free(n);
}

static struct vfile *vfile_wrap(struct vinode *n, const char *name, bool writable)
{
    struct vfile *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->name = strdup(name);
    if (!f->name) {
        free(f);
        return NULL;
    }
    f->ino = n;
    f->writable = writable;
    f->refcount = 1;
    n->refcount++;
    return f;
}

struct vfile *vfile_open(struct kernel *k, const char *host_path, const char *name, bool writable,
                         int *err)
{
    /* O_NONBLOCK: a FIFO found here must not stop the host process in
     * open(2); it is refused below like any non-regular file. */
    int fd = open(host_path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *err = -errno;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        *err = -errno;
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = S_ISDIR(st.st_mode) ? -EISDIR : -ENODEV;
        close(fd);
        return NULL;
    }
    struct vinode *n = k->inodes;
    while (n && (n->anon || n->dev != (uint64_t)st.st_dev || n->ino != (uint64_t)st.st_ino))
        n = n->next;
    if (n) {
        /* Same file: same cache. Keep the descriptor that can write back. */
        if (writable && !n->fd_writable) {
            /* In place: open files share the number (vfile_host_fd). */
            hostfd_replace(&n->hfd, fd, O_RDWR);
            n->fd_writable = true;
        } else {
            close(fd);
        }
    } else {
        n = calloc(1, sizeof *n);
        if (!n) {
            close(fd);
            *err = -ENOMEM;
            return NULL;
        }
        *n = (struct vinode){.k = k,
                             .fd_writable = writable,
                             .dev = (uint64_t)st.st_dev,
                             .ino = (uint64_t)st.st_ino,
                             .size = (uint64_t)st.st_size,
                             .next = k->inodes};
        k->inodes = n;
        hostfd_init(&n->hfd, fd, writable ? O_RDWR : O_RDONLY);
    }
    if (!n->name)
        n->name = strdup(name ? name : host_path);
    struct vfile *f = vfile_wrap(n, name ? name : host_path, writable);
    if (!f) {
        n->refcount++;
        vinode_put(n);
        *err = -ENOMEM;
    }
    return f;
}

struct vfile *vfile_new_shmem(struct kernel *k, uint64_t size, int kind, const char *name,
                              uint64_t ino)
{
    struct vinode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    /* Linux shows shmem objects on the internal shmem mount (device 00:01). */
    *n = (struct vinode){.k = k,
                         .anon = true,
                         .shmem_kind = kind,
                         .hfd = {.fd = -1, .pinned = true},
                         .dev = 1,
                         .ino = ino ? ino : ++k->next_anon_ino,
                         .size = size,
                         .name = strdup(name),
                         .next = k->inodes};
    if (!n->name) {
        free(n);
        return NULL;
    }
    k->inodes = n;
    struct vfile *f = vfile_wrap(n, name, true);
    if (!f) {
        n->refcount++;
        vinode_put(n);
    }
    return f;
}

struct vfile *vfile_new_anon(struct kernel *k, uint64_t size)
{
    return vfile_new_shmem(k, size, SHMEM_ANON, "/dev/zero (deleted)", 0);
}

void pagecache_drop_from(struct kernel *k, struct vinode *n, uint64_t first)
{
    assert(n->anon);
    PINDEX_FOR_RANGE(&n->pages, first, UINT64_MAX, i, f) {
        struct frame *fr = frame_of(&k->ft, (pfn_t){f});
        if (fr->mapcount == 0 && fr->refcount == 1)
            vinode_drop_page(k, n, (pfn_t){f});
    }
    vinode_drop_swapped(k, n, first, UINT64_MAX);
}

struct vfile *vfile_get(struct vfile *f)
{
    assert(f->refcount > 0);
    f->refcount++;
    return f;
}

void vfile_put(struct vfile *f)
{
    if (!f)
        return;
    assert(f->refcount > 0);
    if (--f->refcount > 0)
        return;
    vinode_put(f->ino);
    free(f->name);
    free(f);
}

int vfile_get_write(struct vfile *f)
{
    if (f->ino->writecount < 0)
        return -ETXTBSY;
    f->ino->writecount++;
    return 0;
}

void vfile_put_write(struct vfile *f)
{
    assert(f->ino->writecount > 0);
    f->ino->writecount--;
}

int vfile_deny_write(struct vfile *f)
{
    if (f->ino->writecount > 0)
        return -ETXTBSY;
    f->ino->writecount--;
    return 0;
}

void vfile_allow_write(struct vfile *f)
{
    assert(f->ino->writecount < 0);
    f->ino->writecount++;
}

int vfile_host_fd(const struct vfile *f)
{
    return vinode_fd(f->ino);
}

const char *vfile_name(const struct vfile *f)
{
    return f->name;
}

uint64_t vinode_size(struct vinode *n)
{
    struct stat st;
    if (!n->anon && fstat(vinode_fd(n), &st) == 0)
        n->size = (uint64_t)st.st_size;
    return n->size;
}

uint64_t vfile_size(const struct vfile *f)
{
    return vinode_size(f->ino);
}

int64_t vfile_pread(struct vfile *f, void *buf, uint64_t len, uint64_t off)
{
    if (f->ino->anon)
        return -EINVAL;
    if ((int64_t)off < 0)
        return -EINVAL;
    uint64_t done = 0;
    while (done < len) {
        ssize_t r = pread(vinode_fd(f->ino), (char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            break;
        done += (uint64_t)r;
    }
    return (int64_t)done;
}

/* ---- the cache ----------------------------------------------------------- */


/* Copies between buf (file bytes [off, off+len)) and the cached pages that
 * overlap it: into the pages (to_cache) or, from dirty pages only, out. */
static void pc_overlay(struct vinode *n, uint8_t *buf, uint64_t len, uint64_t off, bool to_cache)
{
    if (len == 0)
        return;
    struct frames *ft = &n->k->ft;
    PINDEX_FOR_RANGE(&n->pages, off >> PAGE_SHIFT, ((off + len - 1) >> PAGE_SHIFT) + 1, i, pfn) {
        uint64_t pstart = i << PAGE_SHIFT;
        uint64_t s = pstart > off ? pstart : off;
        uint64_t e = pstart + PAGE_SIZE < off + len ? pstart + PAGE_SIZE : off + len;
        uint8_t *page = frame_bytes(ft, (pfn_t){pfn});
        if (to_cache)
            memcpy(page + (s - pstart), buf + (s - off), e - s);
        else if (frame_of(ft, (pfn_t){pfn})->dirty)
            memcpy(buf + (s - off), page + (s - pstart), e - s);
    }
}

int64_t vfile_read(struct vfile *f, void *buf, uint64_t len, uint64_t off)
{
    int64_t r = vfile_pread(f, buf, len, off);
    if (r > 0)
        pc_overlay(f->ino, buf, (uint64_t)r, off, false);
    return r;
}

int64_t vfile_write(struct vfile *f, const void *buf, uint64_t len, uint64_t off)
{
    if (!f->writable || f->ino->anon)
        return -EBADF;
    if ((int64_t)off < 0)
        return -EINVAL;
    int64_t blocks;
    int qrc = quota_limit_write(f->ino->k, vinode_fd(f->ino), off, &len, &blocks);
    if (qrc)
        return qrc;
    uint64_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(vinode_fd(f->ino), (const char *)buf + done, len - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return done ? (int64_t)done : -errno;
        if (w == 0)
            break;
        done += (uint64_t)w;
    }
    quota_after_write(f->ino->k, vinode_fd(f->ino), blocks);
    pc_overlay(f->ino, (uint8_t *)buf, done, off, true);
    return (int64_t)done;
}

uint32_t pagecache_swap_slot(const struct vinode *n, uint64_t index)
{
    uint64_t slot;
    return pindex_get(&n->swapped, index, &slot) ? (uint32_t)slot : SWAP_NO_SLOT;
}

uint64_t pagecache_swapped_pages(const struct vinode *n, uint64_t first, uint64_t count)
{
    return pindex_count_range(&n->swapped, first, first + count);
}

int pagecache_swap_reserve(struct vinode *n, uint64_t index)
{
    return pindex_reserve(&n->swapped, index);
}

void pagecache_swap_out(struct kernel *k, pfn_t f, uint32_t slot)
{
    struct frame *fr = frame_of(&k->ft, f);
    struct vinode *n = fr->owner;
    assert(n && n->anon);
    uint64_t index = fr->index, at;
    assert(pindex_get(&n->pages, index, &at) && at == f.n);
    assert(!pindex_get(&n->swapped, index, NULL));
    int rc = pindex_set(&n->swapped, index, slot); /* reserved: cannot fail */
    assert(rc == 0);
    (void)rc;
    (void)at;
    vinode_drop_page(k, n, f); /* frees the frame */
}

/* Reads the swapped-out page index of n into the fresh frame f and frees its
 * slot. 0 or -EIO (the page stays in swap). */
static int pc_swap_in(struct kernel *k, struct vinode *n, uint64_t index, struct mm *mm, pfn_t f)
{
    uint32_t slot = pagecache_swap_slot(n, index);
    assert(slot != SWAP_NO_SLOT);
    if (swap_read(&k->swap, slot, frame_bytes(&k->ft, f))) {
        fprintf(stderr, "vmsim: swap read of slot %u failed\n", slot);
        return -EIO;
    }
    pindex_remove(&n->swapped, index, NULL);
    swap_slot_put(&k->swap, slot);
    if (mm)
        MM_COUNT(mm, pswpin);
    else
        k->c.pswpin++;
    event_shmem_swap_in(k, mm, n, index, f, slot);
    return 0;
}

bool pagecache_lookup(struct vinode *n, uint64_t index, pfn_t *out)
{
    uint64_t f;
    if (!pindex_get(&n->pages, index, &f))
        return false;
    *out = (pfn_t){f};
    return true;
}

int pagecache_get(struct kernel *k, struct vinode *n, uint64_t index, struct mm *mm, pfn_t *out,
                  bool *major)
{
    *major = false;
    if (pagecache_lookup(n, index, out))
        return 0;
    pfn_t f;
    int rc = frame_alloc(&k->ft, FRAME_FILE, &f);
    if (rc)
        return rc;
    /* After frame_alloc: its reclaim may have removed pages of this very
     * vinode (and tree nodes with them). */
    if (pindex_reserve(&n->pages, index)) {
        frame_put(&k->ft, f);
        return -ENOMEM;
    }
    if (n->anon && pagecache_swap_slot(n, index) != SWAP_NO_SLOT) {
        if (pc_swap_in(k, n, index, mm, f)) {
            frame_put(&k->ft, f);
            return -EIO;
        }
        *major = true;
    } else if (!n->anon) {
        uint8_t *dst = frame_bytes(&k->ft, f);
        uint64_t done = 0;
        while (done < PAGE_SIZE) { /* short read at EOF: the rest stays zero */
            ssize_t r =
                pread(vinode_fd(n), dst + done, PAGE_SIZE - done, (off_t)(index * PAGE_SIZE + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                frame_put(&k->ft, f);
                return -EIO;
            }
            if (r == 0)
                break;
            done += (uint64_t)r;
        }
        *major = true;
        if (mm)
            MM_COUNT(mm, file_reads);
        else
            k->c.file_reads++;
        event_page_in(k, mm, n, index, f);
    }
    struct frame *fr = frame_of(&k->ft, f);
    fr->owner = n;
    fr->index = index;
    rc = pindex_set(&n->pages, index, f.n); /* reserved: cannot fail */
    assert(rc == 0);
    k->pagecache_pages++;
    *out = f;
    return 0;
}

int pagecache_writeback(struct kernel *k, pfn_t f, struct mm *mm)
{
    struct frame *fr = frame_of(&k->ft, f);
    struct vinode *n = fr->owner;
    assert(fr->use == FRAME_FILE && n);
    if (!fr->dirty || n->anon)
        return 0;
    fr->dirty = false;
    /* Never extend the file: the part of the page past EOF is not written
     * (Linux writes only up to i_size). */
    uint64_t size = vinode_size(n), off = fr->index * PAGE_SIZE;
    if (off >= size)
        return 0;
    uint64_t len = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;
    const uint8_t *src = frame_bytes(&k->ft, f);
    uint64_t done = 0;
    /* --disk-quota: the blocks it fills are charged, its reservation goes */
    struct stat st;
    int64_t blocks = k->disk_quota && fstat(vinode_fd(n), &st) == 0 ? (int64_t)st.st_blocks : -1;
    while (done < len) {
        ssize_t w = pwrite(vinode_fd(n), src + done, len - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fprintf(stderr, "vmsim: writeback of page %llu failed: %s\n",
                    (unsigned long long)fr->index, w < 0 ? strerror(errno) : "short write");
            quota_page_settled(k, fr);
            return -EIO;
        }
        done += (uint64_t)w;
    }
    quota_after_write(k, vinode_fd(n), blocks);
    quota_page_settled(k, fr);
    if (mm)
        MM_COUNT(mm, writebacks);
    else
        k->c.writebacks++;
    return 0;
}

void pagecache_mkclean(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    for (uint32_t i = 0; i < fr->mapcount; i++) {
        struct mm *mm = fr->rmap[i].mm;
        pte_t *e = pt_pte(&k->ft, mm->root, va(fr->rmap[i].va), false, NULL, NULL);
        assert(e && pte_valid(*e) && pte_pfn(*e).n == f.n);
        if (e->bits & (PTE_W | PTE_D)) {
            e->bits &= ~(PTE_W | PTE_D);
            machine_flush_page(k->m, mm->asid, va(fr->rmap[i].va));
        }
    }
}

void pagecache_evict(struct kernel *k, pfn_t f)
{
    struct frame *fr = frame_of(&k->ft, f);
    struct vinode *n = fr->owner;
    uint64_t at;
    assert(pindex_get(&n->pages, fr->index, &at) && at == f.n);
    (void)at;
    vinode_drop_page(k, n, f);
}

void pagecache_drop_all(struct kernel *k)
{
    for (struct vinode *n = k->inodes; n; n = n->next)
        vinode_drop_all(k, n);
}

void vfile_truncated(struct vfile *vf, uint64_t size)
{
    struct vinode *n = vf->ino;
    struct frames *ft = &n->k->ft;
    PINDEX_FOR_RANGE(&n->pages, size >> PAGE_SHIFT, UINT64_MAX, i, pfn) {
        uint64_t start = i * PAGE_SIZE;
        uint64_t from = size > start ? size - start : 0;
        memset(frame_bytes(ft, (pfn_t){pfn}) + from, 0, PAGE_SIZE - from);
    }
}

bool vfile_writable(const struct vfile *f) { return f->writable; }

void pagecache_punch(struct kernel *k, struct vinode *n, uint64_t first, uint64_t last)
{
    PINDEX_FOR_RANGE(&n->pages, first, last, i, pfn) {
        pfn_t f = {pfn};
        struct frame *fr = frame_of(&k->ft, f);
        if (fr->refcount != fr->mapcount + 1)
            continue; /* a transient reference (a fault in progress): left */
        reclaim_unmap_file_page(k, f);
        fr->dirty = false; /* the hole reads as zeros: nothing to write */
        vinode_drop_page(k, n, f);
    }
    vinode_drop_swapped(k, n, first, last);
}
