/* Internals shared by src/net/ and src/server/server.c: the worker and the
 * connection. Nothing outside these directories includes this file. */
#ifndef MR_NET_H
#define MR_NET_H

#include <liburing.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mr/cmd.h"
#include "mr/config.h"
#include "mr/conn.h"
#include "mr/reply.h"
#include "mr/resp.h"
#include "mr/stats.h"
#include "mr/task.h"
#include "mr/util.h"

typedef struct mr_worker mr_worker_t;

struct mr_conn {
    mr_worker_t *w;
    uint32_t slot, gen;
    int fd;
    uint64_t id;

    /* input: bytes not yet parsed; `in_off` is where the next request
     * starts, so a pipeline is consumed with one memmove per batch */
    mr_buf_t in;
    size_t in_off;
    mr_parser_t parser;

    /* output: replies are appended to `out`; `sending` is the buffer the
     * kernel is reading from while a send is in flight (never reallocated
     * then); they swap when a send completes */
    mr_buf_t out;
    mr_buf_t sending;
    size_t sent; /* bytes of `sending` already sent */
    mr_reply_t reply;

    bool recv_armed;
    bool send_inflight;
    bool closing;           /* stop reading; free once no op is in flight */
    bool close_after_reply; /* QUIT, protocol error: flush, then close */
    bool flush_queued;      /* on the worker's flush list this turn */
    struct mr_waiter *waiter; /* set while blocked (BLPOP, ...) */
    struct mr_multi *multi;   /* MULTI/WATCH state (src/cmd/multi.c) */
    _Atomic bool blocked;     /* the same (or paused), for CLIENT LIST on
                               * other threads */
    struct mr_conn *flush_next;

    /* what CLIENT LIST shows, read by other threads: atomics or guarded by
     * the worker's clients_lock (name) */
    _Atomic int db;
    _Atomic int resp;
    _Atomic int64_t last_ms;          /* last interaction, for idle/timeout */
    _Atomic(const mr_cmd_t *) last_cmd;
    _Atomic bool kill_requested;
    char *name;
    int64_t ctime_ms;
    bool is_unix;
    char addr[64], laddr[64];

    struct mr_conn *prev, *next; /* the worker's client list */

    /* appendfsync always (aof_wait.c): output is held until the AOF is
     * durable up to hold_pos; held_listed: on the worker's held list */
    uint64_t hold_pos;
    bool held_listed;

    /* ---- operating it ---- */
    /* atomics: CLIENT LIST on other threads reads them */
    _Atomic bool monitor;  /* MONITOR ran: gets every command (monitor.c) */
    _Atomic bool no_evict; /* CLIENT NO-EVICT on: stored and shown (e) */
    /* CLIENT PAUSE (pause.c): the held request, a private copy, and the
     * worker's list of held connections */
    bool paused; /* owner only; `blocked` shows it to other threads */
    mr_str_t *pause_argv;
    int pause_argc;
    struct mr_conn *pause_next;
    /* ---- end operating it ---- */
    /* pub/sub (conn_push.c): the module's state, the counts CLIENT LIST
     * shows, and since when pending output is over the soft limit of
     * client-output-buffer-limit (0: it is not) */
    struct mr_psub *psub;
    bool pubsub_mode;
    _Atomic int32_t nsub, npsub, nssub;
    int64_t obuf_soft_since;
    /* CLIENT LIST multi= (and flag x): commands queued since MULTI, -1
     * outside one; written by the owner (src/cmd/multi.c) */
    _Atomic int32_t multi_len;
};

struct mr_worker {
    unsigned id;
    pthread_t thread;
    struct io_uring ring;
    int wake_fd;
    uint64_t wake_val;

    /* this worker's own SO_REUSEPORT listeners (plus the shared Unix
     * socket, accepted on by every worker) */
    int listen_fds[MR_MAX_BIND + 1];
    int nlisten;

    /* provided buffers for multishot recv */
    struct io_uring_buf_ring *br;
    char *bufs;
    unsigned buf_count, buf_size, buf_returned;

    /* connection slots, indexed by user_data; free slots chained by index */
    mr_conn_t **slots;
    uint32_t *slot_gen;
    uint32_t nslots, free_head;
    uint32_t *free_next;

    mr_conn_t *flush_head; /* connections with replies to send this turn */

    struct __kernel_timespec tick;
    /* the timeout armed for the earliest blocked client's deadline */
    struct __kernel_timespec block_ts;
    int64_t block_timer_at; /* its deadline (ms), 0 if none armed */
    uint32_t block_timer_seq;
    mr_stats_t stats;

    /* every client of this worker, for CLIENT LIST/KILL from any thread */
    pthread_mutex_t clients_lock;
    mr_conn_t *clients;

    /* inbox (mailbox.c): pushed by any thread, drained by this one. On its
     * own cache line so posters do not bounce the fields above. */
    alignas(64) _Atomic(mr_task_t *) inbox;
    _Atomic bool inbox_wake_pending;
    /* connections whose replies wait for the AOF's fsync (aof_wait.c):
     * (slot, gen) pairs, so a connection closed meanwhile is just skipped.
     * The AOF thread writes durable_fd when `durable_waiting`. */
    int durable_fd;
    uint64_t durable_val;
    _Atomic bool durable_waiting;
    uint32_t *held_slot, *held_gen;
    uint32_t nheld, held_cap;
};

/* ---- worker.c ---- */
extern mr_worker_t *mr_workers;
extern unsigned mr_nworkers;
extern _Atomic bool mr_stopping;
extern _Atomic uint64_t mr_connected; /* clients on every worker */
/* operating it: workers past their set-up (rings, buffers allocated) */
extern _Atomic unsigned mr_workers_ready;

/* Sets up what other threads reach of w (eventfds, client list lock,
 * statistics): for every worker before any is started, so a worker never
 * sees another's half made (CLIENT LIST, wake-ups). */
void mr_worker_init(mr_worker_t *w);
void mr_worker_start(mr_worker_t *w);
/* After the worker is joined and no thread can wake it any more (the AOF
 * thread stopped): closes its eventfds. */
void mr_worker_free_fds(mr_worker_t *w);
void mr_worker_wake(mr_worker_t *w);
struct io_uring_sqe *mr_worker_sqe(mr_worker_t *w);
/* Queues c's output for the send batched at the end of this loop turn. */
void mr_worker_queue_flush(mr_worker_t *w, mr_conn_t *c);
void mr_worker_arm_recv(mr_worker_t *w, mr_conn_t *c);

/* ---- mailbox.c ---- */
/* The worker running on this thread, NULL elsewhere. */
extern _Thread_local mr_worker_t *mr_self_worker;
/* Runs every task in w's inbox (w's own thread), until it is empty. */
void mr_mailbox_drain(mr_worker_t *w);
/* A MSG_RING wake of worker `target` failed (old kernel): from now on it is
 * woken through its eventfd. */
void mr_mailbox_wake_failed(unsigned target);
/* ---- aof_wait.c ---- */
void mr_worker_durable_init(mr_worker_t *w);
void mr_worker_arm_durable(mr_worker_t *w);
/* The durable_fd read completed: sends what became durable, re-arms. */
void mr_worker_handle_durable(mr_worker_t *w);
void mr_worker_durable_free(mr_worker_t *w);
/* True when c's output must wait for the AOF (c is then on the held
 * list and is flushed again once durable). */
bool mr_conn_output_held(mr_conn_t *c);
/* Registered with the AOF: wakes every worker holding replies. */
void mr_workers_durable_advanced(void);

/* ---- conn.c ---- */
mr_conn_t *mr_conn_new(mr_worker_t *w, int fd, bool is_unix);
/* Feeds received bytes: parses and executes every complete request. */
void mr_conn_on_data(mr_conn_t *c, const char *data, size_t n);
/* Starts a send if output is waiting and none is in flight; begins the
 * close of a close-after-reply connection once all is sent. Never frees c. */
void mr_conn_flush(mr_conn_t *c);
/* Never frees c; the caller reaps. */
void mr_conn_on_sent(mr_conn_t *c, int res);
void mr_conn_on_recv_end(mr_conn_t *c); /* multishot recv stopped */
/* Begins closing: no more reads; freed once no op is in flight. */
void mr_conn_close(mr_conn_t *c);
/* Frees c if it is closing and nothing is in flight. Returns true if freed. */
bool mr_conn_reap(mr_conn_t *c);
/* Closes the socket and frees c immediately (worker shutdown). */
void mr_conn_destroy(mr_conn_t *c);
/* ---- operating it ---- */
/* Bytes a connection holds (struct, buffers, parser). Own worker. */
size_t mr_conn_memory(const mr_conn_t *c);
/* Refreshes w's client memory gauges (w's thread, from its timer). */
void mr_conn_sample_memory(mr_worker_t *w);
/* CLIENT PAUSE released c's held request: runs it, then the requests that
 * arrived meanwhile. Own worker. */
void mr_conn_run_held(mr_conn_t *c, mr_str_t *argv, int argc);
/* ---- pause.c ---- */
/* c is going away: drops its held request. */
void mr_conn_pause_forget(mr_conn_t *c);
/* Every timer tick: ends an expired pause, runs this worker's held
 * requests once it is over. */
void mr_pause_tick(int64_t now_ms);
/* ---- end operating it ---- */

#endif
