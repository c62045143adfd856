/* The hash table inside one shard of one database (internal to src/store).
 *
 * A chained table of mr_entry_t (the chain pointer lives in the entry) with
 * incremental rehashing: while a resize is in progress there are two
 * tables, and every write moves one bucket from the old one to the new one,
 * so growing to millions of keys never stalls a single command for a whole
 * rehash. Lookups look in both tables meanwhile.
 *
 * The caller hashes keys (mr_hash) and passes the 64-bit hash in. The low
 * `shift` bits choose the shard, so bucket indexes use the bits above them:
 * bucket = (h >> shift) & mask. Moving an entry during a rehash hashes its
 * key again (entries do not store their hash, to stay small).
 *
 * No locking here: the shard lock covers the dict. */
#ifndef MR_STORE_DICT_H
#define MR_STORE_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/store.h"

#define MR_DICT_MIN_EXP 2 /* smallest table: 4 buckets */

typedef struct mr_dict {
    mr_entry_t **tab[2]; /* tab[1] is non-NULL only while rehashing */
    size_t count;        /* entries in both tables */
    int64_t rehash_idx;  /* next tab[0] bucket to move; -1 if not rehashing */
    uint8_t exp[2];      /* table sizes are 1 << exp (tab NULL: size 0) */
    uint8_t shift;       /* hash bits used by the shard index */
} mr_dict_t;

/* Called for each entry a scan step visits; the entry must not be removed
 * from the dict by the callback. */
typedef void (*mr_dict_scan_fn)(void *ctx, mr_entry_t *e);

/* An empty dict with no table (costs nothing until the first insert). */
void mr_dict_init(mr_dict_t *d, unsigned shift);
/* Frees the tables and every entry through free_entry; the dict is empty
 * and reusable afterwards. */
void mr_dict_clear(mr_dict_t *d, void (*free_entry)(mr_entry_t *e));

static inline size_t mr_dict_count(const mr_dict_t *d) { return d->count; }
static inline bool mr_dict_is_rehashing(const mr_dict_t *d) {
    return d->rehash_idx >= 0;
}
/* Buckets of the main table (tab[0]); 0 before the first insert. */
static inline size_t mr_dict_buckets(const mr_dict_t *d) {
    return d->tab[0] ? (size_t)1 << d->exp[0] : 0;
}
/* Bytes of bucket arrays currently allocated (both tables). */
size_t mr_dict_table_bytes(const mr_dict_t *d);

/* The link (bucket slot or previous entry's `next`) that points at key's
 * entry, or NULL. Valid until the dict is next modified. No rehash step. */
mr_entry_t **mr_dict_find_link(mr_dict_t *d, uint64_t h, const void *key,
                               size_t klen);
/* Same, but looks for the entry by identity (e's key hashes to h). */
mr_entry_t **mr_dict_find_entry_link(mr_dict_t *d, uint64_t h,
                                     const mr_entry_t *e);
static inline mr_entry_t *mr_dict_find(mr_dict_t *d, uint64_t h,
                                       const void *key, size_t klen) {
    mr_entry_t **l = mr_dict_find_link(d, h, key, klen);
    return l ? *l : NULL;
}

/* Adds e, whose key must not be in the dict yet. May start a grow. Takes
 * e. Does not do a rehash step: writers call mr_dict_rehash_step first. */
void mr_dict_add(mr_dict_t *d, uint64_t h, mr_entry_t *e);
/* Puts ne where *link's entry was (same key; the old entry is returned,
 * not freed). */
mr_entry_t *mr_dict_replace(mr_entry_t **link, mr_entry_t *ne);
/* Removes the entry *link points at and returns it (not freed). May start
 * a shrink. */
mr_entry_t *mr_dict_unlink(mr_dict_t *d, mr_entry_t **link);

/* One unit of incremental rehash: moves one bucket, visiting at most 10
 * empty ones. Every write calls it before touching the dict. Returns
 * whether a rehash is still in progress afterwards. */
bool mr_dict_rehash_step(mr_dict_t *d);
/* Up to n steps; returns whether a rehash is still in progress. */
bool mr_dict_rehash(mr_dict_t *d, int n);
/* Starts a shrink if the table is mostly empty (count < size / 8) and no
 * rehash is running. Returns whether one started. */
bool mr_dict_maybe_shrink(mr_dict_t *d);

/* One step of a reverse-binary cursor scan: calls fn for every entry of the
 * buckets `cursor` designates (in both tables while rehashing) and returns
 * the next cursor, 0 when the scan is complete. Every entry present from
 * the first call to the last is seen at least once, whatever resizes happen
 * in between. *visited (if not NULL) gets the number of buckets read. */
uint64_t mr_dict_scan(mr_dict_t *d, uint64_t cursor, mr_dict_scan_fn fn,
                      void *ctx, size_t *visited);

/* A random entry (uniform over non-empty buckets, then over the chain), or
 * NULL if the dict is empty. rnd is a source of random 64-bit numbers. */
mr_entry_t *mr_dict_random(mr_dict_t *d, uint64_t (*rnd)(void));

/* Up to n entries (only those with a TTL when ttl_only) from the chains of
 * at most max_buckets consecutive candidate buckets starting at bucket
 * start % buckets, wrapping (max_buckets >= the table size: the whole
 * dict). Returns how many were stored in out. For eviction sampling. */
size_t mr_dict_sample(mr_dict_t *d, uint64_t start, mr_entry_t **out,
                      size_t n, size_t max_buckets, bool ttl_only);

#endif
