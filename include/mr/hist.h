/* Latency histograms for INFO latencystats: the bucketing of an
 * HdrHistogram with two significant digits over 1 ns .. 1 s (the layout
 * Redis 7 records its per-command latencies in), so percentiles come out
 * as Redis computes them: the highest value equivalent to the sample at
 * that rank, within 1% of it.
 *
 * Values are nanoseconds, clamped to [1, MR_HIST_MAX]. Index i < 256 holds
 * exactly the value i; above that each power-of-two range [2^k, 2^(k+1))
 * is split into 128 equal sub-buckets.
 *
 * One writer per histogram (the worker that owns it) and any number of
 * readers: counts are atomics written with a relaxed load and store, so a
 * reader may see a sample in the counts a moment before or after it
 * happened, never a torn value. */
#ifndef MR_HIST_H
#define MR_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define MR_HIST_MAX 1000000000ULL /* 1 s */
#define MR_HIST_SUB_BITS 7        /* 128 sub-buckets per power of two */
#define MR_HIST_BUCKETS 23        /* powers of two above 2^7 up to 2^30 */
#define MR_HIST_LEN ((MR_HIST_BUCKETS + 1) << MR_HIST_SUB_BITS)

typedef struct mr_hist {
    _Atomic uint64_t counts[MR_HIST_LEN];
} mr_hist_t;

/* The slot a value lands in. */
static inline unsigned mr_hist_index(uint64_t v) {
    if (v < 1) v = 1;
    if (v > MR_HIST_MAX) v = MR_HIST_MAX;
    /* 64 - clz(v | 255) is the bit length of v, at least 8 */
    unsigned bucket = (unsigned)(64 - __builtin_clzll(v | 255)) - 8;
    unsigned sub = (unsigned)(v >> bucket);
    return ((bucket + 1) << MR_HIST_SUB_BITS) + sub - (1u << MR_HIST_SUB_BITS);
}

/* Owner only: adds one sample. */
static inline void mr_hist_record(mr_hist_t *h, uint64_t v) {
    _Atomic uint64_t *c = &h->counts[mr_hist_index(v)];
    atomic_store_explicit(
        c, atomic_load_explicit(c, memory_order_relaxed) + 1,
        memory_order_relaxed);
}

/* Smallest and largest value slot i stands for. */
uint64_t mr_hist_lowest(unsigned i);
uint64_t mr_hist_highest(unsigned i);

/* Adds every count of src into dst (dst is the caller's, not shared). */
void mr_hist_add(mr_hist_t *dst, const mr_hist_t *src);
/* Zeroes every count (the owner, or any thread at CONFIG RESETSTAT: a
 * sample recorded at the same instant may survive). */
void mr_hist_reset(mr_hist_t *h);
uint64_t mr_hist_total(const mr_hist_t *h);
/* The value at percentile pct (0..100): the highest value equivalent to
 * the sample of rank round(pct% of the total), at least rank 1; the
 * lowest equivalent value for pct 0; 0 for an empty histogram. */
uint64_t mr_hist_percentile(const mr_hist_t *h, double pct);

#endif
