/* Shared anonymous memory larger than RAM (issue 5): parent and child share
 * an 8 MiB MAP_SHARED|MAP_ANONYMOUS region; each writes half of it, and each
 * reads back the other's half after it has been pushed out to swap. Run
 * under `vmsim run --mem 4M --swap 32M` and under qemu-riscv64: same output. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGE = 4096, PAGES = 2048 }; /* 8 MiB */

static uint64_t word(uint64_t page, uint64_t i, uint64_t round)
{
    uint64_t z = (page * 0x9e3779b97f4a7c15ULL) ^ (i * 0xbf58476d1ce4e5b9ULL) ^ round;
    return z ^ (z >> 29);
}

static void fill(uint64_t *m, uint64_t from, uint64_t to, uint64_t round)
{
    for (uint64_t p = from; p < to; p++)
        for (uint64_t i = 0; i < PAGE / 8; i++)
            m[p * (PAGE / 8) + i] = word(p, i, round);
}

/* Pages of [from, to) that do not hold round's pattern. */
static uint64_t verify(const uint64_t *m, uint64_t from, uint64_t to, uint64_t round,
                       uint64_t *sum)
{
    uint64_t bad = 0;
    for (uint64_t p = from; p < to; p++) {
        int ok = 1;
        for (uint64_t i = 0; i < PAGE / 8; i++) {
            uint64_t w = m[p * (PAGE / 8) + i];
            *sum += w;
            ok &= w == word(p, i, round);
        }
        bad += !ok;
    }
    return bad;
}

int main(void)
{
    uint64_t *m = mmap(NULL, (size_t)PAGES * PAGE, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 2;
    fill(m, 0, PAGES / 2, 1); /* the parent's half */
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 3;
    if (pid == 0) {
        uint64_t sum = 0;
        uint64_t bad = verify(m, 0, PAGES / 2, 1, &sum);
        printf("child: parent's half: %llu bad pages, sum %016llx\n", (unsigned long long)bad,
               (unsigned long long)sum);
        fill(m, PAGES / 2, PAGES, 2); /* the child's half */
        fill(m, 0, 16, 3);            /* and over a few of the parent's pages */
        fflush(stdout);
        _exit(bad ? 1 : 0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return 4;
    printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    uint64_t sum = 0;
    uint64_t bad = verify(m, 0, 16, 3, &sum) + verify(m, 16, PAGES / 2, 1, &sum) +
                   verify(m, PAGES / 2, PAGES, 2, &sum);
    printf("parent: whole region: %llu bad pages, sum %016llx\n", (unsigned long long)bad,
           (unsigned long long)sum);
    munmap(m, (size_t)PAGES * PAGE);
    return bad ? 1 : 0;
}
