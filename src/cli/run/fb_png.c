/* PNG output of the framebuffer (see fb_png.h). */
#include "fb_png.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

int fb_write_png(const struct fb_device *fb, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)fb->width * 3);
    if (!png || !info || !row) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        fprintf(stderr, "vmsim: %s: out of memory\n", path);
        return -1;
    }
    /* libpng reports errors by longjmp; row must survive it, so it is
     * allocated above and only read below. */
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        fprintf(stderr, "vmsim: %s: cannot write the PNG\n", path);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, fb->width, fb->height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (unsigned y = 0; y < fb->height; y++) {
        for (unsigned x = 0; x < fb->width; x++) {
            uint32_t p = fb_pixel(fb, x, y); /* XRGB8888 */
            row[3 * x] = (uint8_t)(p >> 16);
            row[3 * x + 1] = (uint8_t)(p >> 8);
            row[3 * x + 2] = (uint8_t)p;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

void fb_out_frame_name(const char *path, unsigned n, char *buf, size_t len)
{
    size_t pl = strlen(path);
    int stem = pl >= 4 && strcmp(path + pl - 4, ".png") == 0 ? (int)(pl - 4) : (int)pl;
    snprintf(buf, len, "%.*s-%04u.png", stem, path, n);
}

void fb_out_frame(void *ctx, const struct fb_device *fb)
{
    struct fb_out *o = ctx;
    char name[4096 + 16];
    fb_out_frame_name(o->path, ++o->frames, name, sizeof name);
    if (fb_write_png(fb, name) != 0)
        o->errors++;
}

int fb_out_finish(struct fb_out *o, const struct fb_device *fb)
{
    if (!o->path)
        return 0;
    if (fb_write_png(fb, o->path) != 0)
        o->errors++;
    return o->errors ? -1 : 0;
}
