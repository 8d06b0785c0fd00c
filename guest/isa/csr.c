/* Zicsr on the FP CSRs: fflags, frm, fcsr through every csr* form, the
 * aliases (frflags, fsrm, ...), masking of written values, and the counters
 * (values differ between emulators: only their monotonicity is printed). */
#include "guest.h"

#define SHOW(what) printf("%-28s fcsr=%lx rd=%lx\n", what, rdfcsr(), r)

static uint64_t rdfcsr(void)
{
    uint64_t v;
    asm volatile("csrr %0, fcsr" : "=r"(v));
    return v;
}

int main(void)
{
    uint64_t r = 0, v = 0xffffffffffffffff;
    asm volatile("csrw fcsr, zero"); SHOW("csrw fcsr 0");
    asm volatile("csrrw %0, fcsr, %1" : "=r"(r) : "r"(v)); SHOW("csrrw fcsr -1");
    asm volatile("csrrw %0, fflags, zero" : "=r"(r)); SHOW("csrrw fflags 0");
    asm volatile("csrrw %0, frm, zero" : "=r"(r)); SHOW("csrrw frm 0");
    asm volatile("csrrs %0, fflags, %1" : "=r"(r) : "r"(0x35UL)); SHOW("csrrs fflags 0x35");
    asm volatile("csrrc %0, fflags, %1" : "=r"(r) : "r"(0x3UL)); SHOW("csrrc fflags 3");
    asm volatile("csrrs %0, frm, %1" : "=r"(r) : "r"(0xfeUL)); SHOW("csrrs frm 0xfe");
    asm volatile("csrrc %0, frm, %1" : "=r"(r) : "r"(0x5UL)); SHOW("csrrc frm 5");
    asm volatile("csrrwi %0, fcsr, 0x1f" : "=r"(r)); SHOW("csrrwi fcsr 0x1f");
    asm volatile("csrrsi %0, frm, 4" : "=r"(r)); SHOW("csrrsi frm 4");
    asm volatile("csrrci %0, fflags, 0x11" : "=r"(r)); SHOW("csrrci fflags 0x11");
    asm volatile("csrrwi %0, frm, 3" : "=r"(r)); SHOW("csrrwi frm 3");
    asm volatile("csrrsi %0, fcsr, 0" : "=r"(r)); SHOW("csrrsi fcsr 0 (read)");
    asm volatile("csrrs %0, fcsr, zero" : "=r"(r)); SHOW("csrrs fcsr x0 (read)");
    asm volatile("frflags %0" : "=r"(r)); SHOW("frflags");
    asm volatile("fsflags %0, %1" : "=r"(r) : "r"(0x1aUL)); SHOW("fsflags 0x1a");
    asm volatile("frrm %0" : "=r"(r)); SHOW("frrm");
    asm volatile("fsrm %0, %1" : "=r"(r) : "r"(0x2UL)); SHOW("fsrm 2");
    asm volatile("fsrmi %0, 1" : "=r"(r)); SHOW("fsrmi 1");
    asm volatile("fsflagsi %0, 0x7" : "=r"(r)); SHOW("fsflagsi 7");
    asm volatile("csrrw %0, fcsr, %1" : "=r"(r) : "r"(0x1234UL)); SHOW("csrrw fcsr 0x1234");
    /* csrrw with rd = x0 writes without reading. */
    asm volatile("csrw frm, %0" : : "r"(6UL)); r = 0; SHOW("csrw frm 6");
    asm volatile("csrw fcsr, zero");

    uint64_t c1, c2, t1, t2, i1, i2;
    asm volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c1), "=r"(t1), "=r"(i1));
    for (volatile int i = 0; i < 1000; i++)
        ;
    asm volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c2), "=r"(t2), "=r"(i2));
    printf("counters advance: cycle %d time %d instret %d\n", c2 > c1, t2 >= t1, i2 > i1);
    return 0;
}
