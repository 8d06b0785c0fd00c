/* Thrashing made visible (issue 14): sweeps a working set of MIB MiB of
 * anonymous memory PASSES times, then prints what the kernel says about
 * it: /proc/vmstat's workingset_refault_anon and workingset_activate_anon,
 * and /proc/pressure/memory's "some" and "full" totals.
 * Usage: thrash MIB PASSES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static unsigned long vmstat(const char *name)
{
    FILE *f = fopen("/proc/vmstat", "r");
    char key[64];
    unsigned long v;
    while (f && fscanf(f, "%63s %lu", key, &v) == 2)
        if (!strcmp(key, name)) {
            fclose(f);
            return v;
        }
    if (f)
        fclose(f);
    return (unsigned long)-1;
}

int main(int argc, char **argv)
{
    unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
    int passes = argc > 2 ? atoi(argv[2]) : 4;
    unsigned long n = mib << 20;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    unsigned long sum = 0;
    for (int r = 0; r < passes; r++)
        for (unsigned long i = 0; i < n; i += 4096) {
            sum += p[i];
            p[i] = (unsigned char)(i >> 12) + (unsigned char)r;
        }
    printf("sum %lu\n", sum);
    printf("workingset_refault_anon %lu\n", vmstat("workingset_refault_anon"));
    printf("workingset_activate_anon %lu\n", vmstat("workingset_activate_anon"));
    FILE *f = fopen("/proc/pressure/memory", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        fputs(line, stdout);
    if (f)
        fclose(f);
    return 0;
}
