/* `vmsim run --page-trace FILE`: the page-reference string of the run
 * (machine/pagetrace.h says what is recorded) written as the `pages` format
 * of `vmsim trace` ("PID VPN K", K = R, W or X, decimal) or, with
 * --page-trace-format lackey, as Valgrind lackey's lines (the page's address,
 * size 1; lackey has no process column). */
#ifndef VMSIM_CLI_RUN_PAGE_TRACE_OUT_H
#define VMSIM_CLI_RUN_PAGE_TRACE_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "../../kernel/core/kernel.h"

struct page_trace_out {
    const char *path;
    bool lackey;
    FILE *f;
    struct os *os;
    bool failed;
    struct page_trace pt;
};

/* Opens the file and starts recording on os's hart. 0, or -1 after a message. */
int page_trace_out_start(struct page_trace_out *o, struct os *os);
/* Stops recording and closes the file. false if writing failed (after a message). */
bool page_trace_out_finish(struct page_trace_out *o);

#endif
