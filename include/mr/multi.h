/* Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (src/cmd/multi.c) and
 * the per-shard registry of watched keys (src/cmd/watch.c).
 *
 * A client in MULTI has its commands queued by dispatch (+QUEUED). EXEC
 * locks the shards of every key of every queued command (and of the
 * watched keys) in ascending order, runs the commands one after the other
 * under those locks, logs them to the AOF as one MULTI ... EXEC record
 * reserved before the unlock, then unlocks: no client on any worker sees
 * part of a transaction. A transaction with a command that walks the whole
 * keyspace (FLUSHALL, KEYS, SCAN, DBSIZE, INFO, ...: flagged MR_CMD_NOLOCK
 * or keyless outside the connection group) takes every shard lock instead
 * (mr_store_lock_all).
 *
 * WATCH registers the client on its keys in the key's shard's registry,
 * under that shard's lock. A writer that changed a key (dispatch after a
 * write command, the keyspace when a key expires or a database is
 * flushed), holding the key's shard lock, sets the "dirty" flag of every
 * client watching it: an atomic store into the watcher's transaction
 * state, which only its owner frees, after taking its nodes out of the
 * registry under the same locks. A shard nobody watches costs a writer one
 * load and branch. */
#ifndef MR_MULTI_H
#define MR_MULTI_H

#include <stdbool.h>
#include <stdint.h>

#include "mr/cmd.h"

struct mr_conn;
typedef struct mr_multi mr_multi_t;
typedef struct mr_wkey mr_wkey_t;

/* ---- set-up (main thread, before the workers) ---- */
void mr_multi_init(unsigned nshards);
void mr_multi_free(void);

/* ---- dispatch ---- */
/* Whether the client is between MULTI and EXEC/DISCARD. */
bool mr_multi_active(struct mr_conn *c);
/* For a client in MULTI, instead of dispatch's own resolution: returns the
 * row to run now (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET), or NULL when
 * the command was queued (+QUEUED) or refused (unknown, wrong arity,
 * no-multi: the error is replied and EXEC will answer EXECABORT; EXEC with
 * arguments aborts at once). *rejected as dispatch's resolve. */
const mr_cmd_t *mr_multi_filter(mr_call_t *call, const mr_cmd_t **rejected);
/* Whether cmd is EXEC of a transaction that queued a command with any of
 * `flags` (MR_CMD_*): CLIENT PAUSE WRITE holds an EXEC of writes, and
 * maxmemory refuses one of DENYOOM commands, as Redis does. */
bool mr_multi_exec_queued(struct mr_conn *c, const mr_cmd_t *cmd,
                          uint32_t flags);
/* EXEC refused before it ran: replies "EXECABORT Transaction discarded
 * because of: <why>" and discards the transaction (Redis's
 * execCommandAbort). Own worker, no shard lock held. */
void mr_multi_exec_abort(mr_call_t *call, const char *why);
/* The connection closes, or RESET: the transaction is discarded and every
 * key unwatched. Own worker, no shard lock held. */
void mr_multi_conn_reset(struct mr_conn *c);

/* ---- writers (hold the key's shard lock) ---- */
/* One pointer per shard: the keys someone watches there (NULL: none). */
extern mr_wkey_t **mr_watch_heads;
static inline bool mr_watch_any_locked(const uint32_t *ids, int n) {
    if (!mr_watch_heads) return false; /* unit tests without a registry */
    for (int i = 0; i < n; i++)
        if (__builtin_expect(mr_watch_heads[ids[i]] != NULL, 0)) return true;
    return false;
}
/* key of db changed: every client watching it fails its next EXEC. */
void mr_watch_touch_locked(int db, const void *key, size_t klen);
/* call (a write that changed data, call->dirty > 0) ran with the locks of
 * its keys' shards: touches the keys it writes (the key specs that are not
 * read-only). */
void mr_watch_touch_call_locked(const mr_call_t *call);

#endif
