/* libFuzzer target for the ELF loader. Each input is a whole file:
 *  1. elf_parse_buffer() must return 0 or -ENOEXEC with a reason, and what it
 *     accepts must keep the promises of elf.h;
 *  2. an accepted file is written to a memfd and elf_load()ed into a fresh
 *     machine (4 MiB), kernel and address space, like libriscv's harness
 *     builds a fresh machine per input; then the entry page, the program
 *     headers and each segment's first byte are touched, the kernel's
 *     invariants checked, and everything destroyed (ASan checks for leaks). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/core/kernel.h"

#define FUZZ_MEM (4ULL << 20)

static void check_info(const struct elf_info *info)
{
    bool entry_ok = false;
    if (info->nseg < 1 || info->nseg > ELF_MAX_PHNUM || info->lo >= info->hi)
        abort();
    for (int i = 0; i < info->nseg; i++) {
        const struct elf_segment *s = &info->seg[i];
        if (s->filesz > s->memsz || s->vaddr + s->memsz > USER_TOP || s->vaddr + s->memsz < s->vaddr)
            abort();
        if (i > 0 && s->vaddr < info->seg[i - 1].vaddr + info->seg[i - 1].memsz)
            abort();
        if ((s->prot & LX_PROT_EXEC) && info->entry >= s->vaddr && info->entry - s->vaddr < s->memsz)
            entry_ok = true;
    }
    if (!entry_ok)
        abort();
    if (info->has_interp && (info->interp[0] == '\0' || strnlen(info->interp, ELF_INTERP_MAX) >= ELF_INTERP_MAX))
        abort();
}

static void load_and_touch(const uint8_t *data, size_t size, const struct elf_info *info)
{
    int fd = memfd_create("fuzz.elf", MFD_CLOEXEC);
    if (fd < 0)
        return;
    for (size_t done = 0; done < size;) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) {
            close(fd);
            return;
        }
        done += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = FUZZ_MEM;
    struct machine *m = machine_new(&cfg);
    struct kernel *k = m ? kernel_new(m) : NULL;
    struct mm *mm = k ? mm_new(k) : NULL;
    int err = 0;
    struct vfile *f = mm ? vfile_open(k, path, "fuzz.elf", false, &err) : NULL;
    close(fd);
    if (!f)
        abort();   /* a 4 MiB machine and a memfd: nothing here may fail */

    /* The main program's base or a top-down choice, by one bit of the input. */
    vaddr_t base = va((size & 1) ? ELF_ET_DYN_BASE : 0);
    struct elf_image *img = malloc(sizeof *img);
    char why[256];
    int r = elf_load(mm, f, base, img, why, sizeof why);
    if (r == -ENOEXEC)
        abort();   /* the file said yes to the buffer parser: it must agree */
    if (r == 0) {
        struct segv sv;
        struct translation tr;
        uint8_t buf[ELF_MAX_PHNUM * 56];
        mm_translate(mm, img->entry, ACCESS_EXEC, &tr, NULL, &sv);
        if (img->phdr.v)
            copyin(mm, buf, img->phdr, (uint64_t)img->phnum * 56, &sv);
        for (int i = 0; i < img->nseg; i++)
            copyin(mm, buf, va(img->seg[i].vaddr), 1, &sv);
        if (img->entry.v != info->entry + img->bias || img->brk.v != info->hi + img->bias)
            abort();
    }
    if (kernel_check(k) != 0)
        abort();
    free(img);
    mm_destroy(mm);
    vfile_put(f);
    kernel_free(k);
    machine_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_info *info = malloc(sizeof *info);
    char err[256] = "";
    int r = elf_parse_buffer(data, size, info, err, sizeof err);
    if (r != 0 && (r != -ENOEXEC || err[0] == '\0'))
        abort();
    if (r == 0) {
        check_info(info);
        load_and_touch(data, size, info);
    }
    free(info);
    return 0;
}
