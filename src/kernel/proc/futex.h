/* futex(2) (issue 13): wait queues keyed as Linux's get_futex_key does —
 * (mm, address) for a private futex, (object mapped, offset) for a shared
 * one in a MAP_SHARED region (mm_futex_key) — so waiting costs nothing: a
 * waiter is off the run queue until a wake, a signal or its timeout. */
#ifndef VMSIM_KERNEL_FUTEX_H
#define VMSIM_KERNEL_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

struct proc;

/* Wakes up to n waiters of the word at g_uaddr of p's address space whose
 * bitset meets bitset. shared: no FUTEX_PRIVATE_FLAG. Returns how many woke,
 * or -EFAULT (shared, unmapped). */
int futex_wake(struct proc *p, uint64_t g_uaddr, bool shared, int n, uint32_t bitset);

/* Takes p off the wait queue (it ends, or its wait ended otherwise). */
void futex_forget(struct proc *p);

int64_t sys_futex(struct proc *p, const uint64_t a[6]);
int64_t sys_set_robust_list(struct proc *p, const uint64_t a[6]);
int64_t sys_get_robust_list(struct proc *p, const uint64_t a[6]);

#endif
