/* What src/cmd/multi.c and src/cmd/watch.c share: a client's transaction
 * state and the registry calls EXEC and WATCH make. */
#ifndef MR_MULTI_INT_H
#define MR_MULTI_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mr/multi.h"
#include "mr/util.h"

typedef struct mr_wnode mr_wnode_t;

/* A queued command: a private copy of its argv (one allocation) and its
 * resolved row. */
typedef struct queued {
    mr_str_t *argv;
    int argc;
    const mr_cmd_t *cmd;
} queued_t;

/* One key the client watches: its registry record and the client's node
 * in it (both live until the client unwatches). */
typedef struct watched {
    int db;
    uint32_t shard;
    mr_wkey_t *k;
    mr_wnode_t *node;
} watched_t;

struct mr_multi {
    /* a watched key changed; set by any thread holding that key's shard
     * lock, read by the owner holding it too (EXEC), cleared by the owner
     * once it watches nothing */
    _Atomic bool dirty;
    bool active;  /* between MULTI and EXEC/DISCARD */
    bool aborted; /* a command failed to queue: EXEC answers EXECABORT */
    queued_t *q;
    int nq, qcap;
    watched_t *w;
    int nw, wcap;
    struct mr_conn *conn; /* the owner, for CLIENT LIST's multi= */
};

/* ---- src/cmd/watch.c; the owner's thread ---- */
/* Adds key to m's watched keys unless it is there already. Holds the
 * key's shard lock (`shard`). */
void mr_watch_add_locked(mr_multi_t *m, int db, const void *key, size_t klen,
                         uint32_t shard);
/* Removes every watch of m; the caller holds the shard lock of each. */
void mr_watch_remove_all_locked(mr_multi_t *m);
/* The same, locking each key's shard in turn; call with no lock held. */
void mr_watch_remove_all(mr_multi_t *m);
/* Key bytes of a watched key (for EXEC's expiry check). */
const char *mr_watch_key(const watched_t *w, size_t *klen);

#endif
