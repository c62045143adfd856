/* The shard hash table: basic operations, incremental rehash, the scan
 * guarantee across resizes, and a randomized comparison with a model. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"
#include "store/dict.h"

static void setup(void) {
    uint8_t seed[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    mr_hash_init(seed);
}

TestSuite(dict, .init = setup);

static mr_entry_t *mk(const void *k, size_t kl, const void *v, size_t vl) {
    mr_entry_t *e = mr_xmalloc(offsetof(mr_entry_t, data) + kl + vl);
    e->next = NULL;
    e->klen = (uint32_t)kl;
    e->vlen = (uint32_t)vl;
    e->meta = MR_T_STRING;
    memcpy(e->data, k, kl);
    memcpy(e->data + kl, v, vl);
    return e;
}

static void free_entry(mr_entry_t *e) { free(e); }

static int key_of(char *buf, long i) { return sprintf(buf, "key:%ld", i); }

static mr_entry_t *find_s(mr_dict_t *d, const char *k, size_t kl) {
    return mr_dict_find(d, mr_hash(k, kl), k, kl);
}

static void add_i(mr_dict_t *d, long i) {
    char k[32];
    int kl = key_of(k, i);
    mr_dict_rehash_step(d);
    mr_dict_add(d, mr_hash(k, (size_t)kl), mk(k, (size_t)kl, &i, sizeof i));
}

static bool del_i(mr_dict_t *d, long i) {
    char k[32];
    int kl = key_of(k, i);
    mr_dict_rehash_step(d);
    mr_entry_t **l = mr_dict_find_link(d, mr_hash(k, (size_t)kl), k, (size_t)kl);
    if (!l) return false;
    free(mr_dict_unlink(d, l));
    return true;
}

static bool has_i(mr_dict_t *d, long i) {
    char k[32];
    int kl = key_of(k, i);
    mr_entry_t *e = find_s(d, k, (size_t)kl);
    if (!e) return false;
    long v;
    memcpy(&v, mr_entry_cval(e), sizeof v);
    cr_assert_eq(v, i);
    return true;
}

Test(dict, insert_lookup_delete_replace) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    cr_assert_eq(mr_dict_buckets(&d), 0, "empty dict allocates no table");
    cr_assert_null(find_s(&d, "a", 1));
    mr_dict_add(&d, mr_hash("a", 1), mk("a", 1, "1", 1));
    mr_dict_add(&d, mr_hash("b", 1), mk("b", 1, "2", 1));
    cr_assert_eq(mr_dict_count(&d), 2);
    mr_entry_t *a = find_s(&d, "a", 1);
    cr_assert_not_null(a);
    cr_assert_eq(memcmp(mr_entry_cval(a), "1", 1), 0);
    cr_assert_null(find_s(&d, "c", 1));
    cr_assert_null(find_s(&d, "ab", 2));

    /* replace keeps the count and the chain */
    mr_entry_t **l = mr_dict_find_link(&d, mr_hash("a", 1), "a", 1);
    mr_entry_t *old = mr_dict_replace(l, mk("a", 1, "xyz", 3));
    cr_assert_eq(old, a);
    free(old);
    cr_assert_eq(mr_dict_count(&d), 2);
    a = find_s(&d, "a", 1);
    cr_assert_eq(a->vlen, 3);
    cr_assert_eq(memcmp(mr_entry_cval(a), "xyz", 3), 0);
    cr_assert_not_null(find_s(&d, "b", 1));

    l = mr_dict_find_link(&d, mr_hash("b", 1), "b", 1);
    free(mr_dict_unlink(&d, l));
    cr_assert_eq(mr_dict_count(&d), 1);
    cr_assert_null(find_s(&d, "b", 1));
    cr_assert_not_null(find_s(&d, "a", 1));
    mr_dict_clear(&d, free_entry);
    cr_assert_eq(mr_dict_count(&d), 0);
    cr_assert_eq(mr_dict_buckets(&d), 0);
}

Test(dict, binary_keys) {
    mr_dict_t d;
    mr_dict_init(&d, 4);
    const char k1[] = "a\0b", k2[] = "a\0c", k3[] = "\r\n\0";
    mr_dict_add(&d, mr_hash(k1, 3), mk(k1, 3, "1", 1));
    mr_dict_add(&d, mr_hash(k2, 3), mk(k2, 3, "2", 1));
    mr_dict_add(&d, mr_hash(k3, 3), mk(k3, 3, "3", 1));
    mr_dict_add(&d, mr_hash("a", 1), mk("a", 1, "4", 1));
    cr_assert_eq(*mr_entry_cval(find_s(&d, k1, 3)), '1');
    cr_assert_eq(*mr_entry_cval(find_s(&d, k2, 3)), '2');
    cr_assert_eq(*mr_entry_cval(find_s(&d, k3, 3)), '3');
    cr_assert_eq(*mr_entry_cval(find_s(&d, "a", 1)), '4');
    cr_assert_null(find_s(&d, "a\0", 2));
    cr_assert_null(find_s(&d, "", 0));
    mr_dict_add(&d, mr_hash("", 0), mk("", 0, "5", 1));
    cr_assert_eq(*mr_entry_cval(find_s(&d, "", 0)), '5');
    mr_dict_clear(&d, free_entry);
}

/* Runs any pending rehash to completion. */
static void settle(mr_dict_t *d) {
    while (mr_dict_rehash_step(d)) {
    }
}

Test(dict, resize_up_and_down) {
    mr_dict_t d;
    mr_dict_init(&d, 10);
    for (long i = 0; i < 5000; i++) add_i(&d, i);
    settle(&d);
    cr_assert_eq(mr_dict_count(&d), 5000);
    /* load factor stays at most 1 */
    cr_assert_geq(mr_dict_buckets(&d), 5000);
    cr_assert_leq(mr_dict_buckets(&d), 8192);
    for (long i = 0; i < 5000; i++) cr_assert(has_i(&d, i));
    for (long i = 0; i < 4990; i++) cr_assert(del_i(&d, i));
    settle(&d);
    mr_dict_maybe_shrink(&d);
    settle(&d);
    cr_assert_eq(mr_dict_count(&d), 10);
    cr_assert_leq(mr_dict_buckets(&d), 16, "shrank to %zu",
                  mr_dict_buckets(&d));
    for (long i = 4990; i < 5000; i++) cr_assert(has_i(&d, i));
    for (long i = 4990; i < 5000; i++) cr_assert(del_i(&d, i));
    settle(&d);
    cr_assert_eq(mr_dict_count(&d), 0);
    cr_assert_eq(mr_dict_buckets(&d), 4, "never below 4 buckets");
    cr_assert_eq(mr_dict_table_bytes(&d), 4 * sizeof(void *));
    mr_dict_clear(&d, free_entry);
}

Test(dict, incremental_rehash_is_visible_and_lookups_work) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    /* fill to load 1 without triggering steps */
    long n = 0;
    while (mr_dict_buckets(&d) < 1024 || mr_dict_count(&d) < 1024) {
        char k[32];
        int kl = key_of(k, n);
        mr_dict_add(&d, mr_hash(k, (size_t)kl), mk(k, (size_t)kl, &n, sizeof n));
        n++;
        settle(&d);
    }
    cr_assert_eq(mr_dict_buckets(&d), 1024);
    cr_assert_not(mr_dict_is_rehashing(&d));
    /* the next insert starts a grow to 2048 that proceeds in steps */
    char k[32];
    int kl = key_of(k, n);
    mr_dict_add(&d, mr_hash(k, (size_t)kl), mk(k, (size_t)kl, &n, sizeof n));
    n++;
    cr_assert(mr_dict_is_rehashing(&d));
    cr_assert_eq(mr_dict_table_bytes(&d), (1024 + 2048) * sizeof(void *));
    int steps = 0;
    while (mr_dict_is_rehashing(&d)) {
        /* a step moves at most one bucket: many steps are needed */
        mr_dict_rehash_step(&d);
        steps++;
        if (steps % 97 == 0)
            for (long i = 0; i < n; i++) cr_assert(has_i(&d, i), "key %ld", i);
        /* writes during the rehash land in the new table and are found */
        if (steps % 50 == 0) {
            add_i(&d, n);
            n++;
        }
    }
    cr_assert_gt(steps, 100, "rehash finished in %d steps", steps);
    cr_assert_eq(mr_dict_buckets(&d), 2048);
    cr_assert_eq(mr_dict_count(&d), (size_t)n);
    for (long i = 0; i < n; i++) cr_assert(has_i(&d, i));
    mr_dict_clear(&d, free_entry);
}

Test(dict, rehash_step_bounded_on_sparse_table) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    for (long i = 0; i < 4096; i++) add_i(&d, i);
    settle(&d);
    /* delete almost everything: shrink starts, most old buckets are empty */
    for (long i = 0; i < 4090; i++) del_i(&d, i);
    cr_assert(mr_dict_is_rehashing(&d) || mr_dict_buckets(&d) <= 16);
    settle(&d);
    for (long i = 4090; i < 4096; i++) cr_assert(has_i(&d, i));
    mr_dict_clear(&d, free_entry);
}

typedef struct seen {
    unsigned char *hits;
    long n;
} seen_t;

static void mark(void *ctx, mr_entry_t *e) {
    seen_t *s = ctx;
    long v;
    memcpy(&v, mr_entry_cval(e), sizeof v);
    if (v >= 0 && v < s->n) s->hits[v] = 1;
}

/* Scans the dict while `mutate` changes it between steps; every key of
 * [0, keep) stays present all along and must be seen. */
static void scan_with(mr_dict_t *d, long keep, long *next_extra,
                      void (*mutate)(mr_dict_t *, long *, int)) {
    seen_t s = {calloc((size_t)keep, 1), keep};
    uint64_t cur = 0;
    int step = 0;
    do {
        cur = mr_dict_scan(d, cur, mark, &s, NULL);
        mutate(d, next_extra, step++);
    } while (cur != 0);
    for (long i = 0; i < keep; i++) cr_assert(s.hits[i], "key %ld missed", i);
    free(s.hits);
}

static void grow_more(mr_dict_t *d, long *next, int step) {
    for (int i = 0; i < 7; i++) add_i(d, (*next)++);
}

Test(dict, scan_guarantee_under_growth) {
    mr_dict_t d;
    mr_dict_init(&d, 3);
    long keep = 3000, next = 1000000;
    for (long i = 0; i < keep; i++) add_i(&d, i);
    scan_with(&d, keep, &next, grow_more);
    cr_assert_gt(mr_dict_count(&d), (size_t)keep + 1000, "it did grow");
    mr_dict_clear(&d, free_entry);
}

static long shrink_next;
static int shrinks_seen;
static size_t last_buckets;
static void shrink_some(mr_dict_t *d, long *next, int step) {
    for (int i = 0; i < 40 && shrink_next < *next; i++) del_i(d, shrink_next++);
    if (mr_dict_buckets(d) < last_buckets ||
        (mr_dict_is_rehashing(d) && d->exp[1] < d->exp[0]))
        shrinks_seen++;
    last_buckets = mr_dict_buckets(d);
}

Test(dict, scan_guarantee_under_shrink) {
    mr_dict_t d;
    mr_dict_init(&d, 3);
    long keep = 500;
    long extra_lo = 1000000, extra_hi = extra_lo + 60000;
    for (long i = 0; i < keep; i++) add_i(&d, i);
    for (long i = extra_lo; i < extra_hi; i++) add_i(&d, i);
    settle(&d);
    shrink_next = extra_lo;
    last_buckets = mr_dict_buckets(&d);
    scan_with(&d, keep, &extra_hi, shrink_some);
    cr_assert_geq(shrinks_seen, 1, "the table shrank during the scan");
    mr_dict_clear(&d, free_entry);
}

/* Alternates growth and shrinkage several times during one scan. */
static void churn(mr_dict_t *d, long *next, int step) {
    if ((step / 300) % 2 == 0) {
        for (int i = 0; i < 30; i++) add_i(d, (*next)++);
    } else {
        for (int i = 0; i < 60 && shrink_next < *next; i++)
            del_i(d, shrink_next++);
    }
}

Test(dict, scan_guarantee_under_churn) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    long keep = 2000, next = 1000000;
    shrink_next = next;
    for (long i = 0; i < keep; i++) add_i(&d, i);
    scan_with(&d, keep, &next, churn);
    mr_dict_clear(&d, free_entry);
}

Test(dict, scan_empty_and_single) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    seen_t s = {calloc(1, 1), 1};
    cr_assert_eq(mr_dict_scan(&d, 0, mark, &s, NULL), 0);
    add_i(&d, 0);
    uint64_t cur = 0;
    int calls = 0;
    do {
        cur = mr_dict_scan(&d, cur, mark, &s, NULL);
        calls++;
    } while (cur);
    cr_assert_eq(calls, 4, "a 4-bucket table takes 4 steps");
    cr_assert(s.hits[0]);
    free(s.hits);
    mr_dict_clear(&d, free_entry);
}

static uint64_t lcg_state = 88172645463325252ULL;
static uint64_t lcg(void) {
    lcg_state ^= lcg_state << 13;
    lcg_state ^= lcg_state >> 7;
    lcg_state ^= lcg_state << 17;
    return lcg_state;
}

Test(dict, random_reaches_every_key) {
    mr_dict_t d;
    mr_dict_init(&d, 0);
    cr_assert_null(mr_dict_random(&d, lcg));
    add_i(&d, 0);
    mr_entry_t *e = mr_dict_random(&d, lcg);
    cr_assert_not_null(e);
    for (long i = 1; i < 20; i++) add_i(&d, i);
    unsigned char got[20] = {0};
    for (int i = 0; i < 2000; i++) {
        long v;
        memcpy(&v, mr_entry_cval(mr_dict_random(&d, lcg)), sizeof v);
        cr_assert(v >= 0 && v < 20);
        got[v] = 1;
    }
    for (int i = 0; i < 20; i++) cr_assert(got[i], "key %d never drawn", i);
    mr_dict_clear(&d, free_entry);
}

static void count_one(void *ctx, mr_entry_t *e) { (*(size_t *)ctx)++; }

/* 100k random operations against a flat array model. */
Test(dict, randomized_against_model) {
    enum { NKEYS = 4000, OPS = 100000 };
    long *model = malloc(sizeof(long) * NKEYS); /* -1 = absent, else value */
    for (int i = 0; i < NKEYS; i++) model[i] = -1;
    size_t present = 0;
    mr_dict_t d;
    mr_dict_init(&d, 5);
    for (int op = 0; op < OPS; op++) {
        uint64_t r = lcg();
        int k = (int)(r % NKEYS);
        /* phases bias towards inserts or deletes so the table resizes */
        int phase = (op / 20000) % 2;
        int kind = (int)((r >> 20) % 10);
        char key[32];
        memcpy(key, "k\r\n\0", 4); /* binary prefix: CR, LF, NUL */
        int kl = 4 + sprintf(key + 4, "%d", k);
        uint64_t h = mr_hash(key, (size_t)kl);
        long val = (long)(r >> 32);
        mr_dict_rehash_step(&d);
        mr_entry_t **l = mr_dict_find_link(&d, h, key, (size_t)kl);
        cr_assert_eq(l != NULL, model[k] >= 0, "op %d key %d", op, k);
        if (l) {
            long got;
            memcpy(&got, mr_entry_cval(*l), sizeof got);
            cr_assert_eq(got, model[k]);
        }
        bool insert = phase == 0 ? kind < 7 : kind < 3;
        if (insert) {
            mr_entry_t *e = mk(key, (size_t)kl, &val, sizeof val);
            if (l) {
                free(mr_dict_replace(l, e));
            } else {
                mr_dict_add(&d, h, e);
                present++;
            }
            model[k] = val;
        } else if (l) {
            free(mr_dict_unlink(&d, l));
            model[k] = -1;
            present--;
        }
        cr_assert_eq(mr_dict_count(&d), present);
        if (op % 10000 == 0) {
            /* with no resize meanwhile, a full scan sees each key once */
            size_t seen = 0;
            uint64_t cur = 0;
            do {
                cur = mr_dict_scan(&d, cur, count_one, &seen, NULL);
            } while (cur);
            cr_assert_eq(seen, present);
        }
    }
    for (int i = 0; i < NKEYS; i++) {
        char key[32];
        memcpy(key, "k\r\n\0", 4);
        int kl = 4 + sprintf(key + 4, "%d", i);
        cr_assert_eq(find_s(&d, key, (size_t)kl) != NULL, model[i] >= 0);
    }
    mr_dict_clear(&d, free_entry);
    free(model);
}
