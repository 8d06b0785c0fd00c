/* Descriptors: dup, dup2, dup3, fcntl (F_DUPFD, F_GETFD/SETFD, F_GETFL/SETFL),
 * shared offsets, close-on-exec flags, bad descriptors. */
#include "ftest.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Linux sets O_LARGEFILE (0100000 on riscv64) in every 64-bit open file;
 * qemu-riscv64 loses it in translation. Compare without it. */
#define LX_LARGEFILE 0100000

int main(void)
{
    int fd = open("f.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    SHOW("open", fd);
    SHOW("write", write(fd, "0123456789", 10));
    int d = dup(fd);
    SHOW("dup", d);
    SHOW("lseek dup", lseek(d, 2, SEEK_SET));
    SHOW("offset shared", lseek(fd, 0, SEEK_CUR));
    char c = 0;
    SHOW("read", read(fd, &c, 1));
    printf("char %c\n", c);
    SHOW("dup2 to 10", dup2(fd, 10));
    SHOW("offset via 10", lseek(10, 0, SEEK_CUR));
    SHOW("dup2 same", dup2(fd, fd));
    SHOW("dup3 same", dup3(fd, fd, 0));
    SHOW("dup3 bad flags", dup3(fd, 11, 12345));
    SHOW("dup3 cloexec", dup3(fd, 11, O_CLOEXEC));
    SHOW("getfd 11", fcntl(11, F_GETFD));
    SHOW("getfd 10", fcntl(10, F_GETFD));
    SHOW("setfd 10", fcntl(10, F_SETFD, FD_CLOEXEC));
    SHOW("getfd 10", fcntl(10, F_GETFD));
    SHOW("dupfd 20", fcntl(fd, F_DUPFD, 20));
    SHOW("dupfd 20 again", fcntl(fd, F_DUPFD, 20));
    SHOW("dupfd_cloexec", fcntl(fd, F_DUPFD_CLOEXEC, 5));
    SHOW("getfd 5", fcntl(5, F_GETFD));
    SHOW("getfl", fcntl(fd, F_GETFL) & ~LX_LARGEFILE);
    SHOW("setfl append", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    SHOW("getfl", fcntl(fd, F_GETFL) & ~LX_LARGEFILE);
    SHOW("getfl via dup", fcntl(d, F_GETFL) & ~LX_LARGEFILE);
    SHOW("write appends", write(d, "X", 1));
    SHOW("offset", lseek(fd, 0, SEEK_CUR));
    SHOW("fcntl bad cmd", fcntl(fd, 9999));
    SHOW("fcntl bad fd", fcntl(77, F_GETFD));
    SHOW("dup bad", dup(77));
    SHOW("dup2 bad", dup2(77, 78));
    SHOW("dup2 huge", dup2(fd, 1 << 20));
    SHOW("close 10", close(10));
    SHOW("read closed", read(10, &c, 1));
    SHOW("write -1", write(-1, "x", 1));
    SHOW("lseek neg fd", lseek(-5, 0, SEEK_SET));
    SHOW("ioctl TCGETS file", ({ struct termios t; ioctl(fd, TCGETS, &t); }));
    SHOW("ioctl FIONBIO", ({ int on = 1; ioctl(fd, FIONBIO, &on); }));
    SHOW("ioctl FIOCLEX", ioctl(d, FIOCLEX));
    SHOW("getfd d", fcntl(d, F_GETFD));
    struct stat a, b;
    fstat(fd, &a);
    fstat(d, &b);
    SHOW("same inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    SHOW("fstat size", a.st_size);
    SHOW("owned by me", a.st_uid == getuid() && a.st_gid == getgid());
    SHOW("fstat bad", fstat(99, &a));
    SHOW("fsync", fsync(fd));
    SHOW("fdatasync", fdatasync(fd));
    SHOW("getfd stdout", fcntl(1, F_GETFD));
    /* The lowest free descriptor is reused. */
    close(3);
    SHOW("reuse lowest", open("f.txt", O_RDONLY));
    unlink("f.txt");
    return 0;
}
