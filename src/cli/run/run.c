/* `vmsim run [OPTIONS] PROGRAM [ARGS...]`: builds a machine, a kernel and an
 * OS, execs the program as the first process, runs it and every process it
 * starts to the end, and exits with the first process's status (128 + signal
 * when a signal killed it, as a shell reports it). */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <json-c/json.h>
#include <time.h>
#include <unistd.h>

#include "../../kernel/core/kernel.h"
#include "fb_png.h"
#include "../opts.h"
#include "page_trace_out.h"
#include "../parse.h"
#include "run_report.h"
#include "../report/report_json.h"
#include "../report/stats.h"
#include "../report/timeline.h"
#include "../report/watch.h"

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim run [OPTIONS] PROGRAM [ARGS...]\n"
            "\n"
            "Runs a riscv64 Linux ELF program (static or dynamic) and every process it\n"
            "starts on the simulated machine, and exits with its exit status (128 + N\n"
            "when signal N killed it).\n"
            "\n"
            "Options:\n%s%s"
            "  --root DIR      the host directory the guest sees as / (default: .)\n"
            "  -L DIR, --sysroot DIR\n"
            "                  searched first for absolute paths, like qemu-riscv64 -L\n"
            "                  (default: " VFS_DEFAULT_SYSROOT " if present)\n"
            "  --tmpfs GUEST_DIR  a tmpfs (files in simulated RAM) at GUEST_DIR, besides /dev/shm\n"
            "  --tmpfs-size SIZE  each tmpfs's limit (K/M/G suffixes; default: half of --mem)\n"
            "  --stats         print the run's and each process's counters on stderr at exit\n"
            "  --report FILE   write the JSON report when the program exits\n"
            "  --html FILE     write the memory map as an HTML page when the program exits\n"
            "  --page-trace FILE  write the page-reference string of the run (`PID VPN R|W|X`\n"
            "                  lines, `vmsim trace --format pages` replays them)\n"
            "  --page-trace-format pages|lackey  the format of --page-trace (default pages)\n"
            "  --timeline      sample memory over time (RSS, swap, page cache, free frames,\n"
            "                  faults, swap traffic, TLB miss rate, working set from the A\n"
            "                  bits) into --report, --html (charts) and --events (counters)\n"
            "  --timeline-csv FILE  the same samples as CSV (implies --timeline)\n"
            "  --timeline-interval NS  the first sampling interval in guest nanoseconds\n"
            "                  (default 1000000: 1 ms; it doubles as the run grows)\n"
            "  --timeline-points N  keep at most N points (default 4000)\n"
            "  --smaps-at-exit print each process's /proc/PID/smaps on stderr as it exits\n"
            "  --max-insns N   kill every process with SIGXCPU after N instructions\n"
            "                  (exit status 152 = 128 + SIGXCPU)\n"
            "  --timeout SECS  stop after SECS seconds of host time, wherever the run is\n"
            "                  (also inside reclaim): exit status 124, as timeout(1)\n"
            "  --cwd DIR       the first process's working directory, a guest path (default:\n"
            "                  the current directory's guest path when it is inside --root,\n"
            "                  else /)\n"
            "  --uid N, --gid N\n"
            "                  the guest's one user and group (default 1000, 1000)\n"
            "  --clock virtual|host\n"
            "                  virtual (default): time runs with the instructions, sleeps\n"
            "                  skip ahead, every run is the same; host: the host's clock,\n"
            "                  sleeps take real time\n"
            "  --clock-start SECONDS\n"
            "                  the virtual clock's CLOCK_REALTIME at boot (default 1700000000)\n"
            "  --max-threads N at most N processes and threads at once (default 1024);\n"
            "                  clone and fork past it fail with EAGAIN\n"
            "  --disk-quota SIZE\n"
            "                  the guest may add at most SIZE of disk blocks to the host\n"
            "                  (K/M/G; ENOSPC beyond; sparse files count what they hold,\n"
            "                  each new inode a 4 KiB block; SIGBUS for a shared\n"
            "                  mapping's write into a hole past it)\n"
            "  --fb WxH        the framebuffer's size (/dev/fb0; default 640x480)\n"
            "  --fb-out FILE.png\n"
            "                  save the framebuffer as FILE-0001.png, ... at each write of\n"
            "                  its frame-done register, and as FILE.png at exit\n",
            opts_machine_help, opts_kernel_help);
    fputs(watch_help, f);
    fputs(watch_help_progress, f);
}

/* --timeout: the alarm sets the flag the scheduler and reclaim poll; if the
 * run has not stopped RUN_TIMEOUT_GRACE seconds later, vmsim exits at once. */
#define RUN_TIMEOUT_GRACE 5
static volatile int timeout_flag;

static void on_timeout(int sig)
{
    (void)sig;
    if (timeout_flag) {
        static const char msg[] = "vmsim: timeout: the run did not stop, exiting\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(124);
    }
    timeout_flag = 1;
    alarm(RUN_TIMEOUT_GRACE);
}

static int arm_timeout(double secs)
{
    struct sigaction sa = {.sa_handler = on_timeout};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) != 0)
        return -1;
    struct itimerval it = {0};
    it.it_value.tv_sec = (time_t)secs;
    it.it_value.tv_usec = (suseconds_t)((secs - (double)(time_t)secs) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    return setitimer(ITIMER_REAL, &it, NULL);
}

/* The guest's identity and clock (issue 12). */
struct guest_opts {
    long uid, gid;          /* -1: the default */
    bool clock_host;
    long long clock_start;  /* -1: the default */
};

static bool parse_num(const char *v, long long max, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno || n < 0 || n > max)
        return false;
    *out = n;
    return true;
}

/* 1: consumed argv[*i] (and its value), 0: not ours, -1: bad value (said). */
static int guest_opt(int argc, char **argv, int *i, struct guest_opts *g)
{
    const char *a = argv[*i];
    if (strcmp(a, "--uid") && strcmp(a, "--gid") && strcmp(a, "--clock") &&
        strcmp(a, "--clock-start"))
        return 0;
    const char *v = *i + 1 < argc ? argv[++*i] : "";
    long long n;
    if (strcmp(a, "--clock") == 0) {
        if (strcmp(v, "host") && strcmp(v, "virtual")) {
            fprintf(stderr, "vmsim run: bad --clock '%s' (want virtual or host)\n", v);
            return -1;
        }
        g->clock_host = strcmp(v, "host") == 0;
    } else if (strcmp(a, "--clock-start") == 0) {
        if (!parse_num(v, 1LL << 40, &n)) {
            fprintf(stderr, "vmsim run: bad --clock-start '%s' (want seconds since 1970)\n", v);
            return -1;
        }
        g->clock_start = n;
    } else {
        if (!parse_num(v, 0xfffffffeLL, &n)) {
            fprintf(stderr, "vmsim run: bad %s '%s' (want 0..4294967294)\n", a, v);
            return -1;
        }
        if (a[2] == 'u')
            g->uid = (long)n;
        else
            g->gid = (long)n;
    }
    return 1;
}

static void print_run_stats(struct os *os, double secs)
{
    uint64_t n = os->h->instret;
    fprintf(stderr,
            "vmsim: %llu instructions in %.3f s (%.1f M/s), %llu syscalls, %llu processes, "
            "%llu context switches\n",
            (unsigned long long)n, secs, secs > 0 ? n / secs / 1e6 : 0.0,
            (unsigned long long)os->syscalls, (unsigned long long)os->nprocs_total,
            (unsigned long long)os->switches);
}

/* The report's "timeline" member: a last sample at this moment first
 * (while the OS is still there). */
struct timeline_report {
    struct timeline *tl;
    struct os *os;
};

static void timeline_extra(void *ctx, struct json_object *doc)
{
    struct timeline_report *tr = ctx;
    if (tr->os)
        timeline_tick(tr->tl, tr->os, true);
    json_object_object_add(doc, "timeline", timeline_json(tr->tl));
}

static void report_exit_hook(void *ctx, struct os *os, struct proc *p)
{
    run_report_on_exit(ctx, os, p, stderr);
}

int cmd_run(int argc, char **argv)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    struct kernel_opts ko = {0};
    struct vfs_config vfs;
    vfs_config_default(&vfs);
    struct run_report rr = {0};
    bool smaps = false;
    uint64_t max_insns = 0, disk_quota = 0;
    double timeout_secs = 0;
    unsigned max_threads = 0;
    struct watch_options wo = {0};
    struct fb_out fbo = {0};
    struct guest_opts go = {.uid = -1, .gid = -1, .clock_start = -1};
    struct page_trace_out pto = {0};
    bool timeline = false;
    const char *timeline_csv = NULL;
    uint64_t timeline_start = TIMELINE_START_NS, timeline_points = TIMELINE_MAX_POINTS;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--smaps-at-exit") == 0) {
            smaps = true;
            continue;
        }
        if (strcmp(argv[i], "--max-threads") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            unsigned long n = strtoul(v, &end, 10);
            if (!*v || *end || errno || n == 0 || n > 1000000 || *v == '-') {
                fprintf(stderr, "vmsim run: bad --max-threads '%s' (want 1..1000000)\n", v);
                return 2;
            }
            max_threads = (unsigned)n;
            continue;
        }
        if (strcmp(argv[i], "--max-insns") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            max_insns = strtoull(v, &end, 10);
            if (!*v || *end || errno || max_insns == 0 || *v == '-') {
                fprintf(stderr, "vmsim run: bad --max-insns '%s' (want a positive count)\n", v);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--timeout") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            timeout_secs = strtod(v, &end);
            if (!*v || *end || errno || !(timeout_secs > 0) || timeout_secs > 1e7) {
                fprintf(stderr, "vmsim run: bad --timeout '%s' (want seconds > 0)\n", v);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--fb") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (fb_parse_size(v, &cfg.fb_width, &cfg.fb_height) != 0) {
                fprintf(stderr, "vmsim run: bad --fb '%s' (want WxH, e.g. 640x480, at most %ux%u)\n",
                        v, FB_MAX_DIM, FB_MAX_DIM);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--timeline") == 0) {
            timeline = true;
            continue;
        }
        if (strcmp(argv[i], "--timeline-interval") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            timeline_start = strtoull(v, &end, 10);
            if (!*v || *end || errno || timeline_start < 1000 || *v == '-') {
                fprintf(stderr, "vmsim run: bad --timeline-interval '%s' (want >= 1000 ns)\n", v);
                return 2;
            }
            timeline = true;
            continue;
        }
        if (strcmp(argv[i], "--timeline-points") == 0) {
            char *end = NULL;
            const char *v = i + 1 < argc ? argv[++i] : "";
            errno = 0;
            timeline_points = strtoull(v, &end, 10);
            if (!*v || *end || errno || timeline_points < 2 || timeline_points > 1000000 || *v == '-') {
                fprintf(stderr, "vmsim run: bad --timeline-points '%s' (want 2..1000000)\n", v);
                return 2;
            }
            timeline = true;
            continue;
        }
        if (strcmp(argv[i], "--timeline-csv") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "vmsim run: --timeline-csv needs a file name\n");
                return 2;
            }
            timeline_csv = argv[++i];
            timeline = true;
            continue;
        }
        if (strcmp(argv[i], "--page-trace") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "vmsim run: --page-trace needs a file name\n");
                return 2;
            }
            pto.path = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--page-trace-format") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "pages") != 0 && strcmp(v, "lackey") != 0) {
                fprintf(stderr, "vmsim run: bad --page-trace-format '%s' (want pages or lackey)\n", v);
                return 2;
            }
            pto.lackey = strcmp(v, "lackey") == 0;
            continue;
        }
        if (strcmp(argv[i], "--disk-quota") == 0) {
            if (i + 1 >= argc || !parse_size(argv[i + 1], &disk_quota) || !disk_quota) {
                fprintf(stderr, "vmsim run: bad --disk-quota (want a size, like 100M)\n");
                return 2;
            }
            i++;
            continue;
        }
        if (strcmp(argv[i], "--fb-out") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "vmsim run: --fb-out needs a file name\n");
                return 2;
            }
            fbo.path = argv[++i];
            continue;
        }
        int r = guest_opt(argc, argv, &i, &go);
        if (r == 0)
            r = vfs_parse_option(argc, argv, &i, &vfs);
        if (r == 0)
            r = opts_machine(argc, argv, &i, &cfg, "run");
        if (r == 0)
            r = opts_kernel(argc, argv, &i, &ko, false, "run");
        if (r == 0)
            r = report_parse_opt(argc, argv, &i, &rr.stats, &rr.json_path, &rr.html_path, "run");
        if (r == 0)
            r = watch_parse_opt(argc, argv, &i, &wo, true, "run");
        if (r < 0)
            return 2;
        if (r == 0) {
            fprintf(stderr, "vmsim run: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *path = argv[i];
    rr.title = path;
    struct machine *m = machine_new(&cfg);
    if (!m) {
        fprintf(stderr, "vmsim run: cannot create the machine: %s\n", strerror(errno));
        return 1;
    }
    struct kernel *k = kernel_new(m);
    struct os *os = k ? os_new(k, m) : NULL;
    if (!os) {
        fprintf(stderr, "vmsim run: memory too small for the kernel\n");
        if (k)
            kernel_free(k);
        machine_free(m);
        return 1;
    }
    if (opts_kernel_apply(k, &ko, "run", stderr) != 0) {
        os_free(os);
        kernel_free(k);
        machine_free(m);
        return 2;
    }
    if (fbo.path) {
        m->fb.on_frame = fb_out_frame;
        m->fb.on_frame_ctx = &fbo;
    }
    os->insn_limit = max_insns;
    char stop_msg[96];
    if (timeout_secs > 0) {
        snprintf(stop_msg, sizeof stop_msg, "vmsim: timeout: %g s of host time used up", timeout_secs);
        os->stop = &timeout_flag;
        os->stop_message = stop_msg;
        kernel_set_stop_flag(k, &timeout_flag);
    }
    if (go.uid >= 0)
        os->uid = (uint32_t)go.uid;
    if (go.gid >= 0)
        os->gid = (uint32_t)go.gid;
    if (go.clock_start >= 0)
        os->epoch_ns = (uint64_t)go.clock_start * 1000000000ULL;
    if (go.clock_host)
        os_set_host_clock(os);
    if (max_threads)
        os->max_procs = max_threads;
    kernel_set_disk_quota(k, disk_quota);
    os->exit_smaps = smaps ? stderr : NULL;
    os->exit_hook = report_exit_hook;
    os->exit_hook_ctx = &rr;
    struct watch *w = watch_new(&wo, false, "run", stderr);
    if (!w) {
        os_free(os);
        kernel_free(k);
        machine_free(m);
        return 2;
    }
    struct timeline_report tr = {.tl = timeline ? timeline_new() : NULL, .os = os};
    if (tr.tl) {
        tr.tl->interval_ns = timeline_start;
        tr.tl->max_points = (size_t)timeline_points;
        watch_set_timeline(w, tr.tl);
        report_json_set_extra(timeline_extra, &tr);
    }
    watch_run_source(w, os, &wo);
    watch_attach(w, k);
    if (page_trace_out_start(&pto, os) != 0) {
        watch_finish(w, stderr);
        report_json_set_extra(NULL, NULL);
        timeline_free(tr.tl);
        os_free(os);
        kernel_free(k);
        machine_free(m);
        return 1;
    }
    char err[256] = "";
    int status;
    int rc = os_spawn(os, path, &vfs, argv + i, environ, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vmsim run: %s: %s\n", path, err[0] ? err : strerror(-rc));
        status = rc == -ENOENT ? 127 : 126;   /* what a shell says */
    } else {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        fflush(stdout);
        if (timeout_secs > 0 && arm_timeout(timeout_secs) != 0)
            fprintf(stderr, "vmsim run: cannot arm --timeout: %s\n", strerror(errno));
        status = os_run(os);
        if (timeout_secs > 0) {
            struct itimerval off = {0};
            setitimer(ITIMER_REAL, &off, NULL);
        }
        if (os->stopped)
            status = 124;
        if (tr.tl)
            timeline_tick(tr.tl, os, true);
        watch_progress_clear(w);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (os->check_failed)
            status = 70;
        os_print_nosys(os, stderr, rr.stats);
        if (rr.stats)
            print_run_stats(os, (double)(t1.tv_sec - t0.tv_sec) +
                                    (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    if (!page_trace_out_finish(&pto) && status == 0)
        status = 1;
    if (!watch_finish(w, stderr) && status == 0)
        status = 1;
    tr.os = NULL;
    os_free(os);
    if (!run_report_finish(&rr, k, stderr) && status == 0)
        status = 1;
    if (tr.tl) {
        if (timeline_csv && timeline_write_csv(tr.tl, timeline_csv, stderr) && status == 0)
            status = 1;
        report_json_set_extra(NULL, NULL);
        timeline_free(tr.tl);
    }
    if (fb_out_finish(&fbo, &m->fb) != 0 && status == 0)
        status = 1;
#ifdef VMSIM_DEBUG
    /* Debug builds check design.md's invariants (frame counts, rmap, TLB
     * entries vs page tables) once every process is gone. */
    if (kernel_check(k) != 0 || kernel_check_no_buffers(k) != 0) {
        fprintf(stderr, "vmsim run: kernel invariants broken after the run\n");
        status = 70;
    }
#endif
    kernel_free(k);
    machine_free(m);
    return status;
}
