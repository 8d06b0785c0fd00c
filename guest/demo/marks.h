/* The stop points of `vmsim demo` (src/cli/demo_prog.c), shared by the guest
 * programs of guest/demo and the host front end.
 *
 * A guest pauses itself for inspection with demo_mark() (demo.h): it vforks
 * a child that exits at once with status DEMO_MARK_BASE + id and passes
 * DEMO_MARK_MAGIC, an address and a length as further exit arguments (which
 * Linux ignores). While the child lives its parent is suspended, and the
 * child's exit runs the OS's exit hook with every process stopped: the demo
 * front end reads the kernel's page tables and frames there. Under
 * qemu-riscv64 or Linux a mark is just a short-lived child. */
#ifndef VMSIM_GUEST_DEMO_MARKS_H
#define VMSIM_GUEST_DEMO_MARKS_H

#define DEMO_MARK_BASE 200
#define DEMO_MARK_MAGIC 0x6d65646d69736d76ULL /* "vmsimdem" */

enum demo_mark_id {
    DEMO_MARK_NOTE = 1,    /* a process says where its data is (va, len) */
    DEMO_MARK_TABLES,      /* two hello processes wait: page tables, kernel half, libc */
    DEMO_MARK_PAGEIN,      /* pagein called a few of its functions */
    DEMO_MARK_MALLOC,      /* alloc wrote its malloc'd buffer (va, len) */
    DEMO_MARK_FILE,        /* the reader mapped the file the writer wrote (va, len) */
    DEMO_MARK_COW_FORKED,  /* cowfork's child, right after fork (va, len of the buffer) */
    DEMO_MARK_COW_WRITTEN, /* ... after it wrote one page of it */
    DEMO_MARK_FIGURE,      /* every demo process is alive: the whole picture */
    DEMO_MARK_MEMFD,       /* the receiver mapped the memfd passed over a socket (va, len) */
    DEMO_MARK_THREADS,     /* threads' threads touched their pages and wait (va, len of the buffer) */
    DEMO_MARK_SHOOTDOWN,   /* ... after its main thread unmapped part of it (va, len unmapped) */
    DEMO_MARK_END
};

/* The page the cowfork child writes, inside its buffer. */
#define DEMO_COW_PAGES 8
#define DEMO_COW_WRITE_PAGE 3
/* The pages alloc's malloc'd buffer spans (at least). */
#define DEMO_MALLOC_PAGES 16
/* The threads of the threads program, besides its main thread; the pages of
 * their buffer, and how many the main thread unmaps. */
#define DEMO_THREADS 3
#define DEMO_THREAD_PAGES 8
#define DEMO_THREAD_UNMAP 4

#endif
