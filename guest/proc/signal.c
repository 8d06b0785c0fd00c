/* Signal handlers: SA_SIGINFO for SIGSEGV (si_code, si_addr), the
 * mprotect-in-the-handler trick, masks and pending signals, sigaltstack,
 * SA_RESETHAND, SIGILL, signals between processes, SIGCHLD, sigsuspend. */
#include <errno.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void *volatile fault_addr;
static volatile int fault_code;
static char *page;
static sigjmp_buf jb;

static void on_segv_fix(int sig, siginfo_t *si, void *uc)
{
    got = sig;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    /* Make the page accessible and return: the store re-executes. */
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void on_segv_jump(int sig, siginfo_t *si, void *uc)
{
    got = sig;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

static void on_usr(int sig) { got = sig; }

static char altstack[65536];
static volatile int on_alt;
static void on_usr_alt(int sig)
{
    char here;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    got = sig;
}

static volatile int nchld;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    nchld++;
    got = si->si_code == CLD_EXITED ? si->si_status : -1;
}

/* Skips the faulting instruction by moving the saved pc: the kernel must
 * resume where the ucontext says. */
extern char fault_insn[];
static volatile int uc_pc_ok;
static void on_segv_skip(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got = sig;
    uc_pc_ok = uc->uc_mcontext.__gregs[REG_PC] == (unsigned long)fault_insn;
    uc->uc_mcontext.__gregs[REG_PC] += 4;
    uc->uc_mcontext.__gregs[REG_A0 + 1] = 77;   /* and registers come back from it too */
}

/* A handler that uses the FP registers (caller-saved ones included). */
static volatile double fp_sink;
static volatile int fp_hits, mask_had_it;
static void on_fp(int sig)
{
    double x = fp_sink + 1.5, y = 0.25;
    for (int i = 0; i < 50; i++) {
        x = x * 1.0001 + y;
        y = y / 1.5 + x * 1e-9;
    }
    fp_sink = x + y;
    fp_hits++;
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    mask_had_it = sigismember(&cur, sig);
}

static int restarts;
static void on_usr_count(int sig) { restarts++; }

static const char *segv_code(int c)
{
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
}

/* Kept in a variable so the compiler cannot see the bad access. */
static volatile uintptr_t bad_addr = 8;

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);

    /* 1. A store to a read-only page; the handler mprotects it and returns. */
    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sa.sa_sigaction = on_segv_fix;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    ((volatile char *)page)[100] = 42;
    printf("fixed store: got=%d code=%s addr_ok=%d value=%d\n", got, segv_code(fault_code),
           fault_addr == page + 100, page[100]);

    /* 2. PROT_NONE read, fixed the same way. */
    got = 0;
    mprotect(page, 4096, PROT_NONE);
    int v = ((volatile char *)page)[200];
    printf("fixed load: got=%d code=%s addr_ok=%d value=%d\n", got, segv_code(fault_code),
           fault_addr == page + 200, v);

    /* 3. An unmapped address: SEGV_MAPERR, leave the handler with siglongjmp. */
    got = 0;
    char *gone = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 8192);
    sa.sa_sigaction = on_segv_jump;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        gone[4097] = 1;
        printf("not reached\n");
    }
    printf("unmapped: got=%d code=%s addr_ok=%d\n", got, segv_code(fault_code),
           fault_addr == gone + 4097);
    /* The mask was restored by siglongjmp: SIGSEGV works again. */
    got = 0;
    if (sigsetjmp(jb, 1) == 0)
        *(volatile int *)(uintptr_t)bad_addr = 0;
    printf("null: got=%d code=%s addr=%p\n", got, segv_code(fault_code), fault_addr);

    /* 4. SIGILL from an illegal instruction. */
    sigaction(SIGILL, &sa, NULL);
    got = 0;
    if (sigsetjmp(jb, 1) == 0)
        __asm__ volatile(".4byte 0");
    printf("illegal: got=%d code=%s\n", got, fault_code == ILL_ILLOPC ? "ILL_ILLOPC" : "?");

    /* 5. Blocked signals stay pending and arrive when unblocked. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked: got=%d pending=%d\n", got, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: got=%d\n", got);

    /* 6. A handler on the alternate stack. */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
    sa.sa_handler = on_usr_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    got = 0;
    raise(SIGUSR2);
    printf("altstack: got=%d on_alt=%d\n", got, on_alt);

    /* 7. SA_RESETHAND: the second SIGUSR1 is ignored... by SIG_IGN we set. */
    sa.sa_handler = on_usr;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    got = 0;
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("resethand: got=%d now_default=%d\n", got, now.sa_handler == SIG_DFL);

    /* 8. SIG_IGN: nothing happens. */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored: still here\n");

    /* 9. Between processes: the child waits in sigsuspend for SIGUSR1. */
    sa.sa_handler = on_usr;
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    pid_t c = fork();
    if (c == 0) {
        sigset_t none;
        sigemptyset(&none);
        int r = sigsuspend(&none);
        printf("child: sigsuspend %d %s got=%d\n", r, strerror(errno), got);
        _exit(got == SIGUSR1 ? 7 : 1);
    }
    kill(c, SIGUSR1);
    int st;
    waitpid(c, &st, 0);
    printf("child status: %d\n", WEXITSTATUS(st));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* 10. SIGCHLD with SA_SIGINFO when a child exits. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    c = fork();
    if (c == 0)
        _exit(12);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGCHLD);
    while (nchld == 0)
        sigsuspend(&wait_mask);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(c, &st, 0);
    printf("sigchld: n=%d status=%d\n", nchld, got);

    /* 11. A pending signal interrupts a blocking wait: EINTR without SA_RESTART. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr;
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGCHLD, SIG_DFL);
    pid_t parent = getpid();
    c = fork();
    if (c == 0) {
        usleep(100000);   /* let the parent reach waitpid */
        kill(parent, SIGUSR2);
        sigset_t none;
        sigemptyset(&none);
        for (;;)
            sigsuspend(&none);
    }
    got = 0;
    errno = 0;
    int r = waitpid(c, &st, 0);
    printf("interrupted wait: %d %s got=%d\n", r, strerror(errno), got);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    printf("killed: %d\n", WTERMSIG(st));

    /* 12. The handler edits the saved context: pc past the fault, a1. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv_skip;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    got = 0;
    long a1;
    __asm__ volatile(".option push\n.option norvc\n"
                     "li a1, 5\n"
                     ".globl fault_insn\nfault_insn: sw zero, 0(%1)\n"
                     "mv %0, a1\n"
                     ".option pop\n"
                     : "=r"(a1) : "r"(bad_addr) : "a1", "memory");
    printf("skipped: got=%d pc_ok=%d a1=%ld\n", got, uc_pc_ok, a1);

    /* 13. SA_RESTART: a read blocked on a pipe survives a handled signal. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr_count;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    c = fork();
    if (c == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        usleep(100000);
        write(fds[1], "x", 1);
        _exit(0);
    }
    char ch = 0;
    ssize_t n = read(fds[0], &ch, 1);
    waitpid(c, &st, 0);
    printf("restarted read: %zd %c handler ran %d\n", n, ch, restarts);

    /* 14. SIGCHLD ignored: children leave no zombie; wait says ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    c = fork();
    if (c == 0)
        _exit(1);
    errno = 0;
    int w = waitpid(-1, &st, 0);
    printf("no zombies: %d %s\n", w, strerror(errno));

    /* 15. Signals arriving in the middle of FP work: the interrupted
     * registers (f and fcsr) come back intact; the mask is restored. */
    signal(SIGCHLD, SIG_DFL);
    signal(SIGUSR2, on_fp);
    c = fork();
    if (c == 0) {
        for (int i = 0; i < 20; i++) {
            kill(parent, SIGUSR2);
            usleep(1000);
        }
        _exit(0);
    }
    double acc = 0.5, inc = 1e-3;
    for (long i = 0; i < 3000000; i++) {
        acc = acc * 0.999999 + inc;
        inc = inc * 1.0000001;
    }
    waitpid(c, &st, 0);
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("fp across handlers: %.9f handler ran: %d mask in handler: %d after: %d\n", acc,
           fp_hits > 0, mask_had_it, sigismember(&cur, SIGUSR2));
    return 0;
}
