/* What the sorted set commands offer the rest of the server (the handlers
 * themselves are declared in src/cmd/handlers.h): popping the lowest or
 * highest member of the sorted set stored at a key, as ZPOPMIN/ZPOPMAX do
 * and as the blocking BZPOPMIN/BZPOPMAX must when they serve a client. */
#ifndef MR_TYPES_T_ZSET_H
#define MR_TYPES_T_ZSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

/* mr_zset_pop_*: what was at the key. */
typedef enum mr_zpop_result {
    MR_ZPOP_WRONGTYPE = -1, /* the key holds another type; nothing changed */
    MR_ZPOP_NONE = 0,       /* no such key (or it expired) */
    MR_ZPOP_OK = 1,         /* a member was popped */
} mr_zpop_result_t;

/* Pops the lowest (max false) or highest (max true) member of the sorted
 * set at `key` in database `db`: copies the member's bytes into *member
 * (replacing its contents; the caller owns the buffer) and its score into
 * *score, removes it, and deletes the key when the set becomes empty (a
 * sorted set is never stored empty, so MR_ZPOP_OK whenever the key holds
 * one). now_ms is the command's clock: an expired key counts as absent and
 * is deleted, as any write lookup does.
 *
 * Locking: the caller holds the shard lock of `key` (dispatch does, for a
 * handler whose row names the key). The caller counts the change in its
 * call's `dirty` and replies; this function writes no reply. */
mr_zpop_result_t mr_zset_pop_locked(int db, const void *key, size_t klen,
                                    int64_t now_ms, bool max,
                                    mr_buf_t *member, double *score);

/* The same for callers that hold no shard lock (a worker serving a client
 * blocked in BZPOPMIN after a push woke it): takes the key's shard lock,
 * pops, releases it. Must not be called with any shard lock held (it
 * would break the ascending lock order, or self-deadlock). Never blocks
 * otherwise and makes no system call beyond the lock. */
mr_zpop_result_t mr_zset_pop(int db, const void *key, size_t klen,
                             int64_t now_ms, bool max, mr_buf_t *member,
                             double *score);

#endif
