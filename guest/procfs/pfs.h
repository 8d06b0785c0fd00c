/* Helpers for the /proc guest programs (tests/scripts/procfs.sh runs each
 * under vmsim and natively; the outputs must be identical). Everything
 * printed is a semantic fact that Linux and vmsim must agree on, never an
 * address, a pid or a pfn. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

/* Reads a whole /proc file (or any file) in reads of `chunk` bytes into
 * one static buffer (no malloc: the heap must not move between the
 * measurements). Returns the NUL-terminated text, valid until the next
 * call, or NULL on error (errno set). */
static char slurp_buf[1 << 20];
static inline char *slurp_chunked(const char *path, size_t chunk)
{
    static int touched;
    if (!touched) { /* resident from the start: reading does not change Rss */
        memset(slurp_buf, 1, sizeof slurp_buf);
        touched = 1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t len = 0;
    for (;;) {
        if (len + chunk >= sizeof slurp_buf)
            break;
        ssize_t r = read(fd, slurp_buf + len, chunk);
        if (r < 0) {
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    slurp_buf[len] = 0;
    return slurp_buf;
}

static inline char *slurp(const char *path)
{
    return slurp_chunked(path, 4096);
}

/* The kB value of field `name` ("Rss") in the smaps entry of pid (0: self)
 * whose range contains addr; -1 if there is none. */
static inline long smaps_field(pid_t pid, const void *addr, const char *name)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/smaps");
    char *s = slurp(path);
    if (!s)
        return -1;
    long val = -1;
    int in = 0;
    size_t nl = strlen(name);
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ') &&
            strchr(line, '-') < strchr(line, ' ')) {
            in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
            continue;
        }
        if (in && !strncmp(line, name, nl) && line[nl] == ':') {
            val = atol(line + nl + 1);
            break;
        }
    }
    return val;
}

/* The value of "Key:" in a status-like file (first number after it). */
static inline long status_field(const char *path, const char *key)
{
    char *s = slurp(path);
    if (!s)
        return -1;
    long v = -1;
    size_t kl = strlen(key);
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            v = atol(line + kl + 1);
            break;
        }
    return v;
}

/* n pages of private anonymous memory with an inaccessible page on each
 * side, so the region never merges with a neighbour: its smaps entry is
 * exactly these n pages. */
static inline char *region(size_t n, int flags)
{
    char *g = mmap(NULL, (n + 2) * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g == MAP_FAILED)
        return NULL;
    char *r = mmap(g + PG, n * PG, PROT_READ | PROT_WRITE, MAP_FIXED | flags, -1, 0);
    return r == MAP_FAILED ? NULL : r;
}

/* The pagemap entry of addr in pid's (0: self) pagemap; 0 on error. */
static inline uint64_t pagemap(pid_t pid, const void *addr)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/pagemap", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/pagemap");
    int fd = open(path, O_RDONLY);
    uint64_t e = 0;
    if (fd >= 0) {
        if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / PG * 8)) != 8)
            e = 0;
        close(fd);
    }
    return e;
}

#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define PM_EXCL(e) (((e) >> 56) & 1)
#define PM_FILE(e) (((e) >> 61) & 1)
#define PM_SWAP(e) (((e) >> 62) & 1)
#define PM_PRESENT(e) (((e) >> 63) & 1)

/* Files the programs create go to $PFS_DIR (the test's temporary
 * directory), not to the guest's initial cwd "/". */
static inline void pfs_chdir(void)
{
    const char *d = getenv("PFS_DIR");
    if (d && chdir(d) != 0)
        perror(d);
}

static inline const char *yesno(int b)
{
    return b ? "yes" : "no";
}
