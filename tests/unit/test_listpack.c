#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mr/util.h"
#include "types/listpack.h"

/* ---- helpers ---- */

static unsigned char *lp_of(const char *const *items, size_t n)
{
    unsigned char *lp = mr_lp_new();
    for (size_t i = 0; i < n; i++)
        lp = mr_lp_append(lp, items[i], strlen(items[i]));
    return lp;
}

/* Asserts lp holds exactly items[0..n) as C strings, both directions. */
static void expect_items(const unsigned char *lp, const char *const *items,
                         size_t n)
{
    char buf[MR_LP_INTBUF];
    cr_assert(mr_lp_validate(lp, mr_lp_bytes(lp)));
    cr_assert_eq(mr_lp_count(lp), n);
    size_t pos = mr_lp_first(lp);
    for (size_t i = 0; i < n; i++) {
        cr_assert_neq(pos, MR_LP_NONE, "forward walk ended at %zu", i);
        mr_str_t s = mr_lp_get_str(lp, pos, buf);
        cr_assert_eq(s.len, strlen(items[i]), "len at %zu", i);
        cr_assert(memcmp(s.ptr, items[i], s.len) == 0, "item %zu", i);
        pos = mr_lp_next(lp, pos);
    }
    cr_assert_eq(pos, MR_LP_NONE);
    pos = mr_lp_last(lp);
    for (size_t i = n; i-- > 0;) {
        cr_assert_neq(pos, MR_LP_NONE);
        mr_str_t s = mr_lp_get_str(lp, pos, buf);
        cr_assert_eq(s.len, strlen(items[i]));
        cr_assert(memcmp(s.ptr, items[i], s.len) == 0, "back item %zu", i);
        pos = mr_lp_prev(lp, pos);
    }
    cr_assert_eq(pos, MR_LP_NONE);
}

#define ITEMS(...) ((const char *const[]){__VA_ARGS__})
#define NITEMS(...) (sizeof(ITEMS(__VA_ARGS__)) / sizeof(const char *))
#define EXPECT(lp, ...)                                                     \
    expect_items(lp, ITEMS(__VA_ARGS__), NITEMS(__VA_ARGS__))

/* ---- basic operations ---- */

Test(listpack, new_is_empty)
{
    unsigned char *lp = mr_lp_new();
    cr_assert_eq(mr_lp_count(lp), 0u);
    cr_assert_eq(mr_lp_bytes(lp), (size_t)MR_LP_HDR_SIZE);
    cr_assert_eq(mr_lp_first(lp), MR_LP_NONE);
    cr_assert_eq(mr_lp_last(lp), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, 0), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, -1), MR_LP_NONE);
    cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), "a", 1, 0), MR_LP_NONE);
    cr_assert(mr_lp_validate(lp, mr_lp_bytes(lp)));
    lp = mr_lp_delete_range(lp, 0, 10);
    cr_assert_eq(mr_lp_count(lp), 0u);
    mr_lp_free(lp);
    mr_lp_free(NULL);
}

Test(listpack, append_prepend_order)
{
    unsigned char *lp = mr_lp_new();
    lp = mr_lp_append(lp, "b", 1);
    lp = mr_lp_append(lp, "c", 1);
    lp = mr_lp_prepend(lp, "a", 1);
    lp = mr_lp_append(lp, "12", 2);
    lp = mr_lp_prepend(lp, "-5", 2);
    EXPECT(lp, "-5", "a", "b", "c", "12");
    mr_lp_free(lp);
}

Test(listpack, seek_positive_negative)
{
    unsigned char *lp = lp_of(ITEMS("a", "b", "c", "d", "e"), 5);
    const char *want = "abcde";
    char buf[MR_LP_INTBUF];
    for (long long i = 0; i < 5; i++) {
        mr_str_t s = mr_lp_get_str(lp, mr_lp_seek(lp, i), buf);
        cr_assert_eq(s.len, 1u);
        cr_assert_eq(s.ptr[0], want[i]);
        s = mr_lp_get_str(lp, mr_lp_seek(lp, -1 - i), buf);
        cr_assert_eq(s.ptr[0], want[4 - i]);
    }
    cr_assert_eq(mr_lp_seek(lp, 5), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, -6), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, LLONG_MIN), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, LLONG_MAX), MR_LP_NONE);
    cr_assert_eq(mr_lp_seek(lp, 0), mr_lp_first(lp));
    cr_assert_eq(mr_lp_seek(lp, -1), mr_lp_last(lp));
    mr_lp_free(lp);
}

Test(listpack, insert_before_after)
{
    unsigned char *lp = lp_of(ITEMS("a", "c"), 2);
    size_t np;
    lp = mr_lp_insert(lp, mr_lp_seek(lp, 1), MR_LP_BEFORE, "b", 1, &np);
    cr_assert_eq(np, mr_lp_seek(lp, 1));
    lp = mr_lp_insert(lp, mr_lp_last(lp), MR_LP_AFTER, "d", 1, &np);
    cr_assert_eq(np, mr_lp_last(lp));
    lp = mr_lp_insert(lp, mr_lp_first(lp), MR_LP_BEFORE, "100", 3, &np);
    cr_assert_eq(np, mr_lp_first(lp));
    lp = mr_lp_insert(lp, mr_lp_first(lp), MR_LP_AFTER, "x", 1, NULL);
    EXPECT(lp, "100", "x", "a", "b", "c", "d");
    mr_lp_free(lp);
}

Test(listpack, delete_one_and_walk)
{
    unsigned char *lp = lp_of(ITEMS("a", "1", "b", "2", "c"), 5);
    size_t next;
    /* Delete every integer while walking forwards. */
    size_t pos = mr_lp_first(lp);
    while (pos != MR_LP_NONE) {
        long long v;
        if (mr_lp_get_int(lp, pos, &v))
            lp = mr_lp_delete(lp, pos, &pos);
        else
            pos = mr_lp_next(lp, pos);
    }
    EXPECT(lp, "a", "b", "c");
    lp = mr_lp_delete(lp, mr_lp_last(lp), &next);
    cr_assert_eq(next, MR_LP_NONE);
    lp = mr_lp_delete(lp, mr_lp_first(lp), &next);
    cr_assert_eq(next, mr_lp_first(lp));
    EXPECT(lp, "b");
    lp = mr_lp_delete(lp, mr_lp_first(lp), &next);
    cr_assert_eq(next, MR_LP_NONE);
    cr_assert_eq(mr_lp_count(lp), 0u);
    cr_assert_eq(mr_lp_bytes(lp), (size_t)MR_LP_HDR_SIZE);
    mr_lp_free(lp);
}

Test(listpack, delete_n_pairs)
{
    unsigned char *lp = lp_of(ITEMS("f1", "v1", "f2", "v2", "f3", "v3"), 6);
    size_t next;
    lp = mr_lp_delete_n(lp, mr_lp_seek(lp, 2), 2, &next);
    cr_assert_eq(next, mr_lp_seek(lp, 2));
    EXPECT(lp, "f1", "v1", "f3", "v3");
    lp = mr_lp_delete_n(lp, mr_lp_seek(lp, 2), 100, &next);
    cr_assert_eq(next, MR_LP_NONE);
    EXPECT(lp, "f1", "v1");
    mr_lp_free(lp);
}

Test(listpack, delete_range)
{
    unsigned char *lp = lp_of(ITEMS("a", "b", "c", "d", "e", "f"), 6);
    lp = mr_lp_delete_range(lp, 1, 2);
    EXPECT(lp, "a", "d", "e", "f");
    lp = mr_lp_delete_range(lp, -2, 5);
    EXPECT(lp, "a", "d");
    lp = mr_lp_delete_range(lp, 2, 1);
    lp = mr_lp_delete_range(lp, -3, 1);
    lp = mr_lp_delete_range(lp, 0, 0);
    EXPECT(lp, "a", "d");
    lp = mr_lp_delete_range(lp, -2, SIZE_MAX);
    cr_assert_eq(mr_lp_count(lp), 0u);
    mr_lp_free(lp);
}

Test(listpack, split_at_every_position)
{
    static const char *const all[] = {"a", "123", "", "-7", "long-string-x"};
    for (size_t cut = 0; cut < 5; cut++) {
        unsigned char *lp = lp_of(all, 5);
        unsigned char *right = mr_lp_split(&lp, mr_lp_seek(lp, (long long)cut));
        expect_items(lp, all, cut);
        expect_items(right, all + cut, 5 - cut);
        /* merging back restores the original */
        lp = mr_lp_merge(lp, right);
        expect_items(lp, all, 5);
        expect_items(right, all + cut, 5 - cut); /* b is left alone */
        mr_lp_free(right);
        mr_lp_free(lp);
    }
}

Test(listpack, get_str_next_walks_forward)
{
    static const char *const all[] = {"a", "-12345", "", "127", "xyz"};
    unsigned char *lp = lp_of(all, 5);
    char ib[MR_LP_INTBUF];
    size_t pos = mr_lp_first(lp);
    for (size_t i = 0; i < 5; i++) {
        size_t next;
        mr_str_t s = mr_lp_get_str_next(lp, pos, ib, &next);
        cr_assert(s.len == strlen(all[i]) && memcmp(s.ptr, all[i], s.len) == 0,
                  "element %zu", i);
        cr_assert_eq(next, mr_lp_next(lp, pos));
        pos = next;
    }
    cr_assert_eq(pos, MR_LP_NONE);
    mr_lp_free(lp);
}

Test(listpack, merge_empty_and_large)
{
    unsigned char *a = mr_lp_new(), *e = mr_lp_new();
    a = mr_lp_merge(a, e);
    cr_assert_eq(mr_lp_count(a), 0u);
    cr_assert_eq(mr_lp_bytes(a), (size_t)MR_LP_HDR_SIZE);
    char big[300];
    memset(big, 'q', sizeof big);
    unsigned char *b = mr_lp_append(mr_lp_new(), big, sizeof big);
    b = mr_lp_append(b, "9", 1);
    a = mr_lp_append(a, "x", 1);
    a = mr_lp_merge(a, b);
    cr_assert(mr_lp_validate(a, mr_lp_bytes(a)));
    cr_assert_eq(mr_lp_count(a), 3u);
    cr_assert_eq(mr_lp_bytes(a), mr_lp_bytes(b) + 3); /* "x": head + backlen */
    cr_assert(mr_lp_eq(a, mr_lp_seek(a, 1), big, sizeof big));
    long long v;
    cr_assert(mr_lp_get_int(a, mr_lp_last(a), &v));
    cr_assert_eq(v, 9);
    a = mr_lp_merge(a, e);
    cr_assert_eq(mr_lp_count(a), 3u);
    mr_lp_free(a);
    mr_lp_free(b);
    mr_lp_free(e);
}

Test(listpack, replace_grow_shrink_retype)
{
    unsigned char *lp = lp_of(ITEMS("a", "b", "c"), 3);
    char big[300];
    memset(big, 'z', sizeof(big));
    size_t pos = mr_lp_seek(lp, 1);
    lp = mr_lp_replace(lp, pos, big, sizeof(big));
    cr_assert_eq(mr_lp_seek(lp, 1), pos);
    cr_assert(mr_lp_eq(lp, pos, big, sizeof(big)));
    lp = mr_lp_replace(lp, pos, "-9223372036854775808", 20);
    lp = mr_lp_replace(lp, mr_lp_first(lp), "", 0);
    lp = mr_lp_replace(lp, mr_lp_last(lp), "77", 2);
    EXPECT(lp, "", "-9223372036854775808", "77");
    long long v;
    cr_assert(mr_lp_get_int(lp, mr_lp_last(lp), &v));
    cr_assert_eq(v, 77);
    lp = mr_lp_replace(lp, mr_lp_last(lp), "seventy-seven", 13);
    cr_assert_not(mr_lp_get_int(lp, mr_lp_last(lp), &v));
    EXPECT(lp, "", "-9223372036854775808", "seventy-seven");
    mr_lp_free(lp);
}

Test(listpack, eq_and_find_with_skip)
{
    /* A hash whose values look like its fields. */
    unsigned char *lp =
        lp_of(ITEMS("name", "age", "age", "42", "42", "name"), 6);
    size_t f = mr_lp_first(lp);
    cr_assert(mr_lp_eq(lp, f, "name", 4));
    cr_assert_not(mr_lp_eq(lp, f, "nam", 3));
    cr_assert_not(mr_lp_eq(lp, f, "names", 5));
    cr_assert(mr_lp_eq(lp, mr_lp_seek(lp, 3), "42", 2));
    cr_assert_not(mr_lp_eq(lp, mr_lp_seek(lp, 3), "042", 3));
    cr_assert_not(mr_lp_eq(lp, mr_lp_seek(lp, 3), "43", 2));
    /* Fields only. */
    cr_assert_eq(mr_lp_find(lp, f, "age", 3, 1), mr_lp_seek(lp, 2));
    cr_assert_eq(mr_lp_find(lp, f, "42", 2, 1), mr_lp_seek(lp, 4));
    cr_assert_eq(mr_lp_find(lp, f, "name", 4, 1), f);
    cr_assert_eq(mr_lp_find(lp, mr_lp_seek(lp, 2), "name", 4, 1), MR_LP_NONE);
    /* Every element. */
    cr_assert_eq(mr_lp_find(lp, f, "age", 3, 0), mr_lp_seek(lp, 1));
    cr_assert_eq(mr_lp_find(lp, f, "42", 2, 0), mr_lp_seek(lp, 3));
    cr_assert_eq(mr_lp_find(lp, mr_lp_seek(lp, 1), "name", 4, 0),
                 mr_lp_seek(lp, 5));
    cr_assert_eq(mr_lp_find(lp, f, "nope", 4, 0), MR_LP_NONE);
    cr_assert_eq(mr_lp_find(lp, MR_LP_NONE, "name", 4, 0), MR_LP_NONE);
    /* Large skip runs off the end safely. */
    cr_assert_eq(mr_lp_find(lp, mr_lp_seek(lp, 1), "42", 2, 100), MR_LP_NONE);
    mr_lp_free(lp);
}

/* ---- integers and strings ---- */

Test(listpack, integer_string_round_trip)
{
    static const struct {
        const char *s;
        bool is_int;
    } cases[] = {
        {"0", true},
        {"-0", false},
        {"007", false},
        {"+1", false},
        {" 1", false},
        {"1 ", false},
        {"1", true},
        {"127", true},
        {"128", true},
        {"-1", true},
        {"-128", true},
        {"-129", true},
        {"32767", true},
        {"32768", true},
        {"8388607", true},
        {"-8388609", true},
        {"2147483648", true},
        {"549755813887", true},
        {"140737488355328", true},
        {"36028797018963967", true},
        {"9223372036854775807", true},
        {"-9223372036854775808", true},
        {"9223372036854775808", false},
        {"-9223372036854775809", false},
        {"18446744073709551615", false},
        {"12345678901234567890", false},
        {"-1234567890123456789", true},
        {"00", false},
        {"-", false},
        {"", false},
        {"1e3", false},
        {"0x10", false},
    };
    size_t n = sizeof(cases) / sizeof(cases[0]);
    unsigned char *lp = mr_lp_new();
    for (size_t i = 0; i < n; i++)
        lp = mr_lp_append(lp, cases[i].s, strlen(cases[i].s));
    const char *items[sizeof(cases) / sizeof(cases[0])];
    for (size_t i = 0; i < n; i++)
        items[i] = cases[i].s;
    expect_items(lp, items, n);
    size_t pos = mr_lp_first(lp);
    for (size_t i = 0; i < n; i++, pos = mr_lp_next(lp, pos)) {
        mr_lp_entry_t e;
        mr_lp_get(lp, pos, &e);
        cr_assert_eq(e.is_int, cases[i].is_int, "%s", cases[i].s);
        if (e.is_int) {
            long long v;
            cr_assert(mr_str2ll(cases[i].s, strlen(cases[i].s), &v));
            cr_assert_eq(e.ll, v);
            cr_assert_null(e.ptr);
        }
        cr_assert(mr_lp_eq(lp, pos, cases[i].s, strlen(cases[i].s)));
        cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), cases[i].s,
                                strlen(cases[i].s), 0),
                     pos, "find %s", cases[i].s);
    }
    mr_lp_free(lp);
}

/* Measured footprint: what one element costs in bytes. */
static size_t cost_of(const char *s, size_t len)
{
    unsigned char *lp = mr_lp_new();
    lp = mr_lp_append(lp, s, len);
    size_t c = mr_lp_bytes(lp) - MR_LP_HDR_SIZE;
    mr_lp_free(lp);
    return c;
}

Test(listpack, element_sizes)
{
    cr_assert_eq(cost_of("7", 1), 2u);
    cr_assert_eq(cost_of("127", 3), 2u);
    cr_assert_eq(cost_of("128", 3), 4u); /* 2-byte int */
    cr_assert_eq(cost_of("-1", 2), 3u);
    cr_assert_eq(cost_of("1000", 4), 4u);
    cr_assert_eq(cost_of("1700000000000", 13), 8u);
    cr_assert_eq(cost_of("9223372036854775807", 19), 10u);
    cr_assert_eq(cost_of("", 0), 2u);
    cr_assert_eq(cost_of("0123456789abcdef", 16), 18u);
    char s[200];
    memset(s, 'x', sizeof(s));
    cr_assert_eq(cost_of(s, 63), 65u);
    cr_assert_eq(cost_of(s, 64), 64u + 2 + 1); /* head 2, backlen 1 */
    cr_assert_eq(cost_of(s, 125), 125u + 2 + 1);
    cr_assert_eq(cost_of(s, 126), 126u + 2 + 2); /* body 128: 2-byte backlen */
    cr_assert_eq(cost_of(s, 128), 128u + 3 + 2);
}

Test(listpack, binary_with_nuls)
{
    const char bin[] = {'\0', 'a', '\0', '\xff', '\x80', '\0'};
    const char nul1[] = {'\0'};
    const char num_nul[] = {'1', '2', '\0'};
    unsigned char *lp = mr_lp_new();
    lp = mr_lp_append(lp, bin, sizeof(bin));
    lp = mr_lp_append(lp, nul1, 1);
    lp = mr_lp_append(lp, num_nul, 3);
    lp = mr_lp_append(lp, "12", 2);
    cr_assert_eq(mr_lp_count(lp), 4u);
    char buf[MR_LP_INTBUF];
    mr_str_t s = mr_lp_get_str(lp, mr_lp_seek(lp, 0), buf);
    cr_assert_eq(s.len, sizeof(bin));
    cr_assert(memcmp(s.ptr, bin, sizeof(bin)) == 0);
    s = mr_lp_get_str(lp, mr_lp_seek(lp, 2), buf);
    cr_assert_eq(s.len, 3u);
    cr_assert(memcmp(s.ptr, num_nul, 3) == 0);
    cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), num_nul, 3, 0),
                 mr_lp_seek(lp, 2));
    cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), num_nul, 2, 0),
                 mr_lp_seek(lp, 3));
    cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), nul1, 1, 0),
                 mr_lp_seek(lp, 1));
    cr_assert_eq(mr_lp_find(lp, mr_lp_first(lp), "", 0, 0), MR_LP_NONE);
    mr_lp_free(lp);
}

Test(listpack, large_elements)
{
    size_t sizes[] = {16383, 16384, 2097151, 2097152, 1 << 20};
    size_t max = 2097152;
    char *big = mr_xmalloc(max);
    for (size_t i = 0; i < max; i++)
        big[i] = (char)(i * 131 + 7);
    unsigned char *lp = mr_lp_new();
    lp = mr_lp_append(lp, "head", 4);
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        lp = mr_lp_append(lp, big, sizes[k]);
        lp = mr_lp_append(lp, "-3", 2);
    }
    cr_assert(mr_lp_validate(lp, mr_lp_bytes(lp)));
    cr_assert_eq(mr_lp_count(lp), 11u);
    /* Backwards across the large elements. */
    size_t pos = mr_lp_last(lp);
    char buf[MR_LP_INTBUF];
    for (size_t k = sizeof(sizes) / sizeof(sizes[0]); k-- > 0;) {
        cr_assert(mr_lp_eq(lp, pos, "-3", 2));
        pos = mr_lp_prev(lp, pos);
        mr_str_t s = mr_lp_get_str(lp, pos, buf);
        cr_assert_eq(s.len, sizes[k]);
        cr_assert(memcmp(s.ptr, big, s.len) == 0);
        pos = mr_lp_prev(lp, pos);
    }
    cr_assert(mr_lp_eq(lp, pos, "head", 4));
    cr_assert_eq(mr_lp_prev(lp, pos), MR_LP_NONE);
    /* A 1 MB replace down to a tiny one and back. */
    pos = mr_lp_seek(lp, -2);
    lp = mr_lp_replace(lp, pos, "x", 1);
    cr_assert(mr_lp_eq(lp, mr_lp_seek(lp, -2), "x", 1));
    lp = mr_lp_replace(lp, mr_lp_seek(lp, -2), big, 1 << 20);
    cr_assert(mr_lp_eq(lp, mr_lp_seek(lp, -2), big, 1 << 20));
    cr_assert(mr_lp_validate(lp, mr_lp_bytes(lp)));
    mr_lp_free(lp);
    mr_free(big);
}

Test(listpack, source_aliasing_own_bytes)
{
    unsigned char *lp = lp_of(ITEMS("hello world, a string long enough"), 1);
    for (int i = 0; i < 20; i++) {
        mr_lp_entry_t e;
        mr_lp_get(lp, mr_lp_first(lp), &e);
        lp = mr_lp_prepend(lp, e.ptr, e.len);
    }
    mr_lp_entry_t e;
    mr_lp_get(lp, mr_lp_last(lp), &e);
    lp = mr_lp_replace(lp, mr_lp_first(lp), e.ptr, e.len - 5);
    mr_lp_get(lp, mr_lp_last(lp), &e);
    lp = mr_lp_insert(lp, mr_lp_first(lp), MR_LP_AFTER, e.ptr, e.len, NULL);
    cr_assert_eq(mr_lp_count(lp), 22u);
    cr_assert(
        mr_lp_eq(lp, mr_lp_first(lp), "hello world, a string long e", 28));
    size_t pos = mr_lp_next(lp, mr_lp_first(lp));
    for (; pos != MR_LP_NONE; pos = mr_lp_next(lp, pos))
        cr_assert(mr_lp_eq(lp, pos, "hello world, a string long enough", 33));
    mr_lp_free(lp);
}

Test(listpack, fits)
{
    unsigned char *lp = mr_lp_new();
    cr_assert(mr_lp_fits(lp, 0));
    cr_assert(mr_lp_fits(lp, 1 << 20));
    cr_assert(mr_lp_fits(lp, MR_LP_MAX_BYTES - MR_LP_HDR_SIZE - 11));
    cr_assert_not(mr_lp_fits(lp, MR_LP_MAX_BYTES));
    cr_assert_not(mr_lp_fits(lp, SIZE_MAX));
    mr_lp_free(lp);
}

/* ---- validate ---- */

static bool validate_copy(const unsigned char *src, size_t len)
{
    /* An exact-size heap copy, so ASan catches any read past len. */
    unsigned char *c = mr_xmalloc(len ? len : 1);
    memcpy(c, src, len);
    bool ok = mr_lp_validate(c, len);
    mr_free(c);
    return ok;
}

Test(listpack, validate_handcrafted)
{
    unsigned char *lp = lp_of(ITEMS("a", "300", "xyz"), 3);
    size_t n = mr_lp_bytes(lp);
    cr_assert(validate_copy(lp, n));
    cr_assert_not(mr_lp_validate(NULL, 0));
    cr_assert_not(validate_copy(lp, 0));
    cr_assert_not(validate_copy(lp, 7));
    cr_assert_not(validate_copy(lp, n - 1));
    unsigned char *c = mr_xmemdup(lp, n);
    c[4] = 2; /* count says 2, there are 3 */
    cr_assert_not(mr_lp_validate(c, n));
    c[4] = 4;
    cr_assert_not(mr_lp_validate(c, n));
    mr_free(c);
    mr_lp_free(lp);

    /* Non-canonical encodings are rejected. */
    unsigned char bad_int[] = {10, 0, 0, 0, 1, 0, 0, 0, 0xc0, 5, 2};
    cr_assert_not(validate_copy(bad_int, sizeof(bad_int))); /* 5 as 1-byte */
    unsigned char wide[] = {12, 0, 0, 0, 1, 0, 0, 0, 0xc1, 0x2c, 0x00, 3};
    cr_assert_not(validate_copy(wide, sizeof(wide))); /* 44 in 2 bytes */
    unsigned char ok300[] = {12, 0, 0, 0, 1, 0, 0, 0, 0xc1, 0x2c, 0x01, 3};
    cr_assert(validate_copy(ok300, sizeof(ok300)));
    cr_assert(mr_lp_eq(ok300, MR_LP_HDR_SIZE, "300", 3));
    unsigned char pad300[] = {13, 0, 0, 0, 1, 0, 0, 0, 0xc2, 0x2c, 0x01, 0, 4};
    cr_assert_not(validate_copy(pad300, sizeof(pad300))); /* 300 in 3 */
    unsigned char numstr[] = {12, 0, 0, 0, 1, 0, 0, 0, 0x82, '4', '2', 3};
    cr_assert_not(validate_copy(numstr, sizeof(numstr))); /* "42" as string */
    unsigned char str[] = {12, 0, 0, 0, 1, 0, 0, 0, 0x82, '4', 'x', 3};
    cr_assert(validate_copy(str, sizeof(str)));
    unsigned char badback[] = {12, 0, 0, 0, 1, 0, 0, 0, 0x82, '4', 'x', 4};
    cr_assert_not(validate_copy(badback, sizeof(badback)));
    unsigned char badhead[] = {10, 0, 0, 0, 1, 0, 0, 0, 0xd0, 1};
    cr_assert_not(validate_copy(badhead, sizeof(badhead)));
    unsigned char shortvar[] = {13, 0, 0, 0, 1, 0, 0, 0, 0xc8, 2, 'a', 'b', 4};
    cr_assert_not(validate_copy(shortvar, sizeof(shortvar))); /* < 64 */
    unsigned char leb_open[] = {10, 0, 0, 0, 1, 0, 0, 0, 0xc8, 0x80};
    cr_assert_not(validate_copy(leb_open, sizeof(leb_open)));
}

/* A validated buffer must be walkable both ways without leaving it. */
static void walk_all(const unsigned char *lp)
{
    char buf[MR_LP_INTBUF];
    size_t n = 0, bytes = 0;
    for (size_t p = mr_lp_first(lp); p != MR_LP_NONE; p = mr_lp_next(lp, p)) {
        bytes += mr_lp_get_str(lp, p, buf).len;
        n++;
    }
    cr_assert_eq(n, mr_lp_count(lp));
    for (size_t p = mr_lp_last(lp); p != MR_LP_NONE; p = mr_lp_prev(lp, p))
        n--;
    cr_assert_eq(n, 0u);
    (void)bytes;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* xorshift64*: fixed seed, reproducible runs. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}
static size_t rndn(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* Random element text: integers of every width, near-integers, binary. */
static size_t rnd_value(char *out, size_t cap)
{
    static const char *const specials[] = {
        "0", "-0", "007", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "12345678901234567890", "", "+5", "127",
        "128", "-1", "-128", "-129", "1 ", "00",
    };
    switch (rndn(6)) {
    case 0: {
        const char *s = specials[rndn(sizeof(specials) / sizeof(specials[0]))];
        size_t n = strlen(s);
        memcpy(out, s, n);
        return n;
    }
    case 1: {
        long long v = (long long)(rnd() >> rndn(64));
        if (rnd() & 1)
            v = -v;
        return (size_t)mr_ll2str(out, v);
    }
    case 2:
        return (size_t)mr_ll2str(out, (long long)rndn(300) - 150);
    case 5:
        if (rndn(8) == 0) {
            size_t n = 60 + rndn(cap - 60);
            for (size_t i = 0; i < n; i++)
                out[i] = (char)rnd();
            return n;
        }
        /* fall through */
    default: {
        size_t n = rndn(20);
        for (size_t i = 0; i < n; i++)
            out[i] = (char)(rndn(4) == 0 ? rnd() : 'a' + rndn(3));
        return n;
    }
    }
}

Test(listpack, validate_random_corruption)
{
    rng_state = 0x9e3779b97f4a7c15ULL;
    char val[3000];
    for (int round = 0; round < 200; round++) {
        unsigned char *lp = mr_lp_new();
        size_t n = rndn(40);
        for (size_t i = 0; i < n; i++) {
            size_t len = rnd_value(val, sizeof(val));
            lp = mr_lp_append(lp, val, len);
        }
        size_t total = mr_lp_bytes(lp);
        cr_assert(validate_copy(lp, total));
        /* Truncations, header left alone: always wrong. */
        for (int t = 0; t < 20; t++)
            cr_assert_not(validate_copy(lp, rndn(total)));
        /* Truncations with a header patched to match the cut. */
        for (int t = 0; t < 20; t++) {
            size_t cut = MR_LP_HDR_SIZE + rndn(total - MR_LP_HDR_SIZE + 1);
            unsigned char *c = mr_xmalloc(cut);
            memcpy(c, lp, cut);
            c[0] = (unsigned char)cut;
            c[1] = (unsigned char)(cut >> 8);
            c[2] = (unsigned char)(cut >> 16);
            c[3] = (unsigned char)(cut >> 24);
            if (mr_lp_validate(c, cut))
                walk_all(c);
            /* Claim fewer elements: walk must stay within the count. */
            c[4] = (unsigned char)rndn(n + 1);
            if (mr_lp_validate(c, cut))
                walk_all(c);
            mr_free(c);
        }
        /* Byte corruptions anywhere, header included. */
        for (int t = 0; t < 60; t++) {
            unsigned char *c = mr_xmemdup(lp, total);
            int flips = 1 + (int)rndn(3);
            for (int f = 0; f < flips; f++) {
                size_t at = rndn(total);
                c[at] = rndn(2) ? (unsigned char)rnd()
                                : (unsigned char)(c[at] ^ (1u << rndn(8)));
            }
            if (mr_lp_validate(c, total))
                walk_all(c);
            mr_free(c);
        }
        mr_lp_free(lp);
    }
    /* Pure noise of random lengths. */
    for (int t = 0; t < 5000; t++) {
        size_t len = rndn(64);
        unsigned char *c = mr_xmalloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            c[i] = (unsigned char)rnd();
        if (len >= 4) {
            c[0] = (unsigned char)len;
            c[1] = c[2] = c[3] = 0;
        }
        if (len >= 8) {
            c[4] = (unsigned char)rndn(8);
            c[5] = c[6] = c[7] = 0;
        }
        if (mr_lp_validate(c, len))
            walk_all(c);
        mr_free(c);
    }
}

/* ---- randomised against a reference model ---- */

typedef struct model {
    char **s;
    size_t *len;
    size_t n, cap;
} model_t;

static void model_insert(model_t *m, size_t at, const char *s, size_t len)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->s = mr_xrealloc(m->s, m->cap * sizeof(*m->s));
        m->len = mr_xrealloc(m->len, m->cap * sizeof(*m->len));
    }
    memmove(m->s + at + 1, m->s + at, (m->n - at) * sizeof(*m->s));
    memmove(m->len + at + 1, m->len + at, (m->n - at) * sizeof(*m->len));
    m->s[at] = mr_xmemdup(s, len ? len : 1);
    m->len[at] = len;
    m->n++;
}

static void model_delete(model_t *m, size_t at, size_t k)
{
    if (k > m->n - at)
        k = m->n - at;
    for (size_t i = at; i < at + k; i++)
        mr_free(m->s[i]);
    memmove(m->s + at, m->s + at + k, (m->n - at - k) * sizeof(*m->s));
    memmove(m->len + at, m->len + at + k, (m->n - at - k) * sizeof(*m->len));
    m->n -= k;
}

static void model_check(const unsigned char *lp, const model_t *m)
{
    char buf[MR_LP_INTBUF];
    cr_assert_eq(mr_lp_count(lp), m->n);
    cr_assert(mr_lp_validate(lp, mr_lp_bytes(lp)));
    size_t pos = mr_lp_first(lp);
    for (size_t i = 0; i < m->n; i++) {
        cr_assert_neq(pos, MR_LP_NONE);
        mr_str_t s = mr_lp_get_str(lp, pos, buf);
        cr_assert_eq(s.len, m->len[i], "len at %zu", i);
        cr_assert(s.len == 0 || memcmp(s.ptr, m->s[i], s.len) == 0);
        pos = mr_lp_next(lp, pos);
    }
    cr_assert_eq(pos, MR_LP_NONE);
    pos = mr_lp_last(lp);
    for (size_t i = m->n; i-- > 0;) {
        cr_assert_neq(pos, MR_LP_NONE);
        cr_assert(mr_lp_eq(lp, pos, m->s[i], m->len[i]), "back %zu", i);
        pos = mr_lp_prev(lp, pos);
    }
    cr_assert_eq(pos, MR_LP_NONE);
}

static long long model_find(const model_t *m, size_t from, const char *s,
                            size_t len, size_t skip)
{
    for (size_t i = from; i < m->n; i += skip + 1)
        if (m->len[i] == len && (len == 0 || memcmp(m->s[i], s, len) == 0))
            return (long long)i;
    return -1;
}

Test(listpack, random_ops_match_model, .timeout = 60)
{
    rng_state = 0x243f6a8885a308d3ULL;
    model_t m = {0};
    unsigned char *lp = mr_lp_new();
    char val[3000];

    for (int step = 0; step < 6000; step++) {
        /* Bias towards growth while small, shrink while large. */
        size_t op = rndn(10);
        if (m.n > 250 && op < 4)
            op = 5;
        size_t len = rnd_value(val, sizeof(val));
        switch (op) {
        case 0:
            lp = mr_lp_append(lp, val, len);
            model_insert(&m, m.n, val, len);
            break;
        case 1:
            lp = mr_lp_prepend(lp, val, len);
            model_insert(&m, 0, val, len);
            break;
        case 2:
        case 3: {
            if (m.n == 0)
                break;
            size_t i = rndn(m.n);
            int where = (int)rndn(2);
            size_t np;
            lp = mr_lp_insert(lp, mr_lp_seek(lp, (long long)i), where, val,
                              len, &np);
            size_t at = where == MR_LP_AFTER ? i + 1 : i;
            model_insert(&m, at, val, len);
            cr_assert_eq(np, mr_lp_seek(lp, (long long)at));
            break;
        }
        case 4: {
            if (m.n == 0)
                break;
            size_t i = rndn(m.n), next;
            lp = mr_lp_delete(lp, mr_lp_seek(lp, -(long long)(m.n - i)),
                              &next);
            model_delete(&m, i, 1);
            cr_assert_eq(next, i < m.n ? mr_lp_seek(lp, (long long)i)
                                       : MR_LP_NONE);
            break;
        }
        case 5: {
            long long idx = (long long)rndn(m.n + 3) - (long long)rndn(m.n + 3);
            size_t k = rndn(6);
            lp = mr_lp_delete_range(lp, idx, k);
            long long at = idx < 0 ? (long long)m.n + idx : idx;
            if (at >= 0 && at < (long long)m.n && k)
                model_delete(&m, (size_t)at, k);
            break;
        }
        case 6:
        case 7: {
            if (m.n == 0)
                break;
            size_t i = rndn(m.n);
            lp = mr_lp_replace(lp, mr_lp_seek(lp, (long long)i), val, len);
            mr_free(m.s[i]);
            m.s[i] = mr_xmemdup(val, len ? len : 1);
            m.len[i] = len;
            break;
        }
        case 8: {
            /* Search for something present or random, with a stride. */
            const char *q = val;
            size_t qlen = len;
            if (m.n && rndn(2)) {
                size_t i = rndn(m.n);
                q = m.s[i];
                qlen = m.len[i];
            }
            size_t from = m.n ? rndn(m.n) : 0;
            size_t skip = rndn(3);
            long long want = model_find(&m, from, q, qlen, skip);
            size_t got = mr_lp_find(lp, mr_lp_seek(lp, (long long)from), q,
                                    qlen, skip);
            cr_assert_eq(got, want < 0 ? MR_LP_NONE : mr_lp_seek(lp, want),
                         "find step %d", step);
            break;
        }
        default: {
            if (m.n == 0)
                break;
            long long idx = (long long)rndn(m.n);
            if (rndn(2))
                idx -= (long long)m.n;
            size_t i = idx < 0 ? (size_t)(idx + (long long)m.n) : (size_t)idx;
            cr_assert(mr_lp_eq(lp, mr_lp_seek(lp, idx), m.s[i], m.len[i]));
            break;
        }
        }
        model_check(lp, &m);
    }
    model_delete(&m, 0, m.n);
    mr_free(m.s);
    mr_free(m.len);
    mr_lp_free(lp);
}
