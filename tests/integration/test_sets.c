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
