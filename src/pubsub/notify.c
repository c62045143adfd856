/* Keyspace notifications: the option's letters and the two publications
 * each event makes (see include/mr/notify.h). */
#include <stdio.h>
#include <string.h>

#include "mr/notify.h"
#include "mr/pubsub.h"
#include "mr/util.h"

int mr_notify_parse(const char *s) {
    static const struct {
        char ch;
        int bits;
    } letters[] = {
        {'A', MR_NOTIFY_ALL},      {'g', MR_NOTIFY_GENERIC},
        {'$', MR_NOTIFY_STRING},   {'l', MR_NOTIFY_LIST},
        {'s', MR_NOTIFY_SET},      {'h', MR_NOTIFY_HASH},
        {'z', MR_NOTIFY_ZSET},     {'x', MR_NOTIFY_EXPIRED},
        {'e', MR_NOTIFY_EVICTED},  {'K', MR_NOTIFY_KEYSPACE},
        {'E', MR_NOTIFY_KEYEVENT}, {'t', MR_NOTIFY_STREAM},
        {'m', MR_NOTIFY_KEY_MISS}, {'d', MR_NOTIFY_MODULE},
        {'n', MR_NOTIFY_NEW},
    };
    int flags = 0;
    for (; *s; s++) {
        size_t i = 0, n = sizeof letters / sizeof letters[0];
        while (i < n && letters[i].ch != *s) i++;
        if (i == n) return -1;
        flags |= letters[i].bits;
    }
    return flags;
}

void mr_notify_format(int flags, char *out) {
    char *p = out;
    if ((flags & MR_NOTIFY_ALL) == MR_NOTIFY_ALL) {
        /* as Redis: with A, the n class is not shown even when set */
        *p++ = 'A';
    } else {
        static const struct {
            int bit;
            char ch;
        } order[] = {
            {MR_NOTIFY_GENERIC, 'g'}, {MR_NOTIFY_STRING, '$'},
            {MR_NOTIFY_LIST, 'l'},    {MR_NOTIFY_SET, 's'},
            {MR_NOTIFY_HASH, 'h'},    {MR_NOTIFY_ZSET, 'z'},
            {MR_NOTIFY_EXPIRED, 'x'}, {MR_NOTIFY_EVICTED, 'e'},
            {MR_NOTIFY_STREAM, 't'},  {MR_NOTIFY_MODULE, 'd'},
            {MR_NOTIFY_NEW, 'n'},
        };
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
            if (flags & order[i].bit) *p++ = order[i].ch;
    }
    if (flags & MR_NOTIFY_KEYSPACE) *p++ = 'K';
    if (flags & MR_NOTIFY_KEYEVENT) *p++ = 'E';
    if (flags & MR_NOTIFY_KEY_MISS) *p++ = 'm';
    *p = '\0';
}

/* Channel names of small keys are built on the stack. */
#define CHAN_STACK 256

/* Publishes msg on "<kind>@<db>__:<name>" (kind: "__keyspace" or
 * "__keyevent"). */
static void publish_on(const char *kind, int db, const void *name,
                       size_t nlen, const void *msg, size_t mlen) {
    char prefix[40];
    char stack[CHAN_STACK];
    int pl = snprintf(prefix, sizeof prefix, "%s@%d__:", kind, db);
    size_t n = (size_t)pl + nlen;
    char *chan = n <= CHAN_STACK ? stack : mr_xmalloc(n);
    memcpy(chan, prefix, (size_t)pl);
    memcpy(chan + pl, name, nlen);
    mr_pubsub_publish(MR_PS_CHANNEL, chan, n, msg, mlen);
    if (chan != stack) mr_free(chan);
}

void mr_notify_publish(int type, const char *event, const void *key,
                       size_t klen, int db) {
    (void)type;
    long long flags = MR_CFG(notify_keyspace_events);
    size_t elen = strlen(event);
    if (flags & MR_NOTIFY_KEYSPACE)
        publish_on("__keyspace", db, key, klen, event, elen);
    if (flags & MR_NOTIFY_KEYEVENT)
        publish_on("__keyevent", db, event, elen, key, klen);
}
