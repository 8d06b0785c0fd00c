/* /proc/self/pagemap (Documentation/admin-guide/mm/pagemap.rst): 64-bit
 * entries at offset vpn * 8 -- present, exclusively mapped, file/shared-anon,
 * and the pfn, which a forked child shares with its parent until one of
 * them writes. Soft-dirty (bit 55) is not compared. With the argument
 * "nopfn" the pfn comparisons are left out (Linux shows pfns only with
 * CAP_SYS_ADMIN). Must match native Linux line for line. */
#include "pfs.h"

static int show_pfn = 1;

static void bits(const char *what, const char *r, int n)
{
    char p[64], x[64], f[64];
    for (int i = 0; i < n; i++) {
        uint64_t e = pagemap(0, r + i * PG);
        p[i] = PM_PRESENT(e) ? 'P' : '.';
        x[i] = PM_EXCL(e) ? 'X' : '.';
        f[i] = PM_FILE(e) ? 'F' : '.';
    }
    p[n] = x[n] = f[n] = 0;
    printf("%s: present %s exclusive %s file %s\n", what, p, x, f);
}

int main(int argc, char **argv)
{
    pfs_chdir();
    if (argc > 1 && !strcmp(argv[1], "nopfn"))
        show_pfn = 0;
    char *r = region(8, MAP_PRIVATE | MAP_ANONYMOUS);
    bits("anon, untouched", r, 8);
    r[0] = r[3 * PG] = r[7 * PG] = 1;
    bits("anon, pages 0 3 7 written", r, 8);

    /* the raw interface: lseek + read, alignment rules, the end */
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t e1 = 0, e2 = 0;
    off_t at = (off_t)((uintptr_t)r / PG * 8);
    printf("lseek to vpn*8: %s\n", yesno(lseek(fd, at + 24, SEEK_SET) == at + 24));
    printf("read 8 after lseek: %s\n", yesno(read(fd, &e1, 8) == 8));
    printf("pread same entry: %s\n", yesno(pread(fd, &e2, 8, at + 24) == 8 && e1 == e2));
    printf("entry of page 3 present: %s\n", yesno(PM_PRESENT(e1)));
    printf("file offset after read: %s\n", yesno(lseek(fd, 0, SEEK_CUR) == at + 32));
    errno = 0;
    printf("unaligned read: %s\n", read(fd, &e1, 5) < 0 && errno == EINVAL ? "EINVAL" : "other");
    errno = 0;
    printf("unaligned offset: %s\n",
           pread(fd, &e1, 8, at + 4) < 0 && errno == EINVAL ? "EINVAL" : "other");
    errno = 0;
    printf("lseek SEEK_END: %s\n",
           lseek(fd, 0, SEEK_END) < 0 && errno == EINVAL ? "EINVAL" : "other");
    uint64_t big[64];
    printf("read of 64 entries: %s\n", yesno(pread(fd, big, sizeof big, at) == sizeof big));
    int same = 1;
    for (int i = 0; i < 8; i++)
        same &= big[i] == pagemap(0, r + i * PG);
    printf("bulk read equals single reads: %s\n", yesno(same));
    close(fd);

    fflush(stdout);
    /* fork: same frames until written (copy-on-write) */
    uint64_t before = pagemap(0, r);
    int to_parent[2], go[2];
    if (pipe(to_parent) || pipe(go))
        return 1;
    pid_t c = fork();
    if (c == 0) {
        uint64_t m[4];
        m[0] = pagemap(0, r); /* before the child writes */
        char b;
        if (read(go[0], &b, 1) != 1)
            _exit(1);
        r[0] = 9; /* copy-on-write */
        m[1] = pagemap(0, r);
        m[2] = pagemap(0, r + 3 * PG); /* still shared */
        m[3] = 0;
        if (write(to_parent[1], m, sizeof m) != sizeof m)
            _exit(1);
        if (read(go[0], &b, 1) != 1)
            _exit(1);
        _exit(0);
    }
    uint64_t mine = pagemap(0, r);
    printf("parent page 0 after fork: present %s exclusive %s\n", yesno(PM_PRESENT(mine)),
           yesno(PM_EXCL(mine)));
    if (write(go[1], "a", 1) != 1)
        return 1;
    uint64_t m[4];
    if (read(to_parent[0], m, sizeof m) != sizeof m)
        return 1;
    uint64_t now = pagemap(0, r), p3 = pagemap(0, r + 3 * PG);
    printf("child page 0 before its write: present %s exclusive %s\n", yesno(PM_PRESENT(m[0])),
           yesno(PM_EXCL(m[0])));
    printf("child page 0 after its write: present %s exclusive %s\n", yesno(PM_PRESENT(m[1])),
           yesno(PM_EXCL(m[1])));
    printf("parent page 0 after the child's write: exclusive %s\n", yesno(PM_EXCL(now)));
    printf("page 3 in both: exclusive %s\n", yesno(PM_EXCL(p3) || PM_EXCL(m[2])));
    if (show_pfn) {
        printf("pfn shown: %s\n", yesno(PM_PFN(before) != 0));
        printf("parent keeps its frame over fork: %s\n", yesno(PM_PFN(before) == PM_PFN(mine)));
        printf("child shares the frame before writing: %s\n", yesno(PM_PFN(m[0]) == PM_PFN(mine)));
        printf("child has its own frame after writing: %s\n", yesno(PM_PFN(m[1]) != PM_PFN(now)));
        printf("parent's frame unchanged by the child's write: %s\n",
               yesno(PM_PFN(now) == PM_PFN(mine)));
        printf("page 3 still shared: %s\n", yesno(PM_PFN(p3) == PM_PFN(m[2])));
        printf("contiguous pages, different frames: %s\n",
               yesno(PM_PFN(pagemap(0, r)) != PM_PFN(pagemap(0, r + 3 * PG))));
    }
    if (write(go[1], "b", 1) != 1)
        return 1;
    waitpid(c, NULL, 0);
    uint64_t alone = pagemap(0, r + 3 * PG);
    printf("page 3 after the child exited: exclusive %s\n", yesno(PM_EXCL(alone)));

    fflush(stdout);
    /* another process's pagemap: /proc/PID/pagemap of the parent */
    c = fork();
    if (c == 0) {
        uint64_t e = pagemap(getppid(), r + 7 * PG);
        printf("child reads the parent's pagemap: present %s\n", yesno(PM_PRESENT(e)));
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, NULL, 0);

    /* file pages and shared anonymous memory have the file bit */
    char name[] = "pagemap.tmp";
    int ffd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[PG] = {1};
    if (write(ffd, page, PG) != PG || write(ffd, page, PG) != PG)
        return 1;
    fsync(ffd);
    char *f = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, ffd, 0);
    volatile char sink = f[0] + f[PG];
    (void)sink;
    bits("private file mapping, 2 pages read", f, 2);
    char *sh = region(2, MAP_SHARED | MAP_ANONYMOUS);
    sh[0] = sh[PG] = 1;
    bits("shared anonymous, 2 pages written", sh, 2);
    unlink(name);
    /* never mapped: all zero */
    printf("entry of an unmapped page: %s\n", pagemap(0, r - PG) == 0 ? "0" : "not 0");
    return 0;
}
