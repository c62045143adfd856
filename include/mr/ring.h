/* A bounded lock-free multi-producer, single-consumer ring of variable-size
 * records (the AOF's write records; see src/persist/ring.c).
 *
 * A producer reserves a record's place with one atomic add; the order of
 * reservations is the order the consumer sees, whatever order the producers
 * finish filling their records in (the consumer stops at the first record
 * not yet committed). That lets a command reserve while it holds its shard
 * locks, which fixes its place, and copy its bytes after it unlocks.
 *
 * Full ring: mr_ring_reserve() waits for the consumer to free room. That is
 * the disk's backpressure; a record is never dropped. A record larger than a
 * sixteenth of the ring is kept out of line (a heap buffer the ring points
 * at), so any record size works with any ring size.
 *
 * Positions are byte offsets in a 64-bit space that never wraps in
 * practice; mr_ring_rec_t.end is the position just past a record, which the
 * AOF uses to say "everything up to here is on disk". */
#ifndef MR_RING_H
#define MR_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mr_ring mr_ring_t;

/* A reservation a producer fills with mr_ring_write() and then commits. */
typedef struct mr_ring_resv {
    uint64_t pos;  /* where the record starts */
    uint64_t end;  /* just past it */
    size_t len;    /* payload bytes promised */
    char *big;     /* out-of-line payload, or NULL */
} mr_ring_resv_t;

/* A committed record as the consumer sees it: the payload in one or two
 * pieces (two when it wraps round the end of the ring). */
typedef struct mr_ring_rec {
    uint64_t pos, end;
    int32_t tag; /* the producer's tag (the AOF: the record's database) */
    const char *p1, *p2;
    size_t n1, n2;
} mr_ring_rec_t;

/* cap: bytes, a power of two >= 256. */
mr_ring_t *mr_ring_new(size_t cap);
/* Frees the ring and any out-of-line payload still in it. No producer or
 * consumer may be running. */
void mr_ring_free(mr_ring_t *r);

/* ---- producers (any thread) ---- */
/* Reserves room for a record of len payload bytes tagged `tag`, waiting
 * while the ring is full. Every reservation must be committed, or the
 * consumer stops there for good. */
void mr_ring_reserve(mr_ring_t *r, size_t len, int32_t tag,
                     mr_ring_resv_t *rv);
/* Copies n bytes to payload offset off (off + n <= rv->len). */
void mr_ring_write(mr_ring_t *r, const mr_ring_resv_t *rv, size_t off,
                   const void *p, size_t n);
/* Publishes the record; wakes the consumer if it sleeps. */
void mr_ring_commit(mr_ring_t *r, const mr_ring_resv_t *rv);
/* The position the next reservation will get (exact only while no producer
 * can reserve, e.g. with every shard lock held). */
uint64_t mr_ring_head(const mr_ring_t *r);

/* ---- the one consumer ---- */
/* The oldest record, if it is committed. Repeated calls return the same
 * record until it is released. */
bool mr_ring_peek(mr_ring_t *r, mr_ring_rec_t *rec);
/* Frees the record peek returned (its bytes must not be used after). */
void mr_ring_release(mr_ring_t *r, const mr_ring_rec_t *rec);
/* Sleeps until the oldest record is committed or timeout_us microseconds
 * pass (returns at once when it already is). Returns whether one is
 * ready. */
bool mr_ring_wait(mr_ring_t *r, long timeout_us);
/* Lazy mode: producers wake a sleeping consumer only once the ring is a
 * quarter full; the consumer then polls on its own timeout. For consumers
 * that need no low latency (the AOF under everysec/no): it saves a wake-up
 * and two context switches per small batch. Off by default. */
void mr_ring_set_lazy(mr_ring_t *r, bool lazy);
/* Bytes reserved and not yet released (INFO aof_buffer_length). */
uint64_t mr_ring_used(const mr_ring_t *r);
/* The position of the oldest record not yet released. */
uint64_t mr_ring_tail(const mr_ring_t *r);

#endif
