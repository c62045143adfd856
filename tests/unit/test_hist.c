/* Latency histogram: slot boundaries, two-significant-digit precision, and
 * percentiles against a sorted array of the same random samples. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mr/hist.h"

/* The range a value falls in, computed independently of mr_hist_index:
 * below 256 exact, else 128 equal steps per power of two. */
static void ref_range(uint64_t v, uint64_t *lo, uint64_t *hi) {
    if (v < 1) v = 1;
    if (v > MR_HIST_MAX) v = MR_HIST_MAX;
    if (v < 256) {
        *lo = *hi = v;
        return;
    }
    int bits = 0;
    while ((v >> bits) > 1) bits++; /* floor(log2 v) */
    uint64_t step = 1ULL << (bits - 7);
    *lo = v / step * step;
    *hi = *lo + step - 1;
}

Test(hist, slots_cover_values_without_gaps) {
    /* consecutive slots are adjacent ranges, from 0 to past the maximum */
    cr_assert_eq(mr_hist_lowest(0), 0);
    for (unsigned i = 1; i < MR_HIST_LEN; i++)
        cr_assert_eq(mr_hist_lowest(i), mr_hist_highest(i - 1) + 1, "slot %u", i);
    cr_assert_geq(mr_hist_highest(MR_HIST_LEN - 1), MR_HIST_MAX);
}

Test(hist, index_matches_reference_ranges) {
    srand(7);
    for (int k = 0; k < 200000; k++) {
        uint64_t v = k < 70000 ? (uint64_t)k
                               : ((uint64_t)rand() << 16 ^ (uint64_t)rand()) % (MR_HIST_MAX + 10);
        unsigned i = mr_hist_index(v);
        uint64_t lo, hi;
        ref_range(v, &lo, &hi);
        cr_assert_lt(i, MR_HIST_LEN);
        cr_assert_eq(mr_hist_lowest(i), lo, "v=%llu", (unsigned long long)v);
        cr_assert_eq(mr_hist_highest(i), hi, "v=%llu", (unsigned long long)v);
        /* two significant digits: the range is under 1% of its values */
        if (lo >= 256) cr_assert_lt((double)(hi - lo), lo / 100.0 + 1);
    }
}

Test(hist, clamps_out_of_range) {
    cr_assert_eq(mr_hist_index(0), mr_hist_index(1));
    cr_assert_eq(mr_hist_index(MR_HIST_MAX * 5), mr_hist_index(MR_HIST_MAX));
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

Test(hist, percentiles_against_sorted_samples) {
    static mr_hist_t h;
    static uint64_t vals[50000];
    const double pcts[] = {0, 0.1, 1, 25, 50, 90, 99, 99.9, 99.99, 100};
    srand(11);
    for (int round = 0; round < 20; round++) {
        mr_hist_reset(&h);
        int n = 1 + rand() % 50000;
        for (int i = 0; i < n; i++) {
            /* log-uniform: latencies span orders of magnitude */
            int mag = rand() % 9;
            uint64_t base = 1;
            for (int m = 0; m < mag; m++) base *= 10;
            vals[i] = base + (uint64_t)rand() % (base * 9);
            mr_hist_record(&h, vals[i]);
        }
        qsort(vals, (size_t)n, sizeof vals[0], cmp_u64);
        cr_assert_eq(mr_hist_total(&h), (uint64_t)n);
        for (size_t p = 0; p < sizeof pcts / sizeof pcts[0]; p++) {
            uint64_t rank = (uint64_t)(pcts[p] / 100.0 * n + 0.5);
            if (rank < 1) rank = 1;
            uint64_t lo, hi;
            ref_range(vals[rank - 1], &lo, &hi);
            uint64_t want = pcts[p] == 0 ? lo : hi;
            cr_assert_eq(mr_hist_percentile(&h, pcts[p]), want,
                         "round %d n=%d p%.2f", round, n, pcts[p]);
        }
    }
}

Test(hist, add_sums_counts_and_empty_is_zero) {
    static mr_hist_t a, b, sum;
    cr_assert_eq(mr_hist_percentile(&a, 50), 0);
    for (uint64_t v = 1000; v < 2000; v++) mr_hist_record(&a, v);
    for (uint64_t v = 5000; v < 5100; v++) mr_hist_record(&b, v);
    mr_hist_add(&sum, &a);
    mr_hist_add(&sum, &b);
    cr_assert_eq(mr_hist_total(&sum), 1100);
    /* rank 1089 of 1100 (p99) is among b's samples */
    cr_assert_geq(mr_hist_percentile(&sum, 99), 5000);
    cr_assert_lt(mr_hist_percentile(&sum, 50), 2000);
}
