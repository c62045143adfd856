/* The intset on its own: widths and upgrades at every boundary, removal
 * without narrowing, copies, the allocation size, and random operations
 * checked against a plain sorted-array model. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "types/intset.h"

/* Asserts is holds exactly want[0..n), ascending, at width w. */
static void expect(const mr_intset_t *is, const int64_t *want, size_t n,
                   unsigned w) {
    cr_assert_eq(mr_intset_count(is), n);
    cr_assert_eq(mr_intset_width(is), w, "width %u, want %u",
                 mr_intset_width(is), w);
    cr_assert_eq(mr_intset_blob_bytes(is), 8 + n * w);
    cr_assert_geq(malloc_usable_size((void *)is), mr_intset_blob_bytes(is));
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(mr_intset_get(is, i), want[i], "element %zu: %lld, want %lld",
                     i, (long long)mr_intset_get(is, i), (long long)want[i]);
        size_t pos;
        cr_assert(mr_intset_find(is, want[i], &pos));
        cr_assert_eq(pos, i);
    }
}

static mr_intset_t *add(mr_intset_t *is, int64_t v, bool want_added) {
    bool added;
    is = mr_intset_add(is, v, &added);
    cr_assert_eq(added, want_added, "add %lld", (long long)v);
    return is;
}

Test(intset, empty) {
    mr_intset_t *is = mr_intset_new();
    expect(is, NULL, 0, 2);
    size_t pos = 99;
    cr_assert_not(mr_intset_find(is, 0, &pos));
    cr_assert_eq(pos, 0);
    cr_assert_not(mr_intset_find(is, INT64_MAX, NULL));
    bool removed = true;
    is = mr_intset_remove(is, 5, &removed);
    cr_assert_not(removed);
    mr_intset_free(is);
}

Test(intset, sorted_unique_any_order) {
    mr_intset_t *is = mr_intset_new();
    const int64_t in[] = {5, -3, 100, 0, 7, -32768, 32767, 5, 0};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        is = add(is, in[i], i < 7);
    const int64_t want[] = {-32768, -3, 0, 5, 7, 100, 32767};
    expect(is, want, 7, 2);
    size_t pos;
    cr_assert_not(mr_intset_find(is, 6, &pos));
    cr_assert_eq(pos, 4);
    cr_assert_not(mr_intset_find(is, -40000, &pos));
    cr_assert_eq(pos, 0);
    cr_assert_not(mr_intset_find(is, 40000, &pos));
    cr_assert_eq(pos, 7);
    mr_intset_free(is);
}

Test(intset, width_for_boundaries) {
    cr_assert_eq(mr_intset_width_for(INT16_MAX), 2);
    cr_assert_eq(mr_intset_width_for(INT16_MIN), 2);
    cr_assert_eq(mr_intset_width_for((int64_t)INT16_MAX + 1), 4);
    cr_assert_eq(mr_intset_width_for((int64_t)INT16_MIN - 1), 4);
    cr_assert_eq(mr_intset_width_for(INT32_MAX), 4);
    cr_assert_eq(mr_intset_width_for(INT32_MIN), 4);
    cr_assert_eq(mr_intset_width_for((int64_t)INT32_MAX + 1), 8);
    cr_assert_eq(mr_intset_width_for((int64_t)INT32_MIN - 1), 8);
    cr_assert_eq(mr_intset_width_for(INT64_MAX), 8);
    cr_assert_eq(mr_intset_width_for(INT64_MIN), 8);
}

Test(intset, upgrade_positive_appends) {
    mr_intset_t *is = mr_intset_new();
    is = add(is, -2, true);
    is = add(is, 1, true);
    is = add(is, 32768, true); /* 16 -> 32 bits, goes last */
    const int64_t w4[] = {-2, 1, 32768};
    expect(is, w4, 3, 4);
    is = add(is, 2147483648LL, true); /* 32 -> 64 bits */
    const int64_t w8[] = {-2, 1, 32768, 2147483648LL};
    expect(is, w8, 4, 8);
    is = add(is, 2147483648LL, false);
    mr_intset_free(is);
}

Test(intset, upgrade_negative_prepends) {
    mr_intset_t *is = mr_intset_new();
    for (int64_t v = 1; v <= 5; v++) is = add(is, v, true);
    is = add(is, -32769, true);
    const int64_t w4[] = {-32769, 1, 2, 3, 4, 5};
    expect(is, w4, 6, 4);
    is = add(is, INT64_MIN, true);
    const int64_t w8[] = {INT64_MIN, -32769, 1, 2, 3, 4, 5};
    expect(is, w8, 7, 8);
    mr_intset_free(is);
}

Test(intset, upgrade_straight_to_64_bits) {
    mr_intset_t *is = mr_intset_new();
    is = add(is, 3, true);
    is = add(is, INT64_MAX, true);
    is = add(is, -1, true);
    const int64_t want[] = {-1, 3, INT64_MAX};
    expect(is, want, 3, 8);
    mr_intset_free(is);
}

Test(intset, remove_keeps_width) {
    mr_intset_t *is = mr_intset_new();
    is = add(is, 1, true);
    is = add(is, 100000, true);
    is = add(is, 2, true);
    bool removed;
    is = mr_intset_remove(is, 100000, &removed);
    cr_assert(removed);
    const int64_t want[] = {1, 2};
    expect(is, want, 2, 4); /* never narrowed again */
    is = mr_intset_remove(is, 100000, &removed);
    cr_assert_not(removed);
    is = mr_intset_remove(is, 7, &removed); /* absent, in range */
    cr_assert_not(removed);
    is = mr_intset_remove(is, INT64_MAX, &removed); /* wider than the set */
    cr_assert_not(removed);
    is = mr_intset_remove_at(is, 0);
    const int64_t left[] = {2};
    expect(is, left, 1, 4);
    is = mr_intset_remove_at(is, 0);
    expect(is, NULL, 0, 4);
    is = add(is, 9, true); /* usable after becoming empty */
    mr_intset_free(is);
}

Test(intset, dup_is_deep_and_same_width) {
    mr_intset_t *is = mr_intset_new();
    is = add(is, 70000, true);
    is = add(is, -5, true);
    mr_intset_t *copy = mr_intset_dup(is);
    is = add(is, 1, true);
    const int64_t want[] = {-5, 70000};
    expect(copy, want, 2, 4);
    mr_intset_free(copy);
    mr_intset_free(is);
}

Test(intset, ascending_appends) {
    mr_intset_t *is = mr_intset_new();
    int64_t want[1000];
    for (int i = 0; i < 1000; i++) {
        want[i] = (int64_t)i * 3 - 1500;
        is = add(is, want[i], true);
    }
    expect(is, want, 1000, 2);
    for (int i = 0; i < 1000; i++) is = add(is, want[i], false);
    mr_intset_free(is);
}

/* ---- randomised against a reference model ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void) { /* xorshift64*: fixed seed, reproducible */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

/* Values from ranges that exercise every width and the extremes; narrow
 * ranges make repeats (and so no-op adds and hit removes) common. */
static int64_t random_value(void) {
    uint64_t r = next_rand();
    switch (r % 8) {
    case 0: return (int64_t)(r >> 8) % 50 - 25;
    case 1: return (int64_t)(r >> 8) % 200;
    case 2: return INT16_MAX - (int64_t)((r >> 8) % 3) + 1;  /* 32766..32768 */
    case 3: return INT16_MIN + (int64_t)((r >> 8) % 3) - 1;  /* -32769.. */
    case 4: return INT32_MAX - (int64_t)((r >> 8) % 3) + 1;
    case 5: return INT32_MIN + (int64_t)((r >> 8) % 3) - 1;
    case 6: return (r >> 8) % 2 ? INT64_MAX - (int64_t)(r >> 60)
                                : INT64_MIN + (int64_t)(r >> 60);
    default: return (int64_t)(r >> 16) % 1000 - 500;
    }
}

typedef struct model {
    int64_t v[4096];
    size_t n;
    unsigned width; /* widest ever held */
} model_t;

static size_t model_pos(const model_t *m, int64_t x) {
    size_t i = 0;
    while (i < m->n && m->v[i] < x) i++;
    return i;
}

static bool model_has(const model_t *m, int64_t x) {
    size_t i = model_pos(m, x);
    return i < m->n && m->v[i] == x;
}

static bool model_add(model_t *m, int64_t x) {
    if (model_has(m, x)) return false;
    size_t i = model_pos(m, x);
    memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof m->v[0]);
    m->v[i] = x;
    m->n++;
    if (mr_intset_width_for(x) > m->width) m->width = mr_intset_width_for(x);
    return true;
}

static void model_remove_at(model_t *m, size_t i) {
    memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof m->v[0]);
    m->n--;
}

Test(intset, random_ops_match_model, .timeout = 60) {
    static model_t m;
    for (int round = 0; round < 20; round++) {
        mr_intset_t *is = mr_intset_new();
        m.n = 0;
        m.width = 2;
        for (int op = 0; op < 3000; op++) {
            uint64_t r = next_rand() % 10;
            int64_t x = random_value();
            if (r < 5 && m.n < 4000) { /* add */
                bool added;
                is = mr_intset_add(is, x, &added);
                cr_assert_eq(added, model_add(&m, x), "add %lld", (long long)x);
            } else if (r < 8) { /* remove by value */
                bool removed, want = model_has(&m, x);
                if (want) model_remove_at(&m, model_pos(&m, x));
                is = mr_intset_remove(is, x, &removed);
                cr_assert_eq(removed, want, "remove %lld", (long long)x);
            } else if (r < 9 && m.n > 0) { /* remove by index (SPOP) */
                size_t i = next_rand() % m.n;
                is = mr_intset_remove_at(is, i);
                model_remove_at(&m, i);
            } else { /* lookup */
                size_t pos, want_pos = model_pos(&m, x);
                cr_assert_eq(mr_intset_find(is, x, &pos), model_has(&m, x));
                cr_assert_eq(pos, want_pos, "find %lld: pos %zu, want %zu",
                             (long long)x, pos, want_pos);
            }
            cr_assert_eq(mr_intset_count(is), m.n);
            if (op % 97 == 0) expect(is, m.v, m.n, m.width);
        }
        expect(is, m.v, m.n, m.width);
        mr_intset_free(is);
    }
}
