/* One RV64GC hart in user mode (issue 3). It runs until something happens that
 * the kernel must handle and reports it as a struct trap; the instruction that
 * trapped has had no effect (pc points at it), except ecall/ebreak whose pc
 * also points at the instruction (the kernel advances pc by 4 after a syscall).
 *
 * What the kernel sees (tval):
 *   page faults, access faults   the faulting address (for a fetch of a 32-bit
 *                                instruction straddling two pages, the address
 *                                of the half that faulted)
 *   misaligned load/store        the address; the kernel emulates it (Linux does)
 *   misaligned LR / SC, AMO      CAUSE_MISALIGNED_LOAD / _STORE too: the kernel
 *                                decodes the instruction and sends SIGBUS
 *   illegal instruction          the instruction bits (16 for a compressed one)
 *   ebreak                       pc
 * Device pages (a translation without host pointer) are read and written with
 * physmem_io_*; execution from them is a fetch access fault. */
#ifndef VMSIM_MACHINE_HART_H
#define VMSIM_MACHINE_HART_H

#include "mmu.h"
#include "pagetrace.h"

/* Not an exception: the hart used up its instruction budget. */
#define TRAP_QUANTUM 0x100

struct trap {
    int cause;          /* CAUSE_* (see mmu.h) or TRAP_QUANTUM */
    uint64_t tval;      /* faulting address, or the instruction word for CAUSE_ILLEGAL_INSN */
    uint64_t pc;
};

struct hart {
    uint64_t x[33];         /* x[0] reads as zero; x[32] is a sink: the interpreter
                             * sends writes to x0 there instead of checking rd */
    uint64_t pc;
    uint64_t f[32];         /* FP registers; singles NaN-boxed */
    uint32_t fcsr;          /* fflags (4..0) | frm (7..5) */
    uint64_t instret;       /* retired instructions: also cycle and time */
    uint64_t io_instret;    /* instret as of the instruction now accessing a device
                             * (set before every slow-path load/store and when
                             * hart_run returns): what the timer device reads */
    uint64_t reservation;   /* LR/SC reservation address, or UINT64_MAX */
    struct mmu mmu;
    struct decode_cache *dcache;  /* owned by hart.c */
    struct jit *jit;        /* the code translator (jit.h), or NULL: interpret */
    struct page_trace *ptrace;    /* non-NULL: page references are recorded (pagetrace.h) */
};

int hart_init(struct hart *h, struct physmem *pm, unsigned tlb_sets, unsigned tlb_ways);
void hart_fini(struct hart *h);

/* Runs at most max_insns instructions; fills *out with why it stopped. */
void hart_run(struct hart *h, uint64_t max_insns, struct trap *out);

/* Drops decoded instructions: of one virtual page (after its mapping changed)
 * or all of them (fence.i, satp reuse). */
void hart_code_flush_page(struct hart *h, uint16_t asid, vaddr_t a);
void hart_code_flush_all(struct hart *h);

#endif
