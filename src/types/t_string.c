/* String commands: GET/SET and their variants, MGET/MSET, APPEND, STRLEN,
 * the INCR family, INCRBYFLOAT, GETRANGE and SETRANGE.
 *
 * Every handler runs under the shard locks dispatch took for its keys, so it
 * calls the store's _locked functions directly. Each one validates its
 * arguments, looks the key up, mutates, then replies, and counts the keys it
 * changed in call->dirty. The replies and error texts are Redis 7.0's. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/aof.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "proto/errors.h"

/* Options of SET and GETEX, parsed by one routine like Redis does. */
enum {
    OPT_NX = 1u << 0,
    OPT_XX = 1u << 1,
    OPT_GET = 1u << 2,
    OPT_KEEPTTL = 1u << 3,
    OPT_PERSIST = 1u << 4,
    OPT_EX = 1u << 5,
    OPT_PX = 1u << 6,
    OPT_EXAT = 1u << 7,
    OPT_PXAT = 1u << 8,
};
#define OPT_ANY_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

/* Redis compares option words as C strings, so an argument is read only up
 * to its first NUL byte: "nx\0junk" is NX. Matches that. */
static bool opt_is(mr_str_t a, const char *w) {
    size_t n = strlen(w);
    if (a.len < n) return false;
    if (a.len > n && a.ptr[n] != '\0') return false;
    mr_str_t head = {a.ptr, n};
    return mr_str_eq_ci(head, w);
}

/* What an expire option may not follow: another unit (a repeat of its own
 * is fine, the last value wins), KEEPTTL or PERSIST. */
static unsigned conflicts(unsigned unit) {
    return OPT_KEEPTTL | OPT_PERSIST | (OPT_ANY_EXPIRE & ~unit);
}

/* Parses SET's (is_set) or GETEX's options from argv[start]. The expire
 * argument's index goes to *exp_idx (0 when none). Conflicting or unknown
 * options, or an expire option without its value, reply a syntax error:
 * the conditions mirror Redis's, so e.g. "EX 1 EX 2" is accepted (last
 * wins) while "EX 1 PX 2" is not. */
static bool parse_opts(mr_call_t *call, int start, bool is_set,
                       unsigned *flags, int *exp_idx) {
    unsigned f = 0;
    *exp_idx = 0;
    for (int j = start; j < call->argc; j++) {
        mr_str_t o = call->argv[j];
        bool next = j + 1 < call->argc;
        if (is_set && opt_is(o, "nx") && !(f & OPT_XX)) {
            f |= OPT_NX;
        } else if (is_set && opt_is(o, "xx") && !(f & OPT_NX)) {
            f |= OPT_XX;
        } else if (is_set && opt_is(o, "get")) {
            f |= OPT_GET;
        } else if (is_set && opt_is(o, "keepttl") &&
                   !(f & (OPT_PERSIST | OPT_ANY_EXPIRE))) {
            f |= OPT_KEEPTTL;
        } else if (!is_set && opt_is(o, "persist") &&
                   !(f & (OPT_KEEPTTL | OPT_ANY_EXPIRE))) {
            f |= OPT_PERSIST;
        } else if (next && opt_is(o, "ex") &&
                   !(f & conflicts(OPT_EX))) {
            f |= OPT_EX;
            *exp_idx = ++j;
        } else if (next && opt_is(o, "px") &&
                   !(f & conflicts(OPT_PX))) {
            f |= OPT_PX;
            *exp_idx = ++j;
        } else if (next && opt_is(o, "exat") &&
                   !(f & conflicts(OPT_EXAT))) {
            f |= OPT_EXAT;
            *exp_idx = ++j;
        } else if (next && opt_is(o, "pxat") &&
                   !(f & conflicts(OPT_PXAT))) {
            f |= OPT_PXAT;
            *exp_idx = ++j;
        } else {
            mr_reply_syntax_err(call);
            return false;
        }
    }
    *flags = f;
    return true;
}

/* Turns argv[idx] into an absolute expiry in ms. `flags` holds the one unit
 * option that introduced it (EX/PX relative to call->now_ms, EXAT/PXAT
 * absolute). Zero, negative, and anything that overflows on the way to
 * milliseconds reply "invalid expire time in '<name>' command". */
static bool expire_arg(mr_call_t *call, int idx, unsigned flags,
                       const char *name, int64_t *out) {
    long long v;
    if (!mr_arg_ll(call, idx, &v)) return false;
    bool secs = (flags & (OPT_EX | OPT_EXAT)) != 0;
    if (v <= 0 || (secs && v > LLONG_MAX / 1000)) goto bad;
    if (secs) v *= 1000;
    if (flags & (OPT_EX | OPT_PX)) {
        if (call->now_ms > 0 && v > LLONG_MAX - call->now_ms) goto bad;
        v += call->now_ms;
    }
    if (v <= 0) goto bad;
    *out = v;
    return true;
bad:
    mr_reply_errf(call->reply, MR_ERR_INVALID_EXPIRE, name);
    return false;
}

/* A string may not grow past proto-max-bulk-len (nor past what an entry's
 * 32-bit length holds). Checked before anything is allocated. */
static bool check_len(mr_call_t *call, uint64_t size, uint64_t add) {
    uint64_t total = size + add; /* both below 2^63: no wrap */
    long long max = MR_CFG(proto_max_bulk_len);
    if (max < 0 || total > (uint64_t)max || total > UINT32_MAX) {
        mr_reply_err(call->reply, MR_ERR_STRING_TOO_LONG);
        return false;
    }
    return true;
}

static bool is_string(mr_call_t *call, const mr_entry_t *e) {
    if (mr_entry_type(e) == MR_T_STRING) return true;
    mr_reply_err(call->reply, MR_ERR_WRONGTYPE);
    return false;
}

static void reply_value(mr_call_t *call, const mr_entry_t *e) {
    mr_reply_bulk(call->reply, mr_entry_cval(e), e->vlen);
}

/* Looks up argv[i] for reading; NULL after replying (missing: `missing`
 * decides the reply, wrong type: WRONGTYPE). */
enum miss_reply { MISS_NULL, MISS_ZERO, MISS_EMPTY };
static const mr_entry_t *read_string(mr_call_t *call, int i,
                                     enum miss_reply missing) {
    mr_entry_t *e = mr_db_lookup_read_locked(call->db, call->argv[i].ptr,
                                             call->argv[i].len, call->now_ms);
    if (!e) {
        if (missing == MISS_NULL) mr_reply_null(call->reply);
        else if (missing == MISS_ZERO) mr_reply_int(call->reply, 0);
        else mr_reply_bulk(call->reply, "", 0);
        return NULL;
    }
    return is_string(call, e) ? e : NULL;
}

/* ---- GET / SET family ---- */

/* The body of SET, SETNX, SETEX, PSETEX and GETSET. argv[1] is the key,
 * argv[vidx] the value, argv[eidx] the expire value (eidx 0: none).
 * With OPT_GET the old value is the reply (and a non-string aborts before
 * anything changes); otherwise +OK / null, or :1 / :0 when int_reply. */
static void set_generic(mr_call_t *call, unsigned flags, int vidx, int eidx,
                        const char *name, bool int_reply) {
    mr_str_t key = call->argv[1], val = call->argv[vidx];
    int64_t when = (flags & OPT_KEEPTTL) ? MR_KEEP_TTL : MR_NO_EXPIRE;
    if (eidx && !expire_arg(call, eidx, flags, name, &when)) return;

    mr_entry_t *e;
    if (flags & OPT_GET) {
        e = mr_db_lookup_read_locked(call->db, key.ptr, key.len, call->now_ms);
        if (e && !is_string(call, e)) return;
        if (e) reply_value(call, e);
        else mr_reply_null(call->reply);
    } else {
        e = mr_db_lookup_write_locked(call->db, key.ptr, key.len, call->now_ms);
    }
    bool found = e != NULL;
    if (((flags & OPT_NX) && found) || ((flags & OPT_XX) && !found)) {
        if (!(flags & OPT_GET)) {
            if (int_reply) mr_reply_int(call->reply, 0);
            else mr_reply_null(call->reply);
        }
        return;
    }
    /* An EXAT/PXAT already in the past is stored as is, like Redis 7.0:
     * the first access after it deletes the key. */
    mr_db_set_str_locked(call->db, key.ptr, key.len, val.ptr, val.len, when);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_STRING, "set", 1);
    if (eidx) notify_arg(call, MR_NOTIFY_GENERIC, "expire", 1);
    if (eidx) { /* relative or not, the AOF gets the absolute time */
        mr_prop_cmd(call, 5);
        mr_prop_arg_cstr(call, "SET");
        mr_prop_arg_str(call, key);
        mr_prop_arg_str(call, val);
        mr_prop_arg_cstr(call, "PXAT");
        mr_prop_arg_ll(call, when);
    }
    if (!(flags & OPT_GET)) {
        if (int_reply) mr_reply_int(call->reply, 1);
        else mr_reply_ok(call->reply);
    }
}

void cmd_get(mr_call_t *call) {
    const mr_entry_t *e = read_string(call, 1, MISS_NULL);
    if (e) reply_value(call, e);
}

void cmd_set(mr_call_t *call) {
    unsigned flags;
    int eidx;
    if (!parse_opts(call, 3, true, &flags, &eidx)) return;
    set_generic(call, flags, 2, eidx, "set", false);
}

void cmd_setnx(mr_call_t *call) {
    set_generic(call, OPT_NX, 2, 0, "setnx", true);
}

void cmd_setex(mr_call_t *call) {
    set_generic(call, OPT_EX, 3, 2, "setex", false);
}

void cmd_psetex(mr_call_t *call) {
    set_generic(call, OPT_PX, 3, 2, "psetex", false);
}

void cmd_getset(mr_call_t *call) {
    set_generic(call, OPT_GET, 2, 0, "getset", false);
}

void cmd_getdel(mr_call_t *call) {
    const mr_entry_t *e = read_string(call, 1, MISS_NULL);
    if (!e) return;
    reply_value(call, e); /* copies the bytes: the entry dies next */
    mr_db_delete_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                        call->now_ms);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
}

void cmd_getex(mr_call_t *call) {
    unsigned flags;
    int eidx;
    if (!parse_opts(call, 2, false, &flags, &eidx)) return;
    /* Redis looks the key up before it validates the expire value: a
     * missing key answers nil even to "GETEX k EX 0". */
    mr_entry_t *e = mr_db_lookup_read_locked(
        call->db, call->argv[1].ptr, call->argv[1].len, call->now_ms);
    if (!e) {
        mr_reply_null(call->reply);
        return;
    }
    if (!is_string(call, e)) return;
    int64_t when = MR_NO_EXPIRE;
    if (eidx && !expire_arg(call, eidx, flags, "getex", &when)) return;

    reply_value(call, e); /* before the entry moves or dies */
    /* logged as what it did: DEL, PEXPIREAT (absolute) or PERSIST; while
     * the AOF loads nothing counts as already expired, as in Redis */
    if ((flags & (OPT_EXAT | OPT_PXAT)) && when <= call->now_ms &&
        !mr_store_expiry_paused()) {
        mr_db_delete_locked(call->db, call->argv[1].ptr, call->argv[1].len,
                            call->now_ms);
        call->dirty++;
        notify_arg(call, MR_NOTIFY_GENERIC, "del", 1);
        mr_prop_cmd(call, 2);
        mr_prop_arg_cstr(call, "DEL");
        mr_prop_arg_str(call, call->argv[1]);
    } else if (eidx) {
        mr_db_set_expire_locked(call->db, e, when);
        call->dirty++;
        notify_arg(call, MR_NOTIFY_GENERIC, "expire", 1);
        mr_prop_cmd(call, 3);
        mr_prop_arg_cstr(call, "PEXPIREAT");
        mr_prop_arg_str(call, call->argv[1]);
        mr_prop_arg_ll(call, when);
    } else if ((flags & OPT_PERSIST) && mr_entry_has_expire(e)) {
        mr_db_set_expire_locked(call->db, e, MR_NO_EXPIRE);
        call->dirty++;
        notify_arg(call, MR_NOTIFY_GENERIC, "persist", 1);
    }
}

/* ---- multi-key ---- */

void cmd_mget(mr_call_t *call) {
    mr_reply_array(call->reply, call->argc - 1);
    for (int i = 1; i < call->argc; i++) {
        const mr_entry_t *e = mr_db_lookup_read_locked(
            call->db, call->argv[i].ptr, call->argv[i].len, call->now_ms);
        /* MGET answers nil for a key of another type, not WRONGTYPE */
        if (e && mr_entry_type(e) == MR_T_STRING) reply_value(call, e);
        else mr_reply_null(call->reply);
    }
}

/* MSET and MSETNX. Arity -3 lets "MSET k v k2" through dispatch; the pairs
 * check is the handler's, with the arity error text, as in Redis. MSETNX
 * sets nothing when any key exists (repeated keys: the last value wins). */
static void mset_generic(mr_call_t *call, bool nx) {
    if (call->argc % 2 == 0) {
        mr_reply_arity_err(call);
        return;
    }
    if (nx) {
        for (int j = 1; j < call->argc; j += 2) {
            if (mr_db_lookup_write_locked(call->db, call->argv[j].ptr,
                                          call->argv[j].len, call->now_ms)) {
                mr_reply_int(call->reply, 0);
                return;
            }
        }
    }
    for (int j = 1; j < call->argc; j += 2) {
        mr_db_set_str_locked(call->db, call->argv[j].ptr, call->argv[j].len,
                             call->argv[j + 1].ptr, call->argv[j + 1].len,
                             MR_NO_EXPIRE);
        notify_arg(call, MR_NOTIFY_STRING, "set", j);
    }
    call->dirty += (call->argc - 1) / 2;
    if (nx) mr_reply_int(call->reply, 1);
    else mr_reply_ok(call->reply);
}

void cmd_mset(mr_call_t *call) { mset_generic(call, false); }
void cmd_msetnx(mr_call_t *call) { mset_generic(call, true); }

/* ---- length and in-place edits (these keep the key's TTL) ---- */

void cmd_append(mr_call_t *call) {
    mr_str_t key = call->argv[1], val = call->argv[2];
    mr_entry_t *e =
        mr_db_lookup_write_locked(call->db, key.ptr, key.len, call->now_ms);
    if (!e) {
        /* even an empty value creates the key */
        e = mr_db_set_str_locked(call->db, key.ptr, key.len, val.ptr, val.len,
                                 MR_NO_EXPIRE);
    } else {
        if (!is_string(call, e)) return;
        if (!check_len(call, e->vlen, val.len)) return;
        if (val.len) {
            size_t old = e->vlen;
            e = mr_db_resize_str_locked(call->db, e, old + val.len);
            memcpy(mr_entry_val(e) + old, val.ptr, val.len);
        }
        e->meta |= MR_EF_STR_RAW; /* Redis unshares it into a raw string */
    }
    call->dirty++;
    notify_arg(call, MR_NOTIFY_STRING, "append", 1);
    mr_reply_int(call->reply, (long long)e->vlen);
}

void cmd_strlen(mr_call_t *call) {
    const mr_entry_t *e = read_string(call, 1, MISS_ZERO);
    if (e) mr_reply_int(call->reply, (long long)e->vlen);
}

void cmd_getrange(mr_call_t *call) {
    long long start, end;
    if (!mr_arg_ll(call, 2, &start) || !mr_arg_ll(call, 3, &end)) return;
    const mr_entry_t *e = read_string(call, 1, MISS_EMPTY);
    if (!e) return;
    long long len = (long long)e->vlen;

    /* Redis 7.0's arithmetic, quirks included: both negative and inverted
     * is empty, but "0 -100" on "hello" clamps end to 0 and returns "h". */
    if (start < 0 && end < 0 && start > end) {
        mr_reply_bulk(call->reply, "", 0);
        return;
    }
    if (start < 0) start += len; /* no overflow: len >= 0 */
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (len == 0 || start > end) mr_reply_bulk(call->reply, "", 0);
    else mr_reply_bulk(call->reply, mr_entry_cval(e) + start,
                       (size_t)(end - start + 1));
}

void cmd_setrange(mr_call_t *call) {
    mr_str_t key = call->argv[1], val = call->argv[3];
    long long off;
    if (!mr_arg_ll(call, 2, &off)) return;
    if (off < 0) {
        mr_reply_err(call->reply, MR_ERR_OFFSET_RANGE);
        return;
    }
    mr_entry_t *e =
        mr_db_lookup_write_locked(call->db, key.ptr, key.len, call->now_ms);
    if (!e) {
        /* nothing to write on a missing key: no key is created */
        if (val.len == 0) {
            mr_reply_int(call->reply, 0);
            return;
        }
        if (!check_len(call, (uint64_t)off, val.len)) return;
        e = mr_db_set_str_locked(call->db, key.ptr, key.len, "", 0,
                                 MR_NO_EXPIRE);
    } else {
        if (!is_string(call, e)) return;
        if (val.len == 0) {
            mr_reply_int(call->reply, (long long)e->vlen);
            return;
        }
        if (!check_len(call, (uint64_t)off, val.len)) return;
    }
    size_t need = (size_t)off + val.len;
    if (need > e->vlen) e = mr_db_resize_str_locked(call->db, e, need);
    memcpy(mr_entry_val(e) + off, val.ptr, val.len);
    e->meta |= MR_EF_STR_RAW; /* as Redis, whose SETRANGE makes it raw */
    call->dirty++;
    notify_arg(call, MR_NOTIFY_STRING, "setrange", 1);
    mr_reply_int(call->reply, (long long)e->vlen);
}

/* ---- counters (the result keeps the key's TTL) ---- */

/* Stores the new textual value into e (resized in place) or a new key. */
static mr_entry_t *store_number(mr_call_t *call, mr_entry_t *e,
                                const char *p, size_t n) {
    if (!e)
        return mr_db_set_str_locked(call->db, call->argv[1].ptr,
                                    call->argv[1].len, p, n, MR_NO_EXPIRE);
    if (e->vlen != n) e = mr_db_resize_str_locked(call->db, e, n);
    memcpy(mr_entry_val(e), p, n);
    e->meta &= ~MR_EF_STR_RAW; /* a new value, encoded afresh */
    return e;
}

static void incr_generic(mr_call_t *call, long long incr) {
    mr_entry_t *e = mr_db_lookup_write_locked(
        call->db, call->argv[1].ptr, call->argv[1].len, call->now_ms);
    long long v = 0;
    if (e) {
        if (!is_string(call, e)) return;
        if (!mr_str2ll(mr_entry_cval(e), e->vlen, &v)) {
            mr_reply_err(call->reply, MR_ERR_NOT_INT);
            return;
        }
    }
    if ((incr < 0 && v < 0 && incr < LLONG_MIN - v) ||
        (incr > 0 && v > 0 && incr > LLONG_MAX - v)) {
        mr_reply_err(call->reply, MR_ERR_OVERFLOW);
        return;
    }
    v += incr;
    char buf[MR_LLSTR_SIZE];
    int n = mr_ll2str(buf, v);
    store_number(call, e, buf, (size_t)n);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_STRING, "incrby", 1);
    mr_reply_int(call->reply, v);
}

void cmd_incr(mr_call_t *call) { incr_generic(call, 1); }
void cmd_decr(mr_call_t *call) { incr_generic(call, -1); }

void cmd_incrby(mr_call_t *call) {
    long long incr;
    if (mr_arg_ll(call, 2, &incr)) incr_generic(call, incr);
}

void cmd_decrby(mr_call_t *call) {
    long long decr;
    if (!mr_arg_ll(call, 2, &decr)) return;
    if (decr == LLONG_MIN) { /* its negation does not exist */
        mr_reply_err(call->reply, "ERR decrement would overflow");
        return;
    }
    incr_generic(call, -decr);
}

void cmd_incrbyfloat(mr_call_t *call) {
    mr_entry_t *e = mr_db_lookup_write_locked(
        call->db, call->argv[1].ptr, call->argv[1].len, call->now_ms);
    long double v = 0, incr;
    if (e) {
        if (!is_string(call, e)) return;
        if (!mr_str2ld(mr_entry_cval(e), e->vlen, &v)) {
            mr_reply_err(call->reply, MR_ERR_NOT_FLOAT);
            return;
        }
    }
    if (!mr_arg_ld(call, 2, &incr)) return;
    v += incr;
    char buf[MR_LDSTR_SIZE];
    /* A finite long double prints in under 5000 bytes, so n == 0 cannot
     * happen for one; treat it like the non-finite results anyway. */
    int n = (isnan(v) || isinf(v)) ? 0 : mr_ld2str(buf, sizeof buf, v);
    if (n <= 0) {
        mr_reply_err(call->reply, MR_ERR_INCR_NAN);
        return;
    }
    store_number(call, e, buf, (size_t)n);
    call->dirty++;
    notify_arg(call, MR_NOTIFY_STRING, "incrbyfloat", 1);
    /* the result, not the increment: float arithmetic may differ where the
     * file is replayed (Redis logs the same SET ... KEEPTTL) */
    mr_prop_cmd(call, 4);
    mr_prop_arg_cstr(call, "SET");
    mr_prop_arg_str(call, call->argv[1]);
    mr_prop_arg(call, buf, (size_t)n);
    mr_prop_arg_cstr(call, "KEEPTTL");
    mr_reply_bulk(call->reply, buf, (size_t)n);
}
