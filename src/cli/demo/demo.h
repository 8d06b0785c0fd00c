/* `vmsim demo`: the built-in walk through Figure 9.9 of CS:APP (§9.3). */
#ifndef VMSIM_CLI_DEMO_H
#define VMSIM_CLI_DEMO_H

/* Entry point of `vmsim demo [OPTIONS]`; argv[0] is "demo". */
int cmd_demo(int argc, char **argv);

#endif
