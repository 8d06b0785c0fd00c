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

struct machine_config {
    uint64_t mem_bytes;     /* RAM size */
    unsigned tlb_sets, tlb_ways;
    int nharts;             /* 1 for now */
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
    /* Observer of TLB flushes (--events): called by machine_flush_* with
     * MACHINE_FLUSH_PAGE/ASID/ALL. NULL: none. */
    void (*flush_hook)(void *ctx, int what, uint16_t asid, vaddr_t a);
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

/* The default engine: VMSIM_ENGINE from the environment ("interp" or "jit",
 * so that test suites can run everything under either), else the
 * interpreter. Both give the same results and counters. */
int machine_default_engine(void);

/* Builds a machine; NULL (with errno) on failure. */
struct machine *machine_new(const struct machine_config *cfg);
void machine_free(struct machine *m);

/* sfence.vma on every hart: the kernel calls these after changing or removing
 * a PTE that may be cached. They also drop decoded code of the page. */
void machine_flush_page(struct machine *m, uint16_t asid, vaddr_t a);
void machine_flush_asid(struct machine *m, uint16_t asid);
void machine_flush_all(struct machine *m);

#endif
