/* The interpreter's host-FPU fast path for double precision (hart.c) against
 * the software FPU (fpu_exec, itself tested against qemu by guest_fp.sh):
 * pseudo-random double instructions with operands shaped to hit the fast
 * path's limits (zeros, subnormals, the smallest normal, overflow, inf, NaN,
 * cancellation), with the inexact flag already set or not and every
 * rounding mode, static and dynamic. Each instruction runs alone through
 * hart_run on a copy of the state; f registers, x registers, fcsr and the
 * trap must equal what fpu_exec does with the same state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "hart_env.h"
#include "machine/fpu.h"

#define NINSNS 200000
#define CODE 0x100000ULL
#define CODE_PAGES ((NINSNS * 4 + PAGE_SIZE - 1) / PAGE_SIZE)

static uint64_t rng = 0x123456789abcdefULL;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t rand_double(void)
{
    uint64_t sign = rnd() & (1ULL << 63), mant = rnd() & ((1ULL << 52) - 1), e;
    switch (rnd() % 10) {
    case 0: e = 0; mant = rnd() % 3 ? 0 : mant; break;       /* zero, subnormal */
    case 1: e = 1 + rnd() % 3; break;                          /* near the smallest normal */
    case 2: e = 2046 - rnd() % 3; break;                       /* near overflow */
    case 3: e = 2047; mant = rnd() % 2 ? 0 : mant; break;      /* inf, NaN */
    case 4: e = 1023 - 511 + rnd() % 3; break;                 /* products near DBL_MIN */
    case 5: e = 1023 + 511 + rnd() % 3; break;                 /* products near overflow */
    default: e = 1023 - 20 + rnd() % 40; break;                /* ordinary */
    }
    if (rnd() % 4 == 0)
        mant &= ~0xfffULL;   /* short significands: exact results happen */
    return sign | e << 52 | mant;
}

/* A random instruction among those hart.c has a fast path for. */
static uint32_t rand_insn(void)
{
    static const uint32_t rm_vals[] = {0, 7, 7, 7, 1, 2, 3, 4, 5};
    uint32_t rd = rnd() % 32, rs1 = rnd() % 32, rs2 = rnd() % 32, rs3 = rnd() % 32;
    uint32_t rm = rm_vals[rnd() % (sizeof rm_vals / sizeof rm_vals[0])];
    uint32_t base = rd << 7 | rm << 12 | rs1 << 15 | rs2 << 20 | 1u << 25;   /* fmt D */
    switch (rnd() % 12) {
    case 0: return base | 0x53 | 0u << 27;                       /* fadd.d */
    case 1: return base | 0x53 | 1u << 27;                       /* fsub.d */
    case 2: return base | 0x53 | 2u << 27;                       /* fmul.d */
    case 3: return base | 0x53 | 3u << 27;                       /* fdiv.d */
    case 4: return (base & ~(31u << 20)) | 0x53 | 0xbu << 27;   /* fsqrt.d */
    case 5: return base | (0x43 + 4 * (uint32_t)(rnd() % 4)) | rs3 << 27;   /* fmadd..fnmadd */
    case 6: return (base & ~(7u << 12)) | 0x53 | 4u << 27 | (uint32_t)(rnd() % 3) << 12;
    case 7: return (base & ~(7u << 12)) | 0x53 | 0x14u << 27 | (uint32_t)(rnd() % 3) << 12;
    case 8: return (base & ~(31u << 20)) | 0x53 | 0x1au << 27 | (rnd() % 2 ? 0 : 2u << 20);
    case 9: return (base & ~(31u << 20 | 7u << 12)) | 0x53 | 0x1cu << 27;   /* fmv.x.d */
    case 10: return (base & ~(31u << 20 | 7u << 12)) | 0x53 | 0x1eu << 27;  /* fmv.d.x */
    default: return base | 0x53 | (uint32_t)(rnd() % 4) << 27;
    }
}

static void test_fast_path_matches_softfloat(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 64ULL << 20);
    uint32_t *code[CODE_PAGES];
    for (unsigned p = 0; p < CODE_PAGES; p++)
        code[p] = (uint32_t *)env_map(&e, CODE + (uint64_t)p * PAGE_SIZE, PTE_R | PTE_X);
    struct hart *h = e.h;
    unsigned mismatches = 0;
    for (unsigned i = 0; i < NINSNS; i++) {
        uint32_t w = rand_insn();
        uint64_t pc = CODE + 4ULL * i;
        code[i / 1024][i % 1024] = w;
        struct hart ref = {0};
        for (unsigned r = 0; r < 32; r++) {
            h->f[r] = rand_double();
            h->x[r] = r == 0 ? 0 : rnd() % 3 ? rnd() >> (rnd() % 64) : (uint64_t)-(int64_t)(rnd() % 1000);
        }
        h->fcsr = (uint32_t)(rnd() % 8) << 5 | (rnd() % 4 ? 1 : 0) | (uint32_t)(rnd() % 32 & 0x1e);
        if (rnd() % 2)
            h->fcsr &= 0x1f;   /* frm = RNE half of the time */
        memcpy(ref.x, h->x, sizeof ref.x);
        memcpy(ref.f, h->f, sizeof ref.f);
        ref.fcsr = h->fcsr;
        int ref_cause = fpu_exec(&ref, w);
        h->pc = pc;
        struct trap t;
        hart_run(h, 1, &t);
        bool same = ref_cause ? t.cause == CAUSE_ILLEGAL_INSN && t.tval == w && t.pc == pc
                              : t.cause == TRAP_QUANTUM && h->pc == pc + 4;
        same = same && memcmp(ref.f, h->f, sizeof ref.f) == 0 && ref.fcsr == h->fcsr &&
               memcmp(ref.x + 1, h->x + 1, 31 * sizeof ref.x[0]) == 0;
        if (!same && mismatches++ < 10)
            print_error("insn %08x (#%u): fcsr %x vs ref %x, cause %d vs ref %d\n", w, i, h->fcsr,
                        ref.fcsr, t.cause, ref_cause);
    }
    assert_int_equal(mismatches, 0);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path_matches_softfloat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
