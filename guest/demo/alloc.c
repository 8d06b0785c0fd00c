/* vmsim demo, scene 4: malloc hands out contiguous virtual pages; writing
 * them makes the kernel give each a frame, wherever a free one is. */
#include "demo.h"

#include <string.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t len = DEMO_MALLOC_PAGES * 4096;
    char *buf = malloc(len);
    if (!buf)
        return 1;
    for (size_t off = 0; off < len; off += 4096)
        snprintf(buf + off, 4096, "page %zu of the buffer", off / 4096);
    printf("  [alloc, pid %d] malloc(%zu) = %p, wrote every page\n", getpid(), len, (void *)buf);
    demo_mark(DEMO_MARK_MALLOC, buf, len);
    demo_ready_and_wait();
    free(buf);
    return 0;
}
