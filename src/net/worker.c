/* A worker: one thread, one io_uring, its own listeners. It accepts with a
 * multishot accept, reads with multishot recv into a ring of provided
 * buffers, runs every complete request, and sends each connection's replies
 * in one send per loop turn. A 1/hz timer drives idle timeouts, active
 * expiry and incremental rehashing for the shards this worker owns. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mr/block.h"
#include "mr/config.h"
#include "mr/ops.h"
#include "mr/pubsub.h"
#include "mr/server.h"
#include "mr/store.h"
#include "net/net.h"
#include "net/uring_ud.h"
#include "proto/errors.h"

mr_worker_t *mr_workers;
unsigned mr_nworkers;
_Atomic bool mr_stopping;
_Atomic uint64_t mr_connected;
_Atomic unsigned mr_workers_ready; /* operating it */

#define SQ_ENTRIES 1024
#define CQ_ENTRIES 8192
#define BUF_COUNT 512   /* power of two, as the buffer ring requires */
#define BUF_SIZE 16384
#define BUF_GROUP 0
#define EXPIRE_BUDGET_US 5000 /* per tick: bounded CPU for active expiry */

struct io_uring_sqe *mr_worker_sqe(mr_worker_t *w) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
    while (!sqe) { /* SQ full: hand what we have to the kernel, retry */
        io_uring_submit(&w->ring);
        sqe = io_uring_get_sqe(&w->ring);
    }
    return sqe;
}

void mr_worker_wake(mr_worker_t *w) {
    uint64_t one = 1;
    ssize_t r = write(w->wake_fd, &one, sizeof one);
    (void)r; /* a full counter still wakes the worker */
}

static void setup_ring(mr_worker_t *w) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
              IORING_SETUP_DEFER_TASKRUN;
    p.cq_entries = CQ_ENTRIES;
    int ret = io_uring_queue_init_params(SQ_ENTRIES, &w->ring, &p);
    if (ret == -EINVAL) {
        /* older kernels: no SINGLE_ISSUER / DEFER_TASKRUN */
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_CQSIZE;
        p.cq_entries = CQ_ENTRIES;
        ret = io_uring_queue_init_params(SQ_ENTRIES, &w->ring, &p);
    }
    if (ret < 0) {
        mr_log(MR_LOG_WARNING, "worker %u: io_uring_queue_init: %s", w->id,
               strerror(-ret));
        abort();
    }

    w->buf_count = BUF_COUNT;
    w->buf_size = BUF_SIZE;
    size_t ring_bytes = sizeof(struct io_uring_buf) * w->buf_count;
    void *mem = NULL;
    if (posix_memalign(&mem, 4096, ring_bytes) != 0) abort();
    memset(mem, 0, ring_bytes);
    w->br = mem;
    w->bufs = mr_xmalloc((size_t)w->buf_count * w->buf_size);
    mr_mem_add_not_counted((size_t)w->buf_count * w->buf_size);
    struct io_uring_buf_reg reg = {
        .ring_addr = (unsigned long)w->br,
        .ring_entries = w->buf_count,
        .bgid = BUF_GROUP,
    };
    ret = io_uring_register_buf_ring(&w->ring, &reg, 0);
    if (ret < 0) {
        mr_log(MR_LOG_WARNING, "worker %u: io_uring_register_buf_ring: %s",
               w->id, strerror(-ret));
        abort();
    }
    io_uring_buf_ring_init(w->br);
    int mask = io_uring_buf_ring_mask(w->buf_count);
    for (unsigned i = 0; i < w->buf_count; i++)
        io_uring_buf_ring_add(w->br, w->bufs + (size_t)i * w->buf_size,
                              w->buf_size, (unsigned short)i, mask, (int)i);
    io_uring_buf_ring_advance(w->br, (int)w->buf_count);
}

/* Gives buffer `bid` back to the kernel; published once per loop turn. */
static void return_buffer(mr_worker_t *w, unsigned bid) {
    io_uring_buf_ring_add(w->br, w->bufs + (size_t)bid * w->buf_size,
                          w->buf_size, (unsigned short)bid,
                          io_uring_buf_ring_mask(w->buf_count),
                          (int)w->buf_returned);
    w->buf_returned++;
}

static void arm_accept(mr_worker_t *w, int idx) {
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_multishot_accept(sqe, w->listen_fds[idx], NULL, NULL,
                                   SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_ACCEPT, (uint32_t)idx, 0));
}

void mr_worker_arm_recv(mr_worker_t *w, mr_conn_t *c) {
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUF_GROUP;
    io_uring_sqe_set_data64(sqe, ud_pack(UD_RECV, c->slot, c->gen));
    c->recv_armed = true;
}

static void arm_timer(mr_worker_t *w) {
    long long hz = MR_CFG(hz);
    if (hz < 1) hz = 1;
    w->tick.tv_sec = 0;
    w->tick.tv_nsec = 1000000000LL / hz;
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_timeout(sqe, &w->tick, 0, 0);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_TIMER, 0, 0));
}

static void arm_wake(mr_worker_t *w) {
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_read(sqe, w->wake_fd, &w->wake_val, sizeof w->wake_val, 0);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_WAKE, 0, 0));
}

void mr_worker_queue_flush(mr_worker_t *w, mr_conn_t *c) {
    if (c->flush_queued) return;
    c->flush_queued = true;
    c->flush_next = w->flush_head;
    w->flush_head = c;
}

static void flush_all(mr_worker_t *w) {
    mr_conn_t *c = w->flush_head;
    w->flush_head = NULL;
    while (c) {
        mr_conn_t *next = c->flush_next;
        c->flush_queued = false;
        mr_conn_flush(c);
        mr_conn_reap(c);
        c = next;
    }
}

/* ---- connection slots ---- */

static uint32_t slot_alloc(mr_worker_t *w) {
    if (w->free_head == UINT32_MAX) {
        uint32_t old = w->nslots, n = old ? old * 2 : 1024;
        w->slots = mr_xrealloc(w->slots, sizeof *w->slots * n);
        w->slot_gen = mr_xrealloc(w->slot_gen, sizeof *w->slot_gen * n);
        w->free_next = mr_xrealloc(w->free_next, sizeof *w->free_next * n);
        for (uint32_t i = old; i < n; i++) {
            w->slots[i] = NULL;
            w->slot_gen[i] = 0;
            w->free_next[i] = i + 1 < n ? i + 1 : UINT32_MAX;
        }
        w->free_head = old;
        w->nslots = n;
    }
    uint32_t s = w->free_head;
    w->free_head = w->free_next[s];
    return s;
}

static void slot_release(mr_worker_t *w, uint32_t s) {
    w->slots[s] = NULL;
    w->slot_gen[s] = (w->slot_gen[s] + 1) & UD_GEN_MASK;
    w->free_next[s] = w->free_head;
    w->free_head = s;
}

/* Called by conn.c. */
uint32_t mr_worker_slot_alloc(mr_worker_t *w, mr_conn_t *c, uint32_t *gen);
void mr_worker_slot_release(mr_worker_t *w, uint32_t s);

uint32_t mr_worker_slot_alloc(mr_worker_t *w, mr_conn_t *c, uint32_t *gen) {
    uint32_t s = slot_alloc(w);
    w->slots[s] = c;
    *gen = w->slot_gen[s];
    return s;
}

void mr_worker_slot_release(mr_worker_t *w, uint32_t s) {
    slot_release(w, s);
}

static mr_conn_t *slot_conn(mr_worker_t *w, uint64_t ud) {
    uint32_t s = ud_slot(ud);
    if (s >= w->nslots || !w->slots[s] || w->slot_gen[s] != ud_gen(ud))
        return NULL;
    return w->slots[s];
}

/* ---- completion handlers ---- */

static void reject_client(int fd) {
    /* Redis answers, then closes; a non-blocking best-effort write suffices
     * for a 36-byte line on a fresh socket */
    static const char msg[] = "-" MR_ERR_MAX_CLIENTS "\r\n";
    ssize_t r = send(fd, msg, sizeof msg - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)r;
    close(fd);
}

static void handle_accept(mr_worker_t *w, struct io_uring_cqe *cqe) {
    int idx = (int)ud_slot(cqe->user_data);
    if (!(cqe->flags & IORING_CQE_F_MORE) && !atomic_load(&mr_stopping))
        arm_accept(w, idx);
    if (cqe->res < 0) {
        if (cqe->res != -ECANCELED)
            mr_log(MR_LOG_VERBOSE, "accept: %s", strerror(-cqe->res));
        return;
    }
    int fd = cqe->res;
    MR_STAT_INC(connections);
    /* count first, then check: two workers cannot both take the last place */
    if (atomic_fetch_add(&mr_connected, 1) >= (uint64_t)MR_CFG(maxclients)) {
        atomic_fetch_sub(&mr_connected, 1);
        MR_STAT_INC(rejected_conns);
        reject_client(fd);
        return;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    bool is_unix = getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
                   ss.ss_family == AF_UNIX;
    mr_conn_t *c = mr_conn_new(w, fd, is_unix);
    mr_worker_arm_recv(w, c);
}

static void handle_recv(mr_worker_t *w, struct io_uring_cqe *cqe) {
    mr_conn_t *c = slot_conn(w, cqe->user_data);
    bool has_buf = cqe->flags & IORING_CQE_F_BUFFER;
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    bool more = cqe->flags & IORING_CQE_F_MORE;

    if (c && !more) mr_conn_on_recv_end(c);
    if (!c || c->closing) {
        if (has_buf) return_buffer(w, bid);
        if (c) mr_conn_reap(c);
        return;
    }
    if (cqe->res > 0) {
        MR_STAT_ADD(net_input_bytes, (uint64_t)cqe->res);
        MR_STAT_INC(reads_processed); /* operating it */
        mr_conn_on_data(c, w->bufs + (size_t)bid * w->buf_size,
                        (size_t)cqe->res);
        return_buffer(w, bid);
        if (!more && !c->closing) mr_worker_arm_recv(w, c);
    } else if (cqe->res == -ENOBUFS) {
        /* every buffer is in use: they come back at the end of this turn,
         * before the re-armed recv is submitted; no data was lost */
        if (has_buf) return_buffer(w, bid);
        if (!more) mr_worker_arm_recv(w, c);
    } else if (cqe->res == 0) {
        /* the peer finished sending (nc, redis-cli --pipe): replies to what
         * it sent still go out, then the connection closes; an incomplete
         * last request is dropped unexecuted */
        c->close_after_reply = true;
        mr_worker_queue_flush(w, c);
    } else {
        if (has_buf) return_buffer(w, bid);
        mr_conn_close(c); /* a socket error */
        mr_conn_reap(c);
    }
}

static void handle_send(mr_worker_t *w, struct io_uring_cqe *cqe) {
    mr_conn_t *c = slot_conn(w, cqe->user_data);
    if (!c) return;
    mr_conn_on_sent(c, cqe->res);
    mr_conn_reap(c);
}

static void check_conns(mr_worker_t *w, int64_t now_ms, bool kills_only) {
    long long timeout = MR_CFG(timeout);
    for (uint32_t s = 0; s < w->nslots; s++) {
        mr_conn_t *c = w->slots[s];
        if (!c || c->closing) continue;
        if (atomic_load_explicit(&c->kill_requested, memory_order_relaxed)) {
            mr_conn_close(c);
            mr_conn_reap(c);
            continue;
        }
        /* a blocked client waits for its own timeout, as in Redis; a
         * client held by CLIENT PAUSE counts as blocked, and a monitor is
         * a replica to Redis, which never times replicas out */
        if (kills_only || timeout <= 0 || c->waiter || c->paused ||
            atomic_load_explicit(&c->monitor, memory_order_relaxed))
            continue;
        int64_t last = atomic_load_explicit(&c->last_ms, memory_order_relaxed);
        if (now_ms - last > timeout * 1000) {
            mr_log(MR_LOG_VERBOSE, "Closing idle client");
            mr_conn_close(c);
            mr_conn_reap(c);
        }
    }
}

static void handle_timer(mr_worker_t *w) {
    if (atomic_load(&mr_stopping)) return;
    int64_t now = mr_mstime();
    check_conns(w, now, false);
    mr_conn_sample_memory(w); /* operating it: INFO's client memory */
    mr_pause_tick(now);       /* operating it: CLIENT PAUSE timeout */
    /* as Redis, no active expiry while clients are paused: the data set
     * stays as the pause found it (a read may still expire a key lazily) */
    if (!(mr_ops_load() & MR_OPS_PAUSE))
        mr_store_cron(w->id, mr_nworkers, now, EXPIRE_BUDGET_US);
    arm_timer(w);
}

/* Keeps one timeout armed for the earliest blocked client's deadline (end
 * of every loop turn). A timeout armed for a later deadline stays queued
 * and fires harmlessly; only the latest arming clears block_timer_at. */
static void arm_block_timer(mr_worker_t *w) {
    int64_t d = mr_block_next_deadline();
    if (!d || (w->block_timer_at && w->block_timer_at <= d)) return;
    int64_t wait = d - mr_mstime();
    if (wait < 0) wait = 0;
    w->block_ts.tv_sec = wait / 1000;
    w->block_ts.tv_nsec = (wait % 1000) * 1000000;
    w->block_timer_at = d;
    w->block_timer_seq++;
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_timeout(sqe, &w->block_ts, 0, 0);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_BLOCK_TIMER, w->block_timer_seq,
                                         0));
}

static void handle_block_timer(mr_worker_t *w, struct io_uring_cqe *cqe) {
    if (ud_slot(cqe->user_data) == w->block_timer_seq) w->block_timer_at = 0;
    if (atomic_load(&mr_stopping)) return;
    mr_block_expire(mr_mstime());
}

static void handle_wake(mr_worker_t *w, struct io_uring_cqe *cqe) {
    if (atomic_load(&mr_stopping)) return;
    check_conns(w, mr_mstime(), true);
    arm_wake(w);
}

static void handle_cqe(mr_worker_t *w, struct io_uring_cqe *cqe) {
    switch (ud_op(cqe->user_data)) {
    case UD_ACCEPT: handle_accept(w, cqe); break;
    case UD_RECV: handle_recv(w, cqe); break;
    case UD_SEND: handle_send(w, cqe); break;
    case UD_TIMER: handle_timer(w); break;
    case UD_WAKE: handle_wake(w, cqe); break;
    case UD_MAIL: break; /* the inbox is drained after every batch */
    case UD_BLOCK_TIMER: handle_block_timer(w, cqe); break;
    case UD_MAIL_SENT:
        if (cqe->res < 0) mr_mailbox_wake_failed(ud_slot(cqe->user_data));
        break;
    case UD_DURABLE: mr_worker_handle_durable(w); break;
    case UD_CANCEL: break;
    }
}

static void shutdown_worker(mr_worker_t *w) {
    /* A server stopped during start-up: this ring stays mapped until every
     * worker has mapped its own, or the kernel could hand its addresses to
     * a later worker's ring, which ThreadSanitizer reports as two threads
     * writing the same SQE memory. Bounded: set-up never blocks. */
    for (int i = 0; i < 5000 && atomic_load(&mr_workers_ready) < mr_nworkers;
         i++)
        usleep(1000);
    for (uint32_t s = 0; s < w->nslots; s++)
        if (w->slots[s]) mr_conn_destroy(w->slots[s]);
    mr_block_thread_exit();
    mr_ops_thread_exit(); /* operating it */
    mr_pubsub_thread_exit();
    io_uring_queue_exit(&w->ring);
    mr_free(w->bufs);
    free(w->br);
    mr_free(w->slots);
    mr_free(w->slot_gen);
    mr_free(w->free_next);
    /* wake_fd and durable_fd stay open: other threads may still write to
     * them until they are joined (mr_worker_free_fds) */
}

static void *worker_main(void *arg) {
    mr_worker_t *w = arg;
    mr_stats = &w->stats;
    mr_self_worker = w;
    char role[24];
    snprintf(role, sizeof role, "worker %u", w->id);
    mr_log_set_thread(role);
    setup_ring(w);
    atomic_fetch_add(&mr_workers_ready, 1); /* operating it */
    for (int i = 0; i < w->nlisten; i++) arm_accept(w, i);
    arm_timer(w);
    arm_wake(w);
    mr_worker_arm_durable(w);

    while (!atomic_load(&mr_stopping)) {
        int ret = io_uring_submit_and_wait(&w->ring, 1);
        if (ret < 0 && ret != -EINTR && ret != -ETIME && ret != -EAGAIN &&
            ret != -EBUSY) {
            mr_log(MR_LOG_WARNING, "worker %u: io_uring_submit_and_wait: %s",
                   w->id, strerror(-ret));
            break;
        }
        unsigned head, seen = 0;
        struct io_uring_cqe *cqe;
        io_uring_for_each_cqe(&w->ring, head, cqe) {
            handle_cqe(w, cqe);
            seen++;
        }
        io_uring_cq_advance(&w->ring, seen);
        if (w->buf_returned) {
            io_uring_buf_ring_advance(w->br, (int)w->buf_returned);
            w->buf_returned = 0;
        }
        /* messages published this turn go out before the inbox is
         * drained, and what the drained tasks published (a blocked
         * client's pipeline) after it */
        if (mr_pubsub_pending()) mr_pubsub_flush();
        if (atomic_load_explicit(&w->inbox, memory_order_relaxed))
            mr_mailbox_drain(w);
        if (__builtin_expect(mr_ops_load() & MR_OPS_AUDIT, 0))
            mr_audit_flush_thread(); /* operating it */
        if (mr_pubsub_pending()) mr_pubsub_flush();
        flush_all(w);
        arm_block_timer(w);
    }
    shutdown_worker(w);
    return NULL;
}

void mr_worker_free_fds(mr_worker_t *w) {
    close(w->wake_fd);
    mr_worker_durable_free(w);
}

void mr_worker_init(mr_worker_t *w) {
    /* blocking: io_uring waits on it by polling; writers never fill a
     * 64-bit counter */
    w->wake_fd = eventfd(0, EFD_CLOEXEC);
    if (w->wake_fd < 0) {
        mr_log(MR_LOG_WARNING, "eventfd: %s", strerror(errno));
        abort();
    }
    mr_worker_durable_init(w);
    w->free_head = UINT32_MAX;
    pthread_mutex_init(&w->clients_lock, NULL);
    mr_stats_register(&w->stats);
}

void mr_worker_start(mr_worker_t *w) {
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        mr_log(MR_LOG_WARNING, "pthread_create failed");
        abort();
    }
}
