/* The sharded keyspace: single-key semantics (TTL, lazy expiry, resize,
 * rename/copy across databases), whole-keyspace calls, the SCAN guarantee
 * while tables grow and shrink, RANDOMKEY, the active-expiry cron, and a
 * multi-threaded run that locks shards the way dispatch does. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/stats.h"
#include "mr/store.h"
#include "mr/util.h"

/* Few shards, so each shard's tables grow through several resizes. */
#define TEST_SHARD_BITS 3
#define NDBS 16

static int64_t now; /* a fixed command clock; the store never reads its own */

static void setup(void) {
    static const uint8_t seed[16] = {9, 8, 7, 6, 5, 4, 3, 2,
                                     1, 0, 1, 2, 3, 4, 5, 6};
    mr_hash_init(seed);
    mr_store_init(TEST_SHARD_BITS, NDBS);
    now = 1700000000000LL;
}

static void teardown(void) { mr_store_free(); }

TestSuite(store, .init = setup, .fini = teardown);

/* ---- helpers: each takes the key's shard lock like dispatch does ---- */

static uint32_t lock_key(const char *k) {
    uint32_t s = mr_store_shard_of(k, strlen(k));
    mr_store_lock(s);
    return s;
}

/* Locks the shards of two keys, ascending and unique; returns the count. */
static int lock_two(const char *a, const char *b, uint32_t ids[2]) {
    uint32_t x = mr_store_shard_of(a, strlen(a));
    uint32_t y = mr_store_shard_of(b, strlen(b));
    int n = 1;
    if (x == y) {
        ids[0] = x;
    } else {
        ids[0] = x < y ? x : y;
        ids[1] = x < y ? y : x;
        n = 2;
    }
    mr_store_lock_many(ids, n);
    return n;
}

static void put(int db, const char *k, const char *v, int64_t exp) {
    uint32_t s = lock_key(k);
    mr_entry_t *e = mr_db_set_str_locked(db, k, strlen(k), v, strlen(v), exp);
    cr_assert_not_null(e);
    cr_assert_eq(mr_entry_type(e), MR_T_STRING);
    mr_store_unlock(s);
}

/* Copies the value (NUL-terminated) into buf and the TTL into *ttl; false
 * if the key is absent at `at`. */
static bool get(int db, const char *k, int64_t at, char *buf, size_t cap,
                int64_t *ttl) {
    uint32_t s = lock_key(k);
    mr_entry_t *e = mr_db_lookup_write_locked(db, k, strlen(k), at);
    if (e) {
        cr_assert_eq(e->klen, strlen(k));
        cr_assert(memcmp(mr_entry_key(e), k, e->klen) == 0);
        cr_assert_lt(e->vlen, cap);
        if (buf) {
            memcpy(buf, mr_entry_cval(e), e->vlen);
            buf[e->vlen] = '\0';
        }
        if (ttl) *ttl = mr_entry_expire(e);
    }
    mr_store_unlock(s);
    return e != NULL;
}

static bool exists(int db, const char *k, int64_t at) {
    char buf[256];
    return get(db, k, at, buf, sizeof buf, NULL);
}

static bool del(int db, const char *k, int64_t at) {
    uint32_t s = lock_key(k);
    bool r = mr_db_delete_locked(db, k, strlen(k), at);
    mr_store_unlock(s);
    return r;
}

static void expect(int db, const char *k, const char *val, int64_t ttl) {
    char buf[256];
    int64_t t = 0;
    cr_assert(get(db, k, now, buf, sizeof buf, &t), "%s missing in db %d", k,
              db);
    cr_assert_str_eq(buf, val, "db %d key %s", db, k);
    cr_assert_eq(t, ttl, "db %d key %s ttl %lld", db, k, (long long)t);
}

static mr_entry_t *set_ttl(int db, const char *k, int64_t exp) {
    uint32_t s = lock_key(k);
    mr_entry_t *e = mr_db_lookup_write_locked(db, k, strlen(k), now);
    cr_assert_not_null(e);
    e = mr_db_set_expire_locked(db, e, exp);
    mr_store_unlock(s);
    return e;
}

/* ---- single-key semantics ---- */

Test(store, init_reports_geometry) {
    cr_assert_eq(mr_store_nshards(), 1u << TEST_SHARD_BITS);
    cr_assert_eq(mr_store_ndbs(), NDBS);
    for (int i = 0; i < 100; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "k%d", i);
        uint32_t s = mr_store_shard_of(k, (size_t)n);
        cr_assert_lt(s, mr_store_nshards());
        cr_assert_eq(s, mr_store_shard_of(k, (size_t)n));
    }
}

Test(store, set_lookup_overwrite_delete) {
    cr_assert_not(exists(0, "a", now));
    put(0, "a", "one", MR_NO_EXPIRE);
    expect(0, "a", "one", MR_NO_EXPIRE);
    put(0, "a", "a much longer value than before", MR_NO_EXPIRE);
    expect(0, "a", "a much longer value than before", MR_NO_EXPIRE);
    put(0, "a", "", MR_NO_EXPIRE);
    expect(0, "a", "", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_size(0), 1);

    /* binary key with NUL bytes, distinct from its prefix */
    static const char bk[] = {'x', '\0', 'y'};
    uint32_t s = mr_store_shard_of(bk, sizeof bk);
    mr_store_lock(s);
    mr_db_set_str_locked(0, bk, sizeof bk, "bin", 3, MR_NO_EXPIRE);
    mr_entry_t *e = mr_db_lookup_write_locked(0, bk, sizeof bk, now);
    cr_assert_not_null(e);
    cr_assert_eq(e->vlen, 3);
    cr_assert(memcmp(mr_entry_cval(e), "bin", 3) == 0);
    cr_assert_null(mr_db_lookup_write_locked(0, "x", 1, now));
    mr_store_unlock(s);
    cr_assert_eq(mr_db_size(0), 2);

    cr_assert(del(0, "a", now));
    cr_assert_not(del(0, "a", now));
    cr_assert_not(exists(0, "a", now));
    cr_assert_not(del(0, "never", now));
    cr_assert_not(del(7, "a", now)); /* database never written */
    cr_assert_eq(mr_db_size(0), 1);
}

Test(store, read_lookup_counts_hits_and_misses) {
    put(0, "h", "v", MR_NO_EXPIRE);
    uint64_t hits = atomic_load(&mr_stats->keyspace_hits);
    uint64_t misses = atomic_load(&mr_stats->keyspace_misses);
    uint32_t s = lock_key("h");
    cr_assert_not_null(mr_db_lookup_read_locked(0, "h", 1, now));
    cr_assert_not_null(mr_db_lookup_read_locked(0, "h", 1, now));
    mr_store_unlock(s);
    s = lock_key("m");
    cr_assert_null(mr_db_lookup_read_locked(0, "m", 1, now));
    mr_store_unlock(s);
    cr_assert_eq(atomic_load(&mr_stats->keyspace_hits), hits + 2);
    cr_assert_eq(atomic_load(&mr_stats->keyspace_misses), misses + 1);
    /* the write lookup counts nothing */
    cr_assert(exists(0, "h", now));
    cr_assert_eq(atomic_load(&mr_stats->keyspace_hits), hits + 2);
}

Test(store, ttl_set_clear_update) {
    put(0, "k", "value", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_expires_count(0), 0);
    mr_entry_t *e = set_ttl(0, "k", now + 5000);
    cr_assert(mr_entry_has_expire(e));
    cr_assert_eq(mr_entry_expire(e), now + 5000);
    expect(0, "k", "value", now + 5000);
    cr_assert_eq(mr_db_expires_count(0), 1);

    e = set_ttl(0, "k", now + 9000); /* update in place */
    cr_assert_eq(mr_entry_expire(e), now + 9000);
    expect(0, "k", "value", now + 9000);
    cr_assert_eq(mr_db_expires_count(0), 1);

    e = set_ttl(0, "k", MR_KEEP_TTL);
    cr_assert_eq(mr_entry_expire(e), now + 9000);

    e = set_ttl(0, "k", MR_NO_EXPIRE);
    cr_assert_not(mr_entry_has_expire(e));
    expect(0, "k", "value", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_expires_count(0), 0);
    e = set_ttl(0, "k", MR_NO_EXPIRE); /* clearing twice is harmless */
    cr_assert_eq(mr_db_expires_count(0), 0);
    expect(0, "k", "value", MR_NO_EXPIRE);
}

Test(store, set_expire_modes) {
    /* set with a TTL, overwrite without one: TTL gone */
    put(0, "k", "v1", now + 1000);
    expect(0, "k", "v1", now + 1000);
    cr_assert_eq(mr_db_expires_count(0), 1);
    put(0, "k", "v2", MR_NO_EXPIRE);
    expect(0, "k", "v2", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_expires_count(0), 0);

    /* KEEPTTL keeps an existing TTL across value sizes */
    put(0, "k", "v3", now + 2000);
    put(0, "k", "a longer value, a longer value, a longer value", MR_KEEP_TTL);
    expect(0, "k", "a longer value, a longer value, a longer value",
           now + 2000);
    put(0, "k", "s", MR_KEEP_TTL);
    expect(0, "k", "s", now + 2000);
    cr_assert_eq(mr_db_expires_count(0), 1);

    /* KEEPTTL on a key without TTL, or a new key: no TTL */
    put(0, "n", "x", MR_KEEP_TTL);
    expect(0, "n", "x", MR_NO_EXPIRE);
    put(0, "n", "y", MR_KEEP_TTL);
    expect(0, "n", "y", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_expires_count(0), 1);

    /* adding a TTL through set */
    put(0, "n", "z", now + 3000);
    expect(0, "n", "z", now + 3000);
    cr_assert_eq(mr_db_expires_count(0), 2);
    cr_assert_eq(mr_db_size(0), 2);
}

Test(store, set_from_own_value_slice) {
    put(0, "k", "0123456789abcdef", MR_NO_EXPIRE);
    uint32_t s = lock_key("k");
    mr_entry_t *e = mr_db_lookup_write_locked(0, "k", 1, now);
    cr_assert_not_null(e);
    /* the new value is bytes 4..11 of the old entry (GETRANGE-then-SET) */
    e = mr_db_set_str_locked(0, "k", 1, mr_entry_cval(e) + 4, 8, MR_NO_EXPIRE);
    cr_assert_eq(e->vlen, 8);
    cr_assert(memcmp(mr_entry_cval(e), "456789ab", 8) == 0);
    mr_store_unlock(s);
    expect(0, "k", "456789ab", MR_NO_EXPIRE);
}

Test(store, lazy_expiry) {
    uint64_t exp0 = atomic_load(&mr_stats->expired_keys);
    put(0, "t", "v", now + 100);
    put(0, "u", "v", now + 100);
    put(0, "d", "v", now + 100);
    cr_assert(exists(0, "t", now + 99));
    cr_assert_eq(mr_db_size(0), 3);
    /* expiry <= now is expired: absent and deleted on the spot, so even an
     * earlier clock no longer finds it */
    cr_assert_not(exists(0, "t", now + 100));
    cr_assert_not(exists(0, "t", now));
    cr_assert_eq(mr_db_size(0), 2);
    cr_assert_eq(mr_db_expires_count(0), 2);
    uint32_t s = lock_key("u");
    cr_assert_null(mr_db_lookup_read_locked(0, "u", 1, now + 5000));
    mr_store_unlock(s);
    cr_assert_not(exists(0, "u", now));
    /* deleting an expired key reports it absent, and removes it */
    cr_assert_not(del(0, "d", now + 100));
    cr_assert_eq(mr_db_size(0), 0);
    cr_assert_eq(mr_db_expires_count(0), 0);
    cr_assert_eq(atomic_load(&mr_stats->expired_keys), exp0 + 3);
}

Test(store, resize_str_keeps_prefix_and_zero_fills) {
    for (int with_ttl = 0; with_ttl < 2; with_ttl++) {
        int64_t ttl = with_ttl ? now + 777 : MR_NO_EXPIRE;
        put(0, "r", "hello", ttl);
        uint32_t s = lock_key("r");
        mr_entry_t *e = mr_db_lookup_write_locked(0, "r", 1, now);
        e = mr_db_resize_str_locked(0, e, 300);
        cr_assert_eq(e->vlen, 300);
        cr_assert(memcmp(mr_entry_cval(e), "hello", 5) == 0);
        for (int i = 5; i < 300; i++)
            cr_assert_eq(mr_entry_cval(e)[i], 0, "byte %d", i);
        cr_assert_eq(mr_entry_expire(e), ttl);
        cr_assert_eq(e->klen, 1);
        cr_assert_eq(mr_entry_key(e)[0], 'r');
        memcpy(mr_entry_val(e) + 5, " world", 6);
        e = mr_db_resize_str_locked(0, e, 11);
        cr_assert_eq(e->vlen, 11);
        /* the entry the table holds is the returned one */
        cr_assert_eq(mr_db_lookup_write_locked(0, "r", 1, now), e);
        e = mr_db_resize_str_locked(0, e, 3);
        e = mr_db_resize_str_locked(0, e, 6);
        cr_assert(memcmp(mr_entry_cval(e), "hel\0\0\0", 6) == 0);
        e = mr_db_resize_str_locked(0, e, 0);
        cr_assert_eq(e->vlen, 0);
        e = mr_db_resize_str_locked(0, e, 2);
        cr_assert(memcmp(mr_entry_cval(e), "\0\0", 2) == 0);
        mr_store_unlock(s);
        cr_assert_eq(mr_db_size(0), 1);
        cr_assert_eq(mr_db_expires_count(0), (size_t)with_ttl);
    }
}

/* Renames src (db sdb) to dst (db ddb) under both locks. */
static void rename_key(int sdb, const char *src, int ddb, const char *dst) {
    uint32_t ids[2];
    int n = lock_two(src, dst, ids);
    mr_entry_t *e = mr_db_lookup_write_locked(sdb, src, strlen(src), now);
    cr_assert_not_null(e);
    mr_entry_t *ne = mr_db_rename_locked(sdb, e, ddb, dst, strlen(dst));
    cr_assert_eq(ne->klen, strlen(dst));
    cr_assert(memcmp(mr_entry_key(ne), dst, ne->klen) == 0);
    cr_assert_eq(mr_db_lookup_write_locked(ddb, dst, strlen(dst), now), ne);
    mr_store_unlock_many(ids, n);
}

static void copy_key(int sdb, const char *src, int ddb, const char *dst) {
    uint32_t ids[2];
    int n = lock_two(src, dst, ids);
    mr_entry_t *e = mr_db_lookup_write_locked(sdb, src, strlen(src), now);
    cr_assert_not_null(e);
    mr_entry_t *ne = mr_db_copy_locked(sdb, e, ddb, dst, strlen(dst));
    cr_assert_neq(ne, e);
    cr_assert_eq(mr_db_lookup_write_locked(ddb, dst, strlen(dst), now), ne);
    mr_store_unlock_many(ids, n);
}

Test(store, rename_within_and_across_databases) {
    put(0, "src", "payload", now + 4000);
    rename_key(0, "src", 0, "dst");
    cr_assert_not(exists(0, "src", now));
    expect(0, "dst", "payload", now + 4000);
    cr_assert_eq(mr_db_size(0), 1);
    cr_assert_eq(mr_db_expires_count(0), 1);

    /* same key, same database: a no-op */
    rename_key(0, "dst", 0, "dst");
    expect(0, "dst", "payload", now + 4000);

    /* across databases, replacing a destination that had no TTL */
    put(3, "moved", "old", MR_NO_EXPIRE);
    rename_key(0, "dst", 3, "moved");
    cr_assert_eq(mr_db_size(0), 0);
    cr_assert_eq(mr_db_expires_count(0), 0);
    expect(3, "moved", "payload", now + 4000);
    cr_assert_eq(mr_db_size(3), 1);
    cr_assert_eq(mr_db_expires_count(3), 1);

    /* a source without TTL replaces a destination with one */
    put(3, "plain", "p", MR_NO_EXPIRE);
    rename_key(3, "plain", 3, "moved");
    expect(3, "moved", "p", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_size(3), 1);
    cr_assert_eq(mr_db_expires_count(3), 0);

    /* same key name, other database */
    rename_key(3, "moved", 15, "moved");
    cr_assert_not(exists(3, "moved", now));
    expect(15, "moved", "p", MR_NO_EXPIRE);
}

Test(store, copy_across_databases_is_deep) {
    put(1, "orig", "data", now + 6000);
    copy_key(1, "orig", 2, "orig");
    copy_key(1, "orig", 1, "twin");
    expect(1, "orig", "data", now + 6000);
    expect(2, "orig", "data", now + 6000);
    expect(1, "twin", "data", now + 6000);
    cr_assert_eq(mr_db_size(1), 2);
    cr_assert_eq(mr_db_expires_count(1), 2);
    cr_assert_eq(mr_db_expires_count(2), 1);

    /* changing the source leaves the copies alone */
    uint32_t s = lock_key("orig");
    mr_entry_t *e = mr_db_lookup_write_locked(1, "orig", 4, now);
    e = mr_db_resize_str_locked(1, e, 4);
    memcpy(mr_entry_val(e), "DATA", 4);
    mr_store_unlock(s);
    expect(1, "orig", "DATA", now + 6000);
    expect(2, "orig", "data", now + 6000);
    expect(1, "twin", "data", now + 6000);

    /* copy replaces: a TTL-less source clears the destination's TTL */
    put(1, "plain", "pp", MR_NO_EXPIRE);
    copy_key(1, "plain", 2, "orig");
    expect(2, "orig", "pp", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_size(2), 1);
    cr_assert_eq(mr_db_expires_count(2), 0);
    cr_assert(del(1, "orig", now));
    expect(1, "twin", "data", now + 6000);
}

Test(store, databases_are_isolated) {
    char v[32];
    for (int db = 0; db < NDBS; db++) {
        snprintf(v, sizeof v, "val%d", db);
        put(db, "shared", v, db % 2 ? now + 1000 + db : MR_NO_EXPIRE);
        for (int i = 0; i < db; i++) {
            char k[32];
            snprintf(k, sizeof k, "only%d_%d", db, i);
            put(db, k, "x", MR_NO_EXPIRE);
        }
    }
    for (int db = 0; db < NDBS; db++) {
        snprintf(v, sizeof v, "val%d", db);
        expect(db, "shared", v, db % 2 ? now + 1000 + db : MR_NO_EXPIRE);
        cr_assert_eq(mr_db_size(db), (size_t)db + 1);
        cr_assert_eq(mr_db_expires_count(db), (size_t)(db % 2));
        /* another database's private key is invisible here */
        char k[32];
        snprintf(k, sizeof k, "only%d_0", (db + 1) % NDBS);
        cr_assert_not(exists(db, k, now));
    }
    cr_assert(del(5, "shared", now));
    cr_assert_not(exists(5, "shared", now));
    expect(4, "shared", "val4", MR_NO_EXPIRE);
    expect(6, "shared", "val6", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_size(5), 5);
}

Test(store, size_expires_and_flush) {
    for (int db = 0; db < 4; db++)
        for (int i = 0; i < 200; i++) {
            char k[32];
            snprintf(k, sizeof k, "k%d", i);
            put(db, k, "v", i % 4 == 0 ? now + 10000 : MR_NO_EXPIRE);
        }
    for (int db = 0; db < 4; db++) {
        cr_assert_eq(mr_db_size(db), 200);
        cr_assert_eq(mr_db_expires_count(db), 50);
    }
    cr_assert_eq(mr_db_size(4), 0);
    mr_db_flush(2);
    cr_assert_eq(mr_db_size(2), 0);
    cr_assert_eq(mr_db_expires_count(2), 0);
    cr_assert_not(exists(2, "k7", now));
    cr_assert_eq(mr_db_size(1), 200);
    cr_assert_eq(mr_db_size(3), 200);
    expect(3, "k7", "v", MR_NO_EXPIRE);
    /* a flushed database is usable again */
    put(2, "back", "yes", MR_NO_EXPIRE);
    expect(2, "back", "yes", MR_NO_EXPIRE);
    put(15, "last", "db", now + 1);
    mr_db_flush(-1);
    for (int db = 0; db < NDBS; db++) {
        cr_assert_eq(mr_db_size(db), 0, "db %d", db);
        cr_assert_eq(mr_db_expires_count(db), 0, "db %d", db);
    }
    cr_assert_not(exists(0, "k1", now));
    put(0, "k1", "again", MR_NO_EXPIRE);
    expect(0, "k1", "again", MR_NO_EXPIRE);
    cr_assert_eq(mr_db_size(0), 1);
}

/* ---- SCAN ---- */

typedef struct mark {
    const char *prefix; /* keys "<prefix><index>" are tracked */
    size_t plen;
    unsigned char *seen;
    long n;
    long calls; /* callback invocations, any key */
} mark_t;

static void mark_cb(void *ctx, const mr_entry_t *e) {
    mark_t *m = ctx;
    m->calls++;
    if (e->klen <= m->plen || e->klen > 30 ||
        memcmp(mr_entry_key(e), m->prefix, m->plen) != 0)
        return;
    char buf[32];
    memcpy(buf, mr_entry_key(e) + m->plen, e->klen - m->plen);
    buf[e->klen - m->plen] = '\0';
    long i = strtol(buf, NULL, 10);
    if (i >= 0 && i < m->n && m->seen[i] < 255) m->seen[i]++;
}

static void put_i(int db, const char *prefix, long i, int64_t exp) {
    char k[32];
    snprintf(k, sizeof k, "%s%ld", prefix, i);
    put(db, k, "v", exp);
}

static void del_i(int db, const char *prefix, long i) {
    char k[32];
    snprintf(k, sizeof k, "%s%ld", prefix, i);
    cr_assert(del(db, k, now));
}

Test(store, scan_empty_and_quiet_table) {
    mark_t m = {.prefix = "k", .plen = 1, .n = 0};
    cr_assert_eq(mr_db_scan(0, 0, 10, now, mark_cb, &m), 0);
    cr_assert_eq(m.calls, 0);
    enum { N = 500 };
    unsigned char seen[N] = {0};
    for (long i = 0; i < N; i++) put_i(4, "k", i, MR_NO_EXPIRE);
    /* settle any rehash so the quiet scan below sees each key once */
    for (int r = 0; r < 100; r++) mr_store_cron(0, 1, now, 100000);
    m = (mark_t){.prefix = "k", .plen = 1, .seen = seen, .n = N};
    uint64_t cur = 0;
    long calls = 0;
    do {
        cur = mr_db_scan(4, cur, 7, now, mark_cb, &m);
    } while (cur && ++calls < 100000);
    cr_assert_eq(cur, 0);
    for (long i = 0; i < N; i++) cr_assert_eq(seen[i], 1, "key %ld", i);
    cr_assert_eq(m.calls, N);
    /* one call with a huge count returns everything */
    memset(seen, 0, sizeof seen);
    m.calls = 0;
    cr_assert_eq(mr_db_scan(4, 0, 1000000, now, mark_cb, &m), 0);
    cr_assert_eq(m.calls, N);
}

Test(store, scan_skips_expired_keys) {
    enum { N = 300 };
    unsigned char seen[N] = {0};
    for (long i = 0; i < N; i++)
        put_i(0, "k", i, i % 3 == 0 ? now + 10 : MR_NO_EXPIRE);
    mark_t m = {.prefix = "k", .plen = 1, .seen = seen, .n = N};
    uint64_t cur = 0;
    long calls = 0;
    do {
        cur = mr_db_scan(0, cur, 5, now + 10, mark_cb, &m);
    } while (cur && ++calls < 100000);
    cr_assert_eq(cur, 0);
    for (long i = 0; i < N; i++)
        cr_assert_eq(seen[i] > 0, i % 3 != 0, "key %ld", i);
}

/* SCAN's guarantee while every call is followed by inserts (growing every
 * shard's table, so cursors cross incremental rehashes) and a cron step. */
Test(store, scan_guarantee_under_growth) {
    enum { BASE = 2000, PER_CALL = 12, MAX_EXTRA = 12000 };
    unsigned char *seen = mr_xcalloc(BASE, 1);
    for (long i = 0; i < BASE; i++) put_i(0, "k", i, MR_NO_EXPIRE);
    mark_t m = {.prefix = "k", .plen = 1, .seen = seen, .n = BASE};
    uint64_t cur = 0;
    long calls = 0, extra = 0;
    do {
        cur = mr_db_scan(0, cur, 3, now, mark_cb, &m);
        for (int j = 0; j < PER_CALL && extra < MAX_EXTRA; j++)
            put_i(0, "n", extra++, MR_NO_EXPIRE);
        if (calls % 4 == 0) mr_store_cron(0, 1, now, 50);
    } while (cur && ++calls < 1000000);
    cr_assert_eq(cur, 0, "scan did not finish");
    cr_assert_eq(extra, MAX_EXTRA, "scan ended before the tables grew");
    for (long i = 0; i < BASE; i++)
        cr_assert(seen[i], "key k%ld never returned", i);
    cr_assert_eq(mr_db_size(0), (size_t)(BASE + MAX_EXTRA));
    mr_free(seen);
}

/* Same while the filler keys are deleted, shrinking the tables. */
Test(store, scan_guarantee_under_shrink) {
    enum { KEEP = 300, FILL = 12000, PER_CALL = 40 };
    unsigned char *seen = mr_xcalloc(KEEP, 1);
    for (long i = 0; i < FILL; i++) {
        put_i(0, "f", i, MR_NO_EXPIRE);
        if (i < KEEP) put_i(0, "k", i, MR_NO_EXPIRE);
    }
    mark_t m = {.prefix = "k", .plen = 1, .seen = seen, .n = KEEP};
    uint64_t cur = 0;
    long calls = 0, gone = 0;
    do {
        cur = mr_db_scan(0, cur, 2, now, mark_cb, &m);
        for (int j = 0; j < PER_CALL && gone < FILL; j++)
            del_i(0, "f", gone++);
        if (calls % 3 == 0) mr_store_cron(0, 1, now, 50);
    } while (cur && ++calls < 1000000);
    cr_assert_eq(cur, 0, "scan did not finish");
    cr_assert_eq(gone, FILL, "scan ended before the tables shrank");
    for (long i = 0; i < KEEP; i++)
        cr_assert(seen[i], "key k%ld never returned", i);
    cr_assert_eq(mr_db_size(0), (size_t)KEEP);
    mr_free(seen);
}

/* ---- RANDOMKEY ---- */

Test(store, random_key) {
    mr_buf_t out = {0};
    cr_assert_not(mr_db_random_key(0, now, &out));
    put(0, "solo", "v", MR_NO_EXPIRE);
    for (int i = 0; i < 5; i++) {
        out.len = 0;
        mr_buf_append(&out, "garbage", 7);
        cr_assert(mr_db_random_key(0, now, &out));
        cr_assert_eq(out.len, 4);
        cr_assert(memcmp(out.data, "solo", 4) == 0);
    }
    cr_assert_not(mr_db_random_key(1, now, &out)); /* other db still empty */

    enum { N = 100 };
    unsigned char seen[N] = {0};
    for (long i = 0; i < N; i++) put_i(1, "r", i, MR_NO_EXPIRE);
    int distinct = 0;
    for (int d = 0; d < 400; d++) {
        cr_assert(mr_db_random_key(1, now, &out));
        cr_assert(out.len > 1 && out.len < 5 && out.data[0] == 'r');
        char b[8];
        memcpy(b, out.data + 1, out.len - 1);
        b[out.len - 1] = '\0';
        long i = strtol(b, NULL, 10);
        cr_assert(i >= 0 && i < N);
        if (!seen[i]++) distinct++;
    }
    cr_assert_geq(distinct, 20, "only %d distinct keys", distinct);

    /* expired keys are never returned; the ones drawn are deleted */
    for (long i = 0; i < 50; i++) put_i(2, "e", i, now + 5);
    put(2, "live", "v", MR_NO_EXPIRE);
    for (int d = 0; d < 20; d++) {
        cr_assert(mr_db_random_key(2, now + 5, &out));
        cr_assert_eq(out.len, 4);
        cr_assert(memcmp(out.data, "live", 4) == 0);
    }
    cr_assert(del(2, "live", now));
    cr_assert_not(mr_db_random_key(2, now + 5, &out));
    cr_assert_eq(mr_db_size(2), 0, "expired keys left behind");
    cr_assert_eq(mr_db_expires_count(2), 0);
    mr_buf_free(&out);
}

/* ---- active expiry ---- */

Test(store, cron_expires_and_keeps_live_keys) {
    enum { DEAD = 3000, LIVE_TTL = 1000, LIVE = 1000 };
    cr_assert_eq(mr_store_cron(2, 2, now, 1000), 0); /* w >= nw: nothing */
    uint64_t exp0 = atomic_load(&mr_stats->expired_keys);
    for (long i = 0; i < DEAD; i++) put_i(i % 3, "d", i, now + 10 + i % 50);
    for (long i = 0; i < LIVE_TTL; i++) put_i(0, "t", i, now + 1000000);
    for (long i = 0; i < LIVE; i++) put_i(1, "p", i, MR_NO_EXPIRE);
    /* nothing is due yet */
    cr_assert_eq(mr_store_cron(0, 2, now, 100000), 0);
    cr_assert_eq(mr_store_cron(1, 2, now, 100000), 0);

    int64_t later = now + 100;
    size_t total = 0;
    for (int round = 0; round < 10000 && total < DEAD; round++)
        for (unsigned w = 0; w < 2; w++)
            total += mr_store_cron(w, 2, later, 1000000);
    cr_assert_eq(total, DEAD);
    cr_assert_eq(atomic_load(&mr_stats->expired_keys), exp0 + DEAD);
    /* a few more rounds finish any rehash the deletes started */
    for (int round = 0; round < 200; round++)
        for (unsigned w = 0; w < 2; w++)
            cr_assert_eq(mr_store_cron(w, 2, later, 1000000), 0);

    cr_assert_eq(mr_db_size(0), LIVE_TTL);
    cr_assert_eq(mr_db_size(1), LIVE);
    cr_assert_eq(mr_db_size(2), 0);
    cr_assert_eq(mr_db_expires_count(0), LIVE_TTL);
    cr_assert_eq(mr_db_expires_count(1), 0);
    cr_assert_eq(mr_db_expires_count(2), 0);
    char k[32];
    for (long i = 0; i < DEAD; i++) {
        /* removed by the cron, not merely hidden by a later clock */
        snprintf(k, sizeof k, "d%ld", i);
        cr_assert_not(exists((int)(i % 3), k, now));
    }
    for (long i = 0; i < LIVE_TTL; i++) {
        snprintf(k, sizeof k, "t%ld", i);
        expect(0, k, "v", now + 1000000);
    }
    for (long i = 0; i < LIVE; i++) {
        snprintf(k, sizeof k, "p%ld", i);
        expect(1, k, "v", MR_NO_EXPIRE);
    }
}

/* Keys inserted fast enough to leave tables mid-rehash stay reachable
 * while the cron finishes the rehash, and scans see each key once after. */
Test(store, cron_advances_rehash) {
    enum { N = 5000 };
    for (long i = 0; i < N; i++) put_i(0, "k", i, MR_NO_EXPIRE);
    for (int round = 0; round < 50; round++) {
        mr_store_cron(0, 1, now, 1000000);
        char k[32];
        snprintf(k, sizeof k, "k%d", round * 97 % N);
        cr_assert(exists(0, k, now));
    }
    unsigned char *seen = mr_xcalloc(N, 1);
    mark_t m = {.prefix = "k", .plen = 1, .seen = seen, .n = N};
    cr_assert_eq(mr_db_scan(0, 0, 1000000, now, mark_cb, &m), 0);
    /* with no rehash in progress, a full scan returns every key once */
    for (long i = 0; i < N; i++) cr_assert_eq(seen[i], 1, "key %ld", i);
    cr_assert_eq(m.calls, N);
    mr_free(seen);
}

/* ---- concurrency ---- */

#if defined(__SANITIZE_THREAD__)
#define CONC_OPS 120000L
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONC_OPS 120000L
#endif
#endif
#ifndef CONC_OPS
#define CONC_OPS 200000L
#endif

#define CONC_THREADS 4
#define NCTR 64   /* counters in db 0, never deleted, no TTL */
#define NTMP 512  /* churned keys in dbs 0-2 */
#define TMP_DBS 3
#define MAX_TMP_VLEN 64

static _Atomic long conc_errors;
static _Atomic int conc_stop;
static char conc_first_error[160]; /* written by the first failure only */

/* Worker threads cannot use cr_assert: they record, the main thread
 * asserts. */
static void conc_fail(const char *what, long detail) {
    if (atomic_fetch_add(&conc_errors, 1) == 0)
        snprintf(conc_first_error, sizeof conc_first_error, "%s (%ld)", what,
                 detail);
}
#define CHECK(c, detail)                                                    \
    do {                                                                    \
        if (!(c)) conc_fail(#c, (long)(detail));                            \
    } while (0)

static uint64_t rnd_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct worker {
    pthread_t th;
    unsigned id;
    uint64_t rng;
    long incs;
    mr_stats_t stats;
} worker_t;

static int ctr_name(char *k, long i) { return sprintf(k, "ctr:%ld", i); }
static int tmp_name(char *k, long i) { return sprintf(k, "tmp:%ld", i); }

static long long read_counter(const mr_entry_t *e) {
    char b[32];
    if (mr_entry_type(e) != MR_T_STRING || e->vlen == 0 || e->vlen >= 32)
        return -999999999;
    memcpy(b, mr_entry_cval(e), e->vlen);
    b[e->vlen] = '\0';
    return strtoll(b, NULL, 10);
}

static void write_counter(int db, const char *k, size_t kl, long long v) {
    char b[32];
    int n = snprintf(b, sizeof b, "%lld", v);
    mr_db_set_str_locked(db, k, kl, b, (size_t)n, MR_KEEP_TTL);
}

/* A tmp value is "v" then digits, maybe followed by appended 'a's (after a
 * zero-filled resize): a torn or misplaced write shows as another byte. */
static bool tmp_value_ok(const mr_entry_t *e) {
    if (mr_entry_type(e) != MR_T_STRING || e->vlen == 0 ||
        e->vlen > MAX_TMP_VLEN + 1)
        return false;
    const char *v = mr_entry_cval(e);
    if (v[0] != 'v') return false;
    for (uint32_t i = 1; i < e->vlen; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || v[i] == 'a')) return false;
    return true;
}

static int lock_pair(const char *a, size_t al, const char *b, size_t bl,
                     uint32_t ids[2]) {
    uint32_t x = mr_store_shard_of(a, al), y = mr_store_shard_of(b, bl);
    if (x == y) {
        ids[0] = x;
        mr_store_lock_many(ids, 1);
        return 1;
    }
    ids[0] = x < y ? x : y;
    ids[1] = x < y ? y : x;
    mr_store_lock_many(ids, 2);
    return 2;
}

static void op_incr(worker_t *w, uint64_t r) {
    char k[32];
    int kl = ctr_name(k, (long)(r % NCTR));
    uint32_t s = mr_store_shard_of(k, (size_t)kl);
    mr_store_lock(s);
    mr_entry_t *e = mr_db_lookup_write_locked(0, k, (size_t)kl, now);
    CHECK(e != NULL, r % NCTR);
    if (e) {
        write_counter(0, k, (size_t)kl, read_counter(e) + 1);
        w->incs++;
    }
    mr_store_unlock(s);
}

/* Moves one unit between two counters under both locks: the sum of all
 * counters changes only through op_incr. */
static void op_transfer(uint64_t r) {
    char a[32], b[32];
    long i = (long)(r % NCTR), j = (long)((r >> 16) % NCTR);
    if (i == j) j = (j + 1) % NCTR;
    int al = ctr_name(a, i), bl = ctr_name(b, j);
    uint32_t ids[2];
    int n = lock_pair(a, (size_t)al, b, (size_t)bl, ids);
    mr_entry_t *ea = mr_db_lookup_write_locked(0, a, (size_t)al, now);
    mr_entry_t *eb = mr_db_lookup_write_locked(0, b, (size_t)bl, now);
    CHECK(ea && eb, i);
    if (ea && eb) {
        long long va = read_counter(ea), vb = read_counter(eb);
        write_counter(0, a, (size_t)al, va - 1);
        write_counter(0, b, (size_t)bl, vb + 1);
    }
    mr_store_unlock_many(ids, n);
}

static void op_tmp(uint64_t r, int64_t t) {
    char k[32], k2[32], v[32];
    int db = (int)((r >> 8) % TMP_DBS);
    int kl = tmp_name(k, (long)((r >> 12) % NTMP));
    uint32_t s = mr_store_shard_of(k, (size_t)kl);
    switch ((r >> 32) % 8) {
    case 0:
    case 1: { /* SET with no TTL, a short TTL, or KEEPTTL */
        int vl = snprintf(v, sizeof v, "v%u", (unsigned)(r >> 40));
        int64_t exp = MR_NO_EXPIRE;
        /* short TTLs expire during the run, long ones survive it */
        if ((r >> 50) % 4 == 1) exp = t + (int64_t)((r >> 52) % 40);
        if ((r >> 50) % 4 == 2) exp = MR_KEEP_TTL;
        if ((r >> 50) % 4 == 3) exp = t + 100000000;
        mr_store_lock(s);
        mr_entry_t *e =
            mr_db_set_str_locked(db, k, (size_t)kl, v, (size_t)vl, exp);
        CHECK(e && tmp_value_ok(e), vl);
        mr_store_unlock(s);
        break;
    }
    case 2: { /* GET */
        mr_store_lock(s);
        mr_entry_t *e = mr_db_lookup_read_locked(db, k, (size_t)kl, t);
        CHECK(!e || tmp_value_ok(e), db);
        CHECK(!e || !mr_entry_has_expire(e) || mr_entry_expire(e) > t, t);
        mr_store_unlock(s);
        break;
    }
    case 3: /* DEL */
        mr_store_lock(s);
        mr_db_delete_locked(db, k, (size_t)kl, t);
        CHECK(!mr_db_lookup_write_locked(db, k, (size_t)kl, t), db);
        mr_store_unlock(s);
        break;
    case 4: { /* APPEND-like: resize then write the new tail */
        mr_store_lock(s);
        mr_entry_t *e = mr_db_lookup_write_locked(db, k, (size_t)kl, t);
        if (e && e->vlen < MAX_TMP_VLEN) {
            size_t old = e->vlen;
            e = mr_db_resize_str_locked(db, e, old + 1);
            CHECK(mr_entry_cval(e)[old] == 0, old);
            mr_entry_val(e)[old] = 'a';
            CHECK(tmp_value_ok(e), old);
        }
        mr_store_unlock(s);
        break;
    }
    case 5: { /* EXPIRE / PERSIST */
        mr_store_lock(s);
        mr_entry_t *e = mr_db_lookup_write_locked(db, k, (size_t)kl, t);
        if (e) {
            int64_t exp =
                (r >> 44) & 1 ? t + 1 + (int64_t)((r >> 45) % 30) : MR_NO_EXPIRE;
            e = mr_db_set_expire_locked(db, e, exp);
            CHECK(mr_entry_expire(e) == exp && tmp_value_ok(e), exp);
        }
        mr_store_unlock(s);
        break;
    }
    case 6:
    case 7: { /* RENAME or COPY to another tmp key, maybe another db */
        int k2l = tmp_name(k2, (long)((r >> 22) % NTMP));
        int ddb = (int)((r >> 40) % TMP_DBS);
        uint32_t ids[2];
        int n = lock_pair(k, (size_t)kl, k2, (size_t)k2l, ids);
        mr_entry_t *e = mr_db_lookup_write_locked(db, k, (size_t)kl, t);
        if (e) {
            mr_entry_t *ne =
                (r >> 32) % 8 == 6
                    ? mr_db_rename_locked(db, e, ddb, k2, (size_t)k2l)
                    : mr_db_copy_locked(db, e, ddb, k2, (size_t)k2l);
            CHECK(tmp_value_ok(ne), ddb);
            CHECK(mr_db_lookup_write_locked(ddb, k2, (size_t)k2l, t) == ne,
                  ddb);
        }
        mr_store_unlock_many(ids, n);
        break;
    }
    }
}

static void *worker_main(void *p) {
    worker_t *w = p;
    mr_stats = &w->stats; /* as worker.c does: one stats block per thread */
    int64_t t = now;
    for (long i = 0; i < CONC_OPS; i++) {
        uint64_t r = rnd_next(&w->rng);
        if (i % 256 == 0) t++; /* each thread's clock runs on its own */
        switch (r % 16) {
        case 0: case 1: case 2: case 3: case 4:
            op_incr(w, r >> 4);
            break;
        case 5: case 6:
            op_transfer(r >> 4);
            break;
        default:
            op_tmp(r, t);
            break;
        }
        if (i % 4096 == 0) mr_store_cron(w->id, CONC_THREADS, t, 200);
    }
    return NULL;
}

typedef struct scanner {
    pthread_t th;
    long full_scans;
    long randoms;
    mr_stats_t stats;
} scanner_t;

static void *scanner_main(void *p) {
    scanner_t *sc = p;
    mr_stats = &sc->stats;
    unsigned char seen[NCTR];
    mr_buf_t out = {0};
    int64_t t = now;
    for (long round = 0; round < 100000 && !atomic_load(&conc_stop);
         round++) {
        memset(seen, 0, sizeof seen);
        mark_t m = {.prefix = "ctr:", .plen = 4, .seen = seen, .n = NCTR};
        uint64_t cur = 0;
        long calls = 0;
        do {
            cur = mr_db_scan(0, cur, 4, t, mark_cb, &m);
            if (calls % 8 == 0) mr_store_cron(0, 1, t++, 100);
        } while (cur && ++calls < 1000000);
        CHECK(cur == 0, calls);
        /* the counters exist for the whole run: each scan returns them */
        for (int i = 0; i < NCTR; i++) CHECK(seen[i] > 0, i);
        sc->full_scans++;
        if (mr_db_random_key((int)(round % TMP_DBS), t, &out)) {
            sc->randoms++;
            CHECK(out.len > 4, out.len);
        }
        /* FLUSHDB racing the workers' writes into the same database */
        if (round % 16 == 15) mr_db_flush(TMP_DBS - 1);
        CHECK(mr_db_size(0) >= NCTR, round);
        CHECK(mr_db_expires_count(1) <= NTMP, round);
    }
    mr_buf_free(&out);
    return NULL;
}

typedef struct count_ctx {
    unsigned char (*seen)[NTMP];
    int db;
    long keys;
    long dups;
} count_ctx_t;

static void count_cb(void *ctx, const mr_entry_t *e) {
    count_ctx_t *c = ctx;
    c->keys++;
    if (e->klen > 4 && e->klen < 16 && !memcmp(mr_entry_key(e), "tmp:", 4)) {
        char b[16];
        memcpy(b, mr_entry_key(e) + 4, e->klen - 4);
        b[e->klen - 4] = '\0';
        long i = strtol(b, NULL, 10);
        if (i >= 0 && i < NTMP && c->seen[c->db][i]++) c->dups++;
    }
}

Test(store, concurrent_mixed_workload, .timeout = 120) {
    char k[32];
    for (long i = 0; i < NCTR; i++) {
        ctr_name(k, i);
        put(0, k, "0", MR_NO_EXPIRE);
    }
    static worker_t ws[CONC_THREADS];
    static scanner_t scan;
    for (unsigned i = 0; i < CONC_THREADS; i++) {
        ws[i] = (worker_t){.id = i, .rng = 0x1234567ULL * (i + 1)};
        cr_assert_eq(pthread_create(&ws[i].th, NULL, worker_main, &ws[i]), 0);
    }
    cr_assert_eq(pthread_create(&scan.th, NULL, scanner_main, &scan), 0);
    for (unsigned i = 0; i < CONC_THREADS; i++) pthread_join(ws[i].th, NULL);
    atomic_store(&conc_stop, 1);
    pthread_join(scan.th, NULL);

    cr_assert_eq(atomic_load(&conc_errors), 0, "%ld errors, first: %s",
                 atomic_load(&conc_errors), conc_first_error);
    cr_assert_gt(scan.full_scans, 0);

    /* every increment landed exactly once */
    long incs = 0;
    for (unsigned i = 0; i < CONC_THREADS; i++) incs += ws[i].incs;
    cr_assert_gt(incs, CONC_OPS); /* about 5/16 of all ops */
    long long sum = 0;
    for (long i = 0; i < NCTR; i++) {
        char v[32];
        int64_t ttl = 0;
        ctr_name(k, i);
        cr_assert(get(0, k, now, v, sizeof v, &ttl), "%s lost", k);
        cr_assert_eq(ttl, MR_NO_EXPIRE);
        sum += strtoll(v, NULL, 10);
    }
    cr_assert_eq(sum, incs);

    /* At clock 0 nothing counts as expired: a full scan, a lookup of every
     * possible name and mr_db_size must all agree on each database. */
    static unsigned char seen[TMP_DBS][NTMP];
    memset(seen, 0, sizeof seen);
    size_t with_ttl[TMP_DBS] = {0}, total_ttl = 0;
    for (int db = 0; db < NDBS; db++) {
        count_ctx_t c = {.seen = seen, .db = db < TMP_DBS ? db : 0};
        uint64_t cur = 0;
        long calls = 0;
        if (db < TMP_DBS) {
            do {
                cur = mr_db_scan(db, cur, 16, 0, count_cb, &c);
            } while (cur && ++calls < 1000000);
        }
        cr_assert_eq(cur, 0);
        cr_assert_eq(c.dups, 0, "db %d: scan returned a key twice", db);
        cr_assert_eq(mr_db_size(db), (size_t)c.keys, "db %d", db);
        if (db >= TMP_DBS) {
            cr_assert_eq(mr_db_size(db), 0, "db %d", db);
            continue;
        }
        long found = db == 0 ? NCTR : 0;
        for (long i = 0; i < NTMP; i++) {
            char v[MAX_TMP_VLEN + 2];
            int64_t ttl = 0;
            tmp_name(k, i);
            bool there = get(db, k, 0, v, sizeof v, &ttl);
            cr_assert_eq(there, seen[db][i] == 1, "db %d %s", db, k);
            if (!there) continue;
            found++;
            cr_assert_eq(v[0], 'v');
            if (ttl != MR_NO_EXPIRE) with_ttl[db]++;
        }
        cr_assert_eq((size_t)found, mr_db_size(db), "db %d", db);
        cr_assert_eq(mr_db_expires_count(db), with_ttl[db], "db %d", db);
        total_ttl += with_ttl[db];
    }
    cr_assert_gt(total_ttl, 0);

    /* far in the future the cron removes exactly the keys with a TTL */
    int64_t future = now + 1000000000LL;
    size_t expired = 0;
    for (int round = 0; round < 10000 && expired < total_ttl; round++)
        for (unsigned w = 0; w < 2; w++)
            expired += mr_store_cron(w, 2, future, 1000000);
    cr_assert_eq(expired, total_ttl);
    for (int db = 0; db < TMP_DBS; db++) {
        cr_assert_eq(mr_db_expires_count(db), 0);
        size_t live = db == 0 ? NCTR : 0;
        for (long i = 0; i < NTMP; i++) live += seen[db][i];
        cr_assert_eq(mr_db_size(db), live - with_ttl[db], "db %d", db);
    }
    sum = 0;
    for (long i = 0; i < NCTR; i++) {
        char v[32];
        ctr_name(k, i);
        cr_assert(get(0, k, future, v, sizeof v, NULL));
        sum += strtoll(v, NULL, 10);
    }
    cr_assert_eq(sum, incs);
}

/* ---- prefetching and the hash hint ---- */

/* Prefetch steps run to completion on absent databases, empty and full
 * tables, and change nothing. */
Test(store, prefetch_runs_to_done_and_changes_nothing) {
    char k[32];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 200; i++) {
            snprintf(k, sizeof k, "pf:%d", i);
            mr_prefetch_t pf;
            mr_store_prefetch_start(&pf, round ? 3 : 0, k, strlen(k));
            cr_assert_eq(pf.hash, mr_hash(k, strlen(k)));
            for (int s = 0; s < 10 && pf.stage != MR_PREFETCH_DONE; s++)
                mr_store_prefetch_step(&pf);
            cr_assert_eq(pf.stage, MR_PREFETCH_DONE);
            mr_store_prefetch_step(&pf); /* past the end: still done */
            cr_assert_eq(pf.stage, MR_PREFETCH_DONE);
        }
        for (int i = 0; i < 200; i += 2) { /* then fill half of them */
            snprintf(k, sizeof k, "pf:%d", i);
            uint32_t s = lock_key(k);
            mr_db_set_str_locked(0, k, strlen(k), "v", 1, MR_NO_EXPIRE);
            mr_store_unlock(s);
        }
    }
    cr_assert_eq(mr_db_size(0), 100u);
    cr_assert_eq(mr_db_size(3), 0u);
}

/* The hint is used only for the exact bytes it names: a right hint finds
 * the key, and other keys (even equal bytes elsewhere) hash normally. */
Test(store, hash_hint_applies_to_its_bytes_only) {
    char a[] = "hinted", b[] = "hinted";
    uint32_t s = lock_key(a);
    mr_db_set_str_locked(0, a, 6, "1", 1, MR_NO_EXPIRE);
    mr_store_unlock(s);
    mr_store_hash_hint(a, 6, mr_hash(a, 6));
    cr_assert_eq(mr_store_shard_of(a, 6), s);
    mr_store_lock(s);
    cr_assert_not_null(mr_db_lookup_write_locked(0, a, 6, now));
    cr_assert_not_null(mr_db_lookup_write_locked(0, b, 6, now));
    mr_store_unlock(s);
    /* a wrong hint for other bytes of the same length is never consulted */
    char c[] = "other!";
    mr_store_hash_hint(c, 6, 0);
    cr_assert_eq(mr_store_shard_of(a, 6), s);
    mr_store_hash_hint_clear();
    cr_assert_eq(mr_store_shard_of(c, 6),
                 (uint32_t)mr_hash(c, 6) & (mr_store_nshards() - 1));
}
