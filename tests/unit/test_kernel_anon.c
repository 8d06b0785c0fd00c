/* Scenario tests of anonymous memory: demand zero, scattered frames, mmap
 * argument checks (Linux's), munmap, mprotect, brk, the kernel half, and
 * the /proc/PID/maps format. kernel_check() runs after every step. */
#include "kernel_test_util.h"

static void test_demand_zero_and_scatter(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    assert_non_null(mm);
    uint64_t a = kt_mmap(mm, 0, 16 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    /* Linux: top-down below the mmap base. */
    assert_int_equal(a, MMAP_BASE - 16 * PAGE_SIZE);
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_pages, 0); /* lazy */
    assert_int_equal(mi.vm_pages, 16);
    KT_CHECK(t);
    /* Reading gives zeros through the shared zero page (Linux: no frame,
     * not in rss); each page faults once. */
    assert_int_equal(kt_byte(mm, a + 5), 0);
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_anon, 0);
    assert_int_equal(mi.c.zero_fills, 0);
    assert_int_equal(mi.c.zero_page_maps, 1);
    assert_int_equal(mi.c.minor_faults, 1);
    uint64_t pfns[16];
    for (int i = 0; i < 16; i++) {
        uint64_t v = 0x1111111111111111ULL * (uint64_t)i;
        kt_write(mm, a + (uint64_t)i * PAGE_SIZE + 8, &v, sizeof v);
        pfns[i] = kt_pfn(mm, a + (uint64_t)i * PAGE_SIZE, ACCESS_READ);
    }
    KT_CHECK(t);
    /* Contiguous virtual pages on scattered frames: not all consecutive. */
    int consecutive = 0;
    for (int i = 1; i < 16; i++) {
        consecutive += pfns[i] == pfns[i - 1] + 1;
        for (int j = 0; j < i; j++)
            assert_true(pfns[i] != pfns[j]);
    }
    assert_true(consecutive < 8);
    for (int i = 0; i < 16; i++) {
        uint64_t v;
        kt_read(mm, a + (uint64_t)i * PAGE_SIZE + 8, &v, sizeof v);
        assert_int_equal(v, 0x1111111111111111ULL * (uint64_t)i);
    }
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_anon, 16);
    /* Page 5 was read first: its write copied the zero page. */
    assert_int_equal(mi.c.zero_fills, 15);
    assert_int_equal(mi.c.cow_copies, 1);
    mm_destroy(mm);
    KT_CHECK(t);
}

static void test_mmap_errors(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    vaddr_t out;
    assert_int_equal(mm_mmap(mm, va(0), 0, RW, ANON_PRIV, NULL, 0, &out), -EINVAL);
    assert_int_equal(mm_mmap(mm, va(0), 4096, RW, LX_MAP_ANONYMOUS, NULL, 0, &out), -EINVAL);
    assert_int_equal(mm_mmap(mm, va(0), 4096, RW, LX_MAP_PRIVATE, NULL, 0, &out), -EBADF);
    assert_int_equal(mm_mmap(mm, va(0x10001000), 4096, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0, &out),
                     0);
    assert_int_equal(out.v, 0x10001000);
    assert_int_equal(mm_mmap(mm, va(0x10001001), 4096, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0, &out),
                     -EINVAL);
    assert_int_equal(
        mm_mmap(mm, va(0x10000000), 0x2000, RW, ANON_PRIV | LX_MAP_FIXED_NOREPLACE, NULL, 0, &out),
        -EEXIST);
    assert_int_equal(
        mm_mmap(mm, va(0x10002000), 0x1000, RW, ANON_PRIV | LX_MAP_FIXED_NOREPLACE, NULL, 0, &out),
        0);
    assert_int_equal(out.v, 0x10002000);
    assert_int_equal(mm_mmap(mm, va(0x10000000), 0x2000, RW,
                             ANON_PRIV | LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE, NULL, 0, &out),
                     -EEXIST);
    assert_int_equal(mm_mmap(mm, va(0), 0x1000, RW,
                             LX_MAP_SHARED_VALIDATE | LX_MAP_ANONYMOUS | 0x80000, NULL, 0, &out),
                     -EOPNOTSUPP);
    /* A hint that is taken; a hint that is not (occupied). */
    assert_int_equal(mm_mmap(mm, va(0x20000000), 100, RW, ANON_PRIV, NULL, 0, &out), 0);
    assert_int_equal(out.v, 0x20000000);
    assert_int_equal(mm_mmap(mm, va(0x20000000), 100, RW, ANON_PRIV, NULL, 0, &out), 0);
    assert_int_equal(out.v, MMAP_BASE - PAGE_SIZE);
    assert_int_equal(mm_mmap(mm, va(0), (1ULL << 50), RW, ANON_PRIV, NULL, 0, &out), -ENOMEM);
    assert_int_equal(
        mm_mmap(mm, va(USER_TOP - 0x1000), 0x2000, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0, &out),
        -ENOMEM);
    assert_int_equal(mm_mmap(mm, va(0x1000), 0x1000, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0, &out),
                     -EPERM);
    /* munmap checks. */
    assert_int_equal(mm_munmap(mm, va(0x10000001), 4096), -EINVAL);
    assert_int_equal(mm_munmap(mm, va(0x10000000), 0), -EINVAL);
    assert_int_equal(mm_munmap(mm, va(0x50000000), 4096), 0); /* nothing there: fine */
    KT_CHECK(t);
    mm_destroy(mm);
}

static void test_fixed_replaces_and_munmap_splits(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    uint64_t a = 0x40000000;
    kt_mmap(mm, a, 8 * PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    for (int i = 0; i < 8; i++) {
        unsigned char c = (unsigned char)(0x30 + i);
        kt_write(mm, a + (uint64_t)i * PAGE_SIZE, &c, 1);
    }
    KT_CHECK(t);
    /* Punch a hole in the middle: two regions remain, bytes kept around it. */
    assert_int_equal(mm_munmap(mm, va(a + 3 * PAGE_SIZE), 2 * PAGE_SIZE), 0);
    KT_CHECK(t);
    struct segv sv;
    assert_int_equal(kt_access(mm, a + 3 * PAGE_SIZE, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGSEGV);
    assert_int_equal(sv.code, LX_SEGV_MAPERR);
    assert_int_equal(sv.addr.v, a + 3 * PAGE_SIZE);
    assert_int_equal(kt_byte(mm, a + 2 * PAGE_SIZE), 0x32);
    assert_int_equal(kt_byte(mm, a + 5 * PAGE_SIZE), 0x35);
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_anon, 6);
    assert_int_equal(mi.vm_pages, 6);
    /* MAP_FIXED over pages 1..6 replaces them with fresh zero pages. */
    kt_mmap(mm, a + PAGE_SIZE, 6 * PAGE_SIZE, LX_PROT_READ, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    KT_CHECK(t);
    assert_int_equal(kt_byte(mm, a), 0x30);
    assert_int_equal(kt_byte(mm, a + 2 * PAGE_SIZE), 0);
    assert_int_equal(kt_byte(mm, a + 7 * PAGE_SIZE), 0x37);
    mm_get_info(mm, &mi);
    assert_int_equal(mi.vm_pages, 8);
    /* Unmapping everything frees all the frames and the tables below root. */
    assert_int_equal(mm_munmap(mm, va(a), 8 * PAGE_SIZE), 0);
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_pages, 0);
    assert_int_equal(mi.pagetable_pages, 1);
    KT_CHECK(t);
    mm_destroy(mm);
}

static void test_mprotect(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    unsigned char c = 7;
    kt_write(mm, a + PAGE_SIZE, &c, 1);
    assert_int_equal(mm_mprotect(mm, va(a + PAGE_SIZE), PAGE_SIZE, LX_PROT_READ), 0);
    KT_CHECK(t);
    struct segv sv;
    assert_int_equal(kt_access(mm, a + PAGE_SIZE, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGSEGV);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE), 7);
    assert_int_equal(kt_access(mm, a, ACCESS_WRITE, &sv), 0); /* neighbours unchanged */
    /* Exec is not allowed anywhere; PROT_NONE forbids reads but keeps data. */
    assert_int_equal(kt_access(mm, a, ACCESS_EXEC, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(mm_mprotect(mm, va(a + PAGE_SIZE), PAGE_SIZE, LX_PROT_NONE), 0);
    KT_CHECK(t);
    assert_int_equal(kt_access(mm, a + PAGE_SIZE, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(mm_mprotect(mm, va(a), 4 * PAGE_SIZE, RW), 0);
    KT_CHECK(t);
    assert_int_equal(kt_byte(mm, a + PAGE_SIZE), 7);
    kt_write(mm, a + PAGE_SIZE, &c, 1);
    /* Errors: unaligned, a hole, unknown bits. */
    assert_int_equal(mm_mprotect(mm, va(a + 1), PAGE_SIZE, LX_PROT_READ), -EINVAL);
    assert_int_equal(mm_mprotect(mm, va(a), 5 * PAGE_SIZE, LX_PROT_READ), -ENOMEM);
    assert_int_equal(mm_mprotect(mm, va(a), PAGE_SIZE, 0x40), -EINVAL);
    /* Linux changes the regions up to the hole before failing. */
    assert_int_equal(kt_access(mm, a, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    assert_int_equal(mm_mprotect(mm, va(a - PAGE_SIZE), 2 * PAGE_SIZE, RW), -ENOMEM);
    assert_int_equal(kt_access(mm, a, ACCESS_WRITE, &sv), -1); /* unmapped start: no change */
    KT_CHECK(t);
    mm_destroy(mm);
}

static void test_kernel_half_and_unmapped(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    struct segv sv;
    /* The kernel's pages are mapped (U=0) in every space, yet a user access
     * faults and the kernel says SIGSEGV. */
    assert_int_equal(kt_access(mm, 0xffffffc000000000ULL, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGSEGV);
    assert_int_equal(sv.code, LX_SEGV_MAPERR);
    int level;
    pte_t *e =
        sv48_walk(&t->m->pm, satp_root(mm_satp(mm)), va(0xffffffc000000000ULL), &level, NULL);
    assert_non_null(e);
    assert_int_equal(level, 0);
    assert_true(pte_valid(*e) && !(e->bits & PTE_U) && (e->bits & PTE_G));
    struct mm *mm2 = mm_new(t->k);
    pte_t *e2 =
        sv48_walk(&t->m->pm, satp_root(mm_satp(mm2)), va(0xffffffc000000000ULL), &level, NULL);
    assert_ptr_equal(e, e2); /* the same kernel table, shared */
    assert_true(mm_satp(mm) != mm_satp(mm2));
    assert_int_equal(kt_access(mm, 0x12345000, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_MAPERR);
    assert_int_equal(kt_access(mm, 0x8000000000000000ULL, ACCESS_READ, &sv),
                     -1); /* non-canonical */
    assert_int_equal(sv.signo, LX_SIGSEGV);
    char buf[8];
    assert_int_equal(copyin(mm, buf, va(0x12345000), 8, &sv), -1);
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.c.segv, 4);
    KT_CHECK(t);
    mm_destroy(mm);
    mm_destroy(mm2);
}

static void test_brk(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    assert_int_equal(mm_brk(mm, va(0)).v, 0);
    mm_set_brk_base(mm, va(0x21234));
    uint64_t base = 0x22000;
    assert_int_equal(mm_brk(mm, va(0)).v, base);
    assert_int_equal(mm_brk(mm, va(base + 10000)).v, base + 10000);
    unsigned char c = 9;
    kt_write(mm, base + 9999, &c, 1);
    assert_int_equal(kt_byte(mm, base + 9999), 9);
    struct segv sv;
    assert_int_equal(kt_access(mm, base + 3 * PAGE_SIZE, ACCESS_READ, &sv), -1);
    KT_CHECK(t);
    /* Shrinking unmaps whole pages above the new break. */
    assert_int_equal(mm_brk(mm, va(base + 100)).v, base + 100);
    assert_int_equal(kt_access(mm, base + 2 * PAGE_SIZE, ACCESS_READ, &sv), -1);
    assert_int_equal(kt_access(mm, base + 100, ACCESS_WRITE, &sv), 0);
    /* Shrinking over a range someone else unmapped fails (Linux 6.x). */
    assert_int_equal(mm_brk(mm, va(base + 2 * PAGE_SIZE + 5)).v, base + 2 * PAGE_SIZE + 5);
    assert_int_equal(mm_munmap(mm, va(base + PAGE_SIZE), 2 * PAGE_SIZE), 0);
    assert_int_equal(mm_brk(mm, va(base + 100)).v, base + 2 * PAGE_SIZE + 5);
    assert_int_equal(mm_brk(mm, va(base + 4 * PAGE_SIZE)).v, base + 4 * PAGE_SIZE);
    assert_int_equal(mm_brk(mm, va(base + 100)).v, base + 100);
    /* Below the start: refused, old break returned. */
    assert_int_equal(mm_brk(mm, va(base - 1)).v, base + 100);
    /* Growing into a mapping (with its guard page) fails. */
    kt_mmap(mm, base + 0x10000, PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    assert_int_equal(mm_brk(mm, va(base + 0x10000)).v, base + 100);
    assert_int_equal(mm_brk(mm, va(base + 0xf000)).v, base + 0xf000);
    char *s = NULL;
    size_t sl = 0;
    FILE *f = open_memstream(&s, &sl);
    mm_print_maps(mm, f);
    fclose(f);
    assert_non_null(strstr(
        s, "00022000-00031000 rw-p 00000000 00:00 0                                  [heap]\n"));
    free(s);
    KT_CHECK(t);
    mm_destroy(mm);
}

/* The exact /proc/PID/maps format: compare with what Linux prints. */
static void test_maps_format(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    kt_mmap(mm, 0x7ffffffde000ULL, 0x21000, RW, ANON_PRIV | LX_MAP_FIXED | LX_MAP_GROWSDOWN, NULL,
            0);
    kt_mmap(mm, 0x7fff7e000000ULL, 0x3000, LX_PROT_READ | LX_PROT_EXEC, ANON_PRIV | LX_MAP_FIXED,
            NULL, 0);
    char *s = NULL;
    size_t sl = 0;
    FILE *f = open_memstream(&s, &sl);
    mm_print_maps(mm, f);
    fclose(f);
    assert_string_equal(
        s, "7fff7e000000-7fff7e003000 r-xp 00000000 00:00 0 \n"
           "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n");
    /* Column 73 for the name, as /proc/self/maps (fs/proc/task_mmu.c). */
    const char *line2 = strchr(s, '\n') + 1;
    assert_int_equal(strchr(line2, '[') - line2, 73);
    free(s);
    mm_destroy(mm);
}

static void test_stack_grows_down(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    uint64_t top = STACK_TOP;
    kt_mmap(mm, top - PAGE_SIZE, PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED | LX_MAP_GROWSDOWN, NULL,
            0);
    unsigned char c = 1;
    kt_write(mm, top - 100 * PAGE_SIZE, &c, 1); /* grows */
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.vm_pages, 100);
    struct segv sv;
    assert_int_equal(kt_access(mm, top - (8ULL << 20) - PAGE_SIZE, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_MAPERR);
    KT_CHECK(t);
    mm_destroy(mm);
}

static void test_copyin_str(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0, 2 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0);
    /* A string across the page boundary. */
    kt_write(mm, a + PAGE_SIZE - 3, "hello", 6);
    char buf[16];
    struct segv sv;
    assert_int_equal(copyin_str(mm, buf, va(a + PAGE_SIZE - 3), sizeof buf, &sv), 0);
    assert_string_equal(buf, "hello");
    assert_int_equal(copyin_str(mm, buf, va(a + PAGE_SIZE - 3), 4, &sv), -ENAMETOOLONG);
    kt_write(mm, a + 2 * PAGE_SIZE - 2, "xy", 2); /* no NUL before the unmapped page */
    assert_int_equal(copyin_str(mm, buf, va(a + 2 * PAGE_SIZE - 2), 16, &sv), -1);
    assert_int_equal(sv.addr.v, a + 2 * PAGE_SIZE);
    mm_destroy(mm);
}

static void test_out_of_memory(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    uint64_t len = (ki.total_frames + 16) * PAGE_SIZE;
    uint64_t a = kt_mmap(mm, 0, len, RW, ANON_PRIV, NULL, 0);
    uint64_t i;
    struct segv sv;
    int rc = 0;
    for (i = 0; i < ki.total_frames + 16; i++) {
        struct translation tr;
        rc = mm_translate(mm, va(a + i * PAGE_SIZE), ACCESS_WRITE, &tr, NULL, &sv);
        if (rc)
            break;
    }
    assert_int_equal(rc, -ENOMEM);
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.free_frames, 0);
    KT_CHECK(t);
    mm_destroy(mm);
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.pagetable_frames, 0);
    assert_int_equal(ki.free_frames, ki.total_frames - ki.kernel_frames);
    KT_CHECK(t);
}

/* The vDSO: one kernel frame, mapped read-execute into every space. */
static void test_vdso_shared(void **state)
{
    struct kt *t = *state;
    struct mm *a = mm_new(t->k), *b = mm_new(t->k);
    vaddr_t va_a, va_b;
    assert_int_equal(mm_map_vdso(a, &va_a), 0);
    assert_int_equal(mm_map_vdso(b, &va_b), 0);
    assert_int_equal(va_a.v, MMAP_BASE - PAGE_SIZE);
    uint32_t insn[2];
    kt_read(a, va_a.v + VDSO_SIGRETURN_OFFSET, insn, sizeof insn);
    assert_int_equal(insn[0], 0x08b00893); /* addi a7, zero, 139 */
    assert_int_equal(insn[1], 0x00000073); /* ecall */
    assert_int_equal(kt_pfn(a, va_a.v, ACCESS_EXEC), kt_pfn(b, va_b.v, ACCESS_EXEC));
    struct segv sv;
    assert_int_equal(kt_access(a, va_a.v, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_ACCERR);
    struct mm *c = mm_fork(a);
    assert_int_equal(kt_pfn(c, va_a.v, ACCESS_EXEC), kt_pfn(b, va_b.v, ACCESS_EXEC));
    KT_CHECK(t);
    char *s = NULL;
    size_t sl = 0;
    FILE *f = open_memstream(&s, &sl);
    mm_print_maps(c, f);
    fclose(f);
    assert_non_null(strstr(s, "7ffefffff000-7fff00000000 r-xp"));
    assert_non_null(strstr(s, " r-xp 00000000 00:00 0 "));
    assert_non_null(strstr(s, "[vdso]\n"));
    free(s);
    mm_destroy(a);
    mm_destroy(b);
    mm_destroy(c);
    KT_CHECK(t);
}

/* Linux 6.x (checked on the host with setarch -R): the bss region right
 * below the break is not [heap], and the heap does not merge with it. */
static void test_heap_apart_from_bss(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    kt_mmap(mm, 0x40000, 0x3000, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0); /* the bss */
    mm_set_brk_base(mm, va(0x43000));
    char *s = NULL;
    size_t sl = 0;
    FILE *f = open_memstream(&s, &sl);
    mm_print_maps(mm, f);
    fclose(f);
    assert_string_equal(s, "00040000-00043000 rw-p 00000000 00:00 0 \n");
    free(s);
    assert_int_equal(mm_brk(mm, va(0x45000)).v, 0x45000);
    assert_int_equal(mm_brk(mm, va(0x46800)).v, 0x46800);
    f = open_memstream(&s, &sl);
    mm_print_maps(mm, f);
    fclose(f);
    const char *h = "00043000-00047000 rw-p 00000000 00:00 0 ";
    char expect[256];
    snprintf(expect, sizeof expect, "00040000-00043000 rw-p 00000000 00:00 0 \n%s%*s[heap]\n", h,
             73 - (int)strlen(h), "");
    assert_string_equal(s, expect);
    free(s);
    KT_CHECK(t);
    mm_destroy(mm);
}

/* mremap: shrink and grow in place, move the entries (same frames, no copy). */
static void test_mremap(void **state)
{
    struct kt *t = *state;
    struct mm *mm = mm_new(t->k);
    uint64_t a = kt_mmap(mm, 0x40000000, 4 * PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(0x41 + i);
        kt_write(mm, a + (uint64_t)i * PAGE_SIZE, &c, 1);
    }
    uint64_t p1 = kt_pfn(mm, a + PAGE_SIZE, ACCESS_READ);
    vaddr_t out;
    /* shrink */
    assert_int_equal(mm_mremap(mm, va(a), 4 * PAGE_SIZE, 3 * PAGE_SIZE, 0, va(0), &out), 0);
    assert_int_equal(out.v, a);
    struct segv sv;
    assert_int_equal(kt_access(mm, a + 3 * PAGE_SIZE, ACCESS_READ, &sv), -1);
    /* grow in place */
    assert_int_equal(mm_mremap(mm, va(a), 3 * PAGE_SIZE, 5 * PAGE_SIZE, 0, va(0), &out), 0);
    assert_int_equal(out.v, a);
    assert_int_equal(kt_byte(mm, a + 4 * PAGE_SIZE), 0);
    KT_CHECK(t);
    /* blocked: no MAYMOVE -> ENOMEM; MAYMOVE -> moved, same frames */
    kt_mmap(mm, a + 5 * PAGE_SIZE, PAGE_SIZE, RW, ANON_PRIV | LX_MAP_FIXED, NULL, 0);
    assert_int_equal(mm_mremap(mm, va(a), 5 * PAGE_SIZE, 8 * PAGE_SIZE, 0, va(0), &out), -ENOMEM);
    assert_int_equal(
        mm_mremap(mm, va(a), 5 * PAGE_SIZE, 8 * PAGE_SIZE, LX_MREMAP_MAYMOVE, va(0), &out), 0);
    uint64_t b = out.v;
    assert_true(b != a);
    assert_int_equal(kt_byte(mm, b + PAGE_SIZE), 0x42);
    assert_int_equal(kt_byte(mm, b + 2 * PAGE_SIZE), 0x43);
    assert_int_equal(kt_pfn(mm, b + PAGE_SIZE, ACCESS_READ), p1);
    assert_int_equal(kt_access(mm, a, ACCESS_READ, &sv), -1);
    assert_int_equal(sv.code, LX_SEGV_MAPERR);
    KT_CHECK(t);
    /* FIXED to a chosen place */
    assert_int_equal(mm_mremap(mm, va(b), 8 * PAGE_SIZE, 2 * PAGE_SIZE,
                               LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED, va(0x50000000), &out),
                     0);
    assert_int_equal(out.v, 0x50000000);
    assert_int_equal(kt_byte(mm, 0x50000000 + PAGE_SIZE), 0x42);
    assert_int_equal(kt_access(mm, 0x50000000 + 2 * PAGE_SIZE, ACCESS_READ, &sv), -1);
    struct mm_info mi;
    mm_get_info(mm, &mi);
    assert_int_equal(mi.rss_anon, 2); /* the two pages kept; the blocker was never touched */
    KT_CHECK(t);
    /* errors */
    assert_int_equal(mm_mremap(mm, va(0x50000001), PAGE_SIZE, PAGE_SIZE, 0, va(0), &out), -EINVAL);
    assert_int_equal(mm_mremap(mm, va(0x50000000), PAGE_SIZE, 0, 0, va(0), &out), -EINVAL);
    assert_int_equal(mm_mremap(mm, va(0x60000000), PAGE_SIZE, PAGE_SIZE, 0, va(0), &out), -EFAULT);
    assert_int_equal(
        mm_mremap(mm, va(0x50000000), PAGE_SIZE, PAGE_SIZE, LX_MREMAP_FIXED, va(0x70000000), &out),
        -EINVAL);
    assert_int_equal(mm_mremap(mm, va(0x50000000), 2 * PAGE_SIZE, 2 * PAGE_SIZE,
                               LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED, va(0x50001000), &out),
                     -EINVAL);
    mm_destroy(mm);
}

static void test_kernel_needs_memory(void **state)
{
    (void)state;
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 4 * PAGE_SIZE; /* the kernel half alone needs 7 frames */
    struct machine *m = machine_new(&cfg);
    assert_non_null(m);
    assert_null(kernel_new(m));
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_demand_zero_and_scatter, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_mmap_errors, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_fixed_replaces_and_munmap_splits, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_mprotect, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_kernel_half_and_unmapped, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_brk, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_maps_format, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_stack_grows_down, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_copyin_str, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_vdso_shared, kt_fixture_setup, kt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_heap_apart_from_bss, kt_fixture_setup,
                                        kt_fixture_teardown),
        cmocka_unit_test(test_kernel_needs_memory),
        cmocka_unit_test_setup_teardown(test_mremap, kt_fixture_setup, kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
