/* `--events FILE`: memory events (kernel/event.h) streamed as Chrome's
 * trace-event JSON ({"traceEvents":[...]}), which Perfetto and
 * chrome://tracing open. Every event is an instant event ("ph":"i") with
 * name, cat, ts (microseconds of virtual time), pid, tid (= pid) and args;
 * process_name metadata ("ph":"M") names each pid. Written as it happens,
 * one event a line, in constant memory. The format is in docs/events.md. */
#ifndef VMSIM_CLI_EVENTS_JSON_H
#define VMSIM_CLI_EVENTS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "../../kernel/mm/mm.h"

struct events_json;

/* Opens path for writing and writes the header. NULL after printing
 * "vmsim CMD: ..." to err. */
struct events_json *events_json_open(const char *path, const char *cmd, FILE *err);

/* Writes ev at time ts_us for guest process pid (0: the kernel itself). */
void events_json_write(struct events_json *j, const struct vm_event *ev, int pid, double ts_us);

/* A process_name metadata event: pid is called name from now on. */
void events_json_name(struct events_json *j, int pid, const char *name, double ts_us);

/* A counter event ("ph":"C": Perfetto draws a counter track per name and
 * pid) with n named values. Not counted in events_json_count. */
void events_json_counter(struct events_json *j, int pid, const char *name, double ts_us,
                         int n, const char *const *keys, const uint64_t *vals);
/* Events written so far (metadata not counted). */
unsigned long long events_json_count(const struct events_json *j);

/* Writes the trailer and closes the file. false (after a message on err)
 * if anything could not be written. Frees j. */
bool events_json_close(struct events_json *j, FILE *err);

#endif
