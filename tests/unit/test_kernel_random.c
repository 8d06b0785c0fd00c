/* Random address-space operations, including those the model test does not
 * cover (mremap, madvise, vDSO), under memory pressure, with kernel_check()
 * after every step and every frame back at the end. The bytes themselves are
 * checked by test_model; this test guards the invariants. */
#include "kernel_test_util.h"

#define NMM 4
#define STEPS 3000

static uint64_t rnd_state;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}
static uint64_t rnd_below(uint64_t n)
{
    return rnd() % n;
}

/* Addresses fall in a small window so that operations collide often. */
#define WIN_BASE 0x40000000ULL
#define WIN_PAGES 64
static uint64_t rnd_addr(void)
{
    return WIN_BASE + rnd_below(WIN_PAGES) * PAGE_SIZE;
}
static uint64_t rnd_len(void)
{
    return (1 + rnd_below(8)) * PAGE_SIZE - rnd_below(2) * 100;
}

static void run(uint64_t seed, uint64_t mem)
{
    struct kt t;
    kt_setup_mem(&t, mem);
    rnd_state = seed;
    char path[2][128];
    kt_make_file(&t, "r0", 5 * PAGE_SIZE + 123, path[0]);
    kt_make_file(&t, "r1", 16 * PAGE_SIZE, path[1]);
    int err;
    struct vfile *f[2] = {vfile_open(t.k, path[0], NULL, true, &err),
                          vfile_open(t.k, path[1], NULL, false, &err)};
    assert_non_null(f[0]);
    assert_non_null(f[1]);
    struct mm *mm[NMM] = {mm_new(t.k)};
    mm_set_brk_base(mm[0], va(WIN_BASE + WIN_PAGES * PAGE_SIZE + 12345));
    int enomem = 0, ok[13] = {0};
    for (int step = 0; step < STEPS; step++) {
        int i = (int)rnd_below(NMM);
        if (!mm[i]) {
            int j = (int)rnd_below(NMM);
            mm[i] = mm[j] ? mm_fork(mm[j]) : mm_new(t.k);
            if (!mm[i])
                enomem++;
            continue;
        }
        struct mm *m = mm[i];
        vaddr_t out;
        struct segv sv;
        struct translation tr;
        int prot = (int)rnd_below(8), rc = 0;
        int op = (int)rnd_below(13);
        switch (op) {
        case 0: {
            int kind = (int)rnd_below(4);
            int flags = (kind == 1 ? LX_MAP_SHARED : LX_MAP_PRIVATE) | LX_MAP_FIXED |
                        (kind >= 2 ? LX_MAP_ANONYMOUS : 0);
            if (kind == 3)
                flags = LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED;
            struct vfile *vf = f[rnd_below(2)];
            if (kind == 1 && vf == f[1])
                prot &= ~LX_PROT_WRITE;
            rc = mm_mmap(m, va(rnd_addr()), rnd_len(), prot, flags, kind < 2 ? vf : NULL,
                         rnd_below(4) * PAGE_SIZE, &out);
            break;
        }
        case 1:
            rc = mm_munmap(m, va(rnd_addr()), rnd_len());
            break;
        case 2:
            rc = mm_mprotect(m, va(rnd_addr()), rnd_len(), prot);
            break;
        case 3:
            rc = mm_mremap(m, va(rnd_addr()), rnd_len(), rnd_len(),
                           rnd_below(2) ? LX_MREMAP_MAYMOVE : 0, va(0), &out);
            break;
        case 4:
            rc = mm_madvise(m, va(rnd_addr()), rnd_len(), LX_MADV_DONTNEED);
            break;
        case 5:
            rc = mm_msync(m, va(rnd_addr()), rnd_len(), LX_MS_SYNC);
            break;
        case 6:
            mm_brk(m, va(WIN_BASE + WIN_PAGES * PAGE_SIZE + rnd_below(40000)));
            break;
        case 7:
            if (rnd_below(8) == 0)
                rc = mm_map_vdso(m, &out);
            break;
        case 8:
            if (rnd_below(4) == 0) {
                mm_destroy(m);
                mm[i] = NULL;
            }
            break;
        default: {
            enum access acc = (enum access)rnd_below(3);
            uint64_t a = rnd_addr() + rnd_below(PAGE_SIZE);
            rc = mm_translate(m, va(a), acc, &tr, NULL, &sv);
            if (rc == 0 && acc == ACCESS_WRITE)
                *tr.host = (uint8_t)step;
            break;
        }
        }
        if (rc == -ENOMEM && op >= 9) /* out of frames (elsewhere it also means a hole) */
            enomem++;
        if (rc == 0)
            ok[op < 9 ? op : 9]++;
        if (kernel_check(t.k) != 0)
            fail_msg("seed %llu step %d: kernel_check failed", (unsigned long long)seed, step);
    }
    fprintf(stderr,
            "seed %llx: ok mmap %d munmap %d mprotect %d mremap %d madvise %d msync %d vdso %d "
            "access %d, enomem %d\n",
            (unsigned long long)seed, ok[0], ok[1], ok[2], ok[3], ok[4], ok[5], ok[7], ok[9],
            enomem);
    for (int op = 0; op < 10; op++)
        if (op != 6 && op != 8)
            assert_true(ok[op] > 0); /* every kind of operation succeeded sometimes */
    for (int i = 0; i < NMM; i++)
        mm_destroy(mm[i]);
    vfile_put(f[0]);
    vfile_put(f[1]);
    if (mem < (1ULL << 20))
        assert_true(enomem > 0); /* the small machine did run out */
    kt_teardown(&t);
}

static void test_random_roomy(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++)
        run(seed * 0x9e3779b97f4a7c15ULL, 16ULL << 20);
}

static void test_random_tight(void **state)
{
    (void)state;
    for (uint64_t seed = 4; seed <= 6; seed++)
        run(seed * 0x9e3779b97f4a7c15ULL, 40 * PAGE_SIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_roomy),
        cmocka_unit_test(test_random_tight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
