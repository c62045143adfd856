/* Sorted set commands, run in-process through mr_dispatch (which locks the
 * keys' shards, through the getkeys hooks for the numkeys commands, and
 * calls the handler), in both encodings and across the listpack ->
 * skiplist conversion. Fixed expected replies were observed on a real
 * redis-server 7.0.15; random replies (ZRANDMEMBER) are checked for their
 * shape and content. A randomized run checks ZADD/ZINCRBY/ZREM/ZPOPMIN/
 * ZREMRANGEBYSCORE against a sorted-array model through the replies of
 * ZRANGE WITHSCORES, ZSCORE, ZRANK and ZCARD. */
#include <criterion/criterion.h>
#include <math.h>
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
#include "types/t_zset.h"

#define NOW 1700000000000LL

static mr_buf_t out;
static mr_reply_t reply;
static long long last_dirty;
static char shown[8192];

static void setup(void) {
    uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_config_defaults();
    mr_store_init(4, 16);
    mr_cmd_table_init();
    reply.out = &out;
    reply.resp = 2;
}

static void teardown(void) {
    mr_store_free();
    mr_buf_free(&out);
}

TestSuite(t_zset, .init = setup, .fini = teardown);

static const char *run_argv(int argc, mr_str_t *argv) {
    out.len = 0;
    mr_call_t call = {0};
    call.argv = argv;
    call.argc = argc;
    call.reply = &reply;
    call.db = 0;
    call.now_ms = NOW;
    mr_dispatch(&call);
    last_dirty = call.dirty;
    mr_buf_append(&out, "", 1);
    out.len--;
    return out.data;
}

#define MAXARGS 400

static const char *run(const char *a0, ...) {
    mr_str_t argv[MAXARGS];
    int argc = 0;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && argc < MAXARGS; a = va_arg(ap, const char *))
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
#define NOT_FLOAT "-ERR value is not a valid float\r\n"
#define NOT_RANGE_FLOAT "-ERR min or max is not a float\r\n"
#define NOT_RANGE_LEX "-ERR min or max not valid string range item\r\n"
#define NIL "$-1\r\n"
#define EMPTY "*0\r\n"
#define OK "+OK\r\n"

static void set_cfg(const char *name, const char *val) {
    char err[256];
    mr_str_t a[2] = {{name, strlen(name)}, {val, strlen(val)}};
    cr_assert(mr_config_set_many(a, 2, err, sizeof err), "%s", err);
}

static const char *encoding(const char *key) {
    static char enc[32];
    run("object", "encoding", key, NULL);
    cr_assert(out.len > 4 && out.data[0] == '$', "%s", show());
    const char *nl = strstr(out.data, "\r\n");
    snprintf(enc, sizeof enc, "%.*s", (int)(out.len - (size_t)(nl - out.data) - 4),
             nl + 2);
    return enc;
}

/* ZADD key with members m0..m(n-1), scores 0..n-1. */
static void fill(const char *key, int n) {
    mr_str_t argv[2 + 2 * 300];
    char buf[300][2][16];
    int argc = 0;
    argv[argc++] = (mr_str_t){"zadd", 4};
    argv[argc++] = (mr_str_t){key, strlen(key)};
    cr_assert(n <= 300);
    for (int i = 0; i < n; i++) {
        snprintf(buf[i][0], 16, "%d", i);
        snprintf(buf[i][1], 16, "m%d", i);
        argv[argc++] = (mr_str_t){buf[i][0], strlen(buf[i][0])};
        argv[argc++] = (mr_str_t){buf[i][1], strlen(buf[i][1])};
    }
    run_argv(argc, argv);
    char want[32];
    snprintf(want, sizeof want, ":%d\r\n", n);
    cr_assert_str_eq(out.data, want);
}

/* ---- ZADD ---- */

Test(t_zset, zadd_basic_and_replies) {
    EXPECT(":3\r\n", "zadd", "z", "1", "a", "2", "b", "0.1", "c");
    cr_assert_eq(last_dirty, 3);
    EXPECT(":0\r\n", "zadd", "z", "1", "a");
    cr_assert_eq(last_dirty, 0);
    EXPECT("$19\r\n0.10000000000000001\r\n", "zscore", "z", "c");
    EXPECT("*6\r\n$1\r\nc\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1\r\n1"
           "\r\n$1\r\nb\r\n$1\r\n2\r\n",
           "zrange", "z", "0", "-1", "withscores");
    EXPECT(":3\r\n", "zcard", "z");
    EXPECT(":0\r\n", "zcard", "nokey");
    EXPECT(NIL, "zscore", "z", "nope");
    EXPECT(NIL, "zscore", "nokey", "a");
    EXPECT("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n", "zmscore", "z", "a", "x",
           "b");
    EXPECT("*2\r\n$-1\r\n$-1\r\n", "zmscore", "nokey", "a", "b");
    /* scores formatted as Redis 7.0 does (%.17g, inf) */
    EXPECT(":4\r\n", "zadd", "f", "1e300", "big", "inf", "i", "-inf", "ni",
           "0x10", "hex");
    EXPECT("$23\r\n1.0000000000000001e+300\r\n", "zscore", "f", "big");
    EXPECT("$3\r\ninf\r\n", "zscore", "f", "i");
    EXPECT("$4\r\n-inf\r\n", "zscore", "f", "ni");
    EXPECT("$2\r\n16\r\n", "zscore", "f", "hex");
    reply.resp = 3;
    EXPECT(",inf\r\n", "zscore", "f", "i");
    EXPECT(",16\r\n", "zscore", "f", "hex");
    EXPECT("_\r\n", "zscore", "f", "nope");
    reply.resp = 2;
}

Test(t_zset, zadd_options) {
    EXPECT(":2\r\n", "zadd", "z", "1", "a", "2", "b");
    EXPECT(":1\r\n", "zadd", "z", "nx", "10", "a", "5", "c");
    EXPECT("$1\r\n1\r\n", "zscore", "z", "a");
    EXPECT(":0\r\n", "zadd", "z", "xx", "10", "a", "6", "d");
    EXPECT("$2\r\n10\r\n", "zscore", "z", "a");
    EXPECT(NIL, "zscore", "z", "d");
    EXPECT(":1\r\n", "zadd", "z", "xx", "ch", "11", "a", "6", "d");
    EXPECT(":1\r\n", "zadd", "z", "gt", "ch", "0", "a", "20", "b");
    EXPECT(":1\r\n", "zadd", "z", "lt", "ch", "0", "a", "30", "b");
    EXPECT(":0\r\n", "zadd", "z", "ch", "0", "a");
    EXPECT("$1\r\n5\r\n", "zadd", "z", "incr", "5", "a");
    EXPECT(NIL, "zadd", "z", "nx", "incr", "5", "a");
    EXPECT(NIL, "zadd", "z", "gt", "incr", "-1", "a");
    EXPECT("$1\r\n2\r\n", "zadd", "z", "incr", "2", "new");
    EXPECT(NIL, "zadd", "nokey", "xx", "incr", "1", "a");
    EXPECT(":0\r\n", "zadd", "nokey", "xx", "1", "a");
    EXPECT(":0\r\n", "exists", "nokey");
    EXPECT("$3\r\ninf\r\n", "zadd", "z", "incr", "inf", "a");
    EXPECT("-ERR resulting score is not a number (NaN)\r\n", "zadd", "z",
           "incr", "-inf", "a");
    EXPECT("$3\r\ninf\r\n", "zscore", "z", "a");
    EXPECT("$4\r\n-inf\r\n", "zincrby", "z", "-inf", "x");
    EXPECT("-ERR resulting score is not a number (NaN)\r\n", "zincrby", "z",
           "inf", "x");
}

Test(t_zset, zadd_errors_in_redis_order) {
    EXPECT(SYNTAX, "zadd", "z", "nx", "xx");
    EXPECT(SYNTAX, "zadd", "z", "1", "a", "2");
    EXPECT("-ERR XX and NX options at the same time are not compatible\r\n",
           "zadd", "z", "nx", "xx", "1", "a");
    EXPECT("-ERR GT, LT, and/or NX options at the same time are not "
           "compatible\r\n",
           "zadd", "z", "gt", "lt", "1", "a");
    EXPECT("-ERR GT, LT, and/or NX options at the same time are not "
           "compatible\r\n",
           "zadd", "z", "nx", "gt", "1", "a");
    EXPECT("-ERR INCR option supports a single increment-element pair\r\n",
           "zadd", "z", "incr", "1", "a", "2", "b");
    EXPECT(NOT_FLOAT, "zadd", "z", "1", "a", "x", "b");
    EXPECT(NOT_FLOAT, "zadd", "z", "nan", "a");
    EXPECT(NOT_FLOAT, "zadd", "z", "1e400", "a");
    EXPECT(NOT_FLOAT, "zadd", "z", " 1", "a");
    EXPECT(NOT_FLOAT, "zincrby", "z", "abc", "a");
    EXPECT(SYNTAX, "zincrby", "z", "nx", "a"); /* options parse first */
    /* nothing was created by any of them */
    EXPECT(":0\r\n", "exists", "z");
    EXPECT("-ERR wrong number of arguments for 'zadd' command\r\n", "zadd",
           "z", "1");
    EXPECT("-ERR wrong number of arguments for 'zincrby' command\r\n",
           "zincrby", "z", "1");
}

Test(t_zset, negative_zero_per_encoding) {
    /* Redis's listpack keeps -0 as "0"; its skip list keeps the sign */
    EXPECT(":1\r\n", "zadd", "lp", "-0", "m");
    EXPECT("$1\r\n0\r\n", "zscore", "lp", "m");
    set_cfg("zset-max-listpack-entries", "0");
    EXPECT(":1\r\n", "zadd", "sl", "-0", "m");
    cr_assert_str_eq(encoding("sl"), "skiplist");
    EXPECT("$2\r\n-0\r\n", "zscore", "sl", "m");
    EXPECT(":0\r\n", "zadd", "sl", "0", "m");
    EXPECT("$2\r\n-0\r\n", "zscore", "sl", "m");
    /* the increment's result is replied before it is stored */
    EXPECT("$2\r\n-0\r\n", "zincrby", "new", "-0", "m");
}

/* ---- encodings ---- */

Test(t_zset, conversion_on_entries) {
    fill("z", 128);
    cr_assert_str_eq(encoding("z"), "listpack");
    EXPECT(":1\r\n", "zadd", "z", "128", "m128");
    cr_assert_str_eq(encoding("z"), "skiplist");
    EXPECT(":129\r\n", "zcard", "z");
    EXPECT(":128\r\n", "zrank", "z", "m128");
    EXPECT("*4\r\n$4\r\nm127\r\n$3\r\n127\r\n$4\r\nm128\r\n$3\r\n128\r\n",
           "zrange", "z", "-2", "-1", "withscores");
    /* the same member many times counts once */
    mr_str_t argv[2 + 400];
    argv[0] = (mr_str_t){"zadd", 4};
    argv[1] = (mr_str_t){"d", 1};
    for (int i = 0; i < 200; i++) {
        argv[2 + 2 * i] = (mr_str_t){"1", 1};
        argv[3 + 2 * i] = (mr_str_t){"a", 1};
    }
    run_argv(402, argv);
    cr_assert_str_eq(out.data, ":1\r\n");
    cr_assert_str_eq(encoding("d"), "listpack");
    /* deleting members never converts back */
    EXPECT(":128\r\n", "zremrangebyrank", "z", "0", "127");
    cr_assert_str_eq(encoding("z"), "skiplist");
}

Test(t_zset, conversion_on_value_length) {
    char v64[65], v65[66];
    memset(v64, 'x', 64);
    v64[64] = '\0';
    memset(v65, 'y', 65);
    v65[65] = '\0';
    EXPECT(":1\r\n", "zadd", "a", "1", v64);
    cr_assert_str_eq(encoding("a"), "listpack");
    EXPECT(":1\r\n", "zadd", "a", "2", v65);
    cr_assert_str_eq(encoding("a"), "skiplist");
    /* a new key: only the first member decides its first encoding */
    EXPECT(":2\r\n", "zadd", "b", "1", "a", "2", v65);
    cr_assert_str_eq(encoding("b"), "skiplist");
    EXPECT(":1\r\n", "zadd", "c", "1", v65);
    cr_assert_str_eq(encoding("c"), "skiplist");
    set_cfg("zset-max-ziplist-value", "1k");
    EXPECT(":1\r\n", "zadd", "e", "1", v65);
    cr_assert_str_eq(encoding("e"), "listpack");
}

Test(t_zset, store_results_shrink_to_listpack) {
    fill("big", 200);
    cr_assert_str_eq(encoding("big"), "skiplist");
    EXPECT(":10\r\n", "zrangestore", "d", "big", "0", "9");
    cr_assert_str_eq(encoding("d"), "listpack");
    EXPECT(":200\r\n", "zunionstore", "d", "1", "big");
    cr_assert_str_eq(encoding("d"), "skiplist");
    EXPECT(":150\r\n", "zremrangebyrank", "big", "0", "149");
    EXPECT(":50\r\n", "zunionstore", "d", "1", "big");
    cr_assert_str_eq(encoding("d"), "listpack");
    EXPECT("*4\r\n$4\r\nm150\r\n$3\r\n150\r\n$4\r\nm151\r\n$3\r\n151\r\n",
           "zrange", "d", "0", "1", "withscores");
}

/* Every read command gives the same bytes in both encodings. */
Test(t_zset, same_replies_in_both_encodings) {
    const char *cmds[][10] = {
        {"zrange", "K", "0", "-1", "withscores", NULL},
        {"zrange", "K", "1", "3", "rev", NULL},
        {"zrange", "K", "(-1", "+inf", "byscore", "limit", "1", "2", NULL},
        {"zrange", "K", "+", "-", "bylex", "rev", NULL},
        {"zrangebyscore", "K", "-inf", "(3", "withscores", NULL},
        {"zrevrangebyscore", "K", "3", "1", NULL},
        {"zrangebylex", "K", "[b", "(d", NULL},
        {"zrevrange", "K", "0", "1", "withscores", NULL},
        {"zcount", "K", "0", "(1", NULL},
        {"zlexcount", "K", "-", "(c", NULL},
        {"zrank", "K", "c", NULL},
        {"zrevrank", "K", "c", NULL},
        {"zscore", "K", "d", NULL},
        {"zmscore", "K", "a", "zz", "e", NULL},
        {"zrandmember", "K", "100", "withscores", NULL},
    };
    char replies[2][sizeof cmds / sizeof cmds[0]][512];
    for (int e = 0; e < 2; e++) {
        set_cfg("zset-max-listpack-entries", e ? "0" : "128");
        const char *k = e ? "sl" : "lp";
        EXPECT(":5\r\n", "zadd", k, "0", "a", "0", "b", "0", "c", "0", "d",
               "0", "e");
        cr_assert_str_eq(encoding(k), e ? "skiplist" : "listpack");
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
            mr_str_t argv[10];
            int argc = 0;
            for (; cmds[i][argc]; argc++) {
                const char *a = argc == 1 ? k : cmds[i][argc];
                argv[argc] = (mr_str_t){a, strlen(a)};
            }
            run_argv(argc, argv);
            cr_assert(out.len < sizeof replies[e][i]);
            snprintf(replies[e][i], sizeof replies[e][i], "%s", out.data);
        }
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        cr_assert_str_eq(replies[0][i], replies[1][i], "%s", cmds[i][0]);
    cr_assert_str_eq(replies[0][8], ":5\r\n");
    cr_assert_str_eq(replies[0][2], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
}

/* ---- ranges ---- */

Test(t_zset, zrange_arguments) {
    EXPECT(":4\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    EXPECT(SYNTAX, "zrange", "z", "0", "1", "foo");
    EXPECT(SYNTAX, "zrange", "z", "0", "1", "limit", "1");
    EXPECT(SYNTAX, "zrange", "z", "0", "1", "byscore", "bylex");
    EXPECT(SYNTAX, "zrange", "z", "0", "1", "rev", "rev");
    EXPECT(NOT_INT, "zrange", "z", "0", "1", "limit", "a", "1");
    EXPECT("-ERR syntax error, LIMIT is only supported in combination with "
           "either BYSCORE or BYLEX\r\n",
           "zrange", "z", "0", "1", "limit", "0", "1");
    /* "no limit" is the count -1, so this one is accepted */
    EXPECT("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "zrange", "z", "0", "1", "limit",
           "5", "-1");
    EXPECT("-ERR syntax error, WITHSCORES not supported in combination with "
           "BYLEX\r\n",
           "zrange", "z", "-", "+", "bylex", "withscores");
    EXPECT(NOT_INT, "zrange", "z", "a", "1");
    EXPECT(NOT_RANGE_FLOAT, "zrange", "z", "a", "1", "byscore");
    EXPECT(NOT_RANGE_LEX, "zrange", "z", "a", "b", "bylex");
    EXPECT(SYNTAX, "zrangebyscore", "z", "0", "1", "bylex");
    EXPECT(SYNTAX, "zrangebyscore", "z", "0", "1", "rev");
    EXPECT(SYNTAX, "zrangestore", "d", "z", "0", "1", "withscores");
    /* range errors before the key's type */
    EXPECT(OK, "set", "s", "x");
    EXPECT(NOT_INT, "zrange", "s", "a", "1");
    EXPECT(WRONGTYPE, "zrange", "s", "0", "1");
    /* rank ranges */
    EXPECT(EMPTY, "zrange", "z", "2", "1");
    EXPECT(EMPTY, "zrange", "z", "4", "10");
    EXPECT("*1\r\n$1\r\nd\r\n", "zrange", "z", "-1", "100");
    EXPECT("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z",
           "-100", "100");
    EXPECT("*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "zrange", "z", "0", "1", "rev");
    EXPECT("*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "zrevrange", "z", "0", "1");
    /* score ranges, LIMIT with odd numbers */
    EXPECT("*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "zrange", "z", "(1", "3",
           "byscore");
    EXPECT("*2\r\n$1\r\nc\r\n$1\r\nb\r\n", "zrange", "z", "3", "(1",
           "byscore", "rev");
    EXPECT("*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "-inf",
           "inf", "byscore", "limit", "1", "-5");
    EXPECT(EMPTY, "zrange", "z", "-inf", "inf", "byscore", "limit", "-1",
           "2");
    EXPECT(EMPTY, "zrange", "z", "-inf", "inf", "byscore", "limit", "4", "2");
    EXPECT(EMPTY, "zrange", "z", "-inf", "inf", "byscore", "limit", "0", "0");
    EXPECT(EMPTY, "zrangebyscore", "z", "3", "1");
    EXPECT(EMPTY, "zrangebyscore", "z", "(2", "(2");
    EXPECT("*1\r\n$1\r\na\r\n", "zrangebyscore", "z", " 1", "1");
    EXPECT(NOT_RANGE_FLOAT, "zrangebyscore", "z", "1 ", "2");
    EXPECT(NOT_RANGE_FLOAT, "zrangebyscore", "z", "nan", "2");
    EXPECT(NOT_RANGE_FLOAT, "zcount", "z", "[1", "2");
    EXPECT(":0\r\n", "zcount", "z", "", "");
    EXPECT(":4\r\n", "zcount", "z", "-inf", "1e400");
    EXPECT(":0\r\n", "zcount", "nokey", "0", "1");
    EXPECT(EMPTY, "zrange", "nokey", "0", "-1");
    /* a huge LIMIT allocates nothing by its number */
    EXPECT("*1\r\n$1\r\nd\r\n", "zrange", "z", "4", "inf", "byscore", "limit",
           "0", "9223372036854775807");
    EXPECT("*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n",
           "zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit",
           "0", "2");
}

Test(t_zset, lex_ranges) {
    EXPECT(":7\r\n", "zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0",
           "e", "0", "f", "0", "g");
    EXPECT("*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrangebylex", "z",
           "[b", "(e");
    EXPECT("*2\r\n$1\r\nd\r\n$1\r\ne\r\n", "zrangebylex", "z", "(b", "[e",
           "limit", "1", "2");
    EXPECT("*1\r\n$1\r\ne\r\n", "zrangebylex", "z", "(b", "[e", "limit",
           "2", "2");
    EXPECT(EMPTY, "zrangebylex", "z", "+", "-");
    EXPECT(EMPTY, "zrangebylex", "z", "(b", "(b");
    EXPECT("*1\r\n$1\r\nb\r\n", "zrangebylex", "z", "[b", "[b");
    EXPECT(NOT_RANGE_LEX, "zrangebylex", "z", "b", "e");
    EXPECT(NOT_RANGE_LEX, "zrangebylex", "z", "", "+");
    EXPECT(NOT_RANGE_LEX, "zrangebylex", "z", "-", "+x");
    EXPECT("*2\r\n$1\r\ng\r\n$1\r\nf\r\n", "zrevrangebylex", "z", "+", "-",
           "limit", "0", "2");
    EXPECT(":3\r\n", "zlexcount", "z", "[b", "(e");
    EXPECT(":7\r\n", "zlexcount", "z", "-", "+");
    EXPECT(":2\r\n", "zremrangebylex", "z", "[b", "(d");
    EXPECT(":5\r\n", "zcard", "z");
    EXPECT(":5\r\n", "zremrangebylex", "z", "-", "+");
    EXPECT(":0\r\n", "exists", "z");
}

Test(t_zset, remrange) {
    EXPECT(":5\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5",
           "e");
    EXPECT(":2\r\n", "zremrangebyrank", "z", "1", "2");
    cr_assert_eq(last_dirty, 2);
    EXPECT(":0\r\n", "zremrangebyrank", "z", "5", "10");
    EXPECT(":1\r\n", "zremrangebyrank", "z", "-1", "-1");
    EXPECT(NOT_INT, "zremrangebyrank", "z", "a", "1");
    EXPECT(":1\r\n", "zremrangebyscore", "z", "(1", "5");
    EXPECT(NOT_RANGE_FLOAT, "zremrangebyscore", "z", "x", "1");
    EXPECT(":1\r\n", "zremrangebyscore", "z", "-inf", "inf");
    EXPECT(":0\r\n", "exists", "z");
    EXPECT(":0\r\n", "zremrangebyscore", "nokey", "1", "2");
}

/* ---- pops ---- */

Test(t_zset, zpop) {
    EXPECT(":4\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    EXPECT("*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zpopmin", "z");
    cr_assert_eq(last_dirty, 1);
    EXPECT("*2\r\n$1\r\nd\r\n$1\r\n4\r\n", "zpopmax", "z");
    EXPECT(EMPTY, "zpopmin", "z", "0");
    EXPECT("-ERR value is out of range, must be positive\r\n", "zpopmin", "z",
           "-1");
    EXPECT("-ERR value is out of range, must be positive\r\n", "zpopmin", "z",
           "x");
    EXPECT(SYNTAX, "zpopmin", "z", "1", "2");
    reply.resp = 3;
    EXPECT("*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n", "zpopmin",
           "z", "9223372036854775807");
    cr_assert_eq(last_dirty, 2);
    EXPECT(EMPTY, "zpopmin", "z");
    EXPECT(":0\r\n", "exists", "z");
    reply.resp = 2;
    EXPECT(OK, "set", "s", "x");
    EXPECT(WRONGTYPE, "zpopmin", "s");
}

Test(t_zset, zmpop) {
    EXPECT(":3\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c");
    EXPECT("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zmpop", "1",
           "z", "min");
    EXPECT("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb"
           "\r\n$1\r\n2\r\n",
           "zmpop", "2", "nokey", "z", "MAX", "count", "10");
    EXPECT("*-1\r\n", "zmpop", "1", "z", "min");
    EXPECT("-ERR numkeys should be greater than 0\r\n", "zmpop", "0", "z",
           "min");
    EXPECT("-ERR numkeys should be greater than 0\r\n", "zmpop", "x", "z",
           "min");
    EXPECT(SYNTAX, "zmpop", "2", "z", "min");
    EXPECT(SYNTAX, "zmpop", "9223372036854775807", "z", "min");
    EXPECT(SYNTAX, "zmpop", "1", "z", "foo");
    EXPECT("-ERR count should be greater than 0\r\n", "zmpop", "1", "z",
           "min", "count", "0");
    EXPECT(SYNTAX, "zmpop", "1", "z", "min", "count", "1", "count", "1");
    EXPECT(OK, "set", "s", "x");
    EXPECT(WRONGTYPE, "zmpop", "2", "nokey", "s", "min");
    reply.resp = 3;
    EXPECT("_\r\n", "zmpop", "1", "z", "min");
    reply.resp = 2;
}

/* The primitive the blocking pops use, with and without the lock held. */
Test(t_zset, pop_primitive) {
    EXPECT(":2\r\n", "zadd", "z", "1", "a", "2", "b");
    EXPECT(OK, "set", "s", "x");
    mr_buf_t m = {0};
    double score;
    cr_assert_eq(mr_zset_pop(0, "z", 1, NOW, true, &m, &score), MR_ZPOP_OK);
    cr_assert(m.len == 1 && m.data[0] == 'b' && score == 2);
    uint32_t shard = mr_store_shard_of("z", 1);
    mr_store_lock(shard);
    cr_assert_eq(mr_zset_pop_locked(0, "z", 1, NOW, false, &m, &score),
                 MR_ZPOP_OK);
    cr_assert(m.len == 1 && m.data[0] == 'a' && score == 1);
    cr_assert_eq(mr_zset_pop_locked(0, "z", 1, NOW, false, &m, &score),
                 MR_ZPOP_NONE);
    mr_store_unlock(shard);
    EXPECT(":0\r\n", "exists", "z");
    cr_assert_eq(mr_zset_pop(0, "s", 1, NOW, false, &m, &score),
                 MR_ZPOP_WRONGTYPE);
    EXPECT("$1\r\nx\r\n", "get", "s");
    mr_buf_free(&m);
}

/* ---- set operations ---- */

Test(t_zset, union_inter_diff) {
    EXPECT(":3\r\n", "zadd", "a", "1", "x", "2", "y", "3", "z");
    EXPECT(":3\r\n", "zadd", "b", "10", "y", "20", "z", "30", "w");
    EXPECT(":2\r\n", "sadd", "s", "z", "q");
    EXPECT(":4\r\n", "zunionstore", "d", "2", "a", "b");
    cr_assert_eq(last_dirty, 1);
    EXPECT("*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2"
           "\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n",
           "zrange", "d", "0", "-1", "withscores");
    EXPECT("*10\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\nq\r\n$1\r\n3\r\n$1\r\ny\r\n$2"
           "\r\n24\r\n$1\r\nz\r\n$2\r\n49\r\n$1\r\nw\r\n$2\r\n60\r\n",
           "zunion", "3", "a", "b", "s", "weights", "2", "2", "3",
           "withscores");
    EXPECT("*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n", "zinter",
           "2", "a", "b", "aggregate", "max", "withscores");
    EXPECT("*2\r\n$1\r\nz\r\n$1\r\n1\r\n", "zinter", "3", "a", "b", "s",
           "aggregate", "min", "withscores");
    EXPECT("*1\r\n$1\r\nx\r\n", "zdiff", "2", "a", "b");
    EXPECT(":1\r\n", "zdiffstore", "d", "3", "b", "a", "s");
    EXPECT("*2\r\n$1\r\nw\r\n$2\r\n30\r\n", "zrange", "d", "0", "-1",
           "withscores");
    EXPECT(":0\r\n", "zdiffstore", "d", "2", "a", "a");
    EXPECT(":0\r\n", "exists", "d");
    EXPECT(":2\r\n", "zintercard", "2", "a", "b");
    EXPECT(":1\r\n", "zintercard", "2", "a", "b", "limit", "1");
    EXPECT(":0\r\n", "zinterstore", "d", "2", "a", "nokey");
    /* inf * 0 and inf + -inf are 0 */
    EXPECT(":1\r\n", "zadd", "i", "inf", "m");
    EXPECT("*2\r\n$1\r\nm\r\n$1\r\n0\r\n", "zunion", "1", "i", "weights", "0",
           "withscores");
    EXPECT("*2\r\n$1\r\nm\r\n$1\r\n0\r\n", "zinter", "2", "i", "i", "weights",
           "1", "-1", "withscores");
    /* the destination may be an input */
    EXPECT(":4\r\n", "zunionstore", "a", "2", "a", "b");
    EXPECT(":4\r\n", "zcard", "a");
}

Test(t_zset, setop_errors_in_redis_order) {
    EXPECT(":1\r\n", "zadd", "a", "1", "x");
    EXPECT(OK, "set", "s", "x");
    EXPECT(NOT_INT, "zunionstore", "d", "x", "a");
    EXPECT("-ERR at least 1 input key is needed for 'zunionstore' command\r\n",
           "zunionstore", "d", "0", "a");
    EXPECT("-ERR at least 1 input key is needed for 'zintercard' command\r\n",
           "zintercard", "0", "a");
    EXPECT(SYNTAX, "zunionstore", "d", "3", "a", "b");
    /* the inputs' types before the options */
    EXPECT(WRONGTYPE, "zunionstore", "d", "2", "a", "s", "weights", "x", "y");
    EXPECT("-ERR weight value is not a float\r\n", "zunionstore", "d", "1",
           "a", "weights", "x");
    EXPECT(SYNTAX, "zunionstore", "d", "2", "a", "a", "weights", "1");
    EXPECT(SYNTAX, "zunionstore", "d", "1", "a", "aggregate", "avg");
    EXPECT(SYNTAX, "zunionstore", "d", "1", "a", "withscores");
    EXPECT(SYNTAX, "zdiff", "1", "a", "weights", "1");
    EXPECT(SYNTAX, "zintercard", "1", "a", "withscores");
    EXPECT("-ERR LIMIT can't be negative\r\n", "zintercard", "1", "a",
           "limit", "-1");
    EXPECT("-ERR LIMIT can't be negative\r\n", "zintercard", "1", "a",
           "limit", "x");
    EXPECT(":0\r\n", "exists", "d");
}

/* ---- ZRANDMEMBER ---- */

static size_t count_bulks(void) {
    size_t n = 0;
    for (size_t i = 0; i < out.len; i++)
        if (out.data[i] == '$' && (i == 0 || out.data[i - 1] == '\n')) n++;
    return n;
}

/* The bulk strings of the last reply, in order (aggregate headers and
 * doubles skipped), NUL-terminated copies; returns how many. */
static char bulk_pool[1 << 16];
static const char *bulk_items[512];
static size_t bulks(void) {
    size_t n = 0, used = 0;
    const char *p = out.data, *end = out.data + out.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cr_assert_not_null(nl);
        if (*p == '$') {
            long len = strtol(p + 1, NULL, 10);
            cr_assert(len >= 0 && used + (size_t)len + 1 <= sizeof bulk_pool);
            cr_assert(n < sizeof bulk_items / sizeof bulk_items[0]);
            memcpy(bulk_pool + used, nl + 1, (size_t)len);
            bulk_pool[used + (size_t)len] = '\0';
            bulk_items[n++] = bulk_pool + used;
            used += (size_t)len + 1;
            p = nl + 1 + len + 2;
        } else {
            p = nl + 1;
        }
    }
    return n;
}

static void check_randmember(void) {
    run("zrandmember", "z", NULL);
    cr_assert_eq(count_bulks(), 1);
    run("zrandmember", "z", "-20", "withscores", NULL);
    cr_assert(strncmp(out.data, "*40\r\n", 5) == 0, "%s", show());
    cr_assert_eq(count_bulks(), 40);
    run("zrandmember", "z", "3", NULL);
    cr_assert(strncmp(out.data, "*3\r\n", 4) == 0, "%s", show());
    run("zrandmember", "z", "1000", NULL);
    cr_assert_eq(count_bulks(), 10);
    /* the whole set comes highest first, as in Redis */
    EXPECT("*4\r\n$1\r\nj\r\n$1\r\n9\r\n$1\r\ni\r\n$1\r\n8\r\n",
           "zrandmember", "two", "2", "withscores");
    reply.resp = 3;
    EXPECT("*2\r\n*2\r\n$1\r\nj\r\n,9\r\n*2\r\n$1\r\ni\r\n,8\r\n",
           "zrandmember", "two", "5", "withscores");
    reply.resp = 2;
}

Test(t_zset, zrandmember) {
    reply.resp = 3;
    for (int e = 0; e < 2; e++) {
        set_cfg("zset-max-listpack-entries", e ? "0" : "128");
        run("del", "z", "two", NULL);
        EXPECT(":10\r\n", "zadd", "z", "0", "a", "1", "b", "2", "c", "3", "d",
               "4", "e", "5", "f", "6", "g", "7", "h", "8", "i", "9", "j");
        EXPECT(":2\r\n", "zadd", "two", "8", "i", "9", "j");
        reply.resp = 2;
        check_randmember();
        reply.resp = 3;
        /* distinct members for counts below the size */
        for (int c = 1; c < 10; c++) {
            char cs[24];
            snprintf(cs, sizeof cs, "%d", c);
            run("zrandmember", "z", cs, NULL);
            size_t n = bulks();
            cr_assert_eq(n, (size_t)c, "%s", show());
            for (size_t i = 0; i < n; i++) {
                cr_assert(strlen(bulk_items[i]) == 1 &&
                          bulk_items[i][0] >= 'a' && bulk_items[i][0] <= 'j');
                for (size_t j = 0; j < i; j++)
                    cr_assert_str_neq(bulk_items[i], bulk_items[j],
                                      "repeat in %s", show());
            }
        }
    }
    reply.resp = 2;
    EXPECT(NIL, "zrandmember", "nokey");
    EXPECT(EMPTY, "zrandmember", "nokey", "5");
    EXPECT(EMPTY, "zrandmember", "z", "0");
    EXPECT(NOT_INT, "zrandmember", "z", "x");
    EXPECT(SYNTAX, "zrandmember", "z", "1", "foo");
    EXPECT("-ERR value is out of range, value must between "
           "-9223372036854775807 and 9223372036854775807\r\n",
           "zrandmember", "z", "-9223372036854775808");
    EXPECT("-ERR value is out of range\r\n", "zrandmember", "z",
           "4611686018427387904", "withscores");
}

/* ---- ZSCAN ---- */

Test(t_zset, zscan) {
    EXPECT(":3\r\n", "zadd", "z", "1", "a", "2.5", "b", "3", "ab");
    EXPECT("*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5"
           "\r\n$2\r\nab\r\n$1\r\n3\r\n",
           "zscan", "z", "0");
    EXPECT("*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$1\r\n3"
           "\r\n",
           "zscan", "z", "0", "match", "a*");
    EXPECT("-ERR invalid cursor\r\n", "zscan", "z", "x");
    EXPECT(SYNTAX, "zscan", "z", "0", "count", "0");
    EXPECT(SYNTAX, "zscan", "z", "0", "foo", "bar");
    EXPECT("*2\r\n$1\r\n0\r\n*0\r\n", "zscan", "nokey", "0", "foo");
    /* a big set: a full cursor walk sees every member with its score */
    fill("big", 300);
    int seen[300] = {0};
    char cursor[32] = "0";
    do {
        run("zscan", "big", cursor, "count", "20", NULL);
        const char *p = out.data;
        cr_assert(sscanf(p, "*2\r\n$%*d\r\n%31[0-9]", cursor) == 1);
        for (const char *q = strstr(p, "\n$"); q; q = strstr(q + 1, "\n$")) {
            int m, s;
            if (sscanf(q + 1, "$%*d\r\nm%d\r\n$%*d\r\n%d", &m, &s) == 2) {
                cr_assert_eq(m, s);
                seen[m]++;
            }
        }
    } while (strcmp(cursor, "0") != 0);
    for (int i = 0; i < 300; i++) cr_assert(seen[i] >= 1, "m%d missed", i);
}

/* ---- keyspace ---- */

Test(t_zset, wrongtype_both_ways) {
    EXPECT(OK, "set", "s", "x");
    const char *cmds[][6] = {
        {"zadd", "s", "1", "a", NULL},    {"zincrby", "s", "1", "a", NULL},
        {"zrem", "s", "a", NULL},         {"zscore", "s", "a", NULL},
        {"zmscore", "s", "a", NULL},      {"zcard", "s", NULL},
        {"zcount", "s", "0", "1", NULL},  {"zlexcount", "s", "-", "+", NULL},
        {"zrank", "s", "a", NULL},        {"zrevrank", "s", "a", NULL},
        {"zrange", "s", "0", "1", NULL},  {"zrevrange", "s", "0", "1", NULL},
        {"zrangebyscore", "s", "0", "1", NULL},
        {"zrangebylex", "s", "-", "+", NULL},
        {"zpopmin", "s", NULL},           {"zpopmax", "s", "2", NULL},
        {"zremrangebyrank", "s", "0", "1", NULL},
        {"zremrangebyscore", "s", "0", "1", NULL},
        {"zremrangebylex", "s", "-", "+", NULL},
        {"zrandmember", "s", NULL},       {"zrandmember", "s", "2", NULL},
        {"zscan", "s", "0", NULL},        {"zrangestore", "d", "s", "0", "1", NULL},
        {"zunionstore", "d", "1", "s", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        mr_str_t argv[6];
        int argc = 0;
        for (; cmds[i][argc]; argc++)
            argv[argc] = (mr_str_t){cmds[i][argc], strlen(cmds[i][argc])};
        run_argv(argc, argv);
        cr_assert_str_eq(out.data, WRONGTYPE, "%s", cmds[i][0]);
    }
    EXPECT("$1\r\nx\r\n", "get", "s");
    EXPECT(":1\r\n", "zadd", "z", "1", "a");
    EXPECT(WRONGTYPE, "get", "z");
    EXPECT(WRONGTYPE, "hget", "z", "a");
    EXPECT(WRONGTYPE, "sadd", "z", "a");
    EXPECT(":1\r\n", "hset", "h", "a", "b");
    EXPECT(WRONGTYPE, "zunionstore", "d", "1", "h");
}

Test(t_zset, keyspace_knows_zsets) {
    set_cfg("zset-max-listpack-entries", "4");
    EXPECT(":2\r\n", "zadd", "small", "1", "a", "2", "b");
    fill("big", 10);
    EXPECT("+zset\r\n", "type", "small");
    for (int e = 0; e < 2; e++) {
        const char *src = e ? "big" : "small";
        EXPECT(":1\r\n", "copy", src, "copy");
        cr_assert_str_eq(encoding("copy"), encoding(src));
        /* the copy is independent of its source */
        EXPECT(":1\r\n", "zadd", src, "100", "new");
        EXPECT(NIL, "zscore", "copy", "new");
        EXPECT(":1\r\n", "zadd", "copy", "7", "other");
        EXPECT(NIL, "zscore", src, "other");
        EXPECT(":1\r\n", "del", "copy");
    }
    EXPECT(OK, "rename", "big", "moved");
    EXPECT(":11\r\n", "zcard", "moved");
    EXPECT(":1\r\n", "move", "moved", "1");
    EXPECT(":0\r\n", "exists", "moved");
    EXPECT(":1\r\n", "zadd", "moved", "1", "again");
    EXPECT(":0\r\n", "move", "moved", "1"); /* db 1 has it already */
    EXPECT(":1\r\n", "expire", "small", "100");
    EXPECT(":100\r\n", "ttl", "small");
    EXPECT(":1\r\n", "zadd", "small", "3", "c");
    EXPECT(":100\r\n", "ttl", "small");
    EXPECT(":2\r\n", "del", "small", "moved");
}

/* ---- randomized against a model, through the replies ---- */

#define MM 64

typedef struct zmodel {
    char mem[MM][12];
    double score[MM];
    int n;
} zmodel_t;

static int zm_find(const zmodel_t *md, const char *m) {
    for (int i = 0; i < md->n; i++)
        if (strcmp(md->mem[i], m) == 0) return i;
    return -1;
}

static int zm_cmp(double sa, const char *a, double sb, const char *b) {
    if (sa < sb) return -1;
    if (sa > sb) return 1;
    size_t la = strlen(a), lb = strlen(b), k = la < lb ? la : lb;
    int c = memcmp(a, b, k);
    return c ? c : (la < lb ? -1 : la > lb);
}

static void zm_del(zmodel_t *md, int i) {
    for (int j = i; j + 1 < md->n; j++) {
        memcpy(md->mem[j], md->mem[j + 1], 12);
        md->score[j] = md->score[j + 1];
    }
    md->n--;
}

static void zm_set(zmodel_t *md, const char *m, double s) {
    int i = zm_find(md, m);
    if (i >= 0) zm_del(md, i);
    int k = 0;
    while (k < md->n && zm_cmp(md->score[k], md->mem[k], s, m) < 0) k++;
    for (int j = md->n; j > k; j--) {
        memcpy(md->mem[j], md->mem[j - 1], 12);
        md->score[j] = md->score[j - 1];
    }
    snprintf(md->mem[k], 12, "%s", m);
    md->score[k] = s;
    md->n++;
}

static void fmt_bulk(char *buf, size_t cap, size_t *o, const char *s) {
    *o += (size_t)snprintf(buf + *o, cap - *o, "$%zu\r\n%s\r\n", strlen(s), s);
}

static void zm_check(const zmodel_t *md) {
    static char want[16384];
    size_t o = (size_t)snprintf(want, sizeof want, "*%d\r\n", 2 * md->n);
    for (int i = 0; i < md->n; i++) {
        char num[64];
        mr_d2str(num, sizeof num, md->score[i]);
        fmt_bulk(want, sizeof want, &o, md->mem[i]);
        fmt_bulk(want, sizeof want, &o, num);
    }
    if (md->n == 0) snprintf(want, sizeof want, "*0\r\n");
    run("zrange", "z", "0", "-1", "withscores", NULL);
    cr_assert_str_eq(out.data, want);
    char card[32];
    snprintf(card, sizeof card, ":%d\r\n", md->n);
    EXPECT(card, "zcard", "z");
}

Test(t_zset, random_vs_model, .timeout = 120) {
    static const char *scores[] = {"0", "1", "2", "-1", "0.5", "inf", "-inf",
                                   "3", "1e10", "-2.25"};
    srand(7);
    zmodel_t md = {0};
    bool skiplist = false; /* the model of the encoding rule */
    set_cfg("zset-max-listpack-entries", "8");
    set_cfg("zset-max-listpack-value", "6");
    for (int step = 0; step < 4000; step++) {
        char m[12];
        int k = rand() % 24;
        if (k < 20) snprintf(m, sizeof m, "m%d", k);
        else snprintf(m, sizeof m, "longer%d", k); /* past the value limit */
        const char *s = scores[rand() % 10];
        int op = rand() % 8;
        /* ZADD and ZINCRBY of a new member convert a listpack that would
         * pass either limit */
        if (op < 4 && zm_find(&md, m) < 0 && (md.n + 1 > 8 || strlen(m) > 6))
            skiplist = true;
        if (op < 3) {
            int i = zm_find(&md, m);
            run("zadd", "z", s, m, NULL);
            cr_assert_str_eq(out.data, i < 0 ? ":1\r\n" : ":0\r\n");
            zm_set(&md, m, strtod(s, NULL));
        } else if (op == 3) {
            int i = zm_find(&md, m);
            double cur = i < 0 ? 0 : md.score[i];
            double now = cur + strtod(s, NULL);
            run("zincrby", "z", s, m, NULL);
            if (isnan(now)) {
                cr_assert_str_eq(out.data,
                                 "-ERR resulting score is not a number "
                                 "(NaN)\r\n");
            } else {
                zm_set(&md, m, now);
                cr_assert_eq(out.data[0], '$', "%s", show());
            }
        } else if (op == 4) {
            int i = zm_find(&md, m);
            run("zrem", "z", m, NULL);
            cr_assert_str_eq(out.data, i < 0 ? ":0\r\n" : ":1\r\n");
            if (i >= 0) zm_del(&md, i);
        } else if (op == 5 && md.n > 0) {
            run("zpopmin", "z", NULL);
            char want[128];
            char num[64];
            mr_d2str(num, sizeof num, md.score[0]);
            snprintf(want, sizeof want, "*2\r\n$%zu\r\n%s\r\n$%zu\r\n%s\r\n",
                     strlen(md.mem[0]), md.mem[0], strlen(num), num);
            cr_assert_str_eq(out.data, want);
            zm_del(&md, 0);
        } else if (op == 6) {
            int i = zm_find(&md, m);
            run("zrank", "z", m, NULL);
            char want[32];
            if (i < 0) snprintf(want, sizeof want, NIL);
            else snprintf(want, sizeof want, ":%d\r\n", i);
            cr_assert_str_eq(out.data, want);
        } else if (op == 7 && rand() % 4 == 0) {
            run("zremrangebyscore", "z", "(0", "2", NULL);
            int gone = 0;
            for (int i = md.n - 1; i >= 0; i--)
                if (md.score[i] > 0 && md.score[i] <= 2) {
                    zm_del(&md, i);
                    gone++;
                }
            char want[32];
            snprintf(want, sizeof want, ":%d\r\n", gone);
            cr_assert_str_eq(out.data, want);
        }
        zm_check(&md);
        if (md.n == 0) {
            EXPECT(":0\r\n", "exists", "z");
            skiplist = false; /* the next ZADD creates a new key */
        } else {
            cr_assert_str_eq(encoding("z"), skiplist ? "skiplist" : "listpack",
                             "step %d", step);
        }
    }
}
