/* A file several times larger than RAM read through the page cache, and a
 * shmem object larger than RAM (issue 18: host time follows the guest's
 * work). Writes a file of FILE_MIB MiB (argv[1]) with write(2), maps it and
 * sweeps it in order twice, so reclaim evicts its cache pages from the
 * front while new ones come in at the back; then fills a memfd of SHM_MIB
 * MiB (argv[2]) through a shared mapping and sweeps it twice, so its pages
 * go to swap and come back, and reads it once more with pread(2). Prints
 * one checksum per sweep: they depend only on the bytes, so qemu-riscv64
 * (or native Linux) must print the same. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The word at byte offset off of object seed (a cheap mix, not all zero). */
static uint64_t word_at(uint64_t seed, uint64_t off)
{
    uint64_t x = (off + 1) * 0x9e3779b97f4a7c15ull ^ seed;
    return x ^ (x >> 29);
}

static uint64_t sweep(const uint64_t *p, uint64_t bytes)
{
    uint64_t h = 14695981039346656037ull;
    for (uint64_t i = 0; i < bytes / 8; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

int main(int argc, char **argv)
{
    uint64_t fbytes = (argc > 1 ? strtoull(argv[1], NULL, 0) : 16) << 20;
    uint64_t sbytes = (argc > 2 ? strtoull(argv[2], NULL, 0) : 8) << 20;
    static uint64_t buf[8192];
    int fd = open("bigread.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return perror("open"), 1;
    for (uint64_t off = 0; off < fbytes; off += sizeof buf) {
        for (uint64_t i = 0; i < 8192; i++)
            buf[i] = word_at(1, off + 8 * i);
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
            return perror("write"), 1;
    }
    const uint64_t *f = mmap(NULL, fbytes, PROT_READ, MAP_SHARED, fd, 0);
    if (f == MAP_FAILED)
        return perror("mmap file"), 1;
    for (int pass = 1; pass <= 2; pass++)
        printf("file pass %d: %016llx\n", pass, (unsigned long long)sweep(f, fbytes));
    munmap((void *)f, fbytes);
    close(fd);
    unlink("bigread.bin");

    int m = memfd_create("bigread", 0);
    if (m < 0 || ftruncate(m, (off_t)sbytes) < 0)
        return perror("memfd"), 1;
    uint64_t *s = mmap(NULL, sbytes, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    if (s == MAP_FAILED)
        return perror("mmap memfd"), 1;
    for (uint64_t i = 0; i < sbytes / 8; i++)
        s[i] = word_at(2, 8 * i);
    for (int pass = 1; pass <= 2; pass++)
        printf("shmem pass %d: %016llx\n", pass, (unsigned long long)sweep(s, sbytes));
    munmap(s, sbytes);
    uint64_t h = 14695981039346656037ull;
    for (uint64_t off = 0; off < sbytes; off += sizeof buf) {
        if (pread(m, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf)
            return perror("pread"), 1;
        for (uint64_t i = 0; i < 8192; i++)
            h = (h ^ buf[i]) * 1099511628211ull;
    }
    printf("shmem pread: %016llx\n", (unsigned long long)h);
    return 0;
}
