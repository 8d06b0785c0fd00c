/* Fixture for the loader's scenario tests (tests/unit/test_elf.c,
 * tests/scripts/elf_load.sh): a static glibc program with a large text
 * (bigtext: 64 Ki nops), a large initialized data array and a bss, so that
 * "a loaded program reads only the pages that are touched" can be counted
 * page by page. data_bytes is 256 KiB of printable text that differs from
 * page to page ('A' + (i + i / 4096) % 26), so a page read from the file is
 * told apart from a zero-filled one, and a script can print it. Run natively
 * (qemu-riscv64) it sums the arrays and prints the sums. */
#include <stdio.h>

#define DATA_BYTES (256 * 1024)

extern char data_bytes[DATA_BYTES];
char bss_bytes[100000];

__asm__(".data\n"
        ".globl data_bytes\n"
        ".balign 8\n"
        "data_bytes:\n"
        ".set i, 0\n"
        ".rept 262144\n"
        ".byte 0x41 + (i + (i >> 12)) % 26\n"
        ".set i, i + 1\n"
        ".endr\n"
        /* 256 KiB of text that is never executed: nops, then a return. */
        ".text\n"
        ".globl bigtext\n"
        "bigtext:\n"
        ".fill 65536, 4, 0x00000013\n"
        "ret\n");
void bigtext(void);

int main(int argc, char **argv)
{
    unsigned long sum = 0, zeros = 0;
    for (int i = 0; i < DATA_BYTES; i++)
        sum += (unsigned char)data_bytes[i];
    for (unsigned i = 0; i < sizeof bss_bytes; i++)
        zeros += bss_bytes[i] == 0;
    if (argc > 1)
        bigtext();
    printf("data sum %lu, bss zeros %lu\n", sum, zeros);
    return 0;
}
