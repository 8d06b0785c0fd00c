/* Command-line options that describe the simulated machine, shared by the
 * subcommands (script, demo, run): --mem SIZE, --tlb-sets N, --tlb-ways N. */
#ifndef VMSIM_CLI_OPTS_H
#define VMSIM_CLI_OPTS_H

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

#endif
