/* --disk-quota (run with 1M): writes until ENOSPC, then room comes back
 * after unlink; a sparse file costs the blocks it holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
    return 0;
}
