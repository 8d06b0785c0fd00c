/* Helpers for the kernel's unit tests: a small machine with a kernel, byte
 * access to user memory through the kernel's own door (copyin/copyout), host
 * temp files, and the invariant check after each step. */
#ifndef VMSIM_TESTS_KERNEL_TEST_UTIL_H
#define VMSIM_TESTS_KERNEL_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/mm/mm.h"

#define KT_MEM (16ULL << 20) /* 4096 frames */

struct kt {
    struct machine *m;
    struct kernel *k;
    char dir[64];
};

static inline void kt_setup_mem(struct kt *t, uint64_t mem)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = mem;
    t->m = machine_new(&cfg);
    assert_non_null(t->m);
    t->k = kernel_new(t->m);
    assert_non_null(t->k);
    strcpy(t->dir, "/tmp/vmsim-kt-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

static inline void kt_setup(struct kt *t)
{
    kt_setup_mem(t, KT_MEM);
}

/* Frees everything and checks every user frame came back. */
static inline void kt_teardown(struct kt *t)
{
    struct kernel_info ki;
    kernel_get_info(t->k, &ki);
    assert_int_equal(ki.nr_mm, 0);
    assert_int_equal(ki.anon_frames, 0);
    assert_int_equal(ki.file_frames, 0); /* every vfile was put: no cache left */
    assert_int_equal(ki.pagetable_frames, 0);
    assert_int_equal(ki.free_frames, ki.total_frames - ki.kernel_frames);
    assert_int_equal(kernel_check(t->k), 0);
    kernel_free(t->k);
    machine_free(t->m);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

#define KT_CHECK(t) assert_int_equal(kernel_check((t)->k), 0)

/* cmocka fixtures: a fresh machine and kernel per test in *state. */
static inline int kt_fixture_setup(void **state)
{
    struct kt *t = calloc(1, sizeof *t);
    kt_setup(t);
    *state = t;
    return 0;
}

static inline int kt_fixture_teardown(void **state)
{
    kt_teardown(*state);
    free(*state);
    return 0;
}

/* A host file of `len` bytes in the test dir, byte i = pattern(i). */
static inline void kt_make_file(struct kt *t, const char *name, uint64_t len, char *path_out)
{
    sprintf(path_out, "%s/%s", t->dir, name);
    int fd = open(path_out, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    assert_true(fd >= 0);
    for (uint64_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)('A' + (i * 7 + i / 4096) % 26);
        assert_int_equal(write(fd, &c, 1), 1);
    }
    close(fd);
}

static inline unsigned char kt_pattern(uint64_t i)
{
    return (unsigned char)('A' + (i * 7 + i / 4096) % 26);
}

/* Byte at off of the host file, read with read(2). */
static inline int kt_file_byte(const char *path, uint64_t off)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    unsigned char c;
    ssize_t r = pread(fd, &c, 1, (off_t)off);
    close(fd);
    return r == 1 ? c : -1;
}

static inline void kt_write(struct mm *mm, uint64_t a, const void *p, uint64_t n)
{
    struct segv sv;
    assert_int_equal(copyout(mm, va(a), p, n, &sv), 0);
}

static inline void kt_read(struct mm *mm, uint64_t a, void *p, uint64_t n)
{
    struct segv sv;
    assert_int_equal(copyin(mm, p, va(a), n, &sv), 0);
}

static inline unsigned char kt_byte(struct mm *mm, uint64_t a)
{
    unsigned char c;
    kt_read(mm, a, &c, 1);
    return c;
}

/* Physical frame behind a, for an access of kind acc (may fault it in). */
static inline uint64_t kt_pfn(struct mm *mm, uint64_t a, enum access acc)
{
    struct translation tr;
    struct segv sv;
    assert_int_equal(mm_translate(mm, va(a), acc, &tr, NULL, &sv), 0);
    return tr.pa.p >> PAGE_SHIFT;
}

/* The fault an access would end in: fills *sv and returns -1, or 0. */
static inline int kt_access(struct mm *mm, uint64_t a, enum access acc, struct segv *sv)
{
    struct translation tr;
    return mm_translate(mm, va(a), acc, &tr, NULL, sv);
}

static inline uint64_t kt_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
                               struct vfile *f, uint64_t off)
{
    vaddr_t out;
    assert_int_equal(mm_mmap(mm, va(addr), len, prot, flags, f, off, &out), 0);
    return out.v;
}

#define RW (LX_PROT_READ | LX_PROT_WRITE)
#define ANON_PRIV (LX_MAP_PRIVATE | LX_MAP_ANONYMOUS)

#endif
