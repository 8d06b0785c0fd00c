/* Deep recursion: about 6 MiB of stack, more than the kernel maps at exec,
 * so the stack must grow on demand (below the 8 MiB limit). */
#include "guest.h"

static uint64_t down(uint64_t n)
{
    volatile uint8_t frame[1000];
    frame[0] = (uint8_t)n;
    frame[999] = (uint8_t)(n >> 3);
    if (n == 0)
        return 1;
    return down(n - 1) * 3 + frame[0] + frame[999];
}

int main(void)
{
    printf("recursion result %lx\n", down(6000));
    return 0;
}
