/* Quicklist: a doubly linked list of listpack nodes, the value of every
 * list key (OBJECT ENCODING "quicklist", as Redis 7.0 reports for all
 * lists).
 *
 * Why this structure:
 * - Memory per element. A plain linked list pays a node (two pointers and
 *   a value pointer, ~32 bytes with malloc's rounding) plus a separate
 *   allocation for the bytes of every element. Inside a listpack a short
 *   element costs its bytes plus 2-3 bytes of framing, and small integers
 *   one or two bytes in all; the 32-byte node and its listpack header are
 *   shared by the hundreds of elements a node holds.
 * - Cache behaviour. Walking (LRANGE, LPOS, LREM) reads node after node of
 *   contiguous bytes instead of chasing one pointer per element; seeking an
 *   index skips whole nodes by the counts cached in them without touching
 *   their listpacks.
 * - O(1) at both ends. The list keeps its head and tail nodes, and a push
 *   or pop touches only the end node: appending at a listpack's tail is a
 *   realloc, and the memmove of a head push or pop is bounded by the node
 *   size limit, not by the list's length.
 * A single listpack would be compact too, but every head operation would
 * move the whole list; bounding the nodes keeps that cost constant.
 *
 * Node size: `fill` is Redis's list-max-listpack-size. Negative values cap
 * a node's listpack bytes: -1 4 KiB, -2 8 KiB (the default), -3 16 KiB,
 * -4 32 KiB, -5 64 KiB (below -5 counts as -5). Zero or positive values
 * cap its element count (above 32767 counts as 32767), and such a node
 * still never grows past 8 KiB, Redis's safety limit. An element too big
 * for any node gets a node of its own. Nodes are never empty. Compression
 * of inner nodes (list-compress-depth) is not built.
 *
 * Positions (mr_ql_pos_t) name one element: its node and its offset in the
 * node's listpack. Any modification invalidates every position except the
 * one a function documents it leaves you with. Nothing here locks or
 * replies: the shard lock of the owning key covers the whole list. */
#ifndef MR_TYPES_QUICKLIST_H
#define MR_TYPES_QUICKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"
#include "types/listpack.h"

/* Ends (push, pop) and walking directions: towards the head or the tail. */
enum { MR_QL_HEAD = 0, MR_QL_TAIL = 1 };

#define MR_QL_FILL_DEFAULT (-2)
#define MR_QL_FILL_MAX 32767 /* largest element count per node */
#define MR_QL_SAFETY_LIMIT 8192 /* bytes, for count-bounded nodes */

typedef struct mr_ql_node {
    struct mr_ql_node *prev, *next;
    unsigned char *lp;
    uint32_t count; /* == mr_lp_count(lp), kept here for seeking */
    uint32_t bytes; /* == mr_lp_bytes(lp) */
} mr_ql_node_t;

typedef struct mr_ql {
    mr_ql_node_t *head, *tail;
    size_t count;   /* elements in the whole list */
    size_t nodes;
    int fill;       /* clamped list-max-listpack-size, fixed at creation */
} mr_ql_t;

typedef struct mr_ql_pos {
    mr_ql_node_t *node;
    size_t off; /* listpack position of the element inside node */
} mr_ql_pos_t;

/* A new empty list whose nodes are bounded by `fill` (see above); owned by
 * the caller, freed with mr_ql_free. */
mr_ql_t *mr_ql_new(int fill);
void mr_ql_free(mr_ql_t *ql);
/* A deep copy with the same fill and the same node boundaries (COPY). */
mr_ql_t *mr_ql_dup(const mr_ql_t *ql);
static inline size_t mr_ql_count(const mr_ql_t *ql) { return ql->count; }

/* Adds a copy of s[0..len) at the head or tail (MR_QL_HEAD / MR_QL_TAIL). */
void mr_ql_push(mr_ql_t *ql, int where, const void *s, size_t len);
/* Removes the element at the head or tail, first handing its bytes to fn
 * (they are only valid during the call). False, fn not called, when the
 * list is empty. */
typedef void (*mr_ql_elem_fn)(void *ctx, mr_str_t elem);
bool mr_ql_pop(mr_ql_t *ql, int where, mr_ql_elem_fn fn, void *ctx);

/* Position of element `index` (negative counts from the tail, -1 is the
 * last); false when out of range. Skips whole nodes from the nearer end. */
bool mr_ql_seek(const mr_ql_t *ql, long long index, mr_ql_pos_t *pos);
/* Moves pos one element towards the tail / head; false (pos unchanged)
 * past the end. */
bool mr_ql_next(mr_ql_pos_t *pos);
bool mr_ql_prev(mr_ql_pos_t *pos);
/* The element's bytes: borrowed from the list, or for an integer element
 * its decimal text in intbuf. Valid until the list is next modified. */
mr_str_t mr_ql_get(const mr_ql_pos_t *pos, char intbuf[MR_LP_INTBUF]);
/* mr_ql_get, then mr_ql_next, with one decode (LRANGE): returns the
 * element at pos and moves pos one towards the tail; *more is false (pos
 * unchanged) when that was the last element. */
mr_str_t mr_ql_get_next(mr_ql_pos_t *pos, char intbuf[MR_LP_INTBUF],
                        bool *more);
/* Whether the element equals s[0..len) byte for byte. */
bool mr_ql_eq(const mr_ql_pos_t *pos, const void *s, size_t len);

/* Replaces the element at pos with a copy of s (LSET). */
void mr_ql_replace(mr_ql_t *ql, const mr_ql_pos_t *pos, const void *s,
                   size_t len);
/* Inserts a copy of s before or after (MR_LP_BEFORE / MR_LP_AFTER) the
 * element at pos (LINSERT). A full node hands the element to a neighbour
 * with room or splits. */
void mr_ql_insert(mr_ql_t *ql, const mr_ql_pos_t *pos, int where,
                  const void *s, size_t len);
/* Deletes the element at pos. Returns true with pos on the element that
 * was its neighbour in direction `dir` (MR_QL_TAIL: the next one,
 * MR_QL_HEAD: the previous one), false when there is none, so LREM can
 * delete as it walks either way. */
bool mr_ql_delete(mr_ql_t *ql, mr_ql_pos_t *pos, int dir);
/* Deletes n elements starting at index start (0-based from the head),
 * both within the list: start + n <= count. Whole nodes in the range are
 * freed without being read (LTRIM). */
void mr_ql_delete_range(mr_ql_t *ql, size_t start, size_t n);

/* Checks the invariants (links, cached counts and sizes, no empty node,
 * every node within its fill unless it holds a single element) for tests;
 * false on the first violation. */
bool mr_ql_check(const mr_ql_t *ql);

#endif
