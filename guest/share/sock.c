/* Unix-domain sockets (issue 16): socketpair of each type, a stream echo
 * server with several clients over a path socket, abstract names,
 * datagram and seqpacket record boundaries, SCM_RIGHTS with several
 * descriptors, SCM_CREDENTIALS, shutdown, names, options and errors. The
 * output is what Linux answers (compared with qemu-riscv64). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))
static const char *e(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static void pairs(void)
{
    int sv[2];
    SAY("socketpair stream: %s\n", e(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
    write(sv[0], "abc", 3);
    write(sv[0], "defg", 4);
    char buf[64] = {0};
    SAY("stream joins writes: %zd '%s'\n", read(sv[1], buf, sizeof buf), buf);
    int type;
    socklen_t tl = sizeof type;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &tl);
    SAY("SO_TYPE %d len %u\n", type, tl);
    struct stat st;
    fstat(sv[0], &st);
    SAY("fstat: socket %d\n", S_ISSOCK(st.st_mode));
    SAY("shutdown WR: %s\n", e(shutdown(sv[0], SHUT_WR)));
    SAY("peer reads EOF: %zd\n", read(sv[1], buf, sizeof buf));
    SAY("write after SHUT_WR: %s\n", e(send(sv[0], "x", 1, MSG_NOSIGNAL)));
    if (fork() == 0) {   /* MSG_WAITALL waits for the rest */
        write(sv[1], "wait", 4);
        usleep(20000);
        write(sv[1], "all!", 4);
        _exit(0);
    }
    memset(buf, 0, sizeof buf);
    SAY("MSG_WAITALL: %zd '%s'\n", recv(sv[0], buf, 8, MSG_WAITALL), buf);
    wait(NULL);
    if (fork() == 0) {   /* a blocking write larger than the buffer: all of it */
        static char big[1 << 20];
        memset(big, 'z', sizeof big);
        _exit(write(sv[1], big, sizeof big) == (ssize_t)sizeof big ? 0 : 1);
    }
    {
        static char big[1 << 20];
        size_t got = 0;
        ssize_t r;
        while (got < sizeof big && (r = read(sv[0], big + got, sizeof big - got)) > 0)
            got += (size_t)r;
        int st;
        wait(&st);
        SAY("1 MiB in one write: read %zu, writer %d\n", got, WEXITSTATUS(st));
    }
    SAY("other way still works: %zd %zd\n", write(sv[1], "back", 4), read(sv[0], buf, 4));
    close(sv[1]);
    SAY("read after peer close: %zd\n", read(sv[0], buf, sizeof buf));
    signal(SIGPIPE, SIG_IGN);
    close(sv[0]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    SAY("write to closed peer: %s\n", e(write(sv[0], "x", 1)));
    close(sv[0]);

    for (int t = 0; t < 2; t++) {
        int ty = t ? SOCK_SEQPACKET : SOCK_DGRAM;
        socketpair(AF_UNIX, ty, 0, sv);
        send(sv[0], "one", 3, 0);
        send(sv[0], "two!", 4, 0);
        send(sv[0], "", 0, 0);
        send(sv[0], "three3", 6, 0);
        memset(buf, 0, sizeof buf);
        ssize_t n1 = recv(sv[1], buf, sizeof buf, 0);
        ssize_t n2 = recv(sv[1], buf + 10, 2, 0);   /* truncated */
        ssize_t n3 = recv(sv[1], buf + 20, sizeof buf, 0);
        ssize_t n4 = recv(sv[1], buf + 30, 2, MSG_PEEK | MSG_TRUNC);
        SAY("%s records: %zd '%s' %zd '%.2s' %zd %zd\n", t ? "seqpacket" : "dgram", n1, buf, n2,
            buf + 10, n3, n4);
        struct msghdr mh = {0};
        struct iovec iov = {buf, 3};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        SAY("recvmsg truncated: %zd flags MSG_TRUNC %d\n", recvmsg(sv[1], &mh, 0),
            (mh.msg_flags & MSG_TRUNC) != 0);
        SAY("nonblocking empty: %s\n", e(recv(sv[1], buf, 1, MSG_DONTWAIT)));
        struct timeval tv = {0, 30000}, got;
        socklen_t gl = sizeof got;
        setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
        SAY("SO_RCVTIMEO %ld us: recv times out: %s\n", (long)got.tv_usec, e(recv(sv[1], buf, 1, 0)));
        close(sv[0]);
        close(sv[1]);
    }
}

static void echo_server(void)
{
    unlink("echo.sock");
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a;
    socklen_t al = path_addr(&a, "echo.sock");
    SAY("bind path: %s\n", e(bind(ls, (struct sockaddr *)&a, al)));
    SAY("bind again: %s\n", e(bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, al)));
    struct stat st;
    SAY("the node is a socket: %d\n", stat("echo.sock", &st) == 0 && S_ISSOCK(st.st_mode));
    SAY("listen: %s\n", e(listen(ls, 8)));
    int acc;
    socklen_t ol = sizeof acc;
    getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol);
    SAY("SO_ACCEPTCONN %d\n", acc);
    enum { CLIENTS = 3 };
    for (int i = 0; i < CLIENTS; i++) {
        if (fork() == 0) {
            int c = socket(AF_UNIX, SOCK_STREAM, 0);
            if (connect(c, (struct sockaddr *)&a, al) < 0)
                _exit(10);
            char msg[32], back[32] = {0};
            int n = snprintf(msg, sizeof msg, "hello from client %d", i);
            write(c, msg, (size_t)n);
            shutdown(c, SHUT_WR);
            ssize_t got = 0, r;
            while ((r = read(c, back + got, sizeof back - 1 - (size_t)got)) > 0)
                got += r;
            _exit(strcmp(back, msg) == 0 ? 0 : 11);
        }
    }
    for (int i = 0; i < CLIENTS; i++) {
        struct sockaddr_un peer;
        socklen_t pl = sizeof peer;
        int c = accept4(ls, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
        if (i == 0) {
            SAY("accept: %s, client unnamed: addrlen %u\n", e(c), pl);
            struct ucred cr;
            socklen_t cl = sizeof cr;
            getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
            SAY("SO_PEERCRED: a child of ours %d, uid is ours %d\n", cr.pid != getpid() && cr.pid > 0,
                cr.uid == getuid());
            struct sockaddr_un me;
            socklen_t ml = sizeof me;
            getsockname(c, (struct sockaddr *)&me, &ml);
            SAY("accepted socket's name: '%s' len %u\n", me.sun_path, ml);
        }
        char buf[64];
        ssize_t n, tot = 0;
        while ((n = read(c, buf, sizeof buf)) > 0) {
            write(c, buf, (size_t)n);
            tot += n;
        }
        close(c);
    }
    int ok = 0;
    for (int i = 0; i < CLIENTS; i++) {
        int stt;
        wait(&stt);
        ok += WIFEXITED(stt) && WEXITSTATUS(stt) == 0;
    }
    SAY("clients echoed correctly: %d of %d\n", ok, CLIENTS);
    close(ls);
    SAY("connect after the listener closed: %s\n",
        e(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, al)));
    unlink("echo.sock");
    SAY("connect after unlink: %s\n",
        e(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, al)));
}

static void abstract_dgram(void)
{
    char name[64];
    snprintf(name, sizeof name, "vmsim-test-%d", (int)getpid());
    struct sockaddr_un a, b;
    socklen_t al = abstract_addr(&a, name);
    int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
    SAY("bind abstract: %s\n", e(bind(srv, (struct sockaddr *)&a, al)));
    int cli = socket(AF_UNIX, SOCK_DGRAM, 0);
    char cname[80];
    snprintf(cname, sizeof cname, "%s-client", name);
    socklen_t bl = abstract_addr(&b, cname);
    bind(cli, (struct sockaddr *)&b, bl);
    SAY("sendto: %zd\n", sendto(cli, "ping", 4, 0, (struct sockaddr *)&a, al));
    char buf[16] = {0};
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    SAY("recvfrom: %zd '%s' from the client: %d\n", n, buf,
        fl == bl && memcmp(from.sun_path, b.sun_path, bl - 2) == 0);
    sendto(srv, "pong", 4, 0, (struct sockaddr *)&from, fl);
    memset(buf, 0, sizeof buf);
    SAY("reply: %zd '%s'\n", recv(cli, buf, sizeof buf, 0), buf);
    SAY("connect dgram: %s\n", e(connect(cli, (struct sockaddr *)&a, al)));
    struct sockaddr_un pn;
    socklen_t pnl = sizeof pn;
    getpeername(cli, (struct sockaddr *)&pn, &pnl);
    SAY("getpeername matches: %d\n", pnl == al && memcmp(pn.sun_path, a.sun_path, al - 2) == 0);
    SAY("send connected: %zd\n", send(cli, "x", 1, 0));
    close(srv);
    SAY("send to closed: %s\n", e(send(cli, "x", 1, 0)));
    SAY("stream connect to dgram name: %s\n",
        e(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&b, bl)));
    close(cli);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un aa = {.sun_family = AF_UNIX};
    SAY("autobind: %s", e(bind(s, (struct sockaddr *)&aa, sizeof(sa_family_t))));
    socklen_t sl = sizeof aa;
    getsockname(s, (struct sockaddr *)&aa, &sl);
    SAY(" len %u abstract %d\n", sl, aa.sun_path[0] == 0);
    close(s);
}

static void rights(void)
{
    int sv[2], pp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(pp);
    int mfd = memfd_create("passed", 0);
    ftruncate(mfd, 4096);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    strcpy(m, "written before passing");
    int devnull = open("/dev/null", O_WRONLY);
    int fds[3] = {pp[1], mfd, devnull};
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof fds) + CMSG_SPACE(sizeof(struct ucred))];
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {"R", 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = CMSG_SPACE(sizeof fds)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    SAY("sendmsg 3 fds: %zd\n", sendmsg(sv[0], &mh, 0));
    send(sv[0], "after", 5, 0);
    close(pp[1]);
    close(mfd);
    char buf[16] = {0};
    iov.iov_base = buf;
    iov.iov_len = sizeof buf;
    mh.msg_controllen = sizeof u.b;
    memset(u.b, 0, sizeof u.b);
    ssize_t n = recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC);
    c = CMSG_FIRSTHDR(&mh);
    int got[3];
    memcpy(got, CMSG_DATA(c), sizeof got);
    SAY("recvmsg: %zd '%s' (not joined with later bytes), type %d, %zu fds, cloexec %d\n", n, buf,
        c->cmsg_type, (c->cmsg_len - CMSG_LEN(0)) / sizeof(int),
        (fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0);
    write(got[0], "through the passed pipe", 23);
    close(got[0]);
    memset(buf, 0, sizeof buf);
    read(pp[0], buf, 15);
    SAY("pipe: '%s'\n", buf);
    char *m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, got[1], 0);
    SAY("passed memfd maps the same bytes: '%s'\n", m2);
    strcpy(m, "changed");
    SAY("and sees changes: '%s'\n", m2);
    SAY("rest: %zd\n", recv(sv[1], buf, sizeof buf, 0));
    /* a bad descriptor in SCM_RIGHTS */
    int bad[2] = {0, 999};
    mh.msg_controllen = CMSG_SPACE(sizeof bad);
    iov.iov_base = "B";
    iov.iov_len = 1;
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof bad);
    memcpy(CMSG_DATA(c), bad, sizeof bad);
    SAY("SCM_RIGHTS with a bad fd: %s\n", e(sendmsg(sv[0], &mh, 0)));
    /* credentials */
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    send(sv[0], "C", 1, 0);
    mh.msg_controllen = sizeof u.b;
    iov.iov_base = buf;
    iov.iov_len = 1;
    n = recvmsg(sv[1], &mh, 0);
    c = CMSG_FIRSTHDR(&mh);
    struct ucred cr;
    memcpy(&cr, CMSG_DATA(c), sizeof cr);
    SAY("SCM_CREDENTIALS: %zd type %d, our pid %d uid %d\n", n, c->cmsg_type, cr.pid == getpid(),
        cr.uid == getuid());
    /* (sending another pid is EPERM unprivileged: not compared, as the
     * reference may run as root) */
    if (0) {
    mh.msg_controllen = CMSG_SPACE(sizeof cr);
    c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof cr);
    cr.pid = 1;
    memcpy(CMSG_DATA(c), &cr, sizeof cr);
    iov.iov_base = "D";
    SAY("SCM_CREDENTIALS naming pid 1: %s\n", e(sendmsg(sv[0], &mh, 0)));
    }
    int sb;
    socklen_t sbl = sizeof sb;
    int want = 8192;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sb, &sbl);
    SAY("SO_SNDBUF after setting 8192: %d\n", sb);
    int err = -1;
    sbl = sizeof err;
    getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &sbl);
    SAY("SO_ERROR %d\n", err);
}

static void errors(void)
{
    struct sockaddr_un a;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int fd = open("plain.file", O_CREAT | O_WRONLY, 0644);
    close(fd);
    socklen_t al = path_addr(&a, "plain.file");
    SAY("connect to a regular file: %s\n", e(connect(s, (struct sockaddr *)&a, al)));
    al = path_addr(&a, "no-such.sock");
    SAY("connect to nothing: %s\n", e(connect(s, (struct sockaddr *)&a, al)));
    al = path_addr(&a, "no-such-dir/x.sock");
    SAY("bind in a missing directory: %s\n", e(bind(s, (struct sockaddr *)&a, al)));
    unlink("plain.file");
    SAY("addrlen too big: %s\n", e(bind(s, (struct sockaddr *)&a, sizeof a + 1)));
    SAY("bad type: %s\n", e(socket(AF_UNIX, 9, 0)));
    SAY("listen on dgram: %s\n", e(listen(socket(AF_UNIX, SOCK_DGRAM, 0), 1)));
    SAY("accept on non-listening: %s\n", e(accept(s, NULL, NULL)));
    SAY("socket op on a pipe: ");
    int pp[2];
    pipe(pp);
    SAY("%s\n", e(listen(pp[0], 1)));
    SAY("recv on unconnected stream: %s\n", e(recv(s, &a, 1, 0)));
    SAY("getpeername unconnected: %s\n", e(getpeername(s, (struct sockaddr *)&a, &al)));
    SAY("shutdown unconnected: %s\n", e(shutdown(s, SHUT_RD)));
    SAY("bad fd: %s\n", e(bind(99, (struct sockaddr *)&a, al)));
}

int main(void)
{
    pairs();
    echo_server();
    abstract_dgram();
    rights();
    errors();
    return 0;
}
