/* printf's formats (integers, floats, strings, widths) through libc.so.6,
 * argv and environment through the dynamic loader's start-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = '%s'\n", i, argv[i]);
    printf("[%5d] [%-5d] [%05x] [%lld] [%lu]\n", 42, 42, 255, -1234567890123LL, 18446744073709551615UL);
    printf("[%.3f] [%e] [%g] [%10.2f]\n", 3.14159265, 1e-300, 0.0001, -2.5);
    printf("[%s] [%10s] [%-10s] [%.2s] [%c]\n", "str", "right", "left", "trunc", 'c');
    char buf[64];
    snprintf(buf, sizeof buf, "%d-%s-%.1f", 7, "x", 0.25);
    printf("snprintf %s len %zu\n", buf, strlen(buf));
    printf("strtod %.6f strtol %ld\n", strtod("2.718281828", NULL), strtol("-0x7f", NULL, 16));
    return 0;
}
