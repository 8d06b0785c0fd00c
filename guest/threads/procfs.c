/* /proc and /sys for threads: Threads: in status, /proc/self/task lists
 * every thread, /proc/thread-self names the caller, a thread's
 * task/TID/status has Pid = its tid and Tgid = the process, stat's
 * num_threads; /sys/devices/system/cpu/online and sysconf agree with
 * sched_getaffinity. Printed as relations, so a native run can compare. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t b;
static int worker_tid;

static long field(const char *path, const char *key)
{
    char line[256];
    long v = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -2;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            v = atol(line + strlen(key));
    fclose(f);
    return v;
}

static void *w(void *a)
{
    worker_tid = (int)syscall(SYS_gettid);
    pthread_barrier_wait(&b);
    pthread_barrier_wait(&b);
    return 0;
}

int main(void)
{
    pthread_barrier_init(&b, 0, 4);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], 0, w, 0);
    pthread_barrier_wait(&b);
    printf("status Threads: %ld\n", field("/proc/self/status", "Threads:"));
    DIR *d = opendir("/proc/self/task");
    int n = 0, has_main = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            n++;
            has_main |= atoi(e->d_name) == getpid();
        }
    if (d)
        closedir(d);
    printf("task entries %d, main among them %d\n", n, has_main);
    char p[96], l[96];
    ssize_t k = readlink("/proc/thread-self", l, sizeof l - 1);
    l[k > 0 ? k : 0] = 0;
    snprintf(p, sizeof p, "%d/task/%ld", getpid(), syscall(SYS_gettid));
    printf("thread-self names the caller: %d\n", strcmp(l, p) == 0);
    snprintf(p, sizeof p, "/proc/%d/task/%d/status", getpid(), worker_tid);
    printf("worker status: Pid is its tid %d, Tgid is the process %d, Threads %ld\n",
           field(p, "Pid:") == worker_tid, field(p, "Tgid:") == getpid(), field(p, "Threads:"));
    snprintf(p, sizeof p, "/proc/%d/task/%d/stat", getpid(), worker_tid);
    FILE *f = fopen(p, "r");
    char buf[1024] = "";
    if (f) {
        fgets(buf, sizeof buf, f);
        fclose(f);
    }
    char *c = strrchr(buf, ')');
    int fieldno = 2;
    long nthreads = -1;
    for (char *s = c; s && *s; s++)
        if (*s == ' ' && ++fieldno == 20)
            nthreads = atol(s + 1);
    printf("stat: starts with the tid %d, num_threads %ld\n", atoi(buf) == worker_tid, nthreads);
    printf("/proc lists the process, not its threads: %d\n",
           access("/proc/self/task", F_OK) == 0 && opendir("/proc") != NULL);
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    char online[64] = "";
    f = fopen("/sys/devices/system/cpu/online", "r");
    if (f) {
        fgets(online, sizeof online, f);
        fclose(f);
    }
    int last = strchr(online, '-') ? atoi(strchr(online, '-') + 1) : 0;
    printf("cpus: affinity %d, online 0-%d, sysconf %ld\n", CPU_COUNT(&set), last,
           sysconf(_SC_NPROCESSORS_ONLN));
    pthread_barrier_wait(&b);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], 0);
    return 0;
}
