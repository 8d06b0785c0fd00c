/* The known picture of the framebuffer test (tests/scripts/mmio_fb.sh has
 * its own copy of the formula, in the checker, to compare against). */
#include <stdint.h>

static inline uint32_t pattern_pixel(unsigned x, unsigned y)
{
    uint32_t r = (x * 5 + y * 3) & 0xff;
    uint32_t g = (x ^ (y * 7)) & 0xff;
    uint32_t b = (x * y + 11) & 0xff;
    return r << 16 | g << 8 | b;
}
