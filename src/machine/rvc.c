/* The C extension: each compressed instruction expands to one 32-bit
 * instruction (unprivileged spec, "C" Standard Extension, RVC instruction
 * listings for RV64). Reserved code points (c.addi4spn with imm 0, c.lui and
 * c.addi16sp with imm 0, c.lwsp/c.ldsp with rd 0, c.jr with rs1 0, c.addiw
 * with rd 0, the RV32-only and unused slots) expand to 0 = illegal; HINTs
 * expand to their harmless 32-bit form (e.g. c.li x0 -> addi x0, x0, imm). */
#include "decode.h"

static inline uint32_t bit(uint32_t c, int n) { return (c >> n) & 1; }
static inline uint32_t bits(uint32_t c, int hi, int lo) { return (c >> lo) & ((1u << (hi - lo + 1)) - 1); }

static uint32_t enc_i(uint32_t opc, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_s(uint32_t opc, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}
static uint32_t enc_r(uint32_t opc, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t enc_j(uint32_t rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

/* Sign-extends the low n bits of v. */
static inline int32_t sext(uint32_t v, int n) { return (int32_t)(v << (32 - n)) >> (32 - n); }

enum { OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_OP_IMM = 0x13, OPC_OP_IMM32 = 0x1b,
       OPC_STORE = 0x23, OPC_STORE_FP = 0x27, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP32 = 0x3b,
       OPC_JALR = 0x67 };

static uint32_t quadrant0(uint32_t c)
{
    uint32_t rdp = bits(c, 4, 2) + 8, rs1p = bits(c, 9, 7) + 8;
    uint32_t uimm_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;              /* ld, sd, fld, fsd */
    uint32_t uimm_w = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;  /* lw, sw */
    switch (bits(c, 15, 13)) {
    case 0: { /* c.addi4spn */
        uint32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
        return imm ? enc_i(OPC_OP_IMM, rdp, 0, 2, (int32_t)imm) : 0;
    }
    case 1: return enc_i(OPC_LOAD_FP, rdp, 3, rs1p, (int32_t)uimm_d);   /* c.fld */
    case 2: return enc_i(OPC_LOAD, rdp, 2, rs1p, (int32_t)uimm_w);      /* c.lw */
    case 3: return enc_i(OPC_LOAD, rdp, 3, rs1p, (int32_t)uimm_d);      /* c.ld */
    case 5: return enc_s(OPC_STORE_FP, 3, rs1p, rdp, (int32_t)uimm_d);  /* c.fsd */
    case 6: return enc_s(OPC_STORE, 2, rs1p, rdp, (int32_t)uimm_w);     /* c.sw */
    case 7: return enc_s(OPC_STORE, 3, rs1p, rdp, (int32_t)uimm_d);     /* c.sd */
    default: return 0;                                                  /* 4: reserved */
    }
}

static uint32_t quadrant1(uint32_t c)
{
    uint32_t rd = bits(c, 11, 7), rdp = bits(c, 9, 7) + 8, rs2p = bits(c, 4, 2) + 8;
    int32_t imm6 = sext(bit(c, 12) << 5 | bits(c, 6, 2), 6);
    uint32_t shamt = bit(c, 12) << 5 | bits(c, 6, 2);
    switch (bits(c, 15, 13)) {
    case 0: return enc_i(OPC_OP_IMM, rd, 0, rd, imm6);                  /* c.addi, c.nop */
    case 1: return rd ? enc_i(OPC_OP_IMM32, rd, 0, rd, imm6) : 0;       /* c.addiw */
    case 2: return enc_i(OPC_OP_IMM, rd, 0, 0, imm6);                   /* c.li */
    case 3:
        if (rd == 2) { /* c.addi16sp */
            uint32_t u = bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | bits(c, 4, 3) << 7 |
                         bit(c, 2) << 5;
            return u ? enc_i(OPC_OP_IMM, 2, 0, 2, sext(u, 10)) : 0;
        } else { /* c.lui */
            uint32_t u = bit(c, 12) << 17 | bits(c, 6, 2) << 12;
            return u ? ((uint32_t)sext(u, 18) & 0xfffff000u) | rd << 7 | OPC_LUI : 0;
        }
    case 4:
        switch (bits(c, 11, 10)) {
        case 0: return enc_i(OPC_OP_IMM, rdp, 5, rdp, (int32_t)shamt);           /* c.srli */
        case 1: return enc_i(OPC_OP_IMM, rdp, 5, rdp, (int32_t)(0x400 | shamt)); /* c.srai */
        case 2: return enc_i(OPC_OP_IMM, rdp, 7, rdp, imm6);                     /* c.andi */
        default:
            if (!bit(c, 12)) {
                static const uint32_t f3[4] = {0, 4, 6, 7};   /* sub xor or and */
                uint32_t k = bits(c, 6, 5);
                return enc_r(OPC_OP, rdp, f3[k], rdp, rs2p, k == 0 ? 0x20 : 0);
            }
            switch (bits(c, 6, 5)) {
            case 0: return enc_r(OPC_OP32, rdp, 0, rdp, rs2p, 0x20);   /* c.subw */
            case 1: return enc_r(OPC_OP32, rdp, 0, rdp, rs2p, 0);      /* c.addw */
            default: return 0;
            }
        }
    case 5: { /* c.j */
        uint32_t u = bit(c, 12) << 11 | bit(c, 11) << 4 | bits(c, 10, 9) << 8 | bit(c, 8) << 10 |
                     bit(c, 7) << 6 | bit(c, 6) << 7 | bits(c, 5, 3) << 1 | bit(c, 2) << 5;
        return enc_j(0, sext(u, 12));
    }
    default: { /* 6 c.beqz, 7 c.bnez */
        uint32_t u = bit(c, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
                     bits(c, 4, 3) << 1 | bit(c, 2) << 5;
        return enc_b(bits(c, 15, 13) == 6 ? 0 : 1, rdp, 0, sext(u, 9));
    }
    }
}

static uint32_t quadrant2(uint32_t c)
{
    uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    uint32_t uimm_dsp = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;   /* ldsp fldsp */
    uint32_t uimm_wsp = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;   /* lwsp */
    uint32_t suimm_d = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;                    /* sdsp fsdsp */
    uint32_t suimm_w = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;                     /* swsp */
    switch (bits(c, 15, 13)) {
    case 0: return enc_i(OPC_OP_IMM, rd, 1, rd, (int32_t)(bit(c, 12) << 5 | rs2)); /* c.slli */
    case 1: return enc_i(OPC_LOAD_FP, rd, 3, 2, (int32_t)uimm_dsp);                  /* c.fldsp */
    case 2: return rd ? enc_i(OPC_LOAD, rd, 2, 2, (int32_t)uimm_wsp) : 0;            /* c.lwsp */
    case 3: return rd ? enc_i(OPC_LOAD, rd, 3, 2, (int32_t)uimm_dsp) : 0;            /* c.ldsp */
    case 4:
        if (!bit(c, 12)) {
            if (rs2 == 0)
                return rd ? enc_i(OPC_JALR, 0, 0, rd, 0) : 0;    /* c.jr */
            return enc_r(OPC_OP, rd, 0, 0, rs2, 0);               /* c.mv */
        }
        if (rs2 == 0)
            return rd ? enc_i(OPC_JALR, 1, 0, rd, 0) : 0x00100073; /* c.jalr, c.ebreak */
        return enc_r(OPC_OP, rd, 0, rd, rs2, 0);                    /* c.add */
    case 5: return enc_s(OPC_STORE_FP, 3, 2, rs2, (int32_t)suimm_d);  /* c.fsdsp */
    case 6: return enc_s(OPC_STORE, 2, 2, rs2, (int32_t)suimm_w);     /* c.swsp */
    default: return enc_s(OPC_STORE, 3, 2, rs2, (int32_t)suimm_d);    /* c.sdsp */
    }
}

uint32_t rvc_expand(uint16_t c16)
{
    uint32_t c = c16;
    switch (c & 3) {
    case 0: return quadrant0(c);
    case 1: return quadrant1(c);
    case 2: return quadrant2(c);
    default: return 0;
    }
}
