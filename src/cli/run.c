/* `vmsim run [OPTIONS] PROGRAM [ARGS...]`: builds a machine and a kernel,
 * execs the program in a new process, runs it to the end and exits with its
 * status (128 + signal when a signal killed it, as a shell reports it). */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kernel/proc.h"
#include "opts.h"

extern char **environ;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim run [OPTIONS] PROGRAM [ARGS...]\n"
            "\n"
            "Runs a static riscv64 Linux ELF program on the simulated machine and\n"
            "exits with its exit status (128 + N when signal N killed it).\n"
            "\n"
            "Options:\n%s"
            "  --stats         print instructions, time and memory counters on stderr at exit\n"
            "  --max-insns N   kill the program with SIGXCPU after N instructions\n",
            opts_machine_help);
}

static void print_stats(struct kernel *k, struct proc *p, struct hart *h, double secs)
{
    struct kernel_info ki;
    kernel_get_info(k, &ki);
    fprintf(stderr,
            "vmsim: %llu instructions in %.3f s (%.1f M/s), %llu syscalls\n"
            "vmsim: TLB %llu hits, %llu misses, %llu page walks; faults %llu minor, %llu major\n",
            (unsigned long long)h->instret, secs, secs > 0 ? h->instret / secs / 1e6 : 0.0,
            (unsigned long long)p->syscalls, (unsigned long long)ki.tlb_hits,
            (unsigned long long)ki.tlb_misses, (unsigned long long)ki.page_walks,
            (unsigned long long)ki.c.minor_faults, (unsigned long long)ki.c.major_faults);
}

int cmd_run(int argc, char **argv)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    bool stats = false;
    uint64_t max_insns = 0;
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
        if (strcmp(argv[i], "--stats") == 0) {
            stats = true;
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
        int r = opts_machine(argc, argv, &i, &cfg, "run");
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
    struct machine *m = machine_new(&cfg);
    if (!m) {
        fprintf(stderr, "vmsim run: cannot create the machine: %s\n", strerror(errno));
        return 1;
    }
    struct kernel *k = kernel_new(m);
    if (!k) {
        fprintf(stderr, "vmsim run: memory too small for the kernel\n");
        machine_free(m);
        return 1;
    }
    char err[256] = "";
    int rc = 0;
    struct proc *p = proc_exec(k, path, argv + i, environ, err, sizeof err, &rc);
    int status;
    if (!p) {
        fprintf(stderr, "vmsim run: %s: %s\n", path, err[0] ? err : strerror(-rc));
        status = rc == -ENOENT ? 127 : 126;   /* what a shell says */
    } else {
        p->insn_limit = max_insns;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        fflush(stdout);
        status = proc_run(p, &m->harts[0]);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (stats)
            print_stats(k, p, &m->harts[0],
                        (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
#ifdef VMSIM_DEBUG
        /* Debug builds check design.md's invariants (frame counts, rmap, TLB
         * entries vs page tables) with the address space still alive. */
        if (kernel_check(k) != 0) {
            fprintf(stderr, "vmsim run: kernel invariants broken after the run\n");
            status = 70;
        }
#endif
        proc_free(p);
    }
    kernel_free(k);
    machine_free(m);
    return status;
}
