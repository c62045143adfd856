/* Every worker's clients, for CLIENT LIST / CLIENT KILL and INFO. Each
 * worker guards its own client list with its own lock, taken here and when
 * a client connects or leaves, never per command. A kill only flags the
 * client and wakes its worker: a connection is only touched by its own
 * thread. */
#include <pthread.h>
#include <string.h>

#include "net/net.h"

void mr_conn_describe_locked(const mr_conn_t *c, mr_buf_t *out, bool own);

void mr_clients_list(mr_buf_t *out, const uint64_t *ids, int n_ids) {
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        bool own = pthread_equal(pthread_self(), w->thread);
        pthread_mutex_lock(&w->clients_lock);
        for (mr_conn_t *c = w->clients; c; c = c->next) {
            bool wanted = n_ids == 0;
            for (int k = 0; k < n_ids && !wanted; k++) wanted = ids[k] == c->id;
            if (wanted) mr_conn_describe_locked(c, out, own);
        }
        pthread_mutex_unlock(&w->clients_lock);
    }
}

/* c's class, from what any thread may read of it. */
static int class_of(const mr_conn_t *c) {
    return atomic_load_explicit(&c->nsub, memory_order_relaxed) +
                       atomic_load_explicit(&c->npsub, memory_order_relaxed) +
                       atomic_load_explicit(&c->nssub, memory_order_relaxed) >
                   0
               ? MR_CLIENT_PUBSUB
               : MR_CLIENT_NORMAL;
}

void mr_clients_list_type(mr_buf_t *out, int type) {
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        bool own = pthread_equal(pthread_self(), w->thread);
        pthread_mutex_lock(&w->clients_lock);
        for (mr_conn_t *c = w->clients; c; c = c->next)
            if (type == MR_CLIENT_ANY || class_of(c) == type)
                mr_conn_describe_locked(c, out, own);
        pthread_mutex_unlock(&w->clients_lock);
    }
}

static bool matches(const mr_conn_t *c, const mr_kill_filter_t *f) {
    if (f->type != MR_CLIENT_ANY && class_of(c) != f->type) return false;
    if (f->has_id && c->id != f->id) return false;
    if (f->addr && strcmp(c->addr, f->addr) != 0) return false;
    if (f->laddr && strcmp(c->laddr, f->laddr) != 0) return false;
    if (f->user && strcmp(f->user, "default") != 0) return false;
    if (f->skipme && c->id == f->self_id) return false;
    return true;
}

int mr_clients_kill(const mr_kill_filter_t *f) {
    int killed = 0;
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        int here = 0;
        pthread_mutex_lock(&w->clients_lock);
        for (mr_conn_t *c = w->clients; c; c = c->next) {
            /* one already being killed is gone, as Redis frees it at once;
             * its own worker closes it a little later */
            if (!matches(c, f) || atomic_load(&c->kill_requested)) continue;
            atomic_store(&c->kill_requested, true);
            here++;
        }
        pthread_mutex_unlock(&w->clients_lock);
        if (here) mr_worker_wake(w);
        killed += here;
    }
    return killed;
}

uint64_t mr_clients_count(void) { return atomic_load(&mr_connected); }
