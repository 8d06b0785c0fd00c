/* Demand paging of a file (tests/scripts/files_lazy.sh): maps the file
 * argv[1] whole, reads one byte of each page listed in argv[2..] (page
 * numbers), prints the bytes. Mapping alone reads nothing. */
#include "ftest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return 3;
    volatile unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return 4;
    unsigned sum = 0;
    for (int i = 2; i < argc; i++)
        sum = sum * 31 + m[strtol(argv[i], NULL, 10) * 4096 + 7];
    printf("%d pages touched, sum %u\n", argc - 2, sum);
    return 0;
}
