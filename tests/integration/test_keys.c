/* Keyspace commands: DEL/EXISTS/TYPE, expiry (EXPIRE options, TTL/PTTL,
 * lazy expiry), RENAME/COPY/MOVE, SCAN/KEYS, DBSIZE, SELECT isolation,
 * FLUSHDB/FLUSHALL. Tests that need an empty keyspace use their own
 * database (SELECT n, FLUSHDB) or, for FLUSHALL, their own server. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static long long call_int(int fd, const char *a0, const char *a1)
{
    h_resp_t *r = h_callp(fd, a0, a1, NULL);
    cr_assert_eq(r->type, ':', "%s %s: not an integer reply", a0, a1);
    long long v = r->integer;
    h_resp_free(r);
    return v;
}

/* Switches fd to an empty database n. */
static void use_empty_db(int fd, const char *n)
{
    expect_cmd(fd, "+OK\r\n", "SELECT", n);
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* KEYS pattern, sorted and joined with ','. */
static void keys_sorted(int fd, const char *pat, char *out, size_t outlen)
{
    h_resp_t *r = h_callp(fd, "KEYS", pat, NULL);
    cr_assert_eq(r->type, '*');
    char **v = malloc(sizeof(char *) * (r->n + 1));
    for (size_t i = 0; i < r->n; i++)
        v[i] = r->elems[i]->str;
    qsort(v, r->n, sizeof(char *), cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            strncat(out, ",", outlen - strlen(out) - 1);
        strncat(out, v[i], outlen - strlen(out) - 1);
    }
    free(v);
    h_resp_free(r);
}

Test(keys, del_exists_type)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "MSET", "keys:del:a", "1", "keys:del:b", "2",
               "keys:del:c", "3");
    expect_cmd(fd, ":3\r\n", "EXISTS", "keys:del:a", "keys:del:a",
               "keys:del:b");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:del:none");
    expect_cmd(fd, "+string\r\n", "TYPE", "keys:del:a");
    expect_cmd(fd, "+none\r\n", "TYPE", "keys:del:none");
    expect_cmd(fd, ":2\r\n", "DEL", "keys:del:a", "keys:del:b",
               "keys:del:none");
    expect_cmd(fd, ":0\r\n", "DEL", "keys:del:a");
    expect_cmd(fd, ":1\r\n", "UNLINK", "keys:del:c");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:del:c");
    expect_cmd(fd, "-ERR wrong number of arguments for 'del' command\r\n",
               "DEL");
    close(fd);
}

Test(keys, delete_alias)
{
    /* DELETE is MiniRedis's alias of DEL; real Redis does not have it. */
    if (is_real_redis())
        return;
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "keys:delete:k", "v");
    expect_cmd(fd, ":1\r\n", "DELETE", "keys:delete:k");
    expect_cmd(fd, ":0\r\n", "DELETE", "keys:delete:k");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:delete:k");
    close(fd);
}

Test(keys, ttl_pttl_states)
{
    int fd = h_conn();
    expect_cmd(fd, ":-2\r\n", "TTL", "keys:ttl:none");
    expect_cmd(fd, ":-2\r\n", "PTTL", "keys:ttl:none");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:ttl:k", "v");
    expect_cmd(fd, ":-1\r\n", "TTL", "keys:ttl:k");
    expect_cmd(fd, ":-1\r\n", "PTTL", "keys:ttl:k");
    expect_cmd(fd, ":-1\r\n", "EXPIRETIME", "keys:ttl:k");
    expect_cmd(fd, ":-2\r\n", "EXPIRETIME", "keys:ttl:none");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:ttl:k", "100");
    expect_cmd(fd, ":100\r\n", "TTL", "keys:ttl:k");
    long long p = call_int(fd, "PTTL", "keys:ttl:k");
    cr_assert(p > 99000 && p <= 100000, "PTTL %lld", p);
    expect_cmd(fd, ":1\r\n", "PEXPIRE", "keys:ttl:k", "50900");
    expect_cmd(fd, ":51\r\n", "TTL", "keys:ttl:k"); /* rounded */
    expect_cmd(fd, ":1\r\n", "PERSIST", "keys:ttl:k");
    expect_cmd(fd, ":0\r\n", "PERSIST", "keys:ttl:k");
    expect_cmd(fd, ":-1\r\n", "TTL", "keys:ttl:k");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:ttl:none", "100");
    expect_cmd(fd, ":1\r\n", "EXPIREAT", "keys:ttl:k", "32503680000");
    expect_cmd(fd, ":32503680000\r\n", "EXPIRETIME", "keys:ttl:k");
    expect_cmd(fd, ":32503680000000\r\n", "PEXPIRETIME", "keys:ttl:k");
    expect_cmd(fd, ":1\r\n", "PEXPIREAT", "keys:ttl:k", "32503680000123");
    expect_cmd(fd, ":32503680000123\r\n", "PEXPIRETIME", "keys:ttl:k");
    close(fd);
}

Test(keys, expire_in_past_deletes)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "keys:past:a", "v");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:past:a", "0");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:past:a");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:past:b", "v");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:past:b", "-1");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:past:b");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:past:c", "v");
    expect_cmd(fd, ":1\r\n", "EXPIREAT", "keys:past:c", "1");
    expect_cmd(fd, ":-2\r\n", "TTL", "keys:past:c");
    close(fd);
}

Test(keys, expire_options)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "keys:eo:k", "v");
    /* no TTL yet: XX fails, GT fails (no TTL = infinite), LT works */
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:eo:k", "100", "XX");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:eo:k", "100", "GT");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:eo:k", "100", "NX");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:eo:k", "200", "NX");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:eo:k", "50", "GT");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:eo:k", "200", "GT");
    expect_cmd(fd, ":200\r\n", "TTL", "keys:eo:k");
    expect_cmd(fd, ":0\r\n", "EXPIRE", "keys:eo:k", "300", "LT");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:eo:k", "150", "LT");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:eo:k", "120", "XX");
    expect_cmd(fd, ":120\r\n", "TTL", "keys:eo:k");
    expect_cmd(fd, ":1\r\n", "PERSIST", "keys:eo:k");
    expect_cmd(fd, ":1\r\n", "EXPIRE", "keys:eo:k", "100", "LT");
    expect_cmd(fd,
               "-ERR NX and XX, GT or LT options at the same time are not "
               "compatible\r\n",
               "EXPIRE", "keys:eo:k", "100", "NX", "XX");
    expect_cmd(fd,
               "-ERR GT and LT options at the same time are not "
               "compatible\r\n",
               "EXPIRE", "keys:eo:k", "100", "GT", "LT");
    expect_cmd(fd, "-ERR Unsupported option FOO\r\n", "EXPIRE", "keys:eo:k",
               "100", "FOO");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "EXPIRE", "keys:eo:k", "abc");
    expect_cmd(fd, "-ERR invalid expire time in 'expire' command\r\n",
               "EXPIRE", "keys:eo:k", "9223372036854775807");
    expect_cmd(fd, "-ERR invalid expire time in 'pexpire' command\r\n",
               "PEXPIRE", "keys:eo:k", "9223372036854775807");
    expect_cmd(fd, ":100\r\n", "TTL", "keys:eo:k");
    close(fd);
}

Test(keys, px_100_disappears)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "keys:px:k", "v", "PX", "100");
    expect_cmd(fd, ":1\r\n", "EXISTS", "keys:px:k");
    /* bounded wait: expiry must have happened after 200 ms */
    h_sleep_ms(200);
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:px:k");
    expect_cmd(fd, ":-2\r\n", "TTL", "keys:px:k");
    close(fd);
}

Test(keys, rename_renamenx)
{
    int fd = h_conn();
    expect_cmd(fd, "-ERR no such key\r\n", "RENAME", "keys:ren:none", "x");
    expect_cmd(fd, "-ERR no such key\r\n", "RENAMENX", "keys:ren:none", "x");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:ren:a", "va", "EX", "100");
    expect_cmd(fd, "+OK\r\n", "RENAME", "keys:ren:a", "keys:ren:a");
    expect_cmd(fd, "+OK\r\n", "RENAME", "keys:ren:a", "keys:ren:b");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:ren:a");
    expect_cmd(fd, "$2\r\nva\r\n", "GET", "keys:ren:b");
    /* the TTL travels with the value */
    expect_cmd(fd, ":100\r\n", "TTL", "keys:ren:b");
    /* RENAME overwrites, and the destination's TTL is replaced */
    expect_cmd(fd, "+OK\r\n", "SET", "keys:ren:c", "vc");
    expect_cmd(fd, "+OK\r\n", "RENAME", "keys:ren:c", "keys:ren:b");
    expect_cmd(fd, "$2\r\nvc\r\n", "GET", "keys:ren:b");
    expect_cmd(fd, ":-1\r\n", "TTL", "keys:ren:b");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:ren:d", "vd");
    expect_cmd(fd, ":0\r\n", "RENAMENX", "keys:ren:d", "keys:ren:b");
    expect_cmd(fd, ":0\r\n", "RENAMENX", "keys:ren:d", "keys:ren:d");
    expect_cmd(fd, ":1\r\n", "RENAMENX", "keys:ren:d", "keys:ren:e");
    expect_cmd(fd, "$2\r\nvd\r\n", "GET", "keys:ren:e");
    close(fd);
}

Test(keys, copy_and_move)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SELECT", "6");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, "+OK\r\n", "SELECT", "0");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:copy:a", "va", "EX", "100");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:copy:b", "vb");
    expect_cmd(fd, ":0\r\n", "COPY", "keys:copy:none", "keys:copy:x");
    expect_cmd(fd, ":0\r\n", "COPY", "keys:copy:a", "keys:copy:b");
    expect_cmd(fd, ":1\r\n", "COPY", "keys:copy:a", "keys:copy:b",
               "REPLACE");
    expect_cmd(fd, "$2\r\nva\r\n", "GET", "keys:copy:b");
    expect_cmd(fd, ":100\r\n", "TTL", "keys:copy:b");
    /* a copy is independent of its source */
    expect_cmd(fd, ":4\r\n", "APPEND", "keys:copy:b", "xx");
    expect_cmd(fd, "$2\r\nva\r\n", "GET", "keys:copy:a");
    expect_cmd(fd, "-ERR source and destination objects are the same\r\n",
               "COPY", "keys:copy:a", "keys:copy:a");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "COPY",
               "keys:copy:a", "keys:copy:c", "DB", "99");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "COPY", "keys:copy:a", "keys:copy:c", "DB", "abc");
    expect_cmd(fd, "-ERR syntax error\r\n", "COPY", "keys:copy:a",
               "keys:copy:c", "BOGUS");
    expect_cmd(fd, ":1\r\n", "COPY", "keys:copy:a", "keys:copy:c", "DB",
               "6");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:copy:c");
    expect_cmd(fd, ":1\r\n", "MOVE", "keys:copy:b", "6");
    expect_cmd(fd, ":0\r\n", "EXISTS", "keys:copy:b");
    expect_cmd(fd, ":0\r\n", "MOVE", "keys:copy:none", "6");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "MOVE",
               "keys:copy:a", "16");
    expect_cmd(fd, "+OK\r\n", "SELECT", "6");
    expect_cmd(fd, "$2\r\nva\r\n", "GET", "keys:copy:c");
    expect_cmd(fd, "$4\r\nvaxx\r\n", "GET", "keys:copy:b");
    expect_cmd(fd, ":2\r\n", "DBSIZE");
    /* MOVE onto an existing key does nothing */
    expect_cmd(fd, "+OK\r\n", "SELECT", "0");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:copy:c", "other");
    expect_cmd(fd, ":0\r\n", "MOVE", "keys:copy:c", "6");
    expect_cmd(fd, "$5\r\nother\r\n", "GET", "keys:copy:c");
    close(fd);
}

Test(keys, select_isolates_databases)
{
    int fd = h_conn();
    use_empty_db(fd, "3");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:sel:k", "in3");
    use_empty_db(fd, "4");
    expect_cmd(fd, "$-1\r\n", "GET", "keys:sel:k");
    expect_cmd(fd, "+OK\r\n", "SET", "keys:sel:k", "in4");
    expect_cmd(fd, "+OK\r\n", "SELECT", "3");
    expect_cmd(fd, "$3\r\nin3\r\n", "GET", "keys:sel:k");
    /* another connection starts in db 0 */
    int fd2 = h_conn();
    expect_cmd(fd2, "$-1\r\n", "GET", "keys:sel:k");
    expect_cmd(fd2, "+OK\r\n", "SELECT", "4");
    expect_cmd(fd2, "$3\r\nin4\r\n", "GET", "keys:sel:k");
    /* FLUSHDB only empties the selected database */
    expect_cmd(fd2, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd2, ":0\r\n", "DBSIZE");
    expect_cmd(fd, ":1\r\n", "DBSIZE");
    expect_cmd(fd, "$3\r\nin3\r\n", "GET", "keys:sel:k");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "SELECT", "16");
    expect_cmd(fd, "-ERR DB index is out of range\r\n", "SELECT", "-1");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "SELECT", "abc");
    close(fd2);
    close(fd);
}

Test(keys, dbsize_counts)
{
    int fd = h_conn();
    use_empty_db(fd, "7");
    expect_cmd(fd, ":0\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "MSET", "a", "1", "b", "2", "c", "3");
    expect_cmd(fd, ":3\r\n", "DBSIZE");
    expect_cmd(fd, ":1\r\n", "DEL", "b");
    expect_cmd(fd, ":2\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "SET", "a", "again");
    expect_cmd(fd, ":2\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, "$-1\r\n", "RANDOMKEY");
    expect_cmd(fd, "+OK\r\n", "SET", "only", "1");
    expect_cmd(fd, "$4\r\nonly\r\n", "RANDOMKEY");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB", "SYNC");
    expect_cmd(fd, ":0\r\n", "DBSIZE");
    close(fd);
}

Test(keys, keys_patterns)
{
    int fd = h_conn();
    use_empty_db(fd, "8");
    expect_cmd(fd, "+OK\r\n", "MSET", "hello", "1", "hallo", "2", "hxllo",
               "3", "hllo", "4", "heeeello", "5", "h*llo", "6", "other",
               "7");
    char out[512];
    keys_sorted(fd, "h?llo", out, sizeof out);
    cr_assert_str_eq(out, "h*llo,hallo,hello,hxllo");
    keys_sorted(fd, "h*llo", out, sizeof out);
    cr_assert_str_eq(out, "h*llo,hallo,heeeello,hello,hllo,hxllo");
    keys_sorted(fd, "h[ae]llo", out, sizeof out);
    cr_assert_str_eq(out, "hallo,hello");
    keys_sorted(fd, "h[^e]llo", out, sizeof out);
    cr_assert_str_eq(out, "h*llo,hallo,hxllo");
    keys_sorted(fd, "h[a-b]llo", out, sizeof out);
    cr_assert_str_eq(out, "hallo");
    keys_sorted(fd, "h\\*llo", out, sizeof out);
    cr_assert_str_eq(out, "h*llo");
    keys_sorted(fd, "*", out, sizeof out);
    cr_assert_str_eq(out, "h*llo,hallo,heeeello,hello,hllo,hxllo,other");
    keys_sorted(fd, "nomatch*", out, sizeof out);
    cr_assert_str_eq(out, "");
    expect_cmd(fd, "*1\r\n$5\r\nother\r\n", "KEYS", "o*");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    close(fd);
}

Test(keys, scan_full_iteration, .timeout = 60)
{
    int fd = h_conn();
    use_empty_db(fd, "9");
    /* 1000 keys in one pipelined write */
    size_t cap = 1000 * 64, rl = 0;
    char *req = malloc(cap);
    char *exp = malloc(1000 * 5 + 1);
    cr_assert(req && exp);
    for (int i = 0; i < 1000; i++) {
        char k[32];
        int kl = snprintf(k, sizeof k, "scan:%04d", i);
        rl += (size_t)snprintf(req + rl, cap - rl,
                               "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n",
                               kl, k);
        memcpy(exp + i * 5, "+OK\r\n", 5);
    }
    expect_reply_n(fd, req, rl, exp, 1000 * 5);
    free(req);
    free(exp);
    expect_cmd(fd, ":1000\r\n", "DBSIZE");

    unsigned char seen[1000];
    memset(seen, 0, sizeof seen);
    char cursor[32] = "0";
    int rounds = 0, total = 0;
    do {
        h_resp_t *r = h_callp(fd, "SCAN", cursor, "COUNT", "37", NULL);
        cr_assert(r->type == '*' && r->n == 2, "SCAN reply shape");
        cr_assert_eq(r->elems[0]->type, '$');
        snprintf(cursor, sizeof cursor, "%s", r->elems[0]->str);
        const h_resp_t *keys = r->elems[1];
        cr_assert_eq(keys->type, '*');
        for (size_t i = 0; i < keys->n; i++) {
            int id = -1;
            cr_assert(sscanf(keys->elems[i]->str, "scan:%d", &id) == 1 &&
                          id >= 0 && id < 1000,
                      "unexpected key %s", keys->elems[i]->str);
            seen[id] = 1;
            total++;
        }
        h_resp_free(r);
        cr_assert(++rounds < 10000, "SCAN did not finish");
    } while (strcmp(cursor, "0") != 0);
    for (int i = 0; i < 1000; i++)
        cr_assert(seen[i], "SCAN never returned scan:%04d", i);
    cr_assert(total >= 1000);

    /* MATCH filters, TYPE filters */
    memset(seen, 0, sizeof seen);
    snprintf(cursor, sizeof cursor, "0");
    rounds = 0;
    int matched = 0;
    do {
        h_resp_t *r = h_callp(fd, "SCAN", cursor, "MATCH", "scan:00*",
                              "COUNT", "100", NULL);
        snprintf(cursor, sizeof cursor, "%s", r->elems[0]->str);
        for (size_t i = 0; i < r->elems[1]->n; i++) {
            int id = -1;
            cr_assert(sscanf(r->elems[1]->elems[i]->str, "scan:%d", &id) ==
                      1);
            cr_assert(id < 100, "MATCH let through scan:%04d", id);
            if (!seen[id])
                matched++;
            seen[id] = 1;
        }
        h_resp_free(r);
        cr_assert(++rounds < 10000);
    } while (strcmp(cursor, "0") != 0);
    cr_assert_eq(matched, 100);

    expect_cmd(fd, "-ERR invalid cursor\r\n", "SCAN", "abc");
    expect_cmd(fd, "-ERR syntax error\r\n", "SCAN", "0", "COUNT", "0");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "SCAN", "0", "COUNT", "x");
    expect_cmd(fd, "-ERR syntax error\r\n", "SCAN", "0", "BOGUS", "1");
    expect_cmd(fd, "+OK\r\n", "FLUSHDB");
    expect_cmd(fd, "*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0");
    close(fd);
}

Test(keys, flushall_on_own_server, .timeout = 30)
{
    h_server_t s;
    cr_assert(h_server_start(&s, NULL) == 0);
    int fd = h_connect(s.port);
    expect_cmd(fd, "+OK\r\n", "SET", "a", "1");
    expect_cmd(fd, "+OK\r\n", "SELECT", "2");
    expect_cmd(fd, "+OK\r\n", "SET", "b", "2");
    expect_cmd(fd, ":1\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "FLUSHALL");
    expect_cmd(fd, ":0\r\n", "DBSIZE");
    expect_cmd(fd, "+OK\r\n", "SELECT", "0");
    expect_cmd(fd, ":0\r\n", "DBSIZE");
    expect_cmd(fd, "$-1\r\n", "GET", "a");
    expect_cmd(fd, "+OK\r\n", "FLUSHALL", "ASYNC");
    expect_cmd(fd, "-ERR syntax error\r\n", "FLUSHALL", "BOGUS");
    close(fd);
    int st = h_server_stop(&s);
    cr_assert(st == 0, "server exit status 0x%x", st);
}
