/* Latency histograms: see include/mr/hist.h. */
#include <string.h>

#include "mr/hist.h"

#define HALF (1u << MR_HIST_SUB_BITS)

uint64_t mr_hist_lowest(unsigned i) {
    if (i < 2 * HALF) return i;
    unsigned bucket = (i >> MR_HIST_SUB_BITS) - 1;
    uint64_t sub = (i & (HALF - 1)) + HALF;
    return sub << bucket;
}

uint64_t mr_hist_highest(unsigned i) {
    if (i < 2 * HALF) return i;
    unsigned bucket = (i >> MR_HIST_SUB_BITS) - 1;
    return mr_hist_lowest(i) + (1ULL << bucket) - 1;
}

void mr_hist_add(mr_hist_t *dst, const mr_hist_t *src) {
    for (unsigned i = 0; i < MR_HIST_LEN; i++) {
        uint64_t v = atomic_load_explicit(&src->counts[i], memory_order_relaxed);
        if (v)
            atomic_store_explicit(
                &dst->counts[i],
                atomic_load_explicit(&dst->counts[i], memory_order_relaxed) + v,
                memory_order_relaxed);
    }
}

void mr_hist_reset(mr_hist_t *h) {
    for (unsigned i = 0; i < MR_HIST_LEN; i++)
        atomic_store_explicit(&h->counts[i], 0, memory_order_relaxed);
}

uint64_t mr_hist_total(const mr_hist_t *h) {
    uint64_t t = 0;
    for (unsigned i = 0; i < MR_HIST_LEN; i++)
        t += atomic_load_explicit(&h->counts[i], memory_order_relaxed);
    return t;
}

uint64_t mr_hist_percentile(const mr_hist_t *h, double pct) {
    uint64_t total = mr_hist_total(h);
    if (total == 0) return 0;
    if (pct > 100.0) pct = 100.0;
    if (pct < 0.0) pct = 0.0;
    uint64_t want = (uint64_t)(pct / 100.0 * (double)total + 0.5);
    if (want < 1) want = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < MR_HIST_LEN; i++) {
        seen += atomic_load_explicit(&h->counts[i], memory_order_relaxed);
        if (seen >= want)
            return pct == 0.0 ? mr_hist_lowest(i) : mr_hist_highest(i);
    }
    return 0; /* counts changed under us: a reader racing the writer */
}
