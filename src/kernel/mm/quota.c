/* --disk-quota: what the guest may add to the host disk. See mm.h. Blocks
 * count (a sparse file costs what it holds), measured with fstat around
 * each write (st_blocks), so rewriting a file in place costs nothing and
 * freeing (truncate, unlink) gives the room back; each new inode costs
 * KERNEL_DISK_INODE; a write fault on a hole of a shared file mapping
 * reserves a page's worth (quota_page_mkwrite), settled at writeback. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

void kernel_set_disk_quota(struct kernel *k, uint64_t bytes)
{
    k->disk_quota = bytes;
    k->disk_used = 0;
}

void kernel_disk_account(struct kernel *k, int64_t bytes)
{
    k->disk_used += bytes;
}

int64_t kernel_disk_room(const struct kernel *k)
{
    if (!k->disk_quota)
        return INT64_MAX;
    int64_t room = (int64_t)k->disk_quota - k->disk_used;
    return room > 0 ? room : 0;
}

int kernel_disk_inode_room(const struct kernel *k)
{
    return kernel_disk_room(k) < KERNEL_DISK_INODE ? -ENOSPC : 0;
}

int quota_limit_write(struct kernel *k, int fd, uint64_t off, uint64_t *len, int64_t *blocks)
{
    *blocks = -1;
    if (!k->disk_quota || *len == 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    *blocks = (int64_t)st.st_blocks;
    /* Bytes past the end are new blocks (holes inside are not looked for). */
    uint64_t size = (uint64_t)st.st_size, end = off + *len;
    uint64_t grow = end <= size ? 0 : off >= size ? *len : end - size;
    uint64_t grow_blocks = (grow + 4095) & ~4095ULL;
    int64_t room = kernel_disk_room(k);
    if ((int64_t)grow_blocks <= room)
        return 0;
    uint64_t fits = (uint64_t)room & ~4095ULL;   /* whole blocks that still fit */
    if (fits == 0)
        return -ENOSPC;
    *len -= grow - (grow < fits ? grow : fits);
    return 0;
}

void quota_after_write(struct kernel *k, int fd, int64_t blocks_before)
{
    struct stat st;
    if (blocks_before >= 0 && fstat(fd, &st) == 0)
        k->disk_used += ((int64_t)st.st_blocks - blocks_before) * 512;
}

int quota_page_mkwrite(struct kernel *k, struct frame *fr)
{
    if (!k->disk_quota || fr->quota_res || fr->dirty || fr->owner->anon)
        return 0;
    struct vinode *n = fr->owner;
    uint64_t off = fr->index * PAGE_SIZE, size = vinode_size(n);
    if (off >= size)
        return 0;   /* writeback never writes past the end */
    uint64_t end = size - off < PAGE_SIZE ? size : off + PAGE_SIZE;
    off_t hole = lseek(vinode_fd(n), (off_t)off, SEEK_HOLE);
    if (hole < 0 || (uint64_t)hole >= end)
        return 0;   /* every block there is allocated: rewriting is free */
    if (kernel_disk_room(k) < (int64_t)PAGE_SIZE)
        return -ENOSPC;
    k->disk_used += PAGE_SIZE;
    fr->quota_res = true;
    return 0;
}

void quota_page_settled(struct kernel *k, struct frame *fr)
{
    if (fr->quota_res) {
        k->disk_used -= PAGE_SIZE;
        fr->quota_res = false;
    }
}
