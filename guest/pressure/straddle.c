/* A loop whose body spans two code pages, with a 4-byte instruction that
 * straddles the page boundary, touching one new page of anonymous memory
 * per iteration (issue 14: under --mem without swap, the kernel evicted one
 * code page to page in the other, forever). Usage: straddle MIB [child].
 * Prints the number of pages touched and a checksum read back; with
 * "child", a forked child does it and the parent reports how it ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* touch_loop(base, npages): base[i * 4096] = i + 1 for each page. The loop
 * label sits 2 bytes before a page boundary, so its first (4-byte)
 * instruction straddles it; the rest of the body is on the next page. */
void touch_loop(unsigned long *base, unsigned long npages);
__asm__(".text\n"
        ".balign 4096\n"
        ".globl touch_loop\n"
        ".type touch_loop, @function\n"
        "touch_loop:\n"
        ".option push\n"
        ".option norvc\n"
        "    li t1, 0\n"
        "    li t2, 4096\n"
        "    j 1f\n"
        ".option rvc\n"
        ".rept 2041\n"
        "    c.nop\n"
        ".endr\n"
        ".option norvc\n"
        "1:  addi t1, t1, 1\n"
        "    beqz a1, 2f\n"
        "    sd t1, 0(a0)\n"
        "    add a0, a0, t2\n"
        "    addi a1, a1, -1\n"
        "    j 1b\n"
        "2:  ret\n"
        ".option pop\n"
        ".size touch_loop, .-touch_loop\n");

int main(int argc, char **argv)
{
    unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
    unsigned long npages = mib << 8;
    if (argc > 2 && !strcmp(argv[2], "child")) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            char *args[] = {argv[0], argv[1], NULL};
            execv("/proc/self/exe", args);
            _exit(127);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid)
            return 1;
        if (WIFSIGNALED(st))
            printf("parent: child killed by signal %d\n", WTERMSIG(st));
        else
            printf("parent: child exited with %d\n", WEXITSTATUS(st));
        return 0;
    }
    unsigned long *p = mmap(NULL, npages * 4096, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    touch_loop(p, npages);
    unsigned long sum = 0;
    for (unsigned long i = 0; i < npages; i++)
        sum += p[i * 512];
    printf("touched %lu pages, checksum %lu\n", npages, sum);
    return 0;
}
