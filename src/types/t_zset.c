/* Sorted set commands: ZADD ZINCRBY ZREM ZSCORE ZMSCORE ZCARD ZCOUNT
 * ZLEXCOUNT ZRANK ZREVRANK, the ZRANGE family (ZRANGE with BYSCORE, BYLEX,
 * REV, LIMIT and WITHSCORES, ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE,
 * Z[REV]RANGEBYLEX), ZPOPMIN ZPOPMAX ZMPOP, ZREMRANGEBYRANK/SCORE/LEX,
 * ZUNION ZINTER ZDIFF and their *STORE forms, ZINTERCARD, ZRANDMEMBER and
 * ZSCAN, with Redis 7.0's replies, error texts and argument-check order.
 *
 * The value (two encodings, conversion, walks) is src/types/zset.c; this
 * file parses arguments, looks keys up and replies. A sorted set that
 * becomes empty is deleted, as in Redis. Keys sit in the entry as an
 * mr_zset_t pointer that never changes while the key lives (the set
 * converts inside it), so the entry's encoding bits are not used.
 *
 * Locking: dispatch holds the shard lock of every key before a handler
 * runs (the row's first/last/step, or the keys a getkeys hook finds after
 * numkeys). Allocations are sized by data that exists (argc, a set's
 * size), never by a count the client sent; replies whose length a client
 * picks (ZRANDMEMBER with a huge negative count) are cut off like
 * HRANDFIELD's. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/block.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "proto/errors.h"
#include "types/fieldtab.h"
#include "types/scan.h"
#include "types/setval.h"
#include "types/t_zset.h"
#include "types/zset.h"

#define ERR_NAN_SCORE "ERR resulting score is not a number (NaN)"
#define ERR_XX_NX "ERR XX and NX options at the same time are not compatible"
#define ERR_GT_LT_NX \
    "ERR GT, LT, and/or NX options at the same time are not compatible"
#define ERR_INCR_PAIR "ERR INCR option supports a single increment-element pair"
#define ERR_RANGE_FLOAT "ERR min or max is not a float"
#define ERR_RANGE_LEX "ERR min or max not valid string range item"
#define ERR_LIMIT_RANK \
    "ERR syntax error, LIMIT is only supported in combination with either " \
    "BYSCORE or BYLEX"
#define ERR_WITHSCORES_LEX \
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
#define ERR_POSITIVE "ERR value is out of range, must be positive"
#define ERR_WEIGHT "ERR weight value is not a float"
#define ERR_LIMIT_NEG "ERR LIMIT can't be negative"
#define ERR_NUMKEYS "ERR numkeys should be greater than 0"
#define ERR_COUNT "ERR count should be greater than 0"
#define ERR_OUT_OF_RANGE "ERR value is out of range"

/* ---- helpers ---- */

static mr_zset_limits_t limits(void) {
    /* both options are bounded to 0..LLONG_MAX by the option table */
    return (mr_zset_limits_t){
        (size_t)MR_CFG(zset_max_listpack_entries),
        (size_t)MR_CFG(zset_max_listpack_value)};
}

/* Looks argv[i] up. Returns false after replying WRONGTYPE; otherwise *zs
 * is the sorted set, or NULL when the key is absent. */
static bool lookup(mr_call_t *call, int i, bool write, mr_zset_t **zs) {
    mr_entry_t *e;
    if (!mr_arg_lookup(call, i, write, MR_T_ZSET, &e)) return false;
    *zs = e ? mr_entry_obj(e) : NULL;
    return true;
}

/* Deletes argv[i] when its sorted set has become empty. */
static void drop_if_empty(mr_call_t *call, int i, mr_zset_t *zs) {
    if (mr_zset_len(zs) == 0) {
        mr_db_delete_locked(call->db, call->argv[i].ptr, call->argv[i].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
    }
}

/* argv[i] as a long (Redis getLongFromObjectOrReply); replies on failure. */
static bool arg_long(mr_call_t *call, int i, long long *out) {
    return mr_arg_ll(call, i, out);
}

/* *STORE: dst (argv[i]) becomes zs, replacing whatever it held, or is
 * deleted when zs is NULL; replies the new cardinality. Takes zs. */
static void store_result(mr_call_t *call, int i, mr_zset_t *zs) {
    mr_str_t k = call->argv[i];
    bool existed = mr_db_delete_locked(call->db, k.ptr, k.len, call->now_ms);
    if (!zs) {
        if (existed) call->dirty++;
        if (existed) notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_db_add_obj_locked(call->db, k.ptr, k.len, MR_T_ZSET, 0, zs);
    call->dirty++;
    /* the event is the command's name: zunionstore, zrangestore, ... */
    notify_arg(call, MR_NOTIFY_ZSET, call->cmd ? call->cmd->name : "", i);
    mr_reply_int(call->reply, (long long)mr_zset_len(zs));
}

/* ---- ZADD / ZINCRBY ---- */

static void zadd_generic(mr_call_t *call, unsigned flags) {
    bool ch = false;
    int idx = 2;
    /* options come first; the first word that is none starts the pairs */
    for (; idx < call->argc; idx++) {
        mr_str_t a = call->argv[idx];
        if (mr_str_eq_ci(a, "nx")) flags |= MR_ZADD_NX;
        else if (mr_str_eq_ci(a, "xx")) flags |= MR_ZADD_XX;
        else if (mr_str_eq_ci(a, "ch")) ch = true;
        else if (mr_str_eq_ci(a, "incr")) flags |= MR_ZADD_INCR;
        else if (mr_str_eq_ci(a, "gt")) flags |= MR_ZADD_GT;
        else if (mr_str_eq_ci(a, "lt")) flags |= MR_ZADD_LT;
        else break;
    }
    int elements = call->argc - idx;
    if (elements % 2 || elements == 0) {
        mr_reply_syntax_err(call);
        return;
    }
    elements /= 2;
    bool nx = flags & MR_ZADD_NX, xx = flags & MR_ZADD_XX;
    bool gt = flags & MR_ZADD_GT, lt = flags & MR_ZADD_LT;
    bool incr = flags & MR_ZADD_INCR;
    if (nx && xx) {
        mr_reply_err(call->reply, ERR_XX_NX);
        return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        mr_reply_err(call->reply, ERR_GT_LT_NX);
        return;
    }
    if (incr && elements > 1) {
        mr_reply_err(call->reply, ERR_INCR_PAIR);
        return;
    }
    /* every score parses before anything changes: all or nothing */
    double one, *scores = elements == 1 ? &one
                                        : mr_xmalloc(sizeof *scores *
                                                     (size_t)elements);
    for (int j = 0; j < elements; j++) {
        mr_str_t s = call->argv[idx + 2 * j];
        if (!mr_zset_parse_score(s.ptr, s.len, &scores[j])) {
            mr_reply_err(call->reply, MR_ERR_NOT_FLOAT);
            goto done;
        }
    }
    mr_zset_t *zs;
    if (!lookup(call, 1, true, &zs)) goto done;
    mr_zset_limits_t lim = limits();
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    if (!zs) {
        if (xx) goto reply; /* nothing to update, and nothing is created */
        /* as Redis: the first member alone decides the first encoding */
        zs = lim.max_entries == 0 || lim.max_value < call->argv[idx + 1].len
                 ? mr_zset_new_skiplist()
                 : mr_zset_new();
        mr_db_add_obj_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                             MR_T_ZSET, 0, zs);
    }
    for (int j = 0; j < elements; j++) {
        mr_str_t m = call->argv[idx + 2 * j + 1];
        double newscore = 0;
        unsigned r = mr_zset_add(zs, &lim, scores[j], m.ptr, m.len, flags,
                                 &newscore);
        if (r & MR_ZADD_NAN) {
            mr_reply_err(call->reply, ERR_NAN_SCORE);
            goto done;
        }
        if (r & MR_ZADD_ADDED) added++;
        if (r & MR_ZADD_UPDATED) updated++;
        if (!(r & MR_ZADD_NOP)) {
            processed++;
            score = newscore;
        }
    }
    call->dirty += added + updated;
    if (added + updated)
        notify_arg(call, MR_NOTIFY_ZSET, incr ? "zincr" : "zadd", 1);
reply:
    if (incr) {
        if (processed)
            mr_reply_double(call->reply, score);
        else
            mr_reply_null(call->reply);
    } else {
        mr_reply_int(call->reply, ch ? added + updated : added);
    }
done:
    if (scores != &one) mr_free(scores);
}

void cmd_zadd(mr_call_t *call) { zadd_generic(call, 0); }
void cmd_zincrby(mr_call_t *call) { zadd_generic(call, MR_ZADD_INCR); }

/* ---- single members ---- */

void cmd_zrem(mr_call_t *call) {
    mr_zset_t *zs;
    if (!lookup(call, 1, true, &zs)) return;
    long long deleted = 0;
    if (zs) {
        for (int i = 2; i < call->argc; i++) {
            if (mr_zset_delete(zs, call->argv[i].ptr, call->argv[i].len))
                deleted++;
            if (mr_zset_len(zs) == 0) break; /* Redis stops once empty */
        }
        if (deleted) notify_arg(call, MR_NOTIFY_ZSET, "zrem", 1);
        drop_if_empty(call, 1, zs);
    }
    call->dirty += deleted;
    mr_reply_int(call->reply, deleted);
}

void cmd_zscore(mr_call_t *call) {
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    double score;
    if (zs && mr_zset_score(zs, call->argv[2].ptr, call->argv[2].len, &score))
        mr_reply_double(call->reply, score);
    else
        mr_reply_null(call->reply);
}

void cmd_zmscore(mr_call_t *call) {
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    mr_reply_array(call->reply, call->argc - 2);
    for (int i = 2; i < call->argc; i++) {
        double score;
        if (zs &&
            mr_zset_score(zs, call->argv[i].ptr, call->argv[i].len, &score))
            mr_reply_double(call->reply, score);
        else
            mr_reply_null(call->reply);
    }
}

void cmd_zcard(mr_call_t *call) {
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    mr_reply_int(call->reply, zs ? (long long)mr_zset_len(zs) : 0);
}

static void rank_generic(mr_call_t *call, bool reverse) {
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    size_t rank;
    if (zs && mr_zset_rank(zs, call->argv[2].ptr, call->argv[2].len, reverse,
                           &rank))
        mr_reply_int(call->reply, (long long)rank);
    else
        mr_reply_null(call->reply);
}

void cmd_zrank(mr_call_t *call) { rank_generic(call, false); }
void cmd_zrevrank(mr_call_t *call) { rank_generic(call, true); }

/* ---- ranges: parsing ---- */

static bool parse_range(mr_call_t *call, int imin, int imax,
                        mr_zsl_range_t *r) {
    mr_str_t a = call->argv[imin], b = call->argv[imax];
    if (!mr_zset_parse_range_end(a.ptr, a.len, &r->min, &r->minex) ||
        !mr_zset_parse_range_end(b.ptr, b.len, &r->max, &r->maxex)) {
        mr_reply_err(call->reply, ERR_RANGE_FLOAT);
        return false;
    }
    return true;
}

static bool parse_lexrange(mr_call_t *call, int imin, int imax,
                           mr_zsl_lexrange_t *r) {
    mr_str_t a = call->argv[imin], b = call->argv[imax];
    if (!mr_zset_parse_lex_end(a.ptr, a.len, &r->min) ||
        !mr_zset_parse_lex_end(b.ptr, b.len, &r->max)) {
        mr_reply_err(call->reply, ERR_RANGE_LEX);
        return false;
    }
    return true;
}

void cmd_zcount(mr_call_t *call) {
    mr_zsl_range_t r;
    if (!parse_range(call, 2, 3, &r)) return;
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    mr_reply_int(call->reply, zs ? (long long)mr_zset_count_range(zs, &r) : 0);
}

void cmd_zlexcount(mr_call_t *call) {
    mr_zsl_lexrange_t r;
    if (!parse_lexrange(call, 2, 3, &r)) return;
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    mr_reply_int(call->reply,
                 zs ? (long long)mr_zset_count_lexrange(zs, &r) : 0);
}

/* ---- the ZRANGE family ---- */

typedef enum { BY_AUTO, BY_RANK, BY_SCORE, BY_LEX } range_by_t;
typedef enum { DIR_AUTO, DIR_FORWARD, DIR_REVERSE } range_dir_t;

/* Where the members of a range go: to the client, or into a new sorted
 * set for ZRANGESTORE. */
typedef struct range_out {
    mr_call_t *call;
    bool store;
    bool withscores;  /* scores are written (client) */
    bool deferred;    /* the client header waits for the count */
    size_t mark;
    mr_zset_t *dst;   /* store */
    mr_zset_limits_t lim;
} range_out_t;

/* len > 0: the count is known; otherwise it is written at the end. */
static void out_begin(range_out_t *o, long long len) {
    if (o->store) {
        o->dst = mr_zset_new();
        o->lim = limits();
        return;
    }
    mr_reply_t *r = o->call->reply;
    o->deferred = len <= 0;
    if (o->deferred) {
        o->mark = mr_reply_defer(r);
        return;
    }
    mr_reply_array(r, (long)(o->withscores && r->resp == 2 ? 2 * len : len));
}

static void out_emit(range_out_t *o, mr_str_t m, double score) {
    if (o->store) {
        mr_zset_add(o->dst, &o->lim, score, m.ptr, m.len, 0, NULL);
        return;
    }
    mr_reply_t *r = o->call->reply;
    if (o->withscores && r->resp > 2) mr_reply_array(r, 2);
    mr_reply_bulk(r, m.ptr, m.len);
    if (o->withscores) mr_reply_double(r, score);
}

static void out_end(range_out_t *o, long long count, int dst_idx) {
    if (o->store) {
        if (count == 0) {
            mr_zset_free(o->dst);
            o->dst = NULL;
        }
        store_result(o->call, dst_idx, o->dst);
        return;
    }
    mr_reply_t *r = o->call->reply;
    if (o->deferred)
        mr_reply_defer_array(r, o->mark,
                             (long)(o->withscores && r->resp == 2 ? 2 * count
                                                                  : count));
}

static void range_by_rank(range_out_t *o, mr_zset_t *zs, long long start,
                          long long end, bool rev) {
    long long len = (long long)mr_zset_len(zs);
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        out_begin(o, 0);
        out_end(o, 0, 1);
        return;
    }
    if (end >= len) end = len - 1;
    long long n = end - start + 1;
    out_begin(o, n);
    mr_zset_it_t it;
    mr_zset_it_start_rank(&it, zs, (size_t)start, rev);
    for (long long i = 0; i < n && mr_zset_it_next(&it); i++)
        out_emit(o, it.member, it.score);
    out_end(o, n, 1);
}

/* Skips `offset` members (a negative offset walks past the end, as in
 * Redis, where it never counts down to zero), then emits up to `limit`
 * members (negative: no limit) while `in` accepts them. */
static long long range_walk(range_out_t *o, mr_zset_it_t *it,
                            long long offset, long long limit,
                            bool (*in)(const mr_zset_it_t *, const void *),
                            const void *r) {
    if (offset < 0) return 0;
    while (offset > 0 && mr_zset_it_next(it)) offset--;
    if (offset > 0) return 0;
    long long n = 0;
    while (limit != 0 && mr_zset_it_next(it)) {
        if (!in(it, r)) break;
        out_emit(o, it->member, it->score);
        n++;
        if (limit > 0) limit--;
    }
    return n;
}

static bool score_in_fwd(const mr_zset_it_t *it, const void *r) {
    return mr_zset_score_lte_max(it->score, r);
}
static bool score_in_rev(const mr_zset_it_t *it, const void *r) {
    return mr_zset_score_gte_min(it->score, r);
}
static bool lex_in_fwd(const mr_zset_it_t *it, const void *r) {
    return mr_zset_lex_lte_max(it->member, r);
}
static bool lex_in_rev(const mr_zset_it_t *it, const void *r) {
    return mr_zset_lex_gte_min(it->member, r);
}

/* ZRANGE, ZRANGESTORE and the older forms. `src` is the source key's argv
 * index (min and max follow it); by/dir are fixed by the older forms and
 * BY_AUTO/DIR_AUTO for ZRANGE and ZRANGESTORE, which take them as options.
 * Checks in Redis's order: options, conflicts, the range, then the key. */
static void zrange_generic(mr_call_t *call, int src, bool store,
                           range_by_t by, range_dir_t dir) {
    int imin = src + 1, imax = src + 2;
    bool withscores = false;
    long long offset = 0, limit = -1;
    for (int j = src + 3; j < call->argc; j++) {
        mr_str_t a = call->argv[j];
        int left = call->argc - j - 1;
        if (!store && mr_str_eq_ci(a, "withscores")) {
            withscores = true;
        } else if (mr_str_eq_ci(a, "limit") && left >= 2) {
            if (!arg_long(call, j + 1, &offset) ||
                !arg_long(call, j + 2, &limit))
                return;
            j += 2;
        } else if (dir == DIR_AUTO && mr_str_eq_ci(a, "rev")) {
            dir = DIR_REVERSE;
        } else if (by == BY_AUTO && mr_str_eq_ci(a, "bylex")) {
            by = BY_LEX;
        } else if (by == BY_AUTO && mr_str_eq_ci(a, "byscore")) {
            by = BY_SCORE;
        } else {
            mr_reply_syntax_err(call);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FORWARD;
    if (by == BY_AUTO) by = BY_RANK;
    /* Redis tells "no LIMIT" by the default count (-1), so LIMIT x -1 on
     * a rank range passes this check there too */
    if (limit != -1 && by == BY_RANK) {
        mr_reply_err(call->reply, ERR_LIMIT_RANK);
        return;
    }
    if (withscores && by == BY_LEX) {
        mr_reply_err(call->reply, ERR_WITHSCORES_LEX);
        return;
    }
    bool rev = dir == DIR_REVERSE;
    if (rev && by != BY_RANK) { /* the range is given as max, min */
        int t = imin;
        imin = imax;
        imax = t;
    }
    long long start = 0, end = 0;
    mr_zsl_range_t range;
    mr_zsl_lexrange_t lex;
    switch (by) {
    case BY_SCORE:
        if (!parse_range(call, imin, imax, &range)) return;
        break;
    case BY_LEX:
        if (!parse_lexrange(call, imin, imax, &lex)) return;
        break;
    default:
        if (!arg_long(call, imin, &start) || !arg_long(call, imax, &end))
            return;
        break;
    }
    range_out_t o = {.call = call, .store = store, .withscores = withscores};
    mr_zset_t *zs;
    if (!lookup(call, src, false, &zs)) return;
    if (!zs) {
        if (store) {
            out_begin(&o, -1);
            out_end(&o, 0, 1);
        } else {
            mr_reply_array(call->reply, 0);
        }
        return;
    }
    if (by == BY_RANK) {
        range_by_rank(&o, zs, start, end, rev);
        return;
    }
    out_begin(&o, -1);
    mr_zset_it_t it;
    long long n;
    if (by == BY_SCORE) {
        /* an offset past the end answers at once, before any walk */
        if (offset > 0 && offset >= (long long)mr_zset_len(zs)) {
            out_end(&o, 0, 1);
            return;
        }
        mr_zset_it_start_score(&it, zs, &range, rev);
        n = range_walk(&o, &it, offset, limit,
                       rev ? score_in_rev : score_in_fwd, &range);
    } else {
        mr_zset_it_start_lex(&it, zs, &lex, rev);
        n = range_walk(&o, &it, offset, limit, rev ? lex_in_rev : lex_in_fwd,
                       &lex);
    }
    out_end(&o, n, 1);
}

void cmd_zrange(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_AUTO, DIR_AUTO);
}
void cmd_zrangestore(mr_call_t *call) {
    zrange_generic(call, 2, true, BY_AUTO, DIR_AUTO);
}
void cmd_zrevrange(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_RANK, DIR_REVERSE);
}
void cmd_zrangebyscore(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_SCORE, DIR_FORWARD);
}
void cmd_zrevrangebyscore(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_SCORE, DIR_REVERSE);
}
void cmd_zrangebylex(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_LEX, DIR_FORWARD);
}
void cmd_zrevrangebylex(mr_call_t *call) {
    zrange_generic(call, 1, false, BY_LEX, DIR_REVERSE);
}

/* ---- ZREMRANGEBY* ---- */

static void remrange_generic(mr_call_t *call, range_by_t by) {
    long long start = 0, end = 0;
    mr_zsl_range_t range;
    mr_zsl_lexrange_t lex;
    if (by == BY_RANK) {
        if (!arg_long(call, 2, &start) || !arg_long(call, 3, &end)) return;
    } else if (by == BY_SCORE) {
        if (!parse_range(call, 2, 3, &range)) return;
    } else if (!parse_lexrange(call, 2, 3, &lex)) {
        return;
    }
    mr_zset_t *zs;
    if (!lookup(call, 1, true, &zs)) return;
    if (!zs) {
        mr_reply_int(call->reply, 0);
        return;
    }
    size_t deleted;
    if (by == BY_RANK) {
        long long len = (long long)mr_zset_len(zs);
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) {
            mr_reply_int(call->reply, 0);
            return;
        }
        if (end >= len) end = len - 1;
        deleted = mr_zset_delete_rank_range(zs, (size_t)start, (size_t)end);
    } else if (by == BY_SCORE) {
        deleted = mr_zset_delete_range(zs, &range);
    } else {
        deleted = mr_zset_delete_lexrange(zs, &lex);
    }
    /* the event is the command's name: zremrangebyrank, ... */
    if (deleted) notify_arg(call, MR_NOTIFY_ZSET, call->cmd->name, 1);
    drop_if_empty(call, 1, zs);
    call->dirty += (long long)deleted;
    mr_reply_int(call->reply, (long long)deleted);
}

void cmd_zremrangebyrank(mr_call_t *call) { remrange_generic(call, BY_RANK); }
void cmd_zremrangebyscore(mr_call_t *call) {
    remrange_generic(call, BY_SCORE);
}
void cmd_zremrangebylex(mr_call_t *call) { remrange_generic(call, BY_LEX); }

/* ---- popping ---- */

/* Pops one member; *emptied says whether that deleted the key. */
static mr_zpop_result_t pop_one_locked(int db, const void *key, size_t klen,
                                       int64_t now_ms, bool max,
                                       mr_buf_t *member, double *score,
                                       bool *emptied) {
    *emptied = false;
    mr_entry_t *e = mr_db_lookup_write_locked(db, key, klen, now_ms);
    if (!e) return MR_ZPOP_NONE;
    if (mr_entry_type(e) != MR_T_ZSET) return MR_ZPOP_WRONGTYPE;
    mr_zset_t *zs = mr_entry_obj(e);
    bool ok = mr_zset_pop_end(zs, max, member, score);
    if (mr_zset_len(zs) == 0) {
        mr_db_delete_locked(db, key, klen, now_ms);
        *emptied = true;
    }
    return ok ? MR_ZPOP_OK : MR_ZPOP_NONE;
}

/* One notification per popping command, as Redis: the pop, then "del"
 * when the set is gone. */
static void notify_zpop(int db, mr_str_t key, bool max, bool emptied) {
    mr_notify(MR_NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key.ptr, key.len,
              db);
    if (emptied) mr_notify(MR_NOTIFY_GENERIC, "del", key.ptr, key.len, db);
}

mr_zpop_result_t mr_zset_pop_locked(int db, const void *key, size_t klen,
                                    int64_t now_ms, bool max,
                                    mr_buf_t *member, double *score) {
    bool emptied;
    mr_zpop_result_t r =
        pop_one_locked(db, key, klen, now_ms, max, member, score, &emptied);
    if (r == MR_ZPOP_OK)
        notify_zpop(db, (mr_str_t){key, klen}, max, emptied);
    return r;
}

mr_zpop_result_t mr_zset_pop(int db, const void *key, size_t klen,
                             int64_t now_ms, bool max, mr_buf_t *member,
                             double *score) {
    uint32_t shard = mr_store_shard_of(key, klen);
    mr_store_lock(shard);
    mr_zpop_result_t r =
        mr_zset_pop_locked(db, key, klen, now_ms, max, member, score);
    mr_store_unlock(shard);
    return r;
}

/* Pops up to `count` members of the set at argv[ki] (known to be a
 * non-empty sorted set), replying each: RESP3 `nested` pairs or a flat
 * list. Returns how many went. */
static long long pop_and_reply(mr_call_t *call, int ki, mr_zset_t *zs,
                               long long count, bool max, bool nested) {
    long long len = (long long)mr_zset_len(zs);
    long long n = count > len ? len : count;
    mr_reply_array(call->reply, (long)(nested ? n : 2 * n));
    mr_buf_t m = {0};
    mr_str_t k = call->argv[ki];
    bool emptied = false;
    for (long long i = 0; i < n; i++) {
        double score;
        pop_one_locked(call->db, k.ptr, k.len, call->now_ms, max, &m, &score,
                       &emptied);
        if (nested) mr_reply_array(call->reply, 2);
        mr_reply_bulk(call->reply, m.data, m.len);
        mr_reply_double(call->reply, score);
    }
    mr_buf_free(&m);
    call->dirty += n;
    if (n) notify_zpop(call->db, k, max, emptied);
    return n;
}

static void zpop_generic(mr_call_t *call, bool max) {
    if (call->argc > 3) {
        mr_reply_syntax_err(call);
        return;
    }
    long long count = -1;
    if (call->argc == 3 &&
        (!mr_str2ll(call->argv[2].ptr, call->argv[2].len, &count) ||
         count < 0)) {
        mr_reply_err(call->reply, ERR_POSITIVE);
        return;
    }
    if (count == -1) {
        /* the common case in one lookup: a flat [member, score] */
        mr_buf_t m = {0};
        double score;
        mr_str_t k = call->argv[1];
        switch (mr_zset_pop_locked(call->db, k.ptr, k.len, call->now_ms, max,
                                   &m, &score)) {
        case MR_ZPOP_WRONGTYPE:
            mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
            break;
        case MR_ZPOP_NONE:
            mr_reply_array(call->reply, 0);
            break;
        case MR_ZPOP_OK:
            mr_reply_array(call->reply, 2);
            mr_reply_bulk(call->reply, m.data, m.len);
            mr_reply_double(call->reply, score);
            call->dirty++;
            break;
        }
        mr_buf_free(&m);
        return;
    }
    mr_zset_t *zs;
    if (!lookup(call, 1, true, &zs)) return;
    if (!zs || count == 0) {
        mr_reply_array(call->reply, 0);
        return;
    }
    /* with a count, RESP3 nests the member/score pairs */
    pop_and_reply(call, 1, zs, count, max, call->reply->resp > 2);
}

void cmd_zpopmin(mr_call_t *call) { zpop_generic(call, false); }
void cmd_zpopmax(mr_call_t *call) { zpop_generic(call, true); }

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */

/* numkeys as Redis reads it (1 .. LONG_MAX), or 0 when malformed. */
static long long parse_numkeys(const mr_call_t *call, int i) {
    long long nk;
    if (!mr_str2ll(call->argv[i].ptr, call->argv[i].len, &nk) || nk < 1)
        return 0;
    return nk;
}

int zmpop_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    long long nk = parse_numkeys(call, 1);
    /* the handler answers these before looking at any key */
    if (nk == 0 || nk > call->argc - 3) return -1;
    for (int i = 0; i < (int)nk && i < max; i++) key_argv_idx[i] = 2 + i;
    return (int)nk;
}

/* [B]ZMPOP's numkeys (at argv[nk_idx]), MIN|MAX and COUNT (1 when
 * absent), replying the error Redis gives, in its order. */
static bool zmpop_args(mr_call_t *call, int nk_idx, long long *nk, bool *max,
                       long long *count) {
    *nk = parse_numkeys(call, nk_idx);
    if (*nk == 0) {
        mr_reply_err(call->reply, ERR_NUMKEYS);
        return false;
    }
    if (*nk > call->argc - nk_idx - 2) { /* MIN|MAX would lie past the end */
        mr_reply_syntax_err(call);
        return false;
    }
    int where = nk_idx + 1 + (int)*nk;
    if (mr_str_eq_ci(call->argv[where], "min")) {
        *max = false;
    } else if (mr_str_eq_ci(call->argv[where], "max")) {
        *max = true;
    } else {
        mr_reply_syntax_err(call);
        return false;
    }
    *count = -1;
    for (int j = where + 1; j < call->argc; j++) {
        bool more = j + 1 < call->argc;
        if (*count == -1 && more && mr_str_eq_ci(call->argv[j], "count")) {
            j++;
            if (!mr_str2ll(call->argv[j].ptr, call->argv[j].len, count) ||
                *count < 1) {
                mr_reply_err(call->reply, ERR_COUNT);
                return false;
            }
        } else {
            mr_reply_syntax_err(call);
            return false;
        }
    }
    if (*count == -1) *count = 1;
    return true;
}

/* ZMPOP's reply from the sorted set at argv[ki]: [key, [[member, score],
 * ...]]. Returns how many members went. */
static long long zmpop_reply(mr_call_t *call, int ki, mr_zset_t *zs,
                             long long count, bool max) {
    mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, call->argv[ki].ptr, call->argv[ki].len);
    return pop_and_reply(call, ki, zs, count, max, true);
}

void cmd_zmpop(mr_call_t *call) {
    long long nk, count;
    bool max;
    if (!zmpop_args(call, 1, &nk, &max, &count)) return;
    /* the first key that holds a sorted set; a wrong type stops the scan */
    for (int i = 2; i < 2 + nk; i++) {
        mr_zset_t *zs;
        if (!lookup(call, i, true, &zs)) return;
        if (!zs) continue;
        zmpop_reply(call, i, zs, count, max);
        return;
    }
    mr_reply_null_array(call->reply);
}

/* ---- blocking: BZPOPMIN BZPOPMAX BZMPOP ----
 * Each tries its keys as its non-blocking form would; when none holds a
 * sorted set the client waits (mr/block.h), to be served by the thread
 * that adds one, through the serve functions below. Logged as the
 * ZPOPMIN/ZPOPMAX that happened, as Redis propagates them. */

static void log_zpop(mr_call_t *call, mr_str_t key, bool max,
                     long long count) {
    mr_str_t rec[3] = {max ? (mr_str_t){"ZPOPMAX", 7}
                           : (mr_str_t){"ZPOPMIN", 7},
                       key};
    char num[24];
    int argc = 2;
    if (count >= 0) {
        rec[2].ptr = num;
        rec[2].len = (size_t)snprintf(num, sizeof num, "%lld", count);
        argc = 3;
    }
    mr_block_log_as(call, argc, rec);
}

static bool bzpop_max(const mr_call_t *call) {
    return call->cmd->fn == cmd_bzpopmax;
}

/* BZPOPMIN/BZPOPMAX on `key`, a sorted set: [key, member, score]. */
static void serve_bzpop(mr_call_t *call, mr_str_t key) {
    bool max = bzpop_max(call);
    mr_buf_t m = {0};
    double score;
    mr_zset_pop_locked(call->db, key.ptr, key.len, call->now_ms, max, &m,
                       &score);
    mr_reply_array(call->reply, 3);
    mr_reply_bulk(call->reply, key.ptr, key.len);
    mr_reply_bulk(call->reply, m.data, m.len);
    mr_reply_double(call->reply, score);
    mr_buf_free(&m);
    call->dirty++;
    log_zpop(call, key, max, -1);
}

/* BZPOPMIN/BZPOPMAX key [key ...] timeout */
static void bzpop_generic(mr_call_t *call) {
    int64_t deadline;
    if (!mr_block_parse_timeout(call, call->argc - 1, &deadline)) return;
    for (int i = 1; i < call->argc - 1; i++) {
        mr_zset_t *zs;
        if (!lookup(call, i, true, &zs)) return;
        if (!zs) continue;
        serve_bzpop(call, call->argv[i]);
        return;
    }
    if (!mr_block_allowed(call)) {
        mr_reply_null_array(call->reply);
        return;
    }
    int nkeys = call->argc - 2;
    int *idx = mr_xmalloc(sizeof *idx * (size_t)nkeys);
    for (int i = 0; i < nkeys; i++) idx[i] = 1 + i;
    mr_block_spec_t spec = {.type = MR_T_ZSET, .key_idx = idx, .nkeys = nkeys,
                            .target_idx = -1, .deadline_ms = deadline,
                            .serve = serve_bzpop};
    mr_block_client(call, &spec);
    mr_free(idx);
}

void cmd_bzpopmin(mr_call_t *call) { bzpop_generic(call); }
void cmd_bzpopmax(mr_call_t *call) { bzpop_generic(call); }

int bzmpop_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    long long nk = parse_numkeys(call, 2);
    if (nk == 0 || nk > call->argc - 4) return -1;
    for (int i = 0; i < (int)nk && i < max; i++) key_argv_idx[i] = 3 + i;
    return (int)nk;
}

/* The pops of a BZMPOP from the sorted set at `key`, argv index ki (the
 * served key may be any of its keys). */
static void bzmpop_pop(mr_call_t *call, int ki, mr_zset_t *zs,
                       long long count, bool max) {
    long long n = zmpop_reply(call, ki, zs, count, max);
    log_zpop(call, call->argv[ki], max, n);
}

static void serve_bzmpop(mr_call_t *call, mr_str_t key) {
    long long nk, count;
    bool max;
    zmpop_args(call, 2, &nk, &max, &count); /* checked when it blocked */
    for (int i = 3; i < 3 + nk; i++) {
        if (call->argv[i].len != key.len ||
            memcmp(call->argv[i].ptr, key.ptr, key.len) != 0)
            continue;
        mr_zset_t *zs;
        lookup(call, i, true, &zs);
        bzmpop_pop(call, i, zs, count, max);
        return;
    }
}

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: numkeys,
 * MIN|MAX and COUNT are checked before the timeout, as in Redis. */
void cmd_bzmpop(mr_call_t *call) {
    long long nk, count;
    bool max;
    if (!zmpop_args(call, 2, &nk, &max, &count)) return;
    int64_t deadline;
    if (!mr_block_parse_timeout(call, 1, &deadline)) return;
    for (int i = 3; i < 3 + nk; i++) {
        mr_zset_t *zs;
        if (!lookup(call, i, true, &zs)) return;
        if (!zs) continue;
        bzmpop_pop(call, i, zs, count, max);
        return;
    }
    if (!mr_block_allowed(call)) {
        mr_reply_null_array(call->reply);
        return;
    }
    int *idx = mr_xmalloc(sizeof *idx * (size_t)nk);
    for (int i = 0; i < nk; i++) idx[i] = 3 + i;
    mr_block_spec_t spec = {.type = MR_T_ZSET, .key_idx = idx,
                            .nkeys = (int)nk, .target_idx = -1,
                            .deadline_ms = deadline, .serve = serve_bzmpop};
    mr_block_client(call, &spec);
    mr_free(idx);
}

/* ---- ZUNION, ZINTER, ZDIFF, their *STORE forms, ZINTERCARD ---- */

typedef enum { OP_UNION, OP_INTER, OP_DIFF } setop_t;
typedef enum { AGG_SUM, AGG_MIN, AGG_MAX } aggregate_t;

/* One input: a sorted set, or a set (whose members all score 1), or
 * nothing (a missing key is an empty input). */
typedef struct src {
    mr_zset_t *zs;
    mr_setv_t set; /* set.p NULL: not a set */
    double weight;
    size_t len;
} src_t;

static const void *src_subject(const src_t *s) {
    return s->zs ? (const void *)s->zs : (const void *)s->set.p;
}

/* m's score in s (unweighted) into *score; false if absent. */
static bool src_find(const src_t *s, mr_str_t m, double *score) {
    if (s->zs) return mr_zset_score(s->zs, m.ptr, m.len, score);
    if (s->set.p && mr_setv_has(s->set, m)) {
        *score = 1.0;
        return true;
    }
    return false;
}

/* Calls fn for every member of s, in no particular order, until it
 * returns false. */
typedef bool (*member_fn)(void *ctx, mr_str_t m, double score);

static void src_each(const src_t *s, member_fn fn, void *ctx) {
    if (s->zs) {
        mr_zset_it_t it;
        mr_zset_it_start_rank(&it, s->zs, 0, false);
        while (mr_zset_it_next(&it))
            if (!fn(ctx, it.member, it.score)) break;
    } else if (s->set.p) {
        mr_setv_it_t si;
        mr_setv_it_start(&si, s->set);
        for (mr_str_t m; mr_setv_it_next(&si, &m);)
            if (!fn(ctx, m, 1.0)) break;
        mr_setv_it_end(&si);
    }
}

/* Redis's zunionInterAggregate: a sum of +inf and -inf is 0. */
static void aggregate(double *target, double v, aggregate_t agg) {
    switch (agg) {
    case AGG_SUM:
        *target += v;
        if (isnan(*target)) *target = 0.0;
        break;
    case AGG_MIN:
        *target = v < *target ? v : *target;
        break;
    case AGG_MAX:
        *target = v > *target ? v : *target;
        break;
    }
}

typedef struct setop_ctx {
    src_t *src;
    int n;
    aggregate_t agg;
    mr_ft_t *acc;       /* result: member -> score (NULL when counting) */
    long long limit;    /* ZINTERCARD: stop at this many (0: no limit) */
    long long count;
    double weight;      /* UNION: the weight of the input being walked */
} setop_ctx_t;

static bool union_visit(void *ctx, mr_str_t m, double score) {
    setop_ctx_t *c = ctx;
    double v = c->weight * score;
    if (isnan(v)) v = 0; /* 0 * inf */
    bool existed;
    mr_ft_entry_t *e = mr_ft_upsert(c->acc, m.ptr, m.len, &existed);
    if (!existed) {
        mr_ft_set_score(e, v);
        return true;
    }
    double t = mr_ft_score(e);
    aggregate(&t, v, c->agg);
    mr_ft_set_score(e, t);
    return true;
}

/* Intersection: walked over the smallest input, src[0]. */
static bool inter_visit(void *ctx, mr_str_t m, double score) {
    setop_ctx_t *c = ctx;
    double total = c->src[0].weight * score;
    if (isnan(total)) total = 0;
    for (int j = 1; j < c->n; j++) {
        double v;
        if (src_subject(&c->src[j]) == src_subject(&c->src[0]))
            v = score; /* the same key twice: no lookup in the walked set */
        else if (!src_find(&c->src[j], m, &v))
            return true;
        aggregate(&total, v * c->src[j].weight, c->agg);
    }
    c->count++;
    if (c->acc) mr_ft_set_score(mr_ft_add(c->acc, m.ptr, m.len), total);
    return !c->limit || c->count < c->limit; /* ZINTERCARD's LIMIT */
}

static bool diff_visit(void *ctx, mr_str_t m, double score) {
    setop_ctx_t *c = ctx;
    for (int j = 1; j < c->n; j++) {
        double v;
        if (src_find(&c->src[j], m, &v)) return true;
    }
    c->count++;
    mr_ft_set_score(mr_ft_add(c->acc, m.ptr, m.len), score);
    return true;
}

/* numkeys for the set operations (Redis getLongFromObjectOrReply and its
 * two checks); replies and returns 0 when malformed. */
static long long setop_numkeys(mr_call_t *call, int idx) {
    long long nk;
    if (!arg_long(call, idx, &nk)) return 0;
    if (nk < 1) {
        mr_reply_errf(call->reply,
                      "ERR at least 1 input key is needed for '%s' command",
                      call->cmd->fullname);
        return 0;
    }
    if (nk > call->argc - (idx + 1)) {
        mr_reply_syntax_err(call);
        return 0;
    }
    return nk;
}

/* Replies the members of a result table in sorted set order, with scores
 * if asked (RESP3 nests each pair). Takes acc. */
static void reply_table(mr_call_t *call, mr_ft_t *acc, bool withscores) {
    mr_reply_t *r = call->reply;
    size_t n = mr_ft_count(acc);
    mr_reply_array(r, (long)(withscores && r->resp == 2 ? 2 * n : n));
    if (n) {
        mr_ft_entry_t **v = mr_xmalloc(n * sizeof *v);
        size_t k = 0;
        mr_ft_iter_t fi;
        mr_ft_iter_start(acc, &fi);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&fi)) != NULL;) v[k++] = e;
        mr_ft_iter_end(&fi);
        qsort(v, n, sizeof *v, mr_zset_cmp_entries);
        for (size_t i = 0; i < n; i++) {
            if (withscores && r->resp > 2) mr_reply_array(r, 2);
            mr_str_t m = mr_ft_key(v[i]);
            mr_reply_bulk(r, m.ptr, m.len);
            if (withscores) mr_reply_double(r, mr_ft_score(v[i]));
        }
        mr_free(v);
    }
    mr_ft_free(acc);
}

/* The common body. dst: argv index of the destination (0: none); nki: of
 * numkeys. As Redis: numkeys, then the inputs' types, then the options. */
static void setop_generic(mr_call_t *call, int dst, int nki, setop_t op,
                          bool card_only) {
    long long nk = setop_numkeys(call, nki);
    if (nk == 0) return;
    int n = (int)nk;
    src_t *src = mr_xcalloc((size_t)n, sizeof *src);
    for (int i = 0; i < n; i++) {
        mr_str_t k = call->argv[nki + 1 + i];
        mr_entry_t *e = mr_db_lookup_read_locked(call->db, k.ptr, k.len,
                                                 call->now_ms);
        src[i].weight = 1.0;
        if (!e) continue;
        if (mr_entry_type(e) == MR_T_ZSET) {
            src[i].zs = mr_entry_obj(e);
            src[i].len = mr_zset_len(src[i].zs);
        } else if (mr_entry_type(e) == MR_T_SET) {
            src[i].set = mr_setv_of(e);
            src[i].len = mr_setv_len(src[i].set);
        } else {
            mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
            goto done;
        }
    }
    aggregate_t agg = AGG_SUM;
    bool withscores = false;
    long long limit = 0;
    for (int j = nki + 1 + n; j < call->argc;) {
        int left = call->argc - j;
        mr_str_t a = call->argv[j];
        if (op != OP_DIFF && !card_only && left >= n + 1 &&
            mr_str_eq_ci(a, "weights")) {
            j++;
            for (int i = 0; i < n; i++, j++) {
                if (!mr_zset_parse_score(call->argv[j].ptr, call->argv[j].len,
                                         &src[i].weight)) {
                    mr_reply_err(call->reply, ERR_WEIGHT);
                    goto done;
                }
            }
        } else if (op != OP_DIFF && !card_only && left >= 2 &&
                   mr_str_eq_ci(a, "aggregate")) {
            mr_str_t v = call->argv[j + 1];
            if (mr_str_eq_ci(v, "sum")) agg = AGG_SUM;
            else if (mr_str_eq_ci(v, "min")) agg = AGG_MIN;
            else if (mr_str_eq_ci(v, "max")) agg = AGG_MAX;
            else {
                mr_reply_syntax_err(call);
                goto done;
            }
            j += 2;
        } else if (!dst && !card_only && mr_str_eq_ci(a, "withscores")) {
            withscores = true;
            j++;
        } else if (card_only && left >= 2 && mr_str_eq_ci(a, "limit")) {
            mr_str_t v = call->argv[j + 1];
            if (!mr_str2ll(v.ptr, v.len, &limit) || limit < 0) {
                mr_reply_err(call->reply, ERR_LIMIT_NEG);
                goto done;
            }
            j += 2;
        } else {
            mr_reply_syntax_err(call);
            goto done;
        }
    }
    if (op != OP_DIFF) {
        /* smallest first (stable, so equal sizes keep the argument order,
         * which fixes the order floating-point sums are taken in) */
        for (int i = 1; i < n; i++) {
            src_t t = src[i];
            int k = i;
            for (; k > 0 && src[k - 1].len > t.len; k--) src[k] = src[k - 1];
            src[k] = t;
        }
    }
    setop_ctx_t c = {.src = src, .n = n, .agg = agg, .limit = limit};
    if (!card_only) c.acc = mr_ft_create(MR_FT_ZSET);
    switch (op) {
    case OP_INTER:
        if (src[0].len > 0) src_each(&src[0], inter_visit, &c);
        break;
    case OP_UNION:
        for (int i = 0; i < n; i++) {
            c.weight = src[i].weight;
            src_each(&src[i], union_visit, &c);
        }
        break;
    case OP_DIFF: {
        /* A - ... - A is empty */
        bool self = false;
        for (int j = 1; j < n; j++)
            if (src[0].len && src_subject(&src[j]) == src_subject(&src[0]))
                self = true;
        if (!self && src[0].len > 0) src_each(&src[0], diff_visit, &c);
        break;
    }
    }
    if (card_only) {
        mr_reply_int(call->reply, c.count);
    } else if (dst) {
        mr_zset_limits_t lim = limits();
        mr_zset_t *res = NULL;
        if (mr_ft_count(c.acc) > 0)
            res = mr_zset_from_table(c.acc, &lim);
        else
            mr_ft_free(c.acc);
        store_result(call, dst, res);
    } else {
        reply_table(call, c.acc, withscores);
    }
done:
    mr_free(src);
}

/* Keys for dispatch's locking: the destination (if any) and the numkeys
 * inputs after it. -1 when numkeys is malformed: the handler then replies
 * the error before touching any key. */
static int setop_keys(const mr_call_t *call, int dst, int nki,
                      int *key_argv_idx, int max) {
    long long nk;
    if (!mr_str2ll(call->argv[nki].ptr, call->argv[nki].len, &nk) ||
        nk < 1 || nk > call->argc - (nki + 1))
        return -1;
    int n = 0;
    if (dst && n < max) key_argv_idx[n] = dst;
    if (dst) n++;
    for (int i = 0; i < (int)nk; i++, n++)
        if (n < max) key_argv_idx[n] = nki + 1 + i;
    return n;
}

int zsetop_store_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    return setop_keys(call, 1, 2, key_argv_idx, max);
}

int zsetop_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    return setop_keys(call, 0, 1, key_argv_idx, max);
}

void cmd_zunionstore(mr_call_t *call) {
    setop_generic(call, 1, 2, OP_UNION, false);
}
void cmd_zinterstore(mr_call_t *call) {
    setop_generic(call, 1, 2, OP_INTER, false);
}
void cmd_zdiffstore(mr_call_t *call) {
    setop_generic(call, 1, 2, OP_DIFF, false);
}
void cmd_zunion(mr_call_t *call) { setop_generic(call, 0, 1, OP_UNION, false); }
void cmd_zinter(mr_call_t *call) { setop_generic(call, 0, 1, OP_INTER, false); }
void cmd_zdiff(mr_call_t *call) { setop_generic(call, 0, 1, OP_DIFF, false); }
void cmd_zintercard(mr_call_t *call) {
    setop_generic(call, 0, 1, OP_INTER, true);
}

/* ---- ZRANDMEMBER ---- */

static void reply_pick(mr_call_t *call, mr_str_t m, double score,
                       bool withscores) {
    if (withscores && call->reply->resp > 2) mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, m.ptr, m.len);
    if (withscores) mr_reply_double(call->reply, score);
}

typedef struct randpick_ctx {
    mr_call_t *call;
    bool withscores;
} randpick_ctx_t;

static void randpick(void *ctx, mr_ft_entry_t *e) {
    randpick_ctx_t *c = ctx;
    reply_pick(c->call, mr_ft_key(e), mr_ft_score(e), c->withscores);
}

/* `count` distinct members, 0 < count < size. */
static void rand_unique(mr_call_t *call, mr_zset_t *zs, size_t count,
                        bool withscores) {
    size_t size = mr_zset_len(zs);
    if (mr_zset_is_listpack(zs)) {
        /* selection sampling: one pass, each member kept with probability
         * needed / remaining, exactly `count` of them in set order */
        mr_zset_it_t it;
        mr_zset_it_start_rank(&it, zs, 0, false);
        size_t left = size, need = count;
        while (need && mr_zset_it_next(&it)) {
            if (mr_rand64() % left-- < need) {
                reply_pick(call, it.member, it.score, withscores);
                need--;
            }
        }
        return;
    }
    randpick_ctx_t c = {call, withscores};
    mr_ft_random_distinct(mr_zset_table(zs), count, mr_rand64, randpick, &c);
}

static void randmember_count(mr_call_t *call, long long l, bool withscores) {
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    if (!zs || l == 0) {
        mr_reply_array(call->reply, 0);
        return;
    }
    mr_reply_t *r = call->reply;
    bool flat = withscores && r->resp == 2;
    size_t size = mr_zset_len(zs);
    unsigned long long count = l > 0 ? (unsigned long long)l
                                     : (unsigned long long)-l;
    if (l < 0 || count == 1) {
        /* repeats allowed: each pick written as drawn, nothing allocated
         * by the count; a huge count is cut off */
        mr_reply_array(r, (long)(flat ? 2 * count : count));
        size_t start = r->out->len;
        char buf[MR_LP_INTBUF];
        for (unsigned long long i = 0; i < count; i++) {
            if (mr_reply_cut_if_huge(call, start)) return;
            mr_str_t m;
            double score;
            mr_zset_random(zs, mr_rand64, &m, buf, &score);
            reply_pick(call, m, score, withscores);
        }
        return;
    }
    size_t n = count < size ? (size_t)count : size;
    mr_reply_array(r, (long)(flat ? 2 * n : n));
    if (count >= size) {
        /* the whole set, highest first, the order Redis walks it in */
        mr_zset_it_t it;
        mr_zset_it_start_rank(&it, zs, 0, true);
        while (mr_zset_it_next(&it))
            reply_pick(call, it.member, it.score, withscores);
        return;
    }
    rand_unique(call, zs, (size_t)count, withscores);
}

void cmd_zrandmember(mr_call_t *call) {
    if (call->argc >= 3) {
        long long l;
        if (!arg_long(call, 2, &l)) return;
        if (l < -LLONG_MAX) {
            mr_reply_errf(call->reply,
                          "ERR value is out of range, value must between "
                          "%lld and %lld",
                          -LLONG_MAX, LLONG_MAX);
            return;
        }
        if (call->argc > 4 ||
            (call->argc == 4 && !mr_str_eq_ci(call->argv[3], "withscores"))) {
            mr_reply_syntax_err(call);
            return;
        }
        bool withscores = call->argc == 4;
        /* the flat RESP2 reply holds 2 * count elements */
        if (withscores && (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2)) {
            mr_reply_err(call->reply, ERR_OUT_OF_RANGE);
            return;
        }
        randmember_count(call, l, withscores);
        return;
    }
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    if (!zs) {
        mr_reply_null(call->reply);
        return;
    }
    char buf[MR_LP_INTBUF];
    mr_str_t m;
    double score;
    mr_zset_random(zs, mr_rand64, &m, buf, &score);
    mr_reply_bulk(call->reply, m.ptr, m.len);
}

/* ---- ZSCAN ---- */

static void zscan_add(mr_scan_t *s, mr_str_t m, double score) {
    char num[64];
    int nl = mr_d2str(num, sizeof num, score);
    mr_str_t text = {num, (size_t)nl};
    mr_scan_add(s, m, &text);
}

static void zscan_visit(void *ctx, mr_ft_entry_t *e) {
    zscan_add(ctx, mr_ft_key(e), mr_ft_score(e));
}

void cmd_zscan(mr_call_t *call) {
    uint64_t cursor;
    if (!mr_arg_cursor(call, 2, &cursor)) return;
    mr_zset_t *zs;
    if (!lookup(call, 1, false, &zs)) return;
    mr_scan_t s = {0};
    if (!zs) { /* Redis answers before reading the options */
        mr_scan_reply(call->reply, 0, &s);
        return;
    }
    long long count = 10;
    if (!mr_arg_scan_opts(call, 3, &count, &s.pat)) return;
    uint64_t next = 0;
    if (mr_zset_is_listpack(zs)) { /* small: everything at once, cursor 0 */
        mr_zset_it_t it;
        mr_zset_it_start_rank(&it, zs, 0, false);
        while (mr_zset_it_next(&it)) zscan_add(&s, it.member, it.score);
    } else {
        next = mr_scan_table(mr_zset_table(zs), cursor, count, zscan_visit,
                             &s);
    }
    mr_scan_reply(call->reply, next, &s);
}
