/* The kernel as a whole (src/kernel/core/): the public header for front ends.
 *
 * Owns: booting a system of processes with files over a memory manager (the
 * first process: os_spawn, and the hooks joining files to processes, boot.c)
 * and the system-call table that names every subsystem's calls
 * (syscalls.c). Boot and teardown of memory are mm's (kernel_new,
 * kernel_free), of the process table proc's (os_new, os_run, os_free).
 *
 * Calls: every subsystem, through its public header. Nothing calls up into
 * it, except the dispatcher's look-ups in the table. */
#ifndef VMSIM_KERNEL_CORE_KERNEL_H
#define VMSIM_KERNEL_CORE_KERNEL_H

#include "../fs/fs.h"
#include "../mm/mm.h"
#include "../proc/proc.h"

/* Creates the first process: pid PROC_FIRST_PID, host stdio as fds 0-2, a
 * file-system context for vfs, running the ELF program at host path
 * host_path (the interpreter of a dynamic program is found in the sandbox).
 * Installs the files hooks (os->fs_ops) that its descendants use.
 * Returns 0, or -errno with a one-line reason in err. */
int os_spawn(struct os *os, const char *host_path, const struct vfs_config *vfs,
             char *const argv[], char *const envp[], char *err, size_t errlen);

#endif
