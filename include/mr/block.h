/* Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN, ...): a client waits
 * on keys until one of them gets data of the type it waits for, or its
 * timeout passes.
 *
 * How a wait ends, whichever worker the pushing client is on:
 *  - The blocking handler, holding the shard locks of all its keys, finds
 *    them empty and registers a waiter on each key (per shard, under that
 *    shard's lock, in arrival order: clients are served first come first
 *    served, as in Redis). Its connection reads no further requests.
 *  - A command that adds a key clients wait on (the keyspace calls
 *    mr_block_key_added_locked) marks it ready for the thread running it.
 *    Before that command's locks are released, dispatch calls
 *    mr_block_serve_ready_locked(): the first waiter is claimed (an atomic
 *    state change, so a timeout racing with it loses cleanly), its command
 *    is run against the key by the pushing thread, and the reply bytes
 *    travel to the waiter's worker as a task (mr/task.h). So, as in Redis,
 *    no other command sees the pushed data before the waiters are served.
 *    Only the waiter's worker touches its connection: it appends the reply
 *    and resumes reading.
 *  - One case is served after the unlock, by mr_block_serve_ready(): a
 *    BLMOVE whose destination lies in a shard below the ones held (taking
 *    it would break the ascending lock order). There another client may
 *    pop the element first; the waiter then stays blocked.
 *  - Timeouts and disconnects are handled by the waiter's own worker. */
#ifndef MR_BLOCK_H
#define MR_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "mr/cmd.h"
#include "mr/store.h"

typedef struct mr_waiter mr_waiter_t;

/* Runs the blocked command against `key`, which exists and holds the
 * waited type: the shard locks of key and of the spec's target key are
 * held. call is synthetic: argv/argc/db are the blocked command's, conn and
 * prop are NULL, reply goes to the blocked client (in its protocol
 * version). Writes exactly one reply, and logs what it changed with
 * mr_aof_log_locked(), keeping the position it returns in call->aof_end
 * (the reply then waits for it under appendfsync always). */
typedef void (*mr_block_serve_fn)(mr_call_t *call, mr_str_t key);

typedef struct mr_block_spec {
    mr_type_t type;        /* the key type that wakes the waiter */
    const int *key_idx;    /* argv indexes of the keys waited on */
    int nkeys;
    int target_idx;        /* argv index of a key the serve also writes
                            * (BLMOVE's destination), or -1 */
    int64_t deadline_ms;   /* absolute; 0 waits forever */
    mr_block_serve_fn serve;
} mr_block_spec_t;

/* ---- for blocking handlers ---- */
/* Whether the call may block: not without a client (AOF replay). When it
 * may not, the handler answers as if the timeout had passed. */
bool mr_block_allowed(const mr_call_t *call);
/* Logs to the AOF the non-blocking command that did what a blocking one
 * did (a BLPOP is logged as the LPOP that happened, as Redis propagates
 * it): through the handler's record when dispatch set one up (call->prop),
 * directly (mr_aof_log_locked) from a serve function. */
void mr_block_log_as(mr_call_t *call, int argc, const mr_str_t *argv);
/* Blocks call's client on the spec's keys; the handler writes no reply.
 * A timeout answers a null array (RESP3: null), for every blocking command
 * as in Redis 7.0.
 * Call under the locks of every key in the spec. */
void mr_block_client(mr_call_t *call, const mr_block_spec_t *spec);
/* The timeout argument in seconds (Redis accepts decimals): *deadline_ms
 * becomes an absolute time, or 0 for no timeout. Replies Redis's error and
 * returns false when it is not a number, negative or out of range. */
bool mr_block_parse_timeout(mr_call_t *call, int i, int64_t *deadline_ms);

/* ---- for the keyspace and dispatch ---- */
/* Set up / tear down the per-shard registries (main thread). */
void mr_block_init(unsigned nshards);
void mr_block_free(void);
/* The keyspace calls this when a key is added to db under `shard`'s lock;
 * if clients wait on it, it is queued for this thread's next
 * mr_block_serve_ready(). */
void mr_block_key_added_locked(uint32_t shard, int db, const void *key,
                               size_t klen);
/* Whether this thread has keys to serve (one thread-local load). */
bool mr_block_has_ready(void);
/* Serves the waiters of this thread's ready keys that need no shard beyond
 * `held` (ascending; the locks of the command that made them ready). */
void mr_block_serve_ready_locked(const uint32_t *held, int nheld,
                                 int64_t now_ms);
/* Serves whatever is still ready, taking locks itself: call with none
 * held. */
void mr_block_serve_ready(int64_t now_ms);

/* ---- for the waiter's own worker (src/net/) ---- */
/* The connection is closing: its wait ends without a reply. */
void mr_block_cancel(mr_waiter_t *w);
/* Ends the waits of this thread's clients whose deadline is <= now_ms with
 * the timeout reply. */
void mr_block_expire(int64_t now_ms);
/* This thread's earliest deadline, or 0 if none. */
int64_t mr_block_next_deadline(void);
/* The worker thread is stopping: frees its timeout heap (every waiter was
 * cancelled with its connection). */
void mr_block_thread_exit(void);

#endif
