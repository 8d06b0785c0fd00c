/* The script interpreter: machine and kernel lifecycle, the line loop, the
 * command table, error reporting, and `vmsim script` itself. The commands
 * are in script_mm.c (address spaces, memory) and script_show.c (reports). */
#include "script_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../opts.h"
#include "../report/stats.h"

void script_options_default(struct script_options *o)
{
    *o = (struct script_options){0};
    machine_config_default(&o->machine);
#ifdef VMSIM_DEBUG
    o->check = SCRIPT_CHECK_END;
#endif
    o->label = "script";
}

void script_error(struct script *s, const char *fmt, ...)
{
    va_list ap;
    fflush(s->out); /* keep errors in order with output when both go to a terminal */
    fprintf(s->err, "vmsim: %s:%lu: ", s->o->label, s->lineno);
    va_start(ap, fmt);
    vfprintf(s->err, fmt, ap);
    va_end(ap);
    fputc('\n', s->err);
    s->line_failed = true;
}

void script_errno(struct script *s, const char *op, int neg_err)
{
    /* The OOM killer ended the process: its message said so; not an error
     * of the script. */
    if (neg_err == -ENOMEM && s->busy_killed)
        return;
    script_error(s, "%s: %s (%s)", op, strerror(-neg_err), errno_name(-neg_err));
}

struct sproc *script_proc(struct script *s, const struct token *t)
{
    for (int i = 0; i < s->nprocs; i++)
        if (strcmp(s->procs[i].name, t->s) == 0 && !s->procs[i].oom_killed)
            return s->busy = &s->procs[i];
    script_error(s, "unknown process '%.64s'", t->s);
    return NULL;
}

bool script_number(struct script *s, const struct token *t, const char *what, bool suffix,
                   uint64_t *out)
{
    if (!t->quoted && parse_u64(t->s, suffix, out))
        return true;
    script_error(s, "bad number '%.64s' for %s", t->s, what);
    return false;
}

const char *segv_cause_name(const struct segv *sv)
{
    if (sv->signo == LX_SIGSEGV && sv->code == LX_SEGV_MAPERR)
        return "SEGV_MAPERR";
    if (sv->signo == LX_SIGSEGV && sv->code == LX_SEGV_ACCERR)
        return "SEGV_ACCERR";
    if (sv->signo == LX_SIGBUS && sv->code == LX_BUS_ADRERR)
        return "BUS_ADRERR";
    if (sv->signo == LX_SIGBUS && sv->code == LX_BUS_ADRALN)
        return "BUS_ADRALN";
    return sv->signo == LX_SIGBUS ? "SIGBUS" : "SIGSEGV";
}

void script_segfault(struct script *s, const struct sproc *p, const struct segv *sv)
{
    fprintf(s->out, "segfault %s 0x%" PRIx64 " %s\n", p->name, sv->addr.v, segv_cause_name(sv));
}

/* ---- the command table -------------------------------------------------- */

struct command {
    const char *name;
    int min_args, max_args; /* words after the command name */
    cmd_fn *fn;
    const char *usage;
};

static const struct command commands[] = {
    {"mem", 1, 1, cmd_mem, "mem SIZE          (settings: before the first proc)"},
    {"swap", 1, 1, cmd_swap, "swap SIZE"},
    {"policy", 1, 1, cmd_policy, "policy clock|fifo|lru|random"},
    {"proc", 1, 1, cmd_proc, "proc NAME"},
    {"fork", 2, 2, cmd_fork, "fork PARENT CHILD"},
    {"exit", 1, 1, cmd_exit, "exit NAME"},
    {"map", 6, 8, cmd_map, "map NAME ADDR|any LEN PROT anon|file PATH OFFSET private|shared"},
    {"unmap", 3, 3, cmd_unmap, "unmap NAME ADDR LEN"},
    {"protect", 4, 4, cmd_protect, "protect NAME ADDR LEN PROT"},
    {"brk", 2, 2, cmd_brk, "brk NAME +N|-N|ADDR"},
    {"msync", 3, 3, cmd_msync, "msync NAME ADDR LEN"},
    {"load", 2, 2, cmd_load, "load NAME ELF-PATH"},
    {"write", 3, 3, cmd_write, "write NAME ADDR \"text\"|0xHEX"},
    {"read", 3, 3, cmd_read, "read NAME ADDR LEN"},
    {"translate", 2, 3, cmd_translate, "translate NAME ADDR [brief]"},
    {"show", 1, TOKENS_MAX - 1, cmd_show,
     "show maps NAME | pagetable NAME | frames | stats [NAME] [KEY...] | json FILE | html FILE"},
};

/* ---- lifecycle ---------------------------------------------------------- */

/* The OOM killer's hook: kills the script process that owns victim. */
static int script_oom(void *ctx, struct mm *victim)
{
    struct script *s = ctx;
    struct sproc *p = NULL;
    for (int i = 0; i < s->nprocs && !p; i++)
        if (s->procs[i].mm == victim && !s->procs[i].oom_killed)
            p = &s->procs[i];
    if (!p)
        return -1; /* a child still being forked: the fork fails */
    struct mm_info mi;
    mm_get_info(victim, &mi);
    fflush(s->out);
    /* Linux: "Out of memory: Killed process PID (NAME) total-vm:..kB, ..." */
    fprintf(s->err,
            "vmsim: out of memory: killed process %d (%s) total-vm:%" PRIu64 "kB, anon-rss:%" PRIu64
            "kB, file-rss:%" PRIu64 "kB, shmem-rss:%" PRIu64 "kB, swap:%" PRIu64
            "kB, pgtables:%" PRIu64 "kB\n",
            p->pid, p->name, mi.vm_pages * 4, mi.rss_anon * 4, mi.rss_file * 4, mi.rss_shmem * 4,
            mi.swap_pages * 4, mi.pagetable_pages * 4);
    p->oom_killed = true;
    if (p == s->busy) {
        s->busy_killed = true;
        return 1; /* freed after the line */
    }
    script_note_exit(s, p);
    mm_destroy(p->mm);
    p->mm = NULL;
    return 0;
}

void script_reap_killed(struct script *s)
{
    for (int i = 0; i < s->nprocs;) {
        struct sproc *p = &s->procs[i];
        if (!p->oom_killed) {
            i++;
            continue;
        }
        if (p->mm) {
            script_note_exit(s, p);
            mm_destroy(p->mm);
        }
        memmove(p, p + 1, (size_t)(s->nprocs - i - 1) * sizeof *p);
        s->nprocs--;
    }
}

/* Builds the machine and kernel of s->cfg and s->ko. */
static int script_boot(struct script *s)
{
    const char *label = s->o->label;
    s->m = machine_new(&s->cfg);
    if (!s->m) {
        fprintf(s->err, "vmsim: %s: cannot build a machine with %" PRIu64 " bytes of RAM: %s\n",
                label, s->cfg.mem_bytes, strerror(errno));
        return -1;
    }
    s->k = kernel_new(s->m);
    if (!s->k) {
        fprintf(s->err, "vmsim: %s: %" PRIu64 " bytes of RAM is too small for the kernel\n", label,
                s->cfg.mem_bytes);
        machine_free(s->m);
        s->m = NULL;
        return -1;
    }
    if (opts_kernel_apply(s->k, &s->ko, label, s->err)) {
        kernel_free(s->k);
        machine_free(s->m);
        s->k = NULL;
        s->m = NULL;
        return -1;
    }
    kernel_set_oom_handler(s->k, script_oom, s);
    if (s->watch)
        watch_attach(s->watch, s->k);
    return 0;
}

/* ---- the watch (--events, --explain) --------------------------------------- */

static int script_pid_of(void *ctx, struct mm *mm)
{
    struct script *s = ctx;
    if (!mm)
        return s->busy ? s->busy->pid : 0;
    for (int i = 0; i < s->nprocs; i++)
        if (s->procs[i].mm == mm)
            return s->procs[i].pid;
    return 0;
}

/* A script has no clock: time is the line number. */
static double script_now(void *ctx, char *label, size_t len)
{
    struct script *s = ctx;
    snprintf(label, len, "line %lu", s->lineno);
    return (double)s->lineno;
}

void script_watch_proc(struct script *s, enum vm_event_kind kind, int pid, const struct sproc *p)
{
    if (kind == VM_EV_FORK)
        watch_proc(s->watch, kind, p->mm, pid, p->pid, p->name);
    else
        watch_proc(s->watch, kind, p->mm, p->pid, 0, p->name);
}

static int script_init(struct script *s, const struct script_options *o, FILE *out, FILE *err)
{
    *s = (struct script){.o = o, .out = out, .err = err, .cfg = o->machine, .ko = o->kernel};
    if (o->watch.events_path || o->watch.explain) {
        if (!(s->watch = watch_new(&o->watch, true, "script", err)))
            return -1;
        watch_set_source(s->watch, script_pid_of, script_now, s);
    }
    if (script_boot(s)) {
        watch_finish(s->watch, err);
        return -1;
    }
    return 0;
}

/* ---- settings: the machine, before the first process ---------------------- */

static bool setting_ok(struct script *s, const char *name)
{
    if (s->last_pid == 0)
        return true;
    script_error(s, "%s: settings must come before the first proc (they configure the machine)",
                 name);
    return false;
}

void cmd_mem(struct script *s, const struct token_line *tl)
{
    uint64_t v;
    if (!setting_ok(s, "mem") || !script_number(s, &tl->tok[1], "SIZE", true, &v))
        return;
    if (v < OPTS_MEM_MIN || v > OPTS_MEM_MAX) {
        script_error(s, "mem: bad size 0x%" PRIx64 " (want 64K..64G, like 256M)", v);
        return;
    }
    /* Fuzzing (no host files) must not make the host allocate gigabytes. */
    if (s->o->no_host_files && v > (256ULL << 20)) {
        script_error(s, "mem: at most 256M when host files are disabled");
        return;
    }
    /* A new machine: nothing lives on the old one yet. */
    struct machine_config old = s->cfg;
    struct machine *m = s->m;
    struct kernel *k = s->k;
    s->cfg.mem_bytes = (v + PAGE_MASK) & ~PAGE_MASK;
    if (script_boot(s)) {
        s->cfg = old;
        s->m = m;
        s->k = k;
        s->line_failed = true;
        return;
    }
    kernel_free(k);
    machine_free(m);
}

void cmd_swap(struct script *s, const struct token_line *tl)
{
    uint64_t v;
    if (!setting_ok(s, "swap"))
        return;
    if (tl->tok[1].quoted || !opts_parse_swap(tl->tok[1].s, &v, "script", s->err)) {
        script_error(s, "swap: bad size '%.64s'", tl->tok[1].s);
        return;
    }
    if (s->o->no_host_files && v > (16ULL << 20)) {
        script_error(s, "swap: at most 16M when host files are disabled");
        return;
    }
    int rc = kernel_set_swap(s->k, v);
    if (rc) {
        script_errno(s, "swap", rc);
        return;
    }
    s->ko.swap_bytes = v;
}

void cmd_policy(struct script *s, const struct token_line *tl)
{
    if (!setting_ok(s, "policy"))
        return;
    const struct token *t = &tl->tok[1];
    if (t->quoted || !opts_check_policy(t->s, false, "script", s->err)) {
        script_error(s, "policy: cannot use '%.64s'", t->s);
        return;
    }
    int rc = kernel_set_policy(s->k, t->s);
    if (rc) {
        script_errno(s, "policy", rc);
        return;
    }
    snprintf(s->ko.policy, sizeof s->ko.policy, "%s", t->s);
}

static void script_check(struct script *s, const char *when)
{
    if (kernel_check(s->k) != 0) {
        fflush(s->out);
        fprintf(s->err, "vmsim: %s:%lu: kernel invariant check failed %s\n", s->o->label, s->lineno,
                when);
        abort(); /* a broken invariant is a bug in vmsim, not in the script */
    }
}

/* Returns false if a report the options asked for could not be written. */
static bool script_fini(struct script *s)
{
    if (s->o->check != SCRIPT_CHECK_NONE)
        script_check(s, "at the end of the script");
    bool ok = script_final_reports(s);
    for (int i = s->nprocs - 1; i >= 0; i--)
        mm_destroy(s->procs[i].mm);
    free(s->procs);
    script_reports_free(s);
    if (s->o->check != SCRIPT_CHECK_NONE)
        script_check(s, "after every process exited");
    if (!watch_finish(s->watch, s->err))
        ok = false;
    kernel_free(s->k);
    machine_free(s->m);
    return ok;
}

/* Runs one line (without its newline); returns false if it failed. */
static bool script_line(struct script *s, const char *line, size_t len)
{
    s->lineno++;
    s->line_failed = false;
    s->busy = NULL;
    s->busy_killed = false;
    struct token_line tl;
    const char *bad = tokenize(line, len, &tl);
    if (s->o->echo) {
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            fputc('\n', s->out); /* blank lines separate the sections of a demo */
        else if (line[i] == '#')
            fprintf(s->out, "%.*s\n", (int)(len - i), line + i);
        else if (!bad && tl.ntok > 0)
            fprintf(s->out, "vmsim> %.*s\n", (int)len, line);
    }
    if (bad) {
        script_error(s, "%s", bad);
    } else if (tl.ntok > 0) {
        const struct command *c = NULL;
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(commands[i].name, tl.tok[0].s) == 0)
                c = &commands[i];
        int nargs = tl.ntok - 1;
        if (!c || tl.tok[0].quoted)
            script_error(s, "unknown command '%.64s'", tl.tok[0].s);
        else if (nargs < c->min_args || nargs > c->max_args)
            script_error(s, "%s: wrong number of arguments (usage: %s)", c->name, c->usage);
        else
            c->fn(s, &tl);
    }
    token_line_free(&tl);
    script_reap_killed(s);
    if (s->o->check == SCRIPT_CHECK_EACH_LINE)
        script_check(s, "after this line");
    fflush(s->out);
    return !s->line_failed;
}

int script_run_buffer(const char *text, size_t len, const struct script_options *o, FILE *out,
                      FILE *err)
{
    struct script s;
    if (script_init(&s, o, out, err) != 0)
        return 2;
    bool failed = false;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (!script_line(&s, text + pos, n))
            failed = true;
        pos += n + 1;
    }
    if (!script_fini(&s))
        failed = true;
    return failed ? 1 : 0;
}

int script_run_stream(FILE *in, const struct script_options *o, FILE *out, FILE *err)
{
    struct script s;
    if (script_init(&s, o, out, err) != 0)
        return 2;
    bool failed = false;
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        if (o->prompt) {
            fputs("vmsim> ", out);
            fflush(out);
        }
        ssize_t n = getline(&line, &cap, in);
        if (n < 0)
            break;
        if (n > 0 && line[n - 1] == '\n')
            n--;
        if (!script_line(&s, line, (size_t)n))
            failed = true;
    }
    if (o->prompt)
        fputc('\n', out);
    free(line);
    if (!script_fini(&s))
        failed = true;
    return failed ? 1 : 0;
}

/* ---- vmsim script ------------------------------------------------------- */

static void script_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim script [OPTIONS] [FILE]\n"
            "Runs a script of memory-manager commands from FILE (or stdin).\n"
            "Options:\n%s%s"
            "  --stats         print a summary of the run on stderr at the end\n"
            "  --report FILE   write the JSON report (docs/report-schema.md) at the end\n"
            "  --html FILE     write the memory map as a self-contained HTML page at the end\n"
            "%s"
            "  -h, --help      this help\n"
            "Commands (one per line, # starts a comment):\n",
            opts_machine_help, opts_kernel_help, watch_help);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].usage);
}

int cmd_script(int argc, char **argv)
{
    struct script_options o;
    script_options_default(&o);
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            script_usage(stdout);
            return 0;
        }
        int r = opts_machine(argc, argv, &i, &o.machine, "script");
        if (r == 0)
            r = opts_kernel(argc, argv, &i, &o.kernel, false, "script");
        if (r == 0)
            r = report_parse_opt(argc, argv, &i, &o.stats, &o.report_path, &o.html_path,
                                 "script");
        if (r == 0)
            r = watch_parse_opt(argc, argv, &i, &o.watch, false, "script");
        if (r < 0)
            return 2;
        if (r > 0)
            continue;
        if (strcmp(a, "-") == 0 || a[0] != '-') {
            if (file) {
                fprintf(stderr, "vmsim script: more than one FILE ('%s' and '%s')\n", file, a);
                script_usage(stderr);
                return 2;
            }
            file = a;
            continue;
        }
        fprintf(stderr, "vmsim script: unknown option '%s'\n", a);
        script_usage(stderr);
        return 2;
    }
    FILE *in = stdin;
    if (file && strcmp(file, "-") != 0) {
        in = fopen(file, "r");
        if (!in) {
            fprintf(stderr, "vmsim script: cannot open '%s': %s\n", file, strerror(errno));
            return 2;
        }
    }
    o.prompt = in == stdin && isatty(STDIN_FILENO);
    int rc = script_run_stream(in, &o, stdout, stderr);
    if (in != stdin)
        fclose(in);
    return rc;
}
