/* Distinct types for the four kinds of number the memory system juggles.
 * Each is a one-field struct so that the compiler rejects a mix-up (passing a
 * virtual address where a physical one is wanted); they cost nothing at -O2. */
#ifndef VMSIM_MACHINE_TYPES_H
#define VMSIM_MACHINE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ULL
#define PAGE_MASK  (PAGE_SIZE - 1)

typedef struct { uint64_t v; } vaddr_t;   /* guest virtual address */
typedef struct { uint64_t p; } paddr_t;   /* simulated physical address */
typedef struct { uint64_t n; } pfn_t;     /* physical frame number: paddr >> 12 */
typedef struct { uint64_t bits; } pte_t;  /* one Sv48 page-table entry */

static inline vaddr_t va(uint64_t v) { return (vaddr_t){v}; }
static inline paddr_t pa(uint64_t p) { return (paddr_t){p}; }
static inline pfn_t pfn(uint64_t n) { return (pfn_t){n}; }

static inline paddr_t pfn_to_pa(pfn_t f) { return pa(f.n << PAGE_SHIFT); }
static inline pfn_t pa_to_pfn(paddr_t a) { return pfn(a.p >> PAGE_SHIFT); }
static inline uint64_t va_page(vaddr_t a) { return a.v & ~PAGE_MASK; }
static inline uint64_t va_offset(vaddr_t a) { return a.v & PAGE_MASK; }

/* What an access wants to do; also the index of the matching TLB. */
enum access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2 };

#endif
