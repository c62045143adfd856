/* appendfsync always on the worker side: a connection whose output holds
 * the reply to a write waits, output and all, until the AOF thread reports
 * that write's record durable; the worker serves its other connections
 * meanwhile. Each held connection notes the ring position it needs
 * (hold_pos, the end of its latest write's record); holding the whole
 * pending output keeps the connection's replies in order.
 *
 * Wake-up: the AOF thread, after each fsync, writes the durable_fd eventfd
 * of every worker that announced `durable_waiting`. The worker announces
 * before it re-checks the durable position and the AOF thread publishes the
 * position before it reads the flag (both seq_cst), so one of them always
 * sees the other: no connection is left waiting after its fsync. */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mr/aof.h"
#include "net/net.h"
#include "net/uring_ud.h"

void mr_worker_durable_init(mr_worker_t *w) {
    w->durable_fd = eventfd(0, EFD_CLOEXEC);
    if (w->durable_fd < 0) {
        mr_log(MR_LOG_WARNING, "eventfd: %s", strerror(errno));
        abort();
    }
    atomic_init(&w->durable_waiting, false);
}

void mr_worker_durable_free(mr_worker_t *w) {
    close(w->durable_fd);
    mr_free(w->held_slot);
    mr_free(w->held_gen);
    w->held_slot = w->held_gen = NULL;
    w->nheld = w->held_cap = 0;
}

void mr_worker_arm_durable(mr_worker_t *w) {
    struct io_uring_sqe *sqe = mr_worker_sqe(w);
    io_uring_prep_read(sqe, w->durable_fd, &w->durable_val,
                       sizeof w->durable_val, 0);
    io_uring_sqe_set_data64(sqe, ud_pack(UD_DURABLE, 0, 0));
}

void mr_workers_durable_advanced(void) {
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_worker_t *w = &mr_workers[i];
        if (atomic_load(&w->durable_waiting)) {
            uint64_t one = 1;
            ssize_t r = write(w->durable_fd, &one, sizeof one);
            (void)r; /* a full counter still wakes the worker */
        }
    }
}

static void hold(mr_worker_t *w, mr_conn_t *c) {
    if (c->held_listed) return;
    if (w->nheld == w->held_cap) {
        w->held_cap = w->held_cap ? w->held_cap * 2 : 64;
        w->held_slot = mr_xrealloc(w->held_slot,
                                   sizeof *w->held_slot * w->held_cap);
        w->held_gen = mr_xrealloc(w->held_gen, sizeof *w->held_gen * w->held_cap);
    }
    w->held_slot[w->nheld] = c->slot;
    w->held_gen[w->nheld] = c->gen;
    w->nheld++;
    c->held_listed = true;
    atomic_store(&w->durable_waiting, true);
}

bool mr_conn_output_held(mr_conn_t *c) {
    if (c->hold_pos == 0) return false;
    if (c->hold_pos <= mr_aof_durable_pos()) {
        c->hold_pos = 0;
        return false;
    }
    hold(c->w, c);
    /* announced above; if the fsync finished in between, send now */
    if (c->hold_pos <= mr_aof_durable_pos()) {
        c->hold_pos = 0;
        return false;
    }
    return true;
}

void mr_worker_handle_durable(mr_worker_t *w) {
    if (atomic_load(&mr_stopping)) return;
    mr_worker_arm_durable(w);
    /* cleared first: a connection held again below sets it again */
    atomic_store(&w->durable_waiting, false);
    uint64_t durable = mr_aof_durable_pos();
    uint32_t keep = 0;
    for (uint32_t i = 0; i < w->nheld; i++) {
        uint32_t s = w->held_slot[i], gen = w->held_gen[i];
        mr_conn_t *c = s < w->nslots ? w->slots[s] : NULL;
        if (!c || w->slot_gen[s] != gen || !c->held_listed) continue;
        if (c->hold_pos <= durable) {
            c->held_listed = false;
            c->hold_pos = 0;
            mr_worker_queue_flush(w, c);
            continue;
        }
        w->held_slot[keep] = s;
        w->held_gen[keep] = gen;
        keep++;
    }
    w->nheld = keep;
    if (keep) {
        atomic_store(&w->durable_waiting, true);
        /* durable may have moved since it was read: look once more */
        if (mr_aof_durable_pos() > durable) {
            uint64_t one = 1;
            ssize_t r = write(w->durable_fd, &one, sizeof one);
            (void)r;
        }
    }
}

void mr_conn_hold_until(mr_conn_t *c, uint64_t pos) {
    if (pos > c->hold_pos) c->hold_pos = pos;
}
