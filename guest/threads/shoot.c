/* TLB shootdown correctness: thread A reads a page in a loop while thread B
 * (another hart) changes its mapping. Once B's call has returned (B then
 * sets `phase`), A's next access must see the change: SIGSEGV after munmap
 * and mprotect(PROT_NONE), zeros after madvise(MADV_DONTNEED), the new bytes
 * after a copy-on-write break (fork, then B writes) — never the old bytes.
 * A may fault between B's return and B setting `phase`, so a fault counts
 * as "after" when B had begun the call (`calling`), never before it. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile char *page;
static volatile int calling;         /* 1: B is about to make the call */
static volatile int phase;           /* 1: B's call has returned */
static volatile long reads;
static volatile long stale;          /* old bytes read after the change */
static volatile int faulted_after;   /* A faulted, and only after the change */
static sigjmp_buf jb;
static int mode;
enum { MUNMAP, MPROTECT, DONTNEED, COW };
static const char *names[] = {"munmap", "mprotect PROT_NONE", "madvise DONTNEED", "COW break"};

static void on_segv(int s) { siglongjmp(jb, 1); }

static void *reader(void *arg)
{
    volatile int ph = 0;
    if (sigsetjmp(jb, 1)) {
        faulted_after = calling;
        return NULL;
    }
    for (;;) {
        ph = phase;
        char c = page[100];
        reads++;
        if (ph == 1) {
            if (c == 'A')
                stale++;
            if (reads > 100000 || mode == DONTNEED || mode == COW)
                return NULL;   /* read the new value after the change: done */
        }
    }
}

static void *changer(void *arg)
{
    while (reads < 2000)
        ;
    calling = 1;
    switch (mode) {
    case MUNMAP: munmap((void *)page, 4096); break;
    case MPROTECT: mprotect((void *)page, 4096, PROT_NONE); break;
    case DONTNEED: madvise((void *)page, 4096, MADV_DONTNEED); break;
    case COW: page[100] = 'B'; break;
    }
    phase = 1;
    return NULL;
}

int main(void)
{
    signal(SIGSEGV, on_segv);
    for (mode = MUNMAP; mode <= COW; mode++) {
        page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset((void *)page, 'A', 4096);
        phase = calling = 0;
        reads = stale = faulted_after = 0;
        pid_t child = -1;
        if (mode == COW && (child = fork()) == 0) {
            usleep(20000);   /* keeps the page shared while B writes */
            _exit(page[100] == 'A' ? 0 : 1);
        }
        pthread_t a, b;
        pthread_create(&a, NULL, reader, NULL);
        pthread_create(&b, NULL, changer, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        int st = 0;
        if (child > 0)
            waitpid(child, &st, 0);
        printf("%s: stale reads %ld, ", names[mode], stale);
        if (mode == MUNMAP || mode == MPROTECT)
            printf("SIGSEGV, never before the call: %s\n", faulted_after ? "yes" : "no");
        else if (mode == DONTNEED)
            printf("reads zeros now: %s\n", page[100] == 0 ? "yes" : "no");
        else
            printf("new bytes seen: %s, child kept the old: %s\n", page[100] == 'B' ? "yes" : "no",
                   WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    }
    return 0;
}
