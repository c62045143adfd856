/* Sorted integer array with 2/4/8-byte elements: see intset.h. */
#include "types/intset.h"

#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

/* Element access at an explicit width, so an upgrade can read the old
 * width and write the new one in the same buffer. */
static int64_t get_w(const unsigned char *data, unsigned width, size_t i) {
    switch (width) {
    case 2: {
        int16_t v;
        memcpy(&v, data + i * 2, sizeof v);
        return v;
    }
    case 4: {
        int32_t v;
        memcpy(&v, data + i * 4, sizeof v);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, data + i * 8, sizeof v);
        return v;
    }
    }
}

/* Stores v (which fits width) at index i. */
static void set_w(unsigned char *data, unsigned width, size_t i, int64_t v) {
    switch (width) {
    case 2: {
        int16_t x = (int16_t)v;
        memcpy(data + i * 2, &x, sizeof x);
        return;
    }
    case 4: {
        int32_t x = (int32_t)v;
        memcpy(data + i * 4, &x, sizeof x);
        return;
    }
    default:
        memcpy(data + i * 8, &v, sizeof v);
    }
}

static mr_intset_t *resize(mr_intset_t *is, size_t count, unsigned width) {
    return mr_xrealloc(is, sizeof *is + count * width);
}

mr_intset_t *mr_intset_new(void) {
    mr_intset_t *is = mr_xmalloc(sizeof *is);
    is->count = 0;
    is->width = 2;
    memset(is->unused, 0, sizeof is->unused);
    return is;
}

void mr_intset_free(mr_intset_t *is) { mr_free(is); }

mr_intset_t *mr_intset_dup(const mr_intset_t *is) {
    return mr_xmemdup(is, mr_intset_blob_bytes(is));
}

int64_t mr_intset_get(const mr_intset_t *is, size_t i) {
    return get_w(is->data, is->width, i);
}

/* Binary search, one loop per width so the element load is a plain typed
 * load inside the loop (the width switch hoisted out). */
#define SEARCH(T)                                                            \
    do {                                                                     \
        while (lo < hi) {                                                    \
            size_t mid = lo + (hi - lo) / 2;                                 \
            T x;                                                             \
            memcpy(&x, is->data + mid * sizeof(T), sizeof x);                \
            if (x < v) lo = mid + 1;                                         \
            else if (x > v) hi = mid;                                        \
            else {                                                           \
                lo = mid;                                                    \
                found = true;                                                \
                break;                                                       \
            }                                                                \
        }                                                                    \
    } while (0)

bool mr_intset_find(const mr_intset_t *is, int64_t v, size_t *pos) {
    size_t lo = 0, hi = is->count;
    bool found = false;
    if (mr_intset_width_for(v) > is->width) {
        /* wider than every member: below all of them or above all */
        if (pos) *pos = v < 0 ? 0 : is->count;
        return false;
    }
    switch (is->width) {
    case 2: SEARCH(int16_t); break;
    case 4: SEARCH(int32_t); break;
    default: SEARCH(int64_t); break;
    }
    if (pos) *pos = lo;
    return found;
}

/* Widens every element to fit v, which is outside the current width and so
 * below every member (v < 0) or above every one, and inserts it at that end.
 * Elements are rewritten from the last to the first: element i's new slot
 * starts at or after its old one, so no element not yet read is
 * overwritten. */
static mr_intset_t *upgrade_add(mr_intset_t *is, int64_t v) {
    unsigned from = is->width, to = mr_intset_width_for(v);
    size_t n = is->count, shift = v < 0 ? 1 : 0;
    is = resize(is, n + 1, to);
    for (size_t i = n; i-- > 0;)
        set_w(is->data, to, i + shift, get_w(is->data, from, i));
    set_w(is->data, to, v < 0 ? 0 : n, v);
    is->width = (uint8_t)to;
    is->count = (uint32_t)(n + 1);
    return is;
}

mr_intset_t *mr_intset_add(mr_intset_t *is, int64_t v, bool *added) {
    size_t n = is->count, pos;
    if (mr_intset_width_for(v) > is->width) {
        *added = true;
        return upgrade_add(is, v);
    }
    if (n > 0 && v > get_w(is->data, is->width, n - 1)) {
        pos = n; /* ascending input (store results, AOF replay): append */
    } else if (mr_intset_find(is, v, &pos)) {
        *added = false;
        return is;
    }
    unsigned w = is->width;
    is = resize(is, n + 1, w);
    memmove(is->data + (pos + 1) * w, is->data + pos * w, (n - pos) * w);
    set_w(is->data, w, pos, v);
    is->count = (uint32_t)(n + 1);
    *added = true;
    return is;
}

mr_intset_t *mr_intset_remove_at(mr_intset_t *is, size_t i) {
    size_t n = is->count;
    unsigned w = is->width;
    memmove(is->data + i * w, is->data + (i + 1) * w, (n - i - 1) * w);
    is->count = (uint32_t)(n - 1);
    /* shrink to fit, as the memory accounting reads the allocation */
    return resize(is, n - 1, w);
}

mr_intset_t *mr_intset_remove(mr_intset_t *is, int64_t v, bool *removed) {
    size_t pos;
    *removed = mr_intset_find(is, v, &pos);
    return *removed ? mr_intset_remove_at(is, pos) : is;
}
