/* The hash table inside one large collection value: a hash's field -> value
 * map, a set's members, a sorted set's member -> score index. A pure data
 * structure: no replies, no locking (the shard lock covering the key covers
 * its table), unit-tested on its own.
 *
 * Keys are binary-safe byte strings hashed with the seeded mr_hash. The table
 * is chained: an array of bucket pointers, each entry ONE allocation holding
 * the chain link, the lengths, the key and the payload the table was created
 * for:
 *
 *   offset 0   next      8 bytes   bucket chain
 *          8   klen      4 bytes
 *         12   vlen      4 bytes   MR_FT_HASH: value length; otherwise 0
 *         16   key       klen bytes
 *   16 + klen  payload   MR_FT_SET:  nothing
 *                        MR_FT_HASH: vlen value bytes
 *                        MR_FT_ZSET: double score, then void *ptr (16 bytes,
 *                                    unaligned, read with memcpy)
 *
 * so an entry costs klen + 16 + payload bytes plus the allocator's own
 * header (8 bytes with glibc), and the bucket array 8 to 16 bytes per entry
 * (load factor between 1/2 and 1). Measured with glibc malloc: a 16-byte
 * field with a 16-byte value is a 48-byte request, malloc_usable_size 56,
 * a 64-byte heap chunk; with jemalloc it is one 48-byte slot.
 *
 * Resizing is incremental: the table grows when the entry count reaches the
 * bucket count and shrinks when it falls below 1/8 of it, and during a
 * resize every write (and lookup) moves at most one non-empty bucket after
 * skipping at most MR_FT_STEP_EMPTY empty ones, so no call ever moves the
 * whole table. Lookups look in both tables meanwhile.
 *
 * Entry pointers stay valid until that entry is deleted or its value is
 * replaced (mr_ft_set_value / mr_ft_put may move it); rehashing relinks
 * entries but never moves them in memory. */
#ifndef MR_TYPES_FIELDTAB_H
#define MR_TYPES_FIELDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mr/util.h"

/* What each entry carries besides its key; fixed at creation. */
typedef enum {
    MR_FT_SET = 0, /* key only */
    MR_FT_HASH,    /* key + byte-string value */
    MR_FT_ZSET,    /* key + double score + opaque pointer */
} mr_ft_kind_t;

/* Smallest table: 4 buckets. */
#define MR_FT_MIN_EXP 2
/* A rehash step skips at most this many empty buckets... */
#define MR_FT_STEP_EMPTY 10
/* ...so one call visits at most this many buckets of the old table. */
#define MR_FT_STEP_MAX_BUCKETS (MR_FT_STEP_EMPTY + 1)

typedef struct mr_ft mr_ft_t;

typedef struct mr_ft_entry {
    struct mr_ft_entry *next; /* bucket chain; owned by the table */
    uint32_t klen;
    uint32_t vlen; /* MR_FT_HASH: value bytes; other kinds: 0 */
    char data[];   /* key, then the payload (see the layout above) */
} mr_ft_entry_t;

/* ---- entry accessors (the entry is borrowed; pointers into it die with
 * it). The caller knows its table's kind: calling a ZSET accessor on a SET
 * entry reads past the allocation. ---- */

/* The key bytes (not NUL-terminated). */
static inline mr_str_t mr_ft_key(const mr_ft_entry_t *e) {
    return (mr_str_t){e->data, e->klen};
}
/* MR_FT_HASH: the value bytes (not NUL-terminated). */
static inline mr_str_t mr_ft_value(const mr_ft_entry_t *e) {
    return (mr_str_t){e->data + e->klen, e->vlen};
}
/* MR_FT_ZSET: the score. */
static inline double mr_ft_score(const mr_ft_entry_t *e) {
    double d;
    memcpy(&d, e->data + e->klen, sizeof d); /* may be unaligned */
    return d;
}
/* MR_FT_ZSET: overwrites the score in place (the entry does not move). */
static inline void mr_ft_set_score(mr_ft_entry_t *e, double score) {
    memcpy(e->data + e->klen, &score, sizeof score);
}
/* MR_FT_ZSET: the opaque pointer slot (the zset layer keeps its skip-list
 * node there). Never dereferenced or freed by the table. */
static inline void *mr_ft_ptr(const mr_ft_entry_t *e) {
    void *p;
    memcpy(&p, e->data + e->klen + sizeof(double), sizeof p);
    return p;
}
/* MR_FT_ZSET: stores p in the opaque pointer slot (in place). */
static inline void mr_ft_set_ptr(mr_ft_entry_t *e, void *p) {
    memcpy(e->data + e->klen + sizeof(double), &p, sizeof p);
}

/* ---- the table ---- */

/* A new empty table of the given kind; the caller owns it (mr_ft_free).
 * The first bucket array is allocated on the first insert. */
mr_ft_t *mr_ft_create(mr_ft_kind_t kind);
/* Frees every entry, the bucket arrays and the table. ZSET pointer slots
 * are not followed: whatever they point at is the caller's. */
void mr_ft_free(mr_ft_t *ft);
mr_ft_kind_t mr_ft_kind(const mr_ft_t *ft);
/* Number of entries. */
size_t mr_ft_count(const mr_ft_t *ft);

/* The entry whose key is key[0..klen), or NULL. Borrows key. May do one
 * rehash step (entries never move in memory for it). */
mr_ft_entry_t *mr_ft_find(mr_ft_t *ft, const void *key, size_t klen);

/* Inserts key, which the caller has checked is absent, and returns the new
 * entry with a zero payload (HASH: empty value; ZSET: score 0.0, pointer
 * NULL). Copies key (borrowed); the table owns the entry. klen < 4 GiB. */
mr_ft_entry_t *mr_ft_add(mr_ft_t *ft, const void *key, size_t klen);
/* The entry for key, inserting it with a zero payload (as mr_ft_add) if
 * absent; *existed (if not NULL) says whether it was already there. One
 * hash and one lookup. Borrows key. */
mr_ft_entry_t *mr_ft_upsert(mr_ft_t *ft, const void *key, size_t klen,
                            bool *existed);
/* MR_FT_HASH: replaces e's value with a copy of val[0..vlen) (borrowed) and
 * returns the entry, which may have moved: the old pointer e is dead
 * afterwards (e = mr_ft_set_value(ft, e, ...)). vlen < 4 GiB. */
mr_ft_entry_t *mr_ft_set_value(mr_ft_t *ft, mr_ft_entry_t *e,
                               const void *val, size_t vlen);
/* MR_FT_HASH: HSET's field write in one lookup. Sets key to a copy of val,
 * inserting it if absent; returns true if the key was created, false if an
 * existing value was replaced. Borrows key and val. Invalidates any pointer
 * to the replaced entry. */
bool mr_ft_put(mr_ft_t *ft, const void *key, size_t klen, const void *val,
               size_t vlen);
/* Removes key's entry and frees it; returns whether it existed. key may
 * point into the entry being deleted (mr_ft_delete(ft, k.ptr, k.len) with
 * k = mr_ft_key(e)). ZSET pointer slots are not followed. */
bool mr_ft_delete(mr_ft_t *ft, const void *key, size_t klen);

/* A random entry, or NULL when the table is empty. rnd returns random
 * 64-bit numbers (the caller's per-thread stream). Uniform over entries
 * except those in rare over-long chains (slightly less likely). O(1)
 * expected (8 to 32 bucket probes) while the load factor is at least 1/8;
 * on a very sparse table (load under 1/64: deletes during an iteration,
 * the tail of a shrink) it reads the bucket array once in order instead,
 * so it never loops forever. Does not modify the table. */
mr_ft_entry_t *mr_ft_random(mr_ft_t *ft, uint64_t (*rnd)(void));

/* Calls fn for `count` distinct random entries, in random order (SPOP,
 * SRANDMEMBER, HRANDFIELD, ZRANDMEMBER with a positive count); a count
 * past the table's size means all of them. Memory is bounded by the
 * table's size whatever the count: a large share is a partial shuffle of
 * pointers to every entry, a small one random draws remembered in a small
 * set. fn may read the table but must not modify it. */
typedef void (*mr_ft_pick_fn)(void *ctx, mr_ft_entry_t *e);
void mr_ft_random_distinct(mr_ft_t *ft, size_t count, uint64_t (*rnd)(void),
                           mr_ft_pick_fn fn, void *ctx);

/* Called for each entry of a scan step. Must not add, delete or replace
 * values in the table (it may read it, mr_ft_find included). */
typedef void (*mr_ft_scan_fn)(void *ctx, mr_ft_entry_t *e);
/* One step of a reverse-binary cursor scan (HSCAN/SSCAN/ZSCAN): calls fn
 * for the entries of the bucket(s) `cursor` designates and returns the next
 * cursor, 0 once the scan is complete. Start with 0. Every entry present
 * from the first call to the last is passed to fn at least once, whatever
 * grows and shrinks happen between calls; entries may be seen twice. */
uint64_t mr_ft_scan(mr_ft_t *ft, uint64_t cursor, mr_ft_scan_fn fn,
                    void *ctx);

/* Walks every entry once (HGETALL, SMEMBERS, conversions, SPOP with a
 * large count). Rehashing and resizes are paused from mr_ft_iter_start to
 * mr_ft_iter_end, so during the walk the caller may delete the entry just
 * returned, or replace its value (mr_ft_set_value / mr_ft_put), but must
 * not add entries or delete others. Every started iterator must be ended.
 * The iterator borrows the table. */
typedef struct mr_ft_iter {
    mr_ft_t *ft;
    mr_ft_entry_t *next; /* next entry of the current chain */
    size_t bucket;       /* next bucket to load in table `tab` */
    int tab;             /* 0 or 1 */
} mr_ft_iter_t;

void mr_ft_iter_start(mr_ft_t *ft, mr_ft_iter_t *it);
/* The next entry, or NULL when every entry has been returned. */
mr_ft_entry_t *mr_ft_iter_next(mr_ft_iter_t *it);
/* Ends the walk; resumes rehashing (and may start a pending shrink). */
void mr_ft_iter_end(mr_ft_iter_t *it);

/* Bytes the table holds from the allocator (MEMORY USAGE): the table
 * struct, both bucket arrays and every entry, at their usable sizes. */
size_t mr_ft_bytes(const mr_ft_t *ft);

/* Introspection for tests and DEBUG. */
typedef struct mr_ft_stats {
    size_t buckets[2];         /* bucket counts of the main and new table */
    bool rehashing;            /* a resize is in progress */
    uint64_t resizes;          /* resizes started (grows + shrinks) */
    uint64_t moved_buckets;    /* non-empty buckets moved by rehash steps */
    size_t max_step_buckets;   /* most buckets one call visited rehashing */
    size_t max_step_entries;   /* most entries one call relinked */
} mr_ft_stats_t;

void mr_ft_stats(const mr_ft_t *ft, mr_ft_stats_t *st);

#endif
