/* POSIX shared memory (shm_open on /dev/shm, tmpfs) and memfd with seals
 * (issue 16): what Linux answers, printed so that a run under vmsim can be
 * compared with one under qemu-riscv64 (which asks the host kernel). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))
static const char *err(int rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }

static void posix_shm(void)
{
    char name[64];
    snprintf(name, sizeof name, "/vmsim-share-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    SAY("shm_open create: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    SAY("shm_open excl again: %s\n", err(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600)));
    SAY("ftruncate 3 pages: %s\n", err(ftruncate(fd, 3 * 4096)));
    struct stat st;
    fstat(fd, &st);
    SAY("fstat: size %lld regular %d mode %o\n", (long long)st.st_size, S_ISREG(st.st_mode),
        st.st_mode & 0777);
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SAY("mmap shared: %s\n", m == MAP_FAILED ? strerrorname_np(errno) : "ok");
    strcpy(m, "parent was here");
    pid_t c = fork();
    if (c == 0) {
        /* the child opens the object by name and writes through its own mapping */
        int cfd = shm_open(name, O_RDWR, 0);
        char *cm = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        SAY("child sees: %s\n", cm);
        strcpy(cm + 4096, "child wrote page 1");
        strcpy(m + 8192, "child wrote page 2 via the inherited mapping");
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    SAY("parent sees: %s | %s\n", m + 4096, m + 8192);
    char buf[64] = {0};
    SAY("pread page 1: %zd '%s'\n", pread(fd, buf, 18, 4096), buf);
    SAY("pwrite at 5: %zd\n", pwrite(fd, "WROTE", 5, 5));
    SAY("mapping after pwrite: %s\n", m);
    SAY("write past end grows: %zd\n", pwrite(fd, "x", 1, 5 * 4096));
    fstat(fd, &st);
    SAY("size now %lld\n", (long long)st.st_size);
    DIR *d = opendir("/dev/shm");
    int listed = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        listed |= strcmp(de->d_name, name + 1) == 0 && de->d_type == DT_REG;
    if (d)
        closedir(d);
    SAY("listed in /dev/shm: %d\n", listed);
    struct stat dst;
    stat("/dev/shm", &dst);
    SAY("/dev/shm is a sticky directory: %d\n", S_ISDIR(dst.st_mode) && (dst.st_mode & 01000));
    char path[80];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    SAY("stat by path: size %lld\n", stat(path, &dst) == 0 ? (long long)dst.st_size : -1LL);
    SAY("shm_unlink: %s\n", err(shm_unlink(name)));
    SAY("shm_unlink again: %s\n", err(shm_unlink(name)));
    SAY("shm_open after unlink: %s\n", err(shm_open(name, O_RDWR, 0)));
    SAY("mapping survives: %s\n", m + 4096);
    munmap(m, 3 * 4096);
    close(fd);
    /* O_TRUNC on reopen */
    fd = shm_open(name, O_CREAT | O_RDWR, 0644);
    write(fd, "abc", 3);
    int fd2 = shm_open(name, O_RDWR | O_TRUNC, 0);
    fstat(fd2, &st);
    SAY("after O_TRUNC size %lld, read gives %zd\n", (long long)st.st_size, read(fd, buf, 3));
    close(fd);
    close(fd2);
    shm_unlink(name);
}

static void memfd(void)
{
    int fd = memfd_create("vmsim-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    SAY("memfd_create: %s cloexec %d\n", err(fd), (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    SAY("seals at start: %d\n", fcntl(fd, F_GET_SEALS));
    SAY("write: %zd\n", write(fd, "hello memfd", 11));
    SAY("ftruncate 8192: %s\n", err(ftruncate(fd, 8192)));
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SAY("map sees: %s\n", m);
    strcpy(m + 4096, "via map");
    char buf[16] = {0};
    pread(fd, buf, 7, 4096);
    SAY("read sees: %s\n", buf);
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, "/memfd:vmsim-test (deleted)") != NULL;
    if (f)
        fclose(f);
    SAY("maps names it /memfd:vmsim-test (deleted): %d\n", found);
    SAY("add WRITE while mapped shared writable: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
    munmap(m, 8192);
    SAY("add SHRINK|GROW: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)));
    SAY("seals: %d\n", fcntl(fd, F_GET_SEALS));
    SAY("ftruncate 4096 (shrink): %s\n", err(ftruncate(fd, 4096)));
    SAY("ftruncate 16384 (grow): %s\n", err(ftruncate(fd, 16384)));
    SAY("ftruncate 8192 (same): %s\n", err(ftruncate(fd, 8192)));
    SAY("write past end: %s\n", err((int)pwrite(fd, "zz", 2, 8191)));
    SAY("write inside: %zd\n", pwrite(fd, "HE", 2, 0));
    SAY("add WRITE: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
    SAY("write: %s\n", err((int)write(fd, "x", 1)));
    m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    SAY("mmap shared writable: %s\n", m == MAP_FAILED ? strerrorname_np(errno) : "ok");
    m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    SAY("mmap shared read-only: %s '%.8s'\n", m == MAP_FAILED ? strerrorname_np(errno) : "ok", m);
    m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    SAY("mmap private writable: %s\n", m == MAP_FAILED ? strerrorname_np(errno) : "ok");
    SAY("add SEAL: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)));
    SAY("add after SEAL: %s\n", err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
    SAY("bad seal bits: %s\n", err(fcntl(fd, F_ADD_SEALS, 0x100)));
    close(fd);

    fd = memfd_create("nosealing", 0);
    SAY("no ALLOW_SEALING: seals %d, add: %s\n", fcntl(fd, F_GET_SEALS),
        err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
    close(fd);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    SAY("name of 299 bytes: %s\n", err(memfd_create(longname, 0)));
    longname[249] = 0;
    fd = memfd_create(longname, 0);
    SAY("name of 249 bytes: %s\n", err(fd));
    SAY("bad flags: %s\n", err(memfd_create("x", 0x100)));
    SAY("seals on a pipe: ");
    int pp[2];
    pipe(pp);
    SAY("%s\n", err(fcntl(pp[0], F_GET_SEALS)));
}

int main(void)
{
    posix_shm();
    memfd();
    return 0;
}
