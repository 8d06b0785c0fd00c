/* Robustness of the process tree: random forks, vforks, exits, kills of
 * children, waits with and without WNOHANG, orphans and signals, with a
 * bounded number of processes. The simulator must survive it under
 * ASan/UBSan, keep its invariants (checked at every exit in debug builds)
 * and end with the first process's status; the test checks "done" and 0. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng;
static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33) % n;
}

static volatile int hits;
static void on_usr1(int s) { (void)s; hits++; }

static void act(int depth, int steps)
{
    pid_t kids[8];
    int nk = 0;
    char *mem = malloc(4096 * 4);
    for (int i = 0; i < steps; i++) {
        mem[rnd(4 * 4096)] = (char)i;   /* some copy-on-write */
        switch (rnd(8)) {
        case 0: case 1:
            if (depth < 4 && nk < 8) {
                pid_t c = rnd(4) == 0 ? vfork() : fork();
                if (c == 0) {
                    if (rnd(3) == 0)   /* (vfork children must not return) */
                        _exit(rnd(256));
                    rng ^= (uint64_t)getpid() << 20;
                    act(depth + 1, steps / 2);
                    _exit(depth);
                }
                if (c > 0)
                    kids[nk++] = c;
            }
            break;
        case 2:
            if (nk)
                kill(kids[rnd(nk)], rnd(2) ? SIGUSR1 : SIGTERM);
            break;
        case 3:
            if (nk) {
                int st;
                int k = rnd(nk);
                if (waitpid(kids[k], &st, rnd(2) ? WNOHANG : 0) == kids[k])
                    kids[k] = kids[--nk];
            }
            break;
        case 4:
            sched_yield();
            break;
        case 5:
            if (depth > 0 && rnd(4) == 0)
                _exit(7);   /* leaves orphans behind */
            break;
        default:
            for (volatile int j = 0; j < 1000; j++)
                ;
        }
    }
    free(mem);
}

int main(int argc, char **argv)
{
    rng = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    signal(SIGUSR1, on_usr1);
    act(0, 60);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    printf("done\n");
    return 0;
}
