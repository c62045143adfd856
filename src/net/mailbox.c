/* Worker inboxes: an intrusive lock-free stack per worker (a push is one
 * compare-and-swap; the owner takes the whole stack with one exchange and
 * reverses it, which restores each poster's order), and a wake that is sent
 * once per batch of posts: the poster that flips `inbox_wake_pending` from
 * false to true wakes the worker, which clears the flag before it drains. */
#include <string.h>

#include "net/net.h"
#include "net/uring_ud.h"

_Thread_local mr_worker_t *mr_self_worker;

int mr_worker_self(void) {
    return mr_self_worker ? (int)mr_self_worker->id : -1;
}

/* Set once a MSG_RING fails (a kernel without it): a kernel capability, so
 * every worker then wakes others through their eventfd. */
static _Atomic bool msg_ring_broken;

static void wake(mr_worker_t *target) {
    mr_worker_t *self = mr_self_worker;
    if (self && !atomic_load_explicit(&msg_ring_broken, memory_order_relaxed)) {
        /* through the rings: the SQE goes out with this worker's next
         * submit, at the end of its loop turn, at no extra syscall */
        struct io_uring_sqe *sqe = mr_worker_sqe(self);
        io_uring_prep_msg_ring(sqe, target->ring.ring_fd, 0,
                               ud_pack(UD_MAIL, 0, 0), 0);
        sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(sqe, ud_pack(UD_MAIL_SENT, target->id, 0));
        return;
    }
    mr_worker_wake(target);
}

void mr_task_post(unsigned worker, mr_task_t *t) {
    mr_worker_t *w = &mr_workers[worker];
    mr_task_t *head = atomic_load_explicit(&w->inbox, memory_order_relaxed);
    do {
        t->next = head;
    } while (!atomic_compare_exchange_weak_explicit(
        &w->inbox, &head, t, memory_order_release, memory_order_relaxed));
    if (w == mr_self_worker) return; /* drained before this turn ends */
    if (!atomic_exchange_explicit(&w->inbox_wake_pending, true,
                                  memory_order_acq_rel))
        wake(w);
}

void mr_mailbox_wake_failed(unsigned target) {
    atomic_store(&msg_ring_broken, true);
    mr_worker_wake(&mr_workers[target]);
}

void mr_mailbox_drain(mr_worker_t *w) {
    for (;;) {
        /* clear first: a post after this point wakes us again */
        atomic_store_explicit(&w->inbox_wake_pending, false,
                              memory_order_release);
        mr_task_t *t =
            atomic_exchange_explicit(&w->inbox, NULL, memory_order_acquire);
        if (!t) return;
        mr_task_t *fifo = NULL;
        while (t) { /* the stack is newest first */
            mr_task_t *next = t->next;
            t->next = fifo;
            fifo = t;
            t = next;
        }
        while (fifo) {
            mr_task_t *next = fifo->next;
            fifo->fn(fifo); /* may post more, to us or others */
            fifo = next;
        }
    }
}

void mr_task_discard_all(void) {
    for (unsigned i = 0; i < mr_nworkers; i++) {
        mr_task_t *t = atomic_exchange(&mr_workers[i].inbox, NULL);
        while (t) {
            mr_task_t *next = t->next;
            t->discard(t);
            t = next;
        }
    }
}
