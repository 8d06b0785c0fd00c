/* `--stats`: what the memory system did during a run, as a few lines per
 * process and for the machine. See stats.h. */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/mm/mm.h"

void report_proc_info(const struct report_proc *p, struct mm_info *out)
{
    if (p->mm)
        mm_get_info(p->mm, out);
    else
        *out = p->final_info;
}

int report_list_note_exit(struct report_list *l, const char *name, int pid, struct mm *mm)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        struct report_proc *p = realloc(l->p, (size_t)cap * sizeof *p);
        if (!p)
            return -ENOMEM;
        l->p = p;
        l->cap = cap;
    }
    char *copy = strdup(name ? name : "?");
    if (!copy)
        return -ENOMEM;
    struct report_proc *r = &l->p[l->n++];
    *r = (struct report_proc){.name = copy, .pid = pid};
    mm_get_info(mm, &r->final_info);
    return 0;
}

void report_list_free(struct report_list *l)
{
    for (int i = 0; i < l->n; i++)
        free((char *)l->p[i].name);
    free(l->p);
    *l = (struct report_list){0};
}

static double percent(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_faults(FILE *out, const char *indent, const struct vm_counters *c)
{
    fprintf(out,
            "vmsim: %sfaults: %" PRIu64 " minor, %" PRIu64 " major; %" PRIu64 " zero-fill, %" PRIu64
            " copy-on-write (%" PRIu64 " copied), %" PRIu64 " segv\n",
            indent, c->minor_faults, c->major_faults, c->zero_fills, c->cow_faults, c->cow_copies,
            c->segv);
    fprintf(out,
            "vmsim: %spage-ins: %" PRIu64 " from files, %" PRIu64 " from swap; page-outs: %" PRIu64
            " to swap, %" PRIu64 " file writebacks\n",
            indent, c->file_reads, c->pswpin, c->pswpout, c->writebacks);
    if (c->pgscan || c->pgsteal || c->oom_kill)
        fprintf(out,
                "vmsim: %sreclaim: %" PRIu64 " scanned, %" PRIu64 " reclaimed, %" PRIu64
                " reactivated, %" PRIu64 " OOM kills\n",
                indent, c->pgscan, c->pgsteal, c->pgactivate, c->oom_kill);
    uint64_t refaults = c->workingset_refault_anon + c->workingset_refault_file;
    if (refaults)
        fprintf(out,
                "vmsim: %sworkingset: %" PRIu64 " refaults (%" PRIu64 " anon, %" PRIu64
                " file), %" PRIu64 " activated, %" PRIu64 " restored\n",
                indent, refaults, c->workingset_refault_anon, c->workingset_refault_file,
                c->workingset_activate_anon + c->workingset_activate_file,
                c->workingset_restore_anon + c->workingset_restore_file);
}

void report_stats(FILE *out, struct kernel *k, const struct report_proc *procs, int n)
{
    struct kernel_info ki;
    kernel_get_info(k, &ki);
    int alive = 0;
    for (int i = 0; i < n; i++)
        alive += procs[i].mm != NULL;
    fprintf(out, "vmsim: machine: %" PRIu64 " frames (%" PRIu64 " KiB), %d processes (%d alive)\n",
            ki.total_frames, ki.total_frames * (uint64_t)(PAGE_SIZE / 1024), n, alive);
    fprintf(out,
            "vmsim:   frames by use: %" PRIu64 " free, %" PRIu64 " anon, %" PRIu64
            " file (page cache %" PRIu64 "), %" PRIu64 " page table, %" PRIu64 " kernel\n",
            ki.free_frames, ki.anon_frames, ki.file_frames, ki.pagecache_pages, ki.pagetable_frames,
            ki.kernel_frames);
    if (ki.swap_total)
        fprintf(out,
                "vmsim:   swap: %" PRIu64 " of %" PRIu64 " pages used (%" PRIu64
                " also resident); policy %s\n",
                ki.swap_used, ki.swap_total, ki.swapcache_pages, ki.policy ? ki.policy : "?");
    print_faults(out, "  ", &ki.c);
    struct psi_memory pm;
    kernel_psi_memory(k, &pm);
    if (pm.total_us[0])
        fprintf(out,
                "vmsim:   pressure (memory, guest clock): some avg10=%.2f avg60=%.2f avg300=%.2f "
                "total=%" PRIu64 "us; full avg10=%.2f total=%" PRIu64 "us\n",
                pm.avg[0][0], pm.avg[0][1], pm.avg[0][2], pm.total_us[0], pm.avg[1][0],
                pm.total_us[1]);
    uint64_t lookups = ki.tlb_hits + ki.tlb_misses;
    fprintf(out,
            "vmsim:   TLB: %" PRIu64 " hits, %" PRIu64 " misses (hit rate %.1f%%), %" PRIu64
            " page walks\n",
            ki.tlb_hits, ki.tlb_misses, percent(ki.tlb_hits, lookups), ki.page_walks);
    fprintf(out,
            "vmsim:   TLB shootdowns (%d harts): nr_tlb_remote_flush %" PRIu64
            ", nr_tlb_remote_flush_received %" PRIu64 ", nr_tlb_local_flush_all %" PRIu64
            ", nr_tlb_local_flush_one %" PRIu64 "\n",
            ki.nharts, ki.tlbstat.nr_tlb_remote_flush, ki.tlbstat.nr_tlb_remote_flush_received,
            ki.tlbstat.nr_tlb_local_flush_all, ki.tlbstat.nr_tlb_local_flush_one);
    for (int i = 0; i < n; i++) {
        const struct report_proc *p = &procs[i];
        struct mm_info mi;
        report_proc_info(p, &mi);
        fprintf(out, "vmsim: process %s (pid %d)%s:", p->name ? p->name : "?", p->pid,
                p->mm ? "" : ", exited; at exit");
        fprintf(out,
                " rss %" PRIu64 " pages (%" PRIu64 " anon, %" PRIu64 " file, %" PRIu64
                " shmem), %" PRIu64 " in swap, %" PRIu64 " page tables, %" PRIu64
                " pages of regions, asid %u",
                mi.rss_pages, mi.rss_anon, mi.rss_file, mi.rss_shmem, mi.swap_pages,
                mi.pagetable_pages, mi.vm_pages, mi.asid);
        fputc('\n', out);
        print_faults(out, "  ", &mi.c);
    }
}

/* "--name FILE" or "--name=FILE": *val is the file, NULL if missing. */
static bool match_file(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return false;
    if (a[n] == '=')
        *val = a + n + 1;
    else
        *val = *i + 1 < argc ? argv[++*i] : NULL;
    if (*val && !**val)
        *val = NULL;
    return true;
}

int report_parse_opt(int argc, char **argv, int *i, bool *stats, const char **report,
                     const char **html, const char *cmd)
{
    if (strcmp(argv[*i], "--stats") == 0) {
        *stats = true;
        return 1;
    }
    const char *val;
    const char *name = NULL;
    if (match_file(argc, argv, i, "--report", &val)) {
        name = "--report";
        *report = val;
    } else if (match_file(argc, argv, i, "--html", &val)) {
        name = "--html";
        *html = val;
    } else {
        return 0;
    }
    if (!val) {
        fprintf(stderr, "vmsim %s: %s needs a file name\n", cmd, name);
        return -1;
    }
    return 1;
}
