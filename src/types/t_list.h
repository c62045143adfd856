/* List primitives for code outside the list commands (the blocking
 * commands BLPOP, BRPOP, BLMOVE serve their clients through these). The
 * list handlers in t_list.c use the same functions, so a blocked client
 * that is served sees exactly what LPOP, RPUSH or LMOVE would have done.
 *
 * Locking contract (the `_locked` suffix):
 * - The caller holds the shard lock of every key it passes: dispatch's
 *   locks while a handler runs, or mr_store_lock(mr_store_shard_of(key))
 *   (for two keys, both shards, ascending, via mr_store_lock_many) taken by
 *   the caller itself. The lock must stay held for the whole call.
 * - These functions never lock, never wait and never write a reply (they
 *   allocate through mr_xmalloc, nothing else); they may create the key
 *   (push, move) or delete it (a pop that empties the list, as Redis never
 *   keeps an empty list). Every list key comes into existence through the
 *   push path (list_create in t_list.c), or through RENAME/COPY/MOVE of an
 *   existing list.
 * - `now_ms` is the command's clock: a key whose TTL passed by then counts
 *   as absent and is deleted on the spot (lazy expiry).
 * - Keys are borrowed; popped bytes are copied into the caller's buffer, so
 *   they stay valid after the lock is released.
 * A key holding another type is reported as MR_LIST_WRONGTYPE and left
 * untouched. */
#ifndef MR_TYPES_T_LIST_H
#define MR_TYPES_T_LIST_H

#include <stdint.h>

#include "mr/util.h"

/* Ends of a list: LEFT is the head, RIGHT the tail. */
enum { MR_LIST_HEAD = 0, MR_LIST_TAIL = 1 };

typedef enum mr_list_rc {
    MR_LIST_WRONGTYPE = -1, /* the key holds another type; nothing changed */
    MR_LIST_NOKEY = 0,      /* no such key (a list is never empty) */
    MR_LIST_OK = 1,
} mr_list_rc_t;

/* Pops one element from the head or tail of the list at (db, key) into
 * *out (its contents replaced), deleting the key when that was the last
 * element. */
mr_list_rc_t mr_list_pop_locked(int db, mr_str_t key, int64_t now_ms,
                                int where, mr_buf_t *out);

/* Pushes a copy of elem at the head or tail of the list at (db, key),
 * creating the list when the key is absent. Returns the list's new length,
 * or -1 (MR_LIST_WRONGTYPE) when the key holds another type. */
long long mr_list_push_locked(int db, mr_str_t key, int64_t now_ms,
                              int where, mr_str_t elem);

/* LMOVE: pops from `from` of src and pushes at `to` of dst (created when
 * absent), copying the element into *out; with src == dst the list
 * rotates and keeps its TTL. Both shards locked. NOKEY when src is absent
 * (dst is not looked at, as in Redis); WRONGTYPE when either key holds
 * another type, before anything moved. */
mr_list_rc_t mr_list_move_locked(int db, mr_str_t src, mr_str_t dst,
                                 int from, int to, int64_t now_ms,
                                 mr_buf_t *out);

#endif
