/* fork-heavy benchmark (bench/proc_bench.sh): the parent fills a heap of
 * MIB MiB, then forks N children one after another; each writes one byte in
 * every fourth page (copy-on-write faults), sums a stride of the heap and
 * exits with the low bits of that sum; the parent waits for each and prints
 * a checksum of the exit statuses.
 * Usage: forkheavy [N] [MIB] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define PAGE 4096

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100;
    long mib = argc > 2 ? atol(argv[2]) : 4;
    size_t size = (size_t)mib << 20;
    unsigned char *heap = malloc(size);
    if (!heap) {
        perror("malloc");
        return 1;
    }
    for (size_t i = 0; i < size; i++)
        heap[i] = (unsigned char)(i * 7);
    unsigned long check = 0;
    for (long c = 0; c < n; c++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            unsigned sum = 0;
            for (size_t off = (size_t)(c % 4) * PAGE; off < size; off += 4 * PAGE) {
                heap[off] = (unsigned char)(heap[off] + c);
                sum += heap[off] + heap[off + PAGE / 2];
            }
            _exit((int)((sum ^ (sum >> 7) ^ (sum >> 14)) & 0x7f));
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
            fprintf(stderr, "forkheavy: child %ld failed\n", c);
            return 1;
        }
        check = check * 131 + (unsigned)WEXITSTATUS(st);
    }
    printf("forks %ld, heap %ld MiB, checksum %lu\n", n, mib, check);
    free(heap);
    return 0;
}
