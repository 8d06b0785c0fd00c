/* The A extension on one hart: every AMO .w and .d on edge values (the .w
 * results are the old 32-bit value sign-extended), LR/SC success, SC failure
 * without a reservation and after a reservation is used up. */
#include "guest.h"

static const uint64_t vals[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000,
                                0xffffffffffffffff, 0x123456789abcdef0, 0xfffffffe00000005};
#define NV (sizeof vals / sizeof vals[0])

static uint64_t cell[2] __attribute__((aligned(16)));

#define AMO(insn)                                                              \
    {                                                                          \
        cell[0] = m;                                                           \
        cell[1] = 0xa5a5a5a5a5a5a5a5;                                          \
        uint64_t old;                                                          \
        asm volatile(insn " %0, %1, (%2)" : "=r"(old) : "r"(s), "r"(cell) : "memory"); \
        printf("%-11s m=%lx s=%lx -> rd=%lx mem=%lx %lx\n", insn, m, s, old, cell[0], cell[1]); \
    }

static void amos(uint64_t m, uint64_t s)
{
    AMO("amoswap.w") AMO("amoadd.w") AMO("amoxor.w") AMO("amoand.w") AMO("amoor.w")
    AMO("amomin.w") AMO("amomax.w") AMO("amominu.w") AMO("amomaxu.w")
    AMO("amoswap.d") AMO("amoadd.d") AMO("amoxor.d") AMO("amoand.d") AMO("amoor.d")
    AMO("amomin.d") AMO("amomax.d") AMO("amominu.d") AMO("amomaxu.d")
    AMO("amoadd.w.aq") AMO("amoor.d.aqrl")
}

static void lrsc(uint64_t v)
{
    uint64_t got, fail;
    cell[0] = v;
    asm volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)" : "=&r"(got), "=&r"(fail)
                 : "r"(cell), "r"(~v) : "memory");
    printf("lr.d/sc.d %lx -> %lx sc=%lu mem=%lx\n", v, got, fail, cell[0]);
    cell[0] = v;
    asm volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)" : "=&r"(got), "=&r"(fail)
                 : "r"(cell), "r"(~v) : "memory");
    printf("lr.w/sc.w %lx -> %lx sc=%lu mem=%lx\n", v, got, fail, cell[0]);
    /* A second sc after a successful one fails: the reservation is consumed. */
    cell[0] = v;
    uint64_t fail2;
    asm volatile("lr.d %0, (%3)\n\tsc.d %1, %4, (%3)\n\tsc.d %2, zero, (%3)"
                 : "=&r"(got), "=&r"(fail), "=&r"(fail2) : "r"(cell), "r"(v + 1) : "memory");
    printf("sc twice %lx -> sc=%lu,%d mem=%lx\n", v, fail, fail2 != 0, cell[0]);
}

int main(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++)
            amos(vals[i], vals[j]);
    for (unsigned i = 0; i < NV; i++)
        lrsc(vals[i]);
    /* An LR/SC retry loop, as a spinlock or atomic increment is written. */
    cell[0] = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t t, f;
        asm volatile("1:\tlr.d %0, (%2)\n\taddi %0, %0, 3\n\tsc.d %1, %0, (%2)\n\tbnez %1, 1b"
                     : "=&r"(t), "=&r"(f) : "r"(cell) : "memory");
    }
    printf("lr/sc loop -> %lu\n", cell[0]);
    return 0;
}
