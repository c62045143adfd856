/* Set commands over TCP: exact reply bytes (validated against
 * redis-server 7.0.15 by running this binary with MINIREDIS_BIN pointing at
 * it), RESP3 set replies, and SMOVE's atomicity under two connections moving
 * members in opposite directions. Every test uses its own "set:<test>:" key
 * prefix. Replies with more than one member are compared as sets, since
 * their order is the hash table's. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sends the command and checks the reply is an aggregate of type `type`
 * whose members, sorted, are the space-separated words of `want`. */
static void expect_members(int fd, char type, const char *want,
                           const char *a0, const char *a1, const char *a2) {
    h_resp_t *r = h_callp(fd, a0, a1, a2, NULL);
    cr_assert_eq(r->type, type, "%s %s: reply type %c, want %c", a0, a1,
                 r->type, type);
    char *got[64];
    size_t n = r->n < 64 ? r->n : 64;
    for (size_t i = 0; i < n; i++) got[i] = r->elems[i]->str;
    qsort(got, n, sizeof *got, cmp_str);
    char joined[512] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(joined, " ");
        strncat(joined, got[i], sizeof joined - strlen(joined) - 2);
    }
    cr_assert_str_eq(joined, want, "%s %s %s", a0, a1, a2 ? a2 : "");
    h_resp_free(r);
}

Test(sets, basic_replies) {
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "SADD", "set:b:s", "a", "b", "c");
    expect_cmd(fd, ":0\r\n", "SADD", "set:b:s", "a");
    expect_cmd(fd, ":3\r\n", "SCARD", "set:b:s");
    expect_cmd(fd, ":1\r\n", "SISMEMBER", "set:b:s", "b");
    expect_cmd(fd, ":0\r\n", "SISMEMBER", "set:b:s", "z");
    expect_cmd(fd, "*3\r\n:1\r\n:0\r\n:1\r\n", "SMISMEMBER", "set:b:s", "a",
               "z", "c");
    expect_cmd(fd, "*2\r\n:0\r\n:0\r\n", "SMISMEMBER", "set:b:nx", "a", "b");
    expect_members(fd, '*', "a b c", "SMEMBERS", "set:b:s", NULL);
    expect_cmd(fd, "*0\r\n", "SMEMBERS", "set:b:nx");
    expect_cmd(fd, ":2\r\n", "SREM", "set:b:s", "a", "b", "x");
    expect_cmd(fd, "*1\r\n$1\r\nc\r\n", "SMEMBERS", "set:b:s");
    expect_cmd(fd, ":1\r\n", "SREM", "set:b:s", "c");
    expect_cmd(fd, ":0\r\n", "EXISTS", "set:b:s");
    expect_cmd(fd, "-ERR wrong number of arguments for 'sadd' command\r\n",
               "SADD", "set:b:s");
    close(fd);
}

Test(sets, errors_and_wrongtype) {
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "set:e:str", "x");
    expect_cmd(fd, ":1\r\n", "SADD", "set:e:s", "a");
    expect_cmd(fd, WRONGTYPE, "SADD", "set:e:str", "a");
    expect_cmd(fd, WRONGTYPE, "SMEMBERS", "set:e:str");
    expect_cmd(fd, WRONGTYPE, "SINTER", "set:e:nx", "set:e:str");
    expect_cmd(fd, WRONGTYPE, "SUNIONSTORE", "set:e:d", "set:e:s", "set:e:str");
    expect_cmd(fd, ":0\r\n", "SMOVE", "set:e:nx", "set:e:str", "a");
    expect_cmd(fd, WRONGTYPE, "SMOVE", "set:e:s", "set:e:str", "a");
    expect_cmd(fd, "-ERR value is out of range, must be positive\r\n", "SPOP",
               "set:e:s", "-1");
    expect_cmd(fd, "-ERR syntax error\r\n", "SPOP", "set:e:s", "1", "2");
    expect_cmd(fd,
               "-ERR value is out of range, value must between "
               "-9223372036854775807 and 9223372036854775807\r\n",
               "SRANDMEMBER", "set:e:s", "-9223372036854775808");
    expect_cmd(fd, "-ERR numkeys should be greater than 0\r\n", "SINTERCARD",
               "0", "set:e:s");
    expect_cmd(fd, "-ERR Number of keys can't be greater than number of args\r\n",
               "SINTERCARD", "2", "set:e:s");
    expect_cmd(fd, "-ERR LIMIT can't be negative\r\n", "SINTERCARD", "1",
               "set:e:s", "LIMIT", "-1");
    expect_cmd(fd, "-ERR syntax error\r\n", "SINTERCARD", "1", "set:e:s",
               "FOO");
    expect_cmd(fd, "-ERR invalid cursor\r\n", "SSCAN", "set:e:s", "x");
    expect_cmd(fd, "-ERR syntax error\r\n", "SSCAN", "set:e:s", "0", "COUNT",
               "0");
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*0\r\n", "SSCAN", "set:e:nx", "0");
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", "SSCAN", "set:e:s",
               "0", "MATCH", "a*");
    close(fd);
}

Test(sets, spop_srandmember) {
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "SPOP", "set:p:nx");
    expect_cmd(fd, "*0\r\n", "SPOP", "set:p:nx", "3");
    expect_cmd(fd, "$-1\r\n", "SRANDMEMBER", "set:p:nx");
    expect_cmd(fd, "*0\r\n", "SRANDMEMBER", "set:p:nx", "-3");
    expect_cmd(fd, ":1\r\n", "SADD", "set:p:one", "z");
    expect_cmd(fd, "*2\r\n$1\r\nz\r\n$1\r\nz\r\n", "SRANDMEMBER", "set:p:one",
               "-2");
    expect_cmd(fd, "*1\r\n$1\r\nz\r\n", "SRANDMEMBER", "set:p:one", "100");
    expect_cmd(fd, "*1\r\n$1\r\nz\r\n", "SPOP", "set:p:one", "100");
    expect_cmd(fd, ":0\r\n", "EXISTS", "set:p:one");
    expect_cmd(fd, ":3\r\n", "SADD", "set:p:s", "a", "b", "c");
    expect_members(fd, '*', "a b c", "SPOP", "set:p:s", "5");
    expect_cmd(fd, ":0\r\n", "EXISTS", "set:p:s");
    close(fd);
}

Test(sets, algebra_and_store) {
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "SADD", "set:a:x", "1", "2", "3");
    expect_cmd(fd, ":3\r\n", "SADD", "set:a:y", "2", "3", "4");
    expect_members(fd, '*', "2 3", "SINTER", "set:a:x", "set:a:y");
    expect_members(fd, '*', "1 2 3 4", "SUNION", "set:a:x", "set:a:y");
    expect_members(fd, '*', "1", "SDIFF", "set:a:x", "set:a:y");
    expect_cmd(fd, "*0\r\n", "SINTER", "set:a:x", "set:a:nx");
    expect_cmd(fd, ":2\r\n", "SINTERCARD", "2", "set:a:x", "set:a:y");
    expect_cmd(fd, ":1\r\n", "SINTERCARD", "2", "set:a:x", "set:a:y", "LIMIT",
               "1");
    expect_cmd(fd, ":2\r\n", "SINTERSTORE", "set:a:d", "set:a:x", "set:a:y");
    expect_members(fd, '*', "2 3", "SMEMBERS", "set:a:d", NULL);
    expect_cmd(fd, ":0\r\n", "SDIFFSTORE", "set:a:d", "set:a:x", "set:a:x");
    expect_cmd(fd, ":0\r\n", "EXISTS", "set:a:d");
    expect_cmd(fd, ":4\r\n", "SUNIONSTORE", "set:a:x", "set:a:x", "set:a:y");
    expect_cmd(fd, ":1\r\n", "SMOVE", "set:a:x", "set:a:y", "1");
    expect_cmd(fd, ":1\r\n", "SMOVE", "set:a:y", "set:a:y", "1");
    expect_cmd(fd, ":0\r\n", "SMOVE", "set:a:y", "set:a:y", "9");
    expect_cmd(fd, ":4\r\n", "SCARD", "set:a:y");
    close(fd);
}

Test(sets, resp3_set_replies) {
    int fd = h_conn();
    h_resp_t *r = h_callp(fd, "HELLO", "3", NULL);
    h_resp_free(r);
    expect_cmd(fd, ":1\r\n", "SADD", "set:r3:s", "m");
    expect_cmd(fd, "~1\r\n$1\r\nm\r\n", "SMEMBERS", "set:r3:s");
    expect_cmd(fd, "~0\r\n", "SMEMBERS", "set:r3:nx");
    expect_cmd(fd, "~1\r\n$1\r\nm\r\n", "SINTER", "set:r3:s", "set:r3:s");
    expect_cmd(fd, "~1\r\n$1\r\nm\r\n", "SUNION", "set:r3:s", "set:r3:nx");
    expect_cmd(fd, "~0\r\n", "SDIFF", "set:r3:s", "set:r3:s");
    expect_cmd(fd, "*1\r\n$1\r\nm\r\n", "SRANDMEMBER", "set:r3:s", "3");
    expect_cmd(fd, "_\r\n", "SPOP", "set:r3:nx");
    expect_cmd(fd, "~0\r\n", "SPOP", "set:r3:nx", "2");
    expect_cmd(fd, "~1\r\n$1\r\nm\r\n", "SPOP", "set:r3:s", "2");
    close(fd);
}

/* ---- SMOVE atomicity: two connections, opposite directions ---- */

#define MEMBERS 64
#define ROUNDS 2000

typedef struct mover {
    const char *from, *to;
    int bad; /* replies that were neither :0 nor :1 */
    int moved;
} mover_t;

static void *mover_run(void *arg) {
    mover_t *m = arg;
    int fd = h_try_connect(h_port());
    if (fd < 0) {
        m->bad = -1;
        return NULL;
    }
    char member[16];
    unsigned seed = (unsigned)(size_t)m->from[9];
    for (int i = 0; i < ROUNDS; i++) {
        snprintf(member, sizeof member, "m%d", rand_r(&seed) % MEMBERS);
        h_bytes_t b = h_call(fd, "SMOVE", m->from, m->to, member, NULL);
        if (!b.buf) {
            m->bad++;
            break;
        }
        if (strcmp(b.buf, ":1\r\n") == 0)
            m->moved++;
        else if (strcmp(b.buf, ":0\r\n") != 0)
            m->bad++;
        h_bytes_free(&b);
    }
    close(fd);
    return NULL;
}

Test(sets, smove_concurrent_opposite_directions, .timeout = 120) {
    int fd = h_conn();
    const char *a = "set:conc:a", *b = "set:conc:b";
    char member[16];
    for (int i = 0; i < MEMBERS; i++) {
        snprintf(member, sizeof member, "m%d", i);
        expect_cmd(fd, ":1\r\n", "SADD", i % 2 ? a : b, member);
    }
    mover_t m1 = {.from = a, .to = b}, m2 = {.from = b, .to = a};
    pthread_t t1, t2;
    cr_assert(pthread_create(&t1, NULL, mover_run, &m1) == 0);
    cr_assert(pthread_create(&t2, NULL, mover_run, &m2) == 0);
    /* meanwhile: no member is ever in both sets, and none is lost */
    for (int i = 0; i < 200; i++) {
        h_resp_t *r = h_callp(fd, "SINTERCARD", "2", a, b, NULL);
        cr_assert_eq(r->type, ':');
        cr_assert_eq(r->integer, 0, "a member is in both sets");
        h_resp_free(r);
        r = h_callp(fd, "SUNIONSTORE", "set:conc:u", a, b, NULL);
        cr_assert_eq(r->type, ':');
        cr_assert_eq(r->integer, MEMBERS, "union has %lld members",
                     r->integer);
        h_resp_free(r);
    }
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    cr_assert_eq(m1.bad, 0);
    cr_assert_eq(m2.bad, 0);
    cr_assert(m1.moved > 0 && m2.moved > 0);
    h_resp_t *ca = h_callp(fd, "SCARD", a, NULL);
    h_resp_t *cb = h_callp(fd, "SCARD", b, NULL);
    cr_assert_eq(ca->integer + cb->integer, MEMBERS);
    h_resp_free(ca);
    h_resp_free(cb);
    close(fd);
}

/* ---- the intset encoding: OBJECT ENCODING and replies as Redis 7.0.15
 * gives them at every conversion boundary ---- */

/* SADD key with the integers from..to in one command; checks the count. */
static void sadd_range(int fd, const char *key, long from, long to) {
    int n = (int)(to - from + 1);
    const char **argv = calloc((size_t)n + 2, sizeof *argv);
    char **nums = calloc((size_t)n, sizeof *nums);
    argv[0] = "SADD";
    argv[1] = key;
    for (int i = 0; i < n; i++) {
        nums[i] = malloc(24);
        snprintf(nums[i], 24, "%ld", from + i);
        argv[2 + i] = nums[i];
    }
    h_bytes_t b = h_callv(fd, n + 2, argv, NULL);
    char want[32];
    snprintf(want, sizeof want, ":%d\r\n", n);
    cr_assert(b.buf && !strcmp(b.buf, want), "SADD %s %ld..%ld: %s", key, from,
              to, b.buf ? b.buf : "(none)");
    h_bytes_free(&b);
    for (int i = 0; i < n; i++) free(nums[i]);
    free(nums);
    free(argv);
}

static void srem_range(int fd, const char *key, long from, long to) {
    for (long v = from; v <= to; v++) {
        char num[24];
        snprintf(num, sizeof num, "%ld", v);
        h_bytes_t b = h_call(fd, "SREM", key, num, NULL);
        cr_assert(b.buf && !strcmp(b.buf, ":1\r\n"));
        h_bytes_free(&b);
    }
}

#define INTSET "$6\r\nintset\r\n"
#define HASHTABLE "$9\r\nhashtable\r\n"

static void expect_enc(int fd, const char *key, const char *enc) {
    expect_cmd(fd, enc, "OBJECT", "ENCODING", key);
}

Test(sets, intset_member_boundaries) {
    int fd = h_conn();
    static const struct {
        const char *m, *enc;
    } cases[] = {
        {"1", INTSET},
        {"-1", INTSET},
        {"0", INTSET},
        {"-0", HASHTABLE},
        {"007", HASHTABLE},
        {" 1", HASHTABLE},
        {"+1", HASHTABLE},
        {"1.5", HASHTABLE},
        {"9223372036854775807", INTSET},
        {"9223372036854775808", HASHTABLE},
        {"-9223372036854775808", INTSET},
        {"-9223372036854775809", HASHTABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_cmd(fd, ":1\r\n", "SADD", "set:ib:k", cases[i].m);
        expect_enc(fd, "set:ib:k", cases[i].enc);
        char want[64];
        snprintf(want, sizeof want, "*1\r\n$%zu\r\n%s\r\n", strlen(cases[i].m),
                 cases[i].m);
        expect_cmd(fd, want, "SMEMBERS", "set:ib:k");
        expect_cmd(fd, ":1\r\n", "DEL", "set:ib:k");
    }
    /* widths grow inside the intset; replies stay ascending */
    expect_cmd(fd, ":5\r\n", "SADD", "set:ib:w", "5", "-70000", "32768",
               "9223372036854775807", "-9223372036854775808");
    expect_enc(fd, "set:ib:w", INTSET);
    expect_cmd(fd,
               "*5\r\n$20\r\n-9223372036854775808\r\n$6\r\n-70000\r\n$1\r\n5\r\n"
               "$5\r\n32768\r\n$19\r\n9223372036854775807\r\n",
               "SMEMBERS", "set:ib:w");
    expect_cmd(fd, "*3\r\n:1\r\n:0\r\n:0\r\n", "SMISMEMBER", "set:ib:w",
               "32768", "032768", "-0");
    /* then a string: a table for good, members unchanged */
    expect_cmd(fd, ":1\r\n", "SADD", "set:ib:w", "x");
    expect_enc(fd, "set:ib:w", HASHTABLE);
    expect_cmd(fd, ":1\r\n", "SREM", "set:ib:w", "x");
    expect_enc(fd, "set:ib:w", HASHTABLE);
    expect_cmd(fd, ":1\r\n", "SISMEMBER", "set:ib:w", "-70000");
    expect_cmd(fd, ":1\r\n", "DEL", "set:ib:w");
    close(fd);
}

Test(sets, intset_size_boundaries) {
    int fd = h_conn();
    expect_cmd(fd, "*2\r\n$22\r\nset-max-intset-entries\r\n$3\r\n512\r\n",
               "CONFIG", "GET", "set-max-intset-entries");
    sadd_range(fd, "set:sb:511", 1, 511);
    expect_enc(fd, "set:sb:511", INTSET);
    sadd_range(fd, "set:sb:512", 1, 512);
    expect_enc(fd, "set:sb:512", INTSET);
    sadd_range(fd, "set:sb:513", 1, 513);
    expect_enc(fd, "set:sb:513", HASHTABLE);
    /* growing one at a time: 512 stays, 513 converts */
    expect_cmd(fd, ":1\r\n", "SADD", "set:sb:511", "1000");
    expect_enc(fd, "set:sb:511", INTSET);
    expect_cmd(fd, ":0\r\n", "SADD", "set:sb:511", "1000");
    expect_cmd(fd, ":1\r\n", "SADD", "set:sb:511", "1001");
    expect_enc(fd, "set:sb:511", HASHTABLE);
    /* shrinking never converts back */
    srem_range(fd, "set:sb:513", 11, 513);
    expect_cmd(fd, ":10\r\n", "SCARD", "set:sb:513");
    expect_enc(fd, "set:sb:513", HASHTABLE);
    /* SSCAN on an intset: everything in one reply, cursor 0 */
    expect_cmd(fd, ":4\r\n", "SADD", "set:sb:scan", "30", "10", "20", "-5");
    expect_cmd(fd,
               "*2\r\n$1\r\n0\r\n*4\r\n$2\r\n-5\r\n$2\r\n10\r\n$2\r\n20\r\n"
               "$2\r\n30\r\n",
               "SSCAN", "set:sb:scan", "0", "COUNT", "1");
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*1\r\n$2\r\n20\r\n", "SSCAN",
               "set:sb:scan", "5", "MATCH", "2*");
    /* the limit is a CONFIG SET-able integer */
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "set-max-intset-entries", "2");
    expect_cmd(fd, ":2\r\n", "SADD", "set:sb:c", "1", "2");
    expect_enc(fd, "set:sb:c", INTSET);
    expect_cmd(fd, ":1\r\n", "SADD", "set:sb:c", "3");
    expect_enc(fd, "set:sb:c", HASHTABLE);
    expect_cmd(fd,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'set-max-intset-entries') - argument couldn't be parsed into "
               "an integer\r\n",
               "CONFIG", "SET", "set-max-intset-entries", "abc");
    expect_cmd(fd,
               "-ERR CONFIG SET failed (possibly related to argument "
               "'set-max-intset-entries') - argument must be between 0 and "
               "9223372036854775807 inclusive\r\n",
               "CONFIG", "SET", "set-max-intset-entries", "-1");
    expect_cmd(fd, "+OK\r\n", "CONFIG", "SET", "set-max-intset-entries", "512");
    close(fd);
}

/* A hash-table set of the integers 1..10 (it had 600 members). */
static void shrunk_table(int fd, const char *key) {
    sadd_range(fd, key, 1, 600);
    srem_range(fd, key, 11, 600);
    expect_enc(fd, key, HASHTABLE);
}

#define ONE_TO_TEN                                                          \
    "*10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n" \
    "$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n"

Test(sets, intset_store_pop_move_copy) {
    int fd = h_conn();
    shrunk_table(fd, "set:st:a");
    /* store results are built as intsets again */
    expect_cmd(fd, ":10\r\n", "SUNIONSTORE", "set:st:u", "set:st:a");
    expect_enc(fd, "set:st:u", INTSET);
    expect_cmd(fd, ":10\r\n", "SINTERSTORE", "set:st:i", "set:st:a",
               "set:st:a");
    expect_enc(fd, "set:st:i", INTSET);
    expect_cmd(fd, ":10\r\n", "SDIFFSTORE", "set:st:d", "set:st:a",
               "set:st:nx");
    expect_enc(fd, "set:st:d", INTSET);
    expect_cmd(fd, ONE_TO_TEN, "SMEMBERS", "set:st:u");
    /* SUNION / SDIFF reply from such a result: ascending */
    expect_cmd(fd, ONE_TO_TEN, "SUNION", "set:st:a");
    expect_cmd(fd, ONE_TO_TEN, "SDIFF", "set:st:a", "set:st:nx");
    /* SDIFFSTORE of many small subtrahends: Redis's algorithm 2 adds all
     * 600 first, so the 10 left stay a table; with one, algorithm 1 */
    sadd_range(fd, "set:st:600", 1, 600);
    sadd_range(fd, "set:st:s1", 11, 600);
    const char *argv[] = {"SDIFFSTORE", "set:st:d2", "set:st:600", "set:st:s1",
                          "set:st:x", "set:st:x", "set:st:x", "set:st:x",
                          "set:st:x", "set:st:x", "set:st:x", "set:st:x"};
    expect_cmd(fd, ":1\r\n", "SADD", "set:st:x", "x");
    h_bytes_t b = h_callv(fd, 12, argv, NULL);
    cr_assert_str_eq(b.buf, ":10\r\n");
    h_bytes_free(&b);
    expect_enc(fd, "set:st:d2", HASHTABLE);
    expect_cmd(fd, ":10\r\n", "SDIFFSTORE", "set:st:d3", "set:st:600",
               "set:st:s1");
    expect_enc(fd, "set:st:d3", INTSET);
    /* a non-integer or 600 members in the result: a table */
    expect_cmd(fd, ":11\r\n", "SUNIONSTORE", "set:st:u2", "set:st:a",
               "set:st:x");
    expect_enc(fd, "set:st:u2", HASHTABLE);
    expect_cmd(fd, ":600\r\n", "SUNIONSTORE", "set:st:u3", "set:st:600");
    expect_enc(fd, "set:st:u3", HASHTABLE);

    /* SPOP leaving few survivors rebuilds them: an intset again */
    expect_cmd(fd, ":1\r\n", "DEL", "set:st:600");
    sadd_range(fd, "set:st:600", 1, 600);
    h_resp_t *r = h_callp(fd, "SPOP", "set:st:600", "590", NULL);
    cr_assert_eq(r->n, 590);
    h_resp_free(r);
    expect_cmd(fd, ":10\r\n", "SCARD", "set:st:600");
    expect_enc(fd, "set:st:600", INTSET);
    /* many survivors: popped one by one, still a table */
    sadd_range(fd, "set:st:p", 1, 600);
    r = h_callp(fd, "SPOP", "set:st:p", "100", NULL);
    cr_assert_eq(r->n, 100);
    h_resp_free(r);
    expect_enc(fd, "set:st:p", HASHTABLE);
    /* SPOP of everything replies ascending (Redis's SUNION of the key) */
    shrunk_table(fd, "set:st:all");
    expect_cmd(fd, ONE_TO_TEN, "SPOP", "set:st:all", "10");
    expect_cmd(fd, ":0\r\n", "EXISTS", "set:st:all");

    /* SMOVE creates the destination for the member it moves */
    expect_cmd(fd, ":2\r\n", "SADD", "set:st:m1", "x", "5");
    expect_cmd(fd, ":1\r\n", "SMOVE", "set:st:m1", "set:st:m2", "5");
    expect_enc(fd, "set:st:m2", INTSET);
    expect_cmd(fd, ":1\r\n", "SMOVE", "set:st:m1", "set:st:m3", "x");
    expect_enc(fd, "set:st:m3", HASHTABLE);
    expect_cmd(fd, ":1\r\n", "SMOVE", "set:st:m3", "set:st:m2", "x");
    expect_enc(fd, "set:st:m2", HASHTABLE);

    /* COPY and RENAME keep the encoding */
    expect_cmd(fd, ":1\r\n", "COPY", "set:st:a", "set:st:ca");
    expect_enc(fd, "set:st:ca", HASHTABLE);
    expect_cmd(fd, ":1\r\n", "COPY", "set:st:u", "set:st:cu");
    expect_enc(fd, "set:st:cu", INTSET);
    expect_cmd(fd, ":1\r\n", "SADD", "set:st:cu", "11"); /* a deep copy */
    expect_cmd(fd, ":10\r\n", "SCARD", "set:st:u");
    expect_cmd(fd, "+OK\r\n", "RENAME", "set:st:u", "set:st:ru");
    expect_enc(fd, "set:st:ru", INTSET);
    expect_cmd(fd, ONE_TO_TEN, "SMEMBERS", "set:st:ru");

    /* sets of either encoding as ZUNIONSTORE inputs (score 1) */
    expect_cmd(fd, ":11\r\n", "ZUNIONSTORE", "set:st:z", "2", "set:st:ru",
               "set:st:x");
    expect_cmd(fd, "$1\r\n1\r\n", "ZSCORE", "set:st:z", "7");
    expect_cmd(fd, "$1\r\n1\r\n", "ZSCORE", "set:st:z", "x");
    close(fd);
}

/* MEMORY USAGE follows the encoding: an intset of 10 small integers is a
 * fraction of the same members in a table. */
Test(sets, intset_memory_usage) {
    int fd = h_conn();
    sadd_range(fd, "set:mu:i", 1, 10);
    shrunk_table(fd, "set:mu:h");
    h_resp_t *a = h_callp(fd, "MEMORY", "USAGE", "set:mu:i", NULL);
    h_resp_t *b = h_callp(fd, "MEMORY", "USAGE", "set:mu:h", NULL);
    cr_assert_eq(a->type, ':');
    cr_assert_eq(b->type, ':');
    cr_assert(a->integer > 0 && a->integer * 3 < b->integer,
              "intset %lld bytes, table %lld", a->integer, b->integer);
    /* growing the intset is counted */
    sadd_range(fd, "set:mu:i", 11, 200);
    h_resp_t *c = h_callp(fd, "MEMORY", "USAGE", "set:mu:i", NULL);
    cr_assert(c->integer >= a->integer + 190 * 2, "%lld -> %lld", a->integer,
              c->integer);
    h_resp_free(a);
    h_resp_free(b);
    h_resp_free(c);
    close(fd);
}
