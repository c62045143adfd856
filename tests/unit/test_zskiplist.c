/* The sorted-set skip list: each operation on small hand-made lists (ties,
 * binary members, -0.0, infinities, range edges as Redis 7 draws them), then
 * randomized runs mirrored on a sorted array with invariant checks after
 * every step. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"
#include "types/zskiplist.h"

/* ---- helpers ---- */

static mr_zsl_node_t *ins(mr_zsl_t *z, double s, const char *m) {
    return mr_zsl_insert(z, s, m, strlen(m));
}

static bool mem_is(const mr_zsl_node_t *n, const void *m, size_t len) {
    return n && mr_zsl_node_member_len(n) == len &&
           memcmp(mr_zsl_node_member(n), m, len) == 0;
}

static bool is(const mr_zsl_node_t *n, const char *m) {
    return mem_is(n, m, strlen(m));
}

static mr_zsl_range_t rng(double min, bool minex, double max, bool maxex) {
    mr_zsl_range_t r = {.min = min, .max = max, .minex = minex, .maxex = maxex};
    return r;
}

static mr_zsl_lexrange_t lexr(const char *min, const char *max) {
    mr_zsl_lexrange_t r;
    cr_assert(mr_zsl_parse_lex_bound(min, strlen(min), &r.min));
    cr_assert(mr_zsl_parse_lex_bound(max, strlen(max), &r.max));
    return r;
}

/* The members of the list in order, joined by ',' (test members are
 * printable in the hand-made tests). */
static void order_str(const mr_zsl_t *z, char *out, size_t cap) {
    size_t o = 0;
    out[0] = '\0';
    for (mr_zsl_node_t *n = mr_zsl_first(z); n; n = mr_zsl_next(n)) {
        int w = snprintf(out + o, cap - o, "%s%.*s", o ? "," : "",
                         (int)mr_zsl_node_member_len(n), mr_zsl_node_member(n));
        cr_assert(w >= 0 && (size_t)w < cap - o);
        o += (size_t)w;
    }
}

/* Structural invariants: level-0 order, backward links, tail, and every
 * span at every level equal to the real level-0 distance. */
static void check_invariants(const mr_zsl_t *z) {
    size_t idx = 0;
    const mr_zsl_node_t *prev = NULL;
    for (const mr_zsl_node_t *n = mr_zsl_first(z); n; n = mr_zsl_next(n)) {
        cr_assert_eq(n->backward, prev);
        cr_assert(n->nlevel >= 1 && n->nlevel <= MR_ZSL_MAX_LEVEL);
        cr_assert(n->nlevel <= z->level);
        if (prev) {
            int c = prev->score < n->score   ? -1
                    : prev->score > n->score ? 1
                                             : 0;
            if (c == 0) {
                size_t a = prev->mlen, b = n->mlen, k = a < b ? a : b;
                c = k ? memcmp(mr_zsl_node_member(prev), mr_zsl_node_member(n), k)
                      : 0;
                if (c == 0) c = a < b ? -1 : a > b ? 1 : 0;
            }
            cr_assert(c < 0, "order broken at %zu", idx);
        }
        prev = n;
        idx++;
    }
    cr_assert_eq(idx, z->length);
    cr_assert_eq(z->tail, prev);
    cr_assert(z->level >= 1);
    if (z->level > 1) cr_assert_not_null(z->head->level[z->level - 1].forward);
    for (int i = 0; i < z->level; i++) {
        /* rank of each node reached at level i must match the sum of spans */
        const mr_zsl_node_t *x = z->head;
        size_t r = 0;
        while (x->level[i].forward) {
            const mr_zsl_node_t *f = x->level[i].forward;
            cr_assert(f->nlevel > i);
            r += x->level[i].span;
            /* walk level 0 to find f's real rank */
            size_t real = 0;
            for (const mr_zsl_node_t *y = mr_zsl_first(z); y; y = mr_zsl_next(y)) {
                real++;
                if (y == f) break;
            }
            cr_assert_eq(r, real, "level %d span wrong", i);
            x = f;
        }
    }
}

typedef struct removed_log {
    size_t count;
    char buf[4096];
    size_t off;
} removed_log_t;

static void on_removed(void *ctx, const mr_zsl_node_t *n) {
    removed_log_t *log = ctx;
    int w = snprintf(log->buf + log->off, sizeof(log->buf) - log->off, "%s%.*s",
                     log->off ? "," : "", (int)mr_zsl_node_member_len(n),
                     mr_zsl_node_member(n));
    if (w > 0) log->off += (size_t)w;
    log->count++;
}

/* ---- hand-made tests ---- */

Test(zskiplist, empty_list) {
    mr_zsl_t *z = mr_zsl_create(1);
    size_t r = 99;
    cr_assert_eq(mr_zsl_length(z), 0);
    cr_assert_null(mr_zsl_first(z));
    cr_assert_null(mr_zsl_last(z));
    cr_assert_null(mr_zsl_node_by_rank(z, 0));
    cr_assert_not(mr_zsl_rank(z, 1, "a", 1, false, &r));
    cr_assert_eq(r, 99);
    cr_assert_not(mr_zsl_delete(z, 1, "a", 1));
    cr_assert_null(mr_zsl_find(z, 1, "a", 1));
    cr_assert_null(mr_zsl_update_score_of(z, 1, "a", 1, 2));
    mr_zsl_range_t all = rng(-INFINITY, false, INFINITY, false);
    cr_assert_null(mr_zsl_first_in_range(z, &all));
    cr_assert_null(mr_zsl_last_in_range(z, &all));
    mr_zsl_lexrange_t lall = lexr("-", "+");
    cr_assert_null(mr_zsl_first_in_lexrange(z, &lall));
    cr_assert_null(mr_zsl_last_in_lexrange(z, &lall));
    cr_assert_eq(mr_zsl_delete_range(z, &all, NULL, NULL), 0);
    cr_assert_eq(mr_zsl_delete_lexrange(z, &lall, NULL, NULL), 0);
    cr_assert_eq(mr_zsl_delete_rank_range(z, 0, 10, NULL, NULL), 0);
    check_invariants(z);
    mr_zsl_free(z);
    mr_zsl_free(NULL);
}

Test(zskiplist, orders_by_score_then_member_bytes) {
    mr_zsl_t *z = mr_zsl_create(2);
    ins(z, 2, "x");
    ins(z, 1, "b");
    ins(z, 1, "a");
    ins(z, 1, "ab");
    ins(z, 1, "");
    mr_zsl_insert(z, 1, "a\0", 2);
    mr_zsl_insert(z, 1, "\xff", 1);
    ins(z, -5, "zzz");
    check_invariants(z);
    cr_assert_eq(mr_zsl_length(z), 8);
    /* memcmp order, shorter first on a common prefix, bytes unsigned */
    const char *want[] = {"zzz", "", "a", "a\0", "ab", "b", "\xff", "x"};
    const size_t wlen[] = {3, 0, 1, 2, 2, 1, 1, 1};
    mr_zsl_node_t *n = mr_zsl_first(z);
    for (size_t i = 0; i < 8; i++, n = mr_zsl_next(n))
        cr_assert(mem_is(n, want[i], wlen[i]), "position %zu", i);
    cr_assert_null(n);
    n = mr_zsl_last(z);
    for (size_t i = 8; i-- > 0; n = mr_zsl_prev(n))
        cr_assert(mem_is(n, want[i], wlen[i]), "reverse position %zu", i);
    cr_assert_null(n);
    cr_assert_eq(mr_zsl_node_score(mr_zsl_first(z)), -5);
    mr_zsl_free(z);
}

Test(zskiplist, negative_zero_equals_zero_but_keeps_sign) {
    /* Redis 7 (skiplist encoding): ZADD z 0 b, ZADD z -0 a, ZADD z -0 c
     * gives order a,b,c; ZSCORE z a is "-0"; [0 0] matches all three and
     * (-0 +inf excludes them. */
    mr_zsl_t *z = mr_zsl_create(3);
    ins(z, 0.0, "b");
    mr_zsl_node_t *a = ins(z, -0.0, "a");
    ins(z, -0.0, "c");
    char buf[64];
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "a,b,c");
    cr_assert(signbit(mr_zsl_node_score(a)));
    cr_assert_not(signbit(mr_zsl_node_score(mr_zsl_node_by_rank(z, 1))));
    /* lookups with either zero find the node */
    cr_assert_eq(mr_zsl_find(z, 0.0, "a", 1), a);
    cr_assert_eq(mr_zsl_find(z, -0.0, "b", 1), mr_zsl_node_by_rank(z, 1));
    mr_zsl_range_t r = rng(0.0, false, 0.0, false);
    cr_assert(is(mr_zsl_first_in_range(z, &r), "a"));
    cr_assert(is(mr_zsl_last_in_range(z, &r), "c"));
    r = rng(-0.0, true, INFINITY, false);
    cr_assert_null(mr_zsl_first_in_range(z, &r));
    cr_assert_null(mr_zsl_last_in_range(z, &r));
    /* moving -0 to 0 changes no order: same node, sign updated */
    cr_assert_eq(mr_zsl_update_score(z, a, 0.0), a);
    cr_assert_not(signbit(mr_zsl_node_score(a)));
    cr_assert_eq(mr_zsl_first(z), a);
    check_invariants(z);
    mr_zsl_free(z);
}

Test(zskiplist, infinities) {
    mr_zsl_t *z = mr_zsl_create(4);
    ins(z, INFINITY, "p");
    ins(z, -INFINITY, "m");
    ins(z, 0, "z");
    ins(z, INFINITY, "a");
    ins(z, -INFINITY, "n");
    char buf[64];
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "m,n,z,a,p");
    mr_zsl_range_t r = rng(-INFINITY, false, INFINITY, false);
    cr_assert(is(mr_zsl_first_in_range(z, &r), "m"));
    cr_assert(is(mr_zsl_last_in_range(z, &r), "p"));
    r = rng(-INFINITY, true, INFINITY, true);
    cr_assert(is(mr_zsl_first_in_range(z, &r), "z"));
    cr_assert(is(mr_zsl_last_in_range(z, &r), "z"));
    r = rng(INFINITY, false, INFINITY, false);
    cr_assert(is(mr_zsl_first_in_range(z, &r), "a"));
    cr_assert(is(mr_zsl_last_in_range(z, &r), "p"));
    r = rng(-INFINITY, false, -INFINITY, false);
    cr_assert(is(mr_zsl_first_in_range(z, &r), "m"));
    cr_assert(is(mr_zsl_last_in_range(z, &r), "n"));
    r = rng(INFINITY, true, INFINITY, false);
    cr_assert(mr_zsl_range_is_empty(&r));
    cr_assert_null(mr_zsl_first_in_range(z, &r));
    size_t rank;
    cr_assert(mr_zsl_rank(z, INFINITY, "p", 1, false, &rank));
    cr_assert_eq(rank, 4);
    cr_assert(mr_zsl_rank(z, INFINITY, "p", 1, true, &rank));
    cr_assert_eq(rank, 0);
    mr_zsl_free(z);
}

/* scores 1..5 with members "1".."5" */
static mr_zsl_t *five(void) {
    mr_zsl_t *z = mr_zsl_create(5);
    const char *m[] = {"3", "1", "5", "2", "4"};
    for (int i = 0; i < 5; i++) ins(z, atof(m[i]), m[i]);
    return z;
}

Test(zskiplist, score_range_edges) {
    mr_zsl_t *z = five();
    struct {
        mr_zsl_range_t r;
        const char *first, *last; /* NULL: empty */
    } cases[] = {
        {rng(2, false, 4, false), "2", "4"},
        {rng(2, true, 4, false), "3", "4"},
        {rng(2, false, 4, true), "2", "3"},
        {rng(2, true, 4, true), "3", "3"},
        {rng(2, true, 3, true), NULL, NULL},   /* nothing strictly between */
        {rng(3, false, 3, false), "3", "3"},
        {rng(3, true, 3, false), NULL, NULL},  /* equal ends, one exclusive */
        {rng(3, false, 3, true), NULL, NULL},
        {rng(4, false, 2, false), NULL, NULL}, /* min > max */
        {rng(0, false, 0.5, false), NULL, NULL},
        {rng(5.5, false, 9, false), NULL, NULL},
        {rng(0, false, 1, false), "1", "1"},
        {rng(5, false, 9, false), "5", "5"},
        {rng(1.5, false, 2.5, false), "2", "2"},
        {rng(-INFINITY, false, 3, true), "1", "2"},
        {rng(3, true, INFINITY, false), "4", "5"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mr_zsl_node_t *f = mr_zsl_first_in_range(z, &cases[i].r);
        mr_zsl_node_t *l = mr_zsl_last_in_range(z, &cases[i].r);
        if (!cases[i].first) {
            cr_assert_null(f, "case %zu", i);
            cr_assert_null(l, "case %zu", i);
        } else {
            cr_assert(is(f, cases[i].first), "case %zu first", i);
            cr_assert(is(l, cases[i].last), "case %zu last", i);
        }
    }
    mr_zsl_range_t e = rng(3, true, 3, false);
    cr_assert(mr_zsl_range_is_empty(&e));
    e = rng(4, false, 2, false);
    cr_assert(mr_zsl_range_is_empty(&e));
    e = rng(3, false, 3, false);
    cr_assert_not(mr_zsl_range_is_empty(&e));
    e = rng(2, true, 3, true);
    cr_assert_not(mr_zsl_range_is_empty(&e)); /* empty only by content */
    mr_zsl_free(z);
}

Test(zskiplist, rank_and_node_by_rank) {
    mr_zsl_t *z = five();
    for (size_t i = 0; i < 5; i++) {
        char m[2] = {(char)('1' + i), 0};
        size_t r;
        cr_assert(mr_zsl_rank(z, (double)(i + 1), m, 1, false, &r));
        cr_assert_eq(r, i);
        cr_assert(mr_zsl_rank(z, (double)(i + 1), m, 1, true, &r));
        cr_assert_eq(r, 4 - i);
        cr_assert(is(mr_zsl_node_by_rank(z, i), m));
    }
    size_t r;
    cr_assert_not(mr_zsl_rank(z, 2, "3", 1, false, &r)); /* wrong score */
    cr_assert_not(mr_zsl_rank(z, 3, "33", 2, false, &r));
    cr_assert_null(mr_zsl_node_by_rank(z, 5));
    cr_assert_null(mr_zsl_node_by_rank(z, (size_t)-1));
    mr_zsl_free(z);
}

Test(zskiplist, delete_single) {
    mr_zsl_t *z = five();
    cr_assert_not(mr_zsl_delete(z, 3, "4", 1));
    cr_assert_not(mr_zsl_delete(z, 3, "", 0));
    cr_assert(mr_zsl_delete(z, 3, "3", 1));
    cr_assert_not(mr_zsl_delete(z, 3, "3", 1));
    /* member pointing into the node being deleted */
    mr_zsl_node_t *last = mr_zsl_last(z);
    cr_assert(mr_zsl_delete(z, mr_zsl_node_score(last), mr_zsl_node_member(last),
                            mr_zsl_node_member_len(last)));
    cr_assert(mr_zsl_delete(z, 1, "1", 1));
    char buf[32];
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "2,4");
    cr_assert_null(mr_zsl_prev(mr_zsl_first(z)));
    cr_assert(is(mr_zsl_last(z), "4"));
    check_invariants(z);
    cr_assert(mr_zsl_delete(z, 2, "2", 1));
    cr_assert(mr_zsl_delete(z, 4, "4", 1));
    cr_assert_eq(mr_zsl_length(z), 0);
    cr_assert_null(mr_zsl_last(z));
    check_invariants(z);
    ins(z, 7, "again");
    check_invariants(z);
    mr_zsl_free(z);
}

Test(zskiplist, update_score) {
    mr_zsl_t *z = five();
    char buf[32];
    mr_zsl_node_t *n3 = mr_zsl_find(z, 3, "3", 1);
    cr_assert_not_null(n3);
    /* stays between its neighbours: in place */
    cr_assert_eq(mr_zsl_update_score(z, n3, 3.5), n3);
    cr_assert_eq(mr_zsl_node_score(n3), 3.5);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "1,2,3,4,5");
    /* ties with a neighbour: the member decides ("3" > "2", so still after) */
    cr_assert_eq(mr_zsl_update_score(z, n3, 2), n3);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "1,2,3,4,5");
    /* "3" < "4": equal score 4 keeps it before "4" */
    cr_assert_eq(mr_zsl_update_score(z, n3, 4), n3);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "1,2,3,4,5");
    /* moves to the end, then the front */
    cr_assert_eq(mr_zsl_update_score(z, n3, 10), n3);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "1,2,4,5,3");
    cr_assert_eq(mr_zsl_last(z), n3);
    check_invariants(z);
    cr_assert_eq(mr_zsl_update_score(z, n3, -INFINITY), n3);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "3,1,2,4,5");
    cr_assert_eq(mr_zsl_first(z), n3);
    cr_assert_null(mr_zsl_prev(n3));
    check_invariants(z);
    /* by (old score, member) */
    cr_assert_null(mr_zsl_update_score_of(z, 1, "5", 1, 0));
    mr_zsl_node_t *n5 = mr_zsl_update_score_of(z, 5, "5", 1, 1);
    cr_assert(is(n5, "5"));
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "3,1,5,2,4");
    size_t r;
    cr_assert(mr_zsl_rank(z, 1, "5", 1, false, &r));
    cr_assert_eq(r, 2);
    check_invariants(z);
    /* a single-node list */
    mr_zsl_t *one = mr_zsl_create(9);
    mr_zsl_node_t *o = ins(one, 1, "o");
    cr_assert_eq(mr_zsl_update_score(one, o, -7), o);
    cr_assert_eq(mr_zsl_node_score(mr_zsl_first(one)), -7);
    check_invariants(one);
    mr_zsl_free(one);
    mr_zsl_free(z);
}

Test(zskiplist, parse_lex_bound) {
    mr_zsl_lex_bound_t b;
    cr_assert(mr_zsl_parse_lex_bound("-", 1, &b));
    cr_assert_eq(b.kind, MR_ZSL_LEX_MINUS);
    cr_assert(mr_zsl_parse_lex_bound("+", 1, &b));
    cr_assert_eq(b.kind, MR_ZSL_LEX_PLUS);
    const char *s = "[ab\0c";
    cr_assert(mr_zsl_parse_lex_bound(s, 5, &b));
    cr_assert_eq(b.kind, MR_ZSL_LEX_INCL);
    cr_assert_eq(b.ptr, s + 1);
    cr_assert_eq(b.len, 4);
    cr_assert(mr_zsl_parse_lex_bound("(", 1, &b));
    cr_assert_eq(b.kind, MR_ZSL_LEX_EXCL);
    cr_assert_eq(b.len, 0);
    cr_assert(mr_zsl_parse_lex_bound("[", 1, &b));
    cr_assert_eq(b.kind, MR_ZSL_LEX_INCL);
    cr_assert_not(mr_zsl_parse_lex_bound("", 0, &b));
    cr_assert_not(mr_zsl_parse_lex_bound("a", 1, &b));
    cr_assert_not(mr_zsl_parse_lex_bound("-a", 2, &b));
    cr_assert_not(mr_zsl_parse_lex_bound("++", 2, &b));
    cr_assert_not(mr_zsl_parse_lex_bound("1", 1, &b));
}

Test(zskiplist, lex_ranges_match_redis) {
    /* Results checked against redis-server 7.0.15 with
     * ZADD y 0 a 0 ab 0 b 0 "a\x00" (literal backslash-x-0-0 member). */
    mr_zsl_t *z = mr_zsl_create(6);
    ins(z, 0, "a");
    ins(z, 0, "ab");
    ins(z, 0, "b");
    ins(z, 0, "a\\x00");
    struct {
        const char *min, *max, *first, *last;
    } cases[] = {
        {"-", "+", "a", "b"},
        {"[a", "(b", "a", "ab"},
        {"+", "+", NULL, NULL},
        {"-", "-", NULL, NULL},
        {"(a", "(a", NULL, NULL},
        {"[a", "[a", "a", "a"},
        {"[", "(a\\x00", "a", "a"},
        {"(a", "+", "a\\x00", "b"},
        {"-", "(a", NULL, NULL},
        {"-", "[a", "a", "a"},
        {"[b", "[a", NULL, NULL},
        {"+", "-", NULL, NULL},
        {"+", "[z", NULL, NULL},
        {"[z", "+", NULL, NULL},
        {"(", "[aa", "a", "a\\x00"},
        {"[aa", "[ab", "ab", "ab"},
        {"(ab", "(b", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        mr_zsl_lexrange_t r = lexr(cases[i].min, cases[i].max);
        mr_zsl_node_t *f = mr_zsl_first_in_lexrange(z, &r);
        mr_zsl_node_t *l = mr_zsl_last_in_lexrange(z, &r);
        if (!cases[i].first) {
            cr_assert_null(f, "case %zu", i);
            cr_assert_null(l, "case %zu", i);
        } else {
            cr_assert(is(f, cases[i].first), "case %zu first", i);
            cr_assert(is(l, cases[i].last), "case %zu last", i);
        }
    }
    mr_zsl_lexrange_t r = lexr("(a", "(a");
    cr_assert(mr_zsl_lexrange_is_empty(&r));
    r = lexr("[a", "[a");
    cr_assert_not(mr_zsl_lexrange_is_empty(&r));
    r = lexr("-", "+");
    cr_assert_not(mr_zsl_lexrange_is_empty(&r));
    r = lexr("[b", "[a");
    cr_assert(mr_zsl_lexrange_is_empty(&r));
    const char *empty[][2] = {{"(a", "[a"}, {"[a", "(a"}, {"-", "-"},
                              {"+", "+"}, {"+", "-"}, {"+", "[a"},
                              {"[a", "-"}, {"(", "("}};
    for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
        r = lexr(empty[i][0], empty[i][1]);
        cr_assert(mr_zsl_lexrange_is_empty(&r), "%s %s", empty[i][0], empty[i][1]);
    }
    const char *nonempty[][2] = {{"[", "["}, {"-", "[a"}, {"(a", "+"},
                                 {"[a", "[ab"}, {"(", "[a"}};
    for (size_t i = 0; i < sizeof(nonempty) / sizeof(nonempty[0]); i++) {
        r = lexr(nonempty[i][0], nonempty[i][1]);
        cr_assert_not(mr_zsl_lexrange_is_empty(&r), "%s %s", nonempty[i][0],
                      nonempty[i][1]);
    }
    mr_zsl_free(z);
}

Test(zskiplist, delete_ranges_with_callback) {
    mr_zsl_t *z = mr_zsl_create(7);
    for (int i = 0; i < 10; i++) {
        char m[16];
        snprintf(m, sizeof(m), "m%d", i);
        ins(z, i, m);
    }
    removed_log_t log = {0};
    mr_zsl_range_t r = rng(2, true, 5, false);
    cr_assert_eq(mr_zsl_delete_range(z, &r, on_removed, &log), 3);
    cr_assert_eq(log.count, 3);
    cr_assert_str_eq(log.buf, "m3,m4,m5");
    check_invariants(z);
    r = rng(2, true, 5, false); /* now empty by content */
    cr_assert_eq(mr_zsl_delete_range(z, &r, on_removed, &log), 0);
    r = rng(5, false, 2, false);
    cr_assert_eq(mr_zsl_delete_range(z, &r, NULL, NULL), 0);
    char buf[64];
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "m0,m1,m2,m6,m7,m8,m9");

    memset(&log, 0, sizeof(log));
    cr_assert_eq(mr_zsl_delete_rank_range(z, 1, 2, on_removed, &log), 2);
    cr_assert_str_eq(log.buf, "m1,m2");
    cr_assert_eq(mr_zsl_delete_rank_range(z, 3, 2, NULL, NULL), 0);
    cr_assert_eq(mr_zsl_delete_rank_range(z, 5, 9, NULL, NULL), 0);
    order_str(z, buf, sizeof(buf));
    cr_assert_str_eq(buf, "m0,m6,m7,m8,m9");
    memset(&log, 0, sizeof(log));
    cr_assert_eq(mr_zsl_delete_rank_range(z, 3, 100, on_removed, &log), 2);
    cr_assert_str_eq(log.buf, "m8,m9");
    cr_assert(is(mr_zsl_last(z), "m7"));
    check_invariants(z);

    /* lex delete on an all-equal-score list */
    mr_zsl_t *l = mr_zsl_create(8);
    const char *ms[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++) ins(l, 0, ms[i]);
    memset(&log, 0, sizeof(log));
    mr_zsl_lexrange_t lr = lexr("(a", "[c");
    cr_assert_eq(mr_zsl_delete_lexrange(l, &lr, on_removed, &log), 2);
    cr_assert_str_eq(log.buf, "b,c");
    lr = lexr("(a", "[c");
    cr_assert_eq(mr_zsl_delete_lexrange(l, &lr, on_removed, &log), 0);
    lr = lexr("-", "-");
    cr_assert_eq(mr_zsl_delete_lexrange(l, &lr, NULL, NULL), 0);
    lr = lexr("-", "+");
    cr_assert_eq(mr_zsl_delete_lexrange(l, &lr, NULL, NULL), 3);
    cr_assert_eq(mr_zsl_length(l), 0);
    cr_assert_null(mr_zsl_first(l));
    cr_assert_null(mr_zsl_last(l));
    check_invariants(l);
    mr_zsl_free(l);

    /* everything at once */
    r = rng(-INFINITY, false, INFINITY, false);
    cr_assert_eq(mr_zsl_delete_range(z, &r, NULL, NULL), 3);
    cr_assert_eq(mr_zsl_length(z), 0);
    cr_assert_eq(z->level, 1);
    check_invariants(z);
    mr_zsl_free(z);
}

Test(zskiplist, seed_determines_shape) {
    mr_zsl_t *a = mr_zsl_create(42), *b = mr_zsl_create(42),
             *c = mr_zsl_create(43);
    for (int i = 0; i < 200; i++) {
        char m[16];
        snprintf(m, sizeof(m), "%d", i);
        ins(a, i, m);
        ins(b, i, m);
        ins(c, i, m);
    }
    bool differs = false;
    for (mr_zsl_node_t *x = mr_zsl_first(a), *y = mr_zsl_first(b),
                       *w = mr_zsl_first(c);
         x; x = mr_zsl_next(x), y = mr_zsl_next(y), w = mr_zsl_next(w)) {
        cr_assert_eq(x->nlevel, y->nlevel);
        if (x->nlevel != w->nlevel) differs = true;
    }
    cr_assert(differs);
    mr_zsl_free(a);
    mr_zsl_free(b);
    mr_zsl_free(c);
}

Test(zskiplist, node_memory_and_levels) {
    /* one allocation per node; a level-1 node with a 16-byte member needs
     * 24 (header) + 16 (one link) + 16 (member) = 56 bytes. */
    cr_assert_eq(sizeof(mr_zsl_node_t), 24);
    mr_zsl_t *z = mr_zsl_create(11);
    size_t level_count[MR_ZSL_MAX_LEVEL + 1] = {0};
    size_t usable1 = 0;
    for (int i = 0; i < 20000; i++) {
        char m[32];
        snprintf(m, sizeof(m), "member:%09d", i);
        mr_zsl_node_t *n = mr_zsl_insert(z, i % 100, m, 16);
        level_count[n->nlevel]++;
        if (n->nlevel == 1 && !usable1) usable1 = malloc_usable_size(n);
    }
    cr_log_info("level-1 node, 16-byte member: %zu usable bytes", usable1);
    cr_assert(usable1 >= 56 && usable1 <= 64);
    /* p = 1/4: about 3/4 of nodes at level 1, 3/16 at level 2 */
    cr_assert(level_count[1] > 14000 && level_count[1] < 16000);
    cr_assert(level_count[2] > 3200 && level_count[2] < 4300);
    cr_assert(z->level >= 6 && z->level <= 12);
    size_t r;
    cr_assert(mr_zsl_rank(z, 99, "member:000019999", 16, false, &r));
    cr_assert_eq(r, 19999);
    cr_assert(mr_zsl_rank(z, 0, "member:000000000", 16, false, &r));
    cr_assert_eq(r, 0);
    /* 200 members share score 0, so rank 200 is the first of score 1 */
    cr_assert(mem_is(mr_zsl_node_by_rank(z, 200), "member:000000001", 16));
    mr_zsl_free(z);
}

/* ---- randomized comparison with a sorted array ---- */

#define POOL 400

typedef struct model_el {
    double score;
    int id; /* index into the member pool */
} model_el_t;

static char pool_mem[POOL][8];
static size_t pool_len[POOL];

static void make_pool(void) {
    /* distinct small binary strings with many shared prefixes, NULs and
     * high bytes; duplicates are skipped by construction (id encoded). */
    static const char alpha[] = {'a', 'b', '\0', '\xff'};
    for (int i = 0; i < POOL; i++) {
        /* base-4 digits of i+1 give a unique string over the alphabet; the
         * leading digit is kept so lengths vary from 1 to 5 */
        int v = i + 1, len = 0;
        char tmp[8];
        while (v) {
            tmp[len++] = alpha[v % 4];
            v /= 4;
        }
        memcpy(pool_mem[i], tmp, (size_t)len);
        pool_len[i] = (size_t)len;
    }
    /* the empty member too ("b", id 0, occurs nowhere else) */
    pool_len[0] = 0;
}

static uint64_t rnd_state;
static uint64_t rnd(void) {
    uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static size_t rnd_n(size_t n) { return (size_t)(rnd() % n); }

static int mcmp(int a, int b) {
    size_t la = pool_len[a], lb = pool_len[b], k = la < lb ? la : lb;
    int c = k ? memcmp(pool_mem[a], pool_mem[b], k) : 0;
    if (c) return c;
    return la < lb ? -1 : la > lb ? 1 : 0;
}

static int el_cmp(const model_el_t *x, double score, int id) {
    if (x->score < score) return -1;
    if (x->score > score) return 1;
    return mcmp(x->id, id);
}

typedef struct model {
    model_el_t el[POOL];
    size_t n;
    double score_of[POOL];
    bool present[POOL];
} model_t;

static size_t model_pos(const model_t *m, double score, int id) {
    size_t i = 0;
    while (i < m->n && el_cmp(&m->el[i], score, id) < 0) i++;
    return i;
}

static void model_insert(model_t *m, double score, int id) {
    size_t i = model_pos(m, score, id);
    memmove(&m->el[i + 1], &m->el[i], (m->n - i) * sizeof(m->el[0]));
    m->el[i].score = score;
    m->el[i].id = id;
    m->n++;
    m->present[id] = true;
    m->score_of[id] = score;
}

static void model_remove_at(model_t *m, size_t i) {
    m->present[m->el[i].id] = false;
    memmove(&m->el[i], &m->el[i + 1], (m->n - i - 1) * sizeof(m->el[0]));
    m->n--;
}

static bool node_is(const mr_zsl_node_t *n, const model_el_t *e) {
    return n && mem_is(n, pool_mem[e->id], pool_len[e->id]) &&
           memcmp(&n->score, &e->score, sizeof(double)) == 0;
}

static const double score_set[] = {-INFINITY, -3, -1.5, -0.0, 0.0, 0.0,
                                   1, 1, 2, 2.5, 7, INFINITY};
#define NSCORES (sizeof(score_set) / sizeof(score_set[0]))

static double rnd_score(bool all_zero) {
    if (all_zero) return rnd_n(2) ? 0.0 : -0.0;
    if (rnd_n(4) == 0) return (double)((int)rnd_n(41) - 20) / 4;
    return score_set[rnd_n(NSCORES)];
}

static mr_zsl_range_t rnd_range(void) {
    mr_zsl_range_t r;
    r.min = rnd_n(5) ? score_set[rnd_n(NSCORES)] : (double)((int)rnd_n(9) - 4) / 2;
    r.max = rnd_n(5) ? score_set[rnd_n(NSCORES)] : (double)((int)rnd_n(9) - 4) / 2;
    if (rnd_n(4) && r.min > r.max) {
        double t = r.min;
        r.min = r.max;
        r.max = t;
    }
    r.minex = rnd_n(2);
    r.maxex = rnd_n(2);
    return r;
}

static bool in_range(double v, const mr_zsl_range_t *r) {
    return (r->minex ? v > r->min : v >= r->min) &&
           (r->maxex ? v < r->max : v <= r->max);
}

/* A random lex bound over pool members (or '-'/'+'); the bytes live in the
 * static pool so the bound can borrow them. */
static mr_zsl_lex_bound_t rnd_lex_bound(void) {
    mr_zsl_lex_bound_t b;
    switch (rnd_n(6)) {
    case 0: b.kind = MR_ZSL_LEX_MINUS; b.ptr = NULL; b.len = 0; return b;
    case 1: b.kind = MR_ZSL_LEX_PLUS; b.ptr = NULL; b.len = 0; return b;
    default: {
        int id = (int)rnd_n(POOL);
        b.kind = rnd_n(2) ? MR_ZSL_LEX_INCL : MR_ZSL_LEX_EXCL;
        b.ptr = pool_mem[id];
        b.len = pool_len[id];
        return b;
    }
    }
}

static int bound_cmp_member(int id, const mr_zsl_lex_bound_t *b) {
    /* member vs bound: <0, 0, >0 ('-' below all, '+' above all) */
    if (b->kind == MR_ZSL_LEX_MINUS) return 1;
    if (b->kind == MR_ZSL_LEX_PLUS) return -1;
    size_t la = pool_len[id], k = la < b->len ? la : b->len;
    int c = k ? memcmp(pool_mem[id], b->ptr, k) : 0;
    if (c) return c;
    return la < b->len ? -1 : la > b->len ? 1 : 0;
}

static bool in_lexrange(int id, const mr_zsl_lexrange_t *r) {
    int cmin = bound_cmp_member(id, &r->min), cmax = bound_cmp_member(id, &r->max);
    bool ok_min = r->min.kind == MR_ZSL_LEX_EXCL ? cmin > 0 : cmin >= 0;
    bool ok_max = r->max.kind == MR_ZSL_LEX_EXCL ? cmax < 0 : cmax <= 0;
    if (r->min.kind == MR_ZSL_LEX_PLUS || r->max.kind == MR_ZSL_LEX_MINUS)
        return false;
    return ok_min && ok_max;
}

typedef struct rm_check {
    model_t *m;
    size_t seen;
    bool ok;
} rm_check_t;

/* Range-delete callback: the node must be a present model member; mark it
 * gone so the model and the list can be compared afterwards. */
static void rm_cb(void *ctx, const mr_zsl_node_t *n) {
    rm_check_t *c = ctx;
    c->seen++;
    for (size_t i = 0; i < c->m->n; i++) {
        if (node_is(n, &c->m->el[i])) {
            model_remove_at(c->m, i);
            return;
        }
    }
    c->ok = false;
}

static void compare(const mr_zsl_t *z, const model_t *m, bool lex) {
    cr_assert_eq(mr_zsl_length(z), m->n);
    mr_zsl_node_t *n = mr_zsl_first(z);
    for (size_t i = 0; i < m->n; i++, n = mr_zsl_next(n))
        cr_assert(node_is(n, &m->el[i]), "forward %zu", i);
    cr_assert_null(n);
    n = mr_zsl_last(z);
    for (size_t i = m->n; i-- > 0; n = mr_zsl_prev(n))
        cr_assert(node_is(n, &m->el[i]), "backward %zu", i);
    cr_assert_null(n);
    for (int k = 0; k < 6 && m->n; k++) {
        size_t i = rnd_n(m->n);
        const model_el_t *e = &m->el[i];
        size_t r = 0;
        cr_assert(mr_zsl_rank(z, e->score, pool_mem[e->id], pool_len[e->id],
                              false, &r));
        cr_assert_eq(r, i);
        cr_assert(mr_zsl_rank(z, e->score, pool_mem[e->id], pool_len[e->id],
                              true, &r));
        cr_assert_eq(r, m->n - 1 - i);
        cr_assert(node_is(mr_zsl_node_by_rank(z, i), e));
        cr_assert(node_is(mr_zsl_find(z, e->score, pool_mem[e->id],
                                      pool_len[e->id]), e));
    }
    cr_assert_null(mr_zsl_node_by_rank(z, m->n));
    /* an absent member, and a present one with a wrong score */
    int id = (int)rnd_n(POOL);
    size_t r;
    if (!m->present[id]) {
        cr_assert_not(mr_zsl_rank(z, 1, pool_mem[id], pool_len[id], false, &r));
    } else if (!lex) {
        double wrong = m->score_of[id] == 7 ? 2 : 7;
        cr_assert_not(mr_zsl_rank(z, wrong, pool_mem[id], pool_len[id], false, &r));
    }
    for (int k = 0; k < 4; k++) {
        mr_zsl_range_t rg = rnd_range();
        size_t first = SIZE_MAX, last = SIZE_MAX;
        for (size_t i = 0; i < m->n; i++)
            if (in_range(m->el[i].score, &rg)) {
                if (first == SIZE_MAX) first = i;
                last = i;
            }
        mr_zsl_node_t *f = mr_zsl_first_in_range(z, &rg);
        mr_zsl_node_t *l = mr_zsl_last_in_range(z, &rg);
        if (first == SIZE_MAX) {
            cr_assert_null(f);
            cr_assert_null(l);
        } else {
            cr_assert(node_is(f, &m->el[first]));
            cr_assert(node_is(l, &m->el[last]));
        }
    }
    if (!lex) return;
    for (int k = 0; k < 4; k++) {
        mr_zsl_lexrange_t lr = {rnd_lex_bound(), rnd_lex_bound()};
        size_t first = SIZE_MAX, last = SIZE_MAX;
        for (size_t i = 0; i < m->n; i++)
            if (in_lexrange(m->el[i].id, &lr)) {
                if (first == SIZE_MAX) first = i;
                last = i;
            }
        mr_zsl_node_t *f = mr_zsl_first_in_lexrange(z, &lr);
        mr_zsl_node_t *l = mr_zsl_last_in_lexrange(z, &lr);
        if (first == SIZE_MAX) {
            cr_assert_null(f);
            cr_assert_null(l);
        } else {
            cr_assert(node_is(f, &m->el[first]));
            cr_assert(node_is(l, &m->el[last]));
        }
    }
}

/* One randomized run. `lex`: every score is 0.0 or -0.0, so lex ranges are
 * meaningful and exercised too. */
static void random_run(uint64_t seed, int steps, bool lex) {
    rnd_state = seed;
    make_pool();
    static model_t m;
    memset(&m, 0, sizeof(m));
    mr_zsl_t *z = mr_zsl_create(seed ^ 0x5a5a);
    size_t max_n = 0;
    for (int step = 0; step < steps; step++) {
        /* alternate growth phases (upserts win, the list reaches a few
         * hundred elements and several levels) and shrinking phases */
        bool grow = (step / 1500) % 2 == 0;
        size_t op = rnd_n(100), upsert_end = grow ? 60 : 30;
        int id = (int)rnd_n(POOL);
        if (op < upsert_end) {
            double s = rnd_score(lex);
            if (!m.present[id]) {
                mr_zsl_node_t *n = mr_zsl_insert(z, s, pool_mem[id], pool_len[id]);
                cr_assert(mem_is(n, pool_mem[id], pool_len[id]));
                model_insert(&m, s, id);
            } else {
                mr_zsl_node_t *n =
                    mr_zsl_find(z, m.score_of[id], pool_mem[id], pool_len[id]);
                cr_assert_not_null(n);
                mr_zsl_node_t *u = rnd_n(2) ? mr_zsl_update_score(z, n, s)
                                            : mr_zsl_update_score_of(
                                                  z, m.score_of[id], pool_mem[id],
                                                  pool_len[id], s);
                cr_assert_eq(u, n); /* same node, moved or not */
                model_remove_at(&m, model_pos(&m, m.score_of[id], id));
                model_insert(&m, s, id);
            }
        } else if (op < 80) {
            bool was = m.present[id];
            double s = was ? m.score_of[id] : rnd_score(lex);
            cr_assert_eq(mr_zsl_delete(z, s, pool_mem[id], pool_len[id]), was);
            if (was) model_remove_at(&m, model_pos(&m, s, id));
        } else if (op < 96) {
            /* near-in-place score nudges (often keep the order) */
            if (m.n) {
                model_el_t e = m.el[rnd_n(m.n)];
                double s = lex ? rnd_score(true) : e.score + (rnd_n(2) ? 0.25 : -0.25);
                mr_zsl_node_t *n =
                    mr_zsl_find(z, e.score, pool_mem[e.id], pool_len[e.id]);
                cr_assert_eq(mr_zsl_update_score(z, n, s), n);
                model_remove_at(&m, model_pos(&m, e.score, e.id));
                model_insert(&m, s, e.id);
            }
        } else {
            /* range deletes, checked through the callback and the count */
            rm_check_t c = {&m, 0, true};
            size_t before = m.n, count = 0, expect = 0;
            size_t kind = rnd_n(lex ? 3 : 2);
            if (kind == 0) {
                mr_zsl_range_t rg = rnd_range();
                for (size_t i = 0; i < m.n; i++) expect += in_range(m.el[i].score, &rg);
                count = mr_zsl_delete_range(z, &rg, rm_cb, &c);
            } else if (kind == 1) {
                size_t a = rnd_n(m.n + 3), b = a + rnd_n(12);
                if (rnd_n(8) == 0) b = a ? a - 1 : 0; /* start > end sometimes */
                if (a < m.n && a <= b) expect = (b < m.n ? b : m.n - 1) - a + 1;
                /* check the exact members removed: remember them first */
                model_el_t want[16];
                size_t nw = 0;
                for (size_t i = a; i <= b && i < m.n && nw < 16; i++) want[nw++] = m.el[i];
                cr_assert_eq(nw, expect);
                count = mr_zsl_delete_rank_range(z, a, b, rm_cb, &c);
                for (size_t i = 0; i < nw; i++) cr_assert_not(m.present[want[i].id]);
            } else {
                mr_zsl_lexrange_t lr = {rnd_lex_bound(), rnd_lex_bound()};
                for (size_t i = 0; i < m.n; i++) expect += in_lexrange(m.el[i].id, &lr);
                count = mr_zsl_delete_lexrange(z, &lr, rm_cb, &c);
            }
            cr_assert(c.ok, "callback got a node the model does not hold");
            cr_assert_eq(count, expect, "step %d kind %zu", step, kind);
            cr_assert_eq(c.seen, count);
            cr_assert_eq(m.n, before - count);
        }
        compare(z, &m, lex);
        if (m.n > max_n) max_n = m.n;
        if (step % 64 == 0) check_invariants(z);
    }
    cr_log_info("%d steps, up to %zu elements, %zu at the end", steps, max_n, m.n);
    cr_assert(max_n > 100); /* the run really exercised a multi-level list */
    check_invariants(z);
    mr_zsl_free(z);
}

Test(zskiplist, random_vs_model_scores, .timeout = 60) {
    random_run(12345, 20000, false);
}

Test(zskiplist, random_vs_model_lex, .timeout = 60) {
    random_run(777, 12000, true);
}
