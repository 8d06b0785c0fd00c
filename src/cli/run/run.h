/* `vmsim run`: runs a riscv64 Linux ELF program on the simulated machine. */
#ifndef VMSIM_CLI_RUN_H
#define VMSIM_CLI_RUN_H

/* Entry point of `vmsim run`; argv[0] is "run", the rest are its options and
 * the program with its arguments. Returns the process exit status. */
int cmd_run(int argc, char **argv);

#endif
