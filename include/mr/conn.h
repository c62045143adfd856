/* What command handlers may see and change of a client connection. The
 * connection itself (buffers, io_uring state) is private to src/net/. Every
 * function here runs on the connection's own worker thread, except the
 * mr_clients_* ones, which may look at every worker's clients. */
#ifndef MR_CONN_H
#define MR_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

struct mr_conn;
typedef struct mr_conn mr_conn_t;

uint64_t mr_conn_id(const mr_conn_t *c);
int mr_conn_db(const mr_conn_t *c);
void mr_conn_set_db(mr_conn_t *c, int db);
int mr_conn_resp(const mr_conn_t *c);
/* Also switches the reply encoding from the next reply on. */
void mr_conn_set_resp(mr_conn_t *c, int resp);
/* Returns the name or NULL. */
const char *mr_conn_name(const mr_conn_t *c);
/* name NULL or empty clears it. Caller validated the characters. */
void mr_conn_set_name(mr_conn_t *c, const char *name, size_t len);
/* QUIT: the reply already written is sent, then the connection closes. */
void mr_conn_close_after_reply(mr_conn_t *c);
/* Records the command being run, for CLIENT LIST's cmd= (dispatch calls it
 * before the handler, so a client listing itself shows client|list). */
struct mr_cmd;
void mr_conn_set_cmd(mr_conn_t *c, const struct mr_cmd *cmd);

/* Blocking commands (mr/block.h): the client stops reading requests until
 * mr_conn_unblock(), which appends `reply` (len bytes, may be 0), holds it
 * until the AOF position aof_end is durable (0: no wait; see
 * mr_conn_hold_until) and runs the requests that arrived meanwhile. Own
 * worker only. */
struct mr_waiter;
void mr_conn_block(mr_conn_t *c, struct mr_waiter *w);
void mr_conn_unblock(mr_conn_t *c, const char *reply, size_t len,
                     uint64_t aof_end);
/* appendfsync always: c's replies from now on are sent only once the AOF is
 * durable up to ring position pos (from mr_aof_log_locked or dispatch).
 * Replies keep their order; the worker serves other clients meanwhile. */
void mr_conn_hold_until(mr_conn_t *c, uint64_t pos);

/* Transactions (src/cmd/multi.c): where the connection keeps its
 * MULTI/WATCH state, NULL until it first runs MULTI or WATCH; freed with
 * the connection (mr_multi_conn_reset). Own worker only. */
struct mr_multi;
struct mr_multi **mr_conn_multi(mr_conn_t *c);
/* CLIENT LIST multi= : commands queued since MULTI, -1 outside one. */
void mr_conn_set_multi_len(mr_conn_t *c, int n);
/* ---- pub/sub (mr/pubsub.h) ---- */
/* The pub/sub module's per-connection state (NULL until the first
 * subscription); the module owns what it points at. Own worker only. */
struct mr_psub;
struct mr_psub **mr_conn_psub(mr_conn_t *c);
/* Records c's subscription counts (CLIENT LIST sub/psub/ssub, flag P) and
 * whether c is in Redis's pub/sub mode (any subscription). */
void mr_conn_set_pubsub(mr_conn_t *c, long nsub, long npsub, long nssub);
/* In pub/sub mode: RESP2 clients may then run only the (P|S)SUBSCRIBE
 * family, PING, QUIT and RESET. */
bool mr_conn_pubsub_mode(const mr_conn_t *c);
/* What dispatch asks of every command's client, in one call: */
enum {
    MR_CONN_IN_MULTI = 1u << 0, /* between MULTI and EXEC/DISCARD */
    MR_CONN_PUBSUB = 1u << 1,   /* has subscriptions (mr_conn_pubsub_mode) */
};
unsigned mr_conn_modes(const mr_conn_t *c);
/* Where c lives, for messages sent to it from other workers. */
void mr_conn_ref(const mr_conn_t *c, unsigned *worker, uint32_t *slot,
                 uint32_t *gen);
/* The calling worker's connection at (slot, gen), if it is still the same
 * connection, open and subscribed to something; else NULL. */
mr_conn_t *mr_conn_by_ref(uint32_t slot, uint32_t gen);
/* Appends a pub/sub frame built as a RESP2 array ('*' first): under RESP3
 * its first byte becomes '>' (a push). Applies client-output-buffer-limit:
 * a client past its class's hard limit, or over the soft limit for longer
 * than its seconds, is closed and the frame dropped. Own worker only. */
void mr_conn_push(mr_conn_t *c, const char *frame, size_t len);
/* What mr_conn_push does for any bytes sent without a request (MONITOR
 * lines: push false, no '>' rewrite). */
void mr_conn_send_unsolicited(mr_conn_t *c, const char *bytes, size_t len,
                               bool push);
/* Applies client-output-buffer-limit to c's pending output (after
 * replies); closes c when it is over. Own worker only. */
void mr_conn_check_output_limit(mr_conn_t *c);

/* ---- operating it ---- */
/* "ip:port" of the peer ("path:0" on the Unix socket). */
const char *mr_conn_addr(const mr_conn_t *c);
/* MONITOR: from now on c receives every command any worker runs; stop
 * (RESET, or the connection closing) ends it. Own worker. */
void mr_conn_monitor_start(mr_conn_t *c);
void mr_conn_monitor_stop(mr_conn_t *c);
/* CLIENT NO-EVICT: stored and shown in CLIENT LIST (flag e); it will
 * matter once client eviction (maxmemory-clients) exists. */
void mr_conn_set_no_evict(mr_conn_t *c, bool on);
/* CLIENT PAUSE timeout [WRITE|ALL] until end_ms (mr_mstime), and CLIENT
 * UNPAUSE; any worker. */
void mr_clients_pause(int64_t end_ms, bool all);
void mr_clients_unpause(void);
/* Dispatch held this request for the pause: c keeps a copy, stops running
 * its pipeline, and its worker runs the request once the pause ends. Own
 * worker. */
void mr_conn_hold(mr_conn_t *c, const mr_str_t *argv, int argc);
/* ---- end operating it ---- */

/* Appends this client's CLIENT LIST / CLIENT INFO line (with "\n"). */
void mr_conn_describe(const mr_conn_t *c, mr_buf_t *out);

/* ---- every worker's clients ---- */
/* Appends one line per client, every worker's; ids (if n_ids > 0) filters
 * like CLIENT LIST ID. */
void mr_clients_list(mr_buf_t *out, const uint64_t *ids, int n_ids);
/* Client classes for CLIENT LIST/KILL TYPE: a client with a subscription
 * is "pubsub", any other "normal" (there are no replicas or masters). */
enum { MR_CLIENT_ANY = 0, MR_CLIENT_NORMAL, MR_CLIENT_PUBSUB };
/* Appends the lines of every worker's clients of class `type`. */
void mr_clients_list_type(mr_buf_t *out, int type);

typedef struct mr_kill_filter {
    bool has_id;
    uint64_t id;
    const char *addr;  /* "ip:port" or NULL */
    const char *laddr; /* "ip:port" or NULL */
    const char *user;  /* only "default" exists before ACLs */
    int type;          /* MR_CLIENT_*: TYPE normal|pubsub */
    bool skipme;       /* default true, as in Redis */
    uint64_t self_id;  /* the caller's id, for skipme */
} mr_kill_filter_t;
/* Marks matching clients to be closed by their own worker (woken through
 * its ring); returns how many matched. */
int mr_clients_kill(const mr_kill_filter_t *f);
/* connected_clients, every worker. */
uint64_t mr_clients_count(void);

#endif
