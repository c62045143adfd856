/* String commands against the server: exact reply bytes, edge cases and
 * error strings. Every test uses its own "str:<test>:" key prefix. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Reads an integer reply to a command. */
static long long call_int(int fd, const char *a0, const char *a1)
{
    h_resp_t *r = h_callp(fd, a0, a1, NULL);
    cr_assert_eq(r->type, ':', "%s %s: not an integer reply", a0, a1);
    long long v = r->integer;
    h_resp_free(r);
    return v;
}

Test(strings, set_get_basic)
{
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "GET", "str:basic:missing");
    expect_cmd(fd, "+OK\r\n", "SET", "str:basic:k", "v1");
    expect_cmd(fd, "$2\r\nv1\r\n", "GET", "str:basic:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:basic:k", "value-two");
    expect_cmd(fd, "$9\r\nvalue-two\r\n", "GET", "str:basic:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:basic:empty", "");
    expect_cmd(fd, "$0\r\n\r\n", "GET", "str:basic:empty");
    expect_cmd(fd, ":1\r\n", "EXISTS", "str:basic:empty");
    expect_cmd(fd, "-ERR wrong number of arguments for 'get' command\r\n",
               "GET", "a", "b");
    close(fd);
}

Test(strings, set_nx_xx_get)
{
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "SET", "str:nx:k", "a", "XX");
    expect_cmd(fd, "$-1\r\n", "GET", "str:nx:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:nx:k", "a", "NX");
    expect_cmd(fd, "$-1\r\n", "SET", "str:nx:k", "b", "NX");
    expect_cmd(fd, "$1\r\na\r\n", "GET", "str:nx:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:nx:k", "c", "xx");
    expect_cmd(fd, "$1\r\nc\r\n", "GET", "str:nx:k");
    /* GET returns the old value (nil when there was none) */
    expect_cmd(fd, "$1\r\nc\r\n", "SET", "str:nx:k", "d", "GET");
    expect_cmd(fd, "$-1\r\n", "SET", "str:nx:new", "x", "GET");
    expect_cmd(fd, "$1\r\nx\r\n", "GET", "str:nx:new");
    expect_cmd(fd, "$1\r\nd\r\n", "SET", "str:nx:k", "e", "XX", "GET");
    expect_cmd(fd, "-ERR syntax error\r\n", "SET", "str:nx:k", "v", "NX",
               "XX");
    expect_cmd(fd, "-ERR syntax error\r\n", "SET", "str:nx:k", "v", "BOGUS");
    expect_cmd(fd, "$1\r\ne\r\n", "GET", "str:nx:k");
    expect_cmd(fd, ":1\r\n", "SETNX", "str:nx:setnx", "1");
    expect_cmd(fd, ":0\r\n", "SETNX", "str:nx:setnx", "2");
    expect_cmd(fd, "$1\r\n1\r\n", "GET", "str:nx:setnx");
    close(fd);
}

Test(strings, set_expire_options)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v", "EX", "100");
    expect_cmd(fd, ":100\r\n", "TTL", "str:ex:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v", "PX", "5000");
    long long pttl = call_int(fd, "PTTL", "str:ex:k");
    cr_assert(pttl > 4000 && pttl <= 5000, "PTTL %lld", pttl);
    /* KEEPTTL keeps it, a plain SET clears it */
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v2", "KEEPTTL");
    pttl = call_int(fd, "PTTL", "str:ex:k");
    cr_assert(pttl > 4000 && pttl <= 5000, "PTTL after KEEPTTL %lld", pttl);
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v3");
    expect_cmd(fd, ":-1\r\n", "TTL", "str:ex:k");
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v", "EXAT", "32503680000");
    long long ttl = call_int(fd, "TTL", "str:ex:k");
    cr_assert(ttl > 1000000000LL, "TTL after EXAT %lld", ttl);
    expect_cmd(fd, "+OK\r\n", "SET", "str:ex:k", "v", "PXAT",
               "32503680000000");
    expect_cmd(fd, ":32503680000\r\n", "EXPIRETIME", "str:ex:k");

    const char *inv = "-ERR invalid expire time in 'set' command\r\n";
    expect_cmd(fd, inv, "SET", "str:ex:k", "v", "EX", "0");
    expect_cmd(fd, inv, "SET", "str:ex:k", "v", "EX", "-5");
    expect_cmd(fd, inv, "SET", "str:ex:k", "v", "PX", "-1");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n", "SET",
               "str:ex:k", "v", "EX", "abc");
    expect_cmd(fd, "-ERR syntax error\r\n", "SET", "str:ex:k", "v", "EX",
               "10", "PX", "10");
    expect_cmd(fd, "-ERR syntax error\r\n", "SET", "str:ex:k", "v",
               "KEEPTTL", "EX", "10");
    expect_cmd(fd, "-ERR syntax error\r\n", "SET", "str:ex:k", "v", "EX");
    /* failed SETs left the key alone */
    expect_cmd(fd, "$1\r\nv\r\n", "GET", "str:ex:k");
    close(fd);
}

Test(strings, setex_psetex)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SETEX", "str:setex:k", "50", "v");
    expect_cmd(fd, ":50\r\n", "TTL", "str:setex:k");
    expect_cmd(fd, "-ERR invalid expire time in 'setex' command\r\n",
               "SETEX", "str:setex:k", "0", "v");
    expect_cmd(fd, "+OK\r\n", "PSETEX", "str:setex:p", "50000", "v");
    expect_cmd(fd, ":50\r\n", "TTL", "str:setex:p");
    expect_cmd(fd, "-ERR invalid expire time in 'psetex' command\r\n",
               "PSETEX", "str:setex:p", "-3", "v");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "SETEX", "str:setex:k", "x", "v");
    close(fd);
}

Test(strings, incr_decr)
{
    int fd = h_conn();
    expect_cmd(fd, ":1\r\n", "INCR", "str:incr:n");
    expect_cmd(fd, ":11\r\n", "INCRBY", "str:incr:n", "10");
    expect_cmd(fd, ":10\r\n", "DECR", "str:incr:n");
    expect_cmd(fd, ":-90\r\n", "DECRBY", "str:incr:n", "100");
    expect_cmd(fd, "$3\r\n-90\r\n", "GET", "str:incr:n");
    expect_cmd(fd, ":-1\r\n", "DECR", "str:incr:new");

    const char *notint = "-ERR value is not an integer or out of range\r\n";
    expect_cmd(fd, "+OK\r\n", "SET", "str:incr:s", "abc");
    expect_cmd(fd, notint, "INCR", "str:incr:s");
    expect_cmd(fd, "+OK\r\n", "SET", "str:incr:s", " 1");
    expect_cmd(fd, notint, "INCR", "str:incr:s");
    expect_cmd(fd, "+OK\r\n", "SET", "str:incr:s", "1.5");
    expect_cmd(fd, notint, "INCR", "str:incr:s");
    expect_cmd(fd, notint, "INCRBY", "str:incr:n", "x");
    expect_cmd(fd, notint, "INCRBY", "str:incr:n", "9223372036854775808");

    expect_cmd(fd, "+OK\r\n", "SET", "str:incr:max", "9223372036854775807");
    expect_cmd(fd, "-ERR increment or decrement would overflow\r\n", "INCR",
               "str:incr:max");
    expect_cmd(fd, "$19\r\n9223372036854775807\r\n", "GET", "str:incr:max");
    expect_cmd(fd, ":9223372036854775806\r\n", "INCRBY", "str:incr:max",
               "-1");
    expect_cmd(fd, "+OK\r\n", "SET", "str:incr:min",
               "-9223372036854775808");
    expect_cmd(fd, "-ERR increment or decrement would overflow\r\n", "DECR",
               "str:incr:min");
    expect_cmd(fd, "-ERR decrement would overflow\r\n", "DECRBY",
               "str:incr:n", "-9223372036854775808");
    close(fd);
}

Test(strings, incrbyfloat)
{
    int fd = h_conn();
    expect_cmd(fd, "$3\r\n1.5\r\n", "INCRBYFLOAT", "str:float:f", "1.5");
    expect_cmd(fd, "+OK\r\n", "SET", "str:float:f", "10.5");
    expect_cmd(fd, "$4\r\n10.6\r\n", "INCRBYFLOAT", "str:float:f", "0.1");
    expect_cmd(fd, "$4\r\n10.6\r\n", "GET", "str:float:f");
    expect_cmd(fd, "$1\r\n3\r\n", "INCRBYFLOAT", "str:float:i", "3");
    expect_cmd(fd, "$3\r\n150\r\n", "INCRBYFLOAT", "str:float:i", "1.47e2");
    expect_cmd(fd, "$4\r\n-0.5\r\n", "INCRBYFLOAT", "str:float:i",
               "-150.5");
    /* Redis computes in long double and prints 17 significant digits */
    expect_cmd(fd, "$22\r\n5010.60000000000000009\r\n", "INCRBYFLOAT",
               "str:float:f", "5.0e3");
    expect_cmd(fd, "-ERR value is not a valid float\r\n", "INCRBYFLOAT",
               "str:float:f", "abc");
    expect_cmd(fd, "+OK\r\n", "SET", "str:float:s", "abc");
    expect_cmd(fd, "-ERR value is not a valid float\r\n", "INCRBYFLOAT",
               "str:float:s", "1");
    expect_cmd(fd, "-ERR increment would produce NaN or Infinity\r\n",
               "INCRBYFLOAT", "str:float:f", "inf");
    close(fd);
}

Test(strings, append_strlen)
{
    int fd = h_conn();
    expect_cmd(fd, ":0\r\n", "STRLEN", "str:app:k");
    expect_cmd(fd, ":5\r\n", "APPEND", "str:app:k", "Hello");
    expect_cmd(fd, ":11\r\n", "APPEND", "str:app:k", " World");
    expect_cmd(fd, ":11\r\n", "STRLEN", "str:app:k");
    expect_cmd(fd, "$11\r\nHello World\r\n", "GET", "str:app:k");
    expect_cmd(fd, ":11\r\n", "APPEND", "str:app:k", "");
    /* integers stay appendable */
    expect_cmd(fd, ":2\r\n", "INCRBY", "str:app:n", "2");
    expect_cmd(fd, ":2\r\n", "APPEND", "str:app:n", "0");
    expect_cmd(fd, ":21\r\n", "INCR", "str:app:n");
    close(fd);
}

Test(strings, getrange_setrange)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "str:range:k", "Hello World");
    expect_cmd(fd, "$5\r\nWorld\r\n", "GETRANGE", "str:range:k", "-5", "-1");
    expect_cmd(fd, "$1\r\nH\r\n", "GETRANGE", "str:range:k", "0", "-100");
    expect_cmd(fd, "$11\r\nHello World\r\n", "GETRANGE", "str:range:k",
               "-100", "-1");
    expect_cmd(fd, "$0\r\n\r\n", "GETRANGE", "str:range:k", "5", "3");
    expect_cmd(fd, "$11\r\nHello World\r\n", "GETRANGE", "str:range:k", "0",
               "100");
    expect_cmd(fd, "$3\r\nllo\r\n", "SUBSTR", "str:range:k", "2", "4");
    expect_cmd(fd, "$0\r\n\r\n", "GETRANGE", "str:range:none", "0", "-1");
    expect_cmd(fd, "-ERR value is not an integer or out of range\r\n",
               "GETRANGE", "str:range:k", "a", "1");

    expect_cmd(fd, ":11\r\n", "SETRANGE", "str:range:k", "6", "Redis");
    expect_cmd(fd, "$11\r\nHello Redis\r\n", "GET", "str:range:k");
    expect_cmd(fd, ":14\r\n", "SETRANGE", "str:range:k", "11", "!!!");
    /* padding with NUL bytes */
    expect_cmd(fd, ":6\r\n", "SETRANGE", "str:range:pad", "3", "abc");
    expect_reply_n(fd, "*2\r\n$3\r\nGET\r\n$13\r\nstr:range:pad\r\n", 33,
                   "$6\r\n\0\0\0abc\r\n", 12);
    /* empty value on a missing key creates nothing */
    expect_cmd(fd, ":0\r\n", "SETRANGE", "str:range:none", "5", "");
    expect_cmd(fd, ":0\r\n", "EXISTS", "str:range:none");
    expect_cmd(fd, "-ERR offset is out of range\r\n", "SETRANGE",
               "str:range:k", "-1", "x");
    expect_cmd(fd,
               "-ERR string exceeds maximum allowed size "
               "(proto-max-bulk-len)\r\n",
               "SETRANGE", "str:range:k", "536870912", "x");
    close(fd);
}

Test(strings, mset_mget_msetnx)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "MSET", "str:m:a", "1", "str:m:b", "2");
    expect_cmd(fd, "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n", "MGET", "str:m:a",
               "str:m:none", "str:m:b");
    expect_cmd(fd, "-ERR wrong number of arguments for 'mset' command\r\n",
               "MSET", "str:m:a", "1", "str:m:b");
    expect_cmd(fd, ":0\r\n", "MSETNX", "str:m:b", "x", "str:m:c", "3");
    expect_cmd(fd, ":0\r\n", "EXISTS", "str:m:c");
    expect_cmd(fd, "$1\r\n2\r\n", "GET", "str:m:b");
    expect_cmd(fd, ":1\r\n", "MSETNX", "str:m:c", "3", "str:m:d", "4");
    expect_cmd(fd, "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "MGET", "str:m:c",
               "str:m:d");
    /* the last of duplicate keys wins */
    expect_cmd(fd, "+OK\r\n", "MSET", "str:m:dup", "1", "str:m:dup", "2");
    expect_cmd(fd, "$1\r\n2\r\n", "GET", "str:m:dup");
    close(fd);
}

Test(strings, getset_getdel_getex)
{
    int fd = h_conn();
    expect_cmd(fd, "$-1\r\n", "GETSET", "str:g:k", "1");
    expect_cmd(fd, "$1\r\n1\r\n", "GETSET", "str:g:k", "2");
    expect_cmd(fd, "$1\r\n2\r\n", "GETDEL", "str:g:k");
    expect_cmd(fd, "$-1\r\n", "GETDEL", "str:g:k");
    expect_cmd(fd, ":0\r\n", "EXISTS", "str:g:k");

    expect_cmd(fd, "+OK\r\n", "SET", "str:g:e", "v");
    expect_cmd(fd, "$1\r\nv\r\n", "GETEX", "str:g:e", "EX", "100");
    expect_cmd(fd, ":100\r\n", "TTL", "str:g:e");
    expect_cmd(fd, "$1\r\nv\r\n", "GETEX", "str:g:e", "PERSIST");
    expect_cmd(fd, ":-1\r\n", "TTL", "str:g:e");
    expect_cmd(fd, "$1\r\nv\r\n", "GETEX", "str:g:e");
    expect_cmd(fd, "$-1\r\n", "GETEX", "str:g:none", "EX", "10");
    expect_cmd(fd, "-ERR invalid expire time in 'getex' command\r\n",
               "GETEX", "str:g:e", "EX", "0");
    expect_cmd(fd, "-ERR syntax error\r\n", "GETEX", "str:g:e", "EX", "10",
               "PERSIST");
    close(fd);
}

Test(strings, px_key_expires)
{
    int fd = h_conn();
    expect_cmd(fd, "+OK\r\n", "SET", "str:px:k", "v", "PX", "100");
    expect_cmd(fd, "$1\r\nv\r\n", "GET", "str:px:k");
    h_sleep_ms(200);
    expect_cmd(fd, "$-1\r\n", "GET", "str:px:k");
    expect_cmd(fd, ":0\r\n", "EXISTS", "str:px:k");
    expect_cmd(fd, ":-2\r\n", "PTTL", "str:px:k");
    close(fd);
}

Test(strings, large_value_roundtrip)
{
    int fd = h_conn();
    size_t n = 1 << 20;
    char *v = malloc(n);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (char)(i * 31 + 7);
    const char *argv[3] = {"SET", "str:big:k", v};
    size_t lens[3] = {3, 9, n};
    h_bytes_t r = h_callv(fd, 3, argv, lens);
    cr_assert(r.buf && strcmp(r.buf, "+OK\r\n") == 0);
    h_bytes_free(&r);
    r = h_call(fd, "GET", "str:big:k", NULL);
    cr_assert(r.buf);
    h_resp_t *p = h_parse(r.buf, r.len);
    cr_assert(p && p->type == '$' && p->len == n &&
              memcmp(p->str, v, n) == 0);
    h_resp_free(p);
    h_bytes_free(&r);
    expect_cmd(fd, ":1048576\r\n", "STRLEN", "str:big:k");
    free(v);
    close(fd);
}
