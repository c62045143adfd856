/* Sorted set commands over TCP: exact reply bytes of the main paths in
 * RESP2 and RESP3 (scores are bulk strings in RESP2 and doubles in RESP3,
 * WITHSCORES pairs nest in RESP3), error texts in Redis's check order, both
 * encodings, and two concurrency checks (ZINCRBY from two connections, and
 * ZPOPMIN from two connections never handing out a member twice). Expected
 * bytes were checked against redis-server 7.0.15 (run the binary with
 * MINIREDIS_BIN=/usr/bin/redis-server). Keys are "zset:<test>:...". */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
#define SYNTAX "-ERR syntax error\r\n"

static void hello3(int fd) {
    h_bytes_t b = h_call(fd, "HELLO", "3", NULL);
    cr_assert_not_null(b.buf);
    h_bytes_free(&b);
}

/* ZADD key 0 m0 1 m1 ... (n-1) m(n-1), in one command. */
static void fill(int fd, const char *key, int n) {
    const char **argv = malloc(sizeof *argv * (size_t)(2 + 2 * n));
    char (*buf)[2][16] = malloc(sizeof *buf * (size_t)n);
    argv[0] = "ZADD";
    argv[1] = key;
    for (int i = 0; i < n; i++) {
        snprintf(buf[i][0], 16, "%d", i);
        snprintf(buf[i][1], 16, "m%d", i);
        argv[2 + 2 * i] = buf[i][0];
        argv[3 + 2 * i] = buf[i][1];
    }
    h_bytes_t b = h_callv(fd, 2 + 2 * n, argv, NULL);
    char want[32];
    snprintf(want, sizeof want, ":%d\r\n", n);
    cr_assert_str_eq(b.buf, want);
    h_bytes_free(&b);
    free(buf);
    free(argv);
}

Test(zsets, add_score_range) {
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "ZADD", "zset:a:z", "1", "a", "2", "b", "0.1",
               "c");
    expect_cmd(fd, ":0\r\n", "ZADD", "zset:a:z", "3", "b");
    expect_cmd(fd, "$19\r\n0.10000000000000001\r\n", "ZSCORE", "zset:a:z",
               "c");
    expect_cmd(fd, "$-1\r\n", "ZSCORE", "zset:a:z", "nope");
    expect_cmd(fd, "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n", "ZMSCORE",
               "zset:a:z", "a", "x", "b");
    expect_cmd(fd, ":3\r\n", "ZCARD", "zset:a:z");
    expect_cmd(fd,
               "*6\r\n$1\r\nc\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$1"
               "\r\n1\r\n$1\r\nb\r\n$1\r\n3\r\n",
               "ZRANGE", "zset:a:z", "0", "-1", "WITHSCORES");
    expect_cmd(fd, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "ZREVRANGE", "zset:a:z",
               "0", "1");
    expect_cmd(fd, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "ZRANGEBYSCORE",
               "zset:a:z", "(0.1", "+inf");
    expect_cmd(fd, "*1\r\n$1\r\nb\r\n", "ZRANGE", "zset:a:z", "+inf", "-inf",
               "BYSCORE", "REV", "LIMIT", "0", "1");
    expect_cmd(fd, ":2\r\n", "ZCOUNT", "zset:a:z", "(0.1", "3");
    expect_cmd(fd, ":1\r\n", "ZRANK", "zset:a:z", "a");
    expect_cmd(fd, ":0\r\n", "ZREVRANK", "zset:a:z", "b");
    expect_cmd(fd, "$-1\r\n", "ZRANK", "zset:a:z", "nope");
    expect_cmd(fd, "$1\r\n5\r\n", "ZINCRBY", "zset:a:z", "4", "a");
    expect_cmd(fd, "$3\r\ninf\r\n", "ZADD", "zset:a:z", "INCR", "inf", "c");
    expect_cmd(fd, "-ERR resulting score is not a number (NaN)\r\n", "ZADD",
               "zset:a:z", "INCR", "-inf", "c");
    expect_cmd(fd, ":2\r\n", "ZREM", "zset:a:z", "a", "c", "zz");
    expect_cmd(fd, ":1\r\n", "ZREM", "zset:a:z", "b");
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:a:z");
    close(fd);
}

Test(zsets, resp3_doubles_and_pairs) {
    int fd = h_conn();
    hello3(fd);
    expect_cmd(fd, ":4\r\n", "ZADD", "zset:r3:z", "1.5", "a", "-0", "b",
               "1e300", "c", "-inf", "d");
    expect_cmd(fd, ",1.5\r\n", "ZSCORE", "zset:r3:z", "a");
    expect_cmd(fd, ",1.0000000000000001e+300\r\n", "ZSCORE", "zset:r3:z",
               "c");
    expect_cmd(fd, ",-inf\r\n", "ZSCORE", "zset:r3:z", "d");
    /* a listpack keeps -0 as 0 */
    expect_cmd(fd, ",0\r\n", "ZSCORE", "zset:r3:z", "b");
    expect_cmd(fd, "_\r\n", "ZSCORE", "zset:r3:z", "nope");
    expect_cmd(fd, "*2\r\n_\r\n,1.5\r\n", "ZMSCORE", "zset:r3:z", "x", "a");
    expect_cmd(fd, "*2\r\n*2\r\n$1\r\nd\r\n,-inf\r\n*2\r\n$1\r\nb\r\n,0\r\n",
               "ZRANGE", "zset:r3:z", "0", "1", "WITHSCORES");
    expect_cmd(fd, "_\r\n", "ZADD", "zset:r3:z", "NX", "INCR", "1", "a");
    expect_cmd(fd, "_\r\n", "ZRANK", "zset:r3:z", "x");
    /* ZPOPMIN: flat without a count, nested pairs with one */
    expect_cmd(fd, "*2\r\n$1\r\nd\r\n,-inf\r\n", "ZPOPMIN", "zset:r3:z");
    expect_cmd(fd, "*1\r\n*2\r\n$1\r\nc\r\n,1.0000000000000001e+300\r\n",
               "ZPOPMAX", "zset:r3:z", "1");
    /* a count past the size returns the whole set, highest first */
    expect_cmd(fd, "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,0\r\n",
               "ZRANDMEMBER", "zset:r3:z", "5", "WITHSCORES");
    expect_cmd(fd, "*2\r\n$9\r\nzset:r3:z\r\n*2\r\n*2\r\n$1\r\nb\r\n,0\r\n*2"
                   "\r\n$1\r\na\r\n,1.5\r\n",
               "ZMPOP", "1", "zset:r3:z", "MIN", "COUNT", "9");
    expect_cmd(fd, "_\r\n", "ZMPOP", "1", "zset:r3:z", "MIN");
    expect_cmd(fd, "*0\r\n", "ZPOPMIN", "zset:r3:z");
    close(fd);
}

Test(zsets, skiplist_negative_zero_and_encodings) {
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "zset-max-listpack-entries",
               "0");
    expect_cmd(fd, ":1\r\n", "ZADD", "zset:e:sl", "-0", "m");
    expect_cmd(fd, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "zset:e:sl");
    expect_cmd(fd, "$2\r\n-0\r\n", "ZSCORE", "zset:e:sl", "m");
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "zset-max-listpack-entries",
               "128");
    fill(fd, "zset:e:big", 128);
    expect_cmd(fd, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "zset:e:big");
    expect_cmd(fd, ":1\r\n", "ZADD", "zset:e:big", "128", "m128");
    expect_cmd(fd, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "zset:e:big");
    expect_cmd(fd, ":100\r\n", "ZRANK", "zset:e:big", "m100");
    expect_cmd(fd, "*4\r\n$4\r\nm127\r\n$3\r\n127\r\n$4\r\nm128\r\n$3\r\n128"
                   "\r\n",
               "ZRANGE", "zset:e:big", "-2", "-1", "WITHSCORES");
    expect_cmd(fd, "*2\r\n$3\r\nm11\r\n$3\r\nm12\r\n", "ZRANGEBYSCORE",
               "zset:e:big", "(10", "+inf", "LIMIT", "0", "2");
    expect_cmd(fd, ":10\r\n", "ZRANGESTORE", "zset:e:d", "zset:e:big", "0",
               "9");
    expect_cmd(fd, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "zset:e:d");
    expect_cmd(fd, "+zset\r\n", "TYPE", "zset:e:big");
    expect_cmd(fd, ":1\r\n", "COPY", "zset:e:big", "zset:e:copy");
    expect_cmd(fd, "$8\r\nskiplist\r\n", "OBJECT", "ENCODING", "zset:e:copy");
    expect_cmd(fd, ":129\r\n", "ZCARD", "zset:e:copy");
    expect_cmd(fd, ":3\r\n", "DEL", "zset:e:big", "zset:e:copy", "zset:e:d");
    expect_cmd(fd, ":1\r\n", "DEL", "zset:e:sl");
    close(fd);
}

Test(zsets, errors_in_redis_order) {
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "zset:err:s", "x");
    expect_cmd(fd, WRONGTYPE, "ZADD", "zset:err:s", "1", "a");
    expect_cmd(fd, WRONGTYPE, "ZRANGE", "zset:err:s", "0", "-1");
    expect_cmd(fd, WRONGTYPE, "ZSCORE", "zset:err:s", "a");
    expect_cmd(fd, "-ERR value is not a valid float\r\n", "ZADD",
               "zset:err:s", "x", "a");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "ZRANGE", "zset:err:s", "a", "1");
    expect_cmd(fd, "-ERR min or max is not a float\r\n", "ZCOUNT",
               "zset:err:s", "[1", "2");
    expect_cmd(fd, "-ERR min or max not valid string range item\r\n",
               "ZLEXCOUNT", "zset:err:s", "a", "b");
    expect_cmd(fd, "-ERR XX and NX options at the same time are not "
                   "compatible\r\n",
               "ZADD", "zset:err:z", "NX", "XX", "1", "a");
    expect_cmd(fd, "-ERR GT, LT, and/or NX options at the same time are not "
                   "compatible\r\n",
               "ZADD", "zset:err:z", "GT", "LT", "1", "a");
    expect_cmd(fd, "-ERR INCR option supports a single increment-element "
                   "pair\r\n",
               "ZADD", "zset:err:z", "INCR", "1", "a", "2", "b");
    expect_cmd(fd, SYNTAX, "ZADD", "zset:err:z", "1", "a", "2");
    expect_cmd(fd, "-ERR syntax error, LIMIT is only supported in combination "
                   "with either BYSCORE or BYLEX\r\n",
               "ZRANGE", "zset:err:z", "0", "1", "LIMIT", "0", "1");
    expect_cmd(fd, "-ERR syntax error, WITHSCORES not supported in "
                   "combination with BYLEX\r\n",
               "ZRANGE", "zset:err:z", "-", "+", "BYLEX", "WITHSCORES");
    expect_cmd(fd, "-ERR value is out of range, must be positive\r\n",
               "ZPOPMIN", "zset:err:z", "-1");
    expect_cmd(fd, "-ERR at least 1 input key is needed for 'zunionstore' "
                   "command\r\n",
               "ZUNIONSTORE", "zset:err:d", "0", "zset:err:z");
    expect_cmd(fd, SYNTAX, "ZUNIONSTORE", "zset:err:d", "2", "zset:err:z");
    expect_cmd(fd, WRONGTYPE, "ZUNIONSTORE", "zset:err:d", "1", "zset:err:s",
               "WEIGHTS", "x");
    expect_cmd(fd, "-ERR weight value is not a float\r\n", "ZUNIONSTORE",
               "zset:err:d", "1", "zset:err:z", "WEIGHTS", "x");
    expect_cmd(fd, "-ERR numkeys should be greater than 0\r\n", "ZMPOP", "0",
               "zset:err:z", "MIN");
    expect_cmd(fd, "-ERR count should be greater than 0\r\n", "ZMPOP", "1",
               "zset:err:z", "MIN", "COUNT", "0");
    expect_cmd(fd, "-ERR value is out of range, value must between "
                   "-9223372036854775807 and 9223372036854775807\r\n",
               "ZRANDMEMBER", "zset:err:z", "-9223372036854775808");
    expect_cmd(fd, "-ERR wrong number of arguments for 'zadd' command\r\n",
               "ZADD", "zset:err:z", "1");
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:err:z");
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:err:d");
    expect_cmd(fd, ":1\r\n", "DEL", "zset:err:s");
    close(fd);
}

Test(zsets, lex_and_remrange) {
    int fd = h_conn();
    expect_cmd(fd, ":5\r\n", "ZADD", "zset:l:z", "0", "a", "0", "b", "0", "c",
               "0", "d", "0", "e");
    expect_cmd(fd, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "ZRANGEBYLEX", "zset:l:z",
               "[b", "(d");
    expect_cmd(fd, "*2\r\n$1\r\ne\r\n$1\r\nd\r\n", "ZREVRANGEBYLEX",
               "zset:l:z", "+", "-", "LIMIT", "0", "2");
    expect_cmd(fd, ":3\r\n", "ZLEXCOUNT", "zset:l:z", "(a", "[d");
    expect_cmd(fd, ":2\r\n", "ZREMRANGEBYLEX", "zset:l:z", "-", "(c");
    expect_cmd(fd, ":1\r\n", "ZREMRANGEBYRANK", "zset:l:z", "-1", "-1");
    expect_cmd(fd, ":2\r\n", "ZREMRANGEBYSCORE", "zset:l:z", "0", "0");
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:l:z");
    close(fd);
}

Test(zsets, union_inter_diff) {
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "ZADD", "zset:u:a", "1", "x", "2", "y", "3", "z");
    expect_cmd(fd, ":3\r\n", "ZADD", "zset:u:b", "10", "y", "20", "z", "30",
               "w");
    expect_cmd(fd, ":2\r\n", "SADD", "zset:u:s", "z", "q");
    expect_cmd(fd, ":5\r\n", "ZUNIONSTORE", "zset:u:d", "3", "zset:u:a",
               "zset:u:b", "zset:u:s", "WEIGHTS", "2", "2", "3");
    expect_cmd(fd,
               "*10\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\nq\r\n$1\r\n3\r\n$1\r\ny\r\n"
               "$2\r\n24\r\n$1\r\nz\r\n$2\r\n49\r\n$1\r\nw\r\n$2\r\n60\r\n",
               "ZRANGE", "zset:u:d", "0", "-1", "WITHSCORES");
    expect_cmd(fd, ":2\r\n", "ZINTERSTORE", "zset:u:d", "2", "zset:u:a",
               "zset:u:b", "AGGREGATE", "MAX");
    expect_cmd(fd, "*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n",
               "ZRANGE", "zset:u:d", "0", "-1", "WITHSCORES");
    expect_cmd(fd, "*2\r\n$1\r\nz\r\n$1\r\n1\r\n", "ZINTER", "3", "zset:u:a",
               "zset:u:b", "zset:u:s", "AGGREGATE", "MIN", "WITHSCORES");
    expect_cmd(fd, "*1\r\n$1\r\nx\r\n", "ZDIFF", "2", "zset:u:a", "zset:u:b");
    expect_cmd(fd, ":1\r\n", "ZDIFFSTORE", "zset:u:d", "2", "zset:u:b",
               "zset:u:a");
    expect_cmd(fd, "*2\r\n$1\r\nw\r\n$2\r\n30\r\n", "ZRANGE", "zset:u:d", "0",
               "-1", "WITHSCORES");
    expect_cmd(fd, ":2\r\n", "ZINTERCARD", "2", "zset:u:a", "zset:u:b");
    expect_cmd(fd, ":1\r\n", "ZINTERCARD", "2", "zset:u:a", "zset:u:b",
               "LIMIT", "1");
    /* an empty result deletes the destination */
    expect_cmd(fd, ":0\r\n", "ZINTERSTORE", "zset:u:d", "2", "zset:u:a",
               "zset:u:nokey");
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:u:d");
    expect_cmd(fd, ":3\r\n", "DEL", "zset:u:a", "zset:u:b", "zset:u:s");
    close(fd);
}

Test(zsets, scan_big_set) {
    int fd = h_conn();
    fill(fd, "zset:sc:z", 500);
    int *seen = calloc(500, sizeof *seen);
    char cursor[32] = "0";
    do {
        h_resp_t *r = h_callp(fd, "ZSCAN", "zset:sc:z", cursor, "COUNT", "50",
                              NULL);
        cr_assert_eq(r->type, '*');
        cr_assert_eq(r->n, 2);
        snprintf(cursor, sizeof cursor, "%s", r->elems[0]->str);
        const h_resp_t *items = r->elems[1];
        cr_assert_eq(items->n % 2, 0);
        for (size_t i = 0; i < items->n; i += 2) {
            int m, s;
            cr_assert(sscanf(items->elems[i]->str, "m%d", &m) == 1);
            cr_assert(sscanf(items->elems[i + 1]->str, "%d", &s) == 1);
            cr_assert_eq(m, s);
            seen[m]++;
        }
        h_resp_free(r);
    } while (strcmp(cursor, "0") != 0);
    for (int i = 0; i < 500; i++) cr_assert(seen[i] >= 1, "m%d missed", i);
    free(seen);
    expect_cmd(fd, ":1\r\n", "DEL", "zset:sc:z");
    close(fd);
}

/* ---- two connections on one key ---- */

#define INCRS 2000

static void *incr_run(void *arg) {
    int *bad = arg;
    int fd = h_try_connect(h_port());
    if (fd < 0) {
        *bad = -1;
        return NULL;
    }
    for (int i = 0; i < INCRS; i++) {
        h_bytes_t b = h_call(fd, "ZINCRBY", "zset:c:z", "1", "m", NULL);
        if (!b.buf || b.buf[0] != '$') (*bad)++;
        h_bytes_free(&b);
    }
    close(fd);
    return NULL;
}

Test(zsets, zincrby_from_two_connections, .timeout = 120) {
    int bad1 = 0, bad2 = 0;
    pthread_t t1, t2;
    cr_assert(pthread_create(&t1, NULL, incr_run, &bad1) == 0);
    cr_assert(pthread_create(&t2, NULL, incr_run, &bad2) == 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_eq(bad1, 0);
    cr_assert_eq(bad2, 0);
    int fd = h_conn();
    expect_cmd(fd, "$4\r\n4000\r\n", "ZSCORE", "zset:c:z", "m");
    expect_cmd(fd, ":1\r\n", "DEL", "zset:c:z");
    close(fd);
}

#define POPPED 3000

typedef struct popper {
    int *got; /* got[i]: times member i was popped */
    int n, bad;
} popper_t;

static void *pop_run(void *arg) {
    popper_t *p = arg;
    int fd = h_try_connect(h_port());
    if (fd < 0) {
        p->bad = -1;
        return NULL;
    }
    for (;;) {
        h_resp_t *r = h_callp(fd, "ZPOPMIN", "zset:p:z", NULL);
        if (r->type != '*') {
            p->bad++;
            h_resp_free(r);
            break;
        }
        if (r->n == 0) {
            h_resp_free(r);
            break;
        }
        int m;
        if (r->n != 2 || sscanf(r->elems[0]->str, "m%d", &m) != 1 || m < 0 ||
            m >= POPPED)
            p->bad++;
        else
            __atomic_fetch_add(&p->got[m], 1, __ATOMIC_RELAXED);
        p->n++;
        h_resp_free(r);
    }
    close(fd);
    return NULL;
}

Test(zsets, zpopmin_from_two_connections, .timeout = 120) {
    int fd = h_conn();
    for (int off = 0; off < POPPED; off += 500) {
        const char *argv[2 + 1000];
        char buf[500][2][16];
        argv[0] = "ZADD";
        argv[1] = "zset:p:z";
        for (int i = 0; i < 500; i++) {
            snprintf(buf[i][0], 16, "%d", off + i);
            snprintf(buf[i][1], 16, "m%d", off + i);
            argv[2 + 2 * i] = buf[i][0];
            argv[3 + 2 * i] = buf[i][1];
        }
        h_bytes_t b = h_callv(fd, 1002, argv, NULL);
        cr_assert_str_eq(b.buf, ":500\r\n");
        h_bytes_free(&b);
    }
    int *got = calloc(POPPED, sizeof *got);
    popper_t p1 = {.got = got}, p2 = {.got = got};
    pthread_t t1, t2;
    cr_assert(pthread_create(&t1, NULL, pop_run, &p1) == 0);
    cr_assert(pthread_create(&t2, NULL, pop_run, &p2) == 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_eq(p1.bad, 0);
    cr_assert_eq(p2.bad, 0);
    cr_assert_eq(p1.n + p2.n, POPPED);
    for (int i = 0; i < POPPED; i++)
        cr_assert_eq(got[i], 1, "m%d popped %d times", i, got[i]);
    free(got);
    expect_cmd(fd, ":0\r\n", "EXISTS", "zset:p:z");
    close(fd);
}
