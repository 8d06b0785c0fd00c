/* The timer/console device (see timer.h). */
#include "timer.h"

#include <unistd.h>

#include "hart.h"

static int timer_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    const struct timer_device *t = opaque;
    if (off == TIMER_REG_INSNS && size == 8) {
        /* io_instret: the count as of the instruction doing this load (the
         * interpreter keeps h->instret up to date only between runs). */
        *val = t->h->io_instret;
        return 0;
    }
    if (off == TIMER_REG_CONSOLE && size == 1) {
        *val = 0;
        return 0;
    }
    return -1;
}

static int timer_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct timer_device *t = opaque;
    if (off != TIMER_REG_CONSOLE || size != 1)
        return -1; /* INSNS is read-only */
    uint8_t c = (uint8_t)val;
    /* Unbuffered, like the guest's own write(1, ...), so the two interleave
     * in program order. A console has nowhere to report a failed write. */
    if (write(t->console_fd, &c, 1) == 1)
        t->console_bytes++;
    return 0;
}

int timer_attach(struct timer_device *t, struct physmem *pm, const struct hart *h, int console_fd)
{
    *t = (struct timer_device){.h = h, .console_fd = console_fd};
    struct mmio_device d = {.name = "timer",
                            .base = pa(TIMER_BASE),
                            .size = TIMER_SIZE,
                            .opaque = t,
                            .read = timer_read,
                            .write = timer_write};
    return physmem_add_device(pm, &d);
}
