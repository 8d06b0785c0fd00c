/* execve: argv and envp reach the new program; a failed execve returns to
 * a caller whose memory is intact; exit statuses come back through wait.
 * argv[1] is the path of the echo program. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Kept in a variable so the compiler cannot see the bad pointer. */
static volatile uintptr_t bad_addr = 8;

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: exec ECHO_PATH\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *echo = argv[1];
    static int marker = 1234;
    char *heap = malloc(100);
    strcpy(heap, "heap survives");
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(m + 4096, "mapping survives");

    /* A child execs echo with its own argv and envp. */
    pid_t c = fork();
    if (c == 0) {
        char *av[] = {"echo-name", "one", "two words", "", NULL};
        char *ev[] = {"FOO=bar", "OTHER=1", NULL};
        execve(echo, av, ev);
        _exit(100);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child exec status: %d\n", WEXITSTATUS(st));

    /* An empty environment, execv. */
    c = fork();
    if (c == 0) {
        char *av[] = {"e", NULL};
        char *ev[] = {NULL};
        execve(echo, av, ev);
        _exit(100);
    }
    waitpid(c, &st, 0);
    printf("child exec status: %d\n", WEXITSTATUS(st));

    /* Failing execs leave us as we were. */
    char *av[] = {"x", NULL};
    int r = execve("/nonexistent/prog", av, environ);
    printf("execve missing: %d %s\n", r, strerror(errno));
    r = execve("/", av, environ);
    printf("execve directory: %d %s\n", r, strerror(errno));
    r = execve((char *)bad_addr, av, environ);
    printf("execve bad pointer: %d %s\n", r, strerror(errno));
    r = execve(echo, (char **)bad_addr, environ);
    printf("execve bad argv: %d %s\n", r, strerror(errno));
    printf("still here: %d %s %s\n", marker, heap, m + 4096);

    /* A chain: child execs echo which exits with argc; grandchild too. */
    for (int n = 1; n <= 3; n++) {
        c = fork();
        if (c == 0) {
            char *v[5] = {"chain", "a", "b", "c", NULL};
            v[n] = NULL;
            execv(echo, v);
            _exit(100);
        }
        waitpid(c, &st, 0);
        printf("argc %d -> status %d\n", n, WEXITSTATUS(st));
    }

    /* Finally replace ourselves: our exit status is echo's. */
    setenv("FOO", "from-parent", 1);
    char *last[] = {"last", "x", "y", "z", "w", NULL};
    execv(echo, last);
    return 99;
}
