/* Per-thread statistics. Each worker owns one mr_stats_t and is its only
 * writer; readers (INFO) sum every worker's block with relaxed loads. No
 * counter is shared by two writers, so the hot path pays a plain add. */
#ifndef MR_STATS_H
#define MR_STATS_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct mr_stats {
    _Atomic uint64_t commands;           /* total_commands_processed */
    _Atomic uint64_t connections;        /* total_connections_received */
    _Atomic uint64_t rejected_conns;     /* rejected_connections */
    _Atomic uint64_t net_input_bytes;
    _Atomic uint64_t net_output_bytes;
    _Atomic uint64_t keyspace_hits;
    _Atomic uint64_t keyspace_misses;
    _Atomic uint64_t expired_keys;
    _Atomic uint64_t error_replies;      /* total_error_replies */
    _Atomic uint64_t unexpected_errors;  /* unused by now; kept 0 */
    _Atomic uint64_t clients;            /* connected clients of this thread */
    _Atomic uint64_t blocked_clients;    /* of those, blocked (BLPOP, ...) */
    _Atomic uint64_t changes;            /* keys changed (rdb_changes_since_last_save) */
} mr_stats_t;

/* The calling thread's block. Workers point it at their own; any other
 * thread gets a private fallback block that INFO does not read. */
extern _Thread_local mr_stats_t *mr_stats;

/* Owner-only increment: a relaxed load and store, no locked instruction. */
#define MR_STAT_ADD(field, n)                                               \
    atomic_store_explicit(                                                  \
        &mr_stats->field,                                                   \
        atomic_load_explicit(&mr_stats->field, memory_order_relaxed) + (n), \
        memory_order_relaxed)
#define MR_STAT_INC(field) MR_STAT_ADD(field, 1)

/* Registers a worker's block so mr_stats_sum() sees it (start-up only). */
void mr_stats_register(mr_stats_t *s);
/* Sums every registered block into *out. */
void mr_stats_sum(mr_stats_t *out);
/* CONFIG RESETSTAT: zeroes the counters (not `clients`). Racy by design:
 * a counter bumped at the same instant may keep its old value. */
void mr_stats_reset(void);

#endif
