/* A wider slice of static glibc: formatted I/O both ways, strtod/strtol on
 * edge inputs, setjmp/longjmp, string sorting, a big calloc, getpid-style
 * calls, and floating point through libm-free printf. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jmp_buf env;

static void deep(int n);
static void (*volatile deeper)(int) = deep;   /* hides the recursion from -Winfinite-recursion */

static void deep(int n)
{
    if (n <= 0)
        longjmp(env, 42);
    deeper(n - 1);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    int a, b;
    char word[32];
    if (sscanf("17 -4 hello", "%d %d %31s", &a, &b, word) == 3)
        printf("sscanf: %d %d %s\n", a, b, word);
    const char *nums[] = {"0", "-0", "1e308", "1e309", "2.5e-320", "0x1.8p3", "nan", "-inf",
                          "3.14159265358979323846", "123abc"};
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        double d = strtod(nums[i], &end);
        printf("strtod(%s) = %.17g (rest '%s')\n", nums[i], d, end);
    }
    printf("strtol: %ld %ld %lu\n", strtol("-9223372036854775808", NULL, 10),
           strtol("7fffffffffffffff", NULL, 16), strtoul("18446744073709551615", NULL, 0));
    int r = setjmp(env);
    if (r == 0)
        deep(100);
    printf("longjmp returned %d\n", r);
    char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry"};
    qsort(words, 7, sizeof words[0], cmpstr);
    for (int i = 0; i < 7; i++)
        printf("%s%c", words[i], i == 6 ? '\n' : ' ');
    uint8_t *z = calloc(3 << 20, 1);
    unsigned long sum = 0;
    for (size_t i = 0; i < (3 << 20); i += 4096)
        sum += z[i];
    printf("calloc zero %lu\n", sum);
    free(z);
    printf("pid > 0: %d, uid ok: %d\n", getpid() > 0, getuid() == geteuid());
    printf("%08.3f|%-8.2e|%+g|%a\n", 3.14159, -0.000123, 1e100, 1.0);
    fprintf(stderr, "to stderr\n");
    return 0;
}
