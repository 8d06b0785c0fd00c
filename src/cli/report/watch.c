/* The watch (watch.h): options, the kernel's event listener and the MMU
 * observer, handing each event to --events and --explain. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "events_json.h"
#include "explain.h"
#include "timeline.h"
#include "watch_int.h"

const char watch_help[] =
    "  --events FILE   write every memory event (faults, page-ins, COW copies, swap,\n"
    "                  TLB flushes, mmap/munmap/brk, fork/exec/exit) as Chrome\n"
    "                  trace-event JSON, for Perfetto (docs/events.md)\n"
    "  --explain[=N]   narrate page faults and translations (run: those that miss\n"
    "                  the TLB) in CS:APP's terms (VPN/VPO, TLBI/TLBT, the PTE at\n"
    "                  each level, PA) on stderr; at most N (default 50, 0: all)\n"
    "  --explain-file FILE  the narration goes to FILE (implies --explain)\n";
const char watch_help_progress[] =
    "  --no-progress   no progress line on stderr (shown when it is a terminal)\n";

/* "--name VAL" or "--name=VAL": *val, NULL if missing or empty. */
static bool match(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return false;
    *val = a[n] == '=' ? a + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
    if (*val && !**val)
        *val = NULL;
    return true;
}

int watch_parse_opt(int argc, char **argv, int *i, struct watch_options *o, bool progress,
                    const char *cmd)
{
    const char *a = argv[*i], *val;
    if (strcmp(a, "--explain") == 0 || strncmp(a, "--explain=", 10) == 0) {
        o->explain = true;
        o->explain_limit = EXPLAIN_DEFAULT_LIMIT;
        if (a[9] == '=') {
            char *end;
            errno = 0;
            o->explain_limit = strtoull(a + 10, &end, 10);
            if (!a[10] || *end || errno || a[10] == '-') {
                fprintf(stderr, "vmsim %s: bad --explain limit '%s' (want a count, 0: none)\n",
                        cmd, a + 10);
                return -1;
            }
        }
        return 1;
    }
    if (progress && strcmp(a, "--no-progress") == 0) {
        o->no_progress = true;
        return 1;
    }
    const char **dst = NULL;
    const char *name = NULL;
    if (match(argc, argv, i, "--events", &val)) {
        dst = &o->events_path;
        name = "--events";
    } else if (match(argc, argv, i, "--explain-file", &val)) {
        dst = &o->explain_path;
        name = "--explain-file";
        if (!o->explain) {
            o->explain = true;
            o->explain_limit = EXPLAIN_DEFAULT_LIMIT;
        }
    } else {
        return 0;
    }
    if (!val) {
        fprintf(stderr, "vmsim %s: %s needs a file name\n", cmd, name);
        return -1;
    }
    *dst = val;
    return 1;
}

struct watch *watch_new(const struct watch_options *o, bool hits, const char *cmd, FILE *err)
{
    struct watch *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(err, "vmsim %s: out of memory\n", cmd);
        return NULL;
    }
    w->err = err;
    if (o->events_path && !(w->json = events_json_open(o->events_path, cmd, err)))
        goto fail;
    if (o->explain) {
        w->xout = err;
        if (o->explain_path && !(w->xout = w->xfile = fopen(o->explain_path, "w"))) {
            fprintf(err, "vmsim %s: --explain-file: cannot write '%s': %s\n", cmd,
                    o->explain_path, strerror(errno));
            goto fail;
        }
        if (!(w->explain = explain_new(w->xout, o->explain_limit, hits))) {
            fprintf(err, "vmsim %s: out of memory\n", cmd);
            goto fail;
        }
    }
    return w;
fail:
    events_json_close(w->json, err);
    if (w->xfile)
        fclose(w->xfile);
    free(w);
    return NULL;
}

void watch_set_timeline(struct watch *w, struct timeline *tl)
{
    w->tl = tl;
    if (tl)
        tl->counters = w->json;
}

void watch_set_source(struct watch *w, watch_pid_fn *pid_of, watch_clock_fn *now, void *ctx)
{
    w->pid_of = pid_of;
    w->now = now;
    w->src = ctx;
}

static double now(struct watch *w, char *label, size_t len)
{
    if (w->now)
        return w->now(w->src, label, len);
    snprintf(label, len, "?");
    return 0;
}

static int pid_of(struct watch *w, struct mm *mm)
{
    return w->pid_of ? w->pid_of(w->src, mm) : 0;
}

/* Names a pid in the trace the first time it shows up, or when it changes
 * its program (exec). */
static void name_pid(struct watch *w, int pid, const char *name, double ts)
{
    if (w->json && pid > 0 && name)
        events_json_name(w->json, pid, name, ts);
}

static void on_event(void *ctx, const struct vm_event *ev)
{
    struct watch *w = ctx;
    int pid = ev->pid ? ev->pid : ev->mm ? pid_of(w, ev->mm) : 0;
    char label[48];
    double ts = now(w, label, sizeof label);
    if (w->tl)
        timeline_mark(w->tl, ev, pid, ts);
    if (w->json) {
        if (ev->kind == VM_EV_EXEC)
            name_pid(w, pid, ev->name, ts);
        events_json_write(w->json, ev, pid, ts);
        if (ev->kind == VM_EV_FORK)
            name_pid(w, ev->pid2, ev->name, ts);
    }
    if (w->explain)
        explain_event(w->explain, pid, label, ev);
}

static void on_translate(void *ctx, const struct mmu *m, vaddr_t a, enum access acc, int rc,
                         const struct translation *tr, const struct walk_trace *trace)
{
    struct watch *w = ctx;
    char label[48];
    now(w, label, sizeof label);
    explain_translation(w->explain, pid_of(w, NULL), label, m, a, acc, rc, tr, trace);
}

void watch_attach(struct watch *w, struct kernel *k)
{
    watch_detach(w);
    w->k = k;
    if (w->json || w->explain || w->tl)
        kernel_set_event_sink(k, on_event, w);
    if (w->explain) {
        struct machine *mc = kernel_machine(k);
        for (int i = 0; i < mc->nharts; i++) {
            mc->harts[i].mmu.observe = on_translate;
            mc->harts[i].mmu.observe_ctx = w;
        }
    }
}

void watch_detach(struct watch *w)
{
    if (!w || !w->k)
        return;
    kernel_set_event_sink(w->k, NULL, NULL);
    struct machine *mc = kernel_machine(w->k);
    for (int i = 0; i < mc->nharts; i++) {
        mc->harts[i].mmu.observe = NULL;
        mc->harts[i].mmu.observe_ctx = NULL;
    }
    w->k = NULL;
}

void watch_proc(struct watch *w, enum vm_event_kind kind, struct mm *mm, int pid, int pid2,
                const char *name)
{
    if (!w || !w->json)
        return;
    struct vm_event ev = {.kind = kind, .mm = mm, .pid = pid, .pid2 = pid2, .name = name,
                          .pfn = VM_EV_NO_PFN, .pfn2 = VM_EV_NO_PFN};
    on_event(w, &ev);
}

bool watch_finish(struct watch *w, FILE *err)
{
    if (!w)
        return true;
    watch_progress_clear(w);
    watch_detach(w);
    if (w->turn_os)
        watch_run_unhook(w);
    bool ok = events_json_close(w->json, err);
    explain_finish(w->explain);
    if (w->xfile && fclose(w->xfile) != 0) {
        fprintf(err, "vmsim: --explain-file: write error\n");
        ok = false;
    }
    free(w);
    return ok;
}
