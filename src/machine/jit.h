/* The code translator (issue 15): an engine a hart can run with instead of
 * the interpreter loop. It translates the guest's code, one basic block at a
 * time within one page, to x86-64, and runs it with the same modelled memory
 * system as the interpreter: every load and store probes the same kind of L0
 * TLB inline and falls back to the same C slow paths (the machine's TLB, the
 * page walk, faults), and pages are entered through the fetch TLB at the same
 * points as hart_run enters them, so TLB, MMU and kernel counters, traps
 * (pc, registers, instret) and quanta are those of the interpreter.
 *
 * The hart calls in: hart_run runs jit_run when h->jit is set, and
 * hart_code_flush_* forward to jit_flush_*. Only built for x86-64 hosts;
 * elsewhere jit_available() is false and jit_new fails. */
#ifndef VMSIM_MACHINE_JIT_H
#define VMSIM_MACHINE_JIT_H

#include <stdio.h>

#include "hart.h"

#define JIT_DEFAULT_CACHE (32u << 20)
#define JIT_MIN_CACHE (64u << 10)

struct jit;

struct jit_stats {
    uint64_t blocks;         /* blocks translated */
    uint64_t guest_insns;    /* guest instructions in them */
    uint64_t code_bytes;     /* host code emitted */
    uint64_t cache_flushes;  /* code cache full: everything dropped */
    uint64_t inval_pages;    /* page translations dropped by a flush of one page */
    uint64_t inval_all;      /* flushes of everything (fence.i, ASID reuse) */
    uint64_t chains;         /* direct block-to-block jumps patched in */
    uint64_t block_runs;     /* entries from the dispatcher into generated code */
    uint64_t far_jumps;      /* jumps to another page without the dispatcher */
    uint64_t steps;          /* instructions run one at a time in C */
    uint64_t translate_ns;   /* host time spent translating */
};

/* Is the translator built for this host? */
bool jit_available(void);

/* A translator for hart h with a code cache of cache_bytes (rounded to
 * pages; at least JIT_MIN_CACHE). NULL with errno on failure (ENOSYS on a
 * host without the translator). */
struct jit *jit_new(struct hart *h, size_t cache_bytes);
void jit_free(struct jit *j);

/* hart_run's contract (hart.h), by translation. */
void jit_run(struct hart *h, uint64_t max_insns, struct trap *out);

/* hart_code_flush_page / _all for the translations (and the translator's
 * L0 TLB), with the interpreter's decode-cache semantics. */
void jit_flush_page(struct jit *j, uint16_t asid, vaddr_t a);
void jit_flush_all(struct jit *j);

const struct jit_stats *jit_get_stats(const struct jit *j);
void jit_print_stats(const struct jit *j, FILE *f);

/* Asks for the host code of the block at guest address a (in any address
 * space) to be written to f when it is translated (--jit-dump ADDR): a
 * header line, then the code bytes as hex, which `xxd -r -p | objdump -D -b
 * binary -mi386:x86-64` disassembles. */
void jit_dump_at(struct jit *j, uint64_t a, FILE *f);

#endif
