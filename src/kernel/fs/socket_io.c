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
        if (!usock_room(to, len)) {
            size_t room = (size_t)to->rcvbuf > to->queued ? (size_t)to->rcvbuf - to->queued : 0;
            /* A stream takes what fits; a record waits for room for all of it. */
            if (s->type != LX_SOCK_STREAM || tx->nfds || room == 0)
                return must_wait(tx->flags);
            len = room;
        }
    }
    struct umsg *m = calloc(1, sizeof *m);
    uint8_t *data = malloc(len ? len : 1);
    if (!m || !data) {
        free(m);
        free(data);
        return -ENOMEM;
    }
    memcpy(data, tx->data, len);
    m->data = data;
    m->len = len;
    m->fds = tx->fds;   /* taken over */
    m->nfds = tx->nfds;
    tx->fds = NULL;
    tx->nfds = 0;
    m->cred = tx->cred;
    m->from = s->addr;
    m->fromlen = s->addrlen;
    usock_enqueue(to, m);
    return (int64_t)len;
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
            rx->fds = m->fds;
            m->fds = NULL;
        }
        rx->nfds = m->nfds;
        if (!peek)
            m->nfds = 0;
    }
}

static void dequeue_head(struct usock *s)
{
    struct umsg *m = s->head;
    s->head = m->next;
    if (!s->head)
        s->tail = NULL;
    s->queued -= m->len - m->off;
    s->nqueued--;
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
        memcpy(buf, m->data, n);
        if (m->len > len)
            rx->msg_flags |= LX_MSG_TRUNC;
        take_extras(m, rx, peek);
        int64_t full = (int64_t)m->len;
        if (!peek)
            dequeue_head(s);
        return (flags & LX_MSG_TRUNC) ? full : (int64_t)n;
    }
    /* MSG_WAITALL: wait until all of it is there, or the stream ends. */
    if ((flags & LX_MSG_WAITALL) && !(flags & (LX_MSG_DONTWAIT | LX_MSG_PEEK)) &&
        s->queued < len && s->queued < (size_t)s->rcvbuf && !s->shut_rd && !s->peer_closed &&
        s->peer && !s->peer->shut_wr) {
        bool fds = false;
        for (struct umsg *q = s->head; q; q = q->next)
            fds |= q->nfds > 0;
        if (!fds)
            return -LX_ERESTART_BLOCK;
    }
    size_t done = 0;
    struct umsg *m = s->head;
    size_t off = m->off;
    while (m && done < len) {
        /* Descriptors come with the bytes they were sent with: no read
         * joins a message carrying them to earlier bytes. */
        if (done && (m->nfds || rx->nfds))
            break;
        size_t n = len - done < m->len - off ? len - done : m->len - off;
        memcpy((uint8_t *)buf + done, m->data + off, n);
        take_extras(m, rx, peek);
        done += n;
        if (peek) {
            off += n;
            if (off == m->len) {
                m = m->next;
                off = m ? m->off : 0;
            }
            continue;
        }
        m->off += n;
        s->queued -= n;
        if (m->off == m->len) {
            s->head = m->next;
            if (!s->head)
                s->tail = NULL;
            s->nqueued--;
            umsg_free(m);
            m = s->head;
            off = m ? m->off : 0;
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
