/* Keyspace notifications (notify-keyspace-events): commands announce what
 * they did to a key, as Redis does, on __keyspace@<db>__:<key> (message:
 * the event) and __keyevent@<db>__:<event> (message: the key).
 *
 * Call mr_notify from inside the command, under its shard locks, so the
 * notifications of one key come in execution order. With notifications
 * off (the default) it costs one relaxed load and one branch. */
#ifndef MR_NOTIFY_H
#define MR_NOTIFY_H

#include <stdatomic.h>
#include <stddef.h>

#include "mr/config.h"

/* Redis's bits and letters. */
enum {
    MR_NOTIFY_KEYSPACE = 1 << 0, /* K */
    MR_NOTIFY_KEYEVENT = 1 << 1, /* E */
    MR_NOTIFY_GENERIC = 1 << 2,  /* g */
    MR_NOTIFY_STRING = 1 << 3,   /* $ */
    MR_NOTIFY_LIST = 1 << 4,     /* l */
    MR_NOTIFY_SET = 1 << 5,      /* s */
    MR_NOTIFY_HASH = 1 << 6,     /* h */
    MR_NOTIFY_ZSET = 1 << 7,     /* z */
    MR_NOTIFY_EXPIRED = 1 << 8,  /* x */
    MR_NOTIFY_EVICTED = 1 << 9,  /* e */
    MR_NOTIFY_STREAM = 1 << 10,  /* t */
    MR_NOTIFY_KEY_MISS = 1 << 11, /* m: not part of A */
    MR_NOTIFY_MODULE = 1 << 13,  /* d */
    MR_NOTIFY_NEW = 1 << 14,     /* n: not part of A */
};
#define MR_NOTIFY_ALL                                                        \
    (MR_NOTIFY_GENERIC | MR_NOTIFY_STRING | MR_NOTIFY_LIST | MR_NOTIFY_SET | \
     MR_NOTIFY_HASH | MR_NOTIFY_ZSET | MR_NOTIFY_EXPIRED |                   \
     MR_NOTIFY_EVICTED | MR_NOTIFY_STREAM | MR_NOTIFY_MODULE)

/* Publishes the notifications; use mr_notify. */
void mr_notify_publish(int type, const char *event, const void *key,
                       size_t klen, int db);

/* `type` is one class bit (MR_NOTIFY_STRING, ...), `event` Redis's event
 * name ("set", "expired", ...). Any thread. */
static inline void mr_notify(int type, const char *event, const void *key,
                             size_t klen, int db) {
    if (__builtin_expect((MR_CFG(notify_keyspace_events) & type) != 0, 0))
        mr_notify_publish(type, event, key, klen, db);
}

/* The option's text as CONFIG SET takes it: returns the bits, or -1 for a
 * character that is no class. */
int mr_notify_parse(const char *s);
/* The bits as CONFIG GET shows them (Redis's order); out >= 32 bytes. */
void mr_notify_format(int flags, char *out);

#endif
