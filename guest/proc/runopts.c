/* What `vmsim run`'s options set (issue 12): the working directory
 * (--cwd), argv[0], the clock (--clock, --clock-start), the ids (--uid,
 * --gid), and an unimplemented call made by several processes (said once
 * per run). Checked by tests/scripts/run_options.sh. */
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char cwd[256];
    getcwd(cwd, sizeof cwd);
    printf("cwd %s\nargv0 %s\ntime %lld\nuid %d gid %d\n", cwd, argv[0], (long long)time(NULL),
           (int)getuid(), (int)getgid());
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    usleep(300000);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("slept %lld ms\n", (long long)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000));
    if (argc > 1) {   /* io_destroy (1): not implemented, from 3 processes, twice each */
        for (int i = 0; i < 3; i++) {
            if (fork() == 0) {
                syscall(1, 0);
                syscall(1, 0);
                _exit(0);
            }
            wait(NULL);
        }
        syscall(1, 0);
    }
    return 0;
}
