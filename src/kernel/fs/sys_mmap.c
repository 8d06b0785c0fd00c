/* mmap(2). Mapping is memory management's (mm_mmap); this handler lives with
 * the files because its fd argument names an open file: a regular file (its
 * page-cache object), /dev/zero (anonymous memory) or a device (devfile_mmap:
 * memory-mapped I/O). The other memory calls (brk, munmap, mprotect, mremap,
 * msync, madvise) take no descriptor and are in proc/sys_proc.c. */
#include <errno.h>

#include "devfile.h"
#include "file.h"
#include "shmfile.h"
#include "sys_file.h"
#include "../proc/proc.h"

int64_t sys_mmap(struct proc *p, const uint64_t a[6])
{
    int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
    uint64_t off = a[5];
    if (off & PAGE_MASK)
        return -EINVAL;
    if (prot & ~(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC | 0x01000000 | 0x02000000))
        return -EINVAL;   /* (PROT_GROWSDOWN/UP are accepted and ignored) */
    if (!(flags & LX_MAP_ANONYMOUS)) {
        struct file *df = files_lookup(p->files, fd);
        if (df && devfile_is(df))   /* memory-mapped I/O (issue 7) */
            return devfile_mmap(p, df, a);
        int rc = df ? shm_mmap_check(df, prot, flags) : 0;   /* seals (issue 16) */
        if (rc)
            return rc;
    }
    struct vfile *f = NULL;
    if (!(flags & LX_MAP_ANONYMOUS)) {
        int mode = 0;
        int rc = file_mmap_vfile(p->files, fd, &f, &mode);
        if (rc)
            return rc;
        if (!f) {
            flags |= LX_MAP_ANONYMOUS;   /* /dev/zero */
        } else if ((flags & LX_MAP_TYPE) != LX_MAP_PRIVATE && (prot & LX_PROT_WRITE) &&
                   mode != LX_O_RDWR) {
            vfile_put(f);
            return -EACCES;
        }
    }
    vaddr_t out;
    int rc = mm_mmap(p->mm, va(a[0]), a[1], prot & 7, flags, f, off, &out);
    if (f)
        vfile_put(f);
    return rc ? rc : (int64_t)out.v;
}
