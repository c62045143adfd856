/* Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
 * SRANDMEMBER SMOVE SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE
 * SDIFFSTORE SSCAN, with Redis 7.0's replies and error texts.
 *
 * Encoding: every set is an mr_ft_* table of kind MR_FT_SET
 * (MR_ENC_HASHTABLE). Redis 7.0 keeps small all-integer sets as an "intset";
 * that encoding is not built here, so OBJECT ENCODING says "hashtable" for
 * every set (replies are otherwise the same).
 *
 * Locking: dispatch holds the shard locks of every key before a handler
 * runs: the row's first/last/step, or for SINTERCARD the keys its getkeys
 * hook (sintercard_getkeys) finds after numkeys. A set that becomes empty is
 * deleted, as in Redis. Allocations are bounded by data that exists (the
 * set's size, argc), never by a count the client sent. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/aof.h"
#include "mr/cmd.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "proto/errors.h"
#include "types/fieldtab.h"
#include "types/scan.h"

#define ERR_NUMKEYS "ERR numkeys should be greater than 0"
#define ERR_NUMKEYS_ARGS "ERR Number of keys can't be greater than number of args"
#define ERR_LIMIT_NEG "ERR LIMIT can't be negative"
#define ERR_POSITIVE "ERR value is out of range, must be positive"

/* ---- helpers ---- */

/* Looks argv[i] up. Returns false after replying WRONGTYPE; otherwise *ft
 * is the set's table, or NULL when the key is absent. */
static bool lookup_set(mr_call_t *call, int i, bool write, mr_entry_t **ent,
                       mr_ft_t **ft) {
    mr_entry_t *e;
    if (!mr_arg_lookup(call, i, write, MR_T_SET, &e)) return false;
    if (ent) *ent = e;
    *ft = e ? mr_entry_obj(e) : NULL;
    return true;
}

/* Deletes argv[i] when its set has become empty. */
static void drop_if_empty(mr_call_t *call, int i, mr_ft_t *ft) {
    if (mr_ft_count(ft) == 0) {
        mr_db_delete_locked(call->db, call->argv[i].ptr, call->argv[i].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
    }
}

static void reply_key(mr_reply_t *r, const mr_ft_entry_t *e) {
    mr_str_t k = mr_ft_key(e);
    mr_reply_bulk(r, k.ptr, k.len);
}

/* Every member, as a RESP3 set (RESP2 array). */
static void reply_members(mr_reply_t *r, mr_ft_t *ft) {
    mr_reply_set(r, (long)mr_ft_count(ft));
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) reply_key(r, e);
    mr_ft_iter_end(&it);
}

static void add_member(mr_ft_t *ft, mr_str_t m) {
    mr_ft_upsert(ft, m.ptr, m.len, NULL);
}

/* ---- single-set commands ---- */

void cmd_sadd(mr_call_t *call) {
    mr_entry_t *e;
    mr_ft_t *ft;
    if (!lookup_set(call, 1, true, &e, &ft)) return;
    if (!ft) {
        ft = mr_ft_create(MR_FT_SET);
        mr_db_add_obj_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                             MR_T_SET, MR_ENC_HASHTABLE, ft);
    }
    long long added = 0;
    for (int i = 2; i < call->argc; i++) {
        bool existed;
        mr_ft_upsert(ft, call->argv[i].ptr, call->argv[i].len, &existed);
        if (!existed) added++;
    }
    call->dirty += added;
    if (added) notify_arg(call, MR_NOTIFY_SET, "sadd", 1);
    mr_reply_int(call->reply, added);
}

void cmd_srem(mr_call_t *call) {
    mr_ft_t *ft;
    if (!lookup_set(call, 1, true, NULL, &ft)) return;
    long long removed = 0;
    if (ft) {
        for (int i = 2; i < call->argc && mr_ft_count(ft) > 0; i++)
            if (mr_ft_delete(ft, call->argv[i].ptr, call->argv[i].len))
                removed++;
        if (removed) notify_arg(call, MR_NOTIFY_SET, "srem", 1);
        drop_if_empty(call, 1, ft);
    }
    call->dirty += removed;
    mr_reply_int(call->reply, removed);
}

void cmd_smembers(mr_call_t *call) {
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    if (!ft)
        mr_reply_set(call->reply, 0);
    else
        reply_members(call->reply, ft);
}

void cmd_sismember(mr_call_t *call) {
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    bool in = ft && mr_ft_find(ft, call->argv[2].ptr, call->argv[2].len);
    mr_reply_int(call->reply, in ? 1 : 0);
}

void cmd_smismember(mr_call_t *call) {
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    mr_reply_array(call->reply, call->argc - 2);
    for (int i = 2; i < call->argc; i++) {
        bool in = ft && mr_ft_find(ft, call->argv[i].ptr, call->argv[i].len);
        mr_reply_int(call->reply, in ? 1 : 0);
    }
}

void cmd_scard(mr_call_t *call) {
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    mr_reply_int(call->reply, ft ? (long long)mr_ft_count(ft) : 0);
}

/* ---- SPOP / SRANDMEMBER ---- */

/* Pops one random member, replying it and adding it to the SREM the AOF
 * gets (randomness is logged as what it did). */
static void pop_one(mr_call_t *call, mr_ft_t *ft) {
    mr_ft_entry_t *e = mr_ft_random(ft, mr_rand64);
    reply_key(call->reply, e);
    mr_str_t k = mr_ft_key(e);
    mr_prop_arg_str(call, k);
    mr_ft_delete(ft, k.ptr, k.len);
}

/* Starts the SREM key ... of n popped members. */
static void prop_srem(mr_call_t *call, size_t n) {
    mr_prop_cmd(call, 2 + (int)n);
    mr_prop_arg_cstr(call, "SREM");
    mr_prop_arg_str(call, call->argv[1]);
}

/* SPOP key count, 0 < count < size. When few members stay, the survivors
 * move into a new table and the old one (the popped members) is replied
 * whole; otherwise members are popped one at a time. Either way the work
 * and memory are bounded by the set's size. */
static mr_ft_t *pop_many(mr_call_t *call, mr_ft_t *ft, size_t count) {
    mr_reply_t *r = call->reply;
    size_t size = mr_ft_count(ft), remaining = size - count;
    mr_reply_set(r, (long)count);
    prop_srem(call, count);
    if (remaining * 5 > count) {
        for (size_t i = 0; i < count; i++) pop_one(call, ft);
        return ft;
    }
    mr_ft_t *keep = mr_ft_create(MR_FT_SET);
    for (size_t i = 0; i < remaining; i++) {
        mr_ft_entry_t *e = mr_ft_random(ft, mr_rand64);
        mr_str_t k = mr_ft_key(e);
        mr_ft_add(keep, k.ptr, k.len);
        mr_ft_delete(ft, k.ptr, k.len);
    }
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
        reply_key(r, e);
        mr_prop_arg_str(call, mr_ft_key(e));
    }
    mr_ft_iter_end(&it);
    mr_ft_free(ft);
    return keep;
}

void cmd_spop(mr_call_t *call) {
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
    mr_entry_t *e;
    mr_ft_t *ft;
    if (!lookup_set(call, 1, true, &e, &ft)) return;
    if (count < 0) { /* no count: one member or nil */
        if (!ft) {
            mr_reply_null(call->reply);
            return;
        }
        prop_srem(call, 1);
        pop_one(call, ft);
        call->dirty++;
        notify_arg(call, MR_NOTIFY_SET, "spop", 1);
        drop_if_empty(call, 1, ft);
        return;
    }
    if (!ft || count == 0) {
        mr_reply_set(call->reply, 0);
        return;
    }
    size_t size = mr_ft_count(ft);
    if ((unsigned long long)count >= size) {
        reply_members(call->reply, ft);
        call->dirty += (long long)size;
        mr_prop_cmd(call, 2); /* every member popped: the key is gone */
        mr_prop_arg_cstr(call, "DEL");
        mr_prop_arg_str(call, call->argv[1]);
        mr_db_delete_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_SET, "spop", 1);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
        return;
    }
    mr_ft_t *now = pop_many(call, ft, (size_t)count);
    if (now != ft) mr_entry_set_obj(e, MR_ENC_HASHTABLE, now);
    call->dirty += count;
    notify_arg(call, MR_NOTIFY_SET, "spop", 1);
}

/* SRANDMEMBER key count, 0 < count < size, distinct members. */
static void reply_pick(void *ctx, mr_ft_entry_t *e) { reply_key(ctx, e); }

static void rand_distinct(mr_reply_t *r, mr_ft_t *ft, size_t count) {
    mr_reply_array(r, (long)count);
    mr_ft_random_distinct(ft, count, mr_rand64, reply_pick, r);
}

void cmd_srandmember(mr_call_t *call) {
    if (call->argc > 3) {
        mr_reply_syntax_err(call);
        return;
    }
    long long count = 0;
    bool with_count = call->argc == 3;
    if (with_count) {
        if (!mr_arg_ll(call, 2, &count)) return;
        if (count == LLONG_MIN) {
            mr_reply_errf(call->reply,
                          "ERR value is out of range, value must between %lld "
                          "and %lld",
                          -LLONG_MAX, LLONG_MAX);
            return;
        }
    }
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    if (!with_count) {
        if (!ft)
            mr_reply_null(call->reply);
        else
            reply_key(call->reply, mr_ft_random(ft, mr_rand64));
        return;
    }
    if (!ft || count == 0) {
        mr_reply_array(call->reply, 0);
        return;
    }
    if (count < 0) {
        /* repeats allowed: streamed, one random draw per element; nothing
         * is allocated for the count, and a huge count is cut off */
        long long n = -count;
        size_t start = call->reply->out->len;
        mr_reply_array(call->reply, (long)n);
        for (long long i = 0; i < n; i++) {
            if (mr_reply_cut_if_huge(call, start)) return;
            reply_key(call->reply, mr_ft_random(ft, mr_rand64));
        }
        return;
    }
    size_t size = mr_ft_count(ft);
    if ((unsigned long long)count >= size) {
        mr_reply_array(call->reply, (long)size);
        mr_ft_iter_t it;
        mr_ft_iter_start(ft, &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;)
            reply_key(call->reply, e);
        mr_ft_iter_end(&it);
        return;
    }
    rand_distinct(call->reply, ft, (size_t)count);
}

/* ---- SMOVE ---- */

void cmd_smove(mr_call_t *call) {
    mr_entry_t *se, *de;
    mr_ft_t *src, *dst;
    mr_str_t m = call->argv[3];
    /* Redis: a missing source answers 0 before the destination's type is
     * looked at; then both must be sets */
    se = mr_db_lookup_write_locked(call->db, call->argv[1].ptr,
                                   call->argv[1].len, call->now_ms);
    de = mr_db_lookup_write_locked(call->db, call->argv[2].ptr,
                                   call->argv[2].len, call->now_ms);
    if (!se) {
        mr_reply_int(call->reply, 0);
        return;
    }
    if (mr_entry_type(se) != MR_T_SET ||
        (de && mr_entry_type(de) != MR_T_SET)) {
        mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
        return;
    }
    src = mr_entry_obj(se);
    dst = de ? mr_entry_obj(de) : NULL;
    if (src == dst) { /* same key: nothing moves */
        mr_reply_int(call->reply, mr_ft_find(src, m.ptr, m.len) ? 1 : 0);
        return;
    }
    if (!mr_ft_delete(src, m.ptr, m.len)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    notify_arg(call, MR_NOTIFY_SET, "srem", 1);
    drop_if_empty(call, 1, src);
    if (!dst) {
        dst = mr_ft_create(MR_FT_SET);
        mr_db_add_obj_locked(call->db, call->argv[2].ptr, call->argv[2].len,
                             MR_T_SET, MR_ENC_HASHTABLE, dst);
    }
    add_member(dst, m);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_SET, "sadd", 2);
    mr_reply_int(call->reply, 1);
}

/* ---- set algebra ---- */

/* Looks up argv[first .. first+n) as sets (NULL for a missing key). Returns
 * NULL after replying WRONGTYPE; the array (n <= argc) is the caller's. */
static mr_ft_t **lookup_sets(mr_call_t *call, int first, int n, bool write) {
    mr_ft_t **sets = mr_xmalloc(sizeof *sets * (size_t)n);
    for (int i = 0; i < n; i++) {
        if (!lookup_set(call, first + i, write, NULL, &sets[i])) {
            mr_free(sets);
            return NULL;
        }
    }
    return sets;
}

static int cmp_card(const void *a, const void *b) {
    size_t x = mr_ft_count(*(mr_ft_t *const *)a);
    size_t y = mr_ft_count(*(mr_ft_t *const *)b);
    return x < y ? -1 : x > y;
}

typedef void (*member_fn)(void *ctx, const mr_ft_entry_t *e);

/* Calls fn for each member of the intersection of sets[0..n) (none may be
 * NULL), stopping after `limit` of them (0: no limit). Returns how many. */
static size_t inter_walk(mr_ft_t **sets, int n, size_t limit, member_fn fn,
                         void *ctx) {
    qsort(sets, (size_t)n, sizeof *sets, cmp_card); /* smallest first */
    size_t found = 0;
    mr_ft_iter_t it;
    mr_ft_iter_start(sets[0], &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
        mr_str_t k = mr_ft_key(e);
        bool all = true;
        /* the walked table itself is skipped: finding in it could start a
         * rehash step while the iterator runs */
        for (int j = 1; j < n && all; j++)
            if (sets[j] != sets[0] && !mr_ft_find(sets[j], k.ptr, k.len))
                all = false;
        if (!all) continue;
        if (fn) fn(ctx, e);
        if (++found == limit) break;
    }
    mr_ft_iter_end(&it);
    return found;
}

static void inter_reply(void *ctx, const mr_ft_entry_t *e) {
    reply_key(ctx, e);
}

static void inter_collect(void *ctx, const mr_ft_entry_t *e) {
    mr_str_t k = mr_ft_key(e);
    mr_ft_add(ctx, k.ptr, k.len);
}

static bool any_missing(mr_ft_t **sets, int n) {
    for (int i = 0; i < n; i++)
        if (!sets[i]) return true;
    return false;
}

/* The union of sets[0..n) (NULL = empty) as a new table. */
static mr_ft_t *union_of(mr_ft_t **sets, int n) {
    mr_ft_t *res = mr_ft_create(MR_FT_SET);
    for (int i = 0; i < n; i++) {
        if (!sets[i]) continue;
        mr_ft_iter_t it;
        mr_ft_iter_start(sets[i], &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
            mr_str_t k = mr_ft_key(e);
            add_member(res, k);
        }
        mr_ft_iter_end(&it);
    }
    return res;
}

/* sets[0] minus sets[1..n) (NULL = empty) as a new table. */
static mr_ft_t *diff_of(mr_ft_t **sets, int n) {
    mr_ft_t *res = mr_ft_create(MR_FT_SET);
    if (!sets[0]) return res;
    mr_ft_iter_t it;
    mr_ft_iter_start(sets[0], &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
        mr_str_t k = mr_ft_key(e);
        bool keep = true;
        for (int j = 1; j < n && keep; j++) {
            if (!sets[j]) continue;
            if (sets[j] == sets[0]) keep = false; /* A - A is empty */
            else if (mr_ft_find(sets[j], k.ptr, k.len)) keep = false;
        }
        if (keep) mr_ft_add(res, k.ptr, k.len);
    }
    mr_ft_iter_end(&it);
    return res;
}

/* *STORE: dst (argv[1]) becomes res, or is deleted when res is empty.
 * Takes res. */
static void store_result(mr_call_t *call, mr_ft_t *res) {
    mr_str_t dst = call->argv[1];
    size_t n = mr_ft_count(res);
    bool existed = mr_db_delete_locked(call->db, dst.ptr, dst.len, call->now_ms);
    if (n == 0) {
        mr_ft_free(res);
        if (existed) call->dirty++;
        if (existed) notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_db_add_obj_locked(call->db, dst.ptr, dst.len, MR_T_SET,
                         MR_ENC_HASHTABLE, res);
    call->dirty++;
    /* the event is the command's name: sinterstore, sunionstore, ... */
    notify_arg(call, MR_NOTIFY_SET, call->cmd ? call->cmd->name : "", 1);
    mr_reply_int(call->reply, (long long)n);
}

void cmd_sinter(mr_call_t *call) {
    int n = call->argc - 1;
    mr_ft_t **sets = lookup_sets(call, 1, n, false);
    if (!sets) return;
    if (any_missing(sets, n)) {
        mr_reply_set(call->reply, 0);
    } else if (n == 1) {
        reply_members(call->reply, sets[0]);
    } else {
        size_t mark = mr_reply_defer(call->reply);
        size_t found = inter_walk(sets, n, 0, inter_reply, call->reply);
        mr_reply_defer_set(call->reply, mark, (long)found);
    }
    mr_free(sets);
}

void cmd_sinterstore(mr_call_t *call) {
    int n = call->argc - 2;
    mr_ft_t **sets = lookup_sets(call, 2, n, true);
    if (!sets) return;
    mr_ft_t *res = mr_ft_create(MR_FT_SET);
    if (!any_missing(sets, n)) inter_walk(sets, n, 0, inter_collect, res);
    mr_free(sets);
    store_result(call, res);
}

static void reply_and_free(mr_reply_t *r, mr_ft_t *res) {
    reply_members(r, res);
    mr_ft_free(res);
}

void cmd_sunion(mr_call_t *call) {
    mr_ft_t **sets = lookup_sets(call, 1, call->argc - 1, false);
    if (!sets) return;
    reply_and_free(call->reply, union_of(sets, call->argc - 1));
    mr_free(sets);
}

void cmd_sdiff(mr_call_t *call) {
    mr_ft_t **sets = lookup_sets(call, 1, call->argc - 1, false);
    if (!sets) return;
    reply_and_free(call->reply, diff_of(sets, call->argc - 1));
    mr_free(sets);
}

void cmd_sunionstore(mr_call_t *call) {
    mr_ft_t **sets = lookup_sets(call, 2, call->argc - 2, true);
    if (!sets) return;
    mr_ft_t *res = union_of(sets, call->argc - 2);
    mr_free(sets);
    store_result(call, res);
}

void cmd_sdiffstore(mr_call_t *call) {
    mr_ft_t **sets = lookup_sets(call, 2, call->argc - 2, true);
    if (!sets) return;
    mr_ft_t *res = diff_of(sets, call->argc - 2);
    mr_free(sets);
    store_result(call, res);
}

/* ---- SINTERCARD numkeys key [key ...] [LIMIT limit] ---- */

/* numkeys as Redis reads it (1 .. args left), or 0 when malformed. */
static long long sintercard_numkeys(const mr_call_t *call) {
    long long nk;
    if (!mr_str2ll(call->argv[1].ptr, call->argv[1].len, &nk) || nk < 1)
        return 0;
    if (nk > call->argc - 2) return 0;
    return nk;
}

int sintercard_getkeys(const mr_call_t *call, int *key_argv_idx, int max) {
    long long nk = sintercard_numkeys(call);
    if (nk == 0) return -1;
    for (int i = 0; i < (int)nk && i < max; i++) key_argv_idx[i] = 2 + i;
    return (int)nk;
}

void cmd_sintercard(mr_call_t *call) {
    long long nk;
    if (!mr_str2ll(call->argv[1].ptr, call->argv[1].len, &nk) || nk < 1) {
        mr_reply_err(call->reply, ERR_NUMKEYS);
        return;
    }
    if (nk > call->argc - 2) {
        mr_reply_err(call->reply, ERR_NUMKEYS_ARGS);
        return;
    }
    int n = (int)nk;
    long long limit = 0;
    for (int i = 2 + n; i < call->argc; i++) {
        if (mr_str_eq_ci(call->argv[i], "limit") && i + 1 < call->argc) {
            i++;
            if (!mr_str2ll(call->argv[i].ptr, call->argv[i].len, &limit) ||
                limit < 0) {
                mr_reply_err(call->reply, ERR_LIMIT_NEG);
                return;
            }
        } else {
            mr_reply_syntax_err(call);
            return;
        }
    }
    mr_ft_t **sets = lookup_sets(call, 2, n, false);
    if (!sets) return;
    size_t found = 0;
    if (!any_missing(sets, n))
        found = inter_walk(sets, n, (size_t)limit, NULL, NULL);
    mr_free(sets);
    mr_reply_int(call->reply, (long long)found);
}

/* ---- SSCAN key cursor [MATCH pattern] [COUNT count] ---- */

static void sscan_visit(void *ctx, mr_ft_entry_t *e) {
    mr_scan_add(ctx, mr_ft_key(e), NULL);
}

void cmd_sscan(mr_call_t *call) {
    uint64_t cursor;
    if (!mr_arg_cursor(call, 2, &cursor)) return;
    mr_ft_t *ft;
    if (!lookup_set(call, 1, false, NULL, &ft)) return;
    mr_scan_t s = {0};
    if (!ft) { /* Redis answers before looking at the options */
        mr_scan_reply(call->reply, 0, &s);
        return;
    }
    long long count = 10;
    if (!mr_arg_scan_opts(call, 3, &count, &s.pat)) return;
    mr_scan_reply(call->reply,
                  mr_scan_table(ft, cursor, count, sscan_visit, &s), &s);
}
