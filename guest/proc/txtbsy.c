/* ETXTBSY both ways: a program a process is running cannot be opened for
 * writing or truncated (its bytes stay), and a file open for writing cannot
 * be executed; once closed, it can.
 *   txtbsy SELF   SELF: this program's path (relative to the cwd) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *label, long rc)
{
    if (rc < 0)
        printf("%s = -1 (%s)\n", label, strerrorname_np(errno));
    else
        printf("%s = ok\n", label);
}

static void run(const char *path, const char *label)
{
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = {(char *)path, "child", NULL};
        execv(path, argv);
        printf("%s: execv = -1 (%s)\n", label, strerrorname_np(errno));
        _exit(1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("%s: status %d\n", label, WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("child runs\n");
        return 7;
    }
    if (argc < 2)
        return 2;
    const char *self = argv[1];
    show("open self O_WRONLY|O_TRUNC", open(self, O_WRONLY | O_TRUNC));
    show("open self O_RDWR", open(self, O_RDWR));
    show("truncate self", truncate(self, 0));
    int r = open(self, O_RDONLY);
    show("open self O_RDONLY", r);
    /* A copy, still open for writing. */
    int w = open("copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    static char b[1 << 16];
    long n;
    while ((n = read(r, b, sizeof b)) > 0)
        write(w, b, (size_t)n);
    close(r);
    run("copy", "copy open for writing");
    close(w);
    run("copy", "copy closed");
    return 0;
}
