/* vm.max_map_count: one-page mappings, every other page (so none merge),
 * until mmap fails; prints the error and the regions /proc/self/maps lists
 * then (Linux: 65531 -- do_mmap refuses once map_count > 65530), then
 * unmaps them all. [vsyscall] (x86-64's gate page, not a region) is not
 * counted. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static int regions(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, "[vsyscall]") == NULL;
    if (f)
        fclose(f);
    return n;
}

int main(void)
{
    /* One reservation, then holes punched: far from everything else. */
    size_t span = 70000UL * 2 * 4096;
    char *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return 1;
    munmap(base, span);
    int before = regions();   /* stdio's buffers exist from now on */
    long i;
    for (i = 0; i < 70000; i++) {
        void *p = mmap(base + i * 2 * 4096, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED)
            break;
    }
    int e = errno;
    /* Room for reading /proc/self/maps: one region fewer. */
    munmap(base + (i - 1) * 2 * 4096, 4096);
    printf("mmap failed: %s, regions then: %d (%s before)\n", strerrorname_np(e), regions() + 1,
           before < 100 ? "few" : "many");
    printf("munmap all: %d\n", munmap(base, span));
    printf("regions after: %s\n", regions() < 100 ? "few" : "many");
    return 0;
}
