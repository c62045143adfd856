/* The option table and everything that reads it: defaults, the command
 * line, config files, CONFIG GET/SET and --help. Adding an option is adding
 * one row. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/aof.h"
#include "mr/config.h"
#include "mr/evict.h"
#include "mr/notify.h"
#include "mr/resp.h"
#include "mr/util.h"

mr_config_t mr_config;

typedef enum {
    OPT_INT,    /* integer, fixed at start-up: int field */
    OPT_ATOMIC, /* integer, CONFIG SET-able: _Atomic long long field */
    OPT_MEM,    /* like OPT_ATOMIC, accepts 1kb/2mb/3gb units */
    OPT_OCTAL,  /* integer written in octal (unixsocketperm): int field */
    OPT_ENUM,   /* one of `names`, stored as its index in an atomic */
    OPT_STRING, /* char * field, fixed at start-up */
    OPT_BIND,   /* list of addresses, fixed at start-up */
    OPT_ONLY,   /* a string that may only hold `def` (a feature not built) */
    OPT_BOOL,   /* yes/no, stored as 1/0 in an atomic */
    OPT_PCTS,   /* latency-tracking-info-percentiles: a list of doubles */
    OPT_OBUF,   /* client-output-buffer-limit: <class> <hard> <soft> <secs>... */
    OPT_NOTIFY, /* notify-keyspace-events: class letters (mr/notify.h) */
} opt_type_t;

typedef struct option {
    const char *name;
    opt_type_t type;
    bool mutable_;
    size_t offset; /* into mr_config */
    const char *def;
    long long min, max;
    const char *const *names; /* OPT_ENUM */
    const char *only_err;     /* OPT_ONLY: why other values are refused */
    const char *help;
    /* another name Redis accepts for the option (list-max-ziplist-size):
     * it reads and writes the same value and CONFIG GET lists both */
    const char *alias;
} option_t;

static const char *const loglevels[] = {"debug", "verbose", "notice",
                                        "warning", NULL};
/* Redis's order (its error message lists them so); mr/config.h MR_FSYNC_* */
static const char *const fsync_policies[] = {"everysec", "always", "no", NULL};
/* mr/evict.h MR_MM_*, in Redis's order */
const char *const mr_mm_policy_names[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction", NULL};
/* ---- operating it ---- */
static const char *const log_formats[] = {"text", "json", NULL}; /* MR_LOG_FORMAT_* */
static const char *const supervised_modes[] = {"no", "upstart", "systemd",
                                               "auto", NULL}; /* MR_SUPERVISED_* */
/* ---- end operating it ---- */

#define OFF(f) offsetof(mr_config_t, f)
#define I32MAX 2147483647LL
#define I32MIN (-2147483647LL - 1)
#define LLMAX 9223372036854775807LL

/* clang-format off */
static const option_t options[] = {
    {"port", OPT_INT, false, OFF(port), "6379", 0, 65535, NULL, NULL, "TCP port to listen on (0: no TCP)"},
    {"bind", OPT_BIND, false, 0, "127.0.0.1 -::1", 0, 0, NULL, NULL, "addresses to listen on; a leading '-' makes one optional"},
    {"unixsocket", OPT_STRING, false, OFF(unixsocket), "", 0, 0, NULL, NULL, "path of a Unix socket to listen on too (empty: none)"},
    {"unixsocketperm", OPT_OCTAL, false, OFF(unixsocketperm), "0", 0, 0777, NULL, NULL, "permissions of the Unix socket, octal (0: umask)"},
    {"tcp-backlog", OPT_INT, false, OFF(tcp_backlog), "511", 0, I32MAX, NULL, NULL, "listen() backlog"},
    {"threads", OPT_INT, false, OFF(threads), "0", 0, MR_MAX_WORKERS, NULL, NULL, "worker threads (0: one per online CPU)"},
    {"databases", OPT_INT, false, OFF(databases), "16", 1, 1024, NULL, NULL, "number of databases (SELECT 0..n-1)"},
    {"dir", OPT_STRING, false, OFF(dir), ".", 0, 0, NULL, NULL, "working directory"},
    {"logfile", OPT_STRING, false, OFF(logfile), "", 0, 0, NULL, NULL, "log file (empty: standard error)"},
    {"loglevel", OPT_ENUM, true, OFF(loglevel), "notice", 0, 0, loglevels, NULL, "debug, verbose, notice or warning"},
    {"maxclients", OPT_ATOMIC, true, OFF(maxclients), "10000", 1, 4294967295LL, NULL, NULL, "most clients connected at once"},
    {"timeout", OPT_ATOMIC, true, OFF(timeout), "0", 0, I32MAX, NULL, NULL, "close a client idle this many seconds (0: never)"},
    {"tcp-keepalive", OPT_ATOMIC, true, OFF(tcp_keepalive), "300", 0, I32MAX, NULL, NULL, "TCP keepalive interval in seconds (0: off)"},
    {"proto-max-bulk-len", OPT_MEM, true, OFF(proto_max_bulk_len), "536870912", 1048576, LLMAX, NULL, NULL, "largest bulk string a request may carry"},
    {"client-query-buffer-limit", OPT_MEM, true, OFF(client_query_buffer_limit), "1073741824", 1048576, LLMAX, NULL, NULL, "largest query buffer of one client"},
    {"hz", OPT_ATOMIC, true, OFF(hz), "10", 0, I32MAX, NULL, NULL, "background task frequency (clamped to 1..500)"},
    {"hash-max-listpack-entries", OPT_ATOMIC, true, OFF(hash_max_listpack_entries), "512", 0, LLMAX, NULL, NULL, "largest hash kept in the compact encoding (fields)"},
    {"hash-max-listpack-value", OPT_ATOMIC, true, OFF(hash_max_listpack_value), "64", 0, LLMAX, NULL, NULL, "longest field or value a compact hash holds (bytes)"},
    {"list-max-listpack-size", OPT_ATOMIC, true, OFF(list_max_listpack_size), "-2", I32MIN, I32MAX, NULL, NULL, "list node size: -1..-5 = 4..64 KiB, positive = elements", "list-max-ziplist-size"},
    {"list-compress-depth", OPT_ATOMIC, true, OFF(list_compress_depth), "0", 0, I32MAX, NULL, NULL, "accepted and reported; list nodes are not compressed"},
    /* Redis 7.0 still accepts the ziplist names as aliases, and CONFIG GET
     * lists both; an alias is a second row on the same field */
    {"zset-max-listpack-entries", OPT_ATOMIC, true, OFF(zset_max_listpack_entries), "128", 0, LLMAX, NULL, NULL, "largest sorted set kept in the compact encoding (members)"},
    {"zset-max-ziplist-entries", OPT_ATOMIC, true, OFF(zset_max_listpack_entries), "128", 0, LLMAX, NULL, NULL, "alias of zset-max-listpack-entries"},
    {"zset-max-listpack-value", OPT_MEM, true, OFF(zset_max_listpack_value), "64", 0, LLMAX, NULL, NULL, "longest member a compact sorted set holds (bytes)"},
    {"zset-max-ziplist-value", OPT_MEM, true, OFF(zset_max_listpack_value), "64", 0, LLMAX, NULL, NULL, "alias of zset-max-listpack-value"},
    {"set-max-intset-entries", OPT_ATOMIC, true, OFF(set_max_intset_entries), "512", 0, LLMAX, NULL, NULL, "largest all-integer set kept as an intset (members)"},
    {"maxmemory", OPT_MEM, true, OFF(maxmemory), "0", 0, LLMAX, NULL, NULL, "memory budget in bytes (100mb, 2gb); over it writes evict keys by maxmemory-policy (0: no limit)"},
    {"maxmemory-policy", OPT_ENUM, true, OFF(maxmemory_policy), "noeviction", 0, 0, mr_mm_policy_names, NULL, "what to evict over maxmemory: noeviction, allkeys-lru/lfu/random, volatile-lru/lfu/random/ttl"},
    {"maxmemory-samples", OPT_ATOMIC, true, OFF(maxmemory_samples), "5", 1, I32MAX, NULL, NULL, "keys sampled per shard and database per eviction (more: closer to true LRU/LFU, more CPU; at most 64 are used)"},
    {"maxmemory-eviction-tenacity", OPT_ATOMIC, true, OFF(maxmemory_eviction_tenacity), "10", 0, 100, NULL, NULL, "eviction time per command: 10 = 500 us, each step above x1.15, 100 = unbounded"},
    {"lfu-log-factor", OPT_ATOMIC, true, OFF(lfu_log_factor), "10", 0, I32MAX, NULL, NULL, "LFU counter growth: higher needs more hits to grow"},
    {"lfu-decay-time", OPT_ATOMIC, true, OFF(lfu_decay_time), "1", 0, I32MAX, NULL, NULL, "minutes per decrement of an idle key's LFU counter (0: never)"},
    {"save", OPT_ONLY, false, OFF(save), "", 0, 0, NULL, "Invalid save parameters", "snapshots are not built yet: must be empty"},
    {"appendonly", OPT_BOOL, true, OFF(appendonly), "no", 0, 0, NULL, NULL, "log every write to the append-only file (yes/no)"},
    {"appendfsync", OPT_ENUM, true, OFF(appendfsync), "everysec", 0, 0, fsync_policies, NULL, "fsync the AOF: always (before replying), everysec or no"},
    {"appendfilename", OPT_STRING, false, OFF(appendfilename), "appendonly.aof", 0, 0, NULL, NULL, "name of the append-only file inside dir"},
    {"auto-aof-rewrite-percentage", OPT_ATOMIC, true, OFF(auto_aof_rewrite_percentage), "100", 0, I32MAX, NULL, NULL, "rewrite the AOF when it grew this much since the last rewrite (0: never)"},
    {"auto-aof-rewrite-min-size", OPT_MEM, true, OFF(auto_aof_rewrite_min_size), "67108864", 0, LLMAX, NULL, NULL, "smallest AOF the automatic rewrite considers"},
    {"aof-load-truncated", OPT_BOOL, true, OFF(aof_load_truncated), "yes", 0, 0, NULL, NULL, "start with a truncated AOF's complete records (cut off the rest)"},
    {"client-output-buffer-limit", OPT_OBUF, true, 0, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", 0, 0, NULL, NULL, "per client class: hard limit, soft limit, soft seconds (a client past them is disconnected)"},
    {"notify-keyspace-events", OPT_NOTIFY, true, OFF(notify_keyspace_events), "", 0, 0, NULL, NULL, "keyspace notification classes (Redis's letters: K E g $ l s h z x e t m d n A)"},
    {"aof-load-corrupted", OPT_BOOL, true, OFF(aof_load_corrupted), "no", 0, 0, NULL, NULL, "start with the valid prefix of an AOF corrupt in the middle (the rest is saved aside)"},
    /* ---- operating it ---- */
    {"slowlog-log-slower-than", OPT_ATOMIC, true, OFF(slowlog_log_slower_than), "10000", -1, LLMAX, NULL, NULL, "log commands slower than this many microseconds (-1: off, 0: all)"},
    {"slowlog-max-len", OPT_ATOMIC, true, OFF(slowlog_max_len), "128", 0, LLMAX, NULL, NULL, "entries the slow log keeps"},
    {"latency-monitor-threshold", OPT_ATOMIC, true, OFF(latency_monitor_threshold), "0", 0, LLMAX, NULL, NULL, "record latency events of at least this many milliseconds (0: off)"},
    {"latency-tracking", OPT_BOOL, true, OFF(latency_tracking), "yes", 0, 0, NULL, NULL, "keep per-command latency histograms for INFO latencystats (yes/no)"},
    {"latency-tracking-info-percentiles", OPT_PCTS, true, 0, "50 99 99.9", 0, 100, NULL, NULL, "percentiles INFO latencystats reports"},
    {"log-format", OPT_ENUM, true, OFF(log_format), "text", 0, 0, log_formats, NULL, "text (Redis's lines) or json (one object per line)"},
    {"audit-log", OPT_STRING, false, OFF(audit_log), "", 0, 0, NULL, NULL, "file for one JSON line per write or refused command (empty: off)"},
    {"pidfile", OPT_STRING, false, OFF(pidfile), "", 0, 0, NULL, NULL, "file to write the process id to (empty: none)"},
    {"supervised", OPT_ENUM, false, OFF(supervised), "no", 0, 0, supervised_modes, NULL, "no, upstart, systemd (sd_notify readiness) or auto"},
    /* ---- end operating it ---- */
};
/* clang-format on */

#define NOPTS (sizeof options / sizeof options[0])

static bool name_is(const char *opt, const char *name, size_t len) {
    return opt && strlen(opt) == len && strncasecmp(opt, name, len) == 0;
}

/* The option called `name` (or its alias); *as gets the spelling that
 * matched, which Redis's messages repeat. */
static const option_t *find_option_as(const char *name, size_t len,
                                      const char **as) {
    for (size_t i = 0; i < NOPTS; i++) {
        if (name_is(options[i].name, name, len)) {
            *as = options[i].name;
            return &options[i];
        }
        if (name_is(options[i].alias, name, len)) {
            *as = options[i].alias;
            return &options[i];
        }
    }
    return NULL;
}

static const option_t *find_option(const char *name, size_t len) {
    const char *as;
    return find_option_as(name, len, &as);
}

static void *field(const option_t *o) { return (char *)&mr_config + o->offset; }

/* ---- operating it: latency-tracking-info-percentiles ----
 * A list, so not an atomic: INFO and CONFIG GET copy it under this lock,
 * CONFIG SET replaces it under it. */
static pthread_mutex_t pcts_lock = PTHREAD_MUTEX_INITIALIZER;
static double pcts[MR_MAX_PERCENTILES];
static int npcts;

int mr_config_percentiles(double *out, int max) {
    pthread_mutex_lock(&pcts_lock);
    int n = npcts < max ? npcts : max;
    memcpy(out, pcts, sizeof *out * (size_t)n);
    pthread_mutex_unlock(&pcts_lock);
    return n;
}

/* Parses "50 99 99.9" as Redis does: single spaces between numbers, each
 * within 0..100. Returns NULL or Redis's message. */
static const char *parse_pcts(const char *v, double *out, int *n) {
    *n = 0;
    if (!*v) return NULL;
    const char *p = v;
    for (;;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        double d;
        if (*n == MR_MAX_PERCENTILES || !mr_str2d(p, len, &d))
            return "Invalid latency-tracking-info-percentiles parameters";
        if (d < 0.0 || d > 100.0)
            return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        out[(*n)++] = d;
        if (!e) return NULL;
        p = e + 1;
    }
}

/* "%f" without trailing zeros, as Redis prints the percentiles. */
/* ---- end operating it ---- */

/* Redis's memtoull: optional b/k/kb/m/mb/g/gb suffix, case-insensitive. */
static bool parse_mem(const char *s, long long *out) {
    size_t n = strlen(s), digits = n;
    long long mul = 1;
    static const struct { const char *u; long long m; } units[] = {
        {"gb", 1024LL * 1024 * 1024}, {"mb", 1024 * 1024}, {"kb", 1024},
        {"g", 1000000000LL}, {"m", 1000000}, {"k", 1000}, {"b", 1}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t ul = strlen(units[i].u);
        if (n > ul && strcasecmp(s + n - ul, units[i].u) == 0) {
            mul = units[i].m;
            digits = n - ul;
            break;
        }
    }
    long long v;
    if (!mr_str2ll(s, digits, &v) || v < 0) return false;
    if (v > LLMAX / mul) return false;
    *out = v * mul;
    return true;
}

/* client-output-buffer-limit as Redis reads it: groups of <class> <hard>
 * <soft> <soft seconds> (memory units allowed, replica also spelled
 * slave); every group is checked before any is applied. */
static const char *set_obuf(const char *v, bool apply) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", v);
    char *words[64];
    int n = 0;
    char *save; /* strtok's hidden state is shared: CONFIG SET runs on any worker */
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n == 64) return "Wrong number of arguments in buffer limit configuration.";
        words[n++] = t;
    }
    if (n % 4) return "Wrong number of arguments in buffer limit configuration.";
    int cls[16];
    long long vals[16][3];
    for (int g = 0; g < n / 4; g++) {
        const char *name = words[g * 4];
        if (strcasecmp(name, "normal") == 0) cls[g] = MR_OBUF_NORMAL;
        else if (strcasecmp(name, "slave") == 0 || strcasecmp(name, "replica") == 0)
            cls[g] = MR_OBUF_REPLICA;
        else if (strcasecmp(name, "pubsub") == 0) cls[g] = MR_OBUF_PUBSUB;
        else return "Invalid client class specified in buffer limit configuration.";
        for (int k = 0; k < 3; k++)
            if (!parse_mem(words[g * 4 + 1 + k], &vals[g][k]))
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    if (!apply) return NULL;
    for (int g = 0; g < n / 4; g++)
        for (int k = 0; k < 3; k++)
            atomic_store(&mr_config.obuf_limit[cls[g]][k], vals[g][k]);
    return NULL;
}

static void free_bind(void) {
    for (int i = 0; i < mr_config.nbind; i++) mr_free(mr_config.bind[i]);
    mr_config.nbind = 0;
}

/* Validates vals for o; when `apply` also stores them. Returns NULL on
 * success or Redis's message for the failure. */
static const char *set_option(const option_t *o, char **vals, int nvals,
                              bool apply, char *msg, size_t msglen) {
    if (o->type == OPT_PCTS) { /* a file line has one word per value */
        char joined[1024] = "";
        for (int i = 0; i < nvals; i++)
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined),
                     "%s%s", i ? " " : "", vals[i]);
        double d[MR_MAX_PERCENTILES];
        int n;
        const char *fail = parse_pcts(joined, d, &n);
        if (fail || !apply) return fail;
        pthread_mutex_lock(&pcts_lock);
        memcpy(pcts, d, sizeof *d * (size_t)n);
        npcts = n;
        pthread_mutex_unlock(&pcts_lock);
        return NULL;
    }
    if (o->type == OPT_OBUF) {
        char joined[1024] = "";
        for (int i = 0; i < nvals; i++)
            snprintf(joined + strlen(joined), sizeof joined - strlen(joined),
                     "%s%s", i ? " " : "", vals[i]);
        return set_obuf(joined, apply);
    }
    if (o->type != OPT_BIND && nvals != 1)
        return "wrong number of arguments";
    const char *v = vals[0];
    long long n = 0;
    switch (o->type) {
    case OPT_INT:
    case OPT_ATOMIC:
    case OPT_MEM:
    case OPT_OCTAL: {
        bool ok;
        if (o->type == OPT_MEM) {
            ok = parse_mem(v, &n);
        } else if (o->type == OPT_OCTAL) {
            char *end;
            errno = 0;
            n = strtoll(v, &end, 8);
            ok = *v && !*end && errno == 0;
        } else {
            ok = mr_str2ll(v, strlen(v), &n);
        }
        if (!ok) return "argument couldn't be parsed into an integer";
        if (n < o->min || n > o->max) {
            snprintf(msg, msglen, "argument must be between %lld and %lld inclusive",
                     o->min, o->max);
            return msg;
        }
        if (strcmp(o->name, "hz") == 0) n = n < 1 ? 1 : n > 500 ? 500 : n;
        if (!apply) return NULL;
        if (o->type == OPT_INT || o->type == OPT_OCTAL)
            *(int *)field(o) = (int)n;
        else
            atomic_store((_Atomic long long *)field(o), n);
        return NULL;
    }
    case OPT_ENUM:
        for (int i = 0; o->names[i]; i++) {
            if (strcasecmp(o->names[i], v) == 0) {
                if (apply) atomic_store((_Atomic long long *)field(o), i);
                return NULL;
            }
        }
        snprintf(msg, msglen, "argument(s) must be one of the following: ");
        for (int i = 0; o->names[i]; i++)
            snprintf(msg + strlen(msg), msglen - strlen(msg), "%s%s",
                     i ? ", " : "", o->names[i]);
        return msg;
    case OPT_BOOL:
        if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "no") == 0) {
            if (apply)
                atomic_store((_Atomic long long *)field(o),
                             strcasecmp(v, "yes") == 0);
            return NULL;
        }
        return "argument must be 'yes' or 'no'";
    case OPT_PCTS: /* handled above */
    case OPT_OBUF:
        return NULL;
    case OPT_NOTIFY: {
        int flags = mr_notify_parse(v);
        if (flags < 0)
            return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        if (apply) atomic_store((_Atomic long long *)field(o), flags);
        return NULL;
    }
    case OPT_STRING:
        if (apply) {
            char **p = field(o);
            mr_free(*p);
            *p = mr_xstrdup(v);
        }
        return NULL;
    case OPT_ONLY:
        if (strcmp(v, o->def) != 0) return o->only_err;
        if (apply) {
            char **p = field(o);
            mr_free(*p);
            *p = mr_xstrdup(v);
        }
        return NULL;
    case OPT_BIND:
        if (nvals < 1 || nvals > MR_MAX_BIND)
            return "Too many bind addresses specified.";
        if (apply) {
            free_bind();
            for (int i = 0; i < nvals; i++)
                mr_config.bind[mr_config.nbind++] = mr_xstrdup(vals[i]);
        }
        return NULL;
    }
    return "unknown option type";
}

void mr_config_defaults(void) {
    for (size_t i = 0; i < NOPTS; i++) {
        const option_t *o = &options[i];
        char msg[64];
        if (o->type == OPT_BIND) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", o->def);
            char *vals[MR_MAX_BIND];
            int n = 0;
            for (char *t = strtok(buf, " "); t && n < MR_MAX_BIND; t = strtok(NULL, " "))
                vals[n++] = t;
            set_option(o, vals, n, true, msg, sizeof msg);
        } else {
            char *v = (char *)o->def;
            set_option(o, &v, 1, true, msg, sizeof msg);
        }
    }
}

/* A start-up error the way redis-server prints it (after its "FATAL
 * CONFIG FILE ERROR" banner): where, the offending line, why. */
static void config_error(char *err, size_t errlen, const char *where,
                         const char *text, const char *why) {
    snprintf(err, errlen, "%s\n>>> '%s'\n%s", where, text, why);
}

/* Applies one directive: words[0] is the name; `text` is the line as
 * written, for the error. */
static bool apply_words(char **words, int n, char *err, size_t errlen,
                        const char *where, const char *text) {
    const option_t *o = find_option(words[0], strlen(words[0]));
    if (!o) {
        config_error(err, errlen, where, text,
                     "Bad directive or wrong number of arguments");
        return false;
    }
    char msg[256];
    const char *fail = set_option(o, words + 1, n - 1, true, msg, sizeof msg);
    if (fail) {
        config_error(err, errlen, where, text, fail);
        return false;
    }
    return true;
}

/* Splits one config line (Redis quoting rules) and applies it. */
static bool apply_line(const char *line, size_t len, char *err, size_t errlen,
                       const char *where) {
    mr_buf_t store = {0};
    mr_str_t *argv = NULL;
    int cap = 0;
    int argc = mr_split_args(line, len, &store, &argv, &cap);
    bool ok = true;
    char text[512];
    snprintf(text, sizeof text, "%.*s", (int)len, line);
    if (argc < 0) {
        config_error(err, errlen, where, text,
                     "Unbalanced quotes in configuration line");
        ok = false;
    } else if (argc > 0 && argv[0].ptr[0] != '#') {
        char **words = mr_xmalloc(sizeof *words * (size_t)argc);
        for (int i = 0; i < argc; i++)
            words[i] = mr_xmemdup(argv[i].ptr, argv[i].len + 1),
            words[i][argv[i].len] = '\0';
        if (argc < 2) {
            config_error(err, errlen, where, text,
                         "Bad directive or wrong number of arguments");
            ok = false;
        } else {
            ok = apply_words(words, argc, err, errlen, where, text);
        }
        for (int i = 0; i < argc; i++) mr_free(words[i]);
        mr_free(words);
    }
    mr_free(argv);
    mr_buf_free(&store);
    return ok;
}

bool mr_config_load_file(const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "Fatal error, can't open config file '%s': %s",
                 path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    bool ok = true;
    while (ok && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        size_t i = 0;
        while (i < (size_t)n && isspace((unsigned char)line[i])) i++;
        if (i == (size_t)n || line[i] == '#') continue;
        char where[1200];
        snprintf(where, sizeof where,
                 "Reading the configuration file %s, at line %d", path, lineno);
        ok = apply_line(line + i, (size_t)n - i, err, errlen, where);
    }
    free(line);
    fclose(f);
    return ok;
}

bool mr_config_load_args(int argc, char **argv, char *err, size_t errlen) {
    int i = 1;
    if (i < argc && strncmp(argv[i], "--", 2) != 0) {
        if (!mr_config_load_file(argv[i], err, errlen)) return false;
        i++;
    }
    while (i < argc) {
        if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
            char why[512];
            snprintf(why, sizeof why,
                     "unexpected argument '%s' (options are --name value)",
                     argv[i]);
            config_error(err, errlen, "Reading the command line", argv[i], why);
            return false;
        }
        /* --name v1 v2 ... up to the next --option, as redis-server reads
         * them; a value may itself start with '-' (bind -::1) */
        int start = i++;
        while (i < argc && strncmp(argv[i], "--", 2) != 0) i++;
        int n = i - start;
        char **words = mr_xmalloc(sizeof *words * (size_t)(n < 2 ? 2 : n));
        words[0] = argv[start] + 2;
        for (int k = 1; k < n; k++) words[k] = argv[start + k];
        if (n == 1) { /* `--save` with nothing after it means "" */
            words[1] = "";
            n = 2;
        }
        char where[256], text[512] = "";
        snprintf(where, sizeof where, "Reading the command line, at --%s",
                 words[0]);
        for (int k = 0; k < i - start; k++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s",
                     k ? " " : "", argv[start + k]);
        bool ok = apply_words(words, n, err, errlen, where, text);
        mr_free(words);
        if (!ok) return false;
    }
    return true;
}

/* Writes the value as CONFIG GET shows it. */
static void format_value(const option_t *o, char *out, size_t outlen) {
    switch (o->type) {
    case OPT_INT:
        snprintf(out, outlen, "%d", *(int *)field(o));
        break;
    case OPT_OCTAL:
        snprintf(out, outlen, "%o", *(int *)field(o));
        break;
    case OPT_ATOMIC:
    case OPT_MEM:
        snprintf(out, outlen, "%lld", atomic_load((_Atomic long long *)field(o)));
        break;
    case OPT_ENUM:
        snprintf(out, outlen, "%s",
                 o->names[atomic_load((_Atomic long long *)field(o))]);
        break;
    case OPT_BOOL:
        snprintf(out, outlen, "%s",
                 atomic_load((_Atomic long long *)field(o)) ? "yes" : "no");
        break;
    case OPT_PCTS: {
        double d[MR_MAX_PERCENTILES];
        int n = mr_config_percentiles(d, MR_MAX_PERCENTILES);
        out[0] = '\0';
        for (int i = 0; i < n; i++) {
            char one[64];
            mr_d2str_trim(one, sizeof one, d[i]);
            snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
                     i ? " " : "", one);
        }
        break;
    }
    case OPT_OBUF: {
        static const char *const names[3] = {"normal", "slave", "pubsub"};
        out[0] = '\0';
        for (int k = 0; k < 3; k++)
            snprintf(out + strlen(out), outlen - strlen(out),
                     "%s%s %lld %lld %lld", k ? " " : "", names[k],
                     atomic_load(&mr_config.obuf_limit[k][MR_OBUF_HARD]),
                     atomic_load(&mr_config.obuf_limit[k][MR_OBUF_SOFT]),
                     atomic_load(&mr_config.obuf_limit[k][MR_OBUF_SECS]));
        break;
    }
    case OPT_NOTIFY:
        if (outlen >= 32)
            mr_notify_format((int)atomic_load((_Atomic long long *)field(o)), out);
        break;
    case OPT_STRING:
    case OPT_ONLY: {
        const char *s = *(char **)field(o);
        if (strcmp(o->name, "dir") == 0) {
            /* Redis reports the absolute working directory */
            if (getcwd(out, outlen)) return;
        }
        snprintf(out, outlen, "%s", s ? s : "");
        break;
    }
    case OPT_BIND:
        out[0] = '\0';
        for (int i = 0; i < mr_config.nbind; i++)
            snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
                     i ? " " : "", mr_config.bind[i]);
        break;
    }
}

void mr_config_get(const char *pat, size_t plen, mr_config_get_fn fn,
                   void *ctx) {
    char value[4200];
    for (size_t i = 0; i < NOPTS; i++) {
        const option_t *o = &options[i];
        bool by_name = mr_glob_match(pat, plen, o->name, strlen(o->name), true);
        bool by_alias = o->alias && mr_glob_match(pat, plen, o->alias,
                                                  strlen(o->alias), true);
        if (!by_name && !by_alias) continue;
        format_value(o, value, sizeof value);
        if (by_name) fn(ctx, o->name, value);
        if (by_alias) fn(ctx, o->alias, value);
    }
}

/* The most clients the process's file limit allows (Redis keeps 32 fds
 * for itself). */
static long long max_clients_allowed(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return 4294967295LL;
    return (long long)rl.rlim_cur - 32;
}

bool mr_config_set_many(const mr_str_t *argv, int n, char *err,
                        size_t errlen) {
    if (n <= 0 || n % 2 != 0) {
        snprintf(err, errlen, "ERR wrong number of arguments for 'config|set' command");
        return false;
    }
    int pairs = n / 2;
    const option_t **opts = mr_xcalloc((size_t)pairs, sizeof *opts);
    const char **as = mr_xcalloc((size_t)pairs, sizeof *as);
    char **vals = mr_xcalloc((size_t)pairs, sizeof *vals);
    bool ok = true;
    char msg[256];
    /* first pass: every name known, mutable, unique, every value valid */
    for (int i = 0; i < pairs && ok; i++) {
        const mr_str_t *name = &argv[2 * i], *val = &argv[2 * i + 1];
        vals[i] = mr_xmemdup(val->ptr, val->len + 1);
        vals[i][val->len] = '\0';
        opts[i] = find_option_as(name->ptr, name->len, &as[i]);
        if (!opts[i]) {
            snprintf(err, errlen,
                     "ERR Unknown option or number of arguments for CONFIG SET - '%.*s'",
                     (int)name->len, name->ptr);
            ok = false;
            break;
        }
        const char *fail = NULL;
        /* as in Redis 7.0, an option and its alias are not duplicates of
         * each other (the later one wins) */
        for (int k = 0; k < i; k++)
            if (opts[k] == opts[i] && as[k] == as[i])
                fail = "duplicate parameter";
        if (!fail && !opts[i]->mutable_ && opts[i]->type != OPT_ONLY)
            fail = "can't set immutable config";
        if (!fail) fail = set_option(opts[i], &vals[i], 1, false, msg, sizeof msg);
        if (!fail && strcmp(opts[i]->name, "maxclients") == 0) {
            long long want = strtoll(vals[i], NULL, 10);
            if (want > max_clients_allowed()) {
                snprintf(msg, sizeof msg,
                         "The operating system is not able to handle the specified number of clients, try with %lld",
                         max_clients_allowed());
                fail = msg;
            }
        }
        if (fail) {
            snprintf(err, errlen,
                     "ERR CONFIG SET failed (possibly related to argument '%s') - %s",
                     as[i], fail);
            ok = false;
        }
    }
    /* second pass: apply; nothing can fail any more */
    for (int i = 0; i < pairs && ok; i++) {
        set_option(opts[i], &vals[i], 1, true, msg, sizeof msg);
        if (strcmp(opts[i]->name, "loglevel") == 0)
            mr_log_set_level((int)MR_CFG(loglevel));
        if (strcmp(opts[i]->name, "log-format") == 0)
            mr_log_set_format(MR_CFG(log_format) == MR_LOG_FORMAT_JSON);
        if (strcmp(opts[i]->name, "appendonly") == 0)
            mr_aof_config_appendonly(MR_CFG(appendonly) != 0);
    }
    for (int i = 0; i < pairs; i++) mr_free(vals[i]);
    mr_free(vals);
    mr_free(opts);
    mr_free(as);
    return ok;
}

void mr_config_print_help(void) {
    printf("Usage: miniredis [/path/to/miniredis.conf] [--option value ...]\n"
           "       miniredis --help | --version\n\n"
           "Options (file directive `name value`, or `--name value`):\n");
    for (size_t i = 0; i < NOPTS; i++) {
        const option_t *o = &options[i];
        printf("  --%-26s %s (default: \"%s\")%s\n", o->name, o->help, o->def,
               o->mutable_ ? " [CONFIG SET]" : "");
    }
}

/* ---- operating it: the start-up log and CONFIG REWRITE ---- */

/* Whether o holds its default; `cur` gets its CONFIG GET value. Defaults in
 * the table are written the way format_value prints them, so comparing the
 * strings is comparing the values ("dir" is absolute once started, so it
 * always differs, and CONFIG REWRITE always writes it, as Redis does). */
static bool is_default(const option_t *o, char *cur, size_t curlen) {
    format_value(o, cur, curlen);
    return strcmp(cur, o->def) == 0;
}

void mr_config_each_changed(mr_config_get_fn fn, void *ctx) {
    char value[4200];
    for (size_t i = 0; i < NOPTS; i++)
        if (!is_default(&options[i], value, sizeof value))
            fn(ctx, options[i].name, value);
}

/* The file line for o, spelled `name`: strings quoted with Redis's escapes
 * (mr_buf_repr), so the file reads back to the same bytes; the rest bare. */
static void option_line(const option_t *o, const char *name, mr_buf_t *b) {
    char value[4200];
    format_value(o, value, sizeof value);
    mr_buf_printf(b, "%s ", name);
    if (o->type == OPT_STRING || o->type == OPT_ONLY)
        mr_buf_repr(b, value, strlen(value));
    else if (o->type == OPT_PCTS && !value[0])
        mr_buf_append(b, "\"\"", 2);
    else
        mr_buf_append_cstr(b, value);
    mr_buf_append(b, "\n", 1);
}

#define REWRITE_SIGNATURE "# Generated by CONFIG REWRITE"

/* The option a config line sets (and the spelling it uses), or NULL for
 * comments, blank lines and lines that are no known directive. */
static const option_t *line_option(const char *line, size_t len,
                                   const char **as) {
    size_t i = 0;
    while (i < len && isspace((unsigned char)line[i])) i++;
    if (i == len || line[i] == '#') return NULL;
    size_t e = i;
    while (e < len && !isspace((unsigned char)line[e])) e++;
    return find_option_as(line + i, e - i, as);
}

bool mr_config_rewrite(const char *path, char *err, size_t errlen) {
    mr_buf_t out = {0};
    bool done[NOPTS] = {false}, has_signature = false;
    FILE *f = fopen(path, "r");
    if (!f && errno != ENOENT) {
        snprintf(err, errlen, "ERR Rewriting config file: %s", strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (f && (n = getline(&line, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        if (len == strlen(REWRITE_SIGNATURE) &&
            memcmp(line, REWRITE_SIGNATURE, len) == 0)
            has_signature = true;
        const char *as;
        const option_t *o = line_option(line, len, &as);
        if (!o) { /* kept, trimmed of surrounding blanks as Redis does */
            size_t s = 0;
            while (s < len && (line[s] == ' ' || line[s] == '\t')) s++;
            while (len > s && (line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
            mr_buf_append(&out, line + s, len - s);
            mr_buf_append(&out, "\n", 1);
            continue;
        }
        size_t idx = (size_t)(o - options);
        if (done[idx]) continue; /* a repeat: the first line holds the value */
        done[idx] = true;
        option_line(o, as, &out);
    }
    free(line);
    if (f) fclose(f);
    char value[4200];
    for (size_t i = 0; i < NOPTS; i++) {
        if (done[i] || is_default(&options[i], value, sizeof value)) continue;
        if (!has_signature) { /* after a blank line, as Redis writes it */
            if (out.len && !(out.len >= 2 && out.data[out.len - 2] == '\n'))
                mr_buf_append(&out, "\n", 1);
            mr_buf_append_cstr(&out, REWRITE_SIGNATURE "\n");
            has_signature = true;
        }
        option_line(&options[i], options[i].name, &out);
    }

    /* a temporary file in the same directory, then rename: a crash leaves
     * the old file or the new one, never half of one */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    bool ok = fd >= 0 && mr_write_all(fd, out.data, out.len);
    if (ok && fsync(fd) != 0) ok = false;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (ok) { /* the rename itself survives a crash once its directory is synced */
        char dir[4200];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (!slash) snprintf(dir, sizeof dir, ".");
        else if (slash == dir) dir[1] = '\0';
        else *slash = '\0';
        int e = mr_fsync_dir(dir);
        if (e) {
            ok = false;
            saved = e;
        }
    }
    if (!ok) {
        unlink(tmp);
        snprintf(err, errlen, "ERR Rewriting config file: %s", strerror(saved));
    }
    mr_buf_free(&out);
    return ok;
}
/* ---- end operating it ---- */
