/* The TLB shootdown counters as the guest sees them in /proc/vmstat
 * (Linux's names; Linux prints them only with CONFIG_DEBUG_TLBFLUSH): a
 * thread keeps reading its pages while the main thread munmaps others of
 * the same address space. With another hart running the reader, the
 * munmap is a remote flush (nr_tlb_remote_flush, ..._received grow); with
 * one hart there is nobody to shoot down. The caller's own flushes
 * (nr_tlb_local_flush_one or _all) grow either way. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGES 16

static const char *names[4] = {"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
                               "nr_tlb_local_flush_all", "nr_tlb_local_flush_one"};

static int read_vmstat(unsigned long long v[4])
{
    FILE *f = fopen("/proc/vmstat", "r");
    char name[64];
    unsigned long long n;
    int found = 0;
    while (f && fscanf(f, "%63s %llu", name, &n) == 2)
        for (int i = 0; i < 4; i++)
            if (!strcmp(name, names[i])) {
                v[i] = n;
                found++;
            }
    if (f)
        fclose(f);
    return found;
}

static volatile char *mem;
static volatile int passes, stop;

static void *reader(void *arg)
{
    unsigned sum = 0;
    while (!stop) {
        for (int i = 0; i < PAGES / 2; i++)   /* the half that stays mapped */
            sum += mem[i * 4096];
        __atomic_add_fetch(&passes, 1, __ATOMIC_SEQ_CST);
    }
    return (void *)(unsigned long)sum;
}

int main(void)
{
    mem = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < PAGES; i++)
        mem[i * 4096] = (char)i;
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL);
    while (__atomic_load_n(&passes, __ATOMIC_SEQ_CST) < 3)
        ;
    unsigned long long a[4] = {0}, b[4] = {0};
    int found = read_vmstat(a);
    for (int i = PAGES / 2; i < PAGES; i++)
        munmap((char *)mem + i * 4096, 4096);
    read_vmstat(b);
    stop = 1;
    pthread_join(t, NULL);
    printf("counters in /proc/vmstat: %d of 4\n", found);
    for (int i = 0; i < 4; i++)
        printf("%s grew: %s\n", names[i], b[i] > a[i] ? "yes" : "no");
    fprintf(stderr, "tlbvmstat read: %llu %llu %llu %llu\n", b[0], b[1], b[2], b[3]);
    return 0;
}
