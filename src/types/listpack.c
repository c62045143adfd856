/* Listpack: one contiguous allocation holding a sequence of byte strings.
 * The encoding is described in listpack.h. */
#include "types/listpack.h"

#include <assert.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_STR6 0x80   /* 0x80 | len, len < 64 */
#define HEAD_INT 0xc0    /* 0xc0 + (bytes - 1), bytes 1..8 */
#define HEAD_STRVAR 0xc8 /* followed by LEB128 length */
#define SMALL_INT_MAX 127
#define STR6_MAX 63
#define LEB_MAX 5     /* LEB128 bytes for a u32 */
#define BACKLEN_MAX 5 /* 7 bits a byte: enough for 32+ bits */
#define HEAD_MAX (1 + LEB_MAX)

/* An encoded element before it is copied in: head (+ integer payload) in
 * `head`, string payload borrowed from the caller, and the backlen. */
typedef struct enc {
    unsigned char head[1 + 8 > HEAD_MAX ? 1 + 8 : HEAD_MAX];
    size_t head_len;
    const unsigned char *payload;
    size_t payload_len;
    unsigned char back[BACKLEN_MAX];
    size_t back_len;
} enc_t;

/* A listpack cannot be larger than its u32 size field; asking for more is a
 * caller bug (they check mr_lp_fits), so there is nothing to recover. */
static void too_big(size_t want)
{
    fprintf(stderr, "miniredis: listpack would exceed %zu bytes (%zu)\n",
            MR_LP_MAX_BYTES, want);
    fflush(stderr);
    abort();
}

/* Makes lp's allocation hold `need` bytes. It grows through realloc only
 * past its usable size (the allocator rounds requests up to a size class,
 * so most inserts need no call at all), and shrinks only when more than
 * half of it would be unused, the rule fieldtab uses for its entries. A
 * realloc costs hundreds of instructions even when it stays in place, and
 * a list's head push or pop would pay one each time. Copies of a listpack
 * take mr_lp_bytes (the header's total), never the allocation's size. */
static unsigned char *resize(unsigned char *lp, size_t need)
{
    size_t have = malloc_usable_size(lp);
    if (need <= have && have - need <= have / 2)
        return lp;
    return mr_xrealloc(lp, need);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static size_t total_of(const unsigned char *lp) { return rd32(lp); }
static size_t count_of(const unsigned char *lp) { return rd32(lp + 4); }

static void set_header(unsigned char *lp, size_t total, size_t count)
{
    wr32(lp, (uint32_t)total);
    wr32(lp + 4, (uint32_t)count);
}

static size_t backlen_size(size_t l)
{
    size_t n = 1;
    while (l >= 128) {
        l >>= 7;
        n++;
    }
    return n;
}

/* Written so that reading backwards from the element's end meets the low
 * bits first and knows from bit 0x80 whether to keep going. */
static void backlen_write(unsigned char *dst, size_t l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)((l >> (7 * i)) & 0x7f);
        if (i + 1 < n)
            b |= 0x80;
        dst[n - 1 - i] = b;
    }
}

/* Reads the backlen ending just before `end`; `limit` bytes may be read at
 * most (validate passes what is left, trusted callers BACKLEN_MAX). Returns
 * false if it runs past the limit. */
static bool backlen_read(const unsigned char *end, size_t limit, size_t *l,
                         size_t *n)
{
    size_t v = 0;
    for (size_t i = 0; i < BACKLEN_MAX && i < limit; i++) {
        unsigned char b = end[-1 - (ptrdiff_t)i];
        v |= (size_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *l = v;
            *n = i + 1;
            return true;
        }
    }
    return false;
}

static int int_bytes(long long v)
{
    for (int n = 1; n < 8; n++) {
        long long lim = 1LL << (8 * n - 1);
        if (v >= -lim && v < lim)
            return n;
    }
    return 8;
}

static void encode(enc_t *e, const unsigned char *s, size_t len)
{
    long long v;

    e->payload = NULL;
    e->payload_len = 0;
    if (mr_str2ll((const char *)s, len, &v)) {
        if (v >= 0 && v <= SMALL_INT_MAX) {
            e->head[0] = (unsigned char)v;
            e->head_len = 1;
        } else {
            int n = int_bytes(v);
            uint64_t u = (uint64_t)v;
            e->head[0] = (unsigned char)(HEAD_INT + n - 1);
            for (int i = 0; i < n; i++)
                e->head[1 + i] = (unsigned char)(u >> (8 * i));
            e->head_len = 1 + (size_t)n;
        }
    } else if (len <= STR6_MAX) {
        e->head[0] = (unsigned char)(HEAD_STR6 | len);
        e->head_len = 1;
        e->payload = s;
        e->payload_len = len;
    } else {
        size_t l = len, i = 1;
        e->head[0] = HEAD_STRVAR;
        do {
            unsigned char b = (unsigned char)(l & 0x7f);
            l >>= 7;
            if (l)
                b |= 0x80;
            e->head[i++] = b;
        } while (l);
        e->head_len = i;
        e->payload = s;
        e->payload_len = len;
    }
    size_t body = e->head_len + e->payload_len;
    e->back_len = backlen_size(body);
    backlen_write(e->back, body, e->back_len);
}

static size_t enc_size(const enc_t *e)
{
    return e->head_len + e->payload_len + e->back_len;
}

static void enc_store(unsigned char *dst, const enc_t *e)
{
    memcpy(dst, e->head, e->head_len);
    dst += e->head_len;
    if (e->payload_len)
        memcpy(dst, e->payload, e->payload_len);
    dst += e->payload_len;
    memcpy(dst, e->back, e->back_len);
}

/* Decodes the element at p (trusted) into *out; returns head + payload. */
static size_t decode(const unsigned char *p, mr_lp_entry_t *out)
{
    unsigned char h = p[0];

    if (h <= SMALL_INT_MAX) {
        out->is_int = true;
        out->ll = h;
        out->ptr = NULL;
        out->len = 0;
        return 1;
    }
    if (h < HEAD_INT) {
        out->is_int = false;
        out->ptr = p + 1;
        out->len = h & 0x3f;
        return 1 + out->len;
    }
    if (h < HEAD_STRVAR) {
        int n = h - HEAD_INT + 1;
        uint64_t u = 0;
        for (int i = 0; i < n; i++)
            u |= (uint64_t)p[1 + i] << (8 * i);
        if (n < 8 && (u >> (8 * n - 1)) & 1)
            u |= ~(uint64_t)0 << (8 * n);
        out->is_int = true;
        out->ll = (long long)u;
        out->ptr = NULL;
        out->len = 0;
        return 1 + (size_t)n;
    }
    assert(h == HEAD_STRVAR);
    size_t len = 0, i = 1;
    for (;; i++) {
        len |= (size_t)(p[i] & 0x7f) << (7 * (i - 1));
        if (!(p[i] & 0x80))
            break;
    }
    out->is_int = false;
    out->ptr = p + i + 1;
    out->len = len;
    return i + 1 + len;
}

/* Whole size of the element at pos, backlen included. */
static size_t elem_size(const unsigned char *lp, size_t pos)
{
    mr_lp_entry_t e;
    size_t body = decode(lp + pos, &e);
    return body + backlen_size(body);
}

unsigned char *mr_lp_new(void)
{
    unsigned char *lp = mr_xmalloc(MR_LP_HDR_SIZE);
    set_header(lp, MR_LP_HDR_SIZE, 0);
    return lp;
}

void mr_lp_free(unsigned char *lp) { mr_free(lp); }

size_t mr_lp_count(const unsigned char *lp) { return count_of(lp); }

size_t mr_lp_bytes(const unsigned char *lp) { return total_of(lp); }

bool mr_lp_fits(const unsigned char *lp, size_t len)
{
    /* Worst-case framing for a string of len bytes. */
    size_t room = MR_LP_MAX_BYTES - total_of(lp);
    return room >= HEAD_MAX + BACKLEN_MAX &&
           len <= room - HEAD_MAX - BACKLEN_MAX;
}

/* Makes room for `add` bytes at offset `off` by moving the tail; returns
 * the new listpack with the header's total and count updated. */
static unsigned char *open_gap(unsigned char *lp, size_t off, size_t add)
{
    size_t total = total_of(lp);
    if (add > MR_LP_MAX_BYTES - total)
        too_big(add);
    lp = resize(lp, total + add);
    memmove(lp + off + add, lp + off, total - off);
    set_header(lp, total + add, count_of(lp) + 1);
    return lp;
}

/* Whether p lies inside lp's allocation (compared as integers: relational
 * operators on pointers into different objects are undefined). */
static bool points_into(const unsigned char *lp, const unsigned char *p)
{
    uintptr_t a = (uintptr_t)lp, x = (uintptr_t)p;
    return x >= a && x - a < total_of(lp);
}

/* Encodes s and inserts it at byte offset off. s may alias lp: it is
 * copied first then, because open_gap may move the listpack. */
static unsigned char *insert_at(unsigned char *lp, size_t off, const void *s,
                                size_t len)
{
    const unsigned char *src = s;
    unsigned char *copy = NULL;
    enc_t e;

    if (len > MR_LP_MAX_BYTES)
        too_big(len);
    if (len && points_into(lp, src)) {
        copy = mr_xmemdup(src, len);
        src = copy;
    }
    encode(&e, src, len);
    lp = open_gap(lp, off, enc_size(&e));
    enc_store(lp + off, &e);
    mr_free(copy);
    return lp;
}

unsigned char *mr_lp_append(unsigned char *lp, const void *s, size_t len)
{
    return insert_at(lp, total_of(lp), s, len);
}

unsigned char *mr_lp_prepend(unsigned char *lp, const void *s, size_t len)
{
    return insert_at(lp, MR_LP_HDR_SIZE, s, len);
}

unsigned char *mr_lp_insert(unsigned char *lp, size_t pos, int where,
                            const void *s, size_t len, size_t *newpos)
{
    assert(pos >= MR_LP_HDR_SIZE && pos < total_of(lp));
    size_t off = where == MR_LP_AFTER ? pos + elem_size(lp, pos) : pos;
    lp = insert_at(lp, off, s, len);
    if (newpos)
        *newpos = off;
    return lp;
}

unsigned char *mr_lp_replace(unsigned char *lp, size_t pos, const void *s,
                             size_t len)
{
    const unsigned char *src = s;
    unsigned char *copy = NULL;
    enc_t e;

    assert(pos >= MR_LP_HDR_SIZE && pos < total_of(lp));
    if (len > MR_LP_MAX_BYTES)
        too_big(len);
    if (len && points_into(lp, src)) {
        copy = mr_xmemdup(src, len);
        src = copy;
    }
    encode(&e, src, len);
    size_t total = total_of(lp);
    size_t old = elem_size(lp, pos);
    size_t now = enc_size(&e);
    size_t tail = pos + old;
    if (now > old) {
        if (now - old > MR_LP_MAX_BYTES - total)
            too_big(total);
        lp = resize(lp, total + (now - old));
        memmove(lp + pos + now, lp + tail, total - tail);
    } else if (now < old) {
        memmove(lp + pos + now, lp + tail, total - tail);
        lp = resize(lp, total - (old - now));
    }
    set_header(lp, total - old + now, count_of(lp));
    enc_store(lp + pos, &e);
    mr_free(copy);
    return lp;
}

size_t mr_lp_first(const unsigned char *lp)
{
    return total_of(lp) > MR_LP_HDR_SIZE ? MR_LP_HDR_SIZE : MR_LP_NONE;
}

size_t mr_lp_last(const unsigned char *lp)
{
    size_t total = total_of(lp);
    if (total == MR_LP_HDR_SIZE)
        return MR_LP_NONE;
    return mr_lp_prev(lp, total);
}

size_t mr_lp_next(const unsigned char *lp, size_t pos)
{
    assert(pos >= MR_LP_HDR_SIZE && pos < total_of(lp));
    size_t n = pos + elem_size(lp, pos);
    return n < total_of(lp) ? n : MR_LP_NONE;
}

/* Also accepts pos == total (one past the last element), which is how
 * mr_lp_last finds the tail. */
size_t mr_lp_prev(const unsigned char *lp, size_t pos)
{
    assert(pos >= MR_LP_HDR_SIZE && pos <= total_of(lp));
    if (pos <= MR_LP_HDR_SIZE)
        return MR_LP_NONE;
    size_t body = 0, n = 0;
    bool ok = backlen_read(lp + pos, BACKLEN_MAX, &body, &n);
    assert(ok);
    (void)ok;
    return pos - n - body;
}

size_t mr_lp_seek(const unsigned char *lp, long long index)
{
    size_t count = count_of(lp);
    size_t i;

    if (index < 0) {
        unsigned long long back = -(unsigned long long)index;
        if (back > count)
            return MR_LP_NONE;
        i = count - (size_t)back;
    } else {
        if ((unsigned long long)index >= count)
            return MR_LP_NONE;
        i = (size_t)index;
    }
    size_t pos;
    if (i < count / 2) {
        pos = mr_lp_first(lp);
        while (i--)
            pos = mr_lp_next(lp, pos);
    } else {
        pos = mr_lp_last(lp);
        for (size_t k = count - 1 - i; k; k--)
            pos = mr_lp_prev(lp, pos);
    }
    return pos;
}

void mr_lp_get(const unsigned char *lp, size_t pos, mr_lp_entry_t *out)
{
    assert(pos >= MR_LP_HDR_SIZE && pos < total_of(lp));
    decode(lp + pos, out);
}

mr_str_t mr_lp_get_str(const unsigned char *lp, size_t pos,
                       char intbuf[MR_LP_INTBUF])
{
    mr_lp_entry_t e;
    mr_lp_get(lp, pos, &e);
    if (e.is_int) {
        int n = mr_ll2str(intbuf, e.ll);
        return (mr_str_t){intbuf, (size_t)n};
    }
    return (mr_str_t){(const char *)e.ptr, e.len};
}

mr_str_t mr_lp_get_str_next(const unsigned char *lp, size_t pos,
                            char intbuf[MR_LP_INTBUF], size_t *next)
{
    mr_lp_entry_t e;
    assert(pos >= MR_LP_HDR_SIZE && pos < total_of(lp));
    size_t body = decode(lp + pos, &e);
    size_t n = pos + body + backlen_size(body);
    *next = n < total_of(lp) ? n : MR_LP_NONE;
    if (e.is_int)
        return (mr_str_t){intbuf, (size_t)mr_ll2str(intbuf, e.ll)};
    return (mr_str_t){(const char *)e.ptr, e.len};
}

bool mr_lp_get_int(const unsigned char *lp, size_t pos, long long *out)
{
    mr_lp_entry_t e;
    mr_lp_get(lp, pos, &e);
    if (!e.is_int)
        return false;
    *out = e.ll;
    return true;
}

unsigned char *mr_lp_delete_n(unsigned char *lp, size_t pos, size_t n,
                              size_t *next)
{
    size_t total = total_of(lp);
    size_t end = pos, k = 0;

    assert(pos >= MR_LP_HDR_SIZE && pos < total);
    while (k < n && end < total) {
        end += elem_size(lp, end);
        k++;
    }
    memmove(lp + pos, lp + end, total - end);
    total -= end - pos;
    lp = resize(lp, total);
    set_header(lp, total, count_of(lp) - k);
    if (next)
        *next = pos < total ? pos : MR_LP_NONE;
    return lp;
}

unsigned char *mr_lp_delete(unsigned char *lp, size_t pos, size_t *next)
{
    return mr_lp_delete_n(lp, pos, 1, next);
}

unsigned char *mr_lp_delete_range(unsigned char *lp, long long index,
                                  size_t n)
{
    size_t pos = mr_lp_seek(lp, index);
    if (pos == MR_LP_NONE || n == 0)
        return lp;
    return mr_lp_delete_n(lp, pos, n, NULL);
}

unsigned char *mr_lp_split(unsigned char **lpp, size_t pos)
{
    unsigned char *lp = *lpp;
    size_t total = total_of(lp);

    assert(pos >= MR_LP_HDR_SIZE && pos < total);
    size_t moved = 0;
    for (size_t p = pos; p < total; p += elem_size(lp, p))
        moved++;
    size_t tail = total - pos;
    unsigned char *right = mr_xmalloc(MR_LP_HDR_SIZE + tail);
    memcpy(right + MR_LP_HDR_SIZE, lp + pos, tail);
    set_header(right, MR_LP_HDR_SIZE + tail, moved);
    size_t left_count = count_of(lp) - moved;
    lp = resize(lp, pos);
    set_header(lp, pos, left_count);
    *lpp = lp;
    return right;
}

unsigned char *mr_lp_merge(unsigned char *a, const unsigned char *b)
{
    size_t at = total_of(a), add = total_of(b) - MR_LP_HDR_SIZE;
    if (add > MR_LP_MAX_BYTES - at)
        too_big(add);
    if (add == 0)
        return a;
    a = resize(a, at + add);
    memcpy(a + at, b + MR_LP_HDR_SIZE, add);
    set_header(a, at + add, count_of(a) + count_of(b));
    return a;
}

/* The query, parsed once: whether it is a canonical integer decides which
 * encoding an equal element must have. */
typedef struct query {
    const unsigned char *s;
    size_t len;
    long long ll;
    bool is_int;
} query_t;

static void query_init(query_t *q, const void *s, size_t len)
{
    q->s = s;
    q->len = len;
    q->is_int = mr_str2ll(s, len, &q->ll);
}

static bool entry_matches(const mr_lp_entry_t *e, const query_t *q)
{
    if (e->is_int)
        return q->is_int && e->ll == q->ll;
    return e->len == q->len &&
           (q->len == 0 || memcmp(e->ptr, q->s, q->len) == 0);
}

bool mr_lp_eq(const unsigned char *lp, size_t pos, const void *s, size_t len)
{
    mr_lp_entry_t e;
    query_t q;
    mr_lp_get(lp, pos, &e);
    query_init(&q, s, len);
    return entry_matches(&e, &q);
}

size_t mr_lp_find(const unsigned char *lp, size_t pos, const void *s,
                  size_t len, size_t skip)
{
    size_t total = total_of(lp);
    query_t q;

    query_init(&q, s, len);
    while (pos != MR_LP_NONE && pos < total) {
        mr_lp_entry_t e;
        size_t body = decode(lp + pos, &e);
        if (entry_matches(&e, &q))
            return pos;
        pos += body + backlen_size(body);
        for (size_t k = 0; k < skip && pos < total; k++)
            pos += elem_size(lp, pos);
    }
    return MR_LP_NONE;
}

/* Decodes the element at p with at most `avail` bytes readable; returns
 * head + payload size, or 0 if the element is malformed, truncated or not
 * in the canonical encoding mr_lp_* would have written. */
static size_t check_elem(const unsigned char *p, size_t avail)
{
    unsigned char h = p[0];

    if (h <= SMALL_INT_MAX)
        return 1;
    if (h < HEAD_INT) {
        size_t len = h & 0x3f;
        long long v;
        if (len > avail - 1)
            return 0;
        if (mr_str2ll((const char *)p + 1, len, &v))
            return 0;
        return 1 + len;
    }
    if (h < HEAD_STRVAR) {
        size_t n = (size_t)(h - HEAD_INT) + 1;
        mr_lp_entry_t e;
        if (n > avail - 1)
            return 0;
        decode(p, &e);
        if ((e.ll >= 0 && e.ll <= SMALL_INT_MAX) ||
            (size_t)int_bytes(e.ll) != n)
            return 0;
        return 1 + n;
    }
    if (h != HEAD_STRVAR)
        return 0;
    size_t len = 0, i = 1;
    for (;; i++) {
        if (i >= avail || i > LEB_MAX)
            return 0;
        len |= (size_t)(p[i] & 0x7f) << (7 * (i - 1));
        if (!(p[i] & 0x80))
            break;
    }
    /* Minimal LEB128: a multi-byte length never ends in a zero group. */
    if (i > 1 && p[i] == 0)
        return 0;
    if (len <= STR6_MAX || len > avail - i - 1)
        return 0;
    /* Strings of >= 64 bytes are never canonical integers (at most 20). */
    return i + 1 + len;
}

bool mr_lp_validate(const void *buf, size_t len)
{
    const unsigned char *lp = buf;

    if (!buf || len < MR_LP_HDR_SIZE || len > MR_LP_MAX_BYTES)
        return false;
    if (total_of(lp) != len)
        return false;
    size_t count = count_of(lp), seen = 0, pos = MR_LP_HDR_SIZE;
    while (pos < len) {
        size_t avail = len - pos;
        size_t body = check_elem(lp + pos, avail);
        if (body == 0)
            return false;
        size_t bn = backlen_size(body);
        if (bn > avail - body)
            return false;
        size_t l, n;
        if (!backlen_read(lp + pos + body + bn, bn, &l, &n) || l != body ||
            n != bn)
            return false;
        pos += body + bn;
        if (++seen > count)
            return false;
    }
    return seen == count;
}
