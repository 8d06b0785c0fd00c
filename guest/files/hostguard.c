/* The host objects a guest must not change (issue 18).
 *   hostguard sysroot   every modifying call on the -L sysroot (files in
 *                       /lib, a directory /onlysys that only the sysroot has)
 *                       -- Linux's answer on a read-only mount is EROFS; reads
 *                       and listing still work.
 *   hostguard stdio     metadata and positioned writes through the inherited
 *                       descriptors 0 and 1; results go to fd 2.
 *   hostguard fifo      opens a host FIFO in the root both ways. */
#include "ftest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void list(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    printf("opendir %s: %d entries\n", path, n);
}

static void sysroot(void)
{
    struct timespec ts[2] = {{0, 0}, {0, 0}};
    SHOW("open wronly", open("/lib/libc.so.6", O_WRONLY));
    SHOW("open rdwr", open("/lib/libc.so.6", O_RDWR));
    SHOW("open trunc", open("/lib/libc.so.6", O_RDONLY | O_TRUNC));
    SHOW("open creat new", open("/lib/new", O_CREAT | O_WRONLY, 0644));
    SHOW("open creat excl existing", open("/lib/libc.so.6", O_CREAT | O_EXCL | O_WRONLY, 0644));
    SHOW("truncate", truncate("/lib/libc.so.6", 0));
    SHOW("chmod", chmod("/lib/libc.so.6", 0777));
    SHOW("chown", chown("/lib/libc.so.6", -1, -1));
    SHOW("utimensat", utimensat(AT_FDCWD, "/lib/libc.so.6", ts, 0));
    SHOW("link", link("/lib/libc.so.6", "/lib/hard"));
    SHOW("symlink", symlink("libc.so.6", "/lib/soft"));
    SHOW("rename", rename("/lib/libc.so.6", "/lib/moved"));
    SHOW("unlink", unlink("/lib/libc.so.6"));
    SHOW("mkdir", mkdir("/lib/newdir", 0755));
    SHOW("rmdir", rmdir("/onlysys/sub"));
    int fd = open("/lib/libc.so.6", O_RDONLY);
    SHOW("open rdonly", fd >= 0);
    char b[4];
    SHOW("read", read(fd, b, sizeof b));
    SHOW("fchmod", fchmod(fd, 0777));
    SHOW("fchown", fchown(fd, -1, -1));
    SHOW("futimens", futimens(fd, ts));
    SHOW("ftruncate", ftruncate(fd, 0));
    close(fd);
    list("/onlysys");
    int d = open("/onlysys", O_RDONLY | O_DIRECTORY);
    SHOW("open dir", d >= 0);
    SHOW("openat dir file", openat(d, "file", O_WRONLY));
    SHOW("fchmod dir", fchmod(d, 0700));
    close(d);
    SHOW("chdir", chdir("/onlysys"));
    SHOW("rel open creat", open("new", O_CREAT | O_WRONLY, 0644));
    SHOW("rel open write", open("file", O_WRONLY));
    SHOW("rel mkdir", mkdir("d2", 0755));
    SHOW("rel symlink", symlink("file", "sl"));
    SHOW("rel rename", rename("file", "file2"));
    SHOW("rel unlink", unlink("file"));
    SHOW("rel read", open("file", O_RDONLY) >= 0);
    list(".");
    /* Root's own files stay writable. */
    SHOW("root creat", open("/mine", O_CREAT | O_WRONLY, 0644) >= 0);
}

static void show2(const char *label, long rc)
{
    if (rc < 0)
        dprintf(2, "%s = %ld (%s)\n", label, rc, strerrorname_np(errno));
    else
        dprintf(2, "%s = %ld\n", label, rc);
}
#define SHOW2(label, expr)           \
    do {                             \
        errno = 0;                   \
        show2(label, (long)(expr));  \
    } while (0)

static void stdio(void)
{
    struct timespec ts[2] = {{0, 0}, {0, 0}};
    SHOW2("fchmod 0", fchmod(0, 0666));
    SHOW2("fchmod 1", fchmod(1, 0777));
    SHOW2("fchown 1", fchown(1, -1, -1));
    SHOW2("futimens 0", futimens(0, ts));
    SHOW2("futimens 1", futimens(1, ts));
    SHOW2("ftruncate 1", ftruncate(1, 0));
    SHOW2("fallocate 1", syscall(SYS_fallocate, 1, 0, 0L, 1L << 20));
    SHOW2("write 1", write(1, "guest\n", 6));
    SHOW2("pwrite 1 at 0", pwrite(1, "XX", 2, 0));
    SHOW2("lseek 1 to 0", lseek(1, 0, SEEK_SET));
    SHOW2("write 1 at 0", write(1, "YY", 2));
    SHOW2("lseek 1 to end", lseek(1, 0, SEEK_END) > 0);
    SHOW2("write 1 at end", write(1, "end\n", 4));
    char b[8];
    SHOW2("pread 0", pread(0, b, 4, 0));
}

/* A FIFO already in the root: opening it must not stop the simulator (the
 * process after it still runs and prints). */
static void fifo(void)
{
    /* (A blocking open would wait for a writer, in the guest: issue 12.) */
    int r = open("/fifo", O_RDONLY | O_NONBLOCK);
    printf("open fifo for reading returned\n");
    int w = open("/fifo", O_WRONLY);
    printf("open fifo for writing returned\n");
    if (r >= 0)
        close(r);
    if (w >= 0)
        close(w);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "sysroot") == 0)
        sysroot();
    else if (argc > 1 && strcmp(argv[1], "stdio") == 0)
        stdio();
    else if (argc > 1 && strcmp(argv[1], "fifo") == 0)
        fifo();
    else
        return 2;
    return 0;
}
