/* System V shared memory (issue 16): shmget/shmat/shmdt/shmctl, attach
 * counts across fork, IPC_RMID while attached (attach after remove works,
 * the key is free at once), SHM_RDONLY, SHM_RND, SHM_REMAP, the errors,
 * /proc/sysvipc/shm and the maps name. Compared with qemu-riscv64. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAY(...) (printf(__VA_ARGS__), fflush(stdout))
static const char *e(long rc) { return rc < 0 ? strerrorname_np(errno) : "ok"; }

static long nattch(int id)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -1;
    return (long)ds.shm_nattch;
}

static int in_file(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    key_t key = 0x5600000 + (getpid() & 0xfffff);
    int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
    SAY("shmget create: %s\n", e(id));
    SAY("again with EXCL: %s\n", e(shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600)));
    SAY("again without: same id %d\n", shmget(key, 5000, 0600) == id);
    SAY("bigger than it: %s\n", e(shmget(key, 20000, 0600)));
    SAY("missing key: %s\n", e(shmget(key + 1, 100, 0600)));
    SAY("size 0: %s\n", e(shmget(IPC_PRIVATE, 0, 0600)));
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    SAY("IPC_STAT: size %zu mode %o nattch %lu cpid is us %d\n", (size_t)ds.shm_segsz,
        ds.shm_perm.mode, (unsigned long)ds.shm_nattch, ds.shm_cpid == getpid());
    char *a = shmat(id, NULL, 0);
    SAY("shmat: %s, nattch %ld\n", a == (void *)-1 ? strerrorname_np(errno) : "ok", nattch(id));
    strcpy(a, "segment text");
    strcpy(a + 8192, "third page");
    char needle[32];
    snprintf(needle, sizeof needle, "/SYSV%08x (deleted)", (unsigned)key);
    SAY("maps names it %s: %d\n", "/SYSV<key> (deleted)", in_file("/proc/self/maps", needle));
    snprintf(needle, sizeof needle, "%10d %10d", (int)key, id);
    SAY("/proc/sysvipc/shm lists it: %d\n", in_file("/proc/sysvipc/shm", needle));
    char *b = shmat(id, NULL, SHM_RDONLY);
    SAY("second attach read-only: %s sees '%s', nattch %ld\n",
        b == (void *)-1 ? strerrorname_np(errno) : "ok", b, nattch(id));
    pid_t c = fork();
    if (c == 0) {
        SAY("child inherits both: nattch %ld, sees '%s'\n", nattch(id), a + 8192);
        strcpy(a + 100, "child");
        shmdt(b);
        SAY("child detached one: nattch %ld\n", nattch(id));
        signal(SIGSEGV, SIG_DFL);
        b[0] = 'x';   /* read-only attach */
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    SAY("child killed by SIGSEGV writing the read-only attach: %d\n",
        WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    SAY("parent sees '%s', nattch after child exit %ld\n", a + 100, nattch(id));
    /* an address in use */
    char *fixed = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("shmat over a mapping: %s\n", e((long)shmat(id, fixed, 0) == -1 ? -1 : 0));
    char *r = shmat(id, fixed, SHM_REMAP);
    SAY("with SHM_REMAP: %s at it %d sees '%s'\n", r == (void *)-1 ? strerrorname_np(errno) : "ok",
        r == fixed, r);
    SAY("unaligned without SHM_RND: %s\n", e((long)shmat(id, fixed + 5, 0) == -1 ? -1 : 0));
    shmdt(r);
    r = shmat(id, fixed + 5, SHM_RND);
    SAY("with SHM_RND: rounded down %d\n", r == fixed);
    shmdt(r);
    SAY("shmdt not an attach: %s\n", e(shmdt(a + 4096)));
    SAY("shmdt nothing: %s\n", e(shmdt(fixed)));
    SAY("remove while attached: %s\n", e(shmctl(id, IPC_RMID, NULL)));
    shmctl(id, IPC_STAT, &ds);
    SAY("after remove: SHM_DEST %d key private %d nattch %lu\n", (ds.shm_perm.mode & SHM_DEST) != 0,
        ds.shm_perm.__key == IPC_PRIVATE, (unsigned long)ds.shm_nattch);
    SAY("the key is free: %s\n", e(shmget(key, 100, 0600)));
    char *again = shmat(id, NULL, 0);
    SAY("attach after remove: %s sees '%s'\n", again == (void *)-1 ? strerrorname_np(errno) : "ok",
        again);
    shmdt(again);
    shmdt(b);
    SAY("nattch %ld\n", nattch(id));
    shmdt(a);
    SAY("last detach frees it: IPC_STAT %s\n", e(shmctl(id, IPC_STAT, &ds)));
    SAY("shmat gone: %s\n", e((long)shmat(id, NULL, 0) == -1 ? -1 : 0));
    int p2 = shmget(IPC_PRIVATE, 4096, 0400);
    /* (a write attach of it is EACCES unprivileged: not compared, as the
     * reference may run as root) */
    ds.shm_perm.mode = 0600;
    shmctl(p2, IPC_STAT, &ds);
    ds.shm_perm.mode = 0640;
    SAY("IPC_SET: %s", e(shmctl(p2, IPC_SET, &ds)));
    shmctl(p2, IPC_STAT, &ds);
    SAY(" mode %o\n", ds.shm_perm.mode);
    shmctl(p2, IPC_RMID, NULL);
    SAY("removed, unattached: gone %s\n", e(shmctl(p2, IPC_STAT, &ds)));
    SAY("bad cmd: %s, bad id: %s\n", e(shmctl(id, 99, &ds)), e(shmctl(-1, IPC_STAT, &ds)));
    return 0;
}
