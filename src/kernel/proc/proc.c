/* Processes: execve (the new image built aside, with the initial stack of
 * Linux's create_elf_tables), fork and vfork, exit and reaping, and the
 * emulation of misaligned accesses. */
#include "proc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../machine/decode.h"
#include "elf.h"
#include "../mm/mm.h"
#include "sched.h"
#include "syscall.h"

/* auxv tags (include/uapi/linux/auxvec.h). */
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_EXECFN = 31 };

/* AT_HWCAP on riscv: one bit per single-letter extension, bit (letter - 'A'). */
#define HWCAP_RV64GC ((1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('A' - 'A')) | \
                      (1u << ('F' - 'A')) | (1u << ('D' - 'A')) | (1u << ('C' - 'A')))

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

/* What the initial stack's auxv says beyond the main program's image. */
struct exec_aux {
    const struct elf_image *img;   /* the program */
    uint64_t base;                 /* AT_BASE: the interpreter's bias, 0 without one */
};

/* Builds the initial stack below STACK_TOP of mm in a host buffer, then
 * copies it out in one piece. Layout from sp upwards: argc, argv[argc], NULL,
 * envp[envc], NULL, auxv pairs ending with AT_NULL, padding, AT_RANDOM's 16
 * bytes, the argv and envp strings, the program's path (AT_EXECFN). */
static int build_stack(struct proc *p, struct mm *mm, const struct exec_aux *ax,
                       const char *execfn, char *const argv[], char *const envp[],
                       uint64_t *sp_out, uint64_t args_out[3], char *err, size_t errlen)
{
    const struct elf_image *img = ax->img;
    static const char platform[] = "riscv64";
    size_t argc = count_strings(argv), envc = count_strings(envp);
    uint64_t strbytes = strlen(execfn) + 1 + sizeof platform;
    for (size_t i = 0; i < argc; i++)
        strbytes += strlen(argv[i]) + 1;
    for (size_t i = 0; i < envc; i++)
        strbytes += strlen(envp[i]) + 1;
    const size_t nauxv = 20;
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
    args_out[0] = str_lo;   /* /proc/PID/cmdline: [arg_start, arg_end) */
    args_out[1] = s;
    for (size_t i = 0; i < envc; i++) {
        size_t n = strlen(envp[i]) + 1;
        memcpy(AT(s), envp[i], n);
        vec[w++] = s;
        s += n;
    }
    vec[w++] = 0;
    args_out[2] = s;        /* /proc/PID/environ: [arg_end, env_end) */
    uint64_t execfn_at = s;
    memcpy(AT(s), execfn, strlen(execfn) + 1);
    s += strlen(execfn) + 1;
    uint64_t platform_at = s;
    memcpy(AT(s), platform, sizeof platform);
    for (int i = 0; i < 16; i++) {   /* deterministic "random" bytes (design decision 12) */
        p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
        AT(random_at)[i] = (uint8_t)(p->rng >> 56);
    }
    /* No AT_SYSINFO_EHDR: our vDSO page holds only the signal trampoline, not
     * an ELF image, and glibc would parse it as one. */
    const uint64_t auxv[][2] = {
        {AT_HWCAP, HWCAP_RV64GC}, {AT_PAGESZ, PAGE_SIZE},    {AT_CLKTCK, 100},
        {AT_PHDR, img->phdr.v},   {AT_PHENT, img->phent},    {AT_PHNUM, img->phnum},
        {AT_BASE, ax->base},      {AT_FLAGS, 0},             {AT_ENTRY, img->entry.v},
        {AT_UID, p->os->uid},    {AT_EUID, p->os->uid},    {AT_GID, p->os->gid},
        {AT_EGID, p->os->gid},      {AT_SECURE, 0},            {AT_RANDOM, random_at},
        {AT_EXECFN, execfn_at},   {AT_PLATFORM, platform_at}, {AT_NULL, 0},
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
    int rc = copyout(mm, va(sp), buf, len, &sv);
    free(buf);
    if (rc) {
        set_err(err, errlen, "cannot write the initial stack");
        return rc == -1 ? -EFAULT : rc;
    }
    *sp_out = sp;
    return 0;
}

/* Maps program f (and its interpreter) into the fresh mm and writes the
 * stack. Fills *pc and *sp. Nothing of p changes. */
static int build_image(struct proc *p, struct mm *mm, struct vfile *f, const char *filename,
                       char *const argv[], char *const envp[], uint64_t *pc, uint64_t *sp,
                       uint64_t *vdso, uint64_t args[3], char *err, size_t errlen)
{
    struct elf_info *info = malloc(sizeof *info);
    struct elf_image *img = malloc(sizeof *img), *iimg = malloc(sizeof *iimg);
    int e = -ENOMEM;
    if (!info || !img || !iimg)
        goto out;
    /* Linux puts a PIE with an interpreter at ELF_ET_DYN_BASE and lets a
     * static PIE go where mmap would put it. */
    if ((e = elf_parse_file(f, info, err, errlen)) != 0)
        goto out;
    vaddr_t hint = va(info->has_interp ? ELF_ET_DYN_BASE : 0);
    if ((e = elf_load(mm, f, hint, img, err, errlen)) != 0)
        goto out;
    struct exec_aux ax = {.img = img, .base = 0};
    *pc = img->entry.v;
    if (img->has_interp) {
        struct vfile *iv = NULL;
        char ierr[200] = "";
        e = p->os && p->os->fs_ops
                ? p->os->fs_ops->open_exec(p, img->interp, true, &iv, ierr, sizeof ierr)
                : -ENOENT;
        if (e) {
            set_err(err, errlen, "interpreter %s: %s", img->interp,
                    ierr[0] ? ierr : strerror(-e));
            goto out;
        }
        e = elf_load(mm, iv, va(0), iimg, ierr, sizeof ierr);
        vfile_put(iv);
        if (e) {
            set_err(err, errlen, "interpreter %s: %s", img->interp, ierr);
            goto out;
        }
        if (iimg->has_interp) {
            set_err(err, errlen, "interpreter %s has an interpreter", img->interp);
            e = -ELIBBAD;
            goto out;
        }
        ax.base = iimg->bias;
        *pc = iimg->entry.v;
        mm_set_brk_base(mm, img->brk);   /* the heap follows the program, not ld.so */
    }
    vaddr_t at;
    e = mm_mmap(mm, va(STACK_TOP - STACK_INITIAL), STACK_INITIAL, LX_PROT_READ | LX_PROT_WRITE,
                LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED | LX_MAP_GROWSDOWN, NULL, 0,
                &at);
    if (e) {
        set_err(err, errlen, "cannot map the stack");
        goto out;
    }
    if ((e = mm_map_vdso(mm, &at)) != 0) {
        set_err(err, errlen, "cannot map the vDSO");
        goto out;
    }
    *vdso = at.v;
    e = build_stack(p, mm, &ax, filename, argv, envp, sp, args, err, errlen);
out:
    free(info);
    free(img);
    free(iimg);
    return e;
}

bool proc_mm_sharer(const struct proc *p)
{
    return p->mm && p->mm_borrowed && !p->vfork_parent && p->tid == p->pid;
}

bool proc_mm_user(const struct proc *p)
{
    return p->mm && (!p->mm_borrowed || proc_mm_sharer(p));
}

/* Process p (its leader) stops using mm, which it owns. Another process
 * still using it (a CLONE_VM child or parent, or a vfork child) becomes
 * its owner, as Linux's mm lives while mm_users is not zero; else it is
 * destroyed. */
static void mm_release_owned(struct proc *p, struct mm *mm)
{
    for (struct proc *q = p->os ? p->os->procs : NULL; q; q = q->next) {
        if (q->pid == p->pid || q->exited || q->tid != q->pid || q->mm != mm)
            continue;
        q->mm_borrowed = false;   /* its threads go on borrowing it from q */
        if (q->vfork_parent == p)
            q->vfork_parent = NULL;
        return;
    }
    mm_destroy(mm);
}

/* Gives the mm of a vfork child back to its parent and wakes the parent. */
static void vfork_release(struct proc *p)
{
    if (p->vfork_parent) {
        if (p->vfork_parent->state == PROC_VFORK_WAIT)
            p->vfork_parent->state = PROC_RUNNABLE;
        p->vfork_parent = NULL;
    }
    if (p->mm_borrowed) {
        p->mm = NULL;
        p->mm_borrowed = false;
    }
}

int proc_execve(struct proc *p, struct vfile *f, const char *filename, char *const argv[],
                char *const envp[], char *err, size_t errlen)
{
    struct mm *mm = mm_new(p->k);
    if (!mm) {
        vfile_put(f);
        set_err(err, errlen, "out of memory");
        return -ENOMEM;
    }
    uint64_t pc = 0, sp = 0, vdso = 0, args[3] = {0, 0, 0};
    int e = mm_set_exe_file(mm, f);
    if (e) {
        set_err(err, errlen, "%s", strerror(-e));
        vfile_put(f);
        mm_destroy(mm);
        return e;
    }
    e = build_image(p, mm, f, filename, argv, envp, &pc, &sp, &vdso, args, err, errlen);
    /* /proc/PID/exe must be absolute (glibc's _dl_get_origin asserts it):
     * the first program may have been named relative to the host's cwd. */
    const char *name = vfile_name(f);
    char *exe = e ? NULL : name[0] == '/' ? strdup(name) : realpath(name, NULL);
    if (!e && !exe)
        exe = strdup(name);
    vfile_put(f);
    if (!e && !exe)
        e = -ENOMEM;
    if (!e && p->files)
        e = p->os->fs_ops->exec_unshare(p);   /* CLONE_FILES: the new program's own table */
    if (e) {
        free(exe);
        mm_destroy(mm);
        return e;
    }
    free(p->exe);
    p->exe = exe;
    p->arg_start = args[0];
    p->arg_end = args[1];
    p->env_end = args[2];
    /* The point of no return: the old image goes. */
    struct mm *old = p->mm;
    bool borrowed = p->mm_borrowed;
    vfork_release(p);
    p->mm = NULL;
    if (old && !borrowed)
        mm_release_owned(p, old);
    p->mm = mm;
    p->vdso = vdso;
    if (p->files)
        p->os->fs_ops->exec(p);
    signal_exec_unshare(p);   /* CLONE_SIGHAND: handlers of its own, then reset */
    signal_exec_reset(&p->sig);
    proc_ptimers_free(p);   /* POSIX timers do not survive execve */
    const char *base = strrchr(filename, '/');
    snprintf(p->comm, sizeof p->comm, "%s", base ? base + 1 : filename);
    if (p->pid)   /* the first process: os_spawn tells, once it has a pid */
        event_proc(p->k, VM_EV_EXEC, mm, p->pid, 0, p->comm, 0);
    /* ELF_PLAT_INIT: every register zero but pc and sp. */
    struct hart_context c;
    memset(&c, 0, sizeof c);
    c.pc = pc;
    c.x[2] = sp;
    if (p->hart) {
        struct hart *h = p->hart;
        memcpy(h->x, c.x, sizeof c.x);
        memset(h->f, 0, sizeof h->f);
        h->fcsr = 0;
        h->pc = pc;
        h->reservation = UINT64_MAX;
        mmu_set_satp(&h->mmu, mm_satp(mm));
        machine_set_hart(p->os->m, (int)(h - p->os->m->harts), (uint16_t)satp_asid(mm_satp(mm)));
    } else {
        p->ctx = c;
    }
    return 0;
}

void proc_child_regs(struct proc *c, const struct proc *p, uint64_t sp)
{
    const struct hart *h = p->hart;
    if (h) {
        memcpy(c->ctx.x, h->x, sizeof c->ctx.x);
        memcpy(c->ctx.f, h->f, sizeof c->ctx.f);
        c->ctx.fcsr = h->fcsr;
        c->ctx.pc = h->pc + 4;
    } else {
        c->ctx = p->ctx;
        c->ctx.pc += 4;
    }
    c->ctx.x[0] = 0;
    c->ctx.x[10] = 0;
    if (sp)
        c->ctx.x[2] = sp;
}

struct proc *proc_fork(struct proc *p, enum proc_fork_mm mode, unsigned share, uint64_t child_sp,
                       int *rc)
{
    bool vfork = mode == PROC_FORK_VFORK;
    if (p->os->nprocs >= p->os->max_procs) {
        *rc = -EAGAIN;
        return NULL;
    }
    struct proc *c = calloc(1, sizeof *c);
    if (!c) {
        *rc = -ENOMEM;
        return NULL;
    }
    c->os = p->os;
    c->k = p->k;
    c->rng = p->rng ^ 0x9e3779b97f4a7c15ULL;
    c->sig = p->sig;
    c->sig.pending = 0;   /* a child starts with no pending signal */
    c->sig.shared_pending = 0;
    c->rlimit_stack = p->rlimit_stack;
    c->rlimit_memlock[0] = p->rlimit_memlock[0];
    c->rlimit_memlock[1] = p->rlimit_memlock[1];
    c->pgid = p->pgid;
    c->sid = p->sid;
    c->rlimit_fsize[0] = p->rlimit_fsize[0];
    c->rlimit_fsize[1] = p->rlimit_fsize[1];
    c->vdso = p->vdso;
    memcpy(c->comm, p->comm, sizeof c->comm);
    c->exe = p->exe ? strdup(p->exe) : NULL;
    c->arg_start = p->arg_start;
    c->arg_end = p->arg_end;
    c->env_end = p->env_end;
    c->exit_signal = LX_SIGCHLD;
    if (mode != PROC_FORK_COPY) {
        c->mm = p->mm;
        c->mm_borrowed = true;   /* p's, or its owner's (p may share it too) */
        c->vfork_parent = vfork ? p : NULL;
    } else {
        c->mm = mm_fork(p->mm);
    }
    int frc = p->files || p->fs ? p->os->fs_ops->fork(p, c, share) : 0;
    if (!c->mm || frc || (p->exe && !c->exe)) {
        if (c->mm && mode == PROC_FORK_COPY)
            mm_destroy(c->mm);
        if (!frc && (c->files || c->fs))
            p->os->fs_ops->release(c);
        free(c->exe);
        free(c);
        *rc = -ENOMEM;
        return NULL;
    }
    proc_child_regs(c, p, child_sp);
    c->parent = p->group_leader ? p->group_leader : p;   /* the process, not the thread */
    c->state = PROC_RUNNABLE;
    os_add_proc(p->os, c);
    event_proc(p->k, VM_EV_FORK, p->mm, p->pid, c->pid, c->comm, 0);
    *rc = 0;
    return c;
}

void proc_exit(struct proc *p, int status, int signo)
{
    struct proc *leader = p->group_leader ? p->group_leader : p;
    if (p->exited || leader->exited)
        return;
    p = leader;   /* the process ends through its leader, whichever thread ended it */
    struct os *os = p->os;
    p->thread_dead = false;
    p->exited = true;
    os->nexits++;
    p->state = PROC_ZOMBIE;
    p->blocked = false;
    p->term_signal = signo;
    p->exit_status = signo ? 128 + signo : (status & 0xff);
    p->wait_status = signo ? signo : (status & 0xff) << 8;
    event_proc(p->k, VM_EV_EXIT, p->mm, p->pid, 0, p->comm, (uint64_t)p->exit_status);
    bool borrowed = p->mm_borrowed;
    struct mm *mm = p->mm;
    if (os->exit_hook)
        os->exit_hook(os->exit_hook_ctx, os, p);
    thread_group_end(p);   /* after the hook, so that reports see the threads */
    if (os->exit_smaps && mm && !borrowed) {
        fprintf(os->exit_smaps, "vmsim: smaps of pid %d (%s) at exit:\n", p->pid, p->comm);
        mm_print_smaps(mm, os->exit_smaps);
    }
    vfork_release(p);
    p->mm = NULL;
    if (mm && !borrowed)
        mm_release_owned(p, mm);
    if (p->files || p->fs)
        os->fs_ops->release(p);
    if (p->pid == os->first_pid) {
        os->first_done = true;
        os->first_status = p->exit_status;
    }
    /* Orphans go to init, which reaps the zombies among them now. */
    for (struct proc *c = os->procs, *next; c; c = next) {
        next = c->next;
        if (c->parent != p)
            continue;
        c->parent = NULL;
        if (c->exited)
            proc_reap(c);
    }
    struct proc *parent = p->parent;
    if (!parent)
        return;   /* init reaps it (the scheduler does, once it is off the hart) */
    /* Linux do_notify_parent: the child's exit_signal (0: none). A parent
     * that ignores SIGCHLD, or says SA_NOCLDWAIT, gets no zombie of a child
     * that would send SIGCHLD (and with SA_NOCLDWAIT, still the signal). */
    int sig = p->exit_signal;
    const struct lx_sigaction *sa = &parent->sig.action[LX_SIGCHLD];
    bool autoreap = sig == LX_SIGCHLD &&
                    (sa->handler == LX_SIG_IGN || (sa->flags & LX_SA_NOCLDWAIT));
    if (autoreap)
        p->parent = NULL;
    if (sig < 1 || sig > LX_NSIG || (autoreap && sa->handler == LX_SIG_IGN))
        return;
    struct sig_info si = {.signo = sig,
                          .code = signo ? LX_CLD_KILLED : LX_CLD_EXITED,
                          .pid = p->pid,
                          .uid = os->uid,
                          .status = signo ? signo : (status & 0xff)};
    signal_send_info(parent, &si);
}

void proc_reap(struct proc *p)
{
    struct os *os = p->os;
    if (os->current == p)
        return;   /* still on the hart: the scheduler reaps it after its turn */
    for (struct proc **pp = &os->procs; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            os->nprocs--;
            break;
        }
    }
    proc_free(p);
}

void proc_free(struct proc *p)
{
    if (!p)
        return;
    if (p->mm && !p->mm_borrowed)
        mm_destroy(p->mm);
    if (p->files || p->fs)
        p->os->fs_ops->release(p);
    proc_ptimers_free(p);
    if (p->os)
        futex_forget(p);
    free(p->exe);
    free(p);
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
void proc_emulate_misaligned(struct proc *p, struct hart *h, uint64_t pc, uint64_t a)
{
    struct dinsn d;
    struct segv sv;
    /* Device registers are not emulated byte by byte: a misaligned access
     * to device memory is a bus error (issue 7). */
    if (mm_is_device(p->mm, va(a))) {
        signal_fault(p, h, LX_SIGBUS, LX_BUS_ADRALN, a, 0);
        return;
    }
    int rc = fetch_insn(p, pc, &d, &sv);
    if (rc) {
        signal_fault(p, h, LX_SIGSEGV, LX_SEGV_MAPERR, pc, 0);
        return;
    }
    uint64_t v = 0;
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
        signal_fault(p, h, LX_SIGBUS, LX_BUS_ADRALN, a, 0);
        return;
    }
    if (load) {
        rc = copyin(p->mm, &v, va(a), size, &sv);
    } else {
        v = fp ? h->f[d.rs2] : h->x[d.rs2];
        rc = copyout(p->mm, va(a), &v, size, &sv);
    }
    if (rc == -1) {
        signal_fault(p, h, sv.signo, sv.code, sv.addr.v, 0);
        return;
    }
    if (rc) {
        fprintf(stderr, "vmsim: pid %d: out of memory\n", p->pid);
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
    h->pc = pc + d.len;
}
