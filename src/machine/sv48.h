/* RISC-V Sv48 (privileged spec, "Sv48: Page-Based 48-bit Virtual-Memory System").
 *
 *   virtual address   63..48 = copies of bit 47 (else the address is invalid)
 *                     47..39 VPN[3]  38..30 VPN[2]  29..21 VPN[1]  20..12 VPN[0]
 *                     11..0  page offset
 *   PTE (8 bytes)     63 N  62..61 PBMT  60..54 reserved (must be 0)
 *                     53..10 PPN (44 bits)  9..8 RSW
 *                     7 D  6 A  5 G  4 U  3 X  2 W  1 R  0 V
 *   satp              63..60 MODE (9 = Sv48)  59..44 ASID  43..0 root PPN
 *
 * A table is one 4 KiB page of 512 PTEs. V=0: invalid. V=1 with R=W=X=0: pointer
 * to the next level. Otherwise a leaf: at level 0 a 4 KiB page, at level 1 a
 * 2 MiB and at level 2 a 1 GiB superpage (whose low PPN fields must be zero).
 * W=1 with R=0 is reserved. The kernel keeps its own data in a non-present PTE
 * (swap entries, see kernel/), which hardware never interprets. */
#ifndef VMSIM_MACHINE_SV48_H
#define VMSIM_MACHINE_SV48_H

#include "types.h"

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_RSW_SHIFT 8
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  ((1ULL << 44) - 1)
#define PTE_RESERVED_MASK (0x7fULL << 54)
#define PTE_PBMT_MASK (3ULL << 61)
#define PTE_N (1ULL << 63)

#define SV48_LEVELS   4
#define SV48_ENTRIES  512
#define SV48_VA_BITS  48

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0ULL
#define SATP_MODE_SV48  9ULL
#define SATP_ASID_SHIFT 44
/* This machine implements ASIDLEN = 12 (the spec lets an implementation
 * hardwire the upper ASID bits to zero); the TLB packs the ASID into its tag. */
#define SATP_ASID_BITS  12
#define SATP_ASID_MASK  ((1ULL << SATP_ASID_BITS) - 1)
#define SATP_PPN_MASK   ((1ULL << 44) - 1)

static inline bool pte_valid(pte_t e) { return e.bits & PTE_V; }
static inline bool pte_leaf(pte_t e) { return e.bits & (PTE_R | PTE_W | PTE_X); }
static inline pfn_t pte_pfn(pte_t e) { return pfn((e.bits >> PTE_PPN_SHIFT) & PTE_PPN_MASK); }
static inline pte_t pte_make(pfn_t f, uint64_t flags)
{
    return (pte_t){(f.n << PTE_PPN_SHIFT) | flags};
}

/* Index into the level-`level` table (3 = root) for va. */
static inline unsigned sv48_index(vaddr_t a, int level)
{
    return (unsigned)((a.v >> (PAGE_SHIFT + 9 * level)) & (SV48_ENTRIES - 1));
}

/* Bits 63..47 all equal: the only addresses Sv48 translates. */
static inline bool sv48_canonical(vaddr_t a)
{
    int64_t s = (int64_t)a.v;
    return (s >> 47) == 0 || (s >> 47) == -1;
}

static inline uint64_t satp_make(uint16_t asid, pfn_t root)
{
    return (SATP_MODE_SV48 << SATP_MODE_SHIFT) |
           ((uint64_t)(asid & SATP_ASID_MASK) << SATP_ASID_SHIFT) | (root.n & SATP_PPN_MASK);
}
static inline uint16_t satp_asid(uint64_t satp) { return (satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK; }
static inline pfn_t satp_root(uint64_t satp) { return pfn(satp & SATP_PPN_MASK); }

#endif
