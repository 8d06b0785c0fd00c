/* Branchy benchmark: quicksort of pseudo-random keys (data-dependent
 * branches, recursion), a bytecode interpreter (an indirect-jump-heavy switch)
 * and a byte-at-a-time tokenizer state machine, ROUNDS times (argv[1]). */
#include "bench.h"

#define NKEYS 20000
static uint32_t keys[NKEYS];

static void quicksort(uint32_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* Recurse into the smaller half: bounded stack. */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

/* A tiny stack machine: the program computes the Collatz path length of n. */
enum { PUSH, DUP, ODD, JZ, JMP, HALVE, TRIPLE1, INC_CNT, ISONE, JNZ_END, DROP, END };
static const uint8_t prog[] = {
    /* 0 */ DUP, ISONE, JNZ_END,
    /* 3 */ INC_CNT, DUP, ODD, JZ, 10,
    /* 8 */ TRIPLE1, JMP, 0,
    /* 11*/ END,
};

static uint64_t run_vm(uint64_t n)
{
    uint64_t stack[8], cnt = 0;
    int sp = 0, pc = 0;
    stack[sp++] = n;
    for (;;) {
        switch (prog[pc++]) {
        case PUSH: stack[sp++] = prog[pc++]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case ODD: stack[sp - 1] &= 1; break;
        case JZ:
            if (stack[--sp] == 0) {
                stack[sp - 1] >>= 1;   /* even: halve and loop */
                pc = 0;
            } else {
                pc++;
            }
            break;
        case JMP: pc = prog[pc]; break;
        case HALVE: stack[sp - 1] >>= 1; break;
        case TRIPLE1: stack[sp - 1] = stack[sp - 1] * 3 + 1; break;
        case INC_CNT: cnt++; break;
        case ISONE: stack[sp - 1] = stack[sp - 1] == 1; break;
        case JNZ_END:
            if (stack[--sp])
                return cnt;
            break;
        case DROP: sp--; break;
        default: return cnt;
        }
    }
}

/* Counts identifiers, numbers and operators in a generated text. */
static uint64_t tokenize(const char *s, unsigned long n)
{
    enum { SPACE, IDENT, NUMBER } st = SPACE;
    uint64_t idents = 0, numbers = 0, ops = 0;
    for (unsigned long i = 0; i < n; i++) {
        char c = s[i];
        int alpha = (c >= 'a' && c <= 'z') || c == '_';
        int digit = c >= '0' && c <= '9';
        switch (st) {
        case SPACE:
            if (alpha) {
                st = IDENT;
                idents++;
            } else if (digit) {
                st = NUMBER;
                numbers++;
            } else if (c != ' ') {
                ops++;
            }
            break;
        case IDENT:
            if (!alpha && !digit) {
                st = SPACE;
                if (c != ' ')
                    ops++;
            }
            break;
        case NUMBER:
            if (alpha) {
                st = IDENT;
                idents++;
            } else if (!digit) {
                st = SPACE;
                if (c != ' ')
                    ops++;
            }
            break;
        }
    }
    return idents * 1000003 + numbers * 1009 + ops;
}

#define TEXT 32768
static char text[TEXT];

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 12);
    uint64_t seed = 12345, sum = 0;
    static const char alphabet[] = "abcxyz_0123456789 +-*/();= ";
    for (unsigned i = 0; i < TEXT; i++)
        text[i] = alphabet[bench_rand(&seed) % (sizeof alphabet - 1)];
    for (long r = 0; r < rounds; r++) {
        for (unsigned i = 0; i < NKEYS; i++)
            keys[i] = (uint32_t)bench_rand(&seed);
        quicksort(keys, 0, NKEYS - 1);
        for (unsigned i = 1; i < NKEYS; i++)
            if (keys[i - 1] > keys[i])
                sum += 1000000;   /* never: the sort is wrong */
        sum += keys[NKEYS / 2];
        for (uint64_t n = 1; n < 3000; n++)
            sum += run_vm(n + (uint64_t)r * 3000);
        sum += tokenize(text, TEXT);
    }
    printf("branchy: rounds %ld checksum %lx\n", rounds, sum);
    return 0;
}
