/* Runs the program argv[1] twice at the same time (two children that exec
 * it with arguments "A" and "B"), waits for both, and exits with the sum of
 * their exit statuses. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *names[2] = {"A", "B"};
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            char *av[] = {argv[1], (char *)names[i], NULL};
            execv(argv[1], av);
            _exit(127);
        }
    }
    int sum = 0;
    for (int i = 0; i < 2; i++) {
        int st;
        waitpid(kids[i], &st, 0);
        sum += WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    }
    return sum;
}
