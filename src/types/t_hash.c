/* Hash commands: HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HEXISTS, HLEN,
 * HSTRLEN, HKEYS/HVALS/HGETALL, HINCRBY/HINCRBYFLOAT, HRANDFIELD, HSCAN.
 *
 * A hash is a listpack of field, value, field, value... (MR_ENC_LISTPACK)
 * while it has at most hash-max-listpack-entries fields, none of whose
 * fields or values is longer than hash-max-listpack-value bytes; past either
 * limit it becomes an mr_ft table of kind MR_FT_HASH (MR_ENC_HASHTABLE) and
 * stays one, as in Redis. The small helpers below hide the two encodings
 * from the handlers. Handlers run under the key's shard lock; replies, error
 * texts and argument checks (including their order) are Redis 7.0's. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/aof.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "proto/errors.h"
#include "types/fieldtab.h"
#include "types/listpack.h"
#include "types/scan.h"

#define ERR_HASH_NOT_INT "ERR hash value is not an integer"
#define ERR_HASH_NOT_FLOAT "ERR hash value is not a float"
#define ERR_NAN_OR_INF "ERR value is NaN or Infinity"
#define ERR_OUT_OF_RANGE "ERR value is out of range"

/* ---- the two encodings behind one small interface ---- */

static bool is_lp(const mr_entry_t *e) {
    return mr_entry_enc(e) == MR_ENC_LISTPACK;
}

static size_t hash_len(const mr_entry_t *e) {
    if (is_lp(e)) return mr_lp_count(mr_entry_obj(e)) / 2;
    return mr_ft_count(mr_entry_obj(e));
}

/* Position of field f's value in a listpack hash, or MR_LP_NONE. */
static size_t lp_value_pos(const unsigned char *lp, mr_str_t f) {
    size_t pos = mr_lp_first(lp);
    if (pos == MR_LP_NONE) return MR_LP_NONE;
    pos = mr_lp_find(lp, pos, f.ptr, f.len, 1);
    return pos == MR_LP_NONE ? MR_LP_NONE : mr_lp_next(lp, pos);
}

/* Field f's value into *v (borrowed from the hash, or from intbuf for a
 * listpack integer); false if the field is absent. */
static bool hash_get(mr_entry_t *e, mr_str_t f, mr_str_t *v,
                     char intbuf[MR_LP_INTBUF]) {
    if (is_lp(e)) {
        const unsigned char *lp = mr_entry_obj(e);
        size_t vpos = lp_value_pos(lp, f);
        if (vpos == MR_LP_NONE) return false;
        *v = mr_lp_get_str(lp, vpos, intbuf);
        return true;
    }
    mr_ft_entry_t *fe = mr_ft_find(mr_entry_obj(e), f.ptr, f.len);
    if (!fe) return false;
    *v = mr_ft_value(fe);
    return true;
}

/* Listpack -> table, once and for good. */
static void hash_convert(mr_entry_t *e) {
    unsigned char *lp = mr_entry_obj(e);
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    char fbuf[MR_LP_INTBUF], vbuf[MR_LP_INTBUF];
    for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;) {
        size_t vp = mr_lp_next(lp, p);
        mr_str_t f = mr_lp_get_str(lp, p, fbuf);
        mr_str_t v = mr_lp_get_str(lp, vp, vbuf);
        mr_ft_put(ft, f.ptr, f.len, v.ptr, v.len);
        p = mr_lp_next(lp, vp);
    }
    mr_lp_free(lp);
    mr_entry_set_obj(e, MR_ENC_HASHTABLE, ft);
}

static bool too_long(size_t len) {
    long long max = MR_CFG(hash_max_listpack_value);
    return max < 0 || len > (unsigned long long)max;
}

/* Converts before a write when any of argv[from..to] (fields and values
 * about to be stored) is too long for a listpack, as Redis checks every
 * argument up front, whether or not it ends up written. */
static void hash_try_convert(mr_call_t *call, mr_entry_t *e, int from,
                             int to) {
    if (!is_lp(e)) return;
    for (int i = from; i <= to; i++) {
        if (too_long(call->argv[i].len)) {
            hash_convert(e);
            return;
        }
    }
}

/* Sets f to v; returns true if the field was created. Converts first when
 * f or v is too long (HINCRBY* fields reach here unchecked) and after the
 * insert when the hash has too many fields. */
static bool hash_set(mr_entry_t *e, mr_str_t f, mr_str_t v) {
    if (is_lp(e) && (too_long(f.len) || too_long(v.len))) hash_convert(e);
    if (!is_lp(e))
        return mr_ft_put(mr_entry_obj(e), f.ptr, f.len, v.ptr, v.len);

    unsigned char *lp = mr_entry_obj(e);
    size_t vpos = lp_value_pos(lp, f);
    if (vpos != MR_LP_NONE) {
        if (!mr_lp_fits(lp, v.len)) {
            hash_convert(e);
            return mr_ft_put(mr_entry_obj(e), f.ptr, f.len, v.ptr, v.len);
        }
        lp = mr_lp_replace(lp, vpos, v.ptr, v.len);
        mr_entry_set_obj(e, MR_ENC_LISTPACK, lp);
        return false;
    }
    if (!mr_lp_fits(lp, f.len + v.len + 16)) {
        hash_convert(e);
        return mr_ft_put(mr_entry_obj(e), f.ptr, f.len, v.ptr, v.len);
    }
    lp = mr_lp_append(lp, f.ptr, f.len);
    lp = mr_lp_append(lp, v.ptr, v.len);
    mr_entry_set_obj(e, MR_ENC_LISTPACK, lp);
    long long maxn = MR_CFG(hash_max_listpack_entries);
    if (maxn < 0 || mr_lp_count(lp) / 2 > (unsigned long long)maxn)
        hash_convert(e);
    return true;
}

static bool hash_del(mr_entry_t *e, mr_str_t f) {
    if (!is_lp(e)) return mr_ft_delete(mr_entry_obj(e), f.ptr, f.len);
    unsigned char *lp = mr_entry_obj(e);
    size_t pos = mr_lp_first(lp);
    if (pos == MR_LP_NONE) return false;
    pos = mr_lp_find(lp, pos, f.ptr, f.len, 1);
    if (pos == MR_LP_NONE) return false;
    lp = mr_lp_delete_n(lp, pos, 2, NULL);
    mr_entry_set_obj(e, MR_ENC_LISTPACK, lp);
    return true;
}

/* Walks every field/value pair in storage order. */
typedef struct hash_iter {
    mr_entry_t *e;
    size_t pos;        /* listpack: next field */
    mr_ft_iter_t fi;   /* table */
    char fbuf[MR_LP_INTBUF], vbuf[MR_LP_INTBUF];
    mr_str_t f, v;     /* the current pair, valid until the next call */
} hash_iter_t;

static void hash_iter_start(hash_iter_t *it, mr_entry_t *e) {
    it->e = e;
    if (is_lp(e))
        it->pos = mr_lp_first(mr_entry_obj(e));
    else
        mr_ft_iter_start(mr_entry_obj(e), &it->fi);
}

static bool hash_iter_next(hash_iter_t *it) {
    if (is_lp(it->e)) {
        const unsigned char *lp = mr_entry_obj(it->e);
        if (it->pos == MR_LP_NONE) return false;
        size_t vp = mr_lp_next(lp, it->pos);
        it->f = mr_lp_get_str(lp, it->pos, it->fbuf);
        it->v = mr_lp_get_str(lp, vp, it->vbuf);
        it->pos = mr_lp_next(lp, vp);
        return true;
    }
    mr_ft_entry_t *fe = mr_ft_iter_next(&it->fi);
    if (!fe) return false;
    it->f = mr_ft_key(fe);
    it->v = mr_ft_value(fe);
    return true;
}

static void hash_iter_end(hash_iter_t *it) {
    if (!is_lp(it->e)) mr_ft_iter_end(&it->fi);
}

/* ---- lookups ---- */

/* The hash at argv[1] for reading: NULL when absent (*wrong false) or of
 * another type (*wrong true, WRONGTYPE already replied). */
static mr_entry_t *read_hash(mr_call_t *call, bool *wrong) {
    mr_entry_t *e = mr_db_lookup_read_locked(call->db, call->argv[1].ptr,
                                             call->argv[1].len, call->now_ms);
    *wrong = e && mr_entry_type(e) != MR_T_HASH;
    if (*wrong) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return NULL;
    }
    return e;
}

/* The hash at argv[1] for writing, created empty (listpack) when absent
 * and `create`; NULL after replying WRONGTYPE, or when absent and not
 * `create` (nothing replied). */
static mr_entry_t *write_hash(mr_call_t *call, bool create, bool *wrong) {
    mr_str_t k = call->argv[1];
    mr_entry_t *e = mr_db_lookup_write_locked(call->db, k.ptr, k.len,
                                              call->now_ms);
    *wrong = e && mr_entry_type(e) != MR_T_HASH;
    if (*wrong) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return NULL;
    }
    if (!e && create)
        e = mr_db_add_obj_locked(call->db, k.ptr, k.len, MR_T_HASH,
                                 MR_ENC_LISTPACK, mr_lp_new());
    return e;
}

/* An emptied hash is deleted, as Redis never keeps empty collections. */
static void delete_if_empty(mr_call_t *call, mr_entry_t *e) {
    if (hash_len(e) == 0) {
        mr_db_delete_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
    }
}

/* ---- writes ---- */


static void hset_generic(mr_call_t *call, bool hmset) {
    if (call->argc % 2 == 1) {
        mr_reply_arity_err(call);
        return;
    }
    bool wrong;
    mr_entry_t *e = write_hash(call, true, &wrong);
    if (!e) return;
    hash_try_convert(call, e, 2, call->argc - 1);
    long long created = 0;
    for (int i = 2; i < call->argc; i += 2)
        created += hash_set(e, call->argv[i], call->argv[i + 1]);
    call->dirty += (call->argc - 2) / 2;
    notify_arg(call, MR_NOTIFY_HASH, "hset", 1);
    if (hmset)
        mr_reply_ok(call->reply);
    else
        mr_reply_int(call->reply, created);
}

void cmd_hset(mr_call_t *call) { hset_generic(call, false); }
void cmd_hmset(mr_call_t *call) { hset_generic(call, true); }

void cmd_hsetnx(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = write_hash(call, true, &wrong);
    if (!e) return;
    hash_try_convert(call, e, 2, 3);
    char ib[MR_LP_INTBUF];
    mr_str_t v;
    if (hash_get(e, call->argv[2], &v, ib)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    hash_set(e, call->argv[2], call->argv[3]);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_HASH, "hset", 1);
    mr_reply_int(call->reply, 1);
}

void cmd_hdel(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = write_hash(call, false, &wrong);
    if (!e) {
        if (!wrong) mr_reply_int(call->reply, 0);
        return;
    }
    long long deleted = 0;
    for (int i = 2; i < call->argc; i++) {
        if (hash_del(e, call->argv[i])) {
            deleted++;
            if (hash_len(e) == 0) break; /* Redis stops once it is empty */
        }
    }
    if (deleted) {
        notify_arg(call, MR_NOTIFY_HASH, "hdel", 1);
        delete_if_empty(call, e);
    }
    call->dirty += deleted;
    mr_reply_int(call->reply, deleted);
}

void cmd_hincrby(mr_call_t *call) {
    long long incr, v = 0;
    if (!mr_arg_ll(call, 3, &incr)) return;
    bool wrong;
    mr_entry_t *e = write_hash(call, false, &wrong);
    if (wrong) return;
    char ib[MR_LP_INTBUF];
    mr_str_t cur;
    if (e && hash_get(e, call->argv[2], &cur, ib) &&
        !mr_str2ll(cur.ptr, cur.len, &v)) {
        mr_reply_err(call->reply, ERR_HASH_NOT_INT);
        return;
    }
    if ((incr < 0 && v < 0 && incr < LLONG_MIN - v) ||
        (incr > 0 && v > 0 && incr > LLONG_MAX - v)) {
        mr_reply_err(call->reply, MR_ERR_OVERFLOW);
        return;
    }
    v += incr;
    char buf[MR_LLSTR_SIZE];
    int n = mr_ll2str(buf, v);
    if (!e) e = write_hash(call, true, &wrong);
    hash_set(e, call->argv[2], (mr_str_t){buf, (size_t)n});
    call->dirty++;
    notify_arg(call, MR_NOTIFY_HASH, "hincrby", 1);
    mr_prop_cmd(call, 4); /* the result, as Redis logs it */
    mr_prop_arg_cstr(call, "HSET");
    mr_prop_arg_str(call, call->argv[1]);
    mr_prop_arg_str(call, call->argv[2]);
    mr_prop_arg(call, buf, (size_t)n);
    mr_reply_int(call->reply, v);
}

void cmd_hincrbyfloat(mr_call_t *call) {
    long double incr, v = 0;
    if (!mr_arg_ld(call, 3, &incr)) return;
    if (isnan(incr) || isinf(incr)) {
        mr_reply_err(call->reply, ERR_NAN_OR_INF);
        return;
    }
    bool wrong;
    mr_entry_t *e = write_hash(call, false, &wrong);
    if (wrong) return;
    char ib[MR_LP_INTBUF];
    mr_str_t cur;
    if (e && hash_get(e, call->argv[2], &cur, ib) &&
        !mr_str2ld(cur.ptr, cur.len, &v)) {
        mr_reply_err(call->reply, ERR_HASH_NOT_FLOAT);
        return;
    }
    v += incr;
    char buf[MR_LDSTR_SIZE];
    int n = (isnan(v) || isinf(v)) ? 0 : mr_ld2str(buf, sizeof buf, v);
    if (n <= 0) {
        mr_reply_err(call->reply, MR_ERR_INCR_NAN);
        return;
    }
    if (!e) e = write_hash(call, true, &wrong);
    hash_set(e, call->argv[2], (mr_str_t){buf, (size_t)n});
    call->dirty++;
    notify_arg(call, MR_NOTIFY_HASH, "hincrbyfloat", 1);
    mr_prop_cmd(call, 4); /* the result, as Redis logs it */
    mr_prop_arg_cstr(call, "HSET");
    mr_prop_arg_str(call, call->argv[1]);
    mr_prop_arg_str(call, call->argv[2]);
    mr_prop_arg(call, buf, (size_t)n);
    mr_reply_bulk(call->reply, buf, (size_t)n);
}

/* ---- single-field reads ---- */

void cmd_hget(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    char ib[MR_LP_INTBUF];
    mr_str_t v;
    if (e && hash_get(e, call->argv[2], &v, ib))
        mr_reply_bulk(call->reply, v.ptr, v.len);
    else
        mr_reply_null(call->reply);
}

void cmd_hmget(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    mr_reply_array(call->reply, call->argc - 2);
    for (int i = 2; i < call->argc; i++) {
        char ib[MR_LP_INTBUF];
        mr_str_t v;
        if (e && hash_get(e, call->argv[i], &v, ib))
            mr_reply_bulk(call->reply, v.ptr, v.len);
        else
            mr_reply_null(call->reply);
    }
}

void cmd_hexists(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    char ib[MR_LP_INTBUF];
    mr_str_t v;
    mr_reply_int(call->reply, e && hash_get(e, call->argv[2], &v, ib));
}

void cmd_hstrlen(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    char ib[MR_LP_INTBUF];
    mr_str_t v;
    bool found = e && hash_get(e, call->argv[2], &v, ib);
    mr_reply_int(call->reply, found ? (long long)v.len : 0);
}

void cmd_hlen(mr_call_t *call) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    mr_reply_int(call->reply, e ? (long long)hash_len(e) : 0);
}

/* ---- whole-hash reads ---- */

enum { WANT_FIELDS = 1, WANT_VALUES = 2 };

static void getall_generic(mr_call_t *call, int want) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    long n = e ? (long)hash_len(e) : 0;
    if (want == (WANT_FIELDS | WANT_VALUES))
        mr_reply_map(call->reply, n);
    else
        mr_reply_array(call->reply, n);
    if (!e) return;
    hash_iter_t it;
    hash_iter_start(&it, e);
    while (hash_iter_next(&it)) {
        if (want & WANT_FIELDS) mr_reply_bulk(call->reply, it.f.ptr, it.f.len);
        if (want & WANT_VALUES) mr_reply_bulk(call->reply, it.v.ptr, it.v.len);
    }
    hash_iter_end(&it);
}

void cmd_hkeys(mr_call_t *call) { getall_generic(call, WANT_FIELDS); }
void cmd_hvals(mr_call_t *call) { getall_generic(call, WANT_VALUES); }
void cmd_hgetall(mr_call_t *call) {
    getall_generic(call, WANT_FIELDS | WANT_VALUES);
}

/* ---- HRANDFIELD ---- */

/* Uniform in [0, n), n > 0 (modulo bias is below 2^-40 for any hash that
 * fits in memory). */
static size_t rnd_below(size_t n) { return (size_t)(mr_rand64() % n); }

/* One field (and its value) of an HRANDFIELD reply: RESP3 nests each pair
 * in its own array, RESP2 flattens. */
static void reply_pick(mr_call_t *call, mr_str_t f, mr_str_t v,
                       bool withvalues) {
    if (withvalues && call->reply->resp > 2) mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, f.ptr, f.len);
    if (withvalues) mr_reply_bulk(call->reply, v.ptr, v.len);
}

/* The pair at pair index i of a listpack hash. */
static void lp_pair(const unsigned char *lp, size_t i, mr_str_t *f,
                    mr_str_t *v, char fb[MR_LP_INTBUF],
                    char vb[MR_LP_INTBUF]) {
    size_t p = mr_lp_seek(lp, (long long)(2 * i));
    *f = mr_lp_get_str(lp, p, fb);
    *v = mr_lp_get_str(lp, mr_lp_next(lp, p), vb);
}

/* Negative count: `count` independent picks, repeats allowed, in random
 * order. Nothing is allocated by count: each pick is written as drawn,
 * and a huge count is cut off (mr_reply_cut_if_huge). */

static void randfield_repeat(mr_call_t *call, mr_entry_t *e,
                             unsigned long count, bool withvalues) {
    char fb[MR_LP_INTBUF], vb[MR_LP_INTBUF];
    size_t size = hash_len(e);
    size_t start = call->reply->out->len;
    while (count--) {
        if (mr_reply_cut_if_huge(call, start)) return;
        mr_str_t f, v;
        if (is_lp(e)) {
            lp_pair(mr_entry_obj(e), rnd_below(size), &f, &v, fb, vb);
        } else {
            mr_ft_entry_t *fe = mr_ft_random(mr_entry_obj(e), mr_rand64);
            f = mr_ft_key(fe);
            v = mr_ft_value(fe);
        }
        reply_pick(call, f, v, withvalues);
    }
}

typedef struct randpick_ctx {
    mr_call_t *call;
    bool withvalues;
} randpick_ctx_t;

static void randpick(void *ctx, mr_ft_entry_t *fe) {
    randpick_ctx_t *c = ctx;
    reply_pick(c->call, mr_ft_key(fe), mr_ft_value(fe), c->withvalues);
}

/* Positive count below the size: `count` distinct fields. */
static void randfield_unique(mr_call_t *call, mr_entry_t *e,
                             unsigned long count, bool withvalues) {
    size_t size = hash_len(e);
    if (is_lp(e)) {
        /* Selection sampling: one pass, each pair kept with probability
         * needed / remaining, so exactly `count` come out, in storage
         * order. */
        hash_iter_t it;
        hash_iter_start(&it, e);
        size_t left = size, need = count;
        while (need && hash_iter_next(&it)) {
            if (rnd_below(left--) < need) {
                reply_pick(call, it.f, it.v, withvalues);
                need--;
            }
        }
        hash_iter_end(&it);
        return;
    }
    randpick_ctx_t c = {call, withvalues};
    mr_ft_random_distinct(mr_entry_obj(e), count, mr_rand64, randpick, &c);
}

static void randfield_count(mr_call_t *call, long long l, bool withvalues) {
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    if (!e || l == 0) {
        mr_reply_array(call->reply, 0);
        return;
    }
    size_t size = hash_len(e);
    bool uniq = l > 0;
    unsigned long count = uniq ? (unsigned long)l : (unsigned long)-l;
    if (!uniq || count == 1) {
        bool flat = withvalues && call->reply->resp == 2;
        mr_reply_array(call->reply, (long)(flat ? count * 2 : count));
        randfield_repeat(call, e, count, withvalues);
        return;
    }
    unsigned long n = count < size ? count : size;
    bool flat = withvalues && call->reply->resp == 2;
    mr_reply_array(call->reply, (long)(flat ? n * 2 : n));
    if (count >= size) { /* the whole hash */
        hash_iter_t it;
        hash_iter_start(&it, e);
        while (hash_iter_next(&it)) reply_pick(call, it.f, it.v, withvalues);
        hash_iter_end(&it);
        return;
    }
    randfield_unique(call, e, count, withvalues);
}

void cmd_hrandfield(mr_call_t *call) {
    if (call->argc >= 3) {
        long long l;
        if (!mr_arg_ll(call, 2, &l)) return;
        if (l < -LLONG_MAX) {
            mr_reply_errf(call->reply,
                          "ERR value is out of range, value must between "
                          "%lld and %lld", -LLONG_MAX, LLONG_MAX);
            return;
        }
        bool withvalues = false;
        if (call->argc > 4 ||
            (call->argc == 4 && !mr_str_eq_ci(call->argv[3], "withvalues"))) {
            mr_reply_syntax_err(call);
            return;
        }
        if (call->argc == 4) {
            withvalues = true;
            /* the flat RESP2 reply holds 2 * count elements */
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                mr_reply_err(call->reply, ERR_OUT_OF_RANGE);
                return;
            }
        }
        randfield_count(call, l, withvalues);
        return;
    }
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    if (!e) {
        mr_reply_null(call->reply);
        return;
    }
    char fb[MR_LP_INTBUF], vb[MR_LP_INTBUF];
    mr_str_t f, v;
    if (is_lp(e)) {
        lp_pair(mr_entry_obj(e), rnd_below(hash_len(e)), &f, &v, fb, vb);
    } else {
        f = mr_ft_key(mr_ft_random(mr_entry_obj(e), mr_rand64));
    }
    mr_reply_bulk(call->reply, f.ptr, f.len);
}

/* ---- HSCAN ---- */

static void hscan_visit(void *ctx, mr_ft_entry_t *fe) {
    mr_str_t v = mr_ft_value(fe);
    mr_scan_add(ctx, mr_ft_key(fe), &v);
}

void cmd_hscan(mr_call_t *call) {
    uint64_t cursor;
    if (!mr_arg_cursor(call, 2, &cursor)) return;
    bool wrong;
    mr_entry_t *e = read_hash(call, &wrong);
    if (wrong) return;
    mr_scan_t s = {0};
    if (!e) { /* Redis answers before reading the options */
        mr_scan_reply(call->reply, 0, &s);
        return;
    }
    long long count = 10;
    if (!mr_arg_scan_opts(call, 3, &count, &s.pat)) return;
    uint64_t next = 0;
    if (is_lp(e)) { /* small: everything at once, cursor 0 */
        hash_iter_t it;
        hash_iter_start(&it, e);
        while (hash_iter_next(&it)) mr_scan_add(&s, it.f, &it.v);
        hash_iter_end(&it);
    } else {
        next = mr_scan_table(mr_entry_obj(e), cursor, count, hscan_visit, &s);
    }
    mr_scan_reply(call->reply, next, &s);
}
