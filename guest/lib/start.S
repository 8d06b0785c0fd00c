/* Process entry for freestanding guest programs (Linux riscv64 ABI): the
 * kernel leaves argc at 0(sp), then argv[], NULL, envp[], NULL, auxv. */
    .section .text._start,"ax",@progbits
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    ld      a0, 0(sp)           /* argc */
    addi    a1, sp, 8           /* argv */
    slli    t0, a0, 3
    add     a2, a1, t0
    addi    a2, a2, 8           /* envp = argv + argc + 1 */
    andi    sp, sp, -16
    call    main
    call    exit                /* flushes output, exit_group(main's value) */
1:  j       1b
