/* The watch under `vmsim run`: pids and virtual time from the OS, and the
 * progress line (watch.h). */
#include <inttypes.h>
#include <unistd.h>

#include "../../kernel/core/kernel.h"
#include "timeline.h"
#include "watch_int.h"

/* Progress is redrawn at most this often (host time). */
#define PROGRESS_INTERVAL_NS 500000000LL

static int run_pid_of(void *ctx, struct mm *mm)
{
    struct os *os = ctx;
    struct proc *cur = os->current;
    if (!mm && !cur)   /* the kernel building the first process's stack */
        return os->procs ? 0 : os->next_pid;
    if (!mm || (cur && cur->mm == mm))
        return cur->pid;
    for (struct proc *p = os->procs; p; p = p->next)
        if (p->mm == mm && !p->mm_borrowed)
            return p->pid;
    /* Not owned yet: an image being built by execve (of the running
     * process), or the first process before it has its pid. */
    if (cur)
        return cur->pid;
    return os->procs ? 0 : os->next_pid;
}

/* The hart's instruction count; in the middle of hart_run (a TLB miss),
 * io_instret is the count at the instruction that missed. */
static uint64_t run_insns(const struct os *os)
{
    const struct hart *h = os->h;
    return h->io_instret > h->instret ? h->io_instret : h->instret;
}

static double run_now(void *ctx, char *label, size_t len)
{
    struct os *os = ctx;
    uint64_t n = run_insns(os);
    snprintf(label, len, "t=%" PRIu64 " insns", n);
    return (double)(n * OS_NS_PER_INSN + os->sleep_skip_ns) / 1000.0;
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static void progress_turn(void *ctx, struct os *os)
{
    struct watch *w = ctx;
    if (w->tl)
        timeline_tick(w->tl, os, false);
    if (!w->progress)
        return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (ns_between(&w->last, &t) < PROGRESS_INTERVAL_NS)
        return;
    w->last = t;
    struct kernel_info ki;
    kernel_get_info(os->k, &ki);
    unsigned live = 0;
    for (struct proc *p = os->procs; p; p = p->next)
        live += !p->exited;
    fprintf(stderr,
            "\rvmsim: %" PRIu64 " instructions, %u processes, %" PRIu64 " faults, %" PRIu64
            " resident pages\033[K",
            os->h->instret, live, ki.c.pgfault, ki.anon_frames + ki.file_frames);
    fflush(stderr);
    w->progress_shown = true;
}

/* The guest writes to a host stream: take the progress line away first, so
 * the output starts on a clean row (the next turn after the interval draws
 * the line again below it). */
static void progress_before_output(void *ctx)
{
    watch_progress_clear(ctx);
}

void watch_run_source(struct watch *w, struct os *os, const struct watch_options *o)
{
    watch_set_source(w, run_pid_of, run_now, os);
    w->progress = !o->no_progress && isatty(STDERR_FILENO);
    if (w->progress || w->tl) {
        clock_gettime(CLOCK_MONOTONIC, &w->last);
        os->turn_hook = progress_turn;
        os->turn_hook_ctx = w;
        if (w->progress) {
            os->output_hook = progress_before_output;
            os->output_hook_ctx = w;
        }
        w->turn_os = os;
    }
}

void watch_run_unhook(struct watch *w)
{
    if (w->turn_os) {
        w->turn_os->turn_hook = NULL;
        w->turn_os->turn_hook_ctx = NULL;
        w->turn_os->output_hook = NULL;
        w->turn_os->output_hook_ctx = NULL;
        w->turn_os = NULL;
    }
}

void watch_progress_clear(struct watch *w)
{
    if (w && w->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        w->progress_shown = false;
    }
}
