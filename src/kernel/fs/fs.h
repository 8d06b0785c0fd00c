/* Files (src/kernel/fs/): the public header of the subsystem.
 *
 * Owns: the guest's file tree and its sandbox (vfs.c: --root, the read-only
 * sysroot, path resolution that never leaves them), open file descriptions
 * and descriptor tables (file.c), pipes (pipe.c), device files (devfile.c:
 * /dev/null, /dev/zero, /dev/urandom, /dev/fb0, /dev/vmsim-timer), /proc
 * (procfs.c finds the file, procfs_show.c prints it in Linux's formats), and
 * the file system calls (sys_file.c descriptors, sys_path.c paths,
 * sys_attr.c attributes, sys_poll.c poll/select, sys_mmap.c mmap of a
 * descriptor), and sharing between processes (issue 16): tmpfs and memfd
 * (tmpfs.c, shmfile.c), System V shared memory (ipc_shm.c), Unix sockets
 * (socket.c, socket_io.c, sys_socket.c), eventfd/timerfd/signalfd (evfd.c)
 * and epoll (epoll.c).
 *
 * Calls: processes (../proc/proc.h: the calling process, its memory, the
 * scheduler's clock, signals such as SIGPIPE) and memory management
 * (../mm/mm.h: the page cache behind regular files, user copies). Processes
 * never call files directly: fork, exec and exit reach the descriptor table
 * and fs context through the hooks of struct proc_fs_ops, which the kernel
 * as a whole (../core/) installs.
 *
 * Other folders include this header only; the headers it gathers are the
 * subsystem's own. */
#ifndef VMSIM_KERNEL_FS_FS_H
#define VMSIM_KERNEL_FS_FS_H

#include "devfile.h"
#include "evfd.h"
#include "fifo.h"
#include "file.h"
#include "ipc_shm.h"
#include "lock.h"
#include "pipe.h"
#include "procfs.h"
#include "shmfile.h"
#include "socket.h"
#include "sys_file.h"
#include "vfs.h"

#endif
