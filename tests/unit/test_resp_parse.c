#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/resp.h"
#include "proto/errors.h"

/* ---- helpers ---- */

/* Feeds `in` to a parser the way a connection would, in chunks ending at the
 * given cut points, moving the buffer to a fresh allocation before every call
 * (so stale pointers into an old buffer are caught by ASan). Returns a
 * transcript of every request and error, e.g. "3[SET|k|v]0[]E<...>". */
static char *run_cuts(const char *in, size_t len, const size_t *cuts,
                      int ncuts, long long max_bulk)
{
    mr_parser_t p;
    mr_parser_init(&p, max_bulk);
    mr_buf_t out = {0};
    char *pending = NULL; /* bytes received but not consumed */
    size_t plen = 0;
    size_t fed = 0;
    bool dead = false;

    for (int c = 0; c <= ncuts && !dead; c++) {
        size_t upto = c < ncuts ? cuts[c] : len;
        char *nb = malloc(plen + (upto - fed) + 1);
        if (plen)
            memcpy(nb, pending, plen);
        memcpy(nb + plen, in + fed, upto - fed);
        free(pending);
        pending = nb;
        plen += upto - fed;
        fed = upto;

        for (;;) {
            size_t consumed = 12345;
            /* move the buffer before each call */
            char *moved = malloc(plen + 1);
            if (plen)
                memcpy(moved, pending, plen);
            free(pending);
            pending = moved;
            mr_parse_status_t st = mr_resp_parse(&p, pending, plen, &consumed);
            if (st == MR_PARSE_NEED_MORE) {
                cr_assert_eq(consumed, 0u);
                break;
            }
            if (st == MR_PARSE_ERROR) {
                mr_buf_printf(&out, "E<%s>", p.err);
                dead = true;
                break;
            }
            cr_assert(consumed > 0 && consumed <= plen);
            mr_buf_printf(&out, "%d[", p.argc);
            for (int i = 0; i < p.argc; i++) {
                if (i)
                    mr_buf_append(&out, "|", 1);
                mr_buf_append(&out, p.argv[i].ptr, p.argv[i].len);
            }
            mr_buf_append(&out, "]", 1);
            memmove(pending, pending + consumed, plen - consumed);
            plen -= consumed;
        }
    }
    if (!dead && plen)
        mr_buf_printf(&out, "R%zu", plen); /* leftover partial request */
    free(pending);
    mr_parser_free(&p);
    mr_buf_append(&out, "", 1);
    return out.data;
}

static char *run_whole(const char *in, size_t len)
{
    return run_cuts(in, len, NULL, 0, MR_DEFAULT_MAX_BULK);
}

/* Every single cut, every pair of cuts (if short enough), and one byte at a
 * time must all give the transcript of the unsplit input. */
static void check_all_splits(const char *in, size_t len, const char *expect)
{
    char *whole = run_whole(in, len);
    cr_assert_str_eq(whole, expect);
    free(whole);

    for (size_t i = 0; i <= len; i++) {
        char *t = run_cuts(in, len, &i, 1, MR_DEFAULT_MAX_BULK);
        cr_assert_str_eq(t, expect, "cut at %zu", i);
        free(t);
    }
    if (len <= 160) {
        for (size_t i = 1; i < len; i++)
            for (size_t j = i; j < len; j++) {
                size_t cuts[2] = {i, j};
                char *t = run_cuts(in, len, cuts, 2, MR_DEFAULT_MAX_BULK);
                cr_assert_str_eq(t, expect, "cuts at %zu,%zu", i, j);
                free(t);
            }
    }
    size_t *cuts = malloc(sizeof(size_t) * (len + 1));
    for (size_t i = 0; i < len; i++)
        cuts[i] = i;
    char *t = run_cuts(in, len, cuts, (int)len, MR_DEFAULT_MAX_BULK);
    cr_assert_str_eq(t, expect, "byte at a time");
    free(t);
    free(cuts);
}

#define LIT(s) s, sizeof(s) - 1

/* One-shot parse of a complete buffer. */
static mr_parse_status_t once(mr_parser_t *p, const char *s, size_t n,
                              size_t *consumed)
{
    return mr_resp_parse(p, s, n, consumed);
}

static void expect_error(const char *in, size_t len, const char *err)
{
    char want[256];
    snprintf(want, sizeof(want), "E<%s>", err);
    char *t = run_whole(in, len);
    cr_assert_str_eq(t, want);
    free(t);
}

/* ---- well-formed requests ---- */

Test(resp_parse, multibulk_basic)
{
    mr_parser_t p;
    mr_parser_init(&p, MR_DEFAULT_MAX_BULK);
    const char req[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
    size_t consumed;
    cr_assert_eq(once(&p, LIT(req), &consumed), MR_PARSE_OK);
    cr_assert_eq(consumed, sizeof(req) - 1);
    cr_assert_eq(p.argc, 3);
    cr_assert(p.argv[0].len == 3 && memcmp(p.argv[0].ptr, "SET", 3) == 0);
    cr_assert(p.argv[1].len == 1 && p.argv[1].ptr == req + 17);
    cr_assert(p.argv[2].len == 5 && memcmp(p.argv[2].ptr, "hello", 5) == 0);
    mr_parser_free(&p);
}

Test(resp_parse, multibulk_all_splits)
{
    check_all_splits(LIT("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"),
                     "3[SET|k|hello]");
    check_all_splits(LIT("*1\r\n$0\r\n\r\n"), "1[]");
    check_all_splits(LIT("*2\r\n$4\r\nECHO\r\n$12\r\n0123456789ab\r\n"),
                     "2[ECHO|0123456789ab]");
}

Test(resp_parse, binary_payload)
{
    const char req[] = "*2\r\n$4\r\nECHO\r\n$6\r\na\0\r\n\nb\r\n";
    char expect[] = "2[ECHO|a\0\r\n\nb]";
    char *t = run_whole(req, sizeof(req) - 1);
    cr_assert(memcmp(t, expect, sizeof(expect)) == 0);
    free(t);
    for (size_t i = 0; i <= sizeof(req) - 1; i++) {
        t = run_cuts(req, sizeof(req) - 1, &i, 1, MR_DEFAULT_MAX_BULK);
        cr_assert(memcmp(t, expect, sizeof(expect)) == 0, "cut %zu", i);
        free(t);
    }
}

Test(resp_parse, inline_all_splits)
{
    check_all_splits(LIT("PING\r\n"), "1[PING]");
    check_all_splits(LIT("PING\n"), "1[PING]");
    check_all_splits(LIT("  set   a  \t b \r\n"), "3[set|a|b]");
    check_all_splits(LIT("SET k \"a b\\x41\\n\" 'c d'\r\n"),
                     "4[SET|k|a bA\n|c d]");
    check_all_splits(LIT("\r\n\n   \r\n"), "0[]0[]0[]");
}

Test(resp_parse, pipeline_mixed_all_splits)
{
    const char req[] = "*1\r\n$4\r\nPING\r\n"
                       "PING\r\n"
                       "*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n"
                       "*0\r\n"
                       "*-1\r\n"
                       "set a 'x y'\n"
                       "*3\r\n$3\r\nSET\r\n$4\r\nb\r\nc\r\n$0\r\n\r\n"
                       "\r\n"
                       "ECHO \"\"\r\n";
    check_all_splits(req, sizeof(req) - 1,
                     "1[PING]1[PING]2[GET|foo]0[]0[]3[set|a|x y]"
                     "3[SET|b\r\nc|]0[]2[ECHO|]");
}

Test(resp_parse, long_pipeline_all_splits)
{
    mr_buf_t in = {0}, expect = {0};
    for (int i = 0; i < 60; i++) {
        char v[16];
        int n = snprintf(v, sizeof(v), "v%d", i * 37);
        if (i % 3 == 2) {
            mr_buf_printf(&in, "INCR %s\r\n", v);
            mr_buf_printf(&expect, "2[INCR|%s]", v);
        } else {
            mr_buf_printf(&in, "*3\r\n$3\r\nSET\r\n$%d\r\nk%d\r\n$%d\r\n%s\r\n",
                          (int)snprintf(NULL, 0, "k%d", i), i, n, v);
            mr_buf_printf(&expect, "3[SET|k%d|%s]", i, v);
        }
    }
    mr_buf_append(&expect, "", 1);
    check_all_splits(in.data, in.len, expect.data);
    mr_buf_free(&in);
    mr_buf_free(&expect);
}

Test(resp_parse, many_elements_grow_past_initial_cap)
{
    mr_buf_t in = {0};
    const int n = 5000;
    mr_buf_printf(&in, "*%d\r\n", n);
    for (int i = 0; i < n; i++)
        mr_buf_printf(&in, "$%d\r\n%d\r\n", (int)snprintf(NULL, 0, "%d", i), i);
    mr_parser_t p;
    mr_parser_init(&p, MR_DEFAULT_MAX_BULK);
    size_t consumed;
    cr_assert_eq(once(&p, in.data, in.len, &consumed), MR_PARSE_OK);
    cr_assert_eq(consumed, in.len);
    cr_assert_eq(p.argc, n);
    for (int i = 0; i < n; i++) {
        char v[16];
        int l = snprintf(v, sizeof(v), "%d", i);
        cr_assert(p.argv[i].len == (size_t)l && !memcmp(p.argv[i].ptr, v, l));
    }
    /* the next request starts fresh and shrinks the arrays again */
    cr_assert_eq(once(&p, LIT("*1\r\n$1\r\nx\r\n"), &consumed), MR_PARSE_OK);
    cr_assert_eq(p.argc, 1);
    cr_assert(p.cap <= 1024);
    mr_parser_free(&p);
    mr_buf_free(&in);
}

Test(resp_parse, trailing_two_bytes_unchecked_like_redis)
{
    /* redis-server 7.0.15 answers +PONG twice to this */
    check_all_splits(LIT("*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n"),
                     "1[PING]1[PING]");
    /* and the byte after '\r' in a length line is skipped, whatever it is */
    check_all_splits(LIT("*1\rX$4\rXPING\r\n"), "1[PING]");
}

Test(resp_parse, empty_requests)
{
    mr_parser_t p;
    mr_parser_init(&p, MR_DEFAULT_MAX_BULK);
    size_t consumed;
    cr_assert_eq(once(&p, LIT("*0\r\nPING\r\n"), &consumed), MR_PARSE_OK);
    cr_assert_eq(p.argc, 0);
    cr_assert_eq(consumed, 4u);
    cr_assert_eq(once(&p, LIT("*-5\r\n"), &consumed), MR_PARSE_OK);
    cr_assert_eq(p.argc, 0);
    cr_assert_eq(consumed, 5u);
    cr_assert_eq(once(&p, LIT("\n"), &consumed), MR_PARSE_OK);
    cr_assert_eq(p.argc, 0);
    cr_assert_eq(consumed, 1u);
    cr_assert_eq(once(&p, "", 0, &consumed), MR_PARSE_NEED_MORE);
    mr_parser_free(&p);
}

/* ---- malformed input: exact Redis error texts ---- */

Test(resp_parse, invalid_multibulk_length)
{
    expect_error(LIT("*abc\r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*\r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*01\r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*+1\r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*1 \r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*2147483648\r\n"), MR_ERR_PROTO_MBULK_LEN);
    expect_error(LIT("*99999999999999999999\r\n"), MR_ERR_PROTO_MBULK_LEN);
}

Test(resp_parse, huge_declared_count_allocates_nothing_up_front)
{
    /* Redis 7.0.15 accepts counts up to INT_MAX and waits for elements */
    mr_parser_t p;
    mr_parser_init(&p, MR_DEFAULT_MAX_BULK);
    size_t consumed;
    const char req[] = "*2147483647\r\n$3\r\nSET\r\n$1\r\n";
    cr_assert_eq(once(&p, LIT(req), &consumed), MR_PARSE_NEED_MORE);
    cr_assert(p.cap <= 1024, "cap %d", p.cap);
    mr_parser_free(&p);
}

Test(resp_parse, expected_dollar)
{
    expect_error(LIT("*1\r\nfoo\r\n"),
                 "ERR Protocol error: expected '$', got 'f'");
    expect_error(LIT("*2\r\n$3\r\nGET\r\n:1\r\n"),
                 "ERR Protocol error: expected '$', got ':'");
    expect_error(LIT("*1\r\n\r\n"),
                 "ERR Protocol error: expected '$', got '\r'");
    /* the check waits for the whole line, as Redis does */
    char *t = run_whole(LIT("*1\r\nfoo"));
    cr_assert_str_eq(t, "R7");
    free(t);
}

Test(resp_parse, invalid_bulk_length)
{
    expect_error(LIT("*1\r\n$-1\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$abc\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$+1\r\nx\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$01\r\nx\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$-0\r\n\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$536870913\r\n"), MR_ERR_PROTO_BULK_LEN);
    expect_error(LIT("*1\r\n$2147483648\r\n"), MR_ERR_PROTO_BULK_LEN);
    /* 512MB exactly is allowed: the parser waits for it */
    char *t = run_whole(LIT("*1\r\n$536870912\r\n"));
    cr_assert_str_eq(t, "R16");
    free(t);
}

Test(resp_parse, max_bulk_is_configurable)
{
    const char ok[] = "*1\r\n$10\r\n0123456789\r\n";
    const char big[] = "*1\r\n$11\r\n0123456789a\r\n";
    char *t = run_cuts(LIT(ok), NULL, 0, 10);
    cr_assert_str_eq(t, "1[0123456789]");
    free(t);
    t = run_cuts(LIT(big), NULL, 0, 10);
    cr_assert_str_eq(t, "E<" MR_ERR_PROTO_BULK_LEN ">");
    free(t);
}

Test(resp_parse, big_bulk_sets_need_without_allocating)
{
    mr_parser_t p;
    mr_parser_init(&p, 4LL * 1024 * 1024 * 1024);
    size_t consumed;
    const char req[] = "*2\r\n$3\r\nSET\r\n$2147483648\r\nabc";
    cr_assert_eq(once(&p, LIT(req), &consumed), MR_PARSE_NEED_MORE);
    /* 4 + 4 + 5 + 13 bytes before the payload, the payload, its CRLF */
    cr_assert_eq(p.need, 26u + 2147483648u + 2u);
    cr_assert(p.cap <= 1024);
    cr_assert(p.scratch.cap < 4096);
    mr_parser_free(&p);

    mr_parser_init(&p, MR_DEFAULT_MAX_BULK);
    cr_assert_eq(once(&p, LIT("*1\r\n$100\r\nabc"), &consumed),
                 MR_PARSE_NEED_MORE);
    cr_assert_eq(p.need, 112u);
    /* a length line still being read: nothing known yet */
    mr_parser_reset(&p);
    cr_assert_eq(once(&p, LIT("*1\r\n$10"), &consumed), MR_PARSE_NEED_MORE);
    cr_assert_eq(p.need, 0u);
    mr_parser_free(&p);
}

static char *repeat(char c, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    char *s = malloc(pl + n + 1);
    memcpy(s, prefix, pl);
    memset(s + pl, c, n);
    s[pl + n] = '\0';
    return s;
}

Test(resp_parse, line_limits)
{
    /* inline: more than 64KB without '\n' */
    char *s = repeat('a', MR_MAX_INLINE, "");
    char *t = run_whole(s, MR_MAX_INLINE);
    cr_assert_str_eq(t, "R65536");
    free(t);
    free(s);
    s = repeat('a', MR_MAX_INLINE + 1, "");
    expect_error(s, MR_MAX_INLINE + 1, MR_ERR_PROTO_INLINE_TOO_BIG);
    /* split: the error comes once enough bytes have arrived */
    size_t cut = 1000;
    t = run_cuts(s, MR_MAX_INLINE + 1, &cut, 1, MR_DEFAULT_MAX_BULK);
    cr_assert_str_eq(t, "E<" MR_ERR_PROTO_INLINE_TOO_BIG ">");
    free(t);
    free(s);

    /* multibulk count line without '\r' */
    s = repeat('1', MR_MAX_INLINE, "*");
    expect_error(s, MR_MAX_INLINE + 1, MR_ERR_PROTO_MBULK_BIG);
    t = run_whole(s, MR_MAX_INLINE);
    cr_assert_str_eq(t, "R65536");
    free(t);
    free(s);

    /* bulk length line without '\r' */
    s = repeat('1', MR_MAX_INLINE, "*1\r\n$");
    expect_error(s, 4 + MR_MAX_INLINE + 1, MR_ERR_PROTO_BULK_BIG);
    free(s);
    /* a long inline line that does end is fine */
    s = repeat('a', 70001, "ECHO ");
    s[70005] = '\n';
    t = run_whole(s, 70006);
    cr_assert_eq(strlen(t), 7u + 70000u + 1u);
    cr_assert(strncmp(t, "2[ECHO|aaa", 10) == 0);
    free(t);
    free(s);
}

Test(resp_parse, inline_nul_hides_newline_like_redis)
{
    /* Redis finds an inline newline with strchr, which stops at a NUL: the
     * request then waits for more bytes, and fails once it passes 64KB */
    char *t = run_whole(LIT("GET a\0b\r\nPING\r\n"));
    cr_assert_str_eq(t, "R15");
    free(t);
    check_all_splits(LIT("PING\r\nGET a\0b\r\nPING\r\n"), "1[PING]R15");
    /* a NUL after the newline belongs to the next request */
    check_all_splits(LIT("PING\n\0\n"), "1[PING]R2");
    char *s = repeat('a', MR_MAX_INLINE + 1, "");
    s[3] = '\0';
    s[10] = '\n';
    expect_error(s, MR_MAX_INLINE + 1, MR_ERR_PROTO_INLINE_TOO_BIG);
    /* the NUL and the newline in different reads */
    size_t cut = 5;
    t = run_cuts(s, MR_MAX_INLINE + 1, &cut, 1, MR_DEFAULT_MAX_BULK);
    cr_assert_str_eq(t, "E<" MR_ERR_PROTO_INLINE_TOO_BIG ">");
    free(t);
    free(s);
}

Test(resp_parse, unbalanced_quotes)
{
    expect_error(LIT("GET \"a\r\n"), MR_ERR_PROTO_QUOTES);
    expect_error(LIT("GET 'a\r\n"), MR_ERR_PROTO_QUOTES);
    expect_error(LIT("GET \"a\"b\r\n"), MR_ERR_PROTO_QUOTES);
    expect_error(LIT("GET 'a'b\n"), MR_ERR_PROTO_QUOTES);
}

Test(resp_parse, error_after_good_requests_keeps_them)
{
    check_all_splits(LIT("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n"),
                     "1[PING]1[PING]E<" MR_ERR_PROTO_BULK_LEN ">");
}

/* ---- mr_split_args ---- */

static char *split(const char *line)
{
    mr_buf_t out = {0}, t = {0};
    mr_str_t *argv = NULL;
    int cap = 0;
    int argc = mr_split_args(line, strlen(line), &out, &argv, &cap);
    if (argc < 0) {
        mr_buf_append_cstr(&t, "ERR");
    } else {
        mr_buf_printf(&t, "%d:", argc);
        for (int i = 0; i < argc; i++) {
            mr_buf_append(&t, "<", 1);
            mr_buf_append(&t, argv[i].ptr, argv[i].len);
            mr_buf_append(&t, ">", 1);
        }
    }
    mr_buf_append(&t, "", 1);
    mr_free(argv);
    mr_buf_free(&out);
    return t.data;
}

#define SPLIT_EQ(line, want)                                                 \
    do {                                                                     \
        char *got_ = split(line);                                            \
        cr_assert_str_eq(got_, want, "line: %s", line);                      \
        free(got_);                                                          \
    } while (0)

Test(split_args, redis_sdssplitargs_rules)
{
    SPLIT_EQ("", "0:");
    SPLIT_EQ("   ", "0:");
    SPLIT_EQ("a b  c", "3:<a><b><c>");
    SPLIT_EQ("\"a b\"", "1:<a b>");
    SPLIT_EQ("\"\\x41\\x4a\"", "1:<AJ>");
    SPLIT_EQ("\"\\x4g\"", "1:<x4g>");
    SPLIT_EQ("\"\\n\\r\\t\\b\\a\\\\\\\"\\z\"", "1:<\n\r\t\b\a\\\"z>");
    SPLIT_EQ("'it\\'s'", "1:<it's>");
    SPLIT_EQ("'a\\nb'", "1:<a\\nb>");
    SPLIT_EQ("ab\"cd\"", "1:<abcd>");
    SPLIT_EQ("\"\"", "1:<>");
    SPLIT_EQ("'' x", "2:<><x>");
    SPLIT_EQ("a\vb", "1:<a\vb>");
    SPLIT_EQ("\"a\" b", "2:<a><b>");
    SPLIT_EQ("\"a\"b", "ERR");
    SPLIT_EQ("\"abc", "ERR");
    SPLIT_EQ("'abc", "ERR");
    SPLIT_EQ("\"abc\\\"", "ERR");
}

Test(split_args, appends_to_existing_buffer)
{
    mr_buf_t out = {0};
    mr_buf_append(&out, "keep", 4);
    mr_str_t *argv = NULL;
    int cap = 0;
    cr_assert_eq(mr_split_args(LIT("x yy"), &out, &argv, &cap), 2);
    cr_assert(memcmp(out.data, "keep", 4) == 0);
    cr_assert(argv[0].len == 1 && argv[0].ptr == out.data + 4);
    cr_assert(argv[1].len == 2 && memcmp(argv[1].ptr, "yy", 2) == 0);
    size_t before = out.len;
    cr_assert_eq(mr_split_args(LIT("'bad"), &out, &argv, &cap), -1);
    cr_assert_eq(out.len, before, "failed split leaves the buffer as it was");
    mr_free(argv);
    mr_buf_free(&out);
}

/* ---- look ahead (mr_resp_peek) ---- */

/* Whenever the peek accepts a request, the parser must accept it too, with
 * the same length and the same elements (the fast path relies on it). */
static void expect_agreement(const char *buf, size_t len, long long max_bulk)
{
    mr_str_t pv[MR_PEEK_MAX_ARGS];
    int pargc = -1;
    size_t n = mr_resp_peek(buf, len, max_bulk, pv, MR_PEEK_MAX_ARGS, &pargc);
    if (n == 0)
        return;
    mr_parser_t p;
    mr_parser_init(&p, max_bulk);
    size_t used = 0;
    cr_assert_eq(mr_resp_parse(&p, buf, len, &used), MR_PARSE_OK,
                 "peek accepted what the parser refuses: %.*s", (int)len, buf);
    cr_assert_eq(used, n);
    cr_assert_eq(p.argc, pargc);
    for (int i = 0; i < pargc; i++) {
        cr_assert_eq(p.argv[i].ptr, pv[i].ptr);
        cr_assert_eq(p.argv[i].len, pv[i].len);
    }
    mr_parser_free(&p);
}

Test(resp_peek, agrees_with_the_parser)
{
    static const char r0[] = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
    static const char r1[] = "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\nv\r\nxy\r\n";
    static const char r2[] = "*2\r\n$4\r\nINCR\r\n$7\r\nk\0\r\n\n..\r\n";
    static const char r3[] = "*1\r\n$4\r\nPING\r\n";
    const char *reqs[] = {r0, r1, r2, r3};
    const size_t lens[] = {sizeof r0 - 1, sizeof r1 - 1, sizeof r2 - 1,
                           sizeof r3 - 1};
    for (size_t r = 0; r < 4; r++) {
        mr_str_t a[4];
        int argc;
        cr_assert_eq(mr_resp_peek(reqs[r], lens[r], MR_DEFAULT_MAX_BULK, a, 4,
                                  &argc),
                     lens[r], "request %zu", r);
        expect_agreement(reqs[r], lens[r], MR_DEFAULT_MAX_BULK);
        /* every strict prefix is incomplete: declined */
        for (size_t cut = 0; cut < lens[r]; cut++)
            cr_assert_eq(mr_resp_peek(reqs[r], cut, MR_DEFAULT_MAX_BULK, a, 4,
                                      &argc),
                         0u, "cut %zu", cut);
    }
}

Test(resp_peek, declines_what_the_parser_must_judge)
{
    mr_str_t a[4];
    int argc;
    const char *bad[] = {
        "PING\r\n",                          /* inline */
        "*-1\r\n", "*0\r\n",
        "*2\r\n$3\r\nGET\r\n+3\r\nkey\r\n",  /* not a bulk */
        "*2\r\n$3\r\nGET\r\n$-3\r\nkey\r\n", /* negative length */
        "*2\r\n$3\r\nGET\r\n$99999999999\r\nk\r\n", /* 11 digits */
        "*x\r\n", "*2\r\n$3x\r\nGET\r\n$1\r\nk\r\n",
        "*02\r\n$3\r\nGET\r\n$1\r\nk\r\n",  /* leading zeros: the parser */
        "*2\r\n$03\r\nGET\r\n$1\r\nk\r\n",  /* refuses them */
        "*2\r\n$\r\nGET\r\n$1\r\nk\r\n",
        "*65\r\n",                           /* above MR_PEEK_MAX_ARGS */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_eq(mr_resp_peek(bad[i], strlen(bad[i]), MR_DEFAULT_MAX_BULK,
                                  a, 4, &argc),
                     0u, "%zu", i);
    /* a bulk above proto-max-bulk-len is the parser's error to give */
    const char big[] = "*2\r\n$3\r\nGET\r\n$5\r\nabcde\r\n";
    cr_assert_eq(mr_resp_peek(big, sizeof big - 1, 4, a, 4, &argc), 0u);
    cr_assert_neq(mr_resp_peek(big, sizeof big - 1, 5, a, 4, &argc), 0u);
}

Test(resp_peek, stops_at_the_first_request_and_fills_room_only)
{
    const char two[] = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n";
    mr_str_t a[1];
    int argc;
    size_t n = mr_resp_peek(two, sizeof two - 1, MR_DEFAULT_MAX_BULK, a, 1,
                            &argc);
    cr_assert_eq(n, 20u);
    cr_assert_eq(argc, 2);
    cr_assert_eq(a[0].len, 3u);
    mr_str_t b[2];
    cr_assert_eq(mr_resp_peek(two + n, sizeof two - 1 - n, MR_DEFAULT_MAX_BULK,
                              b, 2, &argc),
                 20u);
    cr_assert_eq(b[1].ptr[0], 'b');
}

/* Random requests and random damage to them: the peek never accepts
 * anything the parser would read differently. */
Test(resp_peek, random_and_mutated_requests_agree)
{
    unsigned seed = 12345;
    char buf[512];
    static const char alphabet[] = "*$\r\n0123456789abc-+ ";
    for (int round = 0; round < 20000; round++) {
        mr_buf_t b = {0};
        int argc = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 6;
        mr_buf_printf(&b, "*%d\r\n", argc);
        for (int i = 0; i < argc; i++) {
            int l = (int)((seed = seed * 1103515245 + 12345) >> 16) % 12;
            mr_buf_printf(&b, "$%d\r\n", l);
            for (int k = 0; k < l; k++) {
                char ch = alphabet[((seed = seed * 1103515245 + 12345) >> 16) %
                                   (sizeof alphabet - 1)];
                mr_buf_append(&b, &ch, 1);
            }
            mr_buf_append(&b, "\r\n", 2);
        }
        size_t len = b.len < sizeof buf ? b.len : sizeof buf;
        memcpy(buf, b.data, len);
        mr_buf_free(&b);
        int flips = (int)((seed = seed * 1103515245 + 12345) >> 16) % 3;
        for (int f = 0; f < flips; f++) {
            size_t at = ((seed = seed * 1103515245 + 12345) >> 16) % len;
            buf[at] = alphabet[((seed = seed * 1103515245 + 12345) >> 16) %
                               (sizeof alphabet - 1)];
        }
        size_t cut = len - ((seed = seed * 1103515245 + 12345) >> 16) % 3;
        expect_agreement(buf, cut, round % 2 ? MR_DEFAULT_MAX_BULK : 8);
    }
}
