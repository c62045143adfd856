/* A sorted set value in either of its two encodings, behind one interface:
 * the data-structure half of the sorted set type (the commands, their
 * parsing and replies are src/types/t_zset.c). Pure: no replies, no
 * configuration, no locking; the shard lock of the key that owns the value
 * covers it. Unit-tested on its own against a reference model.
 *
 * Why these structures (the same choice as Redis 7.0, so that OBJECT
 * ENCODING, and the cost of every command, is what Redis users expect):
 *
 *  - "listpack" (small sets): one contiguous mr_lp_* listpack of member,
 *    score, member, score... kept sorted by (score, member). Under a
 *    hundred or so members a linear walk over a few KiB of contiguous
 *    memory beats any pointer structure, and a member costs a few bytes of
 *    framing instead of two nodes and three allocations.
 *  - "skiplist" (large sets): an mr_zsl_* ranked skip list of (score,
 *    member) for ordered walks, ranges and O(log n) rank, plus an mr_ft_*
 *    table of kind MR_FT_ZSET (member -> score + pointer to its skip-list
 *    node) so that ZSCORE and ZADD's "is it there" are O(1), and ZRANK is a
 *    table lookup plus one O(log n) descent. The skip list keeps a node's
 *    address when its score changes, so the table's pointer stays valid.
 *
 * A set starts as a listpack and becomes a skip list, for good, when it
 * would hold more than `max_entries` members or a member longer than
 * `max_value` bytes (mr_zset_limits_t, from zset-max-listpack-entries and
 * zset-max-listpack-value); results built by *STORE commands are small
 * listpacks again when they fit. Conversion is invisible in replies.
 *
 * Scores inside the listpack: a score that is a whole number of magnitude
 * below 2^52 is stored as that integer (the listpack's compact integer
 * encoding, often one byte), any other as a 9-byte string: a tag byte that
 * no canonical integer text starts with, then the double's 8 bytes. Reading
 * one back needs no strtod. As in Redis (whose listpack holds the integer's
 * text), -0 stored in a listpack reads back as 0; the skip list keeps the
 * sign.
 *
 * Scores are never NaN (callers reject NaN; mr_zset_add reports an
 * increment that would produce one). Members are binary-safe byte strings
 * below 4 GiB. */
#ifndef MR_TYPES_ZSET_H
#define MR_TYPES_ZSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"
#include "types/fieldtab.h"
#include "types/listpack.h"
#include "types/zskiplist.h"

typedef struct mr_zset {
    /* listpack encoding: ft == NULL and p is the listpack (unsigned char *);
     * skiplist encoding: p is the mr_zsl_t and ft the member table. The
     * struct stays put when the set converts, so the keyspace entry that
     * points at it never changes. */
    void *p;
    mr_ft_t *ft;
} mr_zset_t;

/* When a listpack must become a skip list (copied from the configuration
 * by the caller, once per command). */
typedef struct mr_zset_limits {
    size_t max_entries; /* most members a listpack holds */
    size_t max_value;   /* longest member a listpack holds, bytes */
} mr_zset_limits_t;

/* ---- life cycle ---- */

/* A new empty set in the listpack encoding; the caller owns it. */
mr_zset_t *mr_zset_new(void);
/* A new empty set in the skiplist encoding (ZADD on a new key when the
 * limits allow no listpack at all). */
mr_zset_t *mr_zset_new_skiplist(void);
/* Frees the set and everything it holds. NULL is ignored. */
void mr_zset_free(mr_zset_t *zs);
/* A deep copy in the same encoding (COPY). */
mr_zset_t *mr_zset_dup(const mr_zset_t *zs);

static inline bool mr_zset_is_listpack(const mr_zset_t *zs) {
    return zs->ft == NULL;
}
/* OBJECT ENCODING's word: "listpack" or "skiplist". */
const char *mr_zset_encoding_name(const mr_zset_t *zs);
/* Number of members, O(1). */
size_t mr_zset_len(const mr_zset_t *zs);
/* The member table (skiplist encoding only; NULL for a listpack), for
 * ZSCAN's cursor walk. Entries' scores are readable with mr_ft_score. */
static inline mr_ft_t *mr_zset_table(const mr_zset_t *zs) { return zs->ft; }

/* Listpack -> skiplist now (whatever the limits say). */
void mr_zset_convert_to_skiplist(mr_zset_t *zs);
/* Skiplist -> listpack when the set fits the limits (member count and
 * longest member); used on results of *STORE commands, as Redis does. */
void mr_zset_shrink_if_fits(mr_zset_t *zs, const mr_zset_limits_t *lim);

/* ---- single members ---- */

/* ZADD's flags (in) and outcome (out), as Redis's zsetAdd has them. */
enum {
    MR_ZADD_NX = 1u << 0,   /* only add new members */
    MR_ZADD_XX = 1u << 1,   /* only update existing members */
    MR_ZADD_GT = 1u << 2,   /* update only to a greater score */
    MR_ZADD_LT = 1u << 3,   /* update only to a lower score */
    MR_ZADD_INCR = 1u << 4, /* score is an increment */
};
enum {
    MR_ZADD_ADDED = 1u << 0,   /* the member was new */
    MR_ZADD_UPDATED = 1u << 1, /* its score changed */
    MR_ZADD_NOP = 1u << 2,     /* nothing was done (NX/XX/GT/LT said no) */
    MR_ZADD_NAN = 1u << 3,     /* INCR would produce NaN; nothing changed */
};

/* Adds member m with `score`, or updates it, following `flags`; returns the
 * MR_ZADD_ADDED/UPDATED/NOP/NAN outcome. Unless NOP or NAN, *newscore (if
 * not NULL) receives the member's score afterwards (the incremented one
 * with INCR). Converts to a skip list first when adding the member would
 * pass `lim`. Borrows m. score must not be NaN. */
unsigned mr_zset_add(mr_zset_t *zs, const mr_zset_limits_t *lim,
                     double score, const char *m, size_t len, unsigned flags,
                     double *newscore);
/* The score of m into *score; false if m is not a member. */
bool mr_zset_score(mr_zset_t *zs, const char *m, size_t len, double *score);
/* Removes m; false if it was not a member. The set may become empty (the
 * caller deletes the key). */
bool mr_zset_delete(mr_zset_t *zs, const char *m, size_t len);
/* 0-based rank of m, ascending or (reverse) descending; false if absent. */
bool mr_zset_rank(mr_zset_t *zs, const char *m, size_t len, bool reverse,
                  size_t *rank);
/* Removes the lowest (max false) or highest member, copying its bytes into
 * *member (replacing its contents) and its score into *score; false when
 * the set is empty. */
bool mr_zset_pop_end(mr_zset_t *zs, bool max, mr_buf_t *member, double *score);

/* A uniformly random member, borrowed (until the set is next modified) or
 * written into buf for a listpack integer; rnd gives 64 random bits. The set
 * must not be empty. */
void mr_zset_random(mr_zset_t *zs, uint64_t (*rnd)(void), mr_str_t *member,
                    char buf[MR_LP_INTBUF], double *score);

/* ---- ordered walks ----
 * An iterator stands on one member and moves in its direction (ascending,
 * or descending when `rev`). Start it with one of the _start functions,
 * then call mr_zset_it_next until it returns false: each true return makes
 * `member` and `score` the current member (member borrowed from the set, or
 * from it->buf for a listpack integer, valid until the next call). The set
 * must not be modified while an iterator is in use. */
typedef struct mr_zset_it {
    mr_zset_t *zs;
    bool rev;
    size_t lp;           /* listpack: position of the next member, or NONE */
    mr_zsl_node_t *node; /* skiplist: the next node, or NULL */
    mr_str_t member;
    double score;
    char buf[MR_LP_INTBUF];
} mr_zset_it_t;

/* From the member at 0-based rank `rank` counted in the walk's direction
 * (rank 0 with rev is the highest member); past the end yields nothing. */
void mr_zset_it_start_rank(mr_zset_it_t *it, mr_zset_t *zs, size_t rank,
                           bool rev);
/* From the first member (in the walk's direction) whose score lies in r;
 * the caller stops when scores leave r (mr_zset_score_in). */
void mr_zset_it_start_score(mr_zset_it_t *it, mr_zset_t *zs,
                            const mr_zsl_range_t *r, bool rev);
/* From the first member (in the walk's direction) inside the lex range. */
void mr_zset_it_start_lex(mr_zset_it_t *it, mr_zset_t *zs,
                          const mr_zsl_lexrange_t *r, bool rev);
bool mr_zset_it_next(mr_zset_it_t *it);

/* Whether `score` is at or above the range's min / at or below its max. */
static inline bool mr_zset_score_gte_min(double score,
                                         const mr_zsl_range_t *r) {
    return r->minex ? score > r->min : score >= r->min;
}
static inline bool mr_zset_score_lte_max(double score,
                                         const mr_zsl_range_t *r) {
    return r->maxex ? score < r->max : score <= r->max;
}
/* Same for members against a lex range's ends. */
bool mr_zset_lex_gte_min(mr_str_t m, const mr_zsl_lexrange_t *r);
bool mr_zset_lex_lte_max(mr_str_t m, const mr_zsl_lexrange_t *r);

/* Members whose score lies in r / whose member lies in lr. */
size_t mr_zset_count_range(mr_zset_t *zs, const mr_zsl_range_t *r);
size_t mr_zset_count_lexrange(mr_zset_t *zs, const mr_zsl_lexrange_t *lr);

/* Range deletes; each returns how many members went (the set may become
 * empty). Ranks are 0-based ascending, start <= end < length. */
size_t mr_zset_delete_range(mr_zset_t *zs, const mr_zsl_range_t *r);
size_t mr_zset_delete_lexrange(mr_zset_t *zs, const mr_zsl_lexrange_t *lr);
size_t mr_zset_delete_rank_range(mr_zset_t *zs, size_t start, size_t end);

/* ---- building results ----
 * Takes `acc`, a table of kind MR_FT_ZSET holding member -> score (pointer
 * slots unused), and turns it into a sorted set: a listpack when it fits
 * `lim` (the table is freed), else a skip list that adopts the table as
 * its member table. acc must not be empty. */
mr_zset_t *mr_zset_from_table(mr_ft_t *acc, const mr_zset_limits_t *lim);
/* qsort comparator for arrays of MR_FT_ZSET entry pointers: the sorted set
 * order, by score, then member bytes. */
int mr_zset_cmp_entries(const void *a, const void *b);

/* ---- score parsing (Redis's rules, exactly) ---- */

/* A score or increment as ZADD/ZINCRBY/WEIGHTS read it (Redis string2d):
 * strtod over the whole argument, no leading space, no NaN, overflow and
 * underflow to zero refused; "inf", "-inf", "+inf" and hex are accepted.
 * Any length. */
bool mr_zset_parse_score(const char *s, size_t len, double *out);
/* One end of a score range as ZRANGEBYSCORE reads it (Redis zslParseRange):
 * an optional '(' for an exclusive end, then strtod up to the argument's
 * first NUL byte, which must consume everything; leading spaces are
 * accepted, the empty string is 0, NaN is refused, overflow gives +-inf. */
bool mr_zset_parse_range_end(const char *s, size_t len, double *out,
                             bool *exclusive);
/* One end of a lex range: "-", "+", "[x" or "(x". Like Redis, which reads
 * the argument as a C string, "-" and "+" may be followed by a NUL byte and
 * anything. The bound borrows s. */
bool mr_zset_parse_lex_end(const char *s, size_t len,
                           mr_zsl_lex_bound_t *out);

#endif
