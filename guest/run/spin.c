/* Never ends: for `vmsim run --max-insns` (not in the qemu comparison). */
#include "guest.h"

int main(void)
{
    printf("spinning\n");
    flush();
    for (volatile unsigned long i = 0;; i++)
        ;
}
