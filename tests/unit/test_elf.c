/* The ELF loader: header checks on hand-built images (each corrupt field is
 * rejected with its own message), and loading real riscv64 programs, checked
 * against riscv64-linux-gnu-readelf and against a page model of "a program's
 * pages are read from its file only when touched". Run from the repo root
 * (tests/run.sh does); GUEST_DIR names build/guest. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/proc/elf.h"

/* ---- hand-built images -------------------------------------------------- */

/* A good ET_EXEC: PT_PHDR, PT_INTERP, text [0x10000,+0x1000) R-X from file
 * offset 0, data at 0x12010 RW with 0x100 file bytes and 0x3000 of memory. */
#define IMG_SIZE 0x2200
struct img {
    union {
        uint8_t buf[IMG_SIZE];
        Elf64_Ehdr eh;
    };
    size_t len;
};

static Elf64_Phdr *phdr(struct img *m, int i)
{
    return (Elf64_Phdr *)(m->buf + m->eh.e_phoff) + i;
}

enum { PH_PHDR, PH_INTERP, PH_TEXT, PH_DATA, PH_STACK, NPH };
static const char interp_path[] = "/lib/ld-linux-riscv64-lp64d.so.1";

static void img_good(struct img *m)
{
    memset(m, 0, sizeof *m);
    m->len = IMG_SIZE;
    Elf64_Ehdr *eh = &m->eh;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_RISCV;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x10100;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_flags = 0x5;   /* RVC, double-float ABI */
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = NPH;
    *phdr(m, PH_PHDR) = (Elf64_Phdr){PT_PHDR, PF_R, 0x40, 0x10040, 0x10040,
                                     NPH * sizeof(Elf64_Phdr), NPH * sizeof(Elf64_Phdr), 8};
    *phdr(m, PH_INTERP) = (Elf64_Phdr){PT_INTERP, PF_R, 0x200, 0x10200, 0x10200,
                                       sizeof interp_path, sizeof interp_path, 1};
    memcpy(m->buf + 0x200, interp_path, sizeof interp_path);
    *phdr(m, PH_TEXT) = (Elf64_Phdr){PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x10000,
                                     0x1000, 0x1000, 0x1000};
    *phdr(m, PH_DATA) = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, 0x1010, 0x12010, 0x12010,
                                     0x100, 0x3000, 0x1000};
    *phdr(m, PH_STACK) = (Elf64_Phdr){PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
}

static int parse_img(struct img *m, struct elf_info *info, char *err, size_t errlen)
{
    return elf_parse_buffer(m->buf, m->len, info, err, errlen);
}

static void test_good_header(void **state)
{
    static struct img m;
    static struct elf_info info;
    char err[256] = "untouched";
    img_good(&m);
    assert_int_equal(parse_img(&m, &info, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(info.type, ET_EXEC);
    assert_int_equal(info.entry, 0x10100);
    assert_int_equal(info.phnum, NPH);
    assert_int_equal(info.phentsize, 56);
    assert_int_equal(info.nseg, 2);
    assert_int_equal(info.seg[0].vaddr, 0x10000);
    assert_int_equal(info.seg[0].prot, LX_PROT_READ | LX_PROT_EXEC);
    assert_int_equal(info.seg[1].vaddr, 0x12010);
    assert_int_equal(info.seg[1].offset, 0x1010);
    assert_int_equal(info.seg[1].filesz, 0x100);
    assert_int_equal(info.seg[1].memsz, 0x3000);
    assert_int_equal(info.seg[1].prot, LX_PROT_READ | LX_PROT_WRITE);
    assert_int_equal(info.lo, 0x10000);
    assert_int_equal(info.hi, 0x16000);   /* page_up(0x12010 + 0x3000) */
    assert_true(info.has_phdr_vaddr);
    assert_int_equal(info.phdr_vaddr, 0x10040);
    assert_true(info.has_interp);
    assert_string_equal(info.interp, interp_path);

    /* Without PT_PHDR, AT_PHDR still comes from the text segment (as Linux). */
    phdr(&m, PH_PHDR)->p_type = PT_NULL;
    assert_int_equal(parse_img(&m, &info, err, sizeof err), 0);
    assert_int_equal(info.phdr_vaddr, 0x10040);

    /* ET_DYN may start at 0; PT_INTERP is optional. */
    img_good(&m);
    m.eh.e_type = ET_DYN;
    m.eh.e_entry = 0x100;
    phdr(&m, PH_PHDR)->p_vaddr = 0x40;
    phdr(&m, PH_INTERP)->p_type = PT_NOTE;
    phdr(&m, PH_TEXT)->p_vaddr = 0;
    phdr(&m, PH_DATA)->p_vaddr = 0x2010;
    assert_int_equal(parse_img(&m, &info, err, sizeof err), 0);
    assert_false(info.has_interp);
    assert_int_equal(info.lo, 0);
    assert_int_equal(info.hi, 0x6000);
}

/* One corruption of the good image and the words its message must contain. */
struct corruption {
    const char *what;
    void (*apply)(struct img *m);
    const char *msg;
};

#define MUT(name, body) static void name(struct img *m) { body; }
MUT(bad_magic, m->eh.e_ident[EI_MAG2] = 'X')
MUT(class32, m->eh.e_ident[EI_CLASS] = ELFCLASS32)
MUT(big_endian, m->eh.e_ident[EI_DATA] = ELFDATA2MSB)
MUT(ident_version, m->eh.e_ident[EI_VERSION] = 0)
MUT(osabi, m->eh.e_ident[EI_OSABI] = ELFOSABI_FREEBSD)
MUT(type_rel, m->eh.e_type = ET_REL)
MUT(type_core, m->eh.e_type = ET_CORE)
MUT(machine_x86, m->eh.e_machine = EM_X86_64)
MUT(version, m->eh.e_version = 2)
MUT(flags_rve, m->eh.e_flags |= 0x8)
MUT(flags_quad, m->eh.e_flags = 0x7)
MUT(ehsize, m->eh.e_ehsize = 52)
MUT(phentsize, m->eh.e_phentsize = 32)
MUT(phnum0, m->eh.e_phnum = 0)
MUT(phnum65, m->eh.e_phnum = 65)
MUT(phnum_xnum, m->eh.e_phnum = PN_XNUM)
MUT(phoff_past_end, m->eh.e_phoff = IMG_SIZE - 100)
MUT(phoff_wraps, m->eh.e_phoff = UINT64_MAX - 16)
MUT(load_past_end, phdr(m, PH_DATA)->p_filesz = 0x1200)
MUT(load_offset_wraps, phdr(m, PH_DATA)->p_offset = UINT64_MAX - 0xfef;
    phdr(m, PH_DATA)->p_vaddr = 0x12010)
MUT(filesz_gt_memsz, phdr(m, PH_TEXT)->p_memsz = 0x800)
MUT(align_not_pow2, phdr(m, PH_DATA)->p_align = 0x1800)
MUT(vaddr_offset_incongruent, phdr(m, PH_DATA)->p_vaddr = 0x12020)
MUT(vaddr_above_user, phdr(m, PH_DATA)->p_vaddr = USER_TOP + 0x10)
MUT(end_above_user, phdr(m, PH_DATA)->p_vaddr = USER_TOP - 0x1ff0)
MUT(memsz_wraps, phdr(m, PH_DATA)->p_memsz = UINT64_MAX - 0x10)
MUT(below_min_addr, phdr(m, PH_TEXT)->p_vaddr = 0x1000; m->eh.e_entry = 0x1100)
MUT(overlap, phdr(m, PH_DATA)->p_vaddr = 0x10010)
MUT(descending, Elf64_Phdr t = *phdr(m, PH_TEXT); *phdr(m, PH_TEXT) = *phdr(m, PH_DATA);
    *phdr(m, PH_DATA) = t)
MUT(no_load, phdr(m, PH_TEXT)->p_type = PT_NULL; phdr(m, PH_DATA)->p_type = PT_NOTE)
MUT(only_empty_load, phdr(m, PH_TEXT)->p_memsz = phdr(m, PH_TEXT)->p_filesz = 0;
    phdr(m, PH_DATA)->p_type = PT_NULL)
MUT(entry_in_data, m->eh.e_entry = 0x12010)
MUT(entry_nowhere, m->eh.e_entry = 0x40000000)
MUT(entry_text_not_exec, phdr(m, PH_TEXT)->p_flags = PF_R)
MUT(interp_no_nul, m->buf[0x200 + sizeof interp_path - 1] = 'x')
MUT(interp_empty, phdr(m, PH_INTERP)->p_filesz = 2; m->buf[0x200] = m->buf[0x201] = 0)
MUT(interp_too_long, phdr(m, PH_INTERP)->p_filesz = 4096)
MUT(interp_too_short, phdr(m, PH_INTERP)->p_filesz = 1)
MUT(interp_past_end, phdr(m, PH_INTERP)->p_offset = IMG_SIZE - 4)
MUT(interp_offset_wraps, phdr(m, PH_INTERP)->p_offset = UINT64_MAX - 4)
MUT(two_interps, *phdr(m, PH_STACK) = *phdr(m, PH_INTERP))
MUT(truncated_header, m->len = 40)
MUT(truncated_magic, m->len = 3)
MUT(empty_file, m->len = 0)
MUT(truncated_phdrs, m->len = 64 + 2 * sizeof(Elf64_Phdr))
#undef MUT

static const struct corruption corruptions[] = {
    {"bad magic", bad_magic, "not an ELF file (bad magic)"},
    {"ELFCLASS32", class32, "not a 64-bit ELF file (EI_CLASS=1"},
    {"big-endian", big_endian, "not a little-endian ELF file (EI_DATA=2"},
    {"EI_VERSION 0", ident_version, "EI_VERSION=0"},
    {"FreeBSD OS ABI", osabi, "unsupported OS ABI (EI_OSABI=9"},
    {"ET_REL", type_rel, "not an executable (e_type=1, ET_REL"},
    {"ET_CORE", type_core, "not an executable (e_type=4, ET_CORE"},
    {"x86-64", machine_x86, "not a RISC-V file (e_machine=62"},
    {"e_version 2", version, "bad ELF version (e_version=2"},
    {"RVE flag", flags_rve, "RV64E file"},
    {"quad-float ABI", flags_quad, "quad-float ABI"},
    {"e_ehsize 52", ehsize, "bad ELF header size (e_ehsize=52"},
    {"e_phentsize 32", phentsize, "bad program header size (e_phentsize=32"},
    {"e_phnum 0", phnum0, "no program headers"},
    {"e_phnum 65", phnum65, "too many program headers (e_phnum=65"},
    {"e_phnum PN_XNUM", phnum_xnum, "too many program headers (e_phnum=65535"},
    {"e_phoff past the end", phoff_past_end, "program headers outside the file"},
    {"e_phoff wraps", phoff_wraps, "program headers outside the file"},
    {"PT_LOAD past the end", load_past_end, "PT_LOAD 3: file bytes"},
    {"PT_LOAD offset wraps", load_offset_wraps, "PT_LOAD 3: file bytes"},
    {"p_filesz > p_memsz", filesz_gt_memsz, "PT_LOAD 2: p_filesz 0x1000 > p_memsz 0x800"},
    {"p_align 0x1800", align_not_pow2, "p_align 0x1800 is not a power of two"},
    {"p_vaddr/p_offset incongruent", vaddr_offset_incongruent, "differ modulo the page size"},
    {"p_vaddr above USER_TOP", vaddr_above_user, "outside the user address space"},
    {"segment end above USER_TOP", end_above_user, "outside the user address space"},
    {"p_memsz wraps", memsz_wraps, "outside the user address space"},
    {"below MMAP_MIN_ADDR", below_min_addr, "below the lowest address"},
    {"overlapping PT_LOADs", overlap, "PT_LOAD 3 at 0x10010 overlaps or precedes"},
    {"descending PT_LOADs", descending, "PT_LOAD 3 at 0x10000 overlaps or precedes"},
    {"no PT_LOAD", no_load, "no PT_LOAD segment with memory"},
    {"only an empty PT_LOAD", only_empty_load, "no PT_LOAD segment with memory"},
    {"entry in data", entry_in_data, "entry point 0x12010 is not inside an executable segment"},
    {"entry nowhere", entry_nowhere, "entry point 0x40000000"},
    {"text not executable", entry_text_not_exec, "not inside an executable segment"},
    {"PT_INTERP without NUL", interp_no_nul, "not NUL-terminated"},
    {"PT_INTERP empty", interp_empty, "PT_INTERP: empty path"},
    {"PT_INTERP 4096 bytes", interp_too_long, "PT_INTERP: bad length 4096"},
    {"PT_INTERP 1 byte", interp_too_short, "PT_INTERP: bad length 1"},
    {"PT_INTERP past the end", interp_past_end, "PT_INTERP: path"},
    {"PT_INTERP offset wraps", interp_offset_wraps, "PT_INTERP: path"},
    {"two PT_INTERP", two_interps, "more than one PT_INTERP"},
    {"truncated header", truncated_header, "truncated ELF header (40 of 64 bytes)"},
    {"3-byte file", truncated_magic, "not an ELF file"},
    {"empty file", empty_file, "not an ELF file"},
    {"truncated program headers", truncated_phdrs, "program headers outside the file"},
};

static void test_each_corruption_rejected(void **state)
{
    static struct img m;
    static struct elf_info info;
    for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++) {
        const struct corruption *c = &corruptions[i];
        char err[256] = "";
        img_good(&m);
        c->apply(&m);
        int r = parse_img(&m, &info, err, sizeof err);
        if (r != -ENOEXEC || !strstr(err, c->msg))
            fail_msg("%s: got %d \"%s\", want -ENOEXEC \"...%s...\"", c->what, r, err, c->msg);
    }
}

/* Every prefix of the good image, and many random byte changes: no crash
 * (ASan is watching), a result of 0 or -ENOEXEC with a reason, and what is
 * accepted keeps the promises of elf.h. */
static void check_accepted(const struct elf_info *info)
{
    assert_true(info->nseg >= 1 && info->nseg <= ELF_MAX_PHNUM);
    bool entry_ok = false;
    for (int i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        assert_true(s->filesz <= s->memsz);
        assert_true(s->vaddr + s->memsz <= USER_TOP);
        if (i > 0)
            assert_true(s->vaddr >= info->seg[i - 1].vaddr + info->seg[i - 1].memsz);
        if ((s->prot & LX_PROT_EXEC) && info->entry >= s->vaddr &&
            info->entry < s->vaddr + s->memsz)
            entry_ok = true;
    }
    assert_true(entry_ok);
    if (info->has_interp)
        assert_true(strlen(info->interp) > 0 && strlen(info->interp) < ELF_INTERP_MAX);
}

static void test_truncations_and_mutations(void **state)
{
    static struct img m, good;
    static struct elf_info info;
    char err[256];
    img_good(&good);
    for (size_t len = 0; len <= IMG_SIZE; len++) {
        m = good;
        m.len = len;
        int r = parse_img(&m, &info, err, sizeof err);
        /* The last byte the headers need is the end of PT_LOAD 3's file bytes. */
        assert_int_equal(r, len >= 0x1110 ? 0 : -ENOEXEC);
    }
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        m = good;
        int nflips = 1 + iter % 4;
        for (int j = 0; j < nflips; j++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (seed >> 33) % (64 + NPH * sizeof(Elf64_Phdr));
            m.buf[at] = (uint8_t)(seed >> 20);
        }
        err[0] = '\0';
        int r = parse_img(&m, &info, err, sizeof err);
        if (r == 0) {
            accepted++;
            check_accepted(&info);
        } else {
            assert_int_equal(r, -ENOEXEC);
            assert_true(err[0] != '\0');
        }
    }
    assert_true(accepted > 0);
}

/* ---- loading real files ------------------------------------------------- */

/* A PT_LOAD as riscv64-linux-gnu-readelf prints it: the reference. */
struct ref_load {
    uint64_t offset, vaddr, filesz, memsz;
    int prot;
};
struct ref_elf {
    uint64_t entry;
    int nload;
    struct ref_load load[16];
};

/* Runs readelf on path; false if it is not installed. */
static bool readelf(const char *path, struct ref_elf *ref)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "riscv64-linux-gnu-readelf -hlW '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    memset(ref, 0, sizeof *ref);
    char line[512];
    bool seen_entry = false;
    while (fgets(line, sizeof line, p)) {
        unsigned long long entry;
        if (sscanf(line, " Entry point address: %llx", &entry) == 1) {
            ref->entry = entry;
            seen_entry = true;
            continue;
        }
        /* "  LOAD  0xOFF 0xVADDR 0xPADDR 0xFILESZ 0xMEMSZ R E 0xALIGN":
         * the flags are the words between the memory size and the alignment. */
        char *save = NULL, *tok = strtok_r(line, " \t\n", &save);
        if (!tok || strcmp(tok, "LOAD") != 0 || ref->nload == 16)
            continue;
        unsigned long long v[5];
        int n = 0;
        while (n < 5 && (tok = strtok_r(NULL, " \t\n", &save)))
            v[n++] = strtoull(tok, NULL, 16);
        assert_int_equal(n, 5);
        int prot = 0;
        while ((tok = strtok_r(NULL, " \t\n", &save)) && strncmp(tok, "0x", 2) != 0) {
            for (const char *c = tok; *c; c++)
                prot |= *c == 'R' ? LX_PROT_READ : *c == 'W' ? LX_PROT_WRITE
                                                 : *c == 'E' ? LX_PROT_EXEC : 0;
        }
        ref->load[ref->nload++] = (struct ref_load){
            .offset = v[0], .vaddr = v[1], .filesz = v[3], .memsz = v[4], .prot = prot};
    }
    int rc = pclose(p);
    return rc == 0 && seen_entry && ref->nload > 0;
}

struct sim {
    struct machine *m;
    struct kernel *k;
    struct mm *mm;
    struct vfile *f;
};

static void sim_open(struct sim *s, const char *path)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 64ULL << 20;
    s->m = machine_new(&cfg);
    assert_non_null(s->m);
    s->k = kernel_new(s->m);
    assert_non_null(s->k);
    s->mm = mm_new(s->k);
    assert_non_null(s->mm);
    int err = 0;
    s->f = vfile_open(s->k, path, NULL, false, &err);
    if (!s->f)
        fail_msg("vfile_open %s: %s", path, strerror(-err));
}

static void sim_close(struct sim *s)
{
    assert_int_equal(kernel_check(s->k), 0);
    mm_destroy(s->mm);
    vfile_put(s->f);
    kernel_free(s->k);
    machine_free(s->m);
}

static uint64_t file_reads(struct mm *mm)
{
    struct mm_info mi;
    mm_get_info(mm, &mi);
    return mi.c.file_reads;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* The fixture at path, and readelf's view of it (if ref): a missing one is
 * a failure, never a skip (cmocka's skip() passes silently). */
static void need(const char *path, struct ref_elf *ref)
{
    if (access(path, R_OK) != 0)
        fail_msg("%s is missing (make builds the fixtures)", path);
    if (ref && !readelf(path, ref))
        fail_msg("riscv64-linux-gnu-readelf failed on %s (scripts/deps.sh installs it)", path);
}

/* Loads path at base and checks the image against readelf. */
static void load_and_compare(const char *path, vaddr_t base, uint64_t want_bias,
                             bool want_interp)
{
    struct ref_elf ref;
    need(path, &ref);
    struct sim s;
    sim_open(&s, path);
    static struct elf_image img;
    char err[256] = "";
    int r = elf_load(s.mm, s.f, base, &img, err, sizeof err);
    if (r)
        fail_msg("elf_load %s: %d %s", path, r, err);
    if (want_bias != UINT64_MAX) {
        assert_int_equal(img.bias, want_bias);
    } else {   /* top-down like mmap(NULL): page aligned, below the mmap base */
        assert_int_equal(img.bias & PAGE_MASK, 0);
        assert_true(img.bias >= MMAP_MIN_ADDR && img.brk.v <= MMAP_BASE);
    }
    assert_int_equal(img.entry.v, img.bias + ref.entry);
    assert_int_equal(img.nseg, ref.nload);
    uint64_t top = 0;
    for (int i = 0; i < ref.nload; i++) {
        assert_int_equal(img.seg[i].vaddr, img.bias + ref.load[i].vaddr);
        assert_int_equal(img.seg[i].offset, ref.load[i].offset);
        assert_int_equal(img.seg[i].filesz, ref.load[i].filesz);
        assert_int_equal(img.seg[i].memsz, ref.load[i].memsz);
        assert_int_equal(img.seg[i].prot, ref.load[i].prot);
        top = img.seg[i].vaddr + img.seg[i].memsz;
    }
    assert_int_equal(img.brk.v, (top + PAGE_MASK) & ~PAGE_MASK);
    assert_int_equal(img.has_interp, want_interp);
    if (want_interp)
        assert_string_equal(img.interp, "/lib/ld-linux-riscv64-lp64d.so.1");
    /* The program headers are where AT_PHDR says: read them back through the MMU. */
    size_t flen;
    uint8_t *file = slurp(path, &flen);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
    assert_int_equal(img.phnum, eh->e_phnum);
    assert_int_equal(img.phent, sizeof(Elf64_Phdr));
    if (img.phdr.v) {
        static uint8_t back[ELF_MAX_PHNUM * sizeof(Elf64_Phdr)];
        struct segv sv;
        size_t n = img.phnum * sizeof(Elf64_Phdr);
        assert_int_equal(copyin(s.mm, back, img.phdr, n, &sv), 0);
        assert_memory_equal(back, file + eh->e_phoff, n);
    }
    /* The entry point is executable: the first instruction fetch works and
     * reads the file's bytes. */
    struct translation tr;
    struct segv sv;
    assert_int_equal(mm_translate(s.mm, img.entry, ACCESS_EXEC, &tr, NULL, &sv), 0);
    assert_non_null(tr.host);
    free(file);
    sim_close(&s);
}

static const char *corpus(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "tests/fuzz/corpus_elf/%s", name);
    return path;
}

static void test_load_static_exec(void **state)
{
    load_and_compare(corpus("exec"), va(ELF_ET_DYN_BASE), 0, false);
}

static void test_load_pie_at_base(void **state)
{
    load_and_compare(corpus("pie"), va(ELF_ET_DYN_BASE), ELF_ET_DYN_BASE, false);
}

static void test_load_pie_anywhere(void **state)
{
    load_and_compare(corpus("interp"), va(0), UINT64_MAX, true);
}

/* A file that is not ELF: -ENOEXEC with the reason, nothing mapped. */
static void test_load_rejects_non_elf(void **state)
{
    char path[] = "/tmp/vmsim-elf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "#!/bin/sh\necho hi\n", 18), 18);
    close(fd);
    struct sim s;
    sim_open(&s, path);
    static struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_load(s.mm, s.f, va(0), &img, err, sizeof err), -ENOEXEC);
    assert_string_equal(err, "not an ELF file (bad magic)");
    struct mm_info mi;
    mm_get_info(s.mm, &mi);
    assert_int_equal(mi.vm_pages, 0);
    sim_close(&s);
    unlink(path);
}

/* Loading over something already mapped fails and replaces nothing; a PIE
 * loaded at no fixed base then goes elsewhere (as ld.so does after the program). */
static void test_load_does_not_replace(void **state)
{
    const char *path = corpus("pie");
    need(path, NULL);
    struct sim s;
    sim_open(&s, path);
    static struct elf_image img, img2;
    char err[256] = "";
    assert_int_equal(elf_load(s.mm, s.f, va(ELF_ET_DYN_BASE), &img, err, sizeof err), 0);
    struct mm_info before, after;
    mm_get_info(s.mm, &before);
    assert_int_equal(elf_load(s.mm, s.f, va(ELF_ET_DYN_BASE), &img2, err, sizeof err), -EEXIST);
    assert_non_null(strstr(err, "is mapped already"));
    mm_get_info(s.mm, &after);
    assert_int_equal(after.vm_pages, before.vm_pages);
    assert_int_equal(elf_load(s.mm, s.f, va(0), &img2, err, sizeof err), 0);
    assert_true(img2.bias != img.bias);
    assert_true(img2.seg[0].vaddr >= img.brk.v ||
                img2.seg[img2.nseg - 1].vaddr + img2.seg[img2.nseg - 1].memsz <= img.bias);
    mm_get_info(s.mm, &after);
    assert_int_equal(after.vm_pages, 2 * before.vm_pages);
    sim_close(&s);
}

/* Linux aligns a PIE's bias to its largest p_align (maximum_alignment). */
static void test_load_aligns_bias(void **state)
{
    static struct img m;
    img_good(&m);
    m.eh.e_type = ET_DYN;
    m.eh.e_entry = 0x100;
    phdr(&m, PH_PHDR)->p_vaddr = 0x40;
    phdr(&m, PH_TEXT)->p_vaddr = 0;
    phdr(&m, PH_TEXT)->p_align = 0x10000;
    phdr(&m, PH_DATA)->p_vaddr = 0x2010;
    char path[] = "/tmp/vmsim-elf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, m.buf, m.len), (ssize_t)m.len);
    close(fd);

    struct sim s;
    sim_open(&s, path);
    static struct elf_image img;
    char err[256] = "";
    assert_int_equal(elf_load(s.mm, s.f, va(ELF_ET_DYN_BASE), &img, err, sizeof err), 0);
    assert_int_equal(img.bias, ELF_ET_DYN_BASE & ~0xffffULL);
    assert_int_equal(img.entry.v, img.bias + 0x100);
    assert_int_equal(img.phdr.v, img.bias + 0x40);
    assert_int_equal(img.brk.v, img.bias + 0x6000);
    assert_string_equal(img.interp, interp_path);
    assert_int_equal(elf_load(s.mm, s.f, va(0), &img, err, sizeof err), 0);
    assert_int_equal(img.bias & 0xffff, 0);
    assert_true(img.bias >= MMAP_MIN_ADDR && img.brk.v <= MMAP_BASE);
    /* The data page: file bytes 0x1010.. then zeros (padzero), as the file says. */
    uint8_t got[0x200];
    struct segv sv;
    assert_int_equal(copyin(s.mm, got, va(img.bias + 0x2010), sizeof got, &sv), 0);
    assert_memory_equal(got, m.buf + 0x1010, 0x100);
    for (size_t i = 0x100; i < sizeof got; i++)
        assert_int_equal(got[i], 0);
    sim_close(&s);
    unlink(path);
}

/* ---- the seed's claim: pages are read from the file only when touched --- */

/* The model: which pages of the file are in the page cache. */
struct page_model {
    size_t npages;
    bool *read;
    uint64_t nread;
};

static void model_read(struct page_model *pm, uint64_t file_page)
{
    assert_true(file_page < pm->npages);
    if (!pm->read[file_page]) {
        pm->read[file_page] = true;
        pm->nread++;
    }
}

/* The file page that backs virtual page `page` of segment l, or -1 for bss
 * (a page beyond the segment's file bytes). */
static int64_t file_page_of(const struct ref_load *l, uint64_t page)
{
    uint64_t seg_page = l->vaddr & ~PAGE_MASK;
    uint64_t file_end = l->vaddr + l->filesz;
    if (l->filesz == 0 || page >= file_end || page < seg_page)
        return -1;
    return (int64_t)(((page - seg_page) + (l->offset & ~PAGE_MASK)) >> PAGE_SHIFT);
}

/* What a page must hold: the file's bytes up to the end of the segment's file
 * part, zeros after (within the segment's memory). */
static void expect_page(const struct ref_load *l, const uint8_t *file, uint64_t page,
                        uint8_t *want)
{
    memset(want, 0, PAGE_SIZE);
    for (uint64_t a = page; a < page + PAGE_SIZE; a++) {
        if (a >= l->vaddr && a < l->vaddr + l->filesz)
            want[a - page] = file[l->offset + (a - l->vaddr)];
    }
}

enum touch_kind { T_READ, T_WRITE, T_EXEC };

static void touch(struct sim *s, struct page_model *pm, const struct ref_elf *ref,
                  const uint8_t *file, uint64_t addr, enum touch_kind kind)
{
    uint64_t page = addr & ~PAGE_MASK;
    const struct ref_load *l = NULL;
    for (int i = 0; i < ref->nload; i++)
        if (addr >= (ref->load[i].vaddr & ~PAGE_MASK) &&
            addr < ref->load[i].vaddr + ref->load[i].memsz)
            l = &ref->load[i];
    assert_non_null(l);
    int64_t fp = file_page_of(l, page);
    if (fp >= 0)
        model_read(pm, (uint64_t)fp);

    struct segv sv;
    static uint8_t got[PAGE_SIZE], want[PAGE_SIZE];
    if (kind == T_EXEC) {
        struct translation tr;
        assert_int_equal(mm_translate(s->mm, va(addr), ACCESS_EXEC, &tr, NULL, &sv), 0);
    } else if (kind == T_WRITE) {
        uint8_t b;
        assert_int_equal(copyin(s->mm, &b, va(addr), 1, &sv), 0);
        assert_int_equal(copyout(s->mm, va(addr), &b, 1, &sv), 0);
    }
    expect_page(l, file, page, want);
    uint64_t lo = page < l->vaddr ? l->vaddr : page;   /* the segment's part of the page */
    uint64_t hi = page + PAGE_SIZE;
    if (hi > l->vaddr + l->memsz)
        hi = l->vaddr + l->memsz;
    assert_int_equal(copyin(s->mm, got, va(lo), hi - lo, &sv), 0);
    if (memcmp(got, want + (lo - page), hi - lo) != 0)
        fail_msg("page 0x%llx does not hold the file's bytes and zeros",
                 (unsigned long long)page);
    if (file_reads(s->mm) != pm->nread)
        fail_msg("after touching 0x%llx: file_reads %llu, model %llu", (unsigned long long)addr,
                 (unsigned long long)file_reads(s->mm), (unsigned long long)pm->nread);
}

static void test_touch_reads_only_touched_pages(void **state)
{
    const char *gd = getenv("GUEST_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/elf/touch", gd ? gd : "build/guest");
    struct ref_elf ref;
    need(path, &ref);
    assert_int_equal(ref.nload, 2);   /* text (R E), data+bss (RW) */
    const struct ref_load *text = &ref.load[0], *data = &ref.load[1];
    assert_int_equal(text->prot, LX_PROT_READ | LX_PROT_EXEC);
    assert_int_equal(data->prot, LX_PROT_READ | LX_PROT_WRITE);
    assert_true(text->filesz > 64 * PAGE_SIZE && data->filesz > 64 * PAGE_SIZE);
    assert_true(data->memsz > data->filesz + 2 * PAGE_SIZE);

    size_t flen;
    uint8_t *file = slurp(path, &flen);
    struct page_model pm = {.npages = (flen + PAGE_MASK) / PAGE_SIZE};
    pm.read = calloc(pm.npages, 1);

    struct sim s;
    sim_open(&s, path);
    static struct elf_image img;
    char err[256] = "";
    int r = elf_load(s.mm, s.f, va(0), &img, err, sizeof err);
    if (r)
        fail_msg("elf_load: %d %s", r, err);

    /* Right after loading, the only page read is the one padzero wrote: the
     * last file page of the data segment, when its file bytes end inside it. */
    uint64_t data_file_end = data->vaddr + data->filesz;
    if (data_file_end & PAGE_MASK)
        model_read(&pm, (uint64_t)file_page_of(data, data_file_end & ~PAGE_MASK));
    assert_int_equal(file_reads(s.mm), pm.nread);

    uint64_t text_end = text->vaddr + text->filesz;
    touch(&s, &pm, &ref, file, ref.entry, T_EXEC);
    touch(&s, &pm, &ref, file, text->vaddr + 40 * PAGE_SIZE + 123, T_READ);
    touch(&s, &pm, &ref, file, text->vaddr + 40 * PAGE_SIZE + 7, T_EXEC);   /* again: no read */
    touch(&s, &pm, &ref, file, text_end - 1, T_READ);
    touch(&s, &pm, &ref, file, data->vaddr, T_READ);   /* may share a file page with the text end */
    touch(&s, &pm, &ref, file, data->vaddr + 20 * PAGE_SIZE, T_WRITE);   /* COW: still one read */
    touch(&s, &pm, &ref, file, data->vaddr + 20 * PAGE_SIZE + 8, T_READ);
    touch(&s, &pm, &ref, file, data->vaddr + 33 * PAGE_SIZE, T_READ);
    touch(&s, &pm, &ref, file, data_file_end - 1, T_READ);   /* the padzero page: already in */
    touch(&s, &pm, &ref, file, data_file_end + PAGE_SIZE, T_WRITE);   /* bss: no read */
    touch(&s, &pm, &ref, file, data->vaddr + data->memsz - 1, T_READ);
    /* Far fewer pages than the file has were read. */
    assert_true(pm.nread < 12 && pm.npages > 100);

    struct mm_info mi;
    mm_get_info(s.mm, &mi);
    assert_int_equal(mi.c.file_reads, pm.nread);
    assert_true(mi.c.major_faults <= pm.nread);
    free(pm.read);
    free(file);
    sim_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_header),
        cmocka_unit_test(test_each_corruption_rejected),
        cmocka_unit_test(test_truncations_and_mutations),
        cmocka_unit_test(test_load_static_exec),
        cmocka_unit_test(test_load_pie_at_base),
        cmocka_unit_test(test_load_pie_anywhere),
        cmocka_unit_test(test_load_rejects_non_elf),
        cmocka_unit_test(test_load_does_not_replace),
        cmocka_unit_test(test_load_aligns_bias),
        cmocka_unit_test(test_touch_reads_only_touched_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
