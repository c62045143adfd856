/* Growable byte buffer. Capacity grows geometrically so that appending n
 * bytes one piece at a time costs O(n) in total. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

void mr_buf_reserve(mr_buf_t *b, size_t extra)
{
    if (b->cap - b->len >= extra && b->data)
        return;
    size_t need = b->len + extra;
    if (need < b->len) /* size_t overflow: nothing can satisfy this */
        need = (size_t)-1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    b->data = mr_xrealloc(b->data, cap);
    b->cap = cap;
}

void mr_buf_append(mr_buf_t *b, const void *p, size_t n)
{
    mr_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void mr_buf_append_cstr(mr_buf_t *b, const char *s)
{
    mr_buf_append(b, s, strlen(s));
}

void mr_buf_printf(mr_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        mr_buf_append(b, small, (size_t)n);
        return;
    }
    /* Too long for the stack copy: format again straight into the buffer. */
    mr_buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void mr_buf_consume(mr_buf_t *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void mr_buf_free(mr_buf_t *b)
{
    mr_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

bool mr_str_eq_ci(mr_str_t s, const char *w)
{
    size_t i;
    for (i = 0; i < s.len; i++) {
        unsigned char a = (unsigned char)s.ptr[i];
        unsigned char c = (unsigned char)w[i];
        if (c == 0)
            return false;
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (a != c)
            return false;
    }
    return w[i] == 0;
}

/* As Redis's sdscatrepr: s quoted, with \\ \" \n \r \t \a \b
 * escaped, other printable bytes as they are, the rest as \xHH. */
void mr_buf_repr(mr_buf_t *b, const char *s, size_t n) {
    mr_buf_reserve(b, n + 2);
    mr_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '\\': mr_buf_append(b, "\\\\", 2); break;
        case '"': mr_buf_append(b, "\\\"", 2); break;
        case '\n': mr_buf_append(b, "\\n", 2); break;
        case '\r': mr_buf_append(b, "\\r", 2); break;
        case '\t': mr_buf_append(b, "\\t", 2); break;
        case '\a': mr_buf_append(b, "\\a", 2); break;
        case '\b': mr_buf_append(b, "\\b", 2); break;
        default:
            if (isprint(ch)) mr_buf_append(b, s + i, 1);
            else mr_buf_printf(b, "\\x%02x", ch);
        }
    }
    mr_buf_append(b, "\"", 1);
}
