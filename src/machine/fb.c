/* The framebuffer device: register block and pixel memory (see fb.h). */
#include "fb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fb_init(struct fb_device *fb, unsigned width, unsigned height)
{
    *fb = (struct fb_device){0};
    if (width == 0 || height == 0 || width > FB_MAX_DIM || height > FB_MAX_DIM)
        return -EINVAL;
    uint64_t bytes = (uint64_t)width * 4 * height;
    uint64_t size = (bytes + PAGE_MASK) & ~PAGE_MASK;
    if (size > FB_MEM_MAX)
        return -EINVAL;
    /* calloc of a large block is a fresh anonymous mapping: untouched pixel
     * pages cost the host nothing. */
    fb->mem = calloc(1, size);
    if (!fb->mem)
        return -ENOMEM;
    fb->width = width;
    fb->height = height;
    fb->stride = width * 4;
    fb->mem_size = size;
    return 0;
}

void fb_fini(struct fb_device *fb)
{
    free(fb->mem);
    *fb = (struct fb_device){0};
}

/* Registers: 32-bit, aligned; the rest of the page is not decoded. */
static int regs_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    const struct fb_device *fb = opaque;
    if (size != 4 || (off & 3))
        return -1;
    switch (off) {
    case FB_REG_WIDTH:
        *val = fb->width;
        return 0;
    case FB_REG_HEIGHT:
        *val = fb->height;
        return 0;
    case FB_REG_STRIDE:
        *val = fb->stride;
        return 0;
    case FB_REG_BPP:
        *val = 32;
        return 0;
    case FB_REG_FRAME_DONE:
        *val = (uint32_t)fb->frames;
        return 0;
    }
    return -1;
}

static int regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct fb_device *fb = opaque;
    if (size != 4 || off != FB_REG_FRAME_DONE)
        return -1; /* the geometry registers are read-only */
    fb->frames++;
    if (fb->on_frame)
        fb->on_frame(fb->on_frame_ctx, fb);
    return 0;
}

/* Pixel memory behaves like RAM for naturally aligned accesses. */
static int mem_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    const struct fb_device *fb = opaque;
    if (off & (size - 1))
        return -1;
    uint64_t v = 0;
    memcpy(&v, fb->mem + off, size); /* little-endian host */
    *val = v;
    return 0;
}

static int mem_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct fb_device *fb = opaque;
    if (off & (size - 1))
        return -1;
    memcpy(fb->mem + off, &val, size);
    return 0;
}

int fb_attach(struct fb_device *fb, struct physmem *pm)
{
    struct mmio_device regs = {.name = "fb-regs",
                               .base = pa(FB_REGS_BASE),
                               .size = FB_REGS_SIZE,
                               .opaque = fb,
                               .read = regs_read,
                               .write = regs_write};
    struct mmio_device mem = {.name = "fb-mem",
                              .base = pa(FB_MEM_BASE),
                              .size = fb->mem_size,
                              .opaque = fb,
                              .read = mem_read,
                              .write = mem_write};
    int rc = physmem_add_device(pm, &regs);
    return rc ? rc : physmem_add_device(pm, &mem);
}

uint32_t fb_pixel(const struct fb_device *fb, unsigned x, unsigned y)
{
    uint32_t v;
    memcpy(&v, fb->mem + (uint64_t)y * fb->stride + (uint64_t)x * 4, 4);
    return v & 0xffffff;
}

int fb_parse_size(const char *s, unsigned *width, unsigned *height)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    unsigned long w = strtoul(s, &end, 10);
    if (*end != 'x' || end[1] < '0' || end[1] > '9')
        return -EINVAL;
    unsigned long h = strtoul(end + 1, &end, 10);
    if (*end || w == 0 || h == 0 || w > FB_MAX_DIM || h > FB_MAX_DIM)
        return -EINVAL;
    *width = (unsigned)w;
    *height = (unsigned)h;
    return 0;
}
