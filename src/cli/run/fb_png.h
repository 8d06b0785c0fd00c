/* --fb-out FILE.png: the framebuffer's picture as PNG files (libpng).
 *
 * Each write of the FRAME_DONE register saves FILE-0001.png, FILE-0002.png,
 * ... (the ".png" of FILE is replaced: "shot.png" -> "shot-0001.png"; a name
 * without ".png" gets "-0001.png" appended), and the run's end saves FILE
 * itself: the picture as the program left it. */
#ifndef VMSIM_CLI_FB_PNG_H
#define VMSIM_CLI_FB_PNG_H

#include <stdio.h>

#include "../../machine/fb.h"

struct fb_out {
    const char *path; /* FILE; NULL: no output */
    unsigned frames;  /* numbered files written */
    int errors;       /* files that could not be written */
};

/* Writes fb's pixels as an 8-bit RGB PNG to path. 0, or -1 after a message
 * on stderr. */
int fb_write_png(const struct fb_device *fb, const char *path);

/* The name of frame n (from 1) for path, in buf of len bytes. */
void fb_out_frame_name(const char *path, unsigned n, char *buf, size_t len);

/* An fb_frame_fn (fb.h): saves the next numbered file; ctx is a struct fb_out. */
void fb_out_frame(void *ctx, const struct fb_device *fb);

/* At exit: saves path. 0, or -1 when this or a frame could not be written. */
int fb_out_finish(struct fb_out *o, const struct fb_device *fb);

#endif
