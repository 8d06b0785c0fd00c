/* Page-replacement policies (CS:APP 9.3, OSTEP ch. 22) behind one small
 * interface. The kernel tells a policy which frames hold resident user pages
 * (anonymous and file frames: on_map when a frame starts holding one,
 * on_unmap when it stops), and asks it for a victim when memory must be
 * reclaimed. A policy never touches page tables itself: what it needs to
 * know about a frame it asks through struct policy_env (the kernel answers
 * through the reverse map).
 *
 *   clock   second chance over the accessed (A) bits (default)
 *   fifo    oldest loaded first
 *   lru     least recently used: exact when every reference is reported
 *           through on_access (trace replays); in `run`/`script` mode the
 *           kernel only sees references through the A bits, sampled at each
 *           reclaim scan, so it is an approximation there (documented).
 *   random  uniform among the evictable frames, fixed seed (reproducible)
 *   opt     Belady: the frame whose next use is farthest in the future; needs
 *           the future, so only valid when a next-use oracle is installed
 *           (kernel_set_next_use, trace replays).
 *
 * Frames are named by their index in the frame table (0..nframes-1). */
#ifndef VMSIM_KERNEL_POLICY_H
#define VMSIM_KERNEL_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define POLICY_NO_FRAME UINT32_MAX
#define POLICY_NEVER UINT64_MAX /* next_use of a page that is never used again */

/* What a policy may ask the kernel about a frame while it picks a victim. */
struct policy_env {
    void *ctx;
    /* Tests and clears the A bit of every PTE that maps the frame (flushing
     * the TLB entries whose A was cleared, so the next access walks again and
     * sets A). True if any was set: the page was referenced since the last
     * call. */
    bool (*test_clear_young)(void *ctx, uint32_t frame);
    /* Can the frame be taken now (no transient reference; swap space left
     * for an anonymous page)? A policy skips frames that cannot. */
    bool (*evictable)(void *ctx, uint32_t frame);
    /* Next reference time of the page(s) in the frame (the earliest over its
     * mappers), POLICY_NEVER if none; only for opt, NULL otherwise. */
    uint64_t (*next_use)(void *ctx, uint32_t frame);
};

struct policy;

struct policy_ops {
    const char *name;
    const char *help; /* one line, for usage messages */
    bool needs_future; /* opt: refused unless a next-use oracle is installed */
    /* Allocates the policy's state for a frame table of nframes frames.
     * 0 or -ENOMEM. */
    int (*init)(struct policy *p);
    void (*fini)(struct policy *p);
    /* The frame now holds a resident user page (it was just loaded: FIFO's
     * load time). Called once until the matching on_unmap. */
    void (*on_map)(struct policy *p, uint32_t frame);
    /* The frame's page was referenced (exact reference stream; trace
     * replays report every reference; the kernel also reports each fault).
     * now is a logical time that grows with every reference. */
    void (*on_access)(struct policy *p, uint32_t frame, uint64_t now);
    /* The frame no longer holds a resident user page (freed). */
    void (*on_unmap)(struct policy *p, uint32_t frame);
    /* Picks a resident, evictable frame to evict. POLICY_NO_FRAME when none
     * is evictable. Called repeatedly during one reclaim: a frame returned
     * that the kernel fails to evict stays resident, and the policy may
     * return it again only after trying the others (the kernel bounds its
     * attempts). */
    uint32_t (*pick_victim)(struct policy *p, const struct policy_env *env);
};

/* A policy instance: the ops and their state. */
struct policy {
    const struct policy_ops *ops;
    uint64_t nframes;
    uint64_t seed; /* random */
    void *state;
};

/* The policies, by name ("clock", "fifo", "lru", "random", "opt"); NULL if
 * unknown. */
const struct policy_ops *policy_find(const char *name);
/* NULL-terminated list of every policy, for help texts and tests. */
extern const struct policy_ops *const policy_all[];

/* Sets up p for ops over nframes frames. 0 or -ENOMEM. */
int policy_init(struct policy *p, const struct policy_ops *ops, uint64_t nframes, uint64_t seed);
void policy_fini(struct policy *p);

#endif
