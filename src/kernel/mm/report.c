/* Human-readable reports: /proc/PID/maps, the page-table tree, the frames. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *vma_name(struct mm *mm, const struct vma *v, char *buf, size_t len)
{
    (void)buf;
    (void)len;
    if (v->file)
        return vfile_name(v->file);
    if (v->flags & VMA_DEVICE)
        return v->dev->path; /* Linux: the device node's path */
    if (v->flags & VMA_VDSO)
        return "[vdso]";
    /* Linux (vma_is_initial_heap, 6.x): a region overlapping [start_brk, brk)
     * is the heap; the stack is the region that grows down. */
    if (mm->start_brk && v->start < mm->brk && v->end > mm->start_brk)
        return "[heap]";
    if (v->flags & VMA_GROWSDOWN)
        return "[stack]";
    return NULL;
}

/* One /proc/PID/maps line (fs/proc/task_mmu.c show_map_vma): the header,
 * padded to column 73 when a name follows. */
static void print_map_line(struct mm *mm, const struct vma *v, FILE *out)
{
    uint64_t off = 0, dev = 0, ino = 0;
    if (v->file) {
        off = v->pgoff << PAGE_SHIFT;
        dev = v->file->ino->dev;
        ino = v->file->ino->ino;
    } else if (v->flags & VMA_DEVICE) {
        off = v->pgoff << PAGE_SHIFT;
        dev = v->dev->rdev;
        ino = v->dev->ino;
    }
    /* glibc's dev_t: major in bits 8..19 (and 32..), minor in 0..7 and 20..31. */
    unsigned major = (unsigned)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
    unsigned minor = (unsigned)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
    int n =
        fprintf(out, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)v->start,
                (unsigned long long)v->end, v->prot & LX_PROT_READ ? 'r' : '-',
                v->prot & LX_PROT_WRITE ? 'w' : '-', v->prot & LX_PROT_EXEC ? 'x' : '-',
                v->flags & VMA_SHARED ? 's' : 'p', (unsigned long long)off, major & 0xfff,
                minor & 0xfffff, (unsigned long long)ino);
    char buf[64];
    const char *name = vma_name(mm, v, buf, sizeof buf);
    if (name)
        fprintf(out, "%*s%s", n < 73 ? 73 - n : 0, "", name);
    fputc('\n', out);
}

void mm_print_maps(struct mm *mm, FILE *out)
{
    for (const struct vma *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v))
        print_map_line(mm, v, out);
}

/* Per-region page statistics, as smaps_pte_entry counts them. */
struct smaps_acc {
    struct frames *ft;
    const struct vma *v;
    uint64_t rss, pss, pss_dirty; /* pss in bytes << 12 (Linux's PSS_SHIFT) */
    uint64_t pss_anon, pss_file, pss_shmem; /* smaps_rollup's split of pss */
    uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
    uint64_t referenced, anonymous;
    const struct swap_area *swap;
    uint64_t swapped, swap_pss; /* swap_pss << 12 like pss */
    uint64_t zero_pfn;          /* the shared zero page: not counted */
    uint64_t locked;            /* Rss of locked regions (bytes) */
    uint64_t lazyfree;          /* MADV_FREE'd pages not written since (bytes) */
};

static void smaps_one(pte_t *e, uint64_t a, void *ctx)
{
    struct smaps_acc *s = ctx;
    if (pte_is_swap(*e)) {
        /* Linux smaps_pte_entry: a swapped page counts in Swap, and in
         * SwapPss divided among the holders of its slot. */
        uint32_t n = s->swap->count[pte_swap_slot(*e)];
        n -= n > 1 && s->swap->cache[pte_swap_slot(*e)] != FRAME_NONE;
        s->swapped += PAGE_SIZE;
        s->swap_pss += (PAGE_SIZE << 12) / (n ? n : 1);
        return;
    }
    if (!pte_valid(*e) || pte_pfn(*e).n == s->zero_pfn)
        return; /* the zero page is not in Rss (Linux: vm_normal_page NULL) */
    struct frame *fr = frame_of(s->ft, pte_pfn(*e));
    bool dirty = (e->bits & PTE_D) || fr->dirty;
    uint32_t mc = fr->mapcount ? fr->mapcount : 1;
    uint64_t pss = (PAGE_SIZE << 12) / mc;
    s->rss += PAGE_SIZE;
    if (fr->use == FRAME_ANON && fr->lazyfree && !(e->bits & PTE_D))
        s->lazyfree += PAGE_SIZE;
    if (s->v && (s->v->flags & VMA_LOCKED))
        s->locked += PAGE_SIZE;
    s->pss += pss;
    if (fr->use == FRAME_ANON)
        s->pss_anon += pss;
    else if (fr->use == FRAME_FILE && fr->owner && fr->owner->anon)
        s->pss_shmem += pss;
    else
        s->pss_file += pss;
    if (dirty)
        s->pss_dirty += pss;
    if (mc >= 2)
        *(dirty ? &s->shared_dirty : &s->shared_clean) += PAGE_SIZE;
    else
        *(dirty ? &s->private_dirty : &s->private_clean) += PAGE_SIZE;
    if (e->bits & PTE_A)
        s->referenced += PAGE_SIZE;
    if (fr->use == FRAME_ANON)
        s->anonymous += PAGE_SIZE;
}

/* Linux smap_gather_stats: the swapped-out pages of a shared anonymous
 * (shmem) region count in Swap (not SwapPss), though its page table does not
 * show them (their PTEs are empty, and pagemap has no swap bit for them). */
static void smaps_shmem_swap(struct smaps_acc *s)
{
    const struct vma *v = s->v;
    if (!(v->flags & VMA_SHARED) || !v->file || !v->file->ino->anon)
        return;
    s->swapped += PAGE_SIZE * pagecache_swapped_pages(v->file->ino, v->pgoff,
                                                      (v->end - v->start) >> PAGE_SHIFT);
}

static void smaps_field(FILE *out, const char *name, uint64_t bytes)
{
    fprintf(out, "%-16s%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

/* The counts from Rss to Locked (Linux __show_smap); the rollup adds the
 * split of Pss by kind of page after Pss_Dirty. */
static void smaps_print_counts(FILE *out, const struct smaps_acc *s, bool rollup)
{
    smaps_field(out, "Rss:", s->rss);
    smaps_field(out, "Pss:", s->pss >> 12);
    smaps_field(out, "Pss_Dirty:", s->pss_dirty >> 12);
    if (rollup) {
        smaps_field(out, "Pss_Anon:", s->pss_anon >> 12);
        smaps_field(out, "Pss_File:", s->pss_file >> 12);
        smaps_field(out, "Pss_Shmem:", s->pss_shmem >> 12);
    }
    smaps_field(out, "Shared_Clean:", s->shared_clean);
    smaps_field(out, "Shared_Dirty:", s->shared_dirty);
    smaps_field(out, "Private_Clean:", s->private_clean);
    smaps_field(out, "Private_Dirty:", s->private_dirty);
    smaps_field(out, "Referenced:", s->referenced);
    smaps_field(out, "Anonymous:", s->anonymous);
    smaps_field(out, "KSM:", 0);
    smaps_field(out, "LazyFree:", s->lazyfree);
    static const char *const zero[] = {"AnonHugePages:", "ShmemPmdMapped:", "FilePmdMapped:",
                                       "Shared_Hugetlb:", "Private_Hugetlb:"};
    for (size_t z = 0; z < sizeof zero / sizeof zero[0]; z++)
        smaps_field(out, zero[z], 0);
    smaps_field(out, "Swap:", s->swapped);
    smaps_field(out, "SwapPss:", s->swap_pss >> 12);
    smaps_field(out, "Locked:", s->locked);
}

void mm_print_smaps_rollup(struct mm *mm, FILE *out)
{
    struct smaps_acc s = {.ft = &mm->k->ft, .swap = &mm->k->swap, .zero_pfn = mm->k->zero_page.n};
    for (s.v = vma_first(&mm->vmas); s.v; s.v = vma_next(&mm->vmas, s.v)) {
        if (!(s.v->flags & VMA_DEVICE))
            pt_for_each(&mm->k->ft, mm->root, s.v->start, s.v->end, smaps_one, &s);
        smaps_shmem_swap(&s);
    }
    uint64_t start = vma_count(&mm->vmas) ? vma_at(&mm->vmas, 0)->start : 0;
    uint64_t end = vma_count(&mm->vmas) ? vma_at(&mm->vmas, vma_count(&mm->vmas) - 1)->end : 0;
    int n = fprintf(out, "%08llx-%08llx ---p 00000000 00:00 0 ", (unsigned long long)start,
                    (unsigned long long)end);
    fprintf(out, "%*s[rollup]\n", n < 73 ? 73 - n : 0, "");
    smaps_print_counts(out, &s, true);
}

void mm_print_smaps(struct mm *mm, FILE *out)
{
    for (const struct vma *v = vma_first(&mm->vmas); v; v = vma_next(&mm->vmas, v)) {
        struct smaps_acc s = {
            .ft = &mm->k->ft, .v = v, .swap = &mm->k->swap, .zero_pfn = mm->k->zero_page.n};
        /* Linux skips VM_PFNMAP regions in the walk: device pages are not
         * memory, so Rss, Pss and the rest stay 0. */
        if (!(v->flags & VMA_DEVICE))
            pt_for_each(&mm->k->ft, mm->root, v->start, v->end, smaps_one, &s);
        smaps_shmem_swap(&s);
        print_map_line(mm, v, out);
        smaps_field(out, "Size:", v->end - v->start);
        smaps_field(out, "KernelPageSize:", PAGE_SIZE);
        smaps_field(out, "MMUPageSize:", PAGE_SIZE);
        smaps_print_counts(out, &s, false);
        fprintf(out, "%-16s%8d\nVmFlags: ", "THPeligible:", 0);
        bool shared = v->flags & VMA_SHARED;
        bool maywrite = !shared || !v->file || v->file->writable;
        if (v->prot & LX_PROT_READ)
            fputs("rd ", out);
        if (v->prot & LX_PROT_WRITE)
            fputs("wr ", out);
        if (v->prot & LX_PROT_EXEC)
            fputs("ex ", out);
        if (shared && maywrite)
            fputs("sh ", out);
        fputs(maywrite ? "mr mw me " : "mr me ", out);
        if (shared)
            fputs("ms ", out);
        if (v->flags & VMA_GROWSDOWN)
            fputs("gd ", out);
        if (v->flags & VMA_DEVICE) /* remap_pfn_range: PFNMAP, IO, DONTEXPAND, DONTDUMP */
            fputs("pf io de ", out);
        if (!shared && (v->prot & LX_PROT_WRITE))
            fputs("ac ", out);
        if (v->flags & VMA_DEVICE)
            fputs("dd ", out);
        fputc('\n', out);
    }
}

static void pte_flags(pte_t e, char s[9])
{
    static const char letters[] = "vrwxugad";
    for (int b = 0; b < 8; b++)
        s[b] = (e.bits >> b) & 1 ? letters[b] : '-';
    s[8] = '\0';
}

/* Prints the entries of table t (at `level`) covering addresses from base. */
static void print_table(struct mm *mm, FILE *out, pfn_t t, int level, uint64_t base,
                        unsigned nentries)
{
    const pte_t *e = pt_entries(&mm->k->ft, t);
    for (unsigned i = 0; i < nentries; i++) {
        if (!e[i].bits)
            continue;
        uint64_t a = base + ((uint64_t)i << (PAGE_SHIFT + 9 * level));
        int indent = 2 * (4 - level);
        if (level == 0 && pte_is_swap(e[i])) {
            fprintf(out, "%*s[%3u] %016llx: swapped, slot %u\n", indent, "", i,
                    (unsigned long long)a, pte_swap_slot(e[i]));
        } else if (!pte_valid(e[i])) {
            fprintf(out, "%*s[%3u] %016llx: not present 0x%llx\n", indent, "", i,
                    (unsigned long long)a, (unsigned long long)e[i].bits);
        } else if (pte_leaf(e[i])) {
            char fl[9];
            pte_flags(e[i], fl);
            fprintf(out, "%*s[%3u] %016llx -> pfn 0x%llx %s\n", indent, "", i,
                    (unsigned long long)a, (unsigned long long)pte_pfn(e[i]).n, fl);
        } else {
            fprintf(out, "%*s[%3u] %016llx: L%d table pfn 0x%llx\n", indent, "", i,
                    (unsigned long long)a, level - 1, (unsigned long long)pte_pfn(e[i]).n);
            print_table(mm, out, pte_pfn(e[i]), level - 1, a, SV48_ENTRIES);
        }
    }
}

void mm_print_pagetable(struct mm *mm, FILE *out)
{
    fprintf(out, "satp 0x%016llx asid %u root pfn 0x%llx, %llu table pages (user half)\n",
            (unsigned long long)mm_satp(mm), mm->asid, (unsigned long long)mm->root.n,
            (unsigned long long)mm->ntables);
    print_table(mm, out, mm->root, 3, 0, PT_USER_ENTRIES);
}

void kernel_print_frames(struct kernel *k, FILE *out)
{
    struct frames *ft = &k->ft;
    fprintf(out, "%llu frames: %llu free, %llu anon, %llu file, %llu pagetable, %llu kernel\n",
            (unsigned long long)ft->n, (unsigned long long)ft->count[FRAME_FREE],
            (unsigned long long)ft->count[FRAME_ANON], (unsigned long long)ft->count[FRAME_FILE],
            (unsigned long long)ft->count[FRAME_PAGETABLE],
            (unsigned long long)ft->count[FRAME_KERNEL]);
    for (uint64_t i = 0; i < ft->n; i++) {
        const struct frame *fr = &ft->f[i];
        if (fr->use == FRAME_FREE)
            continue;
        fprintf(out, "pfn 0x%llx %-9s ref %u map %u%s", (unsigned long long)frame_pfn(ft, fr).n,
                frame_use_name(fr->use), fr->refcount, fr->mapcount, fr->dirty ? " dirty" : "");
        if (fr->use == FRAME_ANON && fr->swap != SWAP_NO_SLOT)
            fprintf(out, " swapcache slot %u", fr->swap);
        if (fr->use == FRAME_FILE && fr->owner)
            fprintf(out, " %s page %llu",
                    fr->owner->anon   ? "shmem"
                    : fr->owner->name ? fr->owner->name
                                      : "?",
                    (unsigned long long)fr->index);
        if (fr->use == FRAME_PAGETABLE && frame_pfn(ft, fr).n == k->kroot.n)
            fputs(" kernel root", out);
        for (uint32_t j = 0; j < fr->mapcount; j++)
            fprintf(out, "%s asid %u va 0x%llx", j ? "," : " mapped by", fr->rmap[j].mm->asid,
                    (unsigned long long)fr->rmap[j].va);
        fputc('\n', out);
    }
}
