/* An illegal instruction: SIGILL (status 132 from a shell). */
#include "guest.h"

int main(void)
{
    printf("before the illegal instruction\n");
    flush();
    asm volatile(".4byte 0xffffffff");
    printf("not reached\n");
    return 0;
}
