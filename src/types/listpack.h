/* Listpack: a compact sequence of byte strings in one contiguous allocation.
 *
 * Small lists, hashes (field, value, field, value...), sets and sorted sets
 * (member, score, ...) live in a listpack until they grow, so each element
 * costs a few bytes of framing instead of a node, pointers and a malloc.
 * Every operation that inserts or deletes moves the tail with memmove, so
 * the structure is only meant for a few hundred elements at most.
 *
 * Layout (all integers little endian):
 *   [total bytes: u32][element count: u32] element*
 *   element = head payload backlen
 *   head    0x00-0x7f         integer 0..127, no payload
 *           0x80-0xbf         string of (head & 0x3f) bytes
 *           0xc0-0xc7         integer, payload of (head - 0xbf) bytes,
 *                             two's complement, the fewest bytes that hold it
 *           0xc8 + LEB128 len string of len >= 64 bytes (minimal LEB128)
 *   backlen = size of head + payload, 7 bits per byte, written so it can be
 *             read backwards from the element's end: the last byte holds the
 *             low 7 bits, bit 0x80 set means one more byte precedes it.
 * A string that mr_str2ll accepts (canonical decimal, fits int64) is always
 * stored as an integer and reads back as the same bytes; everything else is
 * stored verbatim (binary safe). So equal byte strings always have equal
 * encodings.
 *
 * A listpack is passed around as `unsigned char *`. Functions that can grow
 * or shrink it return the new pointer; the old one is invalid afterwards:
 * `lp = mr_lp_append(lp, s, n);`. The allocation may be larger than
 * mr_lp_bytes (up to twice, after deletes): growing uses that room before
 * calling realloc. Nothing here locks: the shard lock that
 * protects the owning object covers the listpack.
 *
 * Positions are byte offsets of an element inside the listpack (opaque to
 * callers). MR_LP_NONE (0) means "no element". A position stays meaningful
 * across a reallocation but any insert or delete before it shifts the
 * elements, so recompute positions after a modification unless the
 * function documents the position it leaves you with. */
#ifndef MR_TYPES_LISTPACK_H
#define MR_TYPES_LISTPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

#define MR_LP_NONE ((size_t)0)
#define MR_LP_HDR_SIZE 8
/* The total size lives in a u32; mr_lp_fits tells whether one more element
 * keeps a listpack under it. Going past it aborts: callers convert to the
 * big encoding long before (Redis's limits are a few KiB). */
#define MR_LP_MAX_BYTES ((size_t)UINT32_MAX)
/* Room for the decimal text of any integer element, NUL included. */
#define MR_LP_INTBUF MR_LLSTR_SIZE

enum { MR_LP_BEFORE = 0, MR_LP_AFTER = 1 };

/* One element as read by mr_lp_get. For strings `ptr`/`len` borrow the
 * listpack's bytes (valid until it is next modified or freed); for integers
 * `ptr` is NULL and `ll` holds the value. */
typedef struct mr_lp_entry {
    const unsigned char *ptr;
    size_t len;
    long long ll;
    bool is_int;
} mr_lp_entry_t;

/* A new empty listpack owned by the caller (free with mr_lp_free). */
unsigned char *mr_lp_new(void);
/* Releases a listpack; NULL is accepted so error paths need no check. */
void mr_lp_free(unsigned char *lp);

/* Element count, O(1): the header keeps it so LLEN/HLEN never walk. */
size_t mr_lp_count(const unsigned char *lp);
/* Size of the allocation in bytes (memory accounting, persistence). */
size_t mr_lp_bytes(const unsigned char *lp);
/* Whether an element of `len` bytes can be added without passing
 * MR_LP_MAX_BYTES; callers switch encodings when it says no, because the
 * insert functions abort instead of failing. */
bool mr_lp_fits(const unsigned char *lp, size_t len);

/* Adds a copy of s[0..len) at the tail / head. `s` may point into lp itself
 * (it is copied before the listpack moves). Returns the new listpack. */
unsigned char *mr_lp_append(unsigned char *lp, const void *s, size_t len);
unsigned char *mr_lp_prepend(unsigned char *lp, const void *s, size_t len);
/* Inserts a copy of s before or after (MR_LP_BEFORE / MR_LP_AFTER) the
 * element at `pos`, as LINSERT needs. If newpos is not NULL it receives the
 * position of the inserted element, so callers can keep walking from it. */
unsigned char *mr_lp_insert(unsigned char *lp, size_t pos, int where,
                            const void *s, size_t len, size_t *newpos);
/* Replaces the element at pos with a copy of s (LSET, HSET on an existing
 * field); pos keeps designating the new element. */
unsigned char *mr_lp_replace(unsigned char *lp, size_t pos, const void *s,
                             size_t len);

/* Positions for walking in both directions; MR_LP_NONE past either end. */
size_t mr_lp_first(const unsigned char *lp);
size_t mr_lp_last(const unsigned char *lp);
size_t mr_lp_next(const unsigned char *lp, size_t pos);
size_t mr_lp_prev(const unsigned char *lp, size_t pos);
/* Position of element `index`; negative counts from the tail (-1 is the
 * last) as LINDEX does. Walks from the nearer end. NONE if out of range. */
size_t mr_lp_seek(const unsigned char *lp, long long index);

/* Reads the element at pos into *out (see mr_lp_entry_t for lifetimes). */
void mr_lp_get(const unsigned char *lp, size_t pos, mr_lp_entry_t *out);
/* The element's bytes whatever its encoding: a string is returned in place,
 * an integer is written as decimal into intbuf (MR_LP_INTBUF bytes) and the
 * view points there. For replies and copies that only want bytes. */
mr_str_t mr_lp_get_str(const unsigned char *lp, size_t pos,
                       char intbuf[MR_LP_INTBUF]);
/* mr_lp_get_str and mr_lp_next with one decode, for walks that read every
 * element they pass (LRANGE): *next gets the following position, or NONE
 * after the last element. */
mr_str_t mr_lp_get_str_next(const unsigned char *lp, size_t pos,
                            char intbuf[MR_LP_INTBUF], size_t *next);
/* The element's value as an integer if it is stored as one (HINCRBY fast
 * path); false for string elements, which never hold canonical integers. */
bool mr_lp_get_int(const unsigned char *lp, size_t pos, long long *out);

/* Deletes the element at pos. *next (if not NULL) receives the position of
 * the element that followed it, or NONE, so a loop can delete while it
 * walks forwards. */
unsigned char *mr_lp_delete(unsigned char *lp, size_t pos, size_t *next);
/* Deletes up to n elements starting at pos (a field/value pair is n = 2);
 * stops at the tail. *next as for mr_lp_delete. */
unsigned char *mr_lp_delete_n(unsigned char *lp, size_t pos, size_t n,
                              size_t *next);
/* Deletes up to n elements starting at element `index` (negative counts
 * from the tail, LTRIM/LREM style); an index out of range deletes nothing. */
unsigned char *mr_lp_delete_range(unsigned char *lp, long long index,
                                  size_t n);

/* Splits lp before the element at pos: *lpp keeps the elements before it
 * (shrunk in place, possibly moved) and the returned new listpack holds pos
 * and everything after it, in order. pos must be an element (not NONE), so
 * the returned listpack is never empty. Quicklist nodes split with it when
 * an insert lands inside a full node. */
unsigned char *mr_lp_split(unsigned char **lpp, size_t pos);
/* Appends every element of b, in order, to a (b is left unchanged; the
 * caller frees it). Elements are self-describing, so this is one copy of
 * b's element bytes. Aborts past MR_LP_MAX_BYTES like the inserts.
 * Returns the new a. */
unsigned char *mr_lp_merge(unsigned char *a, const unsigned char *b);

/* Whether the element at pos equals s[0..len) byte for byte (integers
 * compare as their decimal text). */
bool mr_lp_eq(const unsigned char *lp, size_t pos, const void *s,
              size_t len);
/* Compares the element at pos, then every (skip + 1)-th element after it,
 * with s; returns the first equal position or NONE. skip = 1 from the first
 * element searches only the fields of field/value pairs (or members of
 * member/score pairs); skip = 0 searches every element. s is parsed once,
 * so this is cheaper than calling mr_lp_eq in a loop. */
size_t mr_lp_find(const unsigned char *lp, size_t pos, const void *s,
                  size_t len, size_t skip);

/* Checks that buf[0..len) is a well-formed listpack: header sizes agree with
 * len, every element is canonically encoded and inside the buffer, its
 * backlen matches, and the count is right. Never reads outside buf. Run it
 * on anything loaded from disk or the network before any other mr_lp_*
 * call, which all trust their input. */
bool mr_lp_validate(const void *buf, size_t len);

#endif
