/* The guest programs of `vmsim demo`, embedded in the vmsim binary so that
 * the demo runs from any directory: guest/guest.mk builds them from
 * guest/demo into build/guest/demo before this file is compiled (the
 * Makefile makes its object depend on them), and the assembler's .incbin
 * copies each file in. The path is relative to the repository root, where
 * make runs the compiler. demo_prog.c writes them to a private temporary
 * directory, the guest's root, at run time. docs/architecture.md says why. */
#include "demo_int.h"

#define DEMO_GUEST_DIR "build/guest/demo/"

/* sym_start .. sym_end: the bytes of the file. */
#define DEMO_INCBIN(sym, file)                                                                     \
    __asm__(".section .rodata.vmsim_demo,\"a\",@progbits\n"                                        \
            ".balign 16\n"                                                                         \
            ".globl " #sym "_start\n"                                                              \
            ".hidden " #sym "_start\n" #sym "_start:\n"                                            \
            ".incbin \"" DEMO_GUEST_DIR file "\"\n"                                                \
            ".globl " #sym "_end\n"                                                                \
            ".hidden " #sym "_end\n" #sym "_end:\n"                                                \
            ".previous\n");                                                                        \
    extern const unsigned char sym##_start[], sym##_end[];

DEMO_INCBIN(demo_tour, "tour")
DEMO_INCBIN(demo_hello, "hello")
DEMO_INCBIN(demo_pagein, "pagein")
DEMO_INCBIN(demo_alloc, "alloc")
DEMO_INCBIN(demo_mapfile, "mapfile")
DEMO_INCBIN(demo_cowfork, "cowfork")
DEMO_INCBIN(demo_memfdpass, "memfdpass")
DEMO_INCBIN(demo_threads, "threads")

#define IMAGE(name)                                                                                \
    {                                                                                              \
#name, demo_##name##_start, demo_##name##_end                                              \
    }

const struct demo_image demo_images[] = {
    IMAGE(tour), IMAGE(hello), IMAGE(pagein), IMAGE(alloc), IMAGE(mapfile), IMAGE(cowfork),
    IMAGE(memfdpass),
    IMAGE(threads),
};
const int demo_nimages = sizeof demo_images / sizeof demo_images[0];
