/* Exec target: prints its argv and the FOO variable of its environment, and
 * exits with argc (so the caller can check the status it gets). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("echo: argc=%d", argc);
    for (int i = 0; i < argc; i++)
        printf(" [%s]", argv[i]);
    const char *foo = getenv("FOO");
    printf(" FOO=%s\n", foo ? foo : "(unset)");
    return argc;
}
