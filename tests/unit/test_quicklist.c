/* Quicklist: the node limits, each operation at node edges and across
 * splits, and a randomised run of every operation against a plain array of
 * byte strings, checked after every step and compared in full (both
 * directions, plus the invariants of mr_ql_check) every few steps. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mr/util.h"
#include "types/quicklist.h"

/* ---- helpers ---- */

static void push_all(mr_ql_t *ql, int where, const char *const *items,
                     size_t n) {
    for (size_t i = 0; i < n; i++)
        mr_ql_push(ql, where, items[i], strlen(items[i]));
}

/* Asserts ql holds exactly items[0..n), walking both ways. */
static void expect_items(const mr_ql_t *ql, const char *const *items,
                         size_t n) {
    char ib[MR_LP_INTBUF];
    cr_assert(mr_ql_check(ql), "invariants");
    cr_assert_eq(mr_ql_count(ql), n);
    mr_ql_pos_t p;
    bool ok = mr_ql_seek(ql, 0, &p);
    for (size_t i = 0; i < n; i++) {
        cr_assert(ok, "forward walk ended at %zu", i);
        mr_str_t s = mr_ql_get(&p, ib);
        cr_assert(s.len == strlen(items[i]) &&
                      memcmp(s.ptr, items[i], s.len) == 0,
                  "item %zu: %.*s != %s", i, (int)s.len, s.ptr, items[i]);
        ok = mr_ql_next(&p);
    }
    cr_assert(!ok);
    ok = mr_ql_seek(ql, -1, &p);
    for (size_t i = n; i-- > 0;) {
        cr_assert(ok);
        cr_assert(mr_ql_eq(&p, items[i], strlen(items[i])), "back %zu", i);
        ok = mr_ql_prev(&p);
    }
    cr_assert(!ok);
}

#define ITEMS(...) ((const char *const[]){__VA_ARGS__})
#define NITEMS(...) (sizeof(ITEMS(__VA_ARGS__)) / sizeof(const char *))
#define EXPECT(ql, ...) expect_items(ql, ITEMS(__VA_ARGS__), NITEMS(__VA_ARGS__))

static mr_buf_t popped;

static void take(void *ctx, mr_str_t e) {
    mr_buf_t *b = ctx;
    b->len = 0;
    mr_buf_append(b, e.ptr, e.len);
}

/* Pops from `where` and asserts the element was `want`. */
static void expect_pop(mr_ql_t *ql, int where, const char *want) {
    cr_assert(mr_ql_pop(ql, where, take, &popped));
    cr_assert(popped.len == strlen(want) &&
                  memcmp(popped.data, want, popped.len) == 0,
              "popped %.*s, want %s", (int)popped.len, popped.data, want);
}

/* ---- node limits ---- */

Test(quicklist, fill_is_clamped) {
    mr_ql_t *a = mr_ql_new(-100), *b = mr_ql_new(INT_MAX),
            *c = mr_ql_new(INT_MIN);
    cr_assert_eq(a->fill, -5);
    cr_assert_eq(b->fill, MR_QL_FILL_MAX);
    cr_assert_eq(c->fill, -5);
    mr_ql_free(a);
    mr_ql_free(b);
    mr_ql_free(c);
}

Test(quicklist, count_fill_bounds_nodes) {
    mr_ql_t *ql = mr_ql_new(3);
    for (int i = 0; i < 10; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        mr_ql_push(ql, MR_QL_TAIL, v, strlen(v));
    }
    cr_assert_eq(ql->nodes, 4u); /* 3 + 3 + 3 + 1 */
    cr_assert_eq(ql->head->count, 3u);
    cr_assert_eq(ql->tail->count, 1u);
    cr_assert(mr_ql_check(ql));
    mr_ql_free(ql);
}

Test(quicklist, fill_zero_is_one_element_per_node) {
    mr_ql_t *ql = mr_ql_new(0);
    push_all(ql, MR_QL_HEAD, ITEMS("a", "b", "c"), 3);
    cr_assert_eq(ql->nodes, 3u);
    EXPECT(ql, "c", "b", "a");
    mr_ql_free(ql);
}

Test(quicklist, size_fill_bounds_bytes) {
    /* default -2: 8 KiB of listpack per node */
    mr_ql_t *ql = mr_ql_new(MR_QL_FILL_DEFAULT);
    char v[100];
    memset(v, 'x', sizeof v);
    for (int i = 0; i < 1000; i++) mr_ql_push(ql, MR_QL_TAIL, v, sizeof v);
    cr_assert(mr_ql_check(ql));
    for (mr_ql_node_t *n = ql->head; n; n = n->next) {
        cr_assert_leq(n->bytes, 8192u);
        if (n->next) cr_assert_geq(n->bytes, 8192u - 120, "%u", n->bytes);
    }
    /* 103 bytes an element (2 head, 100, 1 backlen): 79 per 8 KiB node */
    cr_assert_eq(ql->nodes, 13u);
    mr_ql_free(ql);

    ql = mr_ql_new(-1); /* 4 KiB */
    for (int i = 0; i < 1000; i++) mr_ql_push(ql, MR_QL_HEAD, v, sizeof v);
    for (mr_ql_node_t *n = ql->head; n; n = n->next)
        cr_assert_leq(n->bytes, 4096u);
    cr_assert_eq(ql->nodes, 26u); /* 39 per 4 KiB node */
    mr_ql_free(ql);
}

Test(quicklist, count_fill_has_safety_limit) {
    mr_ql_t *ql = mr_ql_new(1000);
    char v[1000];
    memset(v, 'y', sizeof v);
    for (int i = 0; i < 20; i++) mr_ql_push(ql, MR_QL_TAIL, v, sizeof v);
    cr_assert(mr_ql_check(ql));
    for (mr_ql_node_t *n = ql->head; n; n = n->next)
        cr_assert_leq(n->bytes, MR_QL_SAFETY_LIMIT);
    cr_assert_geq(ql->nodes, 3u);
    mr_ql_free(ql);
}

Test(quicklist, huge_element_gets_own_node) {
    mr_ql_t *ql = mr_ql_new(-1);
    size_t big = 100000;
    char *v = mr_xmalloc(big);
    memset(v, 'z', big);
    mr_ql_push(ql, MR_QL_TAIL, "a", 1);
    mr_ql_push(ql, MR_QL_TAIL, v, big);
    mr_ql_push(ql, MR_QL_TAIL, "b", 1);
    cr_assert_eq(ql->nodes, 3u);
    cr_assert(mr_ql_check(ql));
    mr_ql_pos_t p;
    cr_assert(mr_ql_seek(ql, 1, &p));
    char ib[MR_LP_INTBUF];
    mr_str_t s = mr_ql_get(&p, ib);
    cr_assert_eq(s.len, big);
    cr_assert(memcmp(s.ptr, v, big) == 0);
    /* replacing a small element with a huge one moves it out */
    cr_assert(mr_ql_seek(ql, 0, &p));
    mr_ql_push(ql, MR_QL_HEAD, "0", 1);
    cr_assert(mr_ql_seek(ql, 1, &p));
    mr_ql_replace(ql, &p, v, big);
    cr_assert(mr_ql_check(ql));
    cr_assert(mr_ql_seek(ql, 1, &p));
    cr_assert(mr_ql_eq(&p, v, big));
    cr_assert(mr_ql_seek(ql, 0, &p));
    cr_assert(mr_ql_eq(&p, "0", 1));
    cr_assert_eq(mr_ql_count(ql), 4u);
    mr_free(v);
    mr_ql_free(ql);
}

/* ---- operations ---- */

Test(quicklist, push_pop_both_ends) {
    mr_ql_t *ql = mr_ql_new(2);
    cr_assert(!mr_ql_pop(ql, MR_QL_HEAD, take, &popped));
    push_all(ql, MR_QL_TAIL, ITEMS("b", "c", "d"), 3);
    push_all(ql, MR_QL_HEAD, ITEMS("a", "-5"), 2);
    EXPECT(ql, "-5", "a", "b", "c", "d");
    expect_pop(ql, MR_QL_HEAD, "-5");
    expect_pop(ql, MR_QL_TAIL, "d");
    expect_pop(ql, MR_QL_TAIL, "c");
    EXPECT(ql, "a", "b");
    expect_pop(ql, MR_QL_TAIL, "b");
    expect_pop(ql, MR_QL_TAIL, "a");
    cr_assert_eq(ql->nodes, 0u);
    cr_assert(mr_ql_check(ql));
    cr_assert(!mr_ql_pop(ql, MR_QL_TAIL, take, &popped));
    mr_ql_free(ql);
    mr_buf_free(&popped);
}

Test(quicklist, seek_both_signs_and_out_of_range) {
    mr_ql_t *ql = mr_ql_new(2);
    push_all(ql, MR_QL_TAIL, ITEMS("0", "1", "2", "3", "4", "5", "6"), 7);
    char ib[MR_LP_INTBUF];
    mr_ql_pos_t p;
    for (long long i = -7; i < 7; i++) {
        cr_assert(mr_ql_seek(ql, i, &p));
        mr_str_t s = mr_ql_get(&p, ib);
        long long v;
        cr_assert(mr_str2ll(s.ptr, s.len, &v));
        cr_assert_eq(v, i < 0 ? 7 + i : i);
    }
    cr_assert(!mr_ql_seek(ql, 7, &p));
    cr_assert(!mr_ql_seek(ql, -8, &p));
    cr_assert(!mr_ql_seek(ql, LLONG_MIN, &p));
    cr_assert(!mr_ql_seek(ql, LLONG_MAX, &p));
    mr_ql_free(ql);
}

Test(quicklist, insert_at_node_edges_and_split) {
    mr_ql_t *ql = mr_ql_new(3);
    push_all(ql, MR_QL_TAIL, ITEMS("a", "b", "c", "d", "e", "f"), 6);
    mr_ql_pos_t p;
    /* after the last element of a full node: the next node is full too */
    cr_assert(mr_ql_seek(ql, 2, &p));
    mr_ql_insert(ql, &p, MR_LP_AFTER, "C", 1);
    EXPECT(ql, "a", "b", "c", "C", "d", "e", "f");
    /* before the first element of a full node */
    cr_assert(mr_ql_seek(ql, 0, &p));
    mr_ql_insert(ql, &p, MR_LP_BEFORE, "0", 1);
    EXPECT(ql, "0", "a", "b", "c", "C", "d", "e", "f");
    /* in the middle of a full node: split */
    cr_assert(mr_ql_seek(ql, 5, &p)); /* "d" in [d e f] */
    mr_ql_insert(ql, &p, MR_LP_AFTER, "D", 1);
    EXPECT(ql, "0", "a", "b", "c", "C", "d", "D", "e", "f");
    cr_assert(mr_ql_seek(ql, -1, &p));
    mr_ql_insert(ql, &p, MR_LP_AFTER, "g", 1);
    cr_assert(mr_ql_seek(ql, -1, &p));
    mr_ql_insert(ql, &p, MR_LP_BEFORE, "F", 1);
    EXPECT(ql, "0", "a", "b", "c", "C", "d", "D", "e", "f", "F", "g");
    mr_ql_free(ql);
}

Test(quicklist, delete_walking_both_ways) {
    mr_ql_t *ql = mr_ql_new(2);
    push_all(ql, MR_QL_TAIL, ITEMS("x", "a", "x", "x", "b", "x", "c"), 7);
    /* forward: delete every "x" */
    mr_ql_pos_t p;
    bool ok = mr_ql_seek(ql, 0, &p);
    while (ok) {
        if (mr_ql_eq(&p, "x", 1))
            ok = mr_ql_delete(ql, &p, MR_QL_TAIL);
        else
            ok = mr_ql_next(&p);
    }
    EXPECT(ql, "a", "b", "c");
    push_all(ql, MR_QL_HEAD, ITEMS("y", "y"), 2);
    push_all(ql, MR_QL_TAIL, ITEMS("y", "d", "y"), 3);
    /* backward */
    ok = mr_ql_seek(ql, -1, &p);
    while (ok) {
        if (mr_ql_eq(&p, "y", 1))
            ok = mr_ql_delete(ql, &p, MR_QL_HEAD);
        else
            ok = mr_ql_prev(&p);
    }
    EXPECT(ql, "a", "b", "c", "d");
    mr_ql_free(ql);
}

Test(quicklist, delete_range_whole_and_partial_nodes) {
    mr_ql_t *ql = mr_ql_new(2);
    push_all(ql, MR_QL_TAIL,
             ITEMS("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 10);
    mr_ql_delete_range(ql, 1, 6); /* part of node 0, nodes 1-2, part of 3 */
    EXPECT(ql, "0", "7", "8", "9");
    mr_ql_delete_range(ql, 0, 0);
    mr_ql_delete_range(ql, 3, 1);
    EXPECT(ql, "0", "7", "8");
    mr_ql_delete_range(ql, 0, 3);
    cr_assert_eq(mr_ql_count(ql), 0u);
    cr_assert(mr_ql_check(ql));
    mr_ql_free(ql);
}

Test(quicklist, replace_and_dup_are_independent) {
    mr_ql_t *ql = mr_ql_new(2);
    push_all(ql, MR_QL_TAIL, ITEMS("a", "b", "c"), 3);
    mr_ql_t *copy = mr_ql_dup(ql);
    mr_ql_pos_t p;
    cr_assert(mr_ql_seek(ql, 1, &p));
    mr_ql_replace(ql, &p, "12345", 5);
    EXPECT(ql, "a", "12345", "c");
    EXPECT(copy, "a", "b", "c");
    cr_assert_eq(copy->nodes, ql->nodes);
    mr_ql_free(ql);
    mr_ql_free(copy);
}

/* ---- randomised against an array ---- */

static uint64_t rng_state;

static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t rndn(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

typedef struct model {
    char **s;
    size_t *len;
    size_t n, cap;
} model_t;

static void model_insert(model_t *m, size_t at, const char *s, size_t len) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->s = mr_xrealloc(m->s, m->cap * sizeof *m->s);
        m->len = mr_xrealloc(m->len, m->cap * sizeof *m->len);
    }
    memmove(m->s + at + 1, m->s + at, (m->n - at) * sizeof *m->s);
    memmove(m->len + at + 1, m->len + at, (m->n - at) * sizeof *m->len);
    m->s[at] = mr_xmemdup(s, len ? len : 1);
    m->len[at] = len;
    m->n++;
}

static void model_delete(model_t *m, size_t at, size_t k) {
    if (k == 0) return; /* m->s may still be NULL */
    for (size_t i = at; i < at + k; i++) mr_free(m->s[i]);
    memmove(m->s + at, m->s + at + k, (m->n - at - k) * sizeof *m->s);
    memmove(m->len + at, m->len + at + k, (m->n - at - k) * sizeof *m->len);
    m->n -= k;
}

static void model_free(model_t *m) {
    model_delete(m, 0, m->n);
    mr_free(m->s);
    mr_free(m->len);
}

static bool same(mr_str_t s, const model_t *m, size_t i) {
    return s.len == m->len[i] && (s.len == 0 || memcmp(s.ptr, m->s[i], s.len) == 0);
}

static void expect_at(const mr_ql_pos_t *p, const model_t *m, size_t i,
                      int step) {
    char ib[MR_LP_INTBUF];
    cr_assert(same(mr_ql_get(p, ib), m, i), "step %d: element %zu differs",
              step, i);
}

static void compare_all(const mr_ql_t *ql, const model_t *m, int step) {
    char ib[MR_LP_INTBUF];
    cr_assert(mr_ql_check(ql), "step %d: invariants", step);
    cr_assert_eq(mr_ql_count(ql), m->n, "step %d", step);
    mr_ql_pos_t p;
    bool ok = mr_ql_seek(ql, 0, &p);
    for (size_t i = 0; i < m->n; i++) {
        cr_assert(ok && same(mr_ql_get(&p, ib), m, i), "step %d: fwd %zu",
                  step, i);
        ok = mr_ql_next(&p);
    }
    cr_assert(!ok);
    /* the one-decode walk LRANGE uses */
    ok = mr_ql_seek(ql, 0, &p);
    for (size_t i = 0; i < m->n; i++) {
        cr_assert(ok, "step %d: get_next ended at %zu", step, i);
        cr_assert(same(mr_ql_get_next(&p, ib, &ok), m, i),
                  "step %d: get_next %zu", step, i);
    }
    cr_assert(!ok);
    ok = mr_ql_seek(ql, -1, &p);
    for (size_t i = m->n; i-- > 0;) {
        cr_assert(ok && mr_ql_eq(&p, m->s[i], m->len[i]), "step %d: back %zu",
                  step, i);
        ok = mr_ql_prev(&p);
    }
    cr_assert(!ok);
}

/* Values: small integers, big integers, short strings, strings of a few
 * hundred bytes and, rarely, strings bigger than any node. */
static size_t rnd_value(char *buf, size_t cap) {
    switch (rndn(10)) {
    case 0:
    case 1:
        return (size_t)snprintf(buf, cap, "%d", (int)rndn(300) - 100);
    case 2:
        return (size_t)snprintf(buf, cap, "%lld", (long long)rnd());
    case 3:
    case 4:
    case 5:
    case 6: {
        size_t n = rndn(12);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + rndn(3));
        return n;
    }
    case 7:
    case 8: {
        size_t n = 50 + rndn(700);
        memset(buf, 'm' + (int)rndn(3), n);
        return n;
    }
    default: {
        if (rndn(4)) return 0;
        size_t n = 9000 + rndn(cap - 9000);
        memset(buf, 'L', n);
        buf[rndn(n)] = '\0'; /* binary */
        return n;
    }
    }
}

static void random_run(int fill, int steps, uint64_t seed) {
    rng_state = seed;
    model_t m = {0};
    mr_ql_t *ql = mr_ql_new(fill);
    static char val[20000];
    mr_buf_t got = {0};
    char ib[MR_LP_INTBUF];

    for (int step = 0; step < steps; step++) {
        size_t op = rndn(14);
        if (m.n > 400 && op < 5) op = 9; /* shrink when large */
        size_t len = rnd_value(val, sizeof val);
        mr_ql_pos_t p;
        switch (op) {
        case 0:
        case 1: {
            int where = (int)rndn(2);
            mr_ql_push(ql, where, val, len);
            model_insert(&m, where == MR_QL_HEAD ? 0 : m.n, val, len);
            break;
        }
        case 2:
        case 3: { /* insert before / after a random element */
            if (m.n == 0) break;
            size_t i = rndn(m.n);
            int where = (int)rndn(2);
            cr_assert(mr_ql_seek(ql, (long long)i, &p));
            mr_ql_insert(ql, &p, where, val, len);
            model_insert(&m, where == MR_LP_AFTER ? i + 1 : i, val, len);
            break;
        }
        case 4: { /* replace */
            if (m.n == 0) break;
            size_t i = rndn(m.n);
            cr_assert(mr_ql_seek(ql, -(long long)(m.n - i), &p));
            mr_ql_replace(ql, &p, val, len);
            model_delete(&m, i, 1);
            model_insert(&m, i, val, len);
            break;
        }
        case 5:
        case 6: { /* pop */
            int where = (int)rndn(2);
            bool ok = mr_ql_pop(ql, where, take, &got);
            cr_assert_eq(ok, m.n > 0, "step %d", step);
            if (!ok) break;
            size_t i = where == MR_QL_HEAD ? 0 : m.n - 1;
            cr_assert(same((mr_str_t){got.data, got.len}, &m, i),
                      "step %d: pop", step);
            model_delete(&m, i, 1);
            break;
        }
        case 7: { /* delete one, check where pos lands */
            if (m.n == 0) break;
            size_t i = rndn(m.n);
            int dir = (int)rndn(2);
            cr_assert(mr_ql_seek(ql, (long long)i, &p));
            bool ok = mr_ql_delete(ql, &p, dir);
            model_delete(&m, i, 1);
            if (dir == MR_QL_TAIL) {
                cr_assert_eq(ok, i < m.n, "step %d", step);
                if (ok) expect_at(&p, &m, i, step);
            } else {
                cr_assert_eq(ok, i > 0, "step %d", step);
                if (ok) expect_at(&p, &m, i - 1, step);
            }
            break;
        }
        case 8: { /* LREM-like: delete matches of an existing value */
            if (m.n == 0) break;
            size_t pick = rndn(m.n);
            char *q = mr_xmemdup(m.s[pick], m.len[pick] ? m.len[pick] : 1);
            size_t qlen = m.len[pick];
            bool fwd = rndn(2);
            size_t limit = rndn(3); /* 0: all */
            size_t removed = 0;
            bool ok = mr_ql_seek(ql, fwd ? 0 : -1, &p);
            while (ok && (limit == 0 || removed < limit)) {
                if (mr_ql_eq(&p, q, qlen)) {
                    ok = mr_ql_delete(ql, &p, fwd ? MR_QL_TAIL : MR_QL_HEAD);
                    removed++;
                } else {
                    ok = fwd ? mr_ql_next(&p) : mr_ql_prev(&p);
                }
            }
            size_t mrem = 0;
            if (fwd) {
                for (size_t i = 0; i < m.n && (limit == 0 || mrem < limit);) {
                    if (m.len[i] == qlen && memcmp(m.s[i], q, qlen) == 0) {
                        model_delete(&m, i, 1);
                        mrem++;
                    } else {
                        i++;
                    }
                }
            } else {
                for (size_t i = m.n; i-- > 0 && (limit == 0 || mrem < limit);) {
                    if (m.len[i] == qlen && memcmp(m.s[i], q, qlen) == 0) {
                        model_delete(&m, i, 1);
                        mrem++;
                    }
                }
            }
            cr_assert_eq(removed, mrem, "step %d", step);
            mr_free(q);
            break;
        }
        case 9: { /* delete a range (LTRIM) */
            size_t start = rndn(m.n + 1);
            size_t n = rndn(m.n - start + 1);
            if (n > 40 && rndn(2)) n = 40;
            mr_ql_delete_range(ql, start, n);
            model_delete(&m, start, n);
            break;
        }
        case 10:
        case 11: { /* read at random indexes, then walk a little */
            if (m.n == 0) {
                cr_assert(!mr_ql_seek(ql, 0, &p));
                break;
            }
            size_t i = rndn(m.n);
            cr_assert(mr_ql_seek(ql, (long long)i, &p));
            expect_at(&p, &m, i, step);
            mr_ql_pos_t q = p;
            for (size_t k = i + 1; k < m.n && k < i + 20; k++) {
                cr_assert(mr_ql_next(&q));
                expect_at(&q, &m, k, step);
            }
            for (size_t k = i; k-- > 0 && k + 20 > i;) {
                cr_assert(mr_ql_prev(&p));
                expect_at(&p, &m, k, step);
            }
            cr_assert(!mr_ql_seek(ql, (long long)m.n, &p));
            cr_assert(!mr_ql_seek(ql, -(long long)m.n - 1, &p));
            break;
        }
        case 12: { /* equality */
            if (m.n == 0) break;
            size_t i = rndn(m.n);
            cr_assert(mr_ql_seek(ql, (long long)i, &p));
            cr_assert(mr_ql_eq(&p, m.s[i], m.len[i]));
            bool want = len == m.len[i] && memcmp(val, m.s[i], len) == 0;
            cr_assert_eq(mr_ql_eq(&p, val, len), want, "step %d", step);
            mr_str_t s = mr_ql_get(&p, ib);
            cr_assert(same(s, &m, i));
            break;
        }
        default: { /* copy, compare, continue on the copy */
            mr_ql_t *copy = mr_ql_dup(ql);
            compare_all(copy, &m, step);
            mr_ql_free(ql);
            ql = copy;
            break;
        }
        }
        cr_assert(mr_ql_check(ql), "step %d: invariants after op %zu", step,
                  op);
        cr_assert_eq(mr_ql_count(ql), m.n, "step %d", step);
        if (step % 50 == 0) compare_all(ql, &m, step);
    }
    compare_all(ql, &m, steps);
    mr_ql_free(ql);
    model_free(&m);
    mr_buf_free(&got);
}

Test(quicklist, random_ops_fill_4, .timeout = 120) {
    random_run(4, 6000, 0x243f6a8885a308d3ULL);
}

Test(quicklist, random_ops_fill_1, .timeout = 120) {
    random_run(1, 3000, 0x13198a2e03707344ULL);
}

Test(quicklist, random_ops_fill_default, .timeout = 120) {
    random_run(MR_QL_FILL_DEFAULT, 6000, 0xa4093822299f31d0ULL);
}

Test(quicklist, random_ops_fill_4k, .timeout = 120) {
    random_run(-1, 6000, 0x082efa98ec4e6c89ULL);
}

Test(quicklist, random_ops_fill_32, .timeout = 120) {
    random_run(32, 6000, 0x452821e638d01377ULL);
}
