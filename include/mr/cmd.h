/* Commands: the table row type, the per-call context a handler sees, and
 * dispatch. One table (src/cmd/cmd_table.c) is the only place a command
 * exists; dispatch, COMMAND replies and statistics read it. */
#ifndef MR_CMD_H
#define MR_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "mr/reply.h"
#include "mr/util.h"

struct mr_conn;
struct mr_entry;

enum {
    MR_CMD_WRITE = 1u << 0,
    MR_CMD_READONLY = 1u << 1,
    MR_CMD_DENYOOM = 1u << 2,
    MR_CMD_ADMIN = 1u << 3,
    MR_CMD_PUBSUB = 1u << 4,
    MR_CMD_NOSCRIPT = 1u << 5,
    MR_CMD_BLOCKING = 1u << 6,
    MR_CMD_LOADING = 1u << 7,
    MR_CMD_STALE = 1u << 8,
    MR_CMD_FAST = 1u << 9,
    MR_CMD_NO_AUTH = 1u << 10,
    MR_CMD_SENTINEL = 1u << 11,
    MR_CMD_ALLOW_BUSY = 1u << 12,
    MR_CMD_NO_MULTI = 1u << 13,
    MR_CMD_NO_ASYNC_LOADING = 1u << 14,
    MR_CMD_SKIP_SLOWLOG = 1u << 15,
    /* not a Redis flag: the keys in first/last/step are not locked by
     * dispatch (whole-keyspace commands lock shard by shard themselves) */
    MR_CMD_NOLOCK = 1u << 20,
    /* not a Redis flag: dispatch neither takes nor releases shard locks
     * around it, not even those kept from the pipeline's previous command:
     * the handler needs none (MULTI) or takes its own through
     * mr_dispatch_lock() / mr_dispatch_unlock_or_keep() (EXEC) */
    MR_CMD_OWN_LOCKS = 1u << 21,
    /* not a Redis flag: allowed to a RESP2 client in pub/sub mode (the
     * (P|S)SUBSCRIBE family, PING, QUIT, RESET) */
    MR_CMD_PUBSUB_OK = 1u << 22,
};

/* Key-spec flags (COMMAND INFO key_specs), in the order Redis prints them. */
enum {
    MR_KS_RO = 1u << 0,
    MR_KS_RW = 1u << 1,
    MR_KS_OW = 1u << 2,
    MR_KS_RM = 1u << 3,
    MR_KS_ACCESS = 1u << 4,
    MR_KS_UPDATE = 1u << 5,
    MR_KS_INSERT = 1u << 6,
    MR_KS_DELETE = 1u << 7,
    MR_KS_NOT_KEY = 1u << 8,
    MR_KS_INCOMPLETE = 1u << 9,
    MR_KS_VARIABLE_FLAGS = 1u << 10,
};

/* One key specification: begin_search by index, find_keys by range or, when
 * `keynum` is set, by keynum (a count argument precedes the keys, as in
 * SINTERCARD numkeys key...). Arrays of them end with an entry whose flags
 * are 0. */
typedef struct mr_key_spec {
    uint32_t flags;
    int index;                 /* begin_search: argv index of the first key */
    int lastkey, keystep, limit; /* find_keys range, relative to index;
                                  * keynum uses keystep too */
    const char *notes;         /* NULL: no "notes" field */
    bool keynum;               /* find_keys is keynum, not range */
    int keynumidx, firstkey;   /* keynum: relative to index */
} mr_key_spec_t;

/* COMMAND DOCS argument types ("string", "integer", ..., "block"). */
typedef enum mr_arg_type {
    MR_ARG_STRING,
    MR_ARG_INTEGER,
    MR_ARG_DOUBLE,
    MR_ARG_KEY,
    MR_ARG_PATTERN,
    MR_ARG_UNIX_TIME,
    MR_ARG_PURE_TOKEN,
    MR_ARG_ONEOF,
    MR_ARG_BLOCK,
} mr_arg_type_t;

enum {
    MR_ARG_OPTIONAL = 1u << 0,
    MR_ARG_MULTIPLE = 1u << 1,
    MR_ARG_MULTIPLE_TOKEN = 1u << 2,
};

/* One COMMAND DOCS argument; arrays of them end with {NULL}. */
typedef struct mr_cmd_arg {
    const char *name;
    mr_arg_type_t type;
    int key_spec_index; /* printed for MR_ARG_KEY only */
    const char *token;  /* NULL: none */
    const char *since;  /* NULL: none */
    uint32_t flags;     /* MR_ARG_* */
    const struct mr_cmd_arg *args; /* oneof/block members */
    const char *deprecated_since;
} mr_cmd_arg_t;

typedef struct mr_call mr_call_t;
typedef void (*mr_cmd_fn)(mr_call_t *call);

typedef struct mr_cmd {
    const char *name; /* lower case; subcommands: "setname" */
    mr_cmd_fn fn;     /* NULL for a container (CLIENT, CONFIG, ...) */
    int arity;        /* counts the name; -N means at least N */
    uint32_t flags;
    int first, last, step; /* key positions; last -1 = up to the end */
    const char *group;     /* COMMAND DOCS group: "string", "generic", ... */
    const char *summary;   /* COMMAND DOCS summary */
    const char *since;     /* COMMAND DOCS since */
    const char *acl;       /* ACL categories, e.g. "@write @string @slow" */
    const struct mr_cmd *subcmds; /* containers: rows ending in {NULL} */
    const struct mr_cmd *parent;  /* set at start-up for subcommands */
    char fullname[48];            /* "client|setname"; set at start-up */
    unsigned id; /* dense index of every row, subcommands too (statistics);
                  * set at start-up, below MR_CMD_MAX_IDS (mr/stats.h) */
    /* COMMAND INFO / DOCS data beyond the positional fields above; rows set
     * them with designated initializers, NULL means absent. */
    const char *tips;                /* space-separated, e.g. "nondeterministic_output" */
    const mr_key_spec_t *key_specs;  /* ends with flags == 0 */
    const char *complexity;
    const char *deprecated_since;    /* set: doc_flags "deprecated" */
    const char *replaced_by;
    const char *const *history;      /* version, text, version, text, ..., NULL */
    const mr_cmd_arg_t *args;        /* ends with {NULL} */
    /* Commands whose keys first/last/step cannot describe (numkeys before
     * the keys: SINTERCARD); first/last/step are then 0 0 0, as Redis
     * reports, and COMMAND shows the "movablekeys" flag. Fills up to `max`
     * argv indexes of the call's keys and returns how many keys there are
     * (possibly more than max: dispatch then calls again with room for
     * all), or -1 when the arguments are malformed: dispatch locks nothing
     * and the handler replies the error without touching the keyspace. */
    int (*getkeys)(const mr_call_t *call, int *key_argv_idx, int max);
} mr_cmd_t;

/* What a handler sees. The handler reads argv, writes `reply`, and counts
 * the keys it changed in `dirty` (non-zero means the command is a write that
 * happened). It never touches sockets. */
struct mr_call {
    mr_str_t *argv;
    int argc;
    mr_reply_t *reply;
    struct mr_conn *conn; /* NULL when replaying (no client) */
    int db;               /* the client's selected database */
    int64_t now_ms;       /* one clock for the whole command */
    long long dirty;
    const mr_cmd_t *cmd;
    /* AOF (mr/aof.h): the records the handler asked to log instead of its
     * argv (NULL: the command is not being logged), and, set by dispatch,
     * the ring position the reply must wait for under appendfsync always
     * (0: none) */
    struct mr_prop *prop;
    uint64_t aof_end;
    /* monotonic ns (mr_clock_ns) when the command began, set by the caller
     * (0: dispatch reads the clock); dispatch sets end_ns when it ends, so
     * a caller running a pipeline times each command with one clock read */
    uint64_t start_ns, end_ns;
    /* set by EXEC for the commands it runs (src/cmd/multi.c): blocking
     * commands answer as if their timeout had passed, as in Redis */
    bool in_exec;
    bool exec_watched; /* ... and some shard EXEC holds has watched keys */
    /* operating it: set by dispatch when CLIENT PAUSE held the call (the
     * connection keeps a copy of the request and runs it once the pause
     * ends: mr_conn_hold); nothing ran and nothing was replied */
    bool held;
    /* set by MULTI's filter when it queued the call (+QUEUED): CLIENT LIST
     * then shows it as the last command, as Redis does */
    bool queued;
};

/* ---- the table ---- */
/* Builds the lookup index and subcommand links; once, at start-up. */
void mr_cmd_table_init(void);
/* Case-insensitive lookup of a top-level command; NULL if unknown. */
const mr_cmd_t *mr_cmd_lookup(const char *name, size_t len);
/* Case-insensitive lookup inside a container's subcommands. */
const mr_cmd_t *mr_cmd_lookup_sub(const mr_cmd_t *parent, const char *name,
                                  size_t len);
/* Iterates the top-level table (COMMAND, COMMAND COUNT/LIST). */
const mr_cmd_t *mr_cmd_table(size_t *count);
/* Every row by its id (0 .. mr_cmd_count_ids()-1), subcommands included. */
unsigned mr_cmd_count_ids(void);
const mr_cmd_t *mr_cmd_by_id(unsigned id);

/* ---- dispatch ----
 * Checks existence and arity (exact Redis error texts), locks the shards of
 * the command's keys in ascending order, runs the handler, unlocks, counts
 * statistics. Called by a worker for each parsed request. */
void mr_dispatch(mr_call_t *call);
/* Releases the shard locks dispatch kept from the last command for the
 * next one of the same pipeline (same shards). A worker calls it when it
 * stops running a connection's requests: before anything else that may
 * lock shards. */
void mr_dispatch_release(void);
/* For MULTI (src/cmd/multi.c): resolves argv to a row as dispatch does,
 * replying the error Redis gives when there is none or the arity is wrong
 * (NULL; *rejected is then the row whose arity was wrong, if any). */
const mr_cmd_t *mr_dispatch_resolve(mr_call_t *call, const mr_cmd_t **rejected);
/* For MULTI: over maxmemory, evicts as dispatch does before any command;
 * when nothing could be evicted replies Redis's -OOM and returns true (the
 * command is not queued: queueing could take any amount of memory). */
bool mr_dispatch_oom_refused(mr_call_t *call, const mr_cmd_t *cmd);
/* For EXEC (src/cmd/multi.c). The shards of call's keys, in key order
 * (EXEC sorts the whole transaction's once), into ids (room for
 * call->argc entries); returns the count. 0
 * also for a command without keys. call->cmd must be set. */
int mr_dispatch_key_shards(const mr_call_t *call, uint32_t *ids);
/* EXEC's locks, integrated with the ones dispatch keeps across a
 * pipeline: mr_dispatch_lock() takes ids (ascending, unique), reusing the
 * locks kept from the previous command when they are the same shards and
 * releasing them otherwise; mr_dispatch_unlock_or_keep() either keeps ids
 * for the connection's next command, as dispatch does for a command on
 * few shards (returns true), or unlocks them. */
void mr_dispatch_lock(const uint32_t *ids, int n);
bool mr_dispatch_unlock_or_keep(const mr_call_t *call, const uint32_t *ids,
                                int n);
/* Runs call->cmd (resolved, arity checked) under shard locks the caller
 * holds: the handler, the watched keys it wrote, statistics. Its AOF
 * records go to the transaction (mr_aof_tx_*). */
void mr_dispatch_in_exec(mr_call_t *call);
/* operating it: argv indexes of the call's keys (call->cmd's key
 * positions, as dispatch locks them); *idx points at `stack` (room for
 * MR_KEYS_STACK) or at a heap array the caller frees. Returns the count. */
#define MR_KEYS_STACK 16
int mr_dispatch_key_positions(const mr_call_t *call, int *stack, int **idx);

/* ---- helpers for handlers: parse an argument or reply the error ----
 * Each returns false after writing Redis's error to call->reply. */
bool mr_arg_ll(mr_call_t *call, int i, long long *out);  /* ERR value is not an integer or out of range */
bool mr_arg_ld(mr_call_t *call, int i, long double *out); /* ERR value is not a valid float */
void mr_reply_syntax_err(mr_call_t *call);                /* ERR syntax error */
/* A SCAN-family cursor as Redis reads it (strtoull: a sign, leading zeros
 * and "" pass; leading space, junk and overflow do not; the text ends at
 * its first NUL byte). ERR invalid cursor */
bool mr_arg_cursor(mr_call_t *call, int i, uint64_t *out);
/* Looks argv[i] up as a key of `type` (an mr_type_t): for reading
 * (counting keyspace hits/misses) or for writing. Returns false after
 * replying WRONGTYPE when it holds another type; otherwise *e is its entry,
 * or NULL when the key is absent (or expired). Dispatch holds its shard. */
bool mr_arg_lookup(mr_call_t *call, int i, bool write, int type,
                   struct mr_entry **e);
/* HSCAN/SSCAN/ZSCAN options from argv[first] on, as Redis reads them: COUNT
 * n and MATCH pattern pairs in any order, the last of each winning; COUNT
 * must be an integer (ERR value is not an integer...) of at least 1 (ERR
 * syntax error), and any other word is a syntax error. *count keeps its
 * value when there is no COUNT; *pattern is the MATCH pattern, or {NULL, 0}
 * when there is none or it is "*", which matches everything. */
bool mr_arg_scan_opts(mr_call_t *call, int first, long long *count,
                      mr_str_t *pattern);
void mr_reply_arity_err(mr_call_t *call);                 /* wrong number of arguments for '<fullname>' */
void mr_reply_unknown_subcmd(mr_call_t *call);            /* unknown subcommand '<x>'. Try <CMD> HELP. */
/* For replies whose length the client picks (HRANDFIELD, SRANDMEMBER with a
 * huge negative count): once the bytes written since `start` pass
 * MR_MAX_CLIENT_SIZED_REPLY, marks the connection to close after its
 * replies and returns true, and the caller stops. Redis cuts such a client
 * off at its output buffer limit; without one, a count of -LONG_MAX would
 * hold a worker and a shard lock while filling memory. */
#define MR_MAX_CLIENT_SIZED_REPLY ((size_t)256 << 20)
bool mr_reply_cut_if_huge(mr_call_t *call, size_t start);
/* A HELP reply: each line of the NULL-terminated list becomes one status
 * string, in one array. */
void mr_reply_help(mr_reply_t *r, const char *const *lines);

/* Command families register no code here: their handlers are declared in
 * src/cmd/handlers.h and referenced by the table. */

#endif
