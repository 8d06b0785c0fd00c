/* kernel/inspect.h: the read-only view reports are built from. Checked
 * against what the test did (the regions it mapped, the pages it touched),
 * the MMU's own walk (mm_translate) and the kernel's counters. */
#include "kernel_test_util.h"

#include "kernel/mm/inspect.h"

/* ---- collectors --------------------------------------------------------- */

#define MAXV 64
struct vmas {
    struct insp_vma v[MAXV];
    char names[MAXV][256];
    int n;
};

static void on_vma(void *ctx, const struct insp_vma *v)
{
    struct vmas *c = ctx;
    assert_true(c->n < MAXV);
    c->v[c->n] = *v;
    snprintf(c->names[c->n], sizeof c->names[c->n], "%s", v->name ? v->name : "");
    c->v[c->n].name = c->names[c->n];
    c->n++;
}

#define MAXT 256
#define MAXL 4096
struct tree {
    struct insp_table t[MAXT];
    int nt;
    struct insp_pte l[MAXL];
    int nl;
};

static void on_table(void *ctx, const struct insp_table *t)
{
    struct tree *c = ctx;
    assert_true(c->nt < MAXT);
    /* Parents come before children. */
    bool parent_seen = t->parent_pfn == INSP_NO_PARENT;
    for (int i = 0; i < c->nt && !parent_seen; i++)
        parent_seen = c->t[i].pfn == t->parent_pfn && c->t[i].level == t->level + 1;
    assert_true(parent_seen);
    c->t[c->nt++] = *t;
}

static void on_pte(void *ctx, const struct insp_pte *e)
{
    struct tree *c = ctx;
    assert_true(c->nl < MAXL);
    c->l[c->nl++] = *e;
}

struct frame_rec {
    uint64_t pfn;
    enum insp_use use;
    enum insp_frame_role role;
    uint32_t mapcount, nmappers;
    struct insp_mapper m[8];
    char owner[256];
    uint64_t index;
};

struct frames_seen {
    struct frame_rec *f;
    uint64_t n, cap;
    uint64_t per_use[INSP_NUSES];
};

static void on_frame(void *ctx, const struct insp_frame *f)
{
    struct frames_seen *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->f = realloc(c->f, c->cap * sizeof *c->f);
        assert_non_null(c->f);
    }
    assert_true(c->n == 0 || c->f[c->n - 1].pfn < f->pfn); /* pfn order */
    assert_int_equal(f->nmappers, f->mapcount);
    struct frame_rec *r = &c->f[c->n++];
    *r = (struct frame_rec){.pfn = f->pfn,
                            .use = f->use,
                            .role = f->role,
                            .mapcount = f->mapcount,
                            .nmappers = f->nmappers,
                            .index = f->index};
    for (uint32_t i = 0; i < f->nmappers && i < 8; i++)
        r->m[i] = f->mappers[i];
    snprintf(r->owner, sizeof r->owner, "%s", f->owner ? f->owner : "");
    c->per_use[f->use]++;
}

static const struct frame_rec *find_frame(const struct frames_seen *c, uint64_t pfn)
{
    for (uint64_t i = 0; i < c->n; i++)
        if (c->f[i].pfn == pfn)
            return &c->f[i];
    return NULL;
}

static bool has_mapper(const struct frame_rec *r, const struct mm *mm, uint64_t a)
{
    for (uint32_t i = 0; i < r->nmappers && i < 8; i++)
        if (r->m[i].mm == mm && r->m[i].va == a)
            return true;
    return false;
}

/* ---- tests -------------------------------------------------------------- */

static void test_vmas(void **state)
{
    struct kt *t = *state;
    char path[256];
    kt_make_file(t, "data.bin", 3 * PAGE_SIZE, path);
    int err = 0;
    struct vfile *f = vfile_open(t->k, path, NULL, true, &err);
    assert_non_null(f);
    struct mm *mm = mm_new(t->k);
    kt_mmap(mm, 0x400000, 2 * PAGE_SIZE, LX_PROT_READ | LX_PROT_EXEC, LX_MAP_PRIVATE | LX_MAP_FIXED,
            f, PAGE_SIZE);
    kt_mmap(mm, 0x600000, PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_FIXED, f, 0);
    kt_mmap(mm, 0x700000, 4 * PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    kt_mmap(mm, 0x800000, PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0);
    mm_set_brk_base(mm, va(0x1000000));
    assert_int_equal(mm_brk(mm, va(0x1002000)).v, 0x1002000);
    vaddr_t vdso;
    assert_int_equal(mm_map_vdso(mm, &vdso), 0);
    vfile_put(f);

    struct vmas c = {0};
    inspect_vmas(mm, on_vma, &c);
    assert_int_equal(c.n, 6);
    /* In address order: text, shared file, anon, shmem, heap, vdso. */
    assert_int_equal(c.v[0].start, 0x400000);
    assert_int_equal(c.v[0].end, 0x402000);
    assert_int_equal(c.v[0].kind, INSP_VMA_FILE);
    assert_int_equal(c.v[0].prot, LX_PROT_READ | LX_PROT_EXEC);
    assert_false(c.v[0].shared);
    assert_int_equal(c.v[0].pgoff, 1);
    assert_string_equal(c.names[0], path);
    assert_int_equal(c.v[1].kind, INSP_VMA_FILE);
    assert_true(c.v[1].shared);
    assert_int_equal(c.v[2].kind, INSP_VMA_ANON);
    assert_int_equal(c.v[2].end - c.v[2].start, 4 * PAGE_SIZE);
    assert_int_equal(c.v[3].kind, INSP_VMA_SHMEM);
    assert_true(c.v[3].shared);
    assert_int_equal(c.v[4].kind, INSP_VMA_HEAP);
    assert_string_equal(c.names[4], "[heap]");
    assert_int_equal(c.v[4].start, 0x1000000);
    assert_int_equal(c.v[5].kind, INSP_VMA_VDSO);
    assert_int_equal(c.v[5].start, vdso.v);
    assert_string_equal(insp_vma_kind_name(INSP_VMA_STACK), "stack");
    mm_destroy(mm);
}

static void test_pagetable(void **state)
{
    struct kt *t = *state;
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    /* Pages under different tables at every level. */
    const uint64_t pages[] = {0x400000, 0x401000, 0x600000, 0x40000000, 0x7f0000000000};
    const int np = sizeof pages / sizeof pages[0];
    for (int i = 0; i < np; i++) {
        kt_mmap(a, pages[i], PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
        kt_write(a, pages[i], "x", 1);
    }
    struct tree *ta = calloc(1, sizeof *ta), *tb = calloc(1, sizeof *tb);
    inspect_pagetable(a, false, on_table, on_pte, ta);
    /* Leaves: exactly the touched pages, with the pfn the MMU's walk finds. */
    assert_int_equal(ta->nl, np);
    for (int i = 0; i < np; i++) {
        assert_int_equal(ta->l[i].va, pages[i]); /* address order */
        assert_true(ta->l[i].present);
        assert_false(ta->l[i].kernel);
        assert_int_equal(ta->l[i].pfn, kt_pfn(a, pages[i], ACCESS_READ));
        assert_true(ta->l[i].bits & PTE_U);
    }
    struct mm_info mi;
    mm_get_info(a, &mi);
    assert_int_equal((uint64_t)ta->nt, mi.pagetable_pages); /* root included */
    assert_int_equal(ta->t[0].level, 3);
    assert_int_equal(ta->t[0].pfn, mi.satp & SATP_PPN_MASK);
    /* A level-0 table covers 2 MiB: one for 0x400000-0x401000, one each for
     * 0x600000, 0x40000000 and the top page. */
    int l0 = 0;
    for (int i = 0; i < ta->nt; i++)
        l0 += ta->t[i].level == 0;
    assert_int_equal(l0, 4);

    /* The kernel half: the same tables in every address space. */
    inspect_pagetable(a, true, on_table, NULL, ta = memset(ta, 0, sizeof *ta));
    inspect_pagetable(b, true, on_table, NULL, tb);
    int ka = 0;
    for (int i = 0; i < ta->nt; i++) {
        if (!ta->t[i].kernel)
            continue;
        ka++;
        bool in_b = false;
        for (int j = 0; j < tb->nt; j++)
            in_b |= tb->t[j].pfn == ta->t[i].pfn && tb->t[j].kernel;
        assert_true(in_b);
        assert_true(ta->t[i].base_va >= 0xffff800000000000ULL); /* sign-extended */
    }
    assert_true(ka >= 1);
    free(ta);
    free(tb);
    mm_destroy(a);
    mm_destroy(b);
}

static void test_frames(void **state)
{
    struct kt *t = *state;
    char path[256];
    kt_make_file(t, "shared.bin", PAGE_SIZE, path);
    int err = 0;
    struct vfile *f = vfile_open(t->k, path, NULL, true, &err);
    assert_non_null(f);
    struct mm *p = mm_new(t->k);
    uint64_t anon = kt_mmap(p, 0x400000, 2 * PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    kt_write(p, anon, "a", 1);
    kt_write(p, anon + PAGE_SIZE, "b", 1);
    struct mm *c = mm_fork(p);
    assert_non_null(c);
    kt_write(c, anon + PAGE_SIZE, "c", 1); /* COW: c gets its own copy */
    struct mm *q = mm_new(t->k);
    kt_mmap(p, 0x600000, PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_FIXED, f, 0);
    kt_mmap(q, 0x9000000, PAGE_SIZE, RW, LX_MAP_SHARED | LX_MAP_FIXED, f, 0);
    kt_write(q, 0x9000000, "q", 1);
    kt_byte(p, 0x600000);
    vaddr_t vd;
    assert_int_equal(mm_map_vdso(q, &vd), 0);
    kt_byte(q, vd.v);
    vfile_put(f);
    KT_CHECK(t);

    struct frames_seen s = {0};
    uint64_t n = inspect_frames(t->k, on_frame, &s);
    assert_int_equal(n, s.n);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(n, ki.total_frames - ki.free_frames);
    uint64_t counts[INSP_NUSES];
    inspect_frame_counts(t->k, counts);
    for (int u = INSP_ANON; u < INSP_NUSES; u++)
        assert_int_equal(counts[u], s.per_use[u]);
    assert_int_equal(s.per_use[INSP_ANON], ki.anon_frames);
    assert_int_equal(s.per_use[INSP_FILE], ki.file_frames);
    assert_int_equal(s.per_use[INSP_PAGETABLE] + s.per_use[INSP_KERNEL],
                     ki.pagetable_frames + ki.kernel_frames);
    assert_string_equal(insp_use_name(INSP_ANON), "anon");

    /* Shared after fork: one frame, mappers p and c at the same address. */
    uint64_t shared = kt_pfn(p, anon, ACCESS_READ);
    assert_int_equal(shared, kt_pfn(c, anon, ACCESS_READ));
    const struct frame_rec *r = find_frame(&s, shared);
    assert_non_null(r);
    assert_int_equal(r->use, INSP_ANON);
    assert_int_equal(r->mapcount, 2);
    assert_true(has_mapper(r, p, anon) && has_mapper(r, c, anon));
    for (int i = 0; i < 2; i++) {
        assert_false(r->m[i].vma_shared);
        assert_false(r->m[i].pte_bits & PTE_W); /* COW pending: read-only */
    }
    /* Copied: one mapper each. */
    r = find_frame(&s, kt_pfn(c, anon + PAGE_SIZE, ACCESS_READ));
    assert_non_null(r);
    assert_int_equal(r->mapcount, 1);
    assert_true(has_mapper(r, c, anon + PAGE_SIZE));
    /* MAP_SHARED file page: p and q at their own addresses; owner and index. */
    uint64_t fp = kt_pfn(p, 0x600000, ACCESS_READ);
    assert_int_equal(fp, kt_pfn(q, 0x9000000, ACCESS_READ));
    r = find_frame(&s, fp);
    assert_non_null(r);
    assert_int_equal(r->use, INSP_FILE);
    assert_int_equal(r->mapcount, 2);
    assert_true(has_mapper(r, p, 0x600000) && has_mapper(r, q, 0x9000000));
    assert_true(r->m[0].vma_shared && r->m[1].vma_shared);
    assert_string_equal(r->owner, path);
    assert_int_equal(r->index, 0);
    /* Kernel frames: text, data, vDSO (mapped by q), the kernel root. */
    int text = 0, data = 0, vdso = 0, root = 0, ktables = 0;
    for (uint64_t i = 0; i < s.n; i++) {
        text += s.f[i].role == INSP_ROLE_KERNEL_TEXT;
        data += s.f[i].role == INSP_ROLE_KERNEL_DATA;
        root += s.f[i].role == INSP_ROLE_KERNEL_ROOT;
        ktables += s.f[i].role == INSP_ROLE_KERNEL_TABLE;
        if (s.f[i].role == INSP_ROLE_VDSO) {
            vdso++;
            assert_int_equal(s.f[i].use, INSP_KERNEL);
            assert_int_equal(s.f[i].pfn, kt_pfn(q, vd.v, ACCESS_READ));
            assert_true(has_mapper(&s.f[i], q, vd.v));
        }
    }
    assert_int_equal(text, 1);
    assert_int_equal(data, 1);
    assert_int_equal(vdso, 1);
    assert_int_equal(root, 1);
    /* The kernel half's tables below its root. */
    assert_int_equal((uint64_t)(ktables + root), ki.kernel_frames - 4); /* text, data, vDSO, zero page */
    assert_string_equal(insp_role_name(INSP_ROLE_VDSO), "vdso");
    assert_null(insp_role_name(INSP_ROLE_NONE));

    /* Every live address space, once. */
    free(s.f);
    mm_destroy(q);
    mm_destroy(c);
    mm_destroy(p);
}

static void count_mm(void *ctx, struct mm *mm)
{
    (void)mm;
    (*(int *)ctx)++;
}

static void test_each_mm(void **state)
{
    struct kt *t = *state;
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    int n = 0;
    inspect_each_mm(t->k, count_mm, &n);
    assert_int_equal(n, 2);
    mm_destroy(a);
    n = 0;
    inspect_each_mm(t->k, count_mm, &n);
    assert_int_equal(n, 1);
    uint64_t first, end;
    inspect_ram(t->k, &first, &end);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(end - first, ki.total_frames);
    assert_int_equal(first, 0x80000000ULL >> PAGE_SHIFT);
    mm_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vmas, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pagetable, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_frames, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_each_mm, kt_fixture_setup, kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
