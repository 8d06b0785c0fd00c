/* The one door into user memory (xv6's copyin/copyout): every access goes
 * through hart 0's MMU with the address space's satp, and a page fault goes
 * to mm_fault() and is retried, exactly as for the guest's own accesses, so
 * demand paging, COW and protection apply to the kernel's accesses too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A correct fault handler makes an access succeed after at most two faults
 * (e.g. not present, then COW); more means the handler loops. */
#define MAX_FAULT_RETRIES 4

int mm_translate(struct mm *mm, vaddr_t a, enum access acc, struct translation *tr,
                 struct walk_trace *trace, struct segv *out)
{
    struct mmu *mmu = &machine_cur_hart(mm->k->m)->mmu;   /* the kernel runs on the caller's hart */
    uint64_t saved = mmu->satp;
    mmu_set_satp(mmu, mm_satp(mm));
    int rc;
    for (int tries = 0;; tries++) {
        if (mmu_translate(mmu, a, acc, tr, trace) == 0) {
            rc = 0;
            break;
        }
        if (tr->kind == MMU_BAD_PTE) {
            /* Only a broken kernel writes a malformed PTE (or one pointing
             * outside RAM and every device region). */
            fprintf(stderr, "vmsim: bad PTE for va 0x%llx (level %d, pte 0x%llx)\n",
                    (unsigned long long)a.v, tr->level, (unsigned long long)tr->leaf.bits);
            abort();
        }
        if (tries == MAX_FAULT_RETRIES) {
            fprintf(stderr, "vmsim: page fault at 0x%llx not resolved after %d tries\n",
                    (unsigned long long)a.v, tries);
            abort();
        }
        rc = mm_fault(mm, a, acc, out);
        if (rc)
            break;
    }
    mmu_set_satp(mmu, saved);
    return rc;
}

/* Copies between user memory at a and buf, page by page. */
static int copy_user(struct mm *mm, vaddr_t a, void *buf, uint64_t len, enum access acc,
                     struct segv *out)
{
    uint8_t *b = buf;
    while (len > 0) {
        struct translation tr;
        int rc = mm_translate(mm, a, acc, &tr, NULL, out);
        if (rc)
            return rc;
        uint64_t chunk = PAGE_SIZE - va_offset(a);
        if (chunk > len)
            chunk = len;
        if (!tr.host) {
            /* Device memory (issue 7): byte by byte through the device, as
             * a CPU copy loop would; registers refuse byte accesses, and
             * the call fails as for a bus error. */
            struct physmem *pm = &mm->k->m->pm;
            for (uint64_t i = 0; i < chunk; i++) {
                uint64_t v = b[i];
                int io = acc == ACCESS_WRITE ? physmem_io_write(pm, pa(tr.pa.p + i), 1, v)
                                             : physmem_io_read(pm, pa(tr.pa.p + i), 1, &v);
                if (io) {
                    if (out)
                        *out = (struct segv){LX_SIGBUS, LX_BUS_ADRERR, va(a.v + i), acc};
                    return -1;
                }
                b[i] = (uint8_t)v;
            }
            b += chunk;
            len -= chunk;
            a.v += chunk;
            continue;
        }
        if (acc == ACCESS_WRITE)
            memcpy(tr.host, b, chunk);
        else
            memcpy(b, tr.host, chunk);
        b += chunk;
        len -= chunk;
        a.v += chunk;
    }
    return 0;
}

int copyin(struct mm *mm, void *dst, vaddr_t src, uint64_t len, struct segv *out)
{
    return copy_user(mm, src, dst, len, ACCESS_READ, out);
}

int copyout(struct mm *mm, vaddr_t dst, const void *src, uint64_t len, struct segv *out)
{
    return copy_user(mm, dst, (void *)src, len, ACCESS_WRITE, out);
}

int copyin_str(struct mm *mm, char *dst, vaddr_t src, uint64_t max, struct segv *out)
{
    uint64_t done = 0;
    while (done < max) {
        struct translation tr;
        int rc = mm_translate(mm, src, ACCESS_READ, &tr, NULL, out);
        if (rc)
            return rc;
        if (!tr.host) {
            if (out)
                *out = (struct segv){LX_SIGBUS, LX_BUS_ADRERR, src, ACCESS_READ};
            return -1;
        }
        uint64_t chunk = PAGE_SIZE - va_offset(src);
        if (chunk > max - done)
            chunk = max - done;
        const char *nul = memchr(tr.host, 0, chunk);
        uint64_t n = nul ? (uint64_t)(nul - (const char *)tr.host) + 1 : chunk;
        memcpy(dst + done, tr.host, n);
        done += n;
        if (nul)
            return 0;
        src.v += chunk;
    }
    if (max > 0)
        dst[max - 1] = '\0';
    return -ENAMETOOLONG;
}
