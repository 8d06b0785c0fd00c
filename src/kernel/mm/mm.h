/* Memory management (src/kernel/mm/): the public header of the subsystem.
 *
 * Owns: the frame table (frames.c, with the reverse map), the page tables in
 * simulated RAM (pagetable.c, over the machine's one Sv48 walk), address
 * spaces and their regions (mm.c, vma.c), the page-fault handler (fault.c:
 * demand zero, page-cache pages, copy-on-write), mmap/munmap/mprotect/
 * mremap/madvise/brk (mmap.c, mremap.c), the page cache of mapped files and
 * shared anonymous memory (pagecache.c), swap (swap.c), reclaim and the
 * replacement policies (reclaim.c, policy.c), forward progress and the OOM
 * rule (oom.c), workingset refault detection and PSI (workingset.c), mlock
 * and mincore (mlock.c), madvise's advice (madvise.c), device mappings (devmap.c),
 * the one door into user memory (uaccess.c: copyin/copyout), the kernel half
 * of every address space (mm_init.c), and the views of all this: events
 * (event.h), a read-only inspection API (inspect.h), /proc's numbers
 * (task_mmu.c), maps/smaps text (report.c) and the invariant checks
 * (check.c).
 *
 * Calls: only the machine (src/machine/) and the Linux ABI numbers
 * (../uapi/abi.h). It never calls processes or files: where it must reach
 * up it returns a result (a struct segv for a fault the guest gets a signal
 * for, -ENOMEM) or calls through an interface the upper layer registers
 * (the event listener, the OOM killer: kernel_set_oom_handler).
 *
 * Internals (frames, page tables, regions, page cache, swap, policy) have
 * headers of their own (internal.h gathers them) for the files of this
 * folder and the unit tests only.
 *
 * Error convention: functions returning int give 0 or -errno (Linux values);
 * a guest access the kernel cannot satisfy is described by a struct segv. */
#ifndef VMSIM_KERNEL_MM_MM_H
#define VMSIM_KERNEL_MM_MM_H

#include <stdio.h>

#include "../../machine/machine.h"
#include "../uapi/abi.h"

struct kernel;
struct mm;      /* an address space */
struct vfile;   /* a host file the kernel can map */

/* ---- counters ----------------------------------------------------------- */

/* Per address space and global (struct kernel sums them, and keeps counting
 * for address spaces that are gone). */
struct vm_counters {
    uint64_t minor_faults;   /* fixed without reading a file (zero-fill, cache hit, COW) */
    uint64_t major_faults;   /* had to read the page from its file (or from swap) */
    uint64_t cow_faults;     /* write faults that broke copy-on-write (copied or took the page) */
    uint64_t cow_copies;     /* ... of which copied the page */
    uint64_t zero_fills;     /* demand-zero pages */
    uint64_t zero_page_maps; /* read faults that mapped the shared zero page (no frame) */
    uint64_t file_reads;     /* pages read from host files into the page cache */
    uint64_t writebacks;     /* dirty file pages written back to host files */
    uint64_t segv;           /* faults that ended in SIGSEGV/SIGBUS */
    /* Memory pressure, with the names of Linux /proc/vmstat. Per address
     * space: pgfault/pgmajfault/pswpin for its own faults; pswpout, pgscan,
     * pgsteal and pgactivate for its pages (once per mapper of a shared
     * page; the global counts count each page once); oom_kill when it was
     * the victim. */
    uint64_t pgfault;    /* page faults handled (minor + major) */
    uint64_t pgmajfault; /* faults that read the page from a file or from swap */
    uint64_t pswpin;     /* pages read back from swap */
    uint64_t pswpout;    /* pages written to swap */
    uint64_t pgscan;     /* frames examined by reclaim */
    uint64_t pgsteal;    /* frames reclaimed (swapped out, written back or dropped) */
    uint64_t pgactivate; /* referenced frames given a second chance */
    uint64_t oom_kill;   /* processes killed because memory ran out */
    /* Workingset detection (workingset.c; Linux's vmstat names): refaults of
     * evicted pages whose shadow entry was found, those within the working
     * set distance (activated), and those that were in the working set when
     * evicted (restored). Shmem counts as anon, as in Linux. */
    uint64_t workingset_refault_anon, workingset_refault_file;
    uint64_t workingset_activate_anon, workingset_activate_file;
    uint64_t workingset_restore_anon, workingset_restore_file;
    /* madvise (madvise.c): pages made lazily free (MADV_FREE), those reclaim
     * dropped without swap; pages made old (MADV_COLD). */
    uint64_t pglazyfree, pglazyfreed, pgdeactivate;
};

struct mm_info {
    uint64_t rss_pages;        /* user pages mapped by present PTEs */
    uint64_t rss_anon, rss_file, rss_shmem;
    uint64_t pagetable_pages;  /* frames holding this space's own (user half) tables */
    uint64_t vm_pages;         /* size of all VMAs, in pages */
    uint64_t swap_pages;       /* pages of this space that are in swap (swap PTEs) */
    uint16_t asid;
    uint64_t satp;
    struct vm_counters c;
};

struct kernel_info {
    uint64_t total_frames, free_frames;
    uint64_t anon_frames, file_frames;
    uint64_t pagetable_frames;  /* tables of address spaces (the kernel half's count as kernel) */
    uint64_t kernel_frames;     /* the kernel's pages and the kernel half's tables */
    uint64_t pagecache_pages;
    uint64_t swap_total, swap_used; /* swap slots (pages) */
    uint64_t swapcache_pages;       /* resident pages that also have a swap slot */
    uint64_t frame_limit;           /* cap on resident user frames, 0 = none */
    uint64_t unevictable_frames;    /* frames of mlocked pages (meminfo Unevictable, Mlocked) */
    const char *policy;             /* replacement policy's name */
    uint64_t nr_mm;
    uint64_t tlb_hits, tlb_misses, page_walks;  /* summed over harts */
    int nharts;
    struct machine_tlb_vmstat tlbstat;         /* TLB shootdowns (machine.h) */
    struct vm_counters c;
};

/* ---- the kernel --------------------------------------------------------- */

/* Boots a kernel on machine m: frame table, kernel half (its pages and the
 * shared upper-half tables). NULL if memory is too small. */
struct kernel *kernel_new(struct machine *m);

/* Frees the kernel; every mm must be gone. In debug builds checks that every
 * user frame is free again. */
void kernel_free(struct kernel *k);

struct machine *kernel_machine(struct kernel *k);
void kernel_get_info(struct kernel *k, struct kernel_info *out);

/* Checks the invariants of design.md (frame counts equal mappings, rmap
 * consistent, writable PTEs to a frame mapped elsewhere only in shared VMAs,
 * no TLB entry grants more than its PTE). Returns 0, or -1 after printing
 * what is wrong to stderr. Cheap enough to run after every step of a test. */
int kernel_check(struct kernel *k);
/* Once every process is gone (and so every pipe and socket): -1 with a
 * message when kernel buffer pages are still held (a leak, such as a
 * socket cycle the collector missed), else 0. */
int kernel_check_no_buffers(struct kernel *k);

/* Reports, in human formats. */
void kernel_print_frames(struct kernel *k, FILE *out);   /* frames in use: pfn, use, counts, owner, mappers */

/* ---- memory pressure: swap, page replacement, OOM ---------------------- */

/* Gives the kernel a swap area of `bytes` (whole pages; 0 = no swap) in a
 * fresh host file in a private directory under $TMPDIR (or /tmp). The file
 * and its directory are unlinked at once, so nothing is left behind even on
 * a crash or Ctrl-C. Only while no page is in swap. 0 or -errno. */
int kernel_set_swap(struct kernel *k, uint64_t bytes);
/* --disk-quota: the guest may add at most bytes of disk blocks to the host
 * (0: no limit); writes beyond get -ENOSPC (vfile_write). The file layer
 * reports what truncate and unlink free or add with kernel_disk_account
 * (bytes, st_blocks * 512 differences). */
void kernel_set_disk_quota(struct kernel *k, uint64_t bytes);
void kernel_disk_account(struct kernel *k, int64_t bytes);
/* Bytes of blocks the guest may still add (INT64_MAX: no quota). */
int64_t kernel_disk_room(const struct kernel *k);
/* What a new inode (file, directory, symlink, node) costs against the
 * quota, whatever the host file system spends: one 4 KiB block, as Linux
 * counts a new inode's block. Given back when its last name goes. */
#define KERNEL_DISK_INODE 4096
/* -ENOSPC when the quota has no room for one more inode, else 0. */
int kernel_disk_inode_room(const struct kernel *k);

/* Selects the replacement policy by name (kernel/policy.h: clock, fifo,
 * lru, random, opt). -EINVAL for an unknown name; -ENOTSUP for opt when no
 * next-use oracle is installed (opt needs the future: trace replays). The
 * default is clock. */
int kernel_set_policy(struct kernel *k, const char *name);
#define POLICY_DEFAULT "clock"
const char *kernel_policy_name(const struct kernel *k);
/* True when name is a replacement policy; *needs_future (may be NULL) says
 * whether it needs a next-use oracle (opt). */
bool kernel_policy_known(const char *name, bool *needs_future);
/* Seed of the random policy (default fixed, so runs are reproducible). */
void kernel_set_policy_seed(struct kernel *k, uint64_t seed);

/* Caps the number of resident user frames (anonymous and file pages, not
 * page tables) at n: allocating one more reclaims a victim first, as if RAM
 * had only n frames for user pages. 0 removes the cap. For trace replays
 * (`--frames N`). */
void kernel_set_frame_limit(struct kernel *k, uint64_t n);

/* The future, for opt: fn returns the logical time of the next reference
 * to virtual page number vpage (address >> PAGE_SHIFT) of mm after the
 * current one, or UINT64_MAX if it is never referenced again. NULL removes
 * it (and opt cannot be selected any more). */
typedef uint64_t (*kernel_next_use_fn)(void *ctx, struct mm *mm, uint64_t vpage);
void kernel_set_next_use(struct kernel *k, kernel_next_use_fn fn, void *ctx);

/* Reports one reference to the page at a in mm, if resident, to the policy
 * (exact LRU in trace replays; the logical time advances by one). */
void kernel_note_access(struct kernel *k, struct mm *mm, vaddr_t a);

/* Out of memory (nothing left to reclaim, no swap left): the kernel picks
 * the address space with the largest resident + swap footprint (Linux's
 * oom_badness) and calls kill(ctx, victim). The handler prints
 * "vmsim: out of memory: killed process PID (NAME) ..." and returns 0 after
 * it has released the victim's memory (mm_destroy; the kernel then retries
 * the allocation), or 1 when the victim cannot be released now (it is the
 * address space that is faulting: the fault then fails with -ENOMEM and the
 * caller ends that process). Without a handler, the failing fault returns
 * -ENOMEM. */
typedef int (*kernel_oom_fn)(void *ctx, struct mm *victim);
void kernel_set_oom_handler(struct kernel *k, kernel_oom_fn kill, void *ctx);
/* The address space the OOM killer would choose now (NULL if none). */
struct mm *kernel_oom_victim(struct kernel *k);
/* Counts an OOM kill of mm (for front ends that kill on -ENOMEM themselves). */
void kernel_count_oom_kill(struct kernel *k, struct mm *mm);

/* Forward progress (oom.c): the faults that follow are for the instruction
 * at pc of mm that will retire as instruction number instret + 1. Frames
 * those faults map are not reclaimed until a fault of another instruction
 * comes, so an instruction that needs several pages at once (fetch, a
 * straddling second half, data) always gets them together. The trap
 * handler calls it before mm_fault. */
void kernel_fault_insn(struct mm *mm, uint64_t pc, uint64_t instret);

/* A flag the front end sets (from a signal handler) to stop the run
 * (--timeout): reclaim returns at once while it is nonzero, and no OOM kill
 * happens then. NULL: none. */
void kernel_set_stop_flag(struct kernel *k, const volatile int *flag);

/* Memory pressure stall information (workingset.c; Linux /proc/pressure/
 * memory). Stalls cost virtual time: the process layer adds
 * kernel_stall_ns() to its clock, tells the kernel its clock (kernel_set_clock:
 * nanoseconds, for the averages' 2-second periods) and how many processes
 * are runnable (a stall while no other one is runnable is also "full"). */
struct psi_memory {
    double avg[2][3];     /* [some, full][avg10, avg60, avg300], percent */
    uint64_t total_us[2]; /* [some, full] stalled time, microseconds */
};
uint64_t kernel_stall_ns(const struct kernel *k);
void kernel_set_clock(struct kernel *k, uint64_t (*now_ns)(void *ctx), void *ctx);
void kernel_psi_set_runnable(struct kernel *k, unsigned n);
void kernel_psi_memory(struct kernel *k, struct psi_memory *out);
/* The two lines of Linux's /proc/pressure/memory. */
void kernel_print_psi_memory(struct kernel *k, FILE *out);

/* The shared zero page (Linux's ZERO_PAGE, on by default): a read fault on
 * untouched private anonymous memory maps one read-only zero frame and
 * allocates nothing; the first write copies (a COW copy). Off: such a read
 * allocates a zero-filled frame (textbook demand paging: trace replays). */
void kernel_set_zero_page(struct kernel *k, bool on);

/* Fault injection for tests: the next n writes to swap fail (as a full disk
 * or an I/O error would); the pages stay resident. */
void kernel_debug_fail_swap_writes(struct kernel *k, uint64_t n);
/* The next n reads from swap fail: the faulting access gets SIGBUS
 * (BUS_ADRERR, as Linux for a swap read error); the page stays in swap. */
void kernel_debug_fail_swap_reads(struct kernel *k, uint64_t n);

/* ---- files -------------------------------------------------------------- */

/* Kernel buffer pages (kbuf.c): a zeroed frame of simulated RAM for the
 * kernel's own buffers (pipes, sockets), counted as kernel memory and
 * bounded by the RAM (reclaim runs first). 0 with *out, or -ENOMEM. */
int kbuf_page_alloc(struct kernel *k, pfn_t *out);
void kbuf_page_free(struct kernel *k, pfn_t f);
/* The page's PAGE_SIZE bytes (valid until it is freed). */
uint8_t *kbuf_page_bytes(struct kernel *k, pfn_t f);

/* A FIFO of bytes in kernel buffer pages (pipes, socket receive queues):
 * bytes [head, head+len) of the pages in order, a page taken as bytes
 * arrive and given back once all its bytes are consumed, so an idle queue
 * holds no RAM. The callers bound len (pipe capacity, SO_RCVBUF); the host
 * keeps only the page numbers. Zero-initialise, then kbuf_fifo_init. */
struct kbuf_fifo {
    struct kernel *k;
    pfn_t *page;            /* the pages holding the bytes, oldest first */
    uint32_t npages, cap;   /* used and allocated entries of page[] */
    uint32_t head;          /* offset of the first byte in page[0] */
    uint64_t len;           /* bytes queued */
};
void kbuf_fifo_init(struct kbuf_fifo *q, struct kernel *k);
/* Appends up to n bytes of src (NULL: zeros): short only when the RAM ran
 * out. */
uint64_t kbuf_fifo_push(struct kbuf_fifo *q, const void *src, uint64_t n);
/* Copies n bytes starting at offset at (from the oldest byte) into dst;
 * at + n <= len. Nothing is consumed. */
void kbuf_fifo_peek(const struct kbuf_fifo *q, uint64_t at, void *dst, uint64_t n);
/* Consumes the n oldest bytes (n <= len). */
void kbuf_fifo_pop(struct kbuf_fifo *q, uint64_t n);
/* Drops the newest bytes so that len bytes remain (undoes a short push). */
void kbuf_fifo_trim(struct kbuf_fifo *q, uint64_t len);
/* Gives every page back (the queue is empty and reusable afterwards). */
void kbuf_fifo_free(struct kbuf_fifo *q);

/* Host descriptors held lazily (hostfd.c): at most a few hundred of them
 * stay open on the host (the least recently used are closed and reopened
 * by file handle when next needed), so guests with thousands of distinct
 * files and directories open never meet the host's descriptor limit.
 * hostfd_init takes fd over (oflags: how to reopen it); hostfd_get gives a
 * descriptor valid until the next hostfd_* call (or -errno: the inode is
 * gone); hostfd_replace swaps in another descriptor of the same inode
 * (keeping the number when open); hostfd_close ends it; hostfd_pin_inode
 * keeps every descriptor of an inode open from now on (before its last
 * name goes: a handle cannot reopen an unlinked inode). */
struct hostfd {
    int fd;                 /* -1 while closed */
    int oflags;
    bool pinned;            /* never closed early */
    int64_t pos;            /* the offset, restored on reopen (directory streams) */
    uint64_t dev, ino;
    struct file_handle *fh;
    int mnt;                /* a descriptor on its mount */
    struct hostfd *lru_prev, *lru_next, *all_prev, *all_next;
};
void hostfd_init(struct hostfd *h, int fd, int oflags);
int hostfd_get(struct hostfd *h);
void hostfd_replace(struct hostfd *h, int fd, int oflags);
void hostfd_close(struct hostfd *h);
void hostfd_pin_inode(uint64_t dev, uint64_t ino);

/* Opens a host file for mapping. The same host file (device, inode) opened
 * twice is the same page-cache identity. name is what /proc/PID/maps shows
 * (NULL: the path). Returns NULL and *err = -errno on failure. */
struct vfile *vfile_open(struct kernel *k, const char *host_path, const char *name,
                         bool writable, int *err);
struct vfile *vfile_get(struct vfile *f);
void vfile_put(struct vfile *f);
const char *vfile_name(const struct vfile *f);
/* The host descriptor of f's file, shared by every vfile of it (-1 for an
 * anonymous object): read-write once any vfile of it is writable, its
 * number fixed for the file's life. Open files use it rather than one
 * descriptor each, so the host's descriptor limit is never what a guest
 * meets first. Not to be closed by the caller. */
int vfile_host_fd(const struct vfile *f);
/* Linux's i_writecount, per host file (all its vfiles): a file a process is
 * running cannot be opened for writing (ETXTBSY), and a file open for
 * writing cannot be executed (ETXTBSY). get/put bracket a writer, deny/allow
 * an executable image. 0 or -ETXTBSY. */
int vfile_get_write(struct vfile *f);
void vfile_put_write(struct vfile *f);
int vfile_deny_write(struct vfile *f);
void vfile_allow_write(struct vfile *f);
/* The program an address space runs (Linux mm->exe_file): f's writes are
 * denied while mm holds it (a reference of its own; dropped with the mm,
 * copied by mm_fork). 0 or -ETXTBSY (f is open for writing). */
int mm_set_exe_file(struct mm *mm, struct vfile *f);
bool vfile_writable(const struct vfile *f);   /* opened for writing */
uint64_t vfile_size(const struct vfile *f);
/* Reads len bytes at off from the file itself (not through the page cache):
 * for the ELF loader's headers. Returns bytes read or -errno. */
int64_t vfile_pread(struct vfile *f, void *buf, uint64_t len, uint64_t off);

/* read(2)/write(2) on a file that may also be mapped, coherent with the
 * page cache as on Linux: a read sees bytes written through shared mappings
 * (dirty cache pages) and a write updates the cached pages that mappings
 * see. Return bytes transferred or -errno (-EBADF: write to a file opened
 * read-only). */
int64_t vfile_read(struct vfile *f, void *buf, uint64_t len, uint64_t off);
int64_t vfile_write(struct vfile *f, const void *buf, uint64_t len, uint64_t off);
/* fallocate(FALLOC_FL_PUNCH_HOLE) of a shmem object (tmpfs file, memfd,
 * shared anonymous memory; madvise.c): bytes [off, off + len) read as zeros
 * afterwards; whole pages are freed (frames and swap slots, every mapping
 * of them emptied), partial ones zeroed. -EOPNOTSUPP for a host file. */
int vfile_punch_hole(struct vfile *vf, uint64_t off, uint64_t len);

/* After the host file of vf was truncated to size: the cached bytes past
 * size become zeros, as Linux's truncate_pagecache leaves them for a later
 * extension. (Linux also unmaps those pages; mappings keep them here, so an
 * access past the new EOF sees zeros instead of SIGBUS.) */
void vfile_truncated(struct vfile *vf, uint64_t size);

/* ---- shmem objects (shmem.c) ------------------------------------------- */

/* The kinds of object whose pages live only in simulated RAM (and swap):
 * Linux's shmem. All are the page cache's anonymous vinodes. */
enum shmem_kind { SHMEM_ANON = 0, SHMEM_TMPFS, SHMEM_MEMFD, SHMEM_SYSV };

/* A new shmem object of size bytes, of kind, shown as name in maps, with
 * inode number ino (0: the next anonymous inode number). One reference;
 * NULL on OOM. */
struct vfile *vfile_new_shmem(struct kernel *k, uint64_t size, int kind, const char *name,
                              uint64_t ino);
/* True for a shmem object; its kind (enum shmem_kind) and name for reports. */
bool vfile_is_shmem(const struct vfile *f);
int vfile_shmem_kind(const struct vfile *f);
const char *shmem_kind_name(int kind);   /* "shared anonymous", "tmpfs file", "memfd", "SysV" */
uint64_t vfile_ino(const struct vfile *f);
/* read(2)/write(2) of a shmem object through its pages (a hole reads as
 * zeros and gets no page; a swapped page is read back). A read stops at the
 * size; a write past it grows the size. Bytes or -errno (-ENOMEM). */
int64_t shmem_read(struct vfile *f, void *buf, uint64_t len, uint64_t off);
int64_t shmem_write(struct vfile *f, const void *buf, uint64_t len, uint64_t off);
/* ftruncate: the new size; bytes past it become zeros (pages wholly past it
 * and their swap slots are freed unless mapped). 0 or -ENOMEM. */
int shmem_set_size(struct vfile *f, uint64_t size);
/* True when page index of the object is in a frame or in swap. */
bool shmem_page_held(const struct vfile *f, uint64_t index);
/* References to f: its owner's plus one per region mapping it (System V's
 * shm_nattch counts these). */
int vfile_refs(const struct vfile *f);
/* The object mapped by the region that starts at addr in mm (borrowed), or
 * NULL: what shmdt(2) detaches. */
struct vfile *mm_file_at(struct mm *mm, vaddr_t addr);
/* True when some address space maps f's object shared and writable
 * (F_SEAL_WRITE is EBUSY then). */
bool vfile_mapped_shared_writable(const struct vfile *f);
/* Pages of the object in frames and in swap. */
void shmem_pages(const struct vfile *f, uint64_t *resident, uint64_t *swapped);

/* ---- address spaces ----------------------------------------------------- */

/* A new address space: empty user half, the shared kernel half. NULL on OOM. */
struct mm *mm_new(struct kernel *k);

/* fork: a copy of the address space that shares every page; private writable
 * pages become copy-on-write in both. NULL on OOM (parent unchanged). */
struct mm *mm_fork(struct mm *parent);

/* Unmaps everything (writing back shared dirty file pages), frees the tables. */
void mm_destroy(struct mm *mm);

struct kernel *mm_kernel(struct mm *mm);
uint64_t mm_satp(const struct mm *mm);
void mm_get_info(struct mm *mm, struct mm_info *out);

/* Layout (design decision 6, Linux riscv64 without randomization). */
#define USER_TOP        0x0000800000000000ULL   /* end of the user half (Sv48) */
#define STACK_TOP       0x00007ffffffff000ULL   /* stack grows down from here */
#define MMAP_BASE       0x00007fff00000000ULL   /* mmap(NULL) allocates top-down below this */
#define MMAP_MIN_ADDR   0x10000ULL              /* nothing maps below (NULL-pointer guard) */

/* mmap(2): prot LX_PROT_*, flags LX_MAP_* (kernel/abi.h); f NULL for
 * anonymous. addr is a hint unless LX_MAP_FIXED. Lazy: no page is touched.
 * Returns 0 with *out = the mapped address, or -errno. */
int mm_mmap(struct mm *mm, vaddr_t addr, uint64_t len, int prot, int flags, struct vfile *f,
            uint64_t off, vaddr_t *out);
int mm_munmap(struct mm *mm, vaddr_t addr, uint64_t len);
int mm_mprotect(struct mm *mm, vaddr_t addr, uint64_t len, int prot);
int mm_msync(struct mm *mm, vaddr_t addr, uint64_t len, int flags);
/* mremap(2) (Linux mm/mremap.c): shrinks in place, grows in place when the
 * pages after the region are free, else moves the region (its page-table
 * entries, not its pages) with MREMAP_MAYMOVE, to new_addr with
 * MREMAP_FIXED. The old range must lie in one region (-EFAULT). Returns 0
 * with *out, or -EINVAL, -ENOMEM, -EFAULT. MREMAP_DONTUNMAP: -EINVAL. */
int mm_mremap(struct mm *mm, vaddr_t old_addr, uint64_t old_len, uint64_t new_len, int flags,
              vaddr_t new_addr, vaddr_t *out);
/* madvise(2): MADV_DONTNEED drops the pages of the range (the next access
 * sees zeros, or the file, for private mappings; shared pages keep their
 * contents in the object); FREE, COLD, PAGEOUT, WILLNEED, POPULATE_READ/
 * WRITE, DONTFORK/DOFORK, WIPEONFORK/KEEPONFORK and REMOVE as Linux
 * (madvise.c); NORMAL, RANDOM, SEQUENTIAL and the other known advice are
 * accepted and ignored. -EINVAL for an unaligned start or an unknown advice,
 * -ENOMEM when part of the range is unmapped (the mapped parts are still
 * done), and each advice's own errors. */
int mm_madvise(struct mm *mm, vaddr_t addr, uint64_t len, int advice);

/* mlock(2)/mlock2 (flags LX_MLOCK_ONFAULT), munlock, mlockall (LX_MCL_*),
 * munlockall (mlock.c): limit is the caller's RLIMIT_MEMLOCK in bytes. 0 or
 * -EINVAL, -ENOMEM (unmapped part, or over the limit), -EPERM (limit 0). */
int mm_mlock(struct mm *mm, vaddr_t addr, uint64_t len, int flags, uint64_t limit);
int mm_munlock(struct mm *mm, vaddr_t addr, uint64_t len);
int mm_mlockall(struct mm *mm, int flags, uint64_t limit);
int mm_munlockall(struct mm *mm);
/* Pages of the locked regions (VmLck); frames mapped by locked regions
 * (meminfo Mlocked, Unevictable). */
uint64_t mm_locked_pages(const struct mm *mm);
uint64_t kernel_mlocked_frames(struct kernel *k);
/* mincore(2): vec[i] = 1 when page i of [addr, addr + len) is in memory.
 * 0, -EINVAL (addr not page-aligned), -ENOMEM (part unmapped). */
int mm_mincore(struct mm *mm, vaddr_t addr, uint64_t len, uint8_t *vec);

/* The heap. mm_set_brk_base() is for the loader (end of bss); mm_brk() is
 * brk(2): moves the break to newbrk if it can and returns the break. */
void mm_set_brk_base(struct mm *mm, vaddr_t base);
vaddr_t mm_brk(struct mm *mm, vaddr_t newbrk);

/* Memory-mapped I/O (issue 7; Linux remap_pfn_range into a VM_IO|VM_PFNMAP
 * region): maps len bytes of device memory, physical pages dev_pfn onwards
 * (a device region of the machine, never RAM), MAP_SHARED, prot LX_PROT_*.
 * off is the offset in the device file dev names (for /proc/PID/maps). The
 * pages are mapped on first touch, shared by fork, never swapped or counted
 * as RAM. The caller (the device file) has checked the range and the flags;
 * addr and MAP_FIXED as for mm_mmap. 0 with *out, or -errno. */
/* The device file a VMA_DEVICE region maps (static: never freed). */
struct vma_device {
    const char *path;   /* what /proc/PID/maps shows, e.g. /dev/fb0 */
    uint64_t rdev;      /* glibc dev_t of the device node's file system (maps' dev column) */
    uint64_t ino;       /* inode number of the node */
};
int mm_mmap_device(struct mm *mm, vaddr_t addr, uint64_t len, int prot, int flags,
                   const struct vma_device *dev, uint64_t off, pfn_t dev_pfn, vaddr_t *out);
/* True when a lies in a device region (VMA_DEVICE) of mm. */
bool mm_is_device(struct mm *mm, vaddr_t a);

/* Maps the kernel's vDSO page (design decision 5: one physical page of
 * kernel code shared by every process that maps it) read-execute at a free
 * address below MMAP_BASE; /proc/PID/maps shows it as [vdso]. At offset
 * VDSO_SIGRETURN_OFFSET is the signal-return trampoline
 * `li a7, 139 (rt_sigreturn); ecall`. 0 with *out, or -errno. */
int mm_map_vdso(struct mm *mm, vaddr_t *out);
#define VDSO_SIGRETURN_OFFSET 0

/* ---- faults and access to user memory ---------------------------------- */

/* Why a guest access failed (si_signo, si_code, si_addr). */
struct segv {
    int signo;          /* LX_SIGSEGV or LX_SIGBUS */
    int code;           /* LX_SEGV_MAPERR, LX_SEGV_ACCERR, LX_BUS_ADRERR, ... */
    vaddr_t addr;
    enum access acc;
};

/* The page-fault handler: makes the access of kind acc at va possible
 * (demand-zero, page-cache page, private copy, ...). Returns 0 when the access
 * can be retried, -1 with *out filled when it is a segfault, -ENOMEM when no
 * frame could be found. */
int mm_fault(struct mm *mm, vaddr_t a, enum access acc, struct segv *out);

/* Translates as the hardware would for an access of kind acc, calling
 * mm_fault() and retrying on a page fault (so it may page in). trace may be
 * NULL. Returns 0, or -1 with *out filled, or -ENOMEM. */
int mm_translate(struct mm *mm, vaddr_t a, enum access acc, struct translation *tr,
                 struct walk_trace *trace, struct segv *out);

/* The one door into user memory (xv6's copyin/copyout): page by page through
 * the MMU and the fault handler, so demand paging and COW work for the kernel
 * too. Return 0, or -1 with *out filled (the caller turns it into EFAULT or a
 * signal), or -ENOMEM. copyin_str copies at most max bytes incl. the NUL;
 * -ENAMETOOLONG if there is no NUL. */
int copyin(struct mm *mm, void *dst, vaddr_t src, uint64_t len, struct segv *out);
int copyout(struct mm *mm, vaddr_t dst, const void *src, uint64_t len, struct segv *out);
int copyin_str(struct mm *mm, char *dst, vaddr_t src, uint64_t max, struct segv *out);

/* Reports. */
/* The futex key of the word at a (futex(2)): for shared (no FUTEX_PRIVATE_FLAG)
 * and a MAP_SHARED region, (the object mapped, byte offset in it), the same
 * in every process that maps it; else (mm, a). 0, or -EFAULT when a is not
 * mapped. */
int mm_futex_key(struct mm *mm, vaddr_t a, bool shared, const void **obj, uint64_t *off);

void mm_print_maps(struct mm *mm, FILE *out);        /* the format of Linux /proc/PID/maps */
/* /proc/PID/smaps: each maps line followed by Size, Rss, Pss, Shared/Private
 * Clean/Dirty, Referenced (A bit), Anonymous, ... as Linux prints them. */
void mm_print_smaps(struct mm *mm, FILE *out);
/* /proc/PID/smaps_rollup: a "[rollup]" header spanning all regions, then
 * the sums of smaps' counts, with Pss split into Pss_Anon/File/Shmem. */
void mm_print_smaps_rollup(struct mm *mm, FILE *out);
void mm_print_pagetable(struct mm *mm, FILE *out);   /* the user half's tree: tables and leaves */

/* ---- what /proc shows of memory (task_mmu.c) ----------------------------- */

/* Linux's mm counters, in pages, derived from the regions the way
 * vm_stat_account sorts them (Linux mm/internal.h is_*_mapping): for
 * /proc/PID/status and statm. exe is the program's name as its regions
 * name it (VmExe counts those executable pages), or NULL. */
struct mm_task_mem {
    uint64_t total, data, stack, exec, text, peak;
    uint64_t rss, anon, file, shmem, hwm, swap, ptes_kb;
    uint64_t locked;   /* VmLck: pages of mlocked regions */
};
void mm_task_mem(struct mm *mm, const char *exe, struct mm_task_mem *out);

/* Page-cache frames that are dirty, mapped, or shmem: for meminfo and vmstat. */
struct kernel_file_pages {
    uint64_t dirty, mapped, shmem;
};
void kernel_file_pages(struct kernel *k, struct kernel_file_pages *out);

/* ---- working set (idle.c) ------------------------------------------------ */

/* Counts the resident user pages (RAM, anonymous or file) of mm referenced
 * since the last call (their PTE's A bit is set), clears those A bits and
 * flushes their TLB entries, so the MMU sets A again on the next access:
 * Linux's idle page tracking. Reclaim still sees the pages as referenced. */
uint64_t mm_sample_young(struct mm *mm);

/* ---- pagemap (Documentation/admin-guide/mm/pagemap.rst) ----------------- */

#define PM_PFN_MASK ((1ULL << 55) - 1) /* bits 0-54: pfn, or swap type | offset << 5 */
#define PM_SOFT_DIRTY (1ULL << 55)     /* not kept by vmsim: always 0 */
#define PM_MMAP_EXCLUSIVE (1ULL << 56) /* the page is mapped exactly once */
#define PM_FILE (1ULL << 61)           /* file page or shared anonymous */
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP_TYPE_BITS 5 /* MAX_SWAPFILES_SHIFT: offset above the type */

/* Reads pagemap entries of mm (offset = vpn * 8) into buf: len / 8 of them,
 * made on demand, never the whole (huge) file. Returns the bytes filled. */
int64_t mm_pagemap_read(struct mm *mm, void *buf, uint64_t len, uint64_t off);


/* The rest of the public interface: the event listener and the read-only
 * view for reports. */
#include "event.h"
#include "inspect.h"

#endif
