/* Reply builder: appends RESP2 or RESP3 encodings onto a connection's output
 * buffer. RESP3-only types degrade the way Redis degrades them for RESP2
 * clients (map -> flat array, double -> bulk string, boolean -> integer,
 * null -> $-1 or *-1 ...). Handlers never touch sockets; the worker sends the
 * buffer in one batch per loop turn. */
#ifndef MR_REPLY_H
#define MR_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

typedef struct mr_reply {
    mr_buf_t *out; /* borrowed: the connection's output buffer */
    int resp;      /* 2 or 3 */
    /* set by mr_reply_err*: the error code word ("ERR", "WRONGTYPE") of the
     * last error written, for statistics; NULL when the reply had none */
    const char *last_err;
    unsigned errors; /* errors written since the owner last cleared it */
} mr_reply_t;

void mr_reply_simple(mr_reply_t *r, const char *s); /* +s */
void mr_reply_ok(mr_reply_t *r);                     /* +OK */
/* `msg` is the whole error line without the leading '-', e.g.
 * "ERR syntax error" or "WRONGTYPE Operation against ...". CR and LF inside
 * it become spaces (user text may end up in errors). */
void mr_reply_err(mr_reply_t *r, const char *msg);
void mr_reply_errf(mr_reply_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mr_reply_int(mr_reply_t *r, long long v);
void mr_reply_bulk(mr_reply_t *r, const void *p, size_t n);
void mr_reply_bulk_cstr(mr_reply_t *r, const char *s);
void mr_reply_bulk_ll(mr_reply_t *r, long long v);
void mr_reply_null(mr_reply_t *r);       /* RESP2 $-1, RESP3 _ */
void mr_reply_null_array(mr_reply_t *r); /* RESP2 *-1, RESP3 _ */
void mr_reply_array(mr_reply_t *r, long n);
void mr_reply_map(mr_reply_t *r, long pairs); /* RESP2: array of 2*pairs */
void mr_reply_set(mr_reply_t *r, long n);     /* RESP2: array */
void mr_reply_push(mr_reply_t *r, long n);    /* RESP2: array */
void mr_reply_double(mr_reply_t *r, double v); /* RESP2: bulk "%.17g" */
void mr_reply_bool(mr_reply_t *r, bool v);     /* RESP2: :1 / :0 */
void mr_reply_bignum(mr_reply_t *r, const char *digits, size_t n); /* RESP2: bulk */
/* RESP3 verbatim string with 3-letter format ("txt"); RESP2: bulk. */
void mr_reply_verbatim(mr_reply_t *r, const char *p, size_t n, const char *fmt);

/* Aggregates whose length is known only after the elements are written
 * (KEYS, SCAN): take a mark, write elements, then fix the header. */
size_t mr_reply_defer(mr_reply_t *r);
void mr_reply_defer_array(mr_reply_t *r, size_t mark, long n);
void mr_reply_defer_map(mr_reply_t *r, size_t mark, long pairs);
void mr_reply_defer_set(mr_reply_t *r, size_t mark, long n);

#endif
