/* Intset: a set of 64-bit integers as one sorted array, the compact
 * encoding of small sets whose members are all integers (Redis's
 * "intset"). A pure data structure: no replies, no locking (the shard lock
 * covering the key covers its value), unit-tested on its own.
 *
 * Layout, one allocation of exactly mr_intset_blob_bytes:
 *   [count: u32][width: u8][3 bytes unused] element*
 * count elements in ascending order, each `width` bytes (2, 4 or 8, native
 * byte order): the narrowest of int16/int32/int64 that holds every member.
 * Adding a member that does not fit widens every element once ("upgrade");
 * removing never narrows again, as in Redis, so a set's width only says
 * what it once held. Small members thus cost 2 bytes each: 10 members
 * below 32768 are a 28-byte allocation, where a hash table spends an
 * entry allocation plus a bucket slot on each.
 *
 * Lookups are binary searches, O(log n); adds and removes move the tail
 * with memmove and resize the allocation to fit, O(n), so the structure is
 * for sets of a few hundred members (set-max-intset-entries, 512 by
 * default), past which the set becomes a hash table. Adding ascending
 * values appends without searching.
 *
 * Functions that add or remove return the (possibly moved) intset; the
 * old pointer is invalid afterwards: `is = mr_intset_add(is, v, &added);`. */
#ifndef MR_TYPES_INTSET_H
#define MR_TYPES_INTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mr_intset {
    uint32_t count;
    uint8_t width;  /* bytes per element: 2, 4 or 8 */
    uint8_t unused[3];
    unsigned char data[]; /* count * width bytes, ascending; read with
                           * memcpy (no aliasing games, same code) */
} mr_intset_t;

/* A new empty intset of width 2; the caller owns it (mr_intset_free). */
mr_intset_t *mr_intset_new(void);
void mr_intset_free(mr_intset_t *is);
/* A copy of is, same width (COPY keeps a set's encoding and width). */
mr_intset_t *mr_intset_dup(const mr_intset_t *is);

static inline size_t mr_intset_count(const mr_intset_t *is) {
    return is->count;
}
static inline unsigned mr_intset_width(const mr_intset_t *is) {
    return is->width;
}
/* The bytes the intset asks the allocator for: header + count * width. */
static inline size_t mr_intset_blob_bytes(const mr_intset_t *is) {
    return sizeof *is + (size_t)is->count * is->width;
}
/* The narrowest element width (2, 4 or 8) that holds v. */
static inline unsigned mr_intset_width_for(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

/* The i-th smallest member; i < count. */
int64_t mr_intset_get(const mr_intset_t *is, size_t i);
/* Whether v is a member. *pos (if not NULL) gets its index, or where it
 * would be inserted (the number of members below v). */
bool mr_intset_find(const mr_intset_t *is, int64_t v, size_t *pos);
/* Adds v if absent (*added says whether it was), widening first if v does
 * not fit the current width. count must stay below UINT32_MAX (callers
 * convert long before). */
mr_intset_t *mr_intset_add(mr_intset_t *is, int64_t v, bool *added);
/* Removes v if present (*removed says whether it was). */
mr_intset_t *mr_intset_remove(mr_intset_t *is, int64_t v, bool *removed);
/* Removes the i-th smallest member; i < count (SPOP by random index). */
mr_intset_t *mr_intset_remove_at(mr_intset_t *is, size_t i);

#endif
