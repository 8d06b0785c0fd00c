/* Helpers of the swap tests (test_swap.c, test_swap_stress.c): pages whose
 * every byte follows from a 64-bit stamp, so a model of memory is one number
 * per page. */
#ifndef VMSIM_TESTS_TEST_SWAP_UTIL_H
#define VMSIM_TESTS_TEST_SWAP_UTIL_H

#include "kernel_test_util.h"

static inline uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The page whose content is determined by stamp. */
static inline void page_fill(uint64_t stamp, uint64_t *w)
{
    for (int i = 0; i < 512; i++)
        w[i] = mix(stamp * 1021 + (uint64_t)i);
}

static inline void page_check(struct mm *mm, uint64_t a, uint64_t stamp, const char *what)
{
    uint64_t want[512], got[512];
    page_fill(stamp, want);
    struct segv sv;
    int rc = copyin(mm, got, va(a), PAGE_SIZE, &sv);
    if (rc)
        fail_msg("%s: read of 0x%llx failed: %d", what, (unsigned long long)a, rc);
    if (memcmp(want, got, PAGE_SIZE)) {
        int i = 0;
        while (want[i] == got[i])
            i++;
        fail_msg("%s: page 0x%llx word %d is 0x%llx, expected 0x%llx (stamp %llu)", what,
                 (unsigned long long)a, i, (unsigned long long)got[i],
                 (unsigned long long)want[i], (unsigned long long)stamp);
    }
}

static inline void page_write(struct mm *mm, uint64_t a, uint64_t stamp)
{
    uint64_t w[512];
    page_fill(stamp, w);
    kt_write(mm, a, w, PAGE_SIZE);
}

static inline void check_zero_or(struct mm *mm, uint64_t a, uint64_t stamp, const char *what)
{
    if (stamp) {
        page_check(mm, a, stamp, what);
        return;
    }
    uint8_t got[PAGE_SIZE], zero[PAGE_SIZE] = {0};
    kt_read(mm, a, got, PAGE_SIZE);
    if (memcmp(got, zero, PAGE_SIZE))
        fail_msg("%s: page 0x%llx should be zero", what, (unsigned long long)a);
}

#endif
