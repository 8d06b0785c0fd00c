/* FIFO opens: see fifo.h. The opens that wait are kept here with the end
 * they already hold; an entry whose process no longer waits in openat (a
 * signal ended the wait) is dropped, and its end closed, on the next FIFO
 * open or when that process ends. */
#include "fifo.h"

#include <errno.h>
#include <stdlib.h>

#include "file.h"
#include "pipe.h"

struct fifo_wait {
    struct fifo_wait *next;
    struct os *os;
    int pid;
    struct pipe *pp;
    struct file *f;       /* the end it holds meanwhile */
    bool reader;
    uint32_t counter;     /* the other side's opens counter when it began */
};

static struct fifo_wait *waits;

static bool still_opening(struct os *os, int pid)
{
    struct proc *q = os_find(os, pid);
    return q && !q->exited && q->blocked && !q->hart && q->ctx.x[17] == LX_SYS_openat;
}

/* Drops the entries of processes no longer waiting (but current's). */
static void gc(struct proc *current)
{
    for (struct fifo_wait **pw = &waits; *pw;) {
        struct fifo_wait *w = *pw;
        if (w->os == current->os && w->pid != current->pid && !still_opening(w->os, w->pid)) {
            *pw = w->next;
            file_put(w->f);
            free(w);
        } else {
            pw = &w->next;
        }
    }
}

void fifo_proc_gone(struct proc *p)
{
    for (struct fifo_wait **pw = &waits; *pw;) {
        struct fifo_wait *w = *pw;
        if (w->os == p->os && w->pid == p->pid) {
            *pw = w->next;
            file_put(w->f);
            free(w);
        } else {
            pw = &w->next;
        }
    }
}

static bool other_side(const struct pipe *pp, bool reader, uint32_t since, bool *moved)
{
    int r, w;
    uint32_t rc, wc;
    pipe_fifo_counts(pp, &r, &w, &rc, &wc);
    *moved = reader ? wc != since : rc != since;
    return reader ? w > 0 : r > 0;
}

int fifo_open(struct proc *p, const struct stat *st, int flags, struct file **out)
{
    gc(p);
    int acc = flags & LX_O_ACCMODE;
    bool reader = acc == LX_O_RDONLY;
    struct pipe *pp = pipe_fifo_find(p->k, st->st_dev, st, false);
    /* A retry of this process's waiting open of this FIFO. */
    for (struct fifo_wait **pw = &waits; *pw; pw = &(*pw)->next) {
        struct fifo_wait *w = *pw;
        if (w->os != p->os || w->pid != p->pid)
            continue;
        if (w->pp != pp || w->reader != reader) {   /* an old, interrupted one */
            *pw = w->next;
            file_put(w->f);
            free(w);
            break;
        }
        bool moved;
        if (!other_side(pp, reader, w->counter, &moved) && !moved)
            return -LX_ERESTART_BLOCK;
        *out = w->f;
        *pw = w->next;
        free(w);
        return 0;
    }
    bool created = !pp;
    if (!pp && !(pp = pipe_fifo_find(p->k, st->st_dev, st, true)))
        return -ENOMEM;
    bool moved;
    bool there = other_side(pp, reader, 0, &moved);
    if (acc == LX_O_WRONLY && (flags & LX_O_NONBLOCK) && !there) {
        if (created)
            pipe_fifo_unused(pp);
        return -ENXIO;
    }
    struct file *f = pipe_fifo_end(pp, flags);
    if (!f) {
        if (created)
            pipe_fifo_unused(pp);
        return -ENOMEM;
    }
    if (acc == LX_O_RDWR || (flags & LX_O_NONBLOCK) || there) {
        *out = f;
        return 0;
    }
    struct fifo_wait *w = calloc(1, sizeof *w);
    if (!w) {
        file_put(f);
        return -ENOMEM;
    }
    int r, wr;
    uint32_t rc, wc;
    pipe_fifo_counts(pp, &r, &wr, &rc, &wc);
    *w = (struct fifo_wait){.next = waits, .os = p->os, .pid = p->pid, .pp = pp, .f = f,
                            .reader = reader, .counter = reader ? wc : rc};
    waits = w;
    return -LX_ERESTART_BLOCK;
}
