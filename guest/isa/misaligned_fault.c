/* A misaligned load whose second half is on an unmapped page: the emulation
 * faults like the access would, SIGSEGV (status 139 from a shell). */
#include "guest.h"

int main(void)
{
    uint8_t *m = mmap_anon(8192, 3);
    syscall3(SYS_munmap, m + 4096, 4096, 0);
    m[4095] = 7;
    printf("before the misaligned load across into an unmapped page\n");
    flush();
    uint64_t r;
    asm volatile("ld %0, 0(%1)" : "=r"(r) : "r"(m + 4092) : "memory");
    printf("not reached %lx\n", r);
    return 0;
}
