/* Internals of the script interpreter, shared by script*.c only. */
#ifndef VMSIM_CLI_SCRIPT_INT_H
#define VMSIM_CLI_SCRIPT_INT_H

#include <inttypes.h>

#include "../../kernel/mm/mm.h"
#include "../parse.h"
#include "script.h"

#define PROC_NAME_MAX 31
#define PROCS_MAX 1024
#define SCRIPT_BRK_BASE 0x10000000ULL /* the break of a new `proc` */
#define SCRIPT_READ_MAX (1ULL << 20)  /* `read` prints at most this many bytes */

struct sproc {
    char name[PROC_NAME_MAX + 1];
    struct mm *mm;
    int pid; /* 1, 2, ... in creation order: names the process in reports */
    bool oom_killed; /* by the OOM killer during this line; removed after it */
};

/* A process that has exited, for the reports: its counters at exit. */
struct exited_proc {
    char name[PROC_NAME_MAX + 1];
    int pid;
    struct mm_info info;
};

struct script {
    const struct script_options *o;
    FILE *out, *err;
    struct machine *m;
    struct kernel *k;
    struct sproc *procs; /* in creation order */
    int nprocs, cap;
    struct exited_proc *exited; /* in exit order */
    int nexited, exited_cap;
    int last_pid;
    unsigned long lineno;
    bool line_failed; /* set by script_error() */
    /* The machine as configured by the options and the `mem`, `swap` and
     * `policy` settings (valid before the first `proc`). */
    struct machine_config cfg;
    struct kernel_opts ko;
    /* The process the current line works on (the last one named): the OOM
     * killer cannot free it in the middle of the line. */
    struct sproc *busy;
    bool busy_killed;
    struct watch *watch; /* --events / --explain, or NULL */
};

/* A command: tl->tok[0] is its name. Returns after printing its output; on a
 * bad line it calls script_error() (once) and returns. */
typedef void cmd_fn(struct script *s, const struct token_line *tl);

/* "vmsim: LABEL:LINE: message" on s->err; marks the line failed. */
void script_error(struct script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "vmsim: LABEL:LINE: OP: strerror (ENAME)" for a -errno result. */
void script_errno(struct script *s, const char *op, int neg_err);

/* The process named by t, or NULL after an error. */
struct sproc *script_proc(struct script *s, const struct token *t);

/* Parses t as a number (decimal or 0x hex; with K/M/G if suffix) or fails the
 * line naming `what`. */
bool script_number(struct script *s, const struct token *t, const char *what, bool suffix,
                   uint64_t *out);

/* "segfault NAME 0xADDR CAUSE" on s->out (a segfault is not a failed line). */
void script_segfault(struct script *s, const struct sproc *p, const struct segv *sv);
const char *segv_cause_name(const struct segv *sv);

/* Reports (script_report.c). script_note_exit() records p's counters before
 * its address space goes (it cannot fail: a record that does not fit is
 * dropped from the reports). script_write_report() writes the JSON report
 * (html false) or the HTML page to path, failing the line on error.
 * script_final_reports() writes what the options ask for at the end;
 * false if a file could not be written. */
void script_note_exit(struct script *s, const struct sproc *p);
void script_write_report(struct script *s, const char *path, bool html);
bool script_final_reports(struct script *s);
void script_reports_free(struct script *s);

/* Tells the watch (--events) that process p was created (VM_EV_EXEC, pid
 * = p's), forked from pid (VM_EV_FORK) or exits (VM_EV_EXIT) (script.c). */
void script_watch_proc(struct script *s, enum vm_event_kind kind, int pid, const struct sproc *p);

/* Removes the processes the OOM killer chose during the line (script.c). */
void script_reap_killed(struct script *s);

/* Settings (script.c): mem SIZE, swap SIZE, policy NAME. */
cmd_fn cmd_mem, cmd_swap, cmd_policy;
/* Commands (script_mm.c). */
cmd_fn cmd_proc, cmd_fork, cmd_exit, cmd_map, cmd_unmap, cmd_protect, cmd_brk, cmd_msync, cmd_load,
    cmd_write, cmd_read;
/* Commands (script_show.c). */
cmd_fn cmd_translate, cmd_show;

#endif
