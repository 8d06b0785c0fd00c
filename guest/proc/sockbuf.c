/* A Unix stream socket's send buffer bounds what one call queues (issue
 * 18): a non-blocking write, send or sendmsg of 4 MiB into an empty
 * socketpair takes a part (about SO_SNDBUF), and more calls then EAGAIN; a blocking write
 * or send of 4 MiB waits for the reader and delivers every byte once; a
 * blocking send interrupted by a handler (no SA_RESTART) returns the count
 * it had queued, and a writer that goes on from there delivers each byte
 * once. Compared with the same source run natively. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (4L << 20)

static unsigned char *big;

static unsigned char pat(long i) { return (unsigned char)(i * 7 + (i >> 13)); }

static const char *yesno(int b) { return b ? "yes" : "no"; }

/* Bytes one non-blocking call of each kind queues, then EAGAIN. */
static void nonblocking(const char *what)
{
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    int sb = 0;
    socklen_t sl = sizeof sb;
    getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &sb, &sl);
    ssize_t r;
    if (!strcmp(what, "write")) {
        r = write(s[0], big, BIG);
    } else if (!strcmp(what, "send")) {
        r = send(s[0], big, BIG, 0);
    } else {
        struct iovec v[4];
        for (int i = 0; i < 4; i++)
            v[i] = (struct iovec){big + i * (BIG / 4), BIG / 4};
        struct msghdr mh = {.msg_iov = v, .msg_iovlen = 4};
        r = sendmsg(s[0], &mh, 0);
    }
    long total = r > 0 ? r : 0;
    while (total < BIG && (r = send(s[0], big + total, BIG - total, MSG_DONTWAIT)) > 0)
        total += r;
    int e = errno;
    /* (Linux queues a little more than SO_SNDBUF says: its skbs' sizes.) */
    printf("non-blocking %s of 4 MiB: a part, about SO_SNDBUF (at most twice): %s; then %s\n",
           what, yesno(total > 0 && total <= 2L * sb), r < 0 ? strerrorname_np(e) : "no error");
    long got = 0, bad = 0;
    unsigned char buf[65536];
    while ((r = read(s[1], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += buf[i] != big[got + i];
        got += r;
    }
    printf("  read back the %s bytes: %s\n", what, yesno(got == total && !bad));
    close(s[0]);
    close(s[1]);
}

/* A child that reads until end of file and checks the pattern. */
static pid_t reader(int fd, int other, int signal_parent)
{
    pid_t parent = getpid();
    pid_t c = fork();
    if (c)
        return c;
    close(other);
    unsigned char buf[16384];
    long got = 0, bad = 0;
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += buf[i] != pat(got + i);
        got += r;
        if (signal_parent)
            kill(parent, SIGUSR1);
    }
    printf("  reader: %ld bytes, each once and in order: %s\n", got, yesno(!bad));
    _exit(0);
}

static volatile sig_atomic_t usr1;
static void on_usr1(int s) { usr1++; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    big = malloc(BIG);
    for (long i = 0; i < BIG; i++)
        big[i] = pat(i);
    nonblocking("write");
    nonblocking("send");
    nonblocking("sendmsg");

    /* Blocking: the whole 4 MiB in one call, as the reader drains. */
    const char *kinds[] = {"write", "send"};
    for (int k = 0; k < 2; k++) {
        int s[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, s);
        pid_t c = reader(s[1], s[0], 0);
        close(s[1]);
        ssize_t r = k ? send(s[0], big, BIG, 0) : write(s[0], big, BIG);
        printf("blocking %s of 4 MiB returned all of it: %s\n", kinds[k], yesno(r == BIG));
        close(s[0]);
        waitpid(c, NULL, 0);
    }

    /* Interrupted: the reader signals us after every read; a send cut
     * short by the handler returns what it queued, and we go on from there. */
    struct sigaction sa = {.sa_handler = on_usr1};   /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, s);
    pid_t c = reader(s[1], s[0], 1);
    close(s[1]);
    long sent = 0, shorts = 0, eintr = 0;
    while (sent < BIG) {
        ssize_t r = send(s[0], big + sent, (size_t)(BIG - sent), 0);
        if (r < 0 && errno == EINTR) {
            eintr++;
            continue;
        }
        if (r <= 0)
            break;
        shorts += r < BIG - sent;
        sent += r;
    }
    close(s[0]);
    waitpid(c, NULL, 0);
    printf("interrupted sends: all 4 MiB sent: %s, some returned short counts: %s\n",
           yesno(sent == BIG), yesno(shorts > 0));
    return 0;
}
