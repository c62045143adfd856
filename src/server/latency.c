/* The latency monitor: see include/mr/latency.h. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "mr/latency.h"

typedef struct series {
    const char *event;
    int idx; /* next slot to write */
    uint32_t max;
    mr_latency_sample_t samples[MR_LATENCY_TS_LEN];
} series_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static series_t events[MR_LATENCY_EVENTS];
static int nevents;

static series_t *find(const char *event, size_t len) {
    for (int i = 0; i < nevents; i++)
        if (strlen(events[i].event) == len &&
            memcmp(events[i].event, event, len) == 0)
            return &events[i];
    return NULL;
}

void mr_latency_add_sample(const char *event, uint64_t ms) {
    uint32_t lat = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&lock);
    series_t *s = find(event, strlen(event));
    if (!s && nevents < MR_LATENCY_EVENTS) {
        s = &events[nevents++];
        memset(s, 0, sizeof *s);
        s->event = event;
    }
    if (s) {
        if (lat > s->max) s->max = lat;
        /* one sample per second: the worst latency of that second */
        int prev = (s->idx + MR_LATENCY_TS_LEN - 1) % MR_LATENCY_TS_LEN;
        if (s->samples[prev].time == now) {
            if (lat > s->samples[prev].ms) s->samples[prev].ms = lat;
        } else {
            s->samples[s->idx] = (mr_latency_sample_t){now, lat};
            s->idx = (s->idx + 1) % MR_LATENCY_TS_LEN;
        }
    }
    pthread_mutex_unlock(&lock);
}

void mr_latency_latest(void (*fn)(void *ctx, const char *event,
                                  mr_latency_sample_t last, uint32_t max),
                       void *ctx) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nevents; i++) {
        const series_t *s = &events[i];
        int last = (s->idx + MR_LATENCY_TS_LEN - 1) % MR_LATENCY_TS_LEN;
        fn(ctx, s->event, s->samples[last], s->max);
    }
    pthread_mutex_unlock(&lock);
}

int mr_latency_history(const char *event, size_t len, mr_latency_sample_t *out) {
    int n = 0;
    pthread_mutex_lock(&lock);
    const series_t *s = find(event, len);
    for (int j = 0; s && j < MR_LATENCY_TS_LEN; j++) {
        const mr_latency_sample_t *x = &s->samples[(s->idx + j) % MR_LATENCY_TS_LEN];
        if (x->time) out[n++] = *x;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

int mr_latency_reset(const char *event, size_t len) {
    int n = 0;
    pthread_mutex_lock(&lock);
    if (!event) {
        n = nevents;
        nevents = 0;
    } else {
        series_t *s = find(event, len);
        if (s) {
            int i = (int)(s - events);
            memmove(&events[i], &events[i + 1],
                    sizeof *events * (size_t)(nevents - i - 1));
            nevents--;
            n = 1;
        }
    }
    pthread_mutex_unlock(&lock);
    return n;
}
