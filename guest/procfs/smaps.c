/* /proc/self/smaps as Linux keeps it: Rss counts the touched pages of a
 * region, Pss divides shared pages among their mappers, a forked child's
 * pages are Shared until one side writes, a MAP_SHARED file page written
 * is dirty; and the VmFlags of each kind of region. Prints facts in kB;
 * must match native Linux line for line. */
#include "pfs.h"

static void show(const char *what, pid_t pid, const void *a)
{
    printf("%s: Size %ld Rss %ld Pss %ld Shared_Clean %ld Shared_Dirty %ld Private_Clean %ld "
           "Private_Dirty %ld Referenced %ld Anonymous %ld Swap %ld\n",
           what, smaps_field(pid, a, "Size"), smaps_field(pid, a, "Rss"),
           smaps_field(pid, a, "Pss"), smaps_field(pid, a, "Shared_Clean"),
           smaps_field(pid, a, "Shared_Dirty"), smaps_field(pid, a, "Private_Clean"),
           smaps_field(pid, a, "Private_Dirty"), smaps_field(pid, a, "Referenced"),
           smaps_field(pid, a, "Anonymous"), smaps_field(pid, a, "Swap"));
    fflush(stdout);
}

/* The VmFlags of the region holding a, without "sd" (soft-dirty: x86
 * kernels only). */
static void vmflags(const char *what, const void *a)
{
    char *s = slurp("/proc/self/smaps");
    int in = 0;
    for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        if (sscanf(l, "%lx-%lx ", &lo, &hi) == 2 && strchr(l, '-') < strchr(l, ' ')) {
            in = (uintptr_t)a >= lo && (uintptr_t)a < hi;
            continue;
        }
        if (in && !strncmp(l, "VmFlags:", 8)) {
            printf("VmFlags of %s:", what);
            for (char *f = strtok(l + 8, " "); f; f = strtok(NULL, " "))
                if (strcmp(f, "sd"))
                    printf(" %s", f);
            printf("\n");
            return;
        }
    }
}

/* A file of n pages in the current directory, removed at exit. */
static int make_file(const char *name, size_t n)
{
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[PG];
    for (size_t i = 0; i < n; i++) {
        memset(page, 'a' + (int)i, sizeof page);
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
            return -1;
    }
    return fd;
}

int main(void)
{
    pfs_chdir();
    /* 1. anonymous memory: only written pages are resident */
    char *r = region(8, MAP_PRIVATE | MAP_ANONYMOUS);
    show("anon 8 pages, none touched", 0, r);
    for (int i = 0; i < 3; i++)
        r[i * 2 * PG] = 1;
    show("anon 8 pages, 3 written", 0, r);

    /* 2. fork: the child sees the parent's pages as shared until written */
    for (int i = 0; i < 8; i++)
        r[i * PG] = 2;
    pid_t c = fork();
    if (c == 0) {
        show("child after fork", 0, r);
        r[0] = 3;
        show("child after writing 1 page", 0, r);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    show("parent after the child exited", 0, r);

    /* 3. a private file mapping read: clean file pages, not anonymous */
    /* (every page is read: Linux maps the neighbours of a read fault that
     * are in the page cache anyway, "fault-around", vmsim does not) */
    int fd = make_file("smaps.tmp", 4);
    fsync(fd); /* written back: the page-cache pages are clean */
    char *f = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    volatile char sink = 0;
    for (int i = 0; i < 4; i++)
        sink += f[i * PG];
    show("private file, 4 pages read", 0, f);
    munmap(f, 4 * PG);

    /* 4. a shared file mapping: a write dirties the page */
    char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    s[PG] = 'x';
    show("shared file, 1 page written", 0, s);

    /* 5. three processes map the same file pages: Pss = Rss / 3 */
    int go[2], ready[2];
    if (pipe(go) || pipe(ready))
        return 1;
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            volatile char t = 0;
            for (int i = 0; i < 4; i++)
                t += s[i * PG];
            (void)t;
            char b = 1;
            if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
                _exit(1);
            _exit(0);
        }
    }
    for (int i = 0; i < 4; i++)
        sink = s[i * PG];
    char b;
    for (int k = 0; k < 2; k++)
        if (read(ready[0], &b, 1) != 1)
            return 1;
    show("shared file, 3 mappers of 4 pages", 0, s);
    show("the same seen from a child", kids[0], s);
    if (write(go[1], "ab", 2) != 2)
        return 1;
    for (int k = 0; k < 2; k++)
        waitpid(kids[k], NULL, 0);
    show("shared file, mappers gone", 0, s);

    /* 6. VmFlags (show_smap_vma_flags) of the kinds of regions */
    vmflags("private anonymous rw", r);
    vmflags("shared file rw", s);
    int rfd = open("smaps.tmp", O_RDONLY);
    char *q = mmap(NULL, PG, PROT_READ, MAP_SHARED, rfd, 0);
    vmflags("shared file r, opened read-only", q);
    char *pf = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, rfd, 0);
    vmflags("private file r", pf);
    char *sa = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    vmflags("shared anonymous", sa);
    int local;
    vmflags("the stack", &local);
    vmflags("the program's text", (void *)&show);

    /* 7. munmap shrinks the region */
    munmap(r + 6 * PG, 2 * PG);
    show("anon after unmapping 2 of 8 pages", 0, r);
    unlink("smaps.tmp");
    return 0;
}
