/* /dev/null, /dev/zero, /dev/urandom: reads, writes, stat, mmap of /dev/zero. */
#include "ftest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void st(const char *path)
{
    struct stat s;
    if (stat(path, &s) < 0) {
        printf("stat %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    printf("stat %s: chr %d rdev %u,%u mode %o\n", path, S_ISCHR(s.st_mode), major(s.st_rdev),
           minor(s.st_rdev), (unsigned)(s.st_mode & 0777));
}

int main(void)
{
    char buf[4096];
    int n = open("/dev/null", O_RDWR);
    SHOW("open null", n >= 0);
    SHOW("read null", read(n, buf, sizeof buf));
    SHOW("write null", write(n, buf, sizeof buf));
    SHOW("lseek null", lseek(n, 100, SEEK_SET));
    st("/dev/null");
    st("/dev/zero");
    st("/dev/urandom");
    st("/dev/nonexistent");
    int z = open("/dev/zero", O_RDONLY);
    memset(buf, 0x55, sizeof buf);
    SHOW("read zero", read(z, buf, sizeof buf));
    int allzero = 1;
    for (size_t i = 0; i < sizeof buf; i++)
        allzero &= buf[i] == 0;
    SHOW("all zero", allzero);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    SHOW("mmap zero", m != MAP_FAILED);
    SHOW("mapped zero", m[100] == 0 && m[5000] == 0);
    m[1] = 7;
    SHOW("write mapping", m[1]);
    int u = open("/dev/urandom", O_RDONLY);
    SHOW("read urandom", read(u, buf, 64));
    int same = 1;
    for (int i = 1; i < 64; i++)
        same &= buf[i] == buf[0];
    SHOW("urandom varies", !same);
    char buf2[64];
    int u2 = open("/dev/urandom", O_RDONLY);
    read(u2, buf2, 64);
    SHOW("two opens differ", memcmp(buf, buf2, 64) != 0);
    SHOW("access null rw", access("/dev/null", R_OK | W_OK));
    SHOW("open /dev/null/x", open("/dev/null/x", O_RDONLY));
    SHOW("dup2 null to stdin", dup2(n, 0));
    SHOW("getchar eof", getchar());
    FILE *f = fopen("/dev/null", "w");
    SHOW("fprintf null", fprintf(f, "hello %d\n", 42));
    fclose(f);
    return 0;
}
