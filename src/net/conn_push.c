/* A connection's side of pub/sub: its subscription state and counts, the
 * entry point through which its worker appends published messages, and the
 * output buffer limits (client-output-buffer-limit) that cut off a client
 * which stops reading. */
#include <string.h>

#include "mr/config.h"
#include "net/net.h"

struct mr_psub **mr_conn_psub(mr_conn_t *c) { return &c->psub; }

void mr_conn_set_pubsub(mr_conn_t *c, long nsub, long npsub, long nssub) {
    atomic_store_explicit(&c->nsub, (int32_t)nsub, memory_order_relaxed);
    atomic_store_explicit(&c->npsub, (int32_t)npsub, memory_order_relaxed);
    atomic_store_explicit(&c->nssub, (int32_t)nssub, memory_order_relaxed);
    c->pubsub_mode = nsub + npsub + nssub > 0;
}

bool mr_conn_pubsub_mode(const mr_conn_t *c) { return c->pubsub_mode; }

void mr_conn_ref(const mr_conn_t *c, unsigned *worker, uint32_t *slot,
                 uint32_t *gen) {
    *worker = c->w->id;
    *slot = c->slot;
    *gen = c->gen;
}

mr_conn_t *mr_conn_by_ref(uint32_t slot, uint32_t gen) {
    mr_worker_t *w = mr_self_worker;
    if (!w || slot >= w->nslots || w->slot_gen[slot] != gen) return NULL;
    mr_conn_t *c = w->slots[slot];
    /* a message that crossed an UNSUBSCRIBE of everything is dropped: a
     * RESP2 client back in normal mode would take it for a reply */
    if (!c || c->closing || !c->pubsub_mode) return NULL;
    return c;
}

/* Bytes waiting to be sent: what the kernel has not taken yet of the
 * buffer being sent, plus everything appended since. */
static size_t pending_output(const mr_conn_t *c) {
    return c->out.len + (c->sending.len - c->sent);
}

/* Redis's client classes for the limits: a subscribed client is "pubsub",
 * every other client "normal" (there are no replicas). */
static int obuf_class(const mr_conn_t *c) {
    return c->pubsub_mode ? MR_OBUF_PUBSUB : MR_OBUF_NORMAL;
}

/* True when c went past its limits (now or over time): Redis's
 * checkClientOutputBufferLimits. */
static bool over_limit(mr_conn_t *c, size_t pending) {
    int k = obuf_class(c);
    long long hard = MR_CFG(obuf_limit[k][MR_OBUF_HARD]);
    long long soft = MR_CFG(obuf_limit[k][MR_OBUF_SOFT]);
    if (hard > 0 && pending >= (unsigned long long)hard) return true;
    if (soft <= 0 || pending < (unsigned long long)soft) {
        c->obuf_soft_since = 0;
        return false;
    }
    int64_t now = mr_mstime();
    if (c->obuf_soft_since == 0) {
        c->obuf_soft_since = now;
        return false;
    }
    /* whole seconds, as Redis counts them */
    return (now - c->obuf_soft_since) / 1000 >
           MR_CFG(obuf_limit[k][MR_OBUF_SECS]);
}

static void close_over_limit(mr_conn_t *c) {
    mr_log(MR_LOG_WARNING,
           "Client id=%llu addr=%s scheduled to be closed ASAP for "
           "overcoming of output buffer limits.",
           (unsigned long long)c->id, c->addr);
    /* what is queued is dropped with the connection: memory is given back
     * now, not when a reader that may never come drains it */
    mr_buf_free(&c->out);
    mr_conn_close(c);
    mr_worker_queue_flush(c->w, c); /* reaped at the end of the turn */
}

void mr_conn_check_output_limit(mr_conn_t *c) {
    if (!c->closing && over_limit(c, pending_output(c))) close_over_limit(c);
}

void mr_conn_send_unsolicited(mr_conn_t *c, const char *bytes, size_t len,
                               bool push) {
    if (c->closing) return;
    size_t at = c->out.len;
    mr_buf_append(&c->out, bytes, len);
    if (push && c->reply.resp == 3) c->out.data[at] = '>';
    if (over_limit(c, pending_output(c))) {
        close_over_limit(c);
        return;
    }
    mr_worker_queue_flush(c->w, c);
}

void mr_conn_push(mr_conn_t *c, const char *frame, size_t len) {
    mr_conn_send_unsolicited(c, frame, len, true);
}
