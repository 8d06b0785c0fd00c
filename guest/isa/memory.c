/* brk and anonymous mmap/munmap/mprotect through raw system calls. Only
 * distances and contents are printed: where the kernel puts things may
 * differ between qemu and vmsim. */
#include "guest.h"

#define PROT_READ 1
#define PROT_WRITE 2

int main(void)
{
    long b0 = syscall3(SYS_brk, 0, 0, 0);
    long b1 = syscall3(SYS_brk, b0 + 100000, 0, 0);
    printf("brk grew by %ld\n", b1 - b0);
    uint8_t *heap = (uint8_t *)b0;
    for (long i = 0; i < 100000; i += 997)
        heap[i] = (uint8_t)i;
    long sum = 0;
    for (long i = 0; i < 100000; i += 997)
        sum += heap[i];
    printf("heap sum %ld\n", sum);
    long b2 = syscall3(SYS_brk, b0 + 50000, 0, 0);
    printf("brk shrank to +%ld\n", b2 - b0);

    uint8_t *m = mmap_anon(1 << 20, PROT_READ | PROT_WRITE);
    printf("mmap ok %d, page aligned %d, zero %d\n", (long)m > 0, ((long)m & 4095) == 0, m[12345] == 0);
    for (int i = 0; i < (1 << 20); i += 4096)
        m[i] = (uint8_t)(i >> 12);
    long s2 = 0;
    for (int i = 0; i < (1 << 20); i += 4096)
        s2 += m[i];
    printf("mmap sum %ld\n", s2);
    printf("mprotect %ld\n", syscall3(SYS_mprotect, m, 8192, PROT_READ));
    printf("read after mprotect %d\n", m[4096]);
    printf("munmap %ld\n", syscall3(SYS_munmap, m + 8192, (1 << 20) - 8192, 0));
    printf("munmap unaligned %ld\n", syscall3(SYS_munmap, m + 1, 4096, 0));
    printf("write to bad fd %ld\n", write(9, "x", 1));
    printf("write from bad pointer %ld\n", write(1, (void *)16, 1));
    return 0;
}
