/* Reports of a run at its end, shared by `vmsim script`, `vmsim demo` and
 * `vmsim run`: the process list they describe, and `--stats` (a summary per
 * process and for the machine). The JSON and HTML reports (report_json.h,
 * report_html.h) take the same process list. */
#ifndef VMSIM_CLI_STATS_H
#define VMSIM_CLI_STATS_H

#include <stdbool.h>
#include <stdio.h>

#include "../../kernel/mm/mm.h"

/* One process of the run, as the front end names it. A process that has
 * exited has mm == NULL and its counters captured in final_info just before
 * its address space was destroyed (mm_get_info before mm_destroy). For a live
 * one, final_info is ignored: the reports read mm. */
#define REPORT_MAX_THREADS 64

struct report_proc {
    const char *name;
    int pid;
    struct mm *mm;
    struct mm_info final_info;
    /* Its live threads (all on mm's one page table) and the hart each last
     * ran on (-1: that hart has run something else since); nthreads 0: not
     * known (exited). At most REPORT_MAX_THREADS are listed. */
    int nthreads;
    int tid[REPORT_MAX_THREADS], hart[REPORT_MAX_THREADS];
};

/* A list of processes for the reports, for front ends whose processes come
 * and go: note each one as it exits (before its address space is
 * destroyed); the names are copied. */
struct report_list {
    struct report_proc *p;
    int n, cap;
};

/* Records that process (name, pid) with address space mm is exiting: its
 * counters now (mm_get_info) become its final ones. Returns 0, or -ENOMEM
 * (the list is unchanged). */
int report_list_note_exit(struct report_list *l, const char *name, int pid, struct mm *mm);
void report_list_free(struct report_list *l);

/* The machine-wide summary and one block per process, as "vmsim: ..." lines
 * on out (the run front ends pass stderr): faults by kind, page-ins, COW
 * copies, TLB hit rate, frames by use, and each process's RSS and counters. */
void report_stats(FILE *out, struct kernel *k, const struct report_proc *procs, int n);

/* If argv[*i] is a report option (--stats, --report FILE, --html FILE, also
 * --report=FILE), sets *stats, *report or *html, advances *i past its value
 * and returns 1; 0 if it is not one; -1 after printing "vmsim CMD: ..." for a
 * missing file name (the caller exits 2). */
int report_parse_opt(int argc, char **argv, int *i, bool *stats, const char **report,
                     const char **html, const char *cmd);

/* The counters of p: from its live mm, or the captured final ones. */
void report_proc_info(const struct report_proc *p, struct mm_info *out);

#endif
