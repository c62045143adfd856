/* The shared body of HSCAN, SSCAN and ZSCAN: collect one step of a
 * collection's elements, then reply [cursor, elements]. The reply's length
 * is known only after the walk, and MATCH filters as Redis does, on the
 * field or member (a pair's value goes with it), without changing what
 * COUNT counts: every string visited, before filtering. */
#ifndef MR_TYPES_SCAN_H
#define MR_TYPES_SCAN_H

#include <stdint.h>

#include "mr/reply.h"
#include "mr/util.h"
#include "types/fieldtab.h"

typedef struct mr_scan {
    mr_str_t pat;    /* MATCH pattern; {NULL, 0}: every element */
    mr_buf_t found;  /* [u32 len][bytes] ... of the strings to reply */
    long n;          /* strings in found */
    long long seen;  /* strings visited, before MATCH */
} mr_scan_t;

/* Adds an element: its key, and its value when val is not NULL (a hash's
 * value, a sorted set's score as text). Both are copied. */
void mr_scan_add(mr_scan_t *s, mr_str_t key, const mr_str_t *val);

/* One SCAN step over a table, as Redis bounds it: bucket visits (visit
 * adds what it finds to s, which it gets as ctx) go on while fewer than
 * `count` strings were seen, at most count * 10 of them. Returns the next
 * cursor, 0 when the walk is complete. */
uint64_t mr_scan_table(mr_ft_t *ft, uint64_t cursor, long long count,
                       mr_ft_scan_fn visit, mr_scan_t *s);

/* Replies [next, strings] and releases what s collected. */
void mr_scan_reply(mr_reply_t *r, uint64_t next, mr_scan_t *s);

#endif
