/* Per-key access metadata: the LRU clock and Redis's logarithmic LFU
 * counter, as 24-bit values kept in an entry's meta word (mr/evict.h).
 * Pure functions: the keyspace stamps entries with them on access, the
 * eviction scores candidates with them, OBJECT reports them. */
#include <stdint.h>

#include "mr/evict.h"
#include "mr/store.h"

#define LFU_MINUTES_MAX 0xffffu

uint32_t mr_lfu_minutes(int64_t now_ms) {
    return (uint32_t)(now_ms / 60000) & LFU_MINUTES_MAX;
}

uint32_t mr_lfu_elapsed(uint32_t then, uint32_t now) {
    /* Redis's arithmetic on the wrapped clock (65535, not 65536: an
     * off-by-one it has, harmless at minute resolution) */
    return now >= then ? now - then : LFU_MINUTES_MAX - then + now;
}

unsigned mr_lfu_decayed(uint32_t clock, uint32_t now_min, long long decay) {
    unsigned counter = clock & 0xffu;
    if (decay <= 0) return counter;
    unsigned long long periods =
        mr_lfu_elapsed(clock >> 8, now_min) / (unsigned long long)decay;
    return periods >= counter ? 0 : counter - (unsigned)periods;
}

unsigned mr_lfu_log_incr(unsigned counter, uint32_t rnd, long long factor) {
    if (counter >= 255) return 255;
    unsigned long long base =
        counter > MR_LFU_INIT_VAL ? counter - MR_LFU_INIT_VAL : 0;
    if (factor < 0) factor = 0;
    /* p = 1 / (base * factor + 1) against a uniform 32-bit draw, in
     * integers: rnd / 2^32 < 1 / denom  <=>  rnd * denom < 2^32 */
    unsigned long long denom = base * (unsigned long long)factor + 1;
    if (denom >= (1ULL << 32)) return rnd == 0 ? counter + 1 : counter;
    return (unsigned long long)rnd * denom < (1ULL << 32) ? counter + 1
                                                          : counter;
}

uint32_t mr_lfu_access(uint32_t clock, uint32_t now_min, uint32_t rnd,
                       long long factor, long long decay) {
    unsigned c = mr_lfu_decayed(clock, now_min, decay);
    c = mr_lfu_log_incr(c, rnd, factor);
    return (now_min << 8) | c;
}

uint32_t mr_lru_idle(uint32_t then, uint32_t now) {
    /* the clock wraps every 2^24 seconds (194 days), as Redis's does */
    return now >= then ? now - then : now + (MR_LRU_MAX - then);
}
