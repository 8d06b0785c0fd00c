/* The reports of `vmsim run` (--stats, --report FILE, --html FILE), for
 * src/cli/run.c. A run's processes come and go, so their counters are taken
 * as each exits (before its address space is destroyed), and the memory map
 * is drawn when the first process (the program) exits, with every process
 * alive at that moment: the run's Figure 9.9.
 *
 * What run.c and the process code call:
 *   struct run_report rr = {.stats = ..., .json_path = ..., .html_path = ...};
 *   ... in proc_exit, before mm_destroy (where exit_smaps is printed), via a
 *   hook of struct os:  run_report_on_exit(&rr, os, p);
 *   ... after os_run:   run_report_finish(&rr, k, stderr);   (also frees rr) */
#ifndef VMSIM_CLI_RUN_REPORT_H
#define VMSIM_CLI_RUN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "../report/stats.h"

struct os;
struct proc;

struct run_report {
    bool stats;
    const char *json_path, *html_path;
    const char *title;         /* names the run in the page (the program) */
    struct report_list exited; /* counters at exit, in exit order */
    bool written;              /* the JSON/HTML snapshot was taken */
    bool failed;               /* ... and could not be written */
};

/* p is exiting and its address space (p->mm, unless borrowed from a vfork
 * parent) is still there: records its counters; if p is the first process,
 * writes the JSON and HTML reports of this moment. */
void run_report_on_exit(struct run_report *r, struct os *os, struct proc *p, FILE *err);

/* At the end of the run: prints --stats (the machine and every process that
 * exited) on err, writes the reports if no exit took them (the program never
 * ran), and frees what r holds. Returns false if a report could not be
 * written (run.c then exits non-zero). */
bool run_report_finish(struct run_report *r, struct kernel *k, FILE *err);

#endif
