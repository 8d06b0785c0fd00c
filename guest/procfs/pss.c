/* Pss is Rss divided among the mappers (fs/proc/task_mmu.c): libc's text
 * (the program's own text when it is linked statically, libc.so.6's when
 * dynamically) is one set of page-cache frames mapped by a parent and its
 * two children. The
 * parent reads the three pagemaps, counts for each text page how many of
 * the three map its frame, and computes each process's Pss from that
 * plain model (4096 << 12 / n per page, summed, >> 22 for kB, as Linux
 * does); smaps must say the same. Needs the pfns (argument "nopfn": only
 * the Rss part is checked). Statically linked, it must match native Linux
 * line for line; the dynamic build runs under vmsim only (natively every
 * process on the host maps libc.so.6). */
#include "pfs.h"

#define MAXP 4096

static uintptr_t lo, hi; /* the text region holding snprintf */

static void find_text(void)
{
    char *s = slurp("/proc/self/maps");
    uintptr_t me = (uintptr_t)&snprintf;
    for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n")) {
        unsigned long a, b;
        if (sscanf(l, "%lx-%lx", &a, &b) == 2 && me >= a && me < b) {
            lo = a, hi = b;
            return;
        }
    }
}

static void pagemaps(pid_t pid, uint64_t *e, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/pagemap", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0 || pread(fd, e, n * 8, (off_t)(lo / PG * 8)) != (ssize_t)(n * 8))
        memset(e, 0, n * 8);
    close(fd);
}

int main(int argc, char **argv)
{
    int pfn = !(argc > 1 && !strcmp(argv[1], "nopfn"));
    find_text();
    size_t n = (hi - lo) / PG;
    if (!n || n > MAXP)
        return 1;
    int go[2], ready[2];
    if (pipe(go) || pipe(ready))
        return 1;
    pid_t pid[3] = {getpid(), 0, 0};
    fflush(stdout);
    for (int k = 1; k < 3; k++) {
        pid[k] = fork();
        if (pid[k] == 0) {
            char b = 1, tmp[64];
            snprintf(tmp, sizeof tmp, "%d %f", k, 1.5); /* run some of libc */
            if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
                _exit(1);
            _exit(0);
        }
    }
    char b;
    for (int k = 1; k < 3; k++)
        if (read(ready[0], &b, 1) != 1)
            return 1;
    static uint64_t e[3][MAXP];
    long pss[3], rss[3], model_pss[3] = {0}, model_rss[3] = {0};
    for (int round = 0; round < 4; round++) { /* until the parent's own text is stable */
        static uint64_t again[3][MAXP];
        for (int k = 0; k < 3; k++)
            pagemaps(pid[k], e[k], n);
        for (int k = 0; k < 3; k++) {
            pss[k] = smaps_field(pid[k], (void *)lo, "Pss");
            rss[k] = smaps_field(pid[k], (void *)lo, "Rss");
        }
        for (int k = 0; k < 3; k++)
            pagemaps(pid[k], again[k], n);
        if (!memcmp(e, again, sizeof e))
            break;
    }
    for (int k = 0; k < 3; k++) {
        uint64_t sum = 0, pages = 0;
        for (size_t i = 0; i < n; i++) {
            if (!PM_PRESENT(e[k][i]))
                continue;
            pages++;
            int mappers = 0;
            for (int j = 0; j < 3; j++)
                mappers += PM_PRESENT(e[j][i]) && PM_PFN(e[j][i]) == PM_PFN(e[k][i]);
            sum += (PG << 12) / (uint64_t)mappers;
        }
        model_rss[k] = (long)(pages * 4);
        model_pss[k] = (long)(sum >> 22);
    }
    const char *who[3] = {"parent", "child 1", "child 2"};
    for (int k = 0; k < 3; k++) {
        printf("%s: text Rss = present pages in pagemap: %s\n", who[k],
               yesno(rss[k] == model_rss[k]));
        if (pfn)
            printf("%s: text Pss = sum of 4 kB / mappers of each page: %s\n", who[k],
                   yesno(pss[k] == model_pss[k]));
        printf("%s: Pss < Rss (the text is shared): %s\n", who[k], yesno(pss[k] < rss[k]));
    }
    if (write(go[1], "ab", 2) != 2)
        return 1;
    for (int k = 1; k < 3; k++)
        waitpid(pid[k], NULL, 0);
    long alone_rss = smaps_field(0, (void *)lo, "Rss"),
         alone_pss = smaps_field(0, (void *)lo, "Pss");
    printf("after the children exit: text Pss = Rss: %s\n", yesno(alone_rss == alone_pss));
    return 0;
}
