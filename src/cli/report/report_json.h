/* `--report FILE.json`: the run's counters and the final memory map of every
 * process (regions, page-table tree, leaves) and of physical memory (every
 * frame in use with its mappers), in the schema of docs/report-schema.md,
 * built with json-c. The HTML report embeds the same document. */
#ifndef VMSIM_CLI_REPORT_JSON_H
#define VMSIM_CLI_REPORT_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "stats.h"

struct json_object;

/* Caps on what the document lists, for pictures of big runs (0 = no cap).
 * Frames that are shared (kernel, or mapped more than once) are always
 * listed; the cap applies to the others. The document says what it left out. */
struct report_limits {
    uint64_t max_frames;
    uint64_t max_leaves; /* per process */
};

/* Builds the document (a new json-c object the caller puts). NULL only if
 * the host is out of memory. */
struct json_object *report_json_build(struct kernel *k, const struct report_proc *procs, int n,
                                      const struct report_limits *lim);

/* An extra part for every document built from now on (the run's timeline):
 * fn(ctx, doc) adds its members to doc. NULL removes it. */
void report_json_set_extra(void (*fn)(void *ctx, struct json_object *doc), void *ctx);

/* Writes the document to path (pretty-printed). 0, or -1 after printing
 * "vmsim: cannot write PATH: reason" on err. */
int report_json_write(const char *path, struct kernel *k, const struct report_proc *procs, int n,
                      FILE *err);

#endif
