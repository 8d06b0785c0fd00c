/* The framebuffer device (issue 7): W x H pixels of 32 bits (XRGB8888,
 * little-endian: blue in bits 0..7, green 8..15, red 16..23, bits 24..31
 * ignored) in device memory, plus a register block. Both sit at fixed
 * physical addresses in the device hole (physmem.h, docs/architecture.md):
 *
 *   FB_REGS_BASE  one page of 32-bit registers (4-byte aligned accesses only;
 *                 anything else is refused: an access fault, SIGBUS to the guest)
 *     0x00 WIDTH       R   pixels per line
 *     0x04 HEIGHT      R   lines
 *     0x08 STRIDE      R   bytes per line (WIDTH * 4)
 *     0x0c BPP         R   bits per pixel (32)
 *     0x10 FRAME_DONE  W   any value: the picture is complete (the front end
 *                          may save it); R: frames completed so far
 *   FB_MEM_BASE   the pixels, STRIDE * HEIGHT bytes rounded up to a page;
 *                 loads and stores of 1, 2, 4 or 8 bytes, like memory
 *
 * Like every device, it is reached only through physmem_io_*: no host
 * pointer to it is ever handed to the MMU or the TLB. */
#ifndef VMSIM_MACHINE_FB_H
#define VMSIM_MACHINE_FB_H

#include "physmem.h"

#define FB_REGS_BASE 0x10001000ULL
#define FB_REGS_SIZE PAGE_SIZE
#define FB_MEM_BASE 0x20000000ULL
#define FB_MEM_MAX 0x40000000ULL /* 1 GiB of pixel memory at most */
#define FB_DEFAULT_WIDTH 640
#define FB_DEFAULT_HEIGHT 480
#define FB_MAX_DIM 16384

enum {
    FB_REG_WIDTH = 0x00,
    FB_REG_HEIGHT = 0x04,
    FB_REG_STRIDE = 0x08,
    FB_REG_BPP = 0x0c,
    FB_REG_FRAME_DONE = 0x10,
};

struct fb_device;
/* Called on every write of FRAME_DONE, after the count has grown. */
typedef void (*fb_frame_fn)(void *ctx, const struct fb_device *fb);

struct fb_device {
    unsigned width, height;
    unsigned stride;   /* bytes per line */
    uint64_t mem_size; /* bytes of pixel memory (whole pages) */
    uint8_t *mem;      /* the pixels (host memory the device owns) */
    uint64_t frames;   /* FRAME_DONE writes so far */
    fb_frame_fn on_frame;
    void *on_frame_ctx;
};

/* Allocates a width x height framebuffer (all black). 0, -EINVAL for a size
 * outside 1..FB_MAX_DIM or beyond FB_MEM_MAX, or -ENOMEM. */
int fb_init(struct fb_device *fb, unsigned width, unsigned height);
void fb_fini(struct fb_device *fb);

/* Registers the register block and the pixel memory in pm. 0 or -EINVAL. */
int fb_attach(struct fb_device *fb, struct physmem *pm);

/* The pixel at (x, y) as 0x00RRGGBB. */
uint32_t fb_pixel(const struct fb_device *fb, unsigned x, unsigned y);

/* Parses "WxH" (e.g. 640x480). 0 or -EINVAL. */
int fb_parse_size(const char *s, unsigned *width, unsigned *height);

#endif
