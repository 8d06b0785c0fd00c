/* Files whose bytes live only in simulated RAM (issue 16): tmpfs files
 * (tmpfs.c), memfd_create(2) and the seals of fcntl(2). A shm_node is the
 * inode: one shmem object of the page cache (mm.h: vfile_new_shmem; the
 * same kind of object as shared anonymous memory, so it swaps and is
 * counted as Shmem), its seals, its owner and, for a tmpfs file, the mount
 * whose size limit it counts against. Each open(2) of it is a struct file
 * (f->vf: the object) over the node (f->priv). */
#ifndef VMSIM_KERNEL_SHMFILE_H
#define VMSIM_KERNEL_SHMFILE_H

#include "file.h"
#include "../proc/proc.h"

/* F_ADD_SEALS and friends (linux/fcntl.h) */
#define LX_F_ADD_SEALS 1033
#define LX_F_GET_SEALS 1034
#define LX_F_SEAL_SEAL 0x0001
#define LX_F_SEAL_SHRINK 0x0002
#define LX_F_SEAL_GROW 0x0004
#define LX_F_SEAL_WRITE 0x0008
#define LX_F_SEAL_FUTURE_WRITE 0x0010

struct shm_node;
struct tmpfs_mount;

/* A new node of kind (enum shmem_kind) named mapname in maps, with
 * permission bits mode, counting against mnt's limit (NULL: none). One
 * reference; NULL on OOM. */
struct shm_node *shm_node_new(struct kernel *k, int kind, const char *mapname, unsigned mode,
                              struct tmpfs_mount *mnt);
struct shm_node *shm_node_get(struct shm_node *n);
void shm_node_put(struct shm_node *n);
/* A new open file description of n with open flags (a new node reference). */
struct file *shm_node_open(struct shm_node *n, int flags, const char *path);
int shm_node_stat(const struct shm_node *n, struct stat *st);
/* O_TRUNC: size 0 (EPERM if sealed against shrinking). */
int shm_node_truncate(struct shm_node *n, uint64_t size);
/* Pages it holds (frames + swap): what a tmpfs mount counts. */
uint64_t shm_node_pages(const struct shm_node *n);

/* True when f is a shmem file (tmpfs file or memfd). */
bool file_is_shm(const struct file *f);
/* ftruncate(2) of a shmem file: seals, the mount's limit (ENOSPC). */
int shm_file_truncate(struct file *f, uint64_t size);
/* F_ADD_SEALS / F_GET_SEALS on f: as Linux (-EINVAL on other files). */
int shm_fcntl_seals(struct file *f, int cmd, uint64_t arg);
/* mmap of f: -EPERM for a shared writable mapping of a write-sealed file. */
int shm_mmap_check(struct file *f, int prot, int flags);

/* fallocate(2) of a shmem file: FALLOC_FL_PUNCH_HOLE|KEEP_SIZE frees the
 * range (EPERM when sealed against writes); mode 0 extends the size like
 * ftruncate (pages are made as touched); other modes EOPNOTSUPP. */
int shm_file_fallocate(struct file *f, int mode, uint64_t off, uint64_t len);

/* memfd_create(2) */
int64_t sys_memfd_create(struct proc *p, const uint64_t a[6]);

#endif
