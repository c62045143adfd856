/* The bounded MPSC record ring (include/mr/ring.h).
 *
 * Layout: a power-of-two byte array; each record is a 16-byte header (the
 * commit word, the payload length, the tag) and its payload padded to 16,
 * so a header never straddles the end of the array while a payload may.
 * `head` is the next free position (producers fetch_add it), `tail` the
 * oldest record not yet released (only the consumer moves it).
 *
 * The commit word of the record at position p holds (p + 1) ^ key once the
 * producer has filled it (store-release after the payload). The consumer
 * reads the word at `tail`: any other value means "not committed yet", so
 * records are consumed strictly in reservation order. `key` is random per
 * ring: the word at a future header position may hold stale bytes of an
 * older record's payload (the clients' bytes, which could be made to look
 * like anything), and without the key they could be made to look
 * committed. With it, a client would have to guess 64 random bits.
 *
 * Sleeping: the consumer announces itself in `sleeping`, re-checks, and
 * waits on the `futex` word; the first producer that takes `sleeping` after
 * its commit bumps the word and wakes it. Both sides put a seq_cst fence
 * between their store and their load, so one of them sees the other. */
#include "mr/ring.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mr/util.h"

#define HDR 16u
#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)
#define BIG_FLAG 0x80000000u

typedef struct hdr {
    _Atomic uint64_t seq; /* position + 1 once committed */
    uint32_t len;         /* payload bytes, BIG_FLAG when out of line */
    int32_t tag;
} hdr_t;

struct mr_ring {
    char *buf;
    size_t cap, mask, big_min;
    uint64_t key; /* commit words are (pos + 1) ^ key */
    alignas(64) _Atomic uint64_t head;
    alignas(64) _Atomic uint64_t tail;
    alignas(64) _Atomic uint32_t futex;
    _Atomic uint32_t sleeping;
    _Atomic bool lazy;
};

mr_ring_t *mr_ring_new(size_t cap) {
    if (cap < 256 || (cap & (cap - 1))) abort();
    mr_ring_t *r = mr_xcalloc(1, sizeof *r);
    r->buf = mr_xcalloc(1, cap);
    r->cap = cap;
    r->mask = cap - 1;
    /* Beyond this a payload goes out of line: a ring then always holds at
     * least 16 records, and no single record can exceed the ring. */
    r->big_min = cap / 16;
    if (getrandom(&r->key, sizeof r->key, 0) != (ssize_t)sizeof r->key)
        r->key = (uint64_t)mr_ustime() * 0x9e3779b97f4a7c15ULL;
    return r;
}

static hdr_t *hdr_at(const mr_ring_t *r, uint64_t pos) {
    return (hdr_t *)(r->buf + (pos & r->mask));
}

static bool is_big(const mr_ring_t *r, size_t len) {
    return len >= r->big_min || len >= BIG_FLAG;
}

void mr_ring_free(mr_ring_t *r) {
    if (!r) return;
    mr_ring_rec_t rec;
    while (mr_ring_peek(r, &rec)) mr_ring_release(r, &rec);
    mr_free(r->buf);
    mr_free(r);
}

/* Waiting for room is the only wait a producer makes, and it may hold shard
 * locks meanwhile: spin briefly (the consumer usually frees room within
 * microseconds), then yield, then sleep in short steps. */
static void wait_room(mr_ring_t *r, uint64_t end) {
    unsigned spins = 0;
    while (end - atomic_load_explicit(&r->tail, memory_order_acquire) >
           r->cap) {
        if (++spins < 64) continue;
        if (spins < 256) {
            sched_yield();
            continue;
        }
        struct timespec ts = {0, 50 * 1000};
        nanosleep(&ts, NULL);
    }
}

void mr_ring_reserve(mr_ring_t *r, size_t len, int32_t tag,
                     mr_ring_resv_t *rv) {
    bool big = is_big(r, len);
    /* a big record's slot holds the pointer and the 64-bit length */
    size_t size = HDR + (big ? 16 : ALIGN16(len));
    uint64_t pos = atomic_fetch_add_explicit(&r->head, size,
                                             memory_order_relaxed);
    rv->pos = pos;
    rv->end = pos + size;
    rv->len = len;
    rv->big = big ? mr_xmalloc(len ? len : 1) : NULL;
    wait_room(r, rv->end);
    hdr_t *h = hdr_at(r, pos);
    h->len = big ? (uint32_t)BIG_FLAG : (uint32_t)len;
    h->tag = tag;
}

void mr_ring_write(mr_ring_t *r, const mr_ring_resv_t *rv, size_t off,
                   const void *p, size_t n) {
    if (!n) return;
    if (rv->big) {
        memcpy(rv->big + off, p, n);
        return;
    }
    size_t at = (size_t)((rv->pos + HDR + off) & r->mask);
    size_t first = r->cap - at < n ? r->cap - at : n;
    memcpy(r->buf + at, p, first);
    if (first < n) memcpy(r->buf, (const char *)p + first, n - first);
}

void mr_ring_commit(mr_ring_t *r, const mr_ring_resv_t *rv) {
    hdr_t *h = hdr_at(r, rv->pos);
    if (rv->big) {
        /* header and slot are 16-aligned: the slot never wraps */
        uint64_t n = rv->len;
        char *slot = r->buf + ((rv->pos + HDR) & r->mask);
        memcpy(slot, &rv->big, sizeof rv->big);
        memcpy(slot + 8, &n, sizeof n);
    }
    atomic_store_explicit(&h->seq, (rv->pos + 1) ^ r->key,
                          memory_order_release);
    /* lazy: a wake-up missed for want of the fence costs at most one poll
     * interval of the consumer, so the fence is only paid when eager */
    bool lazy = atomic_load_explicit(&r->lazy, memory_order_relaxed);
    if (!lazy) atomic_thread_fence(memory_order_seq_cst);
    /* only the producer that takes the flag wakes: one syscall per sleep,
     * not one per record committed while the consumer sleeps */
    if (atomic_load_explicit(&r->sleeping, memory_order_relaxed) &&
        (!lazy ||
         rv->end - atomic_load_explicit(&r->tail, memory_order_relaxed) >
             r->cap / 4) &&
        atomic_exchange_explicit(&r->sleeping, 0, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&r->futex, 1, memory_order_relaxed);
        syscall(SYS_futex, &r->futex, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

void mr_ring_set_lazy(mr_ring_t *r, bool lazy) {
    atomic_store_explicit(&r->lazy, lazy, memory_order_relaxed);
}

uint64_t mr_ring_head(const mr_ring_t *r) {
    return atomic_load_explicit(&r->head, memory_order_relaxed);
}

uint64_t mr_ring_tail(const mr_ring_t *r) {
    return atomic_load_explicit(&r->tail, memory_order_relaxed);
}

uint64_t mr_ring_used(const mr_ring_t *r) {
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    return h > t ? h - t : 0;
}

static bool ready(const mr_ring_t *r) {
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return atomic_load_explicit(&hdr_at(r, t)->seq, memory_order_acquire) ==
           ((t + 1) ^ r->key);
}

bool mr_ring_peek(mr_ring_t *r, mr_ring_rec_t *rec) {
    if (!ready(r)) return false;
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    hdr_t *h = hdr_at(r, t);
    rec->pos = t;
    rec->tag = h->tag;
    rec->p2 = NULL;
    rec->n2 = 0;
    if (h->len & BIG_FLAG) {
        const char *slot = r->buf + ((t + HDR) & r->mask);
        char *big;
        uint64_t n;
        memcpy(&big, slot, sizeof big);
        memcpy(&n, slot + 8, sizeof n);
        rec->p1 = big;
        rec->n1 = (size_t)n;
        rec->end = t + HDR + 16;
        return true;
    }
    size_t len = h->len;
    size_t at = (size_t)((t + HDR) & r->mask);
    size_t first = r->cap - at < len ? r->cap - at : len;
    rec->p1 = r->buf + at;
    rec->n1 = first;
    if (first < len) {
        rec->p2 = r->buf;
        rec->n2 = len - first;
    }
    rec->end = t + HDR + ALIGN16(len);
    return true;
}

void mr_ring_release(mr_ring_t *r, const mr_ring_rec_t *rec) {
    hdr_t *h = hdr_at(r, rec->pos);
    if (h->len & BIG_FLAG) mr_free((char *)rec->p1);
    atomic_store_explicit(&r->tail, rec->end, memory_order_release);
}

bool mr_ring_wait(mr_ring_t *r, long timeout_us) {
    if (ready(r)) return true;
    uint32_t v = atomic_load_explicit(&r->futex, memory_order_relaxed);
    atomic_store_explicit(&r->sleeping, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (!ready(r)) {
        struct timespec ts = {timeout_us / 1000000,
                              (timeout_us % 1000000) * 1000L};
        syscall(SYS_futex, &r->futex, FUTEX_WAIT_PRIVATE, v, &ts, NULL, 0);
    }
    atomic_store_explicit(&r->sleeping, 0, memory_order_relaxed);
    return ready(r);
}
