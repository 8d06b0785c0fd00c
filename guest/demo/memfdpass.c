/* vmsim demo, scene 7 (issue 16): memory shared by passing a descriptor.
 * The sender makes a memfd, maps it and writes a line, then listens on the
 * Unix socket /memfd.sock; the receiver, started separately by tour (an
 * unrelated process: not the sender's child), connects, receives the memfd
 * with SCM_RIGHTS, maps it and reads the line: both map the one frame of
 * the memfd. */
#include "demo.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SOCK_PATH "/memfd.sock"

static void wait_end(void)
{
    char c;
    fflush(stdout);
    while (read(DEMO_FD_WAIT, &c, 1) > 0)
        ;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, SOCK_PATH);
    if (argc > 1 && strcmp(argv[1], "sender") == 0) {
        int fd = memfd_create("demo-shared", MFD_CLOEXEC);
        char *p = fd < 0 || ftruncate(fd, 4096) != 0
                      ? MAP_FAILED
                      : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            perror("memfd");
            return 1;
        }
        snprintf(p, 4096, "written into a memfd by pid %d\n", getpid());
        printf("  [memfdpass sender, pid %d] memfd %d mapped at %p: %s", getpid(), fd, (void *)p, p);
        demo_mark(DEMO_MARK_NOTE, p, 4096);
        unlink(SOCK_PATH);
        int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0) {
            perror(SOCK_PATH);
            return 1;
        }
        char c = 'r';
        if (write(DEMO_FD_READY, &c, 1) != 1)   /* tour may start the receiver */
            return 1;
        int s = accept(ls, NULL, NULL);
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
        if (s < 0 || sendmsg(s, &mh, 0) != 1) {
            perror("sendmsg");
            return 1;
        }
        printf("  [memfdpass sender, pid %d] passed the memfd over %s\n", getpid(), SOCK_PATH);
        wait_end();
        unlink(SOCK_PATH);
        return 0;
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        perror(SOCK_PATH);
        return 1;
    }
    char c;
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } u;
    struct iovec iov = {&c, 1};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
                        .msg_controllen = sizeof u.b};
    int fd = -1;
    if (recvmsg(s, &mh, 0) == 1 && CMSG_FIRSTHDR(&mh))
        memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof fd);
    char *p = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("receiving the memfd");
        return 1;
    }
    printf("  [memfdpass receiver, pid %d] got memfd %d, mapped at %p: %s", getpid(), fd, (void *)p, p);
    demo_mark(DEMO_MARK_MEMFD, p, 4096);
    demo_ready_and_wait();
    return 0;
}
