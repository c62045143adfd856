/* Quicklist: a doubly linked list of bounded listpack nodes. Why, and the
 * node limits, are in quicklist.h. */
#include "types/quicklist.h"

#include <assert.h>
#include <string.h>

/* Worst-case framing of one listpack element (head with a 5-byte LEB128
 * length, plus a 5-byte backlen): adding it to the payload length bounds
 * what an insert adds to a node, so a node that "allows" an insert stays
 * within its limit. */
#define ELEM_OVERHEAD 11

static const size_t size_limits[] = {4096, 8192, 16384, 32768, 65536};

static int clamp_fill(int fill) {
    if (fill > MR_QL_FILL_MAX) return MR_QL_FILL_MAX;
    if (fill < -5) return -5;
    return fill;
}

/* Whether a node of `bytes` bytes and `count` elements respects the fill. */
static bool fits(const mr_ql_t *ql, size_t bytes, size_t count) {
    if (ql->fill < 0) return bytes <= size_limits[-ql->fill - 1];
    return count <= (size_t)ql->fill && bytes <= MR_QL_SAFETY_LIMIT;
}

/* Whether n can take one more element of len payload bytes. */
static bool allows(const mr_ql_t *ql, const mr_ql_node_t *n, size_t len) {
    return fits(ql, (size_t)n->bytes + len + ELEM_OVERHEAD,
                (size_t)n->count + 1);
}

/* Refreshes the cached count and size after n->lp changed. */
static void sync(mr_ql_node_t *n) {
    n->count = (uint32_t)mr_lp_count(n->lp);
    n->bytes = (uint32_t)mr_lp_bytes(n->lp);
}

static mr_ql_node_t *node_new(unsigned char *lp) {
    mr_ql_node_t *n = mr_xmalloc(sizeof *n);
    n->prev = n->next = NULL;
    n->lp = lp;
    sync(n);
    return n;
}

/* Links n after `at` (at NULL: as the new head). */
static void link_after(mr_ql_t *ql, mr_ql_node_t *at, mr_ql_node_t *n) {
    n->prev = at;
    n->next = at ? at->next : ql->head;
    if (n->next)
        n->next->prev = n;
    else
        ql->tail = n;
    if (at)
        at->next = n;
    else
        ql->head = n;
    ql->nodes++;
}

/* Links n before `at` (at NULL: as the new tail). */
static void link_before(mr_ql_t *ql, mr_ql_node_t *at, mr_ql_node_t *n) {
    link_after(ql, at ? at->prev : ql->tail, n);
}

static void unlink_free(mr_ql_t *ql, mr_ql_node_t *n) {
    if (n->prev)
        n->prev->next = n->next;
    else
        ql->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        ql->tail = n->prev;
    ql->nodes--;
    mr_lp_free(n->lp);
    mr_free(n);
}

/* A node holding just s. */
static mr_ql_node_t *node_of(const void *s, size_t len) {
    return node_new(mr_lp_append(mr_lp_new(), s, len));
}

/* Appends (tail) or prepends (head) s to node n, which allows it. */
static void node_add(mr_ql_t *ql, mr_ql_node_t *n, int where, const void *s,
                     size_t len) {
    n->lp = where == MR_QL_HEAD ? mr_lp_prepend(n->lp, s, len)
                                : mr_lp_append(n->lp, s, len);
    sync(n);
    ql->count++;
}

/* Merges b into a (its predecessor) when the result respects the fill;
 * b is freed then. Keeps a split from leaving two small neighbours. */
static void try_merge(mr_ql_t *ql, mr_ql_node_t *a, mr_ql_node_t *b) {
    if (!a || !b)
        return;
    if (!fits(ql, (size_t)a->bytes + b->bytes - MR_LP_HDR_SIZE,
              (size_t)a->count + b->count))
        return;
    a->lp = mr_lp_merge(a->lp, b->lp);
    sync(a);
    unlink_free(ql, b);
}

mr_ql_t *mr_ql_new(int fill) {
    mr_ql_t *ql = mr_xmalloc(sizeof *ql);
    ql->head = ql->tail = NULL;
    ql->count = 0;
    ql->nodes = 0;
    ql->fill = clamp_fill(fill);
    return ql;
}

void mr_ql_free(mr_ql_t *ql) {
    if (!ql)
        return;
    for (mr_ql_node_t *n = ql->head, *next; n; n = next) {
        next = n->next;
        mr_lp_free(n->lp);
        mr_free(n);
    }
    mr_free(ql);
}

mr_ql_t *mr_ql_dup(const mr_ql_t *ql) {
    mr_ql_t *copy = mr_ql_new(ql->fill);
    for (const mr_ql_node_t *n = ql->head; n; n = n->next) {
        unsigned char *lp = mr_xmalloc(n->bytes);
        memcpy(lp, n->lp, n->bytes);
        link_after(copy, copy->tail, node_new(lp));
    }
    copy->count = ql->count;
    return copy;
}

void mr_ql_push(mr_ql_t *ql, int where, const void *s, size_t len) {
    mr_ql_node_t *n = where == MR_QL_HEAD ? ql->head : ql->tail;
    if (n && allows(ql, n, len)) {
        node_add(ql, n, where, s, len);
        return;
    }
    n = node_of(s, len);
    if (where == MR_QL_HEAD)
        link_after(ql, NULL, n);
    else
        link_after(ql, ql->tail, n);
    ql->count++;
}

bool mr_ql_pop(mr_ql_t *ql, int where, mr_ql_elem_fn fn, void *ctx) {
    mr_ql_pos_t pos;
    if (!mr_ql_seek(ql, where == MR_QL_HEAD ? 0 : -1, &pos))
        return false;
    char ib[MR_LP_INTBUF];
    fn(ctx, mr_ql_get(&pos, ib));
    mr_ql_delete(ql, &pos, MR_QL_TAIL);
    return true;
}

/* The node holding element i (0 <= i < count) and i's index inside it,
 * counting nodes from the nearer end by their cached counts. */
static mr_ql_node_t *locate(const mr_ql_t *ql, size_t i, size_t *in_node) {
    mr_ql_node_t *n;
    if (i < ql->count / 2) {
        n = ql->head;
        while (i >= n->count) {
            i -= n->count;
            n = n->next;
        }
        *in_node = i;
        return n;
    }
    size_t back = ql->count - 1 - i; /* 0: the last element */
    n = ql->tail;
    while (back >= n->count) {
        back -= n->count;
        n = n->prev;
    }
    *in_node = n->count - 1 - back;
    return n;
}

bool mr_ql_seek(const mr_ql_t *ql, long long index, mr_ql_pos_t *pos) {
    size_t i;
    if (index < 0) {
        unsigned long long back = -(unsigned long long)index;
        if (back > ql->count)
            return false;
        i = ql->count - (size_t)back;
    } else {
        if ((unsigned long long)index >= ql->count)
            return false;
        i = (size_t)index;
    }
    size_t k;
    pos->node = locate(ql, i, &k);
    pos->off = mr_lp_seek(pos->node->lp, (long long)k);
    return true;
}

bool mr_ql_next(mr_ql_pos_t *pos) {
    size_t o = mr_lp_next(pos->node->lp, pos->off);
    if (o != MR_LP_NONE) {
        pos->off = o;
        return true;
    }
    if (!pos->node->next)
        return false;
    pos->node = pos->node->next;
    pos->off = mr_lp_first(pos->node->lp);
    return true;
}

bool mr_ql_prev(mr_ql_pos_t *pos) {
    size_t o = mr_lp_prev(pos->node->lp, pos->off);
    if (o != MR_LP_NONE) {
        pos->off = o;
        return true;
    }
    if (!pos->node->prev)
        return false;
    pos->node = pos->node->prev;
    pos->off = mr_lp_last(pos->node->lp);
    return true;
}

mr_str_t mr_ql_get(const mr_ql_pos_t *pos, char intbuf[MR_LP_INTBUF]) {
    return mr_lp_get_str(pos->node->lp, pos->off, intbuf);
}

mr_str_t mr_ql_get_next(mr_ql_pos_t *pos, char intbuf[MR_LP_INTBUF],
                        bool *more) {
    size_t next;
    mr_str_t s = mr_lp_get_str_next(pos->node->lp, pos->off, intbuf, &next);
    *more = true;
    if (next != MR_LP_NONE) {
        pos->off = next;
    } else if (pos->node->next) {
        pos->node = pos->node->next;
        pos->off = mr_lp_first(pos->node->lp);
    } else {
        *more = false;
    }
    return s;
}

bool mr_ql_eq(const mr_ql_pos_t *pos, const void *s, size_t len) {
    return mr_lp_eq(pos->node->lp, pos->off, s, len);
}

/* Bytes the element at off occupies in n's listpack. */
static size_t elem_bytes(const mr_ql_node_t *n, size_t off) {
    size_t next = mr_lp_next(n->lp, off);
    return (next == MR_LP_NONE ? n->bytes : next) - off;
}

void mr_ql_replace(mr_ql_t *ql, const mr_ql_pos_t *pos, const void *s,
                   size_t len) {
    mr_ql_node_t *n = pos->node;
    size_t after = (size_t)n->bytes - elem_bytes(n, pos->off) + len +
                   ELEM_OVERHEAD;
    if (n->count == 1 || fits(ql, after, n->count)) {
        n->lp = mr_lp_replace(n->lp, pos->off, s, len);
        sync(n);
        return;
    }
    /* Too big for this node now: delete, then insert in the same place,
     * which finds the element a node (a neighbour, a split, or its own). */
    mr_ql_pos_t at = *pos;
    if (mr_ql_delete(ql, &at, MR_QL_TAIL))
        mr_ql_insert(ql, &at, MR_LP_BEFORE, s, len);
    else
        mr_ql_push(ql, MR_QL_TAIL, s, len);
}

void mr_ql_insert(mr_ql_t *ql, const mr_ql_pos_t *pos, int where,
                  const void *s, size_t len) {
    mr_ql_node_t *n = pos->node;
    if (allows(ql, n, len)) {
        n->lp = mr_lp_insert(n->lp, pos->off, where, s, len, NULL);
        sync(n);
        ql->count++;
        return;
    }
    /* n is full. `cut` is the first element that ends up after the new
     * one: at either edge of n a neighbour with room (or a new node) takes
     * the element; inside n, n splits there. */
    size_t cut = where == MR_LP_AFTER ? mr_lp_next(n->lp, pos->off)
                                      : pos->off;
    if (cut == MR_LP_NONE) {
        if (n->next && allows(ql, n->next, len)) {
            node_add(ql, n->next, MR_QL_HEAD, s, len);
        } else {
            link_after(ql, n, node_of(s, len));
            ql->count++;
        }
        return;
    }
    if (cut == mr_lp_first(n->lp)) {
        if (n->prev && allows(ql, n->prev, len)) {
            node_add(ql, n->prev, MR_QL_TAIL, s, len);
        } else {
            link_before(ql, n, node_of(s, len));
            ql->count++;
        }
        return;
    }
    mr_ql_node_t *right = node_new(mr_lp_split(&n->lp, cut));
    sync(n);
    link_after(ql, n, right);
    if (allows(ql, n, len)) {
        node_add(ql, n, MR_QL_TAIL, s, len);
    } else if (allows(ql, right, len)) {
        node_add(ql, right, MR_QL_HEAD, s, len);
    } else {
        link_after(ql, n, node_of(s, len));
        ql->count++;
    }
    try_merge(ql, right, right->next);
    try_merge(ql, n->prev, n); /* may free n: last */
}

bool mr_ql_delete(mr_ql_t *ql, mr_ql_pos_t *pos, int dir) {
    mr_ql_node_t *n = pos->node;
    bool was_first = pos->off == mr_lp_first(n->lp);
    size_t next;
    n->lp = mr_lp_delete(n->lp, pos->off, &next);
    sync(n);
    ql->count--;
    if (n->count == 0) {
        mr_ql_node_t *p = n->prev, *x = n->next;
        unlink_free(ql, n);
        if (dir == MR_QL_TAIL) {
            if (!x)
                return false;
            pos->node = x;
            pos->off = mr_lp_first(x->lp);
        } else {
            if (!p)
                return false;
            pos->node = p;
            pos->off = mr_lp_last(p->lp);
        }
        return true;
    }
    if (dir == MR_QL_TAIL) {
        if (next != MR_LP_NONE) {
            pos->off = next;
            return true;
        }
        if (!n->next)
            return false;
        pos->node = n->next;
        pos->off = mr_lp_first(n->next->lp);
        return true;
    }
    if (!was_first) {
        /* elements before the deleted one did not move */
        pos->off = mr_lp_prev(n->lp, pos->off);
        return true;
    }
    if (!n->prev)
        return false;
    pos->node = n->prev;
    pos->off = mr_lp_last(n->prev->lp);
    return true;
}

void mr_ql_delete_range(mr_ql_t *ql, size_t start, size_t n) {
    assert(start <= ql->count && n <= ql->count - start);
    if (n == 0)
        return;
    size_t i;
    mr_ql_node_t *nd = locate(ql, start, &i);
    while (n > 0) {
        mr_ql_node_t *next = nd->next;
        size_t k = nd->count - i < n ? nd->count - i : n;
        if (k == nd->count) {
            unlink_free(ql, nd);
        } else {
            nd->lp = mr_lp_delete_range(nd->lp, (long long)i, k);
            sync(nd);
        }
        ql->count -= k;
        n -= k;
        i = 0;
        nd = next;
    }
}

bool mr_ql_check(const mr_ql_t *ql) {
    size_t count = 0, nodes = 0;
    const mr_ql_node_t *prev = NULL;
    if (ql->fill != clamp_fill(ql->fill))
        return false;
    for (const mr_ql_node_t *n = ql->head; n; prev = n, n = n->next) {
        if (n->prev != prev)
            return false;
        if (!mr_lp_validate(n->lp, n->bytes))
            return false;
        if (n->count != mr_lp_count(n->lp) || n->count == 0)
            return false;
        if (n->count > 1 && !fits(ql, n->bytes, n->count))
            return false;
        count += n->count;
        nodes++;
    }
    return prev == ql->tail && count == ql->count && nodes == ql->nodes &&
           (ql->head == NULL) == (ql->count == 0);
}
