/* The file-system sandbox (issue 4): what the guest sees as its file tree.
 *
 * The guest's "/" is a host directory (root); absolute paths are first looked
 * up in a second host directory (sysroot), as qemu-riscv64 -L does, so the
 * dynamic loader finds /lib/libc.so.6 of the cross toolchain. /dev/null,
 * /dev/zero, /dev/urandom are virtual; /proc is virtual (empty for now).
 *
 * Resolution happens entirely in guest path space: "." and ".." are
 * normalised (never above "/"), symlinks are read with readlinkat and their
 * targets re-resolved inside the sandbox (an absolute target starts again
 * from the sandbox root, as under chroot), at most VFS_MAX_HOPS of them
 * (ELOOP). The host tree is walked one component at a time with
 * O_NOFOLLOW|O_PATH directory fds, so no path, ".." or symlink -- not even
 * one swapped in during the walk -- leads outside root or sysroot. */
#ifndef VMSIM_KERNEL_VFS_H
#define VMSIM_KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>

struct proc;
struct vfile;

#define VFS_PATH_MAX 4096   /* PATH_MAX incl. the NUL */
#define VFS_NAME_MAX 255
#define VFS_MAX_HOPS 40     /* symlinks followed in one lookup (Linux MAXSYMLINKS) */

/* The Debian riscv64 cross sysroot (package libc6-riscv64-cross): what
 * qemu-riscv64 users pass with -L. The one host path vmsim knows; used as the
 * default sysroot only when it exists. */
#define VFS_DEFAULT_SYSROOT "/usr/riscv64-linux-gnu"

struct vfs_config {
    const char *root;      /* host directory seen as "/" */
    const char *sysroot;   /* host directory searched first for absolute paths, or NULL */
};

/* root ".", sysroot VFS_DEFAULT_SYSROOT if that directory exists, else NULL. */
void vfs_config_default(struct vfs_config *cfg);

/* Command-line options of `vmsim run`: --root DIR, -L DIR, --sysroot DIR
 * (also --root=DIR, --sysroot=DIR). argv[*i] is the option; consumes its
 * value (advancing *i). Returns 1 if consumed, 0 if argv[*i] is not one of
 * these, -1 after printing a message when the value is missing or not a
 * directory. The strings stay owned by argv. */
int vfs_parse_option(int argc, char **argv, int *i, struct vfs_config *cfg);

/* Per-process file-system context (Linux's fs_struct): the sandbox, the
 * current directory (a canonical guest path) and the umask. Refcounted. */
struct fs;

/* A new context with cwd "/" and umask 022 for the sandbox cfg (the
 * directories are opened now; cfg's strings are not kept). NULL if root
 * cannot be opened as a directory (errno says why). */
struct fs *fs_new(const struct vfs_config *cfg);
/* fork: a copy (cwd and umask copied, the sandbox shared). NULL on OOM. */
struct fs *fs_fork(struct fs *fs);
void fs_put(struct fs *fs);

/* The guest's current directory (canonical, absolute). */
const char *fs_cwd(const struct fs *fs);

/* Resolves guest_path (relative to p's cwd) in p's sandbox, following
 * symlinks, and opens it for mapping (read-only): for execve and for the
 * program interpreter (for_interp: the name in err says "interpreter").
 * Returns 0 with *out (a reference: vfile_put it), or -ENOENT, -EACCES (not
 * a regular file, not executable), -ENOTDIR, -ELOOP, -ENAMETOOLONG, with a
 * one-line reason in err. The vfile's name is the canonical guest path (what
 * /proc/PID/maps shows). */
int vfs_open_vfile(struct proc *p, const char *guest_path, bool for_interp, struct vfile **out,
                   char *err, size_t errlen);

#endif
