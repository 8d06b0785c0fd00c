/* Instruction decoding for the hart: RV64IMAFDC + Zicsr + Zifencei, user mode.
 *
 * An instruction is decoded once into a struct dinsn (an op tag, register
 * numbers, a precomputed immediate) and kept in the hart's decode cache; the
 * interpreter switches on the tag. A compressed instruction is expanded to its
 * 32-bit equivalent first (rvc_expand), so the interpreter never sees one,
 * only its length. Encodings the spec reserves decode to OP_ILLEGAL. */
#ifndef VMSIM_MACHINE_DECODE_H
#define VMSIM_MACHINE_DECODE_H

#include <stdint.h>

enum op {
    OP_UNDECODED = 0,   /* a decode-cache slot not filled yet */
    OP_ILLEGAL,
    OP_LUI, OP_AUIPC, OP_JAL, OP_JALR,
    OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
    OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU,
    OP_SB, OP_SH, OP_SW, OP_SD,
    OP_ADDI, OP_SLTI, OP_SLTIU, OP_XORI, OP_ORI, OP_ANDI, OP_SLLI, OP_SRLI, OP_SRAI,
    OP_ADD, OP_SUB, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_SRA, OP_OR, OP_AND,
    OP_ADDIW, OP_SLLIW, OP_SRLIW, OP_SRAIW,
    OP_ADDW, OP_SUBW, OP_SLLW, OP_SRLW, OP_SRAW,
    OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
    OP_MULW, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
    OP_FENCE, OP_FENCE_I, OP_ECALL, OP_EBREAK,
    OP_CSRRW, OP_CSRRS, OP_CSRRC, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
    OP_LR_W, OP_SC_W, OP_AMOSWAP_W, OP_AMOADD_W, OP_AMOXOR_W, OP_AMOAND_W, OP_AMOOR_W,
    OP_AMOMIN_W, OP_AMOMAX_W, OP_AMOMINU_W, OP_AMOMAXU_W,
    OP_LR_D, OP_SC_D, OP_AMOSWAP_D, OP_AMOADD_D, OP_AMOXOR_D, OP_AMOAND_D, OP_AMOOR_D,
    OP_AMOMIN_D, OP_AMOMAX_D, OP_AMOMINU_D, OP_AMOMAXU_D,
    OP_FLW, OP_FLD, OP_FSW, OP_FSD,
    OP_FP,              /* OP-FP and fused multiply-add: handed to fpu_exec(raw) */
    /* Double-precision instructions the interpreter can often do with the
     * host FPU (hart.c); otherwise, like OP_FP, they go to fpu_exec(raw).
     * The f-register results: */
    OP_FADD_D, OP_FSUB_D, OP_FMUL_D, OP_FDIV_D, OP_FSQRT_D,
    OP_FMADD_D, OP_FMSUB_D, OP_FNMSUB_D, OP_FNMADD_D,
    OP_FSGNJ_D, OP_FSGNJN_D, OP_FSGNJX_D, OP_FCVT_D_W, OP_FCVT_D_L, OP_FMV_D_X,
    /* the x-register results: */
    OP_FEQ_D, OP_FLT_D, OP_FLE_D, OP_FMV_X_D,
    OP_COUNT
};

/* One decoded instruction (16 bytes). imm is sign-extended where the format
 * says so; for CSR ops it is the CSR number and rs1 the register or uimm. */
struct dinsn {
    uint8_t op;         /* enum op */
    uint8_t rd, rs1, rs2;
    uint8_t len;        /* 2 (compressed) or 4 */
    uint8_t pad;
    uint16_t disp;      /* the interpreter's handler index (hart.c); 0 from decode */
    int32_t imm;
    uint32_t raw;       /* the bits as fetched (16 for compressed): tval of an illegal insn */
};

/* The 32-bit equivalent of compressed instruction c (bits 1..0 != 3), or 0
 * if c is reserved or illegal in RV64GC (0 is itself an illegal word). */
uint32_t rvc_expand(uint16_t c);

/* Decodes a 32-bit instruction word (bits 1..0 == 3) into *d (len = 4,
 * raw = w). Unknown or reserved encodings give op = OP_ILLEGAL. */
void decode32(uint32_t w, struct dinsn *d);

/* Decodes the instruction whose first 16 bits are lo and, when lo says it is
 * 32 bits long, whose upper 16 bits are hi. */
void decode_insn(uint16_t lo, uint16_t hi, struct dinsn *d);

/* Length in bytes of the instruction starting with the 16 bits lo. */
static inline unsigned insn_len(uint16_t lo) { return (lo & 3) == 3 ? 4 : 2; }

/* The op's name, for tests and traces. */
const char *op_name(enum op op);

#endif
