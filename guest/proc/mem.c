/* The memory system calls from a program's side: brk, mmap, mremap (grow in
 * place, move), madvise(MADV_DONTNEED), mprotect, munmap, and copy-on-write
 * across fork (the child's writes stay its own). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned sum(const unsigned char *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const size_t pg = 4096;
    /* brk */
    char *b0 = sbrk(0);
    char *b1 = sbrk(3 * pg);
    memset(b1, 7, 3 * pg);
    printf("sbrk grows: %d, same start: %d\n", (char *)sbrk(0) == b0 + 3 * pg, b1 == b0);
    sbrk(-(intptr_t)(2 * pg));
    printf("sbrk shrinks: %d, kept byte %d\n", (char *)sbrk(0) == b0 + pg, b1[10]);

    /* mremap: grow a mapping, keep its bytes. A neighbour right after it
     * (in the third page of a 3-page reservation) forces a move. */
    unsigned char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *block = mmap(m + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    for (size_t i = 0; i < 2 * pg; i++)
        m[i] = (unsigned char)(i * 7);
    unsigned before = sum(m, 2 * pg);
    errno = 0;
    void *r = mremap(m, 2 * pg, 4 * pg, 0);
    printf("mremap without MAYMOVE where it cannot grow: %s\n",
           r == MAP_FAILED ? strerror(errno) : "grew in place");
    unsigned char *m2 = mremap(m, 2 * pg, 8 * pg, MREMAP_MAYMOVE);
    printf("mremap moved: %d, bytes kept: %d, new part zero: %d\n", m2 != m && block == m + 2 * pg,
           sum(m2, 2 * pg) == before, m2[5 * pg] == 0);
    errno = 0;
    printf("old place unmapped: %d\n", msync(m, pg, MS_SYNC) == -1 && errno == ENOMEM);
    m2 = mremap(m2, 8 * pg, 2 * pg, 0);
    printf("mremap shrink: %d\n", sum(m2, 2 * pg) == before);

    /* madvise(MADV_DONTNEED) on private anonymous memory: zeros again. */
    memset(m2, 0x55, 2 * pg);
    printf("madvise: %d, first byte now %d\n", madvise(m2, 2 * pg, MADV_DONTNEED), m2[0]);
    errno = 0;
    printf("madvise unaligned: %d %s\n", madvise(m2 + 1, pg, MADV_DONTNEED), strerror(errno));

    /* mprotect and munmap errors. */
    errno = 0;
    printf("mprotect unaligned: %d %s\n", mprotect(m2 + 1, pg, PROT_READ), strerror(errno));
    printf("munmap: %d\n", munmap(m2, 2 * pg));
    errno = 0;
    printf("munmap len 0: %d %s\n", munmap(m2, 0), strerror(errno));

    /* Copy-on-write across fork. */
    char *shared = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *priv = malloc(100000);
    strcpy(priv, "parent data");
    strcpy(shared, "untouched");
    pid_t c = fork();
    if (c == 0) {
        strcpy(priv, "child data");
        strcpy(shared, "child wrote");
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("after fork: private '%s', shared '%s'\n", priv, shared);

    /* Big malloc/realloc: glibc uses mmap and mremap. */
    char *big = malloc(1 << 20);
    memset(big, 3, 1 << 20);
    big = realloc(big, 8 << 20);
    printf("realloc kept: %d %d\n", big[0], big[(1 << 20) - 1]);
    free(big);
    return 0;
}
