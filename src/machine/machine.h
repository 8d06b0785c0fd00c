/* The simulated machine: physical memory and its harts. Knows nothing of
 * processes or files; the kernel drives it. No globals: several machines can
 * live in one host process. */
#ifndef VMSIM_MACHINE_MACHINE_H
#define VMSIM_MACHINE_MACHINE_H

#include "fb.h"
#include "hart.h"
#include "timer.h"

#define MACHINE_DEFAULT_MEM (256ULL << 20)
#define MACHINE_DEFAULT_TLB_SETS 64
/* Set-associative by default: processes share one layout (no randomization),
 * so in a direct-mapped TLB the same page of two ASIDs would evict each other. */
#define MACHINE_DEFAULT_TLB_WAYS 4
#define MACHINE_DEFAULT_HARTS 4
#define MACHINE_MAX_HARTS 64     /* a shootdown's targets fit one 64-bit mask */

/* TLB shootdown counters, with Linux's /proc/vmstat names. */
struct machine_tlb_vmstat {
    uint64_t nr_tlb_remote_flush;          /* flush calls that had to reach other harts */
    uint64_t nr_tlb_remote_flush_received; /* flushes done by a hart on another's behalf */
    uint64_t nr_tlb_local_flush_all;       /* whole-ASID or whole-TLB flushes on the caller's hart */
    uint64_t nr_tlb_local_flush_one;       /* one-page flushes on the caller's hart */
};

struct machine_config {
    uint64_t mem_bytes;     /* RAM size */
    unsigned tlb_sets, tlb_ways;
    int nharts;             /* 1..MACHINE_MAX_HARTS */
    unsigned fb_width, fb_height;   /* framebuffer size; 0 x 0: no framebuffer */
    int engine;             /* MACHINE_ENGINE_*: how the harts run code */
    size_t jit_cache;       /* code cache per hart for MACHINE_ENGINE_JIT (bytes) */
    bool jit_stats;         /* print the translator's counters on stderr at machine_free */
    bool jit_dump;          /* write hart 0's code for guest address jit_dump_pc to stderr */
    uint64_t jit_dump_pc;
};

/* The interpreter (hart.c), or the code translator (jit.h; x86-64 hosts). */
enum { MACHINE_ENGINE_INTERP = 0, MACHINE_ENGINE_JIT = 1 };

struct machine {
    struct machine_config cfg;
    struct physmem pm;
    int nharts;
    struct hart *harts;
    /* Who runs what, for shootdowns (set by the kernel's scheduler through
     * machine_set_hart): the hart executing now, and the ASID each hart has
     * loaded (-1: none). A hart keeps its last ASID while idle (Linux's lazy
     * TLB mode), so it stays a flush target until it loads another. */
    int cur_hart;
    int live_asid[MACHINE_MAX_HARTS];
    struct machine_tlb_vmstat tlbstat;
    /* Observer of TLB flushes (--events): called by machine_flush_* with
     * MACHINE_FLUSH_PAGE/ASID/ALL and the mask of the other harts that had the
     * ASID live (the shootdown's targets; 0: a local flush). NULL: none. */
    void (*flush_hook)(void *ctx, int what, uint16_t asid, vaddr_t a, uint64_t remote);
    void *flush_ctx;
    /* Devices (issue 7) at their fixed physical addresses (fb.h, timer.h):
     * the timer/console always, the framebuffer when has_fb. */
    struct timer_device timer;
    bool has_fb;
    struct fb_device fb;
};

enum { MACHINE_FLUSH_PAGE, MACHINE_FLUSH_ASID, MACHINE_FLUSH_ALL };

/* Fills *cfg with the defaults (a FB_DEFAULT_WIDTH x FB_DEFAULT_HEIGHT
 * framebuffer included). The engine is machine_default_engine(). */
void machine_config_default(struct machine_config *cfg);

/* The default engine: the translator where the host can run it (x86-64),
 * else the interpreter; VMSIM_ENGINE=interp in the environment picks the
 * interpreter (so that test suites can run everything under either). Both
 * give the same results and counters. */
int machine_default_engine(void);

/* Builds a machine; NULL (with errno) on failure. */
struct machine *machine_new(const struct machine_config *cfg);
void machine_free(struct machine *m);

/* The scheduler says hart i now runs (or last ran) address space asid: the
 * shootdown targets, the current hart (local flushes) and the timer's clock. */
void machine_set_hart(struct machine *m, int i, uint16_t asid);

/* Records the page references of every hart in t (NULL: stop). Harts run
 * one at a time and flush t before they stop, so one recorder serves all. */
void machine_set_page_trace(struct machine *m, struct page_trace *t);

/* The hart the kernel is executing on now. */
static inline struct hart *machine_cur_hart(struct machine *m) { return &m->harts[m->cur_hart]; }

/* sfence.vma on every hart: the kernel calls these after changing or removing
 * a PTE that may be cached, before the call that changed it returns (the
 * TLB shootdown: Linux's flush_tlb_mm_range with IPIs). The caller's hart
 * flushes locally, the harts that have the ASID live receive the flush and
 * count it; the others hold no live entry of the ASID but are flushed too,
 * since a tagged TLB keeps entries across switches (Linux defers that to the
 * next switch-in; doing it now is the same). They also drop decoded code. */
void machine_flush_page(struct machine *m, uint16_t asid, vaddr_t a);
void machine_flush_asid(struct machine *m, uint16_t asid);
void machine_flush_all(struct machine *m);

#endif
