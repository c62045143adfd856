#include <criterion/criterion.h>
#include <string.h>

#include "mr/util.h"

Test(buf, append_and_grow)
{
    mr_buf_t b = {0};
    for (int i = 0; i < 10000; i++)
        mr_buf_append(&b, "abc", 3);
    cr_assert_eq(b.len, 30000u);
    cr_assert(b.cap >= b.len);
    for (size_t i = 0; i < b.len; i += 3)
        cr_assert(memcmp(b.data + i, "abc", 3) == 0);
    mr_buf_free(&b);
    cr_assert_null(b.data);
    cr_assert_eq(b.len, 0u);
    cr_assert_eq(b.cap, 0u);
    mr_buf_append_cstr(&b, "reuse");
    cr_assert_eq(b.len, 5u);
    cr_assert(memcmp(b.data, "reuse", 5) == 0);
    mr_buf_free(&b);
}

Test(buf, reserve_gives_room)
{
    mr_buf_t b = {0};
    mr_buf_reserve(&b, 0);
    cr_assert_not_null(b.data);
    mr_buf_reserve(&b, 1000);
    cr_assert(b.cap - b.len >= 1000);
    char *before = b.data;
    memset(b.data, 'q', 1000);
    b.len = 1000;
    mr_buf_reserve(&b, 0);
    cr_assert_eq(b.data, before, "no realloc when room exists");
    mr_buf_free(&b);
}

Test(buf, binary_data_and_consume)
{
    mr_buf_t b = {0};
    mr_buf_append(&b, "a\0b\r\nc", 6);
    cr_assert_eq(b.len, 6u);
    mr_buf_consume(&b, 2);
    cr_assert_eq(b.len, 4u);
    cr_assert(memcmp(b.data, "b\r\nc", 4) == 0);
    mr_buf_consume(&b, 100);
    cr_assert_eq(b.len, 0u);
    mr_buf_free(&b);
}

Test(buf, printf_short_and_long)
{
    mr_buf_t b = {0};
    mr_buf_printf(&b, "%d-%s", 42, "x");
    cr_assert_eq(b.len, 4u);
    cr_assert(memcmp(b.data, "42-x", 4) == 0);
    char big[2000];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mr_buf_printf(&b, "[%s]", big);
    cr_assert_eq(b.len, 4u + 2u + 1999u);
    cr_assert_eq(b.data[4], '[');
    cr_assert_eq(b.data[b.len - 1], ']');
    cr_assert_eq(b.data[b.len - 2], 'z');
    mr_buf_free(&b);
}

static mr_str_t S(const char *s)
{
    return (mr_str_t){s, strlen(s)};
}

Test(buf, str_eq_ci)
{
    cr_assert(mr_str_eq_ci(S("GET"), "get"));
    cr_assert(mr_str_eq_ci(S("gEt"), "GeT"));
    cr_assert(!mr_str_eq_ci(S("GE"), "get"));
    cr_assert(!mr_str_eq_ci(S("GETX"), "get"));
    cr_assert(!mr_str_eq_ci(S("GOT"), "get"));
    cr_assert(mr_str_eq_ci(S(""), ""));
    cr_assert(!mr_str_eq_ci((mr_str_t){"get\0", 4}, "get"));
    /* '@' and '`' differ from letters by the case bit but are not letters */
    cr_assert(!mr_str_eq_ci(S("@"), "`"));
}

Test(mem, dup_helpers)
{
    char *s = mr_xstrdup("hello");
    cr_assert_str_eq(s, "hello");
    mr_free(s);
    char *d = mr_xmemdup("a\0b", 3);
    cr_assert(memcmp(d, "a\0b", 3) == 0);
    mr_free(d);
    int *z = mr_xcalloc(16, sizeof(int));
    for (int i = 0; i < 16; i++)
        cr_assert_eq(z[i], 0);
    z = mr_xrealloc(z, 1024 * sizeof(int));
    cr_assert_eq(z[15], 0);
    mr_free(z);
}

Test(clock, monotonic_and_wall)
{
    uint64_t a = mr_monotonic_us();
    uint64_t b = mr_monotonic_us();
    cr_assert(b >= a);
    int64_t ms = mr_mstime();
    int64_t us = mr_ustime();
    cr_assert(ms > 1600000000000LL);
    cr_assert(us / 1000 - ms < 1000 && us / 1000 >= ms);
}
