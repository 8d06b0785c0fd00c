/* Unix sockets: sending and receiving messages (the queues of socket.c).
 * See socket.h. */
#include "socket_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int64_t must_wait(int flags) { return (flags & LX_MSG_DONTWAIT) ? -EAGAIN : -LX_ERESTART_BLOCK; }

int64_t usock_send(struct usock *s, struct usock_tx *tx)
{
    if (s->shut_wr)
        return -EPIPE;
    struct usock *to;
    size_t len = tx->len;
    if (s->type == LX_SOCK_DGRAM) {
        to = tx->to ? tx->to : s->peer ? s->peer : s->dest;
        if (!to)
            return s->peer_closed ? -ECONNREFUSED : -ENOTCONN;
        if (to->closed)
            return -ECONNREFUSED;
        if (len > (size_t)s->sndbuf - 32)
            return -EMSGSIZE;
        if (!usock_room(to, len))
            return must_wait(tx->flags);
    } else {
        if (s->state == US_LISTENING || (s->state != US_CONNECTED && !s->peer_closed))
            return -ENOTCONN;
        to = s->peer;
        if (!to || to->shut_rd)
            return -EPIPE;
        if (s->type == LX_SOCK_SEQPACKET && len > (size_t)s->sndbuf - 32)
            return -EMSGSIZE;
        if (s->type == LX_SOCK_STREAM) {
            /* A stream takes what fits in the send buffer (a blocking
             * write(2) waits for the reader for the rest: sys_file.c);
             * descriptors go with the first part, into an empty queue. */
            size_t room = usock_stream_room(s, to);
            if (len > room) {
                if (room == 0 || (tx->nfds && to->nqueued))
                    return must_wait(tx->flags);
                len = room;
            }
        } else if (!usock_room(to, len)) {
            return must_wait(tx->flags);   /* a record waits for room for all of it */
        }
    }
    size_t hdr = sizeof(struct umsg) + (size_t)tx->nfds * sizeof *tx->fds;
    struct umsg *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    /* The bytes go to the receiver's queue, kernel pages of simulated RAM,
     * and the header is charged there too. */
    size_t before = to->buf.len, hbefore = to->hdrs.len;
    size_t got = kbuf_fifo_push(&to->buf, tx->data, len);
    bool hok = kbuf_fifo_push(&to->hdrs, NULL, hdr) == hdr;
    if (!hok || (got < len && (got == 0 || s->type != LX_SOCK_STREAM))) {
        kbuf_fifo_trim(&to->buf, before);
        kbuf_fifo_trim(&to->hdrs, hbefore);
        free(m);
        return -ENOBUFS;   /* Linux: no memory for the skb */
    }
    m->hdr = hdr;
    m->len = got;   /* a stream may take what the RAM had room for */
    m->fds = tx->fds;   /* taken over */
    m->nfds = tx->nfds;
    tx->fds = NULL;
    tx->nfds = 0;
    m->cred = tx->cred;
    m->from = s->addr;
    m->fromlen = s->addrlen;
    usock_enqueue(to, m);
    return (int64_t)got;
}

/* Takes (or, peeking, shares) m's descriptions and sender into rx. */
static void take_extras(struct umsg *m, struct usock_rx *rx, bool peek)
{
    if (!rx->has_cred) {
        rx->has_cred = true;
        rx->cred = m->cred;
        rx->from = m->from;
        rx->fromlen = m->fromlen;
    }
    if (m->nfds && !rx->nfds) {
        if (peek) {
            rx->fds = calloc((size_t)m->nfds, sizeof *rx->fds);
            if (!rx->fds)
                return;
            for (int i = 0; i < m->nfds; i++)
                rx->fds[i] = file_get(m->fds[i]);
        } else {
            usock_inflight(m->fds, m->nfds, -1);
            rx->fds = m->fds;
            m->fds = NULL;
        }
        rx->nfds = m->nfds;
        if (!peek)
            m->nfds = 0;
    }
}

void usock_dequeue_head(struct usock *s)
{
    struct umsg *m = s->head;
    s->head = m->next;
    if (!s->head)
        s->tail = NULL;
    s->queued -= m->len - m->off;
    s->nqueued--;
    kbuf_fifo_pop(&s->buf, m->len - m->off);
    kbuf_fifo_pop(&s->hdrs, m->hdr);
    umsg_free(m);
}

int64_t usock_recv(struct usock *s, void *buf, size_t len, int flags, struct usock_rx *rx)
{
    bool peek = flags & LX_MSG_PEEK;
    if (s->state == US_LISTENING)
        return -EINVAL;
    if (!s->head) {
        if (s->shut_rd)
            return 0;
        if (s->type != LX_SOCK_DGRAM) {
            if (s->state != US_CONNECTED && !s->peer_closed)
                return s->type == LX_SOCK_STREAM ? -EINVAL : -ENOTCONN;
            if (s->peer_closed || (s->peer && s->peer->shut_wr))
                return 0;
        }
        return must_wait(flags);
    }
    if (s->type != LX_SOCK_STREAM) {   /* one record */
        struct umsg *m = s->head;
        size_t n = len < m->len ? len : m->len;
        kbuf_fifo_peek(&s->buf, 0, buf, n);
        if (m->len > len)
            rx->msg_flags |= LX_MSG_TRUNC;
        take_extras(m, rx, peek);
        int64_t full = (int64_t)m->len;
        if (!peek)
            usock_dequeue_head(s);
        return (flags & LX_MSG_TRUNC) ? full : (int64_t)n;
    }
    /* MSG_WAITALL: wait until all of it is there, or the stream ends. */
    if ((flags & LX_MSG_WAITALL) && !(flags & (LX_MSG_DONTWAIT | LX_MSG_PEEK)) &&
        s->queued < len && usock_room(s, 1) && !s->shut_rd && !s->peer_closed &&
        s->peer && !s->peer->shut_wr) {
        bool fds = false;
        for (struct umsg *q = s->head; q; q = q->next)
            fds |= q->nfds > 0;
        if (!fds)
            return -LX_ERESTART_BLOCK;
    }
    size_t done = 0, at = 0;   /* at: where m's next byte is in the queue (peeking) */
    struct umsg *m = s->head;
    size_t off = m->off;
    while (m && done < len) {
        /* Descriptors come with the bytes they were sent with: no read
         * joins a message carrying them to earlier bytes. */
        if (done && (m->nfds || rx->nfds))
            break;
        size_t n = len - done < m->len - off ? len - done : m->len - off;
        kbuf_fifo_peek(&s->buf, at, (uint8_t *)buf + done, n);
        take_extras(m, rx, peek);
        done += n;
        if (peek) {
            at += n;
            off += n;
            if (off == m->len) {
                m = m->next;
                off = m ? m->off : 0;
            }
            continue;
        }
        if (m->off + n == m->len) {   /* all of it read: it goes */
            usock_dequeue_head(s);
            m = s->head;
            off = m ? m->off : 0;
        } else {
            m->off += n;
            s->queued -= n;
            kbuf_fifo_pop(&s->buf, n);
            off = m->off;
        }
    }
    return (int64_t)done;
}

void usock_rx_done(struct usock_rx *rx)
{
    for (int i = 0; i < rx->nfds; i++)
        if (rx->fds[i])
            file_put(rx->fds[i]);
    free(rx->fds);
    rx->fds = NULL;
    rx->nfds = 0;
}
