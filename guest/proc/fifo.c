/* FIFOs, devices and in-kernel copies (issue 12): mkfifo/mknod, blocking
 * and O_NONBLOCK opens of a FIFO between processes, an open interrupted by
 * a signal, /dev/full, /dev/tty without a terminal, /dev/fd/N, sendfile and
 * copy_file_range. The native build is the reference (coord_native.sh runs
 * both without a controlling terminal, in an empty directory). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *what, long rc)
{
    if (rc < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, rc);
    fflush(stdout);
}

static void on_usr1(int s) { (void)s; }

static void show_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        say(path, -1);
        return;
    }
    printf("%s: %s mode %o\n", path, S_ISFIFO(st.st_mode) ? "fifo" : S_ISREG(st.st_mode) ? "regular"
                                     : S_ISCHR(st.st_mode) ? "chardev" : "other",
           st.st_mode & 07777);
}

int main(void)
{
    umask(022);
    say("mkfifo", mkfifo("f.fifo", 0666));
    say("mkfifo again", mkfifo("f.fifo", 0666));
    show_mode("f.fifo");
    say("mknod chr", mknod("c.dev", S_IFCHR | 0600, makedev(1, 3)));
    say("mknod reg", mknod("r.reg", S_IFREG | 0640, 0));
    show_mode("r.reg");
    say("mknod bad type", mknod("x.bad", 0170000 | 0600, 0));
    say("mkfifo in missing dir", mkfifo("nodir/f", 0600));

    say("open wronly nonblock, no reader", open("f.fifo", O_WRONLY | O_NONBLOCK));
    int r = open("f.fifo", O_RDONLY | O_NONBLOCK);
    say("open rdonly nonblock", r >= 0 ? 0 : -1);
    char b[64] = "";
    say("read, no writer", read(r, b, sizeof b));
    int w = open("f.fifo", O_WRONLY | O_NONBLOCK);
    say("open wronly nonblock, a reader", w >= 0 ? 0 : -1);
    say("write", write(w, "hi", 2));
    say("read", read(r, b, sizeof b));
    say("read, empty", read(r, b, sizeof b));
    struct stat st;
    fstat(w, &st);
    printf("fstat of the end: %s\n", S_ISFIFO(st.st_mode) ? "fifo" : "other");
    close(w);
    close(r);

    /* The writer opens first and waits for the reader. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int fd = open("f.fifo", O_WRONLY);
        const char *m = "hello through the fifo\n";
        write(fd, m, strlen(m));
        _exit(0);
    }
    usleep(100000);
    r = open("f.fifo", O_RDONLY);
    ssize_t n;
    while ((n = read(r, b, sizeof b)) > 0)
        fwrite(b, 1, (size_t)n, stdout);
    close(r);
    int status;
    waitpid(c, &status, 0);

    /* The reader opens first. */
    fflush(stdout);
    c = fork();
    if (c == 0) {
        int fd = open("f.fifo", O_RDONLY);
        while ((n = read(fd, b, sizeof b)) > 0)
            fwrite(b, 1, (size_t)n, stdout);
        printf("reader: end of file\n");
        fflush(stdout);
        _exit(0);
    }
    usleep(100000);
    w = open("f.fifo", O_WRONLY);
    write(w, "writer second\n", 14);
    close(w);
    waitpid(c, &status, 0);

    say("open rdwr", (r = open("f.fifo", O_RDWR)) >= 0 ? 0 : -1);
    say("write rdwr", write(r, "x", 1));
    say("read rdwr", read(r, b, 1));
    close(r);

    /* A waiting open interrupted by a signal. */
    fflush(stdout);
    c = fork();
    if (c == 0) {
        struct sigaction sa = {.sa_handler = on_usr1};
        sigaction(SIGUSR1, &sa, NULL);
        say("open interrupted", open("f.fifo", O_RDONLY));
        _exit(0);
    }
    usleep(100000);
    kill(c, SIGUSR1);
    waitpid(c, &status, 0);
    say("unlink fifo", unlink("f.fifo"));

    /* Devices. */
    int full = open("/dev/full", O_RDWR);
    memset(b, 'x', 8);
    say("/dev/full read", read(full, b, 8));
    printf("/dev/full bytes: %d %d\n", b[0], b[7]);
    say("/dev/full write", write(full, "x", 1));
    fstat(full, &st);
    printf("/dev/full rdev %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
    close(full);
    say("/dev/tty", open("/dev/tty", O_RDWR));
    int pp[2];
    pipe(pp);
    char path[32];
    snprintf(path, sizeof path, "/dev/fd/%d", pp[1]);
    int dupw = open(path, O_WRONLY);
    say("write /dev/fd/N", write(dupw, "via fd\n", 7));
    close(dupw);
    say("read the pipe", read(pp[0], b, sizeof b));
    say("open /dev/fd/77", open("/dev/fd/77", O_RDONLY));
    stat("/dev/stdin", &st);
    say("stat /dev/stdin", 0);

    /* sendfile and copy_file_range. */
    int src = open("src.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(src, "0123456789abcdefghij", 20);
    off_t off = 5;
    say("sendfile to a pipe", sendfile(pp[1], src, &off, 6));
    printf("offset now %lld\n", (long long)off);
    n = read(pp[0], b, sizeof b);
    printf("pipe got %.*s\n", (int)n, b);
    lseek(src, 10, SEEK_SET);
    int dst = open("dst.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    say("sendfile at the offset", sendfile(dst, src, NULL, 100));
    say("src offset", lseek(src, 0, SEEK_CUR));
    off_t in = 0, out = 3;
    say("copy_file_range", copy_file_range(src, &in, dst, &out, 4, 0));
    say("copy_file_range flags", copy_file_range(src, NULL, dst, NULL, 4, 1));
    say("copy_file_range overlap", copy_file_range(src, &in, src, &in, 4, 0));
    say("sendfile bad fd", sendfile(dst, 99, NULL, 1));
    int app = open("dst.txt", O_WRONLY | O_APPEND);
    say("sendfile to O_APPEND", sendfile(app, src, NULL, 1));
    n = pread(dst, b, sizeof b, 0);
    printf("dst: %.*s\n", (int)n, b);
    unlink("src.txt");
    unlink("dst.txt");
    unlink("r.reg");
    return 0;
}
