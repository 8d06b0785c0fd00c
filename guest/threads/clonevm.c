/* clone(CLONE_VM) without CLONE_THREAD or CLONE_VFORK: a new process (its
 * own pid) on its own stack, sharing the caller's address space. The child
 * writes into memory both see and maps a region the parent then reads; the
 * low byte of the flags is the signal the parent gets at the child's end:
 * SIGCHLD (waitpid finds it), 0 and SIGUSR1 ("clone children": only
 * __WCLONE or __WALL find them, else ECHILD). Last, a process whose
 * CLONE_VM parent exits first goes on using the address space.
 *
 * The children make only system calls (they share the parent's TLS and
 * stdio), and store what they see for the parent to print. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK (256 << 10)

static volatile int shared_word;
static volatile pid_t child_pid, child_ppid;
static char *volatile child_map;
static volatile int maps_same = -1;
static char buf_a[65536], buf_b[65536];

static ssize_t slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t n = 0;
    ssize_t r;
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
        n += (size_t)r;
    close(fd);
    return (ssize_t)n;
}

static int child(void *arg)
{
    child_pid = getpid();
    child_ppid = getppid();
    shared_word = 42;
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
        memcpy(m + 4096, "written by the clone child", 27);
        child_map = m;
    }
    /* One address space: our maps and our parent's are the same text. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)child_ppid);
    ssize_t a = slurp("/proc/self/maps", buf_a, sizeof buf_a);
    ssize_t b = slurp(path, buf_b, sizeof buf_b);
    maps_same = a > 0 && a == b && !memcmp(buf_a, buf_b, (size_t)a);
    return (int)(intptr_t)arg;
}

static int quiet(void *arg)
{
    shared_word++;
    return (int)(intptr_t)arg;
}

static volatile sig_atomic_t usr1;
static void on_usr1(int s) { usr1++; }

static pid_t spawn(int (*fn)(void *), int flags, int code)
{
    char *stack = malloc(STACK);
    pid_t pid = clone(fn, stack + STACK, flags, (void *)(intptr_t)code);
    if (pid < 0)
        printf("clone(0x%x): %s\n", flags, strerror(errno));
    return pid;
}

/* The grandchild G of the test below: waits until its CLONE_VM parent F has
 * exited, then uses the address space F created and reports on the pipe. */
static int fd_w;
static pid_t f_pid;
static int orphan(void *arg)
{
    while (getppid() == f_pid)
        sched_yield();
    long sum = 0;
    char *m = mmap(NULL, 16 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; m != MAP_FAILED && i < 16 << 12; i++)
        m[i] = (char)i;
    for (int i = 0; m != MAP_FAILED && i < 16 << 12; i += 4096)
        sum += m[i + 7] + shared_word;
    char msg[96];
    int n = snprintf(msg, sizeof msg, "orphan: its CLONE_VM parent gone, memory works: sum %ld\n",
                     sum);
    write(fd_w, msg, (size_t)n);
    return 0;
}

static int sleeper(void *arg)
{
    for (;;)
        pause();
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && !strcmp(argv[1], "live")) {
        /* For the reports (tests/scripts/report_html.sh): a CLONE_VM child
         * still alive when we exit. Under vmsim only: it never ends. */
        spawn(sleeper, CLONE_VM | SIGCHLD, 0);
        sched_yield();
        printf("leaving a CLONE_VM child behind\n");
        return 0;
    }
    pid_t me = getpid();
    /* 1. CLONE_VM|SIGCHLD: a process of its own, one address space. */
    pid_t pid = spawn(child, CLONE_VM | SIGCHLD, 7);
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    printf("waitpid: %s, exit %d\n", w == pid ? "the child" : "?",
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    printf("child pid is its own: %s, its parent is us: %s\n",
           child_pid == pid && pid != me ? "yes" : "no", child_ppid == me ? "yes" : "no");
    printf("shared word: %d\n", shared_word);
    printf("child's mapping: %s\n", child_map ? child_map + 4096 : "(none)");
    printf("/proc/self/maps of the child == /proc/PARENT/maps: %s\n",
           maps_same == 1 ? "yes" : "no");
    if (child_map)
        munmap(child_map, 8192);

    /* 2. exit_signal 0: not a child waitpid sees without __WALL. */
    pid = spawn(quiet, CLONE_VM, 3);
    w = waitpid(pid, &st, 0);
    printf("exit_signal 0, waitpid(0): %s\n", w < 0 ? strerror(errno) : "found");
    w = waitpid(pid, &st, __WALL);
    printf("exit_signal 0, waitpid(__WALL): %s, exit %d\n", w == pid ? "the child" : "?",
           WEXITSTATUS(st));

    /* 3. exit_signal SIGUSR1: the parent's handler runs; __WCLONE finds it. */
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    pid = spawn(quiet, CLONE_VM | SIGUSR1, 5);
    w = waitpid(pid, &st, 0);
    printf("exit_signal SIGUSR1, waitpid(0): %s\n", w < 0 ? strerror(errno) : "found");
    do
        w = waitpid(pid, &st, __WCLONE);
    while (w < 0 && errno == EINTR);
    printf("exit_signal SIGUSR1, waitpid(__WCLONE): %s, exit %d, SIGUSR1 caught %d\n",
           w == pid ? "the child" : "?", WEXITSTATUS(st), (int)usr1);
    printf("shared word after two more children: %d\n", shared_word);

    /* 4. F forks off, clones G with CLONE_VM and exits at once: G outlives
     * the process whose address space it shares. */
    int fds[2];
    if (pipe(fds))
        return 1;
    pid_t f = fork();
    if (f == 0) {
        close(fds[0]);
        fd_w = fds[1];
        f_pid = getpid();
        spawn(orphan, CLONE_VM | SIGCHLD, 0);
        _exit(0);
    }
    close(fds[1]);
    waitpid(f, &st, 0);
    char line[128];
    ssize_t n;
    while ((n = read(fds[0], line, sizeof line - 1)) > 0) {
        line[n] = 0;
        fputs(line, stdout);
    }
    printf("done\n");
    return 0;
}
