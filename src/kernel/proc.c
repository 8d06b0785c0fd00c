/* Processes: creation from a static ELF program (the initial stack of
 * Linux's create_elf_tables), the trap loop, emulation of misaligned
 * accesses, and death by signal. */
#include "proc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../machine/decode.h"
#include "elf.h"
#include "syscall.h"

/* auxv tags (include/uapi/linux/auxvec.h). */
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31 };

/* AT_HWCAP on riscv: one bit per single-letter extension, bit (letter - 'A'). */
#define HWCAP_RV64GC ((1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('A' - 'A')) | \
                      (1u << ('F' - 'A')) | (1u << ('D' - 'A')) | (1u << ('C' - 'A')))

#define LX_SIGXCPU 24                  /* not in abi.h: only the instruction limit sends it */

#define STACK_INITIAL (128ULL << 10)   /* mapped at exec; grows down to STACK_RLIMIT on faults */
#define STACK_ARGS_MAX (2ULL << 20)    /* argv + envp + auxv bytes we accept (ARG_MAX-ish) */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static size_t count_strings(char *const v[])
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

/* Builds the initial stack below STACK_TOP in a host buffer, then copies it
 * out in one piece. Layout from sp upwards: argc, argv[argc], NULL,
 * envp[envc], NULL, auxv pairs ending with AT_NULL, padding, AT_RANDOM's 16
 * bytes, the argv and envp strings, the program's path (AT_EXECFN). */
static int build_stack(struct proc *p, const struct elf_image *img, const char *execfn,
                       char *const argv[], char *const envp[], uint64_t *sp_out, char *err,
                       size_t errlen)
{
    size_t argc = count_strings(argv), envc = count_strings(envp);
    uint64_t strbytes = strlen(execfn) + 1;
    for (size_t i = 0; i < argc; i++)
        strbytes += strlen(argv[i]) + 1;
    for (size_t i = 0; i < envc; i++)
        strbytes += strlen(envp[i]) + 1;
    const size_t nauxv = 18;
    uint64_t vecbytes = (1 + argc + 1 + envc + 1 + 2 * nauxv) * 8;
    uint64_t total = strbytes + 16 + vecbytes + 32;
    if (total > STACK_ARGS_MAX) {
        set_err(err, errlen, "argument list too long");
        return -E2BIG;
    }
    /* Linux leaves the top word of the stack unused (bprm->p starts below it). */
    uint64_t top = STACK_TOP - 8;
    uint64_t str_lo = top - strbytes;
    uint64_t random_at = (str_lo - 16) & ~15ULL;
    uint64_t sp = (random_at - vecbytes) & ~15ULL;
    uint64_t len = top - sp;
    uint8_t *buf = calloc(1, len);
    if (!buf)
        return -ENOMEM;
#define AT(addr) (buf + ((addr) - sp))
    uint64_t *vec = (uint64_t *)buf;
    size_t w = 0;
    uint64_t s = str_lo;
    vec[w++] = argc;
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(AT(s), argv[i], n);
        vec[w++] = s;
        s += n;
    }
    vec[w++] = 0;
    for (size_t i = 0; i < envc; i++) {
        size_t n = strlen(envp[i]) + 1;
        memcpy(AT(s), envp[i], n);
        vec[w++] = s;
        s += n;
    }
    vec[w++] = 0;
    uint64_t execfn_at = s;
    memcpy(AT(s), execfn, strlen(execfn) + 1);
    for (int i = 0; i < 16; i++) {   /* deterministic "random" bytes (design decision 12) */
        p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
        AT(random_at)[i] = (uint8_t)(p->rng >> 56);
    }
    const uint64_t auxv[][2] = {
        {AT_PHDR, img->phdr.v},   {AT_PHENT, img->phent},    {AT_PHNUM, img->phnum},
        {AT_PAGESZ, PAGE_SIZE},   {AT_BASE, 0},              {AT_FLAGS, 0},
        {AT_ENTRY, img->entry.v}, {AT_UID, 1000},            {AT_EUID, 1000},
        {AT_GID, 1000},           {AT_EGID, 1000},           {AT_HWCAP, HWCAP_RV64GC},
        {AT_CLKTCK, 100},         {AT_SECURE, 0},            {AT_RANDOM, random_at},
        {AT_EXECFN, execfn_at},   {AT_NULL, 0},
    };
    size_t na = sizeof auxv / sizeof auxv[0];
    if (na > nauxv)
        abort();   /* nauxv sizes the vector area */
    for (size_t i = 0; i < na; i++) {
        vec[w++] = auxv[i][0];
        vec[w++] = auxv[i][1];
    }
#undef AT
    struct segv sv;
    int rc = copyout(p->mm, va(sp), buf, len, &sv);
    free(buf);
    if (rc) {
        set_err(err, errlen, "cannot write the initial stack");
        return rc == -1 ? -EFAULT : rc;
    }
    *sp_out = sp;
    return 0;
}

struct proc *proc_exec(struct kernel *k, const char *path, char *const argv[],
                       char *const envp[], char *err, size_t errlen, int *rc)
{
    struct proc *p = calloc(1, sizeof *p);
    if (!p) {
        *rc = -ENOMEM;
        return NULL;
    }
    p->k = k;
    p->pid = 1;
    p->rng = 0x5eed5eed5eedULL;
    p->mm = mm_new(k);
    if (!p->mm) {
        set_err(err, errlen, "out of memory");
        *rc = -ENOMEM;
        goto fail;
    }
    int e = 0;
    struct vfile *f = vfile_open(k, path, NULL, false, &e);
    if (!f) {
        set_err(err, errlen, "%s", strerror(-e));
        *rc = e;
        goto fail;
    }
    struct elf_image img;
    e = elf_load(p->mm, f, va(ELF_ET_DYN_BASE), &img, err, errlen);
    vfile_put(f);
    if (e) {
        *rc = e;
        goto fail;
    }
    if (img.has_interp) {
        set_err(err, errlen, "dynamically linked (interpreter %s): not supported yet, "
                "link it with -static", img.interp);
        *rc = -ENOEXEC;
        goto fail;
    }
    vaddr_t stack;
    e = mm_mmap(p->mm, va(STACK_TOP - STACK_INITIAL), STACK_INITIAL,
                LX_PROT_READ | LX_PROT_WRITE,
                LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED | LX_MAP_GROWSDOWN, NULL, 0,
                &stack);
    if (e) {
        set_err(err, errlen, "cannot map the stack");
        *rc = e;
        goto fail;
    }
    uint64_t sp;
    if ((e = build_stack(p, &img, path, argv, envp, &sp, err, errlen)) != 0) {
        *rc = e;
        goto fail;
    }
    p->ctx.pc = img.entry.v;
    p->ctx.x[2] = sp;
    *rc = 0;
    return p;
fail:
    proc_free(p);
    return NULL;
}

void proc_free(struct proc *p)
{
    if (!p)
        return;
    if (p->mm)
        mm_destroy(p->mm);
    free(p);
}

void proc_exit(struct proc *p, int status, int signo)
{
    p->exited = true;
    p->term_signal = signo;
    p->exit_status = signo ? 128 + signo : (status & 0xff);
}

static const char *signal_text(int signo)
{
    switch (signo) {
    case LX_SIGILL: return "Illegal instruction";
    case LX_SIGTRAP: return "Trace/breakpoint trap";
    case LX_SIGABRT: return "Aborted";
    case LX_SIGBUS: return "Bus error";
    case LX_SIGFPE: return "Floating point exception";
    case LX_SIGKILL: return "Killed";
    case LX_SIGSEGV: return "Segmentation fault";
    case LX_SIGXCPU: return "CPU time limit exceeded";
    default: return "Terminated by signal";
    }
}

static const char *code_text(int signo, int code)
{
    if (signo == LX_SIGSEGV)
        return code == LX_SEGV_MAPERR ? "SEGV_MAPERR" : code == LX_SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (signo == LX_SIGBUS)
        return code == LX_BUS_ADRALN ? "BUS_ADRALN" : code == LX_BUS_ADRERR ? "BUS_ADRERR" : "?";
    return "?";
}

void proc_kill(struct proc *p, int signo, int code, uint64_t addr, uint64_t pc, uint64_t insn)
{
    const char *what = signal_text(signo);
    if (signo == LX_SIGSEGV || signo == LX_SIGBUS)
        fprintf(stderr, "%s (address 0x%llx, %s at pc 0x%llx)\n", what, (unsigned long long)addr,
                code_text(signo, code), (unsigned long long)pc);
    else if (signo == LX_SIGILL)
        fprintf(stderr, "%s (instruction 0x%llx at pc 0x%llx)\n", what,
                (unsigned long long)insn, (unsigned long long)pc);
    else if (signo == LX_SIGTRAP)
        fprintf(stderr, "%s (at pc 0x%llx)\n", what, (unsigned long long)pc);
    else
        fprintf(stderr, "%s\n", what);
    proc_exit(p, 0, signo);
}

static void context_load(struct hart *h, const struct proc *p)
{
    memcpy(h->x, p->ctx.x, sizeof p->ctx.x);
    memcpy(h->f, p->ctx.f, sizeof h->f);
    h->pc = p->ctx.pc;
    h->fcsr = p->ctx.fcsr;
    h->x[0] = 0;
    h->reservation = UINT64_MAX;   /* a context switch breaks any LR/SC pair */
    mmu_set_satp(&h->mmu, mm_satp(p->mm));
}

static void context_save(struct proc *p, const struct hart *h)
{
    memcpy(p->ctx.x, h->x, sizeof p->ctx.x);
    memcpy(p->ctx.f, h->f, sizeof h->f);
    p->ctx.pc = h->pc;
    p->ctx.fcsr = h->fcsr;
}

/* Reads the instruction at pc the way the hart fetched it (an execute access). */
static int fetch_insn(struct proc *p, uint64_t pc, struct dinsn *d, struct segv *sv)
{
    struct translation tr;
    uint16_t half[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        int rc = mm_translate(p->mm, va(pc + 2 * i), ACCESS_EXEC, &tr, NULL, sv);
        if (rc)
            return rc;
        if (!tr.host)
            return -1;
        memcpy(&half[i], tr.host, 2);
        if (insn_len(half[0]) == 2)
            break;
    }
    decode_insn(half[0], half[1], d);
    return 0;
}

/* Linux emulates misaligned loads and stores for user programs
 * (arch/riscv/kernel/traps_misaligned.c): byte by byte through copyin and
 * copyout, then pc moves past the instruction. Atomics are not emulated:
 * SIGBUS, as Linux does. */
static void emulate_misaligned(struct proc *p, struct hart *h, const struct trap *t)
{
    struct dinsn d;
    struct segv sv;
    int rc = fetch_insn(p, t->pc, &d, &sv);
    if (rc) {
        proc_kill(p, LX_SIGSEGV, LX_SEGV_MAPERR, t->pc, t->pc, 0);
        return;
    }
    uint64_t a = t->tval, v = 0;
    unsigned size;
    bool load = true, sign = false, fp = false;
    switch ((enum op)d.op) {
    case OP_LH: size = 2; sign = true; break;
    case OP_LHU: size = 2; break;
    case OP_LW: size = 4; sign = true; break;
    case OP_LWU: size = 4; break;
    case OP_LD: size = 8; break;
    case OP_FLW: size = 4; fp = true; break;
    case OP_FLD: size = 8; fp = true; break;
    case OP_SH: size = 2; load = false; break;
    case OP_SW: size = 4; load = false; break;
    case OP_SD: size = 8; load = false; break;
    case OP_FSW: size = 4; load = false; fp = true; break;
    case OP_FSD: size = 8; load = false; fp = true; break;
    default:   /* LR/SC/AMO, or anything unexpected */
        proc_kill(p, LX_SIGBUS, LX_BUS_ADRALN, a, t->pc, 0);
        return;
    }
    if (load) {
        rc = copyin(p->mm, &v, va(a), size, &sv);
    } else {
        v = fp ? h->f[d.rs2] : h->x[d.rs2];
        rc = copyout(p->mm, va(a), &v, size, &sv);
    }
    if (rc == -1) {
        proc_kill(p, sv.signo, sv.code, sv.addr.v, t->pc, 0);
        return;
    }
    if (rc) {
        fprintf(stderr, "vmsim: out of memory\n");
        proc_exit(p, 0, LX_SIGKILL);
        return;
    }
    if (load) {
        if (sign)
            v = size == 2 ? (uint64_t)(int64_t)(int16_t)v : (uint64_t)(int64_t)(int32_t)v;
        if (fp)
            h->f[d.rd] = size == 4 ? v | 0xffffffff00000000ULL : v;
        else if (d.rd)
            h->x[d.rd] = v;
    }
    h->pc = t->pc + d.len;
}

/* A page fault: mm_fault makes the access possible, or it is a SIGSEGV. */
static void page_fault(struct proc *p, const struct trap *t)
{
    enum access acc = t->cause == CAUSE_FETCH_PAGE_FAULT ? ACCESS_EXEC
                    : t->cause == CAUSE_STORE_PAGE_FAULT ? ACCESS_WRITE : ACCESS_READ;
    struct segv sv;
    int rc = mm_fault(p->mm, va(t->tval), acc, &sv);
    if (rc == -1)
        proc_kill(p, sv.signo, sv.code, sv.addr.v, t->pc, 0);
    else if (rc) {
        fprintf(stderr, "vmsim: out of memory at address 0x%llx\n", (unsigned long long)t->tval);
        proc_exit(p, 0, LX_SIGKILL);
    }
}

int proc_run(struct proc *p, struct hart *h)
{
    context_load(h, p);
    p->hart = h;
    uint64_t last_pc = 0, last_tval = 0;
    int last_cause = -1, repeats = 0;
    while (!p->exited) {
        uint64_t quantum = PROC_QUANTUM;
        if (p->insn_limit) {
            if (h->instret >= p->insn_limit) {
                proc_kill(p, LX_SIGXCPU, 0, 0, h->pc, 0);
                break;
            }
            if (p->insn_limit - h->instret < quantum)
                quantum = p->insn_limit - h->instret;
        }
        struct trap t;
        hart_run(h, quantum, &t);
        /* A fault the handler said it fixed must not come back forever. */
        if (t.cause == last_cause && t.pc == last_pc && t.tval == last_tval &&
            t.cause != TRAP_QUANTUM && t.cause != CAUSE_ECALL_U) {
            if (++repeats > 8) {
                fprintf(stderr, "vmsim: %s at 0x%llx repeats (pc 0x%llx): fault handler loops\n",
                        cause_name(t.cause), (unsigned long long)t.tval, (unsigned long long)t.pc);
                abort();
            }
        } else {
            repeats = 0;
        }
        last_cause = t.cause;
        last_pc = t.pc;
        last_tval = t.tval;
        switch (t.cause) {
        case TRAP_QUANTUM:
            break;
        case CAUSE_ECALL_U:
            p->syscalls++;
            syscall_dispatch(p, h);
            break;
        case CAUSE_FETCH_PAGE_FAULT:
        case CAUSE_LOAD_PAGE_FAULT:
        case CAUSE_STORE_PAGE_FAULT:
            page_fault(p, &t);
            break;
        case CAUSE_MISALIGNED_LOAD:
        case CAUSE_MISALIGNED_STORE:
            emulate_misaligned(p, h, &t);
            break;
        case CAUSE_FETCH_ACCESS:
        case CAUSE_LOAD_ACCESS:
        case CAUSE_STORE_ACCESS:
            proc_kill(p, LX_SIGSEGV, LX_SEGV_ACCERR, t.tval, t.pc, 0);
            break;
        case CAUSE_ILLEGAL_INSN:
            proc_kill(p, LX_SIGILL, LX_ILL_ILLOPC, t.pc, t.pc, t.tval);
            break;
        case CAUSE_BREAKPOINT:
            proc_kill(p, LX_SIGTRAP, 0, t.pc, t.pc, 0);
            break;
        default:
            proc_kill(p, LX_SIGSEGV, LX_SEGV_MAPERR, t.tval, t.pc, 0);
            break;
        }
    }
    context_save(p, h);
    p->hart = NULL;
    return p->exit_status;
}
