/* Command-line options that describe the simulated machine, shared by the
 * subcommands (script, demo, run): --mem SIZE, --tlb-sets N, --tlb-ways N. */
#ifndef VMSIM_CLI_OPTS_H
#define VMSIM_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "../machine/machine.h"

#define OPTS_MEM_MIN (64ULL << 10) /* below this nothing useful fits */
#define OPTS_MEM_MAX (64ULL << 30)
#define OPTS_TLB_SETS_MAX (1u << 16)
#define OPTS_TLB_WAYS_MAX 64u

/* If argv[*i] is a machine option (--mem SIZE, --mem=SIZE, and the same for
 * --tlb-sets and --tlb-ways), stores it in *cfg, advances *i past its value
 * and returns 1. Returns 0 if argv[*i] is not one. Returns -1 after printing
 * "vmsim CMD: ..." to stderr for a missing or bad value (the caller exits 2). */
int opts_machine(int argc, char **argv, int *i, struct machine_config *cfg, const char *cmd);

/* Help text for those options, for usage messages. */
extern const char opts_machine_help[];

/* Kernel options (memory pressure), shared the same way: --swap SIZE (a
 * swap area of SIZE bytes, K/M/G; 0 = none, the default) and --policy NAME
 * (the page-replacement policy: clock, fifo, lru, random; opt only for
 * commands that know the future, allow_opt). */
#define OPTS_SWAP_MAX (16ULL << 30)
#define OPTS_POLICY_MAX 15
struct kernel_opts {
    uint64_t swap_bytes;
    char policy[OPTS_POLICY_MAX + 1]; /* "" = the kernel's default */
};

struct kernel;

/* Like opts_machine(), for --swap and --policy. */
int opts_kernel(int argc, char **argv, int *i, struct kernel_opts *ko, bool allow_opt,
                const char *cmd);

/* Checks a --swap value / a --policy name (what `vmsim script` settings use
 * too). false after writing "vmsim CMD: ..." to err. */
bool opts_parse_swap(const char *val, uint64_t *out, const char *cmd, FILE *err);
bool opts_check_policy(const char *name, bool allow_opt, const char *cmd, FILE *err);

/* Gives kernel k the swap area and policy of ko. 0, or -1 after writing
 * "vmsim CMD: ..." to err. For opt, the caller installs the next-use oracle
 * (kernel_set_next_use) first. */
int opts_kernel_apply(struct kernel *k, const struct kernel_opts *ko, const char *cmd, FILE *err);

extern const char opts_kernel_help[];

#endif
