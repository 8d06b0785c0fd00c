/* vfork and posix_spawn (glibc uses clone(CLONE_VM|CLONE_VFORK)): the
 * child runs in the parent's memory until it execs; a spawn that cannot exec
 * reports the error to the parent. argv[1] is the echo program. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t pid;
    char *av[] = {"spawned", "x", NULL};
    char *ev[] = {"FOO=spawn", NULL};
    int rc = posix_spawn(&pid, argv[1], NULL, NULL, av, ev);
    int st = 0;
    waitpid(pid, &st, 0);   /* (print after: the child's output comes first) */
    printf("posix_spawn: %d\n", rc);
    printf("spawned status: %d\n", WEXITSTATUS(st));

    rc = posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, av, ev);
    printf("posix_spawn missing: %s\n", strerror(rc));

    /* posix_spawnp searches PATH. */
    rc = posix_spawnp(&pid, "no-such-program-anywhere", NULL, NULL, av, environ);
    printf("posix_spawnp missing: %s\n", strerror(rc));

    /* vfork: the parent resumes only after the child has exec'd or exited. */
    volatile int shared = 0;
    pid_t c = vfork();
    if (c == 0) {
        shared = 1;   /* Linux's vfork shares memory: the parent sees it */
        _exit(4);
    }
    waitpid(c, &st, 0);
    printf("vfork child exit: %d, saw write: %d\n", WEXITSTATUS(st), shared);

    c = vfork();
    if (c == 0) {
        execve(argv[1], av, ev);
        _exit(127);
    }
    waitpid(c, &st, 0);
    printf("vfork+exec status: %d\n", WEXITSTATUS(st));
    return 0;
}
