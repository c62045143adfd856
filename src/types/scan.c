/* HSCAN/SSCAN/ZSCAN's shared step: see scan.h. */
#include "types/scan.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static void put(mr_scan_t *s, mr_str_t v) {
    uint32_t len = (uint32_t)v.len;
    mr_buf_append(&s->found, &len, sizeof len);
    mr_buf_append(&s->found, v.ptr, v.len);
    s->n++;
}

void mr_scan_add(mr_scan_t *s, mr_str_t key, const mr_str_t *val) {
    s->seen += val ? 2 : 1;
    if (s->pat.ptr &&
        !mr_glob_match(s->pat.ptr, s->pat.len, key.ptr, key.len, false))
        return;
    put(s, key);
    if (val) put(s, *val);
}

uint64_t mr_scan_table(mr_ft_t *ft, uint64_t cursor, long long count,
                       mr_ft_scan_fn visit, mr_scan_t *s) {
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cursor = mr_ft_scan(ft, cursor, visit, s);
    } while (cursor && budget-- && s->seen < count);
    return cursor;
}

void mr_scan_reply(mr_reply_t *r, uint64_t next, mr_scan_t *s) {
    char cbuf[24];
    int clen = snprintf(cbuf, sizeof cbuf, "%" PRIu64, next);
    mr_reply_array(r, 2);
    mr_reply_bulk(r, cbuf, (size_t)clen);
    mr_reply_array(r, s->n);
    for (size_t off = 0; off < s->found.len;) {
        uint32_t len;
        memcpy(&len, s->found.data + off, sizeof len);
        off += sizeof len;
        mr_reply_bulk(r, s->found.data + off, len);
        off += len;
    }
    mr_buf_free(&s->found);
}
