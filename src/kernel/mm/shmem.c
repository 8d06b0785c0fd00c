/* shmem objects: the page cache's anonymous vinodes used as files (tmpfs
 * files, memfd, System V segments) besides shared anonymous memory. Their
 * bytes are only in frames and swap slots, so read(2)/write(2) go through
 * the same pages the mappings use. See mm.h. */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "pagecache.h"

bool vfile_is_shmem(const struct vfile *f) { return f && f->ino->anon; }
int vfile_shmem_kind(const struct vfile *f) { return f->ino->shmem_kind; }
uint64_t vfile_ino(const struct vfile *f) { return f->ino->ino; }

const char *shmem_kind_name(int kind)
{
    switch (kind) {
    case SHMEM_TMPFS: return "tmpfs file";
    case SHMEM_MEMFD: return "memfd";
    case SHMEM_SYSV: return "SysV";
    default: return "shared anonymous";
    }
}

/* Copies between buf and the object's bytes [off, off+len) page by page.
 * A read of a page neither cached nor swapped is zeros (no page is made). */
static int64_t shmem_rw(struct vfile *vf, uint8_t *buf, uint64_t len, uint64_t off, bool wr)
{
    struct vinode *n = vf->ino;
    struct kernel *k = n->k;
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, index = pos >> PAGE_SHIFT, in = pos & PAGE_MASK;
        uint64_t chunk = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;
        pfn_t f;
        bool major = false;
        if (!wr && !pagecache_lookup(n, index, &f) &&
            pagecache_swap_slot(n, index) == SWAP_NO_SLOT) {
            memset(buf + done, 0, chunk);
        } else {
            int rc = pagecache_get(k, n, index, NULL, &f, &major);
            if (rc)
                return done ? (int64_t)done : rc;
            uint8_t *page = frame_bytes(&k->ft, f);
            if (wr)
                memcpy(page + in, buf + done, chunk);
            else
                memcpy(buf + done, page + in, chunk);
        }
        done += chunk;
    }
    return (int64_t)done;
}

int64_t shmem_read(struct vfile *f, void *buf, uint64_t len, uint64_t off)
{
    uint64_t size = f->ino->size;
    if (off >= size)
        return 0;
    if (len > size - off)
        len = size - off;
    return shmem_rw(f, buf, len, off, false);
}

int64_t shmem_write(struct vfile *f, const void *buf, uint64_t len, uint64_t off)
{
    if (off + len < off)
        return -EFBIG;
    int64_t r = shmem_rw(f, (uint8_t *)buf, len, off, true);
    if (r > 0 && off + (uint64_t)r > f->ino->size)
        f->ino->size = off + (uint64_t)r;
    return r;
}

int shmem_set_size(struct vfile *vf, uint64_t size)
{
    struct vinode *n = vf->ino;
    assert(n->anon);
    if (size < n->size) {
        uint64_t keep = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
        /* The tail of the last kept page reads as zeros after a later growth. */
        if (size & PAGE_MASK) {
            pfn_t f;
            bool major;
            if (pagecache_lookup(n, size >> PAGE_SHIFT, &f) ||
                (pagecache_swap_slot(n, size >> PAGE_SHIFT) != SWAP_NO_SLOT &&
                 pagecache_get(n->k, n, size >> PAGE_SHIFT, NULL, &f, &major) == 0))
                memset(frame_bytes(&n->k->ft, f) + (size & PAGE_MASK), 0,
                       PAGE_SIZE - (size & PAGE_MASK));
        }
        pagecache_drop_from(n->k, n, keep);
        /* Pages still mapped stay cached: zero what lies past the size. */
        vfile_truncated(vf, size);
    }
    n->size = size;
    return 0;
}

void shmem_pages(const struct vfile *f, uint64_t *resident, uint64_t *swapped)
{
    *resident = pindex_count(&f->ino->pages);
    *swapped = pindex_count(&f->ino->swapped);
}

bool shmem_page_held(const struct vfile *f, uint64_t index)
{
    pfn_t pfn;
    return pagecache_lookup(f->ino, index, &pfn) ||
           pagecache_swap_slot(f->ino, index) != SWAP_NO_SLOT;
}

int vfile_refs(const struct vfile *f) { return f->refcount; }

struct vfile *mm_file_at(struct mm *mm, vaddr_t addr)
{
    struct vma *v = vma_find(&mm->vmas, addr.v);
    return v && v->start == addr.v ? v->file : NULL;
}

bool vfile_mapped_shared_writable(const struct vfile *f)
{
    struct kernel *k = f->ino->k;
    for (unsigned a = 0; a < ASID_COUNT; a++) {
        struct mm *mm = k->asid_owner[a];
        const struct vma *v = mm ? vma_first(&mm->vmas) : NULL;
        for (; v; v = vma_next(&mm->vmas, v)) {
            if (v->file && v->file->ino == f->ino && (v->flags & VMA_SHARED) &&
                (v->prot & LX_PROT_WRITE))
                return true;
        }
    }
    return false;
}
