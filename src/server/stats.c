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

/* One registrar (the main thread, at start-up) while workers already read:
 * the slot is filled before the count that makes it visible is published
 * (release; readers load the count with acquire). */
void mr_stats_register(mr_stats_t *s) {
    int i = atomic_load_explicit(&nblocks, memory_order_relaxed);
    if (i >= MAX_BLOCKS) return;
    blocks[i] = s;
    atomic_store_explicit(&nblocks, i + 1, memory_order_release);
}

#define COUNTERS(X)                                                          \
    X(commands) X(connections) X(rejected_conns) X(net_input_bytes)          \
    X(net_output_bytes) X(keyspace_hits) X(keyspace_misses) X(expired_keys)  \
    X(error_replies) X(unexpected_errors)
/* `clients` and `blocked_clients` are gauges and `changes` is not a
 * statistic (RESETSTAT keeps Redis's dirty counter): summed, never reset */
#define FIELDS(X) COUNTERS(X) X(clients) X(blocked_clients) X(changes)

void mr_stats_sum(mr_stats_t *out) {
    memset(out, 0, sizeof *out);
    int n = atomic_load_explicit(&nblocks, memory_order_acquire);
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
    int n = atomic_load_explicit(&nblocks, memory_order_acquire);
    if (n > MAX_BLOCKS) n = MAX_BLOCKS;
    for (int i = 0; i < n; i++) {
#define ZERO(f) atomic_store_explicit(&blocks[i]->f, 0, memory_order_relaxed);
        COUNTERS(ZERO)
#undef ZERO
    }
}
