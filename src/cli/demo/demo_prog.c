/* `vmsim demo`: runs the built-in guest programs (guest/demo, embedded by
 * demo_images.c) on the simulated machine and stops at their marks to show,
 * with numbers from the kernel's own page tables and frames, each point of
 * CS:APP §9.3 (demo_scenes.c). Writes the JSON and HTML reports at the last
 * mark, when every demo process is alive.
 *
 * The programs are written to a private temporary directory that becomes
 * the guest's root (tour, the first process, execs /hello, /pagein, ...);
 * dynamic ones find ld.so and libc.so.6 in the sysroot (-L, default
 * /usr/riscv64-linux-gnu). The directory is removed at the end. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../kernel/core/kernel.h"
#include "demo_int.h"
#include "../opts.h"
#include "../report/report_html.h"
#include "../report/report_json.h"
#include "../report/stats.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim demo [OPTIONS]\n"
            "\n"
            "Runs a built-in set of riscv64 programs (C, glibc, static and dynamic) and\n"
            "stops them at interesting moments to show, with the kernel's own numbers,\n"
            "each point of CS:APP 9.3 (Figure 9.9): a page table per process, the shared\n"
            "kernel half and libc text, loading by mapping and demand paging, malloc's\n"
            "contiguous pages on scattered frames, a shared file mapping, copy-on-write\n"
            "fork. Exits 1 if a claim is not borne out by the numbers.\n"
            "\n"
            "Options:\n%s%s"
            "  -L DIR, --sysroot DIR\n"
            "                  the riscv64 libraries (default: " VFS_DEFAULT_SYSROOT ")\n"
            "  --stats         print the run's and each process's counters on stderr at the end\n"
            "  --report FILE   write the JSON report when every demo process is alive\n"
            "  --html FILE     draw that moment as a self-contained HTML page\n"
            "  --script        the older built-in script instead (no CPU, no programs);\n"
            "                  see `vmsim demo --script --help`\n",
            opts_machine_help, opts_kernel_help);
}

/* ---- the sandbox -------------------------------------------------------- */

static int write_file(const char *path, const unsigned char *data, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (fd < 0)
        return -errno;
    uint64_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? -errno : -EIO;
            close(fd);
            return e;
        }
        done += (uint64_t)n;
    }
    return close(fd) == 0 ? 0 : -errno;
}

/* Removes the sandbox: the programs and what they created (shared.txt). */
static void remove_dir(const char *dir)
{
    for (int i = 0; i < demo_nimages; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, demo_images[i].name);
        unlink(path);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/shared.txt", dir);
    unlink(path);
    rmdir(dir);
}

/* A fresh directory holding the programs; false after saying why. */
static bool make_sandbox(char *dir, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, len, "%s/vmsim-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "vmsim demo: cannot create a temporary directory: %s\n", strerror(errno));
        return false;
    }
    for (int i = 0; i < demo_nimages; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, demo_images[i].name);
        int e = write_file(path, demo_images[i].data,
                           (uint64_t)(demo_images[i].end - demo_images[i].data));
        if (e) {
            fprintf(stderr, "vmsim demo: cannot write %s: %s\n", path, strerror(-e));
            remove_dir(dir);
            return false;
        }
    }
    return true;
}

/* ---- the marks ---------------------------------------------------------- */

static int by_pid(const void *a, const void *b)
{
    const struct report_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The JSON and HTML reports of this moment: the live processes and those
 * that exited before (with their counters at exit). */
static void write_reports(struct demo *d)
{
    if (!d->json_path && !d->html_path)
        return;
    struct proc *live[256];
    int nlive = demo_live(d, live, 256);
    int n = 0;
    struct report_proc *v = calloc((size_t)(nlive + d->rr.exited.n + 1), sizeof *v);
    if (!v) {
        fprintf(stderr, "vmsim demo: out of host memory for the report\n");
        d->report_failed = true;
        return;
    }
    for (int i = 0; i < nlive; i++)
        v[n++] =
            (struct report_proc){.name = live[i]->comm, .pid = live[i]->pid, .mm = live[i]->mm};
    for (int i = 0; i < d->rr.exited.n; i++)
        v[n++] = d->rr.exited.p[i];
    qsort(v, (size_t)n, sizeof *v, by_pid);
    if (d->json_path && report_json_write(d->json_path, d->k, v, n, stderr))
        d->report_failed = true;
    if (d->html_path &&
        report_html_write(d->html_path, "vmsim demo: CS:APP Figure 9.9 on real programs", d->k, v,
                          n, stderr))
        d->report_failed = true;
    free(v);
}

/* Is p's exit a mark (guest/demo/marks.h)? Then *id, *addr and *len are its
 * arguments. A mark is a vfork child that exits normally with status
 * DEMO_MARK_BASE + id and DEMO_MARK_MAGIC as the exit call's second
 * argument; p is on the hart, its registers those of the exit call. */
static bool is_mark(const struct proc *p, int *id, uint64_t *addr, uint64_t *len)
{
    if (!p->mm_borrowed || !p->vfork_parent || p->term_signal || !p->hart)
        return false;
    const uint64_t *x = p->hart->x;
    if ((x[17] != LX_SYS_exit && x[17] != LX_SYS_exit_group) || x[11] != DEMO_MARK_MAGIC)
        return false;
    int code = p->exit_status - DEMO_MARK_BASE;
    if (code <= 0 || code >= DEMO_MARK_END)
        return false;
    *id = code;
    *addr = x[12];
    *len = x[13];
    return true;
}

/* The OS's exit hook: a mark stops here with every process stopped. */
static void on_exit_hook(void *ctx, struct os *os, struct proc *p)
{
    struct demo *d = ctx;
    int id;
    uint64_t addr, len;
    if (!is_mark(p, &id, &addr, &len)) {
        run_report_on_exit(&d->rr, os, p, stderr); /* counters for --stats and reports */
        return;
    }
    struct proc *who = p->vfork_parent;
    fflush(stdout); /* the guests' output so far comes first */
    if (!demo_snapshot_frames(d)) {
        fprintf(stderr, "vmsim demo: out of host memory\n");
        d->claims_failed++;
        return;
    }
    d->marks_seen |= 1u << id;
    if (id == DEMO_MARK_NOTE) {
        if (d->nnotes < DEMO_MAX_NOTES)
            d->notes[d->nnotes++] = (struct demo_note){who->pid, id, addr, len};
    } else {
        demo_scene(d, id, who, addr, len);
        if (id == DEMO_MARK_FIGURE)
            write_reports(d);
    }
    fflush(d->out);
}

/* ---- the command -------------------------------------------------------- */

static int run_demo(struct demo *d, const struct machine_config *cfg, const struct kernel_opts *ko,
                    struct vfs_config *vfs)
{
    d->m = machine_new(cfg);
    if (!d->m) {
        fprintf(stderr, "vmsim demo: cannot create the machine: %s\n", strerror(errno));
        return 1;
    }
    d->k = kernel_new(d->m);
    d->os = d->k ? os_new(d->k, d->m) : NULL;
    if (!d->os) {
        fprintf(stderr, "vmsim demo: memory too small for the kernel\n");
        if (d->k)
            kernel_free(d->k);
        machine_free(d->m);
        return 1;
    }
    if (opts_kernel_apply(d->k, ko, "demo", stderr) != 0) {
        os_free(d->os);
        kernel_free(d->k);
        machine_free(d->m);
        return 2;
    }
    d->os->exit_hook = on_exit_hook;
    d->os->exit_hook_ctx = d;
    char path[4200], err[256] = "";
    snprintf(path, sizeof path, "%s/tour", d->dir);
    /* A fixed environment: the same run every time, whatever the host's. */
    char *argv[] = {"/tour", NULL};
    char *envp[] = {"PATH=/", "HOME=/", "LANG=C", NULL};
    vfs->root = d->dir;
    int status = 1;
    int rc = os_spawn(d->os, path, vfs, argv, envp, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vmsim demo: cannot start %s: %s\n", path, err[0] ? err : strerror(-rc));
    } else {
        fflush(stdout);
        demo_curve_start(d);
        status = os_run(d->os);
        demo_curve_stop(d);
        if (d->os->check_failed)
            status = 70;
    }
    os_free(d->os);
    if (!run_report_finish(&d->rr, d->k, stderr))
        d->report_failed = true;
#ifdef VMSIM_DEBUG
    if (kernel_check(d->k) != 0) {
        fprintf(stderr, "vmsim demo: kernel invariants broken after the run\n");
        status = 70;
    }
#endif
    kernel_free(d->k);
    machine_free(d->m);
    return status;
}

int demo_prog_main(int argc, char **argv)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    struct vfs_config vfs;
    vfs_config_default(&vfs);
    struct kernel_opts ko = {0};
    struct demo d = {.out = stdout};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        int r = 0;
        if (strcmp(argv[i], "-L") == 0 || strncmp(argv[i], "--sysroot", 9) == 0)
            r = vfs_parse_option(argc, argv, &i, &vfs);
        if (r == 0)
            r = opts_machine(argc, argv, &i, &cfg, "demo");
        if (r == 0)
            r = opts_kernel(argc, argv, &i, &ko, false, "demo");
        if (r == 0)
            r = report_parse_opt(argc, argv, &i, &d.rr.stats, &d.json_path, &d.html_path, "demo");
        if (r < 0)
            return 2;
        if (r == 0) {
            fprintf(stderr, "vmsim demo: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!vfs.sysroot) {
        fprintf(stderr, "vmsim demo: no riscv64 sysroot (" VFS_DEFAULT_SYSROOT
                        " is missing; scripts/deps.sh installs it, or give -L DIR)\n");
        return 1;
    }
    char dir[4096];
    if (!make_sandbox(dir, sizeof dir))
        return 1;
    d.dir = dir;
    printf("vmsim demo: CS:APP 9.3 (VM as a tool for memory management) on real programs.\n"
           "The programs (guest/demo/*.c, riscv64 glibc) run on the simulated machine; at\n"
           "each stop every process is paused and the numbers are read from the kernel's\n"
           "own page tables and frame table.\n\n");
    int status = run_demo(&d, &cfg, &ko, &vfs);
    fflush(stdout);
    if (status == 0) {
        demo_after(&d);
        demo_curve_print(&d);
    } else {
        demo_curve_print(&(struct demo){.out = stderr, .curve = d.curve}); /* frees it */
    }
    remove_dir(dir);
    free(d.frames);
    unsigned want = 0;
    for (int id = DEMO_MARK_TABLES; id < DEMO_MARK_END; id++)
        want |= 1u << id;
    if (status == 0 && (d.marks_seen & want) != want) {
        fprintf(stderr, "vmsim demo: the programs did not reach every stop\n");
        status = 1;
    }
    if (status == 0 && d.claims_failed) {
        fprintf(stderr, "vmsim demo: %d claims were not borne out by the numbers\n",
                d.claims_failed);
        status = 1;
    }
    if (d.json_path && !d.report_failed)
        printf("The JSON report of the last stop: %s\n", d.json_path);
    if (d.html_path && !d.report_failed)
        printf("The picture of the last stop (open it in a browser): %s\n", d.html_path);
    if (status == 0 && d.report_failed)
        status = 1;
    return status;
}
