/* Bad guest pointers given to file system calls: EFAULT, never a crash,
 * and nothing half-done (the file offset does not move). */
#include "ftest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* An unmapped address the compiler cannot see through. */
static void *volatile bad_ptr = (void *)0x10;
#define BAD bad_ptr

int main(void)
{
    int fd = open("e.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    SHOW("write", write(fd, "abcdef", 6));
    lseek(fd, 0, SEEK_SET);
    SHOW("read bad buf", read(fd, BAD, 4));
    SHOW("offset kept", lseek(fd, 0, SEEK_CUR));
    SHOW("write bad buf", write(fd, BAD, 4));
    SHOW("pread bad buf", pread(fd, BAD, 4, 0));
    SHOW("pwrite bad buf", pwrite(fd, BAD, 4, 0));
    SHOW("readv bad iov", syscall(SYS_readv, fd, BAD, 1));
    struct iovec iov = {BAD, 3};
    SHOW("writev bad base", writev(fd, &iov, 1));
    SHOW("open bad path", syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY));
    SHOW("fstat bad buf", syscall(SYS_fstat, fd, BAD));
    SHOW("stat bad buf", syscall(SYS_newfstatat, AT_FDCWD, "e.txt", BAD, 0));
    SHOW("stat bad path", syscall(SYS_newfstatat, AT_FDCWD, BAD, BAD, 0));
    SHOW("pipe bad", syscall(SYS_pipe2, BAD, 0));
    SHOW("getcwd bad", syscall(SYS_getcwd, BAD, 100));
    SHOW("getcwd small", syscall(SYS_getcwd, (char[2]){0}, 1));
    SHOW("readlink bad path", syscall(SYS_readlinkat, AT_FDCWD, BAD, (char[8]){0}, 8));
    SHOW("mkdir bad path", syscall(SYS_mkdirat, AT_FDCWD, BAD, 0755));
    SHOW("unlink bad path", syscall(SYS_unlinkat, AT_FDCWD, BAD, 0));
    SHOW("chdir bad path", syscall(SYS_chdir, BAD));
    SHOW("getdents bad", syscall(SYS_getdents64, open(".", O_RDONLY | O_DIRECTORY), BAD, 4096));
    char big[5000];
    memset(big, 'x', sizeof big);
    big[4999] = 0;
    SHOW("open long path", open(big, O_RDONLY));
    SHOW("offset still", lseek(fd, 0, SEEK_CUR));
    char buf[8] = {0};
    SHOW("read ok", read(fd, buf, 6));
    printf("%s\n", buf);
    unlink("e.txt");
    return 0;
}
