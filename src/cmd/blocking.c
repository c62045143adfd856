/* Blocked clients: the per-shard registry of waiters, serving them when
 * their keys get data, and their timeouts. See include/mr/block.h.
 *
 * A waiter is reachable from three places: the registry (one node per
 * distinct key, each guarded by that key's shard lock), its connection and
 * its worker's timeout heap (both touched only by that worker). Its
 * `state` decides who ends the wait: the first thread to move it away from
 * WAITING. Only the owning worker frees it, after removing its remaining
 * registry nodes, so a server holding a shard lock always sees live
 * waiters in that shard's queues. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mr/aof.h"
#include "mr/block.h"
#include "mr/conn.h"
#include "mr/multi.h"
#include "mr/stats.h"
#include "mr/task.h"
#include "proto/errors.h"

enum { W_WAITING, W_SERVED, W_ENDED };

typedef struct qnode {
    struct qnode *next;
    mr_waiter_t *w;
} qnode_t;

/* The waiters of one key, in the order they blocked. */
typedef struct bkey {
    struct bkey *next;
    int db;
    uint32_t klen;
    qnode_t *head, *tail;
    char key[];
} bkey_t;

typedef struct bshard {
    bkey_t *keys; /* few: only keys someone is blocked on */
} bshard_t;

struct mr_waiter {
    _Atomic int state;
    unsigned worker;
    mr_conn_t *conn; /* NULL once the connection is gone; owner only */
    int db, resp;
    mr_type_t type;
    mr_str_t *argv; /* a private copy of the blocked command */
    int argc;
    const mr_cmd_t *cmd;
    int *key_idx; /* distinct keys, argv indexes */
    int nkeys;
    int target_idx;
    int64_t deadline_ms;
    size_t heap_pos; /* index in the owner's heap; SIZE_MAX if absent */
    mr_block_serve_fn serve;
};

static bshard_t *bshards;
static unsigned nbshards;

/* ---- the registry (caller holds the shard lock) ---- */

static bkey_t *bkey_find(uint32_t shard, int db, const void *key,
                         size_t klen, bkey_t ***link_out) {
    bkey_t **l = &bshards[shard].keys;
    for (; *l; l = &(*l)->next) {
        bkey_t *b = *l;
        if (b->db == db && b->klen == klen && memcmp(b->key, key, klen) == 0) {
            if (link_out) *link_out = l;
            return b;
        }
    }
    return NULL;
}

static void register_locked(mr_waiter_t *w, mr_str_t key) {
    uint32_t shard = mr_store_shard_of(key.ptr, key.len);
    bkey_t *b = bkey_find(shard, w->db, key.ptr, key.len, NULL);
    if (!b) {
        b = mr_xmalloc(sizeof *b + key.len);
        b->db = w->db;
        b->klen = (uint32_t)key.len;
        b->head = b->tail = NULL;
        memcpy(b->key, key.ptr, key.len);
        b->next = bshards[shard].keys;
        bshards[shard].keys = b;
    }
    qnode_t *q = mr_xmalloc(sizeof *q);
    q->next = NULL;
    q->w = w;
    if (b->tail)
        b->tail->next = q;
    else
        b->head = q;
    b->tail = q;
}

/* Removes w's node from key's queue (if still there); frees the key's
 * record when its queue empties. */
static void unregister_locked(mr_waiter_t *w, mr_str_t key) {
    uint32_t shard = mr_store_shard_of(key.ptr, key.len);
    bkey_t **bl;
    bkey_t *b = bkey_find(shard, w->db, key.ptr, key.len, &bl);
    if (!b) return;
    qnode_t *prev = NULL;
    for (qnode_t *q = b->head; q; prev = q, q = q->next) {
        if (q->w != w) continue;
        if (prev)
            prev->next = q->next;
        else
            b->head = q->next;
        if (b->tail == q) b->tail = prev;
        mr_free(q);
        break;
    }
    if (!b->head) {
        *bl = b->next;
        mr_free(b);
    }
}

/* Removes every node of w, one shard lock at a time (owner, no lock
 * held). */
static void unregister_all(mr_waiter_t *w) {
    for (int i = 0; i < w->nkeys; i++) {
        mr_str_t k = w->argv[w->key_idx[i]];
        uint32_t shard = mr_store_shard_of(k.ptr, k.len);
        mr_store_lock(shard);
        unregister_locked(w, k);
        mr_store_unlock(shard);
    }
}

/* ---- the owner's timeout heap (thread-local: each worker its own) ---- */

static _Thread_local mr_waiter_t **heap;
static _Thread_local size_t heap_len, heap_cap;

static void heap_swap(size_t a, size_t b) {
    mr_waiter_t *t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
    heap[a]->heap_pos = a;
    heap[b]->heap_pos = b;
}

static void heap_up(size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (heap[p]->deadline_ms <= heap[i]->deadline_ms) break;
        heap_swap(i, p);
        i = p;
    }
}

static void heap_down(size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_len && heap[l]->deadline_ms < heap[m]->deadline_ms) m = l;
        if (r < heap_len && heap[r]->deadline_ms < heap[m]->deadline_ms) m = r;
        if (m == i) return;
        heap_swap(i, m);
        i = m;
    }
}

static void heap_add(mr_waiter_t *w) {
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 16;
        heap = mr_xrealloc(heap, sizeof *heap * heap_cap);
    }
    w->heap_pos = heap_len;
    heap[heap_len++] = w;
    heap_up(w->heap_pos);
}

static void heap_remove(mr_waiter_t *w) {
    size_t i = w->heap_pos;
    if (i == SIZE_MAX) return;
    w->heap_pos = SIZE_MAX;
    heap_len--;
    if (i == heap_len) return;
    heap[i] = heap[heap_len];
    heap[i]->heap_pos = i;
    heap_up(i);
    heap_down(heap[i]->heap_pos);
}

int64_t mr_block_next_deadline(void) {
    return heap_len ? heap[0]->deadline_ms : 0;
}

void mr_block_thread_exit(void) {
    mr_free(heap);
    heap = NULL;
    heap_len = heap_cap = 0;
}

/* ---- waiters ---- */

static void waiter_free(mr_waiter_t *w) {
    mr_free(w->argv);
    mr_free(w->key_idx);
    mr_free(w);
}

/* Ends an unserved wait on its owner: out of the registry and the heap,
 * then the connection (if any) gets `reply` and resumes. */
static void finish(mr_waiter_t *w, const char *reply, size_t len) {
    unregister_all(w);
    heap_remove(w);
    if (w->conn) {
        MR_STAT_ADD(blocked_clients, (uint64_t)-1);
        mr_conn_unblock(w->conn, reply, len, 0);
    }
    waiter_free(w);
}

void mr_block_log_as(mr_call_t *call, int argc, const mr_str_t *argv) {
    if (call->prop) {
        mr_prop_cmd(call, argc);
        for (int i = 0; i < argc; i++) mr_prop_arg_str(call, argv[i]);
        return;
    }
    uint64_t end = mr_aof_log_locked(call->db, argc, argv);
    if (end) call->aof_end = end;
}

bool mr_block_allowed(const mr_call_t *call) {
    /* inside EXEC a blocking command answers as if it timed out (Redis) */
    return call->conn != NULL && !call->in_exec;
}

/* One allocation holds the argv array and the bytes it points at. */
static mr_str_t *copy_argv(const mr_call_t *call) {
    size_t bytes = sizeof(mr_str_t) * (size_t)call->argc;
    for (int i = 0; i < call->argc; i++) bytes += call->argv[i].len + 1;
    mr_str_t *v = mr_xmalloc(bytes);
    char *p = (char *)(v + call->argc);
    for (int i = 0; i < call->argc; i++) {
        memcpy(p, call->argv[i].ptr, call->argv[i].len);
        p[call->argv[i].len] = '\0';
        v[i].ptr = p;
        v[i].len = call->argv[i].len;
        p += call->argv[i].len + 1;
    }
    return v;
}

void mr_block_client(mr_call_t *call, const mr_block_spec_t *spec) {
    mr_waiter_t *w = mr_xcalloc(1, sizeof *w);
    atomic_init(&w->state, W_WAITING);
    w->worker = (unsigned)mr_worker_self();
    w->conn = call->conn;
    w->db = call->db;
    w->resp = call->reply->resp;
    w->type = spec->type;
    w->argv = copy_argv(call);
    w->argc = call->argc;
    w->cmd = call->cmd;
    w->target_idx = spec->target_idx;
    w->deadline_ms = spec->deadline_ms;
    w->heap_pos = SIZE_MAX;
    w->serve = spec->serve;
    /* BLPOP k k 0 waits once on k */
    w->key_idx = mr_xmalloc(sizeof *w->key_idx * (size_t)spec->nkeys);
    for (int i = 0; i < spec->nkeys; i++) {
        mr_str_t k = call->argv[spec->key_idx[i]];
        bool dup = false;
        for (int j = 0; j < w->nkeys && !dup; j++) {
            mr_str_t o = w->argv[w->key_idx[j]];
            dup = o.len == k.len && memcmp(o.ptr, k.ptr, k.len) == 0;
        }
        if (dup) continue;
        w->key_idx[w->nkeys++] = spec->key_idx[i];
        register_locked(w, w->argv[spec->key_idx[i]]);
    }
    if (w->deadline_ms) heap_add(w);
    MR_STAT_INC(blocked_clients);
    mr_conn_block(call->conn, w);
}

void mr_block_cancel(mr_waiter_t *w) {
    int expect = W_WAITING;
    MR_STAT_ADD(blocked_clients, (uint64_t)-1);
    if (atomic_compare_exchange_strong(&w->state, &expect, W_ENDED)) {
        w->conn = NULL;
        finish(w, NULL, 0);
        return;
    }
    /* served: the reply is on its way and its task frees the waiter */
    w->conn = NULL;
    heap_remove(w);
}

static void timeout_reply(const mr_waiter_t *w, mr_buf_t *out) {
    mr_reply_t r = {.out = out, .resp = w->resp};
    mr_reply_null_array(&r);
}

void mr_block_expire(int64_t now_ms) {
    while (heap_len && heap[0]->deadline_ms <= now_ms) {
        mr_waiter_t *w = heap[0];
        int expect = W_WAITING;
        if (!atomic_compare_exchange_strong(&w->state, &expect, W_ENDED)) {
            heap_remove(w); /* served meanwhile: its reply is coming */
            continue;
        }
        mr_buf_t out = {0};
        timeout_reply(w, &out);
        finish(w, out.data, out.len);
        mr_buf_free(&out);
    }
}

bool mr_block_parse_timeout(mr_call_t *call, int i, int64_t *deadline_ms) {
    long double secs;
    mr_str_t a = call->argv[i];
    if (!mr_str2ld(a.ptr, a.len, &secs)) {
        mr_reply_err(call->reply, MR_ERR_TIMEOUT_NOT_FLOAT);
        return false;
    }
    /* As Redis 7.0: milliseconds truncated toward zero (so 0.0001 means
     * "forever"), and a product beyond the 64-bit range converts the way
     * x86 does, to the most negative value ("timeout is negative"). */
    long double ms = secs * 1000.0L;
    int64_t t = ms >= 9223372036854775807.0L || ms < -9223372036854775807.0L
                    ? INT64_MIN
                    : (int64_t)ms;
    if (t < 0) {
        mr_reply_err(call->reply, MR_ERR_TIMEOUT_NEGATIVE);
        return false;
    }
    /* a deadline past the clock's range waits as long as "forever" */
    *deadline_ms = t == 0                       ? 0
                   : t > INT64_MAX - call->now_ms ? INT64_MAX
                                                  : call->now_ms + t;
    return true;
}

/* ---- serving ---- */

/* Keys made ready by this thread, in the order they became ready. */
typedef struct rkey {
    struct rkey *next;
    int db;
    uint32_t klen;
    char key[];
} rkey_t;

static _Thread_local rkey_t *ready_head, *ready_tail;

bool mr_block_has_ready(void) { return ready_head != NULL; }

void mr_block_key_added_locked(uint32_t shard, int db, const void *key,
                               size_t klen) {
    if (!bshards || !bshards[shard].keys) return;
    if (!bkey_find(shard, db, key, klen, NULL)) return;
    rkey_t *r = mr_xmalloc(sizeof *r + klen);
    r->next = NULL;
    r->db = db;
    r->klen = (uint32_t)klen;
    memcpy(r->key, key, klen);
    if (ready_tail)
        ready_tail->next = r;
    else
        ready_head = r;
    ready_tail = r;
}

typedef struct deliver_task {
    mr_task_t task;
    mr_waiter_t *w;
    uint64_t aof_end; /* the reply waits for this AOF position (always) */
    size_t len;
    char bytes[];
} deliver_task_t;

static void deliver(mr_task_t *t) {
    deliver_task_t *d = (deliver_task_t *)t;
    mr_waiter_t *w = d->w;
    unregister_all(w);
    heap_remove(w);
    if (w->conn) {
        MR_STAT_ADD(blocked_clients, (uint64_t)-1);
        mr_conn_unblock(w->conn, d->bytes, d->len, d->aof_end);
    }
    waiter_free(w);
    mr_free(d);
}

static void discard(mr_task_t *t) {
    deliver_task_t *d = (deliver_task_t *)t;
    unregister_all(d->w);
    waiter_free(d->w);
    mr_free(d);
}

/* The first waiter on b still waiting for type t, or NULL. Waiters that
 * ended (their owner is removing them) are passed over. */
static mr_waiter_t *first_waiting(const bkey_t *b, mr_type_t t) {
    for (const qnode_t *q = b->head; q; q = q->next) {
        mr_waiter_t *w = q->w;
        if (w->type == t &&
            atomic_load_explicit(&w->state, memory_order_acquire) ==
                W_WAITING)
            return w;
    }
    return NULL;
}

/* The shard the serve of w needs besides its key's (UINT32_MAX: none). */
static uint32_t target_shard(const mr_waiter_t *w, uint32_t key_shard) {
    if (w->target_idx < 0) return UINT32_MAX;
    mr_str_t t = w->argv[w->target_idx];
    uint32_t s = mr_store_shard_of(t.ptr, t.len);
    return s == key_shard ? UINT32_MAX : s;
}

/* Claims w and runs its serve against key (all needed locks held), then
 * sends the reply to w's worker. */
static void serve_one(mr_waiter_t *w, const rkey_t *r, int64_t now_ms) {
    mr_buf_t out = {0};
    mr_reply_t reply = {.out = &out, .resp = w->resp};
    mr_call_t call = {
        .argv = w->argv,
        .argc = w->argc,
        .reply = &reply,
        .conn = NULL,
        .db = w->db,
        .now_ms = now_ms,
        .cmd = w->cmd,
    };
    mr_str_t key = {.ptr = r->key, .len = r->klen};
    w->serve(&call, key);
    /* the pop, and a BLMOVE's push, change keys other clients may WATCH */
    mr_watch_touch_locked(w->db, key.ptr, key.len);
    if (w->target_idx >= 0)
        mr_watch_touch_locked(w->db, w->argv[w->target_idx].ptr,
                              w->argv[w->target_idx].len);
    unregister_locked(w, key);
    deliver_task_t *d = mr_xmalloc(sizeof *d + out.len);
    d->task.fn = deliver;
    d->task.discard = discard;
    d->w = w;
    d->aof_end = call.aof_end;
    d->len = out.len;
    if (out.len) memcpy(d->bytes, out.data, out.len);
    mr_buf_free(&out);
    mr_task_post(w->worker, &d->task);
}

/* Makes a waiter's target shard available, or says it can't (now). */
typedef bool (*target_lock_fn)(void *ctx, uint32_t shard);

/* Serves r's waiters, first come first served, while the key has data of
 * a type someone waits for. Returns false when the next waiter needs a
 * target shard that lock_target can't give; the caller decides what then.
 * Caller holds r's shard lock. */

static bool serve_key_locked(const rkey_t *r, uint32_t shard, int64_t now_ms,
                             target_lock_fn lock_target, void *ctx) {
    for (;;) {
        bkey_t *b = bkey_find(shard, r->db, r->key, r->klen, NULL);
        if (!b) return true;
        mr_entry_t *e = mr_db_lookup_write_locked(r->db, r->key, r->klen,
                                                  now_ms);
        if (!e) return true;
        mr_waiter_t *w = first_waiting(b, mr_entry_type(e));
        if (!w) return true;
        uint32_t ts = target_shard(w, shard);
        if (ts != UINT32_MAX && !lock_target(ctx, ts)) return false;
        int expect = W_WAITING;
        if (!atomic_compare_exchange_strong(&w->state, &expect, W_SERVED))
            continue; /* its owner ended it just now */
        serve_one(w, r, now_ms);
    }
}

/* ---- under the command's locks ---- */

#define MAX_EXTRA 16

typedef struct held_set {
    const uint32_t *ids;
    int n;
    uint32_t extra[MAX_EXTRA]; /* ascending, all above ids[n-1] */
    int nextra;
} held_set_t;

static bool held_has(const held_set_t *h, uint32_t s) {
    for (int i = 0; i < h->n; i++)
        if (h->ids[i] == s) return true;
    for (int i = 0; i < h->nextra; i++)
        if (h->extra[i] == s) return true;
    return false;
}

static uint32_t held_max(const held_set_t *h) {
    if (h->nextra) return h->extra[h->nextra - 1];
    return h->n ? h->ids[h->n - 1] : 0;
}

/* A target shard is usable if held, or above every held shard (taking it
 * keeps the ascending order). */
static bool held_lock_target(void *ctx, uint32_t s) {
    held_set_t *h = ctx;
    if (held_has(h, s)) return true;
    if ((h->n || h->nextra) && s < held_max(h)) return false;
    if (h->nextra == MAX_EXTRA) return false;
    mr_store_lock(s);
    h->extra[h->nextra++] = s;
    return true;
}

static rkey_t *take_ready(void) {
    rkey_t *r = ready_head;
    if (r) {
        ready_head = r->next;
        if (!ready_head) ready_tail = NULL;
    }
    return r;
}

void mr_block_serve_ready_locked(const uint32_t *held, int nheld,
                                 int64_t now_ms) {
    held_set_t h = {.ids = held, .n = nheld};
    rkey_t *later = NULL, *later_last = NULL;
    for (rkey_t *r; (r = take_ready()) != NULL;) {
        uint32_t shard = mr_store_shard_of(r->key, r->klen);
        if (held_has(&h, shard) &&
            serve_key_locked(r, shard, now_ms, held_lock_target, &h)) {
            mr_free(r);
            continue;
        }
        r->next = NULL;
        if (later_last)
            later_last->next = r;
        else
            later = r;
        later_last = r;
    }
    for (int i = h.nextra - 1; i >= 0; i--) mr_store_unlock(h.extra[i]);
    /* what needs other locks waits for mr_block_serve_ready() */
    ready_head = later;
    ready_tail = later_last;
}

/* ---- with no lock held ---- */

typedef struct pair_lock {
    uint32_t key_shard;
    uint32_t target;  /* UINT32_MAX: none held */
    bool relocked;    /* the key's lock was dropped to take the target */
} pair_lock_t;

/* A target above the key's shard is simply taken; one below it means
 * dropping the key's lock and taking both in ascending order, after which
 * the caller re-reads everything (returns false with `relocked`). A
 * second, different target: false, the caller lets the first one go. */
static bool pair_lock_target(void *ctx, uint32_t s) {
    pair_lock_t *p = ctx;
    if (p->target == s) return true;
    if (p->target != UINT32_MAX) return false;
    if (s > p->key_shard) {
        mr_store_lock(s);
        p->target = s;
        return true;
    }
    mr_store_unlock(p->key_shard);
    mr_store_lock(s);
    mr_store_lock(p->key_shard);
    p->target = s;
    p->relocked = true;
    return false;
}

/* Rounds per key: each one serves the key out or changes which target
 * lock is held; the bound only guards against a pathological queue. */
#define SERVE_ROUNDS 64

void mr_block_serve_ready(int64_t now_ms) {
    for (rkey_t *r; (r = take_ready()) != NULL;) {
        uint32_t shard = mr_store_shard_of(r->key, r->klen);
        pair_lock_t p = {.key_shard = shard, .target = UINT32_MAX};
        mr_store_lock(shard);
        for (int round = 0; round < SERVE_ROUNDS; round++) {
            if (serve_key_locked(r, shard, now_ms, pair_lock_target, &p))
                break;
            if (p.relocked) {
                p.relocked = false;
                continue;
            }
            mr_store_unlock(p.target); /* unlock order cannot deadlock */
            p.target = UINT32_MAX;
        }
        if (p.target != UINT32_MAX) mr_store_unlock(p.target);
        mr_store_unlock(shard);
        mr_free(r);
    }
}

/* ---- set-up ---- */

void mr_block_init(unsigned nshards) {
    mr_block_free();
    nbshards = nshards;
    bshards = mr_xcalloc(nshards, sizeof *bshards);
}

void mr_block_free(void) {
    if (!bshards) return;
    for (unsigned s = 0; s < nbshards; s++) {
        for (bkey_t *b = bshards[s].keys, *nb; b; b = nb) {
            nb = b->next;
            for (qnode_t *q = b->head, *nq; q; q = nq) {
                nq = q->next;
                mr_free(q);
            }
            mr_free(b);
        }
    }
    mr_free(bshards);
    bshards = NULL;
    nbshards = 0;
}
