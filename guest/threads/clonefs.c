/* clone with CLONE_FILES, CLONE_FS and CLONE_SIGHAND but without
 * CLONE_THREAD: two processes sharing one descriptor table (an open, close,
 * dup2 or FD_CLOEXEC in one is seen by the other), one fs context (chdir,
 * umask) and one table of signal handlers (sigaction, SA_RESETHAND), each
 * with its own /proc/self; and what execve unshares (the descriptor table,
 * before closing close-on-exec descriptors, and the handlers; the fs
 * context stays shared). Without the flags the child has copies, and a
 * thread made without CLONE_FILES has a table of its own.
 *
 * The children make only system calls (they share our TLS and stdio) and
 * store what they see for us to print. Compared with native Linux (qemu-user
 * refuses such clones). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK (256 << 10)

static const char *yesno(int b) { return b ? "yes" : "no"; }

static int fd_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

static pid_t spawn(int (*fn)(void *), int flags, void *arg, pid_t *ctid)
{
    char *stack = malloc(STACK);
    pid_t pid = clone(fn, stack + STACK, flags, arg, ctid, NULL, ctid);
    if (pid < 0)
        printf("clone(0x%x): %s\n", flags, strerror(errno));
    return pid;
}

static pid_t reap(pid_t pid)
{
    int st;
    pid_t w;
    do
        w = waitpid(pid, &st, __WALL);
    while (w < 0 && errno == EINTR);
    return w;
}

/* Is /proc/self the caller's process? */
static int self_is_me(void)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    return atoi(buf) == getpid();
}

/* ---- the child's side of each case --------------------------------------- */

static volatile int c_fd = -1, c_pipe[2] = {-1, -1}, c_self, c_dup;
static volatile unsigned c_oldmask;
static int p_closeme, p_cloexec;   /* descriptors the parent opened for the child */

static int files_fs_child(void *arg)
{
    c_fd = open("/dev/null", O_RDONLY);
    int p[2];
    if (pipe(p) == 0) {
        c_pipe[0] = p[0];
        c_pipe[1] = p[1];
    }
    close(p_closeme);
    fcntl(p_cloexec, F_SETFD, FD_CLOEXEC);
    c_dup = dup2(1, 77);
    if (chdir("/proc") == 0)
        c_self = self_is_me();
    c_oldmask = umask(027);
    return 0;
}

static void on_sig(int s) { (void)s; }
static void on_sig2(int s) { (void)s; }
static volatile int go, handled;
static void on_usr1_once(int s) { handled++; }
static volatile void *c_seen_usr2;

static int sighand_child(void *arg)
{
    struct sigaction sa = {.sa_handler = on_sig};
    sigaction(SIGUSR1, &sa, NULL);
    while (!go)
        sched_yield();
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    c_seen_usr2 = (void *)old.sa_handler;
    return 0;
}

static int raise_child(void *arg)
{
    kill(getpid(), SIGUSR1);   /* its handler (SA_RESETHAND) runs here, once */
    return 0;
}

static int exec_child(void *arg)
{
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", p_closeme);
    snprintf(b, sizeof b, "%d", p_cloexec);
    execl((const char *)arg, "clonefs", "exec", a, b, (char *)NULL);
    _exit(127);
}

static int thread_fn(void *arg)
{
    c_fd = open("/dev/null", O_RDONLY);
    return 0;
}

/* The program the CLONE_FILES|CLONE_FS|CLONE_SIGHAND child exec'd. */
static int execd(int keep, int cloexec)
{
    printf("exec'd child: inherited descriptor open: %s, close-on-exec one closed: %s\n",
           yesno(fd_open(keep)), yesno(!fd_open(cloexec)));
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    printf("exec'd child: SIGUSR2 handler reset to SIG_DFL: %s\n", yesno(old.sa_handler == SIG_DFL));
    close(keep);
    signal(SIGUSR2, SIG_IGN);
    int r = chdir("/proc");
    printf("exec'd child: chdir /proc: %s\n", r ? strerror(errno) : "ok");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 4 && !strcmp(argv[1], "exec"))
        return execd(atoi(argv[2]), atoi(argv[3]));
    char *self = realpath(argv[0], NULL);
    char home[PATH_MAX];
    if (!self || !getcwd(home, sizeof home))
        return 1;
    umask(022);

    /* 1. CLONE_VM|CLONE_FILES|CLONE_FS: one table, one cwd and umask. */
    p_closeme = dup(1);
    p_cloexec = dup(1);
    pid_t pid = spawn(files_fs_child, CLONE_VM | CLONE_FILES | CLONE_FS | SIGCHLD, NULL, NULL);
    printf("CLONE_FILES|CLONE_FS child reaped: %s\n", yesno(reap(pid) == pid));
    struct stat a, b;
    printf("the child's open is ours: %s\n",
           yesno(c_fd >= 0 && !fstat(c_fd, &a) && !stat("/dev/null", &b) && a.st_ino == b.st_ino &&
              a.st_dev == b.st_dev));
    char msg[8] = "";
    int piped = c_pipe[1] >= 0 && write(c_pipe[1], "pipe", 5) == 5 && read(c_pipe[0], msg, 5) == 5;
    printf("the child's pipe works here: %s\n", yesno(piped && !strcmp(msg, "pipe")));
    printf("its close of our descriptor is seen: %s\n", yesno(!fd_open(p_closeme) && errno == EBADF));
    printf("its FD_CLOEXEC is seen: %s\n", yesno(fcntl(p_cloexec, F_GETFD) == FD_CLOEXEC));
    printf("its dup2 to 77 is seen: %s\n", yesno(c_dup == 77 && fd_open(77)));
    char cwd[PATH_MAX];
    printf("our cwd after its chdir: %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    printf("its /proc/self was itself: %s, ours is us: %s\n", yesno(c_self), yesno(self_is_me()));
    printf("our umask after its umask(027): %03o (it saw %03o)\n", (unsigned)umask(022),
           c_oldmask);
    close(c_fd);
    close(c_pipe[0]);
    close(c_pipe[1]);
    close(77);
    if (chdir(home))
        return 1;

    /* 2. CLONE_VM alone: copies. */
    c_fd = -1;
    p_closeme = dup(1);
    pid = spawn(files_fs_child, CLONE_VM | SIGCHLD, NULL, NULL);
    reap(pid);
    printf("CLONE_VM alone: the child's open is ours: %s, its close of ours: %s\n",
           yesno(c_fd >= 0 && fd_open(c_fd)), yesno(!fd_open(p_closeme)));
    printf("CLONE_VM alone: our cwd is unchanged: %s, umask %03o\n",
           yesno(getcwd(cwd, sizeof cwd) && !strcmp(cwd, home)), (unsigned)umask(022));
    close(p_closeme);
    close(p_cloexec);

    /* 3. CLONE_VM|CLONE_SIGHAND: one table of handlers. */
    struct sigaction sa = {.sa_handler = SIG_DFL}, old;
    sigaction(SIGUSR1, &sa, NULL);
    pid = spawn(sighand_child, CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL, NULL);
    sa.sa_handler = on_sig2;
    sigaction(SIGUSR2, &sa, NULL);
    go = 1;
    reap(pid);
    sigaction(SIGUSR1, NULL, &old);
    printf("CLONE_SIGHAND: the child's handler is ours: %s\n", yesno(old.sa_handler == on_sig));
    printf("CLONE_SIGHAND: our handler is the child's: %s\n", yesno(c_seen_usr2 == (void *)on_sig2));
    sa.sa_handler = on_usr1_once;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    pid = spawn(raise_child, CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL, NULL);
    reap(pid);
    sigaction(SIGUSR1, NULL, &old);
    printf("CLONE_SIGHAND: the child's SA_RESETHAND reset ours: %s (handled %d)\n",
           yesno(old.sa_handler == SIG_DFL), handled);
    errno = 0;
    pid = (pid_t)syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        _exit(0);
    printf("CLONE_SIGHAND without CLONE_VM: %s\n", pid < 0 ? strerror(errno) : "allowed");
    if (pid > 0)
        reap(pid);

    /* 4. execve unshares the table (then closes close-on-exec descriptors in
     * its copy) and the handlers; the fs context stays shared. */
    p_closeme = dup(1);
    p_cloexec = dup(1);
    fcntl(p_cloexec, F_SETFD, FD_CLOEXEC);
    sa.sa_handler = on_sig2;
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    pid = spawn(exec_child, CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_FS | CLONE_SIGHAND | SIGCHLD,
                self, NULL);
    printf("exec'd child reaped: %s\n", yesno(reap(pid) == pid));
    printf("after its exec: its close is not seen: %s, our close-on-exec descriptor open: %s\n",
           yesno(fd_open(p_closeme)), yesno(fd_open(p_cloexec)));
    sigaction(SIGUSR2, NULL, &old);
    printf("after its exec: our SIGUSR2 handler kept: %s\n", yesno(old.sa_handler == on_sig2));
    printf("after its exec: our cwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    close(p_closeme);
    close(p_cloexec);
    if (chdir(home))
        return 1;

    /* 5. A thread without CLONE_FILES: a table of its own, dropped at its exit. */
    static volatile pid_t ctid;
    c_fd = -1;
    pid = spawn(thread_fn,
                CLONE_VM | CLONE_FS | CLONE_SIGHAND | CLONE_THREAD | CLONE_CHILD_CLEARTID |
                    CLONE_PARENT_SETTID,
                NULL, (pid_t *)&ctid);
    while (pid > 0 && ctid)
        syscall(SYS_futex, &ctid, FUTEX_WAIT, ctid, NULL, NULL, 0);
    printf("thread without CLONE_FILES: it opened %s, not in our table: %s\n",
           c_fd >= 0 ? "a descriptor" : "nothing", yesno(!fd_open(c_fd)));
    printf("done\n");
    return 0;
}
