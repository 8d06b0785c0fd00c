/* A plain Linux fbdev client: opens /dev/fb0, reads the mode with the fbdev
 * ioctls, maps the pixels (and, past smem_len, the register block) with
 * MAP_SHARED. A forked child draws the lower half and signals frame done;
 * the parent waits, checks that it sees the child's pixels through its own
 * mapping (the same device pages), draws the upper half and signals frame
 * done again. Exit 0 when everything it checked held. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"

#define REG_FRAME_DONE 0x10

static int fails;
#define CHECK(c)                                                             \
    do {                                                                     \
        if (!(c)) {                                                          \
            printf("FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno);   \
            fails++;                                                         \
        }                                                                    \
    } while (0)

static void draw(volatile uint32_t *px, const struct fb_var_screeninfo *v,
                 const struct fb_fix_screeninfo *f, unsigned y0, unsigned y1)
{
    for (unsigned y = y0; y < y1; y++)
        for (unsigned x = 0; x < v->xres; x++)
            px[y * (f->line_length / 4) + x] = pattern_pixel(x, y);
}

int main(void)
{
    int fd = open("/dev/fb0", O_RDWR);
    if (fd < 0) {
        perror("/dev/fb0");
        return 1;
    }
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
    CHECK(ioctl(fd, FBIOGET_VSCREENINFO, &var) == 0);
    CHECK(ioctl(fd, FBIOGET_FSCREENINFO, &fix) == 0);
    printf("fb %ux%u bpp %u virtual %ux%u line_length %u smem_len %u mmio_len %u visual %u\n",
           var.xres, var.yres, var.bits_per_pixel, var.xres_virtual, var.yres_virtual,
           fix.line_length, fix.smem_len, fix.mmio_len, fix.visual);
    printf("red %u/%u green %u/%u blue %u/%u\n", var.red.offset, var.red.length,
           var.green.offset, var.green.length, var.blue.offset, var.blue.length);
    /* The same mode is accepted, another refused, panning to 0,0 a no-op. */
    struct fb_var_screeninfo same = var;
    CHECK(ioctl(fd, FBIOPUT_VSCREENINFO, &same) == 0);
    struct fb_var_screeninfo other = var;
    other.xres = var.xres / 2;
    CHECK(ioctl(fd, FBIOPUT_VSCREENINFO, &other) == -1 && errno == EINVAL);
    CHECK(ioctl(fd, FBIOPAN_DISPLAY, &var) == 0);

    volatile uint32_t *px = mmap(NULL, fix.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(px != MAP_FAILED);
    volatile uint32_t *regs =
        mmap(NULL, fix.mmio_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, fix.smem_len);
    CHECK(regs != MAP_FAILED);
    if (px == MAP_FAILED || regs == MAP_FAILED)
        return 1;
    CHECK(regs[0] == var.xres && regs[1] == var.yres && regs[2] == fix.line_length);
    /* /proc/self/maps names the device file, shared, at its file offsets. */
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[256];
    int named = 0;
    while (maps && fgets(line, sizeof line, maps))
        if (strstr(line, " /dev/fb0\n") && strstr(line, "rw-s "))
            named++;
    if (maps)
        fclose(maps);
    CHECK(named == 2);
    fflush(stdout);

    unsigned half = var.yres / 2;
    pid_t pid = fork();
    if (pid == 0) {
        draw(px, &var, &fix, half, var.yres);
        regs[REG_FRAME_DONE / 4] = 1;
        _exit(fails ? 1 : 0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* The child's pixels, seen through the parent's mapping. */
    unsigned seen = 0;
    for (unsigned y = half; y < var.yres; y++)
        for (unsigned x = 0; x < var.xres; x++)
            seen += px[y * (fix.line_length / 4) + x] == pattern_pixel(x, y);
    CHECK(seen == (var.yres - half) * var.xres);
    CHECK(regs[REG_FRAME_DONE / 4] == 1);
    draw(px, &var, &fix, 0, half);
    regs[REG_FRAME_DONE / 4] = 1;
    CHECK(regs[REG_FRAME_DONE / 4] == 2);
    /* read(2) of the device file sees the same pixels. */
    uint32_t first[4];
    CHECK(pread(fd, first, sizeof first, 0) == sizeof first);
    CHECK(first[1] == pattern_pixel(1, 0));
    /* A system call reading from the mapping (the kernel's copy from device
     * memory): write(2) of mapped pixels into a pipe. */
    int p[2];
    uint32_t back[4] = {0};
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], (const void *)(px + 2), sizeof back) == sizeof back);
    CHECK(read(p[0], back, sizeof back) == sizeof back);
    CHECK(back[0] == pattern_pixel(2, 0) && back[3] == pattern_pixel(5, 0));
    printf("fbdraw: %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
