/* The keyspace: shards (one lock each) holding one dict per database, the
 * entry layout, lazy and active expiry. See include/mr/store.h.
 *
 * A shard's per-database state is allocated on first write, so 1024 shards
 * x 16 databases cost one pointer each while empty. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/notify.h"
#include "mr/block.h"
#include "mr/config.h"
#include "mr/evict.h"
#include "mr/object.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "mr/util.h"
#include "store/dict.h"

#ifdef MR_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* Active expiry, per shard and database and cron visit: stop sampling after
 * this many keys with a TTL or this many buckets, and keep at most this
 * many expired entries to delete in one go. */
#define EXPIRE_SAMPLE_KEYS 20
#define EXPIRE_SAMPLE_BUCKETS 64
#define EXPIRE_BATCH 64
/* Rehash steps per shard and database and cron visit. */
#define CRON_REHASH_STEPS 100
/* The cron reads the clock once per this many shards. */
#define CRON_CLOCK_EVERY 16
/* RANDOMKEY: random shards tried before walking them all. */
#define RANDOM_SHARD_PROBES 64

typedef struct db_slot {
    mr_dict_t dict;
    size_t expires;         /* entries with MR_EF_EXPIRE */
    uint64_t expire_cursor; /* the active expiry's scan position */
} db_slot_t;

/* Aligned to a cache line so two workers on neighbouring shards do not
 * bounce one line between them. */
typedef struct shard {
    alignas(64) pthread_mutex_t mu;
    db_slot_t **dbs; /* ndbs pointers, NULL until the database is written */
} shard_t;

static shard_t *shards;
/* Set while this thread holds every shard lock (mr_store_lock_all: EXEC
 * of a transaction with a whole-keyspace command): the keyspace's own
 * locking becomes a no-op for it, so FLUSHALL or KEYS inside the
 * transaction walk the shards without locking them twice. */
static _Thread_local bool all_held;

static inline void shard_lock(uint32_t i) {
    if (!all_held) pthread_mutex_lock(&shards[i].mu);
}
static inline void shard_unlock(uint32_t i) {
    if (!all_held) pthread_mutex_unlock(&shards[i].mu);
}
static void *shards_raw; /* mr_xmalloc'd block that `shards` is aligned in */
static db_slot_t **slot_ptrs;
static unsigned shard_bits;
static uint32_t shard_mask;
static int ndbs;

/* ---- entries ---- */

static inline size_t entry_size(bool has_expire, size_t klen, size_t vlen) {
    return offsetof(mr_entry_t, data) + (has_expire ? 8 : 0) + klen + vlen;
}

static inline size_t entry_alloc_size(const mr_entry_t *e) {
    return entry_size(mr_entry_has_expire(e), e->klen, e->vlen);
}

static inline uint64_t entry_hash(const mr_entry_t *e) {
    return mr_hash(mr_entry_key(e), e->klen);
}

/* The hash of a key given by a caller: argv bytes the prefetch of this
 * command already hashed come from the hint (see mr_store_hash_hint). */
static _Thread_local struct {
    const void *key;
    size_t klen;
    uint64_t hash;
} hint;

static inline uint64_t key_hash(const void *key, size_t klen) {
    if (key == hint.key && klen == hint.klen) return hint.hash;
    return mr_hash(key, klen);
}

void mr_store_hash_hint(const void *key, size_t klen, uint64_t hash) {
    hint.key = key;
    hint.klen = klen;
    hint.hash = hash;
}

void mr_store_hash_hint_clear(void) { hint.key = NULL; }
static bool expiry_paused;
static mr_expire_hook_fn expire_hook, evict_hook;

void mr_store_pause_expiry(bool paused) { expiry_paused = paused; }
bool mr_store_expiry_paused(void) { return expiry_paused; }
void mr_store_set_expire_hook(mr_expire_hook_fn fn) { expire_hook = fn; }
void mr_store_set_evict_hook(mr_expire_hook_fn fn) { evict_hook = fn; }
static mr_expire_hook_fn watch_expired_hook;
static void (*watch_flushed_hook)(int db);
void mr_store_set_watch_hooks(mr_expire_hook_fn expired,
                              void (*flushed)(int db)) {
    watch_expired_hook = expired;
    watch_flushed_hook = flushed;
}

static inline bool entry_expired(const mr_entry_t *e, int64_t now_ms) {
    return mr_entry_has_expire(e) && mr_entry_expire(e) <= now_ms &&
           !expiry_paused;
}

/* A key the server itself removes (expired or evicted), under its shard
 * lock: its watchers fail their EXEC, the AOF gets its DEL (`logged`: the
 * expire or evict hook), subscribers the event. */
static void note_gone(int db, const void *key, size_t klen,
                      mr_expire_hook_fn logged, int type, const char *event) {
    if (watch_expired_hook) watch_expired_hook(db, key, klen);
    if (logged) logged(db, key, klen);
    mr_notify(type, event, key, klen, db);
}

/* Every delete of an expired key goes through here (counted, logged). */
static void note_expired(int db, const mr_entry_t *e) {
    MR_STAT_INC(expired_keys);
    note_gone(db, mr_entry_key(e), e->klen, expire_hook, MR_NOTIFY_EXPIRED,
              "expired");
}

/* The access metadata packs into the meta word's upper 24 bits: the
 * entry must not grow for it (20 header bytes, then key and value). */
_Static_assert(offsetof(mr_entry_t, data) == 20 && sizeof(mr_entry_t) == 24,
               "entry header grew");

/* The clock (ms) for entries created where no command clock is at hand:
 * set at init and by every worker's cron, so at most one tick old. */
static _Atomic int64_t clock_ms;

/* A new key's access metadata: the LRU clock, or under an LFU policy the
 * minute clock with the initial counter (so a new key is not the first
 * one evicted), as Redis's createObject. */
static uint32_t new_clock(void) {
    int64_t now = atomic_load_explicit(&clock_ms, memory_order_relaxed);
    if (mr_mm_is_lfu(MR_CFG(maxmemory_policy)))
        return mr_lfu_new(mr_lfu_minutes(now));
    return mr_store_lru_clock(now);
}

/* Builds an entry; meta carries type and clock bits (the expiry flag is set
 * from expire_ms). Lengths were bounded by the protocol layer; a length
 * that does not fit the header is a programming error. */

static mr_entry_t *entry_new(const void *key, size_t klen, uint32_t meta,
                             int64_t expire_ms, const void *val,
                             size_t vlen) {
    if (klen > UINT32_MAX || vlen > UINT32_MAX) abort();
    bool has = expire_ms != MR_NO_EXPIRE;
    mr_entry_t *e = mr_xmalloc(entry_size(has, klen, vlen));
    e->next = NULL;
    e->klen = (uint32_t)klen;
    e->vlen = (uint32_t)vlen;
    /* a new value is accessed now, unless it carries an older clock over
     * (RENAME keeps the value's) */
    if ((meta >> MR_LRU_SHIFT) == 0) meta |= new_clock() << MR_LRU_SHIFT;
    e->meta = (meta & ~MR_EF_EXPIRE) | (has ? MR_EF_EXPIRE : 0);
    if (has) memcpy(e->data, &expire_ms, sizeof expire_ms);
    memcpy((char *)mr_entry_key(e), key, klen);
    if (vlen) memcpy(mr_entry_val(e), val, vlen);
    return e;
}

/* Frees an entry and everything it owns. Every entry goes through here so
 * that value types living outside the allocation (whose value bytes hold a
 * pointer) release it in one place; strings own nothing else. */
static void entry_free(mr_entry_t *e) {
    if (mr_entry_type(e) != MR_T_STRING)
        mr_obj_free(mr_entry_type(e), mr_entry_enc(e), mr_entry_obj(e));
    mr_free(e);
}

/* ---- shards and slots ---- */

static inline db_slot_t *slot_get(uint32_t shard, int db) {
    return shards[shard].dbs[db];
}

static db_slot_t *slot_for_write(uint32_t shard, int db) {
    db_slot_t *s = shards[shard].dbs[db];
    if (!s) {
        s = mr_xmalloc(sizeof *s);
        mr_dict_init(&s->dict, shard_bits);
        s->expires = 0;
        s->expire_cursor = 0;
        shards[shard].dbs[db] = s;
    }
    return s;
}

static void slot_destroy(db_slot_t *s) {
    mr_dict_clear(&s->dict, entry_free);
    mr_free(s);
}

/* Unlinks the entry *link points at and returns it (the caller frees it,
 * possibly after the unlock). */
static mr_entry_t *slot_unlink(db_slot_t *s, mr_entry_t **link) {
    mr_entry_t *e = mr_dict_unlink(&s->dict, link);
    if (mr_entry_has_expire(e)) s->expires--;
    return e;
}

/* Unlinks and frees the entry *link points at. */
static void slot_remove(db_slot_t *s, mr_entry_t **link) {
    entry_free(slot_unlink(s, link));
}

/* The link to e in its slot (e must be in it). */
static mr_entry_t **slot_link_of(db_slot_t *s, uint64_t h, mr_entry_t *e) {
    mr_entry_t **l = mr_dict_find_entry_link(&s->dict, h, e);
    if (!l) abort(); /* e is not in this database: caller bug */
    return l;
}

/* A collection appeared under key: clients blocked on it may be served
 * (strings never wake anyone). */
static inline void key_added(uint64_t h, int db, const mr_entry_t *e) {
    if (mr_entry_type(e) != MR_T_STRING)
        mr_block_key_added_locked((uint32_t)h & shard_mask, db,
                                  mr_entry_key(e), e->klen);
}

/* Inserts ne under its key, replacing (and freeing) what the key held. */
static mr_entry_t *slot_put(db_slot_t *s, uint64_t h, mr_entry_t *ne) {
    mr_dict_rehash_step(&s->dict);
    mr_entry_t **l =
        mr_dict_find_link(&s->dict, h, mr_entry_key(ne), ne->klen);
    if (l) {
        mr_entry_t *old = mr_dict_replace(l, ne);
        if (mr_entry_has_expire(old)) s->expires--;
        entry_free(old);
    } else {
        mr_dict_add(&s->dict, h, ne);
    }
    if (mr_entry_has_expire(ne)) s->expires++;
    return ne;
}

void mr_store_init(unsigned bits, int n) {
    if (shards) mr_store_free();
    if (bits > 24) bits = 24;
    if (n < 1) n = 1;
    shard_bits = bits;
    shard_mask = (1u << bits) - 1;
    atomic_store(&clock_ms, mr_mstime());
    ndbs = n;
    size_t ns = (size_t)1 << bits;
    shards_raw = mr_xmalloc(ns * sizeof(shard_t) + alignof(shard_t));
    uintptr_t p = (uintptr_t)shards_raw;
    p = (p + alignof(shard_t) - 1) & ~(uintptr_t)(alignof(shard_t) - 1);
    shards = (shard_t *)p;
    slot_ptrs = mr_xcalloc(ns * (size_t)n, sizeof *slot_ptrs);
    for (size_t i = 0; i < ns; i++) {
        pthread_mutex_init(&shards[i].mu, NULL);
        shards[i].dbs = slot_ptrs + i * (size_t)n;
    }
}

void mr_store_free(void) {
    if (!shards) return;
    size_t ns = (size_t)1 << shard_bits;
    for (size_t i = 0; i < ns; i++) {
        for (int db = 0; db < ndbs; db++)
            if (shards[i].dbs[db]) slot_destroy(shards[i].dbs[db]);
        pthread_mutex_destroy(&shards[i].mu);
    }
    mr_free(slot_ptrs);
    mr_free(shards_raw);
    shards = NULL;
    shards_raw = NULL;
    slot_ptrs = NULL;
}

unsigned mr_store_nshards(void) { return 1u << shard_bits; }
int mr_store_ndbs(void) { return ndbs; }

uint32_t mr_store_shard_of(const void *key, size_t klen) {
    return (uint32_t)key_hash(key, klen) & shard_mask;
}

void mr_store_lock(uint32_t shard) { shard_lock(shard); }
void mr_store_unlock(uint32_t shard) { shard_unlock(shard); }

void mr_store_lock_many(const uint32_t *ids, int n) {
    for (int i = 0; i < n; i++) shard_lock(ids[i]);
}

void mr_store_unlock_many(const uint32_t *ids, int n) {
    for (int i = n - 1; i >= 0; i--) shard_unlock(ids[i]);
}

void mr_store_lock_all(void) {
    uint32_t ns = mr_store_nshards();
    for (uint32_t i = 0; i < ns; i++) pthread_mutex_lock(&shards[i].mu);
    all_held = true;
}

void mr_store_unlock_all(void) {
    all_held = false;
    for (uint32_t i = mr_store_nshards(); i-- > 0;)
        pthread_mutex_unlock(&shards[i].mu);
}

/* ---- prefetching ---- */

/* Unlocked reads of fields other threads write under the shard lock: a
 * relaxed atomic load is a plain load that the compiler may not tear or
 * assume stable; the value is only ever prefetched. */
#define PEEK(lvalue) __atomic_load_n(&(lvalue), __ATOMIC_RELAXED)

void mr_store_prefetch_start(mr_prefetch_t *pf, int db, const void *key,
                             size_t klen) {
    pf->hash = mr_hash(key, klen);
    pf->key = key;
    pf->klen = klen;
    pf->db = db;
    pf->stage = 1;
    __builtin_prefetch(&shards[pf->hash & shard_mask], 1);
}

#if defined(__SANITIZE_THREAD__)
/* ThreadSanitizer would rightly flag the unlocked reads: no prefetching. */
void mr_store_prefetch_step(mr_prefetch_t *pf) {
    pf->stage = MR_PREFETCH_DONE;
}
#else
/* The bucket pf's key falls in, read unlocked; NULL before the first
 * write. Lookups during a rehash also read tab[1]: not prefetched. */
static mr_entry_t **peek_bucket(const mr_prefetch_t *pf) {
    db_slot_t *s = PEEK(shards[pf->hash & shard_mask].dbs[pf->db]);
    if (!s) return NULL;
    mr_entry_t **tab = PEEK(s->dict.tab[0]);
    if (!tab) return NULL;
    uint64_t mask = ((uint64_t)1 << PEEK(s->dict.exp[0])) - 1;
    return &tab[(pf->hash >> shard_bits) & mask];
}

void mr_store_prefetch_step(mr_prefetch_t *pf) {
    const void *line = NULL;
    shard_t *sh = &shards[pf->hash & shard_mask];
    switch (pf->stage) {
    case 1: line = &sh->dbs[pf->db]; break;  /* fixed after start-up */
    case 2: line = PEEK(sh->dbs[pf->db]); break; /* the dict header */
    case 3: line = peek_bucket(pf); break;
    case 4: {
        mr_entry_t **b = peek_bucket(pf);
        line = b ? PEEK(*b) : NULL; /* the chain's first entry */
        break;
    }
    default: break;
    }
    if (!line) {
        pf->stage = MR_PREFETCH_DONE;
        return;
    }
    __builtin_prefetch(line, 0);
    pf->stage++;
}
#endif

/* ---- single keys ---- */

static mr_entry_t *lookup(int db, const void *key, size_t klen,
                          int64_t now_ms) {
    uint64_t h = key_hash(key, klen);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    if (!s) return NULL;
    mr_entry_t **l = mr_dict_find_link(&s->dict, h, key, klen);
    if (!l) return NULL;
    if (entry_expired(*l, now_ms)) {
        note_expired(db, *l);
        slot_remove(s, l);
        return NULL;
    }
    return *l;
}

bool mr_db_contains_locked(int db, const void *key, size_t klen) {
    uint64_t h = key_hash(key, klen);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    return s && mr_dict_find_link(&s->dict, h, key, klen) != NULL;
}

uint32_t mr_store_lru_clock(int64_t now_ms) {
    return (uint32_t)(now_ms / 1000) & MR_LRU_MAX;
}

/* The entry's line is already in cache for the lookup, so the stamp costs
 * one store (Redis stamps on every lookup too): the LRU clock, or under an
 * LFU policy the decayed and incremented counter, as Redis's updateLFU. */
static void touch(mr_entry_t *e, int64_t now_ms) {
    uint32_t clock;
    if (mr_mm_is_lfu(MR_CFG(maxmemory_policy)))
        clock = mr_lfu_access(mr_entry_lru(e), mr_lfu_minutes(now_ms),
                              (uint32_t)mr_rand64(), MR_CFG(lfu_log_factor),
                              MR_CFG(lfu_decay_time));
    else
        clock = mr_store_lru_clock(now_ms);
    e->meta = (e->meta & ((1u << MR_LRU_SHIFT) - 1)) | (clock << MR_LRU_SHIFT);
}

mr_entry_t *mr_db_lookup_notouch_locked(int db, const void *key, size_t klen,
                                        int64_t now_ms) {
    mr_entry_t *e = lookup(db, key, klen, now_ms);
    if (e)
        MR_STAT_INC(keyspace_hits);
    else
        MR_STAT_INC(keyspace_misses);
    return e;
}

mr_entry_t *mr_db_lookup_read_locked(int db, const void *key, size_t klen,
                                     int64_t now_ms) {
    mr_entry_t *e = mr_db_lookup_notouch_locked(db, key, klen, now_ms);
    if (e) touch(e, now_ms);
    else mr_notify(MR_NOTIFY_KEY_MISS, "keymiss", key, klen, db);
    return e;
}

mr_entry_t *mr_db_lookup_write_locked(int db, const void *key, size_t klen,
                                      int64_t now_ms) {
    mr_entry_t *e = lookup(db, key, klen, now_ms);
    if (e) touch(e, now_ms);
    return e;
}

/* Whether p lies inside e's allocation (the new value is a slice of the
 * entry it replaces, so the entry must not be resized first). */
static bool points_into(const void *p, const mr_entry_t *e) {
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)e;
    return a >= b && a < b + entry_alloc_size(e);
}

/* The caller looks the key up with its clock first when it matters (SET
 * ... KEEPTTL on an expired key): this function has no clock and keeps
 * whatever TTL the stored entry carries. */
mr_entry_t *mr_db_set_str_locked(int db, const void *key, size_t klen,
                                 const void *val, size_t vlen,
                                 int64_t expire_ms) {
    uint64_t h = key_hash(key, klen);
    db_slot_t *s = slot_for_write((uint32_t)h & shard_mask, db);
    mr_dict_rehash_step(&s->dict);
    mr_entry_t **l = mr_dict_find_link(&s->dict, h, key, klen);
    if (expire_ms == MR_KEEP_TTL)
        expire_ms = l ? mr_entry_expire(*l) : MR_NO_EXPIRE;
    bool has = expire_ms != MR_NO_EXPIRE;
    if (!l) {
        mr_entry_t *e = entry_new(key, klen, MR_T_STRING, expire_ms, val,
                                  vlen);
        mr_dict_add(&s->dict, h, e);
        if (has) s->expires++;
        mr_notify(MR_NOTIFY_NEW, "new", key, klen, db);
        return e;
    }
    mr_entry_t *old = *l;
    if (mr_entry_type(old) == MR_T_STRING &&
        mr_entry_has_expire(old) == has && vlen <= UINT32_MAX &&
        !(vlen && points_into(val, old))) {
        /* same layout: resize in place (usually a no-op for jemalloc when
         * the size class does not change), the link is fixed after */
        size_t sz = entry_size(has, klen, vlen);
        mr_entry_t *e = old;
        if (sz != entry_alloc_size(old)) e = mr_xrealloc(old, sz);
        e->vlen = (uint32_t)vlen;
        e->meta &= ~MR_EF_STR_RAW; /* a new value, encoded afresh */
        if (has) memcpy(e->data, &expire_ms, sizeof expire_ms);
        if (vlen) memcpy(mr_entry_val(e), val, vlen);
        *l = e;
        return e;
    }
    mr_entry_t *e = entry_new(key, klen, MR_T_STRING | (old->meta & ~0xffu),
                              expire_ms, val, vlen);
    mr_dict_replace(l, e);
    if (mr_entry_has_expire(old)) s->expires--;
    if (has) s->expires++;
    entry_free(old);
    return e;
}

mr_entry_t *mr_db_add_obj_locked(int db, const void *key, size_t klen,
                                 mr_type_t type, unsigned enc, void *obj) {
    uint64_t h = key_hash(key, klen);
    db_slot_t *s = slot_for_write((uint32_t)h & shard_mask, db);
    mr_dict_rehash_step(&s->dict);
    mr_entry_t *e = entry_new(key, klen,
                              (uint32_t)type | ((enc << MR_EF_ENC_SHIFT) &
                                                MR_EF_ENC_MASK),
                              MR_NO_EXPIRE, &obj, sizeof obj);
    mr_dict_add(&s->dict, h, e);
    key_added(h, db, e);
    mr_notify(MR_NOTIFY_NEW, "new", key, klen, db);
    return e;
}

mr_entry_t *mr_db_resize_str_locked(int db, mr_entry_t *e, size_t new_vlen) {
    if (new_vlen > UINT32_MAX) abort();
    uint64_t h = entry_hash(e);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    mr_dict_rehash_step(&s->dict);
    mr_entry_t **l = slot_link_of(s, h, e);
    size_t old_vlen = e->vlen;
    mr_entry_t *ne = e;
    size_t sz = entry_size(mr_entry_has_expire(e), e->klen, new_vlen);
    if (sz != entry_alloc_size(e)) ne = mr_xrealloc(e, sz);
    if (new_vlen > old_vlen)
        memset(mr_entry_val(ne) + old_vlen, 0, new_vlen - old_vlen);
    ne->vlen = (uint32_t)new_vlen;
    *l = ne;
    return ne;
}

mr_entry_t *mr_db_set_expire_locked(int db, mr_entry_t *e, int64_t expire_ms) {
    if (expire_ms == MR_KEEP_TTL) return e;
    bool had = mr_entry_has_expire(e), has = expire_ms != MR_NO_EXPIRE;
    if (had && has) {
        memcpy(e->data, &expire_ms, sizeof expire_ms);
        return e;
    }
    if (!had && !has) return e;
    uint64_t h = entry_hash(e);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    mr_dict_rehash_step(&s->dict);
    mr_entry_t **l = slot_link_of(s, h, e);
    size_t body = (size_t)e->klen + e->vlen;
    mr_entry_t *ne;
    if (has) {
        /* grow by 8 and slide key+value behind the new expiry */
        ne = mr_xrealloc(e, entry_size(true, e->klen, e->vlen));
        memmove(ne->data + 8, ne->data, body);
        memcpy(ne->data, &expire_ms, sizeof expire_ms);
        ne->meta |= MR_EF_EXPIRE;
        s->expires++;
    } else {
        memmove(e->data, e->data + 8, body);
        e->meta &= ~MR_EF_EXPIRE;
        ne = mr_xrealloc(e, entry_size(false, e->klen, e->vlen));
        s->expires--;
    }
    *l = ne;
    return ne;
}

bool mr_db_delete_locked(int db, const void *key, size_t klen, int64_t now_ms) {
    uint64_t h = key_hash(key, klen);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    if (!s) return false;
    mr_dict_rehash_step(&s->dict);
    mr_entry_t **l = mr_dict_find_link(&s->dict, h, key, klen);
    if (!l) return false;
    bool expired = entry_expired(*l, now_ms);
    if (expired) note_expired(db, *l);
    slot_remove(s, l);
    return !expired;
}

/* Takes e out of database db without freeing it. */
static void detach(int db, mr_entry_t *e) {
    uint64_t h = entry_hash(e);
    db_slot_t *s = slot_get((uint32_t)h & shard_mask, db);
    mr_dict_rehash_step(&s->dict);
    mr_dict_unlink(&s->dict, slot_link_of(s, h, e));
    if (mr_entry_has_expire(e)) s->expires--;
}

mr_entry_t *mr_db_rename_locked(int sdb, mr_entry_t *e, int ddb,
                                const void *dkey, size_t dklen) {
    if (sdb == ddb && e->klen == dklen &&
        memcmp(mr_entry_key(e), dkey, dklen) == 0)
        return e;
    detach(sdb, e);
    /* the value bytes (for other types: the pointer) change hands, so only
     * the old shell is freed */
    mr_entry_t *ne = entry_new(dkey, dklen, e->meta, mr_entry_expire(e),
                               mr_entry_cval(e), e->vlen);
    mr_free(e);
    uint64_t h = key_hash(dkey, dklen);
    slot_put(slot_for_write((uint32_t)h & shard_mask, ddb), h, ne);
    key_added(h, ddb, ne);
    mr_notify(MR_NOTIFY_NEW, "new", dkey, dklen, ddb);
    return ne;
}

/* A new entry with e's value deep-copied under another key. */
static mr_entry_t *entry_dup(const mr_entry_t *e, const void *key,
                             size_t klen) {
    switch (mr_entry_type(e)) {
    case MR_T_STRING:
        return entry_new(key, klen, e->meta, mr_entry_expire(e),
                         mr_entry_cval(e), e->vlen);
    default: {
        void *copy = mr_obj_dup(mr_entry_type(e), mr_entry_enc(e),
                                mr_entry_obj(e));
        return entry_new(key, klen, e->meta, mr_entry_expire(e), &copy,
                         sizeof copy);
    }
    }
}

mr_entry_t *mr_db_copy_locked(int sdb, const mr_entry_t *e, int ddb,
                              const void *dkey, size_t dklen) {
    mr_entry_t *ne = entry_dup(e, dkey, dklen);
    uint64_t h = key_hash(dkey, dklen);
    slot_put(slot_for_write((uint32_t)h & shard_mask, ddb), h, ne);
    key_added(h, ddb, ne);
    mr_notify(MR_NOTIFY_NEW, "new", dkey, dklen, ddb);
    return ne;
}

/* ---- whole keyspace ---- */

size_t mr_db_size(int db) {
    size_t n = 0, ns = mr_store_nshards();
    for (uint32_t i = 0; i < ns; i++) {
        shard_lock(i);
        db_slot_t *s = slot_get(i, db);
        if (s) n += mr_dict_count(&s->dict);
        shard_unlock(i);
    }
    return n;
}

size_t mr_db_expires_count(int db) {
    size_t n = 0, ns = mr_store_nshards();
    for (uint32_t i = 0; i < ns; i++) {
        shard_lock(i);
        db_slot_t *s = slot_get(i, db);
        if (s) n += s->expires;
        shard_unlock(i);
    }
    return n;
}

/* The slots are detached with every shard locked and freed after the
 * unlock, so a big flush holds the locks only for the pointer swaps. */
void mr_db_flush_then(int db, void (*under_locks)(void *ctx), void *ctx) {
    size_t ns = mr_store_nshards();
    int lo = db < 0 ? 0 : db, hi = db < 0 ? ndbs : db + 1;
    size_t per = (size_t)(hi - lo);
    db_slot_t **gone = mr_xcalloc(ns * per, sizeof *gone);
    for (uint32_t i = 0; i < ns; i++) shard_lock(i);
    if (watch_flushed_hook) watch_flushed_hook(db); /* keys still there */
    for (uint32_t i = 0; i < ns; i++) {
        for (int d = lo; d < hi; d++) {
            gone[i * per + (size_t)(d - lo)] = shards[i].dbs[d];
            shards[i].dbs[d] = NULL;
        }
    }
    if (under_locks) under_locks(ctx);
    for (uint32_t i = ns; i-- > 0;) shard_unlock(i);
    for (size_t k = 0; k < ns * per; k++)
        if (gone[k]) slot_destroy(gone[k]);
    mr_free(gone);
}

void mr_db_flush(int db) { mr_db_flush_then(db, NULL, NULL); }

typedef struct scan_ctx {
    mr_scan_fn fn;
    void *ctx;
    int64_t now_ms;
    uint64_t emitted;
} scan_ctx_t;

static void scan_visit(void *p, mr_entry_t *e) {
    scan_ctx_t *sc = p;
    if (entry_expired(e, sc->now_ms)) return;
    sc->fn(sc->ctx, e);
    sc->emitted++;
}

/* The cursor is the in-dict cursor shifted above the shard index. As in
 * Redis, a call stops once it has `count` keys or has read 10 x count
 * buckets; empty shards cost nothing. */
uint64_t mr_db_scan(int db, uint64_t cursor, long count, int64_t now_ms,
                    mr_scan_fn fn, void *ctx) {
    uint64_t want = count < 1 ? 1 : (uint64_t)count;
    uint64_t max_visits = want > UINT64_MAX / 10 ? UINT64_MAX : want * 10;
    uint64_t visits = 0;
    uint32_t shard = (uint32_t)(cursor & shard_mask);
    uint64_t dcur = shard_bits >= 64 ? 0 : cursor >> shard_bits;
    scan_ctx_t sc = {fn, ctx, now_ms, 0};
    size_t ns = mr_store_nshards();
    for (;;) {
        shard_lock(shard);
        db_slot_t *s = slot_get(shard, db);
        if (!s || mr_dict_count(&s->dict) == 0) {
            dcur = 0;
        } else {
            do {
                size_t v = 0;
                dcur = mr_dict_scan(&s->dict, dcur, scan_visit, &sc, &v);
                visits += v;
            } while (dcur && sc.emitted < want && visits < max_visits);
        }
        shard_unlock(shard);
        if (dcur == 0) {
            if (++shard == ns) return 0;
        }
        if (sc.emitted >= want || visits >= max_visits)
            return (dcur << shard_bits) | shard;
    }
}

/* With the shard locked: copies a random live key of the slot into out,
 * deleting the expired ones it draws. */
static bool random_in_slot(db_slot_t *s, int db, int64_t now_ms,
                           mr_buf_t *out) {
    while (s && mr_dict_count(&s->dict) > 0) {
        mr_entry_t *e = mr_dict_random(&s->dict, mr_rand64);
        if (!entry_expired(e, now_ms)) {
            out->len = 0;
            mr_buf_append(out, mr_entry_key(e), e->klen);
            return true;
        }
        note_expired(db, e);
        slot_remove(s, slot_link_of(s, entry_hash(e), e));
    }
    return false;
}

bool mr_db_random_key(int db, int64_t now_ms, mr_buf_t *out) {
    size_t ns = mr_store_nshards();
    for (int i = 0; i < RANDOM_SHARD_PROBES; i++) {
        uint32_t shard = (uint32_t)mr_rand64() & shard_mask;
        shard_lock(shard);
        bool ok = random_in_slot(slot_get(shard, db), db, now_ms, out);
        shard_unlock(shard);
        if (ok) return true;
    }
    /* few keys in few shards: walk them all from a random one */
    uint32_t start = (uint32_t)mr_rand64();
    for (size_t i = 0; i < ns; i++) {
        uint32_t shard = (uint32_t)(start + i) & shard_mask;
        shard_lock(shard);
        bool ok = random_in_slot(slot_get(shard, db), db, now_ms, out);
        shard_unlock(shard);
        if (ok) return true;
    }
    return false;
}

/* ---- a forked child's walk ---- */

typedef struct walk_ctx {
    mr_scan_fn fn;
    void *ctx;
    int64_t now_ms;
} walk_ctx_t;

static void walk_visit(void *p, mr_entry_t *e) {
    walk_ctx_t *w = p;
    if (mr_entry_has_expire(e) && mr_entry_expire(e) <= w->now_ms) return;
    w->fn(w->ctx, e);
}

/* Nothing changes the tables during the walk, so the cursor scan of each
 * dict sees every entry exactly once (both tables while it is rehashing,
 * where an entry is in one or the other). */
void mr_store_walk_frozen(int db, int64_t now_ms, mr_scan_fn fn, void *ctx) {
    walk_ctx_t w = {fn, ctx, now_ms};
    size_t ns = mr_store_nshards();
    for (uint32_t i = 0; i < ns; i++) {
        db_slot_t *s = slot_get(i, db);
        if (!s || mr_dict_count(&s->dict) == 0) continue;
        uint64_t cur = 0;
        do cur = mr_dict_scan(&s->dict, cur, walk_visit, &w, NULL);
        while (cur);
    }
}

/* ---- background work ---- */

typedef struct expire_ctx {
    int64_t now_ms;
    unsigned sampled;
    unsigned n;
    mr_entry_t *dead[EXPIRE_BATCH];
} expire_ctx_t;

static void expire_visit(void *p, mr_entry_t *e) {
    expire_ctx_t *x = p;
    if (!mr_entry_has_expire(e)) return;
    x->sampled++;
    if (mr_entry_expire(e) <= x->now_ms && x->n < EXPIRE_BATCH)
        x->dead[x->n++] = e;
}

/* One bounded active-expiry step on a slot (shard locked): continues the
 * slot's cursor walk until it has seen EXPIRE_SAMPLE_KEYS keys with a TTL
 * or EXPIRE_SAMPLE_BUCKETS buckets, then unlinks the expired ones it saw
 * (logged as DELs) onto *grave, for the caller to free once it has
 * released the lock. Returns whether more than a quarter of the sample had expired (the slot
 * deserves another visit soon, as in Redis's cycle). */
static bool expire_step(db_slot_t *s, int db, int64_t now_ms,
                        size_t *expired, mr_entry_t **grave) {
    expire_ctx_t x = {.now_ms = now_ms};
    if (expiry_paused) return false;
    size_t buckets = 0;
    uint64_t cur = s->expire_cursor;
    do {
        size_t v = 0;
        cur = mr_dict_scan(&s->dict, cur, expire_visit, &x, &v);
        buckets += v;
    } while (cur && x.sampled < EXPIRE_SAMPLE_KEYS &&
             buckets < EXPIRE_SAMPLE_BUCKETS && x.n < EXPIRE_BATCH);
    s->expire_cursor = cur;
    /* the entries stay valid: nothing was freed while collecting them */
    for (unsigned i = 0; i < x.n; i++) {
        mr_entry_t *e = x.dead[i];
        /* counted in bulk by the caller (*expired), hence not note_expired */
        note_gone(db, mr_entry_key(e), e->klen, expire_hook,
                  MR_NOTIFY_EXPIRED, "expired");
        slot_unlink(s, slot_link_of(s, entry_hash(e), e));
        /* freed after the unlock (a big collection costs the shard's
         * clients nothing): the unlinked entry's chain pointer is free */
        e->next = *grave;
        *grave = e;
    }
    *expired += x.n;
    return x.n * 4 > x.sampled;
}

/* Rehash, shrink and expiry steps on every database of one shard. Returns
 * whether the shard still has work pending. */
static bool cron_shard(uint32_t shard, int64_t now_ms, size_t *expired) {
    bool more = false;
    mr_entry_t *grave = NULL;
    shard_lock(shard);
    for (int db = 0; db < ndbs; db++) {
        db_slot_t *s = shards[shard].dbs[db];
        if (!s) continue;
        if (mr_dict_is_rehashing(&s->dict)) {
            if (mr_dict_rehash(&s->dict, CRON_REHASH_STEPS)) more = true;
        } else if (mr_dict_maybe_shrink(&s->dict)) {
            more = true;
        }
        if (s->expires > 0 && expire_step(s, db, now_ms, expired, &grave))
            more = true;
    }
    shard_unlock(shard);
    while (grave) {
        mr_entry_t *next = grave->next;
        entry_free(grave);
        grave = next;
    }
    return more;
}

size_t mr_store_cron(unsigned w, unsigned nw, int64_t now_ms,
                     uint64_t budget_us) {
    unsigned ns = mr_store_nshards();
    atomic_store_explicit(&clock_ms, now_ms, memory_order_relaxed);
    if (!shards || nw == 0 || w >= nw || w >= ns) return 0;
    /* where this thread's previous call stopped, so a tight budget still
     * gets round to every shard over successive calls */
    static _Thread_local unsigned resume;
    unsigned owned = (ns - w + nw - 1) / nw;
    uint64_t start = mr_monotonic_us();
    size_t expired = 0;
    unsigned idle = 0;
    for (unsigned k = 1;; k++) {
        unsigned pos = resume % owned;
        resume = pos + 1;
        if (cron_shard(w + pos * nw, now_ms, &expired))
            idle = 0;
        else if (++idle >= owned)
            break; /* a whole round found nothing left to do */
        if (k % CRON_CLOCK_EVERY == 0 &&
            mr_monotonic_us() - start >= budget_us)
            break;
    }
    if (expired) MR_STAT_ADD(expired_keys, expired);
    return expired;
}

/* ---- eviction (src/server/evict.c) ---- */

size_t mr_store_sample(uint32_t shard, bool ttl_only, unsigned n,
                       size_t max_buckets, mr_sample_fn fn, void *ctx) {
    mr_entry_t *got[MR_SAMPLE_MAX];
    if (n > MR_SAMPLE_MAX) n = MR_SAMPLE_MAX;
    size_t total = 0;
    shard_lock(shard);
    for (int db = 0; db < ndbs; db++) {
        db_slot_t *s = shards[shard].dbs[db];
        if (!s || mr_dict_count(&s->dict) == 0 || (ttl_only && !s->expires))
            continue;
        size_t k = mr_dict_sample(&s->dict, mr_rand64(), got, n, max_buckets,
                                  ttl_only);
        for (size_t i = 0; i < k; i++) fn(ctx, db, got[i]);
        total += k;
    }
    shard_unlock(shard);
    return total;
}

/* What freeing e gives back: a string is one allocation whose size class
 * is arithmetic (no allocator lookup), plus its table slot. */
static size_t evicted_bytes(const mr_entry_t *e) {
    if (mr_entry_type(e) != MR_T_STRING)
        return mr_entry_memory(e, MR_EVICT_MEMORY_SAMPLES);
#ifdef MR_HAVE_JEMALLOC
    return nallocx(entry_alloc_size(e), 0) + sizeof(mr_entry_t *);
#else
    return entry_alloc_size(e) + sizeof(mr_entry_t *);
#endif
}

/* The entry is unlinked under the lock and freed after it, so a big value
 * costs the shard's other clients nothing; its DEL is reserved in the AOF
 * under the lock (the file's order is the execution order). */
size_t mr_db_evict(int db, const void *key, size_t klen, bool ttl_only) {
    uint64_t h = key_hash(key, klen);
    uint32_t shard = (uint32_t)h & shard_mask;
    shard_lock(shard);
    db_slot_t *s = slot_get(shard, db);
    mr_entry_t **l = s ? mr_dict_find_link(&s->dict, h, key, klen) : NULL;
    if (!l || (ttl_only && !mr_entry_has_expire(*l))) {
        shard_unlock(shard);
        return 0;
    }
    /* a WATCHed key that is evicted fails the EXEC, as in Redis */
    note_gone(db, key, klen, evict_hook, MR_NOTIFY_EVICTED, "evicted");
    mr_entry_t *e = slot_unlink(s, l);
    shard_unlock(shard);
    size_t bytes = evicted_bytes(e);
    entry_free(e);
    return bytes; /* never 0: the table slot counts */
}

/* ---- operating it ---- */
size_t mr_db_table_bytes(int db) {
    size_t n = 0, ns = mr_store_nshards();
    for (uint32_t i = 0; i < ns; i++) {
        shard_lock(i);
        db_slot_t *s = slot_get(i, db);
        if (s) n += mr_dict_table_bytes(&s->dict);
        shard_unlock(i);
    }
    return n;
}
/* ---- end operating it ---- */
