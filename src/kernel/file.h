/* Open files (issue 4): open file descriptions and per-process descriptor
 * tables.
 *
 * A struct file is an open file description (Linux's struct file): a
 * refcounted object with a kind-specific ops table, the open flags and the
 * file offset; dup and fork share it. Kinds: host regular files (read and
 * written through the page cache's vfile so read/write stay coherent with
 * shared mappings), host directories, pipe ends, /dev/null, /dev/zero,
 * /dev/urandom (a fixed-seed generator: reproducible), and the host's stdio
 * for the guest's fds 0-2.
 *
 * A struct files is a descriptor table (Linux's files_struct): up to
 * FILES_MAX descriptors (RLIMIT_NOFILE), each with its close-on-exec flag. */
#ifndef VMSIM_KERNEL_FILE_H
#define VMSIM_KERNEL_FILE_H

#include <stdbool.h>
#include <stdint.h>

struct proc;
struct vfile;
struct file;
struct files;

#define FILES_MAX 1024   /* RLIMIT_NOFILE */

/* A table whose fds 0, 1, 2 are the host's stdin, stdout, stderr. NULL on OOM. */
struct files *files_new_stdio(void);
/* fork: a new table with the same open file descriptions (each gains a
 * reference) and the same close-on-exec flags. NULL on OOM. */
struct files *files_fork(struct files *fs);
/* execve: closes every descriptor marked close-on-exec. */
void files_close_on_exec(struct files *fs);
/* Drops the table (closing every descriptor when the last user goes). */
void files_put(struct files *fs);

/* For mmap(2) of fd: the vfile to map (a new reference: vfile_put it) and
 * the fd's access mode in *open_mode (LX_O_RDONLY/LX_O_WRONLY/LX_O_RDWR).
 * -EBADF for a bad fd, -EACCES for a write-only fd (mmap needs read access),
 * -ENODEV for a file that cannot be mapped (pipe, directory, tty). /dev/zero
 * maps as anonymous memory: returns 0 with *out = NULL. A MAP_SHARED
 * PROT_WRITE mapping needs *open_mode == LX_O_RDWR (the caller checks:
 * -EACCES). */
int file_mmap_vfile(struct files *fs, int fd, struct vfile **out, int *open_mode);

/* open(2) flags of the generic Linux ABI (asm-generic/fcntl.h). */
#define LX_O_ACCMODE   00000003
#define LX_O_RDONLY    00000000
#define LX_O_WRONLY    00000001
#define LX_O_RDWR      00000002
#define LX_O_CREAT     00000100
#define LX_O_EXCL      00000200
#define LX_O_NOCTTY    00000400
#define LX_O_TRUNC     00001000
#define LX_O_APPEND    00002000
#define LX_O_NONBLOCK  00004000
#define LX_O_DSYNC     00010000
#define LX_O_DIRECT    00040000
#define LX_O_LARGEFILE 00100000
#define LX_O_DIRECTORY 00200000
#define LX_O_NOFOLLOW  00400000
#define LX_O_NOATIME   01000000
#define LX_O_CLOEXEC   02000000
#define LX_O_SYNC      04010000
#define LX_O_PATH      010000000
#define LX_O_TMPFILE   020200000

#endif
