/* tmpfs (issue 16): directories of the guest's tree whose files live only
 * in simulated RAM. /dev/shm is always one (so glibc's shm_open and
 * shm_unlink work unchanged); `vmsim run --tmpfs GUEST_PATH` adds others.
 * A mount is one flat directory of shmem files (shmfile.h); its size limit
 * (pages held, in frames or swap; default half of RAM, `--tmpfs-size`)
 * makes a write past it ENOSPC. The mounts belong to the sandbox (vfs.c)
 * and end with the run. */
#ifndef VMSIM_KERNEL_TMPFS_H
#define VMSIM_KERNEL_TMPFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "file.h"
#include "../proc/proc.h"

#define TMPFS_MAX_MOUNTS 8

struct tmpfs;
struct tmpfs_mount;

/* The mounts at the canonical guest directories paths[0..n) plus /dev/shm,
 * each limited to limit bytes (0: half of RAM). NULL on OOM. */
struct tmpfs *tmpfs_new(const char *const *paths, int n, uint64_t limit);
void tmpfs_free(struct tmpfs *t);
/* The mount whose directory is the canonical path dir, or NULL. */
struct tmpfs_mount *tmpfs_mount_at(struct tmpfs *t, const char *dir);
/* May the mount hold pages more pages? */
bool tmpfs_room(struct tmpfs_mount *m, uint64_t pages);

/* For a canonical path in a mount (the mount's directory or a file in it):
 * its stat; -ENOENT if there is no such file. */
int tmpfs_stat(struct tmpfs *t, const char *path, struct stat *st);
/* open(2) of a file in a mount (O_CREAT, O_EXCL, O_TRUNC as Linux).
 * 0 with *out, or -ENOENT, -EEXIST, -EACCES, -ENOMEM, -ENOSPC. */
int tmpfs_open(struct proc *p, struct tmpfs *t, const char *path, int flags, unsigned mode,
               struct file **out);
/* unlink(2) of a file in a mount: 0 or -ENOENT (open descriptions and
 * mappings keep the object). */
int tmpfs_unlink(struct tmpfs *t, const char *path);
/* The open directory of a mount (getdents lists its files). */
int tmpfs_open_dir(struct tmpfs *t, const char *path, int flags, struct file **out);

#endif
