/* Memory-walking benchmark: pointer chasing through a random cycle over
 * 4 MiB (1024 pages: four times what the default TLB maps, so most steps
 * miss it), a linked list whose nodes are shuffled within 64 KiB windows
 * (mostly TLB hits), and sequential read-modify-write passes over 8 MiB,
 * ROUNDS times (argv[1]). */
#include "bench.h"

#define CHASE_N (4u << 20) / 4       /* uint32_t indices */
#define NODES 65536                  /* 64-byte nodes: 4 MiB */
#define SEQ_N (8u << 20) / 8         /* uint64_t words */

struct node {
    struct node *next;
    uint64_t val;
    uint64_t pad[6];
};

int main(int argc, char **argv)
{
    long rounds = bench_arg(argc, argv, 10);
    uint32_t *chase = mmap_anon(CHASE_N * 4, 3);
    struct node *nodes = mmap_anon(NODES * sizeof(struct node), 3);
    uint64_t *seq = mmap_anon(SEQ_N * 8, 3);
    if ((long)chase < 0 || (long)nodes < 0 || (long)seq < 0) {
        printf("memwalk: mmap failed\n");
        return 1;
    }
    uint64_t seed = 777;
    /* Sattolo's algorithm: one cycle through every index. */
    for (uint32_t i = 0; i < CHASE_N; i++)
        chase[i] = i;
    for (uint32_t i = CHASE_N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(bench_rand(&seed) % i);
        uint32_t t = chase[i];
        chase[i] = chase[j];
        chase[j] = t;
    }
    /* List order: windows of 1024 nodes in order, shuffled inside each. */
    static uint32_t order[NODES];
    for (uint32_t i = 0; i < NODES; i++)
        order[i] = i;
    for (uint32_t w = 0; w < NODES; w += 1024)
        for (uint32_t i = 1023; i > 0; i--) {
            uint32_t j = (uint32_t)(bench_rand(&seed) % (i + 1));
            uint32_t t = order[w + i];
            order[w + i] = order[w + j];
            order[w + j] = t;
        }
    for (uint32_t i = 0; i < NODES; i++) {
        nodes[order[i]].next = &nodes[order[(i + 1) % NODES]];
        nodes[order[i]].val = i;
    }
    for (uint32_t i = 0; i < SEQ_N; i++)
        seq[i] = i;

    uint64_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        uint32_t at = (uint32_t)r;
        for (uint32_t i = 0; i < 200000; i++) {
            at = chase[at];
            sum += at;
        }
        struct node *n = &nodes[order[0]];
        for (uint32_t i = 0; i < 4 * NODES; i++) {
            sum += n->val;
            n->val += i;
            n = n->next;
        }
        for (uint32_t i = 0; i < SEQ_N; i++) {
            seq[i] = seq[i] * 3 + (uint64_t)r;
            sum ^= seq[i];
        }
    }
    printf("memwalk: rounds %ld checksum %lx\n", rounds, sum);
    return 0;
}
