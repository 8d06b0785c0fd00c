/* --disk-quota (run with 1M): writes until ENOSPC, then room comes back
 * after unlink; a sparse file costs the blocks it holds; each new file,
 * directory or symlink costs a 4 KiB block (ENOSPC after about 256);
 * writes through a MAP_SHARED mapping into holes stop with SIGBUS at the
 * fault (Linux's page_mkwrite on a full disk) after about 1M, while
 * rewriting pages already on disk goes on. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long fill(const char *name)
{
    static char b[10000];
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    long total = 0, n = 0;
    /* (8 MiB at most: run without a quota, as other tests do, it stops) */
    while (total < (8L << 20) && (n = write(fd, b, sizeof b)) > 0)
        total += n;
    if (total >= (8L << 20))
        n = 0, errno = 0;
    printf("%s: %s after ", name, n < 0 ? strerrorname_np(errno) : "0");
    close(fd);
    return total;
}

/* Creates names of one kind until it fails; prints how it failed and
 * whether the count is about 1M / 4 KiB; removes them again. */
static void inodes(const char *kind)
{
    char name[32];
    int n = 0, rc = 0;
    for (; n < 4096; n++) {
        snprintf(name, sizeof name, "%s%d", kind, n);
        if (kind[0] == 'f') {
            int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
            rc = fd < 0 ? -1 : close(fd);
        } else if (kind[0] == 'd') {
            rc = mkdir(name, 0755);
        } else {
            rc = symlink("target", name);
        }
        if (rc < 0)
            break;
    }
    printf("%s: %s after %s\n", kind, rc < 0 ? strerrorname_np(errno) : "no error",
           n > 200 && n <= 256 ? "about 256" : "a wrong count");
    if (n <= 200 || n > 256)
        printf("%s: %d\n", kind, n);
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s%d", kind, i);
        if (kind[0] == 'd')
            rmdir(name);
        else
            unlink(name);
    }
}

static sigjmp_buf jb;
static void on_bus(int sig) { siglongjmp(jb, 1); }

/* A 4 MiB sparse file (it costs nothing) written page by page through a
 * shared mapping until SIGBUS; then those pages rewritten, all of them. */
static void mapped(void)
{
    int fd = open("m", O_RDWR | O_CREAT | O_TRUNC, 0644);
    long len = 4L << 20;
    if (fd < 0 || ftruncate(fd, len) < 0)
        return (void)printf("mapped: setup failed\n");
    volatile char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return (void)printf("mapped: mmap failed\n");
    signal(SIGBUS, on_bus);
    volatile long pages = 0;
    if (sigsetjmp(jb, 1) == 0)
        for (; pages < len / 4096; pages++)
            m[pages * 4096] = 'z';
    printf("mapped: %s after %s\n", pages < len / 4096 ? "SIGBUS" : "no signal",
           pages > 200 && pages <= 256 ? "about 1M" : "a wrong size");
    if (pages <= 200 || pages > 256)
        printf("mapped: %ld pages\n", (long)pages);
    msync((void *)m, len, MS_SYNC);
    int again = 0;
    if (sigsetjmp(jb, 1) == 0)
        for (long i = 0; i < pages; i++, again++)
            m[i * 4096 + 1] = 'y';
    printf("mapped: rewrote %s\n", again == pages ? "every page" : "fewer pages");
    munmap((void *)m, len);
    struct stat st;
    fstat(fd, &st);
    printf("mapped: on disk %s\n", st.st_blocks * 512 <= (1 << 20) ? "within 1M" : "over 1M");
    close(fd);
    unlink("m");
    signal(SIGBUS, SIG_DFL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long a = fill("a");
    printf("%s\n", a > (1 << 20) - 16384 && a <= (1 << 20) ? "about 1M" : "wrong size");
    if (a <= 0 || a > (1 << 20))
        printf("a = %ld\n", a);
    int fd = open("a", O_WRONLY);
    printf("rewrite in place: %ld\n", (long)pwrite(fd, "x", 1, 0));
    close(fd);
    unlink("a");
    int s = open("sparse", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("sparse 1 TiB: %ld\n", (long)pwrite(s, "y", 1, 1L << 40));
    close(s);
    unlink("sparse");
    long b = fill("b");
    printf("%s\n", b > (1 << 20) - 16384 && b <= (1 << 20) ? "about 1M again" : "wrong size");
    unlink("b");
    inodes("file");
    inodes("dir");
    inodes("link");
    mapped();
    long c = fill("c");
    printf("%s\n", c > (1 << 20) - 32768 && c <= (1 << 20) ? "about 1M again" : "wrong size");
    unlink("c");
    return 0;
}
