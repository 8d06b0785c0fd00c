/* main's return value is the exit status (masked to 8 bits by the kernel);
 * argv and envp arrive as the ABI says. */
#include "guest.h"

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i > 0 ? i : 0, i > 0 ? argv[i] : "(program)");
    int n = 0;
    while (envp[n])
        n++;
    printf("envp is NULL-terminated after %s entries\n", n >= 0 ? "some" : "no");
    return 300;   /* 300 & 0xff = 44 */
}
