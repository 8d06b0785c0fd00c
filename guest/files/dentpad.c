/* getdents64 writes each record's header, name and NUL, and leaves the
 * padding up to d_reclen (and the buffer past the returned length) as the
 * caller had it (Linux's filldir64). vmsim once copied out its own heap
 * there: bytes of the host process, different from run to run, which
 * hostfuzz then used as paths and structures. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ftest.h"

#define FILL 0x5a

static unsigned char buf[9000];

int main(void)
{
    static const char *const names[] = {"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg",
                                        "hhhhhhhh", "iiiiiiiii"};
    SHOW("mkdir", mkdir("pad", 0755));
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "pad/%s", names[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) {
            perror(path);
            return 1;
        }
        close(fd);
    }
    int dfd = open("pad", O_RDONLY | O_DIRECTORY);
    SHOW("open pad", dfd >= 0 ? 0 : -1);
    memset(buf, FILL, sizeof buf);
    {
        long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
        SHOW("getdents64 > 0", n > 0 ? 0 : -1);
        unsigned records = 0, pad = 0, kept = 0, names_ok = 0;
        for (long off = 0; off < n;) {
            uint16_t reclen;
            memcpy(&reclen, buf + off + 16, sizeof reclen);
            const char *name = (const char *)buf + off + 19;
            size_t used = 19 + strlen(name) + 1;
            records++;
            names_ok += used <= reclen;
            for (size_t i = used; i < reclen; i++) {
                pad++;
                kept += buf[off + i] == FILL;
            }
            off += reclen;
        }
        unsigned tail = 0;
        for (size_t i = (size_t)n; i < sizeof buf; i++)
            tail += buf[i] != FILL;
        printf("%u records, %u names in their record, %u padding bytes, %u kept, "
               "%u changed past the end\n",
               records, names_ok, pad, kept, tail);
    }
    close(dfd);
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "pad/%s", names[i]);
        unlink(path);
    }
    SHOW("rmdir", rmdir("pad"));
    return 0;
}
