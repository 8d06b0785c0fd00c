/* `vmsim demo`: the built-in walk through CS:APP Figure 9.9 (§9.3). By
 * default real programs (demo_prog.c); with --script the older script that
 * drives the kernel without a CPU (demo_script.c). */
#include "demo.h"

#include <string.h>

#include "demo_int.h"

int cmd_demo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--script") == 0)
            return demo_script_main(argc, argv);
    return demo_prog_main(argc, argv);
}
