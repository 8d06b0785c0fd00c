/* Prints a line every 30 million instructions or so, six times: a long run
 * that writes to its terminal (tests/scripts/progress.sh: the progress line
 * steps aside for the output). Not in the qemu comparison. */
#include "guest.h"

int main(void)
{
    for (int t = 1; t <= 6; t++) {
        for (volatile unsigned long i = 0; i < 6000000; i++)
            ;
        printf("tick %d\n", t);
        flush();
    }
    return 0;
}
