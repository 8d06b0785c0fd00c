/* Reading kB fields of /proc for the pressure guest programs, which run
 * under vmsim and natively (tests/scripts/pressure_native.sh): -1 when the
 * field is missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field of /proc/self/status ("VmLck", "RssAnon", ...). */
static inline long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* A field of /proc/self/smaps for the region that starts at p. */
static inline long smaps_kb(void *p, const char *key)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    unsigned long lo, hi;
    int in = 0;
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            in = lo == (unsigned long)p;
        else if (in && !strncmp(line, key, n) && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    }
    if (f)
        fclose(f);
    return v;
}
