/* Script commands that look without changing anything visible to the guest
 * (translate may page in, as the hardware access would): translate, show. */
#include "script_int.h"

#include <string.h>

/* "V R W - U - A D" style: every bit, a dash where it is clear. */
static void print_pte_bits(FILE *out, pte_t e)
{
    static const char names[] = "VRWXUGAD";
    for (int b = 0; b < 8; b++)
        fprintf(out, "%s%c", b ? " " : "", (e.bits >> b) & 1 ? names[b] : '-');
}

static void print_step(FILE *out, const struct walk_step *st)
{
    fprintf(out, "  level %d: index %3u  pte@0x%" PRIx64 " = 0x%016" PRIx64 "  ", st->level,
            st->index, st->pte_addr.p, st->pte.bits);
    if (!pte_valid(st->pte))
        fprintf(out, "invalid (V=0)\n");
    else if (!pte_leaf(st->pte))
        fprintf(out, "-> table pfn=0x%" PRIx64 "\n", pte_pfn(st->pte).n);
    else
        fprintf(out, "leaf -> pfn=0x%" PRIx64 "\n", pte_pfn(st->pte).n);
}

/* The counters a fault handler moves, as "name +N" for each that changed. */
static void print_counter_delta(FILE *out, const struct vm_counters *b, const struct vm_counters *a,
                                uint64_t reads_before, uint64_t reads_after)
{
    const struct {
        const char *name;
        uint64_t before, after;
    } c[] = {
        {"minor_faults", b->minor_faults, a->minor_faults},
        {"major_faults", b->major_faults, a->major_faults},
        {"cow_faults", b->cow_faults, a->cow_faults},
        {"cow_copies", b->cow_copies, a->cow_copies},
        {"zero_fills", b->zero_fills, a->zero_fills},
        {"zero_page_maps", b->zero_page_maps, a->zero_page_maps},
        {"file_reads", reads_before, reads_after},
        {"pswpin", b->pswpin, a->pswpin},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (c[i].after != c[i].before)
            fprintf(out, " %s +%" PRIu64, c[i].name, c[i].after - c[i].before);
}

static bool counters_equal(const struct vm_counters *a, const struct vm_counters *b)
{
    return a->minor_faults == b->minor_faults && a->major_faults == b->major_faults &&
           a->cow_faults == b->cow_faults && a->zero_fills == b->zero_fills;
}

void cmd_translate(struct script *s, const struct token_line *tl)
{
    struct sproc *p = script_proc(s, &tl->tok[1]);
    uint64_t v;
    if (!p || !script_number(s, &tl->tok[2], "ADDR", false, &v))
        return;
    bool brief = false;
    if (tl->ntok == 4) {
        if (strcmp(tl->tok[3].s, "brief") != 0) {
            script_error(s, "translate: expected 'brief', not '%.64s'", tl->tok[3].s);
            return;
        }
        brief = true;
    }
    vaddr_t a = va(v);
    FILE *out = s->out;
    uint64_t satp = mm_satp(p->mm);
    struct mm_info before, after;
    struct kernel_info kbefore, kafter;
    mm_get_info(p->mm, &before);
    kernel_get_info(s->k, &kbefore);

    struct translation tr = {0};
    struct walk_trace trace = {0};
    struct segv sv = {0};
    int r = mm_translate(p->mm, a, ACCESS_READ, &tr, &trace, &sv);
    if (r < -1) {
        script_errno(s, "translate", r);
        return;
    }
    mm_get_info(p->mm, &after);
    kernel_get_info(s->k, &kafter);

    if (!brief) {
        fprintf(out, "translate %s 0x%" PRIx64 " (read access)\n", p->name, a.v);
        if (!sv48_canonical(a)) {
            fprintf(out, "  not canonical: bits 63..48 are not copies of bit 47\n");
        } else {
            fprintf(out, "  vpn[3]=%u vpn[2]=%u vpn[1]=%u vpn[0]=%u offset=0x%03" PRIx64 "\n",
                    sv48_index(a, 3), sv48_index(a, 2), sv48_index(a, 1), sv48_index(a, 0),
                    va_offset(a));
            fprintf(out, "  satp 0x%016" PRIx64 ": Sv48, asid %u, root pfn=0x%" PRIx64 "\n", satp,
                    satp_asid(satp), satp_root(satp).n);
        }
        if (!counters_equal(&before.c, &after.c) || kbefore.c.file_reads != kafter.c.file_reads) {
            fprintf(out, "  page fault handled first:");
            print_counter_delta(out, &before.c, &after.c, kbefore.c.file_reads,
                                kafter.c.file_reads);
            if (after.c.zero_fills != before.c.zero_fills)
                fputs(" (a zeroed frame was mapped: demand-zero)", out);
            else if (after.c.zero_page_maps != before.c.zero_page_maps)
                fputs(" (the shared zero page was mapped read-only: nothing allocated)", out);
            else if (kafter.c.file_reads != kbefore.c.file_reads)
                fputs(" (the page was read from its file into the page cache)", out);
            else if (after.c.cow_faults != before.c.cow_faults)
                fputs(" (copy-on-write)", out);
            else if (after.c.minor_faults != before.c.minor_faults)
                fputs(" (a page already in memory was mapped)", out);
            fputc('\n', out);
        }
        if (r == 0)
            fprintf(out, "  tlb: %s\n",
                    tr.tlb_hit ? "hit (the walk below is what a miss reads)"
                               : "miss, walked the page table");
        else
            fprintf(out, "  tlb: miss (no entry grants this access), walked the page table\n");
        /* On a TLB hit, or a fault, mm_translate's trace may be partial or
         * empty: walk again, read-only, to show the tables as they are. */
        if ((r != 0 || trace.nsteps == 0) && sv48_canonical(a)) {
            int level;
            trace = (struct walk_trace){0};
            sv48_walk(&s->m->pm, satp_root(satp), a, &level, &trace);
        }
        for (int i = 0; i < trace.nsteps && i < SV48_LEVELS; i++)
            print_step(out, &trace.step[i]);
        if (r == 0) {
            static const char *sizes[] = {"4 KiB page", "2 MiB superpage", "1 GiB superpage"};
            fprintf(out, "  leaf: ");
            print_pte_bits(out, tr.leaf);
            fprintf(out, "  (%s)\n",
                    tr.level >= 0 && tr.level <= 2 ? sizes[tr.level] : "bad level");
        } else if (trace.nsteps > 0 && trace.nsteps <= SV48_LEVELS) {
            /* Say why the hardware refused a page that is there. */
            pte_t last = trace.step[trace.nsteps - 1].pte;
            if (pte_valid(last) && pte_leaf(last)) {
                fprintf(out, "  leaf: ");
                print_pte_bits(out, last);
                fprintf(out, "  (%s)\n",
                        !(last.bits & PTE_U)   ? "U=0: not for user mode"
                        : !(last.bits & PTE_R) ? "R=0: not readable"
                                               : "present");
            }
        }
    }
    if (r == 0)
        fprintf(out, "%s 0x%" PRIx64 " -> 0x%" PRIx64 " pfn=0x%" PRIx64 "\n", p->name, a.v, tr.pa.p,
                pa_to_pfn(tr.pa).n);
    else
        fprintf(out, "%s 0x%" PRIx64 " -> fault %s\n", p->name, a.v, segv_cause_name(&sv));
}

/* `show stats` prints `key value` lines, all of them or the keys asked for. */
struct kv_out {
    FILE *out;
    const struct token *keys; /* NULL: every key */
    int nkeys;
    bool found[TOKENS_MAX];
};

static void kv(struct kv_out *o, const char *key, uint64_t v)
{
    bool want = o->nkeys == 0;
    for (int i = 0; i < o->nkeys; i++)
        if (strcmp(o->keys[i].s, key) == 0)
            want = o->found[i] = true;
    if (want)
        fprintf(o->out, "%s %" PRIu64 "\n", key, v);
}

/* The same in hex, for register values and frame numbers. */
static void kvx(struct kv_out *o, const char *key, uint64_t v)
{
    bool want = o->nkeys == 0;
    for (int i = 0; i < o->nkeys; i++)
        if (strcmp(o->keys[i].s, key) == 0)
            want = o->found[i] = true;
    if (want)
        fprintf(o->out, "%s 0x%" PRIx64 "\n", key, v);
}

static void print_counters(struct kv_out *out, const struct vm_counters *c)
{
    kv(out, "minor_faults", c->minor_faults);
    kv(out, "major_faults", c->major_faults);
    kv(out, "cow_faults", c->cow_faults);
    kv(out, "cow_copies", c->cow_copies);
    kv(out, "zero_fills", c->zero_fills);
    kv(out, "zero_page_maps", c->zero_page_maps);
    kv(out, "file_reads", c->file_reads);
    kv(out, "writebacks", c->writebacks);
    kv(out, "segv", c->segv);
    /* memory pressure, with /proc/vmstat's names */
    kv(out, "pgfault", c->pgfault);
    kv(out, "pgmajfault", c->pgmajfault);
    kv(out, "pswpin", c->pswpin);
    kv(out, "pswpout", c->pswpout);
    kv(out, "pgscan", c->pgscan);
    kv(out, "pgsteal", c->pgsteal);
    kv(out, "pgactivate", c->pgactivate);
    kv(out, "oom_kill", c->oom_kill);
    kv(out, "workingset_refault_anon", c->workingset_refault_anon);
    kv(out, "workingset_refault_file", c->workingset_refault_file);
    kv(out, "workingset_activate_anon", c->workingset_activate_anon);
    kv(out, "workingset_activate_file", c->workingset_activate_file);
    kv(out, "workingset_restore_anon", c->workingset_restore_anon);
    kv(out, "workingset_restore_file", c->workingset_restore_file);
}

static void show_stats(struct script *s, const struct sproc *p, struct kv_out *out)
{
    struct kernel_info ki;
    kernel_get_info(s->k, &ki);
    if (p) {
        struct mm_info mi;
        mm_get_info(p->mm, &mi);
        print_counters(out, &mi.c);
        kv(out, "rss_pages", mi.rss_pages);
        kv(out, "rss_anon", mi.rss_anon);
        kv(out, "rss_file", mi.rss_file);
        kv(out, "rss_shmem", mi.rss_shmem);
        kv(out, "pagetable_pages", mi.pagetable_pages);
        kv(out, "swap_pages", mi.swap_pages);
        kv(out, "vm_pages", mi.vm_pages);
        kv(out, "asid", mi.asid);
        kvx(out, "satp", mi.satp);
        kvx(out, "root_pfn", satp_root(mi.satp).n);
    } else {
        /* The kernel's counters include processes that are gone. */
        print_counters(out, &ki.c);
        uint64_t rss = 0, pt = 0, vm = 0, sw = 0;
        for (int i = 0; i < s->nprocs; i++) {
            struct mm_info mi;
            mm_get_info(s->procs[i].mm, &mi);
            rss += mi.rss_pages;
            pt += mi.pagetable_pages;
            vm += mi.vm_pages;
            sw += mi.swap_pages;
        }
        kv(out, "rss_pages", rss);
        kv(out, "pagetable_pages", pt);
        kv(out, "swap_pages", sw);
        kv(out, "vm_pages", vm);
        kv(out, "nr_mm", ki.nr_mm);
        kv(out, "total_frames", ki.total_frames);
        kv(out, "anon_frames", ki.anon_frames);
        kv(out, "file_frames", ki.file_frames);
        kv(out, "pagetable_frames", ki.pagetable_frames);
        kv(out, "kernel_frames", ki.kernel_frames);
        kv(out, "pagecache_pages", ki.pagecache_pages);
        kv(out, "swap_total", ki.swap_total);
        kv(out, "swap_used", ki.swap_used);
        kv(out, "swapcache_pages", ki.swapcache_pages);
        kv(out, "page_walks", ki.page_walks);
    }
    /* The TLB belongs to the hart, shared by every process (ASID-tagged). */
    kv(out, "tlb_hits", ki.tlb_hits);
    kv(out, "tlb_misses", ki.tlb_misses);
    kv(out, "free_frames", ki.free_frames);
}

void cmd_show(struct script *s, const struct token_line *tl)
{
    const char *what = tl->tok[1].s;
    if (strcmp(what, "maps") == 0 || strcmp(what, "pagetable") == 0) {
        if (tl->ntok != 3) {
            script_error(s, "show %s: needs one process name", what);
            return;
        }
        const struct sproc *p = script_proc(s, &tl->tok[2]);
        if (!p)
            return;
        if (strcmp(what, "maps") == 0)
            mm_print_maps(p->mm, s->out);
        else
            mm_print_pagetable(p->mm, s->out);
    } else if (strcmp(what, "stats") == 0) {
        /* show stats [NAME] [KEY...]: the first word is a process if one has that name. */
        const struct sproc *p = NULL;
        int first_key = 2;
        if (tl->ntok > 2) {
            for (int i = 0; i < s->nprocs && !p; i++)
                if (strcmp(s->procs[i].name, tl->tok[2].s) == 0)
                    p = &s->procs[i];
            first_key = p ? 3 : 2;
        }
        struct kv_out o = {
            .out = s->out, .keys = &tl->tok[first_key], .nkeys = tl->ntok - first_key};
        show_stats(s, p, &o);
        for (int i = 0; i < o.nkeys; i++)
            if (!o.found[i]) {
                if (i == 0 && !p && first_key == 2)
                    script_error(s, "show stats: no process or key '%.64s'", o.keys[i].s);
                else
                    script_error(s, "show stats: unknown key '%.64s'", o.keys[i].s);
                return;
            }
    } else if (strcmp(what, "frames") == 0) {
        if (tl->ntok != 2) {
            script_error(s, "show frames: takes no argument");
            return;
        }
        kernel_print_frames(s->k, s->out);
    } else if (strcmp(what, "json") == 0 || strcmp(what, "html") == 0) {
        /* show json|html FILE: the report of this moment (script_report.c). */
        if (tl->ntok != 3) {
            script_error(s, "show %s: needs one file name", what);
            return;
        }
        if (s->o->no_host_files) {
            script_error(s, "show %s: host files are disabled", what);
            return;
        }
        script_write_report(s, tl->tok[2].s, what[0] == 'h');
    } else {
        script_error(s, "show: expected maps, pagetable, frames, stats, json or html, not '%.64s'",
                     what);
    }
}
