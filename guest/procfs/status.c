/* /proc/self/status, statm, stat, cmdline, exe and the process states, as
 * Linux reports them: sizes move by what the program maps and touches,
 * statm agrees with status, the high-water marks stay after an unmap, a
 * zombie has no memory lines. Prints deltas and facts, never absolute
 * sizes (those depend on libc). Must match native Linux line for line. */
#include "pfs.h"

static long st(const char *key)
{
    return status_field("/proc/self/status", key);
}

static void statm(long v[7])
{
    char *s = slurp("/proc/self/statm");
    memset(v, 0, 7 * sizeof v[0]);
    if (s)
        sscanf(s, "%ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
}

int main(int argc, char **argv)
{
    printf("/proc/self/status and friends\n"); /* stdio's buffer, the heap exist now */
    fflush(stdout);
    long size0 = st("VmSize"), anon0 = st("RssAnon"), data0 = st("VmData");
    char *r = region(16, MAP_PRIVATE | MAP_ANONYMOUS); /* 16 + 2 guard pages */
    long anon_mapped = st("RssAnon"); /* (RssAnon: text paged in meanwhile is RssFile) */
    printf("VmSize grows by the mapping: %ld kB\n", st("VmSize") - size0);
    printf("VmData grows by the writable part: %ld kB\n", st("VmData") - data0);
    printf("RssAnon unchanged by mmap: %s\n", yesno(anon_mapped == anon0));
    long rss1 = st("VmRSS"), anon1 = st("RssAnon");
    for (int i = 0; i < 16; i++)
        r[i * PG] = 1;
    printf("VmRSS after writing 16 pages: +%ld kB\n", st("VmRSS") - rss1);
    printf("RssAnon after writing 16 pages: +%ld kB\n", st("RssAnon") - anon1);
    printf("RssAnon counted since start: %s\n", yesno(st("RssAnon") - anon0 >= 64));
    printf("VmRSS = RssAnon + RssFile + RssShmem: %s\n",
           yesno(st("VmRSS") == st("RssAnon") + st("RssFile") + st("RssShmem")));
    /* statm and status of the same moment: read both twice, compare the
     * second time (the first run of this code pages in its text) */
    long v[7], size = 0, rss = 0, shared = 0, text = 0, data = 0;
    for (int pass = 0; pass < 2; pass++) {
        statm(v);
        size = st("VmSize"), rss = st("VmRSS"), shared = st("RssFile") + st("RssShmem");
        text = st("VmExe"), data = st("VmData") + st("VmStk");
    }
    printf("statm size = VmSize: %s\n", yesno(v[0] * 4 == size));
    printf("statm resident = VmRSS: %s\n", yesno(v[1] * 4 == rss));
    printf("statm shared = RssFile + RssShmem: %s\n", yesno(v[2] * 4 == shared));
    printf("statm text = VmExe: %s\n", yesno(v[3] * 4 == text));
    printf("statm data = VmData + VmStk: %s\n", yesno(v[5] * 4 == data));
    printf("statm lib and dt are 0: %s\n", yesno(v[4] == 0 && v[6] == 0));
    printf("VmHWM >= VmRSS: %s\n", yesno(st("VmHWM") >= st("VmRSS")));
    fflush(stdout);
    long hwm = st("VmHWM"), peak = st("VmPeak");
    munmap(r, 16 * PG);
    printf("after munmap: VmRSS -%ld kB, VmSize -%ld kB\n", hwm - st("VmRSS"), peak - st("VmSize"));
    /* (Linux updates VmHWM lazily, so only the inequality is certain) */
    printf("VmHWM >= VmRSS: %s, VmPeak kept: %s\n", yesno(st("VmHWM") >= st("VmRSS")),
           yesno(st("VmPeak") == peak));
    printf("VmSwap: %ld kB, VmLck: %ld kB, VmPin: %ld kB\n", st("VmSwap"), st("VmLck"),
           st("VmPin"));
    printf("VmPTE > 0: %s\n", yesno(st("VmPTE") > 0));
    printf("Pid = getpid: %s, PPid = getppid: %s, Tgid = Pid: %s\n", yesno(st("Pid") == getpid()),
           yesno(st("PPid") == getppid()), yesno(st("Tgid") == getpid()));
    char *s = slurp("/proc/self/status");
    const char *nm = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    char want[64];
    snprintf(want, sizeof want, "Name:\t%.15s\n", nm);
    printf("Name is the program's: %s\n", yesno(!strncmp(s, want, strlen(want))));
    printf("State of self: %s\n", strstr(s, "State:\tR (running)\n") ? "R (running)" : "other");

    /* stat: pid (comm) state ppid ... */
    s = slurp("/proc/self/stat");
    int pid = 0, ppid = 0;
    char state = 0;
    char *rp = strrchr(s, ')');
    sscanf(s, "%d", &pid);
    sscanf(rp + 2, "%c %d", &state, &ppid);
    int fields = 0;
    for (char *t = rp + 1; *t; t++)
        fields += *t == ' ';
    printf("stat: pid %s state %c ppid %s, %d fields\n", yesno(pid == getpid()), state,
           yesno(ppid == getppid()), fields + 2);

    /* a child waits on a pipe: its parent sees it sleeping; after exit, a zombie */
    int p[2];
    if (pipe(p))
        return 1;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char b;
        close(p[1]);
        if (read(p[0], &b, 1) < 0)
            _exit(2);
        _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)c);
    const char *seen = "other";
    for (int i = 0; i < 1000; i++) {
        s = slurp(path);
        int sleeping = s && strstr(s, "State:\tS (sleeping)\n");
        if (sleeping) {
            seen = "S (sleeping)";
            break;
        }
        usleep(1000);
    }
    printf("child blocked in read: %s\n", seen);
    printf("child's PPid is me: %s\n", yesno(status_field(path, "PPid") == getpid()));
    close(p[1]);
    seen = "other";
    for (int i = 0; i < 1000; i++) {
        s = slurp(path);
        int zombie = s && strstr(s, "State:\tZ (zombie)\n");
        int vm = s && strstr(s, "VmSize:");
        if (zombie) {
            seen = vm ? "Z (zombie), with VmSize" : "Z (zombie), no VmSize";
            break;
        }
        usleep(1000);
    }
    printf("child after exit: %s\n", seen);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)c);
    s = slurp(path);
    printf("zombie's maps: %s\n", s ? (*s ? "not empty" : "empty") : "cannot open");
    snprintf(path, sizeof path, "/proc/%d/exe", (int)c);
    char l[256];
    errno = 0;
    printf("zombie's exe: %s\n",
           readlink(path, l, sizeof l) < 0 && errno == ENOENT ? "ENOENT" : "other");
    waitpid(c, NULL, 0);
    snprintf(path, sizeof path, "/proc/%d", (int)c);
    struct stat sb;
    printf("reaped child's /proc/PID: %s\n",
           stat(path, &sb) < 0 && errno == ENOENT ? "gone" : "there");
    return 0;
}
