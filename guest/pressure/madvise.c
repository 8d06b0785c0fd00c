/* mincore and madvise's advice, as Linux answers them where the result is
 * deterministic (issue 14): mincore vectors (and its errors), MADV_FREE
 * without memory pressure (the data stays until reclaim wants it),
 * MADV_PAGEOUT without swap (anonymous pages stay), MADV_COLD, WILLNEED,
 * POPULATE_READ (the zero page: resident, not in Rss) and POPULATE_WRITE,
 * DONTFORK and WIPEONFORK as a fork child sees them, MADV_REMOVE on shared
 * anonymous memory, and the errors of each on the wrong kind of region. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prockb.h"

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PG 4096
#define N 16

static const char *err(int rc)
{
    if (rc == 0)
        return "ok";
    switch (errno) {
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EACCES: return "EACCES";
    default: return strerror(errno);
    }
}

static void core(const char *when, void *p, size_t pages)
{
    unsigned char vec[64];
    int rc = mincore(p, pages * PG, vec);
    printf("%s: mincore %s ", when, err(rc));
    for (size_t i = 0; i < pages && !rc; i++)
        putchar('0' + (vec[i] & 1));
    putchar('\n');
}

/* An anonymous mapping with a guard page after it (no merging). */
static char *map(int flags, int prot)
{
    char *p = mmap(NULL, (N + 1) * PG, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        exit(1);
    mprotect(p + N * PG, PG, PROT_NONE);
    madvise(p, N * PG, MADV_NOHUGEPAGE);
    return p;
}

int main(void)
{
    char *a = map(MAP_PRIVATE, PROT_READ | PROT_WRITE);
    core("fresh", a, N);
    for (int i = 0; i < N; i += 3)
        a[i * PG] = 1;
    core("pages 0,3,6,... written", a, N);
    volatile char c = a[PG];
    (void)c;
    core("page 1 read (the zero page)", a, N);
    printf("mincore at an unaligned address: %s\n", err(mincore(a + 1, PG, (unsigned char[1]){0})));
    char *gone = map(MAP_PRIVATE, PROT_READ | PROT_WRITE);
    munmap(gone, (N + 1) * PG);
    printf("mincore of unmapped memory: %s\n", err(mincore(gone, PG, (unsigned char[1]){0})));
    printf("Rss %ld kB\n", smaps_kb(a, "Rss"));

    printf("MADV_FREE: %s\n", err(madvise(a, N * PG, MADV_FREE)));
    printf("after MADV_FREE, no pressure: Rss %ld kB\n", smaps_kb(a, "Rss"));
    printf("a[0] = %d, a[3 pages] = %d\n", a[0], a[3 * PG]);
    a[0] = 2;
    printf("written again: a[0] = %d\n", a[0]);
    printf("MADV_PAGEOUT (no swap): %s\n", err(madvise(a, N * PG, MADV_PAGEOUT)));
    core("after MADV_PAGEOUT", a, N);
    printf("MADV_COLD: %s\n", err(madvise(a, N * PG, MADV_COLD)));
    printf("MADV_WILLNEED: %s\n", err(madvise(a, N * PG, MADV_WILLNEED)));

    char *b = map(MAP_PRIVATE, PROT_READ | PROT_WRITE);
    printf("MADV_POPULATE_READ: %s\n", err(madvise(b, N * PG, MADV_POPULATE_READ)));
    core("after POPULATE_READ", b, N);
    printf("Rss after POPULATE_READ %ld kB\n", smaps_kb(b, "Rss"));
    printf("MADV_POPULATE_WRITE: %s\n", err(madvise(b, N * PG, MADV_POPULATE_WRITE)));
    printf("Rss after POPULATE_WRITE %ld kB\n", smaps_kb(b, "Rss"));
    char *ro = map(MAP_PRIVATE, PROT_READ);
    printf("MADV_POPULATE_WRITE on read-only: %s\n", err(madvise(ro, N * PG, MADV_POPULATE_WRITE)));
    printf("MADV_POPULATE_READ past the guard: %s\n",
           err(madvise(b, (N + 1) * PG, MADV_POPULATE_READ)));

    char *s = map(MAP_SHARED, PROT_READ | PROT_WRITE);
    memset(s, 42, N * PG);
    printf("shared: Rss %ld kB\n", smaps_kb(s, "Rss"));
    printf("MADV_REMOVE on shared anonymous: %s\n", err(madvise(s, 4 * PG, MADV_REMOVE)));
    printf("after MADV_REMOVE: Rss %ld kB\n", smaps_kb(s, "Rss"));
    printf("s[0] = %d, s[4 pages] = %d\n", s[0], s[4 * PG]);
    printf("MADV_REMOVE on private: %s\n", err(madvise(a, PG, MADV_REMOVE)));
    printf("MADV_FREE on shared: %s\n", err(madvise(s, PG, MADV_FREE)));
    printf("MADV_WIPEONFORK on shared: %s\n", err(madvise(s, PG, MADV_WIPEONFORK)));

    char *w = map(MAP_PRIVATE, PROT_READ | PROT_WRITE);
    char *d = map(MAP_PRIVATE, PROT_READ | PROT_WRITE);
    w[0] = 42;
    d[0] = 43;
    printf("MADV_WIPEONFORK: %s\n", err(madvise(w, N * PG, MADV_WIPEONFORK)));
    printf("MADV_DONTFORK: %s\n", err(madvise(d, N * PG, MADV_DONTFORK)));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char v[1];
        printf("child: wiped w[0] = %d; the DONTFORK region: mincore %s\n", w[0],
               err(mincore(d, PG, v)));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("parent: w[0] = %d, d[0] = %d\n", w[0], d[0]);
    printf("MADV_KEEPONFORK: %s, MADV_DOFORK: %s\n", err(madvise(w, N * PG, MADV_KEEPONFORK)),
           err(madvise(d, N * PG, MADV_DOFORK)));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        printf("child again: w[0] = %d, d[0] = %d\n", w[0], d[0]);
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("bad advice: %s\n", err(madvise(a, PG, 999)));

    /* fallocate(PUNCH_HOLE) on a memfd: the range reads as zeros, partial
     * pages zeroed only inside it. */
    int fd = memfd_create("punch", 0);
    char buf[4 * PG];
    memset(buf, 42, sizeof buf);
    if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
        return 1;
    char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("fallocate PUNCH_HOLE: %s\n",
           err(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PG + 100, 2 * PG)));
    printf("bytes around the hole: %d %d %d %d %d\n", m[PG + 99], m[PG + 100], m[2 * PG],
           m[3 * PG + 99], m[3 * PG + 100]);
    printf("fallocate bad mode: %s\n", err(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, PG)));
    return 0;
}
