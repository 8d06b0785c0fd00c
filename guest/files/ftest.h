/* Helpers for the file-system test programs: each step prints one line, so
 * a difference from qemu-riscv64 shows which step differs. */
#ifndef GUEST_FILES_FTEST_H
#define GUEST_FILES_FTEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* strerrorname_np */
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Prints "label = rc" or "label = -1 (ERRNAME)". */
#define SHOW(label, expr)                                                     \
    do {                                                                      \
        errno = 0;                                                            \
        long show_rc_ = (long)(expr);                                         \
        if (show_rc_ < 0)                                                     \
            printf("%s = %ld (%s)\n", label, show_rc_, strerrorname_np(errno)); \
        else                                                                  \
            printf("%s = %ld\n", label, show_rc_);                            \
    } while (0)

#endif
