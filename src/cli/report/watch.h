/* Watching the memory system from the front end: --events FILE (Chrome
 * trace JSON, events_json.h), --explain[=N] (narration, explain.h) and, for
 * `vmsim run`, the progress line on a terminal. One watch listens to the
 * kernel's events (kernel/event.h) and to hart 0's translations (the MMU's
 * observer) and hands them to whichever of those was asked for.
 *
 * The kernel knows address spaces, not pids or time: the front end tells the
 * watch how to find them (watch_set_source). */
#ifndef VMSIM_CLI_WATCH_H
#define VMSIM_CLI_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../kernel/mm/mm.h"

struct os;

struct watch_options {
    const char *events_path;           /* --events FILE, or NULL */
    bool explain;                      /* --explain[=N] */
    unsigned long long explain_limit;  /* N (0: no limit); default EXPLAIN_DEFAULT_LIMIT */
    const char *explain_path;          /* --explain-file FILE; NULL: stderr */
    bool no_progress;                  /* --no-progress */
};

/* If argv[*i] is one of the options above, stores it, advances *i past its
 * value and returns 1; 0 if it is not one; -1 after "vmsim CMD: ..." on
 * stderr for a bad value. --no-progress is accepted only when progress. */
int watch_parse_opt(int argc, char **argv, int *i, struct watch_options *o, bool progress,
                    const char *cmd);

/* Help text (with and without --no-progress). */
extern const char watch_help[];
extern const char watch_help_progress[];

/* Where pids and time come from. pid_of(ctx, mm): the guest pid owning mm,
 * or with mm NULL the process the machine is running for now; 0 if none.
 * now(ctx, label, len): the time in microseconds for the trace, and a label
 * for narrations ("t=123 insns"). */
typedef int watch_pid_fn(void *ctx, struct mm *mm);
typedef double watch_clock_fn(void *ctx, char *label, size_t len);

struct watch;

/* A watch for options o (explaining TLB hits too when hits: `vmsim script`
 * narrates every translation). NULL after a message on err (a file that
 * cannot be opened). */
struct watch *watch_new(const struct watch_options *o, bool hits, const char *cmd, FILE *err);
void watch_set_source(struct watch *w, watch_pid_fn *pid_of, watch_clock_fn *now, void *ctx);

/* Starts / stops listening to k and the MMU of its machine's hart 0 (only
 * what the options need). A script re-attaches when `mem` rebuilds the
 * machine. */
void watch_attach(struct watch *w, struct kernel *k);
void watch_detach(struct watch *w);

/* For front ends without kernel processes (`vmsim script`): a process event
 * (VM_EV_EXEC for a new process, VM_EV_FORK, VM_EV_EXIT) named like the
 * kernel's. */
void watch_proc(struct watch *w, enum vm_event_kind kind, struct mm *mm, int pid, int pid2,
                const char *name);

/* `vmsim run --timeline`: tl is sampled after every turn (watch_run_source
 * installs the hook), hears of forks, execs, exits and OOM kills, and writes
 * its counter tracks into the events file, if any. Before watch_attach. */
struct timeline;
void watch_set_timeline(struct watch *w, struct timeline *tl);
/* `vmsim run`: pids and time from os, and the progress line on stderr when
 * it is a terminal (unless --no-progress). */
void watch_run_source(struct watch *w, struct os *os, const struct watch_options *o);
/* Clears the progress line (before anything else is printed at the end). */
void watch_progress_clear(struct watch *w);

/* Detaches, ends the events file and the narration, frees w. false if the
 * events file could not be written (after a message on err). */
bool watch_finish(struct watch *w, FILE *err);

#endif
