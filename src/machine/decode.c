/* Decoding of 32-bit RV64IMAFD + Zicsr + Zifencei instructions into struct
 * dinsn (unprivileged spec, chapter "RV32/64G Instruction Set Listings").
 * Every field the spec fixes is checked, so a reserved encoding is illegal
 * rather than silently aliased to a neighbour. */
#include "decode.h"

#include <string.h>

static inline int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static inline int32_t imm_s(uint32_t w)
{
    return ((int32_t)(w & 0xfe000000u) >> 20) | (int32_t)((w >> 7) & 0x1f);
}
static inline int32_t imm_b(uint32_t w)
{
    return ((int32_t)(w & 0x80000000u) >> 19) | (int32_t)((w & 0x80) << 4) |
           (int32_t)((w >> 20) & 0x7e0) | (int32_t)((w >> 7) & 0x1e);
}
static inline int32_t imm_u(uint32_t w) { return (int32_t)(w & 0xfffff000u); }
static inline int32_t imm_j(uint32_t w)
{
    return ((int32_t)(w & 0x80000000u) >> 11) | (int32_t)(w & 0xff000) |
           (int32_t)((w >> 9) & 0x800) | (int32_t)((w >> 20) & 0x7fe);
}

static const uint8_t load_ops[8] = {OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL};
static const uint8_t store_ops[8] = {OP_SB, OP_SH, OP_SW, OP_SD,
                                     OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL};
static const uint8_t branch_ops[8] = {OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
                                      OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
static const uint8_t op_f7_0[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND};
static const uint8_t op_f7_1[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                   OP_DIV, OP_DIVU, OP_REM, OP_REMU};
static const uint8_t op32_f7_1[8] = {OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
                                     OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW};
static const uint8_t csr_ops[8] = {OP_ILLEGAL, OP_CSRRW, OP_CSRRS, OP_CSRRC,
                                   OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI};

/* AMO funct5 -> op for .W; the .D op is at the same distance from OP_LR_D. */
static enum op amo_op(unsigned funct5, unsigned rs2)
{
    switch (funct5) {
    case 0x02: return rs2 == 0 ? OP_LR_W : OP_ILLEGAL;
    case 0x03: return OP_SC_W;
    case 0x01: return OP_AMOSWAP_W;
    case 0x00: return OP_AMOADD_W;
    case 0x04: return OP_AMOXOR_W;
    case 0x0c: return OP_AMOAND_W;
    case 0x08: return OP_AMOOR_W;
    case 0x10: return OP_AMOMIN_W;
    case 0x14: return OP_AMOMAX_W;
    case 0x18: return OP_AMOMINU_W;
    case 0x1c: return OP_AMOMAXU_W;
    default: return OP_ILLEGAL;
    }
}

/* OP-FP with fmt D: the ops hart.c has a fast path for, else OP_FP. The
 * encodings are checked as fpu.c checks them, except the rounding mode,
 * which is dynamic; the interpreter leaves reserved ones to fpu_exec. */
static enum op decode_op_fp_d(uint32_t w, unsigned f3, unsigned rs2)
{
    switch (w >> 27) {
    case 0x00: return OP_FADD_D;
    case 0x01: return OP_FSUB_D;
    case 0x02: return OP_FMUL_D;
    case 0x03: return OP_FDIV_D;
    case 0x0b: return rs2 == 0 ? OP_FSQRT_D : OP_FP;
    case 0x04: return f3 == 0 ? OP_FSGNJ_D : f3 == 1 ? OP_FSGNJN_D : f3 == 2 ? OP_FSGNJX_D : OP_FP;
    case 0x14: return f3 == 2 ? OP_FEQ_D : f3 == 1 ? OP_FLT_D : f3 == 0 ? OP_FLE_D : OP_FP;
    case 0x1a: return rs2 == 0 ? OP_FCVT_D_W : rs2 == 2 ? OP_FCVT_D_L : OP_FP;
    case 0x1c: return rs2 == 0 && f3 == 0 ? OP_FMV_X_D : OP_FP;
    case 0x1e: return rs2 == 0 && f3 == 0 ? OP_FMV_D_X : OP_FP;
    default: return OP_FP;
    }
}

static enum op decode_op(uint32_t w, struct dinsn *d)
{
    unsigned f3 = (w >> 12) & 7, f7 = w >> 25;
    switch (w & 0x7f) {
    case 0x37: d->imm = imm_u(w); return OP_LUI;
    case 0x17: d->imm = imm_u(w); return OP_AUIPC;
    case 0x6f: d->imm = imm_j(w); return OP_JAL;
    case 0x67: d->imm = imm_i(w); return f3 == 0 ? OP_JALR : OP_ILLEGAL;
    case 0x63: d->imm = imm_b(w); return branch_ops[f3];
    case 0x03: d->imm = imm_i(w); return load_ops[f3];
    case 0x23: d->imm = imm_s(w); return store_ops[f3];
    case 0x07:
        d->imm = imm_i(w);
        return f3 == 2 ? OP_FLW : f3 == 3 ? OP_FLD : OP_ILLEGAL;
    case 0x27:
        d->imm = imm_s(w);
        return f3 == 2 ? OP_FSW : f3 == 3 ? OP_FSD : OP_ILLEGAL;
    case 0x13:
        d->imm = imm_i(w);
        switch (f3) {
        case 0: return OP_ADDI;
        case 2: return OP_SLTI;
        case 3: return OP_SLTIU;
        case 4: return OP_XORI;
        case 6: return OP_ORI;
        case 7: return OP_ANDI;
        case 1: d->imm &= 63; return (w >> 26) == 0 ? OP_SLLI : OP_ILLEGAL;
        default: /* 5 */
            d->imm &= 63;
            return (w >> 26) == 0 ? OP_SRLI : (w >> 26) == 0x10 ? OP_SRAI : OP_ILLEGAL;
        }
    case 0x1b:
        d->imm = imm_i(w);
        if (f3 == 0)
            return OP_ADDIW;
        d->imm &= 31;
        if (f3 == 1)
            return f7 == 0 ? OP_SLLIW : OP_ILLEGAL;
        if (f3 == 5)
            return f7 == 0 ? OP_SRLIW : f7 == 0x20 ? OP_SRAIW : OP_ILLEGAL;
        return OP_ILLEGAL;
    case 0x33:
        if (f7 == 0)
            return op_f7_0[f3];
        if (f7 == 1)
            return op_f7_1[f3];
        if (f7 == 0x20)
            return f3 == 0 ? OP_SUB : f3 == 5 ? OP_SRA : OP_ILLEGAL;
        return OP_ILLEGAL;
    case 0x3b:
        if (f7 == 0)
            return f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : f3 == 5 ? OP_SRLW : OP_ILLEGAL;
        if (f7 == 0x20)
            return f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_ILLEGAL;
        if (f7 == 1)
            return op32_f7_1[f3];
        return OP_ILLEGAL;
    case 0x0f:
        /* fm, pred, succ, rs1, rd of FENCE are ignored (spec: reserved, treat as a plain fence). */
        return f3 == 0 ? OP_FENCE : f3 == 1 ? OP_FENCE_I : OP_ILLEGAL;
    case 0x73:
        if (f3 == 0) {
            if (w == 0x00000073)
                return OP_ECALL;
            if (w == 0x00100073)
                return OP_EBREAK;
            return OP_ILLEGAL;   /* xRET, WFI, SFENCE.VMA: privileged */
        }
        d->imm = (int32_t)(w >> 20);   /* CSR number, unsigned */
        return csr_ops[f3];
    case 0x2f: {
        if (f3 != 2 && f3 != 3)
            return OP_ILLEGAL;
        enum op o = amo_op(w >> 27, d->rs2);
        if (o == OP_ILLEGAL)
            return o;
        return f3 == 2 ? o : (enum op)(o - OP_LR_W + OP_LR_D);
    }
    case 0x53:
        return ((w >> 25) & 3) == 1 ? decode_op_fp_d(w, f3, d->rs2) : OP_FP;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
        if (((w >> 25) & 3) != 1)
            return OP_FP;
        return (enum op)(OP_FMADD_D + (((w & 0x7f) - 0x43) >> 2));
    default:
        return OP_ILLEGAL;
    }
}

void decode32(uint32_t w, struct dinsn *d)
{
    memset(d, 0, sizeof *d);
    d->rd = (w >> 7) & 31;
    d->rs1 = (w >> 15) & 31;
    d->rs2 = (w >> 20) & 31;
    d->len = 4;
    d->raw = w;
    d->op = (uint8_t)decode_op(w, d);
}

void decode_insn(uint16_t lo, uint16_t hi, struct dinsn *d)
{
    if ((lo & 3) == 3) {
        decode32((uint32_t)lo | (uint32_t)hi << 16, d);
        return;
    }
    uint32_t w = rvc_expand(lo);
    if (w == 0) {
        memset(d, 0, sizeof *d);
        d->op = OP_ILLEGAL;
    } else {
        decode32(w, d);
    }
    d->len = 2;
    d->raw = lo;
}

static const char *const op_names[OP_COUNT] = {
    [OP_UNDECODED] = "undecoded", [OP_ILLEGAL] = "illegal",
    [OP_LUI] = "lui", [OP_AUIPC] = "auipc", [OP_JAL] = "jal", [OP_JALR] = "jalr",
    [OP_BEQ] = "beq", [OP_BNE] = "bne", [OP_BLT] = "blt", [OP_BGE] = "bge",
    [OP_BLTU] = "bltu", [OP_BGEU] = "bgeu",
    [OP_LB] = "lb", [OP_LH] = "lh", [OP_LW] = "lw", [OP_LD] = "ld", [OP_LBU] = "lbu",
    [OP_LHU] = "lhu", [OP_LWU] = "lwu",
    [OP_SB] = "sb", [OP_SH] = "sh", [OP_SW] = "sw", [OP_SD] = "sd",
    [OP_ADDI] = "addi", [OP_SLTI] = "slti", [OP_SLTIU] = "sltiu", [OP_XORI] = "xori",
    [OP_ORI] = "ori", [OP_ANDI] = "andi", [OP_SLLI] = "slli", [OP_SRLI] = "srli",
    [OP_SRAI] = "srai",
    [OP_ADD] = "add", [OP_SUB] = "sub", [OP_SLL] = "sll", [OP_SLT] = "slt", [OP_SLTU] = "sltu",
    [OP_XOR] = "xor", [OP_SRL] = "srl", [OP_SRA] = "sra", [OP_OR] = "or", [OP_AND] = "and",
    [OP_ADDIW] = "addiw", [OP_SLLIW] = "slliw", [OP_SRLIW] = "srliw", [OP_SRAIW] = "sraiw",
    [OP_ADDW] = "addw", [OP_SUBW] = "subw", [OP_SLLW] = "sllw", [OP_SRLW] = "srlw",
    [OP_SRAW] = "sraw",
    [OP_MUL] = "mul", [OP_MULH] = "mulh", [OP_MULHSU] = "mulhsu", [OP_MULHU] = "mulhu",
    [OP_DIV] = "div", [OP_DIVU] = "divu", [OP_REM] = "rem", [OP_REMU] = "remu",
    [OP_MULW] = "mulw", [OP_DIVW] = "divw", [OP_DIVUW] = "divuw", [OP_REMW] = "remw",
    [OP_REMUW] = "remuw",
    [OP_FENCE] = "fence", [OP_FENCE_I] = "fence.i", [OP_ECALL] = "ecall", [OP_EBREAK] = "ebreak",
    [OP_CSRRW] = "csrrw", [OP_CSRRS] = "csrrs", [OP_CSRRC] = "csrrc", [OP_CSRRWI] = "csrrwi",
    [OP_CSRRSI] = "csrrsi", [OP_CSRRCI] = "csrrci",
    [OP_LR_W] = "lr.w", [OP_SC_W] = "sc.w", [OP_AMOSWAP_W] = "amoswap.w",
    [OP_AMOADD_W] = "amoadd.w", [OP_AMOXOR_W] = "amoxor.w", [OP_AMOAND_W] = "amoand.w",
    [OP_AMOOR_W] = "amoor.w", [OP_AMOMIN_W] = "amomin.w", [OP_AMOMAX_W] = "amomax.w",
    [OP_AMOMINU_W] = "amominu.w", [OP_AMOMAXU_W] = "amomaxu.w",
    [OP_LR_D] = "lr.d", [OP_SC_D] = "sc.d", [OP_AMOSWAP_D] = "amoswap.d",
    [OP_AMOADD_D] = "amoadd.d", [OP_AMOXOR_D] = "amoxor.d", [OP_AMOAND_D] = "amoand.d",
    [OP_AMOOR_D] = "amoor.d", [OP_AMOMIN_D] = "amomin.d", [OP_AMOMAX_D] = "amomax.d",
    [OP_AMOMINU_D] = "amominu.d", [OP_AMOMAXU_D] = "amomaxu.d",
    [OP_FLW] = "flw", [OP_FLD] = "fld", [OP_FSW] = "fsw", [OP_FSD] = "fsd", [OP_FP] = "fp",
    [OP_FADD_D] = "fadd.d", [OP_FSUB_D] = "fsub.d", [OP_FMUL_D] = "fmul.d",
    [OP_FDIV_D] = "fdiv.d", [OP_FSQRT_D] = "fsqrt.d", [OP_FMADD_D] = "fmadd.d",
    [OP_FMSUB_D] = "fmsub.d", [OP_FNMSUB_D] = "fnmsub.d", [OP_FNMADD_D] = "fnmadd.d",
    [OP_FSGNJ_D] = "fsgnj.d", [OP_FSGNJN_D] = "fsgnjn.d", [OP_FSGNJX_D] = "fsgnjx.d",
    [OP_FCVT_D_W] = "fcvt.d.w", [OP_FCVT_D_L] = "fcvt.d.l", [OP_FMV_D_X] = "fmv.d.x",
    [OP_FEQ_D] = "feq.d", [OP_FLT_D] = "flt.d", [OP_FLE_D] = "fle.d", [OP_FMV_X_D] = "fmv.x.d",
};

const char *op_name(enum op op)
{
    return (unsigned)op < OP_COUNT && op_names[op] ? op_names[op] : "?";
}
