/* The demo's last section: the miss-ratio curve of its own run. The hart
 * records the page-reference string of every demo process as they run
 * (machine/pagetrace.h, `vmsim run --page-trace`); at the end the curves of
 * the replacement policies are computed from it (cli/trace/mrc.h) and a few
 * sizes are printed, with the two properties every curve must have as
 * claims: LRU's never rises with memory (the stack property), and OPT's is
 * never above any other policy's. */
#include <stdlib.h>

#include "../trace/mrc.h"
#include "demo_int.h"

struct demo_curve {
    struct mrc_input *in;
    struct os *os;
    bool oom;
    struct page_trace pt;
};

static void take(void *ctx, const uint64_t *refs, unsigned n)
{
    struct demo_curve *c = ctx;
    uint32_t pid = (uint32_t)(c->os->current ? c->os->current->pid : c->os->last_pid);
    for (unsigned i = 0; i < n && !c->oom; i++)
        if (mrc_input_add(c->in, pid, refs[i] >> 12))
            c->oom = true;
}

void demo_curve_start(struct demo *d)
{
    struct demo_curve *c = calloc(1, sizeof *c);
    if (!c || !(c->in = mrc_input_new())) {
        free(c);
        return; /* no curve: the section says so */
    }
    c->os = d->os;
    page_trace_init(&c->pt, take, c);
    machine_set_page_trace(d->os->m, &c->pt);
    d->curve = c;
}

void demo_curve_stop(struct demo *d)
{
    if (!d->curve)
        return;
    page_trace_flush(&d->curve->pt);
    machine_set_page_trace(d->os->m, NULL);
}

void demo_curve_print(struct demo *d)
{
    struct demo_curve *c = d->curve;
    FILE *out = d->out;
    fprintf(out, "\n9. The run's own miss-ratio curve\n");
    struct mrc_result r;
    if (!c || c->oom || mrc_input_compute(c->in, &(struct mrc_opts){.size_lo = 8}, &r) != 0) {
        fprintf(out, "   (not computed: out of host memory)\n");
        goto out;
    }
    fprintf(out,
            "   The hart recorded every page these programs referenced, in order: %llu\n"
            "   references (a run of references to one page counts once) to %llu pages.\n"
            "   Had the machine only N frames for them, each policy would have missed\n"
            "   this fraction of the references (`vmsim run --page-trace F` and then\n"
            "   `vmsim trace --format pages --mrc F` do this for any program):\n\n",
            (unsigned long long)r.refs, (unsigned long long)r.footprint);
    fprintf(out, "   %8s", "frames");
    for (int p = 0; p < MRC_NPOL; p++)
        fprintf(out, " %7s", mrc_policy_names[p]);
    fprintf(out, "   lru\n");
    /* about eight rows of the curve */
    uint64_t step = r.nsizes > 8 ? (r.nsizes + 7) / 8 : 1;
    bool stack_ok = true, opt_ok = true;
    double top = r.nsizes && r.ratio[MRC_LRU][0] > 0 ? r.ratio[MRC_LRU][0] : 1;
    for (uint64_t i = 0; i < r.nsizes; i++) {
        if (i && r.ratio[MRC_LRU][i] > r.ratio[MRC_LRU][i - 1] + 1e-12)
            stack_ok = false;
        for (int p = 0; p < MRC_NPOL; p++)
            if (r.ratio[MRC_OPT][i] > r.ratio[p][i] + 1e-12)
                opt_ok = false;
        if (i % step && i + 1 != r.nsizes)
            continue;
        fprintf(out, "   %8llu", (unsigned long long)r.sizes[i]);
        for (int p = 0; p < MRC_NPOL; p++)
            fprintf(out, " %7.4f", r.ratio[p][i]);
        int bar = (int)(r.ratio[MRC_LRU][i] / top * 30 + 0.5);
        fprintf(out, "   ");
        for (int b = 0; b < bar && b < 30; b++)
            fputc('#', out);
        fputc('\n', out);
    }
    fputc('\n', out);
    demo_claim(d, stack_ok, "LRU's miss ratio never rises with more frames (the stack property)");
    demo_claim(d, opt_ok, "OPT misses no more than any other policy at every size");
    mrc_result_fini(&r);
out:
    if (c)
        mrc_input_free(c->in);
    free(c);
    d->curve = NULL;
}
