/* MULTI, EXEC, DISCARD, WATCH, UNWATCH: queueing a client's commands and
 * running them as one atomic unit. See include/mr/multi.h; the registry of
 * watched keys is src/cmd/watch.c.
 *
 * EXEC's locking. Every key of every queued command (first/last/step or
 * getkeys, as dispatch finds them) and every watched key is mapped to its
 * shard; the shards are sorted and locked in ascending order (the deadlock
 * rule every command follows) and held until the transaction's AOF record
 * is reserved, so other workers see all of it or none. Dispatch's locks
 * kept across a pipeline (HOLD_LIMIT) are already released: EXEC has no
 * keys of its own, so dispatch lets them go before running it, and EXEC
 * keeps none afterwards. Commands that walk the keyspace shard by shard
 * (MR_CMD_NOLOCK: FLUSHALL, KEYS, SCAN, DBSIZE, RANDOMKEY) and keyless
 * commands outside the connection and transactions groups (INFO,
 * BGREWRITEAOF, CONFIG, ...: they may read every shard) cannot run under
 * a partial set of locks without breaking the lock order, so a
 * transaction holding one takes every shard lock (mr_store_lock_all) for
 * the whole EXEC: it stays atomic, at the price of stopping every other
 * writer meanwhile, as Redis does for any transaction. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "cmd/multi_int.h"
#include "mr/aof.h"
#include "mr/block.h"
#include "mr/conn.h"
#include "mr/ops.h"
#include "mr/store.h"

static mr_multi_t *state_of(mr_conn_t *c) { return *mr_conn_multi(c); }

static mr_multi_t *state_get(mr_conn_t *c) {
    mr_multi_t **slot = mr_conn_multi(c);
    if (!*slot) {
        *slot = mr_xcalloc(1, sizeof **slot);
        atomic_init(&(*slot)->dirty, false);
        (*slot)->conn = c;
    }
    return *slot;
}

/* Ends the transaction: drops what was queued. Watches stay. */
static void queue_clear(mr_multi_t *m) {
    for (int i = 0; i < m->nq; i++) mr_free(m->q[i].argv);
    m->nq = 0;
    if (m->qcap > 64) {
        mr_free(m->q);
        m->q = NULL;
        m->qcap = 0;
    }
    m->active = false;
    m->aborted = false;
    mr_conn_set_multi_len(m->conn, -1);
}

/* Redis's discardTransaction: the queue goes, and so do the watches.
 * Takes the watched keys' shard locks: call with none held. */
static void discard(mr_multi_t *m) {
    queue_clear(m);
    /* locks kept from the pipeline's previous command (a refused WATCH
     * inside MULTI keeps its key's) go before unwatching takes others */
    mr_dispatch_release();
    mr_watch_remove_all(m);
}

void mr_multi_conn_reset(mr_conn_t *c) {
    mr_multi_t **slot = mr_conn_multi(c);
    mr_multi_t *m = *slot;
    if (!m) return;
    discard(m);
    mr_free(m->q);
    mr_free(m->w);
    mr_free(m);
    *slot = NULL;
}

bool mr_multi_active(mr_conn_t *c) {
    mr_multi_t *m = state_of(c);
    return m && m->active;
}

bool mr_multi_exec_queued(mr_conn_t *c, const mr_cmd_t *cmd, uint32_t flags) {
    mr_multi_t *m = state_of(c);
    if (cmd->fn != cmd_exec || !m || !m->active || m->aborted) return false;
    for (int i = 0; i < m->nq; i++)
        if (m->q[i].cmd->flags & flags) return true;
    return false;
}

void mr_multi_exec_abort(mr_call_t *call, const char *why) {
    mr_reply_errf(call->reply, "EXECABORT Transaction discarded because of: %s",
                  why);
    discard(state_of(call->conn));
}

/* One allocation holds the argv array and the bytes it points at. */
static void queue_push(mr_multi_t *m, const mr_call_t *call) {
    size_t bytes = sizeof(mr_str_t) * (size_t)call->argc;
    for (int i = 0; i < call->argc; i++) bytes += call->argv[i].len;
    mr_str_t *v = mr_xmalloc(bytes);
    char *p = (char *)(v + call->argc);
    for (int i = 0; i < call->argc; i++) {
        memcpy(p, call->argv[i].ptr, call->argv[i].len);
        v[i] = (mr_str_t){p, call->argv[i].len};
        p += call->argv[i].len;
    }
    if (m->nq == m->qcap) {
        m->qcap = m->qcap ? m->qcap * 2 : 8;
        m->q = mr_xrealloc(m->q, sizeof *m->q * (size_t)m->qcap);
    }
    m->q[m->nq++] = (queued_t){v, call->argc, call->cmd};
}

/* The commands a client in MULTI runs at once instead of queueing
 * (Redis's processCommand list). */
static bool runs_now(const mr_cmd_t *cmd) {
    return cmd->fn == cmd_exec || cmd->fn == cmd_discard ||
           cmd->fn == cmd_multi || cmd->fn == cmd_watch ||
           cmd->fn == cmd_quit || cmd->fn == cmd_reset;
}

const mr_cmd_t *mr_multi_filter(mr_call_t *call, const mr_cmd_t **rejected) {
    mr_multi_t *m = state_of(call->conn);
    *rejected = NULL;
    if (call->argc != 1 && mr_str_eq_ci(call->argv[0], "exec")) {
        /* Redis aborts at once, naming the reason */
        *rejected = mr_cmd_lookup("exec", 4);
        mr_reply_err(call->reply,
                     "EXECABORT Transaction discarded because of: wrong "
                     "number of arguments for 'exec' command");
        discard(m);
        return NULL;
    }
    const mr_cmd_t *cmd = mr_dispatch_resolve(call, rejected);
    if (!cmd) {
        m->aborted = true;
        return NULL;
    }
    if (runs_now(cmd)) return cmd;
    if (cmd->flags & MR_CMD_NO_MULTI) {
        mr_reply_err(call->reply, "ERR Command not allowed inside a transaction");
        *rejected = cmd;
        m->aborted = true;
        return NULL;
    }
    /* Redis holds a write under CLIENT PAUSE WRITE before queueing it */
    if (__builtin_expect(mr_ops_load() & MR_OPS_PAUSE, 0) &&
        mr_ops_before(call, cmd, MR_OPS_PAUSE))
        return NULL; /* call->held: it is queued once the pause ends */
    if (mr_dispatch_oom_refused(call, cmd)) { /* EXEC will abort, as Redis */
        *rejected = cmd;
        m->aborted = true;
        return NULL;
    }
    queue_push(m, call);
    mr_conn_set_multi_len(call->conn, m->nq);
    call->queued = true;
    mr_reply_simple(call->reply, "QUEUED");
    return NULL;
}

/* ---- handlers ---- */

void cmd_multi(mr_call_t *call) {
    if (!call->conn) { /* replay runs a block's commands itself */
        mr_reply_ok(call->reply);
        return;
    }
    mr_multi_t *m = state_get(call->conn);
    if (m->active) {
        /* Redis neither queues it nor aborts the transaction */
        mr_reply_err(call->reply, "ERR MULTI calls can not be nested");
        return;
    }
    m->active = true;
    m->aborted = false;
    mr_conn_set_multi_len(call->conn, 0);
    mr_reply_ok(call->reply);
}

void cmd_discard(mr_call_t *call) {
    mr_multi_t *m = call->conn ? state_of(call->conn) : NULL;
    if (!m || !m->active) {
        mr_reply_err(call->reply, "ERR DISCARD without MULTI");
        return;
    }
    discard(m);
    mr_reply_ok(call->reply);
}

/* Dispatch holds the shard locks of every key. A key already expired is
 * deleted now, so its later removal is no change (Redis: a key expired at
 * WATCH time does not fail EXEC by being deleted, only by being set). */
void cmd_watch(mr_call_t *call) {
    if (!call->conn) {
        mr_reply_ok(call->reply);
        return;
    }
    mr_multi_t *m = state_get(call->conn);
    if (m->active) {
        /* Redis refuses it without aborting the transaction */
        mr_reply_err(call->reply, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    for (int i = 1; i < call->argc; i++) {
        mr_str_t k = call->argv[i];
        (void)mr_db_lookup_write_locked(call->db, k.ptr, k.len, call->now_ms);
        mr_watch_add_locked(m, call->db, k.ptr, k.len,
                            mr_store_shard_of(k.ptr, k.len));
    }
    mr_reply_ok(call->reply);
}

/* Inside EXEC the watches are already gone (EXEC removes them before it
 * runs the commands), so this never locks under EXEC's locks. */
void cmd_unwatch(mr_call_t *call) {
    mr_multi_t *m = call->conn ? state_of(call->conn) : NULL;
    if (m && m->nw) mr_watch_remove_all(m);
    mr_reply_ok(call->reply);
}

/* Whether cmd may take shard locks of its own while it runs (see the top
 * of this file): keyless commands of the connection and transactions
 * groups never do, nor does pub/sub (its registry has locks of its own,
 * always taken after shard locks; shard channels are not keys). */
static bool walks_keyspace(const mr_cmd_t *cmd) {
    const char *g = cmd->group ? cmd->group
                  : cmd->parent ? cmd->parent->group : "";
    if (strcmp(g, "pubsub") == 0) return false;
    if (cmd->flags & MR_CMD_NOLOCK) return true;
    if (cmd->first > 0 || cmd->getkeys) return false;
    return strcmp(g, "connection") != 0 && strcmp(g, "transactions") != 0;
}

/* The shards EXEC locks: ascending and unique, into *ids (`stack` when
 * they fit in EXEC_STACK, else the heap: the caller frees what is not
 * stack). Returns the count, or -1 when the transaction needs them all. */
#define EXEC_STACK 32
static int exec_shards(const mr_multi_t *m, uint32_t *stack, uint32_t **ids) {
    size_t room = (size_t)m->nw;
    for (int i = 0; i < m->nq; i++) {
        if (walks_keyspace(m->q[i].cmd)) {
            *ids = NULL;
            return -1;
        }
        room += (size_t)m->q[i].argc;
    }
    uint32_t *out = room <= EXEC_STACK ? stack : mr_xmalloc(sizeof *out * room);
    int n = 0;
    for (int i = 0; i < m->nq; i++) {
        mr_call_t c = {.argv = m->q[i].argv, .argc = m->q[i].argc,
                       .cmd = m->q[i].cmd};
        n += mr_dispatch_key_shards(&c, out + n);
    }
    for (int i = 0; i < m->nw; i++) out[n++] = m->w[i].shard;
    n = mr_u32_sort_unique(out, n);
    *ids = out;
    return n;
}

/* Whether a watched key changed since WATCH. A watched key whose TTL has
 * passed since counts as changed even if nothing deleted it yet (Redis's
 * isWatchedKeyExpired): looking it up deletes it, which marks us. */
static bool watch_failed_locked(mr_multi_t *m, int64_t now_ms) {
    for (int i = 0; i < m->nw; i++) {
        size_t klen;
        const char *k = mr_watch_key(&m->w[i], &klen);
        (void)mr_db_lookup_write_locked(m->w[i].db, k, klen, now_ms);
    }
    return atomic_load_explicit(&m->dirty, memory_order_relaxed);
}

void cmd_exec(mr_call_t *call) {
    mr_multi_t *m = call->conn ? state_of(call->conn) : NULL;
    if (!m || !m->active) {
        mr_reply_err(call->reply, "ERR EXEC without MULTI");
        return;
    }
    if (m->aborted) {
        mr_reply_err(call->reply,
                     "EXECABORT Transaction discarded because of previous errors.");
        discard(m);
        return;
    }
    uint32_t stack[EXEC_STACK], *ids;
    int n = exec_shards(m, stack, &ids);
    bool all = n < 0;
    if (all) {
        mr_dispatch_release(); /* lock_all takes them again, in order */
        mr_store_lock_all();
    } else {
        mr_dispatch_lock(ids, n);
    }

    bool failed = m->nw && watch_failed_locked(m, call->now_ms);
    /* unwatched before the commands run, as in Redis: their own writes
     * must not mark this client, and UNWATCH inside finds nothing */
    mr_watch_remove_all_locked(m);
    if (failed) {
        if (all) mr_store_unlock_all();
        else mr_dispatch_unlock_or_keep(call, ids, n);
        if (ids != stack) mr_free(ids);
        queue_clear(m);
        mr_reply_null_array(call->reply);
        return;
    }

    /* other clients' watches on the transaction's shards (ours are gone):
     * looked at once, not per command */
    bool watched = all ? mr_watch_heads != NULL : mr_watch_any_locked(ids, n);
    mr_aof_tx_begin_locked();
    mr_reply_array(call->reply, m->nq);
    uint64_t clock = call->start_ns;
    for (int i = 0; i < m->nq; i++) {
        mr_call_t sub = {
            .argv = m->q[i].argv,
            .argc = m->q[i].argc,
            .reply = call->reply,
            .conn = call->conn,
            .db = mr_conn_db(call->conn), /* a queued SELECT moves it */
            .now_ms = call->now_ms,
            .cmd = m->q[i].cmd,
            .start_ns = clock,
            .in_exec = true,
            .exec_watched = watched,
        };
        mr_dispatch_in_exec(&sub);
        clock = sub.end_ns;
    }
    mr_aof_pending_t pd;
    mr_aof_tx_reserve_locked(&pd);
    /* clients blocked on keys the transaction filled are served once all
     * of it ran, before anyone else sees the data (as Redis after EXEC) */
    if (!all && mr_block_has_ready())
        mr_block_serve_ready_locked(ids, n, call->now_ms);
    /* kept for the next command when the pipeline's next transaction
     * uses the same few shards (hot keys: one lock hand-over per batch
     * between workers, not one per transaction), as dispatch keeps them
     * for plain commands */
    if (all) mr_store_unlock_all();
    else mr_dispatch_unlock_or_keep(call, ids, n);
    if (ids != stack) mr_free(ids);
    mr_aof_tx_commit(&pd, &call->aof_end);
    if (mr_block_has_ready()) mr_block_serve_ready(call->now_ms);
    call->db = mr_conn_db(call->conn);
    queue_clear(m);
}
