/* malloc, realloc, free, calloc and qsort in libc.so.6: many sizes (brk and
 * mmap'd chunks), contents checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    enum { N = 2000 };
    char *p[N];
    unsigned long seed = 12345, sum = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 6364136223846793005UL + 1;
        size_t sz = (seed >> 33) % (i % 100 == 0 ? 300000 : 2000) + 1;
        p[i] = malloc(sz);
        memset(p[i], i & 0xff, sz);
        sum += sz;
        if (i % 3 == 0) {
            p[i] = realloc(p[i], sz * 2);
            memset(p[i] + sz, i & 0xff, sz);
        }
    }
    int bad = 0;
    for (int i = 0; i < N; i++) {
        if (p[i][0] != (char)(i & 0xff))
            bad++;
        free(p[i]);
    }
    long *v = calloc(100000, sizeof *v);
    for (int i = 0; i < 100000; i++)
        v[i] = (long)((i * 7919L) % 100003);
    qsort(v, 100000, sizeof *v, cmp);
    int sorted = 1;
    for (int i = 1; i < 100000; i++)
        sorted &= v[i - 1] <= v[i];
    free(v);
    printf("allocated %lu bytes, bad %d, sorted %d\n", sum, bad, sorted);
    return 0;
}
