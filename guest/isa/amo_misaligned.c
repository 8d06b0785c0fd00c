/* A misaligned AMO: Linux does not emulate atomics, the process gets SIGBUS
 * (status 135 from a shell). */
#include "guest.h"

static uint64_t cell[2];

int main(void)
{
    printf("before the misaligned amoadd.w\n");
    flush();
    uint64_t r;
    asm volatile("amoadd.w %0, %1, (%2)" : "=r"(r) : "r"(1L), "r"((char *)cell + 2) : "memory");
    printf("not reached %lx\n", r);
    return 0;
}
