/* The ELF loader: header checks (elf_parse_*) and segment mapping (elf_load).
 * See elf.h for the contract. The structures come from the host's <elf.h>
 * (a header only: the ELF64 layout is the same on every host we build on). */
#include "elf.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#ifndef EF_RISCV_RVE
#define EF_RISCV_RVE 0x0008
#endif
#ifndef EF_RISCV_FLOAT_ABI
#define EF_RISCV_FLOAT_ABI 0x0006
#endif
#ifndef EF_RISCV_FLOAT_ABI_QUAD
#define EF_RISCV_FLOAT_ABI_QUAD 0x0006
#endif

static uint64_t page_down(uint64_t a) { return a & ~PAGE_MASK; }
static uint64_t page_up(uint64_t a) { return (a + PAGE_MASK) & ~PAGE_MASK; }

/* Where the headers come from: a memory buffer or a vfile. read returns the
 * bytes read or -errno; callers have already checked off+len <= size. */
struct elf_src {
    uint64_t size;
    int64_t (*read)(void *ctx, void *buf, uint64_t len, uint64_t off);
    void *ctx;
};

/* Formats the reason into err and returns -ENOEXEC: a malformed file. */
__attribute__((format(printf, 3, 4))) static int reject(char *err, size_t errlen,
                                                        const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -ENOEXEC;
}

/* Reads exactly len bytes at off (inside the file); a short read means the
 * file changed under us, which we treat as malformed. */
static int src_read(const struct elf_src *s, void *buf, uint64_t len, uint64_t off,
                    const char *what, char *err, size_t errlen)
{
    int64_t r = s->read(s->ctx, buf, len, off);
    if (r < 0) {
        if (err && errlen)
            snprintf(err, errlen, "reading the %s: %s", what, strerror((int)-r));
        return (int)r;
    }
    if ((uint64_t)r != len)
        return reject(err, errlen, "short read of the %s", what);
    return 0;
}

/* Is [off, off+len) inside a file of size bytes? (No overflow.) */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int prot_of(uint32_t p_flags)
{
    return ((p_flags & PF_R) ? LX_PROT_READ : 0) | ((p_flags & PF_W) ? LX_PROT_WRITE : 0) |
           ((p_flags & PF_X) ? LX_PROT_EXEC : 0);
}

static const char *type_name(uint16_t t)
{
    switch (t) {
    case ET_NONE: return "ET_NONE";
    case ET_REL: return "ET_REL (an object file)";
    case ET_CORE: return "ET_CORE (a core dump)";
    default: return "unknown";
    }
}

/* The ELF header: identification, machine, sizes of the program header table. */
static int check_ehdr(const Elf64_Ehdr *eh, uint64_t size, char *err, size_t errlen)
{
    const unsigned char *id = eh->e_ident;
    if (id[EI_CLASS] != ELFCLASS64)
        return reject(err, errlen, "not a 64-bit ELF file (EI_CLASS=%u, want %u)",
                      id[EI_CLASS], ELFCLASS64);
    if (id[EI_DATA] != ELFDATA2LSB)
        return reject(err, errlen, "not a little-endian ELF file (EI_DATA=%u, want %u)",
                      id[EI_DATA], ELFDATA2LSB);
    if (id[EI_VERSION] != EV_CURRENT)
        return reject(err, errlen, "bad ELF identification version (EI_VERSION=%u, want %u)",
                      id[EI_VERSION], EV_CURRENT);
    if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
        return reject(err, errlen, "unsupported OS ABI (EI_OSABI=%u, want 0 or 3)",
                      id[EI_OSABI]);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return reject(err, errlen, "not an executable (e_type=%u, %s; want ET_EXEC or ET_DYN)",
                      eh->e_type, type_name(eh->e_type));
    if (eh->e_machine != EM_RISCV)
        return reject(err, errlen, "not a RISC-V file (e_machine=%u, want %u)", eh->e_machine,
                      EM_RISCV);
    if (eh->e_version != EV_CURRENT)
        return reject(err, errlen, "bad ELF version (e_version=%u, want %u)", eh->e_version,
                      EV_CURRENT);
    if (eh->e_flags & EF_RISCV_RVE)
        return reject(err, errlen, "RV64E file (e_flags=0x%x): vmsim runs RV64GC",
                      eh->e_flags);
    if ((eh->e_flags & EF_RISCV_FLOAT_ABI) == EF_RISCV_FLOAT_ABI_QUAD)
        return reject(err, errlen, "quad-float ABI (e_flags=0x%x): vmsim runs RV64GC",
                      eh->e_flags);
    if (eh->e_ehsize != sizeof(Elf64_Ehdr))
        return reject(err, errlen, "bad ELF header size (e_ehsize=%u, want %zu)",
                      eh->e_ehsize, sizeof(Elf64_Ehdr));
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return reject(err, errlen, "bad program header size (e_phentsize=%u, want %zu)",
                      eh->e_phentsize, sizeof(Elf64_Phdr));
    if (eh->e_phnum == 0)
        return reject(err, errlen, "no program headers (e_phnum=0)");
    if (eh->e_phnum > ELF_MAX_PHNUM)
        return reject(err, errlen, "too many program headers (e_phnum=%u, at most %d)",
                      eh->e_phnum, ELF_MAX_PHNUM);
    if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
        return reject(err, errlen,
                      "program headers outside the file (e_phoff=0x%llx, %u headers, "
                      "file size %llu)",
                      (unsigned long long)eh->e_phoff, eh->e_phnum,
                      (unsigned long long)size);
    /* Section headers (e_sh*) are not needed to run a program and are not checked. */
    return 0;
}

/* One PT_LOAD; prev_end is where the previous one ended (they must ascend). */
static int check_load(const Elf64_Phdr *ph, int i, uint16_t type, uint64_t size,
                      uint64_t prev_end, char *err, size_t errlen)
{
    if (!in_file(ph->p_offset, ph->p_filesz, size))
        return reject(err, errlen,
                      "PT_LOAD %d: file bytes [0x%llx, +0x%llx) outside the file (size %llu)", i,
                      (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
                      (unsigned long long)size);
    if (ph->p_filesz > ph->p_memsz)
        return reject(err, errlen, "PT_LOAD %d: p_filesz 0x%llx > p_memsz 0x%llx", i,
                      (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
    if (ph->p_align & (ph->p_align - 1))
        return reject(err, errlen, "PT_LOAD %d: p_align 0x%llx is not a power of two", i,
                      (unsigned long long)ph->p_align);
    if ((ph->p_vaddr & PAGE_MASK) != (ph->p_offset & PAGE_MASK))
        return reject(err, errlen,
                      "PT_LOAD %d: p_vaddr 0x%llx and p_offset 0x%llx differ modulo the page "
                      "size",
                      i, (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_offset);
    if (ph->p_vaddr > USER_TOP || ph->p_memsz > USER_TOP - ph->p_vaddr)
        return reject(err, errlen,
                      "PT_LOAD %d: [0x%llx, +0x%llx) is outside the user address space", i,
                      (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_memsz);
    if (type == ET_EXEC && ph->p_vaddr < MMAP_MIN_ADDR)
        return reject(err, errlen, "PT_LOAD %d: p_vaddr 0x%llx is below the lowest address 0x%llx",
                      i, (unsigned long long)ph->p_vaddr, MMAP_MIN_ADDR);
    if (ph->p_vaddr < prev_end)
        return reject(err, errlen,
                      "PT_LOAD %d at 0x%llx overlaps or precedes the previous one (ends at 0x%llx)",
                      i, (unsigned long long)ph->p_vaddr, (unsigned long long)prev_end);
    return 0;
}

static int check_interp(const struct elf_src *s, const Elf64_Phdr *ph, struct elf_info *out,
                        char *err, size_t errlen)
{
    if (out->has_interp)
        return reject(err, errlen, "more than one PT_INTERP");
    if (ph->p_filesz < 2 || ph->p_filesz >= ELF_INTERP_MAX)
        return reject(err, errlen, "PT_INTERP: bad length %llu (want 2 .. %d)",
                      (unsigned long long)ph->p_filesz, ELF_INTERP_MAX - 1);
    if (!in_file(ph->p_offset, ph->p_filesz, s->size))
        return reject(err, errlen, "PT_INTERP: path [0x%llx, +%llu) outside the file",
                      (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz);
    int r = src_read(s, out->interp, ph->p_filesz, ph->p_offset, "interpreter path", err, errlen);
    if (r)
        return r;
    if (out->interp[ph->p_filesz - 1] != '\0')
        return reject(err, errlen, "PT_INTERP: path is not NUL-terminated");
    if (out->interp[0] == '\0')
        return reject(err, errlen, "PT_INTERP: empty path");
    out->has_interp = true;
    return 0;
}

/* The checks of elf.h, in file order: ELF header, each program header, then
 * what needs all of them (a PT_LOAD exists, the entry point is executable). */
static int parse(const struct elf_src *s, struct elf_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';

    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    uint64_t idlen = s->size < sizeof eh ? s->size : sizeof eh;
    int r = src_read(s, &eh, idlen, 0, "ELF header", err, errlen);
    if (r)
        return r;
    if (idlen < SELFMAG || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return reject(err, errlen, "not an ELF file (bad magic)");
    if (idlen < sizeof eh)
        return reject(err, errlen, "truncated ELF header (%llu of %zu bytes)",
                      (unsigned long long)idlen, sizeof eh);
    r = check_ehdr(&eh, s->size, err, errlen);
    if (r)
        return r;
    out->type = eh.e_type;
    out->entry = eh.e_entry;
    out->phoff = eh.e_phoff;
    out->phnum = eh.e_phnum;
    out->phentsize = eh.e_phentsize;

    Elf64_Phdr ph[ELF_MAX_PHNUM];
    r = src_read(s, ph, (uint64_t)eh.e_phnum * sizeof ph[0], eh.e_phoff, "program headers",
                 err, errlen);
    if (r)
        return r;

    uint64_t prev_end = 0;
    bool has_pt_phdr = false;
    uint64_t pt_phdr_vaddr = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        switch (ph[i].p_type) {
        case PT_LOAD:
            r = check_load(&ph[i], i, eh.e_type, s->size, prev_end, err, errlen);
            if (r)
                return r;
            prev_end = ph[i].p_vaddr + ph[i].p_memsz;
            out->seg[out->nseg++] = (struct elf_segment){
                .vaddr = ph[i].p_vaddr,
                .memsz = ph[i].p_memsz,
                .offset = ph[i].p_offset,
                .filesz = ph[i].p_filesz,
                .prot = prot_of(ph[i].p_flags),
            };
            break;
        case PT_INTERP:
            r = check_interp(s, &ph[i], out, err, errlen);
            if (r)
                return r;
            break;
        case PT_PHDR:
            if (!has_pt_phdr) {
                has_pt_phdr = true;
                pt_phdr_vaddr = ph[i].p_vaddr;
            }
            break;
        default:
            break;   /* PT_DYNAMIC, PT_TLS, PT_GNU_STACK, notes: not the loader's business */
        }
    }

    /* The span of memory the segments cover; empty segments map nothing. */
    bool any = false;
    out->align = PAGE_SIZE;
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_align > out->align)
            out->align = ph[i].p_align;
    for (int i = 0; i < out->nseg; i++) {
        const struct elf_segment *sg = &out->seg[i];
        if (sg->memsz == 0)
            continue;
        if (!any)
            out->lo = page_down(sg->vaddr);
        out->hi = page_up(sg->vaddr + sg->memsz);
        any = true;
    }
    if (!any)
        return reject(err, errlen, "no PT_LOAD segment with memory");

    bool entry_ok = false;
    for (int i = 0; i < out->nseg && !entry_ok; i++) {
        const struct elf_segment *sg = &out->seg[i];
        entry_ok = (sg->prot & LX_PROT_EXEC) && eh.e_entry >= sg->vaddr &&
                   eh.e_entry - sg->vaddr < sg->memsz;
    }
    if (!entry_ok)
        return reject(err, errlen, "entry point 0x%llx is not inside an executable segment",
                      (unsigned long long)eh.e_entry);

    /* AT_PHDR as Linux computes it: where the first PT_LOAD holding the file
     * offset e_phoff puts it; PT_PHDR when no PT_LOAD holds it. */
    for (int i = 0; i < out->nseg && !out->has_phdr_vaddr; i++) {
        const struct elf_segment *sg = &out->seg[i];
        if (sg->offset <= eh.e_phoff && eh.e_phoff - sg->offset < sg->filesz) {
            out->has_phdr_vaddr = true;
            out->phdr_vaddr = eh.e_phoff - sg->offset + sg->vaddr;
        }
    }
    if (!out->has_phdr_vaddr && has_pt_phdr) {
        out->has_phdr_vaddr = true;
        out->phdr_vaddr = pt_phdr_vaddr;
    }
    return 0;
}

/* ---- sources ------------------------------------------------------------ */

struct buf_ctx {
    const uint8_t *p;
};

static int64_t buf_read(void *ctx, void *dst, uint64_t len, uint64_t off)
{
    const struct buf_ctx *b = ctx;
    memcpy(dst, b->p + off, len);
    return (int64_t)len;
}

int elf_parse_buffer(const void *buf, size_t len, struct elf_info *out, char *err,
                     size_t errlen)
{
    struct buf_ctx b = {buf};
    struct elf_src s = {.size = len, .read = buf_read, .ctx = &b};
    return parse(&s, out, err, errlen);
}

static int64_t vfile_src_read(void *ctx, void *dst, uint64_t len, uint64_t off)
{
    uint8_t *d = dst;
    uint64_t done = 0;
    while (done < len) {   /* pread may return less than asked */
        int64_t r = vfile_pread(ctx, d + done, len - done, off + done);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        done += (uint64_t)r;
    }
    return (int64_t)done;
}

int elf_parse_file(struct vfile *f, struct elf_info *out, char *err, size_t errlen)
{
    struct elf_src s = {.size = vfile_size(f), .read = vfile_src_read, .ctx = f};
    return parse(&s, out, err, errlen);
}

/* ---- mapping ------------------------------------------------------------ */

static int load_fail(int r, char *err, size_t errlen, const char *what, int i, uint64_t a)
{
    if (err && errlen)
        snprintf(err, errlen, "%s of segment %d at 0x%llx: %s", what, i, (unsigned long long)a,
                 strerror(-r));
    return r;
}

/* Maps one segment at bias (Linux's elf_load() in fs/binfmt_elf.c). */
static int map_segment(struct mm *mm, struct vfile *f, const struct elf_segment *sg, int i,
                       uint64_t bias, char *err, size_t errlen)
{
    uint64_t start = bias + sg->vaddr;
    uint64_t file_end = start + sg->filesz;
    uint64_t zero_start = page_down(start);
    vaddr_t got;
    int r;

    if (sg->filesz > 0) {
        uint64_t map_start = page_down(start);
        uint64_t off = page_down(sg->offset);   /* == offset - vaddr%PAGE by the congruence check */
        r = mm_mmap(mm, va(map_start), page_up(file_end) - map_start, sg->prot,
                    LX_MAP_PRIVATE | LX_MAP_FIXED, f, off, &got);
        if (r)
            return load_fail(r, err, errlen, "mapping", i, map_start);
        zero_start = page_up(file_end);

        /* padzero: the tail of the last file page is bss and must read as
         * zero. Writing it breaks COW on that one page, as in Linux; Linux
         * ignores the failure for a read-only segment, so we do not try. */
        if (sg->memsz > sg->filesz && (file_end & PAGE_MASK) && (sg->prot & LX_PROT_WRITE)) {
            static const uint8_t zeros[PAGE_SIZE];
            struct segv sv;
            r = copyout(mm, va(file_end), zeros, PAGE_SIZE - (file_end & PAGE_MASK), &sv);
            if (r)
                return load_fail(r == -1 ? -EFAULT : r, err, errlen, "zeroing the bss", i,
                                 file_end);
        }
    }

    /* The whole pages of bss: anonymous, like Linux's vm_brk_flags(), which
     * makes them read-write (and executable if the segment is). */
    uint64_t zero_end = page_up(start + sg->memsz);
    if (sg->memsz > sg->filesz && zero_end > zero_start) {
        int prot = LX_PROT_READ | LX_PROT_WRITE | (sg->prot & LX_PROT_EXEC);
        r = mm_mmap(mm, va(zero_start), zero_end - zero_start, prot,
                    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL, 0, &got);
        if (r)
            return load_fail(r, err, errlen, "mapping the bss", i, zero_start);
    }
    return 0;
}

/* Chooses the load bias (see elf.h). */
static int choose_bias(struct mm *mm, const struct elf_info *info, vaddr_t base_hint,
                       uint64_t *bias, char *err, size_t errlen)
{
    uint64_t span = info->hi - info->lo;
    uint64_t align = info->align;
    if (info->type == ET_EXEC) {
        *bias = 0;
        return 0;
    }
    if (base_hint.v & PAGE_MASK)
        return -EINVAL;
    uint64_t base = base_hint.v & ~(align - 1);
    if (base_hint.v) {
        if (base < MMAP_MIN_ADDR || base > USER_TOP || span > USER_TOP - base) {
            if (err && errlen)
                snprintf(err, errlen, "0x%llx bytes do not fit at 0x%llx",
                         (unsigned long long)span, (unsigned long long)base);
            return -ENOMEM;
        }
        *bias = base - info->lo;
        return 0;
    }
    /* Find room top-down like mmap(NULL) (with slack to align the start),
     * then free it for the fixed maps. */
    uint64_t slack = align - PAGE_SIZE;
    if (align > USER_TOP || span > USER_TOP - slack) {
        if (err && errlen)
            snprintf(err, errlen, "0x%llx bytes aligned to 0x%llx do not fit",
                     (unsigned long long)span, (unsigned long long)align);
        return -ENOMEM;
    }
    vaddr_t at;
    int r = mm_mmap(mm, va(0), span + slack, LX_PROT_NONE, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS,
                    NULL, 0, &at);
    if (r == 0)
        r = mm_munmap(mm, at, span + slack);
    if (r) {
        if (err && errlen)
            snprintf(err, errlen, "no room for 0x%llx bytes: %s", (unsigned long long)span,
                     strerror(-r));
        return r;
    }
    *bias = ((at.v + slack) & ~(align - 1)) - info->lo;
    return 0;
}

/* The segments replace each other where they share a page (MAP_FIXED, as in
 * Linux), but must not replace anything mapped before: Linux maps the first
 * with MAP_FIXED_NOREPLACE; we check the whole span the same way. */
static int check_span_free(struct mm *mm, uint64_t start, uint64_t len, char *err,
                           size_t errlen)
{
    vaddr_t got;
    int r = mm_mmap(mm, va(start), len, LX_PROT_NONE,
                    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED_NOREPLACE, NULL, 0, &got);
    if (r == 0)
        return mm_munmap(mm, got, len);
    if (err && errlen)
        snprintf(err, errlen, "[0x%llx, 0x%llx) %s", (unsigned long long)start,
                 (unsigned long long)(start + len),
                 r == -EEXIST ? "is mapped already" : strerror(-r));
    return r;
}

int elf_load(struct mm *mm, struct vfile *f, vaddr_t base_hint, struct elf_image *out,
             char *err, size_t errlen)
{
    struct elf_info info;
    int r = elf_parse_file(f, &info, err, errlen);
    if (r)
        return r;

    uint64_t bias;
    r = choose_bias(mm, &info, base_hint, &bias, err, errlen);
    if (r)
        return r;
    r = check_span_free(mm, bias + info.lo, info.hi - info.lo, err, errlen);
    if (r)
        return r;

    memset(out, 0, sizeof *out);
    for (int i = 0; i < info.nseg; i++) {
        if (info.seg[i].memsz == 0)
            continue;
        r = map_segment(mm, f, &info.seg[i], i, bias, err, errlen);
        if (r)
            return r;
        out->seg[out->nseg] = info.seg[i];
        out->seg[out->nseg].vaddr += bias;
        out->nseg++;
    }

    out->entry = va(bias + info.entry);
    out->phdr = va(info.has_phdr_vaddr ? bias + info.phdr_vaddr : 0);
    out->phnum = info.phnum;
    out->phent = info.phentsize;
    out->bias = bias;
    out->brk = va(bias + info.hi);
    out->has_interp = info.has_interp;
    memcpy(out->interp, info.interp, sizeof out->interp);
    mm_set_brk_base(mm, out->brk);
    return 0;
}
