/* Ways for a process to end, chosen by argv[1]:
 *   exit N     exit(N)
 *   term       raise(SIGTERM): the shell reports 143
 *   segv       a store to address 8: 139
 *   deadlock   read from a pipe whose write end it holds itself: never returns
 *   spin       an endless loop
 *   orphan     forks a child that outlives the parent and prints later
 *   forkbomb   forks until fork fails, then reaps them all */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile uintptr_t bad_addr = 8;

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "exit";
    printf("die: %s\n", how);
    fflush(stdout);
    if (strcmp(how, "exit") == 0)
        return argc > 2 ? atoi(argv[2]) : 0;
    if (strcmp(how, "term") == 0) {
        raise(SIGTERM);
        return 1;
    }
    if (strcmp(how, "segv") == 0) {
        *(volatile int *)bad_addr = 1;
        return 1;
    }
    if (strcmp(how, "deadlock") == 0) {
        int fds[2];
        char c;
        if (pipe(fds) != 0)
            return 1;
        return (int)read(fds[0], &c, 1);
    }
    if (strcmp(how, "spin") == 0)
        for (;;)
            ;
    if (strcmp(how, "orphan") == 0) {
        fflush(stdout);
        if (fork() == 0) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
            printf("orphan: still running after the parent\n");
            return 0;
        }
        printf("parent: exits 4\n");
        return 4;
    }
    if (strcmp(how, "forkbomb") == 0) {
        int n = 0;
        for (;;) {
            pid_t c = fork();
            if (c == 0) {
                struct timespec ts = {1, 0};
                nanosleep(&ts, NULL);   /* stay alive until the bomb stops */
                _exit(0);
            }
            if (c < 0)
                break;
            n++;
        }
        printf("fork bomb stopped: %s\n", strerror(errno));
        while (wait(NULL) > 0)
            n--;
        printf("all reaped: %d\n", n == 0);
        return 0;
    }
    return 2;
}
