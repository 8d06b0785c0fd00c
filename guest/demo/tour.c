/* vmsim demo: the first process. It starts the demo's programs one scene at
 * a time (fork + execve), waits until each is ready, and keeps them all
 * waiting until the end, so that the last stop point (DEMO_MARK_FIGURE) sees
 * every process of the demo alive: CS:APP Figure 9.9 on real programs.
 * The programs are in the sandbox's root directory: /hello, /pagein, ... */
#include "demo.h"

#include <fcntl.h>
#include <string.h>

static int ready_r, wait_w;

/* Starts /PROG with args, its fd 3 and 4 the demo's pipes, and waits until it
 * says it is ready. */
static void start(char *const argv[], int readies)
{
    char path[64];
    snprintf(path, sizeof path, "/%s", argv[0]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("tour: fork");
        exit(1);
    }
    if (pid == 0) {
        execv(path, argv);
        perror(path);
        _exit(127);
    }
    for (int i = 0; i < readies; i++) {
        char c;
        if (read(ready_r, &c, 1) != 1) {
            fprintf(stderr, "tour: %s did not get ready\n", path);
            exit(1);
        }
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ready[2], waitp[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(waitp, O_CLOEXEC) != 0) {
        perror("tour: pipe");
        return 1;
    }
    /* Our ends above 9 (closed on exec), the programs' ends at 3 and 4. */
    ready_r = fcntl(ready[0], F_DUPFD_CLOEXEC, 10);
    wait_w = fcntl(waitp[1], F_DUPFD_CLOEXEC, 10);
    int ready_w = fcntl(ready[1], F_DUPFD_CLOEXEC, 10);
    int wait_r = fcntl(waitp[0], F_DUPFD_CLOEXEC, 10);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(waitp[i]);
    }
    if (ready_r < 0 || wait_w < 0 || ready_w < 0 || wait_r < 0 ||
        dup2(ready_w, DEMO_FD_READY) < 0 || dup2(wait_r, DEMO_FD_WAIT) < 0) {
        perror("tour: fds");
        return 1;
    }
    close(ready_w);
    close(wait_r);
    printf("[tour, pid %d] starting the demo's programs\n", getpid());

    start((char *const[]){"hello", "A", NULL}, 1);
    start((char *const[]){"hello", "B", NULL}, 1);
    demo_mark(DEMO_MARK_TABLES, 0, 0);
    start((char *const[]){"pagein", "5", "33", "60", NULL}, 1);
    start((char *const[]){"alloc", NULL}, 1);
    start((char *const[]){"mapfile", "writer", NULL}, 1);
    start((char *const[]){"mapfile", "reader", NULL}, 1);
    start((char *const[]){"cowfork", NULL}, 1);
    start((char *const[]){"memfdpass", "sender", NULL}, 1);
    start((char *const[]){"memfdpass", "receiver", NULL}, 1);
    demo_mark(DEMO_MARK_FIGURE, 0, 0);

    /* The end: every waiting program reads end-of-file and exits. */
    close(wait_w);
    close(DEMO_FD_READY);
    close(DEMO_FD_WAIT);
    int failed = 0, status;
    while (wait(&status) > 0)
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    printf("[tour, pid %d] every program has finished%s\n", getpid(),
           failed ? ", some with an error" : "");
    /* Threads: one process, one page table, several harts (issue 13). */
    fflush(stdout);
    pid_t t = fork();
    if (t == 0) {
        execv("/threads", (char *const[]){"threads", NULL});
        perror("/threads");
        _exit(127);
    }
    if (t < 0 || waitpid(t, &status, 0) != t || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        failed++;
    return failed != 0;
}
