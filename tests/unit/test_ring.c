/* The AOF record ring: wrap-around, out-of-line records, commit order, and
 * many producers against one consumer on a small ring (backpressure),
 * checking that nothing is lost or reordered: per producer the records
 * arrive in the order they were reserved, and records reserved under a
 * per-key lock (as dispatch does under shard locks) arrive in the order the
 * lock was held. Also built for the ThreadSanitizer stand-in (tests/tsan). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/ring.h"
#include "mr/util.h"

static void nop(void) {}
TestSuite(ring, .init = nop, .fini = nop);

static void push(mr_ring_t *r, const void *p, size_t n, int tag) {
    mr_ring_resv_t rv;
    mr_ring_reserve(r, n, tag, &rv);
    mr_ring_write(r, &rv, 0, p, n);
    mr_ring_commit(r, &rv);
}

/* Copies the payload of the oldest record into out (returns its length). */
static size_t pop(mr_ring_t *r, char *out, int *tag) {
    mr_ring_rec_t rec;
    cr_assert(mr_ring_peek(r, &rec));
    memcpy(out, rec.p1, rec.n1);
    if (rec.n2) memcpy(out + rec.n1, rec.p2, rec.n2);
    if (tag) *tag = rec.tag;
    size_t n = rec.n1 + rec.n2;
    mr_ring_release(r, &rec);
    return n;
}

Test(ring, wraps_and_keeps_bytes) {
    mr_ring_t *r = mr_ring_new(256);
    char in[64], out[4096];
    /* lengths chosen so records straddle the end of the array */
    for (int i = 0; i < 500; i++) {
        size_t n = (size_t)(i * 7) % 15; /* inline: below 256/16 */
        for (size_t k = 0; k < n; k++) in[k] = (char)(i + (int)k);
        push(r, in, n, i);
        int tag;
        size_t got = pop(r, out, &tag);
        cr_assert_eq(got, n);
        cr_assert_eq(tag, i);
        cr_assert(memcmp(in, out, n) == 0);
    }
    mr_ring_rec_t rec;
    cr_assert_not(mr_ring_peek(r, &rec));
    cr_assert_eq(mr_ring_used(r), 0);
    mr_ring_free(r);
}

Test(ring, big_records_go_out_of_line) {
    mr_ring_t *r = mr_ring_new(256);
    size_t n = 10000; /* far larger than the ring */
    char *in = malloc(n), *out = malloc(n);
    for (size_t k = 0; k < n; k++) in[k] = (char)(k * 31);
    push(r, in, n, 3);
    push(r, "x", 1, 4);
    int tag;
    cr_assert_eq(pop(r, out, &tag), n);
    cr_assert_eq(tag, 3);
    cr_assert(memcmp(in, out, n) == 0);
    cr_assert_eq(pop(r, out, &tag), 1);
    cr_assert_eq(out[0], 'x');
    push(r, in, n, 5); /* left in the ring: mr_ring_free releases it */
    mr_ring_free(r);
    free(in);
    free(out);
}

Test(ring, consumer_waits_for_the_oldest_reservation) {
    mr_ring_t *r = mr_ring_new(1024);
    mr_ring_resv_t a, b;
    mr_ring_reserve(r, 1, 1, &a);
    mr_ring_reserve(r, 1, 2, &b);
    cr_assert_eq(mr_ring_head(r), b.end);
    mr_ring_write(r, &b, 0, "b", 1);
    mr_ring_commit(r, &b);
    mr_ring_rec_t rec;
    cr_assert_not(mr_ring_peek(r, &rec), "b is committed, a is not");
    cr_assert_not(mr_ring_wait(r, 10000));
    mr_ring_write(r, &a, 0, "a", 1);
    mr_ring_commit(r, &a);
    cr_assert(mr_ring_wait(r, 10000));
    char out[8];
    int tag;
    pop(r, out, &tag);
    cr_assert_eq(out[0], 'a');
    cr_assert_eq(tag, 1);
    pop(r, out, &tag);
    cr_assert_eq(out[0], 'b');
    mr_ring_free(r);
}

/* ---- many producers ---- */

#define PRODUCERS 8
#define PER_PRODUCER 20000
#define KEYS 4

typedef struct {
    mr_ring_t *r;
    int id;
} prod_arg_t;

/* Per-key "execution": the counter is advanced and the record reserved
 * under the key's lock; the payload is written after the unlock. */
static pthread_mutex_t key_lock[KEYS] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static uint64_t key_counter[KEYS];

typedef struct {
    uint32_t producer, seq, key, fill;
    uint64_t key_seq;
} rec_hdr_t;

static void *producer(void *p) {
    prod_arg_t *a = p;
    unsigned seed = (unsigned)a->id * 7919u + 1;
    char buf[sizeof(rec_hdr_t) + 600];
    for (uint32_t i = 0; i < PER_PRODUCER; i++) {
        rec_hdr_t h = {(uint32_t)a->id, i, (uint32_t)(rand_r(&seed) % KEYS),
                       0, 0};
        /* mostly small, sometimes past the out-of-line threshold */
        h.fill = (uint32_t)(rand_r(&seed) % 100 == 0 ? 300 + rand_r(&seed) % 300
                                                     : rand_r(&seed) % 40);
        mr_ring_resv_t rv;
        pthread_mutex_lock(&key_lock[h.key]);
        h.key_seq = ++key_counter[h.key];
        mr_ring_reserve(a->r, sizeof h + h.fill, a->id, &rv);
        pthread_mutex_unlock(&key_lock[h.key]);
        memcpy(buf, &h, sizeof h);
        memset(buf + sizeof h, (int)(h.seq & 0xff), h.fill);
        /* written in two pieces, as dispatch writes argv piece by piece */
        mr_ring_write(a->r, &rv, 0, buf, sizeof h);
        mr_ring_write(a->r, &rv, sizeof h, buf + sizeof h, h.fill);
        mr_ring_commit(a->r, &rv);
    }
    return NULL;
}

Test(ring, many_producers_no_loss_in_order, .timeout = 120) {
    /* 4 KiB: constantly full, so producers wait on the consumer */
    mr_ring_t *r = mr_ring_new(4096);
    pthread_t th[PRODUCERS];
    prod_arg_t args[PRODUCERS];
    memset(key_counter, 0, sizeof key_counter);
    for (int i = 0; i < PRODUCERS; i++) {
        args[i] = (prod_arg_t){r, i};
        pthread_create(&th[i], NULL, producer, &args[i]);
    }
    uint32_t next_seq[PRODUCERS] = {0};
    uint64_t next_key_seq[KEYS] = {1, 1, 1, 1};
    long total = 0;
    uint64_t last_end = 0;
    char out[sizeof(rec_hdr_t) + 600];
    while (total < (long)PRODUCERS * PER_PRODUCER) {
        if (!mr_ring_wait(r, 1000000)) continue;
        mr_ring_rec_t rec;
        cr_assert(mr_ring_peek(r, &rec));
        cr_assert_eq(rec.pos, last_end, "records are contiguous");
        last_end = rec.end;
        size_t n = rec.n1 + rec.n2;
        cr_assert_geq(n, sizeof(rec_hdr_t));
        memcpy(out, rec.p1, rec.n1);
        if (rec.n2) memcpy(out + rec.n1, rec.p2, rec.n2);
        mr_ring_release(r, &rec);
        rec_hdr_t h;
        memcpy(&h, out, sizeof h);
        cr_assert_lt(h.producer, PRODUCERS);
        cr_assert_eq(rec.tag, (int32_t)h.producer);
        cr_assert_eq(h.seq, next_seq[h.producer], "producer %u: got %u want %u",
                     h.producer, h.seq, next_seq[h.producer]);
        next_seq[h.producer]++;
        cr_assert_eq(h.key_seq, next_key_seq[h.key],
                     "key %u: record of step %llu came at step %llu", h.key,
                     (unsigned long long)h.key_seq,
                     (unsigned long long)next_key_seq[h.key]);
        next_key_seq[h.key]++;
        cr_assert_eq(n, sizeof h + h.fill);
        for (uint32_t k = 0; k < h.fill; k++)
            cr_assert_eq((unsigned char)out[sizeof h + k], h.seq & 0xff);
        total++;
    }
    for (int i = 0; i < PRODUCERS; i++) pthread_join(th[i], NULL);
    mr_ring_rec_t rec;
    cr_assert_not(mr_ring_peek(r, &rec));
    cr_assert_eq(mr_ring_used(r), 0);
    mr_ring_free(r);
}
