/* Boot and teardown of memory management: the frame table and the kernel half. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The vDSO page's code: the signal-return trampoline
 *     li a7, 139        (rt_sigreturn)
 *     ecall */
static const uint32_t vdso_code[] = {0x08b00893, 0x00000073};

/* Maps one kernel page in the kernel's own tables (U=0, G=1). */
static int map_kernel_page(struct kernel *k, uint64_t a, pfn_t f, uint64_t perms)
{
    int err = -1;
    pte_t *e = pt_pte(&k->ft, k->kroot, va(a), true, &k->ktables, &err);
    if (!e)
        return err;
    *e = pte_make(f, PTE_V | PTE_G | PTE_A | perms);
    return 0;
}

static int boot_kernel_half(struct kernel *k)
{
    int rc = pt_alloc_table(&k->ft, &k->kroot);
    if (rc)
        return rc;
    k->ktables = 1;
    if ((rc = frame_alloc(&k->ft, FRAME_KERNEL, &k->ktext)) ||
        (rc = frame_alloc(&k->ft, FRAME_KERNEL, &k->kdata)) ||
        (rc = frame_alloc(&k->ft, FRAME_KERNEL, &k->vdso)) ||
        (rc = frame_alloc(&k->ft, FRAME_KERNEL, &k->zero_page)))
        return rc;
    static const char banner[] = "vmsim kernel text";
    memcpy(frame_bytes(&k->ft, k->ktext), banner, sizeof banner);
    memcpy(frame_bytes(&k->ft, k->vdso), vdso_code, sizeof vdso_code);
    if ((rc = map_kernel_page(k, KERNEL_TEXT_VA, k->ktext, PTE_R | PTE_X)) ||
        (rc = map_kernel_page(k, KERNEL_DATA_VA, k->kdata, PTE_R | PTE_W | PTE_D)) ||
        (rc = map_kernel_page(k, KERNEL_VDSO_VA, k->vdso, PTE_R | PTE_X)))
        return rc;
    /* Every upper-half root entry the kernel will ever use exists now, so
     * copying the upper half into a new root shares all of it. */
    return 0;
}

void kernel_set_zero_page(struct kernel *k, bool on)
{
    k->zero_page_off = !on;
}

struct kernel *kernel_new(struct machine *m)
{
    struct kernel *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->m = m;
    k->next_asid = 1;
    if (frames_init(&k->ft, &m->pm)) {
        free(k);
        return NULL;
    }
    if (reclaim_init(k)) {
        frames_fini(&k->ft);
        free(k);
        return NULL;
    }
    if (boot_kernel_half(k)) {
        reclaim_fini(k);
        frames_fini(&k->ft);
        free(k);
        return NULL;
    }
    return k;
}

void kernel_free(struct kernel *k)
{
    if (!k)
        return;
    if (k->nr_mm)
        fprintf(stderr, "vmsim: kernel_free with %llu address spaces alive\n",
                (unsigned long long)k->nr_mm);
    assert(k->nr_mm == 0);
    if (k->inodes)
        fprintf(stderr, "vmsim: kernel_free with open files (vfile leak)\n");
    pagecache_drop_all(k);
#ifdef VMSIM_DEBUG
    uint64_t user = k->ft.count[FRAME_ANON] + k->ft.count[FRAME_FILE];
    if (user)
        fprintf(stderr, "vmsim: kernel_free: %llu user frames still in use\n",
                (unsigned long long)user);
    assert(user == 0);
    assert(k->ft.count[FRAME_PAGETABLE] == k->ktables);
    if (k->swap.nfree != k->swap.nslots)
        fprintf(stderr, "vmsim: kernel_free: %llu swap slots still in use\n",
                (unsigned long long)(k->swap.nslots - k->swap.nfree));
    assert(k->swap.nfree == k->swap.nslots);
#endif
    reclaim_fini(k);
    machine_flush_all(k->m);
    frames_fini(&k->ft);
    free(k);
}

struct machine *kernel_machine(struct kernel *k)
{
    return k->m;
}

void kernel_get_info(struct kernel *k, struct kernel_info *out)
{
    const struct frames *ft = &k->ft;
    *out = (struct kernel_info){
        .total_frames = ft->n,
        .free_frames = ft->count[FRAME_FREE],
        .anon_frames = ft->count[FRAME_ANON],
        .file_frames = ft->count[FRAME_FILE],
        /* The kernel half's tables are the kernel's own frames; pagetable
         * frames are those of address spaces. */
        .pagetable_frames = ft->count[FRAME_PAGETABLE] - k->ktables,
        .kernel_frames = ft->count[FRAME_KERNEL] + k->ktables,
        .pagecache_pages = k->pagecache_pages,
        .nr_mm = k->nr_mm,
        .swap_total = k->swap.nslots,
        .swap_used = k->swap.nslots - k->swap.nfree,
        .swapcache_pages = k->swap.cached,
        .frame_limit = k->ft.limit,
        .unevictable_frames = kernel_mlocked_frames(k),
        .policy = k->policy.ops->name,
        .c = k->c,
    };
    out->nharts = k->m->nharts;
    out->tlbstat = k->m->tlbstat;
    for (int i = 0; i < k->m->nharts; i++) {
        const struct mmu *mmu = &k->m->harts[i].mmu;
        out->tlb_hits += mmu->tlb.stats.hits;
        out->tlb_misses += mmu->tlb.stats.misses;
        out->page_walks += mmu->stats.walks;
    }
}
