/* File I/O in the current directory: create, write, read, lseek, pread,
 * pwrite, O_APPEND, O_EXCL, ftruncate, stat, rename, unlink, mkdir, rmdir,
 * getdents (sorted), symlinks, access, chdir/getcwd, umask, and the errors
 * of each. Run in an empty directory. */
#include "ftest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir %s: %s\n", dir, strerrorname_np(errno));
        return;
    }
    char *names[64];
    unsigned char types[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        names[n] = strdup(e->d_name);
        types[n] = e->d_type;
        names[n][0] = names[n][0];
        n++;
    }
    closedir(d);
    /* sort names, types along */
    for (int i = 0; i < n; i++) {
        char *t = malloc(strlen(names[i]) + 4);
        sprintf(t, "%s:%d", names[i], types[i]);
        free(names[i]);
        names[i] = t;
    }
    qsort(names, n, sizeof names[0], cmp);
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void show_stat(const char *label, const char *path, int follow)
{
    struct stat st;
    int rc = follow ? stat(path, &st) : lstat(path, &st);
    if (rc < 0) {
        printf("%s %s: %s\n", label, path, strerrorname_np(errno));
        return;
    }
    printf("%s %s: mode %o size %lld nlink %d\n", label, path, (unsigned)st.st_mode,
           (long long)st.st_size, (int)st.st_nlink);
}

int main(int argc, char **argv)
{
    char buf[256];
    umask(022);
    int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0666);
    SHOW("open a.txt", fd >= 0 ? 3 : -1);
    SHOW("write", write(fd, "hello, world\n", 13));
    SHOW("lseek end", lseek(fd, 0, SEEK_END));
    SHOW("lseek cur-5", lseek(fd, -5, SEEK_CUR));
    SHOW("write over", write(fd, "WORLD", 5));
    SHOW("lseek neg", lseek(fd, -100, SEEK_SET));
    SHOW("read wronly", read(fd, buf, 1));
    SHOW("pwrite", pwrite(fd, "HE", 2, 0));
    SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
    SHOW("close", close(fd));
    SHOW("close again", close(fd));
    show_stat("stat", "a.txt", 1);

    fd = open("a.txt", O_RDONLY);
    memset(buf, 0, sizeof buf);
    SHOW("read", read(fd, buf, sizeof buf - 1));
    printf("content: %s", buf);
    SHOW("read eof", read(fd, buf, 10));
    memset(buf, 0, sizeof buf);
    SHOW("pread 7", pread(fd, buf, 5, 7));
    printf("pread: %s\n", buf);
    SHOW("pread past eof", pread(fd, buf, 5, 100));
    SHOW("write rdonly", write(fd, "x", 1));
    SHOW("ftruncate rdonly", ftruncate(fd, 1));
    SHOW("lseek SEEK_SET 3", lseek(fd, 3, SEEK_SET));
    char v1[4] = {0}, v2[4] = {0};
    struct iovec iov[2] = {{v1, 3}, {v2, 3}};
    SHOW("readv", readv(fd, iov, 2));
    printf("readv: %s|%s\n", v1, v2);
    close(fd);

    fd = open("a.txt", O_WRONLY | O_APPEND);
    SHOW("lseek 0", lseek(fd, 0, SEEK_SET));
    SHOW("append", write(fd, "more\n", 5));
    SHOW("pos after append", lseek(fd, 0, SEEK_CUR));
    struct iovec wv[2] = {{"ab", 2}, {"cd\n", 3}};
    SHOW("writev", writev(fd, wv, 2));
    SHOW("ftruncate 30", ftruncate(fd, 30));
    close(fd);
    show_stat("stat", "a.txt", 1);
    SHOW("truncate 8", truncate("a.txt", 8));
    show_stat("stat", "a.txt", 1);
    struct statx sx;
    SHOW("statx", statx(AT_FDCWD, "a.txt", 0, STATX_BASIC_STATS, &sx));
    printf("statx: basic %x mode %o size %llu nlink %u\n", sx.stx_mask & STATX_BASIC_STATS,
           sx.stx_mode, (unsigned long long)sx.stx_size, sx.stx_nlink);
    SHOW("statx empty path", statx(AT_FDCWD, "", 0, STATX_BASIC_STATS, &sx));
    SHOW("statx bad flags", statx(AT_FDCWD, "a.txt", 0x7fff0000, STATX_BASIC_STATS, &sx));
    SHOW("faccessat2 bad flags", faccessat(AT_FDCWD, "a.txt", F_OK, 0x4000));
    struct timespec times[2] = {{1000000, 0}, {2000000, 500}};
    SHOW("utimensat", utimensat(AT_FDCWD, "a.txt", times, 0));
    struct stat ts;
    stat("a.txt", &ts);
    printf("times: %lld %lld %ld\n", (long long)ts.st_atime, (long long)ts.st_mtime,
           ts.st_mtim.tv_nsec);
    SHOW("futimens omit", futimens(-1, NULL));
    SHOW("chown to me", chown("a.txt", getuid(), getgid()));
    SHOW("chown keep", chown("a.txt", -1, -1));
    SHOW("chown missing", chown("zz", -1, -1));
    struct statfs sf;
    SHOW("statfs", statfs(".", &sf));
    printf("statfs sane: %d\n", sf.f_bsize > 0 && sf.f_namelen == 255);
    SHOW("statfs missing", statfs("zz", &sf));

    SHOW("open excl", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600));
    SHOW("open missing", open("nope.txt", O_RDONLY));
    SHOW("open dir wr", open(".", O_WRONLY));
    SHOW("open file/x", open("a.txt/x", O_RDONLY));
    SHOW("open a.txt/", open("a.txt/", O_RDONLY));
    SHOW("open O_DIRECTORY file", open("a.txt", O_RDONLY | O_DIRECTORY));
    SHOW("mkdir d", mkdir("d", 0750));
    SHOW("mkdir d again", mkdir("d", 0750));
    SHOW("mkdir in missing", mkdir("no/d", 0750));
    show_stat("stat", "d", 1);
    SHOW("rename", rename("a.txt", "d/b.txt"));
    SHOW("rename missing", rename("a.txt", "d/c.txt"));
    list(".");
    list("d");
    SHOW("symlink", symlink("d/b.txt", "link"));
    SHOW("symlink dangling", symlink("nothing", "dangle"));
    show_stat("lstat", "link", 0);
    show_stat("stat", "link", 1);
    show_stat("stat", "dangle", 1);
    memset(buf, 0, sizeof buf);
    SHOW("readlink", readlink("link", buf, sizeof buf));
    printf("readlink: %s\n", buf);
    SHOW("readlink file", readlink("d/b.txt", buf, sizeof buf));
    SHOW("readlink short", readlink("link", buf, 3));
    SHOW("open via link", open("link", O_RDONLY) >= 0 ? 0 : -1);
    SHOW("open nofollow", open("link", O_RDONLY | O_NOFOLLOW));
    SHOW("creat via dangling", open("dangle", O_CREAT | O_WRONLY, 0644) >= 0 ? 0 : -1);
    show_stat("stat", "nothing", 1);
    SHOW("access r", access("d/b.txt", R_OK));
    SHOW("access missing", access("d/zz", F_OK));
    SHOW("link", link("d/b.txt", "hard"));
    show_stat("stat", "hard", 1);
    SHOW("chmod", chmod("hard", 0600));
    show_stat("stat", "d/b.txt", 1);

    SHOW("chdir d", chdir("d"));
    char *cwd = getcwd(buf, sizeof buf);
    printf("cwd ends with: %s\n", cwd ? strrchr(cwd, '/') : "(null)");
    SHOW("stat ../link", access("../link", F_OK));
    SHOW("chdir ..", chdir(".."));
    SHOW("chdir file", chdir("hard"));
    SHOW("chdir missing", chdir("zz"));

    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    SHOW("openat rel", openat(dfd, "b.txt", O_RDONLY) >= 0 ? 0 : -1);
    SHOW("openat ..", openat(dfd, "../hard", O_RDONLY) >= 0 ? 0 : -1);
    SHOW("fchdir", fchdir(dfd));
    SHOW("access b.txt", access("b.txt", F_OK));
    SHOW("chdir back", chdir(".."));
    SHOW("openat badfd", openat(99, "b.txt", O_RDONLY));
    int ffd = open("hard", O_RDONLY);
    SHOW("openat notdir", openat(ffd, "b.txt", O_RDONLY));

    SHOW("umask", umask(077));
    fd = open("private", O_CREAT | O_WRONLY, 0666);
    close(fd);
    show_stat("stat", "private", 1);
    SHOW("mkdir m", mkdir("m", 0777));
    show_stat("stat", "m", 1);
    umask(022);

    SHOW("rmdir nonempty", rmdir("d"));
    SHOW("unlink dir", unlink("d"));
    SHOW("rmdir file", rmdir("hard"));
    SHOW("unlink", unlink("d/b.txt"));
    SHOW("unlink again", unlink("d/b.txt"));
    SHOW("rmdir", rmdir("d"));
    SHOW("unlink hard", unlink("hard"));
    SHOW("unlink link", unlink("link"));
    SHOW("unlink dangle", unlink("dangle"));
    SHOW("unlink nothing", unlink("nothing"));
    SHOW("unlink private", unlink("private"));
    SHOW("rmdir m", rmdir("m"));
    list(".");
    return 0;
}
