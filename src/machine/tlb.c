/* The TLB: three set-associative arrays of {tag, host addend} (see tlb.h).
 * The hit path is tlb_lookup, inline in the header; this file fills, flushes
 * and probes. Flushes are simple full or per-set scans: correct first. */
#include "tlb.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "sv48.h"

#define TAG_VPN_MASK ((1ULL << 52) - 1) /* tag bits 51..0: va >> 12 */
#define TLB_MAX_ENTRIES (1u << 22)      /* per array; a bigger TLB is a typo */

static inline uint16_t tag_asid(uint64_t tag)
{
    return (uint16_t)(tag >> 52);
}
static inline uint64_t tag_vpn(uint64_t tag)
{
    return tag & TAG_VPN_MASK;
}
static inline unsigned set_of(const struct tlb *t, uint64_t tag)
{
    return (unsigned)(tag & (t->sets - 1));
}

static void invalidate(struct tlb *t, struct tlb_entry *e)
{
    if (e->tag != TLB_TAG_INVALID && e->level > 0)
        t->nsuper--;
    *e = (struct tlb_entry){.tag = TLB_TAG_INVALID};
}

static void reset(struct tlb *t)
{
    size_t n = (size_t)t->sets * t->ways;
    for (int acc = 0; acc < 3; acc++) {
        for (size_t i = 0; i < n; i++)
            t->e[acc][i] = (struct tlb_entry){.tag = TLB_TAG_INVALID};
        for (unsigned s = 0; s < t->sets; s++)
            t->next_way[acc][s] = 0;
    }
    t->nsuper = 0;
    t->fetch_gen++;
}

int tlb_init(struct tlb *t, unsigned sets, unsigned ways)
{
    *t = (struct tlb){0};
    if (sets == 0 || (sets & (sets - 1)) != 0 || ways == 0 ||
        (uint64_t)sets * ways > TLB_MAX_ENTRIES)
        return -EINVAL;
    t->sets = sets;
    t->ways = ways;
    for (int acc = 0; acc < 3; acc++) {
        t->e[acc] = calloc((size_t)sets * ways, sizeof *t->e[acc]);
        t->next_way[acc] = calloc(sets, sizeof *t->next_way[acc]);
        if (!t->e[acc] || !t->next_way[acc]) {
            tlb_fini(t);
            return -ENOMEM;
        }
    }
    reset(t);
    return 0;
}

void tlb_fini(struct tlb *t)
{
    for (int acc = 0; acc < 3; acc++) {
        free(t->e[acc]);
        free(t->next_way[acc]);
        t->e[acc] = NULL;
        t->next_way[acc] = NULL;
    }
}

const struct tlb_entry *tlb_probe(const struct tlb *t, vaddr_t a, uint16_t asid, enum access acc)
{
    uint64_t tag = tlb_tag(a, asid);
    const struct tlb_entry *set = t->e[acc] + (size_t)set_of(t, tag) * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].tag == tag)
            return &set[w];
    return NULL;
}

void tlb_fill_level(struct tlb *t, vaddr_t a, uint16_t asid, enum access acc, uint8_t *host_page,
                    paddr_t page_pa, pte_t leaf, int level)
{
    uint64_t tag = tlb_tag(a, asid);
    assert(tag != TLB_TAG_INVALID && "ASID 4095 is reserved (see tlb.h)");
    assert(level >= 0 && level < SV48_LEVELS);
    unsigned s = set_of(t, tag);
    struct tlb_entry *set = t->e[acc] + (size_t)s * t->ways;
    struct tlb_entry *victim = NULL;
    for (unsigned w = 0; w < t->ways && !victim; w++)
        if (set[w].tag == tag)
            victim = &set[w]; /* refill in place: never two entries for one tag */
    if (!victim) {
        unsigned *next = &t->next_way[acc][s];
        victim = &set[*next];
        *next = *next + 1 == t->ways ? 0 : *next + 1;   /* no division on the miss path */
    }
    if (acc == ACCESS_EXEC) {
        t->fetch_gen++;
    } else {
        t->fills[acc]++;
        t->evicted[acc] = victim->tag;
    }
    invalidate(t, victim);
    *victim = (struct tlb_entry){
        .tag = tag,
        .addend = (uintptr_t)host_page - (uintptr_t)va_page(a),
        .pte_bits = leaf.bits,
        .page_pa = pa(page_pa.p & ~PAGE_MASK),
        .level = (uint8_t)level,
    };
    if (level > 0)
        t->nsuper++;
}

void tlb_fill(struct tlb *t, vaddr_t a, uint16_t asid, enum access acc, uint8_t *host_page,
              paddr_t page_pa, pte_t leaf)
{
    tlb_fill_level(t, a, asid, acc, host_page, page_pa, leaf, 0);
}

void tlb_flush_all(struct tlb *t)
{
    t->stats.flushes_all++;
    reset(t);
}

void tlb_flush_asid(struct tlb *t, uint16_t asid)
{
    t->stats.flushes_asid++;
    size_t n = (size_t)t->sets * t->ways;
    for (int acc = 0; acc < 3; acc++)
        for (size_t i = 0; i < n; i++) {
            struct tlb_entry *e = &t->e[acc][i];
            if (e->tag != TLB_TAG_INVALID && tag_asid(e->tag) == (asid & SATP_ASID_MASK))
                invalidate(t, e);
        }
    t->fetch_gen++;
}

/* Was e made from the leaf that maps vpn, in `asid` or globally? The leaf of
 * an entry at level L covers every vpn that agrees with it above bit 9L. */
static bool covers(const struct tlb_entry *e, uint16_t asid, uint64_t vpn)
{
    if (e->tag == TLB_TAG_INVALID)
        return false;
    if (tag_asid(e->tag) != asid && !(e->pte_bits & PTE_G))
        return false;
    unsigned shift = 9u * e->level;
    return (tag_vpn(e->tag) >> shift) == (vpn >> shift);
}

void tlb_flush_page(struct tlb *t, uint16_t asid, vaddr_t a)
{
    t->stats.flushes_page++;
    asid &= SATP_ASID_MASK;
    uint64_t vpn = tag_vpn(a.v >> PAGE_SHIFT);
    /* The set index depends only on the vpn, so a 4 KiB entry for va, in any
     * ASID, sits in one set; superpage entries may sit anywhere. */
    bool scan_all = t->nsuper > 0;
    size_t first = scan_all ? 0 : (size_t)(vpn & (t->sets - 1)) * t->ways;
    size_t end = scan_all ? (size_t)t->sets * t->ways : first + t->ways;
    for (int acc = 0; acc < 3; acc++)
        for (size_t i = first; i < end; i++)
            if (covers(&t->e[acc][i], asid, vpn)) {
                invalidate(t, &t->e[acc][i]);
                if (acc == ACCESS_EXEC)
                    t->fetch_gen++;
            }
}
