/* Chained hash table with incremental rehashing and a resize-proof scan
 * cursor. See dict.h for the contract. */
#include "store/dict.h"

#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

/* A rehash step gives up after this many empty buckets so that a sparse
 * table (after many deletes) does not make one write slow. */
#define EMPTY_VISITS 10
/* Random bucket probes before falling back to a walk. */
#define RANDOM_PROBES 64

static inline uint64_t mask_of(unsigned exp) {
    return ((uint64_t)1 << exp) - 1;
}

static inline uint64_t bucket_of(const mr_dict_t *d, uint64_t h, int t) {
    return (h >> d->shift) & mask_of(d->exp[t]);
}

static inline uint64_t entry_hash(const mr_entry_t *e) {
    return mr_hash(mr_entry_key(e), e->klen);
}

void mr_dict_init(mr_dict_t *d, unsigned shift) {
    memset(d, 0, sizeof *d);
    d->rehash_idx = -1;
    d->shift = (uint8_t)shift;
}

void mr_dict_clear(mr_dict_t *d, void (*free_entry)(mr_entry_t *e)) {
    for (int t = 0; t < 2; t++) {
        if (!d->tab[t]) continue;
        size_t n = (size_t)1 << d->exp[t];
        for (size_t i = 0; i < n; i++) {
            mr_entry_t *e = d->tab[t][i];
            while (e) {
                mr_entry_t *next = e->next;
                free_entry(e);
                e = next;
            }
        }
        mr_free(d->tab[t]);
    }
    mr_dict_init(d, d->shift);
}

size_t mr_dict_table_bytes(const mr_dict_t *d) {
    size_t n = 0;
    for (int t = 0; t < 2; t++)
        if (d->tab[t]) n += sizeof(mr_entry_t *) << d->exp[t];
    return n;
}

static bool key_eq(const mr_entry_t *e, const void *key, size_t klen) {
    return e->klen == klen && memcmp(mr_entry_key(e), key, klen) == 0;
}

mr_entry_t **mr_dict_find_link(mr_dict_t *d, uint64_t h, const void *key,
                               size_t klen) {
    if (d->count == 0) return NULL;
    for (int t = 0; t < 2 && d->tab[t]; t++) {
        mr_entry_t **l = &d->tab[t][bucket_of(d, h, t)];
        for (; *l; l = &(*l)->next)
            if (key_eq(*l, key, klen)) return l;
    }
    return NULL;
}

mr_entry_t **mr_dict_find_entry_link(mr_dict_t *d, uint64_t h,
                                     const mr_entry_t *e) {
    for (int t = 0; t < 2 && d->tab[t]; t++) {
        mr_entry_t **l = &d->tab[t][bucket_of(d, h, t)];
        for (; *l; l = &(*l)->next)
            if (*l == e) return l;
    }
    return NULL;
}

/* Starts moving everything into a fresh table of 1 << exp buckets. The
 * first table of a dict is installed directly. */
static void start_resize(mr_dict_t *d, unsigned exp) {
    mr_entry_t **nt = mr_xcalloc((size_t)1 << exp, sizeof *nt);
    if (!d->tab[0]) {
        d->tab[0] = nt;
        d->exp[0] = (uint8_t)exp;
        return;
    }
    d->tab[1] = nt;
    d->exp[1] = (uint8_t)exp;
    d->rehash_idx = 0;
}

/* Smallest exponent whose table holds n entries below load 1. */
static unsigned exp_for(size_t n) {
    unsigned e = MR_DICT_MIN_EXP;
    while (e < 63 && ((size_t)1 << e) <= n) e++;
    return e;
}

void mr_dict_add(mr_dict_t *d, uint64_t h, mr_entry_t *e) {
    if (!d->tab[0]) {
        start_resize(d, MR_DICT_MIN_EXP);
    } else if (!mr_dict_is_rehashing(d) &&
               d->count >= ((size_t)1 << d->exp[0]) && d->exp[0] < 63) {
        /* load factor 1 reached: double */
        start_resize(d, d->exp[0] + 1u);
    }
    /* new entries go to the table that survives the rehash */
    int t = mr_dict_is_rehashing(d) ? 1 : 0;
    mr_entry_t **b = &d->tab[t][bucket_of(d, h, t)];
    e->next = *b;
    *b = e;
    d->count++;
}

mr_entry_t *mr_dict_replace(mr_entry_t **link, mr_entry_t *ne) {
    mr_entry_t *old = *link;
    ne->next = old->next;
    *link = ne;
    return old;
}

mr_entry_t *mr_dict_unlink(mr_dict_t *d, mr_entry_t **link) {
    mr_entry_t *e = *link;
    *link = e->next;
    e->next = NULL;
    d->count--;
    mr_dict_maybe_shrink(d);
    return e;
}

bool mr_dict_maybe_shrink(mr_dict_t *d) {
    if (!d->tab[0] || mr_dict_is_rehashing(d)) return false;
    size_t size = (size_t)1 << d->exp[0];
    if (d->exp[0] <= MR_DICT_MIN_EXP || d->count >= size / 8) return false;
    start_resize(d, exp_for(d->count));
    return true;
}

/* Moving done: the new table becomes the main one. */
static void finish_rehash(mr_dict_t *d) {
    mr_free(d->tab[0]);
    d->tab[0] = d->tab[1];
    d->exp[0] = d->exp[1];
    d->tab[1] = NULL;
    d->exp[1] = 0;
    d->rehash_idx = -1;
}

bool mr_dict_rehash_step(mr_dict_t *d) {
    if (!mr_dict_is_rehashing(d)) return false;
    size_t size0 = (size_t)1 << d->exp[0];
    size_t i = (size_t)d->rehash_idx;
    int empty = EMPTY_VISITS;
    while (i < size0 && !d->tab[0][i]) {
        i++;
        if (--empty == 0) break;
    }
    if (i < size0 && d->tab[0][i]) {
        mr_entry_t *e = d->tab[0][i];
        while (e) {
            mr_entry_t *next = e->next;
            mr_entry_t **b = &d->tab[1][bucket_of(d, entry_hash(e), 1)];
            e->next = *b;
            *b = e;
            e = next;
        }
        d->tab[0][i] = NULL;
        i++;
    }
    d->rehash_idx = (int64_t)i;
    if (i >= size0) {
        finish_rehash(d);
        return false;
    }
    return true;
}

bool mr_dict_rehash(mr_dict_t *d, int n) {
    bool more = mr_dict_is_rehashing(d);
    while (n-- > 0 && more) more = mr_dict_rehash_step(d);
    return more;
}

/* Reverses the bits of a 64-bit word. */
static uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(v);
}

/* Advances the cursor by one in reversed-bit order within `mask`: the high
 * bits of the bucket index are incremented first, so the buckets an index
 * splits into (on grow) or merges from (on shrink) are all visited after
 * it or before it together, never skipped. */
static uint64_t next_cursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    v = rev64(v);
    v++;
    return rev64(v);
}

static size_t visit_bucket(mr_entry_t *e, mr_dict_scan_fn fn, void *ctx) {
    while (e) {
        mr_entry_t *next = e->next;
        fn(ctx, e);
        e = next;
    }
    return 1;
}

uint64_t mr_dict_scan(mr_dict_t *d, uint64_t cursor, mr_dict_scan_fn fn,
                      void *ctx, size_t *visited) {
    size_t n = 0;
    if (d->count == 0 || !d->tab[0]) {
        if (visited) *visited = 0;
        return 0;
    }
    uint64_t v = cursor;
    if (!mr_dict_is_rehashing(d)) {
        uint64_t m = mask_of(d->exp[0]);
        n += visit_bucket(d->tab[0][v & m], fn, ctx);
        v = next_cursor(v, m);
    } else {
        /* small table first, then every bucket of the large table that
         * the small bucket expands to (they share the low bits) */
        int ts = d->exp[0] <= d->exp[1] ? 0 : 1, tl = 1 - ts;
        uint64_t ms = mask_of(d->exp[ts]), ml = mask_of(d->exp[tl]);
        n += visit_bucket(d->tab[ts][v & ms], fn, ctx);
        do {
            n += visit_bucket(d->tab[tl][v & ml], fn, ctx);
            v = next_cursor(v, ml);
        } while (v & (ms ^ ml));
    }
    if (visited) *visited = n;
    return v;
}

mr_entry_t *mr_dict_random(mr_dict_t *d, uint64_t (*rnd)(void)) {
    if (d->count == 0) return NULL;
    /* candidate buckets: tab[0] from rehash_idx on, then all of tab[1] */
    size_t lo = mr_dict_is_rehashing(d) ? (size_t)d->rehash_idx : 0;
    size_t n0 = ((size_t)1 << d->exp[0]) - lo;
    size_t n1 = d->tab[1] ? (size_t)1 << d->exp[1] : 0;
    size_t total = n0 + n1;
    mr_entry_t *head = NULL;
    size_t pick = (size_t)(rnd() % total);
    for (int probe = 0; probe <= RANDOM_PROBES && !head; probe++) {
        if (probe == RANDOM_PROBES) {
            /* unlucky or very sparse: walk from the last probe */
            for (size_t k = 0; k < total && !head; k++) {
                size_t j = (pick + k) % total;
                head = j < n0 ? d->tab[0][lo + j] : d->tab[1][j - n0];
            }
            break;
        }
        pick = (size_t)(rnd() % total);
        head = pick < n0 ? d->tab[0][lo + pick] : d->tab[1][pick - n0];
    }
    if (!head) return NULL; /* unreachable while count > 0 */
    size_t len = 0;
    for (mr_entry_t *e = head; e; e = e->next) len++;
    size_t k = (size_t)(rnd() % len);
    while (k--) head = head->next;
    return head;
}

/* As Redis's dictGetSomeKeys: a walk over consecutive buckets from a random
 * one is far cheaper than n independent random picks (one cache miss per
 * bucket, no probing), and is as random as the hash for sampling. The
 * candidate buckets are those mr_dict_random draws from. */
size_t mr_dict_sample(mr_dict_t *d, uint64_t start, mr_entry_t **out,
                      size_t n, size_t max_buckets, bool ttl_only) {
    if (d->count == 0 || n == 0) return 0;
    size_t lo = mr_dict_is_rehashing(d) ? (size_t)d->rehash_idx : 0;
    size_t n0 = ((size_t)1 << d->exp[0]) - lo;
    size_t n1 = d->tab[1] ? (size_t)1 << d->exp[1] : 0;
    size_t total = n0 + n1, got = 0;
    if (max_buckets > total) max_buckets = total;
    size_t j = (size_t)(start % total), k = 0;
    /* a window of chain heads is read and prefetched before any is
     * walked, so the entries' cache misses overlap (the buckets are
     * random lines of a big keyspace: this is where sampling stalls) */
    enum { WINDOW = 8 };
    mr_entry_t *heads[WINDOW];
    while (k < max_buckets && got < n) {
        int w = 0;
        for (; w < WINDOW && k < max_buckets; k++) {
            mr_entry_t *e = j < n0 ? d->tab[0][lo + j] : d->tab[1][j - n0];
            if (++j == total) j = 0;
            if (!e) continue;
            __builtin_prefetch(e, 0);
            heads[w++] = e;
        }
        for (int i = 0; i < w && got < n; i++)
            for (mr_entry_t *e = heads[i]; e && got < n; e = e->next)
                if (!ttl_only || mr_entry_has_expire(e)) out[got++] = e;
    }
    return got;
}
