/* A static glibc program: startup (TLS, auxv, brk, stdio), printf with
 * floating point, malloc of small and large blocks (brk and mmap), qsort,
 * string functions, exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    printf("hello from static glibc, argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    printf("%.6f %g %e\n", 3.14159265358979, 1.0 / 3.0, 6.02214076e23);
    long *v = malloc(10000 * sizeof *v);
    unsigned long s = 12345;
    for (int i = 0; i < 10000; i++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        v[i] = (long)(s >> 20);
    }
    qsort(v, 10000, sizeof *v, cmp);
    long sum = 0;
    for (int i = 0; i < 10000; i++)
        sum += v[i] * (i % 7);
    printf("sorted: first %ld last %ld weighted %ld\n", v[0], v[9999], sum);
    free(v);
    char *big = malloc(1 << 22);   /* above the mmap threshold */
    memset(big, 'x', 1 << 22);
    big[(1 << 22) - 1] = 0;
    printf("big strlen %zu\n", strlen(big));
    free(big);
    char buf[64];
    snprintf(buf, sizeof buf, "%s-%05d-%x", "fmt", 42, 0xbeef);
    puts(buf);
    return argc > 2 ? 3 : 0;
}
