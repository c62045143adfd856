/* A client connection on its worker: input accumulation and parsing,
 * running each complete request, the double-buffered output, and closing
 * only once no io_uring operation still points at the connection. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mr/block.h"
#include "mr/config.h"
#include "mr/multi.h"
#include "mr/ops.h"
#include "mr/pubsub.h"
#include "mr/store.h"
#include "net/net.h"
#include "net/uring_ud.h"

uint32_t mr_worker_slot_alloc(mr_worker_t *w, mr_conn_t *c, uint32_t *gen);
void mr_worker_slot_release(mr_worker_t *w, uint32_t s);

/* Buffers above this are given back when they drain, so 10k idle clients
 * that once sent a big value do not keep megabytes each. */
#define KEEP_BUF_CAP (64 * 1024)

static _Atomic uint64_t next_client_id = 1;

static void format_addr(const struct sockaddr_storage *ss, char *out,
                        size_t outlen) {
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        snprintf(out, outlen, "%s:%u", ip, ntohs(s4->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        snprintf(out, outlen, "[%s]:%u", ip, ntohs(s6->sin6_port));
    } else {
        snprintf(out, outlen, "%s:0",
                 mr_config.unixsocket ? mr_config.unixsocket : "");
    }
}

static void set_socket_options(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int interval = (int)MR_CFG(tcp_keepalive);
    if (interval > 0) {
        /* Redis's choice: probe after `interval` idle seconds, then every
         * interval/3, give up after 3 unanswered probes */
        int probe = interval / 3 > 0 ? interval / 3 : 1, count = 3;
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &interval, sizeof interval);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &probe, sizeof probe);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    }
}

mr_conn_t *mr_conn_new(mr_worker_t *w, int fd, bool is_unix) {
    mr_conn_t *c = mr_xcalloc(1, sizeof *c);
    c->w = w;
    c->fd = fd;
    c->id = atomic_fetch_add(&next_client_id, 1);
    c->slot = mr_worker_slot_alloc(w, c, &c->gen);
    mr_parser_init(&c->parser, MR_CFG(proto_max_bulk_len));
    c->reply.out = &c->out;
    c->reply.resp = 2;
    atomic_init(&c->db, 0);
    atomic_init(&c->resp, 2);
    atomic_init(&c->multi_len, -1);
    c->ctime_ms = mr_mstime();
    atomic_init(&c->last_ms, c->ctime_ms);
    c->is_unix = is_unix;
    if (!is_unix) set_socket_options(fd);

    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
        format_addr(&ss, c->addr, sizeof c->addr);
    sl = sizeof ss;
    memset(&ss, 0, sizeof ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        format_addr(&ss, c->laddr, sizeof c->laddr);

    MR_STAT_INC(clients);
    pthread_mutex_lock(&w->clients_lock);
    c->next = w->clients;
    if (w->clients) w->clients->prev = c;
    w->clients = c;
    pthread_mutex_unlock(&w->clients_lock);
    return c;
}

/* Runs one request. *clock_ns is when it began (the end of the previous
 * command of this batch, or the batch's start) and becomes when it ended:
 * one clock read per command (mr_call_t.start_ns). */
static void execute(mr_conn_t *c, mr_str_t *argv, int argc, int64_t now_ms,
                    uint64_t *clock_ns) {
    mr_call_t call = {
        .argv = argv,
        .argc = argc,
        .reply = &c->reply,
        .conn = c,
        .db = atomic_load_explicit(&c->db, memory_order_relaxed),
        .now_ms = now_ms,
        .start_ns = *clock_ns,
    };
    mr_dispatch(&call);
    *clock_ns = call.end_ns;
    if (call.aof_end) mr_conn_hold_until(c, call.aof_end);
    if (atomic_load_explicit(&c->kill_requested, memory_order_relaxed))
        c->close_after_reply = true; /* CLIENT KILL of itself */
}

/* ---- look ahead: the pipeline's next requests ----
 * While one request runs, the keys of the next LOOKAHEAD requests already
 * in the buffer are being loaded (mr_store_prefetch_*): at -P16 a SET or
 * GET otherwise stalls on four or five dependent cache misses, one request
 * after another. The first key's hash is handed to the store as a hint so
 * the command does not compute it again, and a request the look ahead
 * already split (mr_resp_peek) runs without going through the parser. */
#define LOOKAHEAD 4
#define FAST_ARGS 8 /* requests of up to this many elements skip the parser */

typedef struct peeked {
    const char *start; /* where the request begins */
    size_t len;
    int argc;          /* argv is valid when argc <= FAST_ARGS */
    mr_str_t argv[FAST_ARGS];
    bool prefetching;  /* it has a key (argc >= 2): pf is in use */
    mr_prefetch_t pf;
} peeked_t;

typedef struct lookahead {
    peeked_t q[LOOKAHEAD]; /* a ring, oldest at head */
    int head, n;
    size_t peek_off; /* the next request to peek at */
    bool stopped;    /* the parser must go first (inline, incomplete, ...) */
} lookahead_t;

static void lookahead_advance(lookahead_t *la, const char *buf, size_t len,
                              int db, long long max_bulk) {
    while (!la->stopped && la->n < LOOKAHEAD && la->peek_off < len) {
        peeked_t *p = &la->q[(la->head + la->n) % LOOKAHEAD];
        p->len = mr_resp_peek(buf + la->peek_off, len - la->peek_off,
                              max_bulk, p->argv, FAST_ARGS, &p->argc);
        if (p->len == 0) {
            la->stopped = true;
            break;
        }
        p->start = buf + la->peek_off;
        p->prefetching = p->argc >= 2;
        if (p->prefetching)
            mr_store_prefetch_start(&p->pf, db, p->argv[1].ptr,
                                    p->argv[1].len);
        la->n++;
        la->peek_off += p->len;
    }
    for (int k = 0; k < la->n; k++) {
        peeked_t *p = &la->q[(la->head + k) % LOOKAHEAD];
        if (p->prefetching) mr_store_prefetch_step(&p->pf);
    }
}

/* The request at `at` is next: if it is the oldest peeked one, returns it
 * (its key's hash becomes the store's hint), else NULL. */
static peeked_t *lookahead_take(lookahead_t *la, const char *at) {
    if (la->n == 0) return NULL;
    peeked_t *p = &la->q[la->head];
    if (p->start != at) { /* out of step with the parser */
        la->n = 0;
        la->stopped = true;
        return NULL;
    }
    if (p->prefetching)
        mr_store_hash_hint(p->pf.key, p->pf.klen, p->pf.hash);
    la->head = (la->head + 1) % LOOKAHEAD;
    la->n--;
    return p;
}

/* Parses and runs every complete request in buf[0..len); returns how many
 * bytes were consumed. A partial request stays unconsumed. */
static size_t process(mr_conn_t *c, const char *buf, size_t len) {
    size_t off = 0;
    int64_t now_ms = mr_mstime();
    uint64_t clock_ns = mr_clock_ns();
    lookahead_t la; /* not = {0}: that would clear every peeked argv */
    la.head = la.n = 0;
    la.peek_off = 0;
    la.stopped = false;
    while (off < len && !c->closing && !c->close_after_reply && !c->waiter &&
           !c->paused) {
        lookahead_advance(&la, buf, len,
                          atomic_load_explicit(&c->db, memory_order_relaxed),
                          c->parser.max_bulk);
        peeked_t *p = lookahead_take(&la, buf + off);
        if (p && p->argc <= FAST_ARGS && c->parser.kind == 0) {
            /* the parser would agree (mr_resp_peek's contract) */
            off += p->len;
            execute(c, p->argv, p->argc, now_ms, &clock_ns);
            mr_store_hash_hint_clear();
            continue;
        }
        size_t used = 0;
        mr_parse_status_t st =
            mr_resp_parse(&c->parser, buf + off, len - off, &used);
        if (st == MR_PARSE_NEED_MORE) break;
        if (st == MR_PARSE_ERROR) {
            /* Redis: reply the error, drop the rest, close after the reply */
            mr_log(MR_LOG_VERBOSE, "Protocol error (%s) from client: id=%llu addr=%s",
                   c->parser.err, (unsigned long long)c->id, c->addr);
            mr_reply_err(&c->reply, c->parser.err);
            c->close_after_reply = true;
            off = len;
            mr_store_hash_hint_clear();
            break;
        }
        off += used;
        if (c->parser.argc > 0)
            execute(c, c->parser.argv, c->parser.argc, now_ms, &clock_ns);
        mr_store_hash_hint_clear();
    }
    mr_dispatch_release();
    if (c->out.len) {
        mr_conn_check_output_limit(c);
        mr_worker_queue_flush(c->w, c);
    }
    if (c->close_after_reply) {
        mr_worker_queue_flush(c->w, c);
        return len;
    }
    return off;
}

static void shrink(mr_buf_t *b) {
    if (b->len == 0 && b->cap > KEEP_BUF_CAP) mr_buf_free(b);
}

/* Runs what is buffered in `in`, then drops what was consumed: one memmove
 * per batch, not per request. */
static void process_buffered(mr_conn_t *c) {
    if (c->in.len > c->in_off)
        c->in_off += process(c, c->in.data + c->in_off, c->in.len - c->in_off);
    if (c->in_off > 0) {
        mr_buf_consume(&c->in, c->in_off);
        c->in_off = 0;
    }
    shrink(&c->in);
}

void mr_conn_on_data(mr_conn_t *c, const char *data, size_t n) {
    atomic_store_explicit(&c->last_ms, mr_mstime(), memory_order_relaxed);
    if (c->in.len == c->in_off) {
        /* nothing buffered: parse straight from the kernel's buffer and
         * keep only an incomplete tail */
        c->in.len = c->in_off = 0;
        size_t used = process(c, data, n);
        if (used < n) mr_buf_append(&c->in, data + used, n - used);
        shrink(&c->in);
    } else {
        mr_buf_append(&c->in, data, n);
        process_buffered(c);
    }
    if (c->in.len > 0 && c->parser.need > c->in.len)
        mr_buf_reserve(&c->in, c->parser.need - c->in.len);
    if (c->in.len > (size_t)MR_CFG(client_query_buffer_limit)) {
        mr_log(MR_LOG_WARNING,
               "Closing client that reached max query buffer length: id=%llu addr=%s (qbuf=%zu)",
               (unsigned long long)c->id, c->addr, c->in.len);
        mr_conn_close(c);
    }
}

void mr_conn_flush(mr_conn_t *c) {
    /* never frees c: callers reap once they are done with it */
    if (c->closing || c->send_inflight) return;
    if (c->sent == c->sending.len) {
        c->sending.len = c->sent = 0;
        shrink(&c->sending);
        if (c->out.len == 0) {
            if (c->close_after_reply) mr_conn_close(c);
            return;
        }
        if (mr_conn_output_held(c)) return;
        mr_buf_t t = c->sending; /* swap: `out` keeps taking replies */
        c->sending = c->out;
        c->out = t;
        c->out.len = 0;
    }
    struct io_uring_sqe *sqe = mr_worker_sqe(c->w);
    io_uring_prep_send(sqe, c->fd, c->sending.data + c->sent,
                       c->sending.len - c->sent, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_SEND, c->slot, c->gen));
    c->send_inflight = true;
}

void mr_conn_on_sent(mr_conn_t *c, int res) {
    c->send_inflight = false;
    if (res < 0) {
        mr_conn_close(c); /* peer gone (EPIPE, ECONNRESET) */
        return;
    }
    MR_STAT_ADD(net_output_bytes, (uint64_t)res);
    MR_STAT_INC(writes_processed); /* operating it */
    c->sent += (size_t)res;
    if (!c->closing) mr_conn_flush(c); /* the rest, or what came meanwhile */
}

void mr_conn_on_recv_end(mr_conn_t *c) { c->recv_armed = false; }

/* A blocked client that goes away ends its wait without a reply. */
static void end_wait(mr_conn_t *c) {
    if (!c->waiter) return;
    mr_block_cancel(c->waiter);
    c->waiter = NULL;
    atomic_store_explicit(&c->blocked, false, memory_order_relaxed);
}

void mr_conn_block(mr_conn_t *c, struct mr_waiter *w) {
    c->waiter = w;
    atomic_store_explicit(&c->blocked, true, memory_order_relaxed);
}

void mr_conn_unblock(mr_conn_t *c, const char *reply, size_t len,
                     uint64_t aof_end) {
    c->waiter = NULL;
    atomic_store_explicit(&c->blocked, false, memory_order_relaxed);
    if (len) mr_buf_append(&c->out, reply, len);
    if (aof_end) mr_conn_hold_until(c, aof_end);
    mr_worker_queue_flush(c->w, c);
    process_buffered(c); /* what was pipelined behind the blocking call */
}

void mr_conn_close(mr_conn_t *c) {
    if (c->closing) return;
    c->closing = true;
    end_wait(c);
    if (c->recv_armed) {
        struct io_uring_sqe *sqe = mr_worker_sqe(c->w);
        io_uring_prep_cancel64(sqe, ud_pack(UD_RECV, c->slot, c->gen), 0);
        io_uring_sqe_set_data64(sqe, ud_pack(UD_CANCEL, 0, 0));
    }
    /* wakes a pending recv or send with an error, so both finish soon */
    shutdown(c->fd, SHUT_RDWR);
}

void mr_conn_destroy(mr_conn_t *c) {
    mr_worker_t *w = c->w;
    end_wait(c);
    mr_multi_conn_reset(c); /* a transaction dies with its client */
    mr_conn_monitor_stop(c);  /* operating it */
    mr_conn_pause_forget(c);
    if (c->psub) mr_pubsub_conn_reset(c); /* no message finds it any more */
    pthread_mutex_lock(&w->clients_lock);
    if (c->prev) c->prev->next = c->next;
    else w->clients = c->next;
    if (c->next) c->next->prev = c->prev;
    pthread_mutex_unlock(&w->clients_lock);

    mr_worker_slot_release(w, c->slot);
    close(c->fd);
    mr_buf_free(&c->in);
    mr_buf_free(&c->out);
    mr_buf_free(&c->sending);
    mr_parser_free(&c->parser);
    mr_free(c->name);
    atomic_fetch_sub(&mr_connected, 1);
    MR_STAT_ADD(clients, (uint64_t)-1);
    mr_free(c);
}

bool mr_conn_reap(mr_conn_t *c) {
    if (!c->closing || c->recv_armed || c->send_inflight || c->flush_queued)
        return false;
    mr_conn_destroy(c);
    return true;
}

/* ---- include/mr/conn.h ---- */

uint64_t mr_conn_id(const mr_conn_t *c) { return c->id; }
const char *mr_conn_addr(const mr_conn_t *c) { return c->addr; } /* operating it */
int mr_conn_db(const mr_conn_t *c) {
    return atomic_load_explicit(&c->db, memory_order_relaxed);
}
void mr_conn_set_db(mr_conn_t *c, int db) {
    atomic_store_explicit(&c->db, db, memory_order_relaxed);
}
int mr_conn_resp(const mr_conn_t *c) { return c->reply.resp; }
void mr_conn_set_resp(mr_conn_t *c, int resp) {
    c->reply.resp = resp;
    atomic_store_explicit(&c->resp, resp, memory_order_relaxed);
}
const char *mr_conn_name(const mr_conn_t *c) { return c->name; }
void mr_conn_set_name(mr_conn_t *c, const char *name, size_t len) {
    char *n = NULL;
    if (name && len) {
        n = mr_xmalloc(len + 1);
        memcpy(n, name, len);
        n[len] = '\0';
    }
    pthread_mutex_lock(&c->w->clients_lock); /* CLIENT LIST may be reading */
    char *old = c->name;
    c->name = n;
    pthread_mutex_unlock(&c->w->clients_lock);
    mr_free(old);
}
void mr_conn_close_after_reply(mr_conn_t *c) { c->close_after_reply = true; }
struct mr_multi **mr_conn_multi(mr_conn_t *c) { return &c->multi; }

void mr_conn_set_multi_len(mr_conn_t *c, int n) {
    atomic_store_explicit(&c->multi_len, n, memory_order_relaxed);
}

/* multi_len is -1 exactly outside a transaction (src/cmd/multi.c sets it
 * with its own `active`) */
unsigned mr_conn_modes(const mr_conn_t *c) {
    return (atomic_load_explicit(&c->multi_len, memory_order_relaxed) >= 0
                ? MR_CONN_IN_MULTI : 0) |
           (c->pubsub_mode ? MR_CONN_PUBSUB : 0);
}
void mr_conn_set_cmd(mr_conn_t *c, const struct mr_cmd *cmd) {
    atomic_store_explicit(&c->last_cmd, cmd, memory_order_relaxed);
}

/* CLIENT LIST's flags= in Redis's order (getClientInfoString); the
 * fields other threads read are atomics or set before the client is
 * listed. A held (paused) client is blocked to Redis: 'b' too. */
static void describe_flags(const mr_conn_t *c, char out[16]) {
    char *p = out;
    if (atomic_load_explicit(&c->monitor, memory_order_relaxed)) *p++ = 'O';
    if (atomic_load_explicit(&c->nsub, memory_order_relaxed) +
            atomic_load_explicit(&c->npsub, memory_order_relaxed) +
            atomic_load_explicit(&c->nssub, memory_order_relaxed) > 0)
        *p++ = 'P';
    if (atomic_load_explicit(&c->multi_len, memory_order_relaxed) >= 0) *p++ = 'x';
    if (atomic_load_explicit(&c->blocked, memory_order_relaxed)) *p++ = 'b';
    if (c->is_unix) *p++ = 'U';
    if (atomic_load_explicit(&c->no_evict, memory_order_relaxed)) *p++ = 'e';
    if (p == out) *p++ = 'N';
    *p = '\0';
}

/* The CLIENT LIST line. Buffer sizes are only known to the owning thread;
 * other threads report them as 0 rather than race with it. Caller holds
 * c->w->clients_lock when c belongs to another worker. */
void mr_conn_describe_locked(const mr_conn_t *c, mr_buf_t *out, bool own);

void mr_conn_describe_locked(const mr_conn_t *c, mr_buf_t *out, bool own) {
    int64_t now = mr_mstime();
    const mr_cmd_t *cmd = atomic_load_explicit(&c->last_cmd, memory_order_relaxed);
    size_t qbuf = own ? c->in.len : 0;
    size_t qfree = own ? c->in.cap - c->in.len : 0;
    size_t obl = own ? c->out.len : 0;
    size_t omem = own ? c->out.cap + c->sending.cap : 0;
    char flags[16];
    describe_flags(c, flags);
    mr_buf_printf(
        out,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s "
        "db=%d sub=%d psub=%d ssub=%d multi=%d qbuf=%zu qbuf-free=%zu "
        "argv-mem=0 multi-mem=0 rbs=%zu rbp=0 obl=%zu oll=0 omem=%zu "
        "tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=%d\n",
        (unsigned long long)c->id, c->addr, c->laddr, c->fd,
        c->name ? c->name : "", (long long)((now - c->ctime_ms) / 1000),
        (long long)((now - atomic_load_explicit(&c->last_ms, memory_order_relaxed)) / 1000),
        flags, atomic_load_explicit(&c->db, memory_order_relaxed),
        (int)atomic_load_explicit(&c->nsub, memory_order_relaxed),
        (int)atomic_load_explicit(&c->npsub, memory_order_relaxed),
        (int)atomic_load_explicit(&c->nssub, memory_order_relaxed),
        (int)atomic_load_explicit(&c->multi_len, memory_order_relaxed), qbuf, qfree,
        own ? c->in.cap : 0, obl, omem,
        sizeof *c + qbuf + qfree + omem, cmd ? cmd->fullname : "NULL",
        atomic_load_explicit(&c->resp, memory_order_relaxed));
}

void mr_conn_describe(const mr_conn_t *c, mr_buf_t *out) {
    pthread_mutex_lock(&c->w->clients_lock);
    mr_conn_describe_locked(c, out, true);
    pthread_mutex_unlock(&c->w->clients_lock);
}

/* ---- operating it ---- */
void mr_conn_run_held(mr_conn_t *c, mr_str_t *argv, int argc) {
    uint64_t clock_ns = mr_clock_ns();
    execute(c, argv, argc, mr_mstime(), &clock_ns);
    mr_dispatch_release();
    mr_worker_queue_flush(c->w, c);
    if (!c->paused) process_buffered(c);
}

void mr_conn_set_no_evict(mr_conn_t *c, bool on) {
    atomic_store_explicit(&c->no_evict, on, memory_order_relaxed);
}

size_t mr_conn_memory(const mr_conn_t *c) {
    return sizeof *c + c->in.cap + c->out.cap + c->sending.cap +
           c->parser.scratch.cap +
           (size_t)c->parser.cap * (sizeof *c->parser.offs + sizeof *c->parser.lens +
                                    sizeof *c->parser.argv);
}

void mr_conn_sample_memory(mr_worker_t *w) {
    uint64_t total = 0, max_in = 0, max_out = 0;
    for (mr_conn_t *c = w->clients; c; c = c->next) { /* owner: no lock */
        total += mr_conn_memory(c);
        if (c->in.cap > max_in) max_in = c->in.cap;
        if (c->out.cap + c->sending.cap > max_out)
            max_out = c->out.cap + c->sending.cap;
    }
    atomic_store_explicit(&w->stats.client_buf_bytes, total, memory_order_relaxed);
    atomic_store_explicit(&w->stats.max_qbuf, max_in, memory_order_relaxed);
    atomic_store_explicit(&w->stats.max_obuf, max_out, memory_order_relaxed);
}
/* ---- end operating it ---- */
