/* The random operations of test_model.c: each picks its arguments, asks the
 * model what Linux would do, does it on the real kernel and compares. Included
 * by test_model.c only (it uses struct world and the checks defined there). */
#ifndef VMSIM_TESTS_TEST_MODEL_OPS_H
#define VMSIM_TESTS_TEST_MODEL_OPS_H

static uint64_t pages_of(uint64_t len)
{
    return (len + PG - 1) / PG;
}

static void op_new(struct world *w)
{
    int p = free_slot(w);
    if (p < 0)
        return;
    logop(w, "p%d = new", p);
    struct mm *mm = mm_new(w->k);
    if (!mm) {
        CHECK(w, w->small, "mm_new failed");
        w->cov.enomem++;
        logres(w, " -> NULL (no memory)");
        return;
    }
    mm_set_brk_base(mm, va(HEAP_BASE));
    w->mm[p] = mm;
    md_proc_new(&w->md, p, HEAP_BASE);
    struct mm_info info;
    mm_get_info(mm, &info);
    w->md.proc[p].vm_extra = (int64_t)info.vm_pages;
}

static void op_fork(struct world *w)
{
    int parent = pick_live(w), c = free_slot(w);
    if (parent < 0 || c < 0)
        return;
    logop(w, "p%d = fork p%d", c, parent);
    struct mm *mm = mm_fork(w->mm[parent]);
    if (!mm) {
        CHECK(w, w->small, "mm_fork failed");
        w->cov.enomem++;
        logres(w, " -> NULL (no memory)");
        return;
    }
    w->mm[c] = mm;
    md_fork(&w->md, parent, c);
    w->cov.forks++;
}

static void op_exit(struct world *w)
{
    int p = pick_live(w);
    logop(w, "p%d exit", p);
    mm_destroy(w->mm[p]);
    w->mm[p] = NULL;
    md_proc_destroy(&w->md, p);
}

static const char *kind_str(int kind)
{
    static const char *s[4] = {"anon private", "anon shared", "file private", "file shared"};
    return s[kind];
}

static void op_mmap(struct world *w)
{
    struct rng *r = &w->r;
    int p = pick_live(w);
    unsigned ks = (unsigned)below(r, 100);
    int kind = ks < 35   ? MD_ANON
               : ks < 52 ? MD_ANON_SHARED
               : ks < 72 ? MD_FILE_PRIV
                         : MD_FILE_SHARED;
    bool file = kind == MD_FILE_PRIV || kind == MD_FILE_SHARED;
    int fi = file ? (int)below(r, NFILES) : -1;
    uint64_t npages = 1 + below(r, chance(r, 20) ? 24 : 8);
    uint64_t len = npages * PG - (chance(r, 30) ? below(r, PG) : 0);
    int prot = pick_prot(w);
    int flags = kind == MD_ANON || kind == MD_FILE_PRIV ? LX_MAP_PRIVATE
                : chance(r, 20)                         ? LX_MAP_SHARED_VALIDATE
                                                        : LX_MAP_SHARED;
    if (!file)
        flags |= LX_MAP_ANONYMOUS;
    uint64_t idx0 = file ? below(r, w->md.file[fi].npages + 2) : 0;
    uint64_t off = idx0 * PG;
    unsigned place = (unsigned)below(r, 100); /* fixed, fixed-noreplace, hint, any */
    uint64_t lo = WIN_BASE / PG + below(r, WIN_PAGES);
    if (chance(r, 5)) /* in the brk heap's way */
        lo = HEAP_BASE / PG + below(r, HEAP_MAX_PAGES + 4);
    uint64_t addr = place < 85 ? lo * PG : 0;
    if (place < 55)
        flags |= LX_MAP_FIXED;
    else if (place < 70)
        flags |= LX_MAP_FIXED_NOREPLACE;

    int want = 0;
    if (chance(r, 6)) { /* invalid arguments, one at a time */
        switch (below(r, 7)) {
        case 0:
            len = 0;
            want = -EINVAL;
            break;
        case 1:
            flags |= LX_MAP_FIXED;
            addr = lo * PG + 1 + below(r, PG - 1);
            want = -EINVAL;
            break;
        case 2:
            off += 1 + below(r, PG - 1);
            want = -EINVAL;
            break;
        case 3:
            flags &= ~LX_MAP_TYPE;
            want = -EINVAL;
            break;
        case 4:
            flags |= LX_MAP_FIXED;
            addr = USER_TOP - PG;
            len = 2 * PG;
            want = -ENOMEM;
            break;
        case 5:
            flags &= ~(LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
            addr = 0;
            len = USER_TOP + PG;
            want = -ENOMEM;
            break;
        default:
            flags |= LX_MAP_FIXED;
            addr = 0x1000;
            want = -EPERM;
            break;
        }
    }
    bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
    if (want == 0 && (flags & LX_MAP_FIXED_NOREPLACE) && md_count(&w->md, p, lo, lo + npages))
        want = -EEXIST;

    logop(w, "p%d mmap 0x%" PRIx64 " len=0x%" PRIx64 " %s %s", p, addr, len, prot_str(prot),
          kind_str(kind));
    if (file)
        logres(w, " file%d+0x%" PRIx64, fi, off);
    logres(w, "%s%s", flags & LX_MAP_FIXED ? " FIXED" : "",
           flags & LX_MAP_FIXED_NOREPLACE ? " NOREPLACE"
           : fixed                        ? ""
           : addr                         ? " hint"
                                          : " any");
    vaddr_t out = va(0);
    int rc = mm_mmap(w->mm[p], va(addr), len, prot, flags, file ? w->vf[fi] : NULL, off, &out);
    logres(w, " -> %d 0x%" PRIx64, rc, out.v);
    if (want) {
        CHECK(w, rc == want, "mmap returned %d, Linux gives %d", rc, want);
        w->cov.einval += want == -EINVAL;
        return;
    }
    CHECK(w, rc == 0, "mmap returned %d, Linux gives 0", rc);
    uint64_t at = out.v / PG;
    CHECK(w, out.v % PG == 0 && out.v >= MMAP_MIN_ADDR && out.v + npages * PG <= USER_TOP,
          "mmap address 0x%" PRIx64 " is not a valid user range", out.v);
    if (fixed) {
        CHECK(w, at == lo, "fixed mmap at 0x%" PRIx64 " returned 0x%" PRIx64, lo * PG, out.v);
        md_unmap(&w->md, p, lo, lo + npages);
    } else {
        bool hint_free = addr && md_count(&w->md, p, lo, lo + npages) == 0;
        CHECK(w, !hint_free || at == lo, "free hint 0x%" PRIx64 " not used (got 0x%" PRIx64 ")",
              addr, out.v);
        CHECK(w, md_count(&w->md, p, at, at + npages) == 0,
              "mmap(hint/any) returned a mapped range 0x%" PRIx64, out.v);
    }
    int obj = kind == MD_ANON_SHARED ? md_shobj_new(&w->md, npages) : fi;
    md_map(&w->md, p, at, npages, prot, kind, obj, idx0);
}

static void op_munmap(struct world *w)
{
    int p = pick_live(w);
    uint64_t lo, n;
    pick_range(w, p, chance(&w->r, 15), 30, 20, &lo, &n);
    uint64_t addr = lo * PG, len = n * PG - (chance(&w->r, 30) ? below(&w->r, PG) : 0);
    int want = 0;
    if (chance(&w->r, 6)) {
        unsigned b = (unsigned)below(&w->r, 3);
        if (b == 0)
            addr += 1 + below(&w->r, PG - 1);
        else if (b == 1)
            len = 0;
        else /* past the end of the user half */
            addr = USER_TOP - PG, len = 2 * PG, lo = addr / PG;
        want = -EINVAL;
    }
    logop(w, "p%d munmap 0x%" PRIx64 " len=0x%" PRIx64, p, addr, len);
    int rc = mm_munmap(w->mm[p], va(addr), len);
    logres(w, " -> %d", rc);
    CHECK(w, rc == want, "munmap returned %d, Linux gives %d", rc, want);
    if (want == 0)
        md_unmap(&w->md, p, lo, lo + pages_of(len));
    else
        w->cov.einval++;
}

static void op_mprotect(struct world *w)
{
    int p = pick_live(w);
    uint64_t lo, n;
    pick_range(w, p, true, 50, 20, &lo, &n);
    uint64_t addr = lo * PG, len = n * PG - (chance(&w->r, 30) ? below(&w->r, PG) : 0);
    int prot = pick_prot(w);
    int bad = chance(&w->r, 8) ? (int)below(&w->r, 3) + 1 : 0;
    if (bad == 1)
        addr += 1 + below(&w->r, PG - 1);
    else if (bad == 2)
        prot |= 0x10;
    else if (bad == 3)
        len = 0;
    logop(w, "p%d mprotect 0x%" PRIx64 " len=0x%" PRIx64 " %s%s", p, addr, len, prot_str(prot),
          prot & 0x10 ? "+0x10" : "");
    int rc = mm_mprotect(w->mm[p], va(addr), len, prot);
    logres(w, " -> %d", rc);
    int want = bad == 1 || bad == 2 ? -EINVAL
               : bad == 3           ? 0
                                    : md_mprotect(&w->md, p, lo, lo + pages_of(len), prot);
    CHECK(w, rc == want, "mprotect returned %d, Linux gives %d", rc, want);
    w->cov.einval += want == -EINVAL;
}

/* Length of an access at addr: small ones mostly, some across pages; one
 * page at most under memory pressure (an -ENOMEM then means nothing was written). */
static uint64_t pick_len(struct world *w, uint64_t addr)
{
    if (w->small)
        return 1 + below(&w->r, PG - addr % PG);
    unsigned s = (unsigned)below(&w->r, 100);
    return 1 + below(&w->r, s < 55 ? 64 : s < 85 ? PG : 3 * PG);
}

static void op_write(struct world *w)
{
    static uint8_t buf[3 * PG];
    int p = pick_live(w);
    uint64_t addr = pick_addr(w, p), len = pick_len(w, addr), bad = UINT64_MAX;
    fill_random(w, buf, len);
    enum md_fault f = md_range_access(&w->md, p, addr, len, MD_WRITE, &bad);
    const struct md_page *g0 = md_find(&w->md, p, addr / PG);
    logop(w, "p%d write 0x%" PRIx64 " len=0x%" PRIx64, p, addr, len);
    struct segv sv;
    memset(&sv, 0, sizeof sv);
    int rc = copyout(w->mm[p], va(addr), buf, len, &sv);
    logres(w, " -> %d", rc);
    if (rc == -ENOMEM) {
        CHECK(w, w->small, "copyout: -ENOMEM with plenty of memory");
        w->cov.enomem++;
        return;
    }
    if (f == MD_OK) {
        CHECK(w, rc == 0,
              "copyout returned %d (segv %d/%d at 0x%" PRIx64 "), model says it succeeds", rc,
              sv.signo, sv.code, sv.addr.v);
        w->cov.writes_ok++;
        w->cov.cow_writes += g0 && g0->kind == MD_FILE_PRIV && !g0->cowed;
        w->cov.shared_writes += g0 && g0->kind == MD_FILE_SHARED;
    } else {
        uint64_t fault_addr = bad * PG > addr ? bad * PG : addr;
        logres(w, " segv %d/%d 0x%" PRIx64, sv.signo, sv.code, sv.addr.v);
        CHECK(w, rc == -1, "copyout returned %d, model says it faults at 0x%" PRIx64, rc,
              fault_addr);
        check_segv(w, &sv, f, fault_addr, ACCESS_WRITE);
    }
    md_write(&w->md, p, addr, buf, len, bad);
}

static void op_read(struct world *w)
{
    static uint8_t got[3 * PG], want[3 * PG];
    int p = pick_live(w);
    uint64_t addr = pick_addr(w, p), len = pick_len(w, addr), bad = UINT64_MAX;
    if (w->small && chance(&w->r, 30)) /* reads may cross pages: -ENOMEM changes nothing */
        len = 1 + below(&w->r, 2 * PG);
    enum md_fault f = md_range_access(&w->md, p, addr, len, MD_READ, &bad);
    logop(w, "p%d read 0x%" PRIx64 " len=0x%" PRIx64, p, addr, len);
    struct segv sv;
    memset(&sv, 0, sizeof sv);
    int rc = copyin(w->mm[p], got, va(addr), len, &sv);
    logres(w, " -> %d", rc);
    if (rc == -ENOMEM) {
        CHECK(w, w->small, "copyin: -ENOMEM with plenty of memory");
        w->cov.enomem++;
        return;
    }
    if (f != MD_OK) {
        uint64_t fault_addr = bad * PG > addr ? bad * PG : addr;
        logres(w, " segv %d/%d 0x%" PRIx64, sv.signo, sv.code, sv.addr.v);
        CHECK(w, rc == -1, "copyin returned %d, model says it faults at 0x%" PRIx64, rc,
              fault_addr);
        check_segv(w, &sv, f, fault_addr, ACCESS_READ);
        return;
    }
    CHECK(w, rc == 0, "copyin returned %d (segv %d/%d at 0x%" PRIx64 "), model says it succeeds",
          rc, sv.signo, sv.code, sv.addr.v);
    md_read(&w->md, p, addr, want, len);
    for (uint64_t i = 0; i < len; i++)
        CHECK(w, got[i] == want[i], "byte at 0x%" PRIx64 " is 0x%02x, model says 0x%02x", addr + i,
              got[i], want[i]);
    w->cov.reads_ok++;
}

/* copyin_str: the string up to its NUL, a fault at the first page it reaches
 * that cannot be read, or -ENAMETOOLONG when max bytes hold no NUL. */
static void op_str(struct world *w)
{
    static char got[2 * PG], want[2 * PG];
    int p = pick_live(w);
    uint64_t addr = pick_addr(w, p), max = 1 + below(&w->r, chance(&w->r, 50) ? 64 : 2 * PG);
    enum md_fault f = MD_OK;
    uint64_t n = 0, fault_addr = 0; /* bytes the model copies, NUL included */
    bool nul = false;
    while (n < max && !nul) {
        uint64_t a = addr + n;
        f = md_access(&w->md, p, a / PG, MD_READ);
        if (f != MD_OK) {
            fault_addr = a;
            break;
        }
        uint64_t chunk = PG - a % PG < max - n ? PG - a % PG : max - n;
        const uint8_t *src = md_page_bytes(&w->md, md_find(&w->md, p, a / PG)) + a % PG;
        const uint8_t *z = memchr(src, 0, chunk);
        uint64_t take = z ? (uint64_t)(z - src) + 1 : chunk;
        memcpy(want + n, src, take);
        n += take;
        nul = z != NULL;
    }
    logop(w, "p%d str 0x%" PRIx64 " max=0x%" PRIx64, p, addr, max);
    struct segv sv;
    memset(&sv, 0, sizeof sv);
    int rc = copyin_str(w->mm[p], got, va(addr), max, &sv);
    logres(w, " -> %d", rc);
    if (rc == -ENOMEM) {
        CHECK(w, w->small, "copyin_str: -ENOMEM with plenty of memory");
        w->cov.enomem++;
        return;
    }
    if (f != MD_OK) {
        CHECK(w, rc == -1, "copyin_str returned %d, model says it faults at 0x%" PRIx64, rc,
              fault_addr);
        check_segv(w, &sv, f, fault_addr, ACCESS_READ);
        return;
    }
    if (!nul) {
        CHECK(w, rc == -ENAMETOOLONG,
              "copyin_str returned %d, model: no NUL in 0x%" PRIx64 " bytes", rc, max);
        return;
    }
    CHECK(w, rc == 0, "copyin_str returned %d, model: a %" PRIu64 "-byte string", rc, n);
    CHECK(w, memcmp(got, want, n) == 0, "copyin_str: the string differs from the model's");
    w->cov.reads_ok++;
}

/* A single access through the fault handler or the translation path. */
static void op_fault(struct world *w)
{
    static const char *acc_name[3] = {"read", "write", "exec"};
    int p = pick_live(w);
    uint64_t addr = pick_addr(w, p);
    int acc = (int)below(&w->r, 3);
    bool translate = chance(&w->r, 50);
    enum md_fault f = md_access(&w->md, p, addr / PG, acc);
    logop(w, "p%d %s %s 0x%" PRIx64, p, translate ? "translate" : "fault", acc_name[acc], addr);
    struct segv sv;
    memset(&sv, 0, sizeof sv);
    struct translation tr;
    memset(&tr, 0, sizeof tr);
    int rc = translate ? mm_translate(w->mm[p], va(addr), (enum access)acc, &tr, NULL, &sv)
                       : mm_fault(w->mm[p], va(addr), (enum access)acc, &sv);
    logres(w, " -> %d", rc);
    if (rc == -ENOMEM) {
        CHECK(w, w->small, "fault: -ENOMEM with plenty of memory");
        w->cov.enomem++;
        return;
    }
    if (f != MD_OK) {
        CHECK(w, rc == -1, "fault returned %d, model says it fails", rc);
        check_segv(w, &sv, f, addr, (enum access)acc);
        return;
    }
    CHECK(w, rc == 0, "fault returned %d (segv %d/%d), model says it succeeds", rc, sv.signo,
          sv.code);
    struct md_page *g = md_find(&w->md, p, addr / PG);
    if (acc == MD_WRITE)
        md_write_fault(&w->md, p, g);
    if (translate) {
        CHECK(w, tr.host != NULL, "translation without a host pointer");
        uint8_t want = md_page_bytes(&w->md, g)[addr % PG];
        CHECK(w, *tr.host == want, "translated byte at 0x%" PRIx64 " is 0x%02x, model 0x%02x", addr,
              *tr.host, want);
    }
}

/* Writes a few bytes into each of n mapped pages of a process (from a random
 * one on, in address order; pages that fault are checked and skipped): fills
 * memory, and runs the small machine out of frames. */
static void op_fill(struct world *w)
{
    int p = pick_live(w);
    const struct md_proc *mp = &w->md.proc[p];
    if (!mp->n)
        return;
    size_t first = below(&w->r, mp->n);
    uint64_t n = 1 + below(&w->r, w->small ? 64 : 32), nsegv = 0;
    logop(w, "p%d fill from 0x%" PRIx64 " pages=%" PRIu64, p, mp->pg[first].vpn * PG, n);
    for (size_t i = first; i < first + n && i < mp->n; i++) {
        uint8_t buf[8];
        uint64_t vpn = mp->pg[i].vpn, bad = UINT64_MAX;
        uint64_t addr = vpn * PG + below(&w->r, PG - sizeof buf);
        fill_random(w, buf, sizeof buf);
        enum md_fault f = md_range_access(&w->md, p, addr, sizeof buf, MD_WRITE, &bad);
        struct segv sv;
        memset(&sv, 0, sizeof sv);
        int rc = copyout(w->mm[p], va(addr), buf, sizeof buf, &sv);
        if (rc == -ENOMEM) {
            CHECK(w, w->small, "copyout at 0x%" PRIx64 ": -ENOMEM with plenty of memory", addr);
            logres(w, " -> ENOMEM at 0x%" PRIx64, addr);
            w->cov.enomem++;
            return;
        }
        if (f != MD_OK) {
            CHECK(w, rc == -1, "copyout returned %d, model says it faults at 0x%" PRIx64, rc, addr);
            check_segv(w, &sv, f, addr, ACCESS_WRITE);
            nsegv++;
            continue;
        }
        CHECK(w, rc == 0,
              "copyout at 0x%" PRIx64 " returned %d (segv %d/%d), model says it succeeds", addr, rc,
              sv.signo, sv.code);
        const struct md_page *g = &mp->pg[i];
        w->cov.cow_writes += g->kind == MD_FILE_PRIV && !g->cowed;
        w->cov.shared_writes += g->kind == MD_FILE_SHARED;
        md_write(&w->md, p, addr, buf, sizeof buf, UINT64_MAX);
        w->cov.writes_ok++;
    }
    logres(w, " -> done, %" PRIu64 " faults", nsegv);
}

static void op_brk(struct world *w)
{
    struct rng *r = &w->r;
    int p = pick_live(w);
    struct md_proc *mp = &w->md.proc[p];
    uint64_t old = mp->brk, base = mp->brk_base, newbrk;
    unsigned s = (unsigned)below(r, 100);
    if (s < 40) {
        newbrk = old + below(r, 8) * PG + below(r, PG);
        if (newbrk > base + HEAP_MAX_PAGES * PG)
            newbrk = base + below(r, HEAP_MAX_PAGES * PG);
    } else if (s < 70) {
        uint64_t d = below(r, 8) * PG + below(r, PG);
        newbrk = old - (d < old - base ? d : old - base);
    } else if (s < 80) {
        newbrk = 0;
    } else if (s < 90) {
        newbrk = base - PG * (1 + below(r, 4));
    } else {
        newbrk = base;
    }
    /* Linux brk(): below the start changes nothing; within the same page
     * only the value moves; shrinking unmaps [new, old) but fails if nothing
     * is mapped there any more; growing needs [old, new) and one guard page
     * above it free of mappings. */
    uint64_t oe = pages_of(old), ne = pages_of(newbrk), want = newbrk;
    if (newbrk < base)
        want = old;
    else if (ne < oe && md_count(&w->md, p, ne, oe) == 0)
        want = old;
    else if (ne > oe && md_count(&w->md, p, oe, ne + 1) != 0)
        want = old;
    logop(w, "p%d brk 0x%" PRIx64 " (was 0x%" PRIx64 ")", p, newbrk, old);
    uint64_t got = mm_brk(w->mm[p], va(newbrk)).v;
    logres(w, " -> 0x%" PRIx64, got);
    CHECK(w, got == want, "brk returned 0x%" PRIx64 ", Linux gives 0x%" PRIx64, got, want);
    if (want != newbrk)
        return;
    if (ne > oe)
        md_map(&w->md, p, oe, ne - oe, LX_PROT_READ | LX_PROT_WRITE, MD_ANON, -1, 0);
    else if (ne < oe)
        md_unmap(&w->md, p, ne, oe);
    mp->brk = want;
}

static void op_msync(struct world *w)
{
    struct rng *r = &w->r;
    int p = pick_live(w);
    uint64_t lo, n;
    pick_range(w, p, true, 50, 12, &lo, &n);
    uint64_t addr = lo * PG, len = n * PG - (chance(r, 30) ? below(r, PG) : 0);
    unsigned s = (unsigned)below(r, 100);
    int flags = s < 50   ? LX_MS_SYNC
                : s < 70 ? LX_MS_ASYNC
                : s < 85 ? LX_MS_SYNC | LX_MS_INVALIDATE
                : s < 90 ? LX_MS_ASYNC | LX_MS_SYNC
                : s < 95 ? LX_MS_SYNC | 0x8
                         : LX_MS_SYNC;
    if (s >= 95)
        addr += 1 + below(r, PG - 1);
    bool bad = s >= 85;
    logop(w, "p%d msync 0x%" PRIx64 " len=0x%" PRIx64 " flags=%d", p, addr, len, flags);
    int rc = mm_msync(w->mm[p], va(addr), len, flags);
    logres(w, " -> %d", rc);
    int want = bad ? -EINVAL : md_msync(&w->md, p, lo, lo + pages_of(len), flags & LX_MS_SYNC);
    CHECK(w, rc == want, "msync returned %d, Linux gives %d", rc, want);
    w->cov.einval += bad;
}

/* madvise: MADV_DONTNEED drops private contents; NORMAL/RANDOM/SEQUENTIAL
 * change nothing. (MADV_FREE is left out: Linux may or may not drop the
 * pages, so no single answer is right.) */
static void op_madvise(struct world *w)
{
    struct rng *r = &w->r;
    int p = pick_live(w);
    uint64_t lo, n;
    pick_range(w, p, true, 60, 12, &lo, &n);
    uint64_t addr = lo * PG, len = n * PG - (chance(r, 30) ? below(r, PG) : 0);
    unsigned s = (unsigned)below(r, 100);
    int advice = s < 65 ? LX_MADV_DONTNEED : s < 90 ? (int)below(r, 3) : 7;
    bool bad = s >= 90;
    if (bad && chance(r, 50))
        advice = LX_MADV_DONTNEED, addr += 1 + below(r, PG - 1);
    logop(w, "p%d madvise 0x%" PRIx64 " len=0x%" PRIx64 " advice=%d", p, addr, len, advice);
    int rc = mm_madvise(w->mm[p], va(addr), len, advice);
    logres(w, " -> %d", rc);
    int want = bad ? -EINVAL
               : advice == LX_MADV_DONTNEED
                   ? md_dontneed(&w->md, p, lo, lo + pages_of(len))
                   : (md_count(&w->md, p, lo, lo + pages_of(len)) == pages_of(len) ? 0 : -ENOMEM);
    CHECK(w, rc == want, "madvise returned %d, Linux gives %d", rc, want);
    w->cov.einval += want == -EINVAL;
}

static void do_random_op(struct world *w)
{
    if (nlive(w) == 0) {
        op_new(w);
        return;
    }
    unsigned s = (unsigned)below(&w->r, 100);
    if (s < 3)
        op_new(w);
    else if (s < 7)
        op_fork(w);
    else if (s < 11)
        op_exit(w);
    else if (s < 26)
        op_mmap(w);
    else if (s < 32)
        op_munmap(w);
    else if (s < 39)
        op_mprotect(w);
    else if (s < 57)
        op_write(w);
    else if (s < 65 && w->small) /* more filling under memory pressure */
        op_fill(w);
    else if (s < 70)
        op_read(w);
    else if (s < 73)
        op_str(w);
    else if (s < 81)
        op_fault(w);
    else if (s < 87)
        op_fill(w);
    else if (s < 91)
        op_brk(w);
    else if (s < 94)
        op_madvise(w);
    else
        op_msync(w);
}

#endif
