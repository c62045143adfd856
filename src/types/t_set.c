/* Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
 * SRANDMEMBER SMOVE SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE
 * SDIFFSTORE SSCAN, with Redis 7.0's replies and error texts.
 *
 * Encoding: a set is an intset (sorted integer array) while its members
 * are all integers and at most set-max-intset-entries, else a hash table;
 * src/types/setval.h holds both behind one interface and Redis 7.0's
 * conversion rules. The handlers below follow the order in which Redis 7.0
 * adds members to a new set (the first member picks the encoding of a new
 * key; store results start as an intset; SDIFF's two algorithms; SPOP's
 * survivors), so OBJECT ENCODING answers as Redis does. An intset replies
 * in ascending order, as Redis's does.
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
#include "types/setval.h"

#define ERR_NUMKEYS "ERR numkeys should be greater than 0"
#define ERR_NUMKEYS_ARGS "ERR Number of keys can't be greater than number of args"
#define ERR_LIMIT_NEG "ERR LIMIT can't be negative"
#define ERR_POSITIVE "ERR value is out of range, must be positive"

/* ---- helpers ---- */

/* Looks argv[i] up. Returns false after replying WRONGTYPE; otherwise *ent
 * is the key's entry, or NULL when the key is absent. */
static bool lookup_set(mr_call_t *call, int i, bool write, mr_entry_t **ent) {
    return mr_arg_lookup(call, i, write, MR_T_SET, ent);
}

/* After a change to e's set s: deletes argv[i] when s has become empty (as
 * Redis never keeps an empty set), else points e at s (it may have
 * moved). */
static void store_or_drop(mr_call_t *call, int i, mr_entry_t *e, mr_setv_t s) {
    mr_setv_store(e, s);
    if (mr_setv_len(s) == 0) {
        mr_db_delete_locked(call->db, call->argv[i].ptr, call->argv[i].len,
                            call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
    }
}

/* Every member, as a RESP3 set (RESP2 array), in the set's own order. */
static void reply_members(mr_reply_t *r, mr_setv_t s) {
    mr_reply_set(r, (long)mr_setv_len(s));
    mr_setv_it_t it;
    mr_setv_it_start(&it, s);
    for (mr_str_t m; mr_setv_it_next(&it, &m);) mr_reply_bulk(r, m.ptr, m.len);
    mr_setv_it_end(&it);
}

static void reply_str(mr_reply_t *r, mr_str_t m) {
    mr_reply_bulk(r, m.ptr, m.len);
}

/* ---- single-set commands ---- */

void cmd_sadd(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, true, &e)) return;
    /* a new key's encoding is chosen by its first member, as in Redis */
    mr_setv_t s = e ? mr_setv_of(e) : mr_setv_new_for(call->argv[2]);
    size_t max = mr_setv_max_intset();
    long long added = 0;
    for (int i = 2; i < call->argc; i++)
        if (mr_setv_add(&s, call->argv[i], max)) added++;
    if (e)
        mr_setv_store(e, s);
    else
        mr_db_add_obj_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                             MR_T_SET, s.enc, s.p);
    call->dirty += added;
    if (added) notify_arg(call, MR_NOTIFY_SET, "sadd", 1);
    mr_reply_int(call->reply, added);
}

void cmd_srem(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, true, &e)) return;
    long long removed = 0;
    if (e) {
        mr_setv_t s = mr_setv_of(e);
        for (int i = 2; i < call->argc && mr_setv_len(s) > 0; i++)
            if (mr_setv_remove(&s, call->argv[i])) removed++;
        if (removed) notify_arg(call, MR_NOTIFY_SET, "srem", 1);
        store_or_drop(call, 1, e, s);
    }
    call->dirty += removed;
    mr_reply_int(call->reply, removed);
}

void cmd_smembers(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    if (!e)
        mr_reply_set(call->reply, 0);
    else
        reply_members(call->reply, mr_setv_of(e));
}

void cmd_sismember(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    bool in = e && mr_setv_has(mr_setv_of(e), call->argv[2]);
    mr_reply_int(call->reply, in ? 1 : 0);
}

void cmd_smismember(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    mr_reply_array(call->reply, call->argc - 2);
    for (int i = 2; i < call->argc; i++) {
        bool in = e && mr_setv_has(mr_setv_of(e), call->argv[i]);
        mr_reply_int(call->reply, in ? 1 : 0);
    }
}

void cmd_scard(mr_call_t *call) {
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    mr_reply_int(call->reply, e ? (long long)mr_setv_len(mr_setv_of(e)) : 0);
}

/* ---- set algebra ---- */

/* Looks up argv[first .. first+n) as sets ({0}: a missing key). Returns
 * NULL after replying WRONGTYPE; the array (n <= argc) is the caller's. */
static mr_setv_t *lookup_sets(mr_call_t *call, int first, int n, bool write) {
    mr_setv_t *sets = mr_xcalloc((size_t)n, sizeof *sets);
    for (int i = 0; i < n; i++) {
        mr_entry_t *e;
        if (!lookup_set(call, first + i, write, &e)) {
            mr_free(sets);
            return NULL;
        }
        if (e) sets[i] = mr_setv_of(e);
    }
    return sets;
}

static int cmp_card(const void *a, const void *b) {
    size_t x = mr_setv_len(*(const mr_setv_t *)a);
    size_t y = mr_setv_len(*(const mr_setv_t *)b);
    return x < y ? -1 : x > y;
}

typedef void (*member_fn)(void *ctx, mr_str_t m);

/* Calls fn for each member of the intersection of sets[0..n) (none
 * missing), in the smallest set's order, stopping after `limit` of them
 * (0: no limit). Returns how many. */
static size_t inter_walk(mr_setv_t *sets, int n, size_t limit, member_fn fn,
                         void *ctx) {
    qsort(sets, (size_t)n, sizeof *sets, cmp_card); /* smallest first */
    size_t found = 0;
    mr_setv_it_t it;
    mr_setv_it_start(&it, sets[0]);
    for (mr_str_t m; mr_setv_it_next(&it, &m);) {
        bool all = true;
        /* the walked set itself is skipped (a key named twice), as Redis
         * does; finding in the walked table would also be a rehash step
         * under its iterator */
        for (int j = 1; j < n && all; j++)
            if (sets[j].p != sets[0].p && !mr_setv_has(sets[j], m))
                all = false;
        if (!all) continue;
        if (fn) fn(ctx, m);
        if (++found == limit) break;
    }
    mr_setv_it_end(&it);
    return found;
}

static void inter_reply(void *ctx, mr_str_t m) { reply_str(ctx, m); }

/* A result being built, with the limit read once for the command. */
typedef struct result {
    mr_setv_t s;
    size_t max;
} result_t;

static result_t result_new(void) {
    return (result_t){mr_setv_new_intset(), mr_setv_max_intset()};
}

static void result_add(void *ctx, mr_str_t m) {
    result_t *r = ctx;
    mr_setv_add(&r->s, m, r->max);
}

static bool any_missing(const mr_setv_t *sets, int n) {
    for (int i = 0; i < n; i++)
        if (!sets[i].p) return true;
    return false;
}

/* Adds every member of s to r (or removes them, `remove`). Returns how
 * many were added (removed). */
static size_t result_merge(result_t *r, mr_setv_t s, bool remove) {
    size_t changed = 0;
    mr_setv_it_t it;
    mr_setv_it_start(&it, s);
    for (mr_str_t m; mr_setv_it_next(&it, &m);)
        if (remove ? mr_setv_remove(&r->s, m) : mr_setv_add(&r->s, m, r->max))
            changed++;
    mr_setv_it_end(&it);
    return changed;
}

/* The union of sets[0..n) ({0} = empty): a new set that starts as an
 * intset and takes every member of every set in turn, as Redis builds it. */
static mr_setv_t union_of(const mr_setv_t *sets, int n) {
    result_t r = result_new();
    for (int i = 0; i < n; i++)
        if (sets[i].p) result_merge(&r, sets[i], false);
    return r.s;
}

/* sets[0] minus sets[1..n) ({0} = empty), with Redis 7.0's choice between
 * its two algorithms, since they leave different encodings: 1 adds only
 * the members that stay, 2 adds all of sets[0] (and so converts as sets[0]
 * would) and then removes the others' members. */
static mr_setv_t diff_of(mr_setv_t *sets, int n) {
    result_t r = result_new();
    if (!sets[0].p || mr_setv_len(sets[0]) == 0) return r.s;
    unsigned long long work1 = 0, work2 = 0;
    for (int j = 0; j < n; j++) {
        if (!sets[j].p) continue;
        work1 += mr_setv_len(sets[0]);
        work2 += mr_setv_len(sets[j]);
    }
    work1 /= 2; /* Redis's head start for algorithm 1 */
    if (work1 <= work2) {
        mr_setv_it_t it;
        mr_setv_it_start(&it, sets[0]);
        for (mr_str_t m; mr_setv_it_next(&it, &m);) {
            bool keep = true;
            for (int j = 1; j < n && keep; j++) {
                if (!sets[j].p) continue;
                if (sets[j].p == sets[0].p) keep = false; /* A - A is empty */
                else if (mr_setv_has(sets[j], m)) keep = false;
            }
            if (keep) mr_setv_add(&r.s, m, r.max);
        }
        mr_setv_it_end(&it);
        return r.s;
    }
    for (int j = 0; j < n; j++) {
        if (!sets[j].p) continue;
        if (sets[j].p == sets[0].p && j > 0) { /* A - A: nothing stays */
            mr_setv_free(r.s);
            return mr_setv_new_intset();
        }
        result_merge(&r, sets[j], j > 0);
        if (mr_setv_len(r.s) == 0) break;
    }
    return r.s;
}

/* *STORE: dst (argv[1]) becomes res, or is deleted when res is empty.
 * Takes res. */
static void store_result(mr_call_t *call, mr_setv_t res) {
    mr_str_t dst = call->argv[1];
    size_t n = mr_setv_len(res);
    bool existed = mr_db_delete_locked(call->db, dst.ptr, dst.len, call->now_ms);
    if (n == 0) {
        mr_setv_free(res);
        if (existed) call->dirty++;
        if (existed) notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_db_add_obj_locked(call->db, dst.ptr, dst.len, MR_T_SET, res.enc, res.p);
    call->dirty++;
    /* the event is the command's name: sinterstore, sunionstore, ... */
    notify_arg(call, MR_NOTIFY_SET, call->cmd ? call->cmd->name : "", 1);
    mr_reply_int(call->reply, (long long)n);
}

void cmd_sinter(mr_call_t *call) {
    int n = call->argc - 1;
    mr_setv_t *sets = lookup_sets(call, 1, n, false);
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
    mr_setv_t *sets = lookup_sets(call, 2, n, true);
    if (!sets) return;
    result_t r = result_new();
    if (!any_missing(sets, n)) inter_walk(sets, n, 0, result_add, &r);
    mr_free(sets);
    store_result(call, r.s);
}

static void reply_and_free(mr_reply_t *r, mr_setv_t res) {
    reply_members(r, res);
    mr_setv_free(res);
}

void cmd_sunion(mr_call_t *call) {
    mr_setv_t *sets = lookup_sets(call, 1, call->argc - 1, false);
    if (!sets) return;
    reply_and_free(call->reply, union_of(sets, call->argc - 1));
    mr_free(sets);
}

void cmd_sdiff(mr_call_t *call) {
    mr_setv_t *sets = lookup_sets(call, 1, call->argc - 1, false);
    if (!sets) return;
    reply_and_free(call->reply, diff_of(sets, call->argc - 1));
    mr_free(sets);
}

void cmd_sunionstore(mr_call_t *call) {
    mr_setv_t *sets = lookup_sets(call, 2, call->argc - 2, true);
    if (!sets) return;
    mr_setv_t res = union_of(sets, call->argc - 2);
    mr_free(sets);
    store_result(call, res);
}

void cmd_sdiffstore(mr_call_t *call) {
    mr_setv_t *sets = lookup_sets(call, 2, call->argc - 2, true);
    if (!sets) return;
    mr_setv_t res = diff_of(sets, call->argc - 2);
    mr_free(sets);
    store_result(call, res);
}

/* ---- SPOP / SRANDMEMBER ---- */

/* Starts the SREM key ... of n popped members (randomness is logged as
 * what it did). */
static void prop_srem(mr_call_t *call, size_t n) {
    mr_prop_cmd(call, 2 + (int)n);
    mr_prop_arg_cstr(call, "SREM");
    mr_prop_arg_str(call, call->argv[1]);
}

/* Pops one random member of *s, replying it and adding it to the SREM. */
static void pop_one(mr_call_t *call, mr_setv_t *s) {
    char buf[MR_LLSTR_SIZE];
    mr_str_t m = mr_setv_random(*s, mr_rand64, buf);
    reply_str(call->reply, m);
    mr_prop_arg_str(call, m);
    mr_setv_remove(s, m);
}

/* SPOP key count, 0 < count < size, as Redis 7.0: when many members stay,
 * pop them one at a time; when few stay (remaining * 5 <= count), move the
 * survivors into a new set, created for the first of them and filled by
 * the add rules (so a table may become an intset again, as in Redis),
 * and reply the old set, which now holds the popped members. Either way
 * work and memory are bounded by the set's size. */
static void pop_many(mr_call_t *call, mr_entry_t *e, size_t count) {
    mr_reply_t *r = call->reply;
    mr_setv_t s = mr_setv_of(e);
    size_t remaining = mr_setv_len(s) - count;
    mr_reply_set(r, (long)count);
    prop_srem(call, count);
    if (remaining * 5 > count) {
        for (size_t i = 0; i < count; i++) pop_one(call, &s);
        mr_setv_store(e, s);
        return;
    }
    size_t max = mr_setv_max_intset();
    mr_setv_t keep = {0};
    for (size_t i = 0; i < remaining; i++) {
        char buf[MR_LLSTR_SIZE];
        mr_str_t m = mr_setv_random(s, mr_rand64, buf);
        if (!keep.p) keep = mr_setv_new_for(m);
        mr_setv_add(&keep, m, max);
        mr_setv_remove(&s, m);
    }
    mr_setv_it_t it;
    mr_setv_it_start(&it, s);
    for (mr_str_t m; mr_setv_it_next(&it, &m);) {
        reply_str(r, m);
        mr_prop_arg_str(call, m);
    }
    mr_setv_it_end(&it);
    mr_setv_free(s);
    mr_setv_store(e, keep);
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
    if (!lookup_set(call, 1, true, &e)) return;
    if (count < 0) { /* no count: one member or nil */
        if (!e) {
            mr_reply_null(call->reply);
            return;
        }
        mr_setv_t s = mr_setv_of(e);
        prop_srem(call, 1);
        pop_one(call, &s);
        call->dirty++;
        notify_arg(call, MR_NOTIFY_SET, "spop", 1);
        store_or_drop(call, 1, e, s);
        return;
    }
    if (!e || count == 0) {
        mr_reply_set(call->reply, 0);
        return;
    }
    mr_setv_t s = mr_setv_of(e);
    size_t size = mr_setv_len(s);
    if ((unsigned long long)count >= size) {
        /* Redis replies its SUNION of the one key: a new set built by the
         * add rules, whose order (ascending when it is an intset) this
         * reply keeps */
        reply_and_free(call->reply, union_of(&s, 1));
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
    pop_many(call, e, (size_t)count);
    call->dirty += count;
    notify_arg(call, MR_NOTIFY_SET, "spop", 1);
}

/* SRANDMEMBER key count, 0 < count < size: distinct members in random
 * order. A table draws them itself; an intset shuffles the first `count`
 * of an index array (bounded by the set's size, not by the count). */
static void reply_pick(void *ctx, mr_ft_entry_t *e) {
    reply_str(ctx, mr_ft_key(e));
}

static void rand_distinct(mr_reply_t *r, mr_setv_t s, size_t count) {
    mr_reply_array(r, (long)count);
    if (!mr_setv_is_intset(s)) {
        mr_ft_random_distinct(s.p, count, mr_rand64, reply_pick, r);
        return;
    }
    const mr_intset_t *is = s.p;
    size_t n = mr_intset_count(is);
    uint32_t *idx = mr_xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
    for (size_t i = 0; i < count; i++) {
        size_t j = i + (size_t)(mr_rand64() % (n - i));
        uint32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        mr_reply_bulk_ll(r, mr_intset_get(is, idx[i]));
    }
    mr_free(idx);
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
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    char buf[MR_LLSTR_SIZE];
    if (!with_count) {
        if (!e)
            mr_reply_null(call->reply);
        else
            reply_str(call->reply, mr_setv_random(mr_setv_of(e), mr_rand64, buf));
        return;
    }
    if (!e || count == 0) {
        mr_reply_array(call->reply, 0);
        return;
    }
    mr_setv_t s = mr_setv_of(e);
    if (count < 0) {
        /* repeats allowed: streamed, one random draw per element; nothing
         * is allocated for the count, and a huge count is cut off */
        long long n = -count;
        size_t start = call->reply->out->len;
        mr_reply_array(call->reply, (long)n);
        for (long long i = 0; i < n; i++) {
            if (mr_reply_cut_if_huge(call, start)) return;
            reply_str(call->reply, mr_setv_random(s, mr_rand64, buf));
        }
        return;
    }
    size_t size = mr_setv_len(s);
    if ((unsigned long long)count >= size) {
        mr_reply_array(call->reply, (long)size);
        mr_setv_it_t it;
        mr_setv_it_start(&it, s);
        for (mr_str_t m; mr_setv_it_next(&it, &m);) reply_str(call->reply, m);
        mr_setv_it_end(&it);
        return;
    }
    rand_distinct(call->reply, s, (size_t)count);
}

/* ---- SMOVE ---- */

void cmd_smove(mr_call_t *call) {
    mr_str_t m = call->argv[3];
    /* Redis: a missing source answers 0 before the destination's type is
     * looked at; then both must be sets */
    mr_entry_t *se = mr_db_lookup_write_locked(call->db, call->argv[1].ptr,
                                               call->argv[1].len, call->now_ms);
    mr_entry_t *de = mr_db_lookup_write_locked(call->db, call->argv[2].ptr,
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
    mr_setv_t src = mr_setv_of(se);
    if (se == de) { /* same key: nothing moves */
        mr_reply_int(call->reply, mr_setv_has(src, m) ? 1 : 0);
        return;
    }
    if (!mr_setv_remove(&src, m)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_setv_store(se, src);
    /* Redis's events: srem, del of an emptied source, then sadd */
    notify_arg(call, MR_NOTIFY_SET, "srem", 1);
    if (mr_setv_len(src) == 0) notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
    /* a new destination is created for the member it receives */
    mr_setv_t dst = de ? mr_setv_of(de) : mr_setv_new_for(m);
    mr_setv_add(&dst, m, mr_setv_max_intset());
    if (de)
        mr_setv_store(de, dst);
    else
        mr_db_add_obj_locked(call->db, call->argv[2].ptr, call->argv[2].len,
                             MR_T_SET, dst.enc, dst.p);
    /* an emptied source goes last: no entry pointer is used after a
     * delete */
    if (mr_setv_len(src) == 0)
        mr_db_delete_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                            call->now_ms);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_SET, "sadd", 2);
    mr_reply_int(call->reply, 1);
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
    mr_setv_t *sets = lookup_sets(call, 2, n, false);
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
    mr_entry_t *e;
    if (!lookup_set(call, 1, false, &e)) return;
    mr_scan_t sc = {0};
    if (!e) { /* Redis answers before looking at the options */
        mr_scan_reply(call->reply, 0, &sc);
        return;
    }
    long long count = 10;
    if (!mr_arg_scan_opts(call, 3, &count, &sc.pat)) return;
    mr_setv_t s = mr_setv_of(e);
    uint64_t next = 0;
    if (mr_setv_is_intset(s)) {
        /* compact: every member in one reply and cursor 0, whatever the
         * cursor and COUNT, as Redis answers for its compact encodings */
        mr_setv_it_t it;
        mr_setv_it_start(&it, s);
        for (mr_str_t m; mr_setv_it_next(&it, &m);) mr_scan_add(&sc, m, NULL);
        mr_setv_it_end(&it);
    } else {
        next = mr_scan_table(s.p, cursor, count, sscan_visit, &sc);
    }
    mr_scan_reply(call->reply, next, &sc);
}
