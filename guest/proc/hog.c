/* Host resources follow from the guest's (issue 18).
 *   hog pipes N    N processes each fill as many pipes as they can (until
 *                  EMFILE, or ENOMEM when the simulated RAM is spent), all
 *                  full at once; then they exit.
 *   hog socks N    the same with socketpairs: stream pairs filled both
 *                  ways with 64 KiB writes, datagram pairs with one-byte
 *                  messages (ENOBUFS when the RAM is spent).
 *   hog dirs N     N processes each make 500 files and 500 directories of
 *                  their own, hold all 1000 open at once (with the host's
 *                  descriptor limit at 1024 too), then check each through
 *                  its descriptor: fstat, read (files: their own name),
 *                  readdir (directories: the one entry made in each);
 *                  ten of the files are unlinked first.
 *   hog files N    N processes each open one file as often as they can
 *                  (their RLIMIT_NOFILE, 1024, is what stops them), all at
 *                  once; each prints its count and errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fill_pipes(void)
{
    static char chunk[65536];
    int p[2], npipes = 0;
    long bytes = 0;
    while (pipe2(p, O_NONBLOCK) == 0) {
        npipes++;
        long n;
        while ((n = write(p[1], chunk, sizeof chunk)) > 0)
            bytes += n;
        if (errno == ENOMEM)
            break;
    }
    return npipes > 0 && bytes > 0;
}

/* Stops at EMFILE or when the RAM is spent (ENOBUFS), nothing else. */
static int fill_socks(void)
{
    static char chunk[65536];
    int sv[2], npairs = 0;
    for (;;) {
        int dgram = npairs % 2;
        if (socketpair(AF_UNIX, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK, 0, sv) < 0)
            return errno == EMFILE;
        npairs++;
        for (int end = 0; end < 2; end++) {
            if (dgram)
                while (send(sv[end], "m", 1, 0) == 1)
                    ;
            else
                while (write(sv[end], chunk, sizeof chunk) > 0)
                    ;
            if (errno == ENOBUFS || errno == ENOMEM)
                return 1;
            if (errno != EAGAIN)
                return 0;
        }
    }
}

#define NDIRS 500
static int dirfds[2 * NDIRS];

static int open_distinct(int me)
{
    char name[64];
    snprintf(name, sizeof name, "c%d", me);
    if (mkdir(name, 0755) < 0 || chdir(name) < 0)
        return 0;
    for (int i = 0; i < NDIRS; i++) {
        snprintf(name, sizeof name, "f%d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 || write(fd, name, strlen(name)) != (ssize_t)strlen(name) || close(fd) < 0)
            return 0;
        snprintf(name, sizeof name, "d%d", i);
        if (mkdir(name, 0755) < 0)
            return 0;
        snprintf(name, sizeof name, "d%d/in%d", i, i);
        if ((fd = open(name, O_WRONLY | O_CREAT, 0644)) < 0 || close(fd) < 0)
            return 0;
    }
    for (int i = 0; i < NDIRS; i++) {
        snprintf(name, sizeof name, "f%d", i);
        dirfds[2 * i] = open(name, O_RDONLY);
        snprintf(name, sizeof name, "d%d", i);
        dirfds[2 * i + 1] = open(name, O_RDONLY | O_DIRECTORY);
        if (dirfds[2 * i] < 0 || dirfds[2 * i + 1] < 0)
            return 0;
    }
    return 1;
}

static int check_distinct(void)
{
    char want[64], buf[64];
    /* Open files whose names are gone still read (as on Linux). */
    for (int i = 0; i < 10; i++) {
        snprintf(want, sizeof want, "f%d", i);
        if (unlink(want) < 0)
            return 0;
    }
    for (int i = 0; i < NDIRS; i++) {
        struct stat st;
        snprintf(want, sizeof want, "f%d", i);
        ssize_t n = pread(dirfds[2 * i], buf, sizeof buf - 1, 0);
        if (n != (ssize_t)strlen(want) || memcmp(buf, want, (size_t)n) != 0 ||
            fstat(dirfds[2 * i], &st) < 0 || st.st_size != n)
            return 0;
        if (fstat(dirfds[2 * i + 1], &st) < 0 || !S_ISDIR(st.st_mode))
            return 0;
        DIR *d = fdopendir(dirfds[2 * i + 1]);
        struct dirent *e;
        int found = 0;
        snprintf(want, sizeof want, "in%d", i);
        while (d && (e = readdir(d)) != NULL)
            found += strcmp(e->d_name, want) == 0;
        if (!d || found != 1 || closedir(d) < 0 || close(dirfds[2 * i]) < 0)
            return 0;
    }
    return 1;
}

static int open_files(void)
{
    int used = 0, n = 0, fd;
    for (int i = 0; i < 1024; i++)
        used += fcntl(i, F_GETFD) >= 0;
    while ((fd = open("/hog.c", O_RDONLY)) >= 0)
        n++;
    /* up to RLIMIT_NOFILE (1024) descriptors, then EMFILE */
    return used + n == 1024 && errno == EMFILE;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    setvbuf(stdout, NULL, _IONBF, 0);
    int dirs = strcmp(argv[1], "dirs") == 0;
    int files = strcmp(argv[1], "files") == 0 || dirs, socks = strcmp(argv[1], "socks") == 0;
    int n = atoi(argv[2]);
    /* pipes: no pipe between us (when the RAM is spent on pipe buffers, a
     * write to say "ready" could fail too): each child fills, sleeps while
     * the others fill, and tells by its exit status. files: each child says
     * it is ready on a pipe and waits for the parent's "go"; the parent
     * waits for a line on stdin (the test looks at the host process then). */
    int ready[2], gate[2];
    if (files && (pipe(ready) < 0 || pipe(gate) < 0))
        return 3;
    for (int i = 0; i < n; i++) {
        if (fork() == 0) {
            if (files) {
                close(ready[0]);
                close(gate[1]);
            }
            int ok = dirs ? open_distinct(i) : files ? open_files() : socks ? fill_socks() : fill_pipes();
            if (files) {
                char c = (char)ok;
                write(ready[1], &c, 1);
                read(gate[0], &c, 1);
                if (dirs && ok)   /* every one still works after all were open */
                    ok = check_distinct();
            } else {
                sleep(2);
            }
            _exit(ok ? 0 : 1);
        }
    }
    if (files) {
        close(ready[1]);
        close(gate[0]);
        char c;
        for (int i = 0; i < n && read(ready[0], &c, 1) == 1; i++)
            ;
        printf("all open\n");
        char line[16];
        if (!fgets(line, sizeof line, stdin))
            printf("no line on stdin\n");
        close(gate[1]);
    }
    int good = 0, done = 0, st;
    while (wait(&st) > 0) {
        done++;
        good += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    printf("%d of %d exited, %d as expected\n", done, n, good);
    return 0;
}
