/* The ordered index of a large sorted set: a skip list (Pugh) of
 * (score, member) pairs ordered by score, then by member bytes (memcmp; on a
 * common prefix the shorter member comes first), with a span per forward
 * link so that rank <-> node is O(log n).
 *
 * Pure structure: no replies, no locking (the shard lock covers the sorted
 * set that owns the list). One allocation per node: the member bytes live
 * inside the node. Scores compare with the C operators, so -0.0 and 0.0 are
 * equal scores (ordered by member) yet each keeps its own sign, as Redis
 * does. Scores are never NaN: callers reject NaN before calling (asserted).
 *
 * Node pointers stay valid until that node is deleted; update_score keeps
 * the same node, so a member dict may point at nodes. */
#ifndef MR_TYPES_ZSKIPLIST_H
#define MR_TYPES_ZSKIPLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MR_ZSL_MAX_LEVEL 32

typedef struct mr_zsl_node mr_zsl_node_t;

struct mr_zsl_link {
    mr_zsl_node_t *forward;
    size_t span; /* level-0 steps from this node to `forward` */
};

struct mr_zsl_node {
    double score;
    mr_zsl_node_t *backward; /* NULL for the first node */
    uint32_t mlen;           /* member length in bytes */
    uint8_t nlevel;          /* entries in level[] */
    /* level[nlevel], then the member bytes (not NUL-terminated) */
    struct mr_zsl_link level[];
};

typedef struct mr_zsl {
    mr_zsl_node_t *head; /* sentinel with MR_ZSL_MAX_LEVEL levels, no member */
    mr_zsl_node_t *tail; /* last node or NULL */
    size_t length;
    int level;           /* highest level in use, >= 1 */
    uint64_t rng;        /* level PRNG state (xorshift64*) */
} mr_zsl_t;

/* Score range [min, max]; minex/maxex make that end exclusive. min/max may
 * be -inf/+inf, never NaN. min > max is simply an empty range. */
typedef struct mr_zsl_range {
    double min, max;
    bool minex, maxex;
} mr_zsl_range_t;

/* One end of a ZRANGEBYLEX range: '-', '+', '[x' or '(x'. */
typedef enum mr_zsl_lex_kind {
    MR_ZSL_LEX_MINUS, /* '-': below every member */
    MR_ZSL_LEX_PLUS,  /* '+': above every member */
    MR_ZSL_LEX_INCL,  /* '[x' */
    MR_ZSL_LEX_EXCL,  /* '(x' */
} mr_zsl_lex_kind_t;

/* ptr/len borrow the caller's bytes (only meaningful for INCL/EXCL). */
typedef struct mr_zsl_lex_bound {
    mr_zsl_lex_kind_t kind;
    const char *ptr;
    size_t len;
} mr_zsl_lex_bound_t;

typedef struct mr_zsl_lexrange {
    mr_zsl_lex_bound_t min, max;
} mr_zsl_lexrange_t;

/* Called once per node removed by a range delete, just before the node is
 * freed: the node (score, member) is still readable, but the callback must
 * not touch the list. */
typedef void (*mr_zsl_removed_fn)(void *ctx, const mr_zsl_node_t *node);

/* A new empty list; the caller owns it (mr_zsl_free). `seed` drives the
 * random node levels, so equal seeds and operations give equal shapes. */
mr_zsl_t *mr_zsl_create(uint64_t seed);
/* Frees every node and the list itself. NULL is ignored. */
void mr_zsl_free(mr_zsl_t *zsl);

static inline size_t mr_zsl_length(const mr_zsl_t *zsl) { return zsl->length; }

/* Inserts (score, member) and returns its node, owned by the list. Copies
 * `member` (len bytes, binary-safe, len <= UINT32_MAX). The caller
 * guarantees the member is not already present (its dict says so). */
mr_zsl_node_t *mr_zsl_insert(mr_zsl_t *zsl, double score, const void *member,
                             size_t len);
/* Removes and frees the node holding exactly (score, member); false if there
 * is none. `member` may point into that very node. */
bool mr_zsl_delete(mr_zsl_t *zsl, double score, const void *member,
                   size_t len);
/* The node holding exactly (score, member), or NULL. */
mr_zsl_node_t *mr_zsl_find(const mr_zsl_t *zsl, double score,
                           const void *member, size_t len);
/* Sets the score of `node` (which must belong to zsl) to new_score and
 * returns the same node. It is relinked only when its position in the order
 * changes; the pointer stays valid either way. */
mr_zsl_node_t *mr_zsl_update_score(mr_zsl_t *zsl, mr_zsl_node_t *node,
                                   double new_score);
/* Same, finding the node by (old_score, member); NULL if it is not there. */
mr_zsl_node_t *mr_zsl_update_score_of(mr_zsl_t *zsl, double old_score,
                                      const void *member, size_t len,
                                      double new_score);

/* 0-based rank of (score, member) into *rank: ascending order, or descending
 * (ZREVRANK) when `reverse`. False (and *rank untouched) if absent. */
bool mr_zsl_rank(const mr_zsl_t *zsl, double score, const void *member,
                 size_t len, bool reverse, size_t *rank);
/* The node at 0-based ascending rank, or NULL if rank >= length. For a
 * reverse rank r pass length - 1 - r. O(log n). */
mr_zsl_node_t *mr_zsl_node_by_rank(const mr_zsl_t *zsl, size_t rank);

/* First / last node (NULL when empty); walk with mr_zsl_next/mr_zsl_prev. */
static inline mr_zsl_node_t *mr_zsl_first(const mr_zsl_t *zsl) {
    return zsl->head->level[0].forward;
}
static inline mr_zsl_node_t *mr_zsl_last(const mr_zsl_t *zsl) {
    return zsl->tail;
}
/* The following / preceding node, NULL at the end. */
static inline mr_zsl_node_t *mr_zsl_next(const mr_zsl_node_t *n) {
    return n->level[0].forward;
}
static inline mr_zsl_node_t *mr_zsl_prev(const mr_zsl_node_t *n) {
    return n->backward;
}

/* Node accessors. The member pointer borrows the node's bytes (valid until
 * the node is deleted; not NUL-terminated). */
static inline double mr_zsl_node_score(const mr_zsl_node_t *n) {
    return n->score;
}
static inline const char *mr_zsl_node_member(const mr_zsl_node_t *n) {
    return (const char *)&n->level[n->nlevel];
}
static inline size_t mr_zsl_node_member_len(const mr_zsl_node_t *n) {
    return n->mlen;
}

/* True when no score at all can fall inside r (min > max, or min == max with
 * an exclusive end). */
bool mr_zsl_range_is_empty(const mr_zsl_range_t *r);
/* First (lowest) / last (highest) node whose score lies in r, or NULL. */
mr_zsl_node_t *mr_zsl_first_in_range(const mr_zsl_t *zsl,
                                     const mr_zsl_range_t *r);
mr_zsl_node_t *mr_zsl_last_in_range(const mr_zsl_t *zsl,
                                    const mr_zsl_range_t *r);

/* Parses one ZRANGEBYLEX bound: "-", "+", "[x" or "(x" (x may be empty or
 * hold any bytes). The bound borrows s. False for anything else (the caller
 * replies "min or max not valid string range item"). */
bool mr_zsl_parse_lex_bound(const char *s, size_t len,
                            mr_zsl_lex_bound_t *out);
/* True when no member can fall inside r ('+' as min, '-' as max, min > max,
 * equal strings with an exclusive end). */
bool mr_zsl_lexrange_is_empty(const mr_zsl_lexrange_t *r);
/* First / last node whose member lies in r, or NULL. Only meaningful when
 * every score in the list is equal (ZRANGEBYLEX's precondition): the walk
 * compares members alone. */
mr_zsl_node_t *mr_zsl_first_in_lexrange(const mr_zsl_t *zsl,
                                        const mr_zsl_lexrange_t *r);
mr_zsl_node_t *mr_zsl_last_in_lexrange(const mr_zsl_t *zsl,
                                       const mr_zsl_lexrange_t *r);

/* Range deletes: remove every node in the range, calling removed(ctx, node)
 * (may be NULL) for each before freeing it; return how many went. */
size_t mr_zsl_delete_range(mr_zsl_t *zsl, const mr_zsl_range_t *r,
                           mr_zsl_removed_fn removed, void *ctx);
/* Same precondition as mr_zsl_first_in_lexrange (all scores equal). */
size_t mr_zsl_delete_lexrange(mr_zsl_t *zsl, const mr_zsl_lexrange_t *r,
                              mr_zsl_removed_fn removed, void *ctx);
/* Removes ranks start..end, 0-based and inclusive, in ascending order;
 * end is clamped to length - 1; start > end removes nothing. */
size_t mr_zsl_delete_rank_range(mr_zsl_t *zsl, size_t start, size_t end,
                                mr_zsl_removed_fn removed, void *ctx);

#endif
