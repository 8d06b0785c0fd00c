/* vmsim's command line: dispatches to the subcommands. main() lives here
 * alone, so the fuzzers can link every other file of src/cli. */
#include <stdio.h>
#include <string.h>

#include "demo/demo.h"
#include "opts.h"
#include "run/run.h"
#include "script/script.h"
#include "trace/trace.h"

#define VMSIM_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim COMMAND [OPTIONS] [ARGS]\n"
            "\n"
            "  vmsim script [OPTIONS] [FILE]         drive the memory manager line by line\n"
            "  vmsim run [OPTIONS] PROGRAM [ARGS...] run a riscv64 Linux ELF program\n"
            "  vmsim demo [OPTIONS]                  the built-in walk through CS:APP Figure 9.9\n"
            "  vmsim trace [OPTIONS] FILE|-          replay a memory-reference trace (lackey, pages)\n"
            "  vmsim --help | --version\n"
            "\n"
            "Machine options (script, demo):\n%s"
            "\n"
            "`vmsim COMMAND --help` says more about each command.\n",
            opts_machine_help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "script") == 0)
        return cmd_script(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "trace") == 0)
        return cmd_trace(argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("vmsim %s\n", VMSIM_VERSION);
        return 0;
    }
    fprintf(stderr, "vmsim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
