/* The latency monitor (LATENCY LATEST/HISTORY/RESET): per event ("command",
 * "fast-command", ...) the last 160 seconds that saw a latency of at least
 * latency-monitor-threshold ms (one sample per second, the worst of it)
 * and the worst ever. One lock for all events, taken only by a sample over
 * the threshold and by the LATENCY commands. */
#ifndef MR_LATENCY_H
#define MR_LATENCY_H

#include <stdbool.h>
#include <stdint.h>

#define MR_LATENCY_TS_LEN 160 /* samples kept per event, as Redis */
#define MR_LATENCY_EVENTS 32  /* distinct events */

/* Records `ms` for event (a string literal or one that outlives the
 * server: the monitor keeps the pointer). The caller compared with the
 * threshold. */
void mr_latency_add_sample(const char *event, uint64_t ms);

typedef struct mr_latency_sample {
    int64_t time; /* unix seconds */
    uint32_t ms;
} mr_latency_sample_t;

/* LATENCY LATEST: calls fn for every event, in the order they first
 * appeared, with its newest sample and its maximum. Under the lock: fn
 * must not block or lock. */
void mr_latency_latest(void (*fn)(void *ctx, const char *event,
                                  mr_latency_sample_t last, uint32_t max),
                       void *ctx);
/* LATENCY HISTORY: copies the event's samples, oldest first, into out
 * (MR_LATENCY_TS_LEN slots); returns how many (0 for an unknown event). */
int mr_latency_history(const char *event, size_t len, mr_latency_sample_t *out);
/* LATENCY RESET: forgets the event (NULL: every event); returns how many
 * events were forgotten. */
int mr_latency_reset(const char *event, size_t len);

#endif
