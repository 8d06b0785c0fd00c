/* /dev/fb0 and /dev/vmsim-timer (see devfile.h). The fbdev structures are
 * laid out as <linux/fb.h> on riscv64 (LP64): fb_var_screeninfo 160 bytes,
 * fb_fix_screeninfo 80. */
#include "devfile.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "file.h"
#include "../mm/mm.h"
#include "../proc/proc.h"
#include "vfs.h"

#define LX_FBIOGET_VSCREENINFO 0x4600
#define LX_FBIOPUT_VSCREENINFO 0x4601
#define LX_FBIOGET_FSCREENINFO 0x4602
#define LX_FBIOPAN_DISPLAY 0x4606
#define LX_FBIOBLANK 0x4611
#define LX_FB_TYPE_PACKED_PIXELS 0
#define LX_FB_VISUAL_TRUECOLOR 2

struct lx_fb_bitfield {
    uint32_t offset, length, msb_right;
};

struct lx_fb_var_screeninfo {
    uint32_t xres, yres, xres_virtual, yres_virtual, xoffset, yoffset;
    uint32_t bits_per_pixel, grayscale;
    struct lx_fb_bitfield red, green, blue, transp;
    uint32_t nonstd, activate, height, width, accel_flags;
    uint32_t pixclock, left_margin, right_margin, upper_margin, lower_margin;
    uint32_t hsync_len, vsync_len, sync, vmode, rotate, colorspace;
    uint32_t reserved[4];
};
_Static_assert(sizeof(struct lx_fb_var_screeninfo) == 160, "linux/fb.h layout");

struct lx_fb_fix_screeninfo {
    char id[16];
    uint64_t smem_start;
    uint32_t smem_len, type, type_aux, visual;
    uint16_t xpanstep, ypanstep, ywrapstep;
    uint32_t line_length;
    uint64_t mmio_start;
    uint32_t mmio_len, accel;
    uint16_t capabilities, reserved[2];
};
_Static_assert(sizeof(struct lx_fb_fix_screeninfo) == 80, "linux/fb.h layout");
_Static_assert(offsetof(struct lx_fb_fix_screeninfo, line_length) == 48, "linux/fb.h layout");
_Static_assert(offsetof(struct lx_fb_fix_screeninfo, mmio_start) == 56, "linux/fb.h layout");

/* What /proc/PID/maps shows for the mappings: /dev is devtmpfs (dev 00:05,
 * as dev_fstat in file.c), these are the nodes' inode numbers. */
#define DEVFS_DEV 5
static const struct vma_device fb_vdev = {.path = "/dev/fb0", .rdev = DEVFS_DEV, .ino = 200};
static const struct vma_device timer_vdev = {
    .path = "/dev/vmsim-timer", .rdev = DEVFS_DEV, .ino = 201};

static struct machine *proc_machine(struct proc *p)
{
    return kernel_machine(mm_kernel(p->mm));
}

/* ---- file operations ----------------------------------------------------- */

static int fb_fstat(struct file *f, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0666;
    st->st_rdev = makedev(29, 0); /* Linux FB_MAJOR */
    st->st_dev = DEVFS_DEV;
    st->st_ino = fb_vdev.ino;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

static int timer_fstat(struct file *f, struct stat *st)
{
    fb_fstat(f, st);
    st->st_rdev = makedev(10, 240); /* a misc device (local-use minor) */
    st->st_ino = timer_vdev.ino;
    return 0;
}

/* fb_read: bytes of the pixel memory; 0 at and past its end. */
static int64_t fb_pread(struct file *f, void *buf, uint64_t len, uint64_t off)
{
    const struct fb_device *fb = f->priv;
    if (off >= fb->mem_size)
        return 0;
    if (len > fb->mem_size - off)
        len = fb->mem_size - off;
    memcpy(buf, fb->mem + off, len);
    return (int64_t)len;
}

/* fb_write: -EFBIG past the end, -ENOSPC when nothing fits. */
static int64_t fb_pwrite(struct file *f, const void *buf, uint64_t len, uint64_t off)
{
    struct fb_device *fb = f->priv;
    if (off > fb->mem_size)
        return -EFBIG;
    if (len > fb->mem_size - off)
        len = fb->mem_size - off;
    if (len == 0)
        return -ENOSPC;
    memcpy(fb->mem + off, buf, len);
    return (int64_t)len;
}

static int64_t fb_read(struct file *f, void *buf, uint64_t len)
{
    int64_t n = fb_pread(f, buf, len, f->pos);
    if (n > 0)
        f->pos += (uint64_t)n;
    return n;
}

static int64_t fb_write(struct file *f, const void *buf, uint64_t len)
{
    int64_t n = fb_pwrite(f, buf, len, f->pos);
    if (n > 0)
        f->pos += (uint64_t)n;
    return n;
}

static int64_t fb_lseek(struct file *f, int64_t off, int whence)
{
    const struct fb_device *fb = f->priv;
    int64_t base = whence == 0   ? 0
                   : whence == 1 ? (int64_t)f->pos
                   : whence == 2 ? (int64_t)fb->mem_size
                                 : -1;
    /* (-base, not -off: off may be INT64_MIN; a sum past INT64_MAX is EINVAL) */
    if (base < 0 || (off < 0 ? off < -base : off > INT64_MAX - base))
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (int64_t)f->pos;
}

static int64_t timer_lseek(struct file *f, int64_t off, int whence)
{
    f->pos = 0;
    return 0;
}

static const struct file_ops fb_ops = {
    .read = fb_read,
    .write = fb_write,
    .pread = fb_pread,
    .pwrite = fb_pwrite,
    .lseek = fb_lseek,
    .fstat = fb_fstat,
};
static const struct file_ops timer_ops = {.lseek = timer_lseek, .fstat = timer_fstat};

const struct file_ops *devfile_ops(int virt)
{
    return virt == VFS_DEV_FB0 ? &fb_ops : &timer_ops;
}

bool devfile_is(const struct file *f)
{
    return f->ops == &fb_ops || f->ops == &timer_ops;
}

int devfile_open(struct proc *p, int virt, int flags, const char *path, struct file **out)
{
    struct machine *m = proc_machine(p);
    bool fb = virt == VFS_DEV_FB0;
    if (fb && !m->has_fb)
        return -ENXIO; /* a node without its device */
    struct file *f = file_new(fb ? &fb_ops : &timer_ops, flags);
    if (!f)
        return -ENOMEM;
    f->priv = fb ? (void *)&m->fb : (void *)&m->timer;
    f->path = strdup(path);
    if (!f->path) {
        file_put(f);
        return -ENOMEM;
    }
    *out = f;
    return 0;
}

/* ---- fbdev ioctls --------------------------------------------------------- */

static void fb_get_var(const struct fb_device *fb, struct lx_fb_var_screeninfo *v)
{
    *v = (struct lx_fb_var_screeninfo){
        .xres = fb->width,
        .yres = fb->height,
        .xres_virtual = fb->width,
        .yres_virtual = fb->height,
        .bits_per_pixel = 32,
        .red = {16, 8, 0},
        .green = {8, 8, 0},
        .blue = {0, 8, 0},
        .transp = {0, 0, 0},
        .height = UINT32_MAX,
        .width = UINT32_MAX, /* size in mm: unknown */
    };
}

static void fb_get_fix(const struct fb_device *fb, struct lx_fb_fix_screeninfo *x)
{
    *x = (struct lx_fb_fix_screeninfo){
        .smem_start = FB_MEM_BASE,
        .smem_len = (uint32_t)fb->mem_size,
        .type = LX_FB_TYPE_PACKED_PIXELS,
        .visual = LX_FB_VISUAL_TRUECOLOR,
        .line_length = fb->stride,
        .mmio_start = FB_REGS_BASE,
        .mmio_len = FB_REGS_SIZE,
    };
    memcpy(x->id, "vmsim-fb", 9);
}

/* The request names the mode we have (the only one we can show). */
static bool fb_var_same(const struct lx_fb_var_screeninfo *a, const struct lx_fb_var_screeninfo *b)
{
    return a->xres == b->xres && a->yres == b->yres && a->xres_virtual == b->xres_virtual &&
           a->yres_virtual == b->yres_virtual && a->xoffset == b->xoffset &&
           a->yoffset == b->yoffset && a->bits_per_pixel == b->bits_per_pixel;
}

int64_t devfile_ioctl(struct proc *p, struct file *f, unsigned cmd, uint64_t g_arg)
{
    if (f->ops != &fb_ops)
        return -ENOTTY;
    const struct fb_device *fb = f->priv;
    struct lx_fb_var_screeninfo cur, req;
    fb_get_var(fb, &cur);
    int rc;
    switch (cmd) {
    case LX_FBIOGET_VSCREENINFO:
        return user_copyout(p, g_arg, &cur, sizeof cur);
    case LX_FBIOGET_FSCREENINFO: {
        struct lx_fb_fix_screeninfo fix;
        fb_get_fix(fb, &fix);
        return user_copyout(p, g_arg, &fix, sizeof fix);
    }
    case LX_FBIOPUT_VSCREENINFO:
        if ((rc = user_copyin(p, &req, g_arg, sizeof req)) != 0)
            return rc;
        if (!fb_var_same(&req, &cur))
            return -EINVAL;                              /* one fixed mode */
        return user_copyout(p, g_arg, &cur, sizeof cur); /* fbdev writes back the mode */
    case LX_FBIOPAN_DISPLAY:
        if ((rc = user_copyin(p, &req, g_arg, sizeof req)) != 0)
            return rc;
        return req.xoffset == 0 && req.yoffset == 0 ? 0 : -EINVAL;
    case LX_FBIOBLANK:
        return 0;
    }
    return -ENOTTY;
}

/* ---- mmap ------------------------------------------------------------------ */

int64_t devfile_mmap(struct proc *p, struct file *f, const uint64_t a[6])
{
    uint64_t len = a[1], off = a[5];
    int prot = (int)a[2], flags = (int)a[3];
    int type = flags & LX_MAP_TYPE;
    if (len == 0)
        return -EINVAL;
    /* fbdev's mmap refuses private mappings of device memory (as does ours
     * for the timer: a private copy of registers means nothing). */
    if (type != LX_MAP_SHARED && type != LX_MAP_SHARED_VALIDATE)
        return -EINVAL;
    int acc = f->flags & LX_O_ACCMODE;
    if (acc == LX_O_WRONLY || ((prot & LX_PROT_WRITE) && acc != LX_O_RDWR))
        return -EACCES;
    uint64_t plen = (len + PAGE_MASK) & ~PAGE_MASK;
    if (plen < len)
        return -ENOMEM;
    const struct vma_device *vdev;
    uint64_t base;
    if (f->ops == &fb_ops) {
        /* fb_mmap: the pixels, then past smem_len the register block. */
        const struct fb_device *fb = f->priv;
        vdev = &fb_vdev;
        if (off < fb->mem_size) {
            if (plen > fb->mem_size - off)
                return -EINVAL;
            base = FB_MEM_BASE + off;
        } else {
            uint64_t roff = off - fb->mem_size;
            if (roff >= FB_REGS_SIZE || plen > FB_REGS_SIZE - roff)
                return -EINVAL;
            base = FB_REGS_BASE + roff;
        }
    } else {
        vdev = &timer_vdev;
        if (off >= TIMER_SIZE || plen > TIMER_SIZE - off)
            return -EINVAL;
        base = TIMER_BASE + off;
    }
    vaddr_t out;
    int rc = mm_mmap_device(p->mm, va(a[0]), plen, prot & 7, flags, vdev, off, pa_to_pfn(pa(base)),
                            &out);
    return rc ? rc : (int64_t)out.v;
}
