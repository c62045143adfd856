/* Per-worker statistics blocks and their sum (see include/mr/stats.h). */
#include <stddef.h>
#include <string.h>

#include "mr/stats.h"

#define MAX_BLOCKS 1024

/* Threads that never registered (main, tests) share this block; INFO ignores
 * it. Its counters are atomics, so sharing loses counts but is no race. */
static mr_stats_t fallback;
_Thread_local mr_stats_t *mr_stats = &fallback;

static mr_stats_t *blocks[MAX_BLOCKS];
static _Atomic int nblocks;

void mr_stats_register(mr_stats_t *s) {
    int i = atomic_fetch_add(&nblocks, 1);
    if (i < MAX_BLOCKS) blocks[i] = s;
}

#define COUNTERS(X)                                                          \
    X(commands) X(connections) X(rejected_conns) X(net_input_bytes)          \
    X(net_output_bytes) X(keyspace_hits) X(keyspace_misses) X(expired_keys)  \
    X(error_replies) X(unexpected_errors)
/* `clients` is a gauge and `changes` is not a statistic (RESETSTAT keeps
 * Redis's dirty counter): summed, never reset */
#define FIELDS(X) COUNTERS(X) X(clients) X(changes)

void mr_stats_sum(mr_stats_t *out) {
    memset(out, 0, sizeof *out);
    int n = atomic_load(&nblocks);
    if (n > MAX_BLOCKS) n = MAX_BLOCKS;
    for (int i = 0; i < n; i++) {
#define ADD(f)                                                              \
    atomic_store_explicit(                                                  \
        &out->f,                                                            \
        atomic_load_explicit(&out->f, memory_order_relaxed) +               \
            atomic_load_explicit(&blocks[i]->f, memory_order_relaxed),      \
        memory_order_relaxed);
        FIELDS(ADD)
#undef ADD
    }
}

void mr_stats_reset(void) {
    int n = atomic_load(&nblocks);
    if (n > MAX_BLOCKS) n = MAX_BLOCKS;
    for (int i = 0; i < n; i++) {
#define ZERO(f) atomic_store_explicit(&blocks[i]->f, 0, memory_order_relaxed);
        COUNTERS(ZERO)
#undef ZERO
    }
}
