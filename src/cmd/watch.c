/* WATCH: the per-shard registry of watched keys and how writers mark their
 * watchers dirty. See include/mr/multi.h.
 *
 * Each shard has a list of the keys someone watches there (few: only
 * watched keys), each key a list of watcher nodes, all guarded by that
 * shard's lock. A node points at its client's transaction state; the
 * client frees that state only after it took all its nodes out, under the
 * same locks, so a writer holding a shard lock only ever sees live
 * watchers. Writers never touch a watcher's connection: they store `true`
 * into its atomic dirty flag. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/multi_int.h"
#include "mr/store.h"

struct mr_wnode {
    mr_wnode_t *next, *prev;
    mr_multi_t *m;
};

struct mr_wkey {
    mr_wkey_t *next;
    int db;
    uint32_t klen;
    mr_wnode_t *head;
    char key[];
};

mr_wkey_t **mr_watch_heads;

static mr_wkey_t *wkey_find(uint32_t shard, int db, const void *key,
                            size_t klen) {
    for (mr_wkey_t *k = mr_watch_heads[shard]; k; k = k->next)
        if (k->db == db && k->klen == klen && memcmp(k->key, key, klen) == 0)
            return k;
    return NULL;
}

static void wkey_dirty_all(mr_wkey_t *k) {
    for (mr_wnode_t *n = k->head; n; n = n->next)
        atomic_store_explicit(&n->m->dirty, true, memory_order_relaxed);
}

/* ---- writers ---- */

void mr_watch_touch_locked(int db, const void *key, size_t klen) {
    if (!mr_watch_heads) return;
    uint32_t shard = mr_store_shard_of(key, klen);
    if (!mr_watch_heads[shard]) return;
    mr_wkey_t *k = wkey_find(shard, db, key, klen);
    if (k) wkey_dirty_all(k);
}

/* Touches argv[i] for i in first..last by step (bounded by argc). */
static void touch_range(const mr_call_t *call, int first, int last, int step) {
    if (step < 1) step = 1;
    if (last >= call->argc) last = call->argc - 1;
    for (int i = first; i >= 1 && i <= last; i += step)
        mr_watch_touch_locked(call->db, call->argv[i].ptr, call->argv[i].len);
}

/* The keys a command writes are those of its key specs that are not
 * read-only (RW, OW, RM), found as COMMAND GETKEYS finds them: SINTERSTORE
 * touches its destination, not its sources. A key the command names but
 * leaves unchanged (DEL of a missing key among present ones) is touched
 * too; Redis would not fail a watcher of it. Rows without key specs touch
 * every key of first/last/step. */
/* MOVE and COPY ... DB write a key of another database than the client's
 * (same name: same shard, which the command holds). */
static void touch_other_db(const mr_call_t *call) {
    const mr_cmd_t *cmd = call->cmd;
    long long db;
    int key = 0, dbarg = 0;
    if (strcmp(cmd->name, "move") == 0 && call->argc == 3) {
        key = 1;
        dbarg = 2;
    } else if (strcmp(cmd->name, "copy") == 0) {
        for (int i = 3; i + 1 < call->argc; i++)
            if (call->argv[i].len == 2 && strncasecmp(call->argv[i].ptr, "db", 2) == 0)
                dbarg = i + 1;
        key = 2;
    }
    if (!dbarg || !mr_str2ll(call->argv[dbarg].ptr, call->argv[dbarg].len, &db) ||
        db < 0 || db >= mr_store_ndbs())
        return;
    mr_watch_touch_locked((int)db, call->argv[key].ptr, call->argv[key].len);
}

void mr_watch_touch_call_locked(const mr_call_t *call) {
    const mr_cmd_t *cmd = call->cmd;
    if (cmd->name[0] == 'm' || cmd->name[0] == 'c') touch_other_db(call);
    if (!cmd->key_specs) {
        if (cmd->first <= 0) return;
        int last = cmd->last < 0 ? call->argc + cmd->last : cmd->last;
        touch_range(call, cmd->first, last, cmd->step);
        return;
    }
    for (const mr_key_spec_t *ks = cmd->key_specs; ks->flags; ks++) {
        if (!(ks->flags & (MR_KS_RW | MR_KS_OW | MR_KS_RM))) continue;
        int begin = ks->index;
        if (begin < 1 || begin >= call->argc) continue;
        if (ks->keynum) {
            int ni = begin + ks->keynumidx;
            if (ni >= call->argc) continue;
            long long nk;
            if (!mr_str2ll(call->argv[ni].ptr, call->argv[ni].len, &nk) ||
                nk < 1 || nk > call->argc)
                continue;
            int first = begin + ks->firstkey;
            int step = ks->keystep < 1 ? 1 : ks->keystep;
            touch_range(call, first, first + (int)(nk - 1) * step, step);
            continue;
        }
        int last;
        if (ks->lastkey >= 0) {
            last = begin + ks->lastkey;
        } else if (ks->lastkey == -1 && ks->limit > 1) {
            last = begin + (call->argc - begin) / ks->limit - 1;
        } else {
            last = call->argc + ks->lastkey;
        }
        touch_range(call, begin, last, ks->keystep);
    }
}

/* The keyspace's hooks (mr_store_set_watch_hooks). An expiry is a change
 * the watcher did not see: WATCH itself deleted keys already expired, so a
 * key that expires now was alive when it was watched (Redis: EXEC fails). */
static void on_expired(int db, const void *key, size_t klen) {
    mr_watch_touch_locked(db, key, klen);
}

/* A flush changes only the watched keys it removes, as in Redis: watching
 * a key that does not exist survives FLUSHALL. Every lock is held. */
static void on_flushed(int db) {
    unsigned ns = mr_store_nshards();
    for (unsigned s = 0; s < ns; s++)
        for (mr_wkey_t *k = mr_watch_heads[s]; k; k = k->next)
            if ((db < 0 || k->db == db) &&
                mr_db_contains_locked(k->db, k->key, k->klen))
                wkey_dirty_all(k);
}

/* ---- the watcher's side ---- */

void mr_watch_add_locked(mr_multi_t *m, int db, const void *key, size_t klen,
                         uint32_t shard) {
    for (int i = 0; i < m->nw; i++) {
        watched_t *w = &m->w[i];
        if (w->db == db && w->k->klen == klen &&
            memcmp(w->k->key, key, klen) == 0)
            return;
    }
    mr_wkey_t *k = wkey_find(shard, db, key, klen);
    if (!k) {
        k = mr_xmalloc(sizeof *k + klen);
        k->db = db;
        k->klen = (uint32_t)klen;
        k->head = NULL;
        memcpy(k->key, key, klen);
        k->next = mr_watch_heads[shard];
        mr_watch_heads[shard] = k;
    }
    mr_wnode_t *n = mr_xmalloc(sizeof *n);
    n->m = m;
    n->prev = NULL;
    n->next = k->head;
    if (k->head) k->head->prev = n;
    k->head = n;
    if (m->nw == m->wcap) {
        m->wcap = m->wcap ? m->wcap * 2 : 4;
        m->w = mr_xrealloc(m->w, sizeof *m->w * (size_t)m->wcap);
    }
    m->w[m->nw++] = (watched_t){db, shard, k, n};
}

static void remove_one_locked(watched_t *w) {
    mr_wkey_t *k = w->k;
    mr_wnode_t *n = w->node;
    if (n->prev) n->prev->next = n->next;
    else k->head = n->next;
    if (n->next) n->next->prev = n->prev;
    mr_free(n);
    if (k->head) return;
    for (mr_wkey_t **l = &mr_watch_heads[w->shard]; *l; l = &(*l)->next) {
        if (*l == k) {
            *l = k->next;
            break;
        }
    }
    mr_free(k);
}

void mr_watch_remove_all_locked(mr_multi_t *m) {
    for (int i = 0; i < m->nw; i++) remove_one_locked(&m->w[i]);
    m->nw = 0;
    atomic_store_explicit(&m->dirty, false, memory_order_relaxed);
}

void mr_watch_remove_all(mr_multi_t *m) {
    for (int i = 0; i < m->nw; i++) {
        mr_store_lock(m->w[i].shard);
        remove_one_locked(&m->w[i]);
        mr_store_unlock(m->w[i].shard);
    }
    m->nw = 0;
    atomic_store_explicit(&m->dirty, false, memory_order_relaxed);
}

const char *mr_watch_key(const watched_t *w, size_t *klen) {
    *klen = w->k->klen;
    return w->k->key;
}

/* ---- set-up ---- */

void mr_multi_init(unsigned nshards) {
    mr_watch_heads = mr_xcalloc(nshards, sizeof *mr_watch_heads);
    mr_store_set_watch_hooks(on_expired, on_flushed);
}

void mr_multi_free(void) {
    mr_store_set_watch_hooks(NULL, NULL);
    mr_free(mr_watch_heads);
    mr_watch_heads = NULL;
}
