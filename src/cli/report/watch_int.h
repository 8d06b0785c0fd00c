/* Internals of the watch, shared by watch.c and watch_run.c only. */
#ifndef VMSIM_CLI_WATCH_INT_H
#define VMSIM_CLI_WATCH_INT_H

#include <time.h>

#include "watch.h"

struct watch {
    FILE *err;
    struct kernel *k;           /* attached to, or NULL */
    struct events_json *json;   /* --events, or NULL */
    struct explain *explain;    /* --explain, or NULL */
    FILE *xout, *xfile;         /* the narration's stream; xfile: ours to close */
    watch_pid_fn *pid_of;
    watch_clock_fn *now;
    void *src;
    /* vmsim run: the progress line (watch_run.c) */
    struct os *turn_os;         /* whose turn_hook we are, or NULL */
    struct timeline *tl;        /* --timeline: sampled each turn, told of process events */
    bool progress;              /* stderr is a terminal and it is wanted */
    bool progress_shown;        /* a line is on the terminal now */
    struct timespec last;       /* when it was last drawn (or the run began) */
};

/* Removes the turn hook from turn_os (watch_run.c). */
void watch_run_unhook(struct watch *w);

#endif
