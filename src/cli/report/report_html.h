/* `--html FILE` and `show html FILE`: one self-contained HTML page (inline
 * CSS and JavaScript, no network, no external files) that draws each
 * process's address space, its page-table tree and the physical frames they
 * map, marking the shared ones (kernel, read-only file pages such as program
 * text, MAP_SHARED, copy-on-write): CS:APP Figure 9.9 for a real run. The
 * page embeds the JSON report (report_json.h), capped for big runs. */
#ifndef VMSIM_CLI_REPORT_HTML_H
#define VMSIM_CLI_REPORT_HTML_H

#include <stdio.h>

#include "stats.h"

/* Writes the page to path; title names the run (may be NULL). 0, or -1
 * after printing "vmsim: cannot write PATH: reason" on err. */
int report_html_write(const char *path, const char *title, struct kernel *k,
                      const struct report_proc *procs, int n, FILE *err);

#endif
