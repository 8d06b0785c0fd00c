/* RLIMIT_FSIZE: writes past the soft limit get EFBIG (and SIGXFSZ, fatal by
 * default), writes across it are shortened, truncations past it refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *label, long rc)
{
    if (rc < 0)
        printf("%s = -1 (%s)\n", label, strerrorname_np(errno));
    else
        printf("%s = %ld\n", label, rc);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    static char b[8000];
    struct rlimit rl = {10000, 20000};
    show("setrlimit", setrlimit(RLIMIT_FSIZE, &rl));
    struct rlimit got;
    getrlimit(RLIMIT_FSIZE, &got);
    printf("limit %lu %lu\n", (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);
    pid_t c = fork();
    if (c == 0) {   /* SIGXFSZ's default action: killed */
        int fd = open("fsize.child", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        lseek(fd, 20000, SEEK_SET);
        write(fd, b, 1);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
           WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("fsize.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    show("write 8000", write(fd, b, 8000));
    show("write 5000 across", write(fd, b, 5000));
    show("write 1 past", write(fd, b, 1));
    show("pwrite across", pwrite(fd, b, 10, 9995));
    show("pwrite past", pwrite(fd, b, 10, 10000));
    show("ftruncate past", ftruncate(fd, 10001));
    show("ftruncate at", ftruncate(fd, 10000));
    show("truncate past", truncate("fsize.out", 30000));
    struct stat s;
    fstat(fd, &s);
    printf("size %ld\n", (long)s.st_size);
    unlink("fsize.out");
    unlink("fsize.child");
    return 0;
}
