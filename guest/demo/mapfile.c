/* vmsim demo, scene 5: a file mapped MAP_SHARED by two processes. The writer
 * creates /shared.txt, maps it and writes a line through the mapping; the
 * reader, started afterwards, maps it and reads the line: both map the one
 * page-cache frame of the file. */
#include "demo.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#define SHARED_PATH "/shared.txt"

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int writer = argc > 1 && strcmp(argv[1], "writer") == 0;
    int fd = open(SHARED_PATH, writer ? O_RDWR | O_CREAT | O_TRUNC : O_RDWR, 0644);
    if (fd < 0 || (writer && ftruncate(fd, 4096) != 0)) {
        perror(SHARED_PATH);
        return 1;
    }
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    if (writer) {
        snprintf(p, 4096, "written through a MAP_SHARED mapping by pid %d\n", getpid());
        printf("  [mapfile writer, pid %d] mapped %s at %p and wrote: %s", getpid(), SHARED_PATH,
               (void *)p, p);
        demo_mark(DEMO_MARK_NOTE, p, 4096);
    } else {
        printf("  [mapfile reader, pid %d] mapped %s at %p and read: %s", getpid(), SHARED_PATH,
               (void *)p, p);
        demo_mark(DEMO_MARK_FILE, p, 4096);
    }
    demo_ready_and_wait();
    munmap(p, 4096);
    close(fd);
    return 0;
}
