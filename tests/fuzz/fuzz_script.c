/* libFuzzer target for the script language: random text through
 * script_run_buffer on a small machine (2 MiB of RAM, so memory runs out
 * often), host files refused, kernel invariants checked after every line (a
 * broken one aborts). The parser and the kernel must survive any input. */
#include <stdint.h>
#include <stdio.h>

#include "cli/script/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink)
        return 0;
    struct script_options o;
    script_options_default(&o);
    o.machine.mem_bytes = 2ULL << 20;
    o.no_host_files = true;
    o.check = SCRIPT_CHECK_EACH_LINE;
    o.label = "fuzz";
    script_run_buffer((const char *)data, size, &o, sink, sink);
    return 0;
}
