/* Memory-mapped I/O at the machine level (issue 7): the framebuffer's and
 * the timer's registers through physmem_io_*, the hart's loads and stores to
 * device pages (no TLB fill, the device sees the access size), the timer's
 * instruction count against a counted instruction sequence, and the kernel's
 * device regions (PTEs to device pages, no frames, shared by fork). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "hart_env.h"
#include "kernel/mm/vma.h"
#include "kernel_test_util.h"

#define CODE 0x400000ULL
#define DEV_VA 0x600000ULL
enum { T0 = 5, A0 = 10, A1 = 11, A2 = 12 };

static uint32_t i_type(unsigned op, unsigned f3, unsigned rd, unsigned rs1, int imm)
{
    return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t s_type(unsigned f3, unsigned rs2, unsigned rs1, int imm)
{
    return (uint32_t)((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (uint32_t)(imm & 31) << 7 | 0x23;
}
static uint32_t ld(unsigned rd, unsigned rs1, int imm)
{
    return i_type(0x03, 3, rd, rs1, imm);
}
static uint32_t lw(unsigned rd, unsigned rs1, int imm)
{
    return i_type(0x03, 2, rd, rs1, imm);
}
static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
    return i_type(0x13, 0, rd, rs1, imm);
}
static uint32_t sw(unsigned rs2, unsigned rs1, int imm)
{
    return s_type(2, rs2, rs1, imm);
}
static uint32_t sb(unsigned rs2, unsigned rs1, int imm)
{
    return s_type(0, rs2, rs1, imm);
}
#define ECALL 0x00000073u

/* Copies the program to CODE and runs it to its ecall. */
static void run_code(struct hart_env *e, uint8_t *code, const uint32_t *insns, size_t n,
                     struct trap *t)
{
    memcpy(code, insns, n * 4);
    hart_code_flush_all(e->h);
    e->h->pc = CODE;
    hart_run(e->h, 1000, t);
}

/* ---- devices through physmem_io_* ------------------------------------------ */

struct frame_log {
    int calls;
    uint64_t frames_seen;
};

static void on_frame(void *ctx, const struct fb_device *fb)
{
    struct frame_log *l = ctx;
    l->calls++;
    l->frames_seen = fb->frames;
}

static struct machine *fb_machine(unsigned w, unsigned h)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.mem_bytes = 4 << 20;
    cfg.fb_width = w;
    cfg.fb_height = h;
    struct machine *m = machine_new(&cfg);
    assert_non_null(m);
    return m;
}

static void test_fb_registers(void **state)
{
    struct machine *m = fb_machine(8, 4);
    struct physmem *pm = &m->pm;
    uint64_t v = 0;
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_WIDTH), 4, &v), 0);
    assert_int_equal(v, 8);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_HEIGHT), 4, &v), 0);
    assert_int_equal(v, 4);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_STRIDE), 4, &v), 0);
    assert_int_equal(v, 32);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_BPP), 4, &v), 0);
    assert_int_equal(v, 32);
    /* Wrong size, misaligned, no register there, read-only register. */
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_WIDTH), 8, &v), -1);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_WIDTH), 2, &v), -1);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + 2), 4, &v), -1);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + 0x40), 4, &v), -1);
    assert_int_equal(physmem_io_write(pm, pa(FB_REGS_BASE + FB_REG_WIDTH), 4, 9), -1);
    assert_int_equal(m->fb.width, 8);
    /* FRAME_DONE: counts and calls the front end's hook. */
    struct frame_log log = {0};
    m->fb.on_frame = on_frame;
    m->fb.on_frame_ctx = &log;
    assert_int_equal(physmem_io_write(pm, pa(FB_REGS_BASE + FB_REG_FRAME_DONE), 1, 1), -1);
    assert_int_equal(log.calls, 0);
    assert_int_equal(physmem_io_write(pm, pa(FB_REGS_BASE + FB_REG_FRAME_DONE), 4, 1), 0);
    assert_int_equal(physmem_io_write(pm, pa(FB_REGS_BASE + FB_REG_FRAME_DONE), 4, 0), 0);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.frames_seen, 2);
    assert_int_equal(physmem_io_read(pm, pa(FB_REGS_BASE + FB_REG_FRAME_DONE), 4, &v), 0);
    assert_int_equal(v, 2);
    machine_free(m);
}

static void test_fb_memory(void **state)
{
    struct machine *m = fb_machine(8, 4);
    struct physmem *pm = &m->pm;
    assert_int_equal(m->fb.mem_size, PAGE_SIZE);    /* 8 * 4 * 4 bytes, a page */
    assert_null(physmem_host(pm, pa(FB_MEM_BASE))); /* never a host pointer */
    for (unsigned y = 0; y < 4; y++)
        for (unsigned x = 0; x < 8; x++)
            assert_int_equal(physmem_io_write(pm, pa(FB_MEM_BASE + (y * 8 + x) * 4), 4,
                                              0xff000000u | (y << 16) | (x << 8) | 7),
                             0);
    assert_int_equal(fb_pixel(&m->fb, 5, 3), (3u << 16) | (5u << 8) | 7);
    /* 1- and 8-byte accesses act as on memory. */
    assert_int_equal(physmem_io_write(pm, pa(FB_MEM_BASE + 4 * 2), 1, 0xaa), 0);
    assert_int_equal(fb_pixel(&m->fb, 2, 0), (0u << 16) | (2u << 8) | 0xaa);
    uint64_t v = 0;
    assert_int_equal(physmem_io_read(pm, pa(FB_MEM_BASE + 8), 8, &v), 0);
    assert_int_equal(v, 0xff000307ff0002aaULL); /* pixels 3 and 2 */
    /* Misaligned, and past the device's end. */
    assert_int_equal(physmem_io_read(pm, pa(FB_MEM_BASE + 2), 4, &v), -1);
    assert_int_equal(physmem_io_read(pm, pa(FB_MEM_BASE + PAGE_SIZE), 4, &v), -1);
    assert_int_equal(physmem_io_read(pm, pa(FB_MEM_BASE + PAGE_SIZE - 4), 8, &v), -1);
    machine_free(m);
}

static void test_no_fb(void **state)
{
    struct machine *m = fb_machine(0, 0);
    uint64_t v;
    assert_false(m->has_fb);
    assert_null(physmem_device(&m->pm, pa(FB_MEM_BASE)));
    assert_int_equal(physmem_io_read(&m->pm, pa(FB_REGS_BASE), 4, &v), -1);
    assert_non_null(physmem_device(&m->pm, pa(TIMER_BASE)));
    machine_free(m);
}

static void test_fb_parse(void **state)
{
    unsigned w = 0, h = 0;
    assert_int_equal(fb_parse_size("64x48", &w, &h), 0);
    assert_int_equal(w, 64);
    assert_int_equal(h, 48);
    assert_int_equal(fb_parse_size("64", &w, &h), -EINVAL);
    assert_int_equal(fb_parse_size("0x5", &w, &h), -EINVAL);
    assert_int_equal(fb_parse_size("64x", &w, &h), -EINVAL);
    assert_int_equal(fb_parse_size("-1x5", &w, &h), -EINVAL);
    assert_int_equal(fb_parse_size("99999x5", &w, &h), -EINVAL);
    assert_int_equal(fb_parse_size("8x8y", &w, &h), -EINVAL);
}

/* ---- the hart on device pages ----------------------------------------------- */

static void test_hart_timer_and_console(void **state)
{
    struct hart_env e;
    env_init(&e, 4 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    env_map_pa(&e, DEV_VA, pa(TIMER_BASE), PTE_R | PTE_W);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    e.m->timer.console_fd = fds[1];
    /* ld a0; 7 x addi; ld a1; sb a2 -> CONSOLE; ecall */
    uint32_t prog[] = {ld(A0, T0, 0),
                       addi(A2, 0, 0),
                       addi(A2, A2, 1),
                       addi(A2, A2, 1),
                       addi(A2, A2, 1),
                       addi(A2, A2, 1),
                       addi(A2, A2, 1),
                       addi(A2, A2, 'Z' - 5),
                       ld(A1, T0, 0),
                       sb(A2, T0, 8),
                       ECALL};
    e.h->x[T0] = DEV_VA;
    e.h->instret = 1000; /* the clock is the hart's instret, wherever it starts */
    uint64_t walks = e.h->mmu.stats.walks;
    struct trap t;
    run_code(&e, code, prog, sizeof prog / sizeof prog[0], &t);
    assert_int_equal(t.cause, CAUSE_ECALL_U);
    assert_int_equal(e.h->x[A0], 1000);           /* 0 instructions before the first load */
    assert_int_equal(e.h->x[A1] - e.h->x[A0], 8); /* the load and 7 addi */
    char c = 0;
    assert_int_equal(read(fds[0], &c, 1), 1);
    assert_int_equal(c, 'Z');
    assert_int_equal(e.m->timer.console_bytes, 1);
    /* No fast path for device pages: nothing in the TLB for them, every
     * access walked (3 device accesses, plus the code page's walk). */
    assert_null(tlb_probe(&e.h->mmu.tlb, va(DEV_VA), ENV_ASID, ACCESS_READ));
    assert_null(tlb_probe(&e.h->mmu.tlb, va(DEV_VA), ENV_ASID, ACCESS_WRITE));
    assert_int_equal(e.h->mmu.stats.walks - walks, 4);
    close(fds[0]);
    close(fds[1]);
    env_fini(&e);
}

static void test_hart_bad_register_access(void **state)
{
    struct hart_env e;
    env_init(&e, 4 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    env_map_pa(&e, DEV_VA, pa(TIMER_BASE), PTE_R | PTE_W);
    /* A 4-byte load of the 8-byte INSNS register: a load access fault that
     * leaves everything as it was (pc at the load, a0 unchanged). */
    uint32_t prog[] = {addi(A1, 0, 1), lw(A0, T0, 0), ECALL};
    e.h->x[T0] = DEV_VA;
    e.h->x[A0] = 77;
    struct trap t;
    run_code(&e, code, prog, 3, &t);
    assert_int_equal(t.cause, CAUSE_LOAD_ACCESS);
    assert_int_equal(t.tval, DEV_VA);
    assert_int_equal(t.pc, CODE + 4);
    assert_int_equal(e.h->x[A0], 77);
    /* A misaligned load is the kernel's (it decides: SIGBUS for devices). */
    uint32_t prog2[] = {ld(A0, T0, 4), ECALL};
    run_code(&e, code, prog2, 2, &t);
    assert_int_equal(t.cause, CAUSE_MISALIGNED_LOAD);
    assert_int_equal(t.tval, DEV_VA + 4);
    /* A store to the read-only INSNS. */
    uint32_t prog3[] = {sw(A0, T0, 0), ECALL};
    run_code(&e, code, prog3, 2, &t);
    assert_int_equal(t.cause, CAUSE_STORE_ACCESS);
    /* No execution from device memory. */
    env_map_pa(&e, CODE + PAGE_SIZE, pa(TIMER_BASE), PTE_R | PTE_X);
    e.h->pc = CODE + PAGE_SIZE;
    hart_run(e.h, 10, &t);
    assert_int_equal(t.cause, CAUSE_FETCH_ACCESS);
    env_fini(&e);
}

static void test_hart_framebuffer(void **state)
{
    struct hart_env e;
    env_init(&e, 4 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    env_map_pa(&e, DEV_VA, pa(FB_MEM_BASE), PTE_R | PTE_W);
    env_map_pa(&e, DEV_VA + PAGE_SIZE, pa(FB_REGS_BASE), PTE_R | PTE_W);
    struct frame_log log = {0};
    e.m->fb.on_frame = on_frame;
    e.m->fb.on_frame_ctx = &log;
    /* pixel (3, 0) = 0x123456; read it back; FRAME_DONE; read WIDTH. */
    uint32_t p2[] = {sw(A2, T0, 12),           lw(A0, T0, 12),
                     addi(T0, T0, 2047),       addi(T0, T0, 2047),
                     addi(T0, T0, 2),          sw(A2, T0, FB_REG_FRAME_DONE),
                     lw(A1, T0, FB_REG_WIDTH), ECALL};
    e.h->x[T0] = DEV_VA;
    e.h->x[A2] = 0x123456;
    struct trap t;
    run_code(&e, code, p2, sizeof p2 / sizeof p2[0], &t);
    assert_int_equal(t.cause, CAUSE_ECALL_U);
    assert_int_equal(fb_pixel(&e.m->fb, 3, 0), 0x123456);
    assert_int_equal(e.h->x[A0], 0x123456);
    assert_int_equal(log.calls, 1);
    assert_int_equal(e.h->x[A1], FB_DEFAULT_WIDTH);
    env_fini(&e);
}

/* ---- the kernel's device regions ------------------------------------------- */

static const struct vma_device test_dev = {.path = "/dev/fb0", .rdev = 5, .ino = 200};

static void test_kernel_device_region(void **state)
{
    struct kt *t = *state;
    struct kernel_info before, after;
    struct mm *mm = mm_new(t->k);
    assert_non_null(mm);
    kernel_get_info(t->k, &before);
    vaddr_t a;
    assert_int_equal(mm_mmap_device(mm, va(0), 3 * PAGE_SIZE, RW, LX_MAP_SHARED, &test_dev, 0,
                                    pa_to_pfn(pa(FB_MEM_BASE)), &a),
                     0);
    assert_true(mm_is_device(mm, va(a.v + PAGE_SIZE)));
    assert_false(mm_is_device(mm, va(a.v + 3 * PAGE_SIZE)));
    struct translation tr;
    struct segv sv;
    assert_int_equal(mm_translate(mm, va(a.v + PAGE_SIZE + 8), ACCESS_WRITE, &tr, NULL, &sv), 0);
    assert_null(tr.host);
    assert_int_equal(tr.pa.p, FB_MEM_BASE + PAGE_SIZE + 8);
    KT_CHECK(t);
    /* fork shares the device page: same physical address, no copy. */
    struct mm *child = mm_fork(mm);
    assert_non_null(child);
    assert_int_equal(kt_pfn(child, a.v + PAGE_SIZE, ACCESS_WRITE), (FB_MEM_BASE >> 12) + 1);
    assert_int_equal(kt_pfn(child, a.v + 2 * PAGE_SIZE, ACCESS_READ), (FB_MEM_BASE >> 12) + 2);
    KT_CHECK(t);
    /* Not RAM: no frame, no rss (only page tables were allocated). */
    struct mm_info mi;
    mm_get_info(child, &mi);
    assert_int_equal(mi.rss_pages, 0);
    kernel_get_info(t->k, &after);
    assert_int_equal(after.anon_frames, before.anon_frames);
    assert_int_equal(after.file_frames, before.file_frames);
    assert_int_equal(after.free_frames + after.pagetable_frames,
                     before.free_frames + before.pagetable_frames);
    /* mprotect, a partial munmap (a split), mremap shrink: still consistent. */
    assert_int_equal(mm_mprotect(mm, a, PAGE_SIZE, LX_PROT_READ), 0);
    assert_int_equal(kt_access(mm, a.v, ACCESS_WRITE, &sv), -1);
    assert_int_equal(sv.signo, LX_SIGSEGV);
    assert_int_equal(mm_munmap(mm, va(a.v + PAGE_SIZE), PAGE_SIZE), 0);
    assert_int_equal(kt_pfn(mm, a.v + 2 * PAGE_SIZE, ACCESS_READ), (FB_MEM_BASE >> 12) + 2);
    vaddr_t out;
    assert_int_equal(
        mm_mremap(child, a, 3 * PAGE_SIZE, 4 * PAGE_SIZE, LX_MREMAP_MAYMOVE, va(0), &out),
        -EFAULT); /* device regions do not grow */
    KT_CHECK(t);
    mm_destroy(child);
    mm_destroy(mm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fb_registers),
        cmocka_unit_test(test_fb_memory),
        cmocka_unit_test(test_no_fb),
        cmocka_unit_test(test_fb_parse),
        cmocka_unit_test(test_hart_timer_and_console),
        cmocka_unit_test(test_hart_bad_register_access),
        cmocka_unit_test(test_hart_framebuffer),
        cmocka_unit_test_setup_teardown(test_kernel_device_region, kt_fixture_setup,
                                        kt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
