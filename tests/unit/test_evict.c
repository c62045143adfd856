/* Cache mode's pieces without a server: the LFU counter and its decay, the
 * LRU clock, the eviction pool, the keyspace's sampling and eviction, and
 * eviction from several threads while others write (also run under TSan). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/config.h"
#include "mr/evict.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "mr/util.h"

/* ---- LFU and LRU arithmetic ---- */

TestSuite(lfu);
TestSuite(lru);
TestSuite(evpool);

Test(lfu, log_incr_follows_redis_probability) {
    /* at or below the initial value every access counts */
    cr_assert_eq(mr_lfu_log_incr(0, UINT32_MAX, 10), 1);
    cr_assert_eq(mr_lfu_log_incr(MR_LFU_INIT_VAL, UINT32_MAX, 10), 6);
    /* above it, p = 1 / ((c - 5) * factor + 1): 1/11 at 6 with factor 10 */
    uint32_t edge = (uint32_t)((1ULL << 32) / 11);
    cr_assert_eq(mr_lfu_log_incr(6, edge - 1, 10), 7);
    cr_assert_eq(mr_lfu_log_incr(6, edge + 1, 10), 6);
    /* factor 0: always; saturates at 255 */
    cr_assert_eq(mr_lfu_log_incr(200, UINT32_MAX, 0), 201);
    cr_assert_eq(mr_lfu_log_incr(255, 0, 0), 255);
    /* a huge factor: only the smallest draw counts */
    cr_assert_eq(mr_lfu_log_incr(250, 1, 2147483647LL), 250);
    cr_assert_eq(mr_lfu_log_incr(250, 0, 2147483647LL), 251);
}

/* Redis's redis.conf table for lfu-log-factor 10: ~10 after 100 hits,
 * ~18 after 1000, ~142 after 100K (the counter is probabilistic). */
Test(lfu, counter_grows_logarithmically) {
    unsigned c = MR_LFU_INIT_VAL;
    for (int i = 0; i < 1000; i++)
        c = mr_lfu_log_incr(c, (uint32_t)mr_rand64(), 10);
    cr_assert(c >= 14 && c <= 24, "1000 hits: %u", c);
    for (int i = 0; i < 99000; i++)
        c = mr_lfu_log_incr(c, (uint32_t)mr_rand64(), 10);
    cr_assert(c >= 120 && c <= 165, "100K hits: %u", c);
}

Test(lfu, decay_by_minutes) {
    uint32_t clock = (100u << 8) | 20;
    cr_assert_eq(mr_lfu_decayed(clock, 100, 1), 20);
    cr_assert_eq(mr_lfu_decayed(clock, 103, 1), 17);
    cr_assert_eq(mr_lfu_decayed(clock, 103, 2), 19); /* one full period */
    cr_assert_eq(mr_lfu_decayed(clock, 103, 0), 20); /* 0: no decay */
    cr_assert_eq(mr_lfu_decayed(clock, 200, 1), 0);  /* floors at 0 */
    /* the 16-bit minute clock wraps */
    cr_assert_eq(mr_lfu_elapsed(65530, 5), 10);
    cr_assert_eq(mr_lfu_decayed((65530u << 8) | 20, 5, 1), 10);
    cr_assert_eq(mr_lfu_minutes(60000LL * 65536 + 60000 * 7), 7);
    /* an access decays, increments and restamps */
    uint32_t now = mr_lfu_access(clock, 103, 0, 10, 1);
    cr_assert_eq(now >> 8, 103);
    cr_assert_eq(now & 0xff, 18);
    cr_assert_eq(mr_lfu_new(42), (42u << 8) | MR_LFU_INIT_VAL);
}

Test(lru, idle_wraps_like_redis) {
    cr_assert_eq(mr_lru_idle(100, 160), 60);
    cr_assert_eq(mr_lru_idle(MR_LRU_MAX - 10, 5), 15);
    cr_assert_eq(mr_store_lru_clock(1000LL * (MR_LRU_MAX + 1) + 3000), 3);
}

/* ---- the pool ---- */

static void insert_num(mr_evpool_t *p, int i, uint64_t score) {
    char k[32];
    snprintf(k, sizeof k, "key:%d", i);
    mr_evpool_insert(p, 0, k, strlen(k), score);
}

Test(evpool, keeps_the_best_and_pops_them_first) {
    mr_evpool_t p = {0};
    mr_evpool_slot_t s;
    cr_assert_not(mr_evpool_pop(&p, &s));
    /* 40 candidates in scrambled order: the 16 best stay */
    for (int i = 0; i < 40; i++) insert_num(&p, (i * 17) % 40, (i * 17) % 40);
    cr_assert_eq(p.n, MR_EVPOOL_SIZE);
    for (int i = 1; i < p.n; i++)
        cr_assert_leq(mr_evpool_at(&p, i - 1)->score, mr_evpool_at(&p, i)->score);
    cr_assert_eq(mr_evpool_at(&p, 0)->score, 24);
    /* full: no better than the worst kept is refused */
    cr_assert_not(mr_evpool_insert(&p, 0, "x", 1, 24));
    cr_assert(mr_evpool_insert(&p, 3, "y", 1, 100));
    cr_assert(mr_evpool_pop(&p, &s));
    cr_assert_eq(s.score, 100);
    cr_assert_eq(s.db, 3);
    cr_assert_eq(s.klen, 1);
    cr_assert_eq(mr_evpool_key(&s)[0], 'y');
    mr_evpool_slot_free(&s);
    for (int want = 39; want >= 25; want--) {
        cr_assert(mr_evpool_pop(&p, &s));
        cr_assert_eq(s.score, (uint64_t)want);
        char k[32];
        snprintf(k, sizeof k, "key:%d", want);
        cr_assert_eq(s.klen, strlen(k));
        cr_assert(memcmp(mr_evpool_key(&s), k, s.klen) == 0);
        mr_evpool_slot_free(&s);
    }
    cr_assert_eq(p.n, 0);
}

Test(evpool, long_keys_are_copied_to_the_heap) {
    mr_evpool_t p = {0};
    char big[500];
    memset(big, 'k', sizeof big);
    for (int i = 0; i < 30; i++) {
        big[0] = (char)('a' + i % 26);
        mr_evpool_insert(&p, 1, big, sizeof big, (uint64_t)i);
    }
    mr_evpool_slot_t s;
    cr_assert(mr_evpool_pop(&p, &s));
    cr_assert_eq(s.klen, sizeof big);
    cr_assert_not_null(s.heap);
    cr_assert_eq(mr_evpool_key(&s)[0], 'a' + 29 % 26);
    mr_evpool_slot_free(&s);
    mr_evpool_clear(&p); /* frees the rest (ASan checks) */
    cr_assert_eq(p.n, 0);
}

/* ---- the keyspace's side ---- */

#define SHARD_BITS 4

static void store_setup(void) {
    static const uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8,
                                     9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
    mr_config_defaults();
    mr_store_init(SHARD_BITS, 4);
}

static void store_teardown(void) { mr_store_free(); }

TestSuite(evict_store, .init = store_setup, .fini = store_teardown,
          .timeout = 120);

static void put(int db, const char *k, int64_t expire) {
    uint32_t s = mr_store_shard_of(k, strlen(k));
    mr_store_lock(s);
    mr_db_set_str_locked(db, k, strlen(k), "value", 5, expire);
    mr_store_unlock(s);
}

static bool has(int db, const char *k) {
    uint32_t s = mr_store_shard_of(k, strlen(k));
    mr_store_lock(s);
    bool ok = mr_db_lookup_notouch_locked(db, k, strlen(k), mr_mstime()) != NULL;
    mr_store_unlock(s);
    return ok;
}

typedef struct seen {
    int n, with_ttl;
} seen_t;

static void count_sample(void *ctx, int db, const mr_entry_t *e) {
    seen_t *s = ctx;
    s->n++;
    if (mr_entry_has_expire(e)) s->with_ttl++;
}

Test(evict_store, sample_and_evict) {
    char k[32];
    int64_t far = mr_mstime() + 1000000;
    for (int i = 0; i < 400; i++) {
        snprintf(k, sizeof k, "k%d", i);
        put(i % 2, k, i % 4 == 0 ? far : MR_NO_EXPIRE);
    }
    seen_t all = {0}, ttl = {0};
    for (uint32_t sh = 0; sh < mr_store_nshards(); sh++) {
        mr_store_sample(sh, false, 5, 64, count_sample, &all);
        mr_store_sample(sh, true, 5, SIZE_MAX, count_sample, &ttl);
    }
    /* 5 per shard and database (two databases hold keys) */
    cr_assert_eq(all.n, 2 * 5 * (int)mr_store_nshards());
    cr_assert_gt(ttl.n, 0);
    cr_assert_eq(ttl.with_ttl, ttl.n, "ttl_only sampled a persistent key");

    /* k1 (db 1) has no TTL: a volatile eviction leaves it */
    cr_assert_eq(mr_db_evict(1, "k1", 2, true), 0);
    cr_assert(has(1, "k1"));
    cr_assert_gt(mr_db_evict(1, "k1", 2, false), 0);
    cr_assert_not(has(1, "k1"));
    cr_assert_eq(mr_db_evict(1, "k1", 2, false), 0); /* gone */
    size_t before = mr_db_expires_count(0);
    cr_assert_gt(mr_db_evict(0, "k0", 2, true), 0);
    cr_assert_eq(mr_db_expires_count(0), before - 1);
}

/* ---- eviction from several threads while others write ---- */

#define WRITERS 2
#define EVICTORS 2
#define WRITES 20000

static _Atomic bool writers_done;

static void *writer(void *arg) {
    int id = (int)(intptr_t)arg;
    char k[32];
    for (int i = 0; i < WRITES; i++) {
        snprintf(k, sizeof k, "w%d:%d", id, i);
        put(i % 3, k, i % 2 ? mr_mstime() + 100000 : MR_NO_EXPIRE);
        if (i % 64 == 0) { /* reads touch the clock bits concurrently */
            uint32_t s = mr_store_shard_of(k, strlen(k));
            mr_store_lock(s);
            mr_db_lookup_read_locked(i % 3, k, strlen(k), mr_mstime());
            mr_store_unlock(s);
        }
    }
    return NULL;
}

static void *evictor(void *arg) {
    while (!atomic_load(&writers_done)) mr_evict_run(mr_clock_ns(), mr_mstime());
    /* after the writers, eviction empties what the policy may take */
    for (int i = 0; i < 100000 && mr_evict_run(mr_clock_ns(), mr_mstime()); i++) {
    }
    return NULL;
}

static void concurrent_run(const char *policy) {
    char err[256];
    mr_str_t argv[] = {{"maxmemory-policy", 16},
                       {policy, strlen(policy)},
                       {"maxmemory", 9},
                       {"1", 1},
                       {"maxmemory-eviction-tenacity", 27},
                       {"100", 3}};
    cr_assert(mr_config_set_many(argv, 6, err, sizeof err), "%s", err);
    atomic_store(&writers_done, false);
    pthread_t w[WRITERS], e[EVICTORS];
    for (int i = 0; i < EVICTORS; i++)
        pthread_create(&e[i], NULL, evictor, NULL);
    for (int i = 0; i < WRITERS; i++)
        pthread_create(&w[i], NULL, writer, (void *)(intptr_t)i);
    for (int i = 0; i < WRITERS; i++) pthread_join(w[i], NULL);
    atomic_store(&writers_done, true);
    for (int i = 0; i < EVICTORS; i++) pthread_join(e[i], NULL);
    size_t left = 0, ttl_left = 0;
    for (int db = 0; db < 3; db++) {
        left += mr_db_size(db);
        ttl_left += mr_db_expires_count(db);
    }
    if (mr_mm_is_volatile(MR_CFG(maxmemory_policy))) {
        /* every key with a TTL went, none without */
        cr_assert_eq(ttl_left, 0, "%s", policy);
        cr_assert_eq(left, (size_t)WRITERS * WRITES / 2, "%s", policy);
    } else {
        cr_assert_eq(left, 0, "%s left %zu keys", policy, left);
    }
}

Test(evict_store, concurrent_allkeys_lru) {
    concurrent_run("allkeys-lru");
}

Test(evict_store, concurrent_allkeys_lfu) {
    concurrent_run("allkeys-lfu");
}

Test(evict_store, concurrent_volatile_ttl) {
    concurrent_run("volatile-ttl");
}

Test(evict_store, concurrent_allkeys_random) {
    concurrent_run("allkeys-random");
}
