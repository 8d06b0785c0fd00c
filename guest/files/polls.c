/* poll and select on pipes and files: readiness, POLLHUP, POLLNVAL, zero
 * and finite timeouts, and (with fork) waiting until a child writes. */
#include "ftest.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show_poll(const char *label, struct pollfd *pf, int n, int tmo)
{
    errno = 0;
    int rc = poll(pf, n, tmo);
    printf("%s = %d%s%s:", label, rc, rc < 0 ? " " : "", rc < 0 ? strerrorname_np(errno) : "");
    for (int i = 0; i < n; i++)
        printf(" %x", pf[i].revents);
    printf("\n");
}

int main(void)
{
    int p[2];
    pipe(p);
    int f = open("poll.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    struct pollfd pf[4] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {f, POLLIN | POLLOUT, 0},
                           {99, POLLIN, 0}};
    show_poll("poll empty", pf, 4, 0);
    write(p[1], "x", 1);
    show_poll("poll data", pf, 4, 0);
    pf[3].fd = -1;
    show_poll("poll negative fd ignored", pf, 4, 0);
    char c;
    read(p[0], &c, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    show_poll("poll timeout 30ms", pf, 1, 30);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("waited at least 30ms: %d\n", ms >= 30);
    close(p[1]);
    show_poll("poll hup", pf, 1, -1);

    int q[2];
    pipe(q);
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(q[0], &rd);
    FD_SET(q[1], &wr);
    struct timeval tv = {0, 0};
    SHOW("select", select(q[1] + 1, &rd, &wr, NULL, &tv));
    printf("rd %d wr %d\n", FD_ISSET(q[0], &rd), FD_ISSET(q[1], &wr));
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    tv.tv_usec = 20000;
    SHOW("select timeout", select(q[0] + 1, &rd, NULL, NULL, &tv));
    FD_ZERO(&rd);
    FD_SET(50, &rd);
    tv.tv_usec = 0;
    SHOW("select bad fd", select(51, &rd, NULL, NULL, &tv));

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
        write(q[1], "late", 4);
        _exit(0);
    }
    if (pid < 0)
        return errno == ENOSYS ? 77 : 1;
    struct pollfd w = {q[0], POLLIN, 0};
    show_poll("poll waits for the child", &w, 1, -1);
    FD_ZERO(&rd);
    FD_SET(q[0], &rd);
    SHOW("select ready", select(q[0] + 1, &rd, NULL, NULL, NULL));
    waitpid(pid, NULL, 0);
    unlink("poll.txt");
    return 0;
}
