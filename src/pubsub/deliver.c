/* Delivery: what a publisher found for each subscriber is gathered in one
 * batch per target worker (thread-local), as the bytes of each message
 * frame plus (connection, frame) entries. At the end of the publisher's
 * loop turn (mr_pubsub_flush) a batch for another worker becomes one task
 * posted to it, which appends the frames to its connections; a batch for
 * the publisher's own worker is delivered in place. One task per target
 * per turn however many messages it carries, and posts from one thread to
 * one worker run in order: each publisher's messages arrive in publish
 * order. */
#include <stdatomic.h>
#include <string.h>

#include "mr/conn.h"
#include "mr/reply.h"
#include "mr/server.h"
#include "mr/task.h"
#include "pubsub/pubsub_int.h"

/* A batch for another worker is posted early once it holds this much, so
 * a long pipeline of large messages does not pile up on the publisher. */
#define POST_EARLY_BYTES (256 * 1024)

typedef struct dent {
    uint32_t slot, gen;
    size_t off, len; /* the frame in the batch's bytes */
} dent_t;

typedef struct batch {
    mr_buf_t bytes;
    dent_t *ents;
    uint32_t n, cap;
    /* the last frame written, shared by its subscribers on this worker */
    uint64_t frame_seq;
    size_t frame_off, frame_len;
} batch_t;

typedef struct ptask {
    mr_task_t task;
    char *bytes;
    dent_t *ents;
    uint32_t n;
} ptask_t;

static _Thread_local batch_t *batches;
static _Thread_local unsigned nbatches;
static _Thread_local uint64_t seq_counter;
static _Thread_local bool pending;

uint64_t deliver_seq(void) { return ++seq_counter; }

bool mr_pubsub_pending(void) { return pending; }

/* The frame as a RESP2 array; mr_conn_push turns '*' into '>' for RESP3. */
static void write_frame(mr_buf_t *b, const frame_t *f) {
    mr_reply_t r = {.out = b, .resp = 2};
    mr_reply_array(&r, f->pat.ptr ? 4 : 3);
    mr_reply_bulk_cstr(&r, f->type);
    if (f->pat.ptr) mr_reply_bulk(&r, f->pat.ptr, f->pat.len);
    mr_reply_bulk(&r, f->ch.ptr, f->ch.len);
    mr_reply_bulk(&r, f->msg.ptr, f->msg.len);
}

static void run_task(mr_task_t *t) {
    ptask_t *p = (ptask_t *)t;
    for (uint32_t i = 0; i < p->n; i++) {
        mr_conn_t *c = mr_conn_by_ref(p->ents[i].slot, p->ents[i].gen);
        if (c) mr_conn_push(c, p->bytes + p->ents[i].off, p->ents[i].len);
    }
    mr_free(p->bytes);
    mr_free(p->ents);
    mr_free(p);
}

static void discard_task(mr_task_t *t) {
    ptask_t *p = (ptask_t *)t;
    mr_free(p->bytes);
    mr_free(p->ents);
    mr_free(p);
}

static void batch_reset(batch_t *b) {
    b->n = 0;
    b->bytes.len = 0;
    b->frame_seq = 0;
}

/* Hands batch `w` to worker w as one task; the batch starts over empty. */
static void post_batch(unsigned w) {
    batch_t *b = &batches[w];
    ptask_t *p = mr_xmalloc(sizeof *p);
    p->task.fn = run_task;
    p->task.discard = discard_task;
    p->bytes = b->bytes.data;
    p->ents = b->ents;
    p->n = b->n;
    b->bytes = (mr_buf_t){0};
    b->ents = NULL;
    b->cap = 0;
    batch_reset(b);
    mr_task_post(w, &p->task);
}

/* Own worker: the connections are ours, append now. */
static void deliver_here(batch_t *b) {
    for (uint32_t i = 0; i < b->n; i++) {
        mr_conn_t *c = mr_conn_by_ref(b->ents[i].slot, b->ents[i].gen);
        if (c) mr_conn_push(c, b->bytes.data + b->ents[i].off, b->ents[i].len);
    }
    batch_reset(b);
    if (b->bytes.cap > POST_EARLY_BYTES) mr_buf_free(&b->bytes);
}

void deliver_add(const subref_t *s, const frame_t *f) {
    if (!batches) {
        nbatches = mr_server.workers;
        batches = mr_xcalloc(nbatches, sizeof *batches);
    }
    if (s->worker >= nbatches) return;
    batch_t *b = &batches[s->worker];
    if (b->frame_seq != f->seq) {
        b->frame_seq = f->seq;
        b->frame_off = b->bytes.len;
        write_frame(&b->bytes, f);
        b->frame_len = b->bytes.len - b->frame_off;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->ents = mr_xrealloc(b->ents, sizeof *b->ents * b->cap);
    }
    b->ents[b->n++] = (dent_t){s->slot, s->gen, b->frame_off, b->frame_len};
    pending = true;
    /* never in place here: the publisher may hold stripe and shard locks */
    if (b->bytes.len >= POST_EARLY_BYTES &&
        (int)s->worker != mr_worker_self())
        post_batch(s->worker);
}

void mr_pubsub_flush(void) {
    if (!pending) return;
    pending = false;
    int self = mr_worker_self();
    for (unsigned w = 0; w < nbatches; w++) {
        if (!batches[w].n) continue;
        if ((int)w == self)
            deliver_here(&batches[w]);
        else
            post_batch(w);
    }
}

void mr_pubsub_thread_exit(void) {
    for (unsigned w = 0; w < nbatches; w++) {
        mr_buf_free(&batches[w].bytes);
        mr_free(batches[w].ents);
    }
    mr_free(batches);
    batches = NULL;
    nbatches = 0;
    pending = false;
}
