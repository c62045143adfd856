/* The collection hash table: every operation on each kind, binary keys,
 * bounded incremental rehashing up to a million entries and back, the scan
 * guarantee across resizes, fairness of the random pick, memory per entry,
 * and a randomised comparison with a reference model. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"
#include "types/fieldtab.h"

static void setup(void) {
    uint8_t seed[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
}

TestSuite(fieldtab, .init = setup);

/* Deterministic splitmix64 stream; each test resets it. */
static uint64_t rng_state;
static void rng_seed(uint64_t s) { rng_state = s; }
static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int key_of(char *buf, const char *prefix, long i) {
    return sprintf(buf, "%s%ld", prefix, i);
}

/* The number in a key "<prefix><digits>" (keys are not NUL-terminated). */
static long num_of(mr_str_t k, size_t skip) {
    char buf[48];
    size_t n = k.len - skip < sizeof buf - 1 ? k.len - skip : sizeof buf - 1;
    memcpy(buf, k.ptr + skip, n);
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

static bool str_eq(mr_str_t s, const void *p, size_t n) {
    return s.len == n && (n == 0 || memcmp(s.ptr, p, n) == 0);
}

static mr_ft_entry_t *add_i(mr_ft_t *ft, const char *prefix, long i) {
    char k[48];
    int kl = key_of(k, prefix, i);
    return mr_ft_add(ft, k, (size_t)kl);
}

static mr_ft_entry_t *find_i(mr_ft_t *ft, const char *prefix, long i) {
    char k[48];
    int kl = key_of(k, prefix, i);
    return mr_ft_find(ft, k, (size_t)kl);
}

static bool del_i(mr_ft_t *ft, const char *prefix, long i) {
    char k[48];
    int kl = key_of(k, prefix, i);
    return mr_ft_delete(ft, k, (size_t)kl);
}

/* Adds until a resize is in progress (the table is mid-rehash). */
static long fill_until_rehashing(mr_ft_t *ft, const char *prefix, long from) {
    mr_ft_stats_t st;
    long i = from;
    do {
        add_i(ft, prefix, i++);
        mr_ft_stats(ft, &st);
    } while (!st.rehashing);
    return i;
}

/* ---------------------------------------------------------------- basics */

Test(fieldtab, empty_table) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    cr_assert_eq(mr_ft_kind(ft), MR_FT_SET);
    cr_assert_eq(mr_ft_count(ft), 0);
    cr_assert_null(mr_ft_find(ft, "a", 1));
    cr_assert_not(mr_ft_delete(ft, "a", 1));
    cr_assert_null(mr_ft_random(ft, rng));
    cr_assert_eq(mr_ft_scan(ft, 0, NULL, NULL), 0);
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    cr_assert_null(mr_ft_iter_next(&it));
    cr_assert_null(mr_ft_iter_next(&it));
    mr_ft_iter_end(&it);
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    cr_assert_eq(st.buckets[0], 0, "no bucket array before the first add");
    mr_ft_free(ft);
    mr_ft_free(NULL);
}

Test(fieldtab, set_add_find_delete) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    mr_ft_entry_t *a = mr_ft_add(ft, "apple", 5);
    mr_ft_entry_t *b = mr_ft_add(ft, "banana", 6);
    cr_assert_eq(mr_ft_count(ft), 2);
    cr_assert(str_eq(mr_ft_key(a), "apple", 5));
    cr_assert_eq(a->vlen, 0);
    cr_assert_eq(mr_ft_find(ft, "apple", 5), a);
    cr_assert_eq(mr_ft_find(ft, "banana", 6), b);
    cr_assert_null(mr_ft_find(ft, "appl", 4));
    cr_assert_null(mr_ft_find(ft, "apples", 6));
    cr_assert(mr_ft_delete(ft, "apple", 5));
    cr_assert_not(mr_ft_delete(ft, "apple", 5));
    cr_assert_null(mr_ft_find(ft, "apple", 5));
    cr_assert_eq(mr_ft_count(ft), 1);
    cr_assert(mr_ft_delete(ft, "banana", 6));
    cr_assert_eq(mr_ft_count(ft), 0);
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    cr_assert_eq(st.buckets[0], 0, "an emptied table drops its arrays");
    mr_ft_add(ft, "again", 5); /* and works again */
    cr_assert_not_null(mr_ft_find(ft, "again", 5));
    mr_ft_free(ft);
}

Test(fieldtab, binary_keys_with_nuls) {
    static const struct { const char *p; size_t n; } keys[] = {
        {"", 0},        {"\0", 1},        {"\0\0", 2},   {"a\0b", 3},
        {"a\0c", 3},    {"a", 1},         {"a\0", 2},    {"\xff\0\xfe", 3},
        {"\0a\0b\0", 5}, {"\0a\0b\0\0", 6},
    };
    size_t n = sizeof keys / sizeof keys[0];
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    for (size_t i = 0; i < n; i++) {
        char v[8];
        int vl = sprintf(v, "v%zu", i);
        cr_assert(mr_ft_put(ft, keys[i].p, keys[i].n, v, (size_t)vl),
                  "key %zu collided with another", i);
    }
    cr_assert_eq(mr_ft_count(ft), n);
    for (size_t i = 0; i < n; i++) {
        char v[8];
        int vl = sprintf(v, "v%zu", i);
        mr_ft_entry_t *e = mr_ft_find(ft, keys[i].p, keys[i].n);
        cr_assert_not_null(e, "key %zu", i);
        cr_assert(str_eq(mr_ft_key(e), keys[i].p, keys[i].n));
        cr_assert(str_eq(mr_ft_value(e), v, (size_t)vl));
    }
    cr_assert(mr_ft_delete(ft, "a\0b", 3));
    cr_assert_null(mr_ft_find(ft, "a\0b", 3));
    cr_assert_not_null(mr_ft_find(ft, "a\0c", 3));
    cr_assert_not_null(mr_ft_find(ft, "a", 1));
    cr_assert(mr_ft_delete(ft, "", 0));
    cr_assert_not_null(mr_ft_find(ft, "\0", 1));
    cr_assert_eq(mr_ft_count(ft), n - 2);
    mr_ft_free(ft);
}

Test(fieldtab, hash_put_and_set_value) {
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    cr_assert(mr_ft_put(ft, "f", 1, "one", 3));
    cr_assert_not(mr_ft_put(ft, "f", 1, "uno", 3));
    mr_ft_entry_t *e = mr_ft_find(ft, "f", 1);
    cr_assert(str_eq(mr_ft_value(e), "uno", 3));
    cr_assert_eq(mr_ft_count(ft), 1);

    /* growing a value far past its allocation moves the entry */
    char big[1000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    e = mr_ft_set_value(ft, e, big, sizeof big);
    cr_assert_eq(mr_ft_find(ft, "f", 1), e);
    cr_assert(str_eq(mr_ft_value(e), big, sizeof big));
    cr_assert(str_eq(mr_ft_key(e), "f", 1));
    /* shrinking it a lot gives the memory back (moves again) */
    size_t before = mr_ft_bytes(ft);
    e = mr_ft_set_value(ft, e, "x", 1);
    cr_assert(str_eq(mr_ft_value(e), "x", 1));
    cr_assert_lt(mr_ft_bytes(ft), before - 900);
    /* empty value */
    e = mr_ft_set_value(ft, e, "", 0);
    cr_assert_eq(mr_ft_value(e).len, 0);
    cr_assert_eq(mr_ft_find(ft, "f", 1), e);
    /* the new value may be a slice of the old one */
    e = mr_ft_set_value(ft, e, big, 600);
    mr_str_t v = mr_ft_value(e);
    e = mr_ft_set_value(ft, e, v.ptr + 100, 400);
    cr_assert(str_eq(mr_ft_value(e), big + 100, 400));
    v = mr_ft_value(e);
    e = mr_ft_set_value(ft, e, v.ptr + 10, 20);
    cr_assert(str_eq(mr_ft_value(e), big + 110, 20));
    /* put replacing a big value with a small one and back */
    cr_assert_not(mr_ft_put(ft, "f", 1, big, sizeof big));
    cr_assert(str_eq(mr_ft_value(mr_ft_find(ft, "f", 1)), big, sizeof big));
    cr_assert_not(mr_ft_put(ft, "f", 1, "y", 1));
    cr_assert(str_eq(mr_ft_value(mr_ft_find(ft, "f", 1)), "y", 1));
    mr_ft_free(ft);
}

Test(fieldtab, set_value_relinks_in_every_position) {
    /* Entries in both tables and deep in chains must be relinked right
     * when they move: rewrite every value mid-rehash, then check all. */
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    long n = 0;
    for (int round = 0; round < 3; round++) {
        n = fill_until_rehashing(ft, "h", n);
        for (long i = 0; i < n; i++) {
            mr_ft_entry_t *e = find_i(ft, "h", i);
            cr_assert_not_null(e);
            char v[200];
            memset(v, 'a' + (int)(i % 26), sizeof v);
            size_t vl = (size_t)(round * 60 + i % 50);
            e = mr_ft_set_value(ft, e, v, vl);
            cr_assert_eq(mr_ft_value(e).len, vl);
        }
        for (long i = 0; i < n; i++) {
            mr_ft_entry_t *e = find_i(ft, "h", i);
            cr_assert_not_null(e, "lost h%ld after a move", i);
            cr_assert_eq(mr_ft_value(e).len, (size_t)(round * 60 + i % 50));
        }
        cr_assert_eq(mr_ft_count(ft), (size_t)n);
    }
    mr_ft_free(ft);
}

Test(fieldtab, upsert_reports_existence) {
    mr_ft_t *ft = mr_ft_create(MR_FT_ZSET);
    bool existed = true;
    mr_ft_entry_t *e = mr_ft_upsert(ft, "m", 1, &existed);
    cr_assert_not(existed);
    cr_assert_eq(mr_ft_score(e), 0.0);
    cr_assert_null(mr_ft_ptr(e));
    mr_ft_set_score(e, 2.5);
    cr_assert_eq(mr_ft_upsert(ft, "m", 1, &existed), e);
    cr_assert(existed);
    cr_assert_eq(mr_ft_score(e), 2.5);
    cr_assert_eq(mr_ft_count(ft), 1);
    cr_assert_not_null(mr_ft_upsert(ft, "n", 1, NULL));
    cr_assert_eq(mr_ft_count(ft), 2);
    mr_ft_free(ft);
}

Test(fieldtab, zset_payload_survives_rehash) {
    mr_ft_t *ft = mr_ft_create(MR_FT_ZSET);
    enum { N = 5000 };
    static int anchors[N];
    mr_ft_entry_t **saved = mr_xmalloc(N * sizeof *saved);
    for (long i = 0; i < N; i++) {
        mr_ft_entry_t *e = add_i(ft, "member:", i);
        mr_ft_set_score(e, (double)i / 3.0 - 100.0);
        mr_ft_set_ptr(e, &anchors[i]);
        saved[i] = e;
    }
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    cr_assert_gt(st.resizes, 5);
    for (long i = 0; i < N; i++) {
        mr_ft_entry_t *e = find_i(ft, "member:", i);
        cr_assert_eq(e, saved[i], "rehashing must not move entries");
        cr_assert_eq(mr_ft_score(e), (double)i / 3.0 - 100.0);
        cr_assert_eq(mr_ft_ptr(e), &anchors[i]);
    }
    /* odd key lengths put the payload at odd offsets: still exact */
    mr_ft_entry_t *e = mr_ft_add(ft, "abc", 3);
    mr_ft_set_score(e, -0.0);
    mr_ft_set_ptr(e, saved);
    cr_assert_eq(mr_ft_ptr(mr_ft_find(ft, "abc", 3)), saved);
    double sc = mr_ft_score(mr_ft_find(ft, "abc", 3));
    cr_assert(sc == 0.0 && signbit(sc));
    mr_free(saved);
    mr_ft_free(ft);
}

Test(fieldtab, delete_with_key_inside_entry) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    for (long i = 0; i < 100; i++) add_i(ft, "k", i);
    for (long i = 0; i < 100; i++) {
        mr_ft_entry_t *e = mr_ft_random(ft, rng);
        mr_str_t k = mr_ft_key(e);
        cr_assert(mr_ft_delete(ft, k.ptr, k.len)); /* SPOP's pattern */
    }
    cr_assert_eq(mr_ft_count(ft), 0);
    mr_ft_free(ft);
}

/* ---------------------------------------------------------------- memory */

Test(fieldtab, bytes_per_entry) {
    enum { N = 100000 };
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    size_t base = mr_ft_bytes(ft);
    char f[24], v[16];
    memset(v, 'v', sizeof v);
    for (long i = 0; i < N; i++) {
        snprintf(f, sizeof f, "%016lu", (unsigned long)i % 100000000ul);
        memcpy(v, f, 8);
        cr_assert(mr_ft_put(ft, f, 16, v, 16));
    }
    mr_ft_entry_t *e = mr_ft_find(ft, "0000000000000042", 16);
    cr_assert_not_null(e);
    size_t usable = malloc_usable_size(e);
    cr_assert_geq(usable, 48);
    cr_assert_leq(usable, 56, "16+16 entry: 48-byte request, one size class");
    mr_ft_stats_t st;
    for (int k = 0; k < 1000000 && (mr_ft_stats(ft, &st), st.rehashing); k++)
        mr_ft_find(ft, "x", 1); /* settle: one bucket array */
    size_t total = mr_ft_bytes(ft) - base;
    size_t table = (st.buckets[0] + st.buckets[1]) * sizeof(void *);
    double per = (double)total / N;
    fprintf(stderr,
            "fieldtab: 16-byte field + 16-byte value: entry usable %zu "
            "bytes, %.1f bytes/entry with buckets (%zu buckets)\n",
            usable, per, st.buckets[0] + st.buckets[1]);
    cr_assert_geq(total, (size_t)N * usable);
    cr_assert_leq(total, (size_t)N * usable + table + 16384);
    cr_assert_leq(per, 56.0 + 16.0 + 1.0);
    for (long i = 0; i < N; i++) {
        snprintf(f, sizeof f, "%016lu", (unsigned long)i % 100000000ul);
        cr_assert(mr_ft_delete(ft, f, 16));
    }
    cr_assert_eq(mr_ft_bytes(ft), base, "every byte accounted back");
    mr_ft_free(ft);
}

/* ------------------------------------------------ incremental rehashing */

Test(fieldtab, grow_to_1m_and_shrink_in_bounded_steps) {
    enum { N = 1000000 };
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    mr_ft_stats_t st;
    size_t rehashing_calls = 0;
    uint64_t moved_before = 0;
    for (long i = 0; i < N; i++) {
        add_i(ft, "", i);
        mr_ft_stats(ft, &st);
        cr_assert_leq(st.moved_buckets - moved_before, 1,
                      "one add moved more than one bucket");
        moved_before = st.moved_buckets;
        rehashing_calls += st.rehashing;
    }
    cr_assert_eq(mr_ft_count(ft), N);
    cr_assert_geq(st.buckets[0], (size_t)1 << 19);
    cr_assert_geq(st.resizes, 17, "4 -> 2^20 buckets is 18 doublings");
    /* the big rehashes really were spread over many calls */
    cr_assert_gt(rehashing_calls, (size_t)N / 4);
    for (long i = 0; i < N; i += 997)
        cr_assert_not_null(find_i(ft, "", i));

    size_t rehashing_deletes = 0;
    for (long i = 0; i < N - 100; i++) {
        cr_assert(del_i(ft, "", i));
        mr_ft_stats(ft, &st);
        cr_assert_leq(st.moved_buckets - moved_before, 1,
                      "one delete moved more than one bucket");
        moved_before = st.moved_buckets;
        rehashing_deletes += st.rehashing;
    }
    cr_assert_gt(rehashing_deletes, 1000, "shrinks were incremental too");
    /* Lookups also step; the staged shrink settles on a small table. */
    for (int k = 0; k < 1000000 && (mr_ft_stats(ft, &st), st.rehashing); k++)
        mr_ft_find(ft, "x", 1);
    mr_ft_stats(ft, &st);
    cr_assert_not(st.rehashing);
    cr_assert_leq(st.buckets[0], 1024, "shrunk back (got %zu buckets)",
                  st.buckets[0]);
    for (long i = N - 100; i < N; i++)
        cr_assert_not_null(find_i(ft, "", i));
    cr_assert_eq(mr_ft_count(ft), 100);

    cr_assert_leq(st.max_step_buckets, MR_FT_STEP_MAX_BUCKETS);
    cr_assert_leq(st.max_step_entries, 32, "a chain of %zu entries moved",
                  st.max_step_entries);
    cr_assert_gt(st.max_step_buckets, 0);
    mr_ft_free(ft);
}

Test(fieldtab, shrink_threshold) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    mr_ft_stats_t st;
    for (long i = 0; i < 1025; i++) add_i(ft, "", i);
    for (int k = 0; k < 10000 && (mr_ft_stats(ft, &st), st.rehashing); k++)
        mr_ft_find(ft, "x", 1);
    mr_ft_stats(ft, &st);
    cr_assert_eq(st.buckets[0], 2048);
    /* load 1/8 exactly: no shrink yet */
    for (long i = 0; i < 1025 - 256; i++) del_i(ft, "", i);
    mr_ft_stats(ft, &st);
    cr_assert_eq(st.buckets[0], 2048);
    cr_assert_not(st.rehashing);
    del_i(ft, "", 1025 - 256);
    mr_ft_stats(ft, &st);
    cr_assert(st.rehashing, "below 1/8: a shrink starts");
    cr_assert_eq(st.buckets[1], 256);
    mr_ft_free(ft);
}

/* ------------------------------------------------------------- iterate */

static size_t iterate_count(mr_ft_t *ft, unsigned char *seen, long n,
                            const char *prefix) {
    mr_ft_iter_t it;
    size_t c = 0;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it));) {
        mr_str_t k = mr_ft_key(e);
        size_t pl = strlen(prefix);
        cr_assert(k.len > pl && memcmp(k.ptr, prefix, pl) == 0);
        long i = num_of(k, pl);
        cr_assert(i >= 0 && i < n);
        seen[i]++;
        c++;
    }
    mr_ft_iter_end(&it);
    return c;
}

Test(fieldtab, iterate_all_once_mid_rehash) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    long n = fill_until_rehashing(ft, "i", 0);
    n = fill_until_rehashing(ft, "i", n);
    for (int k = 0; k < 20; k++) add_i(ft, "i", n++); /* both tables used */
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    cr_assert(st.rehashing);
    unsigned char *seen = calloc((size_t)n, 1);
    cr_assert_eq(iterate_count(ft, seen, n, "i"), (size_t)n);
    for (long i = 0; i < n; i++) cr_assert_eq(seen[i], 1, "i%ld", i);
    free(seen);
    mr_ft_free(ft);
}

Test(fieldtab, iterate_delete_current) {
    enum { N = 20000 };
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    for (long i = 0; i < N; i++) {
        char k[32];
        int kl = key_of(k, "d", i);
        mr_ft_put(ft, k, (size_t)kl, k, (size_t)kl);
    }
    fill_until_rehashing(ft, "zz", 0); /* start mid-rehash */
    long extra = (long)mr_ft_count(ft) - N;
    /* delete every "d" entry with an even number and every "zz" one;
     * replace the value of the odd ones */
    mr_ft_iter_t it;
    size_t visited = 0, deleted = 0;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it));) {
        visited++;
        mr_str_t k = mr_ft_key(e);
        if (k.ptr[0] == 'z' || num_of(k, 1) % 2 == 0) {
            cr_assert(mr_ft_delete(ft, k.ptr, k.len));
            deleted++;
        } else {
            char v[300];
            memset(v, 'q', sizeof v);
            mr_ft_set_value(ft, e, v, sizeof v);
        }
    }
    mr_ft_iter_end(&it);
    cr_assert_eq(visited, (size_t)(N + extra));
    cr_assert_eq(deleted, (size_t)(N / 2 + extra));
    cr_assert_eq(mr_ft_count(ft), N / 2);
    for (long i = 0; i < N; i++) {
        mr_ft_entry_t *e = find_i(ft, "d", i);
        if (i % 2 == 0) {
            cr_assert_null(e);
        } else {
            cr_assert_not_null(e);
            cr_assert_eq(mr_ft_value(e).len, 300);
        }
    }
    /* delete everything while walking: the table ends empty and usable */
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it));) {
        mr_str_t k = mr_ft_key(e);
        cr_assert(mr_ft_delete(ft, k.ptr, k.len));
    }
    mr_ft_iter_end(&it);
    cr_assert_eq(mr_ft_count(ft), 0);
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    cr_assert_eq(st.buckets[0], 0);
    cr_assert(mr_ft_put(ft, "a", 1, "b", 1));
    mr_ft_free(ft);
}

Test(fieldtab, iter_end_starts_pending_shrink) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    for (long i = 0; i < 4096; i++) add_i(ft, "", i);
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it));) {
        mr_str_t k = mr_ft_key(e);
        if (num_of(k, 0) >= 10) mr_ft_delete(ft, k.ptr, k.len);
    }
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    size_t big = st.buckets[0];
    cr_assert_geq(big, 4096, "no shrink while walking");
    mr_ft_iter_end(&it);
    mr_ft_stats(ft, &st);
    cr_assert(st.rehashing, "the shrink starts when the walk ends");
    cr_assert_eq(st.buckets[1], big >> 3, "staged: at most 8x per shrink");
    /* random stays correct and fair on the very sparse table */
    unsigned hits[10] = {0};
    for (int k = 0; k < 20000; k++) {
        mr_ft_entry_t *e = mr_ft_random(ft, rng);
        cr_assert_not_null(e);
        long i = num_of(mr_ft_key(e), 0);
        cr_assert(i >= 0 && i < 10);
        hits[i]++;
    }
    for (int i = 0; i < 10; i++)
        cr_assert(hits[i] > 1700 && hits[i] < 2300, "entry %d: %u of 20000",
                  i, hits[i]);
    for (int k = 0; k < 100000 && (mr_ft_stats(ft, &st), st.rehashing); k++)
        mr_ft_find(ft, "x", 1);
    mr_ft_stats(ft, &st);
    cr_assert_leq(st.buckets[0], 64);
    for (long i = 0; i < 10; i++) cr_assert_not_null(find_i(ft, "", i));
    mr_ft_free(ft);
}

/* ---------------------------------------------------------------- scan */

typedef struct {
    unsigned char *seen; /* indexed by the number after the prefix */
    long n;
    char prefix;
    size_t calls;
} scan_ctx_t;

static void scan_cb(void *p, mr_ft_entry_t *e) {
    scan_ctx_t *c = p;
    mr_str_t k = mr_ft_key(e);
    c->calls++;
    if (k.len < 2 || k.ptr[0] != c->prefix) return;
    long i = num_of(k, 1);
    if (i >= 0 && i < c->n && c->seen[i] < 255) c->seen[i]++;
}

Test(fieldtab, scan_stable_table_exactly_once) {
    enum { N = 3000 };
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    for (long i = 0; i < N; i++) add_i(ft, "s", i);
    mr_ft_stats_t st;
    for (int k = 0; k < 10000 && (mr_ft_stats(ft, &st), st.rehashing); k++)
        mr_ft_find(ft, "x", 1);
    scan_ctx_t c = {calloc(N, 1), N, 's', 0};
    uint64_t cur = 0;
    size_t steps = 0;
    do {
        cur = mr_ft_scan(ft, cur, scan_cb, &c);
        steps++;
    } while (cur != 0);
    mr_ft_stats(ft, &st);
    cr_assert_eq(steps, st.buckets[0], "one bucket per call");
    for (long i = 0; i < N; i++) cr_assert_eq(c.seen[i], 1, "s%ld", i);
    free(c.seen);
    mr_ft_free(ft);
}

Test(fieldtab, scan_mid_rehash_sees_all) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    long n = fill_until_rehashing(ft, "s", 0);
    n = fill_until_rehashing(ft, "s", n);
    n = fill_until_rehashing(ft, "s", n);
    scan_ctx_t c = {calloc((size_t)n, 1), n, 's', 0};
    uint64_t cur = 0;
    do cur = mr_ft_scan(ft, cur, scan_cb, &c);
    while (cur != 0);
    for (long i = 0; i < n; i++) cr_assert_geq(c.seen[i], 1, "s%ld", i);
    free(c.seen);
    mr_ft_free(ft);
}

/* Elements present for the whole scan are returned at least once while the
 * table grows and shrinks (through several resizes) between scan calls. */
Test(fieldtab, scan_guarantee_across_resizes) {
    enum { STABLE = 500, WAVE = 30, PER_ROUND = 200 };
    for (int variant = 0; variant < 4; variant++) {
        mr_ft_t *ft = mr_ft_create(MR_FT_SET);
        for (long i = 0; i < STABLE; i++) add_i(ft, "s", i);
        /* variant 2 and 3 start big, so the scan begins by shrinking */
        long t_lo = 0, t_hi = 0;
        if (variant >= 2)
            for (; t_hi < WAVE * PER_ROUND / 2; t_hi++) add_i(ft, "t", t_hi);
        scan_ctx_t c = {calloc(STABLE, 1), STABLE, 's', 0};
        uint64_t cur = 0;
        mr_ft_stats_t st;
        mr_ft_stats(ft, &st);
        uint64_t resizes0 = st.resizes;
        size_t rounds = 0, mid_rehash_calls = 0;
        do {
            int burst = 1 + (int)(rng() % (variant % 2 ? 8 : 2));
            for (int b = 0; b < burst && (b == 0 || cur != 0); b++) {
                mr_ft_stats(ft, &st);
                mid_rehash_calls += st.rehashing;
                cur = mr_ft_scan(ft, cur, scan_cb, &c);
            }
            /* alternate waves: add transient members, then remove them */
            bool grow = (rounds / WAVE) % 2 == (variant >= 2 ? 1u : 0u);
            for (int k = 0; k < PER_ROUND; k++) {
                if (grow) {
                    add_i(ft, "t", t_hi++);
                } else if (t_lo < t_hi) {
                    cr_assert(del_i(ft, "t", t_lo++));
                }
            }
            rounds++;
            cr_assert_lt(rounds, 1000000);
        } while (cur != 0);
        mr_ft_stats(ft, &st);
        cr_assert_geq(st.resizes - resizes0, 3, "variant %d: %llu resizes",
                      variant, (unsigned long long)(st.resizes - resizes0));
        cr_assert_gt(mid_rehash_calls, 0);
        fprintf(stderr, "fieldtab: scan variant %d: %zu rounds, %llu "
                "resizes, %zu calls mid-rehash\n", variant, rounds,
                (unsigned long long)(st.resizes - resizes0), mid_rehash_calls);
        for (long i = 0; i < STABLE; i++)
            cr_assert_geq(c.seen[i], 1, "variant %d: s%ld never returned",
                          variant, i);
        free(c.seen);
        mr_ft_free(ft);
    }
}

/* -------------------------------------------------------------- random */

Test(fieldtab, random_is_roughly_fair) {
    enum { DRAWS = 400000 };
    rng_seed(12345);
    /* table states: load 1; late and early in a grow (old table at load
     * 1, new one filling); mid-shrink (old table sparse, new one dense) */
    long sizes[] = {1024, 1300, 700, 4096};
    for (int s = 0; s < 4; s++) {
        long n = sizes[s], first = 0;
        mr_ft_t *ft = mr_ft_create(MR_FT_SET);
        for (long i = 0; i < n; i++) add_i(ft, "r", i);
        if (s == 3)
            for (; first < 3600; first++) del_i(ft, "r", first);
        mr_ft_stats_t st;
        mr_ft_stats(ft, &st);
        cr_assert_eq(st.rehashing, s != 0);
        if (s == 3) cr_assert_lt(st.buckets[1], st.buckets[0]);
        unsigned *hits = calloc((size_t)n, sizeof *hits);
        for (long d = 0; d < DRAWS; d++) {
            mr_ft_entry_t *e = mr_ft_random(ft, rng);
            cr_assert_not_null(e);
            long i = num_of(mr_ft_key(e), 1) - first;
            cr_assert(i >= 0 && i < n - first);
            hits[i]++;
        }
        n -= first;
        double expect = (double)DRAWS / (double)n, chi = 0;
        unsigned lo = DRAWS, hi = 0;
        for (long i = 0; i < n; i++) {
            double dlt = hits[i] - expect;
            chi += dlt * dlt / expect;
            if (hits[i] < lo) lo = hits[i];
            if (hits[i] > hi) hi = hits[i];
        }
        /* n-1 degrees of freedom: mean n, sd ~ sqrt(2n) ~ 45. Picking the
         * bucket then the chain slot uniformly (no rejection) would give
         * thousands here. */
        fprintf(stderr, "fieldtab: random n=%ld chi2=%.0f min=%u max=%u "
                "(expect %.0f)\n", n, chi, lo, hi, expect);
        cr_assert_lt(chi, 1.5 * (double)n, "n=%ld chi2=%.0f", n, chi);
        cr_assert_gt(lo, 0);
        free(hits);
        mr_ft_free(ft);
    }
}

Test(fieldtab, random_mid_rehash_and_single) {
    rng_seed(7);
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    add_i(ft, "only", 1);
    for (int k = 0; k < 100; k++) {
        mr_ft_entry_t *e = mr_ft_random(ft, rng);
        cr_assert(str_eq(mr_ft_key(e), "only1", 5));
    }
    long n = fill_until_rehashing(ft, "r", 0);
    n = fill_until_rehashing(ft, "r", n);
    unsigned char *seen = calloc((size_t)n, 1);
    for (int k = 0; k < 20000; k++) {
        mr_ft_entry_t *e = mr_ft_random(ft, rng);
        cr_assert_not_null(e);
        mr_str_t key = mr_ft_key(e);
        if (key.ptr[0] == 'r') seen[num_of(key, 1)] = 1;
    }
    for (long i = 0; i < n; i++) cr_assert(seen[i], "r%ld never drawn", i);
    free(seen);
    mr_ft_free(ft);
}

/* mr_ft_random_distinct: exactly min(count, size) entries, none twice, all
 * from the table, through both strategies (a large share shuffles, a small
 * one draws), and every entry can come out. */
typedef struct picks {
    unsigned char *hit;
    long n, calls, first;
} picks_t;

static void pick_fn(void *ctx, mr_ft_entry_t *e) {
    picks_t *p = ctx;
    long i = num_of(mr_ft_key(e), 1) - p->first;
    cr_assert(i >= 0 && i < p->n, "entry %ld not in the table", i);
    cr_assert_eq(p->hit[i] & 1, 0, "entry %ld picked twice", i);
    p->hit[i] |= 1;
    p->calls++;
}

Test(fieldtab, random_distinct) {
    rng_seed(99);
    long n = 300;
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    for (long i = 0; i < n; i++) add_i(ft, "p", i);
    unsigned char *ever = calloc((size_t)n, 1);
    long counts[] = {1, 2, 50, 99, 100, 101, 250, 299, 300, 1000000};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        for (int round = 0; round < 20; round++) {
            picks_t p = {.hit = calloc((size_t)n, 1), .n = n};
            mr_ft_random_distinct(ft, (size_t)counts[c], rng, pick_fn, &p);
            long want = counts[c] < n ? counts[c] : n;
            cr_assert_eq(p.calls, want, "count %ld: %ld picks", counts[c],
                         p.calls);
            for (long i = 0; i < n; i++) ever[i] |= p.hit[i];
            free(p.hit);
        }
    }
    for (long i = 0; i < n; i++) cr_assert(ever[i], "p%ld never picked", i);
    free(ever);
    mr_ft_free(ft);
}

static uint64_t rng_zero(void) { return 0; }
static uint64_t rng_ones(void) { return ~(uint64_t)0; }

Test(fieldtab, random_terminates_with_degenerate_rng) {
    mr_ft_t *ft = mr_ft_create(MR_FT_SET);
    for (long i = 0; i < 3000; i++) add_i(ft, "d", i);
    for (long i = 0; i < 2990; i++) del_i(ft, "d", i); /* sparse + shrink */
    for (int k = 0; k < 50; k++) {
        cr_assert_not_null(mr_ft_random(ft, rng_zero));
        cr_assert_not_null(mr_ft_random(ft, rng_ones));
        mr_ft_find(ft, "x", 1);
    }
    mr_ft_free(ft);
}

/* -------------------------------------------------- randomised vs model */

enum { MKEYS = 6000 };

typedef struct {
    bool present;
    size_t vlen;
    char *val;
} model_t;

/* Key i: binary, with NULs, lengths 1..22. */
static size_t mkey(long i, char *buf) {
    size_t n = 0;
    buf[n++] = (char)(i & 0xff);
    buf[n++] = (char)(i >> 8);
    for (long z = 0; z < i % 5; z++) buf[n++] = '\0';
    for (long z = 0; z < i % 17; z++) buf[n++] = (char)('a' + z);
    return n;
}

static size_t mval(char *buf) {
    uint64_t r = rng();
    size_t n = r % 8 == 0 ? (size_t)(r >> 8) % 700 : (size_t)(r >> 8) % 40;
    for (size_t j = 0; j < n; j++) buf[j] = (char)(rng() & 0xff);
    return n;
}

static void model_set(model_t *m, const char *v, size_t n) {
    free(m->val);
    m->val = malloc(n ? n : 1);
    memcpy(m->val, v, n);
    m->vlen = n;
    m->present = true;
}

static void model_verify(mr_ft_t *ft, model_t *m, size_t live) {
    cr_assert_eq(mr_ft_count(ft), live);
    unsigned char *seen = calloc(MKEYS, 1);
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    size_t c = 0;
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it));) {
        mr_str_t k = mr_ft_key(e);
        long i = (long)(unsigned char)k.ptr[0] |
                 (long)(unsigned char)k.ptr[1] << 8;
        cr_assert(i < MKEYS && m[i].present, "stray key %ld", i);
        char kb[32];
        cr_assert(str_eq(k, kb, mkey(i, kb)));
        cr_assert(str_eq(mr_ft_value(e), m[i].val, m[i].vlen));
        cr_assert_eq(seen[i], 0, "key %ld twice", i);
        seen[i] = 1;
        c++;
    }
    mr_ft_iter_end(&it);
    cr_assert_eq(c, live);
    free(seen);
}

Test(fieldtab, randomised_against_model) {
    rng_seed(424242);
    model_t *m = calloc(MKEYS, sizeof *m);
    mr_ft_t *ft = mr_ft_create(MR_FT_HASH);
    size_t live = 0;
    char kb[32], vb[800];
    uint64_t resizes = 0;
    for (long op = 0; op < 300000; op++) {
        /* waves: inserts dominate, then deletes, so the table grows and
         * shrinks through many sizes */
        bool filling = (op / 20000) % 2 == 0;
        long i = (long)(rng() % MKEYS);
        size_t kl = mkey(i, kb);
        unsigned r = (unsigned)(rng() % 100);
        unsigned p_del = filling ? 15 : 60;
        if (r < p_del) {
            cr_assert_eq(mr_ft_delete(ft, kb, kl), m[i].present, "op %ld", op);
            if (m[i].present) live--;
            m[i].present = false;
        } else if (r < p_del + 20) {
            size_t vl = mval(vb);
            cr_assert_eq(mr_ft_put(ft, kb, kl, vb, vl), !m[i].present);
            live += !m[i].present;
            model_set(&m[i], vb, vl);
        } else if (r < p_del + 30) {
            bool existed;
            mr_ft_entry_t *e = mr_ft_upsert(ft, kb, kl, &existed);
            cr_assert_eq(existed, m[i].present);
            if (!existed) {
                cr_assert_eq(mr_ft_value(e).len, 0);
                live++;
            }
            size_t vl = mval(vb);
            e = mr_ft_set_value(ft, e, vb, vl);
            model_set(&m[i], vb, vl);
            cr_assert(str_eq(mr_ft_value(e), vb, vl));
        } else if (r < p_del + 35) {
            if (!m[i].present) {
                mr_ft_entry_t *e = mr_ft_add(ft, kb, kl);
                cr_assert_eq(mr_ft_value(e).len, 0);
                model_set(&m[i], "", 0);
                live++;
            }
        } else if (r < p_del + 38) {
            mr_ft_entry_t *e = mr_ft_random(ft, rng);
            cr_assert_eq(e == NULL, live == 0);
            if (e) {
                long j = (long)(unsigned char)mr_ft_key(e).ptr[0] |
                         (long)(unsigned char)mr_ft_key(e).ptr[1] << 8;
                cr_assert(j < MKEYS && m[j].present);
                cr_assert(str_eq(mr_ft_value(e), m[j].val, m[j].vlen));
            }
        } else {
            mr_ft_entry_t *e = mr_ft_find(ft, kb, kl);
            cr_assert_eq(e != NULL, m[i].present, "op %ld key %ld", op, i);
            if (e) cr_assert(str_eq(mr_ft_value(e), m[i].val, m[i].vlen));
        }
        cr_assert_eq(mr_ft_count(ft), live);
        if (op % 5000 == 4999) model_verify(ft, m, live);
    }
    mr_ft_stats_t st;
    mr_ft_stats(ft, &st);
    resizes = st.resizes;
    cr_assert_gt(resizes, 6, "the waves resized the table");
    cr_assert_leq(st.max_step_buckets, MR_FT_STEP_MAX_BUCKETS);
    model_verify(ft, m, live);
    for (long i = 0; i < MKEYS; i++) free(m[i].val);
    free(m);
    mr_ft_free(ft);
}
