/* The append-only file: what dispatch and handlers call to log writes, and
 * the server's controls (load, start, stop, rewrite, INFO).
 *
 * Logging. Dispatch reserves a command's record in the AOF ring while the
 * command still holds its shard locks (so per key, file order = execution
 * order) and copies the bytes after it unlocks. By default the record is
 * the command's own argv, logged when the handler counted a change in
 * call->dirty. A handler whose argv would not replay to the same state says
 * what to log instead with the mr_prop_* calls below (SET EX -> SET PXAT,
 * SPOP -> SREM of what it popped, ...). The AOF thread writes each record
 * and puts a SELECT before a record whose database differs from the last.
 *
 * Threads: the mr_prop_* calls and mr_aof_log_locked() run on the thread
 * executing the command, with the command's shard locks held. The AOF thread
 * never takes a shard lock (writers may wait for it while holding one). */
#ifndef MR_AOF_H
#define MR_AOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/cmd.h"
#include "mr/ring.h"
#include "mr/util.h"

/* ---- what a handler logs ----
 * mr_prop_cmd() starts a record of argc arguments, filled by argc calls of
 * mr_prop_arg*(). Once a handler starts one, its records replace the
 * command's argv; mr_prop_original() puts the argv itself in the list at
 * that point (to log it plus something else). mr_prop_none() logs nothing
 * even though the command changed data (it logged itself). Records go to
 * the file in the order they were added, all in the call's database. */
void mr_prop_cmd(mr_call_t *call, int argc);
void mr_prop_arg(mr_call_t *call, const void *p, size_t len);
void mr_prop_arg_str(mr_call_t *call, mr_str_t s);
void mr_prop_arg_cstr(mr_call_t *call, const char *s);
void mr_prop_arg_ll(mr_call_t *call, long long v);
void mr_prop_original(mr_call_t *call);
void mr_prop_none(mr_call_t *call);
/* Whether anything is being logged at all (handlers may skip building
 * records when not). */
bool mr_aof_logging(void);

/* ---- logging directly, for code holding shard locks outside a handler's
 * own record (a blocked client served by another client's push logs "the
 * pop that happened" this way) ----
 * Logs argv in database db now, in order with everything else reserved
 * under the same locks. Returns the position just past the record, which
 * mr_conn_hold_until() takes for the reply that depends on it (under
 * appendfsync always), or 0 when nothing needs to wait. The caller must
 * hold the shard locks of every key the record touches.
 * Order: called from inside a handler, this record lands BEFORE the
 * handler's own (dispatch reserves that one after the handler returns). A
 * handler that must log something after its own command (LPUSH, then the
 * LPOP of the blocked client it served) uses mr_prop_original() followed by
 * mr_prop_cmd() instead; dispatch then puts call->aof_end past both. */
uint64_t mr_aof_log_locked(int db, int argc, const mr_str_t *argv);

/* ---- dispatch's side ---- */
typedef struct mr_aof_pending {
    bool active;
    bool from_prop;      /* bytes in the call's prop buffer, else argv */
    mr_ring_resv_t rv;
} mr_aof_pending_t;
/* True after replying Redis's -MISCONF error: the last AOF write failed and
 * this command (a write, or PING, as Redis denies) must not run. */
bool mr_aof_deny_write(mr_call_t *call);
/* Called by dispatch with the shard locks held, before the handler: decides
 * whether this command is logged (sets call->prop). */
void mr_aof_begin_locked(mr_call_t *call);
/* Called by dispatch after the handler, shard locks still held: reserves the
 * command's records. Cheap when nothing is logged. */
void mr_aof_reserve_locked(mr_call_t *call, mr_aof_pending_t *pd);
/* After unlocking: writes the bytes and commits. Sets call->aof_end when the
 * reply must wait for durability (appendfsync always). */
void mr_aof_commit(mr_call_t *call, mr_aof_pending_t *pd);

/* ---- transactions (EXEC, src/cmd/multi.c) ----
 * A transaction is one unit in the file: MULTI, its records, EXEC, in one
 * ring record, so a crash leaves all of it or a truncated tail that replay
 * drops. On the thread running EXEC, with the locks of every key of the
 * transaction held: mr_aof_tx_begin_locked() opens it; each command runs
 * between mr_aof_begin_locked() and mr_aof_tx_add_locked() (instead of
 * mr_aof_reserve_locked), and whatever mr_aof_log_locked() logs meanwhile
 * (expired keys, a FLUSHALL) joins it in order; mr_aof_tx_reserve_locked()
 * closes it and reserves the record. After the unlock mr_aof_tx_commit()
 * writes it and sets *aof_end when the EXEC's reply must wait for it
 * (appendfsync always). A rewrite asked for inside the transaction
 * (BGREWRITEAOF) is scheduled, as in Redis, not started. */
void mr_aof_tx_begin_locked(void);
void mr_aof_tx_add_locked(mr_call_t *call);
void mr_aof_tx_reserve_locked(mr_aof_pending_t *pd);
void mr_aof_tx_commit(mr_aof_pending_t *pd, uint64_t *aof_end);
/* Whether this thread is inside a transaction's EXEC. */
bool mr_aof_tx_open(void);

/* ---- durability (appendfsync always) ----
 * Position up to which every record is as durable as the policy promised
 * (fsynced under always; written under everysec/no). */
uint64_t mr_aof_durable_pos(void);
/* Registers the function the AOF thread calls after durable_pos advanced
 * (the network layer wakes workers holding replies). */
void mr_aof_set_durable_cb(void (*cb)(void));

/* ---- server controls (main thread) ---- */
/* Loads the AOF if appendonly is yes and the file exists, before any
 * client. Returns false when the server must not start (message logged). */
bool mr_aof_load(void);
/* Opens the file (creating it) and starts the AOF thread when appendonly is
 * yes. Returns false on failure (logged). */
bool mr_aof_start(void);
/* Writes and fsyncs what is pending, stops the thread, closes the file. */
void mr_aof_stop(void);
/* Periodic work from the main thread (every 100 ms): starts scheduled and
 * automatic rewrites, applies CONFIG SET appendonly. Takes every shard
 * lock briefly when a rewrite starts. */
void mr_aof_cron(void);
/* CONFIG SET appendonly: turning it on writes the current state in the
 * background, then logs from there (as Redis); off stops logging. */
void mr_aof_config_appendonly(bool on);

/* BGREWRITEAOF: schedules a rewrite. Returns the status line to reply, or
 * NULL after writing an error into err. */
const char *mr_aof_bgrewrite(char *err, size_t errlen);

/* INFO persistence (the aof_* and loading fields). */
void mr_aof_info(mr_buf_t *out);
/* Number of changes since start (rdb_changes_since_last_save). */
long long mr_aof_changes(void);

#endif
