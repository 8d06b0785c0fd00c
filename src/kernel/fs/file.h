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

#include "../uapi/abi.h"

struct proc;
struct vfile;
struct file;
struct files;

#define FILES_MAX LX_NOFILE_MAX   /* RLIMIT_NOFILE */

/* A table whose fds 0, 1, 2 are the host's stdin, stdout, stderr. NULL on OOM. */
struct files *files_new_stdio(void);
/* fork: a new table with the same open file descriptions (each gains a
 * reference) and the same close-on-exec flags. NULL on OOM. */
struct files *files_fork(struct files *fs);
/* execve: closes every descriptor marked close-on-exec. */
void files_close_on_exec(struct files *fs);
/* Drops the table (closing every descriptor when the last user goes). */
void files_put(struct files *fs);
/* One more reference to the table (CLONE_FILES: threads, and processes
 * made by clone with it, share one). */
struct files *files_get(struct files *fs);
/* execve (Linux unshare_files): if *fsp is shared, *fsp becomes a copy of
 * it of its own (dropping the reference to the shared one). 0 or -ENOMEM
 * (*fsp unchanged). */
int files_unshare(struct files **fsp);

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

/* ---- open file descriptions (for the file syscalls and pipes) ----------- */

#include <stddef.h>
#include <sys/stat.h>

struct file_ops {
    /* read/write at the file offset (advancing it); NULL: -EINVAL. A call
     * that must wait returns -LX_ERESTART_BLOCK (pipes). */
    int64_t (*read)(struct file *f, void *buf, uint64_t len);
    int64_t (*write)(struct file *f, const void *buf, uint64_t len);
    /* positional; NULL: -ESPIPE */
    int64_t (*pread)(struct file *f, void *buf, uint64_t len, uint64_t off);
    int64_t (*pwrite)(struct file *f, const void *buf, uint64_t len, uint64_t off);
    /* new offset or -errno; NULL: -ESPIPE */
    int64_t (*lseek)(struct file *f, int64_t off, int whence);
    /* host-layout stat; the syscall translates it field by field */
    int (*fstat)(struct file *f, struct stat *st);
    /* linux_dirent64 records into buf; NULL: -ENOTDIR */
    int64_t (*getdents)(struct file *f, void *buf, uint64_t len);
    /* ioctl: fills out (up to 64 bytes) and *outlen, or reads in (the
     * guest's argument, 64 bytes); NULL: -ENOTTY */
    int (*ioctl)(struct file *f, unsigned cmd, const void *in, void *out, size_t *outlen);
    /* the vfile to map (a reference), NULL for anonymous (/dev/zero), or -ENODEV if NULL op */
    int (*mmap)(struct file *f, struct vfile **out);
    /* readiness for poll/select: LX_POLL* bits; NULL: always readable and
     * writable (regular files, devices) */
    int (*poll)(struct file *f);
    /* the last reference is gone */
    void (*release)(struct file *f);
    /* a reference went and others remain (sockets: the garbage collector
     * of descriptors in flight); NULL: nothing */
    void (*unref)(struct file *f);
};

/* poll(2) event bits (asm-generic/poll.h) */
#define LX_POLLIN 0x001
#define LX_POLLPRI 0x002
#define LX_POLLOUT 0x004
#define LX_POLLERR 0x008
#define LX_POLLHUP 0x010
#define LX_POLLNVAL 0x020
#define LX_POLLRDNORM 0x040
#define LX_POLLWRNORM 0x100

struct file {
    int refcount;
    const struct file_ops *ops;
    int flags;             /* LX_O_ access mode and status flags (APPEND, NONBLOCK, ...) */
    uint64_t pos;          /* file offset */
    int host_fd;           /* >= 0: a host object is behind it (use file_host_fd for the
                            * descriptor: it may be closed meanwhile); -1: none */
    bool borrowed;         /* regular files with a vf borrow vfile_host_fd(vf) */
    struct hostfd *dirh;   /* directories: their lazily held descriptor (mm.h) */
    struct vfile *vf;      /* regular host files: the page-cache identity, or NULL */
    void *priv;            /* pipes: the pipe; /dev/urandom: generator state */
    uint64_t rng;          /* /dev/urandom */
    int base;              /* directories: the sandbox tree (enum vfs_base) */
    char *path;            /* canonical guest path, or NULL (pipes, stdio) */
    bool write_access;     /* holds vfile_get_write on vf (ETXTBSY for exec) */
    int64_t floor;         /* inherited stdio: no write below this host offset (-1: none) */
    /* A blocking write(2) to a pipe larger than the room in it waits with
     * part of it done: the part done, and the rest of the call (registers
     * a1, a2 advanced) it is to be added to when the call is retried. */
    struct {
        int pid;
        uint64_t buf, len, done;
    } wr_pending;
};

/* A new description with one reference (ops, flags); NULL on OOM. */
struct file *file_new(const struct file_ops *ops, int flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);

/* The live host descriptor behind f (valid until the next file or vfile
 * call: the least recently used are closed and reopened on demand, mm.h
 * hostfd), -1 when there is none, or -errno (-ESTALE: the inode is gone). */
int file_host_fd(struct file *f);

/* Constructors. host_fd is taken over. */
struct file *file_new_host(int host_fd, int flags, const char *path, int base, struct vfile *vf);
struct file *file_new_dev(int virt, int flags, const char *path);   /* enum vfs_virt */
struct file *file_new_stdio(int host_fd);

/* May the guest change f's object's metadata or size (fchmod, fchown,
 * futimens, ftruncate, fallocate)? 0, -EPERM for inherited stdio (the
 * user's streams, not the guest's objects), -EROFS in the sysroot. */
int file_may_modify(const struct file *f);

/* A number unique within this table's process (1, 2, ...): with the pid,
 * reproducible identities (pipe inode numbers, /dev/urandom streams). */
uint64_t files_next_seq(struct files *fs);

/* The description behind fd (borrowed), or NULL. */
struct file *files_lookup(struct files *fs, int fd);
/* Installs f (taking the caller's reference) at the lowest free fd >= minfd.
 * Returns the fd or -EMFILE (f is then put). */
int files_install(struct files *fs, struct file *f, int minfd, bool cloexec);
/* dup2/dup3: f (a new reference is taken) at newfd, closing what was there. */
int files_install_at(struct files *fs, struct file *f, int newfd, bool cloexec);
int files_close(struct files *fs, int fd);
bool files_get_cloexec(struct files *fs, int fd);
void files_set_cloexec(struct files *fs, int fd, bool on);

#endif
