/* execve and fork from a thread. A thread other than the main one forks:
 * the child has one thread (the caller's copy). Then it calls execve:
 * the other threads end first (Linux de_thread), the new program keeps the
 * process's pid, runs as its only thread, and its tid is the pid. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *self;
static pthread_barrier_t b;

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void *sleeper(void *arg)
{
    pthread_barrier_wait(&b);
    for (;;)
        pause();
    return NULL;
}

static void *execer(void *arg)
{
    pthread_barrier_wait(&b);
    pid_t c = fork();
    if (c == 0) {
        printf("forked child of a thread: %d task(s), tid is pid %d\n", count_tasks(),
               (long)getpid() == syscall(SYS_gettid));
        fflush(stdout);
        _exit(7);
    }
    int st;
    waitpid(c, &st, 0);
    printf("the thread reaped its child: exit %d\n", WEXITSTATUS(st));
    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    fflush(stdout);
    execl(self, self, "after", pid, (char *)NULL);
    perror("execl");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "after")) {
        printf("after execve: same pid %d, %d task(s), tid is pid %d\n", getpid() == atoi(argv[2]),
               count_tasks(), (long)getpid() == syscall(SYS_gettid));
        return 0;
    }
    self = argv[0];
    pthread_barrier_init(&b, NULL, 4);
    pthread_t t[3];
    pthread_create(&t[0], NULL, sleeper, NULL);
    pthread_create(&t[1], NULL, sleeper, NULL);
    pthread_create(&t[2], NULL, execer, NULL);
    printf("before: %d tasks\n", count_tasks());
    fflush(stdout);
    pthread_barrier_wait(&b);
    for (;;)
        pause();
}
