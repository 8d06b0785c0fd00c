/* The timer/console page (/dev/vmsim-timer): INSNS read twice around a known
 * number of instructions, and bytes written to CONSOLE. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    int fd = open("/dev/vmsim-timer", O_RDWR);
    if (fd < 0) {
        perror("/dev/vmsim-timer");
        return 1;
    }
    volatile uint8_t *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (t == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    uint64_t a, b, c, d;
    /* Two loads with exactly 10 instructions between them (.option norvc:
     * each is one 4-byte instruction, whatever the compiler prefers). The
     * second load happens 11 instructions after the first: the first load
     * itself retires, then the 10. */
    __asm__ volatile(".option push\n.option norvc\n"
                     "ld %0, 0(%2)\n"
                     "addi %1, zero, 0\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "addi %1, %1, 1\n"
                     "nop\n"
                     "nop\n"
                     "ld %1, 0(%2)\n"
                     ".option pop\n"
                     : "=&r"(a), "=&r"(b)
                     : "r"(t)
                     : "memory");
    uint64_t straight = b - a;
    /* A loop: 3 instructions per iteration (addi, addi, bnez) for 1000
     * iterations, plus the li before it and the load itself. */
    __asm__ volatile(".option push\n.option norvc\n"
                     "ld %0, 0(%3)\n"
                     "li %2, 1000\n"
                     "1: addi %2, %2, -1\n"
                     "addi zero, zero, 0\n"
                     "bnez %2, 1b\n"
                     "ld %1, 0(%3)\n"
                     ".option pop\n"
                     : "=&r"(c), "=&r"(d), "=&r"(b)
                     : "r"(t)
                     : "memory");
    /* Expected: 11 and 1 + 1 + 3 * 1000 = 3002; and the clock never runs back. */
    printf("straight %llu loop %llu increasing %d\n", (unsigned long long)straight,
           (unsigned long long)(d - c), c > b);
    fflush(stdout);
    const char msg[] = "console: hello\n";
    for (const char *p = msg; *p; p++)
        t[8] = (uint8_t)*p;
    return 0;
}
