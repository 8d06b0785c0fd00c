/* The physical address space: RAM plus device regions (design decision 14).
 *
 *   0x0000_0000 .. 0x0fff_ffff   unmapped (an access is an access fault)
 *   0x1000_0000 .. 0x7fff_ffff   device regions (registered by the kernel/front end)
 *   0x8000_0000 .. +ram_size     RAM, one host mapping reserved with MAP_NORESERVE
 *
 * A pfn is a physical page number in this space (not an index into RAM), so a
 * PTE's PPN is a pfn. The kernel's frame table indexes RAM by pfn - ram_first. */
#ifndef VMSIM_MACHINE_PHYSMEM_H
#define VMSIM_MACHINE_PHYSMEM_H

#include "types.h"

#define RAM_BASE 0x80000000ULL
#define PHYSMEM_MAX_DEVICES 8

/* A device region answers loads and stores itself (memory-mapped I/O).
 * size is 1, 2, 4 or 8; offset is from the region's base. Returns 0, or -1
 * for an access the device refuses (the hart raises an access fault). */
struct mmio_device {
    const char *name;
    paddr_t base;
    uint64_t size;
    void *opaque;
    int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
    int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
};

struct physmem {
    uint8_t *ram;          /* host mapping of all RAM */
    uint64_t ram_size;     /* bytes, a multiple of PAGE_SIZE */
    pfn_t ram_first;       /* pfn of RAM_BASE */
    uint64_t nframes;      /* ram_size / PAGE_SIZE */
    int ndevices;
    struct mmio_device devices[PHYSMEM_MAX_DEVICES];
};

/* Reserves size bytes of RAM (rounded up to a page) lazily on the host.
 * Returns 0 or -errno. */
int physmem_init(struct physmem *pm, uint64_t size);
void physmem_fini(struct physmem *pm);

/* Adds a device region; returns 0 or -EINVAL (overlap, outside the device hole, full). */
int physmem_add_device(struct physmem *pm, const struct mmio_device *dev);

/* The device covering pa, or NULL. */
const struct mmio_device *physmem_device(const struct physmem *pm, paddr_t a);

/* Load/store of `size` bytes at a device address. Returns 0 or -1 (access fault). */
int physmem_io_read(struct physmem *pm, paddr_t a, unsigned size, uint64_t *val);
int physmem_io_write(struct physmem *pm, paddr_t a, unsigned size, uint64_t val);

static inline bool physmem_is_ram(const struct physmem *pm, paddr_t a)
{
    return a.p >= RAM_BASE && a.p - RAM_BASE < pm->ram_size;
}

/* The one accessor from a physical address to a host pointer: NULL unless RAM. */
static inline uint8_t *physmem_host(const struct physmem *pm, paddr_t a)
{
    return physmem_is_ram(pm, a) ? pm->ram + (a.p - RAM_BASE) : NULL;
}

static inline uint8_t *physmem_frame(const struct physmem *pm, pfn_t f)
{
    return physmem_host(pm, pfn_to_pa(f));
}

#endif
