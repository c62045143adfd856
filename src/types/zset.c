/* Sorted set values: the listpack and skiplist encodings behind one
 * interface. See zset.h for the contract and why these structures. */
#include "types/zset.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared by both encodings ---- */

/* Byte order of members, as the skip list's (memcmp, then shorter first). */
static int member_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Seeds for new skip lists: a per-thread counter mixed with the thread's
 * address, so two workers building sets never share a level sequence. */
static _Thread_local uint64_t seed_state;

static uint64_t next_seed(void) {
    if (!seed_state) seed_state = (uint64_t)(uintptr_t)&seed_state | 1;
    return seed_state += 0x9e3779b97f4a7c15ULL;
}

/* ---- scores inside a listpack ---- */

/* Tag byte of a score stored as raw double bytes: no canonical integer
 * text starts with it, so the listpack keeps it as a string. */
#define SCORE_TAG 0xfe
#define SCORE_RAW_LEN (1 + sizeof(double))
#define SCORE_BUF 24

/* The bytes that represent `score` in a listpack (see zset.h). Whole
 * numbers in (-2^52, 2^52) go in as decimal text, which the listpack turns
 * into its integer encoding; -0.0 takes that path too and reads back as 0,
 * as in Redis. */
static size_t score_bytes(double score, char buf[SCORE_BUF]) {
    if (score > -4503599627370496.0 && score < 4503599627370496.0 &&
        score == (double)(long long)score)
        return (size_t)mr_ll2str(buf, (long long)score);
    buf[0] = (char)SCORE_TAG;
    memcpy(buf + 1, &score, sizeof score);
    return SCORE_RAW_LEN;
}

static double lp_score(const unsigned char *lp, size_t spos) {
    mr_lp_entry_t e;
    mr_lp_get(lp, spos, &e);
    if (e.is_int) return (double)e.ll;
    assert(e.len == SCORE_RAW_LEN && e.ptr[0] == SCORE_TAG);
    double d;
    memcpy(&d, e.ptr + 1, sizeof d);
    return d;
}

static mr_str_t lp_member(const unsigned char *lp, size_t mpos,
                          char buf[MR_LP_INTBUF]) {
    return mr_lp_get_str(lp, mpos, buf);
}

/* Position of member m, or NONE. */
static size_t lp_find(const unsigned char *lp, const char *m, size_t len) {
    size_t first = mr_lp_first(lp);
    if (first == MR_LP_NONE) return MR_LP_NONE;
    return mr_lp_find(lp, first, m, len, 1);
}

/* Inserts (score, m), which is not in the listpack, at its place in the
 * order; returns the new listpack. */
static unsigned char *lp_insert(unsigned char *lp, double score,
                                const char *m, size_t len) {
    char sb[SCORE_BUF], ib[MR_LP_INTBUF];
    size_t slen = score_bytes(score, sb);
    for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;) {
        size_t sp = mr_lp_next(lp, p);
        double s = lp_score(lp, sp);
        if (s > score) goto before;
        if (s == score) {
            mr_str_t cur = lp_member(lp, p, ib);
            if (member_cmp(cur.ptr, cur.len, m, len) > 0) goto before;
        }
        p = mr_lp_next(lp, sp);
        continue;
    before:;
        size_t np;
        lp = mr_lp_insert(lp, p, MR_LP_BEFORE, m, len, &np);
        return mr_lp_insert(lp, np, MR_LP_AFTER, sb, slen, NULL);
    }
    lp = mr_lp_append(lp, m, len);
    return mr_lp_append(lp, sb, slen);
}

/* ---- life cycle ---- */

mr_zset_t *mr_zset_new(void) {
    mr_zset_t *zs = mr_xmalloc(sizeof *zs);
    zs->p = mr_lp_new();
    zs->ft = NULL;
    return zs;
}

mr_zset_t *mr_zset_new_skiplist(void) {
    mr_zset_t *zs = mr_xmalloc(sizeof *zs);
    zs->p = mr_zsl_create(next_seed());
    zs->ft = mr_ft_create(MR_FT_ZSET);
    return zs;
}

void mr_zset_free(mr_zset_t *zs) {
    if (!zs) return;
    if (mr_zset_is_listpack(zs)) {
        mr_lp_free(zs->p);
    } else {
        mr_zsl_free(zs->p);
        mr_ft_free(zs->ft);
    }
    mr_free(zs);
}

/* Adds (score, m), known absent, to a skiplist-encoded set. */
static void sl_insert(mr_zset_t *zs, double score, const char *m,
                      size_t len) {
    mr_zsl_node_t *n = mr_zsl_insert(zs->p, score, m, len);
    mr_ft_entry_t *e = mr_ft_add(zs->ft, m, len);
    mr_ft_set_score(e, score);
    mr_ft_set_ptr(e, n);
}

mr_zset_t *mr_zset_dup(const mr_zset_t *zs) {
    if (mr_zset_is_listpack(zs)) {
        mr_zset_t *copy = mr_xmalloc(sizeof *copy);
        size_t n = mr_lp_bytes(zs->p);
        copy->p = mr_xmemdup(zs->p, n);
        copy->ft = NULL;
        return copy;
    }
    /* The table's entries point at the original's nodes, so the copy is
     * rebuilt: highest member first, so every insert lands at the head
     * of the new list. */
    mr_zset_t *copy = mr_zset_new_skiplist();
    for (mr_zsl_node_t *n = mr_zsl_last(zs->p); n; n = mr_zsl_prev(n))
        sl_insert(copy, mr_zsl_node_score(n), mr_zsl_node_member(n),
                  mr_zsl_node_member_len(n));
    return copy;
}

const char *mr_zset_encoding_name(const mr_zset_t *zs) {
    return mr_zset_is_listpack(zs) ? "listpack" : "skiplist";
}

size_t mr_zset_len(const mr_zset_t *zs) {
    if (mr_zset_is_listpack(zs)) return mr_lp_count(zs->p) / 2;
    return mr_zsl_length(zs->p);
}

void mr_zset_convert_to_skiplist(mr_zset_t *zs) {
    if (!mr_zset_is_listpack(zs)) return;
    unsigned char *lp = zs->p;
    zs->p = mr_zsl_create(next_seed());
    zs->ft = mr_ft_create(MR_FT_ZSET);
    char ib[MR_LP_INTBUF];
    for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;) {
        size_t sp = mr_lp_next(lp, p);
        mr_str_t m = lp_member(lp, p, ib);
        sl_insert(zs, lp_score(lp, sp), m.ptr, m.len);
        p = mr_lp_next(lp, sp);
    }
    mr_lp_free(lp);
}

/* Whether a set of n members, the longest maxlen bytes, may be a listpack;
 * total bounds the listpack's size. */
static bool fits(const mr_zset_limits_t *lim, size_t n, size_t maxlen,
                 size_t total) {
    return n <= lim->max_entries && maxlen <= lim->max_value &&
           total < MR_LP_MAX_BYTES / 2;
}

void mr_zset_shrink_if_fits(mr_zset_t *zs, const mr_zset_limits_t *lim) {
    if (mr_zset_is_listpack(zs)) return;
    mr_zsl_t *zsl = zs->p;
    size_t maxlen = 0, total = 0;
    for (mr_zsl_node_t *n = mr_zsl_first(zsl); n; n = mr_zsl_next(n)) {
        size_t l = mr_zsl_node_member_len(n);
        if (l > maxlen) maxlen = l;
        total += l + 32;
    }
    if (!fits(lim, mr_zsl_length(zsl), maxlen, total)) return;
    unsigned char *lp = mr_lp_new();
    char sb[SCORE_BUF];
    for (mr_zsl_node_t *n = mr_zsl_first(zsl); n; n = mr_zsl_next(n)) {
        lp = mr_lp_append(lp, mr_zsl_node_member(n),
                          mr_zsl_node_member_len(n));
        lp = mr_lp_append(lp, sb, score_bytes(mr_zsl_node_score(n), sb));
    }
    mr_zsl_free(zsl);
    mr_ft_free(zs->ft);
    zs->p = lp;
    zs->ft = NULL;
}

/* ---- single members ---- */

/* The flags' verdict on an existing member whose score is cur: *score is
 * the requested score or increment and becomes the final one. Returns the
 * outcome when nothing is to be written, 0 when the update goes ahead. */
static unsigned judge_existing(unsigned flags, double cur, double *score) {
    if (flags & MR_ZADD_NX) return MR_ZADD_NOP;
    if (flags & MR_ZADD_INCR) {
        *score += cur;
        if (isnan(*score)) return MR_ZADD_NAN;
    }
    if (((flags & MR_ZADD_LT) && *score >= cur) ||
        ((flags & MR_ZADD_GT) && *score <= cur))
        return MR_ZADD_NOP;
    return 0;
}

static unsigned lp_add(mr_zset_t *zs, const mr_zset_limits_t *lim,
                       double score, const char *m, size_t len,
                       unsigned flags, double *newscore) {
    unsigned char *lp = zs->p;
    size_t mp = lp_find(lp, m, len);
    if (mp != MR_LP_NONE) {
        double cur = lp_score(lp, mr_lp_next(lp, mp));
        unsigned verdict = judge_existing(flags, cur, &score);
        if (verdict) return verdict;
        if (newscore) *newscore = score;
        if (score == cur) return 0;
        /* a member read from this very listpack must outlive the delete */
        char *copy = NULL;
        if ((const unsigned char *)m >= lp &&
            (const unsigned char *)m < lp + mr_lp_bytes(lp))
            m = copy = mr_xmemdup(m, len);
        lp = mr_lp_delete_n(lp, mp, 2, NULL);
        zs->p = lp_insert(lp, score, m, len);
        mr_free(copy);
        return MR_ZADD_UPDATED;
    }
    if (flags & MR_ZADD_XX) return MR_ZADD_NOP;
    /* Checked before inserting, as Redis does: a member that would make
     * the listpack too long or hold too long a member converts first. */
    if (mr_lp_count(lp) / 2 + 1 > lim->max_entries || len > lim->max_value ||
        !mr_lp_fits(lp, len + SCORE_BUF + 16)) {
        mr_zset_convert_to_skiplist(zs);
        return 0xff; /* continue in the skiplist */
    }
    zs->p = lp_insert(lp, score, m, len);
    if (newscore) *newscore = score;
    return MR_ZADD_ADDED;
}

/* Applies flags and score to an existing skip-list member (table entry
 * e); returns the outcome. */
static unsigned sl_update(mr_zset_t *zs, mr_ft_entry_t *e, double score,
                          unsigned flags, double *newscore) {
    double cur = mr_ft_score(e);
    unsigned verdict = judge_existing(flags, cur, &score);
    if (verdict) return verdict;
    if (newscore) *newscore = score;
    if (score == cur) return 0;
    /* the node keeps its address, so the entry's pointer stays right */
    mr_zsl_update_score(zs->p, mr_ft_ptr(e), score);
    mr_ft_set_score(e, score);
    return MR_ZADD_UPDATED;
}

static unsigned sl_add(mr_zset_t *zs, double score, const char *m,
                       size_t len, unsigned flags, double *newscore) {
    if (flags & MR_ZADD_XX) {
        mr_ft_entry_t *e = mr_ft_find(zs->ft, m, len);
        return e ? sl_update(zs, e, score, flags, newscore) : MR_ZADD_NOP;
    }
    /* One hash and one probe for both outcomes (ZADD's common case is an
     * update of a member that exists). */
    bool existed;
    mr_ft_entry_t *e = mr_ft_upsert(zs->ft, m, len, &existed);
    if (existed) return sl_update(zs, e, score, flags, newscore);
    mr_ft_set_score(e, score);
    mr_ft_set_ptr(e, mr_zsl_insert(zs->p, score, m, len));
    if (newscore) *newscore = score;
    return MR_ZADD_ADDED;
}

unsigned mr_zset_add(mr_zset_t *zs, const mr_zset_limits_t *lim,
                     double score, const char *m, size_t len, unsigned flags,
                     double *newscore) {
    assert(!isnan(score));
    if (mr_zset_is_listpack(zs)) {
        unsigned r = lp_add(zs, lim, score, m, len, flags, newscore);
        if (r != 0xff) return r;
    }
    return sl_add(zs, score, m, len, flags, newscore);
}

bool mr_zset_score(mr_zset_t *zs, const char *m, size_t len, double *score) {
    if (mr_zset_is_listpack(zs)) {
        size_t mp = lp_find(zs->p, m, len);
        if (mp == MR_LP_NONE) return false;
        *score = lp_score(zs->p, mr_lp_next(zs->p, mp));
        return true;
    }
    mr_ft_entry_t *e = mr_ft_find(zs->ft, m, len);
    if (!e) return false;
    *score = mr_ft_score(e);
    return true;
}

bool mr_zset_delete(mr_zset_t *zs, const char *m, size_t len) {
    if (mr_zset_is_listpack(zs)) {
        size_t mp = lp_find(zs->p, m, len);
        if (mp == MR_LP_NONE) return false;
        zs->p = mr_lp_delete_n(zs->p, mp, 2, NULL);
        return true;
    }
    mr_ft_entry_t *e = mr_ft_find(zs->ft, m, len);
    if (!e) return false;
    mr_zsl_node_t *n = mr_ft_ptr(e);
    bool ok = mr_zsl_delete(zs->p, mr_zsl_node_score(n), m, len);
    assert(ok);
    (void)ok;
    mr_ft_delete(zs->ft, m, len);
    return true;
}

bool mr_zset_rank(mr_zset_t *zs, const char *m, size_t len, bool reverse,
                  size_t *rank) {
    if (mr_zset_is_listpack(zs)) {
        const unsigned char *lp = zs->p;
        size_t mp = lp_find(lp, m, len);
        if (mp == MR_LP_NONE) return false;
        size_t r = 0;
        for (size_t p = mr_lp_first(lp); p != mp;
             p = mr_lp_next(lp, mr_lp_next(lp, p)))
            r++;
        *rank = reverse ? mr_zset_len(zs) - 1 - r : r;
        return true;
    }
    mr_ft_entry_t *e = mr_ft_find(zs->ft, m, len);
    if (!e) return false;
    return mr_zsl_rank(zs->p, mr_ft_score(e), m, len, reverse, rank);
}

bool mr_zset_pop_end(mr_zset_t *zs, bool max, mr_buf_t *member, double *score) {
    member->len = 0;
    if (mr_zset_is_listpack(zs)) {
        unsigned char *lp = zs->p;
        if (mr_lp_count(lp) == 0) return false;
        size_t mp = mr_lp_seek(lp, max ? -2 : 0);
        char ib[MR_LP_INTBUF];
        mr_str_t m = lp_member(lp, mp, ib);
        mr_buf_append(member, m.ptr, m.len);
        *score = lp_score(lp, mr_lp_next(lp, mp));
        zs->p = mr_lp_delete_n(lp, mp, 2, NULL);
        return true;
    }
    mr_zsl_t *zsl = zs->p;
    mr_zsl_node_t *n = max ? mr_zsl_last(zsl) : mr_zsl_first(zsl);
    if (!n) return false;
    mr_buf_append(member, mr_zsl_node_member(n), mr_zsl_node_member_len(n));
    *score = mr_zsl_node_score(n);
    mr_ft_delete(zs->ft, member->data, member->len);
    mr_zsl_delete_rank_range(zsl, max ? zsl->length - 1 : 0,
                             max ? zsl->length - 1 : 0, NULL, NULL);
    return true;
}

void mr_zset_random(mr_zset_t *zs, uint64_t (*rnd)(void), mr_str_t *member,
                    char buf[MR_LP_INTBUF], double *score) {
    if (mr_zset_is_listpack(zs)) {
        const unsigned char *lp = zs->p;
        size_t n = mr_lp_count(lp) / 2;
        assert(n > 0);
        size_t mp = mr_lp_seek(lp, (long long)(2 * (rnd() % n)));
        *member = lp_member(lp, mp, buf);
        *score = lp_score(lp, mr_lp_next(lp, mp));
        return;
    }
    mr_ft_entry_t *e = mr_ft_random(zs->ft, rnd);
    assert(e);
    *member = mr_ft_key(e);
    *score = mr_ft_score(e);
}

/* ---- ordered walks ---- */

/* The member position one pair away from mp in the walk's direction. */
static size_t lp_step(const unsigned char *lp, size_t mp, bool rev) {
    if (rev) {
        size_t sp = mr_lp_prev(lp, mp);
        return sp == MR_LP_NONE ? MR_LP_NONE : mr_lp_prev(lp, sp);
    }
    size_t sp = mr_lp_next(lp, mp);
    return mr_lp_next(lp, sp);
}

static void it_init(mr_zset_it_t *it, mr_zset_t *zs, bool rev) {
    it->zs = zs;
    it->rev = rev;
    it->lp = MR_LP_NONE;
    it->node = NULL;
}

void mr_zset_it_start_rank(mr_zset_it_t *it, mr_zset_t *zs, size_t rank,
                           bool rev) {
    it_init(it, zs, rev);
    size_t len = mr_zset_len(zs);
    if (rank >= len) return;
    if (mr_zset_is_listpack(zs)) {
        long long idx = rev ? -2 - 2 * (long long)rank : 2 * (long long)rank;
        it->lp = mr_lp_seek(zs->p, idx);
        return;
    }
    mr_zsl_t *zsl = zs->p;
    /* the ends are one step away; anything else is one descent */
    if (rank == 0)
        it->node = rev ? mr_zsl_last(zsl) : mr_zsl_first(zsl);
    else
        it->node = mr_zsl_node_by_rank(zsl, rev ? len - 1 - rank : rank);
}

void mr_zset_it_start_score(mr_zset_it_t *it, mr_zset_t *zs,
                            const mr_zsl_range_t *r, bool rev) {
    it_init(it, zs, rev);
    if (!mr_zset_is_listpack(zs)) {
        it->node = rev ? mr_zsl_last_in_range(zs->p, r)
                       : mr_zsl_first_in_range(zs->p, r);
        return;
    }
    if (mr_zsl_range_is_empty(r)) return;
    const unsigned char *lp = zs->p;
    if (!rev) {
        for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;) {
            size_t sp = mr_lp_next(lp, p);
            double s = lp_score(lp, sp);
            if (mr_zset_score_gte_min(s, r)) {
                if (mr_zset_score_lte_max(s, r)) it->lp = p;
                return;
            }
            p = mr_lp_next(lp, sp);
        }
        return;
    }
    for (size_t sp = mr_lp_last(lp); sp != MR_LP_NONE;) {
        size_t p = mr_lp_prev(lp, sp);
        double s = lp_score(lp, sp);
        if (mr_zset_score_lte_max(s, r)) {
            if (mr_zset_score_gte_min(s, r)) it->lp = p;
            return;
        }
        sp = mr_lp_prev(lp, p);
    }
}

bool mr_zset_lex_gte_min(mr_str_t m, const mr_zsl_lexrange_t *r) {
    switch (r->min.kind) {
    case MR_ZSL_LEX_MINUS: return true;
    case MR_ZSL_LEX_PLUS: return false;
    case MR_ZSL_LEX_INCL:
        return member_cmp(m.ptr, m.len, r->min.ptr, r->min.len) >= 0;
    case MR_ZSL_LEX_EXCL:
        return member_cmp(m.ptr, m.len, r->min.ptr, r->min.len) > 0;
    }
    return false;
}

bool mr_zset_lex_lte_max(mr_str_t m, const mr_zsl_lexrange_t *r) {
    switch (r->max.kind) {
    case MR_ZSL_LEX_MINUS: return false;
    case MR_ZSL_LEX_PLUS: return true;
    case MR_ZSL_LEX_INCL:
        return member_cmp(m.ptr, m.len, r->max.ptr, r->max.len) <= 0;
    case MR_ZSL_LEX_EXCL:
        return member_cmp(m.ptr, m.len, r->max.ptr, r->max.len) < 0;
    }
    return false;
}

/* Redis's zslIsInLexRange / zzlIsInLexRange: the last member must reach
 * the min and the first must not pass the max. With equal scores (the only
 * case lex ranges are defined for) the walks below would find nothing
 * anyway; with mixed scores this is what Redis answers, so it is kept. */
static bool lex_may_hit(mr_zset_t *zs, const mr_zsl_lexrange_t *r) {
    if (mr_zsl_lexrange_is_empty(r) || mr_zset_len(zs) == 0) return false;
    mr_zset_it_t first, last;
    mr_zset_it_start_rank(&first, zs, 0, false);
    mr_zset_it_start_rank(&last, zs, 0, true);
    mr_zset_it_next(&first);
    mr_zset_it_next(&last);
    return mr_zset_lex_gte_min(last.member, r) &&
           mr_zset_lex_lte_max(first.member, r);
}

void mr_zset_it_start_lex(mr_zset_it_t *it, mr_zset_t *zs,
                          const mr_zsl_lexrange_t *r, bool rev) {
    it_init(it, zs, rev);
    if (!lex_may_hit(zs, r)) return;
    if (!mr_zset_is_listpack(zs)) {
        it->node = rev ? mr_zsl_last_in_lexrange(zs->p, r)
                       : mr_zsl_first_in_lexrange(zs->p, r);
        return;
    }
    const unsigned char *lp = zs->p;
    char ib[MR_LP_INTBUF];
    if (!rev) {
        for (size_t p = mr_lp_first(lp); p != MR_LP_NONE;
             p = lp_step(lp, p, false)) {
            mr_str_t m = lp_member(lp, p, ib);
            if (mr_zset_lex_gte_min(m, r)) {
                if (mr_zset_lex_lte_max(m, r)) it->lp = p;
                return;
            }
        }
        return;
    }
    size_t last = mr_lp_last(lp);
    for (size_t p = last == MR_LP_NONE ? MR_LP_NONE : mr_lp_prev(lp, last);
         p != MR_LP_NONE; p = lp_step(lp, p, true)) {
        mr_str_t m = lp_member(lp, p, ib);
        if (mr_zset_lex_lte_max(m, r)) {
            if (mr_zset_lex_gte_min(m, r)) it->lp = p;
            return;
        }
    }
}

bool mr_zset_it_next(mr_zset_it_t *it) {
    if (mr_zset_is_listpack(it->zs)) {
        const unsigned char *lp = it->zs->p;
        if (it->lp == MR_LP_NONE) return false;
        it->member = lp_member(lp, it->lp, it->buf);
        it->score = lp_score(lp, mr_lp_next(lp, it->lp));
        it->lp = lp_step(lp, it->lp, it->rev);
        return true;
    }
    mr_zsl_node_t *n = it->node;
    if (!n) return false;
    it->member = (mr_str_t){mr_zsl_node_member(n), mr_zsl_node_member_len(n)};
    it->score = mr_zsl_node_score(n);
    it->node = it->rev ? mr_zsl_prev(n) : mr_zsl_next(n);
    return true;
}

/* ---- counts ---- */

size_t mr_zset_count_range(mr_zset_t *zs, const mr_zsl_range_t *r) {
    if (!mr_zset_is_listpack(zs)) {
        /* two rank descents instead of a walk */
        mr_zsl_t *zsl = zs->p;
        mr_zsl_node_t *first = mr_zsl_first_in_range(zsl, r);
        if (!first) return 0;
        mr_zsl_node_t *last = mr_zsl_last_in_range(zsl, r);
        size_t a, b;
        mr_zsl_rank(zsl, first->score, mr_zsl_node_member(first),
                    first->mlen, false, &a);
        mr_zsl_rank(zsl, last->score, mr_zsl_node_member(last), last->mlen,
                    false, &b);
        return b - a + 1;
    }
    mr_zset_it_t it;
    size_t n = 0;
    mr_zset_it_start_score(&it, zs, r, false);
    while (mr_zset_it_next(&it) && mr_zset_score_lte_max(it.score, r)) n++;
    return n;
}

size_t mr_zset_count_lexrange(mr_zset_t *zs, const mr_zsl_lexrange_t *lr) {
    if (!lex_may_hit(zs, lr)) return 0;
    if (!mr_zset_is_listpack(zs)) {
        mr_zsl_t *zsl = zs->p;
        mr_zsl_node_t *first = mr_zsl_first_in_lexrange(zsl, lr);
        if (!first) return 0;
        /* Redis's arithmetic, which only a set of mixed scores (where lex
         * ranges are undefined) can drive below zero */
        size_t a, b, len = mr_zsl_length(zsl);
        mr_zsl_rank(zsl, first->score, mr_zsl_node_member(first),
                    first->mlen, false, &a);
        size_t count = len - a;
        mr_zsl_node_t *last = mr_zsl_last_in_lexrange(zsl, lr);
        if (last) {
            mr_zsl_rank(zsl, last->score, mr_zsl_node_member(last),
                        last->mlen, false, &b);
            count -= len - (b + 1);
        }
        return count;
    }
    mr_zset_it_t it;
    size_t n = 0;
    mr_zset_it_start_lex(&it, zs, lr, false);
    while (mr_zset_it_next(&it) && mr_zset_lex_lte_max(it.member, lr)) n++;
    return n;
}

/* ---- range deletes ---- */

/* Skip-list range deletes drop each removed member from the table too. */
static void drop_from_table(void *ctx, const mr_zsl_node_t *n) {
    mr_ft_delete(ctx, mr_zsl_node_member(n), mr_zsl_node_member_len(n));
}

/* Deletes the run of listpack pairs that starts at mp and continues while
 * `in` says so; returns how many pairs went. */
typedef bool (*lp_in_fn)(const unsigned char *lp, size_t mp, const void *r);

static size_t lp_delete_run(mr_zset_t *zs, size_t mp, lp_in_fn in,
                            const void *r) {
    unsigned char *lp = zs->p;
    size_t n = 0;
    while (mp != MR_LP_NONE && in(lp, mp, r)) {
        lp = mr_lp_delete_n(lp, mp, 2, &mp);
        n++;
    }
    zs->p = lp;
    return n;
}

static bool lp_score_in(const unsigned char *lp, size_t mp, const void *r) {
    return mr_zset_score_lte_max(lp_score(lp, mr_lp_next(lp, mp)), r);
}

static bool lp_lex_in(const unsigned char *lp, size_t mp, const void *r) {
    char ib[MR_LP_INTBUF];
    return mr_zset_lex_lte_max(lp_member(lp, mp, ib), r);
}

size_t mr_zset_delete_range(mr_zset_t *zs, const mr_zsl_range_t *r) {
    if (!mr_zset_is_listpack(zs))
        return mr_zsl_delete_range(zs->p, r, drop_from_table, zs->ft);
    mr_zset_it_t it;
    mr_zset_it_start_score(&it, zs, r, false);
    return lp_delete_run(zs, it.lp, lp_score_in, r);
}

size_t mr_zset_delete_lexrange(mr_zset_t *zs, const mr_zsl_lexrange_t *lr) {
    if (!mr_zset_is_listpack(zs))
        return mr_zsl_delete_lexrange(zs->p, lr, drop_from_table, zs->ft);
    mr_zset_it_t it;
    mr_zset_it_start_lex(&it, zs, lr, false);
    return lp_delete_run(zs, it.lp, lp_lex_in, lr);
}

size_t mr_zset_delete_rank_range(mr_zset_t *zs, size_t start, size_t end) {
    if (!mr_zset_is_listpack(zs))
        return mr_zsl_delete_rank_range(zs->p, start, end, drop_from_table,
                                        zs->ft);
    size_t len = mr_zset_len(zs);
    if (start >= len || start > end) return 0;
    if (end >= len) end = len - 1;
    size_t n = end - start + 1;
    zs->p = mr_lp_delete_range(zs->p, 2 * (long long)start, 2 * n);
    return n;
}

/* ---- building results ---- */

int mr_zset_cmp_entries(const void *a, const void *b) {
    const mr_ft_entry_t *x = *(mr_ft_entry_t *const *)a;
    const mr_ft_entry_t *y = *(mr_ft_entry_t *const *)b;
    double sx = mr_ft_score(x), sy = mr_ft_score(y);
    if (sx < sy) return -1;
    if (sx > sy) return 1;
    return member_cmp(x->data, x->klen, y->data, y->klen);
}

mr_zset_t *mr_zset_from_table(mr_ft_t *acc, const mr_zset_limits_t *lim) {
    size_t n = mr_ft_count(acc), maxlen = 0, total = 0;
    assert(n > 0);
    mr_ft_iter_t fi;
    mr_ft_iter_start(acc, &fi);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&fi)) != NULL;) {
        if (e->klen > maxlen) maxlen = e->klen;
        total += e->klen + 32;
    }
    mr_ft_iter_end(&fi);
    mr_zset_t *zs = mr_xmalloc(sizeof *zs);
    if (fits(lim, n, maxlen, total)) {
        /* few members: sort them once and append in order */
        mr_ft_entry_t **v = mr_xmalloc(n * sizeof *v);
        size_t k = 0;
        mr_ft_iter_start(acc, &fi);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&fi)) != NULL;) v[k++] = e;
        mr_ft_iter_end(&fi);
        qsort(v, n, sizeof *v, mr_zset_cmp_entries);
        unsigned char *lp = mr_lp_new();
        char sb[SCORE_BUF];
        for (size_t i = 0; i < n; i++) {
            lp = mr_lp_append(lp, v[i]->data, v[i]->klen);
            lp = mr_lp_append(lp, sb, score_bytes(mr_ft_score(v[i]), sb));
        }
        mr_free(v);
        mr_ft_free(acc);
        zs->p = lp;
        zs->ft = NULL;
        return zs;
    }
    /* many: the table becomes the member table, each entry pointing at the
     * node built for it */
    mr_zsl_t *zsl = mr_zsl_create(next_seed());
    mr_ft_iter_start(acc, &fi);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&fi)) != NULL;)
        mr_ft_set_ptr(e, mr_zsl_insert(zsl, mr_ft_score(e), e->data, e->klen));
    mr_ft_iter_end(&fi);
    zs->p = zsl;
    zs->ft = acc;
    return zs;
}

/* ---- parsing ---- */

/* A NUL-terminated copy of s for strtod: on the stack when short, else on
 * the heap (*heap is then the caller's to free). */
#define PARSE_STACK 128

static char *c_string(const char *s, size_t len, char stack[PARSE_STACK],
                      char **heap) {
    *heap = NULL;
    char *buf = stack;
    if (len >= PARSE_STACK) buf = *heap = mr_xmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

/* Plain decimal integers (a sign, then up to 15 digits) convert exactly
 * without strtod, which gives the same double: below 10^15 every integer
 * is one. The common case of scores from clients (redis-benchmark's ZADD,
 * leaderboards). */
static bool parse_plain_int(const char *s, size_t len, double *out) {
    size_t i = 0;
    bool neg = false;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len || len - i > 15) return false;
    uint64_t v = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return false;
        v = v * 10 + d;
    }
    *out = neg ? -(double)v : (double)v;
    return true;
}

bool mr_zset_parse_score(const char *s, size_t len, double *out) {
    if (parse_plain_int(s, len, out)) return true;
    if (len == 0 || s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
        return false;
    char stack[PARSE_STACK], *heap;
    char *buf = c_string(s, len, stack, &heap);
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    bool ok = (size_t)(end - buf) == len &&
              !(errno == ERANGE && (isinf(v) || v == 0)) && !isnan(v);
    mr_free(heap);
    if (ok) *out = v;
    return ok;
}

bool mr_zset_parse_range_end(const char *s, size_t len, double *out,
                             bool *exclusive) {
    *exclusive = len > 0 && s[0] == '(';
    if (*exclusive) {
        s++;
        len--;
    }
    char stack[PARSE_STACK], *heap;
    char *buf = c_string(s, len, stack, &heap);
    char *end;
    double v = strtod(buf, &end);
    bool ok = *end == '\0' && !isnan(v);
    mr_free(heap);
    if (ok) *out = v;
    return ok;
}

bool mr_zset_parse_lex_end(const char *s, size_t len,
                           mr_zsl_lex_bound_t *out) {
    if (len > 1 && (s[0] == '-' || s[0] == '+') && s[1] == '\0') len = 1;
    return mr_zsl_parse_lex_bound(s, len, out);
}
