/* File locks across processes (issue 12): POSIX record locks (ranges,
 * split, merge, conversion, release on any close, not inherited by fork),
 * OFD locks, flock, F_SETLKW waiting, EDEADLK, EINTR and bad input. The
 * same source built natively is the reference (tests/scripts/coord_native.sh):
 * every line must match. Processes take turns through pipes, so the output
 * order does not depend on scheduling. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path = "locks.tmp";
static pid_t parent;

static const char *err(int e)
{
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EOVERFLOW: return "EOVERFLOW";
    case EDEADLK: return "EDEADLK";
    case EINTR: return "EINTR";
    default: return strerror(e);
    }
}

static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl) < 0 ? errno : 0;
}

static void getlk(const char *what, int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl) < 0) {
        printf("%s: getlk %s\n", what, err(errno));
        return;
    }
    if (fl.l_type == F_UNLCK) {
        printf("%s: unlocked\n", what);
        return;
    }
    const char *who = fl.l_pid == parent ? "parent" : fl.l_pid == -1 ? "-1" : "other";
    printf("%s: %s start %lld len %lld pid %s\n", what, fl.l_type == F_WRLCK ? "WRLCK" : "RDLCK",
           (long long)fl.l_start, (long long)fl.l_len, who);
}

static void set(const char *what, int fd, int cmd, int type, off_t start, off_t len)
{
    printf("%s: %s\n", what, err(lk(fd, cmd, type, SEEK_SET, start, len)));
}

/* Runs fn in a child (fresh descriptors of the file where it opens them)
 * and waits for it. */
static void in_child(void (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        fn();
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
}

static int inherited;   /* a descriptor the child inherits */

static void child_ranges(void)
{
    int fd = open(path, O_RDWR);
    set("child wrlck byte 10", fd, F_SETLK, F_WRLCK, 10, 1);
    getlk("child getlk 10", fd, F_GETLK, F_WRLCK, 10, 1);
    getlk("child getlk 150", fd, F_GETLK, F_WRLCK, 150, 1);
}

static void child_split(void)
{
    int fd = open(path, O_RDWR);
    getlk("split getlk 50", fd, F_GETLK, F_WRLCK, 50, 1);
    getlk("split getlk 39", fd, F_GETLK, F_WRLCK, 39, 1);
    getlk("split getlk 60", fd, F_GETLK, F_WRLCK, 60, 1);
    getlk("split getlk all", fd, F_GETLK, F_WRLCK, 0, 0);
}

static void child_convert(void)
{
    int fd = open(path, O_RDWR);
    set("convert child rdlck 10", fd, F_SETLK, F_RDLCK, 10, 1);
    set("convert child wrlck 10", fd, F_SETLK, F_WRLCK, 10, 1);
    getlk("convert child getlk rd 60", fd, F_GETLK, F_RDLCK, 60, 1);
}

static void child_merge(void)
{
    int fd = open(path, O_RDWR);
    getlk("merge getlk 45", fd, F_GETLK, F_WRLCK, 45, 1);
    getlk("merge getlk 120", fd, F_GETLK, F_WRLCK, 120, 10);
}

static void child_after_close(void)
{
    int fd = open(path, O_RDWR);
    getlk("after close getlk", fd, F_GETLK, F_WRLCK, 0, 0);
}

static void child_fork(void)
{
    /* The inherited descriptor: the parent's POSIX locks are not ours. */
    getlk("fork child getlk 5", inherited, F_GETLK, F_WRLCK, 5, 1);
    set("fork child setlk 5", inherited, F_SETLK, F_WRLCK, 5, 1);
}

static void child_ofd(void)
{
    set("ofd child same description", inherited, F_OFD_SETLK, F_WRLCK, 0, 10);
    int fd = open(path, O_RDWR);
    set("ofd child new description", fd, F_OFD_SETLK, F_WRLCK, 0, 10);
    getlk("ofd child getlk", fd, F_OFD_GETLK, F_WRLCK, 0, 10);
    set("ofd child posix vs ofd", fd, F_SETLK, F_WRLCK, 5, 1);
}

static void child_flock(void)
{
    int fd = open(path, O_RDWR);
    printf("flock child new description: %s\n", err(flock(fd, LOCK_EX | LOCK_NB) ? errno : 0));
    printf("flock child shared nb: %s\n", err(flock(fd, LOCK_SH | LOCK_NB) ? errno : 0));
    printf("flock child inherited: %s\n", err(flock(inherited, LOCK_EX | LOCK_NB) ? errno : 0));
    set("flock child fcntl lock", fd, F_SETLK, F_WRLCK, 0, 0);
}

static void child_bad(void)
{
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
    set("bad wrlck on O_RDONLY", ro, F_SETLK, F_WRLCK, 0, 1);
    set("bad rdlck on O_WRONLY", wo, F_SETLK, F_RDLCK, 0, 1);
    set("bad fd", 99, F_SETLK, F_RDLCK, 0, 1);
    printf("bad l_len overflow: %s\n", err(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 2, INT64_MAX)));
    printf("bad l_start overflow: %s\n", err(lk(ro, F_SETLK, F_RDLCK, SEEK_END, INT64_MAX, 1)));
    printf("bad negative start: %s\n", err(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, -5, 1)));
    printf("bad negative len: %s\n", err(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 2, -5)));
    printf("ok negative len: %s\n", err(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 150, -5)));
    printf("bad whence: %s\n", err(lk(ro, F_SETLK, F_RDLCK, 7, 0, 1)));
    printf("bad type: %s\n", err(lk(ro, F_SETLK, 5, SEEK_SET, 0, 1)));
    printf("bad getlk unlck: %s\n", err(lk(ro, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
    struct flock fl = {.l_type = F_RDLCK, .l_pid = 7};
    printf("bad ofd l_pid: %s\n", err(fcntl(ro, F_OFD_SETLK, &fl) < 0 ? errno : 0));
    printf("bad flock op: %s\n", err(flock(ro, 77) ? errno : 0));
    printf("bad flock fd: %s\n", err(flock(99, LOCK_SH) ? errno : 0));
    printf("unlock nothing: %s\n", err(lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 0)));
}

static void on_usr1(int s) { (void)s; }

/* F_SETLKW: waits until the holder unlocks; a signal with a handler
 * (no SA_RESTART) interrupts it with EINTR. */
static void waiting(void)
{
    int fd = open(path, O_RDWR);
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    int to_parent[2];
    pipe(to_parent);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int cfd = open(path, O_RDWR);
        write(to_parent[1], "r", 1);
        int e = lk(cfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        printf("setlkw child: %s after the parent unlocked\n", err(e));
        fflush(stdout);
        _exit(0);
    }
    char b;
    read(to_parent[0], &b, 1);
    usleep(100000);
    printf("setlkw parent: unlocking\n");
    fflush(stdout);
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
    int st;
    waitpid(c, &st, 0);

    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    c = fork();
    if (c == 0) {
        struct sigaction sa = {.sa_handler = on_usr1};
        sigaction(SIGUSR1, &sa, NULL);
        int cfd = open(path, O_RDWR);
        write(to_parent[1], "r", 1);
        int e = lk(cfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        printf("setlkw child with a signal: %s\n", err(e));
        fflush(stdout);
        _exit(0);
    }
    read(to_parent[0], &b, 1);
    usleep(100000);
    kill(c, SIGUSR1);
    waitpid(c, &st, 0);
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);

    /* A cycle: the parent holds 0 and waits for 1, the child holds 1 and
     * asks for 0: the child gets EDEADLK; when it exits the parent gets 1. */
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    int to_child[2];
    pipe(to_child);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        int cfd = open(path, O_RDWR);
        lk(cfd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
        write(to_parent[1], "r", 1);
        usleep(200000);
        int e = lk(cfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        printf("deadlock child: %s\n", err(e));
        fflush(stdout);
        _exit(0);
    }
    read(to_parent[0], &b, 1);
    int e = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    printf("deadlock parent: %s once the child exited\n", err(e));
    waitpid(c, &st, 0);
    close(fd);
}

int main(void)
{
    parent = getpid();
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[200];
    memset(buf, 'x', sizeof buf);
    write(fd, buf, sizeof buf);
    set("parent wrlck 0-99", fd, F_SETLK, F_WRLCK, 0, 100);
    in_child(child_ranges);
    set("parent unlock 40-59", fd, F_SETLK, F_UNLCK, 40, 20);
    in_child(child_split);
    set("parent rdlck 0-39", fd, F_SETLK, F_RDLCK, 0, 40);
    in_child(child_convert);
    set("parent wrlck 40-59", fd, F_SETLK, F_WRLCK, 40, 20);
    set("parent wrlck 100-119", fd, F_SETLK, F_WRLCK, 100, 20);
    in_child(child_merge);
    int other = open(path, O_RDONLY);
    close(other);
    in_child(child_after_close);

    inherited = fd;
    set("parent wrlck 0-9", fd, F_SETLK, F_WRLCK, 0, 10);
    in_child(child_fork);
    set("parent unlock all", fd, F_SETLK, F_UNLCK, 0, 0);

    set("parent ofd 0-9", fd, F_OFD_SETLK, F_WRLCK, 0, 10);
    in_child(child_ofd);
    set("parent ofd unlock", fd, F_OFD_SETLK, F_UNLCK, 0, 0);

    printf("flock parent: %s\n", err(flock(fd, LOCK_EX) ? errno : 0));
    in_child(child_flock);
    printf("flock parent unlock: %s\n", err(flock(fd, LOCK_UN) ? errno : 0));
    close(fd);

    in_child(child_bad);
    waiting();
    unlink(path);
    return 0;
}
