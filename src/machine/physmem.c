/* Physical memory: one lazily backed host mapping for RAM, and a short table
 * of device regions in the hole below it (see physmem.h for the map). */
#include "physmem.h"

#include <errno.h>
#include <sys/mman.h>

#define DEVICE_HOLE_START 0x10000000ULL
#define DEVICE_HOLE_END RAM_BASE
/* Larger than any host we run on, small enough that RAM_BASE + size stays far
 * inside the 56-bit physical address space a PTE can name. */
#define PHYSMEM_MAX_RAM (1ULL << 40)

int physmem_init(struct physmem *pm, uint64_t size)
{
    *pm = (struct physmem){0};
    if (size == 0 || size > PHYSMEM_MAX_RAM)
        return -EINVAL;
    size = (size + PAGE_MASK) & ~PAGE_MASK;
    /* MAP_NORESERVE: untouched frames cost the host nothing, so --mem can be
     * large; pages read as zero until written, like fresh RAM. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED)
        return -ENOMEM;
    pm->ram = p;
    pm->ram_size = size;
    pm->ram_first = pa_to_pfn(pa(RAM_BASE));
    pm->nframes = size / PAGE_SIZE;
    return 0;
}

void physmem_fini(struct physmem *pm)
{
    if (pm->ram)
        munmap(pm->ram, pm->ram_size);
    *pm = (struct physmem){0};
}

int physmem_add_device(struct physmem *pm, const struct mmio_device *dev)
{
    uint64_t base = dev->base.p;
    if (pm->ndevices >= PHYSMEM_MAX_DEVICES || dev->size == 0 || base < DEVICE_HOLE_START ||
        base >= DEVICE_HOLE_END || dev->size > DEVICE_HOLE_END - base)
        return -EINVAL;
    for (int i = 0; i < pm->ndevices; i++) {
        const struct mmio_device *d = &pm->devices[i];
        if (base < d->base.p + d->size && d->base.p < base + dev->size)
            return -EINVAL;
    }
    pm->devices[pm->ndevices++] = *dev;
    return 0;
}

const struct mmio_device *physmem_device(const struct physmem *pm, paddr_t a)
{
    for (int i = 0; i < pm->ndevices; i++) {
        const struct mmio_device *d = &pm->devices[i];
        if (a.p >= d->base.p && a.p - d->base.p < d->size)
            return d;
    }
    return NULL;
}

/* The device that holds all `size` bytes at a, for a legal access size. */
static const struct mmio_device *io_target(const struct physmem *pm, paddr_t a, unsigned size)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return NULL;
    const struct mmio_device *d = physmem_device(pm, a);
    if (!d || d->size - (a.p - d->base.p) < size)
        return NULL;
    return d;
}

int physmem_io_read(struct physmem *pm, paddr_t a, unsigned size, uint64_t *val)
{
    const struct mmio_device *d = io_target(pm, a, size);
    if (!d || !d->read)
        return -1;
    return d->read(d->opaque, a.p - d->base.p, size, val) == 0 ? 0 : -1;
}

int physmem_io_write(struct physmem *pm, paddr_t a, unsigned size, uint64_t val)
{
    const struct mmio_device *d = io_target(pm, a, size);
    if (!d || !d->write)
        return -1;
    return d->write(d->opaque, a.p - d->base.p, size, val) == 0 ? 0 : -1;
}
