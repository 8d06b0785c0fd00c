/* Pipes within one process: data order, EOF, O_NONBLOCK, capacity,
 * FIONREAD, EPIPE with SIGPIPE ignored, SIGPIPE's default action last. */
#include "ftest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    SHOW("pipe", pipe(p));
    printf("fds %d %d\n", p[0], p[1]);
    struct stat st;
    fstat(p[0], &st);
    SHOW("is fifo", S_ISFIFO(st.st_mode));
    int p2[2];
    pipe(p2);
    struct stat s1, s2;
    fstat(p[1], &s1);
    fstat(p2[0], &s2);
    SHOW("ends share an inode", st.st_ino == s1.st_ino);
    SHOW("pipes differ", st.st_ino != s2.st_ino);
    close(p2[0]);
    close(p2[1]);
    SHOW("getfl r", fcntl(p[0], F_GETFL));
    SHOW("getfl w", fcntl(p[1], F_GETFL));
    SHOW("write", write(p[1], "abc", 3));
    SHOW("write2", write(p[1], "defgh", 5));
    int n = -1;
    SHOW("FIONREAD", (ioctl(p[0], FIONREAD, &n), n));
    char buf[100] = {0};
    SHOW("read 4", read(p[0], buf, 4));
    printf("got %s\n", buf);
    memset(buf, 0, sizeof buf);
    SHOW("read rest", read(p[0], buf, sizeof buf));
    printf("got %s\n", buf);
    SHOW("read wrong end", read(p[1], buf, 1));
    SHOW("write wrong end", write(p[0], "x", 1));
    SHOW("lseek pipe", lseek(p[0], 0, SEEK_SET));
    SHOW("pread pipe", pread(p[0], buf, 1, 0));
    SHOW("setfl nonblock", fcntl(p[0], F_SETFL, O_NONBLOCK));
    SHOW("read empty nonblock", read(p[0], buf, 1));
    /* capacity: fill without blocking */
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char *big = calloc(1, 1 << 20);
    long total = 0;
    for (;;) {
        ssize_t w = write(p[1], big, 1000);
        if (w < 0) {
            printf("fill stopped: %s\n", strerrorname_np(errno));
            break;
        }
        total += w;
    }
    printf("capacity about %ld\n", total / 4096);
    SHOW("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
    long drained = 0;
    for (;;) {
        ssize_t r = read(p[0], big, 1 << 20);
        if (r <= 0)
            break;
        drained += r;
    }
    SHOW("drained all", drained == total);
    /* writev is one write */
    struct iovec iov[3] = {{"x", 1}, {"yy", 2}, {"zzz", 3}};
    SHOW("writev", writev(p[1], iov, 3));
    SHOW("read all", read(p[0], buf, sizeof buf));
    SHOW("close w", close(p[1]));
    SHOW("read eof", read(p[0], buf, 1));
    /* no reader: EPIPE (SIGPIPE ignored) */
    int q[2];
    SHOW("pipe2 cloexec", pipe2(q, O_CLOEXEC | O_NONBLOCK));
    SHOW("getfd", fcntl(q[0], F_GETFD));
    SHOW("getfl", fcntl(q[0], F_GETFL));
    SHOW("pipe2 bad flags", pipe2(q, 0x1));
    close(q[0]);
    signal(SIGPIPE, SIG_IGN);
    SHOW("write no reader", write(q[1], "x", 1));
    fflush(stdout);
    signal(SIGPIPE, SIG_DFL);
    write(q[1], "x", 1);   /* killed by SIGPIPE: exit status 128+13 */
    printf("not reached\n");
    return 0;
}
