/* Keyspace commands run in-process through mr_dispatch: every expected
 * reply below was checked byte for byte against redis-server 7.0.15. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"

#define MAX_ARGS 32

static mr_buf_t out;
static int64_t now; /* every command of a test runs at this instant */
static int sel_db;  /* the "client's" selected database */
static long long last_dirty;

static void setup(void) {
    static const uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                     9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_config_defaults(); /* APPEND and SETRANGE check proto-max-bulk-len */
    mr_store_init(4, 16);
    mr_cmd_table_init();
    now = mr_mstime();
    sel_db = 0;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(t_keys, .init = setup, .fini = teardown);

/* Runs one command; arguments end with NULL. Returns the reply bytes,
 * NUL-terminated, valid until the next run. */
static const char *run(const char *first, ...) {
    mr_str_t argv[MAX_ARGS];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        cr_assert_lt(argc, MAX_ARGS);
        argv[argc].ptr = a;
        argv[argc].len = strlen(a);
        argc++;
    }
    va_end(ap);
    out.len = 0;
    mr_reply_t reply = {.out = &out, .resp = 2};
    mr_call_t call = {.argv = argv, .argc = argc, .reply = &reply,
                      .conn = NULL, .db = sel_db, .now_ms = now};
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1);
    out.len--;
    return out.data;
}

#define EXPECT(reply, ...) cr_expect_str_eq(run(__VA_ARGS__, NULL), reply)

/* Puts a string key straight into the store (expire_ms absolute, or
 * MR_NO_EXPIRE), holding its shard lock as dispatch would. */
static void put(int db, const char *key, const char *val, int64_t expire_ms) {
    uint32_t s = mr_store_shard_of(key, strlen(key));
    mr_store_lock(s);
    mr_db_set_str_locked(db, key, strlen(key), val, strlen(val), expire_ms);
    mr_store_unlock(s);
}

/* The string value of key in db, or NULL; lets tests look across
 * databases without SELECT. */
static char *get(int db, const char *key) {
    uint32_t s = mr_store_shard_of(key, strlen(key));
    char *v = NULL;
    mr_store_lock(s);
    mr_entry_t *e = mr_db_lookup_write_locked(db, key, strlen(key), now);
    if (e) {
        v = malloc(e->vlen + 1);
        memcpy(v, mr_entry_val(e), e->vlen);
        v[e->vlen] = '\0';
    }
    mr_store_unlock(s);
    return v;
}

static int64_t expire_of(int db, const char *key) {
    uint32_t s = mr_store_shard_of(key, strlen(key));
    int64_t t = -3;
    mr_store_lock(s);
    mr_entry_t *e = mr_db_lookup_write_locked(db, key, strlen(key), now);
    if (e) t = mr_entry_expire(e);
    mr_store_unlock(s);
    return t;
}

static void expect_val(int db, const char *key, const char *want) {
    char *v = get(db, key);
    if (!want) {
        cr_expect_null(v, "%s in db %d should be absent", key, db);
    } else {
        cr_expect_not_null(v, "%s in db %d should exist", key, db);
        if (v) cr_expect_str_eq(v, want);
    }
    free(v);
}

/* ---- DEL / UNLINK / EXISTS / TOUCH / TYPE ---- */

Test(t_keys, del_counts_deleted_keys_once) {
    put(0, "a", "1", MR_NO_EXPIRE);
    put(0, "b", "2", MR_NO_EXPIRE);
    EXPECT(":2\r\n", "DEL", "a", "a", "b", "nope");
    cr_expect_eq(last_dirty, 2);
    EXPECT(":0\r\n", "del", "a");
    cr_expect_eq(last_dirty, 0);
    put(0, "c", "3", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "UNLINK", "c");
    put(0, "c", "3", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "DELETE", "c");
    EXPECT(":0\r\n", "EXISTS", "c");
    EXPECT("-ERR wrong number of arguments for 'del' command\r\n", "DEL");
}

Test(t_keys, exists_and_touch_count_repeats) {
    put(0, "a", "1", MR_NO_EXPIRE);
    EXPECT(":2\r\n", "EXISTS", "a", "a", "b");
    EXPECT(":2\r\n", "TOUCH", "a", "a", "b");
    EXPECT(":0\r\n", "EXISTS", "zz");
    cr_expect_eq(last_dirty, 0);
}

Test(t_keys, type_of_string_and_missing) {
    put(0, "s", "v", MR_NO_EXPIRE);
    EXPECT("+string\r\n", "TYPE", "s");
    EXPECT("+none\r\n", "TYPE", "nokey");
}

Test(t_keys, expired_keys_are_invisible) {
    put(0, "gone", "v", now - 1);
    put(0, "edge", "v", now); /* expiry == now: already expired */
    EXPECT(":0\r\n", "EXISTS", "gone", "edge");
    EXPECT("+none\r\n", "TYPE", "gone");
    EXPECT(":-2\r\n", "TTL", "edge");
    EXPECT(":0\r\n", "DEL", "gone");
    EXPECT("*0\r\n", "KEYS", "*");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0");
    EXPECT("-ERR no such key\r\n", "RENAME", "edge", "x");
    EXPECT(":0\r\n", "PERSIST", "edge");
    EXPECT("$-1\r\n", "RANDOMKEY");
}

/* ---- RENAME / RENAMENX ---- */

Test(t_keys, rename_moves_value_and_ttl) {
    put(0, "k", "v", now + 100000);
    put(0, "dst", "old", MR_NO_EXPIRE);
    EXPECT("+OK\r\n", "RENAME", "k", "dst");
    cr_expect_eq(last_dirty, 1);
    expect_val(0, "k", NULL);
    expect_val(0, "dst", "v");
    EXPECT(":100\r\n", "TTL", "dst");
    EXPECT("-ERR no such key\r\n", "RENAME", "k", "x");
    EXPECT("-ERR no such key\r\n", "RENAME", "nokey", "nokey");
    EXPECT("+OK\r\n", "RENAME", "dst", "dst");
    cr_expect_eq(last_dirty, 0);
    expect_val(0, "dst", "v");
}

Test(t_keys, renamenx) {
    put(0, "a", "1", MR_NO_EXPIRE);
    put(0, "b", "2", now + 5000);
    EXPECT(":0\r\n", "RENAMENX", "b", "a");
    cr_expect_eq(last_dirty, 0);
    expect_val(0, "a", "1");
    EXPECT(":0\r\n", "RENAMENX", "a", "a");
    EXPECT("-ERR no such key\r\n", "RENAMENX", "nokey", "nokey");
    EXPECT(":1\r\n", "RENAMENX", "b", "c");
    cr_expect_eq(last_dirty, 1);
    EXPECT(":5000\r\n", "PTTL", "c");
    expect_val(0, "b", NULL);
    /* an expired target counts as absent */
    put(0, "dead", "x", now - 10);
    EXPECT(":1\r\n", "RENAMENX", "c", "dead");
    expect_val(0, "dead", "2");
}

/* ---- EXPIRE family ---- */

Test(t_keys, expire_option_errors) {
    put(0, "k", "v", MR_NO_EXPIRE);
    const char *nx = "-ERR NX and XX, GT or LT options at the same time are "
                     "not compatible\r\n";
    const char *gtlt =
        "-ERR GT and LT options at the same time are not compatible\r\n";
    EXPECT(nx, "EXPIRE", "k", "10", "NX", "XX");
    EXPECT(nx, "EXPIRE", "k", "10", "nx", "gt");
    EXPECT(nx, "PEXPIRE", "k", "10", "gt", "lt", "nx");
    EXPECT(nx, "EXPIRE", "k", "abc", "nx", "xx"); /* options come first */
    EXPECT(gtlt, "EXPIREAT", "k", "10", "GT", "LT");
    EXPECT("-ERR Unsupported option foo\r\n", "EXPIRE", "k", "10", "nx", "foo");
    EXPECT("-ERR Unsupported option foo\r\n", "EXPIRE", "k", "10", "nx", "xx",
           "foo");
    EXPECT("-ERR Unsupported option a b\r\n", "EXPIRE", "k", "10", "a\nb");
    const char *nint = "-ERR value is not an integer or out of range\r\n";
    EXPECT(nint, "EXPIRE", "k", "abc");
    EXPECT(nint, "EXPIRE", "k", "1.5");
    EXPECT(nint, "EXPIRE", "k", "");
    EXPECT(nint, "EXPIRE", "k", " 1");
    EXPECT(nint, "PEXPIREAT", "k", "99999999999999999999");
    EXPECT("-ERR wrong number of arguments for 'expire' command\r\n",
           "EXPIRE", "k");
    cr_expect_eq(expire_of(0, "k"), MR_NO_EXPIRE);
    /* the same option twice is fine */
    EXPECT(":1\r\n", "EXPIRE", "k", "10", "nx", "nx");
}

Test(t_keys, expire_overflow) {
    put(0, "k", "v", MR_NO_EXPIRE);
    EXPECT("-ERR invalid expire time in 'expire' command\r\n", "EXPIRE", "k",
           "9223372036854775807");
    EXPECT("-ERR invalid expire time in 'expire' command\r\n", "EXPIRE", "k",
           "9223372036854775");
    EXPECT("-ERR invalid expire time in 'expire' command\r\n", "expire", "k",
           "-9223372036854775808");
    EXPECT("-ERR invalid expire time in 'pexpire' command\r\n", "PEXPIRE",
           "k", "9223372036854775807");
    EXPECT("-ERR invalid expire time in 'expireat' command\r\n", "EXPIREAT",
           "k", "9223372036854776");
    /* fits after conversion: a far-future absolute time is accepted */
    EXPECT(":1\r\n", "PEXPIREAT", "k", "9223372036854775807");
    cr_expect_eq(expire_of(0, "k"), INT64_MAX);
    EXPECT(":1\r\n", "EXPIREAT", "k", "9223372036854775");
    cr_expect_eq(expire_of(0, "k"), 9223372036854775000LL);
    /* a huge negative relative time deletes */
    EXPECT(":1\r\n", "PEXPIRE", "k", "-9223372036854775808");
    expect_val(0, "k", NULL);
}

Test(t_keys, expire_sets_relative_and_absolute) {
    put(0, "k", "v", MR_NO_EXPIRE);
    EXPECT(":0\r\n", "EXPIRE", "missing", "10");
    cr_expect_eq(last_dirty, 0);
    EXPECT(":1\r\n", "EXPIRE", "k", "10");
    cr_expect_eq(last_dirty, 1);
    cr_expect_eq(expire_of(0, "k"), now + 10000);
    EXPECT(":1\r\n", "PEXPIRE", "k", "2500");
    cr_expect_eq(expire_of(0, "k"), now + 2500);
    EXPECT(":1\r\n", "EXPIREAT", "k", "4000000000");
    cr_expect_eq(expire_of(0, "k"), 4000000000000LL);
    EXPECT(":1\r\n", "PEXPIREAT", "k", "4000000000123");
    cr_expect_eq(expire_of(0, "k"), 4000000000123LL);
}

Test(t_keys, expire_in_the_past_deletes) {
    put(0, "a", "v", MR_NO_EXPIRE);
    put(0, "b", "v", MR_NO_EXPIRE);
    put(0, "c", "v", MR_NO_EXPIRE);
    put(0, "d", "v", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "EXPIRE", "a", "-1");
    cr_expect_eq(last_dirty, 1);
    EXPECT(":1\r\n", "PEXPIRE", "b", "0");
    EXPECT(":1\r\n", "EXPIREAT", "c", "1");
    EXPECT(":0\r\n", "EXISTS", "a", "b", "c");
    /* the option check comes first: NX on a key without TTL passes */
    EXPECT(":1\r\n", "EXPIRE", "d", "-1", "NX");
    EXPECT(":0\r\n", "EXISTS", "d");
}

Test(t_keys, expire_nx_xx_gt_lt) {
    put(0, "k", "v", MR_NO_EXPIRE);
    EXPECT(":0\r\n", "EXPIRE", "k", "100", "XX");
    EXPECT(":0\r\n", "EXPIRE", "k", "100", "GT"); /* no TTL = infinite */
    EXPECT(":1\r\n", "EXPIRE", "k", "100", "NX");
    EXPECT(":0\r\n", "EXPIRE", "k", "200", "NX");
    EXPECT(":0\r\n", "EXPIRE", "k", "50", "GT");
    EXPECT(":0\r\n", "EXPIRE", "k", "100", "GT"); /* equal is not greater */
    EXPECT(":1\r\n", "EXPIRE", "k", "200", "gt");
    EXPECT(":0\r\n", "EXPIRE", "k", "300", "LT");
    EXPECT(":0\r\n", "EXPIRE", "k", "200", "LT");
    EXPECT(":1\r\n", "EXPIRE", "k", "20", "lt");
    EXPECT(":1\r\n", "EXPIRE", "k", "30", "XX", "GT");
    EXPECT(":30\r\n", "TTL", "k");
}

Test(t_keys, expire_lt_on_key_without_ttl) {
    put(0, "k", "v", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "EXPIRE", "k", "10", "LT");
    EXPECT(":10\r\n", "TTL", "k");
    EXPECT(":0\r\n", "EXPIRE", "k", "10", "XX", "LT");
    EXPECT(":1\r\n", "EXPIRE", "k", "5", "XX", "LT");
    EXPECT(":5\r\n", "TTL", "k");
}

/* ---- TTL family / PERSIST ---- */

Test(t_keys, ttl_pttl_expiretime) {
    put(0, "none", "v", MR_NO_EXPIRE);
    put(0, "t", "v", now + 1499);
    EXPECT(":-2\r\n", "TTL", "missing");
    EXPECT(":-2\r\n", "PTTL", "missing");
    EXPECT(":-2\r\n", "EXPIRETIME", "missing");
    EXPECT(":-2\r\n", "PEXPIRETIME", "missing");
    EXPECT(":-1\r\n", "TTL", "none");
    EXPECT(":-1\r\n", "PTTL", "none");
    EXPECT(":-1\r\n", "EXPIRETIME", "none");
    EXPECT(":-1\r\n", "PEXPIRETIME", "none");
    EXPECT(":1\r\n", "TTL", "t"); /* rounded to the nearest second */
    EXPECT(":1499\r\n", "PTTL", "t");
    put(0, "t", "v", now + 1500);
    EXPECT(":2\r\n", "TTL", "t");
    put(0, "abs", "v", 4000000000499LL);
    EXPECT(":4000000000\r\n", "EXPIRETIME", "abs");
    EXPECT(":4000000000499\r\n", "PEXPIRETIME", "abs");
    put(0, "abs", "v", 4000000000500LL);
    EXPECT(":4000000001\r\n", "EXPIRETIME", "abs");
    cr_expect_eq(last_dirty, 0);
}

Test(t_keys, persist) {
    put(0, "k", "v", now + 10000);
    put(0, "p", "v", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "PERSIST", "k");
    cr_expect_eq(last_dirty, 1);
    EXPECT(":-1\r\n", "TTL", "k");
    expect_val(0, "k", "v");
    EXPECT(":0\r\n", "PERSIST", "k");
    cr_expect_eq(last_dirty, 0);
    EXPECT(":0\r\n", "PERSIST", "p");
    EXPECT(":0\r\n", "PERSIST", "nokey");
}

/* ---- COPY / MOVE ---- */

Test(t_keys, copy_basic_and_replace) {
    put(0, "a", "1", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "COPY", "a", "b");
    cr_expect_eq(last_dirty, 1);
    expect_val(0, "b", "1");
    expect_val(0, "a", "1");
    put(0, "a", "2", MR_NO_EXPIRE);
    EXPECT(":0\r\n", "COPY", "a", "b");
    cr_expect_eq(last_dirty, 0);
    expect_val(0, "b", "1");
    EXPECT(":1\r\n", "COPY", "a", "b", "REPLACE");
    expect_val(0, "b", "2");
    EXPECT(":1\r\n", "COPY", "a", "b", "replace", "replace");
    EXPECT(":0\r\n", "COPY", "nokey", "x");
    EXPECT(":0\r\n", "EXISTS", "x");
}

Test(t_keys, copy_errors) {
    put(0, "a", "1", MR_NO_EXPIRE);
    const char *same = "-ERR source and destination objects are the same\r\n";
    EXPECT(same, "COPY", "a", "a");
    EXPECT(same, "COPY", "nokey", "nokey");
    EXPECT(same, "COPY", "a", "a", "DB", "0");
    EXPECT("-ERR DB index is out of range\r\n", "COPY", "a", "b", "DB", "16");
    EXPECT("-ERR DB index is out of range\r\n", "COPY", "a", "b", "db", "-1");
    EXPECT("-ERR DB index is out of range\r\n", "COPY", "nokey", "x", "db",
           "99");
    EXPECT("-ERR value is not an integer or out of range\r\n", "COPY", "a",
           "b", "db", "x");
    EXPECT("-ERR value is not an integer or out of range\r\n", "COPY", "a",
           "b", "db", "99999999999999999999");
    EXPECT("-ERR value is out of range, value must between -2147483648 and "
           "2147483647\r\n",
           "COPY", "a", "b", "db", "4294967296");
    EXPECT("-ERR DB index is out of range\r\n", "COPY", "a", "b", "db",
           "2147483647");
    EXPECT("-ERR syntax error\r\n", "COPY", "a", "b", "foo");
    EXPECT("-ERR syntax error\r\n", "COPY", "a", "b", "db");
    EXPECT("-ERR syntax error\r\n", "COPY", "a", "b", "foo", "db", "x");
    EXPECT(":0\r\n", "EXISTS", "b");
}

Test(t_keys, copy_to_other_db_keeps_ttl) {
    put(0, "a", "1", now + 100000);
    EXPECT(":1\r\n", "COPY", "a", "a", "DB", "1");
    expect_val(1, "a", "1");
    cr_expect_eq(expire_of(1, "a"), now + 100000);
    EXPECT(":1\r\n", "COPY", "a", "z", "db", "1");
    EXPECT(":0\r\n", "COPY", "a", "z", "db", "1");
    put(0, "a", "new", MR_NO_EXPIRE);
    EXPECT(":1\r\n", "COPY", "a", "z", "db", "1", "replace");
    expect_val(1, "z", "new");
    cr_expect_eq(expire_of(1, "z"), MR_NO_EXPIRE);
    /* the last DB wins */
    EXPECT(":1\r\n", "COPY", "a", "z", "db", "1", "db", "2");
    expect_val(2, "z", "new");
    /* from a selected database other than 0 */
    sel_db = 2;
    EXPECT(":1\r\n", "COPY", "z", "y", "db", "0");
    expect_val(0, "y", "new");
}

Test(t_keys, move) {
    put(0, "a", "1", now + 100000);
    put(0, "q", "5", MR_NO_EXPIRE);
    put(1, "a", "other", MR_NO_EXPIRE);
    const char *same = "-ERR source and destination objects are the same\r\n";
    EXPECT(same, "MOVE", "a", "0");
    EXPECT(same, "MOVE", "nokey", "0");
    EXPECT("-ERR DB index is out of range\r\n", "MOVE", "a", "16");
    EXPECT("-ERR DB index is out of range\r\n", "MOVE", "a", "-1");
    EXPECT("-ERR value is not an integer or out of range\r\n", "MOVE", "a",
           "x");
    EXPECT("-ERR value is out of range, value must between -2147483648 and "
           "2147483647\r\n",
           "MOVE", "a", "-2147483649");
    EXPECT(":0\r\n", "MOVE", "a", "1"); /* target exists */
    cr_expect_eq(last_dirty, 0);
    expect_val(1, "a", "other");
    EXPECT(":0\r\n", "MOVE", "nokey", "1");
    EXPECT(":1\r\n", "MOVE", "a", "3");
    cr_expect_eq(last_dirty, 1);
    expect_val(0, "a", NULL);
    expect_val(3, "a", "1");
    cr_expect_eq(expire_of(3, "a"), now + 100000);
    EXPECT(":1\r\n", "MOVE", "q", "15");
    cr_expect_eq(expire_of(15, "q"), MR_NO_EXPIRE);
    sel_db = 15;
    EXPECT(":1\r\n", "EXISTS", "q");
    EXPECT(":1\r\n", "DBSIZE");
}

/* ---- DBSIZE / FLUSH / RANDOMKEY / KEYS ---- */

Test(t_keys, dbsize_is_per_db) {
    put(0, "a", "1", MR_NO_EXPIRE);
    put(0, "b", "1", MR_NO_EXPIRE);
    put(5, "a", "1", MR_NO_EXPIRE);
    EXPECT(":2\r\n", "DBSIZE");
    sel_db = 5;
    EXPECT(":1\r\n", "DBSIZE");
    sel_db = 6;
    EXPECT(":0\r\n", "DBSIZE");
    EXPECT("-ERR wrong number of arguments for 'dbsize' command\r\n",
           "DBSIZE", "x");
}

Test(t_keys, flushdb_and_flushall) {
    put(0, "a", "1", MR_NO_EXPIRE);
    put(1, "a", "1", MR_NO_EXPIRE);
    put(1, "b", "1", MR_NO_EXPIRE);
    put(2, "c", "1", MR_NO_EXPIRE);
    EXPECT("-ERR syntax error\r\n", "FLUSHDB", "foo");
    EXPECT("-ERR syntax error\r\n", "FLUSHDB", "sync", "async");
    EXPECT("-ERR syntax error\r\n", "FLUSHALL", "now");
    cr_expect_eq(last_dirty, 0);
    sel_db = 1;
    EXPECT("+OK\r\n", "FLUSHDB", "SYNC");
    cr_expect_eq(last_dirty, 2);
    EXPECT(":0\r\n", "DBSIZE");
    sel_db = 0;
    EXPECT(":1\r\n", "DBSIZE");
    EXPECT("+OK\r\n", "flushdb");
    EXPECT("+OK\r\n", "FLUSHDB", "async");
    cr_expect_gt(last_dirty, 0); /* an empty flush is still logged */
    sel_db = 2;
    EXPECT(":1\r\n", "DBSIZE");
    EXPECT("+OK\r\n", "FLUSHALL", "ASYNC");
    EXPECT(":0\r\n", "DBSIZE");
    put(3, "x", "1", MR_NO_EXPIRE);
    EXPECT("+OK\r\n", "FLUSHALL");
    cr_expect_eq(last_dirty, 1);
    sel_db = 3;
    EXPECT(":0\r\n", "DBSIZE");
    EXPECT("+OK\r\n", "FLUSHALL", "sync");
}

Test(t_keys, randomkey) {
    EXPECT("$-1\r\n", "RANDOMKEY");
    put(0, "only", "1", MR_NO_EXPIRE);
    for (int i = 0; i < 5; i++) EXPECT("$4\r\nonly\r\n", "RANDOMKEY");
    put(0, "other", "1", MR_NO_EXPIRE);
    bool seen_only = false, seen_other = false;
    for (int i = 0; i < 200; i++) {
        const char *r = run("RANDOMKEY", NULL);
        if (!strcmp(r, "$4\r\nonly\r\n"))
            seen_only = true;
        else if (!strcmp(r, "$5\r\nother\r\n"))
            seen_other = true;
        else
            cr_expect(false, "unexpected RANDOMKEY reply %s", r);
    }
    cr_expect(seen_only && seen_other);
    sel_db = 4;
    EXPECT("$-1\r\n", "RANDOMKEY");
}

/* Parses a flat RESP2 array of bulk strings into a sorted, '|'-joined
 * list: replies come in table order, tests compare the set. */
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *parse_bulks(const char **p, long n) {
    char **items = calloc((size_t)n + 1, sizeof *items);
    size_t total = 1;
    for (long i = 0; i < n; i++) {
        cr_assert_eq(**p, '$');
        char *end;
        long len = strtol(*p + 1, &end, 10);
        *p = end + 2;
        items[i] = strndup(*p, (size_t)len);
        *p += len + 2;
        total += (size_t)len + 1;
    }
    qsort(items, (size_t)n, sizeof *items, cmp_str);
    char *s = calloc(total, 1);
    for (long i = 0; i < n; i++) {
        if (i) strcat(s, "|");
        strcat(s, items[i]);
        free(items[i]);
    }
    free(items);
    return s;
}

static char *keys_sorted(const char *pattern) {
    const char *p = run("KEYS", pattern, NULL);
    cr_assert_eq(*p, '*', "KEYS reply %s", p);
    char *end;
    long n = strtol(p + 1, &end, 10);
    p = end + 2;
    char *s = parse_bulks(&p, n);
    cr_expect_eq(*p, '\0');
    return s;
}

#define EXPECT_KEYS(pat, want)                  \
    do {                                        \
        char *got_ = keys_sorted(pat);          \
        cr_expect_str_eq(got_, want, "KEYS %s", pat); \
        free(got_);                             \
    } while (0)

Test(t_keys, keys_patterns) {
    const char *names[] = {"hello", "hallo", "hxllo", "hllo", "heeeello",
                           "a*b", "a?b", "x"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        put(0, names[i], "v", MR_NO_EXPIRE);
    put(0, "hexpired", "v", now - 1);
    put(1, "hidden", "v", MR_NO_EXPIRE);
    EXPECT_KEYS("*", "a*b|a?b|hallo|heeeello|hello|hllo|hxllo|x");
    EXPECT_KEYS("h?llo", "hallo|hello|hxllo");
    EXPECT_KEYS("h*llo", "hallo|heeeello|hello|hllo|hxllo");
    EXPECT_KEYS("h[ae]llo", "hallo|hello");
    EXPECT_KEYS("h[^e]llo", "hallo|hxllo");
    EXPECT_KEYS("h[a-b]llo", "hallo");
    EXPECT_KEYS("a\\*b", "a*b");
    EXPECT_KEYS("nomatch*", "");
    EXPECT_KEYS("x", "x");
    EXPECT("*0\r\n", "KEYS", "HELLO"); /* case-sensitive */
    EXPECT("-ERR wrong number of arguments for 'keys' command\r\n", "KEYS");
    sel_db = 1;
    EXPECT("*1\r\n$6\r\nhidden\r\n", "KEYS", "*");
}

/* ---- SCAN ---- */

Test(t_keys, scan_argument_errors) {
    put(0, "a", "1", MR_NO_EXPIRE);
    const char *bad = "-ERR invalid cursor\r\n";
    EXPECT(bad, "SCAN", "x");
    EXPECT(bad, "SCAN", " 1");
    EXPECT(bad, "SCAN", "1 ");
    EXPECT(bad, "SCAN", "18446744073709551616");
    EXPECT(bad, "SCAN", "x", "COUNT", "0"); /* cursor checked first */
    const char *syn = "-ERR syntax error\r\n";
    EXPECT(syn, "SCAN", "0", "COUNT", "0");
    EXPECT(syn, "SCAN", "0", "count", "-1");
    EXPECT(syn, "SCAN", "0", "COUNT");
    EXPECT(syn, "SCAN", "0", "MATCH");
    EXPECT(syn, "SCAN", "0", "TYPE");
    EXPECT(syn, "SCAN", "0", "foo", "bar");
    EXPECT(syn, "SCAN", "0", "count", "0", "foo");
    EXPECT("-ERR value is not an integer or out of range\r\n", "SCAN", "0",
           "COUNT", "x");
    EXPECT("-ERR value is not an integer or out of range\r\n", "SCAN", "0",
           "COUNT", "99999999999999999999");
    EXPECT("-ERR wrong number of arguments for 'scan' command\r\n", "SCAN");
}

Test(t_keys, scan_cursor_forms_redis_accepts) {
    put(0, "a", "1", MR_NO_EXPIRE);
    const char *all = "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n";
    EXPECT(all, "SCAN", "0");
    EXPECT(all, "SCAN", "");
    EXPECT(all, "SCAN", "+0");
    EXPECT(all, "SCAN", "00");
    EXPECT(all, "SCAN", "0", "COUNT", "9223372036854775807");
    EXPECT(all, "SCAN", "0", "MATCH", "a", "COUNT", "100");
    EXPECT(all, "SCAN", "0", "TYPE", "STRING");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "TYPE", "foo");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "TYPE", "list");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "MATCH", "b*");
    cr_expect_eq(last_dirty, 0);
}

/* Walks a whole SCAN iteration; counts how often key:<i> came back in
 * seen[] and returns the number of calls made. `between` runs after each
 * call (to change the keyspace mid-iteration). */
static int scan_all(const char *const *opts, int nopts, int *seen, int nseen,
                    void (*between)(int call_no)) {
    char cursor[32] = "0";
    int calls = 0;
    do {
        const char *argv[16] = {"SCAN", cursor};
        int n = 2;
        for (int i = 0; i < nopts; i++) argv[n++] = opts[i];
        argv[n] = NULL;
        const char *p = run(argv[0], argv[1], argv[2], argv[3], argv[4],
                            argv[5], argv[6], argv[7], NULL);
        cr_assert(!strncmp(p, "*2\r\n$", 5), "SCAN reply %s", p);
        char *end;
        long clen = strtol(p + 5, &end, 10);
        p = end + 2;
        cr_assert_lt(clen, (long)sizeof cursor);
        memcpy(cursor, p, (size_t)clen);
        cursor[clen] = '\0';
        p += clen + 2;
        cr_assert_eq(*p, '*');
        long nk = strtol(p + 1, &end, 10);
        p = end + 2;
        for (long i = 0; i < nk; i++) {
            long len = strtol(p + 1, &end, 10);
            p = end + 2;
            int idx;
            char key[64];
            cr_assert_lt(len, (long)sizeof key);
            memcpy(key, p, (size_t)len);
            key[len] = '\0';
            if (sscanf(key, "key:%d", &idx) == 1 && idx >= 0 && idx < nseen)
                seen[idx]++;
            else
                cr_assert(!strncmp(key, "other:", 6), "bad key %s", key);
            p += len + 2;
        }
        cr_assert_eq(*p, '\0');
        calls++;
        if (between) between(calls);
        cr_assert_lt(calls, 100000, "SCAN does not terminate");
    } while (strcmp(cursor, "0") != 0);
    return calls;
}

#define NKEYS 3000

static void fill(void) {
    char k[32];
    for (int i = 0; i < NKEYS; i++) {
        snprintf(k, sizeof k, "key:%d", i);
        put(0, k, "v", MR_NO_EXPIRE);
    }
}

Test(t_keys, scan_returns_every_key) {
    fill();
    static int seen[NKEYS];
    const char *opts[] = {"COUNT", "100"};
    int calls = scan_all(opts, 2, seen, NKEYS, NULL);
    cr_expect_gt(calls, 1, "COUNT 100 over 3000 keys needs several calls");
    for (int i = 0; i < NKEYS; i++)
        cr_expect_geq(seen[i], 1, "key:%d never returned", i);
    memset(seen, 0, sizeof seen);
    scan_all(NULL, 0, seen, NKEYS, NULL); /* default COUNT 10 */
    for (int i = 0; i < NKEYS; i++)
        cr_expect_geq(seen[i], 1, "key:%d never returned", i);
}

Test(t_keys, scan_match_and_type) {
    fill();
    static int seen[NKEYS];
    const char *opts[] = {"MATCH", "key:1*", "COUNT", "50", "TYPE", "string"};
    scan_all(opts, 6, seen, NKEYS, NULL);
    char k[32];
    for (int i = 0; i < NKEYS; i++) {
        snprintf(k, sizeof k, "key:%d", i);
        if (k[4] == '1')
            cr_expect_geq(seen[i], 1, "%s never returned", k);
        else
            cr_expect_eq(seen[i], 0, "%s does not match", k);
    }
    memset(seen, 0, sizeof seen);
    const char *opts2[] = {"TYPE", "hash", "COUNT", "1000"};
    scan_all(opts2, 4, seen, NKEYS, NULL);
    for (int i = 0; i < NKEYS; i++) cr_expect_eq(seen[i], 0);
}

/* Keys added while an iteration runs make the tables grow; every key that
 * was there from start to end must still be returned. */
static void add_more(int call_no) {
    char k[32];
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "other:%d:%d", call_no, i);
        put(0, k, "v", MR_NO_EXPIRE);
    }
}

Test(t_keys, scan_survives_growth) {
    fill();
    static int seen[NKEYS];
    const char *opts[] = {"COUNT", "20"};
    scan_all(opts, 2, seen, NKEYS, add_more);
    for (int i = 0; i < NKEYS; i++)
        cr_expect_geq(seen[i], 1, "key:%d lost across a resize", i);
}

Test(t_keys, scan_is_per_db) {
    put(0, "a", "1", MR_NO_EXPIRE);
    sel_db = 7;
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0");
    put(7, "b", "1", MR_NO_EXPIRE);
    EXPECT("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n", "SCAN", "0");
}

/* ---- OBJECT ---- */

Test(t_keys, object_encoding_of_strings_as_redis) {
    EXPECT("$-1\r\n", "object", "encoding", "nokey");
    EXPECT("+OK\r\n", "set", "i", "12345");
    EXPECT("$3\r\nint\r\n", "object", "encoding", "i");
    EXPECT("+OK\r\n", "set", "e", "hello");
    EXPECT("$6\r\nembstr\r\n", "object", "encoding", "e");
    /* 44 bytes still embstr, 45 raw */
    EXPECT("+OK\r\n", "set", "e44", "12345678901234567890123456789012345678901234x" + 1);
    EXPECT("$6\r\nembstr\r\n", "object", "encoding", "e44");
    EXPECT("+OK\r\n", "set", "r45", "12345678901234567890123456789012345678901234x");
    EXPECT("$3\r\nraw\r\n", "object", "encoding", "r45");
    /* not canonical integers, or past int64: strings */
    EXPECT("+OK\r\n", "set", "z", "007");
    EXPECT("$6\r\nembstr\r\n", "object", "encoding", "z");
    EXPECT("+OK\r\n", "set", "big", "99999999999999999999");
    EXPECT("$6\r\nembstr\r\n", "object", "encoding", "big");
    /* edited in place: raw, even when it reads as an integer; a new value
     * is encoded afresh */
    EXPECT(":6\r\n", "append", "i", "6");
    EXPECT("$3\r\nraw\r\n", "object", "encoding", "i");
    EXPECT(":123457\r\n", "incr", "i");
    EXPECT("$3\r\nint\r\n", "object", "encoding", "i");
    EXPECT(":5\r\n", "setrange", "e", "0", "j");
    EXPECT("$3\r\nraw\r\n", "object", "encoding", "e");
    EXPECT("+OK\r\n", "set", "e", "hello");
    EXPECT("$6\r\nembstr\r\n", "object", "encoding", "e");
}

Test(t_keys, object_refcount_freq_idletime_help) {
    EXPECT("$-1\r\n", "object", "refcount", "nokey");
    EXPECT("+OK\r\n", "set", "small", "9999");
    EXPECT(":2147483647\r\n", "object", "refcount", "small"); /* shared */
    EXPECT("+OK\r\n", "set", "large", "10000");
    EXPECT(":1\r\n", "object", "refcount", "large");
    EXPECT("+OK\r\n", "set", "neg", "-1");
    EXPECT(":1\r\n", "object", "refcount", "neg");
    EXPECT("$-1\r\n", "object", "freq", "nokey");
    cr_expect(strncmp(run("object", "freq", "small", NULL),
                      "-ERR An LFU maxmemory policy is not selected", 44) == 0);
    /* idle time counts from the last touching access, not from OBJECT,
     * TYPE or TTL (a new key's clock comes from the store's cached clock,
     * which need not be this test's instant: GET stamps it first) */
    EXPECT("$4\r\n9999\r\n", "get", "small");
    EXPECT(":0\r\n", "object", "idletime", "small");
    now += 5000;
    EXPECT("+string\r\n", "type", "small");
    EXPECT(":-1\r\n", "ttl", "small");
    EXPECT(":5\r\n", "object", "idletime", "small");
    EXPECT("$4\r\n9999\r\n", "get", "small");
    EXPECT(":0\r\n", "object", "idletime", "small");
    now += 3000;
    EXPECT(":1\r\n", "touch", "small");
    EXPECT(":0\r\n", "object", "idletime", "small");
    EXPECT(":1\r\n", "exists", "small");
    now += 2000;
    EXPECT(":2\r\n", "object", "idletime", "small");
    cr_expect(strncmp(run("object", "help", NULL),
                      "*15\r\n+OBJECT <subcommand>", 25) == 0);
    EXPECT("-ERR unknown subcommand 'nope'. Try OBJECT HELP.\r\n", "object",
           "nope", "k");
    EXPECT("-ERR wrong number of arguments for 'object|encoding' command\r\n",
           "object", "encoding");
}
