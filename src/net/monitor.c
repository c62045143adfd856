/* MONITOR: every command any worker runs, streamed to the monitoring
 * clients in Redis's format:
 *     +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
 * Each worker keeps its own monitors in a thread-local list that only it
 * touches; monitors_on[w] tells other workers whether worker w has any. A
 * worker running a command formats the line once, appends it to its own
 * monitors and posts it (mr_task_post) to every other worker that has
 * some, so lines from one worker arrive in its execution order. With no
 * monitor anywhere, none of this runs (mr/ops.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mr/config.h"
#include "mr/ops.h"
#include "net/net.h"


static _Atomic int monitors_on[MR_MAX_WORKERS];
/* MONITOR starting and ending (rare) serialize here, so the ops bit always
 * follows the final count */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static int monitors_total;

/* this worker's monitors */
static _Thread_local mr_conn_t **mons;
static _Thread_local int nmons, capmons;

bool mr_monitor_is(const mr_conn_t *c) {
    return atomic_load_explicit(&c->monitor, memory_order_relaxed);
}

static void count(const mr_conn_t *c, int delta) {
    pthread_mutex_lock(&count_lock);
    atomic_fetch_add_explicit(&monitors_on[c->w->id], delta,
                              memory_order_relaxed);
    monitors_total += delta;
    mr_ops_set(MR_OPS_MONITOR, monitors_total > 0);
    pthread_mutex_unlock(&count_lock);
}

void mr_conn_monitor_start(mr_conn_t *c) {
    if (mr_monitor_is(c)) return;
    if (nmons == capmons) {
        capmons = capmons ? capmons * 2 : 4;
        mons = mr_xrealloc(mons, sizeof *mons * (size_t)capmons);
    }
    mons[nmons++] = c;
    atomic_store_explicit(&c->monitor, true, memory_order_relaxed);
    count(c, 1);
}

void mr_conn_monitor_stop(mr_conn_t *c) {
    if (!mr_monitor_is(c)) return;
    for (int i = 0; i < nmons; i++) {
        if (mons[i] != c) continue;
        mons[i] = mons[--nmons];
        break;
    }
    atomic_store_explicit(&c->monitor, false, memory_order_relaxed);
    count(c, -1);
    if (nmons == 0) {
        mr_free(mons);
        mons = NULL;
        capmons = 0;
    }
}

static void deliver_local(const char *line, size_t len) {
    for (int i = 0; i < nmons; i++) {
        mr_conn_t *c = mons[i];
        /* a monitor is a "normal" client for client-output-buffer-limit,
         * as in Redis (unlimited by default) */
        mr_conn_send_unsolicited(c, line, len, false);
    }
}

typedef struct line_task {
    mr_task_t task;
    size_t len;
    char line[];
} line_task_t;

static void line_run(mr_task_t *t) {
    line_task_t *lt = (line_task_t *)t;
    deliver_local(lt->line, lt->len);
    mr_free(lt);
}

static void line_discard(mr_task_t *t) { mr_free(t); }

/* Arguments Redis 7.0 shows as "(redacted)": passwords. Returns for argv
 * index i whether it is one. */
static bool redacted(const mr_call_t *call, int i) {
    mr_str_t name = call->argv[0];
    if (mr_str_eq_ci(name, "auth")) return i >= 1;
    if (mr_str_eq_ci(name, "hello")) { /* HELLO ver AUTH user pass */
        for (int j = 2; j < i && j < call->argc; j++)
            if (mr_str_eq_ci(call->argv[j], "auth") && (i == j + 1 || i == j + 2))
                return true;
        return false;
    }
    if (mr_str_eq_ci(name, "migrate")) { /* AUTH pass, AUTH2 user pass */
        for (int j = 6; j < i && j < call->argc; j++) {
            if (mr_str_eq_ci(call->argv[j], "auth") && i == j + 1) return true;
            if (mr_str_eq_ci(call->argv[j], "auth2") && (i == j + 1 || i == j + 2))
                return true;
        }
    }
    return false;
}

static _Thread_local mr_buf_t line_buf;

void mr_monitor_thread_exit(void) {
    mr_buf_free(&line_buf);
    mr_free(mons); /* empty by now: every connection was destroyed */
    mons = NULL;
    nmons = capmons = 0;
}

void mr_monitor_feed(const mr_call_t *call) {
    mr_conn_t *c = call->conn;
    mr_buf_t *b = &line_buf;
    b->len = 0;
    int64_t us = mr_ustime();
    /* after the command, so SELECT shows the database it selected */
    if (c->is_unix)
        mr_buf_printf(b, "+%lld.%06lld [%d unix:%s]", (long long)(us / 1000000),
                      (long long)(us % 1000000), call->db,
                      mr_config.unixsocket ? mr_config.unixsocket : "");
    else
        mr_buf_printf(b, "+%lld.%06lld [%d %s]", (long long)(us / 1000000),
                      (long long)(us % 1000000), call->db, c->addr);
    for (int i = 0; i < call->argc; i++) {
        mr_buf_append(b, " ", 1);
        if (redacted(call, i))
            mr_buf_append_cstr(b, "\"(redacted)\"");
        else
            mr_buf_repr(b, call->argv[i].ptr, call->argv[i].len);
    }
    mr_buf_append(b, "\r\n", 2);

    int self = mr_worker_self();
    for (unsigned w = 0; w < mr_nworkers; w++) {
        if (!atomic_load_explicit(&monitors_on[w], memory_order_relaxed))
            continue;
        if ((int)w == self) {
            deliver_local(b->data, b->len);
            continue;
        }
        line_task_t *t = mr_xmalloc(sizeof *t + b->len);
        t->task.fn = line_run;
        t->task.discard = line_discard;
        t->len = b->len;
        memcpy(t->line, b->data, b->len);
        mr_task_post(w, &t->task);
    }
    if (b->cap > 64 * 1024) mr_buf_free(b); /* one huge command: give it back */
}
