/* Memory access slow paths and the A extension. The fast path (TLB hit:
 * host = va + addend) is inline in hart.c; everything here runs after a miss,
 * for device pages, and for atomics. */
#include "exec.h"

#include <string.h>

int mem_translate(struct hart *h, uint64_t a, enum access acc, uint8_t **host, paddr_t *pa)
{
    uint8_t *p = mmu_fast(&h->mmu, va(a), acc);
    if (p) {
        *host = p;
        return 0;
    }
    struct translation tr;
    int cause = mmu_translate(&h->mmu, va(a), acc, &tr, NULL);
    if (cause)
        return cause;
    *host = tr.host;
    *pa = tr.pa;
    return 0;
}

/* mem_translate after the caller's own TLB lookup missed. */
static int translate_missed(struct hart *h, uint64_t a, enum access acc, uint8_t **host,
                            paddr_t *pa)
{
    struct translation tr;
    int cause = mmu_translate_missed(&h->mmu, va(a), acc, &tr);
    if (cause)
        return cause;
    *host = tr.host;
    *pa = tr.pa;
    return 0;
}

int mem_load_slow(struct hart *h, uint64_t a, unsigned size, uint64_t *val)
{
    uint8_t *p;
    paddr_t dev;
    int cause = translate_missed(h, a, ACCESS_READ, &p, &dev);
    if (cause)
        return cause;
    if (!p)
        return physmem_io_read(h->mmu.pm, dev, size, val) ? CAUSE_LOAD_ACCESS : 0;
    *val = rd_n(p, size);
    return 0;
}

int mem_store_slow(struct hart *h, uint64_t a, unsigned size, uint64_t val)
{
    uint8_t *p;
    paddr_t dev;
    int cause = translate_missed(h, a, ACCESS_WRITE, &p, &dev);
    if (cause)
        return cause;
    if (!p)
        return physmem_io_write(h->mmu.pm, dev, size, val) ? CAUSE_STORE_ACCESS : 0;
    wr_n(p, size, val);
    return 0;
}

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* The new memory value of an AMO; w is true for the .W forms (operands are
 * the low 32 bits, sign-extended for the signed comparisons). */
static uint64_t amo_compute(enum op base, uint64_t old, uint64_t src, bool w)
{
    if (w) {
        old = sext32(old);
        src = sext32(src);
    }
    switch (base) {
    case OP_AMOSWAP_W: return src;
    case OP_AMOADD_W: return old + src;
    case OP_AMOXOR_W: return old ^ src;
    case OP_AMOAND_W: return old & src;
    case OP_AMOOR_W: return old | src;
    case OP_AMOMIN_W: return (int64_t)old < (int64_t)src ? old : src;
    case OP_AMOMAX_W: return (int64_t)old > (int64_t)src ? old : src;
    /* Unsigned .W compares the 32-bit values: sign extension of both keeps the order. */
    case OP_AMOMINU_W: return (w ? (uint32_t)old < (uint32_t)src : old < src) ? old : src;
    case OP_AMOMAXU_W: return (w ? (uint32_t)old > (uint32_t)src : old > src) ? old : src;
    default: return old;   /* not reached: LR/SC are handled by the caller */
    }
}

int exec_amo(struct hart *h, const struct dinsn *d, uint64_t *rd_val, uint64_t *tval)
{
    bool dw = d->op >= OP_LR_D;
    unsigned size = dw ? 8 : 4;
    enum op base = dw ? (enum op)(d->op - OP_LR_D + OP_LR_W) : (enum op)d->op;
    uint64_t a = h->x[d->rs1];
    uint8_t *p;
    paddr_t dev;
    *tval = a;
    if (a & (size - 1))
        return base == OP_LR_W ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE;
    if (base == OP_LR_W) {
        int cause = mem_translate(h, a, ACCESS_READ, &p, &dev);
        if (cause)
            return cause;
        if (!p)
            return CAUSE_LOAD_ACCESS;   /* no reservations on device memory */
        uint64_t v = 0;
        memcpy(&v, p, size);
        *rd_val = dw ? v : sext32(v);
        h->reservation = a;
        return 0;
    }
    if (base == OP_SC_W && h->reservation != a) {
        /* Fails without touching memory; the reservation is gone either way. */
        h->reservation = UINT64_MAX;
        *rd_val = 1;
        return 0;
    }
    int cause = mem_translate(h, a, ACCESS_WRITE, &p, &dev);
    if (cause)
        return cause;
    if (!p)
        return CAUSE_STORE_ACCESS;
    uint64_t src = h->x[d->rs2];
    if (base == OP_SC_W) {
        memcpy(p, &src, size);
        h->reservation = UINT64_MAX;
        *rd_val = 0;
        return 0;
    }
    uint64_t old = 0;
    memcpy(&old, p, size);
    uint64_t nv = amo_compute(base, old, src, !dw);
    memcpy(p, &nv, size);
    *rd_val = dw ? old : sext32(old);
    return 0;
}
