/* ebreak without a debugger: SIGTRAP (status 133 from a shell). */
#include "guest.h"

int main(void)
{
    printf("before ebreak\n");
    flush();
    asm volatile("ebreak");
    printf("not reached\n");
    return 0;
}
