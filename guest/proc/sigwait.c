/* Waiting and dying by signal (issue 12): a child kills its parent with
 * SIGTERM while the grandparent waits for that parent; the grandparent must
 * see WIFSIGNALED with signal 15, whoever sent it. Also a parent blocked in
 * a pipe read killed from outside, and a sleeping child killed by its
 * parent. The native build is the reference (coord_native.sh). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, int st)
{
    if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else
        printf("%s: status 0x%x\n", what, st);
    fflush(stdout);
}

int main(void)
{
    int st;
    /* 1. The grandchild kills its parent, which waits for it. */
    pid_t mid = fork();
    if (mid == 0) {
        pid_t c = fork();
        if (c == 0) {
            kill(getppid(), SIGTERM);
            _exit(3);
        }
        waitpid(c, &st, 0);
        pause();
        _exit(0);
    }
    waitpid(mid, &st, 0);
    report("parent killed by its child", st);

    /* 2. A process blocked reading a pipe, killed by its sibling. */
    int p[2];
    pipe(p);
    pid_t reader = fork();
    if (reader == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);
        _exit(0);
    }
    pid_t killer = fork();
    if (killer == 0) {
        usleep(50000);
        kill(reader, SIGKILL);
        _exit(0);
    }
    waitpid(reader, &st, 0);
    report("reader killed by a sibling", st);
    waitpid(killer, &st, 0);
    report("killer", st);
    close(p[0]);
    close(p[1]);

    /* 3. A sleeping child killed by its parent with SIGINT. */
    pid_t sl = fork();
    if (sl == 0) {
        sleep(5);
        _exit(0);
    }
    usleep(50000);
    kill(sl, SIGINT);
    waitpid(sl, &st, 0);
    report("sleeper", st);

    /* 4. A child that kills itself with SIGTERM blocked then unblocked. */
    pid_t self = fork();
    if (self == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGTERM);
        sigprocmask(SIG_BLOCK, &s, NULL);
        kill(getpid(), SIGTERM);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        _exit(0);
    }
    waitpid(self, &st, 0);
    report("self", st);
    return 0;
}
