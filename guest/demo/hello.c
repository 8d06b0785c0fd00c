/* vmsim demo, scenes 1-2: a dynamic program run twice at the same time. Each
 * writes its own message into the same global, at the same virtual address
 * (no randomization), and waits: two page tables map that address to two
 * frames, while both map libc.so.6's text onto the same page-cache frames. */
#include "demo.h"

#include <string.h>

static char message[4096] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *who = argc > 1 ? argv[1] : "?";
    snprintf(message, sizeof message, "I am hello %s", who);
    printf("  [hello %s, pid %d] wrote \"%s\" at %p\n", who, getpid(), message, (void *)message);
    demo_mark(DEMO_MARK_NOTE, message, strlen(message) + 1);
    demo_ready_and_wait();
    return 0;
}
