/* The F and D extensions (issue 3): single and double precision arithmetic
 * exactly as the RISC-V unprivileged spec defines it (IEEE 754-2008, canonical
 * NaN 0x7fc00000 / 0x7ff8000000000000, NaN-boxing of singles in 64-bit f
 * registers, fflags accrued in h->fcsr, static and dynamic rounding modes). */
#ifndef VMSIM_MACHINE_FPU_H
#define VMSIM_MACHINE_FPU_H

#include "hart.h"

/* Executes one OP-FP (opcode 0x53) or fused multiply-add (0x43, 0x47, 0x4b,
 * 0x4f) instruction on h (registers x, f and fcsr; not pc). Loads and stores
 * (flw/fld/fsw/fsd) are the hart's. Returns 0, or CAUSE_ILLEGAL_INSN for an
 * encoding that is not a valid F/D instruction or uses a reserved rounding
 * mode (static rm 5/6, or dynamic with frm >= 5); then nothing has changed. */
int fpu_exec(struct hart *h, uint32_t insn);

#endif
