/* `vmsim run [OPTIONS] PROGRAM [ARGS...]`: builds a machine, a kernel and an
 * OS, execs the program as the first process, runs it and every process it
 * starts to the end, and exits with the first process's status (128 + signal
 * when a signal killed it, as a shell reports it). */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../kernel/core/kernel.h"
#include "fb_png.h"
#include "../opts.h"
#include "run_report.h"
#include "../report/stats.h"
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
            "  --smaps-at-exit print each process's /proc/PID/smaps on stderr as it exits\n"
            "  --max-insns N   kill every process with SIGXCPU after N instructions\n"
            "  --max-threads N at most N processes and threads at once (default 1024);\n"
            "                  clone and fork past it fail with EAGAIN\n"
            "  --fb WxH        the framebuffer's size (/dev/fb0; default 640x480)\n"
            "  --fb-out FILE.png\n"
            "                  save the framebuffer as FILE-0001.png, ... at each write of\n"
            "                  its frame-done register, and as FILE.png at exit\n",
            opts_machine_help, opts_kernel_help);
    fputs(watch_help, f);
    fputs(watch_help_progress, f);
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
    uint64_t max_insns = 0;
    unsigned max_threads = 0;
    struct watch_options wo = {0};
    struct fb_out fbo = {0};
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
        if (strcmp(argv[i], "--fb") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (fb_parse_size(v, &cfg.fb_width, &cfg.fb_height) != 0) {
                fprintf(stderr, "vmsim run: bad --fb '%s' (want WxH, e.g. 640x480, at most %ux%u)\n",
                        v, FB_MAX_DIM, FB_MAX_DIM);
                return 2;
            }
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
        int r = vfs_parse_option(argc, argv, &i, &vfs);
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
    if (max_threads)
        os->max_procs = max_threads;
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
    watch_run_source(w, os, &wo);
    watch_attach(w, k);
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
        status = os_run(os);
        watch_progress_clear(w);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (os->check_failed)
            status = 70;
        if (rr.stats)
            print_run_stats(os, (double)(t1.tv_sec - t0.tv_sec) +
                                    (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    if (!watch_finish(w, stderr) && status == 0)
        status = 1;
    os_free(os);
    if (!run_report_finish(&rr, k, stderr) && status == 0)
        status = 1;
    if (fb_out_finish(&fbo, &m->fb) != 0 && status == 0)
        status = 1;
#ifdef VMSIM_DEBUG
    /* Debug builds check design.md's invariants (frame counts, rmap, TLB
     * entries vs page tables) once every process is gone. */
    if (kernel_check(k) != 0) {
        fprintf(stderr, "vmsim run: kernel invariants broken after the run\n");
        status = 70;
    }
#endif
    kernel_free(k);
    machine_free(m);
    return status;
}
