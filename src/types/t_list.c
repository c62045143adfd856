/* List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (with count) LLEN
 * LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP, the
 * blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP, with
 * Redis 7.0's replies, error texts and argument-check order, and the
 * primitives of t_list.h that the blocking commands share.
 *
 * Every list is an mr_ql_t (src/types/quicklist.h, MR_ENC_QUICKLIST) whose
 * node bound is list-max-listpack-size when the list is created, as in
 * Redis. Handlers run under their keys' shard locks (dispatch takes them:
 * first/last/step, or for LMPOP the keys lmpop_getkeys finds after
 * numkeys). A list that becomes empty is deleted. Nothing is allocated by
 * a count the client sent: replies are sized by the elements that exist. */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/block.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "proto/errors.h"
#include "types/quicklist.h"
#include "types/t_list.h"

_Static_assert((int)MR_LIST_HEAD == (int)MR_QL_HEAD &&
                   (int)MR_LIST_TAIL == (int)MR_QL_TAIL,
               "t_list.h and quicklist.h name the ends alike");

#define ERR_POSITIVE "ERR value is out of range, must be positive"
#define ERR_INDEX_RANGE "ERR index out of range"
#define ERR_RANK_ZERO                                                        \
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from "  \
    "the second ... or use negative to start from the end of the list"
#define ERR_COUNT_NEG "ERR COUNT can't be negative"
#define ERR_MAXLEN_NEG "ERR MAXLEN can't be negative"
#define ERR_NUMKEYS "ERR numkeys should be greater than 0"
#define ERR_COUNT_POSITIVE "ERR count should be greater than 0"

/* Blocking commands name this many keys without a heap array. */
#define STACK_KEYS 16

/* ---- lookups and the primitives (t_list.h) ---- */

/* The list at (db, key) for writing into *e: OK, NOKEY (*e NULL) or
 * WRONGTYPE. */
static mr_list_rc_t lookup_write(int db, mr_str_t key, int64_t now,
                                 mr_entry_t **e) {
    *e = mr_db_lookup_write_locked(db, key.ptr, key.len, now);
    if (!*e) return MR_LIST_NOKEY;
    if (mr_entry_type(*e) != MR_T_LIST) return MR_LIST_WRONGTYPE;
    return MR_LIST_OK;
}

static mr_ql_t *ql_of(const mr_entry_t *e) { return mr_entry_obj(e); }

/* Adds an empty list at key (which must be absent), its nodes bounded by
 * the list-max-listpack-size of this moment. */
static mr_entry_t *list_create(int db, mr_str_t key) {
    int fill = (int)MR_CFG(list_max_listpack_size);
    return mr_db_add_obj_locked(db, key.ptr, key.len, MR_T_LIST,
                                MR_ENC_QUICKLIST, mr_ql_new(fill));
}

/* Pushes elems[0..n) one by one at `where` (so LPUSH a b c leaves c
 * first), creating the list unless `create` is false (LPUSHX). Returns the
 * new length, 0 when absent and not created, -1 for another type. */
static const char *push_event(int where) {
    return where == MR_LIST_HEAD ? "lpush" : "rpush";
}
static const char *pop_event(int where) {
    return where == MR_LIST_HEAD ? "lpop" : "rpop";
}

static long long push_locked(int db, mr_str_t key, int64_t now, int where,
                             const mr_str_t *elems, int n, bool create) {
    mr_entry_t *e;
    mr_list_rc_t rc = lookup_write(db, key, now, &e);
    if (rc == MR_LIST_WRONGTYPE) return -1;
    if (rc == MR_LIST_NOKEY) {
        if (!create) return 0;
        e = list_create(db, key);
    }
    mr_ql_t *ql = ql_of(e);
    for (int i = 0; i < n; i++)
        mr_ql_push(ql, where, elems[i].ptr, elems[i].len);
    mr_notify(MR_NOTIFY_LIST, push_event(where), key.ptr, key.len, db);
    return (long long)mr_ql_count(ql);
}

/* The notifications of a pop from key: the pop, and "del" when it emptied
 * the list (Redis's order). */
static void notify_pop(int db, mr_str_t key, int where, bool emptied) {
    mr_notify(MR_NOTIFY_LIST, pop_event(where), key.ptr, key.len, db);
    if (emptied) mr_notify(MR_NOTIFY_GENERIC, "del", key.ptr, key.len, db);
}

/* Pops n (1 <= n <= length) elements of list entry e at key from `where`,
 * handing each to fn, and deletes the key if that emptied it. Returns
 * whether it did; notifies unless `quiet` (the caller then does). */
static bool pop_n_quiet(int db, mr_str_t key, int64_t now, mr_entry_t *e,
                        int where, size_t n, mr_ql_elem_fn fn, void *ctx,
                        bool quiet) {
    mr_ql_t *ql = ql_of(e);
    while (n--) mr_ql_pop(ql, where, fn, ctx);
    bool emptied = mr_ql_count(ql) == 0;
    if (emptied) mr_db_delete_locked(db, key.ptr, key.len, now);
    if (!quiet) notify_pop(db, key, where, emptied);
    return emptied;
}

static void pop_n(int db, mr_str_t key, int64_t now, mr_entry_t *e,
                  int where, size_t n, mr_ql_elem_fn fn, void *ctx) {
    pop_n_quiet(db, key, now, e, where, n, fn, ctx, false);
}

static void copy_elem(void *ctx, mr_str_t elem) {
    mr_buf_t *b = ctx;
    b->len = 0;
    mr_buf_append(b, elem.ptr, elem.len);
}

static void reply_elem(void *ctx, mr_str_t elem) {
    mr_reply_bulk(ctx, elem.ptr, elem.len);
}

mr_list_rc_t mr_list_pop_locked(int db, mr_str_t key, int64_t now_ms,
                                int where, mr_buf_t *out) {
    mr_entry_t *e;
    mr_list_rc_t rc = lookup_write(db, key, now_ms, &e);
    if (rc == MR_LIST_OK) pop_n(db, key, now_ms, e, where, 1, copy_elem, out);
    return rc;
}

long long mr_list_push_locked(int db, mr_str_t key, int64_t now_ms,
                              int where, mr_str_t elem) {
    return push_locked(db, key, now_ms, where, &elem, 1, true);
}

mr_list_rc_t mr_list_move_locked(int db, mr_str_t src, mr_str_t dst,
                                 int from, int to, int64_t now_ms,
                                 mr_buf_t *out) {
    mr_entry_t *se, *de;
    mr_list_rc_t rc = lookup_write(db, src, now_ms, &se);
    if (rc != MR_LIST_OK) return rc;
    if (lookup_write(db, dst, now_ms, &de) == MR_LIST_WRONGTYPE)
        return MR_LIST_WRONGTYPE;
    if (se == de) {
        /* rotate in place: popping the only element must not delete the
         * key (and its TTL) before the push puts it back */
        mr_ql_t *ql = ql_of(se);
        mr_ql_pop(ql, from, copy_elem, out);
        mr_ql_push(ql, to, out->data, out->len);
        mr_notify(MR_NOTIFY_LIST, push_event(to), dst.ptr, dst.len, db);
        notify_pop(db, src, from, false);
        return MR_LIST_OK;
    }
    /* Redis announces the push on dst before the pop from src */
    bool emptied = pop_n_quiet(db, src, now_ms, se, from, 1, copy_elem, out,
                               true);
    push_locked(db, dst, now_ms, to, &(mr_str_t){out->data, out->len}, 1,
                true);
    notify_pop(db, src, from, emptied);
    return MR_LIST_OK;
}

/* ---- handler helpers ---- */

/* The list at argv[i] for reading: NULL when absent (*wrong false) or of
 * another type (*wrong true, WRONGTYPE replied). */
static mr_entry_t *read_list(mr_call_t *call, int i, bool *wrong) {
    mr_entry_t *e = mr_db_lookup_read_locked(call->db, call->argv[i].ptr,
                                             call->argv[i].len, call->now_ms);
    *wrong = e && mr_entry_type(e) != MR_T_LIST;
    if (*wrong) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return NULL;
    }
    return e;
}

/* The same for writing: lookup_write, replying WRONGTYPE. */
static mr_entry_t *write_list(mr_call_t *call, int i, bool *wrong) {
    mr_entry_t *e;
    mr_list_rc_t rc = lookup_write(call->db, call->argv[i], call->now_ms, &e);
    *wrong = rc == MR_LIST_WRONGTYPE;
    if (*wrong) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return NULL;
    }
    return e;
}

static void delete_if_empty(mr_call_t *call, int i, mr_entry_t *e) {
    if (mr_ql_count(ql_of(e)) == 0) {
        mr_db_delete_locked(call->db, call->argv[i].ptr, call->argv[i].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
    }
}

/* LEFT / RIGHT (case-insensitive) into *where; false if neither. */
static bool parse_end(mr_str_t a, int *where) {
    if (mr_str_eq_ci(a, "left")) {
        *where = MR_LIST_HEAD;
        return true;
    }
    if (mr_str_eq_ci(a, "right")) {
        *where = MR_LIST_TAIL;
        return true;
    }
    return false;
}

/* An index or count argument as Redis's getPositiveLongFromObjectOrReply
 * reads it: an integer >= 0, else the given error (for junk too). */
static bool arg_positive(mr_call_t *call, int i, const char *err,
                         long long *out) {
    if (mr_str2ll(call->argv[i].ptr, call->argv[i].len, out) && *out >= 0)
        return true;
    mr_reply_err(call->reply, err);
    return false;
}

/* ---- push ---- */

static void push_generic(mr_call_t *call, int where, bool create) {
    long long len = push_locked(call->db, call->argv[1], call->now_ms, where,
                                call->argv + 2, call->argc - 2, create);
    if (len < 0) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return;
    }
    if (len > 0) call->dirty += call->argc - 2;
    mr_reply_int(call->reply, len);
}

void cmd_lpush(mr_call_t *call) { push_generic(call, MR_LIST_HEAD, true); }
void cmd_rpush(mr_call_t *call) { push_generic(call, MR_LIST_TAIL, true); }
void cmd_lpushx(mr_call_t *call) { push_generic(call, MR_LIST_HEAD, false); }
void cmd_rpushx(mr_call_t *call) { push_generic(call, MR_LIST_TAIL, false); }

/* ---- pop ---- */

static void pop_generic(mr_call_t *call, int where) {
    if (call->argc > 3) {
        mr_reply_arity_err(call);
        return;
    }
    bool has_count = call->argc == 3;
    long long count = 1;
    if (has_count && !arg_positive(call, 2, ERR_POSITIVE, &count)) return;
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) {
        if (has_count)
            mr_reply_null_array(call->reply);
        else
            mr_reply_null(call->reply);
        return;
    }
    size_t len = mr_ql_count(ql_of(e));
    size_t n = (unsigned long long)count < len ? (size_t)count : len;
    if (has_count) mr_reply_array(call->reply, (long)n);
    if (n == 0) return; /* LPOP key 0: an empty array, nothing changes */
    pop_n(call->db, call->argv[1], call->now_ms, e, where, n, reply_elem,
          call->reply);
    call->dirty += (long long)n;
}

void cmd_lpop(mr_call_t *call) { pop_generic(call, MR_LIST_HEAD); }
void cmd_rpop(mr_call_t *call) { pop_generic(call, MR_LIST_TAIL); }

/* [B]LMPOP [timeout] numkeys key [key ...] LEFT|RIGHT [COUNT count], with
 * numkeys at argv[nk_idx]. numkeys as Redis reads it: -1 when not an
 * integer >= 1, 0 when the keys would leave no room for LEFT|RIGHT (a
 * syntax error), else the number of keys. */
static long long mpop_numkeys(const mr_call_t *call, int nk_idx) {
    long long nk;
    mr_str_t a = call->argv[nk_idx];
    if (!mr_str2ll(a.ptr, a.len, &nk) || nk < 1) return -1;
    return nk >= call->argc - nk_idx - 1 ? 0 : nk;
}

static int mpop_getkeys(const mr_call_t *call, int nk_idx, int *key_argv_idx,
                        int max) {
    long long nk = mpop_numkeys(call, nk_idx);
    if (nk <= 0) return -1;
    for (int i = 0; i < (int)nk && i < max; i++)
        key_argv_idx[i] = nk_idx + 1 + i;
    return (int)nk;
}

int lmpop_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    return mpop_getkeys(call, 1, key_argv_idx, max);
}

int blmpop_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    return mpop_getkeys(call, 2, key_argv_idx, max);
}

/* Reads numkeys, the end and COUNT (1 when absent), replying the error
 * Redis gives, in its order. */
static bool mpop_args(mr_call_t *call, int nk_idx, long long *nk, int *where,
                      long long *count) {
    *nk = mpop_numkeys(call, nk_idx);
    if (*nk < 0) {
        mr_reply_err(call->reply, ERR_NUMKEYS);
        return false;
    }
    int end_idx = nk_idx + 1 + (int)*nk;
    if (*nk == 0 || !parse_end(call->argv[end_idx], where)) {
        mr_reply_syntax_err(call);
        return false;
    }
    *count = -1;
    for (int j = end_idx + 1; j < call->argc; j++) {
        if (*count == -1 && j + 1 < call->argc &&
            mr_str_eq_ci(call->argv[j], "count")) {
            j++;
            if (!mr_str2ll(call->argv[j].ptr, call->argv[j].len, count) ||
                *count < 1) {
                mr_reply_err(call->reply, ERR_COUNT_POSITIVE);
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

/* Pops up to count elements of list entry e at key with LMPOP's reply:
 * [key, [elements...]]. Returns how many. */
static size_t mpop_reply(mr_call_t *call, mr_str_t key, mr_entry_t *e,
                         int where, long long count) {
    size_t len = mr_ql_count(ql_of(e));
    size_t n = (unsigned long long)count < len ? (size_t)count : len;
    mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, key.ptr, key.len);
    mr_reply_array(call->reply, (long)n);
    pop_n(call->db, key, call->now_ms, e, where, n, reply_elem, call->reply);
    call->dirty += (long long)n;
    return n;
}

void cmd_lmpop(mr_call_t *call) {
    long long nk, count;
    int where;
    if (!mpop_args(call, 1, &nk, &where, &count)) return;
    for (int i = 2; i < 2 + nk; i++) {
        bool wrong;
        mr_entry_t *e = write_list(call, i, &wrong);
        if (wrong) return;
        if (!e) continue;
        mpop_reply(call, call->argv[i], e, where, count);
        return;
    }
    mr_reply_null_array(call->reply);
}

/* ---- LMOVE / RPOPLPUSH ---- */

/* LMOVE's body: the element moved from src to dst, null when src is
 * absent, WRONGTYPE when either key holds another type. */
static void move_generic_at(mr_call_t *call, mr_str_t src, mr_str_t dst,
                            int from, int to) {
    mr_buf_t elem = {0};
    mr_list_rc_t rc = mr_list_move_locked(call->db, src, dst, from, to,
                                          call->now_ms, &elem);
    if (rc == MR_LIST_WRONGTYPE) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
    } else if (rc == MR_LIST_NOKEY) {
        mr_reply_null(call->reply);
    } else {
        mr_reply_bulk(call->reply, elem.data, elem.len);
        call->dirty++;
    }
    mr_buf_free(&elem);
}

void cmd_lmove(mr_call_t *call) {
    int from, to;
    if (!parse_end(call->argv[3], &from) || !parse_end(call->argv[4], &to)) {
        mr_reply_syntax_err(call);
        return;
    }
    move_generic_at(call, call->argv[1], call->argv[2], from, to);
}

void cmd_rpoplpush(mr_call_t *call) {
    move_generic_at(call, call->argv[1], call->argv[2], MR_LIST_TAIL,
                    MR_LIST_HEAD);
}

/* ---- reads ---- */

void cmd_llen(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_list(call, 1, &wrong);
    if (wrong) return;
    mr_reply_int(call->reply, e ? (long long)mr_ql_count(ql_of(e)) : 0);
}

/* Redis's range rule (LRANGE, LTRIM): negative indexes count from the
 * tail, start is clamped at 0 and end at the last element. Returns false
 * for an empty range, else the first index and the number of elements. */
static bool clamp_range(long long start, long long end, size_t len,
                        size_t *first, size_t *n) {
    long long l = (long long)len;
    if (start < 0) start += l;
    if (end < 0) end += l;
    if (start < 0) start = 0;
    if (start > end || start >= l) return false;
    if (end >= l) end = l - 1;
    *first = (size_t)start;
    *n = (size_t)(end - start + 1);
    return true;
}

void cmd_lrange(mr_call_t *call) {
    long long start, end;
    if (!mr_arg_ll(call, 2, &start) || !mr_arg_ll(call, 3, &end)) return;
    bool wrong;
    mr_entry_t *e = read_list(call, 1, &wrong);
    if (wrong) return;
    size_t first, n;
    if (!e || !clamp_range(start, end, mr_ql_count(ql_of(e)), &first, &n)) {
        mr_reply_array(call->reply, 0);
        return;
    }
    mr_reply_array(call->reply, (long)n);
    mr_ql_pos_t p;
    mr_ql_seek(ql_of(e), (long long)first, &p);
    char ib[MR_LP_INTBUF];
    bool more = true;
    while (n-- && more) {
        mr_str_t s = mr_ql_get_next(&p, ib, &more);
        mr_reply_bulk(call->reply, s.ptr, s.len);
    }
}

void cmd_lindex(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) { /* Redis answers before reading the index */
        mr_reply_null(call->reply);
        return;
    }
    long long index;
    if (!mr_arg_ll(call, 2, &index)) return;
    mr_ql_pos_t p;
    if (!mr_ql_seek(ql_of(e), index, &p)) {
        mr_reply_null(call->reply);
        return;
    }
    char ib[MR_LP_INTBUF];
    mr_str_t s = mr_ql_get(&p, ib);
    mr_reply_bulk(call->reply, s.ptr, s.len);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
void cmd_lpos(mr_call_t *call) {
    long long rank = 1, count = -1, maxlen = 0; /* count -1: not given */
    for (int j = 3; j < call->argc; j++) {
        bool more = j + 1 < call->argc;
        mr_str_t opt = call->argv[j];
        if (more && mr_str_eq_ci(opt, "rank")) {
            if (!mr_arg_ll(call, ++j, &rank)) return;
            if (rank == 0) {
                mr_reply_err(call->reply, ERR_RANK_ZERO);
                return;
            }
        } else if (more && mr_str_eq_ci(opt, "count")) {
            if (!arg_positive(call, ++j, ERR_COUNT_NEG, &count)) return;
        } else if (more && mr_str_eq_ci(opt, "maxlen")) {
            if (!arg_positive(call, ++j, ERR_MAXLEN_NEG, &maxlen)) return;
        } else {
            mr_reply_syntax_err(call);
            return;
        }
    }
    bool wrong;
    mr_entry_t *e = read_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) {
        if (count != -1)
            mr_reply_array(call->reply, 0);
        else
            mr_reply_null(call->reply);
        return;
    }
    /* A negative rank walks from the tail. Matches before the rank-th are
     * skipped. Redis 7.0.15 negates RANK -9223372036854775808 to itself, so
     * for it every match qualifies and COUNT never ends the reply (it
     * answers so; later versions refuse that rank). */
    bool from_tail = rank < 0;
    bool any_rank = rank == LLONG_MIN;
    unsigned long long skip =
        any_rank ? 0
                 : (from_tail ? -(unsigned long long)rank : (unsigned long long)rank) - 1;
    mr_ql_t *ql = ql_of(e);
    size_t len = mr_ql_count(ql);
    size_t mark = count != -1 ? mr_reply_defer(call->reply) : 0;
    long long reported = 0, found = -1;
    unsigned long long matches = 0;
    mr_ql_pos_t p;
    bool ok = mr_ql_seek(ql, from_tail ? -1 : 0, &p);
    mr_str_t ele = call->argv[2];
    for (size_t i = 0; ok && (maxlen == 0 || i < (unsigned long long)maxlen);
         i++) {
        if (mr_ql_eq(&p, ele.ptr, ele.len) && ++matches > skip) {
            found = (long long)(from_tail ? len - 1 - i : i);
            if (count == -1) break;
            mr_reply_int(call->reply, found);
            reported++;
            if (count && !any_rank && reported >= count) break;
        }
        ok = from_tail ? mr_ql_prev(&p) : mr_ql_next(&p);
    }
    if (count != -1)
        mr_reply_defer_array(call->reply, mark, reported);
    else if (found >= 0)
        mr_reply_int(call->reply, found);
    else
        mr_reply_null(call->reply);
}

/* ---- in-place writes ---- */

void cmd_lset(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) {
        mr_reply_err(call->reply, MR_ERR_NO_KEY);
        return;
    }
    long long index;
    if (!mr_arg_ll(call, 2, &index)) return;
    mr_ql_pos_t p;
    if (!mr_ql_seek(ql_of(e), index, &p)) {
        mr_reply_err(call->reply, ERR_INDEX_RANGE);
        return;
    }
    mr_ql_replace(ql_of(e), &p, call->argv[3].ptr, call->argv[3].len);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_LIST, "lset", 1);
    mr_reply_ok(call->reply);
}

/* LINSERT key BEFORE|AFTER pivot element: the first pivot from the head. */
void cmd_linsert(mr_call_t *call) {
    int where;
    if (mr_str_eq_ci(call->argv[2], "before")) {
        where = MR_LP_BEFORE;
    } else if (mr_str_eq_ci(call->argv[2], "after")) {
        where = MR_LP_AFTER;
    } else {
        mr_reply_syntax_err(call);
        return;
    }
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) {
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_ql_t *ql = ql_of(e);
    mr_str_t pivot = call->argv[3], ele = call->argv[4];
    mr_ql_pos_t p;
    for (bool ok = mr_ql_seek(ql, 0, &p); ok; ok = mr_ql_next(&p)) {
        if (mr_ql_eq(&p, pivot.ptr, pivot.len)) {
            mr_ql_insert(ql, &p, where, ele.ptr, ele.len);
            call->dirty++;
            notify_arg(call, MR_NOTIFY_LIST, "linsert", 1);
            mr_reply_int(call->reply, (long long)mr_ql_count(ql));
            return;
        }
    }
    mr_reply_int(call->reply, -1);
}

/* LREM key count element: count > 0 removes that many from the head,
 * count < 0 from the tail, 0 all of them. */
void cmd_lrem(mr_call_t *call) {
    long long count;
    if (!mr_arg_ll(call, 2, &count)) return;
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (!e) {
        mr_reply_int(call->reply, 0);
        return;
    }
    bool from_tail = count < 0;
    unsigned long long limit = from_tail ? -(unsigned long long)count
                                         : (unsigned long long)count;
    int dir = from_tail ? MR_QL_HEAD : MR_QL_TAIL;
    mr_ql_t *ql = ql_of(e);
    mr_str_t ele = call->argv[3];
    unsigned long long removed = 0;
    mr_ql_pos_t p;
    bool ok = mr_ql_seek(ql, from_tail ? -1 : 0, &p);
    while (ok && (limit == 0 || removed < limit)) {
        if (mr_ql_eq(&p, ele.ptr, ele.len)) {
            ok = mr_ql_delete(ql, &p, dir);
            removed++;
        } else {
            ok = from_tail ? mr_ql_prev(&p) : mr_ql_next(&p);
        }
    }
    if (removed) notify_arg(call, MR_NOTIFY_LIST, "lrem", 1);
    delete_if_empty(call, 1, e);
    call->dirty += (long long)removed;
    mr_reply_int(call->reply, (long long)removed);
}

void cmd_ltrim(mr_call_t *call) {
    long long start, end;
    if (!mr_arg_ll(call, 2, &start) || !mr_arg_ll(call, 3, &end)) return;
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (e) {
        mr_ql_t *ql = ql_of(e);
        size_t len = mr_ql_count(ql), first = 0, n = 0;
        if (!clamp_range(start, end, len, &first, &n)) first = len;
        size_t rtrim = len - first - n;
        mr_ql_delete_range(ql, first + n, rtrim);
        mr_ql_delete_range(ql, 0, first);
        call->dirty += (long long)(first + rtrim);
        notify_arg(call, MR_NOTIFY_LIST, "ltrim", 1);
        delete_if_empty(call, 1, e);
    }
    mr_reply_ok(call->reply);
}

/* ---- blocking: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP ----
 * Each tries its keys first as its non-blocking form would; when all are
 * empty the client waits (mr/block.h) and is later served by the thread
 * that pushed, through the serve functions below, which run the same pop
 * against the ready key. */

static int blocked_where(const mr_call_t *call) {
    return call->cmd->fn == cmd_blpop ? MR_LIST_HEAD : MR_LIST_TAIL;
}

static mr_str_t end_name(int where) {
    return where == MR_LIST_HEAD ? (mr_str_t){"LEFT", 4}
                                 : (mr_str_t){"RIGHT", 5};
}

/* BLPOP/BRPOP served on `key`: [key, element], logged as LPOP/RPOP. */
static void serve_bpop(mr_call_t *call, mr_str_t key) {
    mr_entry_t *e = mr_db_lookup_write_locked(call->db, key.ptr, key.len,
                                              call->now_ms);
    int where = blocked_where(call);
    mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, key.ptr, key.len);
    pop_n(call->db, key, call->now_ms, e, where, 1, reply_elem, call->reply);
    call->dirty++;
    mr_str_t rec[2] = {where == MR_LIST_HEAD ? (mr_str_t){"LPOP", 4}
                                             : (mr_str_t){"RPOP", 4},
                       key};
    mr_block_log_as(call, 2, rec);
}

/* BLPOP/BRPOP key [key ...] timeout */
static void bpop_generic(mr_call_t *call) {
    int64_t deadline;
    if (!mr_block_parse_timeout(call, call->argc - 1, &deadline)) return;
    for (int i = 1; i < call->argc - 1; i++) {
        bool wrong;
        mr_entry_t *e = write_list(call, i, &wrong);
        if (wrong) return;
        if (!e) continue;
        serve_bpop(call, call->argv[i]);
        return;
    }
    if (!mr_block_allowed(call)) {
        mr_reply_null_array(call->reply);
        return;
    }
    int keys[STACK_KEYS], *idx = keys;
    int nkeys = call->argc - 2;
    if (nkeys > STACK_KEYS) idx = mr_xmalloc(sizeof *idx * (size_t)nkeys);
    for (int i = 0; i < nkeys; i++) idx[i] = 1 + i;
    mr_block_spec_t spec = {.type = MR_T_LIST, .key_idx = idx, .nkeys = nkeys,
                            .target_idx = -1, .deadline_ms = deadline,
                            .serve = serve_bpop};
    mr_block_client(call, &spec);
    if (idx != keys) mr_free(idx);
}

void cmd_blpop(mr_call_t *call) { bpop_generic(call); }
void cmd_brpop(mr_call_t *call) { bpop_generic(call); }

/* BLMOVE's ends (BRPOPLPUSH: RIGHT, LEFT); false after a syntax error. */
static bool bmove_ends(mr_call_t *call, int *from, int *to) {
    if (call->cmd->fn == cmd_brpoplpush) {
        *from = MR_LIST_TAIL;
        *to = MR_LIST_HEAD;
        return true;
    }
    if (parse_end(call->argv[3], from) && parse_end(call->argv[4], to))
        return true;
    mr_reply_syntax_err(call);
    return false;
}

/* The move of a BLMOVE/BRPOPLPUSH from src, logged as LMOVE. */
static void bmove_at(mr_call_t *call, mr_str_t src, int from, int to) {
    long long before = call->dirty;
    move_generic_at(call, src, call->argv[2], from, to);
    if (call->dirty == before) return; /* WRONGTYPE: nothing moved */
    mr_str_t rec[5] = {{"LMOVE", 5}, src, call->argv[2], end_name(from),
                       end_name(to)};
    mr_block_log_as(call, 5, rec);
}

/* BLMOVE/BRPOPLPUSH served on its source `key` (argv[1]): the element, or
 * WRONGTYPE when the destination holds another type (nothing moves; the
 * client is unblocked with the error, as in Redis). */
static void serve_bmove(mr_call_t *call, mr_str_t key) {
    int from, to;
    bmove_ends(call, &from, &to);
    bmove_at(call, key, from, to);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
 * BRPOPLPUSH source destination timeout */
static void bmove_generic(mr_call_t *call) {
    int from, to;
    if (!bmove_ends(call, &from, &to)) return;
    int64_t deadline;
    if (!mr_block_parse_timeout(call, call->argc - 1, &deadline)) return;
    bool wrong;
    mr_entry_t *e = write_list(call, 1, &wrong);
    if (wrong) return;
    if (e) {
        bmove_at(call, call->argv[1], from, to);
        return;
    }
    if (!mr_block_allowed(call)) {
        mr_reply_null(call->reply);
        return;
    }
    int src = 1;
    mr_block_spec_t spec = {.type = MR_T_LIST, .key_idx = &src, .nkeys = 1,
                            .target_idx = 2, .deadline_ms = deadline,
                            .serve = serve_bmove};
    mr_block_client(call, &spec);
}

void cmd_blmove(mr_call_t *call) { bmove_generic(call); }
void cmd_brpoplpush(mr_call_t *call) { bmove_generic(call); }

/* BLMPOP's pop, logged as LPOP/RPOP key count, as Redis propagates it. */
static void blmpop_pop(mr_call_t *call, mr_str_t key, mr_entry_t *e,
                       int where, long long count) {
    size_t n = mpop_reply(call, key, e, where, count);
    char num[24];
    int nl = snprintf(num, sizeof num, "%zu", n);
    mr_str_t rec[3] = {where == MR_LIST_HEAD ? (mr_str_t){"LPOP", 4}
                                             : (mr_str_t){"RPOP", 4},
                       key, {num, (size_t)nl}};
    mr_block_log_as(call, 3, rec);
}

/* BLMPOP served on `key`: [key, [elements...]]. */
static void serve_blmpop(mr_call_t *call, mr_str_t key) {
    long long nk, count;
    int where;
    mpop_args(call, 2, &nk, &where, &count); /* checked when it blocked */
    mr_entry_t *e = mr_db_lookup_write_locked(call->db, key.ptr, key.len,
                                              call->now_ms);
    blmpop_pop(call, key, e, where, count);
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: numkeys,
 * the end and COUNT are checked before the timeout, as in Redis. */
void cmd_blmpop(mr_call_t *call) {
    long long nk, count;
    int where;
    if (!mpop_args(call, 2, &nk, &where, &count)) return;
    int64_t deadline;
    if (!mr_block_parse_timeout(call, 1, &deadline)) return;
    for (int i = 3; i < 3 + nk; i++) {
        bool wrong;
        mr_entry_t *e = write_list(call, i, &wrong);
        if (wrong) return;
        if (!e) continue;
        blmpop_pop(call, call->argv[i], e, where, count);
        return;
    }
    if (!mr_block_allowed(call)) {
        mr_reply_null_array(call->reply);
        return;
    }
    int keys[STACK_KEYS], *idx = keys;
    if (nk > STACK_KEYS) idx = mr_xmalloc(sizeof *idx * (size_t)nk);
    for (int i = 0; i < nk; i++) idx[i] = 3 + i;
    mr_block_spec_t spec = {.type = MR_T_LIST, .key_idx = idx,
                            .nkeys = (int)nk, .target_idx = -1,
                            .deadline_ms = deadline, .serve = serve_blmpop};
    mr_block_client(call, &spec);
    if (idx != keys) mr_free(idx);
}
