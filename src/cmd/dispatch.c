/* Dispatch: look the command up, check arity, lock the shards of its keys in
 * ascending order, run the handler, unlock, count. Every request a worker
 * parses goes through mr_dispatch(). */
#include <stdlib.h>
#include <string.h>

#include "mr/aof.h"
#include "mr/block.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/conn.h"
#include "mr/evict.h"
#include "mr/latency.h"
#include "mr/multi.h"
#include "mr/ops.h"
#include "mr/slowlog.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "proto/errors.h"

/* Most commands name a handful of keys; only MSET/DEL/MGET-sized lists go
 * to the heap. */
#define STACK_SHARDS 16

static void reply_unknown_command(mr_call_t *call) {
    /* Same shape and truncation as Redis: the name (up to 128 bytes), then
     * quoted arguments until the list reaches 128 bytes. %.*s stops at a NUL
     * byte, as Redis's sdscatprintf does. */
    mr_buf_t args = {0};
    for (int i = 1; i < call->argc && args.len < 128; i++) {
        size_t room = 128 - args.len;
        size_t n = strnlen(call->argv[i].ptr,
                           call->argv[i].len < room ? call->argv[i].len : room);
        mr_buf_printf(&args, "'%.*s' ", (int)n, call->argv[i].ptr);
    }
    size_t nlen = strnlen(call->argv[0].ptr,
                          call->argv[0].len < 128 ? call->argv[0].len : 128);
    mr_reply_errf(call->reply,
                  "ERR unknown command '%.*s', with args beginning with: %.*s",
                  (int)nlen, call->argv[0].ptr, (int)args.len,
                  args.data ? args.data : "");
    mr_buf_free(&args);
}

static bool arity_ok(const mr_cmd_t *cmd, int argc) {
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* Argv indexes of the command's keys: from the row's getkeys hook when it
 * has one (movable keys), else first/last/step. Returns the count (0 when
 * none, or when getkeys found the arguments malformed: the handler replies
 * the error and touches no key); *idx points at `stack` or at a heap array
 * the caller frees. */
/* always_inline: the audit log's exported wrapper below must not make the
 * compiler keep one out-of-line copy for dispatch's own hot call too */
static inline __attribute__((always_inline)) int
key_positions(const mr_call_t *call, int *stack, int **idx) {
    const mr_cmd_t *cmd = call->cmd;
    *idx = stack;
    if (cmd->flags & MR_CMD_NOLOCK) return 0;
    if (cmd->getkeys) {
        int n = cmd->getkeys(call, stack, STACK_SHARDS);
        if (n <= 0) return 0;
        if (n > STACK_SHARDS) {
            /* n <= argc: the hook counts argv positions */
            int room = n;
            *idx = mr_xmalloc(sizeof **idx * (size_t)room);
            n = cmd->getkeys(call, *idx, room);
            if (n > room) n = room;
        }
        return n;
    }
    if (cmd->first <= 0) return 0;
    int last = cmd->last < 0 ? call->argc + cmd->last : cmd->last;
    if (last >= call->argc) last = call->argc - 1;
    if (last < cmd->first) return 0;
    int nkeys = (last - cmd->first) / cmd->step + 1;
    int *out = stack;
    if (nkeys > STACK_SHARDS) out = mr_xmalloc(sizeof *out * (size_t)nkeys);
    int n = 0;
    for (int i = cmd->first; i <= last; i += cmd->step) out[n++] = i;
    *idx = out;
    return n;
}

int mr_dispatch_key_positions(const mr_call_t *call, int *stack, int **idx) {
    _Static_assert(MR_KEYS_STACK == STACK_SHARDS, "one stack size");
    return key_positions(call, stack, idx);
}

static void shards_at(const mr_call_t *call, const int *pos, int n,
                      uint32_t *out) {
    for (int i = 0; i < n; i++)
        out[i] = mr_store_shard_of(call->argv[pos[i]].ptr,
                                   call->argv[pos[i]].len);
}

/* Collects the shards of the command's keys, sorted and unique. Returns the
 * count; *ids points at `stack` or at a heap array the caller frees. */
static int key_shards(const mr_call_t *call, uint32_t *stack, uint32_t **ids) {
    int pos_stack[STACK_SHARDS], *pos;
    int n = key_positions(call, pos_stack, &pos);
    uint32_t *out = stack;
    if (n > STACK_SHARDS) out = mr_xmalloc(sizeof *out * (size_t)n);
    shards_at(call, pos, n, out);
    if (pos != pos_stack) mr_free(pos);
    if (n > 1) n = mr_u32_sort_unique(out, n); /* most commands: one key */
    *ids = out;
    return n;
}

/* The last top-level name this thread looked up, byte for byte: a
 * pipeline repeats one command in one spelling, so most lookups become one
 * short memcmp instead of a case-folding hash and compare. */
#define LAST_NAME_MAX 24
static _Thread_local struct {
    char name[LAST_NAME_MAX];
    size_t len; /* 0: empty */
    const mr_cmd_t *cmd;
} last_lookup;

static const mr_cmd_t *lookup_cached(mr_str_t name) {
    if (name.len && name.len == last_lookup.len &&
        memcmp(name.ptr, last_lookup.name, name.len) == 0)
        return last_lookup.cmd;
    const mr_cmd_t *cmd = mr_cmd_lookup(name.ptr, name.len);
    if (cmd && name.len <= LAST_NAME_MAX) {
        memcpy(last_lookup.name, name.ptr, name.len);
        last_lookup.len = name.len;
        last_lookup.cmd = cmd;
    }
    return cmd;
}

/* Resolves argv[0] (and argv[1] for containers) to a table row, replying the
 * error Redis gives when there is none or the arity is wrong (then
 * *rejected is the row, for its rejected_calls). */
static const mr_cmd_t *resolve(mr_call_t *call, const mr_cmd_t **rejected,
                               unsigned modes) {
    *rejected = NULL;
    const mr_cmd_t *cmd = lookup_cached(call->argv[0]);
    if (!cmd) {
        reply_unknown_command(call);
        return NULL;
    }
    call->cmd = cmd;
    if (cmd->subcmds && call->argc >= 2) {
        const mr_cmd_t *sub =
            mr_cmd_lookup_sub(cmd, call->argv[1].ptr, call->argv[1].len);
        if (!sub) {
            mr_reply_unknown_subcmd(call);
            return NULL;
        }
        call->cmd = cmd = sub;
    }
    if (!arity_ok(cmd, call->argc) || !cmd->fn) {
        mr_reply_arity_err(call);
        *rejected = cmd;
        return NULL;
    }
    /* pub/sub mode: a RESP2 connection only carries subscription traffic */
    if (__builtin_expect(modes & MR_CONN_PUBSUB, 0) &&
        !(cmd->flags & MR_CMD_PUBSUB_OK) && call->reply->resp == 2) {
        mr_reply_errf(call->reply,
                      "ERR Can't execute '%s': only (P|S)SUBSCRIBE / "
                      "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
                      "this context",
                      cmd->fullname);
        *rejected = cmd;
        return NULL;
    }
    return cmd;
}

/* ---- locks kept across a pipeline ----
 * Consecutive requests of one connection on the same shards (a pipeline of
 * LPUSH or ZADD on one key, which is how redis-benchmark measures them)
 * keep the locks from one command to the next instead of releasing and
 * retaking them: with several workers on one hot key, the key's lines then
 * move between cores once per batch rather than once per command. The
 * thread never holds more than the current command's shards, so the lock
 * order is unchanged; a command with other shards, or none (whose handler
 * may walk every shard), releases them first, and the connection's worker
 * releases them when it stops running its requests (mr_dispatch_release).
 * HOLD_LIMIT bounds how long other workers can wait. */
#define HOLD_MAX 4
#define HOLD_LIMIT 32

static _Thread_local struct {
    uint32_t ids[HOLD_MAX];
    int n;    /* 0: nothing held */
    int uses; /* commands run under them so far */
} held;

void mr_dispatch_release(void) {
    if (held.n) mr_store_unlock_many(held.ids, held.n);
    held.n = 0;
}

static bool held_equal(const uint32_t *ids, int n) {
    if (held.n != n || held.uses >= HOLD_LIMIT) return false;
    for (int i = 0; i < n; i++)
        if (held.ids[i] != ids[i]) return false;
    return true;
}

/* Takes ids (ascending, unique), reusing the locks kept from the
 * previous command when they are the same shards. */
void mr_dispatch_lock(const uint32_t *ids, int n) {
    if (n > 0 && held_equal(ids, n)) {
        held.uses++;
        return;
    }
    mr_dispatch_release();
    mr_store_lock_many(ids, n);
}

/* Whether a command's locks stay for the connection's next command: a
 * client's, on few shards, with no blocked client left to serve. */
static bool keeps(const mr_call_t *call, int n) {
    return call->conn && n > 0 && n <= HOLD_MAX && !mr_block_has_ready();
}

static void keep_held(const uint32_t *ids, int n) {
    if (held.n) return; /* already these (mr_dispatch_lock reused them) */
    memcpy(held.ids, ids, sizeof *ids * (size_t)n);
    held.n = n;
    held.uses = 1;
}

/* Locks the command's shards, runs it, and logs it to the AOF: the
 * record's place is reserved before the unlock (file order = execution
 * order per key), its bytes are copied after. */
static void run_locked(mr_call_t *call) {
    if (call->cmd->flags & MR_CMD_OWN_LOCKS) {
        call->cmd->fn(call); /* logs and serves what it did itself */
        return;
    }
    uint32_t stack[STACK_SHARDS], *ids;
    int n = key_shards(call, stack, &ids);
    mr_aof_pending_t pd;
    mr_dispatch_lock(ids, n);
    mr_aof_begin_locked(call);
    call->cmd->fn(call);
    if (call->dirty > 0 && mr_watch_any_locked(ids, n))
        mr_watch_touch_call_locked(call);
    mr_aof_reserve_locked(call, &pd);
    /* clients blocked on keys this command filled are served before anyone
     * else can see the data, as in Redis; their pops are logged after the
     * command's own record, reserved just above */
    if (mr_block_has_ready())
        mr_block_serve_ready_locked(ids, n, call->now_ms);
    if (keeps(call, n)) {
        /* the record's bytes go in under the locks: nothing waits on them */
        mr_aof_commit(call, &pd);
        keep_held(ids, n);
    } else {
        held.n = 0; /* if set, they are ids: released just below */
        mr_store_unlock_many(ids, n);
        mr_aof_commit(call, &pd);
        if (mr_block_has_ready()) mr_block_serve_ready(call->now_ms);
    }
    if (ids != stack) mr_free(ids);
}

/* ---- operating it: what each command costs and who watches ----
 * After every command: its calls, time and failures in the worker's own
 * block, its latency histogram (latency-tracking), then the slow log and
 * the latency monitor when it crossed their thresholds. With the slow log
 * and the latency monitor below threshold a command pays one clock read
 * (its start is the previous command's end, see mr_call_t.start_ns), a few
 * owner-only adds and a histogram slot increment. */
#define OBS_LOAD(p) atomic_load_explicit(p, memory_order_relaxed)
#define OBS_ADD(p, n) atomic_store_explicit(p, OBS_LOAD(p) + (n), memory_order_relaxed)

static void observe(mr_call_t *call, const mr_cmd_t *cmd,
                    const mr_cmd_t *rejected, uint64_t start, bool failed) {
    mr_cmdstats_t *cs = mr_stats->cs;
    if (!cmd) {
        call->end_ns = start;
        if (rejected) OBS_ADD(&cs->cmd[rejected->id].rejected, 1);
        return;
    }
    uint64_t end = mr_clock_ns();
    call->end_ns = end;
    uint64_t ns = end - start;
    mr_cmdstat_t *s = &cs->cmd[cmd->id];
    OBS_ADD(&s->calls, 1);
    OBS_ADD(&s->ns, ns);
    if (failed) OBS_ADD(&s->failed, 1);
    if (MR_CFG(latency_tracking)) {
        /* the histogram exists after a command's first call: no call */
        mr_hist_t *h = atomic_load_explicit(&s->hist, memory_order_relaxed);
        if (__builtin_expect(!h, 0)) h = mr_cmdstat_hist(s);
        mr_hist_record(h, ns);
    }
    long long slower = MR_CFG(slowlog_log_slower_than);
    if (__builtin_expect(slower >= 0 && ns / 1000 >= (unsigned long long)slower, 0) &&
        !(cmd->flags & MR_CMD_SKIP_SLOWLOG)) /* EXEC: its commands are logged */
        mr_slowlog_add(call, ns / 1000);
    long long thr = MR_CFG(latency_monitor_threshold);
    if (__builtin_expect(thr > 0 && ns / 1000000 >= (unsigned long long)thr, 0))
        mr_latency_add_sample(cmd->flags & MR_CMD_FAST ? "fast-command" : "command",
                              ns / 1000000);
}
/* ---- end operating it ---- */

/* ---- transactions (src/cmd/multi.c) ---- */

bool mr_dispatch_unlock_or_keep(const mr_call_t *call, const uint32_t *ids,
                                int n) {
    if (keeps(call, n)) {
        keep_held(ids, n);
        return true;
    }
    held.n = 0; /* if set, they are ids (mr_dispatch_lock reused them) */
    mr_store_unlock_many(ids, n);
    return false;
}

const mr_cmd_t *mr_dispatch_resolve(mr_call_t *call, const mr_cmd_t **rejected) {
    return resolve(call, rejected, call->conn ? mr_conn_modes(call->conn) : 0);
}

int mr_dispatch_key_shards(const mr_call_t *call, uint32_t *ids) {
    int pos_stack[STACK_SHARDS], *pos;
    int n = key_positions(call, pos_stack, &pos);
    shards_at(call, pos, n, ids);
    if (pos != pos_stack) mr_free(pos);
    return n;
}

/* As run_locked without the locking: EXEC holds them. Blocked clients
 * this command made ready are served once the whole transaction ran. */
void mr_dispatch_in_exec(mr_call_t *call) {
    unsigned errors_before = call->reply->errors;
    call->dirty = 0;
    call->prop = NULL;
    call->aof_end = 0;
    uint64_t start = call->start_ns ? call->start_ns : mr_clock_ns();
    const mr_cmd_t *cmd = call->cmd;
    MR_STAT_INC(commands);
    if (!mr_aof_deny_write(call)) {
        mr_aof_begin_locked(call);
        cmd->fn(call);
        if (call->dirty > 0 && call->exec_watched) mr_watch_touch_call_locked(call);
        mr_aof_tx_add_locked(call);
    }
    bool failed = call->reply->errors != errors_before;
    observe(call, cmd, NULL, start, failed);
    if (failed) {
        MR_STAT_INC(error_replies);
        mr_errstat_add(call->reply->last_err ? call->reply->last_err : "ERR");
    }
    /* as Redis's call(): each command EXEC runs is shown and audited */
    unsigned ops = mr_ops_load();
    if (__builtin_expect(ops != 0, 0)) mr_ops_after(call, cmd, NULL, failed, ops);
}

/* Cache mode (mr/evict.h): over maxmemory every client command first
 * evicts, as in Redis's processCommand; one that may add memory (DENYOOM,
 * or `any` command: MULTI's queueing) is refused when nothing could be
 * evicted. Reads and deletes always run. */
static bool refused_for_memory(mr_call_t *call, const mr_cmd_t *cmd,
                               uint64_t now_ns, bool any) {
    if (!MR_CFG(maxmemory) || !call->conn || !mr_evict_over(now_ns))
        return false;
    mr_dispatch_release(); /* eviction takes shard locks of its own */
    if (mr_evict_run(now_ns, call->now_ms)) return false;
    if (mr_multi_exec_queued(call->conn, cmd, MR_CMD_DENYOOM)) {
        mr_multi_exec_abort(call, MR_ERR_OOM); /* as Redis's rejectCommand */
        return true;
    }
    if (!(any || (cmd->flags & MR_CMD_DENYOOM))) return false;
    mr_reply_err(call->reply, MR_ERR_OOM);
    return true;
}

bool mr_dispatch_oom_refused(mr_call_t *call, const mr_cmd_t *cmd) {
    return refused_for_memory(
        call, cmd, call->start_ns ? call->start_ns : mr_clock_ns(), true);
}

void mr_dispatch(mr_call_t *call) {
    unsigned errors_before = call->reply->errors;
    call->dirty = 0;
    call->held = false;
    call->queued = false;
    call->prop = NULL;
    call->aof_end = 0;
    uint64_t start = call->start_ns ? call->start_ns : mr_clock_ns();
    const mr_cmd_t *rejected;
    unsigned ops = mr_ops_load(); /* operating it: MONITOR, PAUSE, audit */
    const mr_cmd_t *cmd;
    /* one call answers both per-command questions about the client */
    unsigned modes = call->conn ? mr_conn_modes(call->conn) : 0;
    if (__builtin_expect(modes & MR_CONN_IN_MULTI, 0)) {
        cmd = mr_multi_filter(call, &rejected); /* NULL: queued or refused */
        if (call->held) { /* CLIENT PAUSE: queued later */
            call->end_ns = start;
            return;
        }
    } else
        cmd = resolve(call, &rejected, modes);
    if (__builtin_expect(ops != 0, 0) && cmd && mr_ops_before(call, cmd, ops)) {
        if (call->held) { /* CLIENT PAUSE: it runs, and counts, later */
            call->end_ns = start;
            return;
        }
        rejected = cmd; /* refused, as Redis's rejectCommand */
        cmd = NULL;
    }
    if (cmd && MR_CFG(maxmemory) && refused_for_memory(call, cmd, start, false)) {
        rejected = cmd; /* counted as Redis's rejectCommand counts it */
        cmd = NULL;
    }
    if (cmd) {
        /* As in Redis, rejected commands are errors, not processed commands */
        MR_STAT_INC(commands);
        if (call->conn) mr_conn_set_cmd(call->conn, cmd);
        if (!mr_aof_deny_write(call)) run_locked(call);
    } else if (call->conn) {
        /* as Redis's lastcmd: the queued row, the refused row (arity),
         * NULL when unknown */
        mr_conn_set_cmd(call->conn, call->queued ? call->cmd : rejected);
    }
    bool failed = call->reply->errors != errors_before;
    observe(call, cmd, rejected, start, failed); /* operating it */
    if (failed) {
        MR_STAT_INC(error_replies);
        mr_errstat_add(call->reply->last_err ? call->reply->last_err : "ERR");
    }
    if (__builtin_expect(ops != 0, 0)) /* operating it */
        mr_ops_after(call, cmd, rejected, failed, ops);
}
