/* What /proc's files say, in the formats of Linux 6.x (fs/proc/array.c,
 * fs/proc/task_mmu.c, fs/proc/meminfo.c, mm/vmstat.c), from the kernel's
 * own state: regions, page tables, frame counts, counters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/mm.h"
#include "procfs.h"
#include "ipc_shm.h"
#include "procfs_impl.h"
#include "vfs.h"
#include "../proc/proc.h"

/* ---- per process sizes (task_mem, task_statm) ---------------------------- */

#define KB(pages) ((unsigned long long)((pages) * (PAGE_SIZE >> 10)))

static char pf_state(const struct proc *t)
{
    if (t->exited)
        return 'Z';
    if (t->blocked || t->state == PROC_VFORK_WAIT || t->sleep_until > os_now_ns(t->os))
        return 'S';
    return 'R';
}

static const char *pf_state_name(char s)
{
    return s == 'Z' ? "Z (zombie)" : s == 'S' ? "S (sleeping)" : "R (running)";
}

static void show_status(struct proc *t, FILE *out)
{
    char st = pf_state(t);
    const struct proc *l = t->group_leader ? t->group_leader : t;
    int ppid = l->parent ? l->parent->pid : PROC_INIT_PID; /* as getppid(2) says */
    int sid = t->sid, pgid = t->pgid;
    fprintf(out, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", t->comm,
            t->fs ? fs_get_umask(t->fs) : 022, pf_state_name(st));
    fprintf(out, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", t->pid, t->tid, ppid);
    unsigned u = t->os->uid, g = t->os->gid;
    fprintf(out, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", u, u, u, u, g, g, g, g);
    fprintf(out, "FDSize:\t%d\nGroups:\t \n", t->files ? 64 : 0);
    fprintf(out, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", t->pid, t->tid,
            pgid, sid);
    if (t->mm) {
        struct mm_task_mem v;
        mm_task_mem(t->mm, t->exe, &v);
        fprintf(out,
                "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8llu kB\nVmPin:\t%8llu kB\n"
                "VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\nRssAnon:\t%8llu kB\nRssFile:\t%8llu kB\n"
                "RssShmem:\t%8llu kB\nVmData:\t%8llu kB\nVmStk:\t%8llu kB\nVmExe:\t%8llu kB\n"
                "VmLib:\t%8llu kB\nVmPTE:\t%8llu kB\nVmSwap:\t%8llu kB\n"
                "HugetlbPages:\t%8llu kB\nCoreDumping:\t0\nTHP_enabled:\t1\n",
                KB(v.peak), KB(v.total), KB(v.locked), 0ULL, KB(v.hwm), KB(v.rss), KB(v.anon), KB(v.file),
                KB(v.shmem), KB(v.data), KB(v.stack), KB(v.text), KB(v.exec) - KB(v.text),
                (unsigned long long)v.ptes_kb, KB(v.swap), 0ULL);
    }
    uint64_t ign = 0, cgt = 0;
    for (int s = 1; s <= LX_NSIG; s++) {
        uint64_t h = t->sig.action[s].handler;
        if (h == LX_SIG_IGN)
            ign |= 1ULL << (s - 1);
        else if (h != LX_SIG_DFL)
            cgt |= 1ULL << (s - 1);
    }
    fprintf(out,
            "Threads:\t%u\nSigQ:\t%d/%d\nSigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
            "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
            t->exited ? 1u : thread_count(t), __builtin_popcountll(signal_pending_set(t)), 7823,
            (unsigned long long)t->sig.pending,
            (unsigned long long)(t->group_leader ? t->group_leader : t)->sig.shared_pending,
            (unsigned long long)t->sig.blocked, (unsigned long long)ign, (unsigned long long)cgt);
    fprintf(out,
            "CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t000001ffffffffff\n"
            "CapAmb:\t%016x\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n",
            0, 0, 0, 0);
    fprintf(out, "Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n"
                 "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
                 "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
                 "nonvoluntary_ctxt_switches:\t0\n");
}

static void show_statm(struct proc *t, FILE *out)
{
    struct mm_task_mem v = {0};
    if (t->mm)
        mm_task_mem(t->mm, t->exe, &v);
    fprintf(out, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)v.total,
            (unsigned long long)v.rss, (unsigned long long)(v.file + v.shmem),
            (unsigned long long)v.text, (unsigned long long)(v.data + v.stack));
}

/* fs/proc/array.c do_task_stat: 52 fields. Times in clock ticks (100 Hz)
 * of virtual time. */
static void show_stat(struct proc *t, FILE *out)
{
    struct mm_task_mem v = {0};
    struct mm_info mi = {0};
    if (t->mm) {
        mm_task_mem(t->mm, t->exe, &v);
        mm_get_info(t->mm, &mi);
    }
    const struct proc *l = t->group_leader ? t->group_leader : t;
    int ppid = l->parent ? l->parent->pid : PROC_INIT_PID; /* as getppid(2) says */
    int sid = t->sid, pgid = t->pgid;
    unsigned long long utime = t->insns * OS_NS_PER_INSN / 10000000ULL;
    fprintf(out,
            "%d (%s) %c %d %d %d 0 -1 4194304 %llu 0 %llu 0 %llu 0 0 0 20 0 %u 0 0 %llu %llu "
            "18446744073709551615 0 0 0 0 0 0 %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 0 "
            "%llu %llu 0 0 %d\n",
            t->tid, t->comm, pf_state(t), ppid, pgid, sid, (unsigned long long)mi.c.minor_faults,
            (unsigned long long)mi.c.major_faults, utime, t->exited ? 1u : thread_count(t),
            (unsigned long long)(v.total * PAGE_SIZE),
            (unsigned long long)v.rss, (unsigned long long)t->sig.pending,
            (unsigned long long)t->sig.blocked, 0ULL, (unsigned long long)t->arg_start,
            (unsigned long long)t->arg_end, t->exited ? t->wait_status : 0);
}

/* [start, end) of the process's memory: its argv strings (cmdline) or envp
 * strings (environ), read from memory like Linux's get_mm_cmdline and
 * environ_read (so a program that rewrites them is seen rewritten). */
static void show_strings(struct proc *t, uint64_t start, uint64_t end, FILE *out)
{
    if (!t->mm || end <= start)
        return;
    uint64_t len = end - start;
    char *buf = malloc(len);
    if (!buf)
        return;
    struct segv sv;
    if (copyin(t->mm, buf, va(start), len, &sv) == 0)
        fwrite(buf, 1, len, out);
    free(buf);
}

/* ---- the machine (meminfo, vmstat) --------------------------------------- */

static void kb_line(FILE *out, const char *name, uint64_t pages)
{
    fprintf(out, "%-16s%8llu kB\n", name, KB(pages));
}

static void show_meminfo(struct os *os, FILE *out)
{
    struct kernel_info ki;
    struct kernel_file_pages fc;
    kernel_get_info(os->k, &ki);
    kernel_file_pages(os->k, &fc);
    uint64_t committed = 0;
    for (struct proc *q = os->procs; q; q = q->next)
        if (q->mm && !q->mm_borrowed) {
            struct mm_task_mem v;
            mm_task_mem(q->mm, q->exe, &v);
            committed += v.data + v.stack;
        }
    uint64_t cached = ki.file_frames - ki.swapcache_pages;
    const struct {
        const char *name;
        uint64_t pages;
    } rows[] = {
        {"MemTotal:", ki.total_frames},
        {"MemFree:", ki.free_frames},
        {"MemAvailable:", ki.free_frames + ki.file_frames - fc.shmem},
        {"Buffers:", 0},
        {"Cached:", ki.file_frames},
        {"SwapCached:", ki.swapcache_pages},
        {"Active:", ki.anon_frames + ki.file_frames},
        {"Inactive:", 0},
        {"Active(anon):", ki.anon_frames + fc.shmem},
        {"Inactive(anon):", 0},
        {"Active(file):", cached - fc.shmem},
        {"Inactive(file):", 0},
        {"Unevictable:", ki.unevictable_frames},
        {"Mlocked:", ki.unevictable_frames},
        {"SwapTotal:", ki.swap_total},
        {"SwapFree:", ki.swap_total - ki.swap_used},
        {"Zswap:", 0},
        {"Zswapped:", 0},
        {"Dirty:", fc.dirty},
        {"Writeback:", 0},
        {"AnonPages:", ki.anon_frames},
        {"Mapped:", fc.mapped},
        {"Shmem:", fc.shmem},
        {"KReclaimable:", 0},
        {"Slab:", 0},
        {"SReclaimable:", 0},
        {"SUnreclaim:", 0},
        {"KernelStack:", 0},
        {"PageTables:", ki.pagetable_frames},
        {"SecPageTables:", 0},
        {"NFS_Unstable:", 0},
        {"Bounce:", 0},
        {"WritebackTmp:", 0},
        {"CommitLimit:", ki.total_frames / 2 + ki.swap_total},
        {"Committed_AS:", committed},
        {"VmallocTotal:", 0},
        {"VmallocUsed:", 0},
        {"VmallocChunk:", 0},
        {"Percpu:", 0},
        {"AnonHugePages:", 0},
        {"ShmemHugePages:", 0},
        {"ShmemPmdMapped:", 0},
        {"FileHugePages:", 0},
        {"FilePmdMapped:", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        kb_line(out, rows[i].name, rows[i].pages);
    fprintf(out,
            "HugePages_Total:   %5d\nHugePages_Free:    %5d\nHugePages_Rsvd:    %5d\n"
            "HugePages_Surp:    %5d\n",
            0, 0, 0, 0);
    fprintf(out, "%-16s%8d kB\n%-16s%8d kB\n", "Hugepagesize:", 2048, "Hugetlb:", 0);
}

static void show_vmstat(struct os *os, FILE *out)
{
    struct kernel_info ki;
    struct kernel_file_pages fc;
    kernel_get_info(os->k, &ki);
    kernel_file_pages(os->k, &fc);
    const struct vm_counters *c = &ki.c;
    const struct {
        const char *name;
        uint64_t n;
    } rows[] = {
        {"nr_free_pages", ki.free_frames},
        {"nr_inactive_anon", 0},
        {"nr_active_anon", ki.anon_frames + fc.shmem},
        {"nr_inactive_file", 0},
        {"nr_active_file", ki.file_frames - fc.shmem - ki.swapcache_pages},
        {"nr_unevictable", ki.unevictable_frames},
        {"workingset_refault_anon", c->workingset_refault_anon},
        {"workingset_refault_file", c->workingset_refault_file},
        {"workingset_activate_anon", c->workingset_activate_anon},
        {"workingset_activate_file", c->workingset_activate_file},
        {"workingset_restore_anon", c->workingset_restore_anon},
        {"workingset_restore_file", c->workingset_restore_file},
        {"nr_anon_pages", ki.anon_frames},
        {"nr_mapped", fc.mapped},
        {"nr_file_pages", ki.file_frames},
        {"nr_dirty", fc.dirty},
        {"nr_writeback", 0},
        {"nr_shmem", fc.shmem},
        {"nr_page_table_pages", ki.pagetable_frames},
        {"nr_swapcached", ki.swapcache_pages},
        /* pgpgin/pgpgout count kB moved to and from "disk" */
        {"pgpgin", (c->file_reads + c->pswpin) * (PAGE_SIZE >> 10)},
        {"pgpgout", (c->writebacks + c->pswpout) * (PAGE_SIZE >> 10)},
        {"pswpin", c->pswpin},
        {"pswpout", c->pswpout},
        {"pgactivate", c->pgactivate},
        {"pgdeactivate", c->pgdeactivate},
        {"pglazyfree", c->pglazyfree},
        {"pgfault", c->pgfault},
        {"pgmajfault", c->pgmajfault},
        {"pglazyfreed", c->pglazyfreed},
        {"pgreuse", c->cow_faults - c->cow_copies},
        {"pgsteal_kswapd", 0},
        {"pgsteal_direct", c->pgsteal},
        {"pgscan_kswapd", 0},
        {"pgscan_direct", c->pgscan},
        {"oom_kill", c->oom_kill},
        /* TLB shootdowns (issue 13): Linux prints these only with
         * CONFIG_DEBUG_TLBFLUSH, where they come after the events above. */
        {"nr_tlb_remote_flush", ki.tlbstat.nr_tlb_remote_flush},
        {"nr_tlb_remote_flush_received", ki.tlbstat.nr_tlb_remote_flush_received},
        {"nr_tlb_local_flush_all", ki.tlbstat.nr_tlb_local_flush_all},
        {"nr_tlb_local_flush_one", ki.tlbstat.nr_tlb_local_flush_one},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fprintf(out, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].n);
}

int procfs_show(struct os *os, struct proc *t, enum pf_kind kind, FILE *out)
{
    /* A zombie (or a process between images) has no memory to show. */
    struct mm *mm = t ? t->mm : NULL;
    switch (kind) {
    case PF_MEMINFO:
        show_meminfo(os, out);
        return 0;
    case PF_PRESSURE_MEMORY:
        kernel_print_psi_memory(os->k, out);
        return 0;
    case PF_VMSTAT:
        show_vmstat(os, out);
        return 0;
    case PF_SYSVIPC_SHM:   /* the run's one table: any process's sandbox */
        for (struct proc *q = os->procs; q; q = q->next)
            if (q->fs && !q->exited) {
                sysv_shm_show(q, out);
                return 0;
            }
        return 0;
    case PF_SYS_CPUS: {   /* a cpulist: "0", or "0-N" */
        int n = os->m->nharts;
        if (n > 1)
            fprintf(out, "0-%d\n", n - 1);
        else
            fprintf(out, "0\n");
        return 0;
    }
    case PF_MAPS:
        if (mm)
            mm_print_maps(mm, out);
        return 0;
    case PF_SMAPS:
        if (mm)
            mm_print_smaps(mm, out);
        return 0;
    case PF_SMAPS_ROLLUP:
        if (mm)
            mm_print_smaps_rollup(mm, out);
        return 0;
    case PF_STATUS:
        show_status(t, out);
        return 0;
    case PF_STATM:
        show_statm(t, out);
        return 0;
    case PF_STAT:
        show_stat(t, out);
        return 0;
    case PF_CMDLINE:
        show_strings(t, t->arg_start, t->arg_end, out);
        return 0;
    case PF_ENVIRON:
        show_strings(t, t->arg_end, t->env_end, out);
        return 0;
    case PF_COMM:
        fprintf(out, "%s\n", t->comm);
        return 0;
    default:
        return -EINVAL;
    }
}
