/* The timeline as JSON (the report's "timeline" member) and as CSV. */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "timeline.h"

static const char *mark_name(enum vm_event_kind k)
{
    switch (k) {
    case VM_EV_FORK: return "fork";
    case VM_EV_EXEC: return "exec";
    case VM_EV_EXIT: return "exit";
    default: return "oom-kill";
    }
}

/* Column arrays: t_ns and one per series (tlb_miss_rate for the machine
 * instead of its hits and misses). */
static struct json_object *track_json(const struct tl_track *t, bool machine)
{
    struct json_object *o = json_object_new_object();
    if (!machine) {
        json_object_object_add(o, "pid", json_object_new_int(t->pid));
        json_object_object_add(o, "name", json_object_new_string(t->name));
    }
    struct json_object *ts = json_object_new_array_ext((int)t->n);
    for (size_t i = 0; i < t->n; i++)
        json_object_array_add(ts, json_object_new_uint64(t->p[i].t_ns));
    json_object_object_add(o, "t_ns", ts);
    for (int s = 0; s < TL_TLB_HITS; s++) {
        if (!machine && (s == TL_PAGECACHE || s == TL_FREE))
            continue;
        struct json_object *a = json_object_new_array_ext((int)t->n);
        for (size_t i = 0; i < t->n; i++)
            json_object_array_add(a, json_object_new_uint64(t->p[i].v[s]));
        json_object_object_add(o, tl_series_names[s], a);
    }
    if (machine) {
        struct json_object *a = json_object_new_array_ext((int)t->n);
        for (size_t i = 0; i < t->n; i++) {
            uint64_t h = t->p[i].v[TL_TLB_HITS], m = t->p[i].v[TL_TLB_MISSES];
            json_object_array_add(a, json_object_new_double(h + m ? (double)m / (double)(h + m) : 0));
        }
        json_object_object_add(o, "tlb_miss_rate", a);
    }
    return o;
}

struct json_object *timeline_json(const struct timeline *tl)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "interval_ns", json_object_new_uint64(tl->interval_ns));
    json_object_object_add(o, "samples", json_object_new_uint64(tl->nsamples));
    json_object_object_add(o, "machine", track_json(&tl->machine, true));
    struct json_object *pa = json_object_new_array();
    for (size_t i = 0; i < tl->nprocs; i++)
        json_object_array_add(pa, track_json(&tl->procs[i], false));
    json_object_object_add(o, "processes", pa);
    struct json_object *ma = json_object_new_array();
    for (size_t i = 0; i < tl->nmarks; i++) {
        const struct tl_mark *mk = &tl->marks[i];
        struct json_object *m = json_object_new_object();
        json_object_object_add(m, "t_ns", json_object_new_uint64(mk->t_ns));
        json_object_object_add(m, "kind", json_object_new_string(mark_name(mk->kind)));
        json_object_object_add(m, "pid", json_object_new_int(mk->pid));
        if (mk->kind == VM_EV_FORK)
            json_object_object_add(m, "child", json_object_new_int(mk->pid2));
        if (mk->name[0])
            json_object_object_add(m, "name", json_object_new_string(mk->name));
        json_object_array_add(ma, m);
    }
    json_object_object_add(o, "marks", ma);
    return o;
}

static void csv_track(FILE *f, const struct tl_track *t)
{
    for (size_t i = 0; i < t->n; i++) {
        fprintf(f, "%.6f,%d,%s", (double)t->p[i].t_ns / 1e6, t->pid, t->pid ? t->name : "machine");
        for (int s = 0; s < TL_NSERIES; s++)
            fprintf(f, ",%llu", (unsigned long long)t->p[i].v[s]);
        fputc('\n', f);
    }
}

int timeline_write_csv(const struct timeline *tl, const char *path, FILE *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(err, "vmsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs("t_ms,pid,name", f);
    for (int s = 0; s < TL_NSERIES; s++)
        fprintf(f, ",%s", tl_series_names[s]);
    fputc('\n', f);
    csv_track(f, &tl->machine);
    for (size_t i = 0; i < tl->nprocs; i++)
        csv_track(f, &tl->procs[i]);
    if (ferror(f) | (fclose(f) != 0)) {
        fprintf(err, "vmsim: cannot write %s: write error\n", path);
        return -1;
    }
    return 0;
}
