/* abort(): glibc raises SIGABRT with tgkill; the process dies with status
 * 134 from a shell. Output written before is not lost. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    fflush(stdout);
    abort();
}
