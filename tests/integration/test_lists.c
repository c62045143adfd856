/* List commands over TCP: exact reply bytes (errors included) in RESP2 and
 * RESP3, argument-check order, lists of many nodes, pipelined pushes, and
 * LMOVE's atomicity under connections moving elements both ways. Expected
 * bytes were checked against redis-server 7.0.15 (run the binary with
 * MINIREDIS_BIN=/usr/bin/redis-server). Every test uses its own
 * "list:<test>:" key prefix. */
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
#define NOT_INT "-ERR value is not an integer or out of range\r\n"

static void resp3(int fd) {
    h_bytes_t b = h_call(fd, "HELLO", "3", NULL);
    cr_assert_not_null(b.buf);
    h_bytes_free(&b);
}

Test(lists, push_pop_range) {
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "RPUSH", "list:ppr:l", "a", "b", "c");
    expect_cmd(fd, ":5\r\n", "LPUSH", "list:ppr:l", "y", "x");
    expect_cmd(fd,
               "*5\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
               "LRANGE", "list:ppr:l", "0", "-1");
    expect_cmd(fd, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "LRANGE", "list:ppr:l",
               "-2", "100");
    expect_cmd(fd, "*0\r\n", "LRANGE", "list:ppr:l", "3", "1");
    expect_cmd(fd, ":5\r\n", "LLEN", "list:ppr:l");
    expect_cmd(fd, "$1\r\nx\r\n", "LPOP", "list:ppr:l");
    expect_cmd(fd, "$1\r\nc\r\n", "RPOP", "list:ppr:l");
    expect_cmd(fd, "*0\r\n", "LPOP", "list:ppr:l", "0");
    expect_cmd(fd, "*2\r\n$1\r\ny\r\n$1\r\na\r\n", "LPOP", "list:ppr:l", "2");
    expect_cmd(fd, "*1\r\n$1\r\nb\r\n", "RPOP", "list:ppr:l", "10");
    expect_cmd(fd, ":0\r\n", "EXISTS", "list:ppr:l");
    expect_cmd(fd, "$-1\r\n", "LPOP", "list:ppr:l");
    expect_cmd(fd, "*-1\r\n", "LPOP", "list:ppr:l", "0");
    expect_cmd(fd, "*-1\r\n", "RPOP", "list:ppr:l", "2");
    expect_cmd(fd, "-ERR value is out of range, must be positive\r\n", "LPOP",
               "list:ppr:l", "-1");
    expect_cmd(fd, "-ERR value is out of range, must be positive\r\n", "RPOP",
               "list:ppr:l", "x");
    expect_cmd(fd, "-ERR wrong number of arguments for 'lpop' command\r\n",
               "LPOP", "list:ppr:l", "1", "2");
    expect_cmd(fd, "-ERR wrong number of arguments for 'rpush' command\r\n",
               "RPUSH", "list:ppr:l");
    expect_cmd(fd, ":0\r\n", "LPUSHX", "list:ppr:l", "a");
    expect_cmd(fd, ":0\r\n", "RPUSHX", "list:ppr:l", "a", "b");
    expect_cmd(fd, ":0\r\n", "EXISTS", "list:ppr:l");
    close(fd);
}

Test(lists, resp3_replies) {
    int fd = h_conn();
    resp3(fd);
    expect_cmd(fd, "_\r\n", "LPOP", "list:r3:missing");
    expect_cmd(fd, "_\r\n", "LPOP", "list:r3:missing", "0");
    expect_cmd(fd, "_\r\n", "RPOP", "list:r3:missing", "2");
    expect_cmd(fd, "_\r\n", "LINDEX", "list:r3:missing", "0");
    expect_cmd(fd, "_\r\n", "LMOVE", "list:r3:missing", "list:r3:d", "LEFT",
               "RIGHT");
    expect_cmd(fd, "_\r\n", "LMPOP", "1", "list:r3:missing", "LEFT");
    expect_cmd(fd, "_\r\n", "LPOS", "list:r3:missing", "a");
    expect_cmd(fd, "*0\r\n", "LPOS", "list:r3:missing", "a", "COUNT", "0");
    expect_cmd(fd, ":2\r\n", "RPUSH", "list:r3:l", "a", "b");
    expect_cmd(fd, "*0\r\n", "LPOP", "list:r3:l", "0");
    expect_cmd(fd, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "LRANGE", "list:r3:l", "0",
               "-1");
    expect_cmd(fd, "*2\r\n$9\r\nlist:r3:l\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n",
               "LMPOP", "1", "list:r3:l", "RIGHT", "COUNT", "5");
    close(fd);
}

Test(lists, index_set_insert) {
    int fd = h_conn();
    expect_cmd(fd, ":4\r\n", "RPUSH", "list:isi:l", "a", "b", "c", "a");
    expect_cmd(fd, "$1\r\na\r\n", "LINDEX", "list:isi:l", "-1");
    expect_cmd(fd, "$-1\r\n", "LINDEX", "list:isi:l", "4");
    expect_cmd(fd, NOT_INT, "LINDEX", "list:isi:l", "x");
    expect_cmd(fd, "$-1\r\n", "LINDEX", "list:isi:missing", "x");
    expect_cmd(fd, "+OK\r\n", "LSET", "list:isi:l", "1", "B");
    expect_cmd(fd, "-ERR index out of range\r\n", "LSET", "list:isi:l", "4",
               "z");
    expect_cmd(fd, "-ERR no such key\r\n", "LSET", "list:isi:missing", "0",
               "z");
    expect_cmd(fd, "-ERR no such key\r\n", "LSET", "list:isi:missing", "x",
               "z");
    expect_cmd(fd, NOT_INT, "LSET", "list:isi:l", "x", "z");
    expect_cmd(fd, ":5\r\n", "LINSERT", "list:isi:l", "BEFORE", "a", "0");
    expect_cmd(fd, ":6\r\n", "LINSERT", "list:isi:l", "after", "a", "1");
    expect_cmd(fd, ":-1\r\n", "LINSERT", "list:isi:l", "after", "zz", "1");
    expect_cmd(fd, ":0\r\n", "LINSERT", "list:isi:missing", "after", "a",
               "1");
    expect_cmd(fd, SYNTAX, "LINSERT", "list:isi:missing", "middle", "a", "1");
    expect_cmd(fd,
               "*6\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nB\r\n$1\r\nc\r\n"
               "$1\r\na\r\n",
               "LRANGE", "list:isi:l", "0", "-1");
    close(fd);
}

Test(lists, rem_trim) {
    int fd = h_conn();
    expect_cmd(fd, ":8\r\n", "RPUSH", "list:rt:l", "a", "x", "a", "y", "a",
               "z", "a", "a");
    expect_cmd(fd, ":2\r\n", "LREM", "list:rt:l", "2", "a");
    expect_cmd(fd, ":2\r\n", "LREM", "list:rt:l", "-2", "a");
    expect_cmd(fd,
               "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\na\r\n$1\r\nz\r\n",
               "LRANGE", "list:rt:l", "0", "-1");
    expect_cmd(fd, ":1\r\n", "LREM", "list:rt:l", "0", "a");
    expect_cmd(fd, NOT_INT, "LREM", "list:rt:l", "x", "a");
    expect_cmd(fd, ":0\r\n", "LREM", "list:rt:missing", "0", "a");
    expect_cmd(fd, "+OK\r\n", "LTRIM", "list:rt:l", "1", "-1");
    expect_cmd(fd, "*2\r\n$1\r\ny\r\n$1\r\nz\r\n", "LRANGE", "list:rt:l",
               "0", "-1");
    expect_cmd(fd, NOT_INT, "LTRIM", "list:rt:l", "0", "x");
    expect_cmd(fd, "+OK\r\n", "LTRIM", "list:rt:missing", "0", "1");
    expect_cmd(fd, "+OK\r\n", "LTRIM", "list:rt:l", "5", "1");
    expect_cmd(fd, ":0\r\n", "EXISTS", "list:rt:l");
    close(fd);
}

Test(lists, lpos) {
    static const char rank0[] =
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 "
        "from the second ... or use negative to start from the end of the "
        "list\r\n";
    int fd = h_conn();
    const char *k = "list:pos:l";
    expect_cmd(fd, ":7\r\n", "RPUSH", k, "a", "b", "c", "a", "b", "c", "a");
    expect_cmd(fd, ":0\r\n", "LPOS", k, "a");
    expect_cmd(fd, ":3\r\n", "LPOS", k, "a", "RANK", "2");
    expect_cmd(fd, ":6\r\n", "LPOS", k, "a", "RANK", "-1");
    expect_cmd(fd, "*2\r\n:3\r\n:0\r\n", "LPOS", k, "a", "RANK", "-2",
               "COUNT", "0");
    expect_cmd(fd, "*3\r\n:0\r\n:3\r\n:6\r\n", "LPOS", k, "a", "COUNT", "0");
    expect_cmd(fd, "*1\r\n:0\r\n", "LPOS", k, "a", "MAXLEN", "3", "COUNT",
               "0");
    expect_cmd(fd, "$-1\r\n", "LPOS", k, "z");
    expect_cmd(fd, "*0\r\n", "LPOS", k, "z", "COUNT", "2");
    expect_cmd(fd, "*3\r\n:0\r\n:3\r\n:6\r\n", "LPOS", k, "a", "COUNT",
               "9223372036854775807");
    expect_cmd(fd, "$-1\r\n", "LPOS", k, "a", "RANK", "9223372036854775807");
    /* what 7.0.15 answers for this rank (later versions refuse it) */
    expect_cmd(fd, "*3\r\n:6\r\n:3\r\n:0\r\n", "LPOS", k, "a", "RANK",
               "-9223372036854775808", "COUNT", "1");
    expect_cmd(fd, rank0, "LPOS", k, "a", "RANK", "0");
    expect_cmd(fd, rank0, "LPOS", "list:pos:missing", "a", "RANK", "0");
    expect_cmd(fd, NOT_INT, "LPOS", k, "a", "RANK", "x");
    expect_cmd(fd, "-ERR COUNT can't be negative\r\n", "LPOS", k, "a",
               "COUNT", "-1");
    expect_cmd(fd, "-ERR MAXLEN can't be negative\r\n", "LPOS", k, "a",
               "MAXLEN", "x");
    expect_cmd(fd, SYNTAX, "LPOS", k, "a", "RANK");
    expect_cmd(fd, SYNTAX, "LPOS", k, "a", "FOO", "1");
    close(fd);
}

Test(lists, lmove_rpoplpush_lmpop) {
    int fd = h_conn();
    const char *s = "list:mv:s", *d = "list:mv:d";
    expect_cmd(fd, ":3\r\n", "RPUSH", s, "a", "b", "c");
    expect_cmd(fd, "$1\r\na\r\n", "LMOVE", s, d, "LEFT", "RIGHT");
    expect_cmd(fd, "$1\r\nc\r\n", "RPOPLPUSH", s, d);
    expect_cmd(fd, "*2\r\n$1\r\nc\r\n$1\r\na\r\n", "LRANGE", d, "0", "-1");
    expect_cmd(fd, "$1\r\nc\r\n", "LMOVE", d, d, "left", "right");
    expect_cmd(fd, "*2\r\n$1\r\na\r\n$1\r\nc\r\n", "LRANGE", d, "0", "-1");
    expect_cmd(fd, SYNTAX, "LMOVE", s, d, "LEFT", "UP");
    expect_cmd(fd, "$1\r\nb\r\n", "LMOVE", s, d, "RIGHT", "LEFT");
    expect_cmd(fd, ":0\r\n", "EXISTS", s);
    expect_cmd(fd, "$-1\r\n", "LMOVE", s, d, "RIGHT", "LEFT");
    expect_cmd(fd, "$-1\r\n", "RPOPLPUSH", s, d);
    /* a single-element list rotating onto itself keeps its TTL */
    expect_cmd(fd, ":1\r\n", "RPUSH", "list:mv:one", "x");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "list:mv:one", "100");
    expect_cmd(fd, "$1\r\nx\r\n", "RPOPLPUSH", "list:mv:one", "list:mv:one");
    expect_cmd(fd, ":100\r\n", "TTL", "list:mv:one");
    /* LMPOP */
    expect_cmd(fd, "*2\r\n$9\r\nlist:mv:d\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n",
               "LMPOP", "2", s, d, "LEFT", "COUNT", "2");
    expect_cmd(fd, "*-1\r\n", "LMPOP", "1", s, "LEFT");
    expect_cmd(fd, "-ERR numkeys should be greater than 0\r\n", "LMPOP", "0",
               s, "LEFT");
    expect_cmd(fd, SYNTAX, "LMPOP", "2", s, "LEFT");
    expect_cmd(fd, "-ERR count should be greater than 0\r\n", "LMPOP", "1", s,
               "LEFT", "COUNT", "0");
    expect_cmd(fd, SYNTAX, "LMPOP", "1", s, "LEFT", "COUNT", "1", "COUNT",
               "1");
    close(fd);
}

Test(lists, wrongtype_both_ways) {
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "list:wt:s", "v");
    expect_cmd(fd, WRONGTYPE, "LPUSH", "list:wt:s", "a");
    expect_cmd(fd, WRONGTYPE, "RPUSHX", "list:wt:s", "a");
    expect_cmd(fd, WRONGTYPE, "LPOP", "list:wt:s", "0");
    expect_cmd(fd, WRONGTYPE, "RPOP", "list:wt:s");
    expect_cmd(fd, WRONGTYPE, "LRANGE", "list:wt:s", "0", "-1");
    expect_cmd(fd, WRONGTYPE, "LLEN", "list:wt:s");
    expect_cmd(fd, WRONGTYPE, "LINDEX", "list:wt:s", "x");
    expect_cmd(fd, WRONGTYPE, "LSET", "list:wt:s", "0", "a");
    expect_cmd(fd, WRONGTYPE, "LINSERT", "list:wt:s", "BEFORE", "a", "b");
    expect_cmd(fd, WRONGTYPE, "LREM", "list:wt:s", "0", "a");
    expect_cmd(fd, WRONGTYPE, "LTRIM", "list:wt:s", "0", "1");
    expect_cmd(fd, WRONGTYPE, "LPOS", "list:wt:s", "a");
    expect_cmd(fd, WRONGTYPE, "LMOVE", "list:wt:s", "list:wt:d", "LEFT",
               "LEFT");
    expect_cmd(fd, WRONGTYPE, "LMPOP", "1", "list:wt:s", "LEFT");
    expect_cmd(fd, ":1\r\n", "RPUSH", "list:wt:l", "a");
    expect_cmd(fd, WRONGTYPE, "RPOPLPUSH", "list:wt:l", "list:wt:s");
    expect_cmd(fd, WRONGTYPE, "GET", "list:wt:l");
    expect_cmd(fd, WRONGTYPE, "INCR", "list:wt:l");
    expect_cmd(fd, WRONGTYPE, "HGET", "list:wt:l", "f");
    expect_cmd(fd, WRONGTYPE, "SADD", "list:wt:l", "m");
    expect_cmd(fd, "*1\r\n$1\r\na\r\n", "LRANGE", "list:wt:l", "0", "-1");
    expect_cmd(fd, ":0\r\n", "EXISTS", "list:wt:d");
    close(fd);
}

Test(lists, keyspace) {
    int fd = h_conn();
    expect_cmd(fd, ":2\r\n", "RPUSH", "list:ks:l", "a", "b");
    expect_cmd(fd, "+list\r\n", "TYPE", "list:ks:l");
    expect_cmd(fd, "$9\r\nquicklist\r\n", "OBJECT", "ENCODING", "list:ks:l");
    expect_cmd(fd, ":1\r\n", "COPY", "list:ks:l", "list:ks:c");
    expect_cmd(fd, ":3\r\n", "RPUSH", "list:ks:l", "c");
    expect_cmd(fd, ":2\r\n", "LLEN", "list:ks:c");
    expect_cmd(fd, "+OK\r\n", "RENAME", "list:ks:c", "list:ks:r");
    expect_cmd(fd, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "LRANGE", "list:ks:r", "0",
               "-1");
    expect_cmd(fd, ":1\r\n", "PEXPIRE", "list:ks:r", "1");
    h_sleep_ms(20);
    expect_cmd(fd, ":0\r\n", "LLEN", "list:ks:r");
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*1\r\n$9\r\nlist:ks:l\r\n", "SCAN", "0",
               "MATCH", "list:ks:*", "TYPE", "list", "COUNT", "100000");
    expect_cmd(fd, ":1\r\n", "DEL", "list:ks:l");
    close(fd);
}

/* 3000 elements of 100 bytes: dozens of nodes at the default 8 KiB. */
Test(lists, big_list) {
    int fd = h_conn();
    const char *k = "list:big:l";
    char v[128];
    for (int i = 0; i < 3000; i++) {
        snprintf(v, sizeof v, "%04d-%095d", i, 0);
        char want[16];
        snprintf(want, sizeof want, ":%d\r\n", i + 1);
        expect_cmd(fd, want, "RPUSH", k, v);
    }
    snprintf(v, sizeof v, "$100\r\n%04d-%095d\r\n", 1234, 0);
    expect_cmd(fd, v, "LINDEX", k, "1234");
    snprintf(v, sizeof v, "$100\r\n%04d-%095d\r\n", 2999, 0);
    expect_cmd(fd, v, "LINDEX", k, "-1");
    expect_cmd(fd, ":-1\r\n", "LINSERT", k, "BEFORE", "zz", "x");
    h_resp_t *r = h_callp(fd, "LRANGE", k, "1000", "1099", NULL);
    cr_assert_eq(r->n, 100);
    for (size_t i = 0; i < r->n; i++)
        cr_assert_eq(atoi(r->elems[i]->str), 1000 + (int)i);
    h_resp_free(r);
    snprintf(v, sizeof v, "%04d-%095d", 1500, 0);
    expect_cmd(fd, ":1500\r\n", "LPOS", k, v);
    expect_cmd(fd, ":1\r\n", "LREM", k, "0", v);
    expect_cmd(fd, "+OK\r\n", "LTRIM", k, "100", "-101");
    expect_cmd(fd, ":2799\r\n", "LLEN", k);
    snprintf(v, sizeof v, "$100\r\n%04d-%095d\r\n", 100, 0);
    expect_cmd(fd, v, "LPOP", k);
    r = h_callp(fd, "RPOP", k, "5000", NULL);
    cr_assert_eq(r->n, 2798);
    cr_assert_eq(atoi(r->elems[0]->str), 2899);
    cr_assert_eq(atoi(r->elems[2797]->str), 101);
    h_resp_free(r);
    expect_cmd(fd, ":0\r\n", "EXISTS", k);
    close(fd);
}

/* 1000 pushes in one write: replies come back in order. */
Test(lists, pipelined_pushes) {
    int fd = h_conn();
    size_t cap = 1000 * 64, len = 0;
    char *req = malloc(cap), *want = malloc(1000 * 16);
    size_t wlen = 0;
    for (int i = 0; i < 1000; i++) {
        len += (size_t)snprintf(req + len, cap - len,
                                "*3\r\n$5\r\nLPUSH\r\n$10\r\nlist:pp:l1\r\n"
                                "$1\r\n%d\r\n", i % 10);
        wlen += (size_t)sprintf(want + wlen, ":%d\r\n", i + 1);
    }
    expect_reply_n(fd, req, len, want, wlen);
    expect_cmd(fd, "*3\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n", "LRANGE",
               "list:pp:l1", "0", "2");
    free(req);
    free(want);
    close(fd);
}

/* Two connections move elements between two lists in opposite directions
 * while a third pushes and pops: no element is lost or duplicated. */
typedef struct mover {
    const char *from, *to;
    int moved, bad;
} mover_t;

static void *mover_run(void *arg) {
    mover_t *m = arg;
    int fd = h_conn();
    for (int i = 0; i < 2000; i++) {
        h_resp_t *r = h_callp(fd, "LMOVE", m->from, m->to,
                              i % 2 ? "LEFT" : "RIGHT", "LEFT", NULL);
        if (r->type == '$' && !r->is_null)
            m->moved++;
        else if (!(r->type == '$' && r->is_null))
            m->bad++;
        h_resp_free(r);
    }
    close(fd);
    return NULL;
}

Test(lists, concurrent_moves) {
    int fd = h_conn();
    const char *a = "list:conc:a", *b = "list:conc:b";
    char v[16];
    for (int i = 0; i < 200; i++) {
        snprintf(v, sizeof v, "%d", i);
        h_bytes_t rb = h_call(fd, "RPUSH", i % 2 ? a : b, v, NULL);
        h_bytes_free(&rb);
    }
    mover_t m1 = {.from = a, .to = b}, m2 = {.from = b, .to = a};
    pthread_t t1, t2;
    cr_assert(pthread_create(&t1, NULL, mover_run, &m1) == 0);
    cr_assert(pthread_create(&t2, NULL, mover_run, &m2) == 0);
    for (int i = 0; i < 300; i++) {
        h_resp_t *x = h_callp(fd, "LLEN", a, NULL);
        h_resp_t *y = h_callp(fd, "LLEN", b, NULL);
        cr_assert(x->integer >= 0 && y->integer >= 0);
        h_resp_free(x);
        h_resp_free(y);
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_eq(m1.bad + m2.bad, 0);
    bool seen[200] = {false};
    const char *keys[2] = {a, b};
    int total = 0;
    for (int k = 0; k < 2; k++) {
        h_resp_t *r = h_callp(fd, "LRANGE", keys[k], "0", "-1", NULL);
        for (size_t i = 0; i < r->n; i++) {
            int x = atoi(r->elems[i]->str);
            cr_assert(x >= 0 && x < 200 && !seen[x], "element %d twice", x);
            seen[x] = true;
            total++;
        }
        h_resp_free(r);
    }
    cr_assert_eq(total, 200);
    close(fd);
}
