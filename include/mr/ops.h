/* Operating hooks on the command path: MONITOR, CLIENT PAUSE and the audit
 * log. Dispatch loads mr_ops_active once per command (relaxed); while none
 * of them is on, that load and one predictable branch are all a command
 * pays for them. */
#ifndef MR_OPS_H
#define MR_OPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mr/cmd.h"

enum {
    MR_OPS_MONITOR = 1u << 0, /* some client runs MONITOR */
    MR_OPS_PAUSE = 1u << 1,   /* CLIENT PAUSE is (or was until lately) on */
    MR_OPS_AUDIT = 1u << 2,   /* audit-log is set */
};
extern _Atomic unsigned mr_ops_active;

static inline unsigned mr_ops_load(void) {
    return atomic_load_explicit(&mr_ops_active, memory_order_relaxed);
}
void mr_ops_set(unsigned bit, bool on);
/* A worker thread is ending (after its connections are gone): hands over
 * its last audit lines and frees its thread-local buffers. */
void mr_ops_thread_exit(void);

/* ---- dispatch's two hooks (src/cmd/ops_hooks.c), only when ops != 0 ----
 * Before the handler: returns true when the command must not run now:
 * call->held is then set (CLIENT PAUSE: the connection now keeps a copy of
 * the request, mr_conn_hold, and runs it once the pause ends) or an error
 * was replied (a MONITOR client touching the keyspace, which Redis
 * refuses). */
bool mr_ops_before(mr_call_t *call, const mr_cmd_t *cmd, unsigned ops);
/* After it: feeds monitors (cmd ran) and the audit log (cmd changed data or
 * the call was refused). cmd is NULL when the command did not resolve;
 * rejected is the row whose arity was wrong, if any. */
void mr_ops_after(mr_call_t *call, const mr_cmd_t *cmd,
                  const mr_cmd_t *rejected, bool failed, unsigned ops);

/* ---- MONITOR (src/net/monitor.c) ---- */
/* Streams the call, in Redis's format, to every monitor: directly to this
 * worker's, through mr_task_post to other workers'. Own worker. */
void mr_monitor_feed(const mr_call_t *call);
/* Whether conn is a monitor (MONITOR ran on it). */
bool mr_monitor_is(const struct mr_conn *conn);
void mr_monitor_thread_exit(void);

/* ---- CLIENT PAUSE (src/net/pause.c) ---- */
/* Whether the call must wait for the pause to end (WRITE: writes only,
 * ALL: every command, as Redis 7). */
bool mr_pause_holds(const mr_call_t *call, const mr_cmd_t *cmd);

/* ---- audit log (src/server/audit.c) ---- */
/* Opens audit-log and starts its writer thread (before the workers start);
 * false when the file cannot be opened. Nothing happens when it is "". */
bool mr_audit_start(void);
/* Formats one line into the calling worker's own buffer. */
void mr_audit_record(const mr_call_t *call, const mr_cmd_t *cmd,
                     const mr_cmd_t *rejected, bool failed);
/* Hands the calling worker's buffered lines to the writer (end of every
 * loop turn). */
void mr_audit_flush_thread(void);
void mr_audit_thread_exit(void);
/* SIGHUP: the writer reopens the file (logrotate). */
void mr_audit_reopen(void);
/* After the workers stopped: writes what is left, stops the writer. */
void mr_audit_stop(void);

#endif
