/* Internals of the script interpreter, shared by script*.c only. */
#ifndef VMSIM_CLI_SCRIPT_INT_H
#define VMSIM_CLI_SCRIPT_INT_H

#include <inttypes.h>

#include "../kernel/kernel.h"
#include "parse.h"
#include "script.h"

#define PROC_NAME_MAX 31
#define PROCS_MAX 1024
#define SCRIPT_BRK_BASE 0x10000000ULL /* the break of a new `proc` */
#define SCRIPT_READ_MAX (1ULL << 20)  /* `read` prints at most this many bytes */

struct proc {
    char name[PROC_NAME_MAX + 1];
    struct mm *mm;
};

struct script {
    const struct script_options *o;
    FILE *out, *err;
    struct machine *m;
    struct kernel *k;
    struct proc *procs; /* in creation order */
    int nprocs, cap;
    unsigned long lineno;
    bool line_failed; /* set by script_error() */
};

/* A command: tl->tok[0] is its name. Returns after printing its output; on a
 * bad line it calls script_error() (once) and returns. */
typedef void cmd_fn(struct script *s, const struct token_line *tl);

/* "vmsim: LABEL:LINE: message" on s->err; marks the line failed. */
void script_error(struct script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "vmsim: LABEL:LINE: OP: strerror (ENAME)" for a -errno result. */
void script_errno(struct script *s, const char *op, int neg_err);

/* The process named by t, or NULL after an error. */
struct proc *script_proc(struct script *s, const struct token *t);

/* Parses t as a number (decimal or 0x hex; with K/M/G if suffix) or fails the
 * line naming `what`. */
bool script_number(struct script *s, const struct token *t, const char *what, bool suffix,
                   uint64_t *out);

/* "segfault NAME 0xADDR CAUSE" on s->out (a segfault is not a failed line). */
void script_segfault(struct script *s, const struct proc *p, const struct segv *sv);
const char *segv_cause_name(const struct segv *sv);

/* Commands (script_mm.c). */
cmd_fn cmd_proc, cmd_fork, cmd_exit, cmd_map, cmd_unmap, cmd_protect, cmd_brk, cmd_msync, cmd_load,
    cmd_write, cmd_read;
/* Commands (script_show.c). */
cmd_fn cmd_translate, cmd_show;

#endif
