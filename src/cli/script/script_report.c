/* Reports of a script run: the process list for stats.h, report_json.h and
 * report_html.h (live processes with their address spaces, exited ones
 * with their counters at exit), `show json|html FILE`, and the reports the
 * command-line options ask for at the end. */
#include <stdlib.h>
#include <string.h>

#include "../report/report_html.h"
#include "../report/report_json.h"
#include "script_int.h"
#include "../report/stats.h"

void script_note_exit(struct script *s, const struct sproc *p)
{
    if (s->nexited == s->exited_cap) {
        int cap = s->exited_cap ? 2 * s->exited_cap : 8;
        struct exited_proc *e = realloc(s->exited, (size_t)cap * sizeof *e);
        if (!e)
            return;
        s->exited = e;
        s->exited_cap = cap;
    }
    struct exited_proc *e = &s->exited[s->nexited++];
    memcpy(e->name, p->name, sizeof e->name);
    e->pid = p->pid;
    mm_get_info(p->mm, &e->info);
}

void script_reports_free(struct script *s)
{
    free(s->exited);
    s->exited = NULL;
    s->nexited = s->exited_cap = 0;
}

static int by_pid(const void *a, const void *b)
{
    const struct report_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Every process of the run, live and exited, in creation order. NULL if the
 * host is out of memory. */
static struct report_proc *report_procs(struct script *s, int *n)
{
    *n = s->nprocs + s->nexited;
    struct report_proc *r = calloc((size_t)(*n ? *n : 1), sizeof *r);
    if (!r)
        return NULL;
    int j = 0;
    for (int i = 0; i < s->nprocs; i++)
        if (s->procs[i].mm) /* else killed during this line: listed as exited */
            r[j++] = (struct report_proc){
                .name = s->procs[i].name, .pid = s->procs[i].pid, .mm = s->procs[i].mm};
    for (int i = 0; i < s->nexited; i++)
        r[j++] = (struct report_proc){
            .name = s->exited[i].name, .pid = s->exited[i].pid, .final_info = s->exited[i].info};
    *n = j;
    qsort(r, (size_t)*n, sizeof *r, by_pid);
    return r;
}

/* Writes one report; false (after a message on s->err) if it failed. */
static bool write_one(struct script *s, const char *path, bool html)
{
    int n;
    struct report_proc *procs = report_procs(s, &n);
    if (!procs) {
        fprintf(s->err, "vmsim: %s: out of host memory for the report\n", s->o->label);
        return false;
    }
    char title[128];
    snprintf(title, sizeof title, "%s", s->o->label);
    int rc = html ? report_html_write(path, title, s->k, procs, n, s->err)
                  : report_json_write(path, s->k, procs, n, s->err);
    free(procs);
    return rc == 0;
}

void script_write_report(struct script *s, const char *path, bool html)
{
    fflush(s->out);
    if (!write_one(s, path, html))
        s->line_failed = true;
}

bool script_final_reports(struct script *s)
{
    const struct script_options *o = s->o;
    bool ok = true;
    if (o->stats) {
        int n;
        struct report_proc *procs = report_procs(s, &n);
        if (procs) {
            fflush(s->out);
            report_stats(s->err, s->k, procs, n);
            free(procs);
        }
    }
    if (o->report_path)
        ok &= write_one(s, o->report_path, false);
    if (o->html_path)
        ok &= write_one(s, o->html_path, true);
    return ok;
}
