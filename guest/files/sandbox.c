/* The sandbox seen from inside (tests/scripts/files_sandbox.sh, vmsim only:
 * under qemu the host's files are there). For each argument: "open PATH"
 * prints the first line of the file or the error; "creat PATH" creates it;
 * "ls PATH" lists a directory (sorted); "cd PATH" changes directory and
 * prints getcwd; "readlink PATH" prints the link's text. */
#include "ftest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *op = argv[i], *path = argv[i + 1];
        char buf[256] = {0};
        if (strcmp(op, "open") == 0) {
            int fd = open(path, O_RDONLY);
            if (fd < 0) {
                printf("open %s: %s\n", path, strerrorname_np(errno));
                continue;
            }
            ssize_t n = read(fd, buf, sizeof buf - 1);
            buf[n > 0 ? n : 0] = 0;
            buf[strcspn(buf, "\n")] = 0;
            printf("open %s: %s\n", path, n < 0 ? strerrorname_np(errno) : buf);
            close(fd);
        } else if (strcmp(op, "creat") == 0) {
            int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
            printf("creat %s: %s\n", path, fd < 0 ? strerrorname_np(errno) : "ok");
            if (fd >= 0) {
                write(fd, "created inside\n", 15);
                close(fd);
            }
        } else if (strcmp(op, "ls") == 0) {
            DIR *d = opendir(path);
            if (!d) {
                printf("ls %s: %s\n", path, strerrorname_np(errno));
                continue;
            }
            char *names[100];
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d)) && n < 100)
                names[n++] = strdup(e->d_name);
            closedir(d);
            qsort(names, n, sizeof names[0], cmp);
            printf("ls %s:", path);
            for (int j = 0; j < n; j++) {
                printf(" %s", names[j]);
                free(names[j]);
            }
            printf("\n");
        } else if (strcmp(op, "cd") == 0) {
            if (chdir(path) < 0)
                printf("cd %s: %s\n", path, strerrorname_np(errno));
            else
                printf("cd %s: %s\n", path, getcwd(buf, sizeof buf));
        } else if (strcmp(op, "readlink") == 0) {
            ssize_t n = readlink(path, buf, sizeof buf - 1);
            printf("readlink %s: %s\n", path, n < 0 ? strerrorname_np(errno) : buf);
        }
    }
    return 0;
}
