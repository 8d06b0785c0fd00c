/* vmsim demo: threads share one address space. DEMO_THREADS threads each
 * write their own page of a buffer, so each hart that runs one caches a
 * translation of it, then wait; the main thread stops the machine
 * (DEMO_MARK_THREADS), unmaps part of the buffer, and stops it again
 * (DEMO_MARK_SHOOTDOWN): the kernel had to flush the other harts' TLBs
 * before munmap returned. Started by tour after the other programs. */
#include "demo.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

static char *buf;
static pthread_barrier_t touched, done;

static void *worker(void *arg)
{
    long i = (long)arg;
    for (int k = 0; k < 1000; k++)   /* keep its page in the TLB of its hart */
        buf[(i + 1) * 4096 + k] = (char)('a' + i);
    pthread_barrier_wait(&touched);
    pthread_barrier_wait(&done);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t len = DEMO_THREAD_PAGES * 4096;
    buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return 1;
    memset(buf, '.', len);
    pthread_barrier_init(&touched, NULL, DEMO_THREADS + 1);
    pthread_barrier_init(&done, NULL, DEMO_THREADS + 1);
    pthread_t t[DEMO_THREADS];
    for (long i = 0; i < DEMO_THREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
            return 1;
    pthread_barrier_wait(&touched);
    printf("[threads, pid %d] %d threads wrote their pages of the buffer at %p\n", getpid(),
           DEMO_THREADS, (void *)buf);
    demo_mark(DEMO_MARK_THREADS, buf, len);
    munmap(buf, DEMO_THREAD_UNMAP * 4096);
    printf("[threads, pid %d] unmapped %d pages at %p\n", getpid(), DEMO_THREAD_UNMAP, (void *)buf);
    demo_mark(DEMO_MARK_SHOOTDOWN, buf, DEMO_THREAD_UNMAP * 4096);
    pthread_barrier_wait(&done);
    for (int i = 0; i < DEMO_THREADS; i++)
        pthread_join(t[i], NULL);
    return 0;
}
