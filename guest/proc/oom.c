/* The OOM killer (issue 5): a runaway child touches memory until there is
 * none left; the kernel must kill it (SIGKILL, with a message on stderr) and
 * leave its well-behaved parent running with correct results. Run with a
 * small --mem and no swap; never run natively or under qemu (it would eat the
 * host's memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    enum { N = 1000 };
    static long table[N];       /* the parent's own data: must survive */
    for (int i = 0; i < N; i++)
        table[i] = (long)i * i;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        for (;;) {              /* runaway: 1 MiB at a time, touched */
            char *p = malloc(1 << 20);
            if (!p)
                return 3;       /* Linux overcommits: malloc does not fail first */
            memset(p, 0x5a, 1 << 20);
        }
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return 4;
    long sum = 0;
    for (int i = 0; i < N; i++)
        sum += table[i];
    printf("child %s %d\n", WIFSIGNALED(status) ? "killed by signal" : "exited",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    printf("sum %ld\n", sum);
    return 0;
}
