/* Unit tests of physical memory: RAM sizing and bounds, the device map, and
 * io dispatch. The reference is the address map in physmem.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "machine/physmem.h"

static void test_init_sizes(void **state)
{
    struct physmem pm;
    assert_int_equal(physmem_init(&pm, 0), -EINVAL);
    assert_null(pm.ram);
    assert_int_equal(physmem_init(&pm, UINT64_MAX), -EINVAL);
    assert_int_equal(physmem_init(&pm, UINT64_MAX - 100), -EINVAL); /* would wrap when rounded */
    assert_int_equal(physmem_init(&pm, 1ULL << 50), -EINVAL);
    physmem_fini(&pm); /* harmless after a failed init */

    assert_int_equal(physmem_init(&pm, 5000), 0); /* rounded up to a page */
    assert_int_equal(pm.ram_size, 8192);
    assert_int_equal(pm.nframes, 2);
    assert_int_equal(pm.ram_first.n, RAM_BASE >> 12);
    assert_int_equal(pm.ndevices, 0);
    physmem_fini(&pm);
    assert_null(pm.ram);

    /* MAP_NORESERVE: a large RAM costs nothing until touched. */
    assert_int_equal(physmem_init(&pm, 8ULL << 30), 0);
    assert_int_equal(pm.nframes, (8ULL << 30) / 4096);
    uint8_t *last = physmem_frame(&pm, pfn(pm.ram_first.n + pm.nframes - 1));
    assert_non_null(last);
    assert_int_equal(last[4095], 0); /* fresh RAM reads as zero */
    last[4095] = 7;
    assert_int_equal(last[4095], 7);
    physmem_fini(&pm);
}

static void test_host_bounds(void **state)
{
    struct physmem pm;
    const uint64_t size = 1ULL << 20;
    assert_int_equal(physmem_init(&pm, size), 0);
    assert_ptr_equal(physmem_host(&pm, pa(RAM_BASE)), pm.ram);
    assert_ptr_equal(physmem_host(&pm, pa(RAM_BASE + size - 1)), pm.ram + size - 1);
    assert_null(physmem_host(&pm, pa(RAM_BASE + size)));
    assert_null(physmem_host(&pm, pa(RAM_BASE - 1)));
    assert_null(physmem_host(&pm, pa(0)));
    assert_null(physmem_host(&pm, pa(0x10000000)));
    assert_null(physmem_host(&pm, pa(UINT64_MAX)));
    assert_true(physmem_is_ram(&pm, pa(RAM_BASE + 4096)));
    assert_false(physmem_is_ram(&pm, pa(RAM_BASE + size)));
    assert_ptr_equal(physmem_frame(&pm, pfn((RAM_BASE >> 12) + 3)), pm.ram + 3 * 4096);
    assert_null(physmem_frame(&pm, pfn((RAM_BASE + size) >> 12)));
    /* Writes through the accessor land in the one RAM mapping. */
    memset(physmem_frame(&pm, pfn((RAM_BASE >> 12) + 1)), 0xab, 4096);
    assert_int_equal(pm.ram[4096], 0xab);
    assert_int_equal(pm.ram[8191], 0xab);
    assert_int_equal(pm.ram[8192], 0);
    physmem_fini(&pm);
}

/* A device with a few 64-bit registers that records what it was asked. */
struct regs {
    uint64_t r[4];
    uint64_t last_off;
    unsigned last_size;
    int calls;
};

static int regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct regs *d = opaque;
    d->calls++;
    d->last_off = off;
    d->last_size = size;
    if (off >= sizeof d->r)
        return -1; /* a hole in the register block */
    *val = d->r[off / 8];
    return 0;
}

static int regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct regs *d = opaque;
    d->calls++;
    d->last_off = off;
    d->last_size = size;
    if (off >= sizeof d->r)
        return -1;
    d->r[off / 8] = val;
    return 0;
}

static struct mmio_device dev(uint64_t base, uint64_t size, struct regs *r)
{
    return (struct mmio_device){.name = "regs",
                                .base = pa(base),
                                .size = size,
                                .opaque = r,
                                .read = regs_read,
                                .write = regs_write};
}

static void test_device_registration(void **state)
{
    struct physmem pm;
    struct regs r = {0};
    assert_int_equal(physmem_init(&pm, 1 << 20), 0);
    struct mmio_device d;
    d = dev(0x10000000, 0x1000, &r);
    assert_int_equal(physmem_add_device(&pm, &d), 0);
    d = dev(0x10000800, 0x1000, &r); /* overlaps the first */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x0ffff000, 0x2000, &r); /* overlaps the first and starts below the hole */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x0fff0000, 0x1000, &r); /* below the hole */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x7ffff000, 0x2000, &r); /* runs into RAM */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(RAM_BASE, 0x1000, &r); /* in RAM */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x20000000, 0, &r); /* empty */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x20000000, UINT64_MAX, &r); /* base + size wraps */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);
    d = dev(0x7ffff000, 0x1000, &r); /* last page of the hole */
    assert_int_equal(physmem_add_device(&pm, &d), 0);
    d = dev(0x10001000, 0x1000, &r); /* adjacent to the first: fine */
    assert_int_equal(physmem_add_device(&pm, &d), 0);
    assert_int_equal(pm.ndevices, 3);
    for (int i = 3; i < PHYSMEM_MAX_DEVICES; i++) {
        d = dev(0x20000000 + 0x10000ULL * i, 0x100, &r);
        assert_int_equal(physmem_add_device(&pm, &d), 0);
    }
    d = dev(0x30000000, 0x100, &r); /* table full */
    assert_int_equal(physmem_add_device(&pm, &d), -EINVAL);

    assert_int_equal(physmem_device(&pm, pa(0x10000fff))->base.p, 0x10000000);
    assert_int_equal(physmem_device(&pm, pa(0x10001000))->base.p, 0x10001000);
    assert_int_equal(physmem_device(&pm, pa(0x7fffffff))->base.p, 0x7ffff000);
    assert_null(physmem_device(&pm, pa(0x10002000)));
    assert_null(physmem_device(&pm, pa(RAM_BASE)));
    assert_null(physmem_device(&pm, pa(0)));
    assert_int_equal(r.calls, 0);
    physmem_fini(&pm);
}

static void test_io_dispatch(void **state)
{
    struct physmem pm;
    struct regs a = {0}, b = {0};
    assert_int_equal(physmem_init(&pm, 1 << 20), 0);
    struct mmio_device d = dev(0x10000000, 0x40, &a);
    assert_int_equal(physmem_add_device(&pm, &d), 0);
    d = dev(0x10001000, 0x20, &b);
    assert_int_equal(physmem_add_device(&pm, &d), 0);

    assert_int_equal(physmem_io_write(&pm, pa(0x10000008), 8, 0x1122334455667788ULL), 0);
    assert_int_equal(a.r[1], 0x1122334455667788ULL);
    assert_int_equal(a.last_off, 8);
    assert_int_equal(a.last_size, 8);
    assert_int_equal(b.calls, 0);
    uint64_t v = 0;
    assert_int_equal(physmem_io_read(&pm, pa(0x10000008), 4, &v), 0);
    assert_int_equal(v, 0x1122334455667788ULL); /* the device decides what 4 bytes mean */
    assert_int_equal(a.last_size, 4);
    assert_int_equal(physmem_io_write(&pm, pa(0x10001018), 2, 9), 0);
    assert_int_equal(b.r[3], 9);
    assert_int_equal(b.last_off, 0x18);

    int calls = a.calls + b.calls;
    assert_int_equal(physmem_io_read(&pm, pa(0x10000008), 3, &v), -1); /* bad size */
    assert_int_equal(physmem_io_read(&pm, pa(0x10000008), 0, &v), -1);
    assert_int_equal(physmem_io_read(&pm, pa(0x1000003c), 8, &v), -1); /* crosses the end */
    assert_int_equal(physmem_io_write(&pm, pa(0x1000101c), 8, 0), -1); /* crosses the end of b */
    assert_int_equal(physmem_io_read(&pm, pa(0x10000040), 1, &v), -1); /* just past it */
    assert_int_equal(physmem_io_read(&pm, pa(RAM_BASE), 8, &v), -1);   /* RAM is not io */
    assert_int_equal(physmem_io_write(&pm, pa(0x100), 1, 0), -1);      /* unmapped */
    assert_int_equal(a.calls + b.calls, calls);                        /* none reached a device */
    assert_int_equal(physmem_io_read(&pm, pa(0x10001018), 8, &v), 0);  /* last 8 bytes of b */
    assert_int_equal(b.last_off, 0x18);
    assert_int_equal(v, 9);
    /* The device refuses (regs_read fails past its 4 registers). */
    assert_int_equal(physmem_io_read(&pm, pa(0x10000020), 8, &v), -1);

    /* A device without handlers refuses everything. */
    struct mmio_device mute = {.name = "mute", .base = pa(0x10002000), .size = 0x1000};
    assert_int_equal(physmem_add_device(&pm, &mute), 0);
    assert_int_equal(physmem_io_read(&pm, pa(0x10002000), 4, &v), -1);
    assert_int_equal(physmem_io_write(&pm, pa(0x10002000), 4, 1), -1);
    physmem_fini(&pm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sizes),
        cmocka_unit_test(test_host_bounds),
        cmocka_unit_test(test_device_registration),
        cmocka_unit_test(test_io_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
