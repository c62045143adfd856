/* Process-wide facts and lifecycle: what INFO server reports, shutdown, and
 * memory figures from jemalloc. */
#ifndef MR_SERVER_H
#define MR_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MR_VERSION "7.0.15" /* the Redis version whose behaviour we follow */
#define MR_NAME "miniredis"
#define MR_PROJECT_VERSION "0.1.0" /* MiniRedis's own version */

typedef struct mr_server_info {
    char run_id[41];
    char replid[41];        /* INFO replication master_replid */
    int64_t start_ms;       /* wall clock at start */
    uint64_t start_mono_us; /* monotonic clock at start */
    int tcp_port;           /* the port actually bound (0 if none) */
    unsigned workers;
    char executable[1024];
    char config_file[1024]; /* "" when started without one */
    _Atomic size_t startup_allocated; /* mr_mem_used() once workers are set up */
    int supervised;           /* MR_SUPERVISED_* in effect (never AUTO) */
} mr_server_info_t;

extern mr_server_info_t mr_server;

/* Starts workers, serves until shutdown is requested, stops them. Returns
 * the process exit status. Options come from mr_config. */
int mr_server_run(void);
/* Asks the server to stop (SHUTDOWN, SIGTERM). Safe from any thread. */
void mr_server_request_shutdown(void);

/* jemalloc figures, refreshed on demand (not on the hot path). */
size_t mr_mem_used(void);      /* stats.allocated */
size_t mr_mem_rss(void);       /* from /proc/self/statm */
size_t mr_mem_peak(void);      /* highest mr_mem_used seen */
void mr_mem_stats(size_t *allocated, size_t *active, size_t *resident,
                  size_t *mapped, size_t *retained);
/* Buffers of fixed size allocated once at start-up for I/O (the workers'
 * receive buffer rings, the AOF ring): like Redis's AOF and replication
 * buffers they do not count against maxmemory (mem_not_counted_for_evict).
 * Registered by their owners before the workers serve. */
void mr_mem_add_not_counted(size_t bytes);
size_t mr_mem_not_counted(void);

/* instantaneous_ops_per_sec and input/output kbps, sampled by the server
 * thread every 100 ms over the last 16 samples, as Redis does. */
double mr_server_inst_ops(void);
double mr_server_inst_input_kbps(void);
double mr_server_inst_output_kbps(void);

/* ---- operating it: src/server/supervise.c (main thread) ---- */
/* Resolves `supervised` (before the workers start: INFO reads it). */
void mr_supervise_resolve(void);
/* Tells systemd/upstart the server is ready. */
void mr_supervise_ready(void);
/* Tells systemd the server is stopping. */
void mr_supervise_stopping(void);
/* Writes / removes `pidfile` (nothing when it is empty). */
bool mr_pidfile_write(void);
void mr_pidfile_remove(void);
/* ---- end operating it ---- */

#endif
