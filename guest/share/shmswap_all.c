/* Shared objects of every kind under memory pressure (issue 16): a tmpfs
 * file (shm_open), a memfd and a System V segment, 3 MiB each, filled with
 * a pattern through mappings and write(2), then read back through other
 * mappings and read(2) after a child has touched them all: with 4 MiB of
 * RAM they must go to swap and come back intact. Compared with
 * qemu-riscv64 (tests/scripts/share_swap.sh). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (3u << 20)

static uint32_t pat(unsigned kind, size_t i) { return (uint32_t)(i * 2654435761u) ^ (kind << 28); }

static void fill(unsigned kind, uint32_t *m) {
    for (size_t i = 0; i < SIZE / 4; i++)
        m[i] = pat(kind, i);
}

static int check(unsigned kind, const uint32_t *m) {
    size_t bad = 0;
    for (size_t i = 0; i < SIZE / 4; i++)
        bad += m[i] != pat(kind, i);
    return bad == 0;
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/vmsim-swap-%d", (int)getpid());
    int t = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    ftruncate(t, SIZE);
    int m = memfd_create("swapped", 0);
    ftruncate(m, SIZE);
    int id = shmget(IPC_PRIVATE, SIZE, 0600);
    uint32_t *a = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, t, 0);
    uint32_t *b = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    uint32_t *c = shmat(id, NULL, 0);
    fill(1, a);
    fill(2, b);
    fill(3, c);
    munmap(a, SIZE);   /* the tmpfs file lives on unmapped */
    pid_t k = fork();
    if (k == 0) {
        /* the child checks the others through the inherited mappings */
        int ok = check(2, b) && check(3, c);
        /* and the tmpfs file by read(2) */
        static uint32_t buf[SIZE / 4];
        ok = ok && pread(t, buf, SIZE, 0) == SIZE && check(1, buf);
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(k, &st, 0);
    printf("child saw every byte: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    a = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, t, 0);
    printf("tmpfs file intact: %d\n", check(1, a));
    printf("memfd intact: %d\n", check(2, b));
    printf("SysV segment intact: %d\n", check(3, c));
    shmdt(c);
    shmctl(id, IPC_RMID, NULL);
    shm_unlink(name);
    return 0;
}
