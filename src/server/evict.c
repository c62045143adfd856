/* maxmemory: the cached memory figure, the eviction pool and the eviction
 * loop (see include/mr/evict.h).
 *
 * Redis evicts from one thread; here every worker may be over the limit at
 * once, so each worker has its own pool (candidates are key copies, so a
 * pool needs no lock) and all of them drive one shared figure down: the
 * eviction loop stops when the cached figure, which every eviction lowers
 * by what it freed, is back under maxmemory. */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "mr/config.h"
#include "mr/evict.h"
#include "mr/server.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "mr/util.h"

/* ---- the pool ---- */

static void slot_set(mr_evpool_slot_t *s, int db, const void *key,
                     size_t klen, uint64_t score) {
    s->score = score;
    s->db = db;
    s->klen = klen;
    if (klen > MR_EVPOOL_CACHED) {
        s->heap = mr_xmemdup(key, klen);
    } else {
        s->heap = NULL;
        memcpy(s->cached, key, klen);
    }
}

void mr_evpool_slot_free(mr_evpool_slot_t *s) {
    mr_free(s->heap);
    s->heap = NULL;
}

bool mr_evpool_insert(mr_evpool_t *p, int db, const void *key, size_t klen,
                      uint64_t score) {
    if (p->n == MR_EVPOOL_SIZE && score <= p->s[p->ord[0]].score)
        return false;
    int k = 0; /* the first candidate scoring at least as high */
    while (k < p->n && p->s[p->ord[k]].score < score) k++;
    int idx;
    if (p->n < MR_EVPOOL_SIZE) {
        idx = __builtin_ctz(~(unsigned)p->used); /* a free slot */
        memmove(&p->ord[k + 1], &p->ord[k], (size_t)(p->n - k));
        p->n++;
    } else {
        /* full: the lowest-scoring candidate makes room */
        idx = p->ord[0];
        mr_evpool_slot_free(&p->s[idx]);
        k--;
        memmove(&p->ord[0], &p->ord[1], (size_t)k);
    }
    p->ord[k] = (uint8_t)idx;
    p->used |= (uint16_t)(1u << idx);
    slot_set(&p->s[idx], db, key, klen, score);
    return true;
}

bool mr_evpool_pop(mr_evpool_t *p, mr_evpool_slot_t *out) {
    if (p->n == 0) return false;
    int idx = p->ord[--p->n];
    *out = p->s[idx]; /* the heap key, if any, changes hands */
    p->s[idx].heap = NULL;
    p->used &= (uint16_t)~(1u << idx);
    return true;
}

void mr_evpool_clear(mr_evpool_t *p) {
    for (int i = 0; i < p->n; i++) mr_evpool_slot_free(&p->s[p->ord[i]]);
    p->n = 0;
    p->used = 0;
}

/* ---- memory ---- */

/* Signed: evictions subtract estimates, which may overshoot until the
 * next refresh replaces the figure. */
static _Atomic long long used_cached;
static _Atomic uint64_t refreshed_ns; /* 0: refresh at the next read */

size_t mr_evict_used(uint64_t now_ns) {
    uint64_t last = atomic_load_explicit(&refreshed_ns, memory_order_relaxed);
    /* one worker per period pays the allocator's statistics refresh; the
     * age is signed: another worker may have refreshed with a clock a
     * little ahead of this command's start */
    int64_t age = (int64_t)(now_ns - last);
    if ((last == 0 || age >= (int64_t)MR_EVICT_REFRESH_NS) &&
        atomic_compare_exchange_strong(&refreshed_ns, &last,
                                       now_ns ? now_ns : 1))
        atomic_store_explicit(&used_cached,
                              (long long)mr_mem_used() -
                                  (long long)mr_mem_not_counted(),
                              memory_order_relaxed);
    long long v = atomic_load_explicit(&used_cached, memory_order_relaxed);
    return v > 0 ? (size_t)v : 0;
}

bool mr_evict_over(uint64_t now_ns) {
    long long mm = MR_CFG(maxmemory);
    return mm > 0 && mr_evict_used(now_ns) > (size_t)mm;
}

/* ---- eviction ---- */

/* Random shards sampled for candidates before walking them all: an empty
 * keyspace (or one with few keys, or few TTLs under a volatile policy)
 * is told from an unlucky draw by the walk. */
#define EVICT_PROBES 16
/* Buckets one sample may read, per shard and database: a volatile policy
 * skips the keys without a TTL. */
#define SAMPLE_BUCKETS 64
/* Evictions between two looks at the clock, as Redis checks its limit. */
#define CLOCK_EVERY 16

typedef struct score_ctx {
    mr_evpool_t *pool;
    long long policy;
    uint32_t lru_now, lfu_now;
    long long decay;
} score_ctx_t;

/* How much the entry deserves eviction under the policy: higher first. */
static uint64_t score_of(const score_ctx_t *x, const mr_entry_t *e) {
    switch (x->policy) {
    case MR_MM_VOLATILE_LRU:
    case MR_MM_ALLKEYS_LRU:
        return mr_lru_idle(mr_entry_lru(e), x->lru_now);
    case MR_MM_VOLATILE_LFU:
    case MR_MM_ALLKEYS_LFU:
        return 255 - mr_lfu_decayed(mr_entry_lru(e), x->lfu_now, x->decay);
    case MR_MM_VOLATILE_TTL: /* the nearest expiry first */
        return UINT64_MAX - (uint64_t)mr_entry_expire(e);
    default: /* random: the sample itself was the draw */
        return 0;
    }
}

static void on_sample(void *ctx, int db, const mr_entry_t *e) {
    score_ctx_t *x = ctx;
    mr_evpool_insert(x->pool, db, mr_entry_key(e), e->klen, score_of(x, e));
}

/* Samples shards into the pool: one random shard (every database in it),
 * as Redis samples every database once per eviction; when that finds
 * nothing, more random shards, then every shard in turn until one has a
 * candidate. False when no shard has a key the policy may take. */
static bool populate(score_ctx_t *x, bool ttl_only, unsigned samples) {
    uint32_t mask = mr_store_nshards() - 1;
    for (int i = 0; i < EVICT_PROBES; i++) {
        uint32_t shard = (uint32_t)mr_rand64() & mask;
        if (mr_store_sample(shard, ttl_only, samples, SAMPLE_BUCKETS,
                            on_sample, x) > 0 ||
            x->pool->n > 0)
            return true;
    }
    uint32_t start = (uint32_t)mr_rand64();
    for (uint32_t i = 0; i <= mask; i++)
        if (mr_store_sample((start + i) & mask, ttl_only, samples, SIZE_MAX,
                            on_sample, x) > 0)
            return true;
    return x->pool->n > 0;
}

/* Redis's evictionTimeLimitUs: 50 us per step up to 10, then x1.15 per
 * step, unbounded at 100. */
static uint64_t time_limit_ns(void) {
    long long t = MR_CFG(maxmemory_eviction_tenacity);
    if (t <= 10) return (uint64_t)(t * 50) * 1000;
    if (t >= 100) return UINT64_MAX;
    double us = 500.0;
    for (long long i = 10; i < t; i++) us *= 1.15;
    return (uint64_t)(us * 1000.0);
}

static _Thread_local mr_evpool_t pool;

bool mr_evict_run(uint64_t now_ns, int64_t now_ms) {
    long long mm = MR_CFG(maxmemory);
    if (mm <= 0 || mr_evict_used(now_ns) <= (size_t)mm) return true;
    long long policy = MR_CFG(maxmemory_policy);
    if (policy == MR_MM_NOEVICTION) return false;
    bool ttl_only = mr_mm_is_volatile(policy);
    bool random = policy == MR_MM_ALLKEYS_RANDOM ||
                  policy == MR_MM_VOLATILE_RANDOM;
    unsigned samples = random ? 1 : (unsigned)MR_CFG(maxmemory_samples);
    score_ctx_t x = {&pool, policy, mr_store_lru_clock(now_ms),
                     mr_lfu_minutes(now_ms), MR_CFG(lfu_decay_time)};
    uint64_t limit = time_limit_ns(), start = now_ns;
    static _Thread_local long long pool_policy = -1;
    if (pool_policy != policy) { /* scores of another policy mean nothing */
        mr_evpool_clear(&pool);
        pool_policy = policy;
    }
    for (unsigned step = 1;; step++) {
        if (random) mr_evpool_clear(&pool);
        if (!populate(&x, ttl_only, samples)) return false;
        mr_evpool_slot_t v;
        size_t freed = 0;
        /* the best candidate still there (others may have evicted or
         * deleted the pool's keys since they were sampled) */
        while (!freed && mr_evpool_pop(&pool, &v)) {
            freed = mr_db_evict(v.db, mr_evpool_key(&v), v.klen, ttl_only);
            mr_evpool_slot_free(&v);
        }
        if (freed) {
            MR_STAT_INC(evicted_keys);
            atomic_fetch_sub_explicit(&used_cached, (long long)freed,
                                      memory_order_relaxed);
        }
        if (step % CLOCK_EVERY == 0) {
            uint64_t now = mr_clock_ns();
            /* past the limit the command runs anyway (Redis goes on
             * evicting from a timer; here the next command does) */
            if (now - start >= limit) return true;
            now_ns = now;
        }
        if (mr_evict_used(now_ns) <= (size_t)mm) return true;
    }
}
