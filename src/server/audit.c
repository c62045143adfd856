/* The audit log (audit-log <file>): one JSON line per command that changed
 * data or was refused, e.g.
 *   {"timestamp":"2026-12-02T13:05:35.123Z","client_id":7,
 *    "addr":"127.0.0.1:50312","user":"default","db":0,"command":"set",
 *    "keys":["k"],"result":"ok","dirty":1}
 * Key names only, never values. A worker formats its lines into its own
 * thread-local buffer and hands the buffer over (one allocation and one
 * compare-and-swap onto a lock-free stack) when it is full and at the end
 * of every loop turn; a writer thread takes the whole stack every few
 * milliseconds and writes it, so a worker never waits for the disk.
 * Reversing the stack restores each worker's order; lines of different
 * workers interleave by hand-over, each with its own timestamp. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mr/config.h"
#include "mr/conn.h"
#include "mr/ops.h"

#define HANDOFF_BYTES (64 * 1024)
#define WRITER_POLL_NS (20 * 1000 * 1000)
#define MAX_KEYS 32      /* listed per line; "keys_total" tells the rest */
#define MAX_KEY_BYTES 512 /* a longer name is cut, "key_truncated" says so */

typedef struct chunk {
    struct chunk *next;
    size_t len;
    char data[];
} chunk_t;

static _Atomic(chunk_t *) pending;
static int audit_fd = -1;
static pthread_t writer;
static bool started;
static _Atomic bool stop_requested, reopen_requested;

static _Thread_local mr_buf_t tl; /* this worker's lines not yet handed over */

static int open_file(void) {
    int fd = open(mr_config.audit_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                  0640);
    if (fd < 0)
        mr_log(MR_LOG_WARNING, "Can't open the audit log %s: %s",
               mr_config.audit_log, strerror(errno));
    return fd;
}

static void write_all(const char *p, size_t n) {
    if (audit_fd < 0 || mr_write_all(audit_fd, p, n)) return;
    mr_log(MR_LOG_WARNING, "Can't write the audit log: %s", strerror(errno));
    /* these lines are lost; the next batch tries again */
}

/* Writes everything handed over so far; returns whether there was any. */
static bool drain(void) {
    chunk_t *c = atomic_exchange_explicit(&pending, NULL, memory_order_acquire);
    if (!c) return false;
    chunk_t *fifo = NULL;
    while (c) { /* newest first: reverse */
        chunk_t *next = c->next;
        c->next = fifo;
        fifo = c;
        c = next;
    }
    while (fifo) {
        chunk_t *next = fifo->next;
        write_all(fifo->data, fifo->len);
        mr_free(fifo);
        fifo = next;
    }
    return true;
}

static void *writer_main(void *arg) {
    (void)arg;
    mr_log_set_thread("audit");
    struct timespec poll = {0, WRITER_POLL_NS};
    for (;;) {
        bool stop = atomic_load(&stop_requested);
        if (atomic_exchange(&reopen_requested, false)) {
            int fd = open_file(); /* the old file stays in use on failure */
            if (fd >= 0) {
                drain(); /* what was handed over before SIGHUP: old file */
                close(audit_fd);
                audit_fd = fd;
            }
        }
        drain();
        if (stop) break; /* the workers are gone: nothing more can come */
        nanosleep(&poll, NULL);
    }
    return NULL;
}

bool mr_audit_start(void) {
    if (!mr_config.audit_log || !mr_config.audit_log[0]) return true;
    audit_fd = open_file();
    if (audit_fd < 0) return false;
    if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
        mr_log(MR_LOG_WARNING, "Can't start the audit log writer thread");
        close(audit_fd);
        audit_fd = -1;
        return false;
    }
    started = true;
    mr_ops_set(MR_OPS_AUDIT, true);
    mr_log(MR_LOG_NOTICE, "Audit log: %s", mr_config.audit_log);
    return true;
}

static void handoff(void) {
    chunk_t *c = mr_xmalloc(sizeof *c + tl.len);
    c->len = tl.len;
    memcpy(c->data, tl.data, tl.len);
    chunk_t *head = atomic_load_explicit(&pending, memory_order_relaxed);
    do {
        c->next = head;
    } while (!atomic_compare_exchange_weak_explicit(
        &pending, &head, c, memory_order_release, memory_order_relaxed));
    tl.len = 0;
    if (tl.cap > 4 * HANDOFF_BYTES) mr_buf_free(&tl); /* after a huge line */
}

void mr_audit_flush_thread(void) {
    if (tl.len) handoff();
}

void mr_audit_thread_exit(void) {
    if (tl.len) handoff();
    mr_buf_free(&tl);
}

void mr_audit_reopen(void) {
    if (started) atomic_store(&reopen_requested, true);
}

void mr_audit_stop(void) {
    if (!started) return;
    mr_ops_set(MR_OPS_AUDIT, false);
    atomic_store(&stop_requested, true);
    pthread_join(writer, NULL);
    close(audit_fd);
    audit_fd = -1;
    started = false;
}

/* Lines are built with plain appends, not printf: with the audit log on,
 * every write pays for its line on its worker. */
static void append_lit(mr_buf_t *b, const char *s, size_t n) {
    mr_buf_append(b, s, n);
}
#define LIT(b, s) append_lit((b), (s), sizeof(s) - 1)

static void append_ll(mr_buf_t *b, long long v) {
    char tmp[MR_LLSTR_SIZE];
    mr_buf_append(b, tmp, (size_t)mr_ll2str(tmp, v));
}

/* "2026-12-02T13:05:35.123Z"; the formatted second is reused while it
 * lasts, as most lines of a busy worker fall in the same one. */
static void append_time(mr_buf_t *b, int64_t ms) {
    static _Thread_local int64_t cached_sec = -1;
    static _Thread_local char cached[32];
    static _Thread_local size_t cached_len;
    int64_t sec = ms / 1000;
    if (sec != cached_sec) {
        time_t t = (time_t)sec;
        struct tm tm;
        gmtime_r(&t, &tm);
        cached_len = strftime(cached, sizeof cached, "\"%Y-%m-%dT%H:%M:%S.", &tm);
        cached_sec = sec;
    }
    mr_buf_append(b, cached, cached_len);
    int m = (int)(ms % 1000);
    char frac[6] = {(char)('0' + m / 100), (char)('0' + m / 10 % 10),
                    (char)('0' + m % 10), 'Z', '"'};
    mr_buf_append(b, frac, 5);
}

void mr_audit_record(const mr_call_t *call, const mr_cmd_t *cmd,
                     const mr_cmd_t *rejected, bool failed) {
    mr_buf_t *b = &tl;
    const mr_cmd_t *row = cmd ? cmd : rejected;
    LIT(b, "{\"timestamp\":");
    append_time(b, call->now_ms);
    LIT(b, ",\"client_id\":");
    append_ll(b, (long long)mr_conn_id(call->conn));
    LIT(b, ",\"addr\":");
    mr_json_cstr(b, mr_conn_addr(call->conn));
    /* "default" is the only user until ACLs exist */
    LIT(b, ",\"user\":\"default\",\"db\":");
    append_ll(b, call->db);
    LIT(b, ",\"command\":");
    if (row) {
        mr_json_cstr(b, row->fullname);
    } else { /* unknown command: its name as sent, bounded */
        size_t n = call->argv[0].len < 64 ? call->argv[0].len : 64;
        mr_json_str(b, call->argv[0].ptr, n);
    }
    LIT(b, ",\"keys\":[");
    int nkeys = 0;
    if (row) {
        int stack[MR_KEYS_STACK], *idx;
        mr_call_t probe = *call;
        probe.cmd = row;
        nkeys = mr_dispatch_key_positions(&probe, stack, &idx);
        bool cut = false;
        for (int i = 0; i < nkeys && i < MAX_KEYS; i++) {
            mr_str_t k = call->argv[idx[i]];
            if (k.len > MAX_KEY_BYTES) {
                k.len = MAX_KEY_BYTES;
                cut = true;
            }
            if (i) mr_buf_append(b, ",", 1);
            mr_json_str(b, k.ptr, k.len);
        }
        if (idx != stack) mr_free(idx);
        mr_buf_append(b, "]", 1);
        if (nkeys > MAX_KEYS) {
            LIT(b, ",\"keys_total\":");
            append_ll(b, nkeys);
        }
        if (cut) LIT(b, ",\"key_truncated\":true");
    } else {
        mr_buf_append(b, "]", 1);
    }
    if (failed) {
        LIT(b, ",\"result\":\"error\",\"error\":");
        mr_json_cstr(b, call->reply->last_err ? call->reply->last_err : "ERR");
    } else {
        LIT(b, ",\"result\":\"ok\",\"dirty\":");
        append_ll(b, call->dirty);
    }
    LIT(b, "}\n");
    if (b->len >= HANDOFF_BYTES) handoff();
}
