/* `vmsim script`: a line-oriented language that drives the kernel's memory
 * manager directly (no CPU): create and fork address spaces, map, touch,
 * translate and report. The grammar is in README.md; the interpreter builds a
 * fresh machine and kernel per run and tears them down at the end. */
#ifndef VMSIM_CLI_SCRIPT_H
#define VMSIM_CLI_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../machine/machine.h"
#include "../opts.h"
#include "../report/watch.h"

enum script_check {
    SCRIPT_CHECK_NONE,      /* never run kernel_check */
    SCRIPT_CHECK_END,       /* once, before teardown (the default in debug builds) */
    SCRIPT_CHECK_EACH_LINE, /* after every line (fuzzing) */
};

struct script_options {
    struct machine_config machine;
    struct kernel_opts kernel; /* --swap, --policy (a script's settings may change them) */
    bool no_host_files;      /* refuse `map ... file` and `load` (fuzzing touches no host file) */
    bool prompt;             /* print "vmsim> " before reading each line */
    bool echo;               /* echo each command as "vmsim> LINE" and `#` lines as is (demo) */
    enum script_check check; /* a failed check aborts: it is a broken invariant */
    const char *label;       /* names the input in errors: "vmsim: LABEL:LINE: ..." */
    /* Reports at the end of the script, before the processes are torn down
     * (script_report.c): --stats on err, --report JSON and --html files. */
    bool stats;
    const char *report_path;
    const char *html_path;
    /* --events, --explain (watch.h): time is the line number. */
    struct watch_options watch;
};

/* Defaults: the default machine, host files allowed, no prompt or echo,
 * check at the end in debug builds (VMSIM_DEBUG), label "script". */
void script_options_default(struct script_options *o);

/* Runs the script text[0..len) (may hold any bytes) on a fresh machine and
 * kernel, printing results to out and errors to err, then exits every
 * remaining process and frees everything. Returns 0 if every line succeeded,
 * 1 if any line failed, 2 if the machine or kernel could not be built. */
int script_run_buffer(const char *text, size_t len, const struct script_options *o, FILE *out,
                      FILE *err);

/* The same, reading lines from in until EOF (prompting if o->prompt). */
int script_run_stream(FILE *in, const struct script_options *o, FILE *out, FILE *err);

/* Entry point of `vmsim script [OPTIONS] [FILE]`; argv[0] is "script". */
int cmd_script(int argc, char **argv);

#endif
