/* Scenario program (tests/scripts/proc_share.sh): a dynamic program that
 * stays alive a while (virtual time) so that two instances run at once. */
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    printf("sleeper %s: start\n", argc > 1 ? argv[1] : "?");
    fflush(stdout);
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    printf("sleeper %s: done\n", argc > 1 ? argv[1] : "?");
    return 0;
}
