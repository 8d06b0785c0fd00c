/* Host descriptors held lazily (issue 18): the host files and directories
 * that guests have open stay open on the host only while recently used;
 * past HOSTFD_OPEN_MAX the least recently used one is closed and reopened
 * on demand from its file handle (name_to_handle_at / open_by_handle_at,
 * which name the inode, not a path: a rename does not matter, and an
 * inode about to lose its last name is reopened and pinned first). So
 * what bounds a guest is its own RLIMIT_NOFILE, not the host's. Where
 * handles are not available (no CAP_DAC_READ_SEARCH, a file system
 * without them) descriptors stay open as before. See mm.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define HOSTFD_OPEN_MAX 256
#define HANDLE_MAX 128   /* MAX_HANDLE_SZ */

/* Process-wide: the host's descriptor limit is the process's. */
static struct hostfd *lru_head, *lru_tail;   /* open and not pinned, most recent first */
static struct hostfd *all;                   /* every one */
static unsigned nopen;                       /* in the LRU */
static int lazy_ok = -1;                     /* -1: not tried yet */
static struct { int id, fd; } *mounts;       /* a descriptor on each mount */
static size_t nmounts;

static void lru_unlink(struct hostfd *h)
{
    if (h->lru_prev)
        h->lru_prev->lru_next = h->lru_next;
    else if (lru_head == h)
        lru_head = h->lru_next;
    else
        return;   /* not in the LRU */
    if (h->lru_next)
        h->lru_next->lru_prev = h->lru_prev;
    else
        lru_tail = h->lru_prev;
    h->lru_prev = h->lru_next = NULL;
    nopen--;
}

static void lru_push(struct hostfd *h)
{
    h->lru_prev = NULL;
    h->lru_next = lru_head;
    if (lru_head)
        lru_head->lru_prev = h;
    lru_head = h;
    if (!lru_tail)
        lru_tail = h;
    nopen++;
}

static unsigned open_max(void)
{
    static unsigned max;
    if (!max) {
        struct rlimit rl;
        max = HOSTFD_OPEN_MAX;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < max)
            max = rl.rlim_cur / 4 > 8 ? (unsigned)(rl.rlim_cur / 4) : 8;
    }
    return max;
}

/* Closes the least recently used descriptors past the budget. One just
 * used is at the head, so a caller's fd survives its next hostfd_get. */
static void evict(void)
{
    while (nopen > open_max() && lru_tail && lru_tail != lru_head) {
        struct hostfd *h = lru_tail;
        struct stat st;
        lru_unlink(h);
        if (fstat(h->fd, &st) == 0 && st.st_nlink == 0) {
            h->pinned = true;   /* no name left: only this descriptor keeps it */
            continue;
        }
        h->pos = lseek(h->fd, 0, SEEK_CUR);
        close(h->fd);
        h->fd = -1;
    }
}

static int mount_fd(int id, int fd)
{
    for (size_t i = 0; i < nmounts; i++)
        if (mounts[i].id == id)
            return mounts[i].fd;
    void *m = realloc(mounts, (nmounts + 1) * sizeof *mounts);
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (!m || d < 0) {
        if (m)
            mounts = m;
        if (d >= 0)
            close(d);
        return -1;
    }
    mounts = m;
    mounts[nmounts].id = id;
    mounts[nmounts].fd = d;
    return mounts[nmounts++].fd;
}

void hostfd_init(struct hostfd *h, int fd, int oflags)
{
    memset(h, 0, sizeof *h);
    h->fd = fd;
    h->oflags = (oflags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) | O_CLOEXEC;
    h->pinned = true;
    h->all_next = all;
    if (all)
        all->all_prev = h;
    all = h;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return;
    h->dev = (uint64_t)st.st_dev;
    h->ino = (uint64_t)st.st_ino;
    if (lazy_ok == 0)
        return;
    struct file_handle *fh = malloc(sizeof *fh + HANDLE_MAX);
    int id;
    if (!fh)
        return;
    fh->handle_bytes = HANDLE_MAX;
    int mfd = -1;
    if (name_to_handle_at(fd, "", fh, &id, AT_EMPTY_PATH) < 0 || (mfd = mount_fd(id, fd)) < 0) {
        free(fh);
        return;
    }
    if (lazy_ok < 0) {   /* can this process open by handle at all? */
        int t = open_by_handle_at(mfd, fh, O_RDONLY | O_CLOEXEC | O_PATH);
        lazy_ok = t >= 0;
        if (t >= 0)
            close(t);
        if (!lazy_ok) {
            free(fh);
            return;
        }
    }
    h->fh = fh;
    h->mnt = mfd;
    h->pinned = false;
    lru_push(h);
    evict();
}

int hostfd_get(struct hostfd *h)
{
    if (h->pinned)
        return h->fd;
    if (h->fd >= 0) {
        lru_unlink(h);
        lru_push(h);
        return h->fd;
    }
    int fd = open_by_handle_at(h->mnt, h->fh, h->oflags);
    if (fd < 0)
        return -errno;   /* ESTALE: the inode is gone */
    if (h->pos > 0)
        (void)lseek(fd, h->pos, SEEK_SET);
    h->fd = fd;
    lru_push(h);
    evict();
    return h->fd;
}

void hostfd_replace(struct hostfd *h, int fd, int oflags)
{
    if (h->fd >= 0) {
        if (dup3(fd, h->fd, O_CLOEXEC) >= 0) {
            close(fd);
            fd = h->fd;
        } else {
            close(h->fd);
        }
    }
    lru_unlink(h);
    h->fd = fd;
    h->oflags = (oflags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) | O_CLOEXEC;
    if (h->pinned)
        return;
    lru_push(h);
    evict();
}

void hostfd_close(struct hostfd *h)
{
    lru_unlink(h);
    if (h->all_prev)
        h->all_prev->all_next = h->all_next;
    else if (all == h)
        all = h->all_next;
    if (h->all_next)
        h->all_next->all_prev = h->all_prev;
    if (h->fd >= 0)
        close(h->fd);
    free(h->fh);
    memset(h, 0, sizeof *h);
    h->fd = -1;
}

void hostfd_pin_inode(uint64_t dev, uint64_t ino)
{
    for (struct hostfd *h = all; h; h = h->all_next)
        if (!h->pinned && h->dev == dev && h->ino == ino && hostfd_get(h) >= 0) {
            lru_unlink(h);
            h->pinned = true;
        }
}
