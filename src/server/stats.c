/* Per-worker statistics blocks and their sum (see include/mr/stats.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/stats.h"
#include "mr/util.h"

#define MAX_BLOCKS 1024

/* Threads that never registered (main, tests) share this block; INFO ignores
 * it. Its counters are atomics, so sharing loses counts but is no race. */
static mr_cmdstats_t fallback_cs;
static mr_stats_t fallback = {.cs = &fallback_cs};
_Thread_local mr_stats_t *mr_stats = &fallback;

static mr_stats_t *blocks[MAX_BLOCKS];
static _Atomic int nblocks;

/* One registrar (the main thread, at start-up) while workers already read:
 * the slot is filled before the count that makes it visible is published
 * (release; readers load the count with acquire). */
void mr_stats_register(mr_stats_t *s) {
    if (!s->cs) s->cs = mr_xcalloc(1, sizeof *s->cs);
    int i = atomic_load_explicit(&nblocks, memory_order_relaxed);
    if (i >= MAX_BLOCKS) return;
    blocks[i] = s;
    atomic_store_explicit(&nblocks, i + 1, memory_order_release);
}

static int block_count(void) {
    int n = atomic_load_explicit(&nblocks, memory_order_acquire);
    return n > MAX_BLOCKS ? MAX_BLOCKS : n;
}

#define COUNTERS(X)                                                          \
    X(commands) X(connections) X(rejected_conns) X(net_input_bytes)          \
    X(net_output_bytes) X(keyspace_hits) X(keyspace_misses) X(expired_keys)  \
    X(evicted_keys) X(error_replies) X(unexpected_errors) X(reads_processed) \
    X(writes_processed)
/* `clients`, `blocked_clients` and `client_buf_bytes` are gauges and
 * `changes` is not a statistic (RESETSTAT keeps Redis's dirty counter):
 * summed, never reset (the max_* gauges are maxima, see below) */
#define FIELDS(X)                                                            \
    COUNTERS(X) X(clients) X(blocked_clients) X(changes) X(client_buf_bytes)

#define LOAD(p) atomic_load_explicit(p, memory_order_relaxed)
#define STORE(p, v) atomic_store_explicit(p, v, memory_order_relaxed)

void mr_stats_sum(mr_stats_t *out) {
    memset(out, 0, sizeof *out);
    int n = block_count();
    for (int i = 0; i < n; i++) {
#define ADD(f) STORE(&out->f, LOAD(&out->f) + LOAD(&blocks[i]->f));
        FIELDS(ADD)
#undef ADD
        if (LOAD(&blocks[i]->max_qbuf) > LOAD(&out->max_qbuf))
            STORE(&out->max_qbuf, LOAD(&blocks[i]->max_qbuf));
        if (LOAD(&blocks[i]->max_obuf) > LOAD(&out->max_obuf))
            STORE(&out->max_obuf, LOAD(&blocks[i]->max_obuf));
    }
}

void mr_stats_reset(void) {
    int n = block_count();
    for (int i = 0; i < n; i++) {
#define ZERO(f) STORE(&blocks[i]->f, 0);
        COUNTERS(ZERO)
#undef ZERO
        mr_cmdstats_t *cs = blocks[i]->cs;
        for (unsigned k = 0; k < MR_CMD_MAX_IDS; k++) {
            mr_cmdstat_t *s = &cs->cmd[k];
            STORE(&s->calls, 0);
            STORE(&s->ns, 0);
            STORE(&s->rejected, 0);
            STORE(&s->failed, 0);
            /* zeroed in place: the owner may be recording into it */
            mr_hist_t *h = atomic_load_explicit(&s->hist, memory_order_acquire);
            if (h) mr_hist_reset(h);
        }
        unsigned ne = atomic_load_explicit(&cs->nerr, memory_order_acquire);
        for (unsigned k = 0; k < ne; k++) STORE(&cs->err[k].count, 0);
    }
}

/* ---- per command and per error code ---- */

void mr_errstat_add(const char *code) {
    mr_cmdstats_t *cs = mr_stats->cs;
    unsigned n = LOAD(&cs->nerr);
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(cs->err[i].code, code) == 0) {
            STORE(&cs->err[i].count, LOAD(&cs->err[i].count) + 1);
            return;
        }
    }
    if (n == MR_ERRSTAT_MAX) return;
    snprintf(cs->err[n].code, sizeof cs->err[n].code, "%s", code);
    STORE(&cs->err[n].count, 1);
    atomic_store_explicit(&cs->nerr, n + 1, memory_order_release);
}

mr_hist_t *mr_cmdstat_hist(mr_cmdstat_t *s) {
    mr_hist_t *h = atomic_load_explicit(&s->hist, memory_order_relaxed);
    if (!h) {
        h = mr_xcalloc(1, sizeof *h);
        atomic_store_explicit(&s->hist, h, memory_order_release);
    }
    return h;
}

void mr_cmdstat_sum(unsigned id, mr_cmdstat_t *out, mr_hist_t *hist) {
    memset(out, 0, sizeof *out);
    if (id >= MR_CMD_MAX_IDS) return;
    int n = block_count();
    for (int i = 0; i < n; i++) {
        const mr_cmdstat_t *s = &blocks[i]->cs->cmd[id];
        STORE(&out->calls, LOAD(&out->calls) + LOAD(&s->calls));
        STORE(&out->ns, LOAD(&out->ns) + LOAD(&s->ns));
        STORE(&out->rejected, LOAD(&out->rejected) + LOAD(&s->rejected));
        STORE(&out->failed, LOAD(&out->failed) + LOAD(&s->failed));
        mr_hist_t *h = atomic_load_explicit(&s->hist, memory_order_acquire);
        if (h && hist) {
            if (!atomic_load_explicit(&out->hist, memory_order_relaxed)) {
                mr_hist_reset(hist); /* the first block with samples */
                atomic_store_explicit(&out->hist, hist, memory_order_relaxed);
            }
            mr_hist_add(hist, h);
        }
    }
}

typedef struct errsum {
    const char *code;
    uint64_t n;
} errsum_t;

static int cmp_errsum(const void *a, const void *b) {
    return strcmp(((const errsum_t *)a)->code, ((const errsum_t *)b)->code);
}

void mr_errstat_each(void (*fn)(void *ctx, const char *code, uint64_t n),
                     void *ctx) {
    int nb = block_count();
    errsum_t *all = mr_xmalloc(sizeof *all * (size_t)(nb ? nb : 1) * MR_ERRSTAT_MAX);
    size_t used = 0;
    for (int i = 0; i < nb; i++) {
        mr_cmdstats_t *cs = blocks[i]->cs;
        unsigned ne = atomic_load_explicit(&cs->nerr, memory_order_acquire);
        for (unsigned k = 0; k < ne; k++) {
            size_t j = 0;
            while (j < used && strcmp(all[j].code, cs->err[k].code) != 0) j++;
            if (j == used) all[used++] = (errsum_t){cs->err[k].code, 0};
            all[j].n += LOAD(&cs->err[k].count);
        }
    }
    /* Redis lists its error codes sorted (they live in a radix tree) */
    qsort(all, used, sizeof *all, cmp_errsum);
    for (size_t j = 0; j < used; j++)
        if (all[j].n) fn(ctx, all[j].code, all[j].n);
    mr_free(all);
}
