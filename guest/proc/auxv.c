/* The initial stack: argc, argv, envp, and the auxv entries whose values
 * both Linux and vmsim fix (addresses and ids that legitimately differ are
 * only checked for plausibility). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    printf("argv[argc]==NULL: %d\n", argv[argc] == NULL);
    printf("envp==environ: %d envp follows argv: %d\n", envp == environ, envp == argv + argc + 1);
    const char *t = getenv("VMSIM_TEST");
    printf("VMSIM_TEST=%s\n", t ? t : "(unset)");
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_PHNUM=%lu\n", getauxval(AT_PHNUM));
    printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    int loads = 0;
    for (unsigned long i = 0; ph && i < getauxval(AT_PHNUM); i++)
        loads += ph[i].p_type == PT_LOAD;
    printf("AT_PHDR readable, PT_LOADs: %d\n", loads);
    printf("AT_BASE nonzero (has an interpreter): %d\n", getauxval(AT_BASE) != 0);
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_UID==getuid: %d\n", getauxval(AT_UID) == (unsigned long)getuid());
    printf("AT_EGID==getegid: %d\n", getauxval(AT_EGID) == (unsigned long)getegid());
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN==argv[0]: %d\n", fn && strcmp(fn, argv[0]) == 0);
    const uint8_t *r = (const uint8_t *)getauxval(AT_RANDOM);
    printf("AT_RANDOM present: %d\n", r != NULL);
    unsigned long hw = getauxval(AT_HWCAP);
    printf("AT_HWCAP has IMAFDC: %d\n",
           (hw & 0x112d) == 0x112d);   /* bits of I M A F D C */
    /* The stack is 16-byte aligned at entry and argv lives above it. */
    char local;
    printf("argv above locals: %d\n", (char *)argv > &local);
    return argc;
}
