/* The reports of `vmsim run`: see run_report.h. */
#include "run_report.h"

#include <stdlib.h>

#include "../../kernel/core/kernel.h"
#include "../report/report_html.h"
#include "../report/report_json.h"

static int by_pid(const void *a, const void *b)
{
    const struct report_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The processes of the run now, in pid order: live ones with an address
 * space (a vfork child borrowing its parent's is left out; processes that
 * share one through clone(CLONE_VM) are each listed with it) and the exited
 * ones. NULL on OOM. */
static struct report_proc *snapshot(const struct run_report *r, struct os *os, int *n)
{
    int live = 0;
    for (struct proc *q = os->procs; q; q = q->next)
        live += proc_mm_user(q);
    struct report_proc *v = calloc((size_t)(live + r->exited.n + 1), sizeof *v);
    if (!v)
        return NULL;
    int j = 0;
    for (struct proc *q = os->procs; q; q = q->next) {
        if (!proc_mm_user(q))
            continue;
        struct report_proc *rp = &v[j++];
        *rp = (struct report_proc){.name = q->comm, .pid = q->pid, .mm = q->mm};
        for (struct proc *t = os->procs; t && rp->nthreads < REPORT_MAX_THREADS; t = t->next) {
            if (t->pid != q->pid || (t != q && t->exited) || t->thread_dead)
                continue;   /* (q itself may be exiting: the report is taken then) */
            rp->tid[rp->nthreads] = t->tid;
            rp->hart[rp->nthreads] = -1;
            for (int h = 0; h < os->m->nharts; h++)
                if (os->hart_tid[h] == t->tid)
                    rp->hart[rp->nthreads] = h;
            rp->nthreads++;
        }
    }
    for (int i = 0; i < r->exited.n; i++)
        v[j++] = r->exited.p[i];
    *n = j;
    qsort(v, (size_t)j, sizeof *v, by_pid);
    return v;
}

void run_report_on_exit(struct run_report *r, struct os *os, struct proc *p, FILE *err)
{
    if (!proc_mm_user(p))
        return;
    if (!r->written && p->pid == os->first_pid && (r->json_path || r->html_path)) {
        r->written = true;
        int n;
        struct report_proc *v = snapshot(r, os, &n);
        if (!v) {
            fprintf(err, "vmsim: out of host memory for the report\n");
            r->failed = true;
        } else {
            if (r->json_path && report_json_write(r->json_path, os->k, v, n, err))
                r->failed = true;
            if (r->html_path && report_html_write(r->html_path, r->title ? r->title : "vmsim run",
                                                  os->k, v, n, err))
                r->failed = true;
            free(v);
        }
    }
    if (r->stats || r->json_path || r->html_path)
        report_list_note_exit(&r->exited, p->comm, p->pid, p->mm);
}

bool run_report_finish(struct run_report *r, struct kernel *k, FILE *err)
{
    if (r->exited.n)
        qsort(r->exited.p, (size_t)r->exited.n, sizeof *r->exited.p, by_pid);
    if (r->stats)
        report_stats(err, k, r->exited.p, r->exited.n);
    if (!r->written) {
        /* No process exited with its memory: report what there is. */
        if (r->json_path && report_json_write(r->json_path, k, r->exited.p, r->exited.n, err))
            r->failed = true;
        if (r->html_path && report_html_write(r->html_path, r->title ? r->title : "vmsim run", k,
                                              r->exited.p, r->exited.n, err))
            r->failed = true;
    }
    report_list_free(&r->exited);
    return !r->failed;
}
