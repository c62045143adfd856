#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "mr/util.h"

static bool ll(const char *s, long long *v)
{
    return mr_str2ll(s, strlen(s), v);
}

Test(strconv, str2ll_accepts_plain_integers)
{
    long long v;
    cr_assert(ll("0", &v) && v == 0);
    cr_assert(ll("1", &v) && v == 1);
    cr_assert(ll("-1", &v) && v == -1);
    cr_assert(ll("1234567890", &v) && v == 1234567890LL);
    cr_assert(ll("9223372036854775807", &v) && v == LLONG_MAX);
    cr_assert(ll("-9223372036854775808", &v) && v == LLONG_MIN);
}

Test(strconv, str2ll_rejects_what_redis_rejects)
{
    long long v = 42;
    const char *bad[] = {"",     "-",    "-0",  " 1",  "1 ",   "+1",
                         "01",   "00",   "-01", "1a",  "a1",   "0x10",
                         "1.0",  "1e3",  "--1", "\t1", "1\n",
                         "9223372036854775808", "-9223372036854775809",
                         "18446744073709551616", "99999999999999999999",
                         "123456789012345678901"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert(!ll(bad[i], &v), "accepted \"%s\"", bad[i]);
    cr_assert_eq(v, 42, "output touched on failure");
    /* binary: the length, not a NUL, ends the input */
    cr_assert(!mr_str2ll("12\0003", 4, &v));
    cr_assert(mr_str2ll("123", 2, &v) && v == 12);
}

Test(strconv, ll2str_round_trips)
{
    char buf[MR_LLSTR_SIZE];
    long long vals[] = {0, 1, -1, 9, 10, -10, 99, 100, -99, 123456789,
                        LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    const char *txt[] = {"0", "1", "-1", "9", "10", "-10", "99", "100", "-99",
                         "123456789", "9223372036854775807",
                         "-9223372036854775808", "-9223372036854775807"};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        int n = mr_ll2str(buf, vals[i]);
        cr_assert_str_eq(buf, txt[i]);
        cr_assert_eq(n, (int)strlen(txt[i]));
        long long back;
        cr_assert(mr_str2ll(buf, (size_t)n, &back) && back == vals[i]);
    }
}

Test(strconv, str2ld_acceptance)
{
    long double v;
    cr_assert(mr_str2ld("1.5", 3, &v) && v == 1.5L);
    cr_assert(mr_str2ld("-3e2", 4, &v) && v == -300.0L);
    cr_assert(mr_str2ld("10", 2, &v) && v == 10.0L);
    cr_assert(mr_str2ld(".5", 2, &v) && v == 0.5L);
    cr_assert(mr_str2ld("inf", 3, &v) && isinf(v) && v > 0);
    cr_assert(mr_str2ld("-inf", 4, &v) && isinf(v) && v < 0);
    cr_assert(mr_str2ld("0x10", 4, &v) && v == 16.0L); /* strtold accepts hex */
    cr_assert(!mr_str2ld("", 0, &v));
    cr_assert(!mr_str2ld(" 1", 2, &v));
    cr_assert(!mr_str2ld("1 ", 2, &v));
    cr_assert(!mr_str2ld("nan", 3, &v));
    cr_assert(!mr_str2ld("1.5x", 4, &v));
    cr_assert(!mr_str2ld("abc", 3, &v));
    cr_assert(!mr_str2ld("1e99999", 7, &v));  /* overflow */
    cr_assert(!mr_str2ld("1e-99999", 8, &v)); /* underflow to zero */
    cr_assert(!mr_str2ld("1\0002", 3, &v));
}

Test(strconv, str2ld_length_limit)
{
    static char s[6000];
    memset(s, '1', sizeof(s));
    long double v;
    cr_assert(!mr_str2ld(s, 5120, &v));
    cr_assert(mr_str2ld(s, 100, &v));
}

Test(strconv, str2d_acceptance)
{
    double v;
    cr_assert(mr_str2d("1.5", 3, &v) && v == 1.5);
    cr_assert(mr_str2d("-inf", 4, &v) && isinf(v) && v < 0);
    cr_assert(mr_str2d("+inf", 4, &v) && isinf(v) && v > 0);
    cr_assert(mr_str2d("1e308", 5, &v));
    cr_assert(!mr_str2d("1e309", 5, &v));
    cr_assert(!mr_str2d("", 0, &v));
    cr_assert(!mr_str2d("\t1", 2, &v));
    cr_assert(!mr_str2d("NaN", 3, &v));
    cr_assert(!mr_str2d("1.0.0", 5, &v));
    /* only the first len bytes count */
    cr_assert(mr_str2d("2.5junk", 3, &v) && v == 2.5);
}

static const char *ld(long double v)
{
    static char buf[MR_LDSTR_SIZE];
    int n = mr_ld2str(buf, sizeof(buf), v);
    cr_assert(n > 0);
    cr_assert_eq((size_t)n, strlen(buf));
    return buf;
}

Test(strconv, ld2str_human_format)
{
    /* values checked against redis-server 7.0.15 INCRBYFLOAT */
    cr_assert_str_eq(ld(10.5L + 0.1L), "10.6");
    cr_assert_str_eq(ld(3.0e3L), "3000");
    cr_assert_str_eq(ld(5.0e3L), "5000");
    cr_assert_str_eq(ld(0.0L), "0");
    cr_assert_str_eq(ld(-0.0L), "0");
    cr_assert_str_eq(ld(1.5L), "1.5");
    cr_assert_str_eq(ld(-1.25L), "-1.25");
    cr_assert_str_eq(ld(100.0L), "100");
    cr_assert_str_eq(ld(__builtin_infl()), "inf");
    cr_assert_str_eq(ld(-__builtin_infl()), "-inf");
    /* redis-cli INCRBYFLOAT k 1e300 on k=1 prints exactly this */
    cr_assert_str_eq(ld(1e300L + 1.0L),
                     "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144");
    char tiny[4];
    cr_assert_eq(mr_ld2str(tiny, sizeof(tiny), 12345.0L), 0);
}

Test(strconv, d2str_reply_format)
{
    char buf[64];
    cr_assert_eq(mr_d2str(buf, sizeof(buf), 1.5), 3);
    cr_assert_str_eq(buf, "1.5");
    mr_d2str(buf, sizeof(buf), 0.1);
    cr_assert_str_eq(buf, "0.10000000000000001");
    mr_d2str(buf, sizeof(buf), 3.0);
    cr_assert_str_eq(buf, "3");
    mr_d2str(buf, sizeof(buf), 1e20);
    cr_assert_str_eq(buf, "1e+20");
    mr_d2str(buf, sizeof(buf), __builtin_inf());
    cr_assert_str_eq(buf, "inf");
    mr_d2str(buf, sizeof(buf), -__builtin_inf());
    cr_assert_str_eq(buf, "-inf");
}
