/* /proc inside the guest (issue 6), in Linux's formats and semantics.
 *
 * The tree:
 *   /proc/self            symlink to the caller's pid ("1000")
 *   /proc/meminfo, /proc/vmstat
 *   /proc/PID/            one directory per process in the table (zombies too)
 *       maps smaps smaps_rollup status statm cmdline   text, generated
 *       environ comm                                     (comm also written: a rename)
 *       pagemap                                          64-bit entries, by offset
 *       stat                                             fs/proc/array.c's 52 fields
 *       exe, cwd                                         symlinks: the program, the cwd
 *
 * Names are canonical guest paths ("/proc/1000/maps"); the sandbox walk
 * (vfs.c) hands every component under /proc to procfs_step and, at the end,
 * marks the lookup VFS_PROC with that path. Following /proc/self or
 * /proc/PID/exe happens in the walk like any symlink.
 *
 * Text files behave like Linux's seq_file: the content is generated on the
 * first read and again by every read that starts at offset 0 (so pread(fd,
 * buf, n, 0) or lseek(0) + read sees the current state); reads further on
 * are served from that snapshot. lseek takes SEEK_SET and SEEK_CUR only.
 * pagemap is generated on demand for the entries asked (offset = vpn * 8;
 * offset and length must be multiples of 8, like Linux). Files are opened
 * read-only: the guest is an unprivileged user (uid 1000), so a write open
 * is EACCES; comm (0644) is the exception, as in Linux. Unlike Linux for such a user, pagemap shows the PFNs (vmsim is
 * made to show them).
 *
 * A file names its process by pid; once the process is reaped, reads give
 * -ESRCH, as on Linux. */
#ifndef VMSIM_KERNEL_PROCFS_H
#define VMSIM_KERNEL_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../../machine/sv48.h"

struct proc;
struct file;
struct kernel;
struct vma;

enum procfs_type { PROCFS_DIR = 1, PROCFS_REG, PROCFS_LNK };

/* One step of a walk: the entry `name` of the /proc directory `dir` (a
 * canonical path: "/proc" or "/proc/PID"), as seen by process self.
 * Returns 0 with *type; for a symlink its target in target (tlen bytes:
 * "1000" for self, the program's guest path for exe). -ENOENT if there is
 * no such entry (or the process has no program any more: exe of a zombie).
 * -ENOTDIR if dir is not a directory of /proc. */
int procfs_step(struct proc *self, const char *dir, const char *name, int *type, char *target,
                size_t tlen);

/* stat(2) of the /proc object at canonical path (the walk found it): host
 * layout, owned by the host's euid (which the guest sees as itself).
 * Symlinks are reported as symlinks (the caller followed what it wanted).
 * 0 or -ENOENT. */
int procfs_stat(struct proc *self, const char *path, struct stat *st);

/* readlink(2) of a /proc symlink: the target's length (not NUL-terminated
 * in buf, truncated to len), -EINVAL if path is not a symlink, -ENOENT. */
int64_t procfs_readlink(struct proc *self, const char *path, char *buf, size_t len);

/* open(2) of the /proc object at path with the guest's flags (LX_O_*).
 * 0 with *out (one reference), or -EACCES (write access, O_CREAT on a name
 * that is not there), -EISDIR, -ENOTDIR, -EEXIST, -ENOENT, -ENOMEM. */
int procfs_open(struct proc *self, const char *path, int flags, struct file **out);

#endif
