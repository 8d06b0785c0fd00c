/* Code written at run time, as JITs and loaders do: a small "JIT" compiles
 * expressions to RISC-V in an mmap'd buffer and calls them, rewriting the
 * same buffer each time (made visible with __builtin___clear_cache, which is
 * glibc's riscv_flush_icache, or with a fence.i of our own); a function is
 * patched in place between calls; mprotect takes X away (the call must
 * fault: SIGSEGV) and gives it back; a page of code is unmapped and mapped
 * again with other code at the same address. Prints what the generated code
 * computed, for comparison with qemu-riscv64 and with the interpreter. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*fn_t)(long);

static uint32_t r_op(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
#define RET 0x00008067u   /* jalr x0, 0(ra) */
#define A0 10
#define T0 5

/* Compiles "x = x * k + c" repeated n times, with a branch that skips the
 * multiply when x is negative; returns the number of words. */
static unsigned compile(uint32_t *code, int n, int k, int c)
{
    unsigned i = 0;
    code[i++] = addi(T0, 0, k);
    for (int r = 0; r < n; r++) {
        code[i++] = 0x00054463u;   /* blt a0, x0, +8: skip the mul */
        code[i++] = r_op(1, T0, A0, 0, A0, 0x33);   /* mul a0, a0, t0 */
        code[i++] = addi(A0, A0, c);
    }
    code[i++] = RET;
    return i;
}

static long model(long x, int n, int k, int c)
{
    for (int r = 0; r < n; r++) {
        if (x >= 0)
            x = (long)((unsigned long)x * (unsigned long)(long)k);
        x += c;
    }
    return x;
}

static sigjmp_buf jb;
static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(jb, 1);
}

static void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

int main(void)
{
    size_t len = 2 * 4096;
    uint32_t *code = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    fn_t f = (fn_t)(uintptr_t)code;
    unsigned long sum = 0;
    int bad = 0;
    for (int round = 0; round < 300; round++) {
        int n = 1 + round % 40, k = (round * 7) % 23 - 11, c = (round * 13) % 200 - 100;
        unsigned words = compile(code, n, k, c);
        if (round % 2)
            __builtin___clear_cache((char *)code, (char *)(code + words));
        else
            fence_i();
        for (long x = -3; x <= 3; x++) {
            long got = f(x * 1000 + round), want = model(x * 1000 + round, n, k, c);
            sum = sum * 31 + (unsigned long)got;
            if (got != want && bad++ < 5)
                printf("round %d x %ld: got %ld want %ld\n", round, x, got, want);
        }
    }
    printf("jit rounds: checksum %lx, %d wrong\n", sum, bad);

    /* Patch one instruction of a function that has run many times. */
    code[0] = addi(A0, A0, 1);
    code[1] = RET;
    fence_i();
    long a = 0;
    for (int i = 0; i < 1000; i++)
        a = f(a);
    code[0] = addi(A0, A0, 2);
    fence_i();
    for (int i = 0; i < 1000; i++)
        a = f(a);
    printf("patched: %ld\n", a);

    /* mprotect: no X, the call faults; X again, it runs. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (int i = 0; i < 3; i++) {
        mprotect(code, len, PROT_READ | PROT_WRITE);
        if (sigsetjmp(jb, 1) == 0) {
            f(1);
            printf("call without X did not fault\n");
        } else {
            printf("call without X: SIGSEGV\n");
        }
        mprotect(code, len, PROT_READ | PROT_EXEC);
        printf("call with X again: %ld\n", f(10 * i));
        mprotect(code, len, PROT_READ | PROT_WRITE | PROT_EXEC);
    }

    /* Unmap, map again at the same place with other code. */
    munmap(code, len);
    uint32_t *again = mmap(code, len, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    again[0] = addi(A0, A0, -7);
    again[1] = RET;
    __builtin___clear_cache((char *)again, (char *)(again + 2));
    printf("remapped: %ld\n", ((fn_t)(uintptr_t)again)(100));
    return 0;
}
