/* Operating commands: SLOWLOG, LATENCY, MEMORY and MONITOR, and the INFO
 * sections built from per-command statistics (commandstats, errorstats,
 * latencystats). The data lives in src/server/ (slowlog.c, latency.c,
 * stats.c); these handlers only validate and reply. None of the rows name
 * keys except MEMORY USAGE, whose shard dispatch locks. */
#include <stdio.h>
#include <string.h>

#include "cmd/handlers.h"
#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/hist.h"
#include "mr/latency.h"
#include "mr/object.h"
#include "mr/reply.h"
#include "mr/server.h"
#include "mr/slowlog.h"
#include "mr/stats.h"
#include "mr/store.h"
#include "proto/errors.h"
#include "types/t_ops.h"

#ifdef MR_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* ---- SLOWLOG ---- */

static void reply_slowlog_entry(void *ctx, const mr_slowlog_entry_t *e) {
    mr_reply_t *r = ctx;
    mr_reply_array(r, 6);
    mr_reply_int(r, (long long)e->id);
    mr_reply_int(r, e->time);
    mr_reply_int(r, (long long)e->dur_us);
    mr_reply_array(r, e->argc);
    for (int i = 0; i < e->argc; i++)
        mr_reply_bulk(r, e->argv[i].ptr, e->argv[i].len);
    mr_reply_bulk_cstr(r, e->addr);
    mr_reply_bulk_cstr(r, e->name);
}

void cmd_slowlog_get(mr_call_t *c) {
    long long count = 10;
    if (c->argc > 3) {
        mr_reply_errf(c->reply,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try SLOWLOG HELP.",
                      (int)c->argv[1].len, c->argv[1].ptr);
        return;
    }
    if (c->argc == 3 &&
        (!mr_str2ll(c->argv[2].ptr, c->argv[2].len, &count) || count < -1)) {
        mr_reply_err(c->reply, "ERR count should be greater than or equal to -1");
        return;
    }
    size_t mark = mr_reply_defer(c->reply);
    long n = mr_slowlog_each(count, reply_slowlog_entry, c->reply);
    mr_reply_defer_array(c->reply, mark, n);
}

void cmd_slowlog_len(mr_call_t *c) {
    mr_reply_int(c->reply, (long long)mr_slowlog_len());
}

void cmd_slowlog_reset(mr_call_t *c) {
    mr_slowlog_reset();
    mr_reply_ok(c->reply);
}

void cmd_slowlog_help(mr_call_t *c) {
    static const char *const lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}

/* ---- LATENCY ---- */

typedef struct latest_ctx {
    mr_reply_t *r;
    long n;
} latest_ctx_t;

static void reply_latest(void *ctx, const char *event, mr_latency_sample_t last,
                         uint32_t max) {
    latest_ctx_t *l = ctx;
    mr_reply_array(l->r, 4);
    mr_reply_bulk_cstr(l->r, event);
    mr_reply_int(l->r, last.time);
    mr_reply_int(l->r, last.ms);
    mr_reply_int(l->r, max);
    l->n++;
}

void cmd_latency_latest(mr_call_t *c) {
    latest_ctx_t l = {c->reply, 0};
    size_t mark = mr_reply_defer(c->reply);
    mr_latency_latest(reply_latest, &l);
    mr_reply_defer_array(c->reply, mark, l.n);
}

void cmd_latency_history(mr_call_t *c) {
    mr_latency_sample_t s[MR_LATENCY_TS_LEN];
    int n = mr_latency_history(c->argv[2].ptr, c->argv[2].len, s);
    mr_reply_array(c->reply, n);
    for (int i = 0; i < n; i++) {
        mr_reply_array(c->reply, 2);
        mr_reply_int(c->reply, s[i].time);
        mr_reply_int(c->reply, s[i].ms);
    }
}

void cmd_latency_reset(mr_call_t *c) {
    int n = 0;
    if (c->argc == 2)
        n = mr_latency_reset(NULL, 0);
    for (int i = 2; i < c->argc; i++)
        n += mr_latency_reset(c->argv[i].ptr, c->argv[i].len);
    mr_reply_int(c->reply, n);
}

void cmd_latency_help(mr_call_t *c) {
    static const char *const lines[] = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}

/* ---- INFO commandstats, errorstats, latencystats ---- */

void mr_info_commandstats(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Commandstats\r\n");
    unsigned n = mr_cmd_count_ids();
    for (unsigned id = 0; id < n; id++) {
        mr_cmdstat_t s;
        mr_cmdstat_sum(id, &s, NULL);
        unsigned long long calls = atomic_load(&s.calls), us = atomic_load(&s.ns) / 1000;
        unsigned long long rej = atomic_load(&s.rejected), fail = atomic_load(&s.failed);
        if (!calls && !rej && !fail) continue;
        mr_buf_printf(b,
                      "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,"
                      "rejected_calls=%llu,failed_calls=%llu\r\n",
                      mr_cmd_by_id(id)->fullname, calls, us,
                      calls ? (double)us / (double)calls : 0.0, rej, fail);
    }
}

static void errorstat_line(void *ctx, const char *code, uint64_t n) {
    mr_buf_printf(ctx, "errorstat_%s:count=%llu\r\n", code, (unsigned long long)n);
}

void mr_info_errorstats(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Errorstats\r\n");
    mr_errstat_each(errorstat_line, b);
}

/* "%f" without trailing zeros: how Redis names a percentile ("p99.9"). */
void mr_info_latencystats(mr_buf_t *b) {
    mr_buf_append_cstr(b, "# Latencystats\r\n");
    double pcts[MR_MAX_PERCENTILES];
    int np = mr_config_percentiles(pcts, MR_MAX_PERCENTILES);
    mr_hist_t *h = mr_xcalloc(1, sizeof *h);
    unsigned n = mr_cmd_count_ids();
    for (unsigned id = 0; id < n; id++) {
        mr_cmdstat_t s;
        mr_cmdstat_sum(id, &s, h);
        /* a command that never ran with latency-tracking on has none */
        if (!atomic_load(&s.hist) || mr_hist_total(h) == 0) continue;
        mr_buf_printf(b, "latency_percentiles_usec_%s:", mr_cmd_by_id(id)->fullname);
        for (int i = 0; i < np; i++) {
            char label[64];
            mr_d2str_trim(label, sizeof label, pcts[i]);
            mr_buf_printf(b, "%sp%s=%.3f", i ? "," : "", label,
                          (double)mr_hist_percentile(h, pcts[i]) / 1000.0);
        }
        mr_buf_append_cstr(b, "\r\n");
    }
    mr_free(h);
}

/* ---- MEMORY ---- */

void mr_mem_overhead(mr_mem_overhead_t *m) {
    memset(m, 0, sizeof *m);
    size_t active, resident, mapped, retained;
    mr_mem_stats(&m->allocated, &active, &resident, &mapped, &retained);
    m->peak = mr_mem_peak();
    if (m->peak < m->allocated) m->peak = m->allocated;
    m->startup = mr_server.startup_allocated;
    mr_stats_t st;
    mr_stats_sum(&st);
    m->clients = (size_t)atomic_load(&st.client_buf_bytes);
    int ndbs = mr_store_ndbs();
    for (int db = 0; db < ndbs; db++) {
        size_t keys = mr_db_size(db);
        if (!keys) continue;
        m->keys += keys;
        m->tables += mr_db_table_bytes(db);
    }
    m->overhead = m->startup + m->clients + m->tables;
    m->dataset = m->allocated > m->overhead ? m->allocated - m->overhead : 0;
    size_t net = m->allocated > m->startup ? m->allocated - m->startup : 0;
    m->dataset_perc = net ? (double)m->dataset * 100.0 / (double)net : 0;
}

void cmd_memory_usage(mr_call_t *c) {
    long long samples = 5; /* Redis's default */
    for (int j = 3; j < c->argc; j++) {
        if (mr_str_eq_ci(c->argv[j], "samples") && j + 1 < c->argc) {
            if (!mr_arg_ll(c, j + 1, &samples)) return;
            if (samples < 0) {
                mr_reply_syntax_err(c);
                return;
            }
            j++;
        } else {
            mr_reply_syntax_err(c);
            return;
        }
    }
    const mr_entry_t *e = mr_db_lookup_notouch_locked(
        c->db, c->argv[2].ptr, c->argv[2].len, c->now_ms);
    if (!e) {
        mr_reply_null(c->reply);
        return;
    }
    mr_reply_int(c->reply, (long long)mr_entry_memory(e, samples));
}

static void stat_int(mr_reply_t *r, const char *k, long long v) {
    mr_reply_bulk_cstr(r, k);
    mr_reply_int(r, v);
}

static void stat_double(mr_reply_t *r, const char *k, double v) {
    mr_reply_bulk_cstr(r, k);
    mr_reply_double(r, v);
}

void cmd_memory_stats(mr_call_t *c) {
    mr_mem_overhead_t m;
    mr_mem_overhead(&m);
    size_t allocated, active, resident, mapped, retained;
    mr_mem_stats(&allocated, &active, &resident, &mapped, &retained);
    size_t rss = mr_mem_rss();
    /* one reading of which databases hold keys: the map's size and its
     * db.N entries must agree though other workers write meanwhile */
    int ndbs = mr_store_ndbs(), used_dbs = 0;
    size_t *table_bytes = mr_xcalloc((size_t)ndbs, sizeof *table_bytes);
    for (int db = 0; db < ndbs; db++)
        if (mr_db_size(db) > 0) {
            table_bytes[db] = mr_db_table_bytes(db) + 1; /* 0: empty */
            used_dbs++;
        }
    mr_reply_t *r = c->reply;
    mr_reply_map(r, 26 + used_dbs);
    stat_int(r, "peak.allocated", (long long)m.peak);
    stat_int(r, "total.allocated", (long long)m.allocated);
    stat_int(r, "startup.allocated", (long long)m.startup);
    stat_int(r, "replication.backlog", 0);
    stat_int(r, "clients.slaves", 0);
    stat_int(r, "clients.normal", (long long)m.clients);
    stat_int(r, "cluster.links", 0);
    stat_int(r, "aof.buffer", 0);
    stat_int(r, "lua.caches", 0);
    stat_int(r, "functions.caches", 0);
    for (int db = 0; db < ndbs; db++) {
        if (!table_bytes[db]) continue;
        char name[32];
        snprintf(name, sizeof name, "db.%d", db);
        mr_reply_bulk_cstr(r, name);
        mr_reply_map(r, 3);
        stat_int(r, "overhead.hashtable.main", (long long)table_bytes[db] - 1);
        /* TTLs live in the entries: there is no second table */
        stat_int(r, "overhead.hashtable.expires", 0);
        stat_int(r, "overhead.hashtable.slot-to-keys", 0);
    }
    mr_free(table_bytes);
    size_t net = m.allocated > m.startup ? m.allocated - m.startup : 0;
    stat_int(r, "overhead.total", (long long)m.overhead);
    stat_int(r, "keys.count", (long long)m.keys);
    stat_int(r, "keys.bytes-per-key", m.keys ? (long long)(net / m.keys) : 0);
    stat_int(r, "dataset.bytes", (long long)m.dataset);
    stat_double(r, "dataset.percentage", m.dataset_perc);
    stat_double(r, "peak.percentage",
                m.peak ? (double)m.allocated * 100.0 / (double)m.peak : 0);
    stat_int(r, "allocator.allocated", (long long)allocated);
    stat_int(r, "allocator.active", (long long)active);
    stat_int(r, "allocator.resident", (long long)resident);
    stat_double(r, "allocator-fragmentation.ratio",
                allocated ? (double)active / (double)allocated : 0);
    stat_int(r, "allocator-fragmentation.bytes", (long long)active - (long long)allocated);
    stat_double(r, "allocator.rss-ratio", active ? (double)resident / (double)active : 0);
    stat_int(r, "allocator.rss-bytes", (long long)resident - (long long)active);
    stat_double(r, "rss-overhead.ratio", resident ? (double)rss / (double)resident : 0);
    stat_int(r, "rss-overhead.bytes", (long long)rss - (long long)resident);
    stat_double(r, "fragmentation", m.allocated ? (double)rss / (double)m.allocated : 0);
    stat_int(r, "fragmentation.bytes", (long long)rss - (long long)m.allocated);
}

/* What the figures say, in a few sentences; only what they support. */
void cmd_memory_doctor(mr_call_t *c) {
    mr_mem_overhead_t m;
    mr_mem_overhead(&m);
    size_t allocated, active, resident, mapped, retained;
    mr_mem_stats(&allocated, &active, &resident, &mapped, &retained);
    size_t rss = mr_mem_rss();
    mr_stats_t st;
    mr_stats_sum(&st);
    char h1[32], h2[32];
    mr_buf_t out = {0};
    if (m.allocated < 5u << 20) {
        mr_bytes_human(h1, sizeof h1, m.allocated);
        mr_buf_printf(&out,
                      "This instance holds very little (%s allocated): there is "
                      "nothing to diagnose until it holds some data.\n", h1);
    } else {
        int issues = 0;
        if (m.peak > m.allocated + m.allocated / 2) {
            mr_bytes_human(h1, sizeof h1, m.peak);
            mr_bytes_human(h2, sizeof h2, m.allocated);
            mr_buf_printf(&out,
                          "* Peak memory: %s were allocated at the peak, %s now. "
                          "The allocator may keep the difference as RSS until "
                          "it reuses or purges it (MEMORY PURGE).\n", h1, h2);
            issues++;
        }
        double frag = m.allocated ? (double)rss / (double)m.allocated : 0;
        if (frag > 1.4) {
            mr_buf_printf(&out,
                          "* High fragmentation: the process uses %.2f times the "
                          "memory it has allocated (RSS / used).\n", frag);
            issues++;
        }
        double afrag = allocated ? (double)active / (double)allocated : 0;
        if (afrag > 1.1) {
            mr_buf_printf(&out,
                          "* Allocator fragmentation: %.2f bytes of active pages "
                          "per byte allocated.\n", afrag);
            issues++;
        }
        if (m.clients > m.allocated / 5) {
            mr_bytes_human(h1, sizeof h1, m.clients);
            mr_bytes_human(h2, sizeof h2, (size_t)atomic_load(&st.max_obuf));
            mr_buf_printf(&out,
                          "* Client buffers hold %s (largest output buffer %s): "
                          "slow readers or big replies (KEYS, SMEMBERS, MONITOR) "
                          "are piling up output.\n", h1, h2);
            issues++;
        }
        if (!issues) {
            mr_bytes_human(h1, sizeof h1, m.allocated);
            mr_buf_printf(&out,
                          "No memory problems found: %s allocated, RSS/used "
                          "%.2f, peak within 150%% of now, client buffers "
                          "small.\n", h1, frag);
        }
    }
    mr_reply_verbatim(c->reply, out.data, out.len, "txt");
    mr_buf_free(&out);
}

#ifdef MR_HAVE_JEMALLOC
static void append_stats(void *ctx, const char *s) { mr_buf_append_cstr(ctx, s); }
#endif

void cmd_memory_malloc_stats(mr_call_t *c) {
#ifdef MR_HAVE_JEMALLOC
    mr_buf_t out = {0};
    malloc_stats_print(append_stats, &out, NULL);
    mr_reply_verbatim(c->reply, out.data ? out.data : "", out.len, "txt");
    mr_buf_free(&out);
#else
    static const char msg[] = "Stats not supported for the current allocator";
    mr_reply_verbatim(c->reply, msg, sizeof msg - 1, "txt");
#endif
}

void cmd_memory_purge(mr_call_t *c) {
#ifdef MR_HAVE_JEMALLOC
    /* every arena gives its dirty pages back to the system */
    char name[64];
    snprintf(name, sizeof name, "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
    mallctl(name, NULL, NULL, NULL, 0);
#endif
    mr_reply_ok(c->reply);
}

void cmd_memory_help(mr_call_t *c) {
    static const char *const lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
        NULL,
    };
    mr_reply_help(c->reply, lines);
}
