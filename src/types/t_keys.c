/* Keyspace commands: DEL/UNLINK, EXISTS, TYPE, RENAME(NX), KEYS, SCAN,
 * RANDOMKEY, DBSIZE, FLUSHDB/FLUSHALL, the EXPIRE family, TTL family,
 * PERSIST, TOUCH, COPY and MOVE.
 *
 * Locking: dispatch holds the shard locks of every key named by the table's
 * first/last/step before a handler here runs. A shard lock covers that key
 * in every database, so COPY ... DB n and MOVE need no extra lock for their
 * destination. KEYS, SCAN, RANDOMKEY, DBSIZE and FLUSH* are NOLOCK commands:
 * they call the whole-keyspace store functions, which lock shard by shard. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/aof.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/evict.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "proto/errors.h"

/* Fixed texts only this file uses; errors.h wins if it gains them. */
#ifndef MR_ERR_INVALID_CURSOR
#define MR_ERR_INVALID_CURSOR "ERR invalid cursor"
#endif
#ifndef MR_ERR_EXPIRE_NX_COMBO
#define MR_ERR_EXPIRE_NX_COMBO \
    "ERR NX and XX, GT or LT options at the same time are not compatible"
#endif
#ifndef MR_ERR_EXPIRE_GT_LT
#define MR_ERR_EXPIRE_GT_LT \
    "ERR GT and LT options at the same time are not compatible"
#endif

/* ---- shared helpers ---- */

static const char *type_name(mr_type_t t) {
    switch (t) {
    case MR_T_STRING: return "string";
    case MR_T_LIST: return "list";
    case MR_T_SET: return "set";
    case MR_T_ZSET: return "zset";
    case MR_T_HASH: return "hash";
    }
    return "none";
}

static bool str_eq(mr_str_t a, mr_str_t b) {
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Parses argv[i] as a database index the way Redis's COPY and MOVE do: a
 * long long, then an int (Redis names the range), then a valid database.
 * Replies the error and returns false otherwise. */
static bool arg_db(mr_call_t *call, int i, int *out) {
    long long v;
    if (!mr_arg_ll(call, i, &v)) return false;
    if (v < INT_MIN || v > INT_MAX) {
        mr_reply_errf(call->reply,
                      "ERR value is out of range, value must between %d and %d",
                      INT_MIN, INT_MAX);
        return false;
    }
    if (v < 0 || v >= mr_store_ndbs()) {
        mr_reply_err(call->reply, MR_ERR_DB_INDEX);
        return false;
    }
    *out = (int)v;
    return true;
}

/* Bytes of s up to its first NUL: Redis formats user text in errors with
 * %s, which stops there. */
static int cstr_len(mr_str_t s) { return (int)strnlen(s.ptr, s.len); }

/* ---- DEL / UNLINK / EXISTS / TOUCH / TYPE ---- */

void cmd_del(mr_call_t *call) {
    long long n = 0;
    for (int i = 1; i < call->argc; i++)
        if (mr_db_delete_locked(call->db, call->argv[i].ptr, call->argv[i].len,
                                call->now_ms)) {
            n++;
            notify_arg(call, MR_NOTIFY_GENERIC, "del", i);
        }
    call->dirty = n;
    mr_reply_int(call->reply, n);
}

/* EXISTS and TOUCH: a key named twice counts twice, as in Redis. Both
 * count keyspace hits/misses; only TOUCH refreshes the access clock. */
static void count_existing(mr_call_t *call, bool touch) {
    long long n = 0;
    for (int i = 1; i < call->argc; i++) {
        mr_str_t k = call->argv[i];
        mr_entry_t *e =
            touch ? mr_db_lookup_read_locked(call->db, k.ptr, k.len,
                                             call->now_ms)
                  : mr_db_lookup_notouch_locked(call->db, k.ptr, k.len,
                                                call->now_ms);
        if (e) n++;
    }
    mr_reply_int(call->reply, n);
}

void cmd_exists(mr_call_t *call) { count_existing(call, false); }

void cmd_touch(mr_call_t *call) { count_existing(call, true); }

void cmd_type(mr_call_t *call) {
    mr_entry_t *e = mr_db_lookup_notouch_locked(call->db, call->argv[1].ptr,
                                             call->argv[1].len, call->now_ms);
    mr_reply_simple(call->reply, e ? type_name(mr_entry_type(e)) : "none");
}

/* ---- RENAME / RENAMENX ---- */

static void rename_generic(mr_call_t *call, bool nx) {
    mr_str_t src = call->argv[1], dst = call->argv[2];
    mr_entry_t *e =
        mr_db_lookup_write_locked(call->db, src.ptr, src.len, call->now_ms);
    if (!e) {
        mr_reply_err(call->reply, MR_ERR_NO_KEY);
        return;
    }
    /* Renaming a key onto itself changes nothing; Redis 7 still answers as
     * if it had succeeded (RENAMENX: 0, the target "exists"). */
    if (str_eq(src, dst)) {
        if (nx)
            mr_reply_int(call->reply, 0);
        else
            mr_reply_ok(call->reply);
        return;
    }
    if (nx && mr_db_lookup_write_locked(call->db, dst.ptr, dst.len,
                                        call->now_ms)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    /* The store replaces whatever dst held and carries the TTL along. */
    mr_db_rename_locked(call->db, e, call->db, dst.ptr, dst.len);
    call->dirty = 1;
    notify_arg(call, MR_NOTIFY_GENERIC, "rename_from", 1);
    notify_arg(call, MR_NOTIFY_GENERIC, "rename_to", 2);
    if (nx)
        mr_reply_int(call->reply, 1);
    else
        mr_reply_ok(call->reply);
}

void cmd_rename(mr_call_t *call) { rename_generic(call, false); }

void cmd_renamenx(mr_call_t *call) { rename_generic(call, true); }

/* ---- KEYS / SCAN ---- */

/* TYPE filter of SCAN: a type name, or one no key can have (Redis 7.0
 * compares names, so an unknown name simply matches nothing). */
#define SCAN_ANY_TYPE (-1)
#define SCAN_NO_TYPE (-2)

typedef struct scan_ctx {
    const char *pat;
    size_t plen;
    bool use_pat; /* false for "*": every key matches */
    int type;     /* mr_type_t, SCAN_ANY_TYPE or SCAN_NO_TYPE */
    mr_reply_t *reply; /* KEYS writes straight into the reply */
    mr_buf_t keys;     /* SCAN collects: [uint32 len][bytes]... */
    long n;
} scan_ctx_t;

static bool scan_wants(const scan_ctx_t *s, const mr_entry_t *e) {
    if (s->type != SCAN_ANY_TYPE && (int)mr_entry_type(e) != s->type)
        return false;
    return !s->use_pat ||
           mr_glob_match(s->pat, s->plen, mr_entry_key(e), e->klen, false);
}

/* Runs under a shard lock: only matching and copying, nothing that locks
 * or blocks. */
static void keys_visit(void *ctx, const mr_entry_t *e) {
    scan_ctx_t *s = ctx;
    if (!scan_wants(s, e)) return;
    mr_reply_bulk(s->reply, mr_entry_key(e), e->klen);
    s->n++;
}

static void scan_visit(void *ctx, const mr_entry_t *e) {
    scan_ctx_t *s = ctx;
    if (!scan_wants(s, e)) return;
    uint32_t len = e->klen;
    mr_buf_append(&s->keys, &len, sizeof len);
    mr_buf_append(&s->keys, mr_entry_key(e), len);
    s->n++;
}

static void set_pattern(scan_ctx_t *s, mr_str_t pat) {
    s->pat = pat.ptr;
    s->plen = pat.len;
    s->use_pat = !(pat.len == 1 && pat.ptr[0] == '*');
}

/* KEYS walks the whole database in one reply. A single scan call with an
 * unbounded count covers each shard in one lock hold, so a key cannot be
 * reported twice by a table resize between visits. */
void cmd_keys(mr_call_t *call) {
    scan_ctx_t s = {.type = SCAN_ANY_TYPE, .reply = call->reply};
    set_pattern(&s, call->argv[1]);
    size_t mark = mr_reply_defer(call->reply);
    uint64_t cursor = 0;
    do {
        cursor = mr_db_scan(call->db, cursor, LONG_MAX, call->now_ms,
                            keys_visit, &s);
    } while (cursor != 0);
    mr_reply_defer_array(call->reply, mark, s.n);
}

static int parse_type_name(mr_str_t t) {
    static const mr_type_t types[] = {MR_T_STRING, MR_T_LIST, MR_T_SET,
                                      MR_T_ZSET, MR_T_HASH};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (mr_str_eq_ci(t, type_name(types[i]))) return (int)types[i];
    return SCAN_NO_TYPE;
}

void cmd_scan(mr_call_t *call) {
    uint64_t cursor;
    if (!mr_arg_cursor(call, 1, &cursor)) return;
    scan_ctx_t s = {.type = SCAN_ANY_TYPE};
    long long count = 10;
    for (int i = 2; i < call->argc; i += 2) {
        bool has_value = i + 1 < call->argc;
        if (has_value && mr_str_eq_ci(call->argv[i], "count")) {
            if (!mr_arg_ll(call, i + 1, &count)) return;
            if (count < 1) {
                mr_reply_syntax_err(call);
                return;
            }
        } else if (has_value && mr_str_eq_ci(call->argv[i], "match")) {
            set_pattern(&s, call->argv[i + 1]);
        } else if (has_value && mr_str_eq_ci(call->argv[i], "type")) {
            s.type = parse_type_name(call->argv[i + 1]);
        } else {
            mr_reply_syntax_err(call);
            return;
        }
    }
    if (count > LONG_MAX) count = LONG_MAX; /* where long is 32 bits */
    uint64_t next =
        mr_db_scan(call->db, cursor, (long)count, call->now_ms, scan_visit, &s);

    char cbuf[24];
    int clen = snprintf(cbuf, sizeof cbuf, "%" PRIu64, next);
    mr_reply_array(call->reply, 2);
    mr_reply_bulk(call->reply, cbuf, (size_t)clen);
    mr_reply_array(call->reply, s.n);
    for (size_t off = 0; off < s.keys.len;) {
        uint32_t len;
        memcpy(&len, s.keys.data + off, sizeof len);
        off += sizeof len;
        mr_reply_bulk(call->reply, s.keys.data + off, len);
        off += len;
    }
    mr_buf_free(&s.keys);
}

/* ---- RANDOMKEY / DBSIZE / FLUSHDB / FLUSHALL ---- */

void cmd_randomkey(mr_call_t *call) {
    mr_buf_t key = {0};
    if (mr_db_random_key(call->db, call->now_ms, &key))
        mr_reply_bulk(call->reply, key.data ? key.data : "", key.len);
    else
        mr_reply_null(call->reply);
    mr_buf_free(&key);
}

void cmd_dbsize(mr_call_t *call) {
    mr_reply_int(call->reply, (long long)mr_db_size(call->db));
}

/* FLUSHDB/FLUSHALL take nothing, SYNC or ASYNC, and nothing else. Both
 * flush at once: the result a client can observe is the same. */
static bool flush_args_ok(mr_call_t *call) {
    if (call->argc == 1) return true;
    if (call->argc == 2 && (mr_str_eq_ci(call->argv[1], "sync") ||
                            mr_str_eq_ci(call->argv[1], "async")))
        return true;
    mr_reply_syntax_err(call);
    return false;
}

/* Logged from inside the flush, every shard lock held, so the record sits
 * exactly between the writes before the flush and those after. */
static void log_flush(void *ctx) {
    mr_call_t *call = ctx;
    uint64_t end = mr_aof_log_locked(call->db, call->argc, call->argv);
    if (end > call->aof_end) call->aof_end = end;
}

/* A flush is always a write worth logging, even of an apparently empty
 * database (like Redis forcing its propagation): another worker may add a
 * key between the count and the flush. */
static void flush_generic(mr_call_t *call, int db) {
    if (!flush_args_ok(call)) return;
    long long before = 0;
    if (db >= 0) {
        before = (long long)mr_db_size(db);
    } else {
        for (int i = 0; i < mr_store_ndbs(); i++)
            before += (long long)mr_db_size(i);
    }
    mr_db_flush_then(db, log_flush, call);
    mr_prop_none(call); /* logged above */
    call->dirty = before > 0 ? before : 1;
    mr_reply_ok(call->reply);
}

void cmd_flushdb(mr_call_t *call) { flush_generic(call, call->db); }

void cmd_flushall(mr_call_t *call) { flush_generic(call, -1); }

/* ---- EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT ---- */

enum { EXP_NX = 1, EXP_XX = 2, EXP_GT = 4, EXP_LT = 8 };

/* Options first, then the number: Redis reports a bad option even when the
 * time is not a number. */
static bool parse_expire_flags(mr_call_t *call, int *flags) {
    int f = 0;
    for (int i = 3; i < call->argc; i++) {
        mr_str_t a = call->argv[i];
        if (mr_str_eq_ci(a, "nx"))
            f |= EXP_NX;
        else if (mr_str_eq_ci(a, "xx"))
            f |= EXP_XX;
        else if (mr_str_eq_ci(a, "gt"))
            f |= EXP_GT;
        else if (mr_str_eq_ci(a, "lt"))
            f |= EXP_LT;
        else {
            mr_reply_errf(call->reply, "ERR Unsupported option %.*s",
                          cstr_len(a), a.ptr);
            return false;
        }
    }
    if ((f & EXP_NX) && (f & (EXP_XX | EXP_GT | EXP_LT))) {
        mr_reply_err(call->reply, MR_ERR_EXPIRE_NX_COMBO);
        return false;
    }
    if ((f & EXP_GT) && (f & EXP_LT)) {
        mr_reply_err(call->reply, MR_ERR_EXPIRE_GT_LT);
        return false;
    }
    *flags = f;
    return true;
}

/* Whether the NX/XX/GT/LT conditions let `when` replace `cur` (absolute ms
 * or MR_NO_EXPIRE, which GT and LT treat as an infinite TTL). */
static bool expire_allowed(int flags, int64_t cur, long long when) {
    if ((flags & EXP_NX) && cur != MR_NO_EXPIRE) return false;
    if ((flags & EXP_XX) && cur == MR_NO_EXPIRE) return false;
    if ((flags & EXP_GT) && (cur == MR_NO_EXPIRE || when <= cur)) return false;
    if ((flags & EXP_LT) && cur != MR_NO_EXPIRE && when >= cur) return false;
    return true;
}

/* base_ms: the time the argument is relative to (now, or 0 for the AT
 * forms); seconds: whether the argument counts seconds. */
static void expire_generic(mr_call_t *call, long long base_ms, bool seconds) {
    int flags;
    long long when;
    if (!parse_expire_flags(call, &flags)) return;
    if (!mr_arg_ll(call, 2, &when)) return;
    /* Negative times are allowed (they delete); only overflow is an error. */
    bool bad = false;
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
            bad = true;
        else
            when *= 1000;
    }
    if (!bad && when > LLONG_MAX - base_ms) bad = true;
    if (bad) {
        mr_reply_errf(call->reply, MR_ERR_INVALID_EXPIRE, call->cmd->name);
        return;
    }
    when += base_ms;

    mr_str_t key = call->argv[1];
    mr_entry_t *e =
        mr_db_lookup_write_locked(call->db, key.ptr, key.len, call->now_ms);
    if (!e || !expire_allowed(flags, mr_entry_expire(e), when)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    /* logged as what it did: DEL, or PEXPIREAT with the absolute time (no
     * NX/XX/GT/LT: the condition was decided here). While the AOF loads
     * nothing counts as already expired, as in Redis. */
    if (when <= call->now_ms && !mr_store_expiry_paused()) {
        mr_db_delete_locked(call->db, key.ptr, key.len, call->now_ms);
        notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
        mr_prop_cmd(call, 2);
        mr_prop_arg_cstr(call, "DEL");
        mr_prop_arg_str(call, key);
    } else {
        mr_db_set_expire_locked(call->db, e, when);
        notify_arg(call, MR_NOTIFY_GENERIC, "expire", 1);
        mr_prop_cmd(call, 3);
        mr_prop_arg_cstr(call, "PEXPIREAT");
        mr_prop_arg_str(call, key);
        mr_prop_arg_ll(call, when);
    }
    call->dirty = 1;
    mr_reply_int(call->reply, 1);
}

void cmd_expire(mr_call_t *call) { expire_generic(call, call->now_ms, true); }

void cmd_pexpire(mr_call_t *call) {
    expire_generic(call, call->now_ms, false);
}

void cmd_expireat(mr_call_t *call) { expire_generic(call, 0, true); }

void cmd_pexpireat(mr_call_t *call) { expire_generic(call, 0, false); }

/* ---- TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST ---- */

/* -2: no key, -1: no TTL. Otherwise the remaining (or, absolute, the
 * expiry) time; seconds are rounded to the nearest, as Redis does. */
static void ttl_generic(mr_call_t *call, bool ms, bool absolute) {
    mr_entry_t *e = mr_db_lookup_notouch_locked(call->db, call->argv[1].ptr,
                                             call->argv[1].len, call->now_ms);
    if (!e) {
        mr_reply_int(call->reply, -2);
        return;
    }
    int64_t exp = mr_entry_expire(e);
    if (exp == MR_NO_EXPIRE) {
        mr_reply_int(call->reply, -1);
        return;
    }
    long long t = absolute ? exp : exp - call->now_ms;
    if (t < 0) t = 0;
    mr_reply_int(call->reply, ms ? t : (t + 500) / 1000);
}

void cmd_ttl(mr_call_t *call) { ttl_generic(call, false, false); }

void cmd_pttl(mr_call_t *call) { ttl_generic(call, true, false); }

void cmd_expiretime(mr_call_t *call) { ttl_generic(call, false, true); }

void cmd_pexpiretime(mr_call_t *call) { ttl_generic(call, true, true); }

void cmd_persist(mr_call_t *call) {
    mr_entry_t *e = mr_db_lookup_write_locked(call->db, call->argv[1].ptr,
                                              call->argv[1].len, call->now_ms);
    if (!e || !mr_entry_has_expire(e)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_db_set_expire_locked(call->db, e, MR_NO_EXPIRE);
    call->dirty = 1;
    notify_arg(call, MR_NOTIFY_GENERIC, "persist", 1);
    mr_reply_int(call->reply, 1);
}

/* ---- COPY / MOVE ---- */

/* COPY source destination [DB n] [REPLACE] */
void cmd_copy(mr_call_t *call) {
    int ddb = call->db;
    bool replace = false;
    for (int i = 3; i < call->argc; i++) {
        if (mr_str_eq_ci(call->argv[i], "replace")) {
            replace = true;
        } else if (mr_str_eq_ci(call->argv[i], "db") && i + 1 < call->argc) {
            if (!arg_db(call, i + 1, &ddb)) return;
            i++;
        } else {
            mr_reply_syntax_err(call);
            return;
        }
    }
    mr_str_t src = call->argv[1], dst = call->argv[2];
    if (ddb == call->db && str_eq(src, dst)) {
        mr_reply_err(call->reply, MR_ERR_SAME_OBJECT);
        return;
    }
    mr_entry_t *e =
        mr_db_lookup_read_locked(call->db, src.ptr, src.len, call->now_ms);
    if (!e) {
        mr_reply_int(call->reply, 0);
        return;
    }
    if (mr_db_lookup_write_locked(ddb, dst.ptr, dst.len, call->now_ms) &&
        !replace) {
        mr_reply_int(call->reply, 0);
        return;
    }
    /* The store replaces an existing destination and copies the TTL. */
    mr_db_copy_locked(call->db, e, ddb, dst.ptr, dst.len);
    call->dirty = 1;
    mr_notify(MR_NOTIFY_GENERIC, "copy_to", dst.ptr, dst.len, ddb);
    mr_reply_int(call->reply, 1);
}

/* MOVE key db: only into a database where the key does not exist. */
void cmd_move(mr_call_t *call) {
    int ddb;
    if (!arg_db(call, 2, &ddb)) return;
    if (ddb == call->db) {
        mr_reply_err(call->reply, MR_ERR_SAME_OBJECT);
        return;
    }
    mr_str_t key = call->argv[1];
    mr_entry_t *e =
        mr_db_lookup_write_locked(call->db, key.ptr, key.len, call->now_ms);
    if (!e || mr_db_lookup_write_locked(ddb, key.ptr, key.len, call->now_ms)) {
        mr_reply_int(call->reply, 0);
        return;
    }
    mr_db_rename_locked(call->db, e, ddb, key.ptr, key.len);
    call->dirty = 1;
    notify_arg(call, MR_NOTIFY_GENERIC, "move_from", 1);
    mr_notify(MR_NOTIFY_GENERIC, "move_to", key.ptr, key.len, ddb);
    mr_reply_int(call->reply, 1);
}

/* ---- OBJECT ---- */

/* Redis shares one object for each integer 0..9999 (OBJ_SHARED_INTEGERS)
 * and reports its reference count as INT_MAX. */
#define SHARED_INTEGERS 10000
#define SHARED_REFCOUNT 2147483647LL

/* OBJECT's subcommands inspect without touching the access clock; a missing
 * key is a null reply. */
static mr_entry_t *object_lookup(mr_call_t *call) {
    mr_entry_t *e = mr_db_lookup_notouch_locked(
        call->db, call->argv[2].ptr, call->argv[2].len, call->now_ms);
    if (!e) mr_reply_null(call->reply);
    return e;
}

void cmd_object_encoding(mr_call_t *call) {
    mr_entry_t *e = object_lookup(call);
    if (e) mr_reply_bulk_cstr(call->reply, mr_obj_encoding_name(e));
}

void cmd_object_refcount(mr_call_t *call) {
    mr_entry_t *e = object_lookup(call);
    if (!e) return;
    long long v;
    bool shared = mr_entry_type(e) == MR_T_STRING &&
                  strcmp(mr_obj_encoding_name(e), "int") == 0 &&
                  mr_str2ll(mr_entry_cval(e), e->vlen, &v) && v >= 0 &&
                  v < SHARED_INTEGERS;
    mr_reply_int(call->reply, shared ? SHARED_REFCOUNT : 1);
}

/* Under an LFU policy the clock bits hold the counter, not an access time,
 * and the other way round: Redis's errors for the one not kept. */
void cmd_object_idletime(mr_call_t *call) {
    mr_entry_t *e = object_lookup(call);
    if (!e) return;
    if (mr_mm_is_lfu(MR_CFG(maxmemory_policy))) {
        mr_reply_err(call->reply, MR_ERR_LFU_NO_IDLE);
        return;
    }
    mr_reply_int(call->reply, mr_lru_idle(mr_entry_lru(e),
                                          mr_store_lru_clock(call->now_ms)));
}

/* The counter decayed to now, without counting this look as an access. */
void cmd_object_freq(mr_call_t *call) {
    mr_entry_t *e = object_lookup(call);
    if (!e) return;
    if (!mr_mm_is_lfu(MR_CFG(maxmemory_policy))) {
        mr_reply_err(call->reply, MR_ERR_NO_LFU);
        return;
    }
    mr_reply_int(call->reply,
                 mr_lfu_decayed(mr_entry_lru(e), mr_lfu_minutes(call->now_ms),
                                MR_CFG(lfu_decay_time)));
}

void cmd_object_help(mr_call_t *call) {
    static const char *const lines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(call->reply, lines);
}
