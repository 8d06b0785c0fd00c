/* The timer/console device (issue 7): one page of registers at TIMER_BASE,
 * for programs that want a clock or output without a system call.
 *
 *   0x00 INSNS    R, 8 bytes   instructions the hart has retired before the
 *                              reading instruction (its instret: the virtual
 *                              clock every process shares, design decision 12)
 *   0x08 CONSOLE  W, 1 byte    the byte is written to the console (the host's
 *                              stdout, unbuffered); R reads 0
 *
 * Any other offset or size, or a misaligned access, is refused (an access
 * fault: the kernel sends SIGBUS). */
#ifndef VMSIM_MACHINE_TIMER_H
#define VMSIM_MACHINE_TIMER_H

#include "physmem.h"

#define TIMER_BASE 0x10000000ULL
#define TIMER_SIZE PAGE_SIZE

enum { TIMER_REG_INSNS = 0x00, TIMER_REG_CONSOLE = 0x08 };

struct hart;

struct timer_device {
    const struct hart *h;   /* whose instret INSNS reads */
    int console_fd;         /* where CONSOLE bytes go (1) */
    uint64_t console_bytes; /* bytes written so far */
};

/* A timer reading h's clock, printing to console_fd, registered in pm.
 * 0 or -EINVAL. */
int timer_attach(struct timer_device *t, struct physmem *pm, const struct hart *h, int console_fd);

#endif
