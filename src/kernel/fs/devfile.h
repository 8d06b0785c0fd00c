/* The device files of memory-mapped I/O (issue 7): /dev/fb0 (the framebuffer,
 * with the Linux fbdev interface) and /dev/vmsim-timer (the timer/console
 * register page). Both are mapped with mmap(MAP_SHARED) into VMA_DEVICE
 * regions (devmap.c) whose PTEs point at the device's physical pages.
 *
 * /dev/fb0, as Linux's fbdev (drivers/video/fbdev/core/fb_chrdev.c):
 *   ioctl FBIOGET_VSCREENINFO, FBIOGET_FSCREENINFO; FBIOPUT_VSCREENINFO
 *   accepts only the current mode (-EINVAL for any change); FBIOPAN_DISPLAY
 *   accepts offset 0,0 (a no-op); FBIOBLANK is a no-op; others -ENOTTY.
 *   mmap offsets [0, smem_len) are the pixels, [smem_len, smem_len + 4096)
 *   the register block (fb_mmap's "mmio" part); a mapping must lie within
 *   one of them (-EINVAL), MAP_PRIVATE is -EINVAL.
 *   read/write/pread/pwrite/lseek reach the pixels as bytes (fb_read/fb_write).
 * /dev/vmsim-timer: mmap of offset 0, one page; MAP_PRIVATE is -EINVAL. */
#ifndef VMSIM_KERNEL_DEVFILE_H
#define VMSIM_KERNEL_DEVFILE_H

#include <stdbool.h>
#include <stdint.h>

struct file;
struct proc;

/* A new open description of device virt (VFS_DEV_FB0 or VFS_DEV_TIMER) for
 * p: 0 with *out, or -ENXIO (the machine has no such device), -ENOMEM.
 * flags: the open flags; path: the canonical guest path. */
int devfile_open(struct proc *p, int virt, int flags, const char *path, struct file **out);

/* The operations of device virt (VFS_DEV_FB0 or VFS_DEV_TIMER), for
 * file_new_dev's stat of a node that is not opened (only fstat may be
 * called on such a description: it has no device). */
const struct file_ops *devfile_ops(int virt);

/* Is f one of these device files? */
bool devfile_is(const struct file *f);

/* ioctl(2) on a device file; g_arg is the guest's argument pointer.
 * Returns 0 or -errno. */
int64_t devfile_ioctl(struct proc *p, struct file *f, unsigned cmd, uint64_t g_arg);

/* mmap(2) of a device file (a[] as for sys_mmap: addr, len, prot, flags,
 * fd, off; off is page-aligned). Returns the address or -errno. */
int64_t devfile_mmap(struct proc *p, struct file *f, const uint64_t a[6]);

#endif
