/* The subscription registry: names (channels, patterns, shard channels)
 * hashed into stripes, each stripe a lock and a table of name -> its
 * subscribers. No lock is shared by every publisher: a PUBLISH takes the
 * one stripe of its channel, and the pattern stripes only when some pattern
 * subscription exists (and then only the stripes that hold one). */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mr/task.h"
#include "mr/util.h"
#include "pubsub/pubsub_int.h"

/* Channels: many (one per user, per job queue...), so many stripes.
 * Patterns: few, and a publisher walks every non-empty pattern stripe. */
#define CH_STRIPES 256
#define PAT_STRIPES 16

typedef struct sublist {
    uint32_t n, cap;
    subref_t v[];
} sublist_t;

typedef struct stripe {
    alignas(64) pthread_mutex_t lock;
    mr_ft_t *names; /* name -> sublist_t * (the entry's pointer payload) */
    /* names here; read without the lock to skip empty pattern stripes */
    _Atomic uint32_t count;
} stripe_t;

typedef struct registry {
    stripe_t *st;
    unsigned n; /* power of two */
    /* distinct names of this kind, every stripe (NUMPAT, and the pattern
     * check a PUBLISH makes first); on its own line: written only when a
     * name appears or goes */
    alignas(64) _Atomic long names;
} registry_t;

static registry_t regs[3];

void mr_pubsub_init(void) {
    static const unsigned sizes[3] = {CH_STRIPES, PAT_STRIPES, CH_STRIPES};
    for (int k = 0; k < 3; k++) {
        regs[k].n = sizes[k];
        /* stripe_t is 64-byte aligned: one stripe per cache line */
        void *mem = NULL;
        if (posix_memalign(&mem, 64, sizeof(stripe_t) * sizes[k]) != 0)
            abort();
        memset(mem, 0, sizeof(stripe_t) * sizes[k]);
        regs[k].st = mem;
        for (unsigned i = 0; i < sizes[k]; i++) {
            pthread_mutex_init(&regs[k].st[i].lock, NULL);
            regs[k].st[i].names = mr_ft_create(MR_FT_ZSET);
        }
        atomic_init(&regs[k].names, 0);
    }
}

static void free_lists(mr_ft_t *ft) {
    mr_ft_iter_t it;
    mr_ft_iter_start(ft, &it);
    for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;)
        mr_free(mr_ft_ptr(e));
    mr_ft_iter_end(&it);
}

void mr_pubsub_free(void) {
    for (int k = 0; k < 3; k++) {
        if (!regs[k].st) continue;
        for (unsigned i = 0; i < regs[k].n; i++) {
            free_lists(regs[k].st[i].names);
            mr_ft_free(regs[k].st[i].names);
            pthread_mutex_destroy(&regs[k].st[i].lock);
        }
        free(regs[k].st);
        regs[k].st = NULL;
    }
}

static stripe_t *stripe_of(mr_ps_kind_t kind, mr_str_t name) {
    registry_t *r = &regs[kind];
    /* the top bits: the table inside the stripe indexes by the low ones */
    return &r->st[(mr_hash(name.ptr, name.len) >> 40) & (r->n - 1)];
}

void reg_add(mr_ps_kind_t kind, mr_str_t name, const subref_t *s) {
    stripe_t *st = stripe_of(kind, name);
    pthread_mutex_lock(&st->lock);
    mr_ft_entry_t *e = mr_ft_find(st->names, name.ptr, name.len);
    sublist_t *l;
    if (!e) {
        e = mr_ft_add(st->names, name.ptr, name.len);
        l = mr_xmalloc(sizeof *l + 4 * sizeof l->v[0]);
        l->n = 0;
        l->cap = 4;
        mr_ft_set_ptr(e, l);
        atomic_store_explicit(&st->count, st->count + 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&regs[kind].names, 1, memory_order_relaxed);
    } else {
        l = mr_ft_ptr(e);
        if (l->n == l->cap) {
            l->cap *= 2;
            l = mr_xrealloc(l, sizeof *l + l->cap * sizeof l->v[0]);
            mr_ft_set_ptr(e, l);
        }
    }
    l->v[l->n++] = *s;
    pthread_mutex_unlock(&st->lock);
}

void reg_remove(mr_ps_kind_t kind, mr_str_t name, const subref_t *s) {
    stripe_t *st = stripe_of(kind, name);
    pthread_mutex_lock(&st->lock);
    mr_ft_entry_t *e = mr_ft_find(st->names, name.ptr, name.len);
    if (e) {
        sublist_t *l = mr_ft_ptr(e);
        for (uint32_t i = 0; i < l->n; i++) {
            const subref_t *v = &l->v[i];
            if (v->worker == s->worker && v->slot == s->slot &&
                v->gen == s->gen) {
                l->v[i] = l->v[--l->n]; /* order among subscribers: none */
                break;
            }
        }
        if (l->n == 0) {
            mr_free(l);
            mr_ft_delete(st->names, name.ptr, name.len);
            atomic_store_explicit(&st->count, st->count - 1,
                                  memory_order_relaxed);
            atomic_fetch_sub_explicit(&regs[kind].names, 1,
                                      memory_order_relaxed);
        }
    }
    pthread_mutex_unlock(&st->lock);
}

long reg_numsub(mr_ps_kind_t kind, mr_str_t name) {
    stripe_t *st = stripe_of(kind, name);
    pthread_mutex_lock(&st->lock);
    mr_ft_entry_t *e = mr_ft_find(st->names, name.ptr, name.len);
    long n = e ? ((sublist_t *)mr_ft_ptr(e))->n : 0;
    pthread_mutex_unlock(&st->lock);
    return n;
}

long reg_names(mr_ps_kind_t kind) {
    return atomic_load_explicit(&regs[kind].names, memory_order_relaxed);
}

long mr_pubsub_names(mr_ps_kind_t kind) { return reg_names(kind); }

void reg_each_name(mr_ps_kind_t kind, mr_str_t pat, reg_name_fn fn,
                   void *ctx) {
    registry_t *r = &regs[kind];
    for (unsigned i = 0; i < r->n; i++) {
        stripe_t *st = &r->st[i];
        pthread_mutex_lock(&st->lock);
        mr_ft_iter_t it;
        mr_ft_iter_start(st->names, &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
            mr_str_t name = mr_ft_key(e);
            if (!pat.ptr ||
                mr_glob_match(pat.ptr, pat.len, name.ptr, name.len, false))
                fn(ctx, name);
        }
        mr_ft_iter_end(&it);
        pthread_mutex_unlock(&st->lock);
    }
}

/* ---- publishing ---- */

static long publish_patterns(mr_str_t ch, mr_str_t msg) {
    registry_t *r = &regs[MR_PS_PATTERN];
    long n = 0;
    for (unsigned i = 0; i < r->n; i++) {
        stripe_t *st = &r->st[i];
        if (!atomic_load_explicit(&st->count, memory_order_relaxed)) continue;
        pthread_mutex_lock(&st->lock);
        mr_ft_iter_t it;
        mr_ft_iter_start(st->names, &it);
        for (mr_ft_entry_t *e; (e = mr_ft_iter_next(&it)) != NULL;) {
            mr_str_t pat = mr_ft_key(e);
            if (!mr_glob_match(pat.ptr, pat.len, ch.ptr, ch.len, false))
                continue;
            const sublist_t *l = mr_ft_ptr(e);
            frame_t f = {"pmessage", pat, ch, msg, deliver_seq()};
            for (uint32_t j = 0; j < l->n; j++) deliver_add(&l->v[j], &f);
            n += l->n;
        }
        mr_ft_iter_end(&it);
        pthread_mutex_unlock(&st->lock);
    }
    return n;
}

long mr_pubsub_publish(mr_ps_kind_t kind, const char *chp, size_t chlen,
                       const char *msgp, size_t mlen) {
    mr_str_t ch = {chp, chlen}, msg = {msgp, mlen};
    long n = 0;
    stripe_t *st = stripe_of(kind, ch);
    /* an empty stripe needs no lock: a subscription that is being added
     * right now is not yet one this message could have reached */
    if (atomic_load_explicit(&st->count, memory_order_acquire)) {
        pthread_mutex_lock(&st->lock);
        mr_ft_entry_t *e = mr_ft_find(st->names, ch.ptr, ch.len);
        if (e) {
            const sublist_t *l = mr_ft_ptr(e);
            frame_t f = {kind == MR_PS_SHARD ? "smessage" : "message",
                         {NULL, 0}, ch, msg, deliver_seq()};
            for (uint32_t j = 0; j < l->n; j++) deliver_add(&l->v[j], &f);
            n = l->n;
        }
        pthread_mutex_unlock(&st->lock);
    }
    if (kind == MR_PS_CHANNEL &&
        atomic_load_explicit(&regs[MR_PS_PATTERN].names, memory_order_relaxed))
        n += publish_patterns(ch, msg);
    if (mr_worker_self() < 0) mr_pubsub_flush(); /* no loop turn to wait for */
    return n;
}
