#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../kernel/mm/mm.h"
#include "../machine/jit.h"
#include "parse.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const char opts_machine_help[] =
    "  --mem SIZE      simulated RAM (K/M/G suffixes; default 256M)\n"
    "  --tlb-sets N    TLB sets per access kind, a power of two (default " STR(
        MACHINE_DEFAULT_TLB_SETS) ")\n"
                                  "  --tlb-ways N    TLB ways per set (default " STR(
                                      MACHINE_DEFAULT_TLB_WAYS) ")\n"
    "  --engine NAME   interp or jit: run guest code in the interpreter or translate it\n"
    "                  to x86-64 (same results and counters; default jit on x86-64\n"
    "                  hosts, interp elsewhere or with VMSIM_ENGINE=interp)\n"
    "  --jit-cache SIZE\n"
    "                  the translator's code cache per hart (K/M suffixes; default 32M)\n"
    "  --jit-stats     print the translator's counters on stderr at exit\n"
    "  --jit-dump ADDR write the x86-64 code of the block at guest address ADDR on\n"
    "                  stderr when it is translated (hex; xxd -r -p | objdump -D -b binary\n"
    "                  -mi386:x86-64 disassembles it)\n"
    "  --harts N       harts (CPUs) sharing the memory, 1.." STR(MACHINE_MAX_HARTS) " (default " STR(
        MACHINE_DEFAULT_HARTS) ")\n";

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
    if (match(argc, argv, i, "--engine", &val)) {
        if (val && strcmp(val, "interp") == 0) {
            cfg->engine = MACHINE_ENGINE_INTERP;
        } else if (val && strcmp(val, "jit") == 0) {
            if (!jit_available()) {
                fprintf(stderr, "vmsim %s: --engine jit needs an x86-64 host\n", cmd);
                return -1;
            }
            cfg->engine = MACHINE_ENGINE_JIT;
        } else {
            fprintf(stderr, "vmsim %s: bad --engine '%s' (want interp or jit)\n", cmd,
                    val ? val : "");
            return -1;
        }
        return 1;
    }
    if (match(argc, argv, i, "--jit-cache", &val)) {
        if (!val || !parse_size(val, &v) || v < JIT_MIN_CACHE || v > (1ULL << 30)) {
            fprintf(stderr, "vmsim %s: bad --jit-cache '%s' (want 64K..1G, like 32M)\n", cmd,
                    val ? val : "");
            return -1;
        }
        cfg->jit_cache = (size_t)v;
        return 1;
    }
    if (strcmp(argv[*i], "--jit-stats") == 0) {
        cfg->jit_stats = true;
        return 1;
    }
    if (match(argc, argv, i, "--jit-dump", &val)) {
        if (!val || !parse_u64(val, true, &v)) {
            fprintf(stderr, "vmsim %s: bad --jit-dump '%s' (want a guest address)\n", cmd,
                    val ? val : "");
            return -1;
        }
        cfg->jit_dump = true;
        cfg->jit_dump_pc = v;
        return 1;
    }
    if (match(argc, argv, i, "--harts", &val)) {
        if (!val || !parse_u64(val, false, &v) || v == 0 || v > MACHINE_MAX_HARTS) {
            fprintf(stderr, "vmsim %s: bad --harts '%s' (want 1..%d)\n", cmd, val ? val : "",
                    MACHINE_MAX_HARTS);
            return -1;
        }
        cfg->nharts = (int)v;
        return 1;
    }
    return 0;
}

const char opts_kernel_help[] =
    "  --swap SIZE     swap area in a private temporary host file (K/M/G; default 0: none)\n"
    "  --policy NAME   page replacement: clock (default), fifo, lru, random\n";

bool opts_parse_swap(const char *val, uint64_t *out, const char *cmd, FILE *err)
{
    uint64_t v;
    if (!val || !parse_size(val, &v) || v > OPTS_SWAP_MAX) {
        fprintf(err, "vmsim %s: bad swap size '%s' (want 0..16G, like 64M)\n", cmd,
                val ? val : "");
        return false;
    }
    *out = v & ~PAGE_MASK;
    return true;
}

bool opts_check_policy(const char *name, bool allow_opt, const char *cmd, FILE *err)
{
    bool future = false;
    if (!name || !kernel_policy_known(name, &future)) {
        fprintf(err, "vmsim %s: unknown policy '%s' (want clock, fifo, lru, random%s)\n", cmd,
                name ? name : "", allow_opt ? " or opt" : "");
        return false;
    }
    if (future && !allow_opt) {
        fprintf(err,
                "vmsim %s: policy %s needs to know the future: it is only for trace replays "
                "(vmsim trace)\n",
                cmd, name);
        return false;
    }
    return true;
}

int opts_kernel(int argc, char **argv, int *i, struct kernel_opts *ko, bool allow_opt,
                const char *cmd)
{
    const char *val;
    if (match(argc, argv, i, "--swap", &val))
        return opts_parse_swap(val, &ko->swap_bytes, cmd, stderr) ? 1 : -1;
    if (match(argc, argv, i, "--policy", &val)) {
        if (!opts_check_policy(val, allow_opt, cmd, stderr))
            return -1;
        snprintf(ko->policy, sizeof ko->policy, "%s", val);
        return 1;
    }
    return 0;
}

int opts_kernel_apply(struct kernel *k, const struct kernel_opts *ko, const char *cmd, FILE *err)
{
    if (ko->swap_bytes) {
        int rc = kernel_set_swap(k, ko->swap_bytes);
        if (rc) {
            fprintf(err, "vmsim %s: cannot create the swap area: %s\n", cmd, strerror(-rc));
            return -1;
        }
    }
    if (ko->policy[0]) {
        int rc = kernel_set_policy(k, ko->policy);
        if (rc) {
            fprintf(err, "vmsim %s: cannot use policy %s: %s\n", cmd, ko->policy,
                    rc == -ENOTSUP ? "it needs to know the future (trace replays only)"
                                   : strerror(-rc));
            return -1;
        }
    }
    return 0;
}
