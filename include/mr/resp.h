/* Incremental RESP2 request parser: multibulk (`*N\r\n$L\r\n...`) and inline
 * commands (`PING\r\n`, a bare LF also ends a line), with Redis's limits and
 * exact protocol error texts.
 *
 * The caller owns the input bytes. mr_resp_parse() looks at buf[0..len) which
 * must always start at the first byte of the request being parsed; when it
 * answers MR_PARSE_NEED_MORE the caller appends more bytes (the buffer may
 * move) and calls again with the same start. The parser remembers how far it
 * got (as offsets, never pointers) so a big request is not rescanned. */
#ifndef MR_RESP_H
#define MR_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

#define MR_MAX_MULTIBULK (1024 * 1024)          /* elements per request */
#define MR_MAX_INLINE (64 * 1024)               /* bytes in an inline line */
#define MR_DEFAULT_MAX_BULK (512LL * 1024 * 1024) /* proto-max-bulk-len */

typedef enum {
    MR_PARSE_OK,        /* one whole request parsed; see argv/argc, consumed */
    MR_PARSE_NEED_MORE, /* incomplete; call again with more bytes */
    MR_PARSE_ERROR,     /* protocol error; p->err has Redis's text */
} mr_parse_status_t;

typedef struct mr_parser {
    /* configuration */
    long long max_bulk; /* proto-max-bulk-len; set by the owner */

    /* result of the last MR_PARSE_OK: argv[i] points into the caller's buf
     * (multibulk) or into `scratch` (inline, after unquoting). Valid until
     * the next call or until buf changes. argc may be 0: an empty request
     * (blank inline line, `*0`, `*-1`) that gets no reply. */
    mr_str_t *argv;
    int argc;

    /* after MR_PARSE_ERROR: e.g. "ERR Protocol error: invalid bulk length" */
    const char *err;

    /* after MR_PARSE_NEED_MORE: total bytes (from the request start) known to
     * be needed, or 0 if unknown; lets the owner size its buffer for a big
     * bulk once instead of growing it step by step */
    size_t need;

    /* private progress state */
    int kind;          /* 0 = not started, '*' multibulk, 'i' inline */
    long long nargs;   /* multibulk element count */
    int done_args;     /* elements completed so far */
    size_t pos;        /* scan offset from the request start */
    bool inline_nul;   /* inline: a NUL byte came before any newline */
    size_t *offs;      /* element offsets (multibulk), parallel to lens */
    size_t *lens;
    int cap;
    mr_buf_t scratch;  /* inline arguments after unquoting */
} mr_parser_t;

void mr_parser_init(mr_parser_t *p, long long max_bulk);
void mr_parser_free(mr_parser_t *p);
/* Forgets any partial request (the owner dropped its input). */
void mr_parser_reset(mr_parser_t *p);

mr_parse_status_t mr_resp_parse(mr_parser_t *p, const char *buf, size_t len,
                                size_t *consumed);

/* A look ahead at a pipeline, and the parser's fast path: if buf[0..len)
 * starts with a complete multibulk request of 1 to MR_PEEK_MAX_ARGS
 * elements in the strict form clients send (counts and lengths without
 * leading zeros, bulk lengths at most max_bulk), returns the request's
 * length, sets *argc and points argv[0..min(argc, room)) into buf.
 * Otherwise (inline, incomplete, malformed, bigger) returns 0 and the
 * parser decides. For every request it accepts, mr_resp_parse would
 * answer MR_PARSE_OK with the same argv and length (a unit test checks
 * this on random and mutated input). */
#define MR_PEEK_MAX_ARGS 64
size_t mr_resp_peek(const char *buf, size_t len, long long max_bulk,
                    mr_str_t *argv, int room, int *argc);

/* Splits a line the way Redis's sdssplitargs does (spaces, "double quotes"
 * with \n \r \t \b \a \\ \" \xHH escapes, 'single quotes'). Arguments are
 * appended to `out` back to back; argv entries point into out->data and stay
 * valid until `out` changes. Returns argc, or -1 on unbalanced quotes.
 * `argv` is grown with mr_xrealloc as needed (*cap tracks its capacity). */
int mr_split_args(const char *line, size_t len, mr_buf_t *out,
                  mr_str_t **argv, int *cap);

#endif
