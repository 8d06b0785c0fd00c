/* The kernel's event interface (kernel/event.h): each kind of fault is
 * classified as the fault handler's semantics say (a plain model of what
 * each access must do), the frames named agree with the translations, the
 * counts agree with the counters, and nothing is delivered without a
 * listener. */
#include "kernel_test_util.h"

#include "kernel/mm/event.h"

#define MAXEV 4096

struct rec {
    int n;
    struct vm_event ev[MAXEV];
};

static void record(void *ctx, const struct vm_event *ev)
{
    struct rec *r = ctx;
    assert_true(r->n < MAXEV);
    r->ev[r->n] = *ev;
    r->ev[r->n].name = NULL; /* valid only during the call */
    r->ev[r->n].vma_name = NULL;
    r->n++;
}

static int count(const struct rec *r, enum vm_event_kind kind, int fault)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        n += r->ev[i].kind == kind && (fault < 0 || r->ev[i].fault == fault);
    return n;
}

/* The last event of kind (and fault type, if >= 0). */
static const struct vm_event *last(const struct rec *r, enum vm_event_kind kind, int fault)
{
    for (int i = r->n - 1; i >= 0; i--)
        if (r->ev[i].kind == kind && (fault < 0 || r->ev[i].fault == fault))
            return &r->ev[i];
    fail_msg("no %s event", vm_event_name(kind));
    return NULL;
}

static void test_anon_and_cow(void **state)
{
    struct kt *t = *state;
    static struct rec r;
    r.n = 0;
    kernel_set_event_sink(t->k, record, &r);
    struct mm *a = mm_new(t->k);
    uint64_t base = kt_mmap(a, 0x400000, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    const struct vm_event *m = last(&r, VM_EV_MMAP, -1);
    assert_int_equal(m->va, base);
    assert_int_equal(m->len, 4 * PAGE_SIZE);
    assert_ptr_equal(m->mm, a);

    kt_write(a, base + 0x10, "x", 1);
    kt_write(a, base + PAGE_SIZE + 0x20, "y", 1);
    assert_int_equal(count(&r, VM_EV_FAULT, VM_FAULT_DEMAND_ZERO), 2);
    const struct vm_event *f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->va, base + PAGE_SIZE + 0x20);
    assert_int_equal(f->access, ACCESS_WRITE);
    assert_int_equal(f->outcome, 0);
    assert_int_equal(f->pte_before, 0);
    assert_true(f->pte_after & PTE_V);
    assert_int_equal(f->pfn, kt_pfn(a, base + PAGE_SIZE, ACCESS_READ));
    assert_int_equal(f->vma_start, base);
    assert_int_equal(f->vma_end, base + 4 * PAGE_SIZE);

    /* fork, then the child writes: a copy from the parent's frame. */
    uint64_t parent_pfn = kt_pfn(a, base, ACCESS_READ);
    struct mm *b = mm_fork(a);
    assert_non_null(b);
    kt_write(b, base, "c", 1);
    const struct vm_event *c = last(&r, VM_EV_COW_COPY, -1);
    assert_ptr_equal(c->mm, b);
    assert_int_equal(c->va, base);
    assert_int_equal(c->pfn, parent_pfn);
    assert_int_equal(c->pfn2, kt_pfn(b, base, ACCESS_READ));
    assert_int_not_equal(c->pfn2, parent_pfn);
    assert_int_equal(last(&r, VM_EV_FAULT, -1)->fault, VM_FAULT_COW_COPY);
    /* The parent is now the page's only mapper: it takes it back. */
    kt_write(a, base, "p", 1);
    f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->fault, VM_FAULT_COW_REUSE);
    assert_ptr_equal(f->mm, a);
    assert_int_equal(f->pfn, parent_pfn);

    /* Counting contract of event.h. */
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(count(&r, VM_EV_FAULT, -1), ki.c.pgfault);
    assert_int_equal(count(&r, VM_EV_FAULT, VM_FAULT_DEMAND_ZERO), ki.c.zero_fills);
    assert_int_equal(count(&r, VM_EV_COW_COPY, -1), ki.c.cow_copies);

    /* munmap: the event, and a page flush of the present page. */
    int before = r.n;
    assert_int_equal(mm_munmap(b, va(base), PAGE_SIZE), 0);
    bool flushed = false;
    for (int i = before; i < r.n; i++)
        if (r.ev[i].kind == VM_EV_TLB_FLUSH && r.ev[i].scope == VM_FLUSH_PAGE &&
            r.ev[i].va == base && r.ev[i].mm == b)
            flushed = true;
    assert_true(flushed);
    assert_int_equal(last(&r, VM_EV_MUNMAP, -1)->len, PAGE_SIZE);

    /* madvise(DONTNEED) and mremap: one event each, with their arguments and
     * result (a failing mremap too). */
    uint64_t rg = kt_mmap(b, 0x700000, 2 * PAGE_SIZE, LX_PROT_READ | LX_PROT_WRITE, ANON_PRIV, NULL, 0);
    assert_int_equal(mm_madvise(b, va(rg), 2 * PAGE_SIZE, LX_MADV_DONTNEED), 0);
    const struct vm_event *ma = last(&r, VM_EV_MADVISE, -1);
    assert_non_null(ma);
    assert_true(ma->va == rg && ma->len == 2 * PAGE_SIZE && ma->flags == LX_MADV_DONTNEED &&
                ma->outcome == 0);
    vaddr_t moved;
    assert_int_equal(mm_mremap(b, va(rg), 2 * PAGE_SIZE, 4 * PAGE_SIZE, LX_MREMAP_MAYMOVE,
                               va(0), &moved), 0);
    const struct vm_event *mr = last(&r, VM_EV_MREMAP, -1);
    assert_non_null(mr);
    assert_true(mr->va == rg && mr->len == 2 * PAGE_SIZE && mr->aux == moved.v &&
                mr->pfn2 == 4 * PAGE_SIZE && mr->outcome == 0);
    assert_int_equal(mm_mremap(b, va(rg + 1), PAGE_SIZE, PAGE_SIZE, 0, va(0), &moved), -EINVAL);
    assert_int_equal(last(&r, VM_EV_MREMAP, -1)->outcome, -EINVAL);
    mm_destroy(b);
    mm_destroy(a);
    kernel_set_event_sink(t->k, NULL, NULL);
}

static void test_segv_and_silence(void **state)
{
    struct kt *t = *state;
    static struct rec r;
    r.n = 0;
    kernel_set_event_sink(t->k, record, &r);
    struct mm *a = mm_new(t->k);
    uint64_t ro = kt_mmap(a, 0x500000, PAGE_SIZE, LX_PROT_READ, ANON_PRIV, NULL, 0);
    struct segv sv;
    assert_int_equal(kt_access(a, 0x900000, ACCESS_READ, &sv), -1);
    const struct vm_event *f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->fault, VM_FAULT_SEGV);
    assert_int_equal(f->outcome, -1);
    assert_int_equal(f->signo, LX_SIGSEGV);
    assert_int_equal(f->si_code, LX_SEGV_MAPERR);
    assert_int_equal(f->vma_end, 0);
    assert_int_equal(kt_access(a, ro, ACCESS_WRITE, &sv), -1);
    f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->si_code, LX_SEGV_ACCERR);
    assert_int_equal(f->vma_start, ro);
    /* the caller still gets its segv */
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(sv.addr.v, ro);

    kernel_set_event_sink(t->k, NULL, NULL);
    int n = r.n;
    uint64_t rw = kt_mmap(a, 0x600000, PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    kt_write(a, rw, "z", 1);
    assert_int_equal(mm_munmap(a, va(rw), PAGE_SIZE), 0);
    assert_int_equal(r.n, n);
    mm_destroy(a);
}

static void test_file_and_brk(void **state)
{
    struct kt *t = *state;
    static struct rec r;
    r.n = 0;
    char path[128];
    kt_make_file(t, "f", 3 * PAGE_SIZE, path);
    int err;
    struct vfile *vf = vfile_open(t->k, path, NULL, false, &err);
    assert_non_null(vf);
    kernel_set_event_sink(t->k, record, &r);
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    uint64_t fa = kt_mmap(a, 0x700000, 3 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, vf, 0);
    uint64_t fb = kt_mmap(b, 0x800000, 3 * PAGE_SIZE, LX_PROT_READ, LX_MAP_PRIVATE, vf, 0);
    assert_int_equal(kt_byte(a, fa + PAGE_SIZE + 5), kt_pattern(PAGE_SIZE + 5));
    const struct vm_event *p = last(&r, VM_EV_PAGE_IN, -1);
    assert_int_equal(p->aux, 1);
    uint64_t frame = p->pfn;
    const struct vm_event *f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->fault, VM_FAULT_FILE);
    assert_true(f->major);
    assert_int_equal(f->pfn, frame);
    /* The second mapper finds it in the page cache: no page-in, minor. */
    assert_int_equal(kt_byte(b, fb + PAGE_SIZE), kt_pattern(PAGE_SIZE));
    assert_int_equal(count(&r, VM_EV_PAGE_IN, -1), 1);
    f = last(&r, VM_EV_FAULT, -1);
    assert_int_equal(f->fault, VM_FAULT_FILE);
    assert_false(f->major);
    assert_int_equal(f->pfn, frame);
    assert_ptr_equal(f->mm, b);

    mm_set_brk_base(a, va(0x10000000));
    assert_int_equal(mm_brk(a, va(0x10003000)).v, 0x10003000);
    const struct vm_event *br = last(&r, VM_EV_BRK, -1);
    assert_int_equal(br->va, 0x10003000);
    assert_int_equal(br->len, 0x10000000);
    int n = r.n;
    mm_brk(a, va(0)); /* brk(0) moves nothing: no event */
    assert_int_equal(r.n, n);
    mm_destroy(a);
    mm_destroy(b);
    vfile_put(vf);
    kernel_set_event_sink(t->k, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_anon_and_cow, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_segv_and_silence, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_file_and_brk, kt_fixture_setup, kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
