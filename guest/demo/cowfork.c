/* vmsim demo, scene 6: fork shares every page copy-on-write. The parent
 * fills a malloc'd buffer and forks; the child stops once right after fork
 * (every page shared) and once after writing one page (that page only
 * copied), then waits; the parent checks that its buffer never changed. */
#include "demo.h"

#include <string.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t len = DEMO_COW_PAGES * 4096;
    char *buf = malloc(len);
    if (!buf)
        return 1;
    memset(buf, 'p', len);
    printf("  [cowfork, pid %d] filled malloc(%zu) = %p with 'p', forking\n", getpid(), len,
           (void *)buf);
    pid_t child = fork();
    if (child < 0)
        return 1;
    char *page = buf + DEMO_COW_WRITE_PAGE * 4096;
    if (child == 0) {
        demo_mark(DEMO_MARK_COW_FORKED, buf, len);
        page[0] = 'c'; /* the one write between the two marks (printf would write too) */
        demo_mark(DEMO_MARK_COW_WRITTEN, buf, len);
        demo_ready_and_wait();
        _exit(page[0] == 'c' ? 0 : 1);
    }
    char c;
    while (read(DEMO_FD_WAIT, &c, 1) > 0) /* the demo is over */
        ;
    int status = 0;
    waitpid(child, &status, 0);
    size_t changed = 0;
    for (size_t i = 0; i < len; i++)
        changed += buf[i] != 'p';
    printf("  [cowfork, pid %d] child exited %d; bytes of my buffer that changed: %zu\n", getpid(),
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, changed);
    return changed != 0;
}
