/* Hash commands over TCP: exact reply bytes of the main paths, RESP2 and
 * RESP3 (HGETALL is a map, HRANDFIELD WITHVALUES nests pairs). Expected bytes
 * were checked against redis-server 7.0.15 (run the binary with
 * MINIREDIS_BIN=/usr/bin/redis-server). Keys are "hash:<test>:..." and stay
 * below the listpack limits where the order of fields is compared, since a
 * hash table's order is the server's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define WRONGTYPE \
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

Test(hashes, set_get_del)
{
    int fd = h_conn();
    expect_cmd(fd, ":3\r\n", "HSET", "hash:sgd:h", "a", "1", "b", "2", "c",
               "3");
    expect_cmd(fd, ":1\r\n", "HSET", "hash:sgd:h", "a", "10", "d", "4");
    expect_cmd(fd, "$2\r\n10\r\n", "HGET", "hash:sgd:h", "a");
    expect_cmd(fd, "$-1\r\n", "HGET", "hash:sgd:h", "zz");
    expect_cmd(fd, "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n", "HMGET",
               "hash:sgd:h", "a", "zz", "b");
    expect_cmd(fd, "+OK\r\n", "HMSET", "hash:sgd:h", "e", "5");
    expect_cmd(fd, ":0\r\n", "HSETNX", "hash:sgd:h", "a", "x");
    expect_cmd(fd, ":1\r\n", "HSETNX", "hash:sgd:h", "f", "6");
    expect_cmd(fd, ":6\r\n", "HLEN", "hash:sgd:h");
    expect_cmd(fd, ":1\r\n", "HEXISTS", "hash:sgd:h", "f");
    expect_cmd(fd, ":2\r\n", "HSTRLEN", "hash:sgd:h", "a");
    expect_cmd(fd, ":2\r\n", "HDEL", "hash:sgd:h", "a", "b", "zz");
    expect_cmd(fd, "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
               "HKEYS", "hash:sgd:h");
    expect_cmd(fd, "*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
               "HVALS", "hash:sgd:h");
    expect_cmd(fd, ":4\r\n", "HDEL", "hash:sgd:h", "c", "d", "e", "f");
    expect_cmd(fd, ":0\r\n", "EXISTS", "hash:sgd:h");
    expect_cmd(fd, "-ERR wrong number of arguments for 'hset' command\r\n",
               "HSET", "hash:sgd:h", "a", "1", "b");
    close(fd);
}

Test(hashes, getall_resp2_resp3)
{
    int fd = h_conn();
    expect_cmd(fd, ":2\r\n", "HSET", "hash:ga:h", "f1", "v1", "f2", "22");
    expect_cmd(fd,
               "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\n22\r\n",
               "HGETALL", "hash:ga:h");
    expect_cmd(fd, "*0\r\n", "HGETALL", "hash:ga:missing");
    h_bytes_t b = h_call(fd, "HELLO", "3", NULL);
    cr_assert_not_null(b.buf);
    h_bytes_free(&b);
    expect_cmd(fd,
               "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\n22\r\n",
               "HGETALL", "hash:ga:h");
    expect_cmd(fd, "%0\r\n", "HGETALL", "hash:ga:missing");
    expect_cmd(fd, "*2\r\n$2\r\nf1\r\n$2\r\nf2\r\n", "HKEYS", "hash:ga:h");
    expect_cmd(fd, "_\r\n", "HGET", "hash:ga:h", "nope");
    close(fd);
}

Test(hashes, incr)
{
    int fd = h_conn();
    expect_cmd(fd, ":5\r\n", "HINCRBY", "hash:incr:h", "n", "5");
    expect_cmd(fd, ":-95\r\n", "HINCRBY", "hash:incr:h", "n", "-100");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "HINCRBY", "hash:incr:h", "n", "1.5");
    expect_cmd(fd, ":2\r\n", "HSET", "hash:incr:h", "s", "abc", "big",
               "9223372036854775807");
    expect_cmd(fd, "-ERR hash value is not an integer\r\n", "HINCRBY",
               "hash:incr:h", "s", "1");
    expect_cmd(fd, "-ERR increment or decrement would overflow\r\n",
               "HINCRBY", "hash:incr:h", "big", "1");
    expect_cmd(fd, "$4\r\n10.1\r\n", "HINCRBYFLOAT", "hash:incr:h", "f",
               "10.1");
    expect_cmd(fd, "$6\r\n103010\r\n", "HINCRBYFLOAT", "hash:incr:h", "f",
               "102999.9");
    expect_cmd(fd, "$4\r\n-0.5\r\n", "HINCRBYFLOAT", "hash:incr:h", "n",
               "94.5");
    expect_cmd(fd, "-ERR hash value is not a float\r\n", "HINCRBYFLOAT",
               "hash:incr:h", "s", "1");
    expect_cmd(fd, "-ERR value is NaN or Infinity\r\n", "HINCRBYFLOAT",
               "hash:incr:h", "f", "inf");
    expect_cmd(fd, "-ERR value is not a valid float\r\n", "HINCRBYFLOAT",
               "hash:incr:h", "f", "abc");
    close(fd);
}

Test(hashes, wrongtype)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "hash:wt:s", "x");
    expect_cmd(fd, WRONGTYPE, "HSET", "hash:wt:s", "a", "b");
    expect_cmd(fd, WRONGTYPE, "HGET", "hash:wt:s", "a");
    expect_cmd(fd, WRONGTYPE, "HGETALL", "hash:wt:s");
    expect_cmd(fd, WRONGTYPE, "HRANDFIELD", "hash:wt:s", "1");
    expect_cmd(fd, WRONGTYPE, "HSCAN", "hash:wt:s", "0");
    expect_cmd(fd, ":1\r\n", "HSET", "hash:wt:h", "a", "b");
    expect_cmd(fd, WRONGTYPE, "GET", "hash:wt:h");
    close(fd);
}

Test(hashes, randfield)
{
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "HRANDFIELD", "hash:rf:missing");
    expect_cmd(fd, "*0\r\n", "HRANDFIELD", "hash:rf:missing", "3");
    expect_cmd(fd, ":1\r\n", "HSET", "hash:rf:h", "a", "1");
    /* one field: every draw is the same, so the bytes are fixed */
    expect_cmd(fd, "$1\r\na\r\n", "HRANDFIELD", "hash:rf:h");
    expect_cmd(fd, "*1\r\n$1\r\na\r\n", "HRANDFIELD", "hash:rf:h", "5");
    expect_cmd(fd, "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n",
               "HRANDFIELD", "hash:rf:h", "-2", "WITHVALUES");
    expect_cmd(fd, "*0\r\n", "HRANDFIELD", "hash:rf:h", "0");
    expect_cmd(fd, "-ERR syntax error\r\n", "HRANDFIELD", "hash:rf:h", "1",
               "bogus");
    expect_cmd(fd, "-ERR value is out of range\r\n", "HRANDFIELD",
               "hash:rf:h", "-9223372036854770000", "WITHVALUES");
    h_bytes_t b = h_call(fd, "HELLO", "3", NULL);
    cr_assert_not_null(b.buf);
    h_bytes_free(&b);
    expect_cmd(fd, "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
               "HRANDFIELD", "hash:rf:h", "-2", "WITHVALUES");
    expect_cmd(fd, "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "HRANDFIELD",
               "hash:rf:h", "3", "WITHVALUES");
    expect_cmd(fd, "_\r\n", "HRANDFIELD", "hash:rf:missing");
    /* several fields: shape and membership */
    expect_cmd(fd, ":2\r\n", "HSET", "hash:rf:h", "b", "2", "c", "3");
    h_resp_t *r = h_callp(fd, "HRANDFIELD", "hash:rf:h", "2", "WITHVALUES",
                          NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq(r->n, 2);
    for (size_t i = 0; i < r->n; i++) {
        const h_resp_t *p = r->elems[i];
        cr_assert(p->type == '*' && p->n == 2);
        cr_assert(p->elems[0]->len == 1 && p->elems[1]->len == 1);
        cr_assert_eq(p->elems[1]->str[0] - '0', p->elems[0]->str[0] - 'a' + 1);
    }
    cr_assert(strcmp(r->elems[0]->elems[0]->str,
                     r->elems[1]->elems[0]->str) != 0);
    h_resp_free(r);
    close(fd);
}

Test(hashes, scan)
{
    int fd = h_conn();
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*0\r\n", "HSCAN", "hash:scan:missing",
               "0");
    expect_cmd(fd, ":3\r\n", "HSET", "hash:scan:h", "a", "1", "b", "2", "ab",
               "3");
    expect_cmd(fd,
               "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n"
               "$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n",
               "HSCAN", "hash:scan:h", "0", "COUNT", "1");
    expect_cmd(fd,
               "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n"
               "$1\r\n3\r\n",
               "HSCAN", "hash:scan:h", "0", "MATCH", "a*");
    expect_cmd(fd, "-ERR invalid cursor\r\n", "HSCAN", "hash:scan:h", "x");
    expect_cmd(fd, "-ERR syntax error\r\n", "HSCAN", "hash:scan:h", "0",
               "COUNT", "0");
    close(fd);
}

/* Past the listpack limits (600 fields: above both MiniRedis's 128 and
 * redis-server's built-in 512) the hash is a table: everything still works;
 * a full HSCAN iteration returns every field. */
Test(hashes, big_hash)
{
    int fd = h_conn();
    char f[32], v[32];
    for (int i = 0; i < 600; i++) {
        snprintf(f, sizeof f, "field:%d", i);
        snprintf(v, sizeof v, "%d", i * 2);
        expect_cmd(fd, ":1\r\n", "HSET", "hash:big:h", f, v);
    }
    expect_cmd(fd, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "hash:big:h");
    expect_cmd(fd, ":600\r\n", "HLEN", "hash:big:h");
    expect_cmd(fd, "$3\r\n398\r\n", "HGET", "hash:big:h", "field:199");
    bool seen[600] = {false};
    char cursor[32] = "0";
    int calls = 0;
    do {
        h_resp_t *r = h_callp(fd, "HSCAN", "hash:big:h", cursor, NULL);
        cr_assert(r->type == '*' && r->n == 2);
        snprintf(cursor, sizeof cursor, "%s", r->elems[0]->str);
        const h_resp_t *a = r->elems[1];
        cr_assert_eq(a->n % 2, 0);
        for (size_t i = 0; i < a->n; i += 2) {
            int k = atoi(a->elems[i]->str + 6);
            cr_assert(k >= 0 && k < 600);
            cr_assert_eq(atoi(a->elems[i + 1]->str), k * 2);
            seen[k] = true;
        }
        h_resp_free(r);
    } while (strcmp(cursor, "0") != 0 && ++calls < 10000);
    for (int i = 0; i < 600; i++) cr_assert(seen[i], "field:%d missed", i);
    char big[100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_cmd(fd, ":1\r\n", "HSET", "hash:big:long", "f", big);
    expect_cmd(fd, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING",
               "hash:big:long");
    expect_cmd(fd, ":1\r\n", "HSET", "hash:big:short", "f", "v");
    expect_cmd(fd, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING",
               "hash:big:short");
    expect_cmd(fd, ":3\r\n", "DEL", "hash:big:h", "hash:big:long",
               "hash:big:short");
    close(fd);
}
