/* Pss is Rss divided among the mappers (fs/proc/task_mmu.c), with N
 * processes (argument N, default 3: a parent and N-1 children) mapping:
 *  - libc's text (the program's own text when it is linked statically,
 *    libc.so.6's when dynamically): one set of page-cache frames. The
 *    parent reads the N pagemaps, counts for each text page how many map its
 *    frame, and computes each process's Pss from that plain model (4096 << 12
 *    / n per page, summed, >> 22 for kB, as Linux does); smaps must say the
 *    same. Needs the pfns (argument "nopfn": only the Rss part is checked).
 *  - 8 pages of shared anonymous memory, and 8 private anonymous pages
 *    written before the fork and only read since: every page has N mappers,
 *    so Pss must be the formula (8 x (4096 << 12) / N) >> 22 kB.
 * Statically linked, it must match native Linux line for line; the dynamic
 * build runs under vmsim only (natively every process on the host maps
 * libc.so.6). */
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

#define MAXN 5
#define NPAGES 8

/* Linux's Pss of NPAGES pages with n mappers each, in kB. */
static long formula_pss(int n)
{
    return (long)((NPAGES * ((PG << 12) / (uint64_t)n)) >> 22);
}

int main(int argc, char **argv)
{
    int pfn = 1, nproc = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "nopfn"))
            pfn = 0;
        else
            nproc = atoi(argv[i]);
    }
    if (nproc < 1 || nproc > MAXN)
        return 1;
    find_text();
    size_t n = (hi - lo) / PG;
    if (!n || n > MAXP)
        return 1;
    char *shared = region(NPAGES, MAP_SHARED | MAP_ANONYMOUS);
    char *priv = region(NPAGES, MAP_PRIVATE | MAP_ANONYMOUS);
    if (!shared || !priv)
        return 1;
    for (int i = 0; i < NPAGES; i++) {
        shared[i * PG] = (char)(1 + i);
        priv[i * PG] = (char)(2 + i);
    }
    int go[2], ready[2];
    if (pipe(go) || pipe(ready))
        return 1;
    pid_t pid[MAXN] = {getpid()};
    fflush(stdout);
    for (int k = 1; k < nproc; k++) {
        pid[k] = fork();
        if (pid[k] == 0) {
            char b = 1, tmp[64];
            snprintf(tmp, sizeof tmp, "%d %f", k, 1.5); /* run some of libc */
            /* Map every shared page (fork copies no PTE of a shared region)
             * and read the private ones (no copy: they stay shared). */
            volatile char sum = 0;
            for (int i = 0; i < NPAGES; i++)
                sum += shared[i * PG] + priv[i * PG];
            if (write(ready[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
                _exit(1);
            _exit(0);
        }
    }
    char b;
    for (int k = 1; k < nproc; k++)
        if (read(ready[0], &b, 1) != 1)
            return 1;
    static uint64_t e[MAXN][MAXP];
    long pss[MAXN], rss[MAXN], model_pss[MAXN] = {0}, model_rss[MAXN] = {0};
    long sh_pss[MAXN], sh_rss[MAXN], pr_pss[MAXN], pr_rss[MAXN];
    for (int round = 0; round < 4; round++) { /* until the parent's own text is stable */
        static uint64_t again[MAXN][MAXP];
        for (int k = 0; k < nproc; k++)
            pagemaps(pid[k], e[k], n);
        for (int k = 0; k < nproc; k++) {
            pss[k] = smaps_field(pid[k], (void *)lo, "Pss");
            rss[k] = smaps_field(pid[k], (void *)lo, "Rss");
            sh_pss[k] = smaps_field(pid[k], shared, "Pss");
            sh_rss[k] = smaps_field(pid[k], shared, "Rss");
            pr_pss[k] = smaps_field(pid[k], priv, "Pss");
            pr_rss[k] = smaps_field(pid[k], priv, "Rss");
        }
        for (int k = 0; k < nproc; k++)
            pagemaps(pid[k], again[k], n);
        if (!memcmp(e, again, sizeof e))
            break;
    }
    for (int k = 0; k < nproc; k++) {
        uint64_t sum = 0, pages = 0;
        for (size_t i = 0; i < n; i++) {
            if (!PM_PRESENT(e[k][i]))
                continue;
            pages++;
            int mappers = 0;
            for (int j = 0; j < nproc; j++)
                mappers += PM_PRESENT(e[j][i]) && PM_PFN(e[j][i]) == PM_PFN(e[k][i]);
            sum += (PG << 12) / (uint64_t)mappers;
        }
        model_rss[k] = (long)(pages * 4);
        model_pss[k] = (long)(sum >> 22);
    }
    printf("%d processes\n", nproc);
    for (int k = 0; k < nproc; k++) {
        char who[16];
        if (k)
            snprintf(who, sizeof who, "child %d", k);
        else
            snprintf(who, sizeof who, "parent");
        printf("%s: text Rss = present pages in pagemap: %s\n", who,
               yesno(rss[k] == model_rss[k]));
        if (pfn)
            printf("%s: text Pss = sum of 4 kB / mappers of each page: %s\n", who,
                   yesno(pss[k] == model_pss[k]));
        if (nproc > 1)
            printf("%s: Pss < Rss (the text is shared): %s\n", who, yesno(pss[k] < rss[k]));
        else
            printf("%s: Pss = Rss (the text is its own): %s\n", who, yesno(pss[k] == rss[k]));
        printf("%s: shared anon Rss 32 kB, Pss 32 kB / %d = %ld kB: %s\n", who, nproc,
               formula_pss(nproc), yesno(sh_rss[k] == 32 && sh_pss[k] == formula_pss(nproc)));
        printf("%s: private anon after fork Rss 32 kB, Pss 32 kB / %d = %ld kB: %s\n", who,
               nproc, formula_pss(nproc),
               yesno(pr_rss[k] == 32 && pr_pss[k] == formula_pss(nproc)));
    }
    if (write(go[1], "abcd", (size_t)nproc - 1) != nproc - 1)
        return 1;
    for (int k = 1; k < nproc; k++)
        waitpid(pid[k], NULL, 0);
    long alone_rss = smaps_field(0, (void *)lo, "Rss"),
         alone_pss = smaps_field(0, (void *)lo, "Pss");
    printf("after the children exit: text Pss = Rss: %s\n", yesno(alone_rss == alone_pss));
    printf("after the children exit: shared and private anon Pss = Rss = 32 kB: %s\n",
           yesno(smaps_field(0, shared, "Pss") == 32 && smaps_field(0, shared, "Rss") == 32 &&
                 smaps_field(0, priv, "Pss") == 32 && smaps_field(0, priv, "Rss") == 32));
    return 0;
}
