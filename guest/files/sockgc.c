/* Unix sockets in flight (issue 18): sockets passed with SCM_RIGHTS over
 * themselves or in a cycle, then closed, are garbage that only Linux's
 * unix_gc frees; a socket in flight that a live queue holds is not, and
 * works once received. Also socket buffers: a socketpair holds what
 * Linux's does (bytes of a stream, a few hundred small datagrams). The
 * output is compared with qemu's (files_diff.sh); under the debug build,
 * vmsim's invariant check at exit fails if a socket's pages leaked. */
#include "ftest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_fd(int via, int fd, const char *data)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return (int)sendmsg(via, &mh, 0);
}

static int recv_fd(int via, char *buf, size_t len)
{
    char cbuf[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {buf, len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof cbuf};
    if (recvmsg(via, &mh, 0) < 0)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    int fd = -1;
    if (c && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

int main(void)
{
    static char big[300000];
    memset(big, 'x', sizeof big);
    for (int round = 0; round < 50; round++) {
        /* A socket sent over itself, with bytes queued, then closed. */
        for (int type = SOCK_STREAM; type <= SOCK_DGRAM; type++) {
            int sv[2];
            if (socketpair(AF_UNIX, type, 0, sv) < 0)
                return 3;
            write(sv[0], big, 40000);
            if (send_fd(sv[0], sv[1], "self") < 0 || send_fd(sv[1], sv[0], "peer") < 0)
                return 4;
            close(sv[0]);
            close(sv[1]);
        }
        /* A cycle of two pairs: each holds the other's receiving end. */
        int a[2], b[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, b) < 0)
            return 5;
        write(a[0], big, 70000);
        send_fd(a[0], b[1], "b1");
        send_fd(b[0], a[1], "a1");
        close(a[0]);
        close(a[1]);
        close(b[0]);
        close(b[1]);
    }
    printf("cycles made and closed\n");

    /* In flight but reachable: x1's queue holds y1, whose last descriptor
     * is closed; closing other sockets runs the collector meanwhile. */
    int x[2], y[2], z[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, x);
    socketpair(AF_UNIX, SOCK_STREAM, 0, y);
    SHOW("send y1 over x", send_fd(x[0], y[1], "y1"));
    close(y[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, z);
    close(z[0]);
    close(z[1]);
    char buf[64] = {0};
    int y1 = recv_fd(x[1], buf, sizeof buf - 1);
    printf("received %s: %s\n", buf, y1 >= 0 ? "a descriptor" : "nothing");
    SHOW("write y0", write(y[0], "hello", 5));
    memset(buf, 0, sizeof buf);
    SHOW("read y1", read(y1, buf, sizeof buf - 1));
    printf("y1 got \"%s\"\n", buf);

    /* Buffers: a stream pair takes its receive buffer's worth of bytes, a
     * datagram pair a few hundred one-byte messages, then EAGAIN. */
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    long bytes = 0, n;
    while ((n = write(s[0], big, sizeof big)) > 0)
        bytes += n;
    printf("stream: %s after 100000..500000 bytes: %s\n", strerrorname_np(errno),
           bytes >= 100000 && bytes <= 500000 ? "yes" : "no");
    long got = 0;
    while ((n = read(s[1], big, sizeof big)) > 0)
        got += n;
    printf("stream: read back all: %s\n", got == bytes ? "yes" : "no");
    int d[2];
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, d);
    int msgs = 0;
    while (send(d[0], "m", 1, 0) == 1)
        msgs++;
    printf("dgram: %s after 100..1000 messages: %s\n", strerrorname_np(errno),
           msgs >= 100 && msgs <= 1000 ? "yes" : "no");
    int back = 0;
    while (recv(d[1], buf, sizeof buf, 0) == 1 && buf[0] == 'm')
        back++;
    printf("dgram: received them all: %s\n", back == msgs ? "yes" : "no");
    return 0;
}
