/* Wire protocol: inline commands, pipelining, fragmented requests, binary
 * safety, protocol errors (exact text, connection closed, others unharmed),
 * half-sent commands, unknown command / arity errors, RESP3. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

Test(protocol, inline_ping_crlf)
{
    int fd = h_conn();
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    expect_reply(fd, "ping\r\n", "+PONG\r\n");
    close(fd);
}

Test(protocol, inline_ping_bare_lf)
{
    int fd = h_conn();
    expect_reply(fd, "PING\n", "+PONG\r\n");
    expect_reply(fd, "ECHO hello\n", "$5\r\nhello\r\n");
    close(fd);
}

Test(protocol, inline_quoted_args)
{
    int fd = h_conn();
    expect_reply(fd, "SET \"proto:a b\" 'x y'\r\n", "+OK\r\n");
    expect_cmd(fd, "$3\r\nx y\r\n", "GET", "proto:a b");
    /* double quotes understand escapes, single quotes do not */
    expect_reply(fd, "ECHO \"a\\x41\\n\"\r\n", "$3\r\naA\n\r\n");
    expect_reply(fd, "ECHO 'a\\n'\r\n", "$3\r\na\\n\r\n");
    expect_reply(fd, "ECHO \"\"\r\n", "$0\r\n\r\n");
    close(fd);
}

Test(protocol, inline_empty_lines_ignored)
{
    int fd = h_conn();
    expect_reply(fd, "\r\n\n   \r\nPING\r\n", "+PONG\r\n");
    cr_assert(h_no_data(fd, 100), "empty lines must not produce replies");
    close(fd);
}

Test(protocol, pipeline_100_in_one_write)
{
    int fd = h_conn();
    h_bytes_t d = h_call(fd, "DEL", "proto:pipe", NULL);
    h_bytes_free(&d);
    char req[8192], exp[8192];
    size_t rl = 0, el = 0;
    for (int i = 0; i < 100; i++) {
        switch (i % 4) {
        case 0:
            rl += (size_t)snprintf(req + rl, sizeof req - rl,
                                   "*2\r\n$4\r\nINCR\r\n$10\r\nproto:pipe\r\n");
            el += (size_t)snprintf(exp + el, sizeof exp - el, ":%d\r\n",
                                   i / 4 + 1);
            break;
        case 1:
            rl += (size_t)snprintf(req + rl, sizeof req - rl,
                                   "*1\r\n$4\r\nPING\r\n");
            el += (size_t)snprintf(exp + el, sizeof exp - el, "+PONG\r\n");
            break;
        case 2:
            rl += (size_t)snprintf(req + rl, sizeof req - rl,
                                   "*2\r\n$3\r\nGET\r\n$10\r\nproto:pipe\r\n");
            el += (size_t)snprintf(exp + el, sizeof exp - el, "$%d\r\n%d\r\n",
                                   i / 4 + 1 >= 10 ? 2 : 1, i / 4 + 1);
            break;
        default:
            /* inline commands mix freely with multibulk ones */
            rl += (size_t)snprintf(req + rl, sizeof req - rl, "ECHO e%d\r\n",
                                   i);
            el += (size_t)snprintf(exp + el, sizeof exp - el,
                                   "$%d\r\ne%d\r\n", i >= 10 ? 3 : 2, i);
        }
    }
    expect_reply_n(fd, req, rl, exp, el);
    cr_assert(h_no_data(fd, 50));
    expect_cmd(fd, ":1\r\n", "DEL", "proto:pipe");
    close(fd);
}

Test(protocol, one_byte_writes)
{
    int fd = h_conn();
    const char *req = "*3\r\n$3\r\nSET\r\n$11\r\nproto:split\r\n$5\r\nvalue\r\n"
                      "PING\r\n*2\r\n$3\r\nGET\r\n$11\r\nproto:split\r\n";
    for (size_t i = 0; req[i]; i++) {
        cr_assert(h_send(fd, req + i, 1));
        /* give the server a chance to see every fragment on its own */
        if (i % 8 == 0)
            h_sleep_ms(1);
    }
    expect_reply(fd, NULL, "+OK\r\n+PONG\r\n$5\r\nvalue\r\n");
    close(fd);
}

Test(protocol, binary_safe_values)
{
    int fd = h_conn();
    const char key[] = "proto:bin\0k\r\n";
    const char val[] = "a\0b\r\nc\n\r\0\xff";
    const char *argv[3] = {"SET", key, val};
    size_t lens[3] = {3, sizeof key - 1, sizeof val - 1};
    h_bytes_t r = h_callv(fd, 3, argv, lens);
    cr_assert(r.buf && r.len == 5 && memcmp(r.buf, "+OK\r\n", 5) == 0);
    h_bytes_free(&r);

    const char *gargv[2] = {"GET", key};
    size_t glens[2] = {3, sizeof key - 1};
    r = h_callv(fd, 2, gargv, glens);
    char exp[64];
    int el = snprintf(exp, sizeof exp, "$%zu\r\n", sizeof val - 1);
    memcpy(exp + el, val, sizeof val - 1);
    memcpy(exp + el + sizeof val - 1, "\r\n", 2);
    size_t explen = (size_t)el + sizeof val - 1 + 2;
    cr_assert(r.buf && r.len == explen && memcmp(r.buf, exp, explen) == 0,
              "binary value did not round-trip: %s",
              h_escape(r.buf ? r.buf : "", r.len));
    h_bytes_free(&r);

    /* the NUL-free prefix of the key is a different key */
    expect_cmd(fd, "$-1\r\n", "GET", "proto:bin");
    const char *dargv[2] = {"DEL", key};
    r = h_callv(fd, 2, dargv, glens);
    cr_assert(r.buf && strcmp(r.buf, ":1\r\n") == 0);
    h_bytes_free(&r);
    close(fd);
}

/* Sends a malformed request on a fresh connection; checks the exact error,
 * that this connection is then closed, and that another connection and the
 * data written before are untouched. */
static void check_protocol_error(const void *req, size_t len,
                                 const char *err)
{
    int other = h_conn();
    expect_cmd(other, "+OK\r\n", "SET", "proto:keep", "intact");
    int fd = h_conn();
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    expect_reply_n(fd, req, len, err, strlen(err));
    cr_assert(h_is_closed(fd, 3000),
              "connection not closed after protocol error %s", err);
    close(fd);
    expect_reply(other, "PING\r\n", "+PONG\r\n");
    expect_cmd(other, "$6\r\nintact\r\n", "GET", "proto:keep");
    close(other);
}

#define PROTO_ERR(req, err) check_protocol_error((req), strlen(req), (err))

Test(protocol, error_invalid_multibulk_length)
{
    PROTO_ERR("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n");
    PROTO_ERR("*2147483648\r\n",
              "-ERR Protocol error: invalid multibulk length\r\n");
    PROTO_ERR("*1x\r\n", "-ERR Protocol error: invalid multibulk length\r\n");
}

Test(protocol, large_multibulk_count_waits_for_arguments)
{
    /* Redis 7.0 accepts counts up to INT_MAX and waits for the arguments;
     * nothing may be allocated for them up front. */
    int fd = h_conn();
    cr_assert(h_send_str(fd, "*2000000\r\n"));
    cr_assert(h_no_data(fd, 200), "no reply expected to *2000000");
    close(fd);
    int fd2 = h_conn();
    expect_reply(fd2, "PING\r\n", "+PONG\r\n");
    close(fd2);
}

Test(protocol, error_invalid_bulk_length)
{
    const char *e = "-ERR Protocol error: invalid bulk length\r\n";
    PROTO_ERR("*1\r\n$-5\r\n", e);
    PROTO_ERR("*1\r\n$abc\r\n", e);
    PROTO_ERR("*1\r\n$600000000\r\n", e);
    PROTO_ERR("*2\r\n$3\r\nGET\r\n$536870913\r\n", e);
}

Test(protocol, max_bulk_length_accepted)
{
    /* exactly 512 MB is a legal announcement: the server waits for data */
    int fd = h_conn();
    cr_assert(h_send_str(fd, "*1\r\n$536870912\r\n"));
    cr_assert(h_no_data(fd, 200));
    close(fd);
}

Test(protocol, error_expected_dollar)
{
    PROTO_ERR("*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n");
    PROTO_ERR("*2\r\n$3\r\nGET\r\n:1\r\n",
              "-ERR Protocol error: expected '$', got ':'\r\n");
}

Test(protocol, error_too_big_inline)
{
    size_t n = 70000;
    char *big = malloc(n);
    cr_assert(big);
    memset(big, 'A', n);
    check_protocol_error(big, n,
                         "-ERR Protocol error: too big inline request\r\n");
    free(big);
}

Test(protocol, error_too_big_count_strings)
{
    size_t n = 70000;
    char *big = malloc(n + 8);
    cr_assert(big);
    big[0] = '*';
    memset(big + 1, '1', n - 1);
    check_protocol_error(big, n,
                         "-ERR Protocol error: too big mbulk count string\r\n");
    memcpy(big, "*1\r\n$", 5);
    memset(big + 5, '1', n - 5);
    check_protocol_error(big, n,
                         "-ERR Protocol error: too big bulk count string\r\n");
    free(big);
}

Test(protocol, error_unbalanced_quotes)
{
    const char *e = "-ERR Protocol error: unbalanced quotes in request\r\n";
    PROTO_ERR("SET \"a b\r\n", e);
    PROTO_ERR("PING 'x\r\n", e);
    /* a closing quote must be followed by a space */
    PROTO_ERR("ECHO \"a\"b\r\n", e);
}

Test(protocol, half_command_never_executes)
{
    int fd = h_conn();
    expect_cmd(fd, ":0\r\n", "DEL", "proto:half");
    close(fd);
    fd = h_conn();
    cr_assert(h_send_str(fd, "*3\r\n$3\r\nSET\r\n$10\r\nproto:half\r\n$5\r\nab"));
    h_sleep_ms(50);
    close(fd);
    h_sleep_ms(100);
    int other = h_conn();
    expect_cmd(other, "$-1\r\n", "GET", "proto:half");
    expect_reply(other, "PING\r\n", "+PONG\r\n");
    close(other);
}

Test(protocol, unknown_command_text)
{
    int fd = h_conn();
    expect_cmd(fd,
               "-ERR unknown command 'FOOBAR', with args beginning with: "
               "'abc' 'd e' \r\n",
               "FOOBAR", "abc", "d e");
    expect_cmd(fd, "-ERR unknown command 'nosuch', with args beginning with: \r\n",
               "nosuch");
    /* the connection stays usable */
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
}

Test(protocol, wrong_arity)
{
    int fd = h_conn();
    expect_cmd(fd, "-ERR wrong number of arguments for 'get' command\r\n",
               "GET");
    expect_cmd(fd, "-ERR wrong number of arguments for 'get' command\r\n",
               "get", "a", "b");
    expect_cmd(fd, "-ERR wrong number of arguments for 'set' command\r\n",
               "SET", "a");
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
}

Test(protocol, resp3_hello_and_null)
{
    int fd = h_conn();
    h_resp_t *r = h_callp(fd, "HELLO", "3", NULL);
    cr_assert_eq(r->type, '%');
    cr_assert_eq(r->n, 14);
    const char *keys[7] = {"server", "version", "proto", "id",
                           "mode", "role", "modules"};
    for (int i = 0; i < 7; i++)
        cr_assert(r->elems[2 * i]->type == '$' &&
                      strcmp(r->elems[2 * i]->str, keys[i]) == 0,
                  "HELLO key %d is not %s", i, keys[i]);
    cr_assert_eq(h_map_get(r, "proto")->type, ':');
    cr_assert_eq(h_map_get(r, "proto")->integer, 3);
    cr_assert_eq(h_map_get(r, "id")->type, ':');
    cr_assert(h_map_get(r, "id")->integer > 0);
    cr_assert_str_eq(h_map_get(r, "mode")->str, "standalone");
    cr_assert_str_eq(h_map_get(r, "role")->str, "master");
    cr_assert_eq(h_map_get(r, "modules")->type, '*');
    cr_assert_eq(h_map_get(r, "modules")->n, 0);
    h_resp_free(r);

    expect_cmd(fd, "_\r\n", "GET", "proto:missing-resp3");
    char exp[128];
    snprintf(exp, sizeof exp, "%%1\r\n$4\r\nport\r\n$%zu\r\n%d\r\n",
             (size_t)snprintf(NULL, 0, "%d", h_port()), h_port());
    expect_cmd(fd, exp, "CONFIG", "GET", "port");
    /* integers and errors look the same in both protocols */
    expect_cmd(fd, ":0\r\n", "EXISTS", "proto:missing-resp3");
    expect_cmd(fd, "-ERR wrong number of arguments for 'get' command\r\n",
               "GET");

    /* back to RESP2 */
    r = h_callp(fd, "HELLO", "2", NULL);
    cr_assert_eq(r->type, '*');
    cr_assert_eq(r->n, 14);
    cr_assert_eq(h_map_get(r, "proto")->integer, 2);
    h_resp_free(r);
    expect_cmd(fd, "$-1\r\n", "GET", "proto:missing-resp3");
    snprintf(exp, sizeof exp, "*2\r\n$4\r\nport\r\n$%zu\r\n%d\r\n",
             (size_t)snprintf(NULL, 0, "%d", h_port()), h_port());
    expect_cmd(fd, exp, "CONFIG", "GET", "port");
    close(fd);
}

Test(protocol, hello_bad_version)
{
    int fd = h_conn();
    expect_cmd(fd, "-NOPROTO unsupported protocol version\r\n", "HELLO", "4");
    expect_cmd(fd,
               "-ERR Protocol version is not an integer or out of range\r\n",
               "HELLO", "abc");
    expect_reply(fd, "PING\r\n", "+PONG\r\n");
    close(fd);
}
