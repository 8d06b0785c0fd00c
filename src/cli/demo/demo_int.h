/* Inside `vmsim demo` (src/cli/demo*.c): the pieces share this header.
 *
 *   demo.c         the command: options, `--script` or the programs
 *   demo_script.c  `vmsim demo --script`: the built-in script (no CPU)
 *   demo_images.c  the guest programs of guest/demo, embedded in vmsim
 *   demo_prog.c    `vmsim demo`: runs them, stops at their marks
 *   demo_look.c    read-only looks at the kernel: walks, frames, regions
 *   demo_scenes.c  one narrated section per point of the seed, with numbers
 *   demo_threads.c the threads scene: one page table, several harts, shootdowns
 *   demo_curve.c   the last section: the run's own miss-ratio curve
 *
 * The stop points are the guests' marks (guest/demo/marks.h): at each, every
 * process is stopped and the scenes read the kernel's own page tables and
 * frame table (kernel/inspect.h, the Sv48 walk) at that moment. */
#ifndef VMSIM_CLI_DEMO_INT_H
#define VMSIM_CLI_DEMO_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../../../guest/demo/marks.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/core/kernel.h"
#include "../run/run_report.h"

/* `vmsim demo --script [OPTIONS]`: argv[0] is "demo". */
int demo_script_main(int argc, char **argv);

/* `vmsim demo [OPTIONS]` (the programs): argv[0] is "demo". */
int demo_prog_main(int argc, char **argv);

/* ---- the embedded programs (demo_images.c) ----------------------------- */

struct demo_image {
    const char *name;                /* file name in the sandbox's root: /NAME */
    const unsigned char *data, *end; /* its bytes: [data, end) */
};
extern const struct demo_image demo_images[];
extern const int demo_nimages;

/* ---- a stopped machine (demo_look.c) ----------------------------------- */

/* A frame in use, as the frame table says now. */
struct demo_frame {
    uint64_t pfn;
    enum insp_use use;
    uint32_t mapcount;
    bool dirty;
    char owner[96]; /* file pages: the object's name, else "" */
    uint64_t index; /* file pages: page index in it */
};

/* A leaf of a walk: the frame a virtual page maps to now. */
struct demo_pte {
    bool present;
    uint64_t pfn;
    uint64_t bits;               /* the raw level-0 PTE */
    uint64_t table[SV48_LEVELS]; /* the table read at level 3 (root) .. 0 */
    unsigned index[SV48_LEVELS];
};

struct demo_vma {
    uint64_t start, end, pgoff;
    int prot;
    bool shared;
    enum insp_vma_kind kind;
    char name[96];
};

struct demo_note {
    int pid, id;
    uint64_t va, len;
};

#define DEMO_MAX_NOTES 32

struct demo {
    struct os *os;
    struct kernel *k;
    struct machine *m;
    FILE *out;
    const char *dir; /* the sandbox (host temporary directory) */
    struct demo_note notes[DEMO_MAX_NOTES];
    int nnotes;
    unsigned marks_seen; /* bit per enum demo_mark_id */
    int claims_failed;   /* claims the numbers did not bear out */
    /* the frame table at the current mark, in pfn order */
    struct demo_frame *frames;
    uint64_t nframes, frames_cap;
    /* the copy-on-write scene: the state at the first of its two marks */
    struct {
        uint64_t parent_pfn[DEMO_COW_PAGES + 2], child_pfn[DEMO_COW_PAGES + 2];
        uint64_t child_cow_faults, child_cow_copies, parent_cow_faults;
        int child_pid;
    } cow;
    /* the threads scene: the shootdown counters at its first mark */
    struct machine_tlb_vmstat tlb_before;
    /* reports: stats and the exited processes (rr), JSON and HTML at the figure */
    struct run_report rr;
    const char *json_path, *html_path;
    bool report_failed;
    struct demo_curve *curve; /* the run's page-reference string (demo_curve.c) */
};

/* Takes the frame table as it is now into d->frames. false on OOM. */
bool demo_snapshot_frames(struct demo *d);
/* The frame pfn in the snapshot, or NULL if it is free. */
const struct demo_frame *demo_frame(const struct demo *d, uint64_t pfn);

/* Walks mm's page table for va (the one Sv48 walk; changes nothing): false
 * when no valid level-0 entry is reached (then only out->table[] up to the
 * missing level is meaningful). */
bool demo_walk(struct demo *d, struct mm *mm, uint64_t va, struct demo_pte *out);

/* mm's regions, in address order, into v (up to max); returns the count. */
int demo_vmas(struct mm *mm, struct demo_vma *v, int max);
/* The first region of mm whose name ends with suffix and whose prot
 * includes prot; false if none. */
bool demo_find_vma(struct mm *mm, const char *suffix, int prot, struct demo_vma *out);

/* The present pages of [start, end) in mm: counts them, and if pfns is not
 * NULL stores each page's pfn (0 for a page not present) at pfns[page index
 * in the range] (room for (end - start) / 4096). */
uint64_t demo_present(struct mm *mm, uint64_t start, uint64_t end, uint64_t *pfns);

/* The kernel-half tables of mm (those reached through root entries 256..511),
 * their pfns in walk order into pfns (up to max); returns the count. */
int demo_kernel_tables(struct mm *mm, uint64_t *pfns, int max);

/* From mm's /proc/PID/smaps as the kernel prints it: Rss and Pss (kB) of the
 * first region whose header line ends with suffix and has perms. false if
 * there is none. */
bool demo_smaps(struct mm *mm, const char *perms, const char *suffix, uint64_t *rss_kb,
                uint64_t *pss_kb);

/* The live processes with an address space of their own, in pid order. */
int demo_live(struct demo *d, struct proc **v, int max);
/* The note with this id made by a process named comm (NULL: any), the nth
 * (0-based) such one; NULL if none. */
const struct demo_note *demo_find_note(const struct demo *d, int id, const char *comm, int nth);

/* Copies up to max-1 printable bytes of the frame at pfn + off into buf (up
 * to the first NUL or newline). */
void demo_frame_text(struct demo *d, uint64_t pfn, uint64_t off, char *buf, size_t max);

/* Prints "   => TEXT" when ok, else "   !! NOT SO: TEXT" and counts a failed
 * claim. */
void demo_claim(struct demo *d, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- the scenes (demo_scenes.c) ---------------------------------------- */

/* At mark id, made by process who (the vfork parent of the mark) with its
 * address and length. */
void demo_scene(struct demo *d, int id, struct proc *who, uint64_t va, uint64_t len);

/* The threads scene (demo_threads.c), at DEMO_MARK_THREADS and
 * DEMO_MARK_SHOOTDOWN. */
void demo_scene_threads(struct demo *d, int id, struct proc *who, uint64_t va, uint64_t len);

/* After the run: what the host file system shows (the shared file). */
void demo_after(struct demo *d);

/* The last section (demo_curve.c): recording starts before the programs
 * run and stops after them; print computes and prints the curve and frees
 * what start took. */
void demo_curve_start(struct demo *d);
void demo_curve_stop(struct demo *d);
void demo_curve_print(struct demo *d);

#endif
