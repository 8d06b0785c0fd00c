/* Unix sockets: the garbage collector of sockets in flight, as Linux's
 * unix_gc (net/unix/garbage.c). A socket passed with SCM_RIGHTS sits in
 * a receive queue as a reference to its file; when that queue is its own
 * (or part of a cycle of queues) and no process has a descriptor for any
 * of them, nothing can ever receive the message, and plain reference
 * counting would keep the sockets, their queues and their kernel pages
 * forever. See socket_impl.h. */
#include "socket_impl.h"

#include <stdlib.h>

static struct usock *all;        /* every socket of the run */
static long total_inflight;      /* sockets' references held by queued messages */

void usock_track(struct usock *s)
{
    s->gprev = NULL;
    s->gnext = all;
    if (all)
        all->gprev = s;
    all = s;
}

void usock_untrack(struct usock *s)
{
    if (s->gprev)
        s->gprev->gnext = s->gnext;
    else if (all == s)
        all = s->gnext;
    if (s->gnext)
        s->gnext->gprev = s->gprev;
    s->gnext = s->gprev = NULL;
}

void usock_inflight(struct file **fds, int nfds, int delta)
{
    for (int i = 0; i < nfds; i++) {
        struct usock *t = usock_of(fds[i]);
        if (t) {
            t->inflight += delta;
            total_inflight += delta;
        }
    }
}

/* Calls fn(t, arg) for every socket referenced by a message queued on s
 * (and on the embryos of a listening s: Linux counts them with it). */
static void each_child(struct usock *s, void (*fn)(struct usock *, void *), void *arg)
{
    for (int b = -1; b < s->nbacklog; b++) {
        struct usock *q = b < 0 ? s : s->backlog[b];
        for (struct umsg *m = q->head; m; m = m->next)
            for (int i = 0; i < m->nfds; i++) {
                struct usock *t = usock_of(m->fds[i]);
                if (t)
                    fn(t, arg);
            }
    }
}

static void dec_refs(struct usock *t, void *arg)
{
    if (t->gc_candidate)
        t->gc_refs--;
}

static void reach(struct usock *t, void *arg)
{
    if (t->gc_candidate && !t->gc_reached) {
        t->gc_reached = true;
        each_child(t, reach, arg);
    }
}

/* Moves the descriptions queued on s (and its embryos) into *out. */
static void steal(struct usock *s, struct file ***out, size_t *n, size_t *cap)
{
    for (int b = -1; b < s->nbacklog; b++) {
        struct usock *q = b < 0 ? s : s->backlog[b];
        for (struct umsg *m = q->head; m; m = m->next) {
            if (*n + (size_t)m->nfds > *cap) {
                size_t c = (*n + (size_t)m->nfds) * 2;
                struct file **o = realloc(*out, c * sizeof *o);
                if (!o)
                    return;   /* kept: a later run collects them */
                *out = o;
                *cap = c;
            }
            usock_inflight(m->fds, m->nfds, -1);
            for (int i = 0; i < m->nfds; i++)
                (*out)[(*n)++] = m->fds[i];
            free(m->fds);
            m->fds = NULL;
            m->nfds = 0;
        }
    }
}

void usock_gc(void)
{
    static bool running;
    if (running || total_inflight == 0)
        return;
    running = true;
    /* Candidates: open sockets whose every reference is a queued message. */
    for (struct usock *s = all; s; s = s->gnext) {
        s->gc_candidate = s->file && s->inflight > 0 && s->inflight == s->file->refcount;
        s->gc_refs = s->gc_candidate ? s->file->refcount : 0;
        s->gc_reached = false;
    }
    /* Take away the references that candidates' queues hold: what remains
     * is held by a queue outside the candidates, so reachable. */
    for (struct usock *s = all; s; s = s->gnext)
        if (s->gc_candidate)
            each_child(s, dec_refs, NULL);
    for (struct usock *s = all; s; s = s->gnext)
        if (s->gc_candidate && s->gc_refs > 0 && !s->gc_reached) {
            s->gc_reached = true;
            each_child(s, reach, NULL);
        }
    /* The rest is garbage: drop what their queues hold, which puts their
     * own files' last references and so closes them. */
    struct file **drop = NULL;
    size_t n = 0, cap = 0;
    for (struct usock *s = all; s; s = s->gnext)
        if (s->gc_candidate && !s->gc_reached)
            steal(s, &drop, &n, &cap);
    for (size_t i = 0; i < n; i++)
        file_put(drop[i]);
    free(drop);
    running = false;
}
