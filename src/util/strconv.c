/* Number <-> string conversions with Redis's exact acceptance rules. What a
 * client may send as an integer or a float, and how numbers are printed back,
 * is observable behaviour, so these follow Redis byte for byte. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

/* Redis refuses float strings this long or longer (MAX_LONG_DOUBLE_CHARS). */
#define MAX_FLOAT_CHARS (5 * 1024)

/* Strict decimal: optional '-', then "0" alone or a digit 1-9 followed by
 * digits. No spaces, no '+', no "-0", no leading zeros, no overflow. */
bool mr_str2ll(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    bool neg = false;
    unsigned long long v;

    if (len == 0 || len >= MR_LLSTR_SIZE)
        return false;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return true;
    }
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (len == 1)
            return false;
    }
    if (s[i] < '1' || s[i] > '9')
        return false;
    v = (unsigned long long)(s[i] - '0');
    for (i++; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned long long d = (unsigned long long)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        /* |LLONG_MIN| = LLONG_MAX + 1 */
        if (v > (unsigned long long)LLONG_MAX + 1)
            return false;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN
                                                      : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return false;
        *out = (long long)v;
    }
    return true;
}

/* Shared acceptance test after strto*: whole input consumed, no leading
 * space, no overflow to infinity or underflow to zero, never NaN. A literal
 * "inf" passes, as it does in Redis. */
bool mr_str2ld(const char *s, size_t len, long double *out)
{
    char buf[MAX_FLOAT_CHARS];
    char *end;

    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0]))
        return false;
    errno = 0;
    long double v = strtold(buf, &end);
    if ((size_t)(end - buf) != len)
        return false;
    if (errno == ERANGE &&
        (isinf(v) || fpclassify(v) == FP_ZERO))
        return false;
    if (errno == EINVAL || isnan(v))
        return false;
    *out = v;
    return true;
}

bool mr_str2d(const char *s, size_t len, double *out)
{
    char buf[MAX_FLOAT_CHARS];
    char *end;

    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0]))
        return false;
    errno = 0;
    double v = strtod(buf, &end);
    if ((size_t)(end - buf) != len)
        return false;
    if (errno == ERANGE && (isinf(v) || fpclassify(v) == FP_ZERO))
        return false;
    if (isnan(v))
        return false;
    *out = v;
    return true;
}

/* Digits are produced backwards into a small stack buffer, then copied; no
 * division by anything but a constant, which compilers turn into a multiply. */
int mr_ll2str(char *dst, long long v)
{
    char tmp[MR_LLSTR_SIZE];
    unsigned long long u;
    int n = 0, len = 0;

    /* Lengths in reply headers ("$3") are mostly one or two digits: skip
     * the general loop for them (LRANGE writes one per element). */
    if (v >= 0 && v < 10) {
        dst[0] = (char)('0' + v);
        dst[1] = '\0';
        return 1;
    }
    if (v >= 10 && v < 100) {
        dst[0] = (char)('0' + v / 10);
        dst[1] = (char)('0' + v % 10);
        dst[2] = '\0';
        return 2;
    }
    if (v < 0)
        u = (unsigned long long)(-(v + 1)) + 1; /* safe for LLONG_MIN */
    else
        u = (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        dst[len++] = '-';
    while (n)
        dst[len++] = tmp[--n];
    dst[len] = '\0';
    return len;
}

int mr_ld2str(char *dst, size_t cap, long double v)
{
    int l;

    if (isinf(v)) {
        if (cap < 5)
            return 0;
        if (v > 0) {
            memcpy(dst, "inf", 4);
            return 3;
        }
        memcpy(dst, "-inf", 5);
        return 4;
    }
    /* 17 digits after the point: with 80/128-bit long doubles, small decimal
     * numbers print back the way the user typed them. */
    l = snprintf(dst, cap, "%.17Lf", v);
    if (l < 0 || (size_t)l + 1 > cap)
        return 0;
    if (memchr(dst, '.', (size_t)l)) {
        while (dst[l - 1] == '0')
            l--;
        if (dst[l - 1] == '.')
            l--;
    }
    if (l == 2 && dst[0] == '-' && dst[1] == '0') {
        dst[0] = '0';
        l = 1;
    }
    dst[l] = '\0';
    return l;
}

int mr_d2str(char *dst, size_t cap, double v)
{
    if (isinf(v)) {
        if (cap < 5)
            return 0;
        if (v > 0) {
            memcpy(dst, "inf", 4);
            return 3;
        }
        memcpy(dst, "-inf", 5);
        return 4;
    }
    int l = snprintf(dst, cap, "%.17g", v);
    if (l < 0 || (size_t)l + 1 > cap)
        return 0;
    return l;
}

void mr_d2str_trim(char *out, size_t outlen, double d) {
    snprintf(out, outlen, "%f", d);
    char *dot = strchr(out, '.');
    if (!dot) return;
    char *end = out + strlen(out) - 1;
    while (end > dot && *end == '0') *end-- = '\0';
    if (end == dot) *end = '\0';
}
