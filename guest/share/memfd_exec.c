/* A memfd passed over a Unix socket to an exec'd program (issue 16): the
 * parent writes bytes into a memfd, passes it with SCM_RIGHTS over a
 * socketpair to a child that exec'd this program again (an unrelated
 * image: nothing inherited but the socket), which maps it, sees the bytes,
 * writes its own, and reports the frame it maps (from /proc/self/pagemap);
 * the parent maps the same page and compares. Run natively and under vmsim
 * with the same output. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))

static uint64_t frame_of(void *addr)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t e = 0;
    if (fd >= 0) {
        pread(fd, &e, 8, (off_t)((uintptr_t)addr / 4096 * 8));
        close(fd);
    }
    return (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;   /* present: the PFN (0 unprivileged) */
}

static int recv_fd(int sock)
{
    char c;
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } u;
    struct iovec iov = {&c, 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = sizeof u.b};
    if (recvmsg(sock, &mh, 0) != 1)
        return -1;
    struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
    int fd;
    memcpy(&fd, CMSG_DATA(h), sizeof fd);
    return fd;
}

static int child(int sock)
{
    int fd = recv_fd(sock);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 2;
    char line[128];
    snprintf(line, sizeof line, "exec'd child sees: '%s'\n", m);
    strcpy(m + 4096, "the child's bytes");
    uint64_t f = frame_of(m);
    write(sock, line, strlen(line));
    write(sock, &f, sizeof f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "child") == 0)
        return child(atoi(argv[2]));
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int fd = memfd_create("passed-over", MFD_CLOEXEC);
    ftruncate(fd, 8192);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(m, "the parent's bytes");
    pid_t c = fork();
    if (c == 0) {
        char num[16];
        snprintf(num, sizeof num, "%d", sv[1]);
        close(sv[0]);
        execl(argv[0], argv[0], "child", num, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {"F", 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = sizeof u.b};
    struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
    SAY("sent the memfd: %zd\n", sendmsg(sv[0], &mh, 0));
    char line[128] = {0};
    ssize_t n = 0, r;
    while (n < (ssize_t)sizeof line - 1 && (r = read(sv[0], line + n, 1)) == 1 && line[n] != '\n')
        n++;
    SAY("%s", line);
    uint64_t cf = 0;
    read(sv[0], &cf, sizeof cf);
    int st;
    waitpid(c, &st, 0);
    SAY("child exit %d\n", WEXITSTATUS(st));
    SAY("parent sees the child's bytes: '%s'\n", m + 4096);
    SAY("the same frame in both (pagemap): %d\n", cf == frame_of(m));
    /* a PFN is shown only to the privileged: stderr, for the test to check */
    fprintf(stderr, "frame known: %d\n", cf != 0);
    return 0;
}
