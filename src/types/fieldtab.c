/* The per-collection hash table: chained buckets, incremental rehashing,
 * a resize-proof reverse-binary scan cursor and a fair-ish random pick.
 * See fieldtab.h for the contract and the entry layout. */
#include "types/fieldtab.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

/* One shrink divides the bucket count by at most 2^SHRINK_MAX_EXP. Going
 * straight from a huge sparse table to a tiny one would send every insert
 * made during the (long, mostly empty-bucket) rehash into the tiny table;
 * shrinking by stages keeps the new table's load bounded meanwhile. */
#define SHRINK_MAX_EXP 3
/* mr_ft_random: a probe picks a bucket and a slot 0..K-1 and succeeds only
 * if the chain has an entry in that slot, which makes every entry of a chain
 * up to K long equally likely. K (4, 8 or 16) grows with the load factor so
 * that under 1 entry in 3000 sits in a longer chain, while a probe still
 * succeeds at least one time in 32 at load 1/8 (one in 8 at load 1). */
#define RANDOM_K_MAX_BITS 4
/* Below load 1/RANDOM_SPARSE, probing costs more than reading the bucket
 * array in order, so mr_ft_random counts its way to a random index. */
#define RANDOM_SPARSE 64
/* Probes before giving up on luck (e^-16 at load 1/64) and walking. */
#define RANDOM_PROBES 4096

struct mr_ft {
    mr_ft_entry_t **tab[2]; /* tab[1] is non-NULL only while rehashing */
    size_t count;           /* entries in both tables */
    size_t count1;          /* of which in tab[1] (mr_ft_random needs it) */
    size_t entry_bytes;     /* usable sizes of every entry */
    int64_t rehash_idx;     /* next tab[0] bucket to move; -1: none */
    uint32_t pause;         /* iterators and scans running: no rehash */
    uint8_t exp[2];         /* table sizes are 1 << exp (NULL table: 0) */
    uint8_t kind;           /* mr_ft_kind_t */
    /* statistics, see mr_ft_stats_t */
    uint64_t resizes;
    uint64_t moved_buckets;
    size_t max_step_buckets;
    size_t max_step_entries;
};

static inline size_t tab_size(const mr_ft_t *ft, int t) {
    return ft->tab[t] ? (size_t)1 << ft->exp[t] : 0;
}

static inline uint64_t bucket_of(const mr_ft_t *ft, uint64_t h, int t) {
    return h & (((uint64_t)1 << ft->exp[t]) - 1);
}

static inline bool rehashing(const mr_ft_t *ft) {
    return ft->rehash_idx >= 0;
}

/* Lengths are stored in 32 bits. The protocol layer bounds bulk strings to
 * far less, so a longer one is a caller bug, not client input. */
static void check_len(size_t n) {
    if (n > UINT32_MAX) abort();
}

static size_t payload_size(const mr_ft_t *ft, size_t vlen) {
    switch ((mr_ft_kind_t)ft->kind) {
    case MR_FT_HASH: return vlen;
    case MR_FT_ZSET: return sizeof(double) + sizeof(void *);
    case MR_FT_SET: break;
    }
    return 0;
}

/* A new unlinked entry: key, then val (HASH) or a zero payload. */
static mr_ft_entry_t *entry_new(mr_ft_t *ft, const void *key, size_t klen,
                                const void *val, size_t vlen) {
    check_len(klen);
    check_len(vlen);
    size_t n = offsetof(mr_ft_entry_t, data) + klen + payload_size(ft, vlen);
    mr_ft_entry_t *e = mr_xmalloc(n);
    e->next = NULL;
    e->klen = (uint32_t)klen;
    e->vlen = ft->kind == MR_FT_HASH ? (uint32_t)vlen : 0;
    if (klen) memcpy(e->data, key, klen);
    if (ft->kind == MR_FT_HASH) {
        if (vlen) memcpy(e->data + klen, val, vlen);
    } else if (ft->kind == MR_FT_ZSET) {
        mr_ft_set_score(e, 0.0);
        mr_ft_set_ptr(e, NULL);
    }
    ft->entry_bytes += malloc_usable_size(e);
    return e;
}

static void entry_free(mr_ft_t *ft, mr_ft_entry_t *e) {
    ft->entry_bytes -= malloc_usable_size(e);
    mr_free(e);
}

mr_ft_t *mr_ft_create(mr_ft_kind_t kind) {
    mr_ft_t *ft = mr_xcalloc(1, sizeof *ft);
    ft->rehash_idx = -1;
    ft->kind = (uint8_t)kind;
    return ft;
}

/* Frees both bucket arrays, and every entry in them if `entries` (the
 * caller passes false when the table is already empty). The next insert
 * allocates a first array again. */
static void release_all(mr_ft_t *ft, bool entries) {
    for (int t = 0; t < 2; t++) {
        if (!ft->tab[t]) continue;
        if (entries) {
            size_t n = tab_size(ft, t);
            for (size_t i = 0; i < n; i++) {
                mr_ft_entry_t *e = ft->tab[t][i];
                while (e) {
                    mr_ft_entry_t *next = e->next;
                    entry_free(ft, e);
                    e = next;
                }
            }
        }
        mr_free(ft->tab[t]);
        ft->tab[t] = NULL;
        ft->exp[t] = 0;
    }
    ft->rehash_idx = -1;
    ft->count1 = 0;
}

void mr_ft_free(mr_ft_t *ft) {
    if (!ft) return;
    release_all(ft, true);
    mr_free(ft);
}

mr_ft_kind_t mr_ft_kind(const mr_ft_t *ft) { return (mr_ft_kind_t)ft->kind; }

size_t mr_ft_count(const mr_ft_t *ft) { return ft->count; }

/* Smallest exponent (at least MR_FT_MIN_EXP) whose table holds n entries
 * below load factor 1. */
static unsigned exp_for(size_t n) {
    unsigned e = MR_FT_MIN_EXP;
    while (e < 63 && ((size_t)1 << e) <= n) e++;
    return e;
}

/* Starts moving everything into a fresh table of 1 << exp buckets; the
 * first table is installed directly. */
static void start_resize(mr_ft_t *ft, unsigned exp) {
    mr_ft_entry_t **nt = mr_xcalloc((size_t)1 << exp, sizeof *nt);
    if (!ft->tab[0]) {
        ft->tab[0] = nt;
        ft->exp[0] = (uint8_t)exp;
        return;
    }
    ft->tab[1] = nt;
    ft->exp[1] = (uint8_t)exp;
    ft->rehash_idx = 0;
    ft->resizes++;
}

/* After deletes: drops the arrays of an empty table, or starts a shrink
 * stage if the load fell below 1/8. Never while paused or rehashing. */
static void maybe_shrink(mr_ft_t *ft) {
    if (ft->pause || !ft->tab[0]) return;
    if (ft->count == 0) {
        release_all(ft, false);
        return;
    }
    if (rehashing(ft)) return;
    size_t size = tab_size(ft, 0);
    if (ft->exp[0] <= MR_FT_MIN_EXP || ft->count >= size / 8) return;
    unsigned e = exp_for(ft->count);
    unsigned floor_exp = ft->exp[0] - SHRINK_MAX_EXP;
    if (floor_exp < MR_FT_MIN_EXP) floor_exp = MR_FT_MIN_EXP;
    start_resize(ft, e > floor_exp ? e : floor_exp);
}

/* Moving done: the new table becomes the main one. A staged shrink that
 * is still too sparse starts its next stage (nothing moves yet). */
static void finish_rehash(mr_ft_t *ft) {
    bool shrunk = ft->exp[1] < ft->exp[0];
    mr_free(ft->tab[0]);
    ft->tab[0] = ft->tab[1];
    ft->exp[0] = ft->exp[1];
    ft->tab[1] = NULL;
    ft->exp[1] = 0;
    ft->rehash_idx = -1;
    ft->count1 = 0;
    if (shrunk) maybe_shrink(ft);
}

/* One bounded unit of incremental rehash: skips at most MR_FT_STEP_EMPTY
 * empty buckets and moves at most one non-empty bucket's chain. Entries are
 * relinked, never reallocated, so entry pointers stay valid. */
static void rehash_step(mr_ft_t *ft) {
    if (!rehashing(ft) || ft->pause) return;
    size_t size0 = tab_size(ft, 0);
    size_t i = (size_t)ft->rehash_idx;
    size_t visited = 0, moved = 0;
    while (i < size0 && !ft->tab[0][i] && visited < MR_FT_STEP_EMPTY) {
        i++;
        visited++;
    }
    if (i < size0 && ft->tab[0][i]) {
        mr_ft_entry_t *e = ft->tab[0][i];
        while (e) {
            mr_ft_entry_t *next = e->next;
            mr_ft_entry_t **b =
                &ft->tab[1][bucket_of(ft, mr_hash(e->data, e->klen), 1)];
            e->next = *b;
            *b = e;
            moved++;
            e = next;
        }
        ft->tab[0][i] = NULL;
        ft->count1 += moved;
        i++;
        visited++;
        ft->moved_buckets++;
    }
    if (visited > ft->max_step_buckets) ft->max_step_buckets = visited;
    if (moved > ft->max_step_entries) ft->max_step_entries = moved;
    ft->rehash_idx = (int64_t)i;
    if (i >= size0) finish_rehash(ft);
}

/* The link (bucket slot or previous entry's next) pointing at key's entry,
 * or NULL. Valid until the table is next modified. *tab (if not NULL) gets
 * the table the entry is in. */
static mr_ft_entry_t **find_link(mr_ft_t *ft, uint64_t h, const void *key,
                                 size_t klen, int *tab) {
    for (int t = 0; t < 2 && ft->tab[t]; t++) {
        mr_ft_entry_t **l = &ft->tab[t][bucket_of(ft, h, t)];
        for (; *l; l = &(*l)->next)
            if ((*l)->klen == klen && memcmp((*l)->data, key, klen) == 0) {
                if (tab) *tab = t;
                return l;
            }
    }
    return NULL;
}

/* Same, by identity. e must be in the table. */
static mr_ft_entry_t **find_entry_link(mr_ft_t *ft, const mr_ft_entry_t *e) {
    uint64_t h = mr_hash(e->data, e->klen);
    for (int t = 0; t < 2 && ft->tab[t]; t++) {
        mr_ft_entry_t **l = &ft->tab[t][bucket_of(ft, h, t)];
        for (; *l; l = &(*l)->next)
            if (*l == e) return l;
    }
    abort(); /* a foreign or freed entry: memory is already corrupt */
}

/* Links e (hash h) into the table that survives any resize in progress;
 * starts a grow when the load factor reaches 1. */
static void insert(mr_ft_t *ft, uint64_t h, mr_ft_entry_t *e) {
    if (!ft->tab[0]) {
        start_resize(ft, MR_FT_MIN_EXP);
    } else if (!rehashing(ft) && !ft->pause &&
               ft->count >= tab_size(ft, 0) && ft->exp[0] < 63) {
        start_resize(ft, exp_for(ft->count + 1));
    }
    int t = rehashing(ft) ? 1 : 0;
    mr_ft_entry_t **b = &ft->tab[t][bucket_of(ft, h, t)];
    e->next = *b;
    *b = e;
    ft->count++;
    ft->count1 += (size_t)t;
}

mr_ft_entry_t *mr_ft_find(mr_ft_t *ft, const void *key, size_t klen) {
    if (ft->count == 0) return NULL;
    uint64_t h = mr_hash(key, klen);
    rehash_step(ft);
    mr_ft_entry_t **l = find_link(ft, h, key, klen, NULL);
    return l ? *l : NULL;
}

mr_ft_entry_t *mr_ft_add(mr_ft_t *ft, const void *key, size_t klen) {
    uint64_t h = mr_hash(key, klen);
    rehash_step(ft);
    mr_ft_entry_t *e = entry_new(ft, key, klen, NULL, 0);
    insert(ft, h, e);
    return e;
}

mr_ft_entry_t *mr_ft_upsert(mr_ft_t *ft, const void *key, size_t klen,
                            bool *existed) {
    uint64_t h = mr_hash(key, klen);
    rehash_step(ft);
    mr_ft_entry_t **l = ft->count ? find_link(ft, h, key, klen, NULL) : NULL;
    if (existed) *existed = l != NULL;
    if (l) return *l;
    mr_ft_entry_t *e = entry_new(ft, key, klen, NULL, 0);
    insert(ft, h, e);
    return e;
}

/* Whether a value of vlen bytes can be written into e where it is: it fits
 * and would not leave more than half of the allocation unused. */
static bool fits_in_place(const mr_ft_entry_t *e, size_t vlen) {
    size_t need = offsetof(mr_ft_entry_t, data) + e->klen + vlen;
    size_t have = malloc_usable_size((void *)e);
    return need <= have && have - need <= have / 2;
}

/* Rewrites the value of the entry *link points at; returns the entry,
 * moved if it had to be. A new allocation is filled before the old one is
 * freed, so val may point into the old value. */
static mr_ft_entry_t *rewrite_value(mr_ft_t *ft, mr_ft_entry_t **link,
                                    const void *val, size_t vlen) {
    mr_ft_entry_t *e = *link;
    check_len(vlen);
    if (fits_in_place(e, vlen)) {
        if (vlen) memmove(e->data + e->klen, val, vlen);
        e->vlen = (uint32_t)vlen;
        return e;
    }
    mr_ft_entry_t *ne = entry_new(ft, e->data, e->klen, val, vlen);
    ne->next = e->next;
    *link = ne;
    entry_free(ft, e);
    return ne;
}

mr_ft_entry_t *mr_ft_set_value(mr_ft_t *ft, mr_ft_entry_t *e,
                               const void *val, size_t vlen) {
    if (fits_in_place(e, vlen)) {
        if (vlen) memmove(e->data + e->klen, val, vlen);
        e->vlen = (uint32_t)vlen;
        return e;
    }
    return rewrite_value(ft, find_entry_link(ft, e), val, vlen);
}

bool mr_ft_put(mr_ft_t *ft, const void *key, size_t klen, const void *val,
               size_t vlen) {
    uint64_t h = mr_hash(key, klen);
    rehash_step(ft);
    mr_ft_entry_t **l = ft->count ? find_link(ft, h, key, klen, NULL) : NULL;
    if (l) {
        rewrite_value(ft, l, val, vlen);
        return false;
    }
    insert(ft, h, entry_new(ft, key, klen, val, vlen));
    return true;
}

bool mr_ft_delete(mr_ft_t *ft, const void *key, size_t klen) {
    if (ft->count == 0) return false;
    uint64_t h = mr_hash(key, klen);
    rehash_step(ft);
    int t;
    mr_ft_entry_t **l = find_link(ft, h, key, klen, &t);
    if (!l) return false;
    mr_ft_entry_t *e = *l;
    *l = e->next;
    ft->count--;
    ft->count1 -= (size_t)t;
    entry_free(ft, e); /* key may have pointed into e: not used below */
    maybe_shrink(ft);
    return true;
}

static size_t chain_len(const mr_ft_entry_t *e) {
    size_t n = 0;
    for (; e; e = e->next) n++;
    return n;
}

static mr_ft_entry_t *chain_nth(mr_ft_entry_t *e, size_t k) {
    while (k--) e = e->next;
    return e;
}

/* log2 of the random pick's slot count K for this many entries per
 * bucket (see RANDOM_K_MAX_BITS). */
static unsigned random_k_bits(size_t count, size_t buckets) {
    if (count > buckets) return 4;     /* a transient overload */
    if (count * 2 > buckets) return 3; /* load (1/2, 1] */
    return 2;                          /* K = 2 at load 1/8 would leave
                                        * ~1% of entries in longer chains */
}

mr_ft_entry_t *mr_ft_random(mr_ft_t *ft, uint64_t (*rnd)(void)) {
    if (ft->count == 0) return NULL;
    /* Mid-rehash the two tables can have very different loads (a shrink
     * leaves the old one sparse), so first pick a table in proportion to
     * its entries, then an entry uniformly within it. tab[0]'s buckets
     * before rehash_idx are empty and left out. */
    int t = 0;
    if (rehashing(ft) && ft->count1 && rnd() % ft->count < ft->count1) t = 1;
    size_t lo = t == 0 && rehashing(ft) ? (size_t)ft->rehash_idx : 0;
    size_t n = tab_size(ft, t) - lo;
    mr_ft_entry_t **tab = ft->tab[t] + lo;
    size_t cnt = t ? ft->count1 : ft->count - ft->count1;
    size_t k = (size_t)1 << random_k_bits(cnt, n);
    for (int probe = 0; cnt * RANDOM_SPARSE >= n && probe < RANDOM_PROBES;
         probe++) {
        uint64_t r = rnd();
        size_t slot = (size_t)(r & (k - 1));
        mr_ft_entry_t *head = tab[(r >> RANDOM_K_MAX_BITS) % n];
        if (!head) continue;
        size_t len = chain_len(head);
        if (len <= k) {
            if (slot < len) return chain_nth(head, slot);
            continue;
        }
        /* rare long chain: its entries get k / len of the odds */
        return chain_nth(head, (size_t)(rnd() % len));
    }
    /* Very sparse (deletes during a walk, the tail of a shrink) or
     * unlucky: the entry at a uniform random position in bucket order, in
     * one sequential pass. */
    size_t left = (size_t)(rnd() % cnt);
    for (size_t j = 0; j < n; j++)
        for (mr_ft_entry_t *e = tab[j]; e; e = e->next)
            if (left-- == 0) return e;
    return NULL; /* unreachable: cnt entries are in table t */
}

void mr_ft_random_distinct(mr_ft_t *ft, size_t count, uint64_t (*rnd)(void),
                           mr_ft_pick_fn fn, void *ctx) {
    size_t size = ft->count;
    if (count > size) count = size;
    if (count * 3 > size) {
        /* a large share: a partial shuffle of pointers to every entry
         * (sized by the table, not by the caller's count) */
        mr_ft_entry_t **all = mr_xmalloc((size ? size : 1) * sizeof *all);
        size_t n = 0;
        mr_ft_iter_t it;
        mr_ft_iter_start(ft, &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;)
            all[n++] = e;
        mr_ft_iter_end(&it);
        for (size_t i = 0; i < count; i++) {
            size_t j = i + (size_t)(rnd() % (n - i));
            mr_ft_entry_t *t = all[i];
            all[i] = all[j];
            all[j] = t;
            fn(ctx, all[i]);
        }
        mr_free(all);
        return;
    }
    /* a small share: draw until `count` distinct ones came up (at most a
     * third of the table, so under 1.5 draws each on average) */
    mr_ft_t *seen = mr_ft_create(MR_FT_SET);
    while (seen->count < count) {
        mr_ft_entry_t *e = mr_ft_random(ft, rnd);
        bool existed;
        mr_ft_upsert(seen, e->data, e->klen, &existed);
        if (!existed) fn(ctx, e);
    }
    mr_ft_free(seen);
}

/* Reverses the bits of a 64-bit word: swap adjacent bits, then pairs, then
 * nibbles, then bytes. */
static uint64_t rev64(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(v);
}

/* The cursor counts with its bits reversed, within mask: the top bit of
 * the bucket index changes fastest. A bucket of a 2^k table splits into
 * buckets of a 2^(k+1) table that differ only in the new top bit, so they
 * are consecutive in this order and a resize between two calls neither
 * skips a bucket group nor restarts one already done. */
static uint64_t next_cursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    v = rev64(v);
    v++;
    return rev64(v);
}

static void visit_chain(mr_ft_entry_t *e, mr_ft_scan_fn fn, void *ctx) {
    while (e) {
        mr_ft_entry_t *next = e->next;
        fn(ctx, e);
        e = next;
    }
}

uint64_t mr_ft_scan(mr_ft_t *ft, uint64_t cursor, mr_ft_scan_fn fn,
                    void *ctx) {
    if (ft->count == 0 || !ft->tab[0]) return 0;
    ft->pause++; /* a callback's mr_ft_find must not move buckets */
    uint64_t v = cursor;
    if (!rehashing(ft)) {
        uint64_t m = tab_size(ft, 0) - 1;
        visit_chain(ft->tab[0][v & m], fn, ctx);
        v = next_cursor(v, m);
    } else {
        /* The small table's bucket, then every bucket of the large table
         * that shares its low bits (what it splits into or merges from). */
        int ts = ft->exp[0] <= ft->exp[1] ? 0 : 1, tl = 1 - ts;
        uint64_t ms = tab_size(ft, ts) - 1, ml = tab_size(ft, tl) - 1;
        visit_chain(ft->tab[ts][v & ms], fn, ctx);
        do {
            visit_chain(ft->tab[tl][v & ml], fn, ctx);
            v = next_cursor(v, ml);
        } while (v & (ms ^ ml));
    }
    ft->pause--;
    return v;
}

void mr_ft_iter_start(mr_ft_t *ft, mr_ft_iter_t *it) {
    it->ft = ft;
    it->next = NULL;
    it->bucket = 0;
    it->tab = 0;
    ft->pause++;
}

mr_ft_entry_t *mr_ft_iter_next(mr_ft_iter_t *it) {
    mr_ft_t *ft = it->ft;
    while (!it->next) {
        if (it->tab > 1) return NULL;
        if (it->bucket >= tab_size(ft, it->tab)) {
            it->tab++;
            it->bucket = 0;
            continue;
        }
        it->next = ft->tab[it->tab][it->bucket++];
    }
    mr_ft_entry_t *e = it->next;
    it->next = e->next; /* saved now: the caller may free e */
    return e;
}

void mr_ft_iter_end(mr_ft_iter_t *it) {
    mr_ft_t *ft = it->ft;
    ft->pause--;
    maybe_shrink(ft); /* deletes during the walk could not shrink */
    it->ft = NULL;
}

size_t mr_ft_bytes(const mr_ft_t *ft) {
    size_t n = malloc_usable_size((void *)ft) + ft->entry_bytes;
    for (int t = 0; t < 2; t++)
        if (ft->tab[t]) n += malloc_usable_size(ft->tab[t]);
    return n;
}

void mr_ft_stats(const mr_ft_t *ft, mr_ft_stats_t *st) {
    st->buckets[0] = tab_size(ft, 0);
    st->buckets[1] = tab_size(ft, 1);
    st->rehashing = rehashing(ft);
    st->resizes = ft->resizes;
    st->moved_buckets = ft->moved_buckets;
    st->max_step_buckets = ft->max_step_buckets;
    st->max_step_entries = ft->max_step_entries;
}
