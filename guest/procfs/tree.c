/* /proc as a file system: /proc/self, readlink, listing with getdents64,
 * stat, open modes and errors, the seq_file read semantics, cmdline, exe,
 * meminfo and vmstat keys, and the maps line format. Must match native
 * Linux line for line.
 *
 * "tree dump FILE" prints /proc/self/FILE (or /proc/FILE) instead, for
 * the format checks of tests/scripts/procfs.sh. */
#include <dirent.h>
#include <regex.h>

#include "pfs.h"

static int listed(const char *dir, const char *name, unsigned char *type)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)))
        if (!strcmp(e->d_name, name)) {
            found = 1;
            if (type)
                *type = e->d_type;
        }
    closedir(d);
    return found;
}

static const char *err(int rc)
{
    if (rc >= 0)
        return "ok";
    return errno == ENOENT    ? "ENOENT"
           : errno == ENOTDIR ? "ENOTDIR"
           : errno == EISDIR  ? "EISDIR"
           : errno == EACCES  ? "EACCES"
           : errno == EINVAL  ? "EINVAL"
           : errno == EEXIST  ? "EEXIST"
           : errno == ELOOP   ? "ELOOP"
                              : "other";
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "dump")) {
        char path[256];
        snprintf(path, sizeof path, argv[2][0] == '/' ? "%s" : "/proc/self/%s", argv[2]);
        char *s = slurp(path);
        if (!s)
            return 1;
        fputs(s, stdout);
        return 0;
    }
    char me[32], buf[4096];
    snprintf(me, sizeof me, "%d", (int)getpid());

    /* /proc/self and the listing */
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("readlink /proc/self is my pid: %s\n", yesno(!strcmp(buf, me)));
    unsigned char t = 0;
    printf("/proc lists my pid as a directory: %s\n",
           yesno(listed("/proc", me, &t) && t == DT_DIR));
    printf("/proc lists self as a symlink: %s\n",
           yesno(listed("/proc", "self", &t) && t == DT_LNK));
    printf("/proc lists meminfo and vmstat: %s\n",
           yesno(listed("/proc", "meminfo", NULL) && listed("/proc", "vmstat", NULL)));
    const char *files[] = {"maps",    "smaps",   "smaps_rollup", "status", "statm", "stat",
                           "pagemap", "cmdline", "comm",         "environ", "exe",  "cwd"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        printf("/proc/self lists %s: %s\n", files[i], yesno(listed("/proc/self", files[i], &t)));
        printf("  type %s\n", t == DT_REG ? "regular" : t == DT_LNK ? "symlink" : "other");
    }
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%s", me);
    printf("/proc/PID lists the same as /proc/self: %s\n", yesno(listed(dir, "smaps", NULL)));

    /* stat */
    struct stat sb;
    lstat("/proc/self", &sb);
    printf("lstat /proc/self: %s\n", S_ISLNK(sb.st_mode) ? "symlink" : "other");
    stat("/proc/self", &sb);
    printf("stat /proc/self: %s %o\n", S_ISDIR(sb.st_mode) ? "directory" : "other",
           sb.st_mode & 07777);
    stat("/proc", &sb);
    printf("stat /proc: %s %o\n", S_ISDIR(sb.st_mode) ? "directory" : "other", sb.st_mode & 07777);
    const char *regs[] = {"maps", "smaps", "status", "statm", "pagemap", "cmdline", "comm", "environ"};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        snprintf(buf, sizeof buf, "/proc/self/%s", regs[i]);
        stat(buf, &sb);
        printf("stat %s: %s mode %o size %lld nlink %d uid-is-mine %s\n", regs[i],
               S_ISREG(sb.st_mode) ? "regular" : "other", sb.st_mode & 07777, (long long)sb.st_size,
               (int)sb.st_nlink, yesno(sb.st_uid == getuid()));
    }
    int fd = open("/proc/self/maps", O_RDONLY);
    fstat(fd, &sb);
    printf("fstat of an open maps: %s size %lld\n", S_ISREG(sb.st_mode) ? "regular" : "other",
           (long long)sb.st_size);
    close(fd);
    lstat("/proc/self/exe", &sb);
    printf("lstat exe: %s\n", S_ISLNK(sb.st_mode) ? "symlink" : "other");
    stat("/proc/self/exe", &sb);
    printf("stat exe (followed): %s\n", S_ISREG(sb.st_mode) ? "regular" : "other");

    /* exe and cmdline */
    char real[4096];
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("exe is the program: %s\n", yesno(realpath(argv[0], real) && !strcmp(buf, real)));
    fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    printf("exe opens the ELF file: %s\n",
           yesno(read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4)));
    close(fd);
    char *c = slurp("/proc/self/cmdline");
    size_t len = 0;
    int ok = 1;
    for (int i = 0; i < argc; i++) {
        ok &= !strcmp(c + len, argv[i]);
        len += strlen(argv[i]) + 1;
    }
    fd = open("/proc/self/cmdline", O_RDONLY);
    n = read(fd, buf, sizeof buf);
    close(fd);
    printf("cmdline is argv, NUL-separated: %s (%d args, length right: %s)\n", yesno(ok), argc,
           yesno(n == (ssize_t)len));

    /* comm: the program's file name, at most 15 characters, and a newline */
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    char want[32];
    snprintf(want, sizeof want, "%.15s\n", base);
    char *cm = slurp("/proc/self/comm");
    printf("comm is the program's name: %s\n", yesno(cm && !strcmp(cm, want)));
    /* a process may rename itself through comm (15 bytes kept) */
    fd = open("/proc/self/comm", O_WRONLY | O_TRUNC);
    n = write(fd, "renamed-by-comm-write", 21);
    close(fd);
    cm = slurp("/proc/self/comm");
    printf("comm write: %zd, now %s", n, cm ? cm : "?\n");
    /* environ: the environment execve gave, NUL-separated (the startup
     * environment, not later setenv calls) */
    extern char **environ;
    fd = open("/proc/self/environ", O_RDONLY);
    static char envbuf[65536];
    n = read(fd, envbuf, sizeof envbuf);
    close(fd);
    size_t at = 0;
    ok = n > 0;
    for (char **e = environ; ok && *e; e++) {
        ok &= at < (size_t)n && !strcmp(envbuf + at, *e);
        at += strlen(*e) + 1;
    }
    printf("environ is envp, NUL-separated: %s (length right: %s)\n", yesno(ok),
           yesno(n == (ssize_t)at));

    /* open modes and errors */
    errno = 0;
    fd = open("/proc/self/maps", O_WRONLY);
    int refused = fd < 0 || write(fd, "x", 1) < 0;
    printf("writing maps refused: %s\n", yesno(refused));
    if (fd >= 0)
        close(fd);
    errno = 0;
    printf("open maps O_DIRECTORY: %s\n", err(open("/proc/self/maps", O_RDONLY | O_DIRECTORY)));
    errno = 0;
    printf("open /proc/self O_WRONLY: %s\n", err(open("/proc/self", O_WRONLY)));
    errno = 0;
    printf("open /proc/nonexistent: %s\n", err(open("/proc/nonexistent", O_RDONLY)));
    errno = 0;
    printf("open /proc/self/maps/x: %s\n", err(open("/proc/self/maps/x", O_RDONLY)));
    errno = 0;
    printf("open /proc/999999999/maps: %s\n", err(open("/proc/999999999/maps", O_RDONLY)));
    errno = 0;
    printf("create /proc/self/new: %s\n", err(open("/proc/self/new", O_RDWR | O_CREAT, 0600)));
    errno = 0;
    printf("mkdir /proc/self/new: %s\n", err(mkdir("/proc/self/new", 0700)));
    errno = 0;
    printf("readlink maps: %s\n", err((int)readlink("/proc/self/maps", buf, sizeof buf)));
    fd = open("/proc/self", O_RDONLY);
    errno = 0;
    printf("read a /proc directory: %s\n", err((int)read(fd, buf, 16)));
    int rel = openat(fd, "status", O_RDONLY);
    printf("openat relative to /proc/self: %s\n", err(rel));
    close(rel);
    close(fd);
    printf("/proc/self/../self/status: %s\n", err(access("/proc/self/../self/status", R_OK)));
    printf("chdir /proc/self: %s\n", err(chdir("/proc/self")));
    printf("cwd is /proc/PID: %s\n", yesno(getcwd(buf, sizeof buf) && !strcmp(buf, dir)));
    fd = open("status", O_RDONLY);
    printf("open relative to it: %s\n", err(fd));
    close(fd);
    if (chdir("/"))
        return 1;
    n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("readlink /proc/self/cwd after chdir(\"/\"): %s\n", buf);

    /* seq_file: a snapshot while reading on, fresh at offset 0 */
    fd = open("/proc/self/maps", O_RDONLY);
    n = read(fd, buf, 10);
    char *extra = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    (void)extra;
    static char whole[1 << 16]; /* static: no heap growth between the reads */
    snprintf(whole, sizeof whole, "%s", slurp("/proc/self/maps"));
    char big[1 << 16];
    ssize_t m = pread(fd, big, sizeof big - 1, 0);
    big[m > 0 ? m : 0] = 0;
    printf("pread at 0 sees a new mapping: %s\n", yesno(!strcmp(big, whole)));
    errno = 0;
    printf("lseek SEEK_END on maps: %s\n", err((int)lseek(fd, 0, SEEK_END)));
    printf("lseek SEEK_SET 5: %s\n", yesno(lseek(fd, 5, SEEK_SET) == 5));
    m = read(fd, big, 5);
    printf("read after lseek gets bytes 5..9: %s\n", yesno(m == 5 && !memcmp(big, whole + 5, 5)));
    close(fd);
    static char small[1 << 16];
    snprintf(small, sizeof small, "%s", slurp_chunked("/proc/self/maps", 7));
    char *large = slurp_chunked("/proc/self/maps", 65536);
    printf("maps read 7 bytes at a time = in one read: %s\n", yesno(!strcmp(small, large)));

    /* maps line format (fs/proc/task_mmu.c show_vma_header_prefix) */
    regex_t re;
    regcomp(&re,
            "^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8,} [0-9a-f]{2,}:[0-9a-f]{2,} "
            "[0-9]+ ( *[^ ].*)?$",
            REG_EXTENDED | REG_NOSUB);
    int lines = 0, good = 0, named_at_73 = 1, stack = 0, heap = 0;
    for (char *l = strtok(whole, "\n"); l; l = strtok(NULL, "\n")) {
        lines++;
        good += regexec(&re, l, 0, NULL, 0) == 0;
        char *sp = l;
        for (int k = 0; k < 5 && sp; k++)
            sp = strchr(sp + 1, ' ');
        if (sp && strlen(l) > 73 && sp - l < 72)
            named_at_73 &= l[72] == ' ' && l[73] != ' ';
        stack += strstr(l, "[stack]") != NULL;
        heap += strstr(l, "[heap]") != NULL;
    }
    printf("maps lines match the format: %s\n", yesno(lines > 3 && good == lines));
    printf("names start in column 74: %s\n", yesno(named_at_73));
    printf("[stack] once: %s\n", yesno(stack == 1));
    char *sm = slurp("/proc/self/smaps");
    printf("smaps has an entry per maps line: %s\n",
           yesno(count_lines(sm) > lines && strstr(sm, "VmFlags:") != NULL));

    /* meminfo and vmstat */
    char *mi = slurp("/proc/meminfo");
    printf("meminfo starts with MemTotal: %s\n", yesno(!strncmp(mi, "MemTotal:", 9)));
    const char *keys[] = {
        "MemFree:",    "MemAvailable:", "Cached:",       "SwapCached:",  "SwapTotal:",
        "SwapFree:",   "Dirty:",        "AnonPages:",    "Mapped:",      "Shmem:",
        "PageTables:", "CommitLimit:",  "Committed_AS:", "Hugepagesize:"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char k[40];
        snprintf(k, sizeof k, "\n%s", keys[i]);
        printf("meminfo has %s %s\n", keys[i], yesno(strstr(mi, k) != NULL));
    }
    long free_kb = status_field("/proc/meminfo", "MemFree"),
         total = status_field("/proc/meminfo", "MemTotal");
    printf("MemFree <= MemTotal: %s\n", yesno(free_kb > 0 && free_kb <= total));
    long f0 = status_field("/proc/vmstat", "pgfault");
    (void)f0;
    char *vm = slurp("/proc/vmstat");
    const char *vkeys[] = {
        "nr_free_pages", "nr_anon_pages",  "nr_mapped", "nr_file_pages", "nr_page_table_pages",
        "pgfault",       "pgmajfault",     "pswpin",    "pswpout",       "pgactivate",
        "pgscan_direct", "pgsteal_direct", "oom_kill"};
    for (size_t i = 0; i < sizeof vkeys / sizeof vkeys[0]; i++) {
        char k[40];
        snprintf(k, sizeof k, "\n%s ", vkeys[i]);
        printf("vmstat has %s: %s\n", vkeys[i],
               yesno(strstr(vm, k) || !strncmp(vm, k + 1, strlen(k + 1))));
    }
    char *r = region(8, MAP_PRIVATE | MAP_ANONYMOUS);
    long before = 0;
    char *p = strstr(slurp("/proc/vmstat"), "\npgfault ");
    before = p ? atol(p + 9) : -1;
    for (int i = 0; i < 8; i++)
        r[i * PG] = 1;
    p = strstr(slurp("/proc/vmstat"), "\npgfault ");
    long after = p ? atol(p + 9) : -1;
    printf("pgfault grows by at least 8 after 8 first writes: %s\n", yesno(after - before >= 8));
    return 0;
}
