/* Skip list for large sorted sets, written from Pugh's description: every
 * node has a random number of levels (p = 1/4, at most MR_ZSL_MAX_LEVEL);
 * level i links a node to the next node that has at least i+1 levels. Each
 * link also records its span (how many level-0 steps it jumps), which turns
 * "rank of a key" and "key at a rank" into the same O(log n) descent.
 *
 * Span convention: a link whose forward is NULL spans up to one past the
 * last node (length - rank of its owner, with the head at rank 0), so the
 * insert/unlink arithmetic needs no special case for the list's end. */
#include "types/zskiplist.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "mr/util.h"

/* ---- keys ---- */

static int member_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Order of node n against the key (score, member): <0, 0, >0. Scores compare
 * with the C operators so -0.0 == 0.0 and the member decides. */
static int node_cmp(const mr_zsl_node_t *n, double score, const char *m,
                    size_t len) {
    if (n->score < score) return -1;
    if (n->score > score) return 1;
    return member_cmp(mr_zsl_node_member(n), n->mlen, m, len);
}

/* ---- allocation and levels ---- */

static mr_zsl_node_t *node_alloc(int nlevel, double score, const void *m,
                                 size_t len) {
    mr_zsl_node_t *n =
        mr_xmalloc(sizeof(*n) + (size_t)nlevel * sizeof(n->level[0]) + len);
    n->score = score;
    n->backward = NULL;
    n->mlen = (uint32_t)len;
    n->nlevel = (uint8_t)nlevel;
    if (len) memcpy((char *)&n->level[nlevel], m, len);
    return n;
}

/* splitmix64: any seed (0 included) gives a full-period sequence. */
static uint64_t rng_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Each further level with probability 1/4: two random bits per level, and
 * 64 bits hold exactly the 31 coin pairs that MR_ZSL_MAX_LEVEL needs. */
static int random_level(mr_zsl_t *zsl) {
    uint64_t r = rng_next(&zsl->rng);
    int lvl = 1;
    while (lvl < MR_ZSL_MAX_LEVEL && (r & 3) == 0) {
        lvl++;
        r >>= 2;
    }
    return lvl;
}

mr_zsl_t *mr_zsl_create(uint64_t seed) {
    mr_zsl_t *zsl = mr_xmalloc(sizeof(*zsl));
    zsl->head = node_alloc(MR_ZSL_MAX_LEVEL, 0, NULL, 0);
    for (int i = 0; i < MR_ZSL_MAX_LEVEL; i++) {
        zsl->head->level[i].forward = NULL;
        zsl->head->level[i].span = 0;
    }
    zsl->tail = NULL;
    zsl->length = 0;
    zsl->level = 1;
    zsl->rng = seed;
    return zsl;
}

void mr_zsl_free(mr_zsl_t *zsl) {
    if (!zsl) return;
    mr_zsl_node_t *x = zsl->head->level[0].forward;
    while (x) {
        mr_zsl_node_t *next = x->level[0].forward;
        mr_free(x);
        x = next;
    }
    mr_free(zsl->head);
    mr_free(zsl);
}

/* ---- linking ---- */

/* Fills update[i] with the last node at level i that sorts before the key,
 * and rank[i] with that node's 1-based rank (head = 0). */
static void find_path(const mr_zsl_t *zsl, double score, const char *m,
                      size_t len, mr_zsl_node_t **update, size_t *rank) {
    mr_zsl_node_t *x = zsl->head;
    for (int i = zsl->level - 1; i >= 0; i--) {
        rank[i] = i == zsl->level - 1 ? 0 : rank[i + 1];
        mr_zsl_node_t *f;
        while ((f = x->level[i].forward) && node_cmp(f, score, m, len) < 0) {
            rank[i] += x->level[i].span;
            x = f;
            /* when this level's next comparison fails, the one below is
             * with x's lower link: start fetching that node now */
            if (i) __builtin_prefetch(x->level[i - 1].forward);
        }
        update[i] = x;
    }
}

/* find_path for two keys at once, A and B (ZADD moving a member: its old
 * place and its new one). A descent is a chain of dependent loads, each
 * likely a cache miss on a big list; running the two chains step by step,
 * and asking for both next nodes before comparing either, keeps two misses
 * in flight instead of one. (A walk that has stopped at a level compares
 * the same, cached, node again until the other stops: cheaper than the
 * branches that would skip it, as measured on 100k-member sets.) Each
 * step also asks for the node one level down, which the walk reads next
 * when this level's comparison fails. */
static void find_path2(const mr_zsl_t *zsl, double sa, const char *ma,
                       size_t la, mr_zsl_node_t **ua, size_t *ra, double sb,
                       const char *mb, size_t lb, mr_zsl_node_t **ub,
                       size_t *rb) {
    mr_zsl_node_t *xa = zsl->head, *xb = zsl->head;
    size_t rka = 0, rkb = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        bool ga, gb;
        do {
            mr_zsl_node_t *fa = xa->level[i].forward;
            mr_zsl_node_t *fb = xb->level[i].forward;
            if (fa) __builtin_prefetch(fa);
            if (fb) __builtin_prefetch(fb);
            ga = fa && node_cmp(fa, sa, ma, la) < 0;
            gb = fb && node_cmp(fb, sb, mb, lb) < 0;
            if (ga) {
                rka += xa->level[i].span;
                xa = fa;
                if (i) __builtin_prefetch(xa->level[i - 1].forward);
            }
            if (gb) {
                rkb += xb->level[i].span;
                xb = fb;
                if (i) __builtin_prefetch(xb->level[i - 1].forward);
            }
        } while (ga || gb);
        ua[i] = xa;
        ra[i] = rka;
        ub[i] = xb;
        rb[i] = rkb;
    }
}

/* Links n (its nlevel already set) after the path from find_path. */
static void link_node(mr_zsl_t *zsl, mr_zsl_node_t *n,
                      mr_zsl_node_t **update, size_t *rank) {
    int lvl = n->nlevel;
    if (lvl > zsl->level) {
        for (int i = zsl->level; i < lvl; i++) {
            rank[i] = 0;
            update[i] = zsl->head;
            zsl->head->level[i].forward = NULL;
            zsl->head->level[i].span = zsl->length;
        }
        zsl->level = lvl;
    }
    for (int i = 0; i < lvl; i++) {
        size_t dist = rank[0] - rank[i]; /* update[i] .. update[0] */
        n->level[i].forward = update[i]->level[i].forward;
        update[i]->level[i].forward = n;
        n->level[i].span = update[i]->level[i].span - dist;
        update[i]->level[i].span = dist + 1;
    }
    /* Links above n now jump over one more node. */
    for (int i = lvl; i < zsl->level; i++) update[i]->level[i].span++;
    n->backward = update[0] == zsl->head ? NULL : update[0];
    if (n->level[0].forward)
        n->level[0].forward->backward = n;
    else
        zsl->tail = n;
    zsl->length++;
}

/* Unlinks n given its predecessors at every level; does not free it. */
static void unlink_node(mr_zsl_t *zsl, mr_zsl_node_t *n,
                        mr_zsl_node_t **update) {
    for (int i = 0; i < zsl->level; i++) {
        if (update[i]->level[i].forward == n) {
            update[i]->level[i].span += n->level[i].span - 1;
            update[i]->level[i].forward = n->level[i].forward;
        } else {
            update[i]->level[i].span--;
        }
    }
    if (n->level[0].forward)
        n->level[0].forward->backward = n->backward;
    else
        zsl->tail = n->backward;
    while (zsl->level > 1 && !zsl->head->level[zsl->level - 1].forward)
        zsl->level--;
    zsl->length--;
}

/* ---- single nodes ---- */

mr_zsl_node_t *mr_zsl_insert(mr_zsl_t *zsl, double score, const void *member,
                             size_t len) {
    assert(!isnan(score));
    assert(len <= UINT32_MAX);
    mr_zsl_node_t *update[MR_ZSL_MAX_LEVEL];
    size_t rank[MR_ZSL_MAX_LEVEL];
    find_path(zsl, score, member, len, update, rank);
    mr_zsl_node_t *n = node_alloc(random_level(zsl), score, member, len);
    link_node(zsl, n, update, rank);
    return n;
}

bool mr_zsl_delete(mr_zsl_t *zsl, double score, const void *member,
                   size_t len) {
    mr_zsl_node_t *update[MR_ZSL_MAX_LEVEL];
    size_t rank[MR_ZSL_MAX_LEVEL];
    find_path(zsl, score, member, len, update, rank);
    mr_zsl_node_t *x = update[0]->level[0].forward;
    if (!x || node_cmp(x, score, member, len) != 0) return false;
    unlink_node(zsl, x, update);
    mr_free(x);
    return true;
}

/* Last node that sorts before or equal to the key, with its 1-based rank. */
static mr_zsl_node_t *descend_le(const mr_zsl_t *zsl, double score,
                                 const char *m, size_t len, size_t *rank) {
    mr_zsl_node_t *x = zsl->head;
    size_t r = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward &&
               node_cmp(x->level[i].forward, score, m, len) <= 0) {
            r += x->level[i].span;
            x = x->level[i].forward;
        }
    }
    *rank = r;
    return x;
}

mr_zsl_node_t *mr_zsl_find(const mr_zsl_t *zsl, double score,
                           const void *member, size_t len) {
    size_t r;
    mr_zsl_node_t *x = descend_le(zsl, score, member, len, &r);
    if (x == zsl->head || node_cmp(x, score, member, len) != 0) return NULL;
    return x;
}

mr_zsl_node_t *mr_zsl_update_score(mr_zsl_t *zsl, mr_zsl_node_t *node,
                                   double new_score) {
    assert(!isnan(new_score));
    const char *m = mr_zsl_node_member(node);
    size_t len = node->mlen;
    mr_zsl_node_t *prev = node->backward, *next = node->level[0].forward;
    /* Still between its neighbours: the order is unchanged, so the links
     * (and spans) are too. */
    if ((!prev || node_cmp(prev, new_score, m, len) < 0) &&
        (!next || node_cmp(next, new_score, m, len) > 0)) {
        node->score = new_score;
        return node;
    }
    /* Both paths, the node's (to unlink it) and its new place's, in one
     * interleaved descent over the list as it is now. */
    mr_zsl_node_t *uold[MR_ZSL_MAX_LEVEL], *unew[MR_ZSL_MAX_LEVEL];
    size_t rold[MR_ZSL_MAX_LEVEL], rnew[MR_ZSL_MAX_LEVEL];
    int levels = zsl->level;
    find_path2(zsl, node->score, m, len, uold, rold, new_score, m, len, unew,
               rnew);
    assert(uold[0]->level[0].forward == node);
    size_t node_rank = rold[0] + 1;
    unlink_node(zsl, node, uold);
    /* The new place's path as it would have been found without the node:
     * where it went through the node, it goes through the node's
     * predecessor at that level; nodes after the node moved up a rank. */
    for (int i = 0; i < levels; i++) {
        if (unew[i] == node) {
            unew[i] = uold[i];
            rnew[i] = rold[i];
        } else if (rnew[i] > node_rank) {
            rnew[i]--;
        }
    }
    /* Relink the same allocation, keeping its levels, so that pointers to
     * the node held by the caller's dict stay valid. */
    node->score = new_score;
    link_node(zsl, node, unew, rnew);
    return node;
}

mr_zsl_node_t *mr_zsl_update_score_of(mr_zsl_t *zsl, double old_score,
                                      const void *member, size_t len,
                                      double new_score) {
    mr_zsl_node_t *n = mr_zsl_find(zsl, old_score, member, len);
    return n ? mr_zsl_update_score(zsl, n, new_score) : NULL;
}

/* ---- ranks ---- */

bool mr_zsl_rank(const mr_zsl_t *zsl, double score, const void *member,
                 size_t len, bool reverse, size_t *rank) {
    size_t r;
    mr_zsl_node_t *x = descend_le(zsl, score, member, len, &r);
    if (x == zsl->head || node_cmp(x, score, member, len) != 0) return false;
    *rank = reverse ? zsl->length - r : r - 1;
    return true;
}

/* Last node at or before 1-based rank `target`, with update[] filled. */
static mr_zsl_node_t *descend_rank(const mr_zsl_t *zsl, size_t target,
                                   mr_zsl_node_t **update) {
    mr_zsl_node_t *x = zsl->head;
    size_t traversed = 0;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && traversed + x->level[i].span <= target) {
            traversed += x->level[i].span;
            x = x->level[i].forward;
        }
        if (update) update[i] = x;
    }
    return x;
}

mr_zsl_node_t *mr_zsl_node_by_rank(const mr_zsl_t *zsl, size_t rank) {
    if (rank >= zsl->length) return NULL;
    return descend_rank(zsl, rank + 1, NULL);
}

/* ---- score ranges ---- */

static bool gte_min(double v, const mr_zsl_range_t *r) {
    return r->minex ? v > r->min : v >= r->min;
}

static bool lte_max(double v, const mr_zsl_range_t *r) {
    return r->maxex ? v < r->max : v <= r->max;
}

bool mr_zsl_range_is_empty(const mr_zsl_range_t *r) {
    assert(!isnan(r->min) && !isnan(r->max));
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

/* Last node whose score is below the range (possibly the head). */
static mr_zsl_node_t *before_range(const mr_zsl_t *zsl,
                                   const mr_zsl_range_t *r,
                                   mr_zsl_node_t **update) {
    mr_zsl_node_t *x = zsl->head;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !gte_min(x->level[i].forward->score, r))
            x = x->level[i].forward;
        if (update) update[i] = x;
    }
    return x;
}

mr_zsl_node_t *mr_zsl_first_in_range(const mr_zsl_t *zsl,
                                     const mr_zsl_range_t *r) {
    if (mr_zsl_range_is_empty(r) || !zsl->tail) return NULL;
    mr_zsl_node_t *x = before_range(zsl, r, NULL)->level[0].forward;
    return x && lte_max(x->score, r) ? x : NULL;
}

mr_zsl_node_t *mr_zsl_last_in_range(const mr_zsl_t *zsl,
                                    const mr_zsl_range_t *r) {
    if (mr_zsl_range_is_empty(r) || !zsl->tail) return NULL;
    mr_zsl_node_t *x = zsl->head;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && lte_max(x->level[i].forward->score, r))
            x = x->level[i].forward;
    }
    return x != zsl->head && gte_min(x->score, r) ? x : NULL;
}

/* ---- lexicographic ranges ---- */

bool mr_zsl_parse_lex_bound(const char *s, size_t len,
                            mr_zsl_lex_bound_t *out) {
    if (len == 0) return false;
    switch (s[0]) {
    case '-':
    case '+':
        if (len != 1) return false;
        out->kind = s[0] == '-' ? MR_ZSL_LEX_MINUS : MR_ZSL_LEX_PLUS;
        out->ptr = NULL;
        out->len = 0;
        return true;
    case '[':
    case '(':
        out->kind = s[0] == '[' ? MR_ZSL_LEX_INCL : MR_ZSL_LEX_EXCL;
        out->ptr = s + 1;
        out->len = len - 1;
        return true;
    default:
        return false;
    }
}

static bool lex_gte_min(const char *m, size_t len, const mr_zsl_lex_bound_t *b) {
    switch (b->kind) {
    case MR_ZSL_LEX_MINUS: return true;
    case MR_ZSL_LEX_PLUS: return false;
    case MR_ZSL_LEX_INCL: return member_cmp(m, len, b->ptr, b->len) >= 0;
    case MR_ZSL_LEX_EXCL: return member_cmp(m, len, b->ptr, b->len) > 0;
    }
    return false;
}

static bool lex_lte_max(const char *m, size_t len, const mr_zsl_lex_bound_t *b) {
    switch (b->kind) {
    case MR_ZSL_LEX_MINUS: return false;
    case MR_ZSL_LEX_PLUS: return true;
    case MR_ZSL_LEX_INCL: return member_cmp(m, len, b->ptr, b->len) <= 0;
    case MR_ZSL_LEX_EXCL: return member_cmp(m, len, b->ptr, b->len) < 0;
    }
    return false;
}

static bool node_gte_lmin(const mr_zsl_node_t *n, const mr_zsl_lexrange_t *r) {
    return lex_gte_min(mr_zsl_node_member(n), n->mlen, &r->min);
}

static bool node_lte_lmax(const mr_zsl_node_t *n, const mr_zsl_lexrange_t *r) {
    return lex_lte_max(mr_zsl_node_member(n), n->mlen, &r->max);
}

/* '-' sorts below every string and '+' above, as Redis's bound compare. */
static int bound_order(mr_zsl_lex_kind_t k) {
    return k == MR_ZSL_LEX_MINUS ? 0 : k == MR_ZSL_LEX_PLUS ? 2 : 1;
}

bool mr_zsl_lexrange_is_empty(const mr_zsl_lexrange_t *r) {
    int omin = bound_order(r->min.kind), omax = bound_order(r->max.kind);
    int c = omin != omax || omin != 1
                ? omin - omax
                : member_cmp(r->min.ptr, r->min.len, r->max.ptr, r->max.len);
    /* Equal ends hold something only when both are inclusive strings: '-'
     * and '+' count as exclusive, so "- -" and "+ +" are empty. */
    return c > 0 || (c == 0 && (r->min.kind != MR_ZSL_LEX_INCL ||
                                r->max.kind != MR_ZSL_LEX_INCL));
}

static mr_zsl_node_t *before_lexrange(const mr_zsl_t *zsl,
                                      const mr_zsl_lexrange_t *r,
                                      mr_zsl_node_t **update) {
    mr_zsl_node_t *x = zsl->head;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && !node_gte_lmin(x->level[i].forward, r))
            x = x->level[i].forward;
        if (update) update[i] = x;
    }
    return x;
}

mr_zsl_node_t *mr_zsl_first_in_lexrange(const mr_zsl_t *zsl,
                                        const mr_zsl_lexrange_t *r) {
    if (mr_zsl_lexrange_is_empty(r) || !zsl->tail) return NULL;
    mr_zsl_node_t *x = before_lexrange(zsl, r, NULL)->level[0].forward;
    return x && node_lte_lmax(x, r) ? x : NULL;
}

mr_zsl_node_t *mr_zsl_last_in_lexrange(const mr_zsl_t *zsl,
                                       const mr_zsl_lexrange_t *r) {
    if (mr_zsl_lexrange_is_empty(r) || !zsl->tail) return NULL;
    mr_zsl_node_t *x = zsl->head;
    for (int i = zsl->level - 1; i >= 0; i--) {
        while (x->level[i].forward && node_lte_lmax(x->level[i].forward, r))
            x = x->level[i].forward;
    }
    return x != zsl->head && node_gte_lmin(x, r) ? x : NULL;
}

/* ---- range deletes ----
 * After unlinking x, update[] still holds x's successor's predecessors at
 * every level, so one descent serves the whole run of removals. */

static void remove_node(mr_zsl_t *zsl, mr_zsl_node_t *x,
                        mr_zsl_node_t **update, mr_zsl_removed_fn removed,
                        void *ctx) {
    unlink_node(zsl, x, update);
    if (removed) removed(ctx, x);
    mr_free(x);
}

size_t mr_zsl_delete_range(mr_zsl_t *zsl, const mr_zsl_range_t *r,
                           mr_zsl_removed_fn removed, void *ctx) {
    if (mr_zsl_range_is_empty(r) || !zsl->tail) return 0;
    mr_zsl_node_t *update[MR_ZSL_MAX_LEVEL];
    mr_zsl_node_t *x = before_range(zsl, r, update)->level[0].forward;
    size_t count = 0;
    while (x && lte_max(x->score, r)) {
        mr_zsl_node_t *next = x->level[0].forward;
        remove_node(zsl, x, update, removed, ctx);
        count++;
        x = next;
    }
    return count;
}

size_t mr_zsl_delete_lexrange(mr_zsl_t *zsl, const mr_zsl_lexrange_t *r,
                              mr_zsl_removed_fn removed, void *ctx) {
    if (mr_zsl_lexrange_is_empty(r) || !zsl->tail) return 0;
    mr_zsl_node_t *update[MR_ZSL_MAX_LEVEL];
    mr_zsl_node_t *x = before_lexrange(zsl, r, update)->level[0].forward;
    size_t count = 0;
    while (x && node_lte_lmax(x, r)) {
        mr_zsl_node_t *next = x->level[0].forward;
        remove_node(zsl, x, update, removed, ctx);
        count++;
        x = next;
    }
    return count;
}

size_t mr_zsl_delete_rank_range(mr_zsl_t *zsl, size_t start, size_t end,
                                mr_zsl_removed_fn removed, void *ctx) {
    if (start >= zsl->length || start > end) return 0;
    if (end >= zsl->length) end = zsl->length - 1;
    mr_zsl_node_t *update[MR_ZSL_MAX_LEVEL];
    /* The node just before 0-based rank `start` has 1-based rank start. */
    mr_zsl_node_t *x = descend_rank(zsl, start, update)->level[0].forward;
    size_t count = 0;
    for (size_t i = start; i <= end && x; i++) {
        mr_zsl_node_t *next = x->level[0].forward;
        remove_node(zsl, x, update, removed, ctx);
        count++;
        x = next;
    }
    return count;
}
