/* The sorted set value (src/types/zset.c) on its own: each operation in
 * both encodings on hand-made sets, the conversion rules, the score
 * parsers against Redis's acceptance rules, then randomized runs mirrored
 * on a plain sorted array (the reference model) with small limits, so the
 * runs cross the listpack -> skiplist conversion many times. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"
#include "types/zset.h"

static const mr_zset_limits_t BIG = {128, 64};

static void setup(void) {
    uint8_t seed[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
    mr_hash_init(seed);
}

TestSuite(zset, .init = setup);

static unsigned add(mr_zset_t *zs, double s, const char *m) {
    return mr_zset_add(zs, &BIG, s, m, strlen(m), 0, NULL);
}

/* "m:s,m:s,..." in walk order (%.17g scores), for compact assertions. */
static const char *dump(mr_zset_t *zs, bool rev) {
    static char buf[8192];
    size_t o = 0;
    buf[0] = '\0';
    mr_zset_it_t it;
    mr_zset_it_start_rank(&it, zs, 0, rev);
    while (mr_zset_it_next(&it)) {
        int w = snprintf(buf + o, sizeof buf - o, "%s%.*s:%.17g", o ? "," : "",
                         (int)it.member.len, it.member.ptr, it.score);
        cr_assert(w > 0 && (size_t)w < sizeof buf - o);
        o += (size_t)w;
    }
    return buf;
}

static mr_zset_t *make(bool skiplist) {
    return skiplist ? mr_zset_new_skiplist() : mr_zset_new();
}

static mr_zsl_range_t rng(double min, bool minex, double max, bool maxex) {
    return (mr_zsl_range_t){.min = min, .max = max, .minex = minex,
                            .maxex = maxex};
}

static mr_zsl_lexrange_t lexr(const char *min, const char *max) {
    mr_zsl_lexrange_t r;
    cr_assert(mr_zset_parse_lex_end(min, strlen(min), &r.min));
    cr_assert(mr_zset_parse_lex_end(max, strlen(max), &r.max));
    return r;
}

/* ---- both encodings, same answers ---- */

static void basic(bool sl) {
    mr_zset_t *zs = make(sl);
    cr_assert_str_eq(mr_zset_encoding_name(zs), sl ? "skiplist" : "listpack");
    cr_assert_eq(add(zs, 2, "b"), MR_ZADD_ADDED);
    cr_assert_eq(add(zs, 1, "a"), MR_ZADD_ADDED);
    cr_assert_eq(add(zs, 2, "aa"), MR_ZADD_ADDED);
    cr_assert_eq(add(zs, 0.5, "123"), MR_ZADD_ADDED); /* integer member */
    cr_assert_eq(add(zs, 2, "b"), 0);                 /* same score */
    cr_assert_str_eq(dump(zs, false), "123:0.5,a:1,aa:2,b:2");
    cr_assert_str_eq(dump(zs, true), "b:2,aa:2,a:1,123:0.5");
    cr_assert_eq(mr_zset_len(zs), 4);
    double s;
    cr_assert(mr_zset_score(zs, "123", 3, &s) && s == 0.5);
    cr_assert(!mr_zset_score(zs, "12", 2, &s));
    size_t r;
    cr_assert(mr_zset_rank(zs, "aa", 2, false, &r) && r == 2);
    cr_assert(mr_zset_rank(zs, "aa", 2, true, &r) && r == 1);
    cr_assert(!mr_zset_rank(zs, "zz", 2, false, &r));
    /* an update moves the member */
    cr_assert_eq(add(zs, -1, "b"), MR_ZADD_UPDATED);
    cr_assert_str_eq(dump(zs, false), "b:-1,123:0.5,a:1,aa:2");
    cr_assert(mr_zset_delete(zs, "a", 1));
    cr_assert(!mr_zset_delete(zs, "a", 1));
    cr_assert_str_eq(dump(zs, false), "b:-1,123:0.5,aa:2");
    mr_buf_t m = {0};
    cr_assert(mr_zset_pop_end(zs, true, &m, &s));
    cr_assert(m.len == 2 && memcmp(m.data, "aa", 2) == 0 && s == 2);
    cr_assert(mr_zset_pop_end(zs, false, &m, &s));
    cr_assert(m.len == 1 && m.data[0] == 'b' && s == -1);
    cr_assert(mr_zset_pop_end(zs, false, &m, &s));
    cr_assert(!mr_zset_pop_end(zs, false, &m, &s));
    cr_assert_eq(mr_zset_len(zs), 0);
    mr_buf_free(&m);
    mr_zset_free(zs);
}

Test(zset, basic_listpack) { basic(false); }
Test(zset, basic_skiplist) { basic(true); }

static void flags(bool sl) {
    mr_zset_t *zs = make(sl);
    double ns = 0;
    add(zs, 5, "m");
    cr_assert_eq(mr_zset_add(zs, &BIG, 1, "m", 1, MR_ZADD_NX, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, 1, "n", 1, MR_ZADD_XX, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, 4, "m", 1, MR_ZADD_GT, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, 5, "m", 1, MR_ZADD_GT, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, 6, "m", 1, MR_ZADD_GT, &ns),
                 MR_ZADD_UPDATED);
    cr_assert_eq(ns, 6);
    cr_assert_eq(mr_zset_add(zs, &BIG, 7, "m", 1, MR_ZADD_LT, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, 2, "m", 1, MR_ZADD_LT | MR_ZADD_XX,
                             &ns),
                 MR_ZADD_UPDATED);
    /* GT and LT add new members whatever their score */
    cr_assert_eq(mr_zset_add(zs, &BIG, -9, "g", 1, MR_ZADD_GT, &ns),
                 MR_ZADD_ADDED);
    cr_assert_eq(mr_zset_add(zs, &BIG, 1.5, "m", 1, MR_ZADD_INCR, &ns),
                 MR_ZADD_UPDATED);
    cr_assert_eq(ns, 3.5);
    cr_assert_eq(mr_zset_add(zs, &BIG, 0, "m", 1, MR_ZADD_INCR, &ns), 0);
    cr_assert_eq(ns, 3.5);
    cr_assert_eq(mr_zset_add(zs, &BIG, -1, "m", 1,
                             MR_ZADD_INCR | MR_ZADD_GT, &ns),
                 MR_ZADD_NOP);
    cr_assert_eq(mr_zset_add(zs, &BIG, INFINITY, "m", 1, MR_ZADD_INCR, &ns),
                 MR_ZADD_UPDATED);
    cr_assert_eq(mr_zset_add(zs, &BIG, -INFINITY, "m", 1, MR_ZADD_INCR, &ns),
                 MR_ZADD_NAN);
    double s;
    cr_assert(mr_zset_score(zs, "m", 1, &s) && isinf(s) && s > 0);
    cr_assert_str_eq(dump(zs, false), "g:-9,m:inf");
    mr_zset_free(zs);
}

Test(zset, flags_listpack) { flags(false); }
Test(zset, flags_skiplist) { flags(true); }

/* The listpack stores whole numbers as integers, so -0 reads back as 0
 * there (as Redis's listpack does); the skip list keeps the sign. */
Test(zset, negative_zero) {
    mr_zset_t *lp = mr_zset_new(), *sl = mr_zset_new_skiplist();
    add(lp, -0.0, "z");
    add(sl, -0.0, "z");
    double a, b;
    cr_assert(mr_zset_score(lp, "z", 1, &a) && a == 0 && !signbit(a));
    cr_assert(mr_zset_score(sl, "z", 1, &b) && b == 0 && signbit(b));
    /* 0 and -0 are the same score: no update either way */
    cr_assert_eq(add(sl, 0.0, "z"), 0);
    cr_assert(mr_zset_score(sl, "z", 1, &b) && signbit(b));
    mr_zset_free(lp);
    mr_zset_free(sl);
}

/* Scores that are not small whole numbers survive the listpack exactly. */
Test(zset, listpack_scores_exact) {
    static const double v[] = {0.1, 1e300, -1e-300, 4503599627370496.0,
                               -4503599627370496.0, 9007199254740993.0,
                               INFINITY, -INFINITY, 4.9406564584124654e-324,
                               123456789.0, -7.0, 2.5};
    mr_zset_t *zs = mr_zset_new();
    char m[24];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(m, sizeof m, "m%zu", i);
        add(zs, v[i], m);
    }
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(m, sizeof m, "m%zu", i);
        double s;
        cr_assert(mr_zset_score(zs, m, strlen(m), &s));
        cr_assert(memcmp(&s, &v[i], sizeof s) == 0, "%s: %.17g != %.17g", m,
                  s, v[i]);
    }
    cr_assert_str_eq(mr_zset_encoding_name(zs), "listpack");
    mr_zset_free(zs);
}

static void ranges(bool sl) {
    mr_zset_t *zs = make(sl);
    add(zs, 1, "a");
    add(zs, 2, "b");
    add(zs, 2, "c");
    add(zs, 3, "d");
    add(zs, INFINITY, "e");
    mr_zsl_range_t r = rng(2, false, 3, true);
    cr_assert_eq(mr_zset_count_range(zs, &r), 2);
    r = rng(-INFINITY, false, INFINITY, false);
    cr_assert_eq(mr_zset_count_range(zs, &r), 5);
    r = rng(3, false, 2, false);
    cr_assert_eq(mr_zset_count_range(zs, &r), 0);
    r = rng(2, true, 2, false);
    cr_assert_eq(mr_zset_count_range(zs, &r), 0);
    /* the start of a walk in each direction */
    mr_zset_it_t it;
    r = rng(1, true, 3, false);
    mr_zset_it_start_score(&it, zs, &r, false);
    cr_assert(mr_zset_it_next(&it) && it.member.ptr[0] == 'b');
    mr_zset_it_start_score(&it, zs, &r, true);
    cr_assert(mr_zset_it_next(&it) && it.member.ptr[0] == 'd');
    r = rng(10, false, 20, false);
    mr_zset_it_start_score(&it, zs, &r, false);
    cr_assert(!mr_zset_it_next(&it));
    mr_zset_it_start_rank(&it, zs, 4, true);
    cr_assert(mr_zset_it_next(&it) && it.member.ptr[0] == 'a');
    mr_zset_it_start_rank(&it, zs, 5, false);
    cr_assert(!mr_zset_it_next(&it));
    r = rng(2, false, 2, false);
    cr_assert_eq(mr_zset_delete_range(zs, &r), 2);
    cr_assert_str_eq(dump(zs, false), "a:1,d:3,e:inf");
    cr_assert_eq(mr_zset_delete_rank_range(zs, 1, 5), 2);
    cr_assert_str_eq(dump(zs, false), "a:1");
    mr_zset_free(zs);
}

Test(zset, ranges_listpack) { ranges(false); }
Test(zset, ranges_skiplist) { ranges(true); }

static void lex(bool sl) {
    mr_zset_t *zs = make(sl);
    const char *m[] = {"a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < 7; i++) add(zs, 0, m[i]);
    mr_zsl_lexrange_t r = lexr("[b", "(e");
    cr_assert_eq(mr_zset_count_lexrange(zs, &r), 3);
    r = lexr("-", "+");
    cr_assert_eq(mr_zset_count_lexrange(zs, &r), 7);
    r = lexr("+", "-");
    cr_assert_eq(mr_zset_count_lexrange(zs, &r), 0);
    r = lexr("(b", "(b");
    cr_assert_eq(mr_zset_count_lexrange(zs, &r), 0);
    r = lexr("[b", "[b");
    cr_assert_eq(mr_zset_count_lexrange(zs, &r), 1);
    mr_zset_it_t it;
    r = lexr("(a", "[c");
    mr_zset_it_start_lex(&it, zs, &r, true);
    cr_assert(mr_zset_it_next(&it) && it.member.ptr[0] == 'c');
    r = lexr("[c", "+");
    cr_assert_eq(mr_zset_delete_lexrange(zs, &r), 5);
    cr_assert_str_eq(dump(zs, false), "a:0,b:0");
    mr_zset_free(zs);
}

Test(zset, lex_listpack) { lex(false); }
Test(zset, lex_skiplist) { lex(true); }

/* ---- encodings ---- */

Test(zset, converts_on_entries_and_value_length) {
    mr_zset_limits_t lim = {3, 4};
    mr_zset_t *zs = mr_zset_new();
    for (int i = 0; i < 3; i++) {
        char m[24];
        snprintf(m, sizeof m, "m%d", i);
        mr_zset_add(zs, &lim, i, m, strlen(m), 0, NULL);
    }
    cr_assert_str_eq(mr_zset_encoding_name(zs), "listpack");
    /* updates and refused adds never convert */
    mr_zset_add(zs, &lim, 9, "m0", 2, 0, NULL);
    mr_zset_add(zs, &lim, 9, "longer", 6, MR_ZADD_XX, NULL);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "listpack");
    mr_zset_add(zs, &lim, 3, "m3", 2, 0, NULL);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "skiplist");
    cr_assert_str_eq(dump(zs, false), "m1:1,m2:2,m3:3,m0:9");
    mr_zset_free(zs);

    zs = mr_zset_new();
    mr_zset_add(zs, &lim, 1, "abcd", 4, 0, NULL);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "listpack");
    mr_zset_add(zs, &lim, 2, "abcde", 5, 0, NULL);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "skiplist");
    /* never back by itself, even when small again */
    mr_zset_delete(zs, "abcde", 5);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "skiplist");
    mr_zset_shrink_if_fits(zs, &lim);
    cr_assert_str_eq(mr_zset_encoding_name(zs), "listpack");
    cr_assert_str_eq(dump(zs, false), "abcd:1");
    mr_zset_free(zs);
}

Test(zset, dup_keeps_encoding_and_is_independent) {
    for (int sl = 0; sl < 2; sl++) {
        mr_zset_t *zs = make(sl);
        add(zs, 1, "a");
        add(zs, 2, "b");
        add(zs, 2.5, "c");
        mr_zset_t *copy = mr_zset_dup(zs);
        cr_assert_str_eq(mr_zset_encoding_name(copy),
                         mr_zset_encoding_name(zs));
        char before[256];
        snprintf(before, sizeof before, "%s", dump(zs, false));
        cr_assert_str_eq(dump(copy, false), before);
        add(zs, 10, "a");
        mr_zset_delete(zs, "b", 1);
        cr_assert_str_eq(dump(copy, false), before);
        size_t r;
        cr_assert(mr_zset_rank(copy, "c", 1, false, &r) && r == 2);
        mr_zset_free(zs);
        mr_zset_free(copy);
    }
}

Test(zset, from_table_picks_encoding) {
    mr_zset_limits_t lim = {4, 8};
    for (int n = 1; n <= 6; n++) {
        mr_ft_t *acc = mr_ft_create(MR_FT_ZSET);
        for (int i = 0; i < n; i++) {
            char m[24];
            snprintf(m, sizeof m, "m%d", i);
            mr_ft_set_score(mr_ft_add(acc, m, strlen(m)), n - i);
        }
        mr_zset_t *zs = mr_zset_from_table(acc, &lim);
        cr_assert_str_eq(mr_zset_encoding_name(zs),
                         n <= 4 ? "listpack" : "skiplist");
        cr_assert_eq(mr_zset_len(zs), (size_t)n);
        mr_zset_it_t it;
        mr_zset_it_start_rank(&it, zs, 0, false);
        double last = -INFINITY;
        while (mr_zset_it_next(&it)) {
            cr_assert(it.score >= last);
            last = it.score;
            double s;
            cr_assert(mr_zset_score(zs, it.member.ptr, it.member.len, &s));
            cr_assert_eq(s, it.score);
        }
        mr_zset_free(zs);
    }
}

static uint64_t fixed_rnd_state = 1;
static uint64_t fixed_rnd(void) {
    fixed_rnd_state = fixed_rnd_state * 6364136223846793005ULL + 1;
    return fixed_rnd_state >> 11;
}

Test(zset, random_member_is_a_member) {
    for (int sl = 0; sl < 2; sl++) {
        mr_zset_t *zs = make(sl);
        add(zs, 1, "a");
        add(zs, 2, "77");
        add(zs, 3, "c");
        int seen[3] = {0};
        for (int i = 0; i < 300; i++) {
            mr_str_t m;
            char buf[MR_LP_INTBUF];
            double s;
            mr_zset_random(zs, fixed_rnd, &m, buf, &s);
            double want;
            cr_assert(mr_zset_score(zs, m.ptr, m.len, &want));
            cr_assert_eq(s, want);
            seen[(int)s - 1]++;
        }
        for (int i = 0; i < 3; i++) cr_assert(seen[i] > 50);
        mr_zset_free(zs);
    }
}

/* ---- parsing ---- */

Test(zset, parse_score_is_string2d) {
    static const struct { const char *s; bool ok; double v; } c[] = {
        {"1", true, 1},        {"-1.5", true, -1.5}, {"inf", true, INFINITY},
        {"+inf", true, INFINITY}, {"-inf", true, -INFINITY},
        {"infinity", true, INFINITY}, {"0x10", true, 16}, {"1e10", true, 1e10},
        {".5", true, 0.5},     {"5.", true, 5},      {"+5", true, 5},
        {"", false, 0},        {" 1", false, 0},     {"1 ", false, 0},
        {"\t1", false, 0},     {"nan", false, 0},    {"-nan", false, 0},
        {"1e400", false, 0},   {"1e-400", false, 0}, {"abc", false, 0},
        {"1_0", false, 0},     {"0.5e-320", true, 0.5e-320},
        /* the plain-integer shortcut agrees with strtod */
        {"000000012345", true, 12345}, {"-0", true, -0.0}, {"+7", true, 7},
        {"999999999999999", true, 999999999999999.0},
        {"9999999999999999", true, 1e16}, {"-", false, 0}, {"+", false, 0},
        {"12a", false, 0}, {"1.", true, 1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double v = 0;
        bool ok = mr_zset_parse_score(c[i].s, strlen(c[i].s), &v);
        cr_assert_eq(ok, c[i].ok, "'%s'", c[i].s);
        if (ok) {
            cr_assert_eq(v, c[i].v, "'%s'", c[i].s);
            cr_assert_eq(signbit(v), signbit(c[i].v), "'%s'", c[i].s);
        }
    }
    /* binary: a NUL inside is not the end of the number */
    double v;
    cr_assert(!mr_zset_parse_score("1\0", 2, &v));
    /* no length limit (Redis accepts 6000 leading zeros) */
    char *big = malloc(6002);
    memset(big, '0', 6000);
    big[6000] = '7';
    big[6001] = '\0';
    cr_assert(mr_zset_parse_score(big, 6001, &v) && v == 7);
    free(big);
}

Test(zset, parse_range_end_is_strtod) {
    static const struct { const char *s; bool ok, ex; double v; } c[] = {
        {"1", true, false, 1},     {"(1", true, true, 1},
        {"", true, false, 0},      {"(", true, true, 0},
        {" 1", true, false, 1},    {"1 ", false, false, 0},
        {"1e400", true, false, INFINITY}, {"(-inf", true, true, -INFINITY},
        {"nan", false, false, 0},  {"(nan", false, false, 0},
        {"[1", false, false, 0},   {"0x10", true, false, 16},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double v = -99;
        bool ex;
        bool ok = mr_zset_parse_range_end(c[i].s, strlen(c[i].s), &v, &ex);
        cr_assert_eq(ok, c[i].ok, "'%s'", c[i].s);
        if (ok) {
            cr_assert_eq(v, c[i].v, "'%s'", c[i].s);
            cr_assert_eq(ex, c[i].ex, "'%s'", c[i].s);
        }
    }
    /* the text ends at its first NUL, as in a C string */
    double v;
    bool ex;
    cr_assert(mr_zset_parse_range_end("2\0junk", 6, &v, &ex) && v == 2);
}

Test(zset, parse_lex_end) {
    mr_zsl_lex_bound_t b;
    cr_assert(mr_zset_parse_lex_end("-", 1, &b) && b.kind == MR_ZSL_LEX_MINUS);
    cr_assert(mr_zset_parse_lex_end("+", 1, &b) && b.kind == MR_ZSL_LEX_PLUS);
    cr_assert(mr_zset_parse_lex_end("+\0x", 3, &b) &&
              b.kind == MR_ZSL_LEX_PLUS);
    cr_assert(!mr_zset_parse_lex_end("+x", 2, &b));
    cr_assert(!mr_zset_parse_lex_end("", 0, &b));
    cr_assert(!mr_zset_parse_lex_end("a", 1, &b));
    cr_assert(mr_zset_parse_lex_end("[a\0b", 4, &b) &&
              b.kind == MR_ZSL_LEX_INCL && b.len == 3);
    cr_assert(mr_zset_parse_lex_end("(", 1, &b) && b.kind == MR_ZSL_LEX_EXCL &&
              b.len == 0);
}

/* ---- randomized against a model ---- */

#define MAXM 400

typedef struct model {
    char mem[MAXM][12];
    size_t len[MAXM];
    double score[MAXM];
    int n;
} model_t;

static int mcmp(const model_t *md, int i, double s, const char *m,
                size_t len) {
    if (md->score[i] < s) return -1;
    if (md->score[i] > s) return 1;
    size_t k = md->len[i] < len ? md->len[i] : len;
    int c = memcmp(md->mem[i], m, k);
    if (c) return c;
    return md->len[i] < len ? -1 : md->len[i] > len;
}

static int mfind(const model_t *md, const char *m, size_t len) {
    for (int i = 0; i < md->n; i++)
        if (md->len[i] == len && memcmp(md->mem[i], m, len) == 0) return i;
    return -1;
}

static void mdel(model_t *md, int i) {
    memmove(&md->mem[i], &md->mem[i + 1], (size_t)(md->n - i - 1) * 12);
    memmove(&md->len[i], &md->len[i + 1],
            (size_t)(md->n - i - 1) * sizeof md->len[0]);
    memmove(&md->score[i], &md->score[i + 1],
            (size_t)(md->n - i - 1) * sizeof md->score[0]);
    md->n--;
}

static void mins(model_t *md, double s, const char *m, size_t len) {
    int i = 0;
    while (i < md->n && mcmp(md, i, s, m, len) < 0) i++;
    memmove(&md->mem[i + 1], &md->mem[i], (size_t)(md->n - i) * 12);
    memmove(&md->len[i + 1], &md->len[i],
            (size_t)(md->n - i) * sizeof md->len[0]);
    memmove(&md->score[i + 1], &md->score[i],
            (size_t)(md->n - i) * sizeof md->score[0]);
    memcpy(md->mem[i], m, len);
    md->len[i] = len;
    md->score[i] = s;
    md->n++;
}

/* Redis's ZADD rules on the model; returns the expected outcome. */
static unsigned madd(model_t *md, double s, const char *m, size_t len,
                     unsigned flags, bool listpack) {
    int i = mfind(md, m, len);
    if (i < 0) {
        if (flags & MR_ZADD_XX) return MR_ZADD_NOP;
        mins(md, s, m, len);
        return MR_ZADD_ADDED;
    }
    if (flags & MR_ZADD_NX) return MR_ZADD_NOP;
    double cur = md->score[i];
    if (flags & MR_ZADD_INCR) {
        s += cur;
        if (isnan(s)) return MR_ZADD_NAN;
    }
    if (((flags & MR_ZADD_LT) && s >= cur) ||
        ((flags & MR_ZADD_GT) && s <= cur))
        return MR_ZADD_NOP;
    if (s == cur) return 0;
    mdel(md, i);
    mins(md, listpack && s == 0 ? 0.0 : s, m, len);
    return MR_ZADD_UPDATED;
}

static void check_same(mr_zset_t *zs, const model_t *md) {
    cr_assert_eq(mr_zset_len(zs), (size_t)md->n);
    mr_zset_it_t it;
    mr_zset_it_start_rank(&it, zs, 0, false);
    for (int i = 0; i < md->n; i++) {
        cr_assert(mr_zset_it_next(&it));
        cr_assert(it.member.len == md->len[i] &&
                      memcmp(it.member.ptr, md->mem[i], md->len[i]) == 0,
                  "member %d", i);
        cr_assert(it.score == md->score[i], "score %d: %.17g vs %.17g", i,
                  it.score, md->score[i]);
    }
    cr_assert(!mr_zset_it_next(&it));
}

static double rscore(void) {
    static const double pool[] = {0, 1, 2, 3, -1, 0.5, -0.25, 1e20,
                                  INFINITY, -INFINITY, 7, 100};
    return pool[rand() % (sizeof pool / sizeof pool[0])];
}

static void rmember(char *m, size_t *len) {
    int k = rand() % 40;
    /* some integer-looking members (listpack integers), some long ones */
    if (k < 10) *len = (size_t)snprintf(m, 12, "%d", k - 3);
    else if (k < 35) *len = (size_t)snprintf(m, 12, "m%c", 'a' + k);
    else *len = (size_t)snprintf(m, 12, "long-%05d", k);
}

static void random_run(unsigned seed, mr_zset_limits_t lim, int steps) {
    srand(seed);
    mr_zset_t *zs = mr_zset_new();
    model_t *md = calloc(1, sizeof *md);
    mr_buf_t buf = {0};
    bool listpack = true; /* the model of the encoding rule */
    for (int step = 0; step < steps; step++) {
        char m[12];
        size_t len;
        rmember(m, &len);
        int op = rand() % 10;
        if (op < 5) {
            unsigned fl = 0;
            if (rand() % 6 == 0) fl |= MR_ZADD_INCR;
            int c = rand() % 8;
            if (c == 0) fl |= MR_ZADD_NX;
            if (c == 1) fl |= MR_ZADD_XX;
            if (c == 2) fl |= MR_ZADD_GT;
            if (c == 3) fl |= MR_ZADD_LT | MR_ZADD_XX;
            double s = rscore();
            bool absent = mfind(md, m, len) < 0;
            if (listpack && absent && !(fl & MR_ZADD_XX) &&
                ((size_t)md->n + 1 > lim.max_entries || len > lim.max_value))
                listpack = false;
            unsigned want = madd(md, s, m, len, fl, listpack);
            unsigned got = mr_zset_add(zs, &lim, s, m, len, fl, NULL);
            cr_assert_eq(got, want, "step %d add %s %g flags %u", step, m, s,
                         fl);
        } else if (op < 7) {
            int i = mfind(md, m, len);
            cr_assert_eq(mr_zset_delete(zs, m, len), i >= 0);
            if (i >= 0) mdel(md, i);
        } else if (op == 7) {
            bool max = rand() % 2;
            double s;
            bool ok = mr_zset_pop_end(zs, max, &buf, &s);
            cr_assert_eq(ok, md->n > 0);
            if (ok) {
                int i = max ? md->n - 1 : 0;
                cr_assert(buf.len == md->len[i] &&
                          memcmp(buf.data, md->mem[i], buf.len) == 0);
                cr_assert_eq(s, md->score[i]);
                mdel(md, i);
            }
        } else if (op == 8) {
            /* rank and score of a random member */
            int i = mfind(md, m, len);
            size_t r;
            double s;
            cr_assert_eq(mr_zset_rank(zs, m, len, false, &r), i >= 0);
            cr_assert_eq(mr_zset_score(zs, m, len, &s), i >= 0);
            if (i >= 0) {
                cr_assert_eq(r, (size_t)i);
                cr_assert_eq(s, md->score[i]);
                cr_assert(mr_zset_rank(zs, m, len, true, &r));
                cr_assert_eq(r, (size_t)(md->n - 1 - i));
            }
        } else {
            /* a score range: count, walk both ways, sometimes delete */
            double a = rscore(), b = rscore();
            if (isnan(a) || isnan(b)) continue;
            mr_zsl_range_t r = rng(a, rand() % 2, b, rand() % 2);
            size_t want = 0;
            for (int i = 0; i < md->n; i++)
                if (mr_zset_score_gte_min(md->score[i], &r) &&
                    mr_zset_score_lte_max(md->score[i], &r))
                    want++;
            cr_assert_eq(mr_zset_count_range(zs, &r), want);
            mr_zset_it_t it;
            mr_zset_it_start_score(&it, zs, &r, rand() % 2);
            size_t walked = 0;
            while (mr_zset_it_next(&it) &&
                   mr_zset_score_gte_min(it.score, &r) &&
                   mr_zset_score_lte_max(it.score, &r))
                walked++;
            cr_assert_eq(walked, want);
            if (rand() % 4 == 0) {
                cr_assert_eq(mr_zset_delete_range(zs, &r), want);
                for (int i = md->n - 1; i >= 0; i--)
                    if (mr_zset_score_gte_min(md->score[i], &r) &&
                        mr_zset_score_lte_max(md->score[i], &r))
                        mdel(md, i);
            }
        }
        cr_assert_str_eq(mr_zset_encoding_name(zs),
                         listpack ? "listpack" : "skiplist", "step %d", step);
        check_same(zs, md);
        if (md->n == 0) { /* an emptied key is deleted; start afresh */
            mr_zset_free(zs);
            zs = mr_zset_new();
            listpack = true;
        }
        if (step % 97 == 0) { /* the copy must equal the original */
            mr_zset_t *copy = mr_zset_dup(zs);
            check_same(copy, md);
            mr_zset_free(copy);
        }
    }
    mr_buf_free(&buf);
    mr_zset_free(zs);
    free(md);
}

Test(zset, random_vs_model_small_limits, .timeout = 120) {
    for (unsigned seed = 1; seed <= 6; seed++)
        random_run(seed, (mr_zset_limits_t){8, 8}, 3000);
}

Test(zset, random_vs_model_default_limits, .timeout = 120) {
    random_run(42, BIG, 6000);
}
