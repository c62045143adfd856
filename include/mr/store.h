/* The keyspace: a fixed power-of-two number of shards, each one lock and one
 * hash table per database. A key's shard is the low bits of its seeded hash;
 * every shard holds that slice of every database, so a command's keys lock
 * the same shards whatever database the client has selected.
 *
 * Locking: functions ending in _locked expect the caller to hold the shard
 * lock of every key they are given (dispatch takes them, sorted, before the
 * handler runs). Whole-keyspace functions (mr_db_size, mr_db_scan, ...) take
 * and release one shard lock at a time and must be called with none held.
 *
 * Entries are one allocation: header, optional absolute expiry, key bytes,
 * value bytes. A string of 16-byte key and value costs one 64-byte jemalloc
 * slot plus its table slot. Functions that may reallocate an entry return the
 * new pointer; the old one is dead afterwards. */
#ifndef MR_STORE_H
#define MR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mr/util.h"

#define MR_NO_EXPIRE (-1LL) /* expire_ms: the key has no TTL */
#define MR_KEEP_TTL (-2LL)  /* expire_ms: keep the TTL the key had */

typedef enum {
    MR_T_STRING = 0,
    MR_T_LIST,
    MR_T_SET,
    MR_T_ZSET,
    MR_T_HASH,
} mr_type_t;

#define MR_EF_EXPIRE 0x10u /* meta flag: 8-byte expiry precedes the key */
#define MR_EF_ENC_SHIFT 5u /* meta bits 5-7: a collection's encoding */
#define MR_EF_ENC_MASK (0x7u << MR_EF_ENC_SHIFT)
/* meta flag of strings only (bit 5, the encoding bits of collections): the
 * value was edited in place (APPEND, SETRANGE), which Redis stores "raw" */
#define MR_EF_STR_RAW 0x20u
/* meta bits 8-31: the LRU clock (seconds, wrapping) of the last access */
#define MR_LRU_SHIFT 8u
#define MR_LRU_MAX 0xffffffu

typedef struct mr_entry {
    struct mr_entry *next; /* bucket chain */
    uint32_t klen;
    uint32_t vlen;  /* string: value bytes; other types: sizeof(void *) */
    uint32_t meta;  /* bits 0-3 type, 4-7 flags, 8-31 LRU/LFU clock */
    char data[];    /* [int64 expiry if MR_EF_EXPIRE] key value */
} mr_entry_t;

static inline mr_type_t mr_entry_type(const mr_entry_t *e) {
    return (mr_type_t)(e->meta & 0xfu);
}
static inline bool mr_entry_has_expire(const mr_entry_t *e) {
    return (e->meta & MR_EF_EXPIRE) != 0;
}
/* Absolute expiry in ms, or MR_NO_EXPIRE. */
static inline int64_t mr_entry_expire(const mr_entry_t *e) {
    int64_t t;
    if (!mr_entry_has_expire(e)) return MR_NO_EXPIRE;
    memcpy(&t, e->data, sizeof t); /* may be unaligned */
    return t;
}
static inline const char *mr_entry_key(const mr_entry_t *e) {
    return e->data + (mr_entry_has_expire(e) ? 8 : 0);
}
static inline char *mr_entry_val(mr_entry_t *e) {
    return e->data + (mr_entry_has_expire(e) ? 8 : 0) + e->klen;
}
static inline const char *mr_entry_cval(const mr_entry_t *e) {
    return e->data + (mr_entry_has_expire(e) ? 8 : 0) + e->klen;
}

static inline uint32_t mr_entry_lru(const mr_entry_t *e) {
    return e->meta >> MR_LRU_SHIFT;
}

/* Collections (every type but strings, see mr/object.h): the value bytes
 * hold a pointer to the value, meta bits 5-7 its encoding. */
static inline unsigned mr_entry_enc(const mr_entry_t *e) {
    return (e->meta & MR_EF_ENC_MASK) >> MR_EF_ENC_SHIFT;
}
static inline void *mr_entry_obj(const mr_entry_t *e) {
    void *p;
    memcpy(&p, mr_entry_cval(e), sizeof p); /* may be unaligned */
    return p;
}
/* Points e at obj (a collection that moved or changed encoding); the old
 * value is the caller's. Never moves e. */
static inline void mr_entry_set_obj(mr_entry_t *e, unsigned enc, void *obj) {
    memcpy(mr_entry_val(e), &obj, sizeof obj);
    e->meta = (e->meta & ~MR_EF_ENC_MASK) | ((enc << MR_EF_ENC_SHIFT) &
                                             MR_EF_ENC_MASK);
}

/* ---- set-up (main thread, before workers start) ---- */
void mr_store_init(unsigned shard_bits, int ndbs);
void mr_store_free(void);
unsigned mr_store_nshards(void);
int mr_store_ndbs(void);

/* ---- locks ---- */
uint32_t mr_store_shard_of(const void *key, size_t klen);
void mr_store_lock(uint32_t shard);
void mr_store_unlock(uint32_t shard);
/* ids: ascending and unique (the deadlock rule). */
void mr_store_lock_many(const uint32_t *ids, int n);
void mr_store_unlock_many(const uint32_t *ids, int n);
/* Every shard lock, ascending, for a transaction whose commands walk the
 * whole keyspace (EXEC with FLUSHALL, KEYS, INFO, ...): until
 * mr_store_unlock_all() this thread's own shard locking (the functions
 * above, the whole-keyspace functions below) does nothing, since it holds
 * them all already. Call with no shard lock held. */
void mr_store_lock_all(void);
void mr_store_unlock_all(void);

/* ---- prefetching, for pipelines ----
 * A worker that sees the next requests of a pipeline before running them
 * starts loading each one's lookup path (shard lock, database slot, table,
 * bucket, entry) so that the cache misses of several requests overlap
 * instead of stalling one command after another. Each step prefetches one
 * line whose address comes from the line the previous step prefetched, so
 * callers interleave the steps of a few keys. The steps read shard state
 * without its lock, on purpose: the values only become prefetch addresses,
 * and a prefetch of a stale address is harmless (it never faults). */
typedef struct mr_prefetch {
    uint64_t hash;
    const void *key;
    size_t klen;
    int db;
    int stage; /* steps done; MR_PREFETCH_DONE when nothing is left */
} mr_prefetch_t;
#define MR_PREFETCH_DONE 5
void mr_store_prefetch_start(mr_prefetch_t *pf, int db, const void *key,
                             size_t klen);
void mr_store_prefetch_step(mr_prefetch_t *pf);
/* The next command's first key was already hashed (by its prefetch): until
 * mr_store_hash_hint_clear(), hashing exactly these bytes (same pointer and
 * length) returns `hash`. Set for one command at a time, by the thread
 * running it, while its argv cannot change. */
void mr_store_hash_hint(const void *key, size_t klen, uint64_t hash);
void mr_store_hash_hint_clear(void);

/* ---- single keys; caller holds the key's shard lock ----
 * now_ms is the command's clock: an entry whose expiry is <= now_ms counts
 * as absent and is deleted on the spot (lazy expiry, counted in
 * expired_keys). The _read variant also counts keyspace hits/misses. */
mr_entry_t *mr_db_lookup_read_locked(int db, const void *key, size_t klen,
                                     int64_t now_ms);
mr_entry_t *mr_db_lookup_write_locked(int db, const void *key, size_t klen,
                                      int64_t now_ms);
/* Both of the above mark the entry accessed (its LRU clock); this read,
 * counted like _read, does not: for commands that only inspect a key
 * (TYPE, EXISTS, TTL, OBJECT), as Redis's LOOKUP_NOTOUCH. */
mr_entry_t *mr_db_lookup_notouch_locked(int db, const void *key, size_t klen,
                                        int64_t now_ms);
/* Whether db holds an entry for key, expired or not, without expiring it
 * or counting a hit (WATCH: did a flush remove a key that was there). */
bool mr_db_contains_locked(int db, const void *key, size_t klen);
/* The LRU clock now: seconds, MR_LRU_MAX wraps (OBJECT IDLETIME). */
uint32_t mr_store_lru_clock(int64_t now_ms);
/* Sets key to a string value, replacing whatever it held (any type).
 * expire_ms: absolute ms, MR_NO_EXPIRE or MR_KEEP_TTL. Returns the entry. */
mr_entry_t *mr_db_set_str_locked(int db, const void *key, size_t klen,
                                 const void *val, size_t vlen,
                                 int64_t expire_ms);
/* Adds key with a collection value (takes obj), no TTL. The key must be
 * absent: callers look it up first, as they must check its type anyway.
 * Returns the entry. */
mr_entry_t *mr_db_add_obj_locked(int db, const void *key, size_t klen,
                                 mr_type_t type, unsigned enc, void *obj);
/* Changes the value length of string entry e (APPEND, SETRANGE): bytes up to
 * min(old, new) are kept, new bytes are zero. Returns the entry (may move). */
mr_entry_t *mr_db_resize_str_locked(int db, mr_entry_t *e, size_t new_vlen);
/* Sets (absolute ms) or clears (MR_NO_EXPIRE) e's TTL. Returns the entry
 * (may move). An expiry in the past is the caller's to turn into a delete. */
mr_entry_t *mr_db_set_expire_locked(int db, mr_entry_t *e, int64_t expire_ms);
/* Returns whether the key existed (expired keys count as absent). */
bool mr_db_delete_locked(int db, const void *key, size_t klen, int64_t now_ms);
/* Moves e (value and TTL) to key dkey of database ddb, replacing what dkey
 * held, and removes e's key. Both shards locked. Returns the new entry. */
mr_entry_t *mr_db_rename_locked(int sdb, mr_entry_t *e, int ddb,
                                const void *dkey, size_t dklen);
/* Deep-copies e (value and TTL) into dkey of ddb, replacing what it held.
 * Both shards locked. Returns the new entry. */
mr_entry_t *mr_db_copy_locked(int sdb, const mr_entry_t *e, int ddb,
                              const void *dkey, size_t dklen);

/* ---- whole keyspace; call with no shard lock held ---- */
size_t mr_db_size(int db);
size_t mr_db_expires_count(int db); /* keys with a TTL, for INFO keyspace */
/* db < 0 flushes every database. Atomic: every shard is locked (ascending)
 * while the databases are detached, so no command sees half a flush; the
 * keys are freed after the unlock. */
void mr_db_flush(int db);
/* Same, calling under_locks(ctx) while every shard lock is held (the AOF
 * logs the flush there). */
void mr_db_flush_then(int db, void (*under_locks)(void *ctx), void *ctx);
/* ---- operating it ---- */
/* Bytes of the database's hash table bucket arrays, every shard (MEMORY
 * STATS overhead.hashtable.main, INFO used_memory_overhead). */
size_t mr_db_table_bytes(int db);
/* ---- end operating it ---- */

/* Cursor-based iteration with SCAN's guarantee: every key present for the
 * whole iteration is returned at least once, even across table resizes.
 * Visits at least `count` buckets' worth of keys (fewer if it reaches the
 * end) and calls fn for each live key under its shard lock: fn must not
 * lock anything or block. Returns the next cursor, 0 when done. */
typedef void (*mr_scan_fn)(void *ctx, const mr_entry_t *e);
uint64_t mr_db_scan(int db, uint64_t cursor, long count, int64_t now_ms,
                    mr_scan_fn fn, void *ctx);
/* Copies a random live key into out (replacing its contents); false if the
 * database is empty. */
bool mr_db_random_key(int db, int64_t now_ms, mr_buf_t *out);

/* ---- persistence hooks ----
 * The function called for every key the keyspace deletes because it
 * expired (lazily under the caller's shard locks, or in the cron under the
 * shard's lock), with that lock held: the AOF logs it as DEL. NULL: none.
 * Set before workers start. */
typedef void (*mr_expire_hook_fn)(int db, const void *key, size_t klen);
void mr_store_set_expire_hook(mr_expire_hook_fn fn);
/* WATCH (src/cmd/watch.c): `expired` is called like the expire hook, before
 * it; `flushed` when mr_db_flush_then() empties db (-1: all), with every
 * shard lock held and the keys still present. Set before workers start. */
void mr_store_set_watch_hooks(mr_expire_hook_fn expired,
                              void (*flushed)(int db));
/* While paused nothing expires (lookups see keys whose TTL has passed,
 * the cron deletes nothing), as Redis while it loads its AOF: the file's
 * own DELs say when keys went. Single-threaded start-up only. */
void mr_store_pause_expiry(bool paused);
bool mr_store_expiry_paused(void);
/* Calls fn for every live key of db (TTL after now_ms) without locking:
 * only for a forked child that owns a frozen copy of the keyspace. */
void mr_store_walk_frozen(int db, int64_t now_ms, mr_scan_fn fn, void *ctx);

/* ---- eviction (mr/evict.h) ----
 * The function called with the shard lock held for every key evicted (the
 * AOF logs it as DEL). Set before workers start. */
void mr_store_set_evict_hook(mr_expire_hook_fn fn);
/* Locks `shard` and, for each database with keys there (keys with a TTL
 * when ttl_only), calls fn with up to n entries sampled from at most
 * max_buckets consecutive buckets of a random start; the entries are valid
 * only inside fn, which must not lock or block. Returns the number of
 * entries passed. n is capped at MR_SAMPLE_MAX. */
#define MR_SAMPLE_MAX 64
typedef void (*mr_sample_fn)(void *ctx, int db, const mr_entry_t *e);
size_t mr_store_sample(uint32_t shard, bool ttl_only, unsigned n,
                       size_t max_buckets, mr_sample_fn fn, void *ctx);
/* Evicts key from db (locking its shard): nothing when it is gone, or
 * when ttl_only and it has no TTL. Returns the bytes freed (as MEMORY
 * USAGE estimates them, lists from this many nodes), 0 when nothing was
 * evicted. Call with no shard lock held. */
#define MR_EVICT_MEMORY_SAMPLES 5
size_t mr_db_evict(int db, const void *key, size_t klen, bool ttl_only);

/* ---- background work, run by each worker from its timer ----
 * Worker w of nw owns shards w, w+nw, ...: it removes expired keys (sampling
 * like Redis's active expire cycle) and advances incremental rehashing, for
 * at most budget_us microseconds. Returns the number of keys expired. */
size_t mr_store_cron(unsigned w, unsigned nw, int64_t now_ms,
                     uint64_t budget_us);

#endif
