/* The file-system sandbox (issue 4): what the guest sees as its file tree.
 *
 * The guest's "/" is a host directory (root); absolute paths are first looked
 * up in a second host directory (sysroot), as qemu-riscv64 -L does, so the
 * dynamic loader finds /lib/libc.so.6 of the cross toolchain. Unlike qemu, a
 * directory that exists in both trees is root's ("/" above all: listing it,
 * or chdir("/") and a relative open, see the guest's files). /dev/null,
 * /dev/zero, /dev/urandom, /dev/fb0 and /dev/vmsim-timer (devfile.h) are
 * virtual; /proc is virtual (procfs.h).
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
#include <stdint.h>

#include "../uapi/abi.h"

struct proc;
struct vfile;

#define VFS_PATH_MAX LX_PATH_MAX   /* PATH_MAX incl. the NUL */
#define VFS_NAME_MAX 255
#define VFS_MAX_HOPS 40     /* symlinks followed in one lookup (Linux MAXSYMLINKS) */

/* The Debian riscv64 cross sysroot (package libc6-riscv64-cross): what
 * qemu-riscv64 users pass with -L. The one host path vmsim knows; used as the
 * default sysroot only when it exists. */
#define VFS_DEFAULT_SYSROOT "/usr/riscv64-linux-gnu"

struct vfs_config {
    const char *root;      /* host directory seen as "/" */
    const char *sysroot;   /* host directory searched first for absolute paths, or NULL */
    /* tmpfs mounts besides /dev/shm (issue 16: --tmpfs, tmpfs.h) and their
     * size limit in bytes (--tmpfs-size; 0: half of RAM) */
    const char *tmpfs[8];
    int ntmpfs;
    uint64_t tmpfs_size;
    const char *cwd;       /* the first process's working directory (a guest path),
                            * or NULL: vfs_default_cwd */
};

/* The default working directory of the first process: the guest path of
 * the host's working directory when it lies inside root, else "/". */
void vfs_default_cwd(const struct vfs_config *cfg, char *out, size_t outlen);

/* root ".", sysroot VFS_DEFAULT_SYSROOT if that directory exists, else NULL. */
void vfs_config_default(struct vfs_config *cfg);

/* Command-line options of `vmsim run`: --root DIR, -L DIR, --sysroot DIR
 * (also --root=DIR, --sysroot=DIR), --tmpfs GUEST_DIR, --tmpfs-size SIZE,
 * --cwd DIR (a guest path, checked when the first process starts). argv[*i]
 * is the option; consumes its
 * value (advancing *i). Returns 1 if consumed, 0 if argv[*i] is not one of
 * these, -1 after printing a message when the value is missing or not a
 * directory. The strings stay owned by argv. */
int vfs_parse_option(int argc, char **argv, int *i, struct vfs_config *cfg);

/* The guest path of the program `vmsim run` starts (host path host_path), as
 * its maps and /proc/PID/exe show it: where it lies inside root, or else the
 * sysroot, its path there; otherwise "/" and its file name (absolute, as
 * glibc's static startup requires; a host path is never shown to the guest). */
/* Returns true when the program lies inside root or the sysroot (the name
 * is then a path the guest can open). */
bool vfs_guest_name(const struct vfs_config *cfg, const char *host_path, char *out, size_t outlen);

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
/* One more reference to the context (CLONE_FS: threads, and processes
 * made by clone with it, share one). */
struct fs *fs_get(struct fs *fs);

/* The context's holder: a process using fs (not a reference), whose
 * /proc/self lookups in fs resolve to (procfs.h) unless the calling
 * process is another user of fs (CLONE_FS), which sees itself. Set when a
 * process gets its context (first exec, fork), and when the holder lets
 * go of a context others still use. */
void fs_set_proc(struct fs *fs, struct proc *p);
struct proc *fs_proc(const struct fs *fs);

/* The tmpfs mounts of fs's sandbox (tmpfs.h). */
struct tmpfs *fs_tmpfs(struct fs *fs);
/* The Unix socket names bound in fs's sandbox (socket.h); NULL on OOM. */
struct unix_ns *fs_unix_ns(struct fs *fs);
/* The System V shared memory segments of fs's sandbox (ipc_shm.h); NULL on OOM. */
struct sysv_shm *fs_sysv_shm(struct fs *fs);

/* The guest's current directory (canonical, absolute). */
const char *fs_cwd(const struct fs *fs);

/* Resolves guest_path (relative to p's cwd) in p's sandbox, following
 * symlinks, and opens it for mapping (read-only): for execve and for the
 * program interpreter (for_interp: the name in err says "interpreter").
 * Returns 0 with *out (a reference: vfile_put it), or -ENOENT, -EACCES (not
 * a regular file, not executable), -ENOTDIR, -ELOOP, -ENAMETOOLONG, with
 * the reason in err (without the path: the caller names the file; for_interp
 * is only a hint). The vfile's name is the canonical guest path (what
 * /proc/PID/maps shows). */
int vfs_open_vfile(struct proc *p, const char *guest_path, bool for_interp, struct vfile **out,
                   char *err, size_t errlen);

/* ---- lookups (for the file syscalls) ------------------------------------ */

#include <sys/stat.h>

enum vfs_base { VFS_ROOT = 0, VFS_SYSROOT = 1 };
/* What a canonical guest path names when it is not a host file. */
enum vfs_virt { VFS_HOST = 0, VFS_DEV_DIR, VFS_DEV_NULL, VFS_DEV_ZERO, VFS_DEV_URANDOM,
                 VFS_DEV_FB0, VFS_DEV_TIMER, /* issue 7: devfile.h */
                VFS_PROC, /* anything under /proc (procfs.h): path names it, st says what */
                VFS_TMPFS, VFS_TMPFS_DIR, /* issue 16: a file in / the directory of a tmpfs mount */
                VFS_DEV_FULL, VFS_DEV_TTY, /* issue 12: /dev/full, /dev/tty (no terminal) */
                VFS_DEV_FD,    /* /dev/fd/N, /dev/stdin|stdout|stderr: descriptor fdnum */
                VFS_DEV_FDDIR  /* inside /dev/fd while walking */ };

#define VFS_FOLLOW 1   /* follow a symlink in the last component */
#define VFS_CREATE 2   /* the last component may be missing (its directory must exist) */

/* The result of a lookup. For a host object, the caller operates on it with
 * the *at() calls on (dirfd, name), always with O_NOFOLLOW /
 * AT_SYMLINK_NOFOLLOW: the walk already followed what was to be followed. */
struct vfs_lookup {
    int base;                    /* enum vfs_base: the tree the object is in */
    int virt;                    /* enum vfs_virt */
    int fdnum;                   /* VFS_DEV_FD: the descriptor */
    int dirfd;                   /* O_PATH fd of its directory (owned), -1 if virtual */
    char name[VFS_NAME_MAX + 1]; /* its name in dirfd; "." when it is dirfd itself */
    bool exists;                 /* false: VFS_CREATE and the name is free */
    bool trailing_slash;         /* the path ended in "/": it must be a directory */
    struct stat st;              /* when it exists (lstat: a symlink not followed is one) */
    char path[VFS_PATH_MAX];     /* canonical guest path, absolute */
};

/* Resolves path (absolute, or relative to the directory start_dir of tree
 * start_base; start_dir NULL: the cwd) as described at the top. Absolute
 * paths are tried in the sysroot first and used from there when they exist
 * (a directory only if root has no directory of that name).
 * 0 with *out filled (release it with vfs_lookup_done), or -ENOENT, -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG, -EACCES. An empty path is -ENOENT. */
int vfs_lookup(struct fs *fs, int start_base, const char *start_dir, const char *path, int flags,
               struct vfs_lookup *out);
void vfs_lookup_done(struct vfs_lookup *l);

/* The sysroot is read-only to the guest, whoever runs vmsim (a guest must
 * not rewrite the cross libc that programs outside the sandbox link with):
 * -EROFS if l is in the sysroot (an object there, or a new name in one of
 * its directories), else 0. Every call that would change a looked-up object
 * or its directory asks this first; descriptors carry their tree (file.h
 * base) for the f*() calls. */
int vfs_may_modify(const struct vfs_lookup *l);

/* chdir(2) to a looked-up directory: 0, -ENOTDIR, -EACCES (no search permission). */
int fs_chdir(struct fs *fs, const struct vfs_lookup *l);
int fs_cwd_base(const struct fs *fs);
/* umask(2): sets the mask, returns the old one. */
unsigned fs_umask(struct fs *fs, unsigned mask);
unsigned fs_get_umask(const struct fs *fs);

/* A vfile for the host file open at fd (which the caller still owns), named
 * name, for the page cache of p's kernel. NULL with *err = -errno. */
struct kernel;
struct vfile *vfs_vfile_from_fd(struct kernel *k, int fd, const char *name, bool writable,
                                int *err);

#endif
