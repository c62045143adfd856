/* Reply encoder: RESP2 and RESP3 onto the connection's output buffer.
 *
 * The common replies (integers, bulk strings, aggregate headers) do one
 * mr_buf_reserve and then write in place with mr_ll2str: no printf on the
 * hot path. RESP3-only types degrade for RESP2 clients the way Redis 7
 * degrades them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/reply.h"

/* Longest aggregate or bulk header: type byte, 20 digits, CRLF. */
#define HDR_MAX (1 + MR_LLSTR_SIZE + 2)

/* Writes "<t><v>\r\n" at dst, returns bytes written. */
static size_t put_hdr(char *dst, char t, long long v)
{
    dst[0] = t;
    size_t n = 1 + (size_t)mr_ll2str(dst + 1, v);
    dst[n++] = '\r';
    dst[n++] = '\n';
    return n;
}

static void add_hdr(mr_reply_t *r, char t, long long v)
{
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, HDR_MAX);
    b->len += put_hdr(b->data + b->len, t, v);
}

static void add_raw(mr_reply_t *r, const char *s, size_t n)
{
    mr_buf_append(r->out, s, n);
}

void mr_reply_simple(mr_reply_t *r, const char *s)
{
    size_t n = strlen(s);
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, n + 3);
    char *d = b->data + b->len;
    d[0] = '+';
    memcpy(d + 1, s, n);
    d[n + 1] = '\r';
    d[n + 2] = '\n';
    b->len += n + 3;
}

void mr_reply_ok(mr_reply_t *r)
{
    add_raw(r, "+OK\r\n", 5);
}

/* The code word of the last error, per thread: a worker reads it right after
 * the handler returns, before it runs anything else that could error. */
static _Thread_local char last_err_word[32];

void mr_reply_err(mr_reply_t *r, const char *msg)
{
    size_t n = strlen(msg);
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, n + 3);
    char *d = b->data + b->len;
    d[0] = '-';
    for (size_t i = 0; i < n; i++) {
        char c = msg[i];
        d[i + 1] = (c == '\r' || c == '\n') ? ' ' : c;
    }
    d[n + 1] = '\r';
    d[n + 2] = '\n';
    b->len += n + 3;

    /* Redis's errorstats code: the word before the first space, if a
     * space comes within the first 31 bytes of the message; else "ERR" */
    const char *sp = memchr(msg, ' ', n < 31 ? n : 31);
    size_t w = sp ? (size_t)(sp - msg) : 0;
    if (w == 0 || w >= sizeof(last_err_word))
        memcpy(last_err_word, "ERR", (w = 3));
    else
        memcpy(last_err_word, msg, w);
    last_err_word[w] = '\0';
    r->last_err = last_err_word;
    r->errors++;
}

void mr_reply_errf(mr_reply_t *r, const char *fmt, ...)
{
    char small[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        mr_reply_err(r, "ERR");
        return;
    }
    if ((size_t)n < sizeof(small)) {
        mr_reply_err(r, small);
        return;
    }
    char *big = mr_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    mr_reply_err(r, big);
    mr_free(big);
}

void mr_reply_int(mr_reply_t *r, long long v)
{
    add_hdr(r, ':', v);
}

void mr_reply_bulk(mr_reply_t *r, const void *p, size_t n)
{
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, HDR_MAX + n + 2);
    char *d = b->data + b->len;
    size_t h = put_hdr(d, '$', (long long)n);
    if (n)
        memcpy(d + h, p, n);
    d[h + n] = '\r';
    d[h + n + 1] = '\n';
    b->len += h + n + 2;
}

void mr_reply_bulk_cstr(mr_reply_t *r, const char *s)
{
    mr_reply_bulk(r, s, strlen(s));
}

void mr_reply_bulk_ll(mr_reply_t *r, long long v)
{
    char tmp[MR_LLSTR_SIZE];
    int n = mr_ll2str(tmp, v);
    mr_reply_bulk(r, tmp, (size_t)n);
}

void mr_reply_null(mr_reply_t *r)
{
    if (r->resp >= 3)
        add_raw(r, "_\r\n", 3);
    else
        add_raw(r, "$-1\r\n", 5);
}

void mr_reply_null_array(mr_reply_t *r)
{
    if (r->resp >= 3)
        add_raw(r, "_\r\n", 3);
    else
        add_raw(r, "*-1\r\n", 5);
}

void mr_reply_array(mr_reply_t *r, long n)
{
    add_hdr(r, '*', n);
}

void mr_reply_map(mr_reply_t *r, long pairs)
{
    if (r->resp >= 3)
        add_hdr(r, '%', pairs);
    else
        add_hdr(r, '*', 2LL * pairs);
}

void mr_reply_set(mr_reply_t *r, long n)
{
    add_hdr(r, r->resp >= 3 ? '~' : '*', n);
}

void mr_reply_push(mr_reply_t *r, long n)
{
    add_hdr(r, r->resp >= 3 ? '>' : '*', n);
}

void mr_reply_double(mr_reply_t *r, double v)
{
    char tmp[64];
    int n;

    if (isinf(v)) {
        n = v > 0 ? 3 : 4;
        memcpy(tmp, v > 0 ? "inf" : "-inf", (size_t)n);
    } else {
        n = snprintf(tmp, sizeof(tmp), "%.17g", v);
    }
    if (r->resp >= 3) {
        mr_buf_t *b = r->out;
        mr_buf_reserve(b, (size_t)n + 3);
        char *d = b->data + b->len;
        d[0] = ',';
        memcpy(d + 1, tmp, (size_t)n);
        d[n + 1] = '\r';
        d[n + 2] = '\n';
        b->len += (size_t)n + 3;
    } else {
        mr_reply_bulk(r, tmp, (size_t)n);
    }
}

void mr_reply_bool(mr_reply_t *r, bool v)
{
    if (r->resp >= 3)
        add_raw(r, v ? "#t\r\n" : "#f\r\n", 4);
    else
        add_raw(r, v ? ":1\r\n" : ":0\r\n", 4);
}

void mr_reply_bignum(mr_reply_t *r, const char *digits, size_t n)
{
    if (r->resp < 3) {
        mr_reply_bulk(r, digits, n);
        return;
    }
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, n + 3);
    char *d = b->data + b->len;
    d[0] = '(';
    memcpy(d + 1, digits, n);
    d[n + 1] = '\r';
    d[n + 2] = '\n';
    b->len += n + 3;
}

void mr_reply_verbatim(mr_reply_t *r, const char *p, size_t n,
                       const char *fmt)
{
    if (r->resp < 3) {
        mr_reply_bulk(r, p, n);
        return;
    }
    /* "=<n+4>\r\n" + 3-letter format + ':' + payload + CRLF */
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, HDR_MAX + 4 + n + 2);
    char *d = b->data + b->len;
    size_t h = put_hdr(d, '=', (long long)(n + 4));
    size_t fl = strnlen(fmt, 3);
    memcpy(d + h, fmt, fl);
    while (fl < 3)
        d[h + fl++] = ' ';
    d[h + 3] = ':';
    if (n)
        memcpy(d + h + 4, p, n);
    d[h + 4 + n] = '\r';
    d[h + 4 + n + 1] = '\n';
    b->len += h + 4 + n + 2;
}

size_t mr_reply_defer(mr_reply_t *r)
{
    return r->out->len;
}

/* Inserts the header at `mark`, shifting what was written after it. */
static void insert_hdr(mr_reply_t *r, size_t mark, char t, long long v)
{
    char hdr[HDR_MAX];
    size_t h = put_hdr(hdr, t, v);
    mr_buf_t *b = r->out;
    mr_buf_reserve(b, h);
    memmove(b->data + mark + h, b->data + mark, b->len - mark);
    memcpy(b->data + mark, hdr, h);
    b->len += h;
}

void mr_reply_defer_array(mr_reply_t *r, size_t mark, long n)
{
    insert_hdr(r, mark, '*', n);
}

void mr_reply_defer_map(mr_reply_t *r, size_t mark, long pairs)
{
    if (r->resp >= 3)
        insert_hdr(r, mark, '%', pairs);
    else
        insert_hdr(r, mark, '*', 2LL * pairs);
}

void mr_reply_defer_set(mr_reply_t *r, size_t mark, long n)
{
    insert_hdr(r, mark, r->resp >= 3 ? '~' : '*', n);
}
