/* Configuration: one option table (src/server/config.c) drives the command
 * line (`--port 7000`), the redis.conf-style file (`port 7000`), CONFIG GET
 * and CONFIG SET. Options that may change at runtime are atomics, so workers
 * read them without a lock; the rest are fixed once the server starts. */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

/* The `threads` option's bound, and of the worker count. */
#define MR_MAX_WORKERS 1024

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

#define MR_MAX_BIND 16

typedef struct mr_config {
    /* fixed after start-up */
    int port;
    char *bind[MR_MAX_BIND];
    int nbind;
    char *unixsocket; /* NULL: none */
    int unixsocketperm;
    int tcp_backlog;
    int threads;
    int databases;
    char *dir;
    char *logfile;    /* "" = stderr */
    char *save;           /* only "" (no snapshots yet) */
    char *appendfilename; /* the AOF's name inside dir */

    /* changeable with CONFIG SET */
    _Atomic long long maxclients;
    _Atomic long long timeout;       /* seconds; 0 = never */
    _Atomic long long tcp_keepalive; /* seconds; 0 = off */
    _Atomic long long proto_max_bulk_len;
    _Atomic long long client_query_buffer_limit;
    _Atomic long long hz;
    _Atomic long long loglevel; /* MR_LOG_* */
    /* a hash stays a listpack while it has at most this many fields, each
     * field and value at most this many bytes (mr/object.h) */
    _Atomic long long hash_max_listpack_entries;
    _Atomic long long hash_max_listpack_value;
    /* node bound of lists created from now on (src/types/quicklist.h):
     * negative caps a node's bytes (-2: 8 KiB), positive its elements */
    _Atomic long long list_max_listpack_size;
    /* accepted and reported only: list nodes are never compressed */
    _Atomic long long list_compress_depth;
    /* the append-only file (mr/aof.h) */
    _Atomic long long appendonly;  /* 0/1 */
    _Atomic long long appendfsync; /* MR_FSYNC_* */
    _Atomic long long auto_aof_rewrite_percentage;
    _Atomic long long auto_aof_rewrite_min_size;
    _Atomic long long aof_load_truncated; /* 0/1 */
    _Atomic long long aof_load_corrupted; /* 0/1, ours: load a corrupt
                                           * file's valid prefix */
    /* a sorted set stays a listpack while it has at most this many
     * members, each at most this many bytes (src/types/zset.h) */
    _Atomic long long zset_max_listpack_entries;
    _Atomic long long zset_max_listpack_value;
    /* a set of integers only stays an intset while it has at most this
     * many members (src/types/t_set.c) */
    _Atomic long long set_max_intset_entries;
    /* cache mode (mr/evict.h): the memory budget in bytes (0: none), what
     * to evict (MR_MM_*), keys sampled per eviction, the eviction time
     * limit's knob, and the LFU counter's growth and decay (minutes) */
    _Atomic long long maxmemory;
    _Atomic long long maxmemory_policy;
    _Atomic long long maxmemory_samples;
    _Atomic long long maxmemory_eviction_tenacity;
    _Atomic long long lfu_log_factor;
    _Atomic long long lfu_decay_time;

    /* client-output-buffer-limit, by client class (MR_OBUF_*): hard and
     * soft limits in bytes and the soft limit's seconds; 0 = none */
    _Atomic long long obuf_limit[3][3];
    /* notify-keyspace-events as MR_NOTIFY_* bits (mr/notify.h) */
    _Atomic long long notify_keyspace_events;

    /* ---- operating it ---- */
    _Atomic long long slowlog_log_slower_than; /* us; -1: off, 0: all */
    _Atomic long long slowlog_max_len;
    _Atomic long long latency_monitor_threshold; /* ms; 0: off */
    _Atomic long long latency_tracking;          /* 0/1: INFO latencystats */
    _Atomic long long log_format;                /* MR_LOG_FORMAT_* */
    char *audit_log;  /* "" = off */
    char *pidfile;    /* "" = none */
    _Atomic long long supervised; /* MR_SUPERVISED_* (an enum, as all are) */
    /* ---- end operating it ---- */
} mr_config_t;

enum { MR_LOG_FORMAT_TEXT = 0, MR_LOG_FORMAT_JSON = 1 };
enum {
    MR_SUPERVISED_NO = 0,
    MR_SUPERVISED_UPSTART,
    MR_SUPERVISED_SYSTEMD,
    MR_SUPERVISED_AUTO,
};

enum { MR_OBUF_NORMAL = 0, MR_OBUF_REPLICA = 1, MR_OBUF_PUBSUB = 2 };
enum { MR_OBUF_HARD = 0, MR_OBUF_SOFT = 1, MR_OBUF_SECS = 2 };

enum { MR_FSYNC_EVERYSEC = 0, MR_FSYNC_ALWAYS = 1, MR_FSYNC_NO = 2 };

extern mr_config_t mr_config;

#define MR_CFG(field) atomic_load_explicit(&mr_config.field, memory_order_relaxed)

/* Sets every option to its default. */
void mr_config_defaults(void);
/* Applies argv like redis-server: an optional config file path first, then
 * `--name value...` pairs (later wins). False with a message naming the
 * option (and file:line) on an unknown or invalid option. */
bool mr_config_load_args(int argc, char **argv, char *err, size_t errlen);
/* Applies a config file. */
bool mr_config_load_file(const char *path, char *err, size_t errlen);

/* CONFIG GET: calls fn for every option whose name matches the glob. */
typedef void (*mr_config_get_fn)(void *ctx, const char *name,
                                 const char *value);
void mr_config_get(const char *pat, size_t plen, mr_config_get_fn fn,
                   void *ctx);
/* CONFIG SET name value [name value ...], all or nothing. On failure writes
 * Redis's error line (without '-') into err. */
bool mr_config_set_many(const mr_str_t *argv, int n, char *err, size_t errlen);

/* `miniredis --help`: every option with its default. */
void mr_config_print_help(void);

/* ---- operating it ---- */
/* latency-tracking-info-percentiles: copies up to max values into out and
 * returns how many there are. Any thread (the list is under a lock). */
#define MR_MAX_PERCENTILES 32
int mr_config_percentiles(double *out, int max);
/* Calls fn with every option whose value differs from its default (for
 * the start-up log), in table order. */
void mr_config_each_changed(mr_config_get_fn fn, void *ctx);
/* CONFIG REWRITE: rewrites `path` with the current values. Lines of known
 * options are replaced in place (a repeated option keeps its first line),
 * comments, blank lines and their order are kept, options that differ from
 * their default and have no line yet are appended under a marker line. The
 * file is replaced atomically (temp file, fsync, rename). False with
 * Redis's error text (without '-') in err. */
bool mr_config_rewrite(const char *path, char *err, size_t errlen);
/* ---- end operating it ---- */

#endif
