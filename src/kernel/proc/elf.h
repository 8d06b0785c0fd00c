/* The ELF loader (design decision 11): checks an ELF64 little-endian RISC-V
 * executable, reading only its headers, then maps its PT_LOAD segments into
 * an address space the way Linux's load_elf_binary() does. Loading is
 * mapping: no byte of text or data is read from the file here; the pages
 * come in through the page cache when they are first touched.
 *
 * Two steps, so the fuzzer and the unit tests can drive the first alone:
 *   elf_parse_*  checks every header field and describes the file;
 *   elf_load     parses a vfile, chooses the load bias, maps the segments. */
#ifndef VMSIM_KERNEL_ELF_H
#define VMSIM_KERNEL_ELF_H

#include "../mm/mm.h"

#define ELF_MAX_PHNUM    64      /* more program headers than this: rejected */
#define ELF_INTERP_MAX   4096    /* PT_INTERP length incl. the NUL must be below (PATH_MAX) */

/* Where a PIE main program goes: Linux riscv64's ELF_ET_DYN_BASE,
 * (DEFAULT_MAP_WINDOW / 3) * 2 with DEFAULT_MAP_WINDOW = 1 << 47 for Sv48
 * (arch/riscv/include/asm/{elf,processor}.h), rounded down to a page.
 * (An Sv39 kernel gives 0x2aaaaaa000, the value seen under older kernels.) */
#define ELF_ET_DYN_BASE  0x555555555000ULL

/* One PT_LOAD segment as the header gives it (unbiased). */
struct elf_segment {
    uint64_t vaddr, memsz;       /* where and how much memory */
    uint64_t offset, filesz;     /* which bytes of the file it starts with */
    int prot;                    /* LX_PROT_* from PF_R/PF_W/PF_X */
};

/* What the checked headers say. */
struct elf_info {
    uint16_t type;               /* ET_EXEC or ET_DYN */
    uint64_t entry;              /* e_entry, unbiased */
    uint64_t phoff;              /* e_phoff */
    uint16_t phnum, phentsize;
    bool has_phdr_vaddr;         /* the program headers are in memory ... */
    uint64_t phdr_vaddr;         /* ... at this address (unbiased): PT_PHDR, or the
                                  * first PT_LOAD whose file bytes hold e_phoff */
    uint64_t lo, hi;             /* page-aligned span of all PT_LOADs: [lo, hi) */
    uint64_t align;              /* the largest PT_LOAD p_align, at least PAGE_SIZE */
    int nseg;
    struct elf_segment seg[ELF_MAX_PHNUM];  /* the PT_LOADs in ascending order */
    bool has_interp;
    char interp[ELF_INTERP_MAX];  /* PT_INTERP path, NUL-terminated */
};

/* The result of elf_load: what execve needs for registers and auxv. */
struct elf_image {
    vaddr_t entry;               /* biased entry point (AT_ENTRY, or the pc) */
    vaddr_t phdr;                /* AT_PHDR, 0 if the headers are not mapped */
    uint16_t phnum, phent;       /* AT_PHNUM, AT_PHENT */
    uint64_t bias;               /* 0 for ET_EXEC; AT_BASE for an interpreter */
    vaddr_t brk;                 /* page-aligned end of the highest segment */
    bool has_interp;
    char interp[ELF_INTERP_MAX];
    int nseg;
    struct elf_segment seg[ELF_MAX_PHNUM];  /* as mapped: vaddr is biased */
};

/* Checks the ELF file held in buf[0..len) (the whole file) and fills *out.
 * Returns 0, or -ENOEXEC with a one-line reason in err (errlen bytes; err
 * may be NULL). Never reads outside the buffer. */
int elf_parse_buffer(const void *buf, size_t len, struct elf_info *out, char *err,
                     size_t errlen);

/* The same for a vfile, reading only the headers (ELF header, program
 * headers, PT_INTERP) with vfile_pread. -ENOEXEC for a malformed file, or the
 * -errno of a failed read. */
int elf_parse_file(struct vfile *f, struct elf_info *out, char *err, size_t errlen);

/* Maps the ELF file f into mm like Linux's load_elf_binary():
 *  - each PT_LOAD's pages that hold file bytes: a MAP_PRIVATE|MAP_FIXED file
 *    mapping with the segment's prot (text stays shared in the page cache,
 *    data becomes private on the first write);
 *  - when p_memsz > p_filesz: the rest of the last file page is zeroed with
 *    copyout (Linux's padzero, so that one page is read and COW-copied now,
 *    only for a writable segment), and whole pages beyond are anonymous;
 *  - sets the brk base to the page-aligned end of the highest segment.
 * Bias: 0 for ET_EXEC; for ET_DYN, base_hint (page aligned) when non-zero,
 * else an address chosen by mm_mmap(NULL) top-down; either way aligned to
 * the largest p_align (Linux's maximum_alignment). Linux passes
 * ELF_ET_DYN_BASE for a PIE with a PT_INTERP, and 0 for a static PIE and for
 * the interpreter itself. The span of the segments must be
 * free in mm (-EEXIST otherwise: nothing already mapped is replaced); the
 * segments may share pages with each other. On failure mm keeps whatever was
 * mapped so far and the caller destroys it (execve builds the new space
 * aside). Returns 0, -ENOEXEC (malformed file, reason in err), -ENOMEM,
 * -EEXIST, or another -errno. */
int elf_load(struct mm *mm, struct vfile *f, vaddr_t base_hint, struct elf_image *out,
             char *err, size_t errlen);

#endif
