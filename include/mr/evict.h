/* Cache mode: maxmemory and eviction, as Redis does it.
 *
 * Memory: the allocator's allocated bytes (jemalloc stats.allocated after
 * an epoch; the sanitizer's or glibc's figure in builds without jemalloc)
 * are cached in one atomic that any worker refreshes at most once per
 * MR_EVICT_REFRESH_NS of its own clock, so the check before a command is
 * two relaxed loads. Evictions subtract what they free at once, so the
 * other workers do not evict the same bytes again before the next refresh.
 *
 * Per-key access metadata lives in the 24 clock bits of the entry's meta
 * word (mr/store.h), as Redis keeps it in robj.lru: under an LRU (or no)
 * policy the LRU clock in seconds; under an LFU policy 16 bits of minutes
 * (the last decrement time) and an 8-bit logarithmic counter.
 *
 * Eviction (mr_evict_run) samples random shards, keeps the best
 * MR_EVPOOL_SIZE candidates in a per-worker pool like Redis's eviction
 * pool, and deletes the best one, logging it to the AOF as DEL; no lock is
 * shared by every worker. */
#ifndef MR_EVICT_H
#define MR_EVICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* maxmemory-policy, in Redis's order (its CONFIG SET error lists them so). */
typedef enum {
    MR_MM_VOLATILE_LRU = 0,
    MR_MM_VOLATILE_LFU,
    MR_MM_VOLATILE_RANDOM,
    MR_MM_VOLATILE_TTL,
    MR_MM_ALLKEYS_LRU,
    MR_MM_ALLKEYS_LFU,
    MR_MM_ALLKEYS_RANDOM,
    MR_MM_NOEVICTION,
} mr_mm_policy_t;

extern const char *const mr_mm_policy_names[]; /* NULL-terminated */

static inline bool mr_mm_is_lfu(long long p) {
    return p == MR_MM_VOLATILE_LFU || p == MR_MM_ALLKEYS_LFU;
}
static inline bool mr_mm_is_volatile(long long p) {
    return p <= MR_MM_VOLATILE_TTL;
}

/* ---- access metadata (src/store/access.c); pure functions ---- */
#define MR_LFU_INIT_VAL 5 /* a new key's counter, so it is not evicted at once */
/* The LFU clock: minutes, 16 bits, wrapping. */
uint32_t mr_lfu_minutes(int64_t now_ms);
/* Minutes from `then` to `now` on the 16-bit clock (wrapping once). */
uint32_t mr_lfu_elapsed(uint32_t then, uint32_t now);
/* The counter of 24-bit LFU metadata `clock` decremented by one per
 * lfu-decay-time minutes since its last decrement (0: no decay), as
 * Redis's LFUDecrAndReturn. Does not change the metadata. */
unsigned mr_lfu_decayed(uint32_t clock, uint32_t now_min, long long decay);
/* Redis's LFULogIncr: increments counter with probability
 * 1 / ((counter - LFU_INIT_VAL) * factor + 1); rnd is a uniform random
 * 32-bit number. Saturates at 255. */
unsigned mr_lfu_log_incr(unsigned counter, uint32_t rnd, long long factor);
/* One access: decay, then log increment, stamped with now_min. */
uint32_t mr_lfu_access(uint32_t clock, uint32_t now_min, uint32_t rnd,
                       long long factor, long long decay);
/* A new key's LFU metadata. */
static inline uint32_t mr_lfu_new(uint32_t now_min) {
    return (now_min << 8) | MR_LFU_INIT_VAL;
}
/* Seconds idle on the 24-bit LRU clock from `then` to `now` (wrapping). */
uint32_t mr_lru_idle(uint32_t then, uint32_t now);

/* ---- the eviction pool (src/server/evict.c); one per worker ----
 * Candidates sorted by ascending score (how much a key deserves eviction:
 * idle seconds, 255 - LFU counter, or the inverse of its expiry time); an
 * insert keeps the MR_EVPOOL_SIZE best seen across samples. Keys are
 * copied (short ones into the slot, as Redis caches them). The slots stay
 * where they are; `ord` is the sorted order, so an insert moves 16 bytes,
 * not 16 slots. A zeroed pool is empty. */
#define MR_EVPOOL_SIZE 16
#define MR_EVPOOL_CACHED 64

typedef struct mr_evpool_slot {
    uint64_t score;
    int db;
    size_t klen;
    char *heap; /* the key when longer than MR_EVPOOL_CACHED, else NULL */
    char cached[MR_EVPOOL_CACHED];
} mr_evpool_slot_t;

static inline const char *mr_evpool_key(const mr_evpool_slot_t *s) {
    return s->heap ? s->heap : s->cached;
}

typedef struct mr_evpool {
    mr_evpool_slot_t s[MR_EVPOOL_SIZE];
    uint8_t ord[MR_EVPOOL_SIZE]; /* s[ord[0..n)], ascending score */
    uint16_t used;               /* bit i: s[i] holds a candidate */
    int n;
} mr_evpool_t;

/* The i-th candidate in ascending score order (i < p->n). */
static inline const mr_evpool_slot_t *mr_evpool_at(const mr_evpool_t *p,
                                                   int i) {
    return &p->s[p->ord[i]];
}

/* Offers a candidate; returns whether the pool kept it (false when the
 * pool is full and every candidate in it scores at least as high). */
bool mr_evpool_insert(mr_evpool_t *p, int db, const void *key, size_t klen,
                      uint64_t score);
/* Takes the best candidate out: copies it to *out (its key owned by out,
 * freed with mr_evpool_slot_free). False when the pool is empty. */
bool mr_evpool_pop(mr_evpool_t *p, mr_evpool_slot_t *out);
void mr_evpool_slot_free(mr_evpool_slot_t *s);
void mr_evpool_clear(mr_evpool_t *p);

/* ---- memory and eviction, for dispatch ---- */
#define MR_EVICT_REFRESH_NS 1000000ULL /* 1 ms of a worker's clock */

/* The allocated bytes that count against maxmemory, at most one refresh
 * period old (refreshed by the caller when its last refresh is older than
 * that; now_ns: mr_clock_ns()). */
size_t mr_evict_used(uint64_t now_ns);
/* Whether memory is above maxmemory (false when maxmemory is 0). */
bool mr_evict_over(uint64_t now_ns);
/* Evicts keys by maxmemory-policy until memory is back under maxmemory or
 * the time limit of maxmemory-eviction-tenacity passes. Returns false when
 * memory is over and nothing could be evicted (noeviction, or no key the
 * policy may take): the caller then refuses commands that add memory
 * (-OOM). now_ns and now_ms are the command's clocks (mr_clock_ns,
 * mr_mstime). Call with no shard lock held. */
bool mr_evict_run(uint64_t now_ns, int64_t now_ms);

#endif
