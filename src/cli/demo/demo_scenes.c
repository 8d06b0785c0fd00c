/* The sections `vmsim demo` prints, one per point of CS:APP §9.3, each at the
 * guest's mark where it can be seen and with the numbers read from the
 * kernel at that moment (demo_look.c). Each "=>" line is a claim the numbers
 * just printed bear out; one they do not is printed "!! NOT SO" and makes
 * the demo exit 1. tests/scripts/demo.sh checks the numbers against the
 * JSON report, readelf and the host's files. */
#include <stdlib.h>
#include <string.h>

#include "../../kernel/core/kernel.h"
#include "demo_int.h"

#define KB(pages) ((unsigned long long)(pages) * (PAGE_SIZE / 1024))

typedef unsigned long long ull;

static const char *label(const struct proc *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s (pid %d)", p->comm, p->pid);
    return buf;
}

/* "0x80123 -> 0x8a001 -> ... -> frame 0x8f00d" for a walk. */
static void print_walk(struct demo *d, const struct demo_pte *e)
{
    for (int l = 0; l < SV48_LEVELS; l++)
        fprintf(d->out, "0x%llx[%u] -> ", (ull)e->table[l], e->index[l]);
    if (e->present)
        fprintf(d->out, "frame 0x%llx", (ull)e->pfn);
    else
        fprintf(d->out, "(no frame)");
}

/* ---- 1 and 2: page tables, the kernel half, libc ------------------------ */

static void scene_page_tables(struct demo *d, struct proc *a, struct proc *b, uint64_t addr)
{
    char la[64];
    fprintf(d->out,
            "\n1. A separate page table per process\n"
            "   Two processes run the same dynamic program, hello. Each wrote its own message\n"
            "   into the same global, at the same virtual address 0x%llx.\n",
            (ull)addr);
    struct proc *p[2] = {a, b};
    struct demo_pte e[2];
    char text[2][64];
    for (int i = 0; i < 2; i++) {
        uint64_t satp = mm_satp(p[i]->mm);
        fprintf(d->out, "   %s: satp 0x%016llx = ASID %u, root table at frame 0x%llx\n",
                label(p[i], la, sizeof la), (ull)satp, satp_asid(satp), (ull)satp_root(satp).n);
    }
    fprintf(d->out, "   Each walk for 0x%llx starts at its own root (table frame[index]):\n",
            (ull)addr);
    for (int i = 0; i < 2; i++) {
        demo_walk(d, p[i]->mm, addr, &e[i]);
        text[i][0] = 0;
        if (e[i].present)
            demo_frame_text(d, e[i].pfn, addr & PAGE_MASK, text[i], sizeof text[i]);
        fprintf(d->out, "     pid %d: ", p[i]->pid);
        print_walk(d, &e[i]);
        fprintf(d->out, " \"%s\"\n", text[i]);
    }
    uint64_t sa = mm_satp(a->mm), sb = mm_satp(b->mm);
    demo_claim(d,
               e[0].present && e[1].present && satp_root(sa).n != satp_root(sb).n &&
                   satp_asid(sa) != satp_asid(sb) && e[0].pfn != e[1].pfn &&
                   strcmp(text[0], text[1]) != 0,
               "same virtual address, two page tables (roots 0x%llx, 0x%llx; ASIDs %u, %u), "
               "two frames (0x%llx, 0x%llx)",
               (ull)satp_root(sa).n, (ull)satp_root(sb).n, satp_asid(sa), satp_asid(sb),
               (ull)e[0].pfn, (ull)e[1].pfn);
}

/* The first leaf of the kernel half: the kernel's first page. */
struct kleaf {
    bool found;
    uint64_t va, pfn, bits;
};

static void first_kernel_leaf(void *ctx, const struct insp_pte *e)
{
    struct kleaf *k = ctx;
    if (e->kernel && e->present && !k->found)
        *k = (struct kleaf){true, e->va, e->pfn, e->bits};
}

static void scene_kernel_half(struct demo *d)
{
    struct proc *live[64];
    int n = demo_live(d, live, 64);
    fprintf(d->out, "\n2a. The kernel half is shared\n"
                    "   Root entries 256..511 map the kernel (U=0: user code cannot touch it). In\n"
                    "   every process they lead to the same tables:\n");
    uint64_t first[16];
    int nfirst = 0;
    bool same = n >= 2;
    struct kleaf k0 = {0};
    for (int i = 0; i < n; i++) {
        uint64_t t[16];
        int nt = demo_kernel_tables(live[i]->mm, t, 16);
        struct kleaf k = {0};
        inspect_pagetable(live[i]->mm, true, NULL, first_kernel_leaf, &k);
        char l[64];
        fprintf(d->out, "     %-22s root 0x%llx, kernel tables", label(live[i], l, sizeof l),
                (ull)satp_root(mm_satp(live[i]->mm)).n);
        for (int j = 0; j < nt; j++)
            fprintf(d->out, " 0x%llx", (ull)t[j]);
        fprintf(d->out, ", page 0x%llx -> frame 0x%llx U=%d\n", (ull)k.va, (ull)k.pfn,
                !!(k.bits & PTE_U));
        if (i == 0) {
            memcpy(first, t, sizeof t);
            nfirst = nt;
            k0 = k;
        } else if (nt != nfirst || memcmp(t, first, (size_t)nt * sizeof t[0]) != 0 ||
                   k.pfn != k0.pfn) {
            same = false;
        }
        if (!k.found || (k.bits & PTE_U))
            same = false;
    }
    demo_claim(d, same && nfirst > 0,
               "%d processes, %d roots, one set of %d kernel tables and the same kernel pages", n,
               n, nfirst);
}

static void scene_libc(struct demo *d, struct proc *a, struct proc *b)
{
    struct proc *p[2] = {a, b};
    struct demo_vma v[2];
    fprintf(d->out, "\n2b. libc's text is shared\n");
    if (!demo_find_vma(a->mm, "libc.so.6", LX_PROT_EXEC, &v[0]) ||
        !demo_find_vma(b->mm, "libc.so.6", LX_PROT_EXEC, &v[1])) {
        demo_claim(d, false, "both map libc.so.6's text");
        return;
    }
    uint64_t npages = (v[0].end - v[0].start) >> PAGE_SHIFT;
    uint64_t *pf[2] = {NULL, NULL}, res[2];
    for (int i = 0; i < 2; i++) {
        pf[i] = calloc(npages, sizeof *pf[i]);
        if (!pf[i] || v[i].end - v[i].start != npages * PAGE_SIZE) {
            free(pf[0]);
            free(pf[1]);
            demo_claim(d, false, "the two libc text regions have the same size");
            return;
        }
        res[i] = demo_present(p[i]->mm, v[i].start, v[i].end, pf[i]);
    }
    fprintf(d->out,
            "   Both map %s's text (r-x, %llu pages) and page in what they run:\n"
            "     pid %d: at 0x%llx, %llu pages resident\n"
            "     pid %d: at 0x%llx, %llu pages resident\n",
            v[0].name, (ull)npages, a->pid, (ull)v[0].start, (ull)res[0], b->pid, (ull)v[1].start,
            (ull)res[1]);
    uint64_t both = 0, same = 0, cache_ok = 0, pss_bytes[2] = {0, 0};
    int shown = 0;
    fprintf(d->out, "   Page by page (file page -> frame in pid %d / pid %d):", a->pid, b->pid);
    for (uint64_t i = 0; i < npages; i++) {
        for (int j = 0; j < 2; j++) {
            const struct demo_frame *f = pf[j][i] ? demo_frame(d, pf[j][i]) : NULL;
            if (f && f->mapcount)
                pss_bytes[j] += PAGE_SIZE / f->mapcount;
        }
        if (!pf[0][i] || !pf[1][i])
            continue;
        both++;
        same += pf[0][i] == pf[1][i];
        const struct demo_frame *f = demo_frame(d, pf[0][i]);
        cache_ok += f && f->use == INSP_FILE && f->index == v[0].pgoff + i &&
                    strstr(f->owner, "libc.so.6") != NULL;
        if (shown++ < 3)
            fprintf(d->out, " %llu -> 0x%llx / 0x%llx,", (ull)(v[0].pgoff + i), (ull)pf[0][i],
                    (ull)pf[1][i]);
    }
    fprintf(d->out, " ...\n");
    uint64_t mappers = 0;
    for (uint64_t i = 0; i < npages && !mappers; i++) {
        const struct demo_frame *f = pf[0][i] ? demo_frame(d, pf[0][i]) : NULL;
        mappers = f ? f->mapcount : 0;
    }
    fprintf(d->out,
            "     resident in both: %llu pages, on the same frame in both: %llu; each is a\n"
            "     page-cache page of libc.so.6 (%llu of %llu checked), mapped by %llu processes\n",
            (ull)both, (ull)same, (ull)cache_ok, (ull)both, (ull)mappers);
    demo_claim(d, both > 0 && same == both && cache_ok == both,
               "one set of page-cache frames holds libc's text for every process that maps it");
    fprintf(d->out, "   Proportional set size: each process is charged its share of each page.\n");
    bool ok = true;
    for (int j = 0; j < 2; j++) {
        uint64_t rss_kb = 0, pss_kb = 0;
        bool got = demo_smaps(p[j]->mm, "r-xp", "libc.so.6", &rss_kb, &pss_kb);
        fprintf(d->out,
                "     pid %d: Rss %llu kB, Pss = sum of 4 kB / mappers = %llu kB; its smaps "
                "says Rss %llu kB, Pss %llu kB\n",
                p[j]->pid, KB(res[j]), (ull)(pss_bytes[j] / 1024), (ull)rss_kb, (ull)pss_kb);
        ok = ok && got && rss_kb == KB(res[j]) && pss_kb == pss_bytes[j] / 1024;
    }
    demo_claim(d, ok && mappers == 2 && res[0] == both && pss_bytes[0] / 1024 == KB(res[0]) / 2,
               "with %llu mappers, Pss = Rss / %llu", (ull)mappers, (ull)mappers);
    free(pf[0]);
    free(pf[1]);
}

static void scene_tables(struct demo *d)
{
    const struct demo_note *na = demo_find_note(d, DEMO_MARK_NOTE, "hello", 0);
    const struct demo_note *nb = demo_find_note(d, DEMO_MARK_NOTE, "hello", 1);
    struct proc *a = na ? os_find(d->os, na->pid) : NULL;
    struct proc *b = nb ? os_find(d->os, nb->pid) : NULL;
    if (!a || !b || !a->mm || !b->mm || na->va != nb->va) {
        demo_claim(d, false, "two hello processes wait, their message at the same address");
        return;
    }
    scene_page_tables(d, a, b, na->va);
    scene_kernel_half(d);
    scene_libc(d, a, b);
}

/* ---- 3: loading is mapping, demand paging ------------------------------- */

/* Does the frame hold the bytes of the host file at page index? */
static bool frame_matches_file(struct demo *d, uint64_t pfn, FILE *f, uint64_t index)
{
    uint8_t buf[PAGE_SIZE] = {0};
    if (fseeko(f, (off_t)(index * PAGE_SIZE), SEEK_SET) != 0)
        return false;
    size_t n = fread(buf, 1, PAGE_SIZE, f); /* past the end: zeros, as the kernel fills */
    (void)n;
    const uint8_t *p = physmem_frame(&d->m->pm, (pfn_t){pfn});
    return p && memcmp(p, buf, PAGE_SIZE) == 0;
}

static void scene_pagein(struct demo *d, struct proc *p)
{
    fprintf(d->out,
            "\n3. A program is loaded by mapping, and paged in on demand\n"
            "   execve mapped pagein (a static program) without reading it; the faults of its\n"
            "   first touches read each page it used. It called 3 of its 64 one-page functions.\n");
    struct demo_vma text;
    if (!demo_find_vma(p->mm, "pagein", LX_PROT_EXEC, &text)) {
        demo_claim(d, false, "pagein's text is mapped");
        return;
    }
    uint64_t n = (text.end - text.start) >> PAGE_SHIFT;
    uint64_t *pf = calloc(n, sizeof *pf);
    if (!pf)
        return;
    uint64_t r = demo_present(p->mm, text.start, text.end, pf);
    fprintf(d->out, "   text 0x%llx-0x%llx: %llu pages, %llu resident ('#'; '.' never read):\n",
            (ull)text.start, (ull)text.end, (ull)n, (ull)r);
    for (uint64_t i = 0; i < n; i++)
        fprintf(d->out, "%s%c%s", i % 64 == 0 ? "     " : "", pf[i] ? '#' : '.',
                i % 64 == 63 || i == n - 1 ? "\n" : "");
    /* The file's pages in the page cache: every one was read by a fault. */
    uint64_t cached = 0;
    for (uint64_t i = 0; i < d->nframes; i++)
        cached += d->frames[i].use == INSP_FILE && strcmp(d->frames[i].owner, text.name) == 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/pagein", d->dir);
    FILE *f = fopen(path, "rb");
    uint64_t match = 0;
    for (uint64_t i = 0; i < n && f; i++)
        match += pf[i] && frame_matches_file(d, pf[i], f, text.pgoff + i);
    if (f)
        fclose(f);
    struct mm_info mi;
    mm_get_info(p->mm, &mi);
    fprintf(d->out,
            "   page cache: %llu pages of %s; pagein's major faults: %llu, pages it read "
            "from files: %llu\n"
            "   each resident text page's frame holds the file's bytes at its offset: %llu of "
            "%llu\n",
            (ull)cached, text.name, (ull)mi.c.major_faults, (ull)mi.c.file_reads, (ull)match,
            (ull)r);
    demo_claim(d, r < n && match == r, "of %llu text pages only the %llu touched are resident",
               (ull)n, (ull)r);
    demo_claim(d, mi.c.major_faults == mi.c.file_reads && mi.c.file_reads == cached,
               "major faults = pages read from the file = %llu", (ull)cached);
    free(pf);
}

/* ---- 4: malloc ---------------------------------------------------------- */

static void scene_malloc(struct demo *d, struct proc *p, uint64_t addr, uint64_t len)
{
    uint64_t first = addr & ~(uint64_t)PAGE_MASK, last = (addr + len - 1) & ~(uint64_t)PAGE_MASK;
    uint64_t n = ((last - first) >> PAGE_SHIFT) + 1;
    fprintf(d->out,
            "\n4. malloc: contiguous virtual pages, scattered frames\n"
            "   alloc's malloc(%llu) = 0x%llx spans %llu virtual pages; after it wrote them:\n",
            (ull)len, (ull)addr, (ull)n);
    uint64_t present = 0, adjacent = 0, prev = 0;
    for (uint64_t i = 0; i < n && n <= 64; i++) {
        struct demo_pte e;
        demo_walk(d, p->mm, first + i * PAGE_SIZE, &e);
        present += e.present;
        if (i && e.present && prev && e.pfn == prev + 1)
            adjacent++;
        fprintf(d->out, "%sVPN 0x%llx -> PFN 0x%llx%s", i % 3 == 0 ? "     " : "   ",
                (ull)((first >> PAGE_SHIFT) + i), e.present ? (ull)e.pfn : 0ULL,
                i % 3 == 2 || i == n - 1 ? "\n" : "");
        prev = e.present ? e.pfn : 0;
    }
    fprintf(d->out,
            "   %llu pages present; neighbouring pages on neighbouring frames: %llu of %llu\n",
            (ull)present, (ull)adjacent, (ull)(n - 1));
    demo_claim(d, present == n && n > 1 && adjacent < n - 1,
               "consecutive VPNs, non-consecutive PFNs: only the page table knows the order");
}

/* Scenes 5 and 7: a page two processes map. Walks both translations and
 * returns the frame b reaches (NULL if not present) with its first bytes. */
static const struct demo_frame *demo_shared_page(struct demo *d, struct proc *a, uint64_t va,
                                                 struct proc *b, uint64_t vb, struct demo_pte *pa,
                                                 struct demo_pte *pb, char *text, size_t len)
{
    demo_walk(d, a->mm, va, pa);
    demo_walk(d, b->mm, vb, pb);
    const struct demo_frame *f = pb->present ? demo_frame(d, pb->pfn) : NULL;
    text[0] = 0;
    if (f)
        demo_frame_text(d, f->pfn, 0, text, len);
    return f;
}

/* ---- 5: a shared file mapping ------------------------------------------- */

static void scene_file(struct demo *d, struct proc *reader, uint64_t raddr)
{
    const struct demo_note *nw = demo_find_note(d, DEMO_MARK_NOTE, "mapfile", 0);
    struct proc *writer = nw ? os_find(d->os, nw->pid) : NULL;
    fprintf(d->out,
            "\n5. A file mapping: MAP_SHARED\n"
            "   The writer mapped /shared.txt MAP_SHARED and wrote a line through the mapping;\n"
            "   the reader, another process, mapped it too and read the line.\n");
    if (!writer || !writer->mm) {
        demo_claim(d, false, "the writer waits with its mapping");
        return;
    }
    struct demo_pte w, r;
    char text[96];
    const struct demo_frame *f =
        demo_shared_page(d, writer, nw->va, reader, raddr, &w, &r, text, sizeof text);
    fprintf(d->out,
            "     writer pid %d: 0x%llx -> frame 0x%llx\n"
            "     reader pid %d: 0x%llx -> frame 0x%llx\n",
            writer->pid, (ull)nw->va, w.present ? (ull)w.pfn : 0ULL, reader->pid, (ull)raddr,
            r.present ? (ull)r.pfn : 0ULL);
    if (f)
        fprintf(d->out,
                "     frame 0x%llx: page %llu of %s in the page cache, mapped %u times, %s\n"
                "     it holds \"%s\"\n",
                (ull)f->pfn, (ull)f->index, f->owner, f->mapcount, f->dirty ? "dirty" : "clean",
                text);
    demo_claim(d,
               w.present && r.present && w.pfn == r.pfn && f && f->mapcount == 2 &&
                   f->use == INSP_FILE && strstr(f->owner, "shared.txt") &&
                   strncmp(text, "written through", 15) == 0,
               "one frame in two page tables: what one process writes, the other reads");
}

/* ---- 6: copy-on-write fork ---------------------------------------------- */

static void cow_table(struct demo *d, struct proc *parent, struct proc *child, uint64_t first,
                      uint64_t n, uint64_t *ppfn, uint64_t *cpfn, uint64_t *same,
                      uint64_t *readonly)
{
    *same = *readonly = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct demo_pte pe, ce;
        demo_walk(d, parent->mm, first + i * PAGE_SIZE, &pe);
        demo_walk(d, child->mm, first + i * PAGE_SIZE, &ce);
        ppfn[i] = pe.present ? pe.pfn : 0;
        cpfn[i] = ce.present ? ce.pfn : 0;
        *same += pe.present && ce.present && pe.pfn == ce.pfn;
        *readonly += pe.present && ce.present && !(pe.bits & PTE_W) && !(ce.bits & PTE_W);
        const struct demo_frame *f = ce.present ? demo_frame(d, ce.pfn) : NULL;
        fprintf(
            d->out, "     page %llu 0x%llx: parent frame 0x%llx W=%d, child frame 0x%llx W=%d%s\n",
            (ull)i, (ull)(first + i * PAGE_SIZE), (ull)ppfn[i], !!(pe.bits & PTE_W), (ull)cpfn[i],
            !!(ce.bits & PTE_W),
            ppfn[i] == cpfn[i] ? (f && f->mapcount > 1 ? "  shared" : "  same frame") : "  copied");
    }
}

static void scene_cow(struct demo *d, int id, struct proc *child, uint64_t addr, uint64_t len)
{
    struct proc *parent = child->parent;
    uint64_t first = addr & ~(uint64_t)PAGE_MASK, last = (addr + len - 1) & ~(uint64_t)PAGE_MASK;
    uint64_t n = ((last - first) >> PAGE_SHIFT) + 1;
    if (!parent || !parent->mm || n > DEMO_COW_PAGES + 2) {
        demo_claim(d, false, "cowfork's parent waits");
        return;
    }
    struct mm_info ci, pi;
    mm_get_info(child->mm, &ci);
    mm_get_info(parent->mm, &pi);
    uint64_t ppfn[DEMO_COW_PAGES + 2], cpfn[DEMO_COW_PAGES + 2], same, ro;
    if (id == DEMO_MARK_COW_FORKED) {
        fprintf(d->out,
                "\n6. Copy-on-write fork\n"
                "   cowfork (pid %d) filled malloc(%llu) = 0x%llx and forked pid %d. Right after\n"
                "   fork, the %llu pages of the buffer in both page tables:\n",
                parent->pid, (ull)len, (ull)addr, child->pid, (ull)n);
        cow_table(d, parent, child, first, n, ppfn, cpfn, &same, &ro);
        memcpy(d->cow.parent_pfn, ppfn, n * sizeof ppfn[0]);
        memcpy(d->cow.child_pfn, cpfn, n * sizeof cpfn[0]);
        d->cow.child_pid = child->pid;
        d->cow.child_cow_faults = ci.c.cow_faults;
        d->cow.child_cow_copies = ci.c.cow_copies;
        d->cow.parent_cow_faults = pi.c.cow_faults;
        fprintf(d->out, "   child's counters so far: %llu COW faults, %llu pages copied\n",
                (ull)ci.c.cow_faults, (ull)ci.c.cow_copies);
        demo_claim(d, same == n && ro == n,
                   "fork copied no page of the buffer: %llu of %llu frames shared, read-only in "
                   "both",
                   (ull)same, (ull)n);
        return;
    }
    uint64_t wpage = (addr + DEMO_COW_WRITE_PAGE * PAGE_SIZE - first) >> PAGE_SHIFT;
    fprintf(d->out, "   The child wrote one byte at 0x%llx (page %llu of the table); now:\n",
            (ull)(addr + DEMO_COW_WRITE_PAGE * PAGE_SIZE), (ull)wpage);
    cow_table(d, parent, child, first, n, ppfn, cpfn, &same, &ro);
    uint64_t copied = 0, moved_parent = 0;
    for (uint64_t i = 0; i < n; i++) {
        copied += cpfn[i] != d->cow.child_pfn[i];
        moved_parent += ppfn[i] != d->cow.parent_pfn[i];
    }
    uint64_t df = ci.c.cow_faults - d->cow.child_cow_faults;
    uint64_t dc = ci.c.cow_copies - d->cow.child_cow_copies;
    char pbyte[4] = "", cbyte[4] = "";
    uint64_t off = (addr + DEMO_COW_WRITE_PAGE * PAGE_SIZE) & PAGE_MASK;
    demo_frame_text(d, ppfn[wpage], off, pbyte, 2);
    demo_frame_text(d, cpfn[wpage], off, cbyte, 2);
    fprintf(d->out,
            "   the child's counters since the last stop: +%llu COW faults, +%llu pages copied;\n"
            "   the parent's: +%llu COW faults. At 0x%llx the parent's frame holds '%s', the "
            "child's '%s'.\n",
            (ull)df, (ull)dc, (ull)(pi.c.cow_faults - d->cow.parent_cow_faults),
            (ull)(addr + DEMO_COW_WRITE_PAGE * PAGE_SIZE), pbyte, cbyte);
    demo_claim(d,
               copied == 1 && cpfn[wpage] != d->cow.child_pfn[wpage] && moved_parent == 0 &&
                   same == n - 1 && df == 1 && dc == 1 && strcmp(pbyte, "p") == 0 &&
                   strcmp(cbyte, "c") == 0,
               "the write copied the written page only (1 COW fault, 1 copy); %llu pages still "
               "shared",
               (ull)same);
}

/* ---- 7: memory shared by passing a descriptor (issue 16) ---------------- */

static void scene_memfd(struct demo *d, struct proc *receiver, uint64_t raddr)
{
    const struct demo_note *ns = demo_find_note(d, DEMO_MARK_NOTE, "memfdpass", 0);
    struct proc *sender = ns ? os_find(d->os, ns->pid) : NULL;
    fprintf(d->out,
            "\n7. Sharing by passing a descriptor: a memfd over a Unix socket\n"
            "   The sender made a memfd (a file in RAM only), mapped it and wrote a line; the\n"
            "   receiver, an unrelated process, connected to the sender's socket, got the\n"
            "   memfd with SCM_RIGHTS, mapped it and read the line.\n");
    if (!sender || !sender->mm) {
        demo_claim(d, false, "the sender waits with its mapping");
        return;
    }
    struct demo_pte s, r;
    char text[96];
    const struct demo_frame *f =
        demo_shared_page(d, sender, ns->va, receiver, raddr, &s, &r, text, sizeof text);
    fprintf(d->out,
            "     sender pid %d: 0x%llx -> frame 0x%llx\n"
            "     receiver pid %d (parent %d, not the sender): 0x%llx -> frame 0x%llx\n",
            sender->pid, (ull)ns->va, s.present ? (ull)s.pfn : 0ULL, receiver->pid,
            receiver->parent ? receiver->parent->pid : 0, (ull)raddr,
            r.present ? (ull)r.pfn : 0ULL);
    if (f)
        fprintf(d->out,
                "     frame 0x%llx: page %llu of %s, in RAM and swap only (shmem), mapped %u "
                "times\n"
                "     it holds \"%s\"\n",
                (ull)f->pfn, (ull)f->index, f->owner, f->mapcount, text);
    demo_claim(d,
               s.present && r.present && s.pfn == r.pfn && f && f->mapcount == 2 &&
                   strstr(f->owner, "/memfd:demo-shared") && receiver->parent != sender &&
                   strncmp(text, "written into a memfd", 20) == 0,
               "one frame in two unrelated processes: the descriptor carried the memory");
}

/* ---- the whole picture -------------------------------------------------- */

static void scene_figure(struct demo *d)
{
    struct proc *live[64];
    int n = demo_live(d, live, 64);
    uint64_t use[INSP_NUSES] = {0}, shared_file = 0, shared_anon = 0;
    for (uint64_t i = 0; i < d->nframes; i++) {
        const struct demo_frame *f = &d->frames[i];
        use[f->use]++;
        shared_file += f->use == INSP_FILE && f->mapcount > 1;
        shared_anon += f->use == INSP_ANON && f->mapcount > 1;
    }
    fprintf(d->out,
            "\nThe whole picture (CS:APP Figure 9.9), every demo process alive:\n"
            "   %d processes:",
            n);
    for (int i = 0; i < n; i++)
        fprintf(d->out, " %s %d%s", live[i]->comm, live[i]->pid, i < n - 1 ? "," : "\n");
    fprintf(d->out,
            "   frames in use: %llu anon, %llu file (page cache), %llu page tables, %llu kernel\n"
            "   mapped by more than one process: %llu file frames (program text, libc, "
            "shared.txt), %llu anon frames (copy-on-write)\n",
            (ull)use[INSP_ANON], (ull)use[INSP_FILE], (ull)use[INSP_PAGETABLE],
            (ull)use[INSP_KERNEL], (ull)shared_file, (ull)shared_anon);
}

void demo_scene(struct demo *d, int id, struct proc *who, uint64_t va, uint64_t len)
{
    switch (id) {
    case DEMO_MARK_TABLES:
        scene_tables(d);
        break;
    case DEMO_MARK_PAGEIN:
        scene_pagein(d, who);
        break;
    case DEMO_MARK_MALLOC:
        scene_malloc(d, who, va, len);
        break;
    case DEMO_MARK_FILE:
        scene_file(d, who, va);
        break;
    case DEMO_MARK_COW_FORKED:
    case DEMO_MARK_COW_WRITTEN:
        scene_cow(d, id, who, va, len);
        break;
    case DEMO_MARK_FIGURE:
        scene_figure(d);
        break;
    case DEMO_MARK_MEMFD:
        scene_memfd(d, who, va);
        break;
    case DEMO_MARK_THREADS:
    case DEMO_MARK_SHOOTDOWN:
        demo_scene_threads(d, id, who, va, len);
        break;
    default:
        break;
    }
    fputc('\n', d->out);
}

void demo_after(struct demo *d)
{
    char path[4200], line[128] = "";
    snprintf(path, sizeof path, "%s/shared.txt", d->dir);
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    line[strcspn(line, "\n")] = 0;
    fprintf(d->out,
            "\nAfter the run, the host's file shared.txt holds \"%s\": the dirty page was "
            "written back.\n",
            line);
    demo_claim(d, strncmp(line, "written through", 15) == 0,
               "the page-cache page of a MAP_SHARED mapping goes back to its file");
}
