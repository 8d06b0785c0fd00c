#include "opts.h"

#include <stdio.h>
#include <string.h>

#include "parse.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const char opts_machine_help[] =
    "  --mem SIZE      simulated RAM (K/M/G suffixes; default 256M)\n"
    "  --tlb-sets N    TLB sets per access kind, a power of two (default " STR(
        MACHINE_DEFAULT_TLB_SETS) ")\n"
                                  "  --tlb-ways N    TLB ways per set (default " STR(
                                      MACHINE_DEFAULT_TLB_WAYS) ")\n";

/* Matches "--name VALUE" or "--name=VALUE"; sets *val (NULL if missing). */
static bool match(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (a[n] != '\0')
        return false;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

int opts_machine(int argc, char **argv, int *i, struct machine_config *cfg, const char *cmd)
{
    const char *val;
    uint64_t v;
    if (match(argc, argv, i, "--mem", &val)) {
        if (!val) {
            fprintf(stderr, "vmsim %s: --mem needs a size (like 64M)\n", cmd);
            return -1;
        }
        if (!parse_size(val, &v) || v < OPTS_MEM_MIN || v > OPTS_MEM_MAX) {
            fprintf(stderr, "vmsim %s: bad --mem size '%s' (want 64K..64G, like 256M)\n", cmd, val);
            return -1;
        }
        cfg->mem_bytes = (v + PAGE_MASK) & ~PAGE_MASK;
        return 1;
    }
    if (match(argc, argv, i, "--tlb-sets", &val)) {
        if (!val || !parse_u64(val, false, &v) || v == 0 || v > OPTS_TLB_SETS_MAX ||
            (v & (v - 1))) {
            fprintf(stderr, "vmsim %s: bad --tlb-sets '%s' (want a power of two, 1..%u)\n", cmd,
                    val ? val : "", OPTS_TLB_SETS_MAX);
            return -1;
        }
        cfg->tlb_sets = (unsigned)v;
        return 1;
    }
    if (match(argc, argv, i, "--tlb-ways", &val)) {
        if (!val || !parse_u64(val, false, &v) || v == 0 || v > OPTS_TLB_WAYS_MAX) {
            fprintf(stderr, "vmsim %s: bad --tlb-ways '%s' (want 1..%u)\n", cmd, val ? val : "",
                    OPTS_TLB_WAYS_MAX);
            return -1;
        }
        cfg->tlb_ways = (unsigned)v;
        return 1;
    }
    return 0;
}
