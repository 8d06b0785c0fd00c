/* A 32-bit instruction in the last two bytes of a text page: its second half
 * is on the next page, which is not paged in yet on the first run (the fetch
 * faults on the second page, the kernel pages it in, the fetch is retried). */
#include "guest.h"

long count_up(long a);
asm(".text\n"
    ".p2align 12\n"
    "count_up:\n"
    ".option push\n"
    ".option rvc\n"
    ".rept 2047\n"
    "c.addi a0, 1\n"
    ".endr\n"
    ".option norvc\n"
    "addi a0, a0, 1000\n"   /* at offset 0xffe */
    "ret\n"
    ".option pop\n");

int main(void)
{
    printf("count_up(0) = %ld\n", count_up(0));
    printf("count_up(5) = %ld\n", count_up(5));
    return 0;
}
