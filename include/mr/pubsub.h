/* Pub/Sub: the subscription registry shared by every worker, publishing,
 * and delivery of messages to subscribers on any worker.
 *
 * The registry is striped: a channel (or shard channel) lives in the
 * stripe its hash picks, each stripe with its own lock and table, each
 * channel listing its subscribers as (worker, connection slot, generation).
 * Patterns live in a separate, smaller set of stripes; a publisher looks at
 * them only when a pattern subscription exists (one relaxed atomic load
 * otherwise). A connection's own subscriptions (what UNSUBSCRIBE without
 * arguments undoes) are kept by its worker only.
 *
 * Messages reach a subscriber only through its own worker: a publisher
 * gathers what it found into one batch per target worker (src/pubsub/
 * deliver.c), posted with mr_task_post at the end of its loop turn (or
 * delivered in place when the target is its own worker). Tasks one thread
 * posts to one worker run in posting order, so each publisher's messages
 * arrive in publish order. */
#ifndef MR_PUBSUB_H
#define MR_PUBSUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

struct mr_conn;

/* Message kinds: which registry a name belongs to. */
typedef enum {
    MR_PS_CHANNEL = 0,
    MR_PS_PATTERN = 1,
    MR_PS_SHARD = 2,
} mr_ps_kind_t;

/* Once at start-up, before any worker runs; mr_pubsub_free at exit. */
void mr_pubsub_init(void);
void mr_pubsub_free(void);

/* Publishes msg on channel (MR_PS_CHANNEL: to its subscribers and to
 * pattern subscribers whose pattern matches; MR_PS_SHARD: to shard channel
 * subscribers only). Returns how many subscriptions received it, on every
 * worker, counted now. Any thread; the caller may hold shard locks (stripe
 * locks are always taken after them and never the other way round). */
long mr_pubsub_publish(mr_ps_kind_t kind, const char *ch, size_t chlen,
                       const char *msg, size_t mlen);

/* Distinct names of kind with a subscriber, every worker (INFO stats
 * pubsub_channels / pubsub_patterns / pubsubshard_channels, NUMPAT). */
long mr_pubsub_names(mr_ps_kind_t kind);

/* Posts (or delivers, for this worker's own clients) everything this
 * thread has published since the last call. A worker calls it once per loop
 * turn, before and after draining its inbox. */
void mr_pubsub_flush(void);
/* True when mr_pubsub_flush has something to do (thread-local check). */
bool mr_pubsub_pending(void);
/* Frees this thread's batches (worker exit). */
void mr_pubsub_thread_exit(void);

/* ---- per connection (its own worker only) ---- */
/* Drops every subscription of c without replying (RESET, disconnect). */
void mr_pubsub_conn_reset(struct mr_conn *c);

#endif
