/* Dispatch's operating hooks (mr/ops.h): what MONITOR, CLIENT PAUSE and the
 * audit log need from each command, called only while one of them is on. */
#include "mr/conn.h"
#include "mr/ops.h"

_Atomic unsigned mr_ops_active;

void mr_ops_set(unsigned bit, bool on) {
    if (on)
        atomic_fetch_or_explicit(&mr_ops_active, bit, memory_order_relaxed);
    else
        atomic_fetch_and_explicit(&mr_ops_active, ~bit, memory_order_relaxed);
}

void mr_ops_thread_exit(void) {
    mr_monitor_thread_exit();
    mr_audit_thread_exit();
}

bool mr_ops_before(mr_call_t *call, const mr_cmd_t *cmd, unsigned ops) {
    if (!call->conn) return false; /* AOF replay: nobody to hold or refuse */
    bool monitor = (ops & MR_OPS_MONITOR) && mr_monitor_is(call->conn);
    /* Redis marks a monitor as a replica and refuses it the keyspace (which
     * also keeps it out of the pause, as replicas are never paused) */
    if (monitor && (cmd->flags & (MR_CMD_WRITE | MR_CMD_READONLY))) {
        mr_reply_err(call->reply, "ERR Replica can't interact with the keyspace");
        return true;
    }
    if ((ops & MR_OPS_PAUSE) && !monitor && mr_pause_holds(call, cmd)) {
        mr_conn_set_cmd(call->conn, cmd); /* CLIENT LIST: cmd=<held one> */
        mr_conn_hold(call->conn, call->argv, call->argc);
        call->held = true;
        return true;
    }
    return false;
}

void mr_ops_after(mr_call_t *call, const mr_cmd_t *cmd,
                  const mr_cmd_t *rejected, bool failed, unsigned ops) {
    if (!call->conn) return;
    /* as Redis 7.0: commands that ran, admin commands excepted (too
     * dangerous to show: CONFIG, CLIENT KILL, DEBUG, ...) */
    if ((ops & MR_OPS_MONITOR) && cmd && !(cmd->flags & MR_CMD_ADMIN))
        mr_monitor_feed(call);
    if ((ops & MR_OPS_AUDIT) && (failed || call->dirty > 0))
        mr_audit_record(call, cmd, rejected, failed);
}
