/* Internal to the hart: the out-of-line halves of instruction execution,
 * shared by hart.c (the interpreter loop) and exec_*.c. Each returns 0 or a
 * CAUSE_* code; on a nonzero return nothing architectural has changed. */
#ifndef VMSIM_MACHINE_EXEC_H
#define VMSIM_MACHINE_EXEC_H

#include <string.h>

#include "decode.h"
#include "hart.h"

/* Translates a for an access of kind acc through the TLB, then the walker.
 * On success *host is the host pointer of the byte (NULL for a device page,
 * then *pa is its physical address). Returns 0 or the CAUSE_* of the fault. */
int mem_translate(struct hart *h, uint64_t a, enum access acc, uint8_t **host, paddr_t *pa);

/* Little-endian host accesses of a constant size each (a variable-size
 * memcpy is a call into libc, on every slow-path access). */
static inline uint64_t rd_n(const uint8_t *p, unsigned size)
{
    uint8_t b;
    uint16_t h;
    uint32_t w;
    uint64_t d;
    switch (size) {
    case 1: memcpy(&b, p, 1); return b;
    case 2: memcpy(&h, p, 2); return h;
    case 4: memcpy(&w, p, 4); return w;
    default: memcpy(&d, p, 8); return d;
    }
}

static inline void wr_n(uint8_t *p, unsigned size, uint64_t v)
{
    uint8_t b = (uint8_t)v;
    uint16_t h = (uint16_t)v;
    uint32_t w = (uint32_t)v;
    switch (size) {
    case 1: memcpy(p, &b, 1); break;
    case 2: memcpy(p, &h, 2); break;
    case 4: memcpy(p, &w, 4); break;
    default: memcpy(p, &v, 8); break;
    }
}

/* Slow paths of an aligned load/store of size 1, 2, 4 or 8 bytes (RAM after a
 * TLB miss, or a device page), for callers that have just looked the address
 * up in the TLB's set and missed (the L0 refills): they walk at once, without
 * looking again. *val is zero-extended. */
int mem_load_slow(struct hart *h, uint64_t a, unsigned size, uint64_t *val);
int mem_store_slow(struct hart *h, uint64_t a, unsigned size, uint64_t val);

/* LR, SC and AMO .W/.D (the A extension on one hart). *rd_val is what rd gets;
 * *tval the address when a fault is returned. Misaligned: LR gives
 * CAUSE_MISALIGNED_LOAD, SC and AMOs CAUSE_MISALIGNED_STORE (the kernel sends
 * SIGBUS, as Linux does: atomics are never emulated). */
int exec_amo(struct hart *h, const struct dinsn *d, uint64_t *rd_val, uint64_t *tval);

/* Zicsr on fflags (0x001), frm (0x002), fcsr (0x003) and the read-only
 * cycle/time/instret (0xC00..0xC02, all = instret). Unknown CSRs and writes to
 * read-only ones: CAUSE_ILLEGAL_INSN. */
int exec_csr(struct hart *h, const struct dinsn *d, uint64_t instret, uint64_t *rd_val);

#endif
