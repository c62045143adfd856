/* Per-thread statistics. Each worker owns one mr_stats_t and is its only
 * writer; readers (INFO) sum every worker's block with relaxed loads. No
 * counter is shared by two writers, so the hot path pays a plain add. */
#ifndef MR_STATS_H
#define MR_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mr/hist.h"

typedef struct mr_stats {
    _Atomic uint64_t commands;           /* total_commands_processed */
    _Atomic uint64_t connections;        /* total_connections_received */
    _Atomic uint64_t rejected_conns;     /* rejected_connections */
    _Atomic uint64_t net_input_bytes;
    _Atomic uint64_t net_output_bytes;
    _Atomic uint64_t keyspace_hits;
    _Atomic uint64_t keyspace_misses;
    _Atomic uint64_t expired_keys;
    _Atomic uint64_t evicted_keys;       /* by maxmemory-policy */
    _Atomic uint64_t error_replies;      /* total_error_replies */
    _Atomic uint64_t unexpected_errors;  /* unused by now; kept 0 */
    _Atomic uint64_t clients;            /* connected clients of this thread */
    _Atomic uint64_t blocked_clients;    /* of those, blocked (BLPOP, ...) */
    _Atomic uint64_t changes;            /* keys changed (rdb_changes_since_last_save) */
    /* ---- operating it ---- */
    _Atomic uint64_t reads_processed;    /* total_reads_processed */
    _Atomic uint64_t writes_processed;   /* total_writes_processed */
    _Atomic uint64_t client_buf_bytes;   /* gauge: clients' buffers, per tick */
    _Atomic uint64_t max_qbuf, max_obuf; /* gauges: biggest client buffers */
    struct mr_cmdstats *cs;              /* per command and error code */
    /* ---- end operating it ---- */
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

/* ---- operating it: per-command and per-error statistics ----
 * Each block owns one mr_cmdstats_t, indexed by the command's id (set by
 * mr_cmd_table_init), summed over the blocks when INFO reads them. */
#define MR_CMD_MAX_IDS 512   /* commands and subcommands, see cmd_table.c */
#define MR_ERRSTAT_MAX 128   /* distinct error codes, as Redis caps them */

typedef struct mr_cmdstat {
    _Atomic uint64_t calls;    /* ran to the end */
    _Atomic uint64_t ns;       /* their total time */
    _Atomic uint64_t rejected; /* refused before running (arity) */
    _Atomic uint64_t failed;   /* ran and replied an error */
    /* allocated by the owner on the first call with latency-tracking on,
     * published with release; never freed while the server runs */
    _Atomic(mr_hist_t *) hist;
} mr_cmdstat_t;

typedef struct mr_errstat {
    char code[32];           /* written once before `nerr` publishes it */
    _Atomic uint64_t count;
} mr_errstat_t;

typedef struct mr_cmdstats {
    mr_cmdstat_t cmd[MR_CMD_MAX_IDS];
    mr_errstat_t err[MR_ERRSTAT_MAX];
    _Atomic unsigned nerr;
} mr_cmdstats_t;

/* Owner only: counts one error reply with code `code` ("ERR",
 * "WRONGTYPE"). Past MR_ERRSTAT_MAX distinct codes new ones are not kept. */
void mr_errstat_add(const char *code);
/* Owner only: the command's histogram, allocated on first use. */
mr_hist_t *mr_cmdstat_hist(mr_cmdstat_t *s);
/* Sums command `id` over every block. With hist non-NULL, the blocks'
 * samples are summed into it too, and out->hist points at it if any block
 * has a histogram (NULL, hist untouched, if none has). */
void mr_cmdstat_sum(unsigned id, mr_cmdstat_t *out, mr_hist_t *hist);
/* Calls fn for each error code with a non-zero count, summed over blocks,
 * sorted by code as Redis lists them. */
void mr_errstat_each(void (*fn)(void *ctx, const char *code, uint64_t n),
                     void *ctx);
/* ---- end operating it ---- */

/* Registers a worker's block so mr_stats_sum() sees it (start-up only). */
void mr_stats_register(mr_stats_t *s);
/* Sums every registered block into *out. */
void mr_stats_sum(mr_stats_t *out);
/* CONFIG RESETSTAT: zeroes the counters (not the gauges), the per-command
 * and per-error figures and the histograms. Racy by design:
 * a counter bumped at the same instant may keep its old value. */
void mr_stats_reset(void);

#endif
