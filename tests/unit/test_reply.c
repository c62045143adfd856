#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mr/reply.h"

/* Byte sequences were checked against redis-server 7.0.15 (HELLO 2 / 3 and
 * DEBUG PROTOCOL) where Redis has an equivalent reply. */

static mr_buf_t out;
static mr_reply_t r2, r3;

static void setup(void)
{
    memset(&out, 0, sizeof(out));
    r2 = (mr_reply_t){.out = &out, .resp = 2};
    r3 = (mr_reply_t){.out = &out, .resp = 3};
}

static void teardown(void)
{
    mr_buf_free(&out);
}

#define EXPECT(lit)                                                          \
    do {                                                                     \
        cr_assert_eq(out.len, sizeof(lit) - 1, "len %zu: %.*s", out.len,    \
                     (int)out.len, out.data);                                \
        cr_assert(memcmp(out.data, lit, sizeof(lit) - 1) == 0, "got %.*s",   \
                  (int)out.len, out.data);                                   \
        out.len = 0;                                                         \
    } while (0)

TestSuite(reply, .init = setup, .fini = teardown);

Test(reply, simple_ok_int)
{
    mr_reply_simple(&r2, "PONG");
    EXPECT("+PONG\r\n");
    mr_reply_ok(&r3);
    EXPECT("+OK\r\n");
    mr_reply_int(&r2, 0);
    EXPECT(":0\r\n");
    mr_reply_int(&r3, -42);
    EXPECT(":-42\r\n");
    mr_reply_int(&r2, LLONG_MAX);
    EXPECT(":9223372036854775807\r\n");
    mr_reply_int(&r2, LLONG_MIN);
    EXPECT(":-9223372036854775808\r\n");
}

Test(reply, bulk_variants)
{
    mr_reply_bulk(&r2, "hello", 5);
    EXPECT("$5\r\nhello\r\n");
    mr_reply_bulk(&r3, "", 0);
    EXPECT("$0\r\n\r\n");
    mr_reply_bulk(&r2, "a\0\r\nb", 5);
    EXPECT("$5\r\na\0\r\nb\r\n");
    mr_reply_bulk_cstr(&r2, "xyz");
    EXPECT("$3\r\nxyz\r\n");
    mr_reply_bulk_ll(&r2, -1234);
    EXPECT("$5\r\n-1234\r\n");
    mr_reply_bulk_ll(&r3, LLONG_MIN);
    EXPECT("$20\r\n-9223372036854775808\r\n");
}

Test(reply, big_bulk)
{
    static char big[100000];
    memset(big, 'v', sizeof(big));
    mr_reply_bulk(&r2, big, sizeof(big));
    cr_assert_eq(out.len, 9u + sizeof(big) + 2u);
    cr_assert(memcmp(out.data, "$100000\r\n", 9) == 0);
    cr_assert(memcmp(out.data + 9, big, sizeof(big)) == 0);
    cr_assert(memcmp(out.data + 9 + sizeof(big), "\r\n", 2) == 0);
}

Test(reply, nulls)
{
    mr_reply_null(&r2);
    EXPECT("$-1\r\n");
    mr_reply_null_array(&r2);
    EXPECT("*-1\r\n");
    mr_reply_null(&r3);
    EXPECT("_\r\n");
    mr_reply_null_array(&r3);
    EXPECT("_\r\n");
}

Test(reply, aggregates)
{
    mr_reply_array(&r2, 3);
    EXPECT("*3\r\n");
    mr_reply_array(&r3, 0);
    EXPECT("*0\r\n");
    mr_reply_map(&r2, 7);
    EXPECT("*14\r\n");
    mr_reply_map(&r3, 7);
    EXPECT("%7\r\n");
    mr_reply_set(&r2, 3);
    EXPECT("*3\r\n");
    mr_reply_set(&r3, 3);
    EXPECT("~3\r\n");
    mr_reply_push(&r2, 3);
    EXPECT("*3\r\n");
    mr_reply_push(&r3, 3);
    EXPECT(">3\r\n");
}

Test(reply, doubles)
{
    mr_reply_double(&r3, 1.5);
    EXPECT(",1.5\r\n");
    mr_reply_double(&r3, 0.1);
    EXPECT(",0.10000000000000001\r\n");
    mr_reply_double(&r3, INFINITY);
    EXPECT(",inf\r\n");
    mr_reply_double(&r3, -INFINITY);
    EXPECT(",-inf\r\n");
    mr_reply_double(&r3, 3.0);
    EXPECT(",3\r\n");
    mr_reply_double(&r2, 1.5);
    EXPECT("$3\r\n1.5\r\n");
    mr_reply_double(&r2, 0.1);
    EXPECT("$19\r\n0.10000000000000001\r\n");
    mr_reply_double(&r2, INFINITY);
    EXPECT("$3\r\ninf\r\n");
    mr_reply_double(&r2, -INFINITY);
    EXPECT("$4\r\n-inf\r\n");
    mr_reply_double(&r2, 1e100);
    EXPECT("$6\r\n1e+100\r\n");
}

Test(reply, bool_bignum_verbatim)
{
    mr_reply_bool(&r2, true);
    EXPECT(":1\r\n");
    mr_reply_bool(&r2, false);
    EXPECT(":0\r\n");
    mr_reply_bool(&r3, true);
    EXPECT("#t\r\n");
    mr_reply_bool(&r3, false);
    EXPECT("#f\r\n");

    const char *n = "1234567999999999999999999999999999999";
    mr_reply_bignum(&r2, n, strlen(n));
    EXPECT("$37\r\n1234567999999999999999999999999999999\r\n");
    mr_reply_bignum(&r3, n, strlen(n));
    EXPECT("(1234567999999999999999999999999999999\r\n");

    const char *v = "This is a verbatim\nstring";
    mr_reply_verbatim(&r2, v, strlen(v), "txt");
    EXPECT("$25\r\nThis is a verbatim\nstring\r\n");
    mr_reply_verbatim(&r3, v, strlen(v), "txt");
    EXPECT("=29\r\ntxt:This is a verbatim\nstring\r\n");
    mr_reply_verbatim(&r3, "", 0, "mkd");
    EXPECT("=4\r\nmkd:\r\n");
}

Test(reply, errors)
{
    cr_assert_null(r2.last_err);
    mr_reply_err(&r2, "ERR syntax error");
    EXPECT("-ERR syntax error\r\n");
    cr_assert_str_eq(r2.last_err, "ERR");
    cr_assert_eq(r2.errors, 1u);

    mr_reply_err(&r2, "WRONGTYPE Operation against a key holding the wrong "
                      "kind of value");
    EXPECT("-WRONGTYPE Operation against a key holding the wrong kind of "
           "value\r\n");
    cr_assert_str_eq(r2.last_err, "WRONGTYPE");
    cr_assert_eq(r2.errors, 2u);

    /* user text with CR/LF cannot break the protocol */
    mr_reply_err(&r3, "ERR unknown command 'a\r\nb'");
    EXPECT("-ERR unknown command 'a  b'\r\n");
    cr_assert_str_eq(r3.last_err, "ERR");

    mr_reply_err(&r3, "NOPROTO sorry");
    EXPECT("-NOPROTO sorry\r\n");
    cr_assert_str_eq(r3.last_err, "NOPROTO");

    /* as Redis's errorstats: without a space in the first 31 bytes the
     * code is "ERR" (the reply itself is untouched) */
    mr_reply_err(&r3, "NOPROTO");
    EXPECT("-NOPROTO\r\n");
    cr_assert_str_eq(r3.last_err, "ERR");
    char longw[100];
    memset(longw, 'X', 99);
    longw[99] = '\0';
    longw[40] = ' ';
    mr_reply_err(&r3, longw);
    cr_assert_eq(out.len, 1u + 99u + 2u);
    out.len = 0;
    cr_assert_str_eq(r3.last_err, "ERR");
    memset(longw, 'Y', 30);
    longw[30] = ' ';
    mr_reply_err(&r3, longw);
    out.len = 0;
    cr_assert_eq(strlen(r3.last_err), 30u);
    cr_assert_eq(r3.errors, 5u);
}

Test(reply, errf)
{
    mr_reply_errf(&r2, "ERR unknown command '%s', with args beginning with: ",
                  "foo");
    EXPECT("-ERR unknown command 'foo', with args beginning with: \r\n");
    cr_assert_str_eq(r2.last_err, "ERR");

    mr_reply_errf(&r2, "ERR wrong number of arguments for '%s' command",
                  "get\r\n");
    EXPECT("-ERR wrong number of arguments for 'get  ' command\r\n");

    char big[2000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mr_reply_errf(&r2, "ERR %s!", big);
    cr_assert_eq(out.len, 1u + 4u + 1999u + 1u + 2u);
    cr_assert_eq(out.data[out.len - 3], '!');
    cr_assert_eq(r2.errors, 3u);
}

/* A deferred header must give exactly the bytes a known length would. */
Test(reply, deferred_lengths_match_known)
{
    for (int resp = 2; resp <= 3; resp++) {
        mr_reply_t *r = resp == 2 ? &r2 : &r3;
        mr_buf_t a = {0};
        mr_reply_t known = {.out = &a, .resp = resp};

        for (long n = 0; n <= 12; n += 3) {
            /* array */
            mr_reply_bulk_cstr(&known, "before");
            mr_reply_array(&known, n);
            for (long i = 0; i < n; i++)
                mr_reply_bulk_ll(&known, i * 1000);
            mr_reply_bulk_cstr(r, "before");
            size_t mark = mr_reply_defer(r);
            for (long i = 0; i < n; i++)
                mr_reply_bulk_ll(r, i * 1000);
            mr_reply_defer_array(r, mark, n);

            /* map */
            mr_reply_map(&known, n);
            for (long i = 0; i < n; i++) {
                mr_reply_bulk_cstr(&known, "k");
                mr_reply_double(&known, (double)i / 4);
            }
            mark = mr_reply_defer(r);
            for (long i = 0; i < n; i++) {
                mr_reply_bulk_cstr(r, "k");
                mr_reply_double(r, (double)i / 4);
            }
            mr_reply_defer_map(r, mark, n);

            /* set, nested inside an array */
            mr_reply_array(&known, 1);
            mr_reply_set(&known, n);
            for (long i = 0; i < n; i++)
                mr_reply_int(&known, -i);
            mr_reply_array(r, 1);
            mark = mr_reply_defer(r);
            for (long i = 0; i < n; i++)
                mr_reply_int(r, -i);
            mr_reply_defer_set(r, mark, n);
        }
        cr_assert_eq(out.len, a.len, "resp %d", resp);
        cr_assert(memcmp(out.data, a.data, a.len) == 0, "resp %d", resp);
        out.len = 0;
        mr_buf_free(&a);
    }
}

Test(reply, deferred_exact_bytes)
{
    size_t m = mr_reply_defer(&r3);
    mr_reply_bulk_cstr(&r3, "a");
    mr_reply_int(&r3, 1);
    mr_reply_defer_map(&r3, m, 1);
    EXPECT("%1\r\n$1\r\na\r\n:1\r\n");

    m = mr_reply_defer(&r2);
    mr_reply_bulk_cstr(&r2, "a");
    mr_reply_int(&r2, 1);
    mr_reply_defer_map(&r2, m, 1);
    EXPECT("*2\r\n$1\r\na\r\n:1\r\n");

    m = mr_reply_defer(&r2);
    mr_reply_defer_array(&r2, m, 0);
    EXPECT("*0\r\n");

    mr_reply_ok(&r3);
    m = mr_reply_defer(&r3);
    mr_reply_bulk_cstr(&r3, "x");
    mr_reply_defer_set(&r3, m, 1);
    EXPECT("+OK\r\n~1\r\n$1\r\nx\r\n");
}

Test(reply, appends_after_existing_output)
{
    mr_buf_append(&out, "+PREV\r\n", 7);
    mr_reply_int(&r2, 5);
    mr_reply_null(&r2);
    EXPECT("+PREV\r\n:5\r\n$-1\r\n");
}
