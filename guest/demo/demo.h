/* What the guest programs of `vmsim demo` share: stop points (marks.h) and
 * the rendezvous with tour, the first process. tour gives each program two
 * pipe ends: fd 3 to say "ready" (one byte) and fd 4 to wait on; tour closes
 * the other end of fd 4 when the demo is over, so every waiting program sees
 * end-of-file and finishes. Until then each stays as it is, so its memory can
 * be inspected at any later stop point. */
#ifndef VMSIM_GUEST_DEMO_H
#define VMSIM_GUEST_DEMO_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "marks.h"

#define DEMO_FD_READY 3
#define DEMO_FD_WAIT 4

/* Stops the whole machine for the demo front end to look at it (marks.h).
 * The vfork child runs on our stack and only makes the exit call. */
static inline void demo_mark(int id, const void *addr, unsigned long len)
{
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0)
        syscall(SYS_exit, DEMO_MARK_BASE + id, (long)DEMO_MARK_MAGIC, (long)addr, (long)len);
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* Tells tour we are done, then waits until the demo is over. */
static inline void demo_ready_and_wait(void)
{
    char c = 'r';
    fflush(stdout);
    if (write(DEMO_FD_READY, &c, 1) != 1)
        perror("demo: ready");
    while (read(DEMO_FD_WAIT, &c, 1) > 0)
        ;
}

#endif
