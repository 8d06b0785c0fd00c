/* mmap of files: private (copy-on-write, file unchanged), shared with
 * msync (the file changes), coherence between write(2) and a shared
 * mapping, EACCES for a writable shared mapping of a read-only fd, ENODEV
 * for a pipe. Leaves out.bin behind for the script to check on the host. */
#include "ftest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096

int main(void)
{
    int fd = open("out.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char page[PG];
    for (int i = 0; i < 3; i++) {
        memset(page, 'a' + i, PG);
        write(fd, page, PG);
    }
    char *priv = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    SHOW("mmap private", priv != MAP_FAILED);
    printf("private reads %c %c %c\n", priv[0], priv[PG], priv[2 * PG + 5]);
    priv[PG] = 'P';
    char c;
    pread(fd, &c, 1, PG);
    printf("file after private write: %c\n", c);

    char *sh = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SHOW("mmap shared", sh != MAP_FAILED);
    memcpy(sh + 10, "SHARED", 6);
    memcpy(sh + 2 * PG, "THIRD", 5);
    SHOW("msync", msync(sh, 3 * PG, MS_SYNC));
    char buf[8] = {0};
    pread(fd, buf, 6, 10);
    printf("file after shared write: %s\n", buf);
    /* write(2) is seen by the shared mapping, and by the private one
     * on pages it has not copied */
    pwrite(fd, "W", 1, 20);
    printf("shared sees write: %c, private sees write: %c, private copy kept: %c\n", sh[20],
           priv[20], priv[PG]);
    /* a read(2) sees the mapping's writes even before msync */
    sh[30] = 'Q';
    pread(fd, &c, 1, 30);
    printf("read sees mapping write: %c\n", c);
    SHOW("munmap shared", munmap(sh, 3 * PG));
    SHOW("munmap private", munmap(priv, 3 * PG));

    /* extend through ftruncate, map the new page */
    SHOW("ftruncate", ftruncate(fd, 4 * PG));
    char *sh2 = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SHOW("new page zero", sh2[3 * PG + 7]);
    sh2[3 * PG] = 'Z';
    SHOW("msync async", msync(sh2, 4 * PG, MS_ASYNC));
    SHOW("munmap", munmap(sh2, 4 * PG));
    close(fd);

    int ro = open("out.bin", O_RDONLY);
    SHOW("shared writable of rdonly", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -errno : 0);
    SHOW("private writable of rdonly", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) == MAP_FAILED ? -errno : 0);
    char *r = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, ro, 0);
    printf("reopened: %.6s %.5s %c\n", r + 10, r + 2 * PG, r[3 * PG]);
    int wo = open("out.bin", O_WRONLY);
    SHOW("map wronly", mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED ? -errno : 0);
    int p[2];
    pipe(p);
    SHOW("map pipe", mmap(NULL, PG, PROT_READ, MAP_SHARED, p[0], 0) == MAP_FAILED ? -errno : 0);
    SHOW("map bad fd", mmap(NULL, PG, PROT_READ, MAP_SHARED, 99, 0) == MAP_FAILED ? -errno : 0);
    int d = open(".", O_RDONLY);
    SHOW("map dir", mmap(NULL, PG, PROT_READ, MAP_SHARED, d, 0) == MAP_FAILED ? -errno : 0);

    /* Truncation drops the cached bytes: shrink, extend, and the old
     * contents are gone (zeros), through mmap and read alike. */
    int t = open("trunc.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    ftruncate(t, 2 * PG);
    char *tm = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, t, 0);
    tm[PG + 1] = 'X';
    tm[5] = 'Y';
    msync(tm, 2 * PG, MS_SYNC);
    munmap(tm, 2 * PG);
    SHOW("shrink", ftruncate(t, PG));
    SHOW("extend", ftruncate(t, 2 * PG));
    tm = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, t, 0);
    c = 1;
    pread(t, &c, 1, PG + 1);
    printf("after truncate: map %d read %d kept %c\n", tm[PG + 1], c, tm[5]);
    munmap(tm, 2 * PG);
    close(t);
    t = open("trunc.bin", O_RDWR | O_TRUNC);
    write(t, "n", 1);
    ftruncate(t, PG);
    tm = mmap(NULL, PG, PROT_READ, MAP_SHARED, t, 0);
    printf("after O_TRUNC: %c %d\n", tm[0], tm[5]);
    unlink("trunc.bin");
    return 0;
}
