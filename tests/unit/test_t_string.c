/* String commands, run in-process through mr_dispatch (which locks the keys'
 * shards and calls the handler). Every expected reply below was observed on
 * a real redis-server 7.0.15. The clock is fixed (NOW) so TTLs and expiry
 * can be checked exactly; advancing `now` simulates time passing. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/reply.h"
#include "mr/object.h"
#include "mr/store.h"
#include "types/listpack.h"
#include "mr/util.h"

#define NOW 1700000000000LL

static mr_buf_t out;
static mr_reply_t reply;
static int64_t now = NOW;
static long long last_dirty;
static char shown[4096];

static void setup(void) {
    uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_config_defaults();
    mr_store_init(4, 16);
    mr_cmd_table_init();
    reply.out = &out;
    reply.resp = 2;
    now = NOW;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(t_string, .init = setup, .fini = teardown);

/* Runs one command given as explicit (pointer, length) pairs; returns the
 * reply bytes (also in out.data / out.len). */
static const char *run_argv(int argc, mr_str_t *argv) {
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.conn = NULL;
    call.db = 0;
    call.now_ms = now;
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1); /* NUL-terminate for cstring compares */
    out.len--;
    return out.data;
}

/* run("set", "k", "v", NULL): arguments are C strings. */
static const char *run(const char *a0, ...) {
    mr_str_t argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && argc < 64; a = va_arg(ap, const char *))
        argv[argc++] = (mr_str_t){a, strlen(a)};
    va_end(ap);
    return run_argv(argc, argv);
}

/* Printable form of the last reply for assertion messages. */
static const char *show(void) {
    size_t o = 0;
    for (size_t i = 0; i < out.len && o + 5 < sizeof shown; i++) {
        unsigned char c = (unsigned char)out.data[i];
        if (c >= 32 && c < 127) shown[o++] = (char)c;
        else o += (size_t)snprintf(shown + o, sizeof shown - o, "\\x%02x", c);
    }
    shown[o] = '\0';
    return shown;
}

#define EXPECT(want, ...)                                                   \
    do {                                                                    \
        run(__VA_ARGS__, NULL);                                             \
        cr_assert(out.len == strlen(want) &&                                \
                      memcmp(out.data, want, out.len) == 0,                 \
                  "%s: got \"%s\", want \"%s\"", #__VA_ARGS__, show(),      \
                  want);                                                    \
    } while (0)

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
#define SYNTAX "-ERR syntax error\r\n"
#define NOT_INT "-ERR value is not an integer or out of range\r\n"
#define NOT_FLOAT "-ERR value is not a valid float\r\n"
#define NIL "$-1\r\n"
#define OK "+OK\r\n"

static mr_entry_t *entry(const char *key) {
    return mr_db_lookup_write_locked(0, key, strlen(key), now);
}

static int64_t expire_of(const char *key) {
    mr_entry_t *e = entry(key);
    cr_assert_not_null(e, "key %s missing", key);
    return mr_entry_expire(e);
}

/* A key of another type (an empty compact hash, as the hash commands
 * would store it): string commands must answer WRONGTYPE and leave it. */
static void make_hash(const char *key) {
    mr_db_add_obj_locked(0, key, strlen(key), MR_T_HASH, MR_ENC_LISTPACK,
                         mr_lp_new());
}

static bool is_hash(const char *key) {
    mr_entry_t *e = entry(key);
    return e && mr_entry_type(e) == MR_T_HASH;
}

/* ---- GET / SET ---- */

Test(t_string, get_set_basic) {
    EXPECT(NIL, "get", "k");
    EXPECT(OK, "set", "k", "v");
    cr_assert_eq(last_dirty, 1);
    EXPECT("$1\r\nv\r\n", "get", "k");
    EXPECT("-ERR wrong number of arguments for 'get' command\r\n", "get");
    EXPECT("-ERR wrong number of arguments for 'set' command\r\n", "set",
           "k");
}

Test(t_string, set_binary_safe) {
    mr_str_t a[3] = {{"set", 3}, {"b\0k", 3}, {"x\r\n\0y", 5}};
    run_argv(3, a);
    cr_assert_str_eq(out.data, OK);
    mr_str_t g[2] = {{"get", 3}, {"b\0k", 3}};
    run_argv(2, g);
    cr_assert(out.len == 11 && memcmp(out.data, "$5\r\nx\r\n\0y\r\n", 11) == 0,
              "got %s", show());
}

Test(t_string, set_option_conflicts) {
    EXPECT(SYNTAX, "set", "k", "v", "NX", "XX");
    EXPECT(SYNTAX, "set", "k", "v", "XX", "NX");
    EXPECT(SYNTAX, "set", "k", "v", "KEEPTTL", "EX", "10");
    EXPECT(SYNTAX, "set", "k", "v", "EX", "10", "KEEPTTL");
    EXPECT(SYNTAX, "set", "k", "v", "EX", "10", "PX", "10");
    EXPECT(SYNTAX, "set", "k", "v", "PX", "10", "PXAT", "5");
    EXPECT(SYNTAX, "set", "k", "v", "EX");
    EXPECT(SYNTAX, "set", "k", "v", "foo");
    EXPECT(SYNTAX, "set", "k", "v", "PERSIST");
    /* syntax is checked over all options before the expire value */
    EXPECT(SYNTAX, "set", "k", "v", "EX", "abc", "foo");
    cr_assert_null(entry("k"));
    cr_assert_eq(last_dirty, 0);
    /* repeats of the same option are fine, the last EX wins */
    EXPECT(OK, "set", "k", "v", "EX", "10", "EX", "20");
    cr_assert_eq(expire_of("k"), NOW + 20000);
    EXPECT(NIL, "set", "k", "v", "NX", "NX");
    EXPECT(OK, "set", "k", "v", "KEEPTTL", "KEEPTTL");
    EXPECT(OK, "set", "k", "v", "ex", "5");
    cr_assert_eq(expire_of("k"), NOW + 5000);
}

Test(t_string, set_option_words_stop_at_nul) {
    /* Redis compares options as C strings: "nx\0abc" is NX */
    mr_str_t a[4] = {{"set", 3}, {"k", 1}, {"v", 1}, {"nx\0abc", 6}};
    run_argv(4, a);
    cr_assert_str_eq(out.data, OK);
    run_argv(4, a);
    cr_assert_str_eq(out.data, NIL);
    mr_str_t b[4] = {{"set", 3}, {"k", 1}, {"v", 1}, {"nxa", 3}};
    run_argv(4, b);
    cr_assert_str_eq(out.data, SYNTAX);
}

Test(t_string, set_invalid_expire) {
    const char *bad = "-ERR invalid expire time in 'set' command\r\n";
    EXPECT(bad, "set", "k", "v", "EX", "0");
    EXPECT(bad, "set", "k", "v", "EX", "-1");
    EXPECT(bad, "set", "k", "v", "PX", "0");
    EXPECT(bad, "set", "k", "v", "EXAT", "0");
    EXPECT(bad, "set", "k", "v", "PXAT", "-5");
    EXPECT(bad, "set", "k", "v", "EX", "9223372036854775807");
    /* fits LLONG_MAX/1000 but overflows once now is added */
    EXPECT(bad, "set", "k", "v", "EX", "9223372036854775");
    EXPECT(bad, "set", "k", "v", "EX", "9223372036854776");
    EXPECT(bad, "set", "k", "v", "EXAT", "9223372036854776");
    EXPECT(bad, "set", "k", "v", "PX", "9223372036854775807");
    EXPECT(bad, "set", "k", "v", "EX", "10", "EX", "0");
    EXPECT(bad, "set", "k", "v", "GET", "EX", "0");
    EXPECT(NOT_INT, "set", "k", "v", "EX", "abc");
    EXPECT(NOT_INT, "set", "k", "v", "EX", "1.5");
    EXPECT(NOT_INT, "set", "k", "v", "EX", "+1");
    EXPECT(NOT_INT, "set", "k", "v", "EX", "01");
    cr_assert_null(entry("k"));
    /* the largest absolute times are accepted */
    EXPECT(OK, "set", "k", "v", "EXAT", "9223372036854775");
    cr_assert_eq(expire_of("k"), 9223372036854775000LL);
    EXPECT(OK, "set", "k", "v", "PXAT", "9223372036854775807");
    cr_assert_eq(expire_of("k"), 9223372036854775807LL);
    EXPECT(OK, "set", "k", "v", "PX", "9223370000000000000");
    cr_assert_eq(expire_of("k"), 9223370000000000000LL + NOW);
}

Test(t_string, set_expire_units) {
    EXPECT(OK, "set", "a", "v", "EX", "10");
    cr_assert_eq(expire_of("a"), NOW + 10000);
    EXPECT(OK, "set", "b", "v", "PX", "1500");
    cr_assert_eq(expire_of("b"), NOW + 1500);
    EXPECT(OK, "set", "c", "v", "EXAT", "1800000000");
    cr_assert_eq(expire_of("c"), 1800000000000LL);
    EXPECT(OK, "set", "d", "v", "PXAT", "1800000000123");
    cr_assert_eq(expire_of("d"), 1800000000123LL);
    /* the key is gone once the clock reaches its expiry */
    now = NOW + 1499;
    EXPECT("$1\r\nv\r\n", "get", "b");
    now = NOW + 1500;
    EXPECT(NIL, "get", "b");
}

Test(t_string, set_absolute_time_in_past) {
    /* Redis 7.0: OK, then the key is already gone when accessed */
    EXPECT(OK, "set", "k", "v", "PXAT", "1");
    cr_assert_eq(last_dirty, 1);
    EXPECT(NIL, "get", "k");
    cr_assert_null(entry("k"));
    EXPECT(OK, "set", "k", "old");
    EXPECT("$3\r\nold\r\n", "set", "k", "v", "EXAT", "1", "GET");
    EXPECT(NIL, "get", "k");
}

Test(t_string, set_ttl_cleared_or_kept) {
    EXPECT(OK, "set", "k", "v", "EX", "100");
    EXPECT(OK, "set", "k", "v2", "KEEPTTL");
    cr_assert_eq(expire_of("k"), NOW + 100000);
    EXPECT("$2\r\nv2\r\n", "get", "k");
    EXPECT(OK, "set", "k", "v3");
    cr_assert_eq(expire_of("k"), MR_NO_EXPIRE);
    /* KEEPTTL on a missing key: no TTL */
    EXPECT(OK, "set", "n", "v", "KEEPTTL");
    cr_assert_eq(expire_of("n"), MR_NO_EXPIRE);
}

Test(t_string, set_nx_xx_get) {
    EXPECT(NIL, "set", "k", "v", "XX");
    cr_assert_null(entry("k"));
    cr_assert_eq(last_dirty, 0);
    EXPECT(OK, "set", "k", "v", "NX");
    EXPECT(NIL, "set", "k", "w", "NX");
    cr_assert_eq(last_dirty, 0);
    EXPECT(OK, "set", "k", "v1", "XX");
    /* GET combines with NX/XX (7.0): the reply is the old value */
    EXPECT("$2\r\nv1\r\n", "set", "k", "v2", "NX", "GET");
    EXPECT("$2\r\nv1\r\n", "get", "k");
    EXPECT("$2\r\nv1\r\n", "set", "k", "v3", "XX", "GET");
    EXPECT("$2\r\nv3\r\n", "get", "k");
    EXPECT(NIL, "set", "nokey", "v", "XX", "GET");
    cr_assert_null(entry("nokey"));
    EXPECT(NIL, "set", "k2", "v", "GET");
    EXPECT("$1\r\nv\r\n", "set", "k2", "w", "GET", "GET");
    EXPECT("$1\r\nw\r\n", "get", "k2");
}

Test(t_string, wrongtype) {
    make_hash("l");
    EXPECT(WRONGTYPE, "get", "l");
    EXPECT(WRONGTYPE, "set", "l", "v", "GET");
    cr_assert(is_hash("l"), "SET GET must not change a non-string");
    cr_assert_eq(last_dirty, 0);
    EXPECT(WRONGTYPE, "getset", "l", "v");
    EXPECT(WRONGTYPE, "getdel", "l");
    EXPECT(WRONGTYPE, "getex", "l");
    EXPECT(WRONGTYPE, "getex", "l", "EX", "0");
    EXPECT(SYNTAX, "getex", "l", "foo");
    EXPECT(WRONGTYPE, "append", "l", "x");
    EXPECT(WRONGTYPE, "strlen", "l");
    EXPECT(WRONGTYPE, "incr", "l");
    EXPECT(WRONGTYPE, "decrby", "l", "5");
    EXPECT(NOT_INT, "incrby", "l", "abc");
    EXPECT("-ERR decrement would overflow\r\n", "decrby", "l",
           "-9223372036854775808");
    EXPECT(WRONGTYPE, "incrbyfloat", "l", "abc");
    EXPECT(WRONGTYPE, "getrange", "l", "0", "1");
    EXPECT(NOT_INT, "getrange", "l", "a", "1");
    EXPECT(WRONGTYPE, "setrange", "l", "0", "");
    EXPECT(WRONGTYPE, "setrange", "l", "0", "a");
    EXPECT("-ERR offset is out of range\r\n", "setrange", "l", "-1", "");
    EXPECT(":0\r\n", "setnx", "l", "v");
    EXPECT(":0\r\n", "msetnx", "l", "a");
    cr_assert(is_hash("l"));
    /* plain SET replaces any type */
    EXPECT(OK, "set", "l", "v");
    cr_assert(!is_hash("l"));
    EXPECT("$1\r\nv\r\n", "get", "l");
    make_hash("l2");
    EXPECT(OK, "setex", "l2", "10", "v");
    cr_assert(!is_hash("l2"));
    make_hash("l3");
    EXPECT(OK, "mset", "l3", "v");
    cr_assert(!is_hash("l3"));
}

/* ---- SETNX / SETEX / PSETEX / GETSET / GETDEL ---- */

Test(t_string, setnx) {
    EXPECT(":1\r\n", "setnx", "k", "v");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":0\r\n", "setnx", "k", "w");
    cr_assert_eq(last_dirty, 0);
    EXPECT("$1\r\nv\r\n", "get", "k");
}

Test(t_string, setex_psetex) {
    EXPECT("-ERR invalid expire time in 'setex' command\r\n", "setex", "k",
           "0", "v");
    EXPECT("-ERR invalid expire time in 'setex' command\r\n", "setex", "k",
           "-1", "v");
    EXPECT("-ERR invalid expire time in 'setex' command\r\n", "setex", "k",
           "9223372036854775", "v");
    EXPECT(NOT_INT, "setex", "k", "abc", "v");
    EXPECT("-ERR invalid expire time in 'psetex' command\r\n", "psetex", "k",
           "0", "v");
    EXPECT("-ERR invalid expire time in 'psetex' command\r\n", "psetex", "k",
           "9223372036854775807", "v");
    cr_assert_null(entry("k"));
    EXPECT(OK, "setex", "k", "10", "v");
    cr_assert_eq(expire_of("k"), NOW + 10000);
    EXPECT("$1\r\nv\r\n", "get", "k");
    EXPECT(OK, "psetex", "p", "1000", "w");
    cr_assert_eq(expire_of("p"), NOW + 1000);
    EXPECT("-ERR wrong number of arguments for 'setex' command\r\n", "setex",
           "k", "10");
}

Test(t_string, getset) {
    EXPECT(NIL, "getset", "k", "new");
    EXPECT("$3\r\nnew\r\n", "get", "k");
    EXPECT(OK, "set", "k", "v1", "EX", "100");
    EXPECT("$2\r\nv1\r\n", "getset", "k", "z");
    cr_assert_eq(last_dirty, 1);
    cr_assert_eq(expire_of("k"), MR_NO_EXPIRE, "GETSET clears the TTL");
}

Test(t_string, getdel) {
    EXPECT(OK, "set", "k", "z");
    EXPECT("$1\r\nz\r\n", "getdel", "k");
    cr_assert_eq(last_dirty, 1);
    cr_assert_null(entry("k"));
    EXPECT(NIL, "getdel", "k");
    cr_assert_eq(last_dirty, 0);
}

/* ---- GETEX ---- */

Test(t_string, getex_options) {
    EXPECT(NIL, "getex", "nokey");
    /* a missing key answers nil before the expire value is checked */
    EXPECT(NIL, "getex", "nokey", "EX", "0");
    EXPECT(SYNTAX, "getex", "nokey", "foo");
    EXPECT(SYNTAX, "getex", "nokey", "EX");
    EXPECT(OK, "set", "k", "v");
    EXPECT("-ERR invalid expire time in 'getex' command\r\n", "getex", "k",
           "EX", "0");
    EXPECT("-ERR invalid expire time in 'getex' command\r\n", "getex", "k",
           "PX", "-5");
    EXPECT("-ERR invalid expire time in 'getex' command\r\n", "getex", "k",
           "EXAT", "9223372036854776");
    EXPECT("-ERR invalid expire time in 'getex' command\r\n", "getex", "k",
           "EX", "9223372036854775");
    EXPECT(NOT_INT, "getex", "k", "EX", "abc");
    EXPECT(SYNTAX, "getex", "k", "NX");
    EXPECT(SYNTAX, "getex", "k", "XX");
    EXPECT(SYNTAX, "getex", "k", "KEEPTTL");
    EXPECT(SYNTAX, "getex", "k", "GET");
    EXPECT(SYNTAX, "getex", "k", "EX", "100", "PERSIST");
    EXPECT(SYNTAX, "getex", "k", "PERSIST", "EX", "100");
    EXPECT(SYNTAX, "getex", "k", "EX", "100", "PX", "100");
    cr_assert_eq(expire_of("k"), MR_NO_EXPIRE);
    EXPECT("$1\r\nv\r\n", "getex", "k", "PERSIST", "PERSIST");
    cr_assert_eq(last_dirty, 0, "PERSIST on a key without TTL changes nothing");
}

Test(t_string, getex_ttl_changes) {
    EXPECT(OK, "set", "k", "v");
    EXPECT("$1\r\nv\r\n", "getex", "k", "EX", "100");
    cr_assert_eq(last_dirty, 1);
    cr_assert_eq(expire_of("k"), NOW + 100000);
    EXPECT("$1\r\nv\r\n", "getex", "k");
    cr_assert_eq(last_dirty, 0);
    cr_assert_eq(expire_of("k"), NOW + 100000);
    EXPECT("$1\r\nv\r\n", "getex", "k", "px", "500");
    cr_assert_eq(expire_of("k"), NOW + 500);
    EXPECT("$1\r\nv\r\n", "getex", "k", "EXAT", "1800000000");
    cr_assert_eq(expire_of("k"), 1800000000000LL);
    EXPECT("$1\r\nv\r\n", "getex", "k", "PXAT", "1800000000001");
    cr_assert_eq(expire_of("k"), 1800000000001LL);
    EXPECT("$1\r\nv\r\n", "getex", "k", "persist");
    cr_assert_eq(last_dirty, 1);
    cr_assert_eq(expire_of("k"), MR_NO_EXPIRE);
}

Test(t_string, getex_past_absolute_deletes) {
    EXPECT(OK, "set", "k", "v");
    EXPECT("$1\r\nv\r\n", "getex", "k", "PXAT", "1");
    cr_assert_eq(last_dirty, 1);
    cr_assert_null(entry("k"));
    EXPECT(OK, "set", "k", "v");
    /* "now" itself counts as already expired */
    char at[32];
    snprintf(at, sizeof at, "%lld", (long long)NOW);
    EXPECT("$1\r\nv\r\n", "getex", "k", "PXAT", at);
    cr_assert_null(entry("k"));
}

/* ---- MGET / MSET / MSETNX ---- */

Test(t_string, mget) {
    EXPECT(OK, "mset", "k1", "v1", "k2", "v2");
    make_hash("l");
    EXPECT("*4\r\n$2\r\nv1\r\n$2\r\nv2\r\n$-1\r\n$-1\r\n", "mget", "k1", "k2",
           "l", "nokey");
    EXPECT("*1\r\n$-1\r\n", "mget", "nokey");
    EXPECT("-ERR wrong number of arguments for 'mget' command\r\n", "mget");
}

Test(t_string, mset) {
    EXPECT("-ERR wrong number of arguments for 'mset' command\r\n", "mset",
           "k1");
    EXPECT("-ERR wrong number of arguments for 'mset' command\r\n", "mset",
           "k1", "v1", "k2");
    cr_assert_null(entry("k1"));
    EXPECT(OK, "set", "t", "old", "EX", "100");
    EXPECT(OK, "mset", "k1", "v1", "k2", "v2", "t", "new");
    cr_assert_eq(last_dirty, 3);
    cr_assert_eq(expire_of("t"), MR_NO_EXPIRE, "MSET clears the TTL");
    EXPECT("*3\r\n$2\r\nv1\r\n$2\r\nv2\r\n$3\r\nnew\r\n", "mget", "k1", "k2",
           "t");
    EXPECT(OK, "mset", "d", "v", "d", "w");
    EXPECT("$1\r\nw\r\n", "get", "d");
}

Test(t_string, msetnx_all_or_nothing) {
    EXPECT(OK, "set", "k1", "v1");
    EXPECT(":0\r\n", "msetnx", "k3", "v3", "k1", "x");
    cr_assert_eq(last_dirty, 0);
    cr_assert_null(entry("k3"));
    EXPECT("$2\r\nv1\r\n", "get", "k1");
    EXPECT(":1\r\n", "msetnx", "k3", "v3", "k4", "v4");
    cr_assert_eq(last_dirty, 2);
    EXPECT("*2\r\n$2\r\nv3\r\n$2\r\nv4\r\n", "mget", "k3", "k4");
    /* a key repeated in the same call: the last value wins */
    EXPECT(":1\r\n", "msetnx", "k5", "a", "k5", "b");
    EXPECT("$1\r\nb\r\n", "get", "k5");
    EXPECT("-ERR wrong number of arguments for 'msetnx' command\r\n",
           "msetnx", "k6", "a", "k6");
    /* an expired key counts as absent */
    EXPECT(OK, "set", "e", "v", "PX", "10");
    now += 10;
    EXPECT(":1\r\n", "msetnx", "e", "w");
}

/* ---- APPEND / STRLEN ---- */

Test(t_string, append_and_strlen) {
    EXPECT(":0\r\n", "strlen", "a");
    EXPECT(":0\r\n", "append", "a", "");
    cr_assert_not_null(entry("a"), "APPEND of an empty value creates the key");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":3\r\n", "append", "a", "foo");
    EXPECT(":6\r\n", "append", "a", "bar");
    EXPECT("$6\r\nfoobar\r\n", "get", "a");
    EXPECT(":6\r\n", "strlen", "a");
    EXPECT(":6\r\n", "append", "a", "");
    EXPECT(OK, "set", "t", "5", "EX", "100");
    EXPECT(":2\r\n", "append", "t", "6");
    cr_assert_eq(expire_of("t"), NOW + 100000, "APPEND keeps the TTL");
    EXPECT("$2\r\n56\r\n", "get", "t");
}

Test(t_string, append_size_limit) {
    mr_config_set_many((mr_str_t[]){{"proto-max-bulk-len", 18}, {"1048576", 7}},
                       2, (char[128]){0}, 128);
    EXPECT(":1048575\r\n", "setrange", "big", "1048574", "x");
    EXPECT(":1048576\r\n", "append", "big", "y");
    EXPECT("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
           "append", "big", "z");
    EXPECT(":1048576\r\n", "strlen", "big");
}

/* ---- INCR family ---- */

Test(t_string, incr_decr) {
    EXPECT(":1\r\n", "incr", "n");
    cr_assert_eq(last_dirty, 1);
    EXPECT(":0\r\n", "decr", "n");
    EXPECT(":-1\r\n", "decr", "n");
    EXPECT(":9\r\n", "incrby", "n", "10");
    EXPECT(":4\r\n", "decrby", "n", "5");
    EXPECT("$1\r\n4\r\n", "get", "n");
    EXPECT(":-5\r\n", "decrby", "m", "5");
    EXPECT(OK, "set", "e", "5", "EX", "100");
    EXPECT(":6\r\n", "incr", "e");
    cr_assert_eq(expire_of("e"), NOW + 100000, "INCR keeps the TTL");
    EXPECT(OK, "set", "w", "123456789");
    EXPECT(":124\r\n", "incrby", "w", "-123456665");
    EXPECT("$3\r\n124\r\n", "get", "w");
}

Test(t_string, incr_bad_values) {
    const char *vals[] = {"abc", "1.0", "01", "-0", "00", "+1", " 1", "1 ",
                          "", "12345678901234567890"};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        EXPECT(OK, "set", "s", vals[i]);
        EXPECT(NOT_INT, "incr", "s");
        cr_assert_eq(last_dirty, 0);
    }
    EXPECT(NOT_INT, "incrby", "s", "abc");
    EXPECT(NOT_INT, "incrby", "nokey", "9223372036854775808");
    cr_assert_null(entry("nokey"));
}

Test(t_string, incr_overflow) {
    const char *ovf = "-ERR increment or decrement would overflow\r\n";
    EXPECT(OK, "set", "n", "9223372036854775807");
    EXPECT(ovf, "incr", "n");
    EXPECT(ovf, "incrby", "n", "1");
    EXPECT(OK, "set", "n", "-9223372036854775808");
    EXPECT(ovf, "decr", "n");
    EXPECT(ovf, "incrby", "n", "-1");
    EXPECT("$20\r\n-9223372036854775808\r\n", "get", "n");
    EXPECT(OK, "set", "n", "5");
    EXPECT("-ERR decrement would overflow\r\n", "decrby", "n",
           "-9223372036854775808");
    EXPECT("-ERR decrement would overflow\r\n", "decrby", "nokey",
           "-9223372036854775808");
    cr_assert_null(entry("nokey"));
    EXPECT(":-9223372036854775802\r\n", "decrby", "n", "9223372036854775807");
    EXPECT(":5\r\n", "incrby", "n", "9223372036854775807");
    EXPECT(":-9223372036854775808\r\n", "incrby", "min",
           "-9223372036854775808");
}

Test(t_string, incrbyfloat) {
    EXPECT("$3\r\n1.5\r\n", "incrbyfloat", "f", "1.5");
    cr_assert_eq(last_dirty, 1);
    EXPECT("$3\r\n1.6\r\n", "incrbyfloat", "f", "0.1");
    EXPECT(NOT_FLOAT, "incrbyfloat", "f", "abc");
    EXPECT(NOT_FLOAT, "incrbyfloat", "f", "nan");
    EXPECT(NOT_FLOAT, "incrbyfloat", "f", "");
    EXPECT(NOT_FLOAT, "incrbyfloat", "f", "1e");
    EXPECT("-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat",
           "f", "inf");
    EXPECT("-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat",
           "f", "-inf");
    EXPECT("-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat",
           "x", "infinity");
    cr_assert_null(entry("x"));
    EXPECT("$3\r\n1.6\r\n", "get", "f");
    EXPECT(OK, "set", "f", "1e3");
    EXPECT("$4\r\n1000\r\n", "incrbyfloat", "f", "0");
    EXPECT(OK, "set", "f", "3");
    EXPECT("$1\r\n0\r\n", "incrbyfloat", "f", "-3");
    EXPECT("$1\r\n0\r\n", "incrbyfloat", "f", "-0.0");
    EXPECT("$4\r\n5000\r\n", "incrbyfloat", "f", "5.0e3");
    EXPECT("$4\r\n5016\r\n", "incrbyfloat", "f", "0x10");
    EXPECT(OK, "set", "f", "10.5");
    EXPECT("$4\r\n10.6\r\n", "incrbyfloat", "f", "0.1");
    EXPECT(OK, "set", "f", "inf");
    EXPECT("-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat",
           "f", "1");
    EXPECT(OK, "set", "f", "abc");
    EXPECT(NOT_FLOAT, "incrbyfloat", "f", "1");
    EXPECT("$19\r\n1.23456789012345679\r\n", "incrbyfloat", "g",
           "1.23456789012345678901");
    EXPECT("$1\r\n0\r\n", "incrbyfloat", "h", "1e-20");
    EXPECT("$4\r\n-1.5\r\n", "incrbyfloat", "i", "-1.5");
    EXPECT("$31\r\n1000000000000000000024696061952\r\n", "incrbyfloat", "j",
           "1e30");
    EXPECT("$3\r\n0.5\r\n", "incrbyfloat", "k", ".5");
    EXPECT("$1\r\n5\r\n", "incrbyfloat", "k2", "5.");
    EXPECT(OK, "set", "e", "5", "EX", "100");
    EXPECT("$1\r\n6\r\n", "incrbyfloat", "e", "1");
    cr_assert_eq(expire_of("e"), NOW + 100000, "INCRBYFLOAT keeps the TTL");
}

Test(t_string, incrbyfloat_huge) {
    run("incrbyfloat", "f", "1e4000", NULL);
    cr_assert(out.len == 4000 + 9 && memcmp(out.data, "$4000\r\n9999", 11) == 0,
              "got %.20s", out.data);
    run("get", "f", NULL);
    cr_assert_eq(out.len, 4000 + 9);
}

/* ---- GETRANGE / SETRANGE ---- */

Test(t_string, getrange) {
    EXPECT(OK, "set", "s", "hello");
    EXPECT("$5\r\nhello\r\n", "getrange", "s", "0", "-1");
    EXPECT("$1\r\nh\r\n", "getrange", "s", "0", "-100"); /* 7.0 quirk */
    EXPECT("$1\r\nh\r\n", "getrange", "s", "0", "-5");
    EXPECT("$1\r\nh\r\n", "getrange", "s", "0", "-6");
    EXPECT("$0\r\n\r\n", "getrange", "s", "2", "-6");
    EXPECT("$0\r\n\r\n", "getrange", "s", "-1", "-5");
    EXPECT("$5\r\nhello\r\n", "getrange", "s", "-100", "-1");
    EXPECT("$0\r\n\r\n", "getrange", "s", "-100", "-200");
    EXPECT("$0\r\n\r\n", "getrange", "s", "3", "1");
    EXPECT("$0\r\n\r\n", "getrange", "s", "10", "20");
    EXPECT("$0\r\n\r\n", "getrange", "s", "5", "5");
    EXPECT("$1\r\no\r\n", "getrange", "s", "4", "100");
    EXPECT("$3\r\nell\r\n", "getrange", "s", "1", "-2");
    EXPECT("$1\r\nl\r\n", "getrange", "s", "-3", "-3");
    EXPECT("$5\r\nhello\r\n", "getrange", "s", "-9223372036854775808",
           "9223372036854775807");
    EXPECT(NOT_INT, "getrange", "s", "a", "1");
    EXPECT(NOT_INT, "getrange", "s", "0", "b");
    EXPECT("$0\r\n\r\n", "getrange", "nokey", "0", "-1");
    EXPECT(NOT_INT, "getrange", "nokey", "a", "1");
    EXPECT("$2\r\nel\r\n", "substr", "s", "1", "2");
    EXPECT(OK, "set", "e", "");
    EXPECT("$0\r\n\r\n", "getrange", "e", "0", "-1");
    EXPECT("$0\r\n\r\n", "getrange", "e", "0", "0");
    EXPECT(OK, "set", "n", "12345");
    EXPECT("$2\r\n23\r\n", "getrange", "n", "1", "2");
}

Test(t_string, setrange) {
    EXPECT(":0\r\n", "setrange", "e2", "0", "");
    cr_assert_null(entry("e2"), "empty SETRANGE creates no key");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":0\r\n", "setrange", "e2", "5", "");
    EXPECT("-ERR offset is out of range\r\n", "setrange", "e2", "-1", "");
    EXPECT("-ERR offset is out of range\r\n", "setrange", "e2", "-1", "a");
    EXPECT(NOT_INT, "setrange", "e2", "a", "a");
    EXPECT(NOT_INT, "setrange", "e2", "9223372036854775808", "a");
    EXPECT(OK, "set", "s", "hello");
    EXPECT(":5\r\n", "setrange", "s", "999999999", "");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":5\r\n", "setrange", "s", "1", "a");
    cr_assert_eq(last_dirty, 1);
    EXPECT("$5\r\nhallo\r\n", "get", "s");
    EXPECT(":9\r\n", "setrange", "s", "7", "xy");
    run("get", "s", NULL);
    cr_assert(out.len == 15 &&
                  memcmp(out.data, "$9\r\nhallo\0\0xy\r\n", 15) == 0,
              "got %s", show());
    EXPECT(":6\r\n", "setrange", "new", "3", "abc");
    run("get", "new", NULL);
    cr_assert(out.len == 12 && memcmp(out.data, "$6\r\n\0\0\0abc\r\n", 12) == 0,
              "got %s", show());
    EXPECT(OK, "set", "t", "5", "EX", "100");
    EXPECT(":1\r\n", "setrange", "t", "0", "6");
    cr_assert_eq(expire_of("t"), NOW + 100000, "SETRANGE keeps the TTL");
    EXPECT("$1\r\n6\r\n", "get", "t");
}

Test(t_string, setrange_size_limit) {
    const char *big =
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    /* rejected before anything is allocated: 512MB + 1 */
    EXPECT(big, "setrange", "k", "536870912", "a");
    EXPECT(big, "setrange", "k", "536870911", "ab");
    EXPECT(big, "setrange", "k", "9223372036854775807", "a");
    cr_assert_null(entry("k"));
    EXPECT(OK, "set", "s", "hello");
    EXPECT(big, "setrange", "s", "536870912", "a");
    EXPECT(big, "setrange", "s", "9223372036854775807", "a");
    EXPECT("$5\r\nhello\r\n", "get", "s");
}

Test(t_string, setrange_at_max_size) {
    /* exactly proto-max-bulk-len is allowed */
    EXPECT(":536870912\r\n", "setrange", "k", "536870911", "a");
    EXPECT(":536870912\r\n", "strlen", "k");
    EXPECT("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
           "append", "k", "b");
    EXPECT("$1\r\na\r\n", "getrange", "k", "-1", "-1");
}
