/* A store to an unmapped address: the process dies with SIGSEGV (status 139
 * from a shell). What was printed before is flushed first. */
#include "guest.h"

int main(void)
{
    printf("before the fault\n");
    flush();
    *(volatile int *)0x1008 = 1;
    printf("not reached\n");
    return 0;
}
