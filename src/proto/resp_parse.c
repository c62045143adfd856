/* Incremental RESP2 request parser (multibulk and inline), following what
 * Redis 7.0's processMultibulkBuffer/processInlineBuffer accept and reject,
 * with the same error texts and the same 64KB line limits.
 *
 * Progress is kept as offsets from the request start, so the owner may move
 * its buffer between calls. Nothing is sized by a client-declared count:
 * per-element arrays grow only as elements actually arrive, and a declared
 * bulk length only sets p->need (a hint), never an allocation here.
 *
 * Progress state:
 *   kind 0        nothing seen yet
 *   kind 'i'      inline: pos = how far the line has been searched for '\n'
 *   kind '*'      nargs < 0: count line; pos = how far it was searched
 *                 nargs > 0: element done_args is in progress;
 *                   offs[done_args] == 0: its "$len" line starts at pos and
 *                     lens[done_args] is how far it was searched for '\r'
 *                   offs[done_args] > 0: its payload starts there and is
 *                     lens[done_args] bytes long (plus 2 for the CRLF)
 * Remembering the search offsets keeps a line trickled in byte by byte
 * linear instead of quadratic. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/resp.h"
#include "proto/errors.h"

#define INITIAL_CAP 8
#define MAX_INITIAL_ARGV 1024 /* Redis never preallocates more than this */
#define KEEP_CAP 1024         /* larger arrays are shrunk between requests */
#define KEEP_SCRATCH (256 * 1024)

/* Keeps argv, offs and lens the same capacity (at least n). */
static void grow_to(mr_parser_t *p, int n)
{
    if (n <= p->cap)
        return;
    p->argv = mr_xrealloc(p->argv, sizeof(*p->argv) * (size_t)n);
    p->offs = mr_xrealloc(p->offs, sizeof(*p->offs) * (size_t)n);
    p->lens = mr_xrealloc(p->lens, sizeof(*p->lens) * (size_t)n);
    p->cap = n;
}

/* After mr_split_args grew argv alone, bring offs/lens up to the same size. */
static void sync_cap(mr_parser_t *p)
{
    p->offs = mr_xrealloc(p->offs, sizeof(*p->offs) * (size_t)p->cap);
    p->lens = mr_xrealloc(p->lens, sizeof(*p->lens) * (size_t)p->cap);
}

void mr_parser_init(mr_parser_t *p, long long max_bulk)
{
    memset(p, 0, sizeof(*p));
    p->max_bulk = max_bulk;
    p->nargs = -1;
    grow_to(p, INITIAL_CAP);
}

void mr_parser_free(mr_parser_t *p)
{
    mr_free(p->argv);
    mr_free(p->offs);
    mr_free(p->lens);
    mr_buf_free(&p->scratch);
    p->argv = NULL;
    p->offs = NULL;
    p->lens = NULL;
    p->cap = 0;
    p->argc = 0;
}

/* Starts a fresh request; also returns memory a huge previous request left
 * behind (its argv was valid until this call, so now it may go). */
static void start_request(mr_parser_t *p)
{
    p->kind = 0;
    p->nargs = -1;
    p->done_args = 0;
    p->pos = 0;
    p->inline_nul = false;
    p->need = 0;
    p->err = NULL;
    if (p->cap > KEEP_CAP) {
        mr_free(p->argv);
        mr_free(p->offs);
        mr_free(p->lens);
        p->argv = NULL;
        p->offs = NULL;
        p->lens = NULL;
        p->cap = 0;
        grow_to(p, INITIAL_CAP);
    }
    if (p->scratch.cap > KEEP_SCRATCH)
        mr_buf_free(&p->scratch);
    p->scratch.len = 0;
}

void mr_parser_reset(mr_parser_t *p)
{
    start_request(p);
    p->argc = 0;
}

static mr_parse_status_t fail(mr_parser_t *p, const char *err)
{
    p->err = err;
    p->argc = 0;
    /* The connection is closed after a protocol error; if the owner keeps
     * the parser anyway, the next call starts from a clean state. */
    p->kind = 0;
    p->nargs = -1;
    p->done_args = 0;
    p->pos = 0;
    p->inline_nul = false;
    p->need = 0;
    return MR_PARSE_ERROR;
}

/* ---- inline ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

/* sdssplitargs works on a C string, so a NUL byte ends the line for it; the
 * same cut is made here so behaviour matches. `at(i)` reads 0 past the end,
 * mirroring the terminator Redis looks at. */
int mr_split_args(const char *line, size_t len, mr_buf_t *out,
                  mr_str_t **argv, int *cap)
{
    const char *nul = memchr(line, '\0', len);
    size_t n = nul ? (size_t)(nul - line) : len;
    size_t i = 0;
    int argc = 0;
    size_t base = out->len;

    mr_buf_reserve(out, 1); /* argv always points into real storage */

#define AT(k) ((k) < n ? line[(k)] : '\0')
    for (;;) {
        while (i < n && is_blank(line[i]))
            i++;
        if (i >= n)
            break;

        bool inq = false, insq = false, done = false;
        size_t start = out->len;
        while (!done) {
            char c = AT(i);
            if (inq) {
                if (c == '\\' && AT(i + 1) == 'x' && is_hex(AT(i + 2)) &&
                    is_hex(AT(i + 3))) {
                    char byte =
                        (char)(hex_val(AT(i + 2)) * 16 + hex_val(AT(i + 3)));
                    mr_buf_append(out, &byte, 1);
                    i += 3;
                } else if (c == '\\' && AT(i + 1)) {
                    char e;
                    i++;
                    switch (AT(i)) {
                    case 'n': e = '\n'; break;
                    case 'r': e = '\r'; break;
                    case 't': e = '\t'; break;
                    case 'b': e = '\b'; break;
                    case 'a': e = '\a'; break;
                    default: e = AT(i); break;
                    }
                    mr_buf_append(out, &e, 1);
                } else if (c == '"') {
                    /* a closing quote must be followed by a blank or the end */
                    if (AT(i + 1) && !is_blank(AT(i + 1)))
                        goto err;
                    done = true;
                } else if (!c) {
                    goto err;
                } else {
                    mr_buf_append(out, &c, 1);
                }
            } else if (insq) {
                if (c == '\\' && AT(i + 1) == '\'') {
                    i++;
                    mr_buf_append(out, "'", 1);
                } else if (c == '\'') {
                    if (AT(i + 1) && !is_blank(AT(i + 1)))
                        goto err;
                    done = true;
                } else if (!c) {
                    goto err;
                } else {
                    mr_buf_append(out, &c, 1);
                }
            } else {
                switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                case '\0':
                    done = true;
                    break;
                case '"':
                    inq = true;
                    break;
                case '\'':
                    insq = true;
                    break;
                default:
                    mr_buf_append(out, &c, 1);
                    break;
                }
            }
            if (AT(i))
                i++;
        }
        if (argc == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *argv = mr_xrealloc(*argv, sizeof(**argv) * (size_t)*cap);
        }
        /* `out` may still move while it grows: keep the offset in len for
         * now and turn it into a pointer once every argument is in. */
        (*argv)[argc].ptr = NULL;
        (*argv)[argc].len = start;
        argc++;
    }
#undef AT

    for (int k = 0; k < argc; k++) {
        size_t s = (*argv)[k].len;
        size_t e = k + 1 < argc ? (*argv)[k + 1].len : out->len;
        (*argv)[k].ptr = out->data + s;
        (*argv)[k].len = e - s;
    }
    return argc;

err:
    out->len = base;
    return -1;
}

static mr_parse_status_t parse_inline(mr_parser_t *p, const char *buf,
                                      size_t len, size_t *consumed)
{
    const char *nl = NULL;
    if (!p->inline_nul && p->pos < len) {
        /* Redis finds the newline with strchr, which stops at a NUL byte:
         * a NUL before the newline hides it for good, and the line can
         * only grow until it is too big. Same here, for the same replies. */
        const char *from = buf + p->pos;
        nl = memchr(from, '\n', len - p->pos);
        size_t upto = nl ? (size_t)(nl - from) : len - p->pos;
        if (memchr(from, '\0', upto)) {
            p->inline_nul = true;
            nl = NULL;
        }
    }
    if (!nl) {
        if (len > MR_MAX_INLINE)
            return fail(p, MR_ERR_PROTO_INLINE_TOO_BIG);
        p->pos = len;
        return MR_PARSE_NEED_MORE;
    }
    size_t end = (size_t)(nl - buf);
    size_t linelen = end;
    if (linelen > 0 && buf[linelen - 1] == '\r')
        linelen--;

    p->scratch.len = 0;
    int old_cap = p->cap;
    int argc = mr_split_args(buf, linelen, &p->scratch, &p->argv, &p->cap);
    if (p->cap != old_cap)
        sync_cap(p);
    if (argc < 0)
        return fail(p, MR_ERR_PROTO_QUOTES);
    p->argc = argc;
    *consumed = end + 1;
    p->kind = 0;
    p->pos = 0;
    return MR_PARSE_OK;
}

/* ---- multibulk ---- */

/* Finds the '\r' ending a line that starts at `from`, resuming the search at
 * *scan. Returns its offset, or 0 if the line is not complete yet (a line
 * never starts at 0 and ends there, since it begins with '*' or '$').
 * Like Redis, the byte after '\r' is required but not inspected. */
static size_t find_cr(const char *buf, size_t len, size_t *scan)
{
    if (*scan < len) {
        const char *cr = memchr(buf + *scan, '\r', len - *scan);
        if (cr) {
            size_t at = (size_t)(cr - buf);
            *scan = at;
            return at + 1 < len ? at : 0;
        }
        *scan = len;
    }
    return 0;
}

static mr_parse_status_t parse_multibulk(mr_parser_t *p, const char *buf,
                                         size_t len, size_t *consumed)
{
    long long ll;

    if (p->nargs < 0) {
        size_t cr = find_cr(buf, len, &p->pos);
        if (!cr) {
            if (p->pos == len && len > MR_MAX_INLINE)
                return fail(p, MR_ERR_PROTO_MBULK_BIG);
            return MR_PARSE_NEED_MORE;
        }
        /* Redis 7.0 bounds the count only by INT_MAX; memory stays bounded
         * because slots are added as elements arrive. */
        if (!mr_str2ll(buf + 1, cr - 1, &ll) || ll > INT_MAX)
            return fail(p, MR_ERR_PROTO_MBULK_LEN);
        if (ll <= 0) {
            *consumed = cr + 2;
            p->argc = 0;
            p->kind = 0;
            p->pos = 0;
            return MR_PARSE_OK;
        }
        p->nargs = ll;
        p->done_args = 0;
        p->pos = cr + 2;
        grow_to(p, (int)(ll < MAX_INITIAL_ARGV ? ll : MAX_INITIAL_ARGV));
        p->offs[0] = 0;
        p->lens[0] = p->pos;
    }

    while (p->done_args < p->nargs) {
        int i = p->done_args;
        if (p->offs[i] == 0) {
            size_t cr = find_cr(buf, len, &p->lens[i]);
            if (!cr) {
                if (p->lens[i] == len && len - p->pos > MR_MAX_INLINE)
                    return fail(p, MR_ERR_PROTO_BULK_BIG);
                p->need = 0;
                return MR_PARSE_NEED_MORE;
            }
            if (buf[p->pos] != '$') {
                static _Thread_local char msg[64];
                snprintf(msg, sizeof(msg),
                         "ERR Protocol error: expected '$', got '%c'",
                         buf[p->pos]);
                return fail(p, msg);
            }
            if (!mr_str2ll(buf + p->pos + 1, cr - p->pos - 1, &ll) || ll < 0 ||
                ll > p->max_bulk)
                return fail(p, MR_ERR_PROTO_BULK_LEN);
            p->offs[i] = cr + 2;
            p->lens[i] = (size_t)ll;
        }
        size_t end = p->offs[i] + p->lens[i] + 2;
        if (len < end) {
            p->need = end;
            return MR_PARSE_NEED_MORE;
        }
        /* The two bytes after the payload are skipped unchecked, as Redis
         * does. */
        p->pos = end;
        p->done_args++;
        if (p->done_args < p->nargs) {
            if (p->done_args == p->cap) {
                long long want = (long long)p->cap * 2;
                grow_to(p, (int)(want < p->nargs ? want : p->nargs));
            }
            p->offs[p->done_args] = 0;
            p->lens[p->done_args] = p->pos;
        }
    }

    int argc = (int)p->nargs;
    for (int i = 0; i < argc; i++) {
        p->argv[i].ptr = buf + p->offs[i];
        p->argv[i].len = p->lens[i];
    }
    p->argc = argc;
    *consumed = p->pos;
    p->kind = 0;
    p->nargs = -1;
    p->done_args = 0;
    p->pos = 0;
    p->need = 0;
    return MR_PARSE_OK;
}

mr_parse_status_t mr_resp_parse(mr_parser_t *p, const char *buf, size_t len,
                                size_t *consumed)
{
    *consumed = 0;
    if (p->kind == 0) {
        start_request(p);
        p->argc = 0;
        if (len == 0)
            return MR_PARSE_NEED_MORE;
        p->kind = buf[0] == '*' ? '*' : 'i';
    }
    p->err = NULL;
    if (p->kind == 'i')
        return parse_inline(p, buf, len, consumed);
    return parse_multibulk(p, buf, len, consumed);
}

/* ---- look ahead ---- */

/* Reads the decimal number after buf[*pos] (the '*' or '$') up to its
 * "\r" and the byte after it (not inspected, as by the parser). False
 * when it is incomplete, empty, not digits, has a leading zero (which the
 * parser rejects) or is too long. */
static bool peek_count(const char *buf, size_t len, size_t *pos,
                       size_t *out)
{
    size_t i = *pos + 1, start = i, v = 0;
    for (; i < len && buf[i] != '\r'; i++) {
        if (buf[i] < '0' || buf[i] > '9' || i - start == 10)
            return false;
        v = v * 10 + (size_t)(buf[i] - '0');
    }
    if (i == start || (buf[start] == '0' && i - start > 1) || i + 1 >= len)
        return false;
    *pos = i + 2;
    *out = v;
    return true;
}

size_t mr_resp_peek(const char *buf, size_t len, long long max_bulk,
                    mr_str_t *argv, int room, int *argc)
{
    size_t pos = 0, n, blen;
    if (len == 0 || buf[0] != '*' || !peek_count(buf, len, &pos, &n) ||
        n < 1 || n > MR_PEEK_MAX_ARGS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (pos >= len || buf[pos] != '$' ||
            !peek_count(buf, len, &pos, &blen) ||
            (long long)blen > max_bulk || blen > len - pos ||
            len - pos - blen < 2)
            return 0;
        if ((int)i < room) {
            argv[i].ptr = buf + pos;
            argv[i].len = blen;
        }
        pos += blen + 2;
    }
    *argc = (int)n;
    return pos;
}
