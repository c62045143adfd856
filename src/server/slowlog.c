/* The slow log: see include/mr/slowlog.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mr/config.h"
#include "mr/conn.h"
#include "mr/slowlog.h"

typedef struct entry {
    struct entry *newer, *older;
    mr_slowlog_entry_t pub;
    mr_str_t argv[MR_SLOWLOG_MAX_ARGC];
    char addr[64];
    char *name;
} entry_t;

/* One thread's entries, newest at head. */
typedef struct ring {
    pthread_mutex_t lock;
    entry_t *head, *tail;
    size_t len;
    struct ring *next_ring;
} ring_t;

static pthread_mutex_t rings_lock = PTHREAD_MUTEX_INITIALIZER;
static ring_t *rings; /* every thread's, never freed (threads are few) */
static _Atomic uint64_t next_id;
static _Thread_local ring_t *my_ring;

static ring_t *own_ring(void) {
    if (!my_ring) {
        ring_t *r = mr_xcalloc(1, sizeof *r);
        pthread_mutex_init(&r->lock, NULL);
        pthread_mutex_lock(&rings_lock);
        r->next_ring = rings;
        rings = r;
        pthread_mutex_unlock(&rings_lock);
        my_ring = r;
    }
    return my_ring;
}

static void free_entry(entry_t *e) {
    for (int i = 0; i < e->pub.argc; i++) mr_free((char *)e->argv[i].ptr);
    mr_free(e->name);
    mr_free(e);
}

static mr_str_t copy_arg(const char *p, size_t n) {
    mr_buf_t b = {0};
    if (n > MR_SLOWLOG_MAX_STRING) {
        mr_buf_append(&b, p, MR_SLOWLOG_MAX_STRING);
        mr_buf_printf(&b, "... (%zu more bytes)", n - MR_SLOWLOG_MAX_STRING);
    } else {
        mr_buf_append(&b, p, n);
    }
    return (mr_str_t){b.data ? b.data : mr_xstrdup(""), b.len};
}

void mr_slowlog_add(const mr_call_t *call, uint64_t dur_us) {
    /* built before taking the lock: the allocations are the slow part */
    entry_t *e = mr_xcalloc(1, sizeof *e);
    int argc = call->argc < MR_SLOWLOG_MAX_ARGC ? call->argc : MR_SLOWLOG_MAX_ARGC;
    for (int i = 0; i < argc; i++) {
        if (argc != call->argc && i == argc - 1) {
            char more[64];
            int n = snprintf(more, sizeof more, "... (%d more arguments)",
                             call->argc - argc + 1);
            e->argv[i] = (mr_str_t){mr_xmemdup(more, (size_t)n + 1), (size_t)n};
        } else {
            e->argv[i] = copy_arg(call->argv[i].ptr, call->argv[i].len);
        }
    }
    if (call->conn) {
        snprintf(e->addr, sizeof e->addr, "%s", mr_conn_addr(call->conn));
        const char *name = mr_conn_name(call->conn);
        if (name) e->name = mr_xstrdup(name);
    }
    e->pub = (mr_slowlog_entry_t){
        .id = atomic_fetch_add(&next_id, 1),
        .time = (int64_t)time(NULL),
        .dur_us = dur_us,
        .argc = argc,
        .argv = e->argv,
        .addr = e->addr,
        .name = e->name ? e->name : "",
    };

    ring_t *r = own_ring();
    size_t max = (size_t)MR_CFG(slowlog_max_len);
    entry_t *drop = NULL;
    pthread_mutex_lock(&r->lock);
    e->older = r->head;
    if (r->head) r->head->newer = e;
    r->head = e;
    if (!r->tail) r->tail = e;
    r->len++;
    while (r->len > max) { /* unlink the oldest; freed after the unlock */
        entry_t *t = r->tail;
        r->tail = t->newer;
        if (r->tail) r->tail->older = NULL;
        else r->head = NULL;
        r->len--;
        t->newer = drop;
        drop = t;
    }
    pthread_mutex_unlock(&r->lock);
    while (drop) {
        entry_t *next = drop->newer;
        free_entry(drop);
        drop = next;
    }
}

/* Locks every ring (in list order, the same for every reader: rings are
 * only prepended, and a thread only ever holds its own lock besides). */
static ring_t *lock_all(void) {
    pthread_mutex_lock(&rings_lock);
    ring_t *first = rings;
    pthread_mutex_unlock(&rings_lock);
    for (ring_t *r = first; r; r = r->next_ring) pthread_mutex_lock(&r->lock);
    return first;
}

static void unlock_all(ring_t *first) {
    for (ring_t *r = first; r; r = r->next_ring) pthread_mutex_unlock(&r->lock);
}

long mr_slowlog_each(long count, mr_slowlog_fn fn, void *ctx) {
    long max = (long)MR_CFG(slowlog_max_len);
    if (count < 0 || count > max) count = max;
    ring_t *first = lock_all();
    size_t nr = 0;
    for (ring_t *r = first; r; r = r->next_ring) nr++;
    entry_t **cur = mr_xmalloc(sizeof *cur * (nr ? nr : 1));
    size_t k = 0;
    for (ring_t *r = first; r; r = r->next_ring) cur[k++] = r->head;
    long done = 0;
    /* merge newest first: ids rise globally, and each ring is ordered */
    while (done < count) {
        size_t best = nr;
        for (size_t i = 0; i < nr; i++)
            if (cur[i] && (best == nr || cur[i]->pub.id > cur[best]->pub.id))
                best = i;
        if (best == nr) break;
        fn(ctx, &cur[best]->pub);
        cur[best] = cur[best]->older;
        done++;
    }
    unlock_all(first);
    mr_free(cur);
    return done;
}

size_t mr_slowlog_len(void) {
    size_t n = 0, max = (size_t)MR_CFG(slowlog_max_len);
    ring_t *first = lock_all();
    for (ring_t *r = first; r; r = r->next_ring) n += r->len;
    unlock_all(first);
    return n < max ? n : max;
}

void mr_slowlog_reset(void) {
    pthread_mutex_lock(&rings_lock);
    ring_t *first = rings;
    pthread_mutex_unlock(&rings_lock);
    for (ring_t *r = first; r; r = r->next_ring) {
        pthread_mutex_lock(&r->lock);
        entry_t *e = r->head;
        r->head = r->tail = NULL;
        r->len = 0;
        pthread_mutex_unlock(&r->lock);
        while (e) {
            entry_t *next = e->older;
            free_entry(e);
            e = next;
        }
    }
}
