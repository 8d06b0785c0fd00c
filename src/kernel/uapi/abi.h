/* Linux riscv64 ABI constants the kernel speaks (the generic asm values). */
#ifndef VMSIM_KERNEL_ABI_H
#define VMSIM_KERNEL_ABI_H

#define LX_PROT_NONE  0x0
#define LX_PROT_READ  0x1
#define LX_PROT_WRITE 0x2
#define LX_PROT_EXEC  0x4

#define LX_MAP_SHARED          0x01
#define LX_MAP_PRIVATE         0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE            0x0f
#define LX_MAP_FIXED           0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_GROWSDOWN       0x0100
#define LX_MAP_DENYWRITE       0x0800
#define LX_MAP_EXECUTABLE      0x1000
#define LX_MAP_LOCKED          0x2000
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE        0x8000
#define LX_MAP_NONBLOCK        0x10000
#define LX_MAP_STACK           0x20000
#define LX_MAP_FIXED_NOREPLACE 0x100000

#define LX_MS_ASYNC      1
#define LX_MS_INVALIDATE 2
#define LX_MS_SYNC       4

#define LX_MREMAP_MAYMOVE   1
#define LX_MREMAP_FIXED     2
#define LX_MREMAP_DONTUNMAP 4

#define LX_MADV_NORMAL     0
#define LX_MADV_RANDOM     1
#define LX_MADV_SEQUENTIAL 2
#define LX_MADV_WILLNEED   3
#define LX_MADV_DONTNEED   4
#define LX_MADV_FREE       8
#define LX_MADV_REMOVE     9
#define LX_MADV_DONTFORK   10
#define LX_MADV_DOFORK     11
#define LX_MADV_WIPEONFORK 18
#define LX_MADV_KEEPONFORK 19
#define LX_MADV_COLD       20
#define LX_MADV_PAGEOUT    21
#define LX_MADV_POPULATE_READ  22
#define LX_MADV_POPULATE_WRITE 23

/* mlock2, mlockall (include/uapi/asm-generic/mman-common.h, mman.h) */
#define LX_MLOCK_ONFAULT 0x01
#define LX_MCL_CURRENT   1
#define LX_MCL_FUTURE    2
#define LX_MCL_ONFAULT   4

#define LX_SIGILL  4
#define LX_SIGTRAP 5
#define LX_SIGABRT 6
#define LX_SIGBUS  7
#define LX_SIGFPE  8
#define LX_SIGKILL 9
#define LX_SIGSEGV 11

#define LX_SEGV_MAPERR 1
#define LX_SEGV_ACCERR 2
#define LX_BUS_ADRALN  1
#define LX_BUS_ADRERR  2
#define LX_ILL_ILLOPC  1

/* Limits (include/uapi/linux/limits.h; the default RLIMIT_NOFILE). */
#define LX_PATH_MAX 4096      /* a path incl. the NUL */
#define LX_NOFILE_MAX 1024    /* descriptors per process */
#define LX_MLOCK_LIMIT (8ULL << 20) /* RLIMIT_MEMLOCK of an unprivileged user (Linux 5.16+) */

#endif
