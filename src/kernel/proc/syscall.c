/* The system-call dispatcher: reads the call from the hart, runs the
 * handler from the table (core/syscalls.c), writes the result back. Guest
 * pointers are named g_* and only touched through copyin/copyout. */
#include "syscall.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../machine/hart.h"
#include "sched.h"
#include "signal.h"
#include "sys_proc.h"


int user_copyin(struct proc *p, void *dst, uint64_t g_src, uint64_t len)
{
    struct segv sv;
    int rc = copyin(p->mm, dst, va(g_src), len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

int user_copyout(struct proc *p, uint64_t g_dst, const void *src, uint64_t len)
{
    struct segv sv;
    int rc = copyout(p->mm, va(g_dst), src, len, &sv);
    return rc == 0 ? 0 : rc == -1 ? -EFAULT : rc;
}

bool syscall_dispatch(struct proc *p, struct hart *h)
{
    uint64_t nr = h->x[17];
    const uint64_t args[6] = {h->x[10], h->x[11], h->x[12], h->x[13], h->x[14], h->x[15]};
    int64_t ret;
    p->syscalls++;
    p->os->syscalls++;
    p->sleep_wakeable = false;
    if (nr < PROC_SYSCALL_MAX && syscall_table[nr]) {
        ret = syscall_table[nr](p, args);
    } else {
        ret = -ENOSYS;
        /* rseq and clone3 are optional: glibc falls back without them.
         * Others are said once per run (a shell script may make thousands). */
        if (nr != LX_SYS_rseq && nr != LX_SYS_clone3 && nr < PROC_SYSCALL_MAX &&
            p->os->nosys[nr]++ == 0) {
            if (p->os->output_hook)
                p->os->output_hook(p->os->output_hook_ctx);
            fprintf(stderr, "vmsim: syscall %llu (%s) not implemented (-ENOSYS)\n",
                    (unsigned long long)nr, syscall_name((unsigned)nr));
        } else if (nr >= PROC_SYSCALL_MAX && p->os->nosys_high++ == 0) {
            fprintf(stderr, "vmsim: syscall %llu not implemented (-ENOSYS)\n",
                    (unsigned long long)nr);
        }
    }
    if (p->exited)
        return false;
    if (ret == -LX_ERESTART_BLOCK) {
        p->blocked = true;
        return true;   /* pc stays at the ecall: retried on the next turn */
    }
    p->blocked = false;
    if (ret == -LX_EJUSTRETURN)
        return false;
    h->x[10] = (uint64_t)ret;
    h->pc += 4;   /* ecall has no compressed form */
    return false;
}
