/* mlock, mlock2, munlock, mlockall, munlockall and mincore (issue 14): the
 * process's RLIMIT_MEMLOCK goes to the memory manager (mm/mlock.c), and
 * mincore's vector is copied out in pieces. */
#include <errno.h>

#include "../mm/mm.h"
#include "proc.h"
#include "sys_proc.h"

int64_t sys_mlock(struct proc *p, const uint64_t a[6])
{
    return mm_mlock(p->mm, va(a[0]), a[1], 0, p->rlimit_memlock[0]);
}

int64_t sys_mlock2(struct proc *p, const uint64_t a[6])
{
    return mm_mlock(p->mm, va(a[0]), a[1], (int)a[2], p->rlimit_memlock[0]);
}

int64_t sys_munlock(struct proc *p, const uint64_t a[6])
{
    return mm_munlock(p->mm, va(a[0]), a[1]);
}

int64_t sys_mlockall(struct proc *p, const uint64_t a[6])
{
    return mm_mlockall(p->mm, (int)a[0], p->rlimit_memlock[0]);
}

int64_t sys_munlockall(struct proc *p, const uint64_t a[6])
{
    return mm_munlockall(p->mm);
}

/* mincore(addr, len, vec): one byte per page; -EFAULT when vec is bad. */
int64_t sys_mincore(struct proc *p, const uint64_t a[6])
{
    enum { CHUNK = 512 };
    uint8_t vec[CHUNK];
    uint64_t addr = a[0], len = a[1], g_vec = a[2];
    if (addr & PAGE_MASK)
        return -EINVAL;
    if (addr + len < addr || addr + len > USER_TOP)
        return -ENOMEM;
    uint64_t pages = (len + PAGE_MASK) >> PAGE_SHIFT;
    for (uint64_t done = 0; done < pages;) {
        uint64_t n = pages - done < CHUNK ? pages - done : CHUNK;
        int rc = mm_mincore(p->mm, va(addr + done * PAGE_SIZE), n * PAGE_SIZE, vec);
        if (rc)
            return rc;
        rc = user_copyout(p, g_vec + done, vec, n);
        if (rc)
            return rc;
        done += n;
    }
    return 0;
}
