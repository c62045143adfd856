/* List commands, run in-process through mr_dispatch (which locks the keys'
 * shards and calls the handler), on lists of one node and, with a small
 * list-max-listpack-size, of many; plus the t_list.h primitives the
 * blocking commands use, and how the rest of the keyspace treats lists.
 * Every fixed expected reply below was observed on a real redis-server
 * 7.0.15. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/store.h"
#include "mr/util.h"
#include "types/quicklist.h"
#include "types/t_list.h"

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

TestSuite(t_list, .init = setup, .fini = teardown);

static const char *run_argv(int argc, mr_str_t *argv) {
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.db = 0;
    call.now_ms = now;
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1);
    out.len--;
    return out.data;
}

static const char *run(const char *a0, ...) {
    mr_str_t argv[700];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && argc < 700; a = va_arg(ap, const char *))
        argv[argc++] = (mr_str_t){a, strlen(a)};
    va_end(ap);
    return run_argv(argc, argv);
}

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
#define POSITIVE "-ERR value is out of range, must be positive\r\n"
#define NIL "$-1\r\n"
#define NIL_ARRAY "*-1\r\n"
#define OK "+OK\r\n"
#define EMPTY "*0\r\n"

static mr_entry_t *entry(const char *key) {
    return mr_db_lookup_write_locked(0, key, strlen(key), now);
}

static mr_ql_t *ql(const char *key) {
    mr_entry_t *e = entry(key);
    cr_assert_not_null(e, "key %s missing", key);
    cr_assert_eq(mr_entry_type(e), MR_T_LIST);
    cr_assert_eq(mr_entry_enc(e), MR_ENC_QUICKLIST);
    cr_assert(mr_ql_check(mr_entry_obj(e)));
    return mr_entry_obj(e);
}

static void set_cfg(const char *name, const char *val) {
    char err[256];
    mr_str_t a[2] = {{name, strlen(name)}, {val, strlen(val)}};
    cr_assert(mr_config_set_many(a, 2, err, sizeof err), "%s", err);
}

/* RPUSHes "0".."n-1" to key. */
static void fill(const char *key, int n) {
    for (int i = 0; i < n; i++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        run("rpush", key, v, NULL);
    }
}

/* The reply an array of the given bulk strings would be. */
static const char *bulk_array(int n, const char *const *v) {
    static char buf[1 << 16];
    size_t o = (size_t)snprintf(buf, sizeof buf, "*%d\r\n", n);
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "$%zu\r\n%s\r\n",
                              strlen(v[i]), v[i]);
    return buf;
}
#define ARR(...)                                                            \
    bulk_array((int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)), \
               (const char *[]){__VA_ARGS__})

/* ---- push / pop ---- */

Test(t_list, push_and_range) {
    EXPECT(":3\r\n", "rpush", "l", "a", "b", "c");
    cr_assert_eq(last_dirty, 3);
    EXPECT(":5\r\n", "lpush", "l", "y", "x");
    EXPECT(ARR("x", "y", "a", "b", "c"), "lrange", "l", "0", "-1");
    EXPECT(":5\r\n", "llen", "l");
    EXPECT(":0\r\n", "llen", "nokey");
    EXPECT("+list\r\n", "type", "l");
    EXPECT("$9\r\nquicklist\r\n", "object", "encoding", "l");
    EXPECT("-ERR wrong number of arguments for 'lpush' command\r\n", "lpush",
           "l");
    cr_assert_eq(ql("l")->fill, -2);
}

Test(t_list, pushx_only_existing) {
    EXPECT(":0\r\n", "lpushx", "l", "a");
    cr_assert_eq(last_dirty, 0);
    EXPECT(":0\r\n", "rpushx", "l", "a", "b");
    cr_assert_null(entry("l"));
    EXPECT(":1\r\n", "rpush", "l", "m");
    EXPECT(":3\r\n", "lpushx", "l", "b", "a");
    EXPECT(":4\r\n", "rpushx", "l", "z");
    EXPECT(ARR("a", "b", "m", "z"), "lrange", "l", "0", "-1");
}

Test(t_list, pop_without_and_with_count) {
    EXPECT(":5\r\n", "rpush", "l", "a", "b", "c", "d", "e");
    EXPECT("$1\r\na\r\n", "lpop", "l");
    EXPECT("$1\r\ne\r\n", "rpop", "l");
    EXPECT(EMPTY, "lpop", "l", "0");
    cr_assert_eq(last_dirty, 0);
    EXPECT(ARR("b", "c"), "lpop", "l", "2");
    cr_assert_eq(last_dirty, 2);
    EXPECT(ARR("d"), "rpop", "l", "9223372036854775807");
    cr_assert_null(entry("l")); /* emptied: deleted */
    EXPECT(NIL, "lpop", "l");
    EXPECT(NIL_ARRAY, "lpop", "l", "0");
    EXPECT(NIL_ARRAY, "rpop", "l", "1");
    EXPECT(POSITIVE, "lpop", "l", "-1");
    EXPECT(POSITIVE, "lpop", "l", "x");
    EXPECT("-ERR wrong number of arguments for 'lpop' command\r\n", "lpop",
           "l", "1", "2");
}

Test(t_list, resp3_nulls) {
    reply.resp = 3;
    EXPECT("_\r\n", "lpop", "nokey");
    EXPECT("_\r\n", "lpop", "nokey", "0");
    EXPECT("_\r\n", "rpop", "nokey", "3");
    EXPECT("_\r\n", "lindex", "nokey", "0");
    EXPECT("_\r\n", "lmove", "nokey", "d", "left", "right");
    EXPECT("_\r\n", "rpoplpush", "nokey", "d");
    EXPECT("_\r\n", "lmpop", "1", "nokey", "left");
    EXPECT("_\r\n", "lpos", "nokey", "a");
    EXPECT(EMPTY, "lpos", "nokey", "a", "count", "1");
    EXPECT(":1\r\n", "rpush", "l", "a");
    EXPECT(EMPTY, "lpop", "l", "0");
    EXPECT("_\r\n", "lindex", "l", "5");
    EXPECT("*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n", "lmpop", "1", "l", "right",
           "count", "5");
}

Test(t_list, integers_and_binary_round_trip) {
    const char *vals[] = {"0", "-1", "127", "128", "-9223372036854775808",
                          "9223372036854775807", "01", "+1", "1.5", "",
                          " 1"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        run("rpush", "l", vals[i], NULL);
    EXPECT(bulk_array(11, vals), "lrange", "l", "0", "-1");
    mr_str_t a[3] = {{"rpush", 5}, {"b", 1}, {"x\0\r\ny", 5}};
    run_argv(3, a);
    run("lindex", "b", "0", NULL);
    cr_assert(out.len == 11 && memcmp(out.data, "$5\r\nx\0\r\ny\r\n", 11) == 0,
              "%s", show());
    EXPECT(":0\r\n", "lpos", "l", "0");
    EXPECT(":6\r\n", "lpos", "l", "01");
    EXPECT(NIL, "lpos", "l", "00");
}

/* ---- reads ---- */

Test(t_list, lrange_clamping) {
    fill("l", 5);
    EXPECT(ARR("0", "1", "2", "3", "4"), "lrange", "l", "-100", "100");
    EXPECT(ARR("3", "4"), "lrange", "l", "-2", "-1");
    EXPECT(EMPTY, "lrange", "l", "3", "1");
    EXPECT(EMPTY, "lrange", "l", "5", "10");
    EXPECT(EMPTY, "lrange", "l", "-1", "-2");
    EXPECT(ARR("0", "1", "2", "3", "4"), "lrange", "l",
           "-9223372036854775808", "9223372036854775807");
    EXPECT(EMPTY, "lrange", "l", "9223372036854775807",
           "-9223372036854775808");
    EXPECT(EMPTY, "lrange", "nokey", "0", "-1");
    EXPECT(NOT_INT, "lrange", "l", "x", "1");
    EXPECT(NOT_INT, "lrange", "l", "0", "1.0");
    EXPECT(NOT_INT, "lrange", "nokey", "x", "1"); /* parsed before lookup */
}

Test(t_list, lindex_and_lset) {
    fill("l", 5);
    EXPECT("$1\r\n4\r\n", "lindex", "l", "-1");
    EXPECT("$1\r\n0\r\n", "lindex", "l", "-5");
    EXPECT(NIL, "lindex", "l", "5");
    EXPECT(NIL, "lindex", "l", "-6");
    EXPECT(NIL, "lindex", "l", "-9223372036854775808");
    EXPECT(NOT_INT, "lindex", "l", "x");
    EXPECT(NIL, "lindex", "nokey", "x"); /* looked up before parsing */
    EXPECT(OK, "lset", "l", "0", "zero");
    cr_assert_eq(last_dirty, 1);
    EXPECT(OK, "lset", "l", "-1", "four");
    EXPECT(ARR("zero", "1", "2", "3", "four"), "lrange", "l", "0", "-1");
    EXPECT("-ERR index out of range\r\n", "lset", "l", "5", "z");
    EXPECT("-ERR index out of range\r\n", "lset", "l", "-6", "z");
    EXPECT("-ERR no such key\r\n", "lset", "nokey", "0", "z");
    EXPECT("-ERR no such key\r\n", "lset", "nokey", "x", "z");
    EXPECT(NOT_INT, "lset", "l", "x", "z");
}

Test(t_list, linsert) {
    EXPECT(":4\r\n", "rpush", "l", "a", "b", "c", "a");
    EXPECT(":5\r\n", "linsert", "l", "before", "a", "X");
    EXPECT(":6\r\n", "linsert", "l", "AFTER", "a", "Y");
    EXPECT(":-1\r\n", "linsert", "l", "after", "zz", "Y");
    cr_assert_eq(last_dirty, 0);
    EXPECT(ARR("X", "a", "Y", "b", "c", "a"), "lrange", "l", "0", "-1");
    EXPECT(SYNTAX, "linsert", "l", "middle", "a", "Y");
    EXPECT(SYNTAX, "linsert", "nokey", "middle", "a", "Y");
    EXPECT(":0\r\n", "linsert", "nokey", "before", "a", "X");
    cr_assert_null(entry("nokey"));
}

Test(t_list, lrem_directions) {
    EXPECT(":8\r\n", "rpush", "l", "a", "x", "a", "y", "a", "z", "a", "a");
    EXPECT(":2\r\n", "lrem", "l", "2", "a");
    EXPECT(ARR("x", "y", "a", "z", "a", "a"), "lrange", "l", "0", "-1");
    EXPECT(":2\r\n", "lrem", "l", "-2", "a");
    EXPECT(ARR("x", "y", "a", "z"), "lrange", "l", "0", "-1");
    EXPECT(":1\r\n", "lrem", "l", "-9223372036854775808", "a");
    EXPECT(":0\r\n", "lrem", "l", "0", "a");
    EXPECT(":1\r\n", "lrem", "l", "0", "x");
    EXPECT(ARR("y", "z"), "lrange", "l", "0", "-1");
}

Test(t_list, lrem_all_deletes_key) {
    EXPECT(":3\r\n", "rpush", "l", "a", "a", "a");
    EXPECT(":3\r\n", "lrem", "l", "0", "a");
    cr_assert_eq(last_dirty, 3);
    cr_assert_null(entry("l"));
    EXPECT(":0\r\n", "lrem", "nokey", "0", "a");
    EXPECT(NOT_INT, "lrem", "nokey", "x", "a");
}

Test(t_list, ltrim) {
    fill("l", 6);
    EXPECT(OK, "ltrim", "l", "1", "-2");
    cr_assert_eq(last_dirty, 2);
    EXPECT(ARR("1", "2", "3", "4"), "lrange", "l", "0", "-1");
    EXPECT(OK, "ltrim", "l", "-100", "100");
    cr_assert_eq(last_dirty, 0);
    EXPECT(ARR("1", "2", "3", "4"), "lrange", "l", "0", "-1");
    EXPECT(OK, "ltrim", "l", "5", "1");
    cr_assert_null(entry("l"));
    EXPECT(OK, "ltrim", "nokey", "0", "1");
    EXPECT(NOT_INT, "ltrim", "nokey", "x", "1");
    fill("l", 3);
    EXPECT(OK, "ltrim", "l", "0", "-9223372036854775808");
    cr_assert_null(entry("l"));
}

/* ---- LPOS ---- */

Test(t_list, lpos_rank_count_maxlen) {
    EXPECT(":7\r\n", "rpush", "l", "a", "b", "c", "a", "b", "c", "a");
    EXPECT(":0\r\n", "lpos", "l", "a");
    EXPECT(":3\r\n", "lpos", "l", "a", "rank", "2");
    EXPECT(":6\r\n", "lpos", "l", "a", "rank", "-1");
    EXPECT("*2\r\n:3\r\n:0\r\n", "lpos", "l", "a", "rank", "-2", "count",
           "0");
    EXPECT("*3\r\n:0\r\n:3\r\n:6\r\n", "lpos", "l", "a", "count", "0");
    EXPECT("*2\r\n:0\r\n:3\r\n", "lpos", "l", "a", "count", "2", "maxlen",
           "4");
    EXPECT("*1\r\n:0\r\n", "lpos", "l", "a", "maxlen", "3", "count", "0");
    EXPECT(":6\r\n", "lpos", "l", "a", "maxlen", "1", "rank", "-1");
    EXPECT(NIL, "lpos", "l", "a", "maxlen", "1", "rank", "2");
    EXPECT(":0\r\n", "lpos", "l", "a", "maxlen", "0");
    EXPECT("*1\r\n:6\r\n", "lpos", "l", "a", "rank", "3", "count", "5");
    EXPECT("*1\r\n:0\r\n", "lpos", "l", "a", "rank", "-3", "count", "1");
    EXPECT(EMPTY, "lpos", "l", "a", "rank", "100", "count", "0");
    EXPECT(":3\r\n", "lpos", "l", "a", "rank", "1", "rank", "2");
    EXPECT(NIL, "lpos", "l", "z");
    EXPECT(EMPTY, "lpos", "l", "z", "count", "2");
    /* huge numbers allocate nothing */
    EXPECT("*3\r\n:0\r\n:3\r\n:6\r\n", "lpos", "l", "a", "count",
           "9223372036854775807", "rank", "1");
    EXPECT(":0\r\n", "lpos", "l", "a", "maxlen", "9223372036854775807");
    EXPECT(NIL, "lpos", "l", "a", "rank", "9223372036854775807");
    EXPECT(NIL, "lpos", "l", "a", "rank", "-9223372036854775807");
    EXPECT(EMPTY, "lpos", "l", "a", "rank", "-9223372036854775807", "count",
           "1");
}

Test(t_list, lpos_rank_long_min_as_redis_7_0) {
    /* Redis 7.0.15 negates this rank to itself: every match qualifies and
     * COUNT never stops the reply */
    EXPECT(":7\r\n", "rpush", "l", "a", "b", "c", "a", "b", "c", "a");
    EXPECT(":6\r\n", "lpos", "l", "a", "rank", "-9223372036854775808");
    EXPECT("*3\r\n:6\r\n:3\r\n:0\r\n", "lpos", "l", "a", "rank",
           "-9223372036854775808", "count", "1");
    EXPECT("*2\r\n:6\r\n:3\r\n", "lpos", "l", "a", "rank",
           "-9223372036854775808", "count", "2", "maxlen", "5");
}

Test(t_list, lpos_errors_before_lookup) {
    static const char rank0[] =
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 "
        "from the second ... or use negative to start from the end of the "
        "list\r\n";
    run("set", "s", "v", NULL);
    EXPECT(":1\r\n", "rpush", "l", "a");
    EXPECT(rank0, "lpos", "l", "a", "rank", "0");
    EXPECT(rank0, "lpos", "nokey", "a", "rank", "0");
    EXPECT(rank0, "lpos", "s", "a", "rank", "0");
    EXPECT("-ERR COUNT can't be negative\r\n", "lpos", "l", "a", "count",
           "-1");
    EXPECT("-ERR COUNT can't be negative\r\n", "lpos", "l", "a", "count",
           "x");
    EXPECT("-ERR COUNT can't be negative\r\n", "lpos", "l", "a", "count",
           "-9223372036854775808");
    EXPECT("-ERR MAXLEN can't be negative\r\n", "lpos", "l", "a", "maxlen",
           "-1");
    EXPECT("-ERR MAXLEN can't be negative\r\n", "lpos", "l", "a", "maxlen",
           "x");
    EXPECT(NOT_INT, "lpos", "l", "a", "rank", "x");
    EXPECT(SYNTAX, "lpos", "l", "a", "rank");
    EXPECT(SYNTAX, "lpos", "l", "a", "foo", "1");
    EXPECT(WRONGTYPE, "lpos", "s", "a");
    EXPECT(NIL, "lpos", "nokey", "a");
    EXPECT(EMPTY, "lpos", "nokey", "a", "count", "1");
}

/* ---- LMOVE / RPOPLPUSH / LMPOP ---- */

Test(t_list, lmove_between_lists) {
    EXPECT(":3\r\n", "rpush", "l", "a", "b", "c");
    EXPECT("$1\r\na\r\n", "lmove", "l", "d", "left", "right");
    EXPECT("$1\r\nc\r\n", "lmove", "l", "d", "RIGHT", "LEFT");
    EXPECT(ARR("c", "a"), "lrange", "d", "0", "-1");
    EXPECT("$1\r\nb\r\n", "rpoplpush", "l", "d");
    cr_assert_null(entry("l"));
    EXPECT(ARR("b", "c", "a"), "lrange", "d", "0", "-1");
    EXPECT(NIL, "lmove", "l", "d", "left", "left");
    EXPECT(NIL, "rpoplpush", "l", "d");
    EXPECT(SYNTAX, "lmove", "d", "l", "left", "up");
    EXPECT(SYNTAX, "lmove", "nokey", "l", "middle", "left");
}

Test(t_list, lmove_same_key_rotates_and_keeps_ttl) {
    EXPECT(":3\r\n", "rpush", "l", "a", "b", "c");
    EXPECT("$1\r\nc\r\n", "lmove", "l", "l", "right", "left");
    EXPECT(ARR("c", "a", "b"), "lrange", "l", "0", "-1");
    EXPECT("$1\r\nb\r\n", "rpoplpush", "l", "l");
    EXPECT(ARR("b", "c", "a"), "lrange", "l", "0", "-1");
    EXPECT(":1\r\n", "rpush", "one", "x");
    EXPECT(":1\r\n", "expire", "one", "100");
    EXPECT("$1\r\nx\r\n", "lmove", "one", "one", "left", "right");
    EXPECT(":100\r\n", "ttl", "one");
    EXPECT(ARR("x"), "lrange", "one", "0", "-1");
}

Test(t_list, lmove_wrong_types) {
    run("set", "s", "v", NULL);
    EXPECT(":1\r\n", "rpush", "l", "a");
    EXPECT(WRONGTYPE, "lmove", "s", "l", "left", "right");
    EXPECT(WRONGTYPE, "lmove", "l", "s", "left", "right");
    EXPECT(WRONGTYPE, "rpoplpush", "l", "s");
    EXPECT(ARR("a"), "lrange", "l", "0", "-1"); /* nothing moved */
    /* a missing source answers before the destination is looked at */
    EXPECT(NIL, "lmove", "nokey", "s", "left", "right");
}

Test(t_list, lmpop_arguments) {
    static const char numkeys[] = "-ERR numkeys should be greater than 0\r\n";
    static const char count[] = "-ERR count should be greater than 0\r\n";
    EXPECT(":3\r\n", "rpush", "l", "a", "b", "c");
    EXPECT(numkeys, "lmpop", "0", "l", "left");
    EXPECT(numkeys, "lmpop", "-1", "l", "left");
    EXPECT(numkeys, "lmpop", "x", "l", "left");
    EXPECT(SYNTAX, "lmpop", "2", "l", "left");
    EXPECT(SYNTAX, "lmpop", "9223372036854775807", "l", "left");
    EXPECT(SYNTAX, "lmpop", "1", "l", "middle");
    EXPECT(count, "lmpop", "1", "l", "left", "count", "0");
    EXPECT(count, "lmpop", "1", "l", "left", "count", "-1");
    EXPECT(count, "lmpop", "1", "l", "left", "count", "x");
    EXPECT(count, "lmpop", "1", "nokey", "left", "count", "0");
    EXPECT(SYNTAX, "lmpop", "1", "l", "left", "count");
    EXPECT(SYNTAX, "lmpop", "1", "l", "left", "foo", "1");
    EXPECT(SYNTAX, "lmpop", "1", "l", "left", "count", "1", "count", "2");
    EXPECT("-ERR wrong number of arguments for 'lmpop' command\r\n", "lmpop",
           "1", "l");
    EXPECT(ARR("a", "b", "c"), "lrange", "l", "0", "-1");
}

Test(t_list, lmpop_first_non_empty_key) {
    run("set", "s", "v", NULL);
    EXPECT(":3\r\n", "rpush", "l", "a", "b", "c");
    EXPECT("*2\r\n$1\r\nl\r\n*1\r\n$1\r\nc\r\n", "lmpop", "2", "nokey", "l",
           "right");
    cr_assert_eq(last_dirty, 1);
    EXPECT("*2\r\n$1\r\nl\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", "lmpop", "2",
           "nokey", "l", "left", "COUNT", "9223372036854775807");
    cr_assert_null(entry("l"));
    EXPECT(NIL_ARRAY, "lmpop", "2", "nokey", "l", "left");
    EXPECT(WRONGTYPE, "lmpop", "2", "s", "l", "left");
    EXPECT(":1\r\n", "rpush", "l", "z");
    EXPECT(WRONGTYPE, "lmpop", "2", "s", "l", "left"); /* stops at s */
    EXPECT("*2\r\n$1\r\nl\r\n*1\r\n$1\r\nz\r\n", "lmpop", "2", "l", "s",
           "left");
}

Test(t_list, lmpop_getkeys) {
    const mr_cmd_t *cmd = mr_cmd_lookup("lmpop", 5);
    cr_assert_not_null(cmd);
    cr_assert_not_null(cmd->getkeys);
    mr_str_t argv[6] = {{"lmpop", 5}, {"3", 1}, {"a", 1},
                        {"b", 1},     {"c", 1}, {"left", 4}};
    mr_call_t call = {.argv = argv, .argc = 6};
    int idx[2];
    cr_assert_eq(cmd->getkeys(&call, idx, 2), 3); /* more than room */
    cr_assert_eq(idx[0], 2);
    cr_assert_eq(idx[1], 3);
    argv[1] = (mr_str_t){"4", 1}; /* no room for LEFT|RIGHT */
    cr_assert_eq(cmd->getkeys(&call, idx, 2), -1);
    argv[1] = (mr_str_t){"0", 1};
    cr_assert_eq(cmd->getkeys(&call, idx, 2), -1);
}

/* ---- types ---- */

Test(t_list, wrongtype_every_list_command) {
    run("set", "s", "v", NULL);
    run("hset", "h", "f", "v", NULL);
    const char *const keys[] = {"s", "h"};
    for (int k = 0; k < 2; k++) {
        const char *key = keys[k];
        EXPECT(WRONGTYPE, "lpush", key, "a");
        EXPECT(WRONGTYPE, "rpush", key, "a");
        EXPECT(WRONGTYPE, "lpushx", key, "a");
        EXPECT(WRONGTYPE, "rpushx", key, "a");
        EXPECT(WRONGTYPE, "lpop", key);
        EXPECT(WRONGTYPE, "rpop", key, "2");
        EXPECT(WRONGTYPE, "lpop", key, "0");
        EXPECT(WRONGTYPE, "lrange", key, "0", "-1");
        EXPECT(WRONGTYPE, "llen", key);
        EXPECT(WRONGTYPE, "lindex", key, "0");
        EXPECT(WRONGTYPE, "lindex", key, "x");
        EXPECT(WRONGTYPE, "lset", key, "0", "v");
        EXPECT(WRONGTYPE, "linsert", key, "before", "a", "b");
        EXPECT(WRONGTYPE, "lrem", key, "0", "a");
        EXPECT(WRONGTYPE, "ltrim", key, "0", "1");
        EXPECT(WRONGTYPE, "lpos", key, "a");
        EXPECT(WRONGTYPE, "lmove", key, "d", "left", "left");
        EXPECT(WRONGTYPE, "rpoplpush", key, "d");
        EXPECT(WRONGTYPE, "lmpop", "1", key, "left");
    }
    /* argument errors that come first still win */
    EXPECT(POSITIVE, "lpop", "s", "-1");
    EXPECT(NOT_INT, "lrange", "s", "x", "1");
    EXPECT(NOT_INT, "lrem", "s", "x", "a");
    EXPECT(SYNTAX, "linsert", "s", "middle", "a", "b");
    cr_assert_null(entry("d"));
    EXPECT("$1\r\nv\r\n", "get", "s");
}

Test(t_list, other_families_on_a_list) {
    EXPECT(":1\r\n", "rpush", "l", "a");
    EXPECT(WRONGTYPE, "get", "l");
    EXPECT(WRONGTYPE, "append", "l", "x");
    EXPECT(WRONGTYPE, "incr", "l");
    EXPECT(WRONGTYPE, "strlen", "l");
    EXPECT(WRONGTYPE, "hset", "l", "f", "v");
    EXPECT(WRONGTYPE, "hget", "l", "f");
    EXPECT(WRONGTYPE, "sadd", "l", "m");
    EXPECT(WRONGTYPE, "smembers", "l");
    EXPECT("*1\r\n$-1\r\n", "mget", "l");
    EXPECT(ARR("a"), "lrange", "l", "0", "-1");
    EXPECT(OK, "set", "l", "v"); /* SET replaces any type */
    EXPECT("+string\r\n", "type", "l");
}

Test(t_list, keyspace_commands) {
    fill("l", 3);
    EXPECT(":1\r\n", "copy", "l", "c");
    EXPECT(OK, "lset", "l", "0", "changed");
    EXPECT(ARR("0", "1", "2"), "lrange", "c", "0", "-1"); /* deep copy */
    EXPECT(OK, "rename", "c", "r");
    EXPECT(ARR("0", "1", "2"), "lrange", "r", "0", "-1");
    EXPECT(":1\r\n", "move", "r", "1");
    EXPECT(":0\r\n", "exists", "r");
    EXPECT(":1\r\n", "expire", "l", "10");
    EXPECT(":10\r\n", "ttl", "l");
    now += 11000;
    EXPECT(":0\r\n", "llen", "l");
    EXPECT(NIL, "lpop", "l");
    fill("l", 2);
    EXPECT(":1\r\n", "del", "l");
    EXPECT(":0\r\n", "exists", "l");
}

Test(t_list, scan_type_list) {
    fill("l1", 1);
    fill("l2", 2);
    run("set", "s", "v", NULL);
    run("sadd", "set", "m", NULL);
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "scan", "0", "type", "zset");
    run("scan", "0", "type", "list", "count", "1000", NULL);
    cr_assert(strstr(out.data, "$2\r\nl1\r\n") && strstr(out.data, "$2\r\nl2\r\n"),
              "%s", show());
    cr_assert(strstr(out.data, "*2\r\n$1\r\n0\r\n*2\r\n") == out.data, "%s",
              show());
}

/* ---- many nodes ---- */

Test(t_list, many_nodes_every_command) {
    set_cfg("list-max-listpack-size", "3");
    fill("l", 20);
    cr_assert_eq(ql("l")->fill, 3);
    cr_assert_eq(ql("l")->nodes, 7u);
    set_cfg("list-max-listpack-size", "-2"); /* existing lists keep theirs */
    cr_assert_eq(ql("l")->fill, 3);
    EXPECT("$2\r\n17\r\n", "lindex", "l", "-3");
    EXPECT(ARR("5", "6", "7", "8", "9"), "lrange", "l", "5", "9");
    EXPECT(":21\r\n", "linsert", "l", "after", "7", "7b");
    EXPECT(":22\r\n", "linsert", "l", "before", "0", "-");
    EXPECT(OK, "lset", "l", "10", "ten");
    EXPECT(ARR("-", "0", "1", "2", "3", "4", "5", "6", "7", "7b", "ten", "9",
               "10", "11", "12", "13", "14", "15", "16", "17", "18", "19"),
           "lrange", "l", "0", "-1");
    EXPECT("*1\r\n:10\r\n", "lpos", "l", "ten", "count", "0");
    EXPECT(":20\r\n", "lpos", "l", "18");
    EXPECT(OK, "ltrim", "l", "2", "-3");
    EXPECT(":18\r\n", "llen", "l");
    EXPECT(ARR("1", "2", "3"), "lpop", "l", "3");
    EXPECT(ARR("17", "16"), "rpop", "l", "2");
    EXPECT(":1\r\n", "lrem", "l", "0", "ten");
    EXPECT(ARR("4", "5", "6", "7", "7b", "9", "10", "11", "12", "13", "14",
               "15"),
           "lrange", "l", "0", "-1");
    (void)ql("l"); /* invariants */
}

Test(t_list, big_list_pops_and_ranges) {
    char v[200];
    memset(v, 'v', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    for (int i = 0; i < 2000; i++) run("rpush", "big", v, NULL);
    cr_assert_gt(ql("big")->nodes, 40u); /* 8 KiB nodes */
    EXPECT(":2000\r\n", "llen", "big");
    run("lrange", "big", "0", "-1", NULL);
    cr_assert(strncmp(out.data, "*2000\r\n$199\r\n", 13) == 0);
    run("lpop", "big", "1500", NULL);
    cr_assert(strncmp(out.data, "*1500\r\n", 7) == 0);
    EXPECT(":500\r\n", "llen", "big");
    run("rpop", "big", "600", NULL);
    cr_assert(strncmp(out.data, "*500\r\n", 6) == 0);
    cr_assert_null(entry("big"));
}

/* ---- the primitives of t_list.h ---- */

static uint32_t shard(const char *key) {
    return mr_store_shard_of(key, strlen(key));
}

Test(t_list, primitives_pop_push_move) {
    mr_str_t k = {"pl", 2}, d = {"pd", 2}, s = {"ps", 2};
    run("set", "ps", "v", NULL);
    uint32_t ids[3] = {shard("pl"), shard("pd"), shard("ps")};
    /* lock the three shards, ascending and unique */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (ids[j] < ids[i]) {
                uint32_t t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
    int n = 1;
    for (int i = 1; i < 3; i++)
        if (ids[i] != ids[n - 1]) ids[n++] = ids[i];
    mr_store_lock_many(ids, n);
    mr_buf_t got = {0};
    cr_assert_eq(mr_list_pop_locked(0, k, now, MR_LIST_HEAD, &got),
                 MR_LIST_NOKEY);
    cr_assert_eq(mr_list_push_locked(0, k, now, MR_LIST_TAIL,
                                     (mr_str_t){"a", 1}), 1);
    cr_assert_eq(mr_list_push_locked(0, k, now, MR_LIST_HEAD,
                                     (mr_str_t){"123", 3}), 2);
    cr_assert_eq(mr_list_push_locked(0, s, now, MR_LIST_HEAD,
                                     (mr_str_t){"x", 1}), -1);
    cr_assert_eq(mr_list_pop_locked(0, s, now, MR_LIST_HEAD, &got),
                 MR_LIST_WRONGTYPE);
    cr_assert_eq(mr_list_move_locked(0, k, s, MR_LIST_HEAD, MR_LIST_TAIL,
                                     now, &got), MR_LIST_WRONGTYPE);
    cr_assert_eq(mr_list_move_locked(0, k, d, MR_LIST_HEAD, MR_LIST_TAIL,
                                     now, &got), MR_LIST_OK);
    cr_assert(got.len == 3 && memcmp(got.data, "123", 3) == 0);
    cr_assert_eq(mr_list_pop_locked(0, k, now, MR_LIST_TAIL, &got),
                 MR_LIST_OK);
    cr_assert(got.len == 1 && got.data[0] == 'a');
    cr_assert_eq(mr_list_pop_locked(0, k, now, MR_LIST_TAIL, &got),
                 MR_LIST_NOKEY); /* the emptied key was deleted */
    cr_assert_null(mr_db_lookup_write_locked(0, "pl", 2, now));
    cr_assert_eq(mr_list_move_locked(0, k, d, MR_LIST_HEAD, MR_LIST_TAIL,
                                     now, &got), MR_LIST_NOKEY);
    cr_assert_eq(mr_list_move_locked(0, d, d, MR_LIST_HEAD, MR_LIST_TAIL,
                                     now, &got), MR_LIST_OK);
    mr_store_unlock_many(ids, n);
    mr_buf_free(&got);
    EXPECT(ARR("123"), "lrange", "pd", "0", "-1");
}
