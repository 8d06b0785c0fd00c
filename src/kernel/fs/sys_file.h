/* File system calls (issue 4): descriptors (sys_file.c), paths
 * (sys_path.c), attributes (sys_attr.c) and poll/select (sys_poll.c), on the open files of file.h and the sandbox of vfs.h. Each
 * has the sys_fn signature of syscall.h: a[] = a0..a5, returns a result or
 * -errno (or -LX_ERESTART_BLOCK when it must wait: pipes). */
#ifndef VMSIM_KERNEL_SYS_FILE_H
#define VMSIM_KERNEL_SYS_FILE_H

#include "../proc/proc.h"

struct file;

/* descriptors */
int64_t sys_read(struct proc *p, const uint64_t a[6]);
int64_t sys_write(struct proc *p, const uint64_t a[6]);
int64_t sys_readv(struct proc *p, const uint64_t a[6]);
int64_t sys_writev(struct proc *p, const uint64_t a[6]);
int64_t sys_pread64(struct proc *p, const uint64_t a[6]);
int64_t sys_pwrite64(struct proc *p, const uint64_t a[6]);
int64_t sys_preadv(struct proc *p, const uint64_t a[6]);
int64_t sys_pwritev(struct proc *p, const uint64_t a[6]);
int64_t sys_close(struct proc *p, const uint64_t a[6]);
int64_t sys_lseek(struct proc *p, const uint64_t a[6]);
int64_t sys_fstat(struct proc *p, const uint64_t a[6]);
int64_t sys_getdents64(struct proc *p, const uint64_t a[6]);
int64_t sys_ftruncate(struct proc *p, const uint64_t a[6]);
int64_t sys_fallocate(struct proc *p, const uint64_t a[6]);
/* memory mapping of a descriptor (sys_mmap.c) */
int64_t sys_mmap(struct proc *p, const uint64_t a[6]);
int64_t sys_fsync(struct proc *p, const uint64_t a[6]);   /* also fdatasync */
int64_t sys_dup(struct proc *p, const uint64_t a[6]);
int64_t sys_dup3(struct proc *p, const uint64_t a[6]);
int64_t sys_fcntl(struct proc *p, const uint64_t a[6]);
int64_t sys_ioctl(struct proc *p, const uint64_t a[6]);
int64_t sys_pipe2(struct proc *p, const uint64_t a[6]);
int64_t sys_fchdir(struct proc *p, const uint64_t a[6]);
int64_t sys_fchmod(struct proc *p, const uint64_t a[6]);

/* write(2) to a pipe, and write/send to a blocking stream socket, wait
 * until all of it is written, as Linux's: once moves what fits now (bytes,
 * or an error / -LX_ERESTART_BLOCK when nothing moved); the part written
 * before it must wait is remembered in f, and the retried ecall is given
 * the rest (a1 = buffer, a2 = length, advanced in the registers), so a
 * signal ends the call with the count done (proc.h, partial). */
int64_t sys_write_all(struct proc *p, struct file *f, uint64_t g_buf, uint64_t len,
                      int64_t (*once)(struct proc *, struct file *, uint64_t, uint64_t, void *),
                      void *ctx);

/* copies between descriptors (sys_copy.c) */
int64_t sys_sendfile(struct proc *p, const uint64_t a[6]);
int64_t sys_copy_file_range(struct proc *p, const uint64_t a[6]);

/* waiting for descriptors (sys_poll.c) */
int64_t sys_ppoll(struct proc *p, const uint64_t a[6]);
int64_t sys_pselect6(struct proc *p, const uint64_t a[6]);

/* paths */
int64_t sys_openat(struct proc *p, const uint64_t a[6]);
int64_t sys_newfstatat(struct proc *p, const uint64_t a[6]);
int64_t sys_statx(struct proc *p, const uint64_t a[6]);
int64_t sys_readlinkat(struct proc *p, const uint64_t a[6]);
int64_t sys_faccessat(struct proc *p, const uint64_t a[6]);
int64_t sys_faccessat2(struct proc *p, const uint64_t a[6]);
int64_t sys_mkdirat(struct proc *p, const uint64_t a[6]);
int64_t sys_mknodat(struct proc *p, const uint64_t a[6]);
int64_t sys_unlinkat(struct proc *p, const uint64_t a[6]);
int64_t sys_renameat2(struct proc *p, const uint64_t a[6]);
int64_t sys_symlinkat(struct proc *p, const uint64_t a[6]);
int64_t sys_linkat(struct proc *p, const uint64_t a[6]);
int64_t sys_fchmodat(struct proc *p, const uint64_t a[6]);
int64_t sys_truncate(struct proc *p, const uint64_t a[6]);
int64_t sys_umask(struct proc *p, const uint64_t a[6]);
int64_t sys_getcwd(struct proc *p, const uint64_t a[6]);
int64_t sys_chdir(struct proc *p, const uint64_t a[6]);
int64_t sys_utimensat(struct proc *p, const uint64_t a[6]);
int64_t sys_fchownat(struct proc *p, const uint64_t a[6]);
int64_t sys_fchown(struct proc *p, const uint64_t a[6]);
int64_t sys_statfs(struct proc *p, const uint64_t a[6]);
int64_t sys_fstatfs(struct proc *p, const uint64_t a[6]);

/* Shared by sys_path.c and sys_attr.c: a path from the guest (0, -EFAULT,
 * -ENAMETOOLONG); the lookup of path relative to dirfd (AT_FDCWD: the cwd;
 * release with vfs_lookup_done); stat of (dirfd, path) with AT_* flags. */
struct vfs_lookup;
int sys_get_path(struct proc *p, uint64_t g_path, char *buf);
/* RLIMIT_FSIZE for a write of *len bytes at offset at of a regular file:
 * past the limit, SIGXFSZ and -EFBIG; across it, *len shortened (Linux
 * generic_write_check_limits). 0 otherwise. */
int sys_fsize_check(struct proc *p, uint64_t at, uint64_t *len);
int sys_lookup_at(struct proc *p, int dirfd, const char *path, int flags, struct vfs_lookup *l);
/* The same for the guest's path string at g_path (EFAULT, ENAMETOOLONG). */
int sys_lookup_user(struct proc *p, int dirfd, uint64_t g_path, int flags, struct vfs_lookup *l);
struct stat;
int sys_stat_at(struct proc *p, int dirfd, uint64_t g_path, int flags, struct stat *st);

/* Shared by the files: struct stat of the generic ABI from a host stat. */
struct stat;
int sys_put_stat(struct proc *p, uint64_t g_st, const struct stat *hs);

/* Owners: files of the user running vmsim belong to the guest's user
 * (p->os->uid and gid, what getuid/getgid say); other ids pass unchanged. */
uint32_t sys_file_guest_id(const struct proc *p, uint32_t host_id, bool gid);


#endif
