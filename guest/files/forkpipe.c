/* fork + pipe: the child writes, the parent reads until EOF, waits.
 * Exits 77 (skip) when fork is not implemented. */
#include "ftest.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        if (errno == ENOSYS)
            return 77;
        printf("fork: %s\n", strerrorname_np(errno));
        return 1;
    }
    if (pid == 0) {
        close(p[0]);
        char buf[1000];
        for (int i = 0; i < 200; i++) {   /* 200 KB: more than the pipe holds */
            memset(buf, 'a' + i % 26, sizeof buf);
            if (write(p[1], buf, sizeof buf) != sizeof buf)
                _exit(3);
        }
        _exit(7);
    }
    close(p[1]);
    long total = 0, sum = 0;
    char buf[4096];
    ssize_t r;
    while ((r = read(p[0], buf, sizeof buf)) > 0) {
        total += r;
        for (ssize_t i = 0; i < r; i++)
            sum += buf[i];
    }
    int st;
    SHOW("wait", waitpid(pid, &st, 0) == pid);
    printf("read %ld bytes, sum %ld, child exit %d\n", total, sum, WEXITSTATUS(st));
    /* One write(2) of 300 KB: it waits until the reader took it all, and
     * returns the whole count. */
    int r2[2];
    pipe(r2);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(r2[0]);
        static char big[300000];
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (char)(i * 7);
        ssize_t w = write(r2[1], big, sizeof big);
        _exit(w == (ssize_t)sizeof big ? 0 : 1);
    }
    close(r2[1]);
    total = sum = 0;
    while ((r = read(r2[0], buf, sizeof buf)) > 0) {
        total += r;
        for (ssize_t i = 0; i < r; i++)
            sum = sum * 3 + (unsigned char)buf[i];
    }
    waitpid(pid, &st, 0);
    printf("big write: read %ld bytes, hash %ld, child exit %d\n", total, sum, WEXITSTATUS(st));
    /* The reader gone, a writer child dies of SIGPIPE. */
    int q[2];
    pipe(q);
    close(q[0]);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        write(q[1], "x", 1);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("child signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    return 0;
}
