/* Process-creation benchmark (bench/proc_bench.sh): N times fork, the child
 * execve()s argv[2] (a dynamic hello), the parent waits for it. Prints the
 * count and the sum of the children's exit statuses, so the runs under
 * vmsim, qemu-riscv64 and the host can be compared.
 * Usage: spawn N PROGRAM */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: spawn N PROGRAM\n");
        return 2;
    }
    long n = atol(argv[1]);
    long status_sum = 0;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            /* the hello's output is not part of what we measure */
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, 1);
            char *args[] = { argv[2], NULL };
            char *env[] = { NULL };
            execve(argv[2], args, env);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid) {
            perror("waitpid");
            return 1;
        }
        status_sum += WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
    }
    printf("spawned %ld, exit status sum %ld\n", n, status_sum);
    return 0;
}
