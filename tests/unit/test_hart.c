/* Unit tests of the hart (interpreter) on hand-built page tables: decoding
 * against the GNU assembler's encodings, precise faults (nothing changes),
 * the instruction budget, page-straddling fetches, decode-cache flushes,
 * device pages, misaligned accesses, CSRs and LR/SC. Instruction words were
 * produced by riscv64-linux-gnu-as (comments give the source). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hart_env.h"
#include "machine/decode.h"

#define CODE 0x10000ULL
#define DATA 0x20000ULL

/* {compressed, its 32-bit expansion}, each side assembled by GNU as. */
static const struct { uint16_t c; uint32_t w; } rvc_pairs[] = {
    {0x0808, 0x01010513}, /* c.addi4spn a0, sp, 16 */
    {0x1ffc, 0x3fc10793}, /* c.addi4spn a5, sp, 1020 */
    {0x2588, 0x0085b507}, /* c.fld fa0, 8(a1) */
    {0x3ffc, 0x0f87b787}, /* c.fld fa5, 248(a5) */
    {0x41c8, 0x0045a503}, /* c.lw a0, 4(a1) */
    {0x5ef0, 0x07c6a603}, /* c.lw a2, 124(a3) */
    {0x6588, 0x0085b503}, /* c.ld a0, 8(a1) */
    {0x7ff8, 0x0f87b703}, /* c.ld a4, 248(a5) */
    {0xa588, 0x00a5b427}, /* c.fsd fa0, 8(a1) */
    {0xc1a8, 0x04a5a023}, /* c.sw a0, 64(a1) */
    {0xfde8, 0x0ea5bc23}, /* c.sd a0, 248(a1) */
    {0x0001, 0x00000013}, /* c.nop */
    {0x1501, 0xfe050513}, /* c.addi a0, -32 */
    {0x0ffd, 0x01ff8f93}, /* c.addi t6, 31 */
    {0x357d, 0xfff5051b}, /* c.addiw a0, -1 */
    {0x2dc5, 0x011d8d9b}, /* c.addiw s11, 17 */
    {0x5501, 0xfe000513}, /* c.li a0, -32 */
    {0x40fd, 0x01f00093}, /* c.li ra, 31 */
    {0x7101, 0xe0010113}, /* c.addi16sp sp, -512 */
    {0x617d, 0x1f010113}, /* c.addi16sp sp, 496 */
    {0x6505, 0x00001537}, /* c.lui a0, 1 */
    {0x7281, 0xfffe02b7}, /* c.lui t0, 0xfffe0 */
    {0x697d, 0x0001f937}, /* c.lui s2, 0x1f */
    {0x8105, 0x00155513}, /* c.srli a0, 1 */
    {0x93fd, 0x03f7d793}, /* c.srli a5, 63 */
    {0x9501, 0x42055513}, /* c.srai a0, 32 */
    {0x9901, 0xfe057513}, /* c.andi a0, -32 */
    {0x88fd, 0x01f4f493}, /* c.andi s1, 31 */
    {0x8d0d, 0x40b50533}, /* c.sub a0, a1 */
    {0x8e35, 0x00d64633}, /* c.xor a2, a3 */
    {0x8c45, 0x00946433}, /* c.or s0, s1 */
    {0x8f7d, 0x00f77733}, /* c.and a4, a5 */
    {0x9d1d, 0x40f5053b}, /* c.subw a0, a5 */
    {0x9cb1, 0x00c484bb}, /* c.addw s1, a2 */
    {0xaffd, 0x7fe0006f}, /* c.j .+2046 */
    {0xb001, 0x801ff06f}, /* c.j .-2048 */
    {0xcd7d, 0x0e050f63}, /* c.beqz a0, .+254 */
    {0xf381, 0xf00790e3}, /* c.bnez a5, .-256 */
    {0x0506, 0x00151513}, /* c.slli a0, 1 */
    {0x1ffe, 0x03ff9f93}, /* c.slli t6, 63 */
    {0x357e, 0x1f813507}, /* c.fldsp fa0, 504(sp) */
    {0x2022, 0x00813007}, /* c.fldsp ft0, 8(sp) */
    {0x557e, 0x0fc12503}, /* c.lwsp a0, 252(sp) */
    {0x4092, 0x00412083}, /* c.lwsp ra, 4(sp) */
    {0x757e, 0x1f813503}, /* c.ldsp a0, 504(sp) */
    {0x6fa2, 0x00813f83}, /* c.ldsp t6, 8(sp) */
    {0x8082, 0x00008067}, /* c.jr ra */
    {0x8f82, 0x000f8067}, /* c.jr t6 */
    {0x852e, 0x00b00533}, /* c.mv a0, a1 */
    {0x8f86, 0x00100fb3}, /* c.mv t6, ra */
    {0x9002, 0x00100073}, /* c.ebreak */
    {0x9502, 0x000500e7}, /* c.jalr a0 */
    {0x952e, 0x00b50533}, /* c.add a0, a1 */
    {0x9ffa, 0x01ef8fb3}, /* c.add t6, t5 */
    {0xbfaa, 0x1ea13c27}, /* c.fsdsp fa0, 504(sp) */
    {0xdfaa, 0x0ea12e23}, /* c.swsp a0, 252(sp) */
    {0xfffe, 0x1ff13c23}, /* c.sdsp t6, 504(sp) */
};

static void test_rvc_expand_matches_assembler(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rvc_pairs / sizeof rvc_pairs[0]; i++) {
        uint32_t got = rvc_expand(rvc_pairs[i].c);
        if (got != rvc_pairs[i].w)
            fail_msg("c=0x%04x: expanded 0x%08x, assembler says 0x%08x", rvc_pairs[i].c, got,
                     rvc_pairs[i].w);
    }
    /* Reserved encodings. */
    assert_int_equal(rvc_expand(0x0000), 0);   /* c.addi4spn imm 0 (also "unimp") */
    assert_int_equal(rvc_expand(0x6101 & ~0x107c), 0);   /* c.addi16sp sp, 0 */
    assert_int_equal(rvc_expand(0x6501 & ~0x107c), 0);   /* c.lui a0, 0 */
    assert_int_equal(rvc_expand(0x4002), 0);   /* c.lwsp x0 */
    assert_int_equal(rvc_expand(0x6002), 0);   /* c.ldsp x0 */
    assert_int_equal(rvc_expand(0x8002), 0);   /* c.jr x0 */
    assert_int_equal(rvc_expand(0x2001), 0);   /* c.addiw x0 */
    assert_int_equal(rvc_expand(0x8000), 0);   /* quadrant 0, funct3 100 */
    assert_int_equal(rvc_expand(0x9c41), 0);   /* c.subw-group funct2 10 */
}

static void test_decode_fields(void **state)
{
    (void)state;
    struct dinsn d;
    decode32(0x80058513, &d);   /* addi a0, a1, -2048 */
    assert_int_equal(d.op, OP_ADDI);
    assert_int_equal(d.rd, 10);
    assert_int_equal(d.rs1, 11);
    assert_int_equal(d.imm, -2048);
    decode32(0xfff13c23, &d);   /* sd t6, -8(sp) */
    assert_int_equal(d.op, OP_SD);
    assert_int_equal(d.rs1, 2);
    assert_int_equal(d.rs2, 31);
    assert_int_equal(d.imm, -8);
    decode32(0x001000ef, &d);   /* jal ra, .+2048 */
    assert_int_equal(d.op, OP_JAL);
    assert_int_equal(d.rd, 1);
    assert_int_equal(d.imm, 2048);
    decode32(0x80b50063, &d);   /* beq a0, a1, .-4096 */
    assert_int_equal(d.op, OP_BEQ);
    assert_int_equal(d.imm, -4096);
    decode32(0xfffff2b7, &d);   /* lui t0, 0xfffff */
    assert_int_equal(d.op, OP_LUI);
    assert_int_equal(d.imm, (int32_t)0xfffff000);
    decode32(0x00000073 | (1u << 20) | (1u << 7), &d);   /* ecall with junk: illegal */
    assert_int_equal(d.op, OP_ILLEGAL);
}

static void put32(uint8_t *p, uint32_t w) { memcpy(p, &w, 4); }
static void put16(uint8_t *p, uint16_t w) { memcpy(p, &w, 2); }

static void run(struct hart_env *e, uint64_t pc, uint64_t max, struct trap *t)
{
    e->h->pc = pc;
    hart_run(e->h, max, t);
}

static void test_quantum_and_instret(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    for (int i = 0; i < 64; i++)
        put32(code + 4 * i, 0x00150513);   /* addi a0, a0, 1 */
    struct trap t;
    e.h->x[10] = 7;
    run(&e, CODE, 10, &t);
    assert_int_equal(t.cause, TRAP_QUANTUM);
    assert_int_equal(t.pc, CODE + 40);
    assert_int_equal(e.h->pc, CODE + 40);
    assert_int_equal(e.h->x[10], 17);
    assert_int_equal(e.h->instret, 10);
    run(&e, e.h->pc, 0, &t);   /* a zero budget runs nothing */
    assert_int_equal(t.cause, TRAP_QUANTUM);
    assert_int_equal(e.h->x[10], 17);
    env_fini(&e);
}

static void test_faults_are_precise(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    put32(code, 0x0005b503);       /* ld a0, 0(a1) */
    put32(code + 4, 0x00c5b423);   /* sd a2, 8(a1) */
    struct trap t;
    e.h->x[10] = 0x1111;
    e.h->x[11] = DATA + 16;
    e.h->x[12] = 0xabcdef;
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_LOAD_PAGE_FAULT);
    assert_int_equal(t.tval, DATA + 16);
    assert_int_equal(t.pc, CODE);
    assert_int_equal(e.h->pc, CODE);
    assert_int_equal(e.h->x[10], 0x1111);
    assert_int_equal(e.h->instret, 0);

    uint8_t *data = env_map(&e, DATA, PTE_R);   /* read-only */
    uint64_t v = 0x123456789abcdef0ULL;
    memcpy(data + 16, &v, 8);
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_STORE_PAGE_FAULT);
    assert_int_equal(t.tval, DATA + 24);
    assert_int_equal(t.pc, CODE + 4);
    assert_int_equal(e.h->x[10], v);
    uint64_t after;
    memcpy(&after, data + 24, 8);
    assert_int_equal(after, 0);   /* the faulting store wrote nothing */
    env_fini(&e);
}

static void test_straddling_instruction(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    uint32_t w = 0x06450513;   /* addi a0, a0, 100 at offset 0xffe */
    put16(code + 0xffe, (uint16_t)w);
    struct trap t;
    e.h->x[10] = 1;
    run(&e, CODE + 0xffe, 100, &t);
    assert_int_equal(t.cause, CAUSE_FETCH_PAGE_FAULT);
    assert_int_equal(t.tval, CODE + 0x1000);   /* the missing half */
    assert_int_equal(t.pc, CODE + 0xffe);
    assert_int_equal(e.h->x[10], 1);
    uint8_t *next = env_map(&e, CODE + 0x1000, PTE_R | PTE_X);
    put16(next, (uint16_t)(w >> 16));
    put32(next + 2, 0x00100073);   /* ebreak */
    run(&e, CODE + 0xffe, 100, &t);
    assert_int_equal(t.cause, CAUSE_BREAKPOINT);
    assert_int_equal(t.pc, CODE + 0x1002);
    assert_int_equal(e.h->x[10], 101);
    /* The straddling word is not cached: a change to its upper half shows. */
    put16(next, (uint16_t)(0x00150513 >> 16));   /* -> addi a0, a0, 1 (same low half) */
    e.h->x[10] = 1;
    run(&e, CODE + 0xffe, 100, &t);
    assert_int_equal(e.h->x[10], 2);
    env_fini(&e);
}

static void test_code_flush(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    put32(code, 0x00150513);       /* addi a0, a0, 1 */
    put32(code + 4, 0x00000073);   /* ecall */
    struct trap t;
    e.h->x[10] = 0;
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_ECALL_U);
    assert_int_equal(t.pc, CODE + 4);
    assert_int_equal(e.h->x[10], 1);
    put32(code, 0x06450513);   /* addi a0, a0, 100 */
    hart_code_flush_page(e.h, ENV_ASID, va(CODE));
    run(&e, CODE, 100, &t);
    assert_int_equal(e.h->x[10], 101);
    put32(code, 0x00150513);
    machine_flush_asid(e.m, ENV_ASID);
    run(&e, CODE, 100, &t);
    assert_int_equal(e.h->x[10], 102);
    /* Unmapping the page (with the flush the kernel does) makes fetch fault. */
    env_unmap(&e, CODE);
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_FETCH_PAGE_FAULT);
    assert_int_equal(t.tval, CODE);
    env_fini(&e);
}

struct dev_log {
    uint64_t off, val;
    unsigned size;
    int reads, writes;
};

static int dev_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct dev_log *l = opaque;
    if (off >= 0x800)
        return -1;
    l->reads++;
    l->off = off;
    l->size = size;
    *val = 0xfedcba9876543210ULL;
    return 0;
}

static int dev_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct dev_log *l = opaque;
    l->writes++;
    l->off = off;
    l->size = size;
    l->val = val;
    return 0;
}

static void test_device_page(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    struct dev_log log = {0};
    /* (0x1000_0000.. holds the machine's own devices: fb.h, timer.h) */
    struct mmio_device dev = {.name = "test", .base = pa(0x18000000), .size = PAGE_SIZE,
                              .opaque = &log, .read = dev_read, .write = dev_write};
    assert_int_equal(physmem_add_device(&e.m->pm, &dev), 0);
    env_map_pa(&e, DATA, pa(0x18000000), PTE_R | PTE_W | PTE_X);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    put32(code, 0x0005a503);       /* lw a0, 0(a1) */
    put32(code + 4, 0x00c5b023);   /* sd a2, 0(a1) */
    put32(code + 8, 0x00000073);   /* ecall */
    e.h->x[11] = DATA + 0x40;
    e.h->x[12] = 0x55aa;
    struct trap t;
    for (int round = 0; round < 2; round++) {   /* never cached in the TLB: same twice */
        run(&e, CODE, 100, &t);
        assert_int_equal(t.cause, CAUSE_ECALL_U);
        assert_int_equal(log.reads, round + 1);
        assert_int_equal(log.writes, round + 1);
        assert_int_equal(log.off, 0x40);
        assert_int_equal(log.size, 8);
        assert_int_equal(log.val, 0x55aa);
        assert_int_equal(e.h->x[10], 0x76543210);   /* lw sign-extends the low 32 bits */
    }
    e.h->x[11] = DATA + 0x800;   /* the device refuses */
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_LOAD_ACCESS);
    assert_int_equal(t.tval, DATA + 0x800);
    run(&e, DATA, 100, &t);   /* no execution from a device */
    assert_int_equal(t.cause, CAUSE_FETCH_ACCESS);
    env_fini(&e);
}

static void test_misaligned_csr_atomics(void **state)
{
    (void)state;
    struct hart_env e;
    env_init(&e, 16 << 20);
    uint8_t *code = env_map(&e, CODE, PTE_R | PTE_X);
    uint8_t *data = env_map(&e, DATA, PTE_R | PTE_W);
    struct trap t;
    e.h->x[11] = DATA + 1;
    put32(code, 0x0005a503);   /* lw a0, 0(a1) */
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_MISALIGNED_LOAD);
    assert_int_equal(t.tval, DATA + 1);
    put32(code, 0x00c5a52f);   /* amoadd.w a0, a2, (a1) */
    hart_code_flush_all(e.h);
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_MISALIGNED_STORE);
    assert_int_equal(t.tval, DATA + 1);

    put32(code, 0xc0051073);   /* csrw cycle, a0: read-only */
    hart_code_flush_all(e.h);
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_ILLEGAL_INSN);
    assert_int_equal(t.tval, 0xc0051073);
    put32(code, 0x7c002573);   /* csrr a0, 0x7c0: no such CSR */
    hart_code_flush_all(e.h);
    run(&e, CODE, 100, &t);
    assert_int_equal(t.cause, CAUSE_ILLEGAL_INSN);
    assert_int_equal(t.tval, 0x7c002573);
    put32(code, 0x06450513);       /* addi a0, a0, 100 */
    put32(code + 4, 0xc0202573);   /* rdinstret a0 */
    put32(code + 8, 0x00000073);   /* ecall */
    hart_code_flush_all(e.h);
    uint64_t before = e.h->instret;
    run(&e, CODE, 100, &t);
    assert_int_equal(e.h->x[10], before + 1);   /* instret counts the addi before it */

    /* LR/SC: success, then failure after the reservation is dropped. */
    put32(code, 0x1005b52f);       /* lr.d a0, (a1) */
    put32(code + 4, 0x18c5b6af);   /* sc.d a3, a2, (a1) */
    put32(code + 8, 0x00000073);   /* ecall */
    hart_code_flush_all(e.h);
    uint64_t v = 77;
    memcpy(data + 8, &v, 8);
    e.h->x[11] = DATA + 8;
    e.h->x[12] = 88;
    run(&e, CODE, 100, &t);
    assert_int_equal(e.h->x[10], 77);
    assert_int_equal(e.h->x[13], 0);
    memcpy(&v, data + 8, 8);
    assert_int_equal(v, 88);
    run(&e, CODE, 1, &t);            /* lr.d only */
    e.h->reservation = UINT64_MAX;   /* what a context switch does */
    e.h->x[12] = 99;
    hart_run(e.h, 100, &t);
    assert_int_equal(e.h->x[13], 1);
    memcpy(&v, data + 8, 8);
    assert_int_equal(v, 88);

    /* x0 is hardwired. */
    put32(code, 0x00500013);   /* addi x0, x0, 5 */
    put32(code + 4, 0x00000073);
    hart_code_flush_all(e.h);
    run(&e, CODE, 100, &t);
    assert_int_equal(e.h->x[0], 0);
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rvc_expand_matches_assembler),
        cmocka_unit_test(test_decode_fields),
        cmocka_unit_test(test_quantum_and_instret),
        cmocka_unit_test(test_faults_are_precise),
        cmocka_unit_test(test_straddling_instruction),
        cmocka_unit_test(test_code_flush),
        cmocka_unit_test(test_device_page),
        cmocka_unit_test(test_misaligned_csr_atomics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
