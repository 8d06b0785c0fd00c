/* The smallest dynamically linked program: the loader, libc, puts. */
#include <stdio.h>

int main(void)
{
    puts("hello from a dynamic program");
    return 3;
}
