/* Zicsr for a user-mode hart: the floating-point CSRs and the read-only
 * counters. CSR numbers 0xC00..0xFFF are read-only (bits 11..10 = 3): any
 * instruction that would write one is illegal, while csrrs/csrrc with x0 (or
 * uimm 0) only read. */
#include "exec.h"

enum { CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
       CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02 };

int exec_csr(struct hart *h, const struct dinsn *d, uint64_t instret, uint64_t *rd_val)
{
    unsigned csr = (unsigned)d->imm & 0xfff;
    bool imm_form = d->op >= OP_CSRRWI;
    enum op kind = imm_form ? (enum op)(d->op - OP_CSRRWI + OP_CSRRW) : (enum op)d->op;
    uint64_t src = imm_form ? d->rs1 : h->x[d->rs1];
    bool writes = kind == OP_CSRRW || d->rs1 != 0;
    uint64_t old;
    switch (csr) {
    case CSR_FFLAGS: old = h->fcsr & 0x1f; break;
    case CSR_FRM: old = (h->fcsr >> 5) & 7; break;
    case CSR_FCSR: old = h->fcsr & 0xff; break;
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET: old = instret; break;
    default: return CAUSE_ILLEGAL_INSN;
    }
    if (writes) {
        if ((csr >> 10) == 3)
            return CAUSE_ILLEGAL_INSN;
        uint64_t nv = kind == OP_CSRRW ? src : kind == OP_CSRRS ? old | src : old & ~src;
        switch (csr) {
        case CSR_FFLAGS: h->fcsr = (h->fcsr & ~0x1fu) | (uint32_t)(nv & 0x1f); break;
        case CSR_FRM: h->fcsr = (h->fcsr & ~0xe0u) | (uint32_t)(nv & 7) << 5; break;
        default: h->fcsr = (uint32_t)(nv & 0xff); break;
        }
    }
    *rd_val = old;
    return 0;
}
